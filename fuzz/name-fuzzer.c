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
 * libFuzzer harness for UTF-8 and name rules: decoding agrees with
 * validation, cutting never splits a character, and a valid nickname or
 * channel name never holds a byte that would break a line or a mask.
 */

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "name.h"
#include "utf8.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		 buf[1024], fold[1024], enc[4];
	const char	*p, *end, *errstr;
	uint32_t	 cp;
	size_t		 max, cut, n;
	int		 valid, bad = 0;

	if (size >= sizeof buf)
		return (0);
	memcpy(buf, data, size);
	buf[size] = '\0';

	/* utf8_valid is exactly "utf8_decode never fails". */
	valid = utf8_valid(buf, size);
	for (p = buf, end = buf + size; p < end;) {
		const char *before = p;

		if (utf8_decode(&p, end, &cp) != 0) {
			bad = 1;
			assert(p == before + 1 && cp == UTF8_REPLACEMENT);
		} else {
			n = utf8_encode(cp, enc);
			assert(n == (size_t)(p - before));
			assert(memcmp(enc, before, n) == 0);
		}
	}
	assert(valid == !bad);

	/* A cut of valid text is valid and no longer than asked. */
	if (valid && size > 0) {
		max = data[0] % (size + 1);
		cut = utf8_cut(buf, size, max);
		assert(cut <= max);
		assert(utf8_valid(buf, cut));
		assert(cut + 3 >= max || cut == size);
	}

	if (memchr(buf, '\0', size) == NULL) {
		if (name_nick_valid(buf, NAME_NICKLEN, &errstr)) {
			assert(valid && size > 0);
			assert(strpbrk(buf, " ,!@*?:#\r\n\a") == NULL);
			assert(utf8_strlen(buf, size) <= NAME_NICKLEN);
		}
		if (name_chan_valid(buf, &errstr)) {
			assert(valid && buf[0] == '#' && size <= NAME_CHANLEN);
			assert(strpbrk(buf, " ,:\r\n\a") == NULL);
		}
		name_fold(fold, buf, sizeof fold);
		assert(name_cmp(fold, buf) == 0);
		assert(name_match("*", buf));
		assert(name_match(buf, buf) || strpbrk(buf, "*?") != NULL);
	}
	return (0);
}
