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
 * libFuzzer harness for the cluster bus codec (server/bus.c): whatever
 * anyone PUBLISHes is refused or parsed, never crashes, and a parsed
 * payload formats back to exactly the bytes it came from (the parser
 * takes nothing bus_format() would not write).
 */

#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "bus.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bus_msg	 m, back;
	char			 out[BUS_MAXLEN + 1];
	const char		*errstr = NULL;
	int			 n, i;

	if (bus_parse(&m, (const char *)data, size, &errstr) != 0) {
		assert(errstr != NULL);
		return (0);
	}
	assert(m.kind == BUS_MESSAGE || m.kind == BUS_PRIVATE ||
	    m.kind == BUS_STATE);
	n = bus_format(out, sizeof out, &m);
	assert(n >= 0 && (size_t)n == size);
	assert(memcmp(out, data, size) == 0);
	assert(bus_parse(&back, out, n, &errstr) == 0);
	assert(back.kind == m.kind && back.seq == m.seq && back.ms == m.ms);
	assert(back.nfields == m.nfields);
	for (i = 0; i < m.nfields; i++)
		assert(strcmp(back.fields[i], m.fields[i]) == 0);
	assert(strcmp(back.line, m.line) == 0);
	return (0);
}
