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
 * Windows: the server buffer, one per room and one per whisper
 * conversation, each with its scrollback, members and unread counts.
 * Changes here only set dirty flags; ui_draw() does the drawing.
 */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "natter.h"
#include "name.h"

int		 dirty = DIRTY_ALL;
/* ISUPPORT PREFIX: member prefixes by rank, and their modes. */
char		 window_prefixes[16] = "@+";
char		 window_prefix_modes[16] = "ov";
struct windows	 windows = TAILQ_HEAD_INITIALIZER(windows);
struct window	*window_cur;
struct window	*window_server;
struct window	*window_debug;
struct window	*window_search;

static unsigned long	 window_clock;	/* orders speakers */
static size_t		 window_nqueries;	/* whisper windows open */

static int	window_member_cmp(struct member *, struct member *);
static void	window_members_changed(struct window *);
static void	window_member_free(struct window *, struct member *);
static void	window_free(struct window *);

/* The server window exists from the start and is never closed. */
void
window_init(void)
{
	window_server = window_open(WINDOW_SERVER, opt.host);
	window_cur = window_server;
}

static void
window_free(struct window *w)
{
	if (w->type == WINDOW_QUERY)
		window_nqueries--;
	window_members_clear(w);
	presence_window_free(w);
	free(w->sorted);
	scroll_free(&w->scroll);
	free(w->name);
	free(w->topic);
	free(w->seen_id);
	free(w->seen_time);
	free(w);
}

void
window_free_all(void)
{
	struct window	*w;

	while ((w = TAILQ_FIRST(&windows)) != NULL) {
		TAILQ_REMOVE(&windows, w, entry);
		window_free(w);
	}
	window_cur = window_server = window_debug = window_search = NULL;
}

/* A room or whisper window by name; the server window has none. */
struct window *
window_find(const char *name)
{
	struct window	*w;

	TAILQ_FOREACH(w, &windows, entry) {
		if ((w->type == WINDOW_CHANNEL || w->type == WINDOW_QUERY) &&
		    name_cmp(w->name, name) == 0)
			return (w);
	}
	return (NULL);
}

/* Find a window or add one at the end of the list. */
struct window *
window_open(enum window_type type, const char *name)
{
	struct window	*w;

	if ((type == WINDOW_CHANNEL || type == WINDOW_QUERY) &&
	    (w = window_find(name)) != NULL)
		return (w);
	if (type == WINDOW_DEBUG && window_debug != NULL)
		return (window_debug);
	if (type == WINDOW_SEARCH && window_search != NULL)
		return (window_search);
	w = xcalloc(1, sizeof *w);
	w->type = type;
	w->name = xstrdup(name);
	w->names_fresh = 1;
	RB_INIT(&w->members);
	scroll_init(&w->scroll, opt.scrollback);
	if (type == WINDOW_DEBUG)
		window_debug = w;
	if (type == WINDOW_SEARCH)
		window_search = w;
	if (type == WINDOW_QUERY)
		window_nqueries++;
	TAILQ_INSERT_TAIL(&windows, w, entry);
	dirty |= DIRTY_STATUS;
	return (w);
}

/*
 * May a whisper from someone new open a window? Not past WINDOW_QUERIES:
 * a server (or anyone able to change nick) could otherwise open windows
 * without end. They count the user's own, but /query and /msg always
 * open one.
 */
int
window_query_room(void)
{
	return (window_nqueries < WINDOW_QUERIES);
}

void
window_close(struct window *w)
{
	struct window	*prev;

	if (w == window_server)
		return;
	if (w == window_cur) {
		if ((prev = TAILQ_PREV(w, windows, entry)) == NULL)
			prev = window_server;
		window_switch(prev);
	}
	TAILQ_REMOVE(&windows, w, entry);
	if (w == window_debug)
		window_debug = NULL;
	if (w == window_search)
		window_search = NULL;
	backlog_closed(w);
	window_free(w);
	dirty |= DIRTY_ALL;
}

/*
 * A raw line to or from the server, for the -v log and the debug window
 * if it is open (catgirl's <</>> pane). The password is shown in
 * neither: a log file gets shared when asking for help.
 */
void
window_raw(const char *dir, const char *line)
{
	if (strncasecmp(line, "PASS ", 5) == 0)
		line = "PASS ***";
	log_debug("%s %s", dir, line);
	if (window_debug != NULL)
		window_printf(window_debug, 0, "%s %s", dir, line);
}

void
window_switch(struct window *w)
{
	window_cur = w;
	w->unread = w->mentions = 0;
	dirty |= DIRTY_ALL;
}

/* The n-th window, counting from 1 as the status line shows them. */
struct window *
window_nth(int n)
{
	struct window	*w;

	TAILQ_FOREACH(w, &windows, entry) {
		if (--n == 0)
			return (w);
	}
	return (NULL);
}

/*
 * Add a sanitised line. Activity in a window not looked at counts for the
 * status line; a mention rings the bell wherever it lands.
 */
void
window_add(struct window *w, time_t t, int flags, int indent,
    const char *text)
{
	window_add_id(w, t, flags, indent, text, NULL);
}

/* Add a line with the msgid the server gave it (NULL: none). */
void
window_add_id(struct window *w, time_t t, int flags, int indent,
    const char *text, const char *msgid)
{
	struct scroll	*s = &w->scroll;

	scroll_push(s, t, flags, indent, xstrdup(text));
	if (msgid != NULL)
		scroll_line(s, s->end - 1)->msgid = xstrdup(msgid);
	if (w == window_cur)
		dirty |= DIRTY_PANE;
	else {
		/* Your own words, echoed, are not news to you. */
		if ((flags & LINE_MESSAGE) && !(flags & LINE_SELF))
			w->unread++;
		if (flags & LINE_MENTION)
			w->mentions++;
		dirty |= DIRTY_STATUS;
	}
	if (flags & LINE_MENTION)
		dirty |= DIRTY_BELL;
}

/*
 * Add a line made here, at when. It is sanitised too, so callers may put
 * network text into it; "-!- " lines wrap under their text. Return the
 * line as it was added, for the caller to free.
 */
char *
window_vadd(struct window *w, time_t when, int flags, const char *fmt,
    va_list ap)
{
	char	*s, *clean;

	xvasprintf(&s, fmt, ap);
	clean = text_sanitize_str(s, TEXT_FORMAT);
	free(s);
	window_add(w, when, flags, strncmp(clean, "-!- ", 4) == 0 ? 4 : 0,
	    clean);
	return (clean);
}

/* window_vadd() now, the line not kept. */
void
window_printf(struct window *w, int flags, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	free(window_vadd(w, time(NULL), flags, fmt, ap));
	va_end(ap);
}

void
window_rename(struct window *w, const char *name)
{
	free(w->name);
	w->name = xstrdup(name);
	dirty |= DIRTY_STATUS | DIRTY_TOP;
	/* The input line's prompt shows the current window's name. */
	if (w == window_cur)
		dirty |= DIRTY_INPUT;
}

void
window_clear(struct window *w)
{
	scroll_clear(&w->scroll);
	dirty |= DIRTY_PANE;
}

/* Rank of a member prefix: '@' before '+' before none. */
int
window_prefix_rank(char prefix)
{
	const char	*p;

	if (prefix == ' ' || prefix == '\0' ||
	    (p = strchr(window_prefixes, prefix)) == NULL)
		return ((int)sizeof window_prefixes);
	return ((int)(p - window_prefixes));
}

/* Members are looked up by nick as CASEMAPPING=ascii folds it. */
static int
window_member_cmp(struct member *a, struct member *b)
{
	return (name_cmp(a->nick, b->nick));
}
RB_GENERATE(members, member, entry, window_member_cmp);

/* Something changed how members sort: the view is built again. */
static void
window_members_changed(struct window *w)
{
	w->sorted_stale = 1;
	if (w == window_cur)
		dirty |= DIRTY_SIDEBAR | DIRTY_TOP;
}

struct member *
window_member(struct window *w, const char *nick)
{
	struct member	 find;

	find.nick = (char *)nick;
	return (RB_FIND(members, &w->members, &find));
}

/* Add or update a member (its prefix and the spelling of its nick). */
void
window_member_add(struct window *w, const char *nick, char prefix)
{
	struct member	*m;
	char		*copy;

	if ((m = window_member(w, nick)) != NULL) {
		copy = xstrdup(nick);	/* nick may be m->nick */
		free(m->nick);
		m->nick = copy;
	} else {
		m = xcalloc(1, sizeof *m);
		m->nick = xstrdup(nick);
		RB_INSERT(members, &w->members, m);
		w->nmembers++;
	}
	m->prefix = prefix == '\0' ? ' ' : prefix;
	window_members_changed(w);
}

static void
window_member_free(struct window *w, struct member *m)
{
	RB_REMOVE(members, &w->members, m);
	w->nmembers--;
	free(m->nick);
	free(m);
}

/* Remove a member; return 1 if it was there. */
int
window_member_remove(struct window *w, const char *nick)
{
	struct member	*m;

	if ((m = window_member(w, nick)) == NULL)
		return (0);
	window_member_free(w, m);
	window_members_changed(w);
	return (1);
}

/* A member changed nick; return 1 if it was there. */
int
window_member_rename(struct window *w, const char *from, const char *to)
{
	struct member	*m;
	unsigned long	 spoke;
	char		 prefix;

	if ((m = window_member(w, from)) == NULL)
		return (0);
	spoke = m->spoke;
	prefix = m->prefix;
	window_member_remove(w, from);
	window_member_add(w, to, prefix);
	if ((m = window_member(w, to)) != NULL)
		m->spoke = spoke;
	return (1);
}

void
window_member_prefix(struct window *w, const char *nick, char prefix)
{
	if (window_member(w, nick) != NULL)
		window_member_add(w, nick, prefix);
}

void
window_members_clear(struct window *w)
{
	struct member	*m;

	while ((m = RB_ROOT(&w->members)) != NULL)
		window_member_free(w, m);
	window_members_changed(w);
}

/*
 * The members by prefix rank, then by name, as the sidebar and /members
 * show them: w->nmembers of them. The view is made again only after a
 * change, in one walk of the tree (already by name) counting ranks.
 */
struct member **
window_members(struct window *w)
{
	struct member	*m;
	size_t		 at[sizeof window_prefixes + 2], i;
	int		 r;

	if (!w->sorted_stale)
		return (w->sorted);
	if (w->nmembers > w->capsorted) {
		w->capsorted = w->nmembers * 2;
		w->sorted = xreallocarray(w->sorted, w->capsorted,
		    sizeof *w->sorted);
	}
	memset(at, 0, sizeof at);
	RB_FOREACH(m, members, &w->members)
		at[window_prefix_rank(m->prefix) + 1]++;
	for (i = 1; i < sizeof at / sizeof at[0]; i++)
		at[i] += at[i - 1];
	RB_FOREACH(m, members, &w->members) {
		r = window_prefix_rank(m->prefix);
		w->sorted[at[r]++] = m;
	}
	w->sorted_stale = 0;
	return (w->sorted);
}

/* nick said something in w: it goes first for completion. */
void
window_spoke(struct window *w, const char *nick)
{
	struct member	*m;

	if ((m = window_member(w, nick)) != NULL)
		m->spoke = ++window_clock;
}

static int
window_spoke_cmp(const void *a, const void *b)
{
	const struct member	*ma = *(const struct member *const *)a;
	const struct member	*mb = *(const struct member *const *)b;

	if (ma->spoke != mb->spoke)
		return (ma->spoke > mb->spoke ? -1 : 1);
	return (name_cmp(ma->nick, mb->nick));
}

/*
 * Nicks for completion in w, most recent speaker first, then the rest
 * by name; at most max. A whisper window offers its peer.
 */
size_t
window_nicks(struct window *w, const char **out, size_t max)
{
	struct member	**v, *m;
	size_t		  i, n;

	if (w->type == WINDOW_QUERY) {
		if (max == 0)
			return (0);
		out[0] = w->name;
		return (1);
	}
	if (w->nmembers == 0)
		return (0);
	v = xreallocarray(NULL, w->nmembers, sizeof *v);
	i = 0;
	RB_FOREACH(m, members, &w->members)
		v[i++] = m;
	qsort(v, w->nmembers, sizeof *v, window_spoke_cmp);
	for (i = n = 0; i < w->nmembers && n < max; i++)
		out[n++] = v[i]->nick;
	free(v);
	return (n);
}
