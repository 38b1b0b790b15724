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
 * Connections: accept, read lines from the input buffer, queue output
 * with a bound, time out, and close. conn_close() is the only way out.
 */

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "natterd.h"

struct clients		 clients = TAILQ_HEAD_INITIALIZER(clients);
int			 conn_count;
int			 conn_max;
int			 conn_unregistered;

static struct clients	 close_list = TAILQ_HEAD_INITIALIZER(close_list);
static struct event	*close_ev;
static struct ipcounts	 ipcounts = RB_INITIALIZER(&ipcounts);
static uint64_t		 next_id = 1;

static void	conn_read_cb(struct bufferevent *, void *);
static void	conn_event_cb(struct bufferevent *, short, void *);
static void	conn_flushed_cb(struct bufferevent *, void *);
static void	conn_process(struct client *);
static int	conn_line(struct client *, char *, size_t);
static int	conn_flood_ok(struct client *);
static void	conn_flood_cb(evutil_socket_t, short, void *);
static void	conn_timer_cb(evutil_socket_t, short, void *);
static void	conn_close_cb(evutil_socket_t, short, void *);
static void	conn_free(struct client *);
static void	conn_schedule_free(struct client *);
static void	conn_free_cb(evutil_socket_t, short, void *);
static void	conn_resume_accept(evutil_socket_t, short, void *);
static void	conn_arm(struct event *, time_t);

static int
ipcount_cmp(struct ipcount *a, struct ipcount *b)
{
	return (strcmp(a->addr, b->addr));
}
RB_GENERATE(ipcounts, ipcount, entry, ipcount_cmp);

static void
conn_arm(struct event *ev, time_t secs)
{
	struct timeval	 tv = { secs, 0 };

	evtimer_add(ev, &tv);
}

void
conn_init(void)
{
	close_ev = event_new(base, -1, 0, conn_close_cb, NULL);
}

/* A new connection from the listener. */
void
conn_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct bufferevent	*bev;
	struct client		*c;
	char			 addr[64];
	int			 one = 1;

	(void)l;
	if (getnameinfo(sa, salen, addr, sizeof addr, NULL, 0,
	    NI_NUMERICHOST) != 0)
		snprintf(addr, sizeof addr, "unknown");
	if (sa->sa_family == AF_INET || sa->sa_family == AF_INET6)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	/* The listener's argument says whether it speaks TLS. */
	if (arg != NULL)
		bev = tls_accept(fd);
	else
		bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		log_warnx("cannot set up a connection from %s", addr);
		evutil_closesocket(fd);
		return;
	}
	c = conn_new(bev, addr);
	if (arg != NULL)
		c->flags |= CLIENT_TLS;
}

/*
 * Make a client of a connected bufferevent from addr. Limits are
 * enforced after the client exists, so the refusal goes out as an ERROR
 * line through the normal close path. The fuzzer calls this with one end
 * of a bufferevent pair.
 */
struct client *
conn_new(struct bufferevent *bev, const char *addr)
{
	struct client	*c;
	struct ipcount	 find, *ipc;

	c = xcalloc(1, sizeof *c);
	c->id = next_id++;
	/* A host starting with ':' would break a middle parameter. */
	xasprintf(&c->host, "%s%s", addr[0] == ':' ? "0" : "", addr);
	TAILQ_INIT(&c->channels);
	c->signon = c->last_rx = c->last_msg = time(NULL);
	c->tokens = conf.flood_burst;
	event_base_gettimeofday_cached(base, &c->tokens_at);
	c->bev = bev;
	bufferevent_setcb(c->bev, conn_read_cb, NULL, conn_event_cb, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, conf.recvq);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	c->timer = evtimer_new(base, conn_timer_cb, c);
	conn_arm(c->timer, conf.reg_timeout);
	TAILQ_INSERT_TAIL(&clients, c, entry);
	conn_count++;
	conn_unregistered++;
	log_debug("connection %llu from %s", (unsigned long long)c->id,
	    c->host);

	snprintf(find.addr, sizeof find.addr, "%s", addr);
	if ((ipc = RB_FIND(ipcounts, &ipcounts, &find)) == NULL) {
		ipc = xcalloc(1, sizeof *ipc);
		snprintf(ipc->addr, sizeof ipc->addr, "%s", addr);
		RB_INSERT(ipcounts, &ipcounts, ipc);
	}
	ipc->n++;
	c->ipc = ipc;

	if (server_stopping)
		conn_close(c, "Server shutting down");
	else if (conn_count > conn_max)
		conn_close(c, "Server is full");
	else if (conf.max_per_ip > 0 && ipc->n > conf.max_per_ip)
		conn_close(c, "Too many connections from your address");
	return (c);
}

/*
 * accept() failed. Out of descriptors, stop accepting for a second
 * rather than spin (httpd's server_accept does the same).
 */
void
conn_accept_error(struct evconnlistener *l, void *arg)
{
	int		 error = EVUTIL_SOCKET_ERROR();

	(void)arg;
	log_warnx("accept: %s", evutil_socket_error_to_string(error));
	if (error == EMFILE || error == ENFILE || error == ENOBUFS ||
	    error == ENOMEM) {
		evconnlistener_disable(l);
		event_base_once(base, -1, EV_TIMEOUT, conn_resume_accept, l,
		    &(struct timeval){ 1, 0 });
	}
}

static void
conn_resume_accept(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	if (!server_stopping)
		evconnlistener_enable(arg);
}

/*
 * Queue bytes for a client. Past the sendq limit the client is closed,
 * but not here: this may run inside a loop over a channel's members, so
 * the close is deferred until the loop is done.
 */
void
conn_write(struct client *c, const char *buf, size_t len)
{
	struct evbuffer	*out;

	if (c->flags & (CLIENT_CLOSING | CLIENT_DEFERCLOSE | CLIENT_DEAD |
	    CLIENT_REMOTE))
		return;
	if (c == label_client) {
		label_hold(buf, len);
		return;
	}
	out = bufferevent_get_output(c->bev);
	evbuffer_add(out, buf, len);
	if (evbuffer_get_length(out) > conf.sendq)
		conn_defer_close(c, "SendQ exceeded");
}

/* Close c once the current callback is done. */
void
conn_defer_close(struct client *c, const char *reason)
{
	if (c->flags & (CLIENT_CLOSING | CLIENT_DEFERCLOSE))
		return;
	c->flags |= CLIENT_DEFERCLOSE;
	c->defer_reason = reason;
	TAILQ_INSERT_TAIL(&close_list, c, close_entry);
	event_active(close_ev, EV_TIMEOUT, 0);
}

static void
conn_close_cb(evutil_socket_t fd, short events, void *arg)
{
	struct client	*c;

	(void)fd;
	(void)events;
	(void)arg;
	while ((c = TAILQ_FIRST(&close_list)) != NULL) {
		TAILQ_REMOVE(&close_list, c, close_entry);
		c->flags &= ~CLIENT_DEFERCLOSE;
		conn_close(c, c->defer_reason);
	}
}

static void
conn_read_cb(struct bufferevent *bev, void *arg)
{
	struct client	*c = arg;

	(void)bev;
	c->last_rx = time(NULL);
	c->flags &= ~CLIENT_PINGSENT;
	conn_process(c);
}

/*
 * Take whole lines off the input buffer while flood control allows. A
 * line longer than the limit gets one 417 and is skipped up to its end;
 * the connection stays. Memory stays bounded by the read watermark.
 */
static void
conn_process(struct client *c)
{
	struct evbuffer		*in = bufferevent_get_input(c->bev);
	struct evbuffer_ptr	 eol;
	size_t			 eol_len, len, max = MSG_TAGSLEN + MSG_LINELEN;
	char			 line[MSG_TAGSLEN + MSG_LINELEN + 1];

	while (!(c->flags & (CLIENT_CLOSING | CLIENT_DEFERCLOSE))) {
		/* Held for the cluster: conn_resume() reads on. */
		if (c->flags & (CLIENT_WAITBUS | CLIENT_HELD))
			return;
		eol = evbuffer_search_eol(in, NULL, &eol_len, EVBUFFER_EOL_LF);
		if (c->flags & CLIENT_SKIPLINE) {
			if (eol.pos == -1) {
				evbuffer_drain(in, evbuffer_get_length(in));
				break;
			}
			evbuffer_drain(in, eol.pos + eol_len);
			c->flags &= ~CLIENT_SKIPLINE;
			continue;
		}
		if (eol.pos == -1) {
			len = evbuffer_get_length(in);
			if (len > max) {
				reply(c, ERR_INPUTTOOLONG_MSG);
				batch_reject(c, "A line too long to read; "
				    "batch dropped");
				evbuffer_drain(in, len);
				c->flags |= CLIENT_SKIPLINE;
			} else if (len > 0 && (c->flags & CLIENT_READEOF)) {
				/* nc, text without Enter, Ctrl-D: it counts. */
				if (!conn_flood_ok(c))
					return;
				evbuffer_remove(in, line, len);
				line[len] = '\0';
				if (conn_line(c, line, len) != 0)
					return;
				continue;
			}
			break;
		}
		if (!conn_flood_ok(c))
			return;
		if ((size_t)eol.pos > max) {
			reply(c, ERR_INPUTTOOLONG_MSG);
			batch_reject(c, "A line too long to read; batch "
			    "dropped");
			evbuffer_drain(in, eol.pos + eol_len);
			continue;
		}
		evbuffer_remove(in, line, eol.pos + eol_len);
		line[eol.pos] = '\0';
		if (conn_line(c, line, eol.pos) != 0)
			return;
	}
	if ((c->flags & CLIENT_READEOF) && !(c->flags & CLIENT_CLOSING) &&
	    evbuffer_search_eol(in, NULL, &eol_len, EVBUFFER_EOL_LF).pos == -1)
		conn_close(c, "Remote host closed the connection");
}

/* One line, without its LF: check it, parse it, run it; -1: c closed. */
static int
conn_line(struct client *c, char *line, size_t len)
{
	struct msg	 m;
	const char	*errstr, *body;
	size_t		 tagslen = 0;
	int		 valid, rv;

	/*
	 * A line taken off the buffer is a sign of life too: a throttled
	 * client is not read from until its backlog drains, so its PONG may
	 * wait in the kernel while the lines before it are handled.
	 */
	c->last_rx = time(NULL);
	c->flags &= ~CLIENT_PINGSENT;

	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	if (len == 0)
		return (0);
	if (memchr(line, '\0', len) != NULL || memchr(line, '\r', len)) {
		reply(c, ERR_NULLINE_MSG);
		batch_reject(c, "A line with NUL or CR; batch dropped");
		return (0);
	}
	/*
	 * The limit applies without the tags, which have their own: a
	 * client may send MSG_CTAGSLEN bytes of them, without '@' and ' '.
	 */
	if (line[0] == '@') {
		body = strchr(line, ' ');
		tagslen = body == NULL ? len : (size_t)(body - line) + 1;
	}
	if (tagslen > MSG_CTAGSLEN + 2 || len - tagslen + 2 > MSG_LINELEN) {
		reply(c, ERR_INPUTTOOLONG_MSG);
		batch_reject(c, "A line over 512 bytes; batch dropped");
		return (0);
	}
	valid = utf8_valid(line, len);
	if (msg_parse(&m, line, &errstr) != 0) {
		reply(c, ERR_MALFORMED_MSG, errstr);
		batch_reject(c, "A malformed line; batch dropped");
		return (0);
	}
	if (!valid) {
		reply_fail(c, m.cmd, "INVALID_UTF8",
		    "Line is not valid UTF-8 and was dropped");
		batch_reject(c, "A line not in UTF-8; batch dropped");
		return (0);
	}
	label_begin(c, &m);
	rv = cmd_dispatch(c, &m);
	label_end(c, rv != 0 || (c->flags & CLIENT_CLOSING));
	return (rv);
}

/* Token bucket: a line costs one token; tokens come at flood_rate. */
static int
conn_flood_ok(struct client *c)
{
	struct timeval	 now, wait;
	double		 dt, need;

	if (conf.flood_rate <= 0)
		return (1);
	event_base_gettimeofday_cached(base, &now);
	dt = (now.tv_sec - c->tokens_at.tv_sec) +
	    (now.tv_usec - c->tokens_at.tv_usec) / 1e6;
	c->tokens_at = now;
	if (dt > 0) {
		c->tokens += dt * conf.flood_rate;
		if (c->tokens > conf.flood_burst)
			c->tokens = conf.flood_burst;
	}
	if (c->tokens >= 1) {
		c->tokens -= 1;
		return (1);
	}
	/*
	 * Stop reading until the tokens come. Left on, a full input buffer
	 * (at the read watermark) makes libevent call the read callback
	 * again on every loop turn: a busy loop at 100 % CPU.
	 */
	if (!(c->flags & CLIENT_THROTTLED)) {
		c->flags |= CLIENT_THROTTLED;
		bufferevent_disable(c->bev, EV_READ);
	}
	if (c->flood_ev == NULL)
		c->flood_ev = evtimer_new(base, conn_flood_cb, c);
	if (!evtimer_pending(c->flood_ev, NULL)) {
		need = (1 - c->tokens) / conf.flood_rate;
		wait.tv_sec = (time_t)need;
		wait.tv_usec = (suseconds_t)((need - wait.tv_sec) * 1e6) + 1;
		evtimer_add(c->flood_ev, &wait);
	}
	return (0);
}

static void
conn_flood_cb(evutil_socket_t fd, short events, void *arg)
{
	struct client	*c = arg;

	(void)fd;
	(void)events;
	if (c->flags & CLIENT_CLOSING)
		return;
	c->flags &= ~CLIENT_THROTTLED;
	if (!(c->flags & (CLIENT_READEOF | CLIENT_WAITBUS | CLIENT_HELD)))
		bufferevent_enable(c->bev, EV_READ);
	conn_process(c);
}

/*
 * Hold c's input while the cluster answers for it: nothing it sends
 * after a JOIN or NICK is read before that is done.
 */
void
conn_hold(struct client *c)
{
	c->flags |= CLIENT_WAITBUS;
	bufferevent_disable(c->bev, EV_READ);
}

/* Read on where conn_hold() stopped. */
void
conn_resume(struct client *c)
{
	c->flags &= ~CLIENT_WAITBUS;
	if (c->flags & (CLIENT_CLOSING | CLIENT_HELD))
		return;
	if (!(c->flags & (CLIENT_READEOF | CLIENT_THROTTLED)))
		bufferevent_enable(c->bev, EV_READ);
	conn_process(c);
}

/* Registration done: the timer now watches for a dead peer. */
void
conn_registered(struct client *c)
{
	c->flags |= CLIENT_REGISTERED;
	conn_unregistered--;
	conn_arm(c->timer, conf.ping_interval);
}

/*
 * Before registration the timer is the registration timeout. After it,
 * PING a peer idle for ping_interval and close it if it stays silent for
 * ping_timeout more.
 */
static void
conn_timer_cb(evutil_socket_t fd, short events, void *arg)
{
	struct client	*c = arg;
	time_t		 now = time(NULL), idle = now - c->last_rx;
	char		 reason[64];

	(void)fd;
	(void)events;
	if (c->flags & CLIENT_CLOSING)
		return;
	if (!(c->flags & CLIENT_REGISTERED)) {
		conn_close(c, (c->flags & CLIENT_HELD) ? "Closing link "
		    "(cluster unavailable, try again)" :
		    "Registration timed out");
		return;
	}
	if (c->flags & CLIENT_PINGSENT) {
		snprintf(reason, sizeof reason, "Ping timeout: %lld seconds",
		    (long long)idle);
		conn_close(c, reason);
		return;
	}
	if (idle >= conf.ping_interval) {
		reply_raw(c, "PING :%s", conf.name);
		c->flags |= CLIENT_PINGSENT;
		conn_arm(c->timer, conf.ping_timeout);
		return;
	}
	conn_arm(c->timer, conf.ping_interval - idle);
}

static void
conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct client	*c = arg;
	char		 reason[128];
	int		 error = EVUTIL_SOCKET_ERROR();

	(void)bev;
	if (c->flags & CLIENT_CLOSING) {
		/* Flushing failed or timed out: give up on it. */
		conn_schedule_free(c);
		return;
	}
	if (what & BEV_EVENT_EOF) {
		/* Half-closed: finish the lines it sent, then close. */
		c->flags |= CLIENT_READEOF;
		conn_process(c);
		return;
	}
	if (what & BEV_EVENT_ERROR) {
		c->flags |= CLIENT_DEAD;
		if (tls_error(c->bev, reason, sizeof reason) == NULL)
			snprintf(reason, sizeof reason, "%s", error != 0 ?
			    evutil_socket_error_to_string(error) :
			    "Connection error");
		if (reason[0] >= 'a' && reason[0] <= 'z')
			reason[0] -= 'a' - 'A';
		conn_close(c, reason);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT)
		conn_close(c, "Write timeout");
}

/*
 * Close a connection: tell its channels, take it off every list, send
 * ERROR, and let the output drain for up to ten seconds before freeing
 * it. The client struct stays valid until the current callback returns.
 */
void
conn_close(struct client *c, const char *reason)
{
	struct evbuffer		*out, *keep;
	struct evbuffer_ptr	 eol;
	char			 line[MSG_LINELEN + 1];
	int			 n;

	if (c->flags & CLIENT_CLOSING)
		return;
	if (c->flags & CLIENT_DEFERCLOSE) {
		TAILQ_REMOVE(&close_list, c, close_entry);
		c->flags &= ~CLIENT_DEFERCLOSE;
	}
	log_info("closing %llu %s%s%s: %s", (unsigned long long)c->id,
	    c->nick[0] != '\0' ? c->nick : "", c->nick[0] != '\0' ? " " : "",
	    c->host, reason);
	/* A batch not ended is abandoned: nothing of it goes out. */
	batch_free(c);
	if (c->flags & CLIENT_REGISTERED)
		user_quit(c, reason);
	else
		conn_unregistered--;
	user_release(c);
	cluster_forget(c);
	c->flags |= CLIENT_CLOSING;
	evtimer_del(c->timer);
	if (c->flood_ev != NULL)
		evtimer_del(c->flood_ev);

	/* A TLS peer that never finished its handshake cannot read ERROR. */
	if (!tls_established(c->bev))
		c->flags |= CLIENT_DEAD;
	if (c->flags & CLIENT_DEAD) {
		conn_schedule_free(c);
		return;
	}
	out = bufferevent_get_output(c->bev);
	if (evbuffer_get_length(out) > conf.sendq) {
		/*
		 * A reader that stalled gets no more of its backlog: keep
		 * only the rest of the line being written, so the ERROR
		 * starts a line of its own.
		 */
		eol = evbuffer_search_eol(out, NULL, NULL, EVBUFFER_EOL_LF);
		keep = evbuffer_new();
		if (eol.pos != -1)
			evbuffer_remove_buffer(out, keep, eol.pos + 1);
		evbuffer_drain(out, evbuffer_get_length(out));
		evbuffer_add_buffer(out, keep);
		evbuffer_free(keep);
	}
	n = snprintf(line, sizeof line, "ERROR :Closing link: (%s@%s) [%s]\r\n",
	    c->user[0] != '\0' ? c->user : "*", c->host, reason);
	if (n < 0 || (size_t)n >= sizeof line)
		n = snprintf(line, sizeof line, "ERROR :Closing link\r\n");
	evbuffer_add(out, line, n);
	bufferevent_disable(c->bev, EV_READ);
	bufferevent_setcb(c->bev, NULL, conn_flushed_cb, conn_event_cb, c);
	bufferevent_set_timeouts(c->bev, NULL, &(struct timeval){ 10, 0 });
	bufferevent_enable(c->bev, EV_WRITE);
}

/* The output of a closing client has drained (or it never will). */
static void
conn_flushed_cb(struct bufferevent *bev, void *arg)
{
	struct client	*c = arg;

	if (evbuffer_get_length(bufferevent_get_output(bev)) != 0)
		return;
	conn_schedule_free(c);
}

/* Stop all events on c and free it from the loop, outside any callback. */
static void
conn_schedule_free(struct client *c)
{
	bufferevent_setcb(c->bev, NULL, NULL, NULL, NULL);
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	event_base_once(base, -1, EV_TIMEOUT, conn_free_cb, c, NULL);
}

static void
conn_free_cb(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	conn_free(arg);
	server_client_gone();
}

static void
conn_free(struct client *c)
{
	TAILQ_REMOVE(&clients, c, entry);
	conn_count--;
	if (c->ipc != NULL && --c->ipc->n == 0) {
		RB_REMOVE(ipcounts, &ipcounts, c->ipc);
		free(c->ipc);
	}
	log_debug("freed %llu", (unsigned long long)c->id);
	batch_free(c);
	bufferevent_free(c->bev);
	event_free(c->timer);
	if (c->flood_ev != NULL)
		event_free(c->flood_ev);
	free(c->host);
	free(c->prefix);
	free(c->realname);
	free(c->away);
	free(c);
}

/* SIGTERM: close every connection; the loop ends when they are freed. */
void
conn_shutdown(void)
{
	struct client	*c;

	TAILQ_FOREACH(c, &clients, entry)
		conn_close(c, "Server shutting down");
}

/* At exit, free whatever did not drain in time. */
void
conn_free_all(void)
{
	struct client	*c;

	while ((c = TAILQ_FIRST(&clients)) != NULL) {
		if (!(c->flags & CLIENT_CLOSING)) {
			c->flags |= CLIENT_DEAD;
			conn_close(c, "Server shutting down");
		}
		conn_free(c);
	}
}

void
conn_exit(void)
{
	conn_free_all();
	event_free(close_ev);
	close_ev = NULL;
}
