/*
 * Copyright (c) 2026 The natter authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * libFuzzer harness for msg_parse and msg_format. Beyond "does not
 * crash", it checks the round trip: a parsed message formatted again must
 * parse back to the same prefix, command and parameters, and the
 * formatted line may hold no CR, LF or NUL before its end.
 */

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		 line[MSG_TAGSLEN + MSG_LINELEN + 1];
	char		 out[MSG_TAGSLEN + MSG_LINELEN + 1], again[sizeof out];
	struct msg	 m, m2;
	const char	*errstr;
	int		 n, i;

	if (size >= sizeof line || memchr(data, '\0', size) != NULL)
		return (0);
	memcpy(line, data, size);
	line[size] = '\0';
	if (msg_parse(&m, line, &errstr) != 0) {
		assert(errstr != NULL);
		return (0);
	}
	assert(m.cmd != NULL && m.nparams >= 0 &&
	    m.nparams <= MSG_MAXPARAMS);
	for (i = 0; i < m.nparams; i++) {
		assert(strpbrk(m.params[i], "\r\n") == NULL);
		if (i < m.nparams - 1)
			assert(msg_param_ok(m.params[i], 0));
	}

	n = msg_format(out, sizeof out, m.prefix, m.cmd, m.nparams,
	    (const char *const *)m.params);
	if (n < 0)
		return (0);	/* only if it does not fit */
	assert((size_t)n == strlen(out));
	assert(n >= 2 && out[n - 2] == '\r' && out[n - 1] == '\n');
	assert(strpbrk(out, "\r\n") == out + n - 2);

	memcpy(again, out, n + 1);
	assert(msg_parse(&m2, again, &errstr) == 0);
	assert((m.prefix == NULL) == (m2.prefix == NULL));
	if (m.prefix != NULL)
		assert(strcmp(m.prefix, m2.prefix) == 0);
	assert(strcmp(m.cmd, m2.cmd) == 0);
	assert(m.nparams == m2.nparams);
	for (i = 0; i < m.nparams; i++)
		assert(strcmp(m.params[i], m2.params[i]) == 0);
	return (0);
}
