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
 * Display columns, IRC formatting codes and sanitising of network text.
 * This file is the only caller of wcwidth(): every width in the client
 * comes from here, so the pane, the sidebar and the editor agree.
 */

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "natter.h"
#include "name.h"
#include "utf8.h"

static int	text_wcwidth(uint32_t);
static size_t	text_put(char *, uint32_t);

/* wcwidth(), or -1 for what the terminal cannot show. */
static int
text_wcwidth(uint32_t cp)
{
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return (-1);
	return (wcwidth((wchar_t)cp));
}

/*
 * Columns one code point takes. Like tmux, assume one column where the C
 * library has no width; sanitised text never holds such a character, so
 * this only keeps arithmetic safe.
 */
int
text_cwidth(uint32_t cp)
{
	int	 w;

	if ((w = text_wcwidth(cp)) < 0)
		return (1);
	return (w);
}

/* Can the terminal show cp (is there a width for it)? */
int
text_printable(uint32_t cp)
{
	return (text_wcwidth(cp) >= 0);
}

/* Parse up to two decimal digits of an IRC colour. */
static size_t
text_digits(const char *s, int *n)
{
	size_t	 i = 0;

	*n = 0;
	while (i < 2 && s[i] >= '0' && s[i] <= '9')
		*n = *n * 10 + (s[i++] - '0');
	return (i);
}

/* Skip up to six hex digits of an IRC hex colour (^D RRGGBB). */
static size_t
text_hex(const char *s)
{
	size_t	 i = 0;

	while (i < 6 && strchr("0123456789abcdefABCDEF", s[i]) != NULL &&
	    s[i] != '\0')
		i++;
	return (i == 6 ? 6 : 0);
}

/*
 * If s starts with an IRC formatting code, apply it to st (may be NULL)
 * and return its length in bytes; else return 0. Colour codes take their
 * digits with them, so "^C04,1x" is one code and an x.
 */
size_t
text_style(const char *s, struct style *st)
{
	struct style	 dummy = { 0, -1, -1 };
	size_t		 n, m;
	int		 fg, bg;

	if (st == NULL)
		st = &dummy;
	switch (*s) {
	case '\002':
		st->attr ^= STYLE_BOLD;
		return (1);
	case '\035':
		st->attr ^= STYLE_ITALIC;
		return (1);
	case '\037':
		st->attr ^= STYLE_UNDERLINE;
		return (1);
	case '\026':
		st->attr ^= STYLE_REVERSE;
		return (1);
	case '\036':	/* strikethrough: no portable curses attribute */
	case '\021':	/* monospace: the terminal already is */
		return (1);
	case '\017':
		st->attr = 0;
		st->fg = st->bg = -1;
		return (1);
	case '\003':
		n = 1 + text_digits(s + 1, &fg);
		if (n == 1) {
			st->fg = st->bg = -1;
			return (1);
		}
		st->fg = fg == 99 ? -1 : fg;
		if (s[n] == ',' && (m = text_digits(s + n + 1, &bg)) > 0) {
			st->bg = bg == 99 ? -1 : bg;
			n += 1 + m;
		}
		return (n);
	case '\004':
		/* Hex colours are parsed so they vanish; shown as default. */
		n = 1 + text_hex(s + 1);
		if (n > 1 && s[n] == ',' && text_hex(s + n + 1) == 6)
			n += 7;
		return (n);
	}
	return (0);
}

/* Columns of a sanitised string; formatting codes take none. */
int
text_width(const char *s)
{
	const char	*end = s + strlen(s);
	uint32_t	 cp;
	size_t		 n;
	int		 w = 0;

	while (s < end) {
		if ((n = text_style(s, NULL)) > 0) {
			s += n;
			continue;
		}
		utf8_decode(&s, end, &cp);
		w += text_cwidth(cp);
	}
	return (w);
}

/*
 * Bytes of the longest prefix of s that fits in cols columns; its width
 * goes to *used if not NULL. A width-2 character that would need a
 * column more than is left is not split but left out.
 */
size_t
text_fit(const char *s, int cols, int *used)
{
	const char	*p = s, *q, *end = s + strlen(s);
	uint32_t	 cp;
	size_t		 n;
	int		 w = 0, cw;

	while (p < end) {
		if ((n = text_style(p, NULL)) > 0) {
			p += n;
			continue;
		}
		q = p;
		utf8_decode(&q, end, &cp);
		cw = text_cwidth(cp);
		if (w + cw > cols)
			break;
		w += cw;
		p = q;
	}
	if (used != NULL)
		*used = w;
	return (p - s);
}

/* s cut or padded with spaces to exactly cols columns, allocated. */
char *
text_pad(const char *s, int cols)
{
	char	*out;
	size_t	 n;
	int	 w;

	if (cols < 0)
		cols = 0;
	n = text_fit(s, cols, &w);
	out = xmalloc(n + (cols - w) + 1);
	memcpy(out, s, n);
	memset(out + n, ' ', cols - w);
	out[n + cols - w] = '\0';
	return (out);
}

/* Append code point cp as UTF-8 at out; return the bytes written. */
static size_t
text_put(char *out, uint32_t cp)
{
	return (utf8_encode(cp, out));
}

/*
 * Make text from the network safe to show. Invalid UTF-8 becomes U+FFFD;
 * C0 controls become ^X, DEL ^?, C1 controls ^[ and their 7-bit letter
 * (CSI is shown as ^[[), tabs a space; a character the C library has no
 * width for, and the bidi embeddings, overrides and isolates that could
 * make a line read backwards, become U+FFFD. With TEXT_FORMAT the IRC
 * formatting codes stay, to be drawn as attributes; otherwise they are
 * shown as ^B and so on; with TEXT_NEWLINE a line feed stays, as the
 * break of a multi-line message (scroll_wrap() starts a row there).
 * Nothing that reaches the terminal can be an escape sequence.
 */
char *
text_sanitize(const char *s, size_t len, int flags)
{
	const char	*end = s + len;
	char		*out, *o;
	uint32_t	 cp;

	/* Each input byte becomes at most 3 output bytes (^[ + letter). */
	out = o = xmalloc(len * 3 + 1);
	while (s < end) {
		if (utf8_decode(&s, end, &cp) != 0)
			cp = UTF8_REPLACEMENT;
		if (cp == '\t')
			*o++ = ' ';
		else if (cp == '\n' && (flags & TEXT_NEWLINE))
			*o++ = '\n';
		else if (cp < 0x20 && (flags & TEXT_FORMAT) &&
		    strchr("\002\003\004\017\021\026\035\036\037", (int)cp) !=
		    NULL)
			*o++ = (char)cp;
		else if (cp < 0x20) {
			*o++ = '^';
			*o++ = (char)(cp + 0x40);
		} else if (cp == 0x7f) {
			*o++ = '^';
			*o++ = '?';
		} else if (cp >= 0x80 && cp < 0xa0) {
			*o++ = '^';
			*o++ = '[';
			*o++ = (char)(cp - 0x40);
		} else if (text_wcwidth(cp) < 0 ||
		    (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			/* No width, or a bidi override reordering the rest. */
			o += text_put(o, UTF8_REPLACEMENT);
		else
			o += text_put(o, cp);
	}
	*o = '\0';
	return (out);
}

char *
text_sanitize_str(const char *s, int flags)
{
	return (text_sanitize(s, strlen(s), flags));
}

/* Is cp a character that belongs to the one before it (width 0)? */
static int
text_joins(const char *s, const char *end)
{
	uint32_t	 cp;

	if (utf8_decode(&s, end, &cp) != 0)
		return (0);
	return (cp == 0x200d || (cp >= 0x300 && text_wcwidth(cp) == 0));
}

/*
 * Where to split len bytes of s so the first part has at most max bytes:
 * never inside a UTF-8 sequence (a cut Hangul syllable garbles the line
 * for everyone), not before a combining mark if that can be helped, and
 * after a space if there is one in the last fifth of the part. Returns
 * len if it all fits. Both parts together are exactly s.
 */
size_t
text_split(const char *s, size_t len, size_t max)
{
	size_t	 n, back, i;

	if (len <= max)
		return (len);
	n = utf8_cut(s, len, max);
	/* Keep a base character with its combining marks. */
	for (back = n; back > 0 && n - back < 32; ) {
		if (!text_joins(s + back, s + len))
			break;
		back = utf8_cut(s, len, back - 1);
	}
	if (back > 0 && !text_joins(s + back, s + len))
		n = back;
	for (i = n; i > 0 && i > n - n / 5; i--) {
		if (s[i - 1] == ' ')
			return (i);
	}
	return (n > 0 ? n : 1);
}

/*
 * A stable colour for a nick: a hash into the IRC colours that read well
 * on both dark and light backgrounds. The nick is folded as name_cmp()
 * folds it (CASEMAPPING=ascii): Alice and alice are one person, one
 * colour.
 */
int
text_nick_color(const char *nick)
{
	static const int colors[] = { 2, 3, 4, 5, 6, 7, 9, 10, 12, 13 };
	uint32_t	 h = 5381;

	for (; *nick != '\0'; nick++)
		h = h * 33 + name_lower(*nick);
	return (colors[h % (sizeof colors / sizeof colors[0])]);
}
