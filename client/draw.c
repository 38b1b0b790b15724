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
 * Drawing text into a curses window: IRC formatting codes become
 * attributes and colour pairs, and nothing is drawn past the right edge.
 */

#include <curses.h>

#include "natter.h"

static short	draw_color(int);
static int	draw_pair(int, int);
static void	draw_flush(WINDOW *, wchar_t *, size_t *, unsigned int, int,
		    const struct style *);

/* The curses colour for an IRC colour, or -1 for the default. */
static short
draw_color(int irc)
{
	static const short	 c16[16] = {
		15, 0, 4, 2, 9, 1, 5, 3, 11, 10, 6, 14, 12, 13, 8, 7
	};

	if (irc < 0 || irc > 15)
		return (-1);
	if (COLORS >= 16)
		return (c16[irc]);
	return (c16[irc] % 8);
}

/* A colour pair for two IRC colours; pairs are made as they are needed. */
static int
draw_pair(int fg, int bg)
{
	int	 pair;

	if (!opt.color || !has_colors() || (fg < 0 && bg < 0))
		return (0);
	if ((pair = alloc_pair(draw_color(fg), draw_color(bg))) < 0)
		return (0);
	return (pair);
}

static void
draw_flush(WINDOW *w, wchar_t *buf, size_t *n, unsigned int attr, int fg,
    const struct style *st)
{
	attr_t	 a = attr;

	if (*n == 0)
		return;
	if (st->attr & STYLE_BOLD)
		a |= A_BOLD;
	if (st->attr & STYLE_ITALIC)
		a |= A_ITALIC;
	if (st->attr & STYLE_UNDERLINE)
		a |= A_UNDERLINE;
	if (st->attr & STYLE_REVERSE)
		a |= A_REVERSE;
	wattr_set(w, a, (short)draw_pair(st->fg >= 0 ? st->fg : fg, st->bg),
	    NULL);
	waddnwstr(w, buf, (int)*n);
	*n = 0;
}

/*
 * Draw len bytes of sanitised text at the cursor, IRC formatting codes
 * as attributes over attr and the default colour fg, clipped at the
 * right edge. st carries the style in and out (NULL: start plain).
 */
void
draw_put(void *win, const char *s, size_t len, unsigned int attr, int fg,
    struct style *st)
{
	draw_clip(win, s, len, getmaxx((WINDOW *)win), attr, fg, st);
}

/*
 * draw_put(), clipped at column right (a pad is wider than it is shown).
 * Each grapheme cluster takes the columns text.c's table gives it and
 * no other, whatever curses thinks its characters take: text_shown()
 * says what to give curses for that, so the cursor curses keeps, and
 * the terminal's, stay on the table's columns.
 */
void
draw_clip(void *win, const char *s, size_t len, int right, unsigned int attr,
    int fg, struct style *st)
{
	WINDOW		*w = win;
	struct style	 plain = { 0, -1, -1 };
	const char	*end = s + len;
	wchar_t		 buf[128];
	size_t		 n = 0, k;
	int		 x, cw;

	if (st == NULL)
		st = &plain;
	x = getcurx(w);
	while (s < end) {
		if ((k = text_style(s, NULL)) > 0) {
			draw_flush(w, buf, &n, attr, fg, st);
			text_style(s, st);
			s += k;
			continue;
		}
		k = text_cluster(s, end, &cw);
		if (x + cw > right)
			break;
		if (n + TEXT_SHOWN_MAX > sizeof buf / sizeof buf[0])
			draw_flush(w, buf, &n, attr, fg, st);
		n += text_shown(s, k, cw, buf + n, TEXT_SHOWN_MAX);
		x += cw;
		s += k;
	}
	draw_flush(w, buf, &n, attr, fg, st);
	wattr_set(w, A_NORMAL, 0, NULL);
}
