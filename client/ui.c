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
 * Curses set-up and layout, and ui_draw(): repaint the dirty windows,
 * wnoutrefresh each, then one doupdate() (catgirl's uiDraw). The regions
 * are one WINDOW each: the top line, the pane, the sidebar, the status
 * line; the input line is a pad owned by input.c.
 */

#include <sys/ioctl.h>

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "natter.h"
#include "utf8.h"

#define SIDEBAR_WIDTH	18	/* with its border */
#define SIDEBAR_MIN	60	/* below this many columns, no sidebar */

static WINDOW	*top, *pane, *side, *status;
static int	 active, pane_w, pane_h, side_w;

static void	ui_layout(void);

void
ui_init(void)
{
	if (newterm(NULL, stdout, stdin) == NULL)
		fatalx("cannot use the terminal (TERM=%s)",
		    getenv("TERM") != NULL ? getenv("TERM") : "");
	active = 1;
	/* raw: Ctrl-C and Ctrl-Z are keys here, not signals. */
	raw();
	noecho();
	nonl();
	set_escdelay(25);
	if (opt.color && has_colors()) {
		start_color();
		use_default_colors();
	}
	/* Bracketed paste, so a paste is never taken for typing. */
	fputs("\033[?2004h", stdout);
	fflush(stdout);
	ui_layout();
}

/* Give the terminal back; safe to call twice and from atexit. */
void
ui_end(void)
{
	if (!active)
		return;
	active = 0;
	fputs("\033[?2004l", stdout);
	fflush(stdout);
	endwin();
}

static void
ui_layout(void)
{
	int	 rows = LINES, cols = COLS;

	if (top != NULL)
		delwin(top);
	if (pane != NULL)
		delwin(pane);
	if (side != NULL)
		delwin(side);
	if (status != NULL)
		delwin(status);
	top = pane = side = status = NULL;
	if (rows < 4 || cols < 8)
		return;
	pane_h = rows - 3;
	side_w = cols >= SIDEBAR_MIN ? SIDEBAR_WIDTH : 0;
	pane_w = cols - side_w;
	top = newwin(1, cols, 0, 0);
	pane = newwin(pane_h, pane_w, 1, 0);
	if (side_w > 0)
		side = newwin(pane_h, side_w, 1, pane_w);
	status = newwin(1, cols, rows - 2, 0);
	leaveok(top, TRUE);
	leaveok(pane, TRUE);
	if (side != NULL)
		leaveok(side, TRUE);
	leaveok(status, TRUE);
	dirty |= DIRTY_ALL;
}

/* SIGWINCH: learn the new size, then lay everything out again. */
void
ui_resize(void)
{
	struct winsize	 ws;

	if (!active)
		return;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	dirty |= DIRTY_LAYOUT | DIRTY_ALL;
}

/* Ctrl-L: repaint the whole terminal. */
void
ui_redraw(void)
{
	clearok(curscr, TRUE);
	dirty |= DIRTY_ALL;
}

int
ui_pane_height(void)
{
	return (pane_h);
}

int
ui_pane_width(void)
{
	return (pane_w);
}

void
ui_draw(void)
{
	if (!active)
		return;
	if (dirty & DIRTY_LAYOUT)
		ui_layout();
	if (top != NULL) {
		if (dirty & DIRTY_TOP) {
			status_draw_top(top, COLS);
			wnoutrefresh(top);
		}
		if (dirty & DIRTY_PANE) {
			pane_draw(pane, pane_h, pane_w);
			wnoutrefresh(pane);
		}
		if ((dirty & DIRTY_SIDEBAR) && side != NULL) {
			sidebar_draw(side, pane_h, side_w);
			wnoutrefresh(side);
		}
		if (dirty & DIRTY_STATUS) {
			status_draw(status, COLS);
			wnoutrefresh(status);
		}
	}
	/* Last, so the cursor ends up in the input line. */
	input_draw(LINES - 1, 0, COLS);
	doupdate();
	if (dirty & DIRTY_BELL)
		beep();
	dirty = 0;
}

/* The curses colour for an IRC colour, or -1 for the default. */
static short
ui_color(int irc)
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
ui_pair(int fg, int bg)
{
	int	 pair;

	if (!opt.color || !has_colors() || (fg < 0 && bg < 0))
		return (0);
	if ((pair = alloc_pair(ui_color(fg), ui_color(bg))) < 0)
		return (0);
	return (pair);
}

static void
ui_flush(WINDOW *w, wchar_t *buf, size_t *n, unsigned int attr, int fg,
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
	wattr_set(w, a, (short)ui_pair(st->fg >= 0 ? st->fg : fg, st->bg),
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
ui_put(void *win, const char *s, size_t len, unsigned int attr, int fg,
    struct style *st)
{
	WINDOW		*w = win;
	struct style	 plain = { 0, -1, -1 };
	const char	*end = s + len, *q;
	wchar_t		 buf[128];
	size_t		 n = 0, k;
	uint32_t	 cp;
	int		 x, cw;

	if (st == NULL)
		st = &plain;
	x = getcurx(w);
	while (s < end) {
		if ((k = text_style(s, NULL)) > 0) {
			ui_flush(w, buf, &n, attr, fg, st);
			text_style(s, st);
			s += k;
			continue;
		}
		q = s;
		utf8_decode(&q, end, &cp);
		cw = text_cwidth(cp);
		if (x + cw > getmaxx(w))
			break;
		if (n == sizeof buf / sizeof buf[0])
			ui_flush(w, buf, &n, attr, fg, st);
		buf[n++] = (wchar_t)cp;
		x += cw;
		s = q;
	}
	ui_flush(w, buf, &n, attr, fg, st);
	wattr_set(w, A_NORMAL, 0, NULL);
}
