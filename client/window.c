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

static unsigned long	 window_clock;	/* orders speakers */
static size_t		 window_nqueries;	/* whisper windows open */

static int	window_member_cmp(const struct member *,
		    const struct member *);
static size_t	window_member_index(struct window *, const char *, int *);
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
	free(w->members);
	scroll_free(&w->scroll);
	free(w->name);
	free(w->topic);
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
	window_cur = window_server = window_debug = NULL;
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
	w = xcalloc(1, sizeof *w);
	w->type = type;
	w->name = xstrdup(name);
	w->names_fresh = 1;
	scroll_init(&w->scroll, opt.scrollback);
	if (type == WINDOW_DEBUG)
		window_debug = w;
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
	scroll_push(&w->scroll, t, flags, indent, xstrdup(text));
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
 * Add a line made here. It is sanitised too, so callers may put network
 * text into it; "-!- " lines wrap under their text.
 */
void
window_printf(struct window *w, int flags, const char *fmt, ...)
{
	va_list	 ap;
	char	*s, *clean;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	clean = text_sanitize_str(s, TEXT_FORMAT);
	window_add(w, time(NULL), flags,
	    strncmp(clean, "-!- ", 4) == 0 ? 4 : 0, clean);
	free(clean);
	free(s);
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

static int
window_member_cmp(const struct member *a, const struct member *b)
{
	int	 ra = window_prefix_rank(a->prefix);
	int	 rb = window_prefix_rank(b->prefix);

	if (ra != rb)
		return (ra - rb);
	return (name_cmp(a->nick, b->nick));
}

/* Index of nick in w's members; *found says if it is there. */
static size_t
window_member_index(struct window *w, const char *nick, int *found)
{
	size_t	 i;

	for (i = 0; i < w->nmembers; i++) {
		if (name_cmp(w->members[i].nick, nick) == 0) {
			*found = 1;
			return (i);
		}
	}
	*found = 0;
	return (w->nmembers);
}

struct member *
window_member(struct window *w, const char *nick)
{
	int	 found;
	size_t	 i = window_member_index(w, nick, &found);

	return (found ? &w->members[i] : NULL);
}

/* Add or update a member, keeping the list sorted. */
void
window_member_add(struct window *w, const char *nick, char prefix)
{
	struct member	 m;
	size_t		 i;
	int		 found;

	i = window_member_index(w, nick, &found);
	if (found) {
		m = w->members[i];
		memmove(&w->members[i], &w->members[i + 1],
		    (w->nmembers - i - 1) * sizeof *w->members);
		w->nmembers--;
		free(m.nick);
		m.nick = xstrdup(nick);
	} else {
		m.nick = xstrdup(nick);
		m.spoke = 0;
	}
	m.prefix = prefix == '\0' ? ' ' : prefix;
	if (w->nmembers == w->capmembers) {
		w->capmembers = w->capmembers == 0 ? 16 : w->capmembers * 2;
		w->members = xreallocarray(w->members, w->capmembers,
		    sizeof *w->members);
	}
	for (i = 0; i < w->nmembers; i++) {
		if (window_member_cmp(&m, &w->members[i]) < 0)
			break;
	}
	memmove(&w->members[i + 1], &w->members[i],
	    (w->nmembers - i) * sizeof *w->members);
	w->members[i] = m;
	w->nmembers++;
	if (w == window_cur)
		dirty |= DIRTY_SIDEBAR | DIRTY_TOP;
}

/* Remove a member; return 1 if it was there. */
int
window_member_remove(struct window *w, const char *nick)
{
	size_t	 i;
	int	 found;

	i = window_member_index(w, nick, &found);
	if (!found)
		return (0);
	free(w->members[i].nick);
	memmove(&w->members[i], &w->members[i + 1],
	    (w->nmembers - i - 1) * sizeof *w->members);
	w->nmembers--;
	if (w == window_cur)
		dirty |= DIRTY_SIDEBAR | DIRTY_TOP;
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
	size_t	 i;

	for (i = 0; i < w->nmembers; i++)
		free(w->members[i].nick);
	w->nmembers = 0;
	if (w == window_cur)
		dirty |= DIRTY_SIDEBAR | DIRTY_TOP;
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
	struct member	**v;
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
	for (i = 0; i < w->nmembers; i++)
		v[i] = &w->members[i];
	qsort(v, w->nmembers, sizeof *v, window_spoke_cmp);
	for (i = n = 0; i < w->nmembers && n < max; i++)
		out[n++] = v[i]->nick;
	free(v);
	return (n);
}
