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
#include <wchar.h>

#include "natter.h"

static short	draw_color(int);
static int	draw_pair(int, int);
static void	draw_style(const struct style *, unsigned int, int, attr_t *,
		    short *);
static void	draw_cells(WINDOW *, const wchar_t *, size_t, attr_t, short);

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

/* The attributes and colour pair for style st over attr and fg. */
static void
draw_style(const struct style *st, unsigned int attr, int fg, attr_t *a,
    short *pair)
{
	*a = attr;
	if (st->attr & STYLE_BOLD)
		*a |= A_BOLD;
	if (st->attr & STYLE_ITALIC)
		*a |= A_ITALIC;
	if (st->attr & STYLE_UNDERLINE)
		*a |= A_UNDERLINE;
	if (st->attr & STYLE_REVERSE)
		*a |= A_REVERSE;
	*pair = (short)draw_pair(st->fg >= 0 ? st->fg : fg, st->bg);
}

/*
 * Add the cells text_shown() made, n wide characters, each a cchar_t
 * with its marks: curses puts a mark added on its own after a wide
 * character in that character's second cell, where it is never drawn
 * (the vowel and final of a Hangul jamo sequence were lost so).
 */
static void
draw_cells(WINDOW *w, const wchar_t *cells, size_t n, attr_t a, short pair)
{
	const wchar_t	*p, *end = cells + n;
	cchar_t		 cc;

	for (p = cells; p < end; p += wcslen(p) + 1) {
		if (setcchar(&cc, p, a, pair, NULL) == OK)
			wadd_wch(w, &cc);
	}
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
	wchar_t		 cells[TEXT_SHOWN_MAX];
	size_t		 k;
	attr_t		 a;
	short		 pair;
	int		 x, cw;

	if (st == NULL)
		st = &plain;
	/* The cells carry their attributes; the window's would add to them. */
	wattr_set(w, A_NORMAL, 0, NULL);
	draw_style(st, attr, fg, &a, &pair);
	x = getcurx(w);
	while (s < end) {
		if ((k = text_style(s, NULL)) > 0) {
			text_style(s, st);
			draw_style(st, attr, fg, &a, &pair);
			s += k;
			continue;
		}
		k = text_cluster(s, end, &cw);
		if (x + cw > right)
			break;
		draw_cells(w, cells, text_shown(s, k, cw, cells,
		    TEXT_SHOWN_MAX), a, pair);
		x += cw;
		s += k;
	}
	wattr_set(w, A_NORMAL, 0, NULL);
}
