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
 * Presence: IRCv3 typing notifications (the +typing client tag, sent
 * and received with TAGMSG over message-tags) and draft/read-marker
 * (MARKREAD: how far each window has been read, shared by the clients of
 * one user), which puts the window's one divider line, "new since you
 * left", where the unread messages start.
 *
 * What others send is hostile: only the three typing values count, for
 * a room we are in or a whisper window already open, from someone not
 * ignored, and at most TYPERS_MAX people a window are kept. Timeouts
 * run on libevent timers, never by polling.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "natter.h"
#include "cap.h"
#include "msg.h"
#include "name.h"

#define TYPING_GAP	3000	/* ms between notifications to a target */
#define TYPING_PAUSE	3000	/* ms of no change before "paused" */
#define ACTIVE_MS	6000	/* how long "active" holds (the spec's) */
#define PAUSED_MS	30000	/* and "paused" */
#define TYPERS_MAX	16	/* people shown typing in one window */
#define MARK_GAP	3000	/* ms between MARKREADs for a window */
#define STAMP_MAX	40	/* longest server-time kept */

enum typing {
	TYPE_NONE,
	TYPE_ACTIVE,
	TYPE_PAUSED,
	TYPE_DONE,
};
static const char *const typing_value[] = { "", "active", "paused",
    "done" };

/* Someone typing in a window, until a time (ms, monotonic). */
struct typer {
	char			*nick;
	int64_t			 until;
	TAILQ_ENTRY(typer)	 entry;
};

/* A server-time: ms since the epoch (0: none), and as the server said. */
struct stamp {
	int64_t	 ms;
	char	 s[STAMP_MAX + 1];
};

/* A room's or whisper's typing and read marker. */
struct presence {
	TAILQ_HEAD(, typer)	 typers;
	size_t			 ntypers;
	enum typing		 told;	/* what it heard last */
	enum typing		 want;	/* to tell it once allowed */
	int64_t			 told_at; /* when; 0: never */
	struct stamp		 newest; /* newest message shown here */
	struct stamp		 pending; /* of history not in yet */
	struct stamp		 seen;	/* newest one read here */
	int64_t			 marked; /* what MARKREAD last said */
	int64_t			 marked_at; /* when (monotonic ms) */
	int64_t			 server; /* the server's read marker */
	int			 asked;	/* MARKREAD get sent (whisper) */
	int			 refused; /* 401 or 404: no typing sent */
};

static struct event	*typers_ev;	/* the next typer to expire */
static struct event	*send_ev;	/* the next notification due */
static char		*typed;		/* the input line, last seen */
static struct window	*typed_w;	/* the window it was typed in */
static int64_t		 typed_at;	/* when it last changed */
static struct window	*viewed_w;	/* the window last drawn */

static struct presence *presence_of(struct window *);
static void	typers_arm(void);
static void	typers_cb(evutil_socket_t, short, void *);
static void	presence_pause(int64_t, int64_t *);
static void	presence_flush(void);
static void	presence_send_cb(evutil_socket_t, short, void *);
static void	presence_said(const struct msg *);
static void	presence_stamp(struct stamp *, const char *);

static int64_t
presence_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/*
 * A server-time (2024-01-02T03:04:05.678Z, any number of decimals) as
 * ms since the epoch, or 0 if it is not one.
 */
static int64_t
presence_time(const char *s)
{
	struct tm	 tm;
	const char	*p;
	int64_t		 ms = 0;
	time_t		 t;
	int		 digits = 0;

	if (strlen(s) > STAMP_MAX ||
	    strspn(s, "0123456789-:.TZ") != strlen(s) || s[0] == '-')
		return (0);
	memset(&tm, 0, sizeof tm);
	if ((p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL)
		return (0);
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, digits++) {
			if (digits < 3)
				ms = ms * 10 + (*p - '0');
		}
		if (digits == 0)
			return (0);
		for (; digits < 3; digits++)
			ms *= 10;
	}
	if (strcmp(p, "Z") != 0 || (t = timegm(&tm)) <= 0)
		return (0);
	return ((int64_t)t * 1000 + ms);
}

/* Keep s in st if it is a later server-time than st holds. */
static void
presence_stamp(struct stamp *st, const char *s)
{
	int64_t	 ms;

	if ((ms = presence_time(s)) <= st->ms)
		return;
	st->ms = ms;
	snprintf(st->s, sizeof st->s, "%s", s);
}

/* A room's or whisper's state, made on first use; NULL for others. */
static struct presence *
presence_of(struct window *w)
{
	struct presence	*p;

	if (w == NULL || (w->type != WINDOW_CHANNEL &&
	    w->type != WINDOW_QUERY))
		return (NULL);
	if ((p = w->presence) == NULL) {
		p = w->presence = xcalloc(1, sizeof *p);
		TAILQ_INIT(&p->typers);
	}
	return (p);
}

/* The nick in a prefix, into buf; NULL if it has none that fits. */
static const char *
presence_nick(const char *prefix, char *buf, size_t size)
{
	size_t	 n;

	if (prefix == NULL || (n = strcspn(prefix, "!@")) == 0 || n >= size)
		return (NULL);
	memcpy(buf, prefix, n);
	buf[n] = '\0';
	return (buf);
}

static int
presence_is_me(const char *nick)
{
	return (net.nick != NULL && name_cmp(nick, net.nick) == 0);
}

/*
 * The window a message from someone else (not ignored, not a server)
 * belongs to: a room we are in, or the whisper window already open with
 * them. Their nick goes into buf. NULL for anything else.
 */
static struct window *
presence_from(const struct msg *m, char *buf, size_t size)
{
	struct window	*w;
	const char	*nick;

	if (m->nparams < 1 || m->prefix == NULL ||
	    strchr(m->prefix, '!') == NULL ||
	    (nick = presence_nick(m->prefix, buf, size)) == NULL ||
	    presence_is_me(nick) || ignore_match(m->prefix))
		return (NULL);
	if (name_is_chan(m->params[0])) {
		w = window_find(m->params[0]);
		if (w == NULL || w->type != WINDOW_CHANNEL || !w->joined)
			return (NULL);
		return (w);
	}
	if (!presence_is_me(m->params[0]))
		return (NULL);
	w = window_find(nick);
	return (w != NULL && w->type == WINDOW_QUERY ? w : NULL);
}

/* Typing notifications received. */

static struct typer *
typer_find(struct presence *p, const char *nick)
{
	struct typer	*t;

	TAILQ_FOREACH(t, &p->typers, entry) {
		if (name_cmp(t->nick, nick) == 0)
			return (t);
	}
	return (NULL);
}

static void
typer_free(struct window *w, struct typer *t)
{
	struct presence	*p = w->presence;

	TAILQ_REMOVE(&p->typers, t, entry);
	p->ntypers--;
	free(t->nick);
	free(t);
	if (w == window_cur)
		dirty |= DIRTY_STATUS;
}

/* nick is typing in w for ms more. */
static void
typer_set(struct window *w, const char *nick, int64_t ms)
{
	struct presence	*p = presence_of(w);
	struct typer	*t;

	if ((t = typer_find(p, nick)) == NULL) {
		/* Full: the one who started first goes. */
		if (p->ntypers >= TYPERS_MAX)
			typer_free(w, TAILQ_FIRST(&p->typers));
		t = xcalloc(1, sizeof *t);
		t->nick = xstrdup(nick);
		TAILQ_INSERT_TAIL(&p->typers, t, entry);
		p->ntypers++;
	}
	t->until = presence_now() + ms;
	if (w == window_cur)
		dirty |= DIRTY_STATUS;
	typers_arm();
}

/* nick is no longer typing in w: a message, "done", a part. */
static void
typer_clear(struct window *w, const char *nick)
{
	struct typer	*t;

	if (w->presence != NULL && (t = typer_find(w->presence, nick)) != NULL)
		typer_free(w, t);
}

static void
typers_clear(struct window *w)
{
	struct typer	*t;

	while (w->presence != NULL &&
	    (t = TAILQ_FIRST(&w->presence->typers)) != NULL)
		typer_free(w, t);
}

/* Wake up when the first typer expires, not before, and not polling. */
/* Run ev at next (monotonic ms, now being now), or never if it is 0. */
static void
presence_arm(struct event *ev, int64_t next, int64_t now)
{
	struct timeval	 tv;
	int64_t		 wait;

	if (next == 0) {
		evtimer_del(ev);
		return;
	}
	if ((wait = next - now) < 1)
		wait = 1;
	tv.tv_sec = wait / 1000;
	tv.tv_usec = (wait % 1000) * 1000;
	evtimer_add(ev, &tv);
}

static void
typers_arm(void)
{
	struct window	*w;
	struct typer	*t;
	int64_t		 next = 0;

	if (base == NULL)
		return;
	if (typers_ev == NULL)
		typers_ev = evtimer_new(base, typers_cb, NULL);
	TAILQ_FOREACH(w, &windows, entry) {
		if (w->presence == NULL)
			continue;
		TAILQ_FOREACH(t, &w->presence->typers, entry) {
			if (next == 0 || t->until < next)
				next = t->until;
		}
	}
	presence_arm(typers_ev, next, presence_now());
}

static void
typers_cb(evutil_socket_t fd, short events, void *arg)
{
	struct window	*w;
	struct typer	*t, *next;
	int64_t		 now = presence_now();

	(void)fd;
	(void)events;
	(void)arg;
	TAILQ_FOREACH(w, &windows, entry) {
		if (w->presence == NULL)
			continue;
		TAILQ_FOREACH_SAFE(t, &w->presence->typers, entry, next) {
			if (t->until <= now)
				typer_free(w, t);
		}
	}
	typers_arm();
}

/* TAGMSG: +typing=active, paused or done; without it, a message. */
void
presence_tagmsg(struct msg *m, time_t when)
{
	static char	 value[MSG_TAGSLEN + 1];
	struct window	*w;
	char		 nick[NAME_NICKMAX + 1];
	const char	*v;

	(void)when;
	if (!opt.typing || !(net.caps & CAP_MESSAGE_TAGS) ||
	    (w = presence_from(m, nick, sizeof nick)) == NULL)
		return;
	/* Large enough for any tag: one too long is not a missing one. */
	v = msg_tag(m, "+typing", value, sizeof value);
	if (v == NULL || strcmp(v, "done") == 0)
		typer_clear(w, nick);
	else if (strcmp(v, "active") == 0)
		typer_set(w, nick, ACTIVE_MS);
	else if (strcmp(v, "paused") == 0)
		typer_set(w, nick, PAUSED_MS);
	/* Any other value means nothing yet: ignored. */
}

/*
 * Who is typing in the current window, for the status line: "A is
 * typing...", "A and B are typing...", or "several people are typing...".
 * A nick is at most NAME_NICKMAX bytes, three times that once
 * sanitised: two fit in 1024.
 */
void
presence_status(char *buf, size_t size)
{
	struct presence	*p;
	struct typer	*t;
	const char	*who[2];
	char		*a, *b;
	size_t		 n = 0;
	int64_t		 now = presence_now();

	buf[0] = '\0';
	if (!opt.typing || (p = window_cur->presence) == NULL)
		return;
	TAILQ_FOREACH(t, &p->typers, entry) {
		if (t->until <= now)
			continue;
		if (n < 2)
			who[n] = t->nick;
		n++;
	}
	if (n == 0)
		return;
	if (n > 2) {
		snprintf(buf, size, _("several people are typing\342\200\246"));
		return;
	}
	a = text_sanitize_str(who[0], 0);
	if (n == 1)
		snprintf(buf, size, _("%s is typing\342\200\246"), a);
	else {
		b = text_sanitize_str(who[1], 0);
		snprintf(buf, size, _("%s and %s are typing\342\200\246"), a,
		    b);
		free(b);
	}
	free(a);
}

/* Typing notifications sent. */

/* Is text a message being typed, not a command? "//x" says "/x". */
static int
typing_text(const char *text)
{
	return (text[0] != '\0' && (text[0] != '/' || text[1] == '/'));
}

/* May w hear that we type: on, with message-tags, a room we are in? */
static int
typing_can(struct window *w)
{
	return (opt.typing && (net.caps & CAP_MESSAGE_TAGS) && net_ready() &&
	    w->presence != NULL && !w->presence->refused &&
	    ((w->type == WINDOW_CHANNEL && w->joined) ||
	    w->type == WINDOW_QUERY));
}

/*
 * The input line after a batch of keys (e is NULL while it asks a
 * question). A change to a message being typed is "active", a line
 * emptied (or made a command) after that is "done"; presence_flush()
 * sends them, no more than one every TYPING_GAP.
 */
void
presence_input(const struct edit *e)
{
	struct window	*w = window_cur;
	struct presence	*p;
	char		*text;

	text = e != NULL ? edit_string(e) : xstrdup("");
	if (w != typed_w) {
		/* The line goes elsewhere now: the old window is left. */
		if (typed_w != NULL && (p = typed_w->presence) != NULL &&
		    (p->told == TYPE_ACTIVE || p->told == TYPE_PAUSED))
			p->want = TYPE_DONE;
		typed_w = w;
		presence_flush();
	}
	/* The same line in another window is not typing there (yet). */
	if (strcmp(typed != NULL ? typed : "", text) == 0) {
		free(text);
		return;
	}
	free(typed);
	typed = text;
	typed_at = presence_now();
	if ((p = presence_of(w)) == NULL)
		return;
	if (typing_text(text))
		p->want = TYPE_ACTIVE;
	else if (p->told == TYPE_ACTIVE || p->told == TYPE_PAUSED)
		p->want = TYPE_DONE;
	else
		p->want = TYPE_NONE;
	presence_flush();
}

/*
 * Enter on text for w. A message ends the typing for those who get it,
 * so no "done" follows it.
 */
void
presence_enter(struct window *w, const char *text)
{
	struct presence	*p;

	if ((p = w->presence) == NULL || !typing_text(text))
		return;
	p->told = p->want = TYPE_NONE;
	/* Trying again: if it is still refused, the server says so. */
	p->refused = 0;
}

/*
 * A line typed, then left alone for TYPING_PAUSE: "paused", once. Else
 * make *next the time to look again, if that is sooner.
 */
static void
presence_pause(int64_t now, int64_t *next)
{
	struct presence	*p;
	int64_t		 at;

	if (typed_w == NULL || (p = typed_w->presence) == NULL ||
	    p->told != TYPE_ACTIVE || p->want != TYPE_NONE ||
	    !typing_text(typed != NULL ? typed : ""))
		return;
	at = typed_at + TYPING_PAUSE;
	if (now >= at) {
		/* Due: sent once the gap since the last one allows. */
		p->want = TYPE_PAUSED;
		at = p->told_at + TYPING_GAP;
	}
	if (*next == 0 || at < *next)
		*next = at;
}

/* Send what is due now, and wake up for the rest. */
static void
presence_flush(void)
{
	struct window	*w;
	struct presence	*p;
	int64_t		 now = presence_now(), next = 0, at;

	presence_pause(now, &next);
	TAILQ_FOREACH(w, &windows, entry) {
		if ((p = w->presence) == NULL)
			continue;
		/* Typing is moot while a paste goes out: not queued. */
		if (p->want != TYPE_NONE && (!typing_can(w) ||
		    (p->want == TYPE_ACTIVE && net_queued() > 0)))
			p->want = TYPE_NONE;
		if (p->want != TYPE_NONE) {
			at = p->told_at + TYPING_GAP;
			if (p->told_at == 0 || now >= at) {
				net_send("@+typing=%s TAGMSG %s",
				    typing_value[p->want], w->name);
				p->told = p->want == TYPE_DONE ? TYPE_NONE :
				    p->want;
				p->told_at = now;
				p->want = TYPE_NONE;
			} else if (next == 0 || at < next)
				next = at;
		}
		/* MARKREAD: the newest message read here, if news to it. */
		if (p->seen.ms > p->marked && p->seen.ms > p->server &&
		    (net.caps & CAP_READ_MARKER) && net_ready() &&
		    (w->type == WINDOW_QUERY || w->joined)) {
			at = p->marked_at + MARK_GAP;
			if (p->marked_at == 0 || now >= at) {
				net_send("MARKREAD %s timestamp=%s", w->name,
				    p->seen.s);
				p->marked = p->seen.ms;
				p->marked_at = now;
			} else if (next == 0 || at < next)
				next = at;
		}
	}
	/* Once "active" went out just now, "paused" may be next. */
	presence_pause(now, &next);
	if (base == NULL)
		return;
	if (send_ev == NULL)
		send_ev = evtimer_new(base, presence_send_cb, NULL);
	presence_arm(send_ev, next, now);
}

static void
presence_send_cb(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	(void)arg;
	presence_flush();
}

/* What else the server said: messages, parts, quits, nick changes. */

/*
 * After a line was handled: a message, part or quit ends its sender's
 * typing, a nick change carries it over; a message is also the newest
 * one its window shows.
 */
void
presence_handled(const struct msg *m)
{
	struct window	*w;
	struct presence	*p;
	struct typer	*t, *old;
	char		 buf[NAME_NICKMAX + 1];
	const char	*nick;

	if (strcmp(m->cmd, "PRIVMSG") == 0 || strcmp(m->cmd, "NOTICE") == 0) {
		presence_said(m);
		return;
	}
	/*
	 * No such nick (offline), or not allowed to speak (+m, a ban): the
	 * error shows once, not again every TYPING_GAP while typing there.
	 */
	if ((strcmp(m->cmd, "401") == 0 || strcmp(m->cmd, "404") == 0) &&
	    m->nparams >= 2 &&
	    (p = presence_of(window_find(m->params[1]))) != NULL) {
		p->refused = 1;
		return;
	}
	if ((nick = presence_nick(m->prefix, buf, sizeof buf)) == NULL)
		return;
	if (strcmp(m->cmd, "QUIT") == 0) {
		TAILQ_FOREACH(w, &windows, entry)
			typer_clear(w, nick);
	} else if (strcmp(m->cmd, "PART") == 0 && m->nparams >= 1 &&
	    (w = window_find(m->params[0])) != NULL) {
		if (presence_is_me(nick))
			typers_clear(w);
		else
			typer_clear(w, nick);
	} else if (strcmp(m->cmd, "KICK") == 0 && m->nparams >= 2 &&
	    (w = window_find(m->params[0])) != NULL) {
		if (presence_is_me(m->params[1]))
			typers_clear(w);
		else
			typer_clear(w, m->params[1]);
	} else if (strcmp(m->cmd, "NICK") == 0 && m->nparams >= 1) {
		TAILQ_FOREACH(w, &windows, entry) {
			if ((p = w->presence) == NULL ||
			    (t = typer_find(p, nick)) == NULL)
				continue;
			if (strlen(m->params[0]) > NAME_NICKMAX ||
			    *m->params[0] == '\0') {
				typer_free(w, t);
				continue;
			}
			if ((old = typer_find(p, m->params[0])) != NULL &&
			    old != t)
				typer_free(w, old);
			free(t->nick);
			t->nick = xstrdup(m->params[0]);
			if (w == window_cur)
				dirty |= DIRTY_STATUS;
		}
	}
}

/* Is w being read: the window looked at, at the bottom? */
static int
presence_reading(struct window *w)
{
	return (w == window_cur && w->scroll.follow);
}

/* Where the read marker is: the server's, or further if read here. */
static int64_t
presence_read_point(struct presence *p)
{
	if (p == NULL || !(net.caps & CAP_READ_MARKER))
		return (0);
	return (p->server > p->seen.ms ? p->server : p->seen.ms);
}

/* PRIVMSG or NOTICE: typing over; the window's newest message. */
static void
presence_said(const struct msg *m)
{
	struct window	*w;
	struct presence	*p;
	char		 buf[NAME_NICKMAX + 1], tag[STAMP_MAX + 1];
	const char	*nick, *text;
	int64_t		 read, before;

	if (m->nparams < 2 ||
	    (nick = presence_nick(m->prefix, buf, sizeof buf)) == NULL ||
	    m->prefix == NULL || strchr(m->prefix, '!') == NULL)
		return;
	text = m->params[1];
	if (presence_is_me(nick)) {
		/* Our own, echoed: read, as far as we know. */
		if ((w = window_find(m->params[0])) == NULL)
			return;
	} else if ((w = presence_from(m, buf, sizeof buf)) == NULL)
		return;
	else {
		typer_clear(w, nick);
		/* They are back: a whisper may hear of typing again. */
		if (w->type == WINDOW_QUERY && w->presence != NULL)
			w->presence->refused = 0;
	}
	/* What is not shown (another CTCP) is not a message of the window. */
	if (!(net.caps & CAP_READ_MARKER) || (p = presence_of(w)) == NULL ||
	    (text[0] == '\001' && strncmp(text, "\001ACTION ", 8) != 0) ||
	    msg_tag(m, "time", tag, sizeof tag) == NULL)
		return;
	read = presence_read_point(p);
	before = p->newest.ms;
	presence_stamp(&p->newest, tag);
	/* The first message past the marker, unseen: the divider goes in. */
	if (read > 0 && before <= read && p->newest.ms > read &&
	    !presence_reading(w))
		presence_marker(w);
}

/* A line of room history for room: its time, for when it is put in. */
void
presence_history(const char *room, const struct msg *m)
{
	struct presence	*p;
	char		 tag[STAMP_MAX + 1];

	if ((net.caps & CAP_READ_MARKER) &&
	    (p = presence_of(window_find(room))) != NULL &&
	    msg_tag(m, "time", tag, sizeof tag) != NULL)
		presence_stamp(&p->pending, tag);
}

/* The read marker. */

/*
 * Remove the divider lines of w, all of them or all but the newest
 * (which the room's catch-up just put in).
 */
static void
marker_prune(struct window *w, int keep)
{
	struct scroll	*s = &w->scroll;
	struct line	*l;
	size_t		 seq;

	for (seq = s->end; seq > scroll_first(s); seq--) {
		l = scroll_line(s, seq - 1);
		if (!(l->flags & LINE_MARKER))
			continue;
		if (keep) {
			keep = 0;
			continue;
		}
		scroll_remove(s, seq - 1);
		if (w == window_cur)
			dirty |= DIRTY_PANE;
	}
}

/*
 * Put w's one divider where its unread messages start: after the newest
 * message at or before the read point (one's own count as read), if any
 * message after it is unread; else it goes. Scrollback lines keep whole
 * seconds, so a message in the same second as the last one read counts
 * as read too. Without a read point (no draft/read-marker), the newest
 * divider room history put in stays and the older ones go.
 */
void
presence_marker(struct window *w)
{
	struct presence	*p = w->presence;
	struct scroll	*s = &w->scroll;
	struct line	*l, mark;
	size_t		 seq, at;
	int64_t		 read;
	int		 unread = 0;

	if (p != NULL && p->pending.ms > p->newest.ms)
		p->newest = p->pending;
	if ((read = presence_read_point(p)) == 0) {
		marker_prune(w, 1);
		return;
	}
	marker_prune(w, 0);
	at = scroll_first(s);
	for (seq = s->end; seq > scroll_first(s); seq--) {
		l = scroll_line(s, seq - 1);
		if (!(l->flags & LINE_MESSAGE))
			continue;
		if ((l->flags & LINE_SELF) || (int64_t)l->time <= read / 1000) {
			at = seq;
			break;
		}
		unread = 1;
	}
	if (!unread)
		return;
	memset(&mark, 0, sizeof mark);
	mark.time = (time_t)(read / 1000);
	mark.flags = LINE_NOTICE | LINE_HISTORY | LINE_MARKER;
	mark.text = xstrdup(_(PRESENCE_DIVIDER));
	scroll_insert(s, at, &mark, 1);
	if (w == window_cur)
		dirty |= DIRTY_PANE;
}

/* MARKREAD target timestamp=... (or *): how far target was read. */
void
presence_markread(struct msg *m, time_t when)
{
	struct window	*w;
	struct presence	*p;
	const char	*v;
	int64_t		 ms;

	(void)when;
	if (!(net.caps & CAP_READ_MARKER) || m->nparams < 2 ||
	    (m->prefix != NULL && strchr(m->prefix, '!') != NULL) ||
	    (p = presence_of(window_find(m->params[0]))) == NULL)
		return;
	w = window_find(m->params[0]);
	v = m->params[1];
	if (strcmp(v, "*") == 0)
		return;
	if (strncmp(v, "timestamp=", 10) != 0 ||
	    (ms = presence_time(v + 10)) == 0) {
		log_debug("MARKREAD for %s: bad timestamp", w->name);
		return;
	}
	/* It only goes forward. */
	if (ms <= p->server)
		return;
	p->server = ms;
	/*
	 * Our own MARKREAD answered, in the window being read: the divider
	 * stays where the user saw it until they leave the window.
	 */
	if (w == window_cur && ms <= p->marked)
		return;
	presence_marker(w);
}

/*
 * The pane of w was drawn, at the bottom or not. At the bottom, its
 * newest message has been seen: MARKREAD says so (a whisper window
 * first asks where its marker is). A window left gets its divider moved
 * to where its unread messages will start.
 */
void
presence_viewed(struct window *w, int bottom)
{
	struct window	*left;
	struct presence	*p;

	if (w != viewed_w) {
		left = viewed_w;
		viewed_w = w;
		if (left != NULL && (net.caps & CAP_READ_MARKER))
			presence_marker(left);
	}
	if (!bottom || !(net.caps & CAP_READ_MARKER) || !net_ready() ||
	    (p = presence_of(w)) == NULL)
		return;
	if (w->type == WINDOW_QUERY && !p->asked) {
		net_send("MARKREAD %s", w->name);
		p->asked = 1;
	}
	/*
	 * Not while history is still coming: the newest line here is not
	 * the newest the user saw with all that came before it.
	 */
	if (backlog_catching_up(w))
		return;
	if (p->newest.ms > p->seen.ms)
		p->seen = p->newest;
	presence_flush();
}

void
presence_window_free(struct window *w)
{
	typers_clear(w);
	free(w->presence);
	w->presence = NULL;
	if (typed_w == w)
		typed_w = NULL;
	if (viewed_w == w)
		viewed_w = NULL;
}

/* A new connection: nobody is typing, nothing was told or marked. */
void
presence_reset(void)
{
	struct window	*w;
	struct presence	*p;

	TAILQ_FOREACH(w, &windows, entry) {
		if ((p = w->presence) == NULL)
			continue;
		typers_clear(w);
		p->told = p->want = TYPE_NONE;
		p->told_at = p->marked = p->marked_at = p->server = 0;
		p->asked = p->refused = 0;
	}
	if (typers_ev != NULL)
		evtimer_del(typers_ev);
	if (send_ev != NULL)
		evtimer_del(send_ev);
}

void
presence_free(void)
{
	presence_reset();
	if (typers_ev != NULL)
		event_free(typers_ev);
	if (send_ev != NULL)
		event_free(send_ev);
	typers_ev = send_ev = NULL;
	free(typed);
	typed = NULL;
}
