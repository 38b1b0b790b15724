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

/*
 * A line being built. It stops growing once it is wider than the screen,
 * so a status line over thousands of windows costs a screenful, and each
 * piece is appended in place rather than by copying the whole line.
 */
struct status_buf {
	char	*s;
	size_t	 len;
	size_t	 size;
	int	 width;
	int	 cols;
};

static int	status_add(struct status_buf *, const char *, ...)
		    __printflike(2, 3);

/*
 * Where each window's name was drawn in the status line, in the order
 * of the list, for a mouse click: columns [x0, x1) of the nth window.
 */
struct status_span {
	int	 x0;
	int	 x1;
};
static struct status_span	*spans;
static size_t			 nspans, spans_size;

static void
status_start(struct status_buf *b, int cols)
{
	b->size = 256;
	b->s = xmalloc(b->size);
	b->s[0] = '\0';
	b->len = 0;
	b->width = 0;
	b->cols = cols;
}

/* Is the line full? Then nothing more is added. */
static int
status_full(const struct status_buf *b)
{
	return (b->width > b->cols);
}

/* Append to the line; return -1 if it is full. */
static int
status_add(struct status_buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*add;
	size_t	 n;

	if (status_full(b))
		return (-1);
	va_start(ap, fmt);
	xvasprintf(&add, fmt, ap);
	va_end(ap);
	n = strlen(add);
	if (b->len + n + 1 > b->size) {
		b->size = (b->len + n + 1) * 2;
		b->s = xreallocarray(b->s, b->size, 1);
	}
	memcpy(b->s + b->len, add, n + 1);
	b->len += n;
	b->width += text_width(add);
	free(add);
	return (status_full(b) ? -1 : 0);
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
	draw_put(w, fit, strlen(fit), A_REVERSE, -1, NULL);
	free(fit);
	wbkgdset(w, ' ');
}

void
status_draw_top(void *win, int cols)
{
	struct window		*w = window_cur;
	struct status_buf	 b;
	char			*name;

	status_start(&b, cols);
	name = text_sanitize_str(w->name, 0);
	switch (w->type) {
	case WINDOW_SERVER:
		/* TRANSLATORS: the top line: version, host, port, ", TLS". */
		status_add(&b, _(" natter %s | %s port %s%s"), NATTER_VERSION,
		    name, opt.port, !opt.tls ? "" : opt.tls_insecure ?
		    _(", TLS NOT VERIFIED") : ", TLS");
		break;
	case WINDOW_CHANNEL:
		status_add(&b, ngettext(" %s | %zu member", " %s | %zu members",
		    w->nmembers), name, w->nmembers);
		if (!w->joined)
			status_add(&b, _(" (not joined)"));
		if (w->topic != NULL)
			status_add(&b, " | %s\017", w->topic);
		break;
	case WINDOW_QUERY:
		status_add(&b, _(" %s | whispers"), name);
		break;
	case WINDOW_DEBUG:
		status_add(&b, _(" debug | raw lines to (>>) and from (<<) the "
		    "server"));
		break;
	case WINDOW_SEARCH:
		if (w->topic != NULL)
			status_add(&b, _(" search | the results of /search "
			    "in %s"), w->topic);
		else
			status_add(&b, "%s",
			    _(" search | the results of /search"));
		break;
	}
	status_line(win, b.s, cols);
	free(name);
	free(b.s);
}

void
status_draw(void *win, int cols)
{
	struct window		*w;
	struct status_buf	 b;
	char			*name, note[128], typing[1024];
	int			 i = 1;

	status_start(&b, cols);
	status_add(&b, " [%s]", net_state_name());
	if (net.nick != NULL) {
		name = text_sanitize_str(net.nick, 0);
		status_add(&b, " %s", name);
		free(name);
	}
	status_add(&b, " |");
	nspans = 0;
	TAILQ_FOREACH(w, &windows, entry) {
		if (status_full(&b))
			break;
		if (nspans == spans_size) {
			spans_size = spans_size == 0 ? 16 : spans_size * 2;
			spans = xreallocarray(spans, spans_size,
			    sizeof *spans);
		}
		spans[nspans].x0 = b.width + 1;
		name = text_sanitize_str(w->name, 0);
		/* The current window in bold, activity counts after names. */
		status_add(&b, " %s%d:%s", w == window_cur ? "\002" : "", i,
		    name);
		if (w->unread > 0)
			status_add(&b, "+%u", w->unread);
		if (w->mentions > 0)
			status_add(&b, "!%u", w->mentions);
		if (w == window_cur)
			status_add(&b, "\002");
		spans[nspans++].x1 = b.width;
		free(name);
		i++;
	}
	if (net_queued() > 0)
		status_add(&b, _(" | sending %zu"), net_queued());
	input_status(note, sizeof note);
	if (*note != '\0')
		status_add(&b, " | %s", note);
	presence_status(typing, sizeof typing);
	if (*typing != '\0')
		status_add(&b, " | %s", typing);
	status_line(win, b.s, cols);
	free(b.s);
}

/* A press at column x of the status line: the window drawn there. */
void
status_click(int x)
{
	struct window	*w;
	size_t		 i, n = 0;

	for (i = 0; i < nspans; i++) {
		if (x >= spans[i].x0 && x < spans[i].x1)
			break;
	}
	if (i == nspans)
		return;
	TAILQ_FOREACH(w, &windows, entry) {
		if (n++ == i) {
			window_switch(w);
			return;
		}
	}
}
