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
 * The member sidebar: the current room's members, operators first and
 * marked, each in their nick colour; hidden on narrow terminals.
 */

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "natter.h"

void
sidebar_draw(void *win, int h, int w)
{
	WINDOW		*sw = win;
	struct window	*cw = window_cur;
	struct member	**members, *m;
	char		*nick, *fit, more[32];
	size_t		 i;
	int		 row = 0;

	werase(sw);
	mvwvline(sw, 0, 0, ACS_VLINE, h);
	if (cw->type == WINDOW_QUERY) {
		wmove(sw, 0, 2);
		nick = text_sanitize_str(cw->name, 0);
		fit = text_pad(nick, w - 2);
		draw_put(sw, fit, strlen(fit), A_NORMAL,
		    text_nick_color(cw->name), NULL);
		free(fit);
		free(nick);
		return;
	}
	members = window_members(cw);
	for (i = 0; i < cw->nmembers && row < h; i++, row++) {
		if (row == h - 1 && cw->nmembers - i > 1) {
			snprintf(more, sizeof more, _("+%zu more"),
			    cw->nmembers - i);
			wmove(sw, row, 2);
			draw_put(sw, more, strlen(more), A_DIM, -1, NULL);
			break;
		}
		m = members[i];
		wmove(sw, row, 1);
		waddch(sw, m->prefix == ' ' ? ' ' :
		    (chtype)(unsigned char)m->prefix | A_BOLD);
		nick = text_sanitize_str(m->nick, 0);
		fit = text_pad(nick, w - 2);
		draw_put(sw, fit, strlen(fit), A_NORMAL,
		    text_nick_color(m->nick), NULL);
		free(fit);
		free(nick);
	}
}
