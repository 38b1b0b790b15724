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
 * The message pane: the current window's scrollback, newest at the
 * bottom, wrapped rows indented under the text, a time on each line.
 */

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "natter.h"
#include "utf8.h"

/* The pane's size, as ui.c last laid it out. */
static int	 pane_h, pane_w;

/* Attributes and colour a line gets as a whole, from its flags. */
static void
pane_base(const struct line *l, unsigned int *attr, int *fg)
{
	*attr = A_NORMAL;
	*fg = -1;
	if (l->flags & (LINE_NOTICE | LINE_HISTORY))
		*attr |= A_DIM;
	if (l->flags & LINE_MENTION)
		*attr |= A_BOLD;
	if (l->flags & LINE_WHISPER)
		*fg = 6;
	if (l->flags & LINE_ERROR) {
		*attr |= A_BOLD;
		*fg = 4;
	}
}

void
pane_draw(void *win, int h, int w)
{
	WINDOW			*pw = win;
	struct scroll		*s = &window_cur->scroll;
	struct scroll_ref	*refs;
	struct line		*l;
	struct style		 st;
	struct tm		 tm;
	char			 when[128], more[64];
	const char		*p;
	size_t			 n, i, start, end, k;
	unsigned int		 attr;
	int			 timew = opt.time_width + 1;
	int			 textw = w - timew, fg, indent;

	werase(pw);
	if (textw < 1)
		textw = 1;
	refs = xcalloc(h, sizeof *refs);
	n = scroll_view(s, textw, h, refs);
	for (i = 0; i < n; i++) {
		l = scroll_line(s, refs[i].seq);
		pane_base(l, &attr, &fg);
		wmove(pw, (int)i, 0);
		if (refs[i].row == 0) {
			/* The format's width was checked, not every time's. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
			if (localtime_r(&l->time, &tm) == NULL ||
			    strftime(when, sizeof when, opt.time_format,
			    &tm) == 0 || !utf8_valid(when, strlen(when)))
				when[0] = '\0';
#pragma GCC diagnostic pop
			draw_put(pw, when, text_fit(when, opt.time_width,
			    NULL), A_DIM, -1, NULL);
			wmove(pw, (int)i, timew);
		} else {
			indent = l->indent < textw / 2 ? l->indent : textw / 2;
			wmove(pw, (int)i, timew + indent);
		}
		start = l->rows[refs[i].row];
		end = refs[i].row + 1 < l->nrows ? l->rows[refs[i].row + 1] :
		    strlen(l->text);
		/* The break of a multi-line message is not drawn. */
		if (end > start && l->text[end - 1] == '\n')
			end--;
		/* The style in force where the row starts. */
		st.attr = 0;
		st.fg = st.bg = -1;
		for (p = l->text; p < l->text + start; p += k > 0 ? k : 1)
			k = text_style(p, &st);
		draw_put(pw, l->text + start, end - start, attr, fg, &st);
	}
	free(refs);
	/* An older page is on its way: say so where it will appear. */
	if (backlog_loading(window_cur) && h > 1) {
		wmove(pw, 0, 0);
		wclrtoeol(pw);
		wattr_set(pw, A_DIM, 0, NULL);
		waddnstr(pw, _("      -- loading\342\200\246 --"), -1);
		wattr_set(pw, A_NORMAL, 0, NULL);
	}
	if (!s->follow && h > 0) {
		snprintf(more, sizeof more, _(" -- more below (%zu new) -- "),
		    s->below);
		wmove(pw, h - 1, 0);
		wclrtoeol(pw);
		wattr_set(pw, A_REVERSE, 0, NULL);
		waddnstr(pw, more, w);
		wattr_set(pw, A_NORMAL, 0, NULL);
	}
	/* What is on screen is read: presence.c may tell the server. */
	presence_viewed(window_cur, s->follow);
}

void
pane_size(int h, int w)
{
	pane_h = h;
	pane_w = w;
}

/*
 * PgUp (dir < 0) and PgDn: a page less one row, so context carries.
 */
void
pane_scroll(int dir)
{
	int	 page = pane_h > 2 ? pane_h - 1 : 1;

	pane_scroll_rows(dir < 0 ? -page : page);
}

/*
 * Scroll by n rows, up if n < 0 (the mouse wheel: a few at a time). Up
 * with the first line in view asks the server for the page before.
 */
void
pane_scroll_rows(int n)
{
	struct scroll	*s = &window_cur->scroll;
	int		 h = pane_h, textw = pane_w - opt.time_width - 1;

	if (textw < 1)
		textw = 1;
	if (n < 0 && scroll_at_top(s, textw, h))
		backlog_older(window_cur);
	else if (n < 0)
		scroll_up(s, -n, textw, h);
	else
		scroll_down(s, n, textw);
	dirty |= DIRTY_PANE;
}
