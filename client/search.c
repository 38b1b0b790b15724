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
 * /search results, in a window of their own: from the server (backlog.c
 * asks it, where it offers soju.im/search) or from a room's scrollback.
 * Each result keeps its time, and gets its date in front.
 */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "natter.h"

#define SEARCH_LOCAL_MAX	500	/* results from a scrollback */

static char	*search_plain(const char *);
static int	 search_match(const char *, const char *);

/*
 * Show n results (taken over) for words in room, from where: a fresh
 * search window, switched to.
 */
void
search_show(const char *room, const char *words, struct line *lines,
    size_t n, const char *where)
{
	struct window	*w;
	struct tm	 tm;
	char		 date[32], *text;
	size_t		 i;

	w = window_open(WINDOW_SEARCH, "search");
	window_clear(w);
	window_switch(w);
	/* Its topic is the room, which /search there searches again. */
	free(w->topic);
	w->topic = text_sanitize_str(room, 0);
	dirty |= DIRTY_TOP;
	if (where != NULL)
		window_printf(w, 0, _("-!- search for \"%s\" in %s %s:"),
		    words, room, where);
	else
		window_printf(w, 0, _("-!- search for \"%s\" in %s:"), words,
		    room);
	for (i = 0; i < n; i++) {
		if (lines[i].text == NULL)
			continue;
		if (localtime_r(&lines[i].time, &tm) == NULL ||
		    strftime(date, sizeof date, "%Y-%m-%d ", &tm) == 0)
			snprintf(date, sizeof date, "---------- ");
		xasprintf(&text, "%s%s", date, lines[i].text);
		window_add(w, lines[i].time, lines[i].flags & ~(LINE_HISTORY |
		    LINE_MENTION), lines[i].indent + (int)strlen(date), text);
		free(text);
		free(lines[i].text);
		free(lines[i].msgid);
		lines[i].text = lines[i].msgid = NULL;
	}
	if (n == 0)
		window_printf(w, 0, _("-!- nothing found"));
	else
		window_printf(w, 0, ngettext("-!- %zu result",
		    "-!- %zu results", n), n);
}

/* text without its IRC formatting codes. */
static char *
search_plain(const char *text)
{
	char	*out = xmalloc(strlen(text) + 1), *p = out;
	size_t	 k;

	while (*text != '\0') {
		if ((k = text_style(text, NULL)) > 0) {
			text += k;
			continue;
		}
		*p++ = *text++;
	}
	*p = '\0';
	return (out);
}

/* Does text hold every word of words, ignoring ASCII case? */
static int
search_match(const char *text, const char *words)
{
	char	*copy = xstrdup(words), *word, *last;
	int	 found = 1;

	for (word = strtok_r(copy, " ", &last); word != NULL && found;
	    word = strtok_r(NULL, " ", &last)) {
		if (strcasestr(text, word) == NULL)
			found = 0;
	}
	free(copy);
	return (found);
}

/*
 * Search the messages in w's scrollback: where the server cannot. The
 * newest SEARCH_LOCAL_MAX matches are shown, oldest first.
 */
void
search_local(struct window *w, const char *words)
{
	struct scroll	*s = &w->scroll;
	struct line	*l, *found, t;
	size_t		 seq, n = 0, i;
	char		*plain, *room;

	found = xcalloc(SEARCH_LOCAL_MAX, sizeof *found);
	for (seq = s->end; seq > scroll_first(s) && n < SEARCH_LOCAL_MAX;
	    seq--) {
		l = scroll_line(s, seq - 1);
		if (!(l->flags & LINE_MESSAGE))
			continue;
		plain = search_plain(l->text);
		if (search_match(plain, words)) {
			found[n] = *l;
			found[n].text = xstrdup(l->text);
			found[n].msgid = NULL;
			found[n].rows = NULL;
			n++;
		}
		free(plain);
	}
	/* Oldest first. */
	for (i = 0; i < n / 2; i++) {
		t = found[i];
		found[i] = found[n - 1 - i];
		found[n - 1 - i] = t;
	}
	room = xstrdup(w->name);	/* w may be the search window */
	search_show(room, words, found, n, _("(this window's scrollback)"));
	free(room);
	free(found);
}
