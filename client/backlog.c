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
 * Room history from servers with IRCv3 draft/chathistory: on each join
 * ask for what was said since the last message seen (or the latest page
 * of a room never seen), put it in its place in the scrollback, and
 * fetch older pages as the user scrolls past the top; /search through
 * soju.im/search. Replies come in batches, kept here until they end:
 * their lines are never handled as live ones. One request per room is
 * out at a time, so a batch's room says what it answers.
 *
 * Everything here comes from the network and is bounded: open batches
 * (BATCH_OPEN), lines kept from one (what was asked), the wait for an
 * answer (BACKLOG_WAIT), the pages of one catch-up (CATCHUP_MAX).
 */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "natter.h"
#include "cap.h"
#include "msg.h"
#include "name.h"

#define BATCH_OPEN	8	/* batches open at once */
#define BATCH_REFMAX	64
#define BACKLOG_WAIT	30	/* seconds for an answer */
#define CATCHUP_MAX	1000	/* missed lines fetched after a join */
#define SEARCH_LIMIT	100
#define SEEN_DELAY	2	/* seconds before the seen file is written */

enum request_kind {
	REQ_CATCHUP,		/* after a join: what came since */
	REQ_OLDER,		/* scrolled past the top: the page before */
	REQ_SEARCH,
};

struct request {
	enum request_kind	 kind;
	char			*room;
	char			*words;		/* REQ_SEARCH */
	char			*before;	/* REQ_OLDER: above this id */
	size_t			 at;		/* REQ_CATCHUP: insert here */
	size_t			 asked;
	size_t			 got;		/* REQ_CATCHUP: over pages */
	int			 latest;	/* LATEST *: room never seen */
	int			 divided;	/* the divider is in */
	time_t			 sent;
	TAILQ_ENTRY(request)	 entry;
};

enum batch_kind {
	BATCH_OTHER,		/* its lines are handled as usual */
	BATCH_HISTORY,
	BATCH_SEARCH,
};

struct batch {
	char			*ref;
	enum batch_kind		 kind;
	char			*room;
	struct line		*lines;
	size_t			 n;
	size_t			 max;		/* lines kept at most */
	size_t			 got;		/* lines the server sent */
	char			*last_id;	/* of the last line sent */
	TAILQ_ENTRY(batch)	 entry;
};

static TAILQ_HEAD(, request)	 requests = TAILQ_HEAD_INITIALIZER(requests);
static TAILQ_HEAD(, batch)	 batches = TAILQ_HEAD_INITIALIZER(batches);
static size_t			 nbatches;
static size_t			 page = BACKLOG_PAGE;
static int			 by_msgid = 1;	/* MSGREFTYPES */
static int			 by_time = 1;
static struct event		*wait_ev;
static struct event		*seen_ev;

static int	backlog_usable(void);
static void	backlog_ask(struct request *, const char *, const char *);
static void	backlog_catchup(struct window *, struct request *);
static struct request *backlog_request(const char *, int);
static void	backlog_request_free(struct request *);
static void	backlog_batch_free(struct batch *);
static void	backlog_end(struct batch *);
static void	backlog_insert(struct window *, size_t, struct line *,
		    size_t, int, int);
static void	backlog_dedupe(struct window *, struct batch *);
static void	backlog_newest(struct window *);
static void	backlog_wait(void);
static void	backlog_wait_cb(evutil_socket_t, short, void *);
static void	backlog_seen_cb(evutil_socket_t, short, void *);
static char	*backlog_server(void);

/* Asking for history needs both: a reply is a batch. */
static int
backlog_usable(void)
{
	return ((net.caps & (CAP_CHATHISTORY | CAP_BATCH)) ==
	    (CAP_CHATHISTORY | CAP_BATCH));
}

/* Which server the seen file says this is: host and port as given. */
static char *
backlog_server(void)
{
	char	*s;

	xasprintf(&s, "%s/%s", opt.host, opt.port);
	return (s);
}

/*
 * A msgid natter can use as a reference: printable ASCII, no spaces (it
 * goes into a command), not too long.
 */
int
backlog_id_ok(const char *id)
{
	size_t	 n;

	for (n = 0; id[n] != '\0'; n++) {
		if (id[n] <= ' ' || id[n] >= 0x7f || id[n] == ';' ||
		    n >= BACKLOG_IDMAX)
			return (0);
	}
	return (n > 0);
}

/* m's msgid tag, if message-tags is on and it will do; else NULL. */
const char *
backlog_msgid(const struct msg *m, char *buf, size_t size)
{
	if (!(net.caps & CAP_MESSAGE_TAGS) ||
	    msg_tag(m, "msgid", buf, size) == NULL || !backlog_id_ok(buf))
		return (NULL);
	return (buf);
}

/* A server-time tag as a reference may carry it: digits, "-:.TZ". */
static const char *
backlog_time(const struct msg *m, char *buf, size_t size)
{
	if (msg_tag(m, "time", buf, size) == NULL || *buf == '\0' ||
	    strspn(buf, "0123456789-:.TZ") != strlen(buf))
		return (NULL);
	return (buf);
}

/* A new connection: nothing asked, nothing open, 005 to come. */
void
backlog_reset(void)
{
	struct request	*r;
	struct batch	*b;

	while ((r = TAILQ_FIRST(&requests)) != NULL)
		backlog_request_free(r);
	while ((b = TAILQ_FIRST(&batches)) != NULL)
		backlog_batch_free(b);
	page = BACKLOG_PAGE;
	by_msgid = by_time = 1;
	if (wait_ev != NULL)
		evtimer_del(wait_ev);
	dirty |= DIRTY_PANE;
}

/* At exit: write the seen file if it changed. */
void
backlog_free(void)
{
	backlog_reset();
	seen_save();
	seen_free();
	if (wait_ev != NULL)
		event_free(wait_ev);
	if (seen_ev != NULL)
		event_free(seen_ev);
	wait_ev = seen_ev = NULL;
}

/* 005 CHATHISTORY=1000 (most lines a request may ask for), MSGREFTYPES. */
void
backlog_isupport(const char *token)
{
	const char	*v;
	long		 n;
	char		*end;

	if (strncmp(token, "CHATHISTORY=", 12) == 0) {
		v = token + 12;
		n = strtol(v, &end, 10);
		page = BACKLOG_PAGE;
		if (*v != '\0' && *end == '\0' && n > 0 && n < BACKLOG_PAGE)
			page = (size_t)n;
	} else if (strncmp(token, "MSGREFTYPES=", 12) == 0) {
		v = token + 12;
		by_msgid = strstr(v, "msgid") != NULL;
		by_time = strstr(v, "timestamp") != NULL;
	}
}

static struct request *
backlog_request(const char *room, int search)
{
	struct request	*r;

	TAILQ_FOREACH(r, &requests, entry) {
		if ((r->kind == REQ_SEARCH) == search &&
		    (search || name_cmp(r->room, room) == 0))
			return (r);
	}
	return (NULL);
}

static void
backlog_request_free(struct request *r)
{
	TAILQ_REMOVE(&requests, r, entry);
	free(r->room);
	free(r->words);
	free(r->before);
	free(r);
}

/* Send a CHATHISTORY request: sub, then its reference. */
static void
backlog_ask(struct request *r, const char *sub, const char *ref)
{
	net_send("CHATHISTORY %s %s %s %zu", sub, r->room, ref, r->asked);
	r->sent = time(NULL);
	backlog_wait();
	if (r->kind == REQ_OLDER)
		dirty |= DIRTY_PANE;
}

/*
 * Ask for what came after what w saw last: AFTER it (by msgid, or by
 * time where the server knows only that), else LATEST for a room never
 * seen.
 */
static void
backlog_catchup(struct window *w, struct request *r)
{
	char	*ref;

	r->asked = page;
	if (w->seen_id != NULL && by_msgid && !r->latest) {
		xasprintf(&ref, "msgid=%s", w->seen_id);
		backlog_ask(r, "AFTER", ref);
	} else if (w->seen_time != NULL && by_time && !r->latest &&
	    strcmp(w->seen_time, "-") != 0) {
		xasprintf(&ref, "timestamp=%s", w->seen_time);
		backlog_ask(r, "AFTER", ref);
	} else {
		r->latest = 1;
		ref = xstrdup("*");
		backlog_ask(r, "LATEST", ref);
	}
	free(ref);
}

/* We joined w (again): fetch what we missed, to go after this point. */
void
backlog_joined(struct window *w)
{
	struct request	*r;
	const char	*id, *when;
	char		*server;

	if (!backlog_usable() || w->type != WINDOW_CHANNEL ||
	    backlog_request(w->name, 0) != NULL)
		return;
	if (w->seen_id == NULL) {
		server = backlog_server();
		if (seen_get(server, w->name, &id, &when) == 0) {
			w->seen_id = xstrdup(id);
			w->seen_time = xstrdup(when);
		}
		free(server);
	}
	r = xcalloc(1, sizeof *r);
	r->kind = REQ_CATCHUP;
	r->room = xstrdup(w->name);
	r->at = w->scroll.end;
	TAILQ_INSERT_TAIL(&requests, r, entry);
	backlog_catchup(w, r);
}

/* The window is going: forget what was asked for it. */
void
backlog_closed(struct window *w)
{
	struct request	*r, *next;

	if (w->type != WINDOW_CHANNEL)
		return;
	TAILQ_FOREACH_SAFE(r, &requests, entry, next) {
		if (r->kind != REQ_SEARCH && name_cmp(r->room, w->name) == 0)
			backlog_request_free(r);
	}
}

/* Write the seen file a little later: not once a message. */
static void
backlog_seen_later(void)
{
	struct timeval	 tv = { SEEN_DELAY, 0 };

	if (base == NULL)
		return;
	if (seen_ev == NULL)
		seen_ev = evtimer_new(base, backlog_seen_cb, NULL);
	if (!evtimer_pending(seen_ev, NULL))
		evtimer_add(seen_ev, &tv);
}

static void
backlog_seen_cb(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	(void)arg;
	seen_save();
}

/* Remember id as the newest message of w, here and in the file. */
static void
backlog_remember(struct window *w, const char *id, const char *when)
{
	char	*server;

	free(w->seen_id);
	free(w->seen_time);
	w->seen_id = xstrdup(id);
	w->seen_time = xstrdup(when != NULL ? when : "-");
	server = backlog_server();
	seen_set(server, w->name, id, w->seen_time);
	free(server);
	if (seen_changed())
		backlog_seen_later();
}

/*
 * A live message with a msgid in room w. While a catch-up is out, the
 * newest is found when it is done: what it fills in is older.
 */
void
backlog_seen(struct window *w, const struct msg *m)
{
	struct request	*r;
	char		 id[BACKLOG_IDMAX + 1], when[64];

	if (w->type != WINDOW_CHANNEL || backlog_msgid(m, id, sizeof id) ==
	    NULL)
		return;
	if ((r = backlog_request(w->name, 0)) != NULL &&
	    r->kind == REQ_CATCHUP)
		return;
	backlog_remember(w, id, backlog_time(m, when, sizeof when));
}

/* The newest line of w with a msgid is the one seen last. */
static void
backlog_newest(struct window *w)
{
	struct scroll	*s = &w->scroll;
	struct line	*l;
	struct tm	 tm;
	size_t		 seq;
	char		 when[64];

	for (seq = s->end; seq > scroll_first(s); seq--) {
		l = scroll_line(s, seq - 1);
		if (l->msgid == NULL)
			continue;
		if (gmtime_r(&l->time, &tm) == NULL ||
		    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S.000Z",
		    &tm) == 0)
			snprintf(when, sizeof when, "-");
		if (w->seen_id == NULL || strcmp(w->seen_id, l->msgid) != 0)
			backlog_remember(w, l->msgid, when);
		return;
	}
}

/* Arm the timer for the oldest request still waiting. */
static void
backlog_wait(void)
{
	struct timeval	 tv = { BACKLOG_WAIT, 0 };
	struct request	*r;
	time_t		 now = time(NULL), oldest = now;

	if (base == NULL)
		return;
	if (wait_ev == NULL)
		wait_ev = evtimer_new(base, backlog_wait_cb, NULL);
	TAILQ_FOREACH(r, &requests, entry) {
		if (r->sent < oldest)
			oldest = r->sent;
	}
	if (TAILQ_EMPTY(&requests)) {
		evtimer_del(wait_ev);
		return;
	}
	tv.tv_sec = oldest + BACKLOG_WAIT - now;
	if (tv.tv_sec < 1)
		tv.tv_sec = 1;
	evtimer_add(wait_ev, &tv);
}

/* A request unanswered for BACKLOG_WAIT seconds is given up. */
static void
backlog_wait_cb(evutil_socket_t fd, short events, void *arg)
{
	struct request	*r, *next;
	struct window	*w;
	time_t		 now = time(NULL);

	(void)fd;
	(void)events;
	(void)arg;
	TAILQ_FOREACH_SAFE(r, &requests, entry, next) {
		if (now - r->sent < BACKLOG_WAIT)
			continue;
		w = r->kind == REQ_SEARCH ? window_cur : window_find(r->room);
		if (w != NULL)
			window_printf(w, LINE_ERROR, "%s",
			    r->kind == REQ_SEARCH ? _("-!- no answer from the "
			    "server: search given up") : _("-!- no answer from "
			    "the server: history not loaded"));
		if (w != NULL && r->kind == REQ_CATCHUP)
			backlog_newest(w);
		backlog_request_free(r);
	}
	dirty |= DIRTY_PANE;
	backlog_wait();
}

static void
backlog_batch_free(struct batch *b)
{
	size_t	 i;

	TAILQ_REMOVE(&batches, b, entry);
	nbatches--;
	for (i = 0; i < b->n; i++) {
		free(b->lines[i].text);
		free(b->lines[i].msgid);
	}
	free(b->lines);
	free(b->ref);
	free(b->room);
	free(b->last_id);
	free(b);
}

static struct batch *
backlog_batch_find(const char *ref)
{
	struct batch	*b;

	TAILQ_FOREACH(b, &batches, entry) {
		if (strcmp(b->ref, ref) == 0)
			return (b);
	}
	return (NULL);
}

/*
 * BATCH +ref type [params] opens a batch, BATCH -ref ends it. A batch
 * natter did not ask for keeps nothing; past BATCH_OPEN the oldest open
 * one is dropped.
 */
void
backlog_batch(struct msg *m)
{
	struct batch	*b, *parent = NULL;
	struct request	*r = NULL;
	const char	*ref;
	char		 pref[BATCH_REFMAX + 1];

	if (m->nparams < 1 || (m->params[0][0] != '+' &&
	    m->params[0][0] != '-'))
		return;
	ref = m->params[0] + 1;
	if (*ref == '\0' || strlen(ref) > BATCH_REFMAX)
		return;
	if (m->params[0][0] == '-') {
		if ((b = backlog_batch_find(ref)) == NULL) {
			log_debug("end of unknown batch %s", ref);
			return;
		}
		backlog_end(b);
		backlog_batch_free(b);
		return;
	}
	if (m->nparams < 2 || backlog_batch_find(ref) != NULL)
		return;
	if (nbatches >= BATCH_OPEN)
		backlog_batch_free(TAILQ_FIRST(&batches));
	b = xcalloc(1, sizeof *b);
	b->ref = xstrdup(ref);
	if (msg_tag(m, "batch", pref, sizeof pref) != NULL)
		parent = backlog_batch_find(pref);
	if (parent != NULL && parent->kind != BATCH_OTHER) {
		/*
		 * Inside history: natter asks for no event-playback, so
		 * this is not asked for either; its lines are dropped.
		 */
		b->kind = parent->kind;
	} else if (strcmp(m->params[1], "chathistory") == 0 &&
	    m->nparams >= 3) {
		b->kind = BATCH_HISTORY;
		b->room = xstrdup(m->params[2]);
		r = backlog_request(b->room, 0);
	} else if (strcmp(m->params[1], "soju.im/search") == 0) {
		b->kind = BATCH_SEARCH;
		if ((r = backlog_request(NULL, 1)) != NULL)
			b->room = xstrdup(r->room);
	}
	if (r != NULL)
		b->max = r->asked;
	TAILQ_INSERT_TAIL(&batches, b, entry);
	nbatches++;
}

/* Is m a line of a history or search batch? Then it is kept, or not. */
int
backlog_batched(struct msg *m, time_t when)
{
	struct batch	*b;
	struct line	 l;
	char		 ref[BATCH_REFMAX + 1];

	/* A batch inside one is opened by backlog_batch(), swallowing. */
	if (!(net.caps & CAP_BATCH) || strcmp(m->cmd, "BATCH") == 0 ||
	    msg_tag(m, "batch", ref, sizeof ref) == NULL ||
	    (b = backlog_batch_find(ref)) == NULL || b->kind == BATCH_OTHER)
		return (0);
	b->got++;
	if (b->room == NULL || handle_history(m, when, b->room, &l) != 0)
		return (1);
	if (b->kind == BATCH_HISTORY)
		presence_history(b->room, m);
	if (l.msgid != NULL) {
		free(b->last_id);
		b->last_id = xstrdup(l.msgid);
	}
	if (b->n >= b->max) {
		free(l.text);
		free(l.msgid);
		return (1);
	}
	if (b->lines == NULL)
		b->lines = xcalloc(b->max, sizeof *b->lines);
	b->lines[b->n++] = l;
	return (1);
}

static int
backlog_id_cmp(const void *a, const void *b)
{
	const struct line	*la = *(const struct line *const *)a;
	const struct line	*lb = *(const struct line *const *)b;

	return (strcmp(la->msgid, lb->msgid));
}

/*
 * Nothing is shown twice: a line of the batch whose msgid is already in
 * w (or earlier in the batch) loses its text. One sort of the batch, one
 * walk of the scrollback.
 */
static void
backlog_dedupe(struct window *w, struct batch *b)
{
	struct scroll	*s = &w->scroll;
	struct line	**v, key, *kp, **hit, *l;
	size_t		 i, n = 0, seq;

	v = xreallocarray(NULL, b->n + 1, sizeof *v);
	for (i = 0; i < b->n; i++) {
		if (b->lines[i].msgid != NULL)
			v[n++] = &b->lines[i];
	}
	/* Equal msgids sort by position: the first one stays. */
	for (i = 1; i < n; i++) {
		kp = v[i];
		seq = i;
		while (seq > 0 && (strcmp(v[seq - 1]->msgid, kp->msgid) > 0 ||
		    (strcmp(v[seq - 1]->msgid, kp->msgid) == 0 &&
		    v[seq - 1] > kp))) {
			v[seq] = v[seq - 1];
			seq--;
		}
		v[seq] = kp;
	}
	for (i = 1; i < n; i++) {
		if (strcmp(v[i - 1]->msgid, v[i]->msgid) == 0) {
			free(v[i]->text);
			v[i]->text = NULL;
		}
	}
	for (seq = scroll_first(s); n > 0 && seq < s->end; seq++) {
		l = scroll_line(s, seq);
		if (l->msgid == NULL)
			continue;
		key.msgid = l->msgid;
		kp = &key;
		if ((hit = bsearch(&kp, v, n, sizeof *v,
		    backlog_id_cmp)) == NULL)
			continue;
		/* It and its equal neighbours go. */
		for (i = hit - v; i > 0 && strcmp(v[i - 1]->msgid,
		    l->msgid) == 0; i--)
			;
		for (; i < n && strcmp(v[i]->msgid, l->msgid) == 0; i++) {
			free(v[i]->text);
			v[i]->text = NULL;
		}
	}
	free(v);
}

/* A line made here, to insert: a notice such as the divider. */
static struct line
backlog_notice(time_t when, const char *text)
{
	struct line	 l;

	memset(&l, 0, sizeof l);
	l.time = when;
	l.flags = LINE_NOTICE | LINE_HISTORY;
	l.indent = strncmp(text, "-!- ", 4) == 0 ? 4 : 0;
	l.text = xstrdup(text);
	return (l);
}

/*
 * Insert the batch's lines left after dedupe at seq at of w, after
 * "start of history" (start) and the divider (divide) if asked for.
 */
static void
backlog_insert(struct window *w, size_t at, struct line *lines, size_t n,
    int divide, int start)
{
	struct line	*v;
	size_t		 i, k = 0;
	time_t		 when = n > 0 ? lines[0].time : time(NULL);

	v = xreallocarray(NULL, n + 2, sizeof *v);
	if (start)
		v[k++] = backlog_notice(when, _("-!- start of history"));
	if (divide) {
		v[k] = backlog_notice(when, _(PRESENCE_DIVIDER));
		v[k++].flags |= LINE_MARKER;
	}
	for (i = 0; i < n; i++) {
		if (lines[i].text != NULL)
			v[k++] = lines[i];
		else
			free(lines[i].msgid);
	}
	scroll_insert(&w->scroll, at, v, k);
	free(v);
	if (w == window_cur)
		dirty |= DIRTY_PANE;
}

/* Where a page before msgid id goes: above that line, else the top. */
static size_t
backlog_above(struct window *w, const char *id)
{
	struct scroll	*s = &w->scroll;
	struct line	*l;
	size_t		 seq;

	for (seq = scroll_first(s); id != NULL && seq < s->end; seq++) {
		l = scroll_line(s, seq);
		if (l->msgid != NULL && strcmp(l->msgid, id) == 0)
			return (seq);
	}
	return (scroll_first(s));
}

/* A history batch ended: put it in, then ask for more or stop. */
static void
backlog_history_end(struct batch *b)
{
	struct request	*r;
	struct window	*w;
	size_t		 kept, i, before;
	int		 full, divide;
	char		*ref;

	if ((r = backlog_request(b->room, 0)) == NULL)
		return;
	w = window_find(r->room);
	if (w == NULL || w->type != WINDOW_CHANNEL || !w->joined) {
		backlog_request_free(r);
		return;
	}
	backlog_dedupe(w, b);
	for (i = kept = 0; i < b->n; i++)
		kept += b->lines[i].text != NULL;
	full = b->got >= r->asked;
	if (r->kind == REQ_OLDER) {
		if (!full)
			w->seen_start = 1;
		backlog_insert(w, backlog_above(w, r->before), b->lines, b->n,
		    0, !full);
		b->n = 0;
		backlog_request_free(r);
		return;
	}
	/* A catch-up: pages go one after the other, at the mark. */
	divide = !r->divided && kept > 0;
	if (r->latest && !full)
		w->seen_start = 1;
	before = w->scroll.end;
	backlog_insert(w, r->at, b->lines, b->n, divide,
	    r->latest && !full && kept > 0);
	b->n = 0;
	r->at += w->scroll.end - before;
	r->divided |= divide;
	r->got += b->got;
	/* One divider a window, where the read marker says. */
	presence_marker(w);
	if (full && !r->latest && b->last_id != NULL && by_msgid &&
	    r->got < CATCHUP_MAX) {
		xasprintf(&ref, "msgid=%s", b->last_id);
		backlog_ask(r, "AFTER", ref);
		free(ref);
		return;
	}
	if (full && !r->latest && r->got >= CATCHUP_MAX) {
		window_printf(w, LINE_NOTICE, _("-!- more was said while you "
		    "were away; natter fetched the first %zu lines"), r->got);
	}
	backlog_request_free(r);
	backlog_newest(w);
}

static void
backlog_end(struct batch *b)
{
	struct request	*r;

	if (b->kind == BATCH_HISTORY && b->room != NULL)
		backlog_history_end(b);
	else if (b->kind == BATCH_SEARCH && b->room != NULL &&
	    (r = backlog_request(NULL, 1)) != NULL) {
		search_show(r->room, r->words, b->lines, b->n, NULL);
		b->n = 0;
		backlog_request_free(r);
	}
	backlog_wait();
}

/*
 * FAIL CHATHISTORY code ... or FAIL SEARCH code ...: the request it
 * answers (for a room named in the context, else the oldest) is over.
 * A catch-up by msgid the server does not know asks LATEST instead.
 * Return 0 if the reply was for us, else -1.
 */
int
backlog_fail(struct msg *m)
{
	struct request	*r = NULL;
	struct window	*w;
	int		 i, search;

	if (m->nparams < 2)
		return (-1);
	if (strcmp(m->params[0], "CHATHISTORY") == 0)
		search = 0;
	else if (strcmp(m->params[0], "SEARCH") == 0)
		search = 1;
	else
		return (-1);
	for (i = 2; r == NULL && i < m->nparams - 1; i++)
		r = backlog_request(m->params[i], search);
	if (r == NULL) {
		TAILQ_FOREACH(r, &requests, entry) {
			if ((r->kind == REQ_SEARCH) == search)
				break;
		}
	}
	if (r == NULL)
		return (-1);
	if (search) {
		window_printf(window_cur, LINE_ERROR, _("-!- search failed "
		    "(%s): %s"), m->params[1], msg_last(m));
		backlog_request_free(r);
		return (0);
	}
	w = window_find(r->room);
	if (w != NULL && r->kind == REQ_CATCHUP && !r->latest &&
	    r->got == 0) {
		r->latest = 1;
		backlog_catchup(w, r);
		return (0);
	}
	if (w != NULL)
		window_printf(w, LINE_NOTICE, _("-!- no history: %s"),
		    msg_last(m));
	if (w != NULL && r->kind == REQ_CATCHUP)
		backlog_newest(w);
	backlog_request_free(r);
	dirty |= DIRTY_PANE;
	backlog_wait();
	return (0);
}

/*
 * The user scrolled past the top of w: ask for the page before its
 * oldest message, unless the start is in, a request is out, or the
 * scrollback is full.
 */
void
backlog_older(struct window *w)
{
	struct scroll	*s = &w->scroll;
	struct request	*r;
	struct line	*l;
	size_t		 seq;
	char		*ref;

	if (!backlog_usable() || w->type != WINDOW_CHANNEL || !w->joined ||
	    w->seen_start || backlog_request(w->name, 0) != NULL ||
	    s->count >= s->cap)
		return;
	r = xcalloc(1, sizeof *r);
	r->kind = REQ_OLDER;
	r->room = xstrdup(w->name);
	r->asked = page;
	for (seq = scroll_first(s); seq < s->end; seq++) {
		l = scroll_line(s, seq);
		if (l->msgid != NULL) {
			r->before = xstrdup(l->msgid);
			break;
		}
	}
	TAILQ_INSERT_TAIL(&requests, r, entry);
	if (r->before != NULL && by_msgid) {
		xasprintf(&ref, "msgid=%s", r->before);
		backlog_ask(r, "BEFORE", ref);
		free(ref);
	} else
		backlog_ask(r, "LATEST", "*");
}

/* Is an older page of w on its way ("loading" at the top)? */
int
backlog_loading(const struct window *w)
{
	struct request	*r;

	if (w->type != WINDOW_CHANNEL ||
	    (r = backlog_request(w->name, 0)) == NULL)
		return (0);
	return (r->kind == REQ_OLDER);
}

/* Is what w missed while away still coming (a catch-up is out)? */
int
backlog_catching_up(const struct window *w)
{
	struct request	*r;

	if (w->type != WINDOW_CHANNEL ||
	    (r = backlog_request(w->name, 0)) == NULL)
		return (0);
	return (r->kind == REQ_CATCHUP);
}

/* Can the server search (soju.im/search, whose results are a batch)? */
int
backlog_can_search(void)
{
	return ((net.caps & (CAP_SEARCH | CAP_BATCH)) ==
	    (CAP_SEARCH | CAP_BATCH));
}

/* Escape s as an IRCv3 tag value (attribute values of SEARCH are). */
static char *
backlog_escape(const char *s)
{
	char	*out = xmalloc(2 * strlen(s) + 1);

	msg_tag_escape(out, s);
	return (out);
}

/* Ask the server to search room for words; results in search_show(). */
void
backlog_search(const char *room, const char *words)
{
	struct request	*r;
	char		*eroom, *ewords;

	if ((r = backlog_request(NULL, 1)) != NULL)
		backlog_request_free(r);
	r = xcalloc(1, sizeof *r);
	r->kind = REQ_SEARCH;
	r->room = xstrdup(room);
	r->words = xstrdup(words);
	r->asked = SEARCH_LIMIT;
	TAILQ_INSERT_TAIL(&requests, r, entry);
	eroom = backlog_escape(room);
	ewords = backlog_escape(words);
	net_send("SEARCH in=%s;text=%s;limit=%d", eroom, ewords,
	    SEARCH_LIMIT);
	free(eroom);
	free(ewords);
	r->sent = time(NULL);
	backlog_wait();
}
