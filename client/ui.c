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

#define SIDEBAR_MIN	60	/* below this many columns, no sidebar */

/* Rows one turn of the mouse wheel scrolls. */
#define WHEEL_ROWS	3

static WINDOW	*top, *pane, *side, *status;
static int	 active, pane_w, pane_h, side_w, mouse_on;
static int	 input_h = 1;	/* rows of the input line */

static void	ui_layout(void);
static int	ui_input_rows(int, int);

/* A multi-line input takes rows from the pane, but leaves it one. */
static int
ui_input_rows(int rows, int cols)
{
	int	 n = input_rows(cols);

	if (n > rows - 3)
		n = rows - 3;
	return (n > 1 ? n : 1);
}

void
ui_init(void)
{
	if (newterm(NULL, stdout, stdin) == NULL)
		fatalx(_("cannot use the terminal (TERM=%s)"),
		    getenv("TERM") != NULL ? getenv("TERM") : "");
	active = 1;
	/* raw: Ctrl-C and Ctrl-Z are keys here, not signals. */
	raw();
	noecho();
	nonl();
	set_escdelay(25);
	/* Even with colors off: /set colors on may come later. */
	if (has_colors()) {
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
	/* /set mouse comes here too. No click delay: presses are enough. */
	if (opt.mouse != mouse_on) {
		mouse_on = opt.mouse;
		mousemask(mouse_on ? BUTTON1_PRESSED | BUTTON4_PRESSED |
		    BUTTON5_PRESSED : 0, NULL);
		mouseinterval(0);
	}
	input_h = 1;
	if (rows < 4 || cols < 8)
		return;
	input_h = ui_input_rows(rows, cols);
	pane_h = rows - 2 - input_h;
	side_w = cols >= SIDEBAR_MIN ? opt.sidebar_width : 0;
	pane_w = cols - side_w;
	top = newwin(1, cols, 0, 0);
	pane = newwin(pane_h, pane_w, 1, 0);
	if (side_w > 0)
		side = newwin(pane_h, side_w, 1, pane_w);
	status = newwin(1, cols, rows - 1 - input_h, 0);
	pane_size(pane_h, pane_w);
	leaveok(top, TRUE);
	leaveok(pane, TRUE);
	if (side != NULL)
		leaveok(side, TRUE);
	leaveok(status, TRUE);
	dirty |= DIRTY_ALL;
}

/*
 * A mouse event (with mouse on): the wheel scrolls the pane, a press on
 * a window's name in the status line switches to it.
 */
void
ui_mouse(void)
{
	MEVENT	 ev;

	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON4_PRESSED)
		pane_scroll_rows(-WHEEL_ROWS);
	else if (ev.bstate & BUTTON5_PRESSED)
		pane_scroll_rows(WHEEL_ROWS);
	else if ((ev.bstate & BUTTON1_PRESSED) && status != NULL &&
	    wenclose(status, ev.y, ev.x))
		status_click(ev.x);
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

void
ui_draw(void)
{
	if (!active || dirty == 0)
		return;
	/* The input line grew or shrank: the pane gives or gets rows. */
	if ((dirty & DIRTY_INPUT) && LINES >= 4 && COLS >= 8 &&
	    ui_input_rows(LINES, COLS) != input_h)
		dirty |= DIRTY_LAYOUT;
	if (dirty & DIRTY_LAYOUT)
		ui_layout();
	/* Ctrl-L: the terminal is cleared and repainted whole. */
	if (dirty & DIRTY_CLEAR)
		clearok(curscr, TRUE);
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
	/*
	 * The input line last, so the cursor ends up there: the other
	 * windows leave it alone (leaveok), and the last one refreshed
	 * places it. Drawn again only if it changed.
	 */
	if (dirty & DIRTY_INPUT)
		input_draw(LINES - input_h, 0, COLS);
	else
		input_refresh();
	doupdate();
	if (dirty & DIRTY_BELL)
		beep();
	dirty = 0;
}
