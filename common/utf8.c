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

/* Validate, decode, encode and cut UTF-8 on character boundaries. */

#include <string.h>

#include "utf8.h"

/*
 * Decode one code point at *sp, not reading at or past end. On success
 * advance *sp and return 0. On an invalid, overlong, surrogate or
 * truncated sequence set *cp to U+FFFD, skip one byte and return -1, so a
 * caller that shows text can go on with the next byte.
 */
int
utf8_decode(const char **sp, const char *end, uint32_t *cp)
{
	const unsigned char	*s = (const unsigned char *)*sp;
	const unsigned char	*e = (const unsigned char *)end;
	uint32_t		 c, min;
	size_t			 n, i;

	if (s >= e)
		return (-1);
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		*sp += 1;
		return (0);
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		goto bad;
	if ((size_t)(e - s) < n)
		goto bad;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*cp = c;
	*sp += n;
	return (0);
bad:
	*cp = UTF8_REPLACEMENT;
	*sp += 1;
	return (-1);
}

/* Return 1 if the len bytes at s are well-formed UTF-8. */
int
utf8_valid(const char *s, size_t len)
{
	const char	*end = s + len;
	uint32_t	 cp;

	while (s < end) {
		/* Fast path for ASCII runs, the common case on IRC. */
		if ((unsigned char)*s < 0x80) {
			s++;
			continue;
		}
		if (utf8_decode(&s, end, &cp) != 0)
			return (0);
	}
	return (1);
}

/* Encode cp into out (at least 4 bytes); return the number of bytes. */
size_t
utf8_encode(uint32_t cp, char *out)
{
	unsigned char	*o = (unsigned char *)out;

	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = UTF8_REPLACEMENT;
	if (cp < 0x80) {
		o[0] = cp;
		return (1);
	}
	if (cp < 0x800) {
		o[0] = 0xc0 | (cp >> 6);
		o[1] = 0x80 | (cp & 0x3f);
		return (2);
	}
	if (cp < 0x10000) {
		o[0] = 0xe0 | (cp >> 12);
		o[1] = 0x80 | ((cp >> 6) & 0x3f);
		o[2] = 0x80 | (cp & 0x3f);
		return (3);
	}
	o[0] = 0xf0 | (cp >> 18);
	o[1] = 0x80 | ((cp >> 12) & 0x3f);
	o[2] = 0x80 | ((cp >> 6) & 0x3f);
	o[3] = 0x80 | (cp & 0x3f);
	return (4);
}

/*
 * Return the length of the longest prefix of the len bytes at s that is
 * at most max bytes and does not end inside a character. A Hangul
 * syllable is three bytes; cutting one garbles it for everybody.
 */
size_t
utf8_cut(const char *s, size_t len, size_t max)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 n, start;

	if (len <= max)
		return (len);
	n = max;
	/* Back up over continuation bytes to the start of the last char. */
	start = n;
	while (start > 0 && (u[start] & 0xc0) == 0x80 && n - start < 3)
		start--;
	if ((u[start] & 0xc0) == 0x80)
		return (n);	/* not UTF-8: a byte cut is all we have */
	return (start);
}

/* Count the code points in len bytes at s; an invalid byte counts as one. */
size_t
utf8_strlen(const char *s, size_t len)
{
	const char	*end = s + len;
	uint32_t	 cp;
	size_t		 n = 0;

	while (s < end) {
		utf8_decode(&s, end, &cp);
		n++;
	}
	return (n);
}
