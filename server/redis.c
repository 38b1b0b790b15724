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
 * A Redis connection. Commands are formatted by hiredis into the output
 * buffer and answered in order, so each has its callback on a FIFO; a
 * "message" on a subscribed connection is the one reply that is not an
 * answer, and goes to the push callback. Each second a timer checks the
 * oldest unanswered command: older than REDIS_TIMEOUT and the link is
 * down (a stopped Redis keeps its socket open). With nothing in flight
 * it sends a PING, which a subscribed connection answers too.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "natterd.h"
#include "redis.h"

#define REDIS_ARGS	32	/* redis_commandv() */

struct redis_wait {
	redis_cb		 cb;
	void			*arg;
	time_t			 sent;
	TAILQ_ENTRY(redis_wait)	 entry;
};

struct redis {
	char			*name;		/* "cmd", "sub": for the log */
	const struct redis_addr	*addr;
	struct bufferevent	*bev;
	redisReader		*reader;
	int			 up;
	time_t			 since;		/* connect started */
	struct event		*timer;
	TAILQ_HEAD(, redis_wait) waits;
	size_t			 nwaits;
	redis_state_cb		 state;
	redis_cb		 push;
	void			*arg;
	long long		 fine_ms;	/* sent with the last PING back */
};

static void	redis_read_cb(struct bufferevent *, void *);
static void	redis_event_cb(struct bufferevent *, short, void *);
static void	redis_timer_cb(evutil_socket_t, short, void *);
static void	redis_down(struct redis *, const char *);
static void	redis_pong(struct redis *, redisReply *, void *);
static void	redis_setup_cb(struct redis *, redisReply *, void *);

/* Cut "user:pass@" off s into a; return what follows it. */
static const char *
redis_parse_auth(struct redis_addr *a, const char *s)
{
	const char	*at, *colon;
	size_t		 pass;		/* where the password starts */

	if ((at = strrchr(s, '@')) == NULL)
		return (s);
	if ((colon = memchr(s, ':', at - s)) == NULL)
		pass = 0;		/* PASS@ alone */
	else {
		pass = colon - s + 1;
		if (colon > s) {
			a->user = xmalloc(colon - s + 1);
			memcpy(a->user, s, colon - s);
			a->user[colon - s] = '\0';
		}
	}
	a->pass = xmalloc(at - s - pass + 1);
	memcpy(a->pass, s + pass, at - s - pass);
	a->pass[at - s - pass] = '\0';
	return (at + 1);
}

/*
 * redis://[[USER]:PASS@]HOST:PORT[/DB] (HOST numeric, a name resolved
 * now, or [v6]) or unix:/PATH. Return 0, or -1 with *errstr.
 */
int
redis_parse_url(struct redis_addr *a, const char *url, const char **errstr)
{
	struct sockaddr_un	*sun = (struct sockaddr_un *)&a->ss;
	struct addrinfo		 hints, *res;
	char			 host[256], port[16];
	const char		*p, *end, *colon;
	char			*slash;
	long			 db;

	memset(a, 0, sizeof *a);
	if (strncmp(url, "unix:", 5) == 0) {
		p = url + 5;
		if (p[0] != '/' || strlen(p) >= sizeof sun->sun_path) {
			*errstr = "unix:/PATH needs an absolute path";
			return (-1);
		}
		sun->sun_family = AF_UNIX;
		memcpy(sun->sun_path, p, strlen(p) + 1);
		a->sslen = sizeof *sun;
		a->shown = xstrdup(url);
		return (0);
	}
	if (strncmp(url, "redis://", 8) != 0) {
		*errstr = "not redis://HOST:PORT[/DB] or unix:/PATH";
		return (-1);
	}
	p = redis_parse_auth(a, url + 8);
	end = p + strcspn(p, "/");
	if (*p == '[') {
		if ((colon = memchr(p, ']', end - p)) == NULL ||
		    colon[1] != ':') {
			*errstr = "bad [address]:port";
			goto fail;
		}
		snprintf(host, sizeof host, "%.*s", (int)(colon - p - 1),
		    p + 1);
		colon++;
	} else {
		if ((colon = memchr(p, ':', end - p)) == NULL) {
			*errstr = "no :PORT";
			goto fail;
		}
		snprintf(host, sizeof host, "%.*s", (int)(colon - p), p);
	}
	snprintf(port, sizeof port, "%.*s", (int)(end - colon - 1),
	    colon + 1);
	if (host[0] == '\0' || port[0] == '\0' ||
	    strspn(port, "0123456789") != strlen(port)) {
		*errstr = "bad HOST:PORT";
		goto fail;
	}
	if (*end == '/') {
		errno = 0;
		db = strtol(end + 1, &slash, 10);
		if (end[1] == '\0' || *slash != '\0' || errno != 0 ||
		    db < 0 || db > 1000) {
			*errstr = "bad /DB";
			goto fail;
		}
		a->db = (int)db;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &res) != 0 || res == NULL) {
		*errstr = "cannot resolve the host";
		goto fail;
	}
	memcpy(&a->ss, res->ai_addr, res->ai_addrlen);
	a->sslen = res->ai_addrlen;
	freeaddrinfo(res);
	xasprintf(&a->shown, "redis://%s", p);	/* no password shown */
	return (0);
fail:
	redis_addr_free(a);
	return (-1);
}

void
redis_addr_free(struct redis_addr *a)
{
	free(a->user);
	if (a->pass != NULL)
		explicit_bzero(a->pass, strlen(a->pass));
	free(a->pass);
	free(a->shown);
	a->user = a->pass = a->shown = NULL;
}

struct redis *
redis_new(const char *name, const struct redis_addr *addr,
    redis_state_cb state, redis_cb push, void *arg)
{
	struct redis	*r;
	struct timeval	 tv = { 1, 0 };

	r = xcalloc(1, sizeof *r);
	r->name = xstrdup(name);
	r->addr = addr;
	r->state = state;
	r->push = push;
	r->arg = arg;
	TAILQ_INIT(&r->waits);
	r->timer = event_new(base, -1, EV_PERSIST, redis_timer_cb, r);
	evtimer_add(r->timer, &tv);
	return (r);
}

void
redis_free(struct redis *r)
{
	if (r == NULL)
		return;
	redis_close(r, NULL);
	event_free(r->timer);
	free(r->name);
	free(r);
}

int
redis_up(struct redis *r)
{
	return (r->up);
}

size_t
redis_pending(struct redis *r)
{
	return (r->nwaits);
}

/* Start connecting; the state callback says how it went. */
void
redis_connect(struct redis *r)
{
	redis_close(r, NULL);
	r->bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (r->bev == NULL)
		fatalx("bufferevent_socket_new");
	if ((r->reader = redisReaderCreate()) == NULL)
		fatalx("redisReaderCreate");
	r->since = time(NULL);
	bufferevent_setcb(r->bev, redis_read_cb, NULL, redis_event_cb, r);
	bufferevent_enable(r->bev, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect(r->bev,
	    (struct sockaddr *)&r->addr->ss, r->addr->sslen) != 0) {
		redis_down(r, strerror(errno));
		return;
	}
	/* Sent now, answered first: the server queues them for us. */
	if (r->addr->pass != NULL) {
		if (r->addr->user != NULL)
			redis_commandv(r, redis_setup_cb, (void *)"AUTH",
			    "AUTH", r->addr->user, r->addr->pass, NULL);
		else
			redis_commandv(r, redis_setup_cb, (void *)"AUTH",
			    "AUTH", r->addr->pass, NULL);
	}
	if (r->addr->db != 0) {
		char	 db[16];

		snprintf(db, sizeof db, "%d", r->addr->db);
		redis_commandv(r, redis_setup_cb, (void *)"SELECT", "SELECT",
		    db, NULL);
	}
}

/* AUTH or SELECT refused: say what Redis said, and drop the link. */
static void
redis_setup_cb(struct redis *r, redisReply *rep, void *arg)
{
	char	 why[160];

	if (rep == NULL || rep->type != REDIS_REPLY_ERROR)
		return;
	log_warnx("redis %s: %s: %s", r->name, (const char *)arg, rep->str);
	snprintf(why, sizeof why, "%s refused", (const char *)arg);
	redis_close(r, why);
}

/*
 * Drop the link and answer every command still waiting with NULL; tell
 * the owner if why is set and the link was up or coming up.
 */
void
redis_close(struct redis *r, const char *why)
{
	struct redis_wait	*w;
	int			 had = r->bev != NULL;

	if (r->bev != NULL) {
		bufferevent_free(r->bev);
		r->bev = NULL;
	}
	if (r->reader != NULL) {
		redisReaderFree(r->reader);
		r->reader = NULL;
	}
	r->up = 0;
	while ((w = TAILQ_FIRST(&r->waits)) != NULL) {
		TAILQ_REMOVE(&r->waits, w, entry);
		r->nwaits--;
		if (w->cb != NULL)
			w->cb(r, NULL, w->arg);
		free(w);
	}
	if (had && why != NULL)
		r->state(r, why, r->arg);
}

static void
redis_down(struct redis *r, const char *why)
{
	log_debug("redis %s: %s", r->name, why);
	redis_close(r, why);
}

/* Queue argv (binary-safe, with lens) and its callback. */
void
redis_command(struct redis *r, redis_cb cb, void *arg, int argc,
    const char **argv, const size_t *lens)
{
	struct redis_wait	*w;
	char			*cmd;
	int			 n;

	if (r->bev == NULL) {
		if (cb != NULL)
			cb(r, NULL, arg);
		return;
	}
	if ((n = redisFormatCommandArgv(&cmd, argc, argv, lens)) < 0)
		fatalx("redisFormatCommandArgv");
	evbuffer_add(bufferevent_get_output(r->bev), cmd, n);
	redisFreeCommand(cmd);
	w = xcalloc(1, sizeof *w);
	w->cb = cb;
	w->arg = arg;
	w->sent = time(NULL);
	TAILQ_INSERT_TAIL(&r->waits, w, entry);
	r->nwaits++;
}

/* redis_command() of NUL-terminated strings, ending with NULL. */
void
redis_commandv(struct redis *r, redis_cb cb, void *arg, ...)
{
	const char	*argv[REDIS_ARGS];
	size_t		 lens[REDIS_ARGS];
	va_list		 ap;
	int		 argc = 0;

	va_start(ap, arg);
	while ((argv[argc] = va_arg(ap, const char *)) != NULL) {
		lens[argc] = strlen(argv[argc]);
		if (++argc == REDIS_ARGS)
			fatalx("redis_commandv: too many arguments");
	}
	va_end(ap);
	redis_command(r, cb, arg, argc, argv, lens);
}

/* A "message" push on a subscribed connection, not an answer. */
static int
redis_is_push(redisReply *rep)
{
	return (rep->type == REDIS_REPLY_ARRAY && rep->elements == 3 &&
	    rep->element[0]->type == REDIS_REPLY_STRING &&
	    rep->element[0]->len == 7 &&
	    memcmp(rep->element[0]->str, "message", 7) == 0);
}

static void
redis_read_cb(struct bufferevent *bev, void *arg)
{
	struct redis		*r = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct redis_wait	*w;
	redisReply		*rep;
	char			 buf[16384];
	int			 n;

	while ((n = evbuffer_remove(in, buf, sizeof buf)) > 0) {
		if (redisReaderFeed(r->reader, buf, n) != REDIS_OK) {
			redis_down(r, "cannot read the reply");
			return;
		}
	}
	for (;;) {
		rep = NULL;
		if (redisReaderGetReply(r->reader, (void **)&rep) !=
		    REDIS_OK) {
			log_warnx("redis %s: %s", r->name, r->reader->errstr);
			redis_down(r, "protocol error");
			return;
		}
		if (rep == NULL)
			return;
		if (redis_is_push(rep)) {
			r->push(r, rep, r->arg);
		} else if ((w = TAILQ_FIRST(&r->waits)) == NULL) {
			freeReplyObject(rep);
			redis_down(r, "an answer to nothing");
			return;
		} else {
			TAILQ_REMOVE(&r->waits, w, entry);
			r->nwaits--;
			if (w->cb != NULL)
				w->cb(r, rep, w->arg);
			free(w);
		}
		freeReplyObject(rep);
		/* A callback may have closed or reopened the link. */
		if (r->bev != bev)
			return;
	}
}

static void
redis_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct redis	*r = arg;
	char		 why[128];
	int		 err = EVUTIL_SOCKET_ERROR();

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		r->up = 1;
		r->state(r, NULL, r->arg);
		return;
	}
	if (what & BEV_EVENT_EOF)
		snprintf(why, sizeof why, "connection closed by Redis");
	else
		snprintf(why, sizeof why, "%s",
		    evutil_socket_error_to_string(err));
	redis_down(r, why);
}

static void
redis_timer_cb(evutil_socket_t fd, short events, void *arg)
{
	struct redis		*r = arg;
	struct redis_wait	*w;
	time_t			 now = time(NULL);
	struct timespec		 ts;
	char			 ms[24];

	(void)fd;
	(void)events;
	if (r->bev == NULL)
		return;
	if (!r->up) {
		if (now - r->since >= REDIS_TIMEOUT)
			redis_down(r, "connect timed out");
		return;
	}
	if ((w = TAILQ_FIRST(&r->waits)) != NULL) {
		if (now - w->sent >= REDIS_TIMEOUT)
			redis_down(r, "no answer for 3 seconds");
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(ms, sizeof ms, "%lld", (long long)ts.tv_sec * 1000 +
	    ts.tv_nsec / 1000000);
	redis_commandv(r, redis_pong, NULL, "PING", ms, NULL);
}

/*
 * PING's answer comes after everything Redis had for us before it: all
 * was well up to when it was sent. On a subscribed link the answer is
 * ["pong", arg], else arg.
 */
static void
redis_pong(struct redis *r, redisReply *rep, void *arg)
{
	(void)arg;
	if (rep == NULL)
		return;
	if (rep->type == REDIS_REPLY_ARRAY && rep->elements == 2)
		rep = rep->element[1];
	if (rep->type == REDIS_REPLY_STRING)
		r->fine_ms = strtoll(rep->str, NULL, 10);
}

/* Our clock when the last PING answered was sent, or 0. */
long long
redis_fine_ms(struct redis *r)
{
	return (r->fine_ms);
}
