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
 * Every width in the client comes from here, so the pane, the sidebar,
 * the status line and the editor agree: one table, utf8proc's (pinned
 * with the distribution's libutf8proc), by grapheme cluster, not the C
 * library's wcwidth(), which differs between systems and knows nothing
 * of emoji sequences. wcwidth() is still asked two things the table
 * cannot answer: whether curses can draw a character at all, and how
 * many columns curses will think a character takes (text_shown()).
 */

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <utf8proc.h>

#include "natter.h"
#include "name.h"
#include "utf8.h"

/* Code points, from UTF-8 or from the editor's wide characters. */
struct text_iter {
	const char	*s;		/* UTF-8, or NULL */
	const wchar_t	*w;		/* else wide characters */
	size_t		 i;		/* bytes or wide characters read */
	size_t		 n;
};

static int	text_wcwidth(uint32_t);
static int	text_next(struct text_iter *, uint32_t *);
static int	text_pictographic(uint32_t);
static int	text_measure(struct text_iter *);
static size_t	text_put(char *, uint32_t);

#define TEXT_ZWJ	0x200d
#define TEXT_VS16	0xfe0f
#define TEXT_IS_RI(cp)	((cp) >= 0x1f1e6 && (cp) <= 0x1f1ff)
#define TEXT_IS_MOD(cp)	((cp) >= 0x1f3fb && (cp) <= 0x1f3ff)
#define TEXT_IS_KEYCAP(cp) (((cp) >= '0' && (cp) <= '9') || (cp) == '#' || \
			 (cp) == '*')

/* The C library's wcwidth(), or -1 for what the terminal cannot show. */
static int
text_wcwidth(uint32_t cp)
{
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return (-1);
	return (wcwidth((wchar_t)cp));
}

/* The next code point; 0 at the end. Invalid UTF-8 is one U+FFFD. */
static int
text_next(struct text_iter *it, uint32_t *cp)
{
	const char	*p;

	if (it->i >= it->n)
		return (0);
	if (it->s == NULL) {
		*cp = (uint32_t)it->w[it->i++];
		if (*cp > 0x10ffff)
			*cp = UTF8_REPLACEMENT;
		return (1);
	}
	p = it->s + it->i;
	utf8_decode(&p, it->s + it->n, cp);
	it->i = p - it->s;
	return (1);
}

/* Can cp start an emoji (Extended_Pictographic)? */
static int
text_pictographic(uint32_t cp)
{
	switch (utf8proc_get_property((utf8proc_int32_t)cp)->boundclass) {
	case UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC:
	case UTF8PROC_BOUNDCLASS_E_BASE:
	case UTF8PROC_BOUNDCLASS_E_BASE_GAZ:
	case UTF8PROC_BOUNDCLASS_GLUE_AFTER_ZWJ:
	case UTF8PROC_BOUNDCLASS_E_ZWG:
		return (1);
	}
	return (0);
}

/*
 * Read one grapheme cluster (utf8proc's rules, UAX #29) and return its
 * columns: those of its first code point with a width, so a Hangul
 * L V T jamo sequence is its leading consonant's two and a combining
 * mark adds nothing. An emoji sequence is one emoji: two regional
 * indicators (a flag), an emoji with U+FE0F (VS16: ❤️), with a skin
 * tone or joined by ZWJ to more, and a keycap (1 U+FE0F U+20E3) take
 * two, or one with emoji-width 1 for terminals that draw emoji narrow.
 */
static int
text_measure(struct text_iter *it)
{
	utf8proc_int32_t	 state = 0;
	uint32_t		 first, prev, cp;
	size_t			 at;
	int			 w, pict, ri = 0, vs16 = 0, more = 0, emoji;

	if (!text_next(it, &first))
		return (0);
	w = utf8proc_charwidth((utf8proc_int32_t)first);
	pict = text_pictographic(first);
	for (prev = first;; prev = cp) {
		at = it->i;
		if (!text_next(it, &cp))
			break;
		if (utf8proc_grapheme_break_stateful((utf8proc_int32_t)prev,
		    (utf8proc_int32_t)cp, &state)) {
			it->i = at;
			break;
		}
		if (w == 0)
			w = utf8proc_charwidth((utf8proc_int32_t)cp);
		if (TEXT_IS_RI(cp))
			ri = 1;
		else if (cp == TEXT_VS16)
			vs16 = 1;
		else if (TEXT_IS_MOD(cp) || text_pictographic(cp))
			more = 1;
	}
	emoji = (TEXT_IS_RI(first) && ri) ||
	    (pict && (w == 2 || vs16 || more)) ||
	    (TEXT_IS_KEYCAP(first) && vs16);
	if (emoji)
		w = opt.emoji_width == 1 ? 1 : 2;
	if (w < 0)
		w = 0;
	return (w > 2 ? 2 : w);
}

/*
 * Bytes of the grapheme cluster at s (before end) and, in *w if not
 * NULL, its columns. Formatting codes are controls, clusters of their
 * own: callers take them off with text_style() first.
 */
size_t
text_cluster(const char *s, const char *end, int *w)
{
	struct text_iter	 it = { s, NULL, 0, (size_t)(end - s) };
	int			 cw;

	cw = text_measure(&it);
	if (w != NULL)
		*w = cw;
	return (it.i);
}

/* The same for n wide characters (the editor's): how many are one. */
size_t
text_wcluster(const wchar_t *s, size_t n, int *w)
{
	struct text_iter	 it = { NULL, s, 0, n };
	int			 cw;

	cw = text_measure(&it);
	if (w != NULL)
		*w = cw;
	return (it.i);
}

/*
 * Columns of one code point on its own. Like tmux, assume one column
 * where the C library has no width; sanitised text never holds such a
 * character, so this only keeps arithmetic safe. Text that may hold
 * sequences goes by cluster (text_cluster()).
 */
int
text_cwidth(uint32_t cp)
{
	wchar_t	 c = (wchar_t)cp;
	int	 w;

	if (!text_printable(cp))
		return (1);
	text_wcluster(&c, 1, &w);
	return (w);
}

/* Can the terminal show cp (does curses have a width for it)? */
int
text_printable(uint32_t cp)
{
	return (text_wcwidth(cp) >= 0);
}

/*
 * What to give curses for the cluster at s (len bytes) so that it takes
 * exactly w columns on the screen (its width from text_cluster()): its
 * cells into out (at most max wide characters), each a character that
 * takes columns and the marks on it, ended by a NUL; the wide characters
 * used are returned. Curses, and a terminal that counts as the C library
 * does, give each character its wcwidth(); where that is not the table's
 * width the screen would drift, so the cluster is drawn as much of it as
 * fits in w by that count: ❤️ is ❤ and a space (a terminal that honours
 * VS16 would draw two columns where curses counts one), a ZWJ sequence
 * its first emoji, and a flag its two letters. Nothing left (an emoji
 * the C library makes two columns, with emoji-width 1) becomes U+FFFD.
 * Never more than w.
 */
size_t
text_shown(const char *s, size_t len, int w, wchar_t *out, size_t max)
{
	struct text_iter	 it = { s, NULL, 0, len };
	uint32_t		 cp;
	size_t			 n = 0;
	int			 used = 0, cw;

	/* Kept free: a NUL and two cells of padding. */
	if (max < 8 || w <= 0)
		return (0);
	while (n + 7 < max && text_next(&it, &cp)) {
		if ((cw = text_wcwidth(cp)) < 0 || used + cw > w)
			break;
		if (cp == TEXT_VS16 && used < w)
			continue;
		if (cw > 0 && n > 0)
			out[n++] = L'\0';
		/* A mark alone has a space to sit on, as curses needs. */
		if (n == 0 && cw == 0) {
			out[n++] = L' ';
			used = 1;
		}
		out[n++] = (wchar_t)cp;
		used += cw;
	}
	/* A joiner at the end would join what comes next. */
	while (n > 0 && out[n - 1] == TEXT_ZWJ)
		n--;
	if (n > 0)
		out[n++] = L'\0';
	else {
		out[n++] = (wchar_t)UTF8_REPLACEMENT;
		out[n++] = L'\0';
		used = 1;
	}
	for (; used < w; used++) {
		out[n++] = L' ';
		out[n++] = L'\0';
	}
	return (n);
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
	return (text_ceil(s, INT_MAX));
}

/*
 * Bytes of the longest prefix of s that fits in cols columns; its width
 * goes to *used if not NULL. A cluster that would need a column more
 * than is left is not split but left out.
 */
size_t
text_fit(const char *s, int cols, int *used)
{
	const char	*p = s, *end = s + strlen(s);
	size_t		 n;
	int		 w = 0, cw;

	while (p < end) {
		if ((n = text_style(p, NULL)) > 0) {
			p += n;
			continue;
		}
		n = text_cluster(p, end, &cw);
		if (w + cw > cols)
			break;
		w += cw;
		p += n;
	}
	if (used != NULL)
		*used = w;
	return (p - s);
}

/*
 * The first column at or after col where a cluster of s starts (or the
 * width of s): where a view scrolled sideways may begin.
 */
int
text_ceil(const char *s, int col)
{
	const char	*end = s + strlen(s);
	size_t		 n;
	int		 w = 0, cw;

	while (s < end && w < col) {
		if ((n = text_style(s, NULL)) > 0) {
			s += n;
			continue;
		}
		s += text_cluster(s, end, &cw);
		w += cw;
	}
	return (w);
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

/*
 * Where to split len bytes of s so the first part has at most max bytes:
 * between grapheme clusters (a cut Hangul syllable garbles the line for
 * everyone, a cut flag or family emoji shows as two or three) unless a
 * cluster is longer than max, and then never inside a UTF-8 sequence;
 * after a space if there is one in the last fifth of the part. Returns
 * len if it all fits. Both parts together are exactly s.
 */
size_t
text_split(const char *s, size_t len, size_t max)
{
	const char	*p = s, *end = s + len;
	size_t		 n, k, at = 0, space = 0;

	if (len <= max)
		return (len);
	n = utf8_cut(s, len, max);
	while (p < s + n) {
		k = text_cluster(p, end, NULL);
		if (p + k > s + n)
			break;
		p += k;
		at = p - s;
		if (k == 1 && p[-1] == ' ')
			space = at;
	}
	if (at > 0)
		n = at;
	if (space > 0 && space > n - n / 5)
		return (space);
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
