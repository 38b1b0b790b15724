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
 * The top line (room, member count, topic) and the status line
 * (connection, own nick, windows with their unread and mention counts).
 */

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "natter.h"

static void	status_add(char **, const char *, ...) __printflike(2, 3);

/* Append to an allocated string. */
static void
status_add(char **s, const char *fmt, ...)
{
	va_list	 ap;
	char	*add, *next;

	va_start(ap, fmt);
	xvasprintf(&add, fmt, ap);
	va_end(ap);
	xasprintf(&next, "%s%s", *s, add);
	free(add);
	free(*s);
	*s = next;
}

/* Draw s in reverse video over the whole line. */
static void
status_line(WINDOW *w, const char *s, int cols)
{
	char	*fit;

	werase(w);
	wbkgdset(w, ' ' | A_REVERSE);
	wmove(w, 0, 0);
	fit = text_pad(s, cols);
	ui_put(w, fit, strlen(fit), A_REVERSE, -1, NULL);
	free(fit);
	wbkgdset(w, ' ');
}

void
status_draw_top(void *win, int cols)
{
	struct window	*w = window_cur;
	char		*s = xstrdup(" "), *name;

	name = text_sanitize_str(w->name, 0);
	switch (w->type) {
	case WINDOW_SERVER:
		status_add(&s, "natter %s | %s port %s%s", NATTER_VERSION, name,
		    opt.port, !opt.tls ? "" : opt.tls_insecure ?
		    ", TLS NOT VERIFIED" : ", TLS");
		break;
	case WINDOW_CHANNEL:
		status_add(&s, "%s | %zu member%s", name, w->nmembers,
		    w->nmembers == 1 ? "" : "s");
		if (!w->joined)
			status_add(&s, " (not joined)");
		if (w->topic != NULL)
			status_add(&s, " | %s\017", w->topic);
		break;
	case WINDOW_QUERY:
		status_add(&s, "%s | whispers", name);
		break;
	case WINDOW_DEBUG:
		status_add(&s, "debug | raw lines to (>>) and from (<<) the "
		    "server");
		break;
	}
	status_line(win, s, cols);
	free(name);
	free(s);
}

void
status_draw(void *win, int cols)
{
	struct window	*w;
	char		*s = xstrdup(""), *name, note[128];
	int		 i = 1;

	status_add(&s, " [%s]", net_state_name());
	if (net.nick != NULL) {
		name = text_sanitize_str(net.nick, 0);
		status_add(&s, " %s", name);
		free(name);
	}
	status_add(&s, " |");
	TAILQ_FOREACH(w, &windows, entry) {
		name = text_sanitize_str(w->name, 0);
		/* The current window in bold, activity counts after names. */
		status_add(&s, " %s%d:%s", w == window_cur ? "\002" : "", i,
		    name);
		if (w->unread > 0)
			status_add(&s, "+%u", w->unread);
		if (w->mentions > 0)
			status_add(&s, "!%u", w->mentions);
		if (w == window_cur)
			status_add(&s, "\002");
		free(name);
		i++;
	}
	if (net_queued() > 0)
		status_add(&s, " | sending %zu", net_queued());
	input_status(note, sizeof note);
	if (*note != '\0')
		status_add(&s, " | %s", note);
	status_line(win, s, cols);
	free(s);
}
