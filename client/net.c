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
 * The server link: one bufferevent, lines framed with evbuffer_readln(),
 * a paced send queue (so a confirmed paste goes out in order without
 * tripping the server's flood control), and reconnection with back-off.
 * Nothing here blocks: the name lookup is evdns, the connect is
 * non-blocking, and the UI keeps running whatever the network does.
 */

#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/dns.h>
#include <event2/event.h>

#include "natter.h"
#include "msg.h"
#include "name.h"

/* Paste pacing: a burst of this many lines, then this many a second. */
#define NET_BURST	5.0
#define NET_RATE	2.0
/* Back-off between reconnection attempts, in seconds. */
#define NET_RETRY_MIN	1
#define NET_RETRY_MAX	30
/* Silence before we PING the server, and again before we give up. */
#define NET_QUIET	120
/* Time for the TCP connection, then for each step of a TLS handshake. */
#define NET_CONNECT_TIMEOUT 10
/* Time the server has to close the link after /reconnect's QUIT. */
#define NET_DROP_WAIT	2
/* A userhost as long as a server may make one: ~user (16) @ host (63). */
#define NET_USERHOST_MAX (NAME_USERLEN + 1 + 63)

/*
 * A line waiting to go out. A message keeps its target and text, to be
 * shown once it is written (cb->sent) and to say where it was lost if
 * the link goes first.
 */
struct qline {
	TAILQ_ENTRY(qline)	 entry;
	char			*target;	/* NULL: not a message */
	char			*text;
	size_t			 len;
	char			 line[];
};

struct net		 net;

static const struct net_cb	*cb;	/* what main() wants told */
static struct bufferevent	*bev;
static struct evdns_base	*dns;
static struct evdns_getaddrinfo_request *dns_req;
static struct evutil_addrinfo	*addrs; /* the host's addresses */
static struct evutil_addrinfo	*addr_next;	/* to try next */
static struct event		*retry_ev;
static struct event		*pace_ev;
static struct event		*quit_ev;
static struct event		*drop_ev;
static int			 reconnecting;	/* QUIT sent, to connect */
static char			*host_alloc;	/* opt.host after /connect */
static char			*port_alloc;
static int			 retry_secs;
static int			 pinged;
static double			 tokens = NET_BURST;
static struct timespec		 refilled;
static TAILQ_HEAD(, qline)	 queue = TAILQ_HEAD_INITIALIZER(queue);
static size_t			 nqueued;

static void	net_read_cb(struct bufferevent *, void *);
static void	net_event_cb(struct bufferevent *, short, void *);
static void	net_retry_cb(evutil_socket_t, short, void *);
static void	net_pace_cb(evutil_socket_t, short, void *);
static void	net_quit_cb(evutil_socket_t, short, void *);
static void	net_drop_cb(evutil_socket_t, short, void *);
static void	net_drop(void);
static void	net_lost(const char *);
static void	net_why(struct bufferevent *, short, char *, size_t);
static void	net_untrusted(const char *);
static void	net_resolved(int, struct evutil_addrinfo *, void *);
static void	net_try(const char *);
static void	net_addrs_free(void);
static void	net_pace(void);
static void	net_write(const char *, size_t);
static void	net_queue(const char *, int, const char *, const char *);
static void	net_queue_clear(void);
static void	net_queue_lost(void);
static void	net_qline_free(struct qline *);
static int	net_format(char *, size_t, const char *, va_list)
		    __printflike(3, 0);

/* Set up; cb says whom to tell of the link, its lines and messages. */
void
net_init(const struct net_cb *events)
{
	cb = events;
	if ((dns = evdns_base_new(base,
	    EVDNS_BASE_INITIALIZE_NAMESERVERS)) == NULL) {
		/* No resolv.conf: numeric addresses and /etc/hosts work. */
		if ((dns = evdns_base_new(base, 0)) == NULL)
			fatalx("evdns_base_new failed");
		evdns_base_load_hosts(dns, NULL);
	}
	retry_ev = evtimer_new(base, net_retry_cb, NULL);
	pace_ev = evtimer_new(base, net_pace_cb, NULL);
	quit_ev = evtimer_new(base, net_quit_cb, NULL);
	drop_ev = evtimer_new(base, net_drop_cb, NULL);
	clock_gettime(CLOCK_MONOTONIC, &refilled);
	snprintf(net.status, sizeof net.status, _("not connected"));
}

void
net_free(void)
{
	if (dns_req != NULL)
		evdns_getaddrinfo_cancel(dns_req);
	dns_req = NULL;
	net_addrs_free();
	net_queue_clear();
	if (bev != NULL)
		bufferevent_free(bev);
	bev = NULL;
	event_free(retry_ev);
	event_free(pace_ev);
	event_free(quit_ev);
	event_free(drop_ev);
	evdns_base_free(dns, 0);
	free(net.nick);
	free(net.userhost);
	free(net.server);
	free(host_alloc);
	free(port_alloc);
}

const char *
net_state_name(void)
{
	switch (net.state) {
	case NET_IDLE:
		return (net.status);
	case NET_CONNECTING:
		return (_("connecting"));
	case NET_REGISTERING:
		return (_("registering"));
	case NET_CONNECTED:
		/* Loud for as long as it lasts, not just once. */
		if (opt.tls_insecure)
			return (_("connected, TLS NOT VERIFIED"));
		return (_("connected"));
	case NET_QUITTING:
		return (_("quitting"));
	}
	return ("?");
}

/* Can messages be sent now? */
int
net_ready(void)
{
	return (net.state == NET_CONNECTED);
}

/*
 * Start connecting: look the host up (evdns, so a slow DNS server never
 * stops the UI), then try its addresses in turn.
 */
void
net_connect(void)
{
	struct evutil_addrinfo	 hints;

	net.state = NET_CONNECTING;
	net.caps = 0;
	net.held = 0;
	pinged = 0;
	window_printf(window_server, 0, _("-!- connecting to %s port %s"),
	    opt.host, opt.port);
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	hints.ai_flags = EVUTIL_AI_ADDRCONFIG;
	/* For a numeric host the callback runs before this returns. */
	dns_req = evdns_getaddrinfo(dns, opt.host, opt.port, &hints,
	    net_resolved, NULL);
	dirty |= DIRTY_STATUS;
}

static void
net_resolved(int err, struct evutil_addrinfo *res, void *arg)
{
	char	 why[256];

	(void)arg;
	dns_req = NULL;
	if (err == EVUTIL_EAI_CANCEL)
		return;
	if (err != 0) {
		snprintf(why, sizeof why, "%s: %s", opt.host,
		    evutil_gai_strerror(err));
		net_lost(why);
		return;
	}
	addrs = addr_next = res;
	net_try(NULL);
}

/*
 * Connect to the next address; why says what went wrong with the last
 * one. With none left, the attempt has failed.
 */
static void
net_try(const char *why)
{
	struct evutil_addrinfo	*ai;
	struct timeval		 tv = { NET_CONNECT_TIMEOUT, 0 };

	if (bev != NULL)
		bufferevent_free(bev);
	bev = NULL;
	while ((ai = addr_next) != NULL) {
		addr_next = ai->ai_next;
		if (opt.tls)
			bev = tls_bufferevent();
		else if ((bev = bufferevent_socket_new(base, -1,
		    BEV_OPT_CLOSE_ON_FREE)) == NULL)
			fatalx("bufferevent_socket_new failed");
		bufferevent_setcb(bev, net_read_cb, NULL, net_event_cb, NULL);
		/*
		 * An address that drops our packets, or a server that never
		 * answers a ClientHello, must not hold us for minutes: give
		 * up and try the next address.
		 */
		bufferevent_set_timeouts(bev, &tv, &tv);
		bufferevent_enable(bev, EV_READ | EV_WRITE);
		if (bufferevent_socket_connect(bev, ai->ai_addr,
		    (int)ai->ai_addrlen) == 0)
			return;
		why = evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR());
		bufferevent_free(bev);
		bev = NULL;
	}
	net_lost(why != NULL ? why : _("no address to connect to"));
}

static void
net_addrs_free(void)
{
	if (addrs != NULL)
		evutil_freeaddrinfo(addrs);
	addrs = addr_next = NULL;
}

static void
net_event_cb(struct bufferevent *b, short what, void *arg)
{
	struct timeval	 idle = { NET_QUIET, 0 };
	char		 why[256];
	int		 fatal = 0;

	(void)arg;
	if (what & BEV_EVENT_CONNECTED) {
		net_addrs_free();
		net.state = NET_REGISTERING;
		if (opt.tls)
			tls_connected(b);
		window_printf(window_server, 0,
		    _("-!- connected, registering"));
		bufferevent_set_timeouts(b, &idle, NULL);
		cb->connected();
		dirty |= DIRTY_STATUS;
		return;
	}
	if ((what & BEV_EVENT_TIMEOUT) && (what & BEV_EVENT_READING) &&
	    net.state != NET_CONNECTING && !pinged) {
		/* Quiet for a while: ask once before calling it lost. */
		pinged = 1;
		net_send_now("PING :natter");
		bufferevent_enable(b, EV_READ);
		return;
	}
	if (!opt.tls || tls_error(b, net.state == NET_CONNECTING, why,
	    sizeof why, &fatal) == NULL)
		net_why(b, what, why, sizeof why);
	/*
	 * Another address may work where this one did not; but one that
	 * showed a certificate we refuse is not worked around.
	 */
	if (net.state == NET_CONNECTING && addr_next != NULL && !fatal) {
		net_try(why);
		return;
	}
	if (fatal)
		net.fatal = 1;
	net_lost(why);
	if (fatal)
		net_untrusted(why);
}

/* Why the link failed, when TLS did not say. */
static void
net_why(struct bufferevent *b, short what, char *why, size_t size)
{
	if ((what & BEV_EVENT_TIMEOUT) && net.state == NET_CONNECTING)
		snprintf(why, size, "%s", opt.tls && tls_started(b) ?
		    _("TLS handshake timed out") : _("connection timed out"));
	else if ((what & BEV_EVENT_EOF) && net.state == NET_CONNECTING)
		snprintf(why, size, _("connection closed during the TLS "
		    "handshake"));
	else if (what & BEV_EVENT_EOF)
		snprintf(why, size, _("connection closed"));
	else if (what & BEV_EVENT_TIMEOUT)
		snprintf(why, size, _("server not responding"));
	else
		snprintf(why, size, "%s",
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
}

/*
 * The certificate was refused: say so where the user is looking too,
 * and that we stop here, as for a wrong password, rather than try again.
 */
static void
net_untrusted(const char *why)
{
	const char	*hint = _("-!- not connecting again: the server's "
	    "certificate is not trusted (see --tls-ca in natter(1)); "
	    "/reconnect tries again, /quit leaves");

	/* With --no-reconnect, the status is the exit message: keep it. */
	if (natter_exit == -1)
		snprintf(net.status, sizeof net.status, _("not connected: "
		    "certificate refused"));
	window_printf(window_server, LINE_ERROR, "%s", hint);
	if (window_cur != window_server) {
		window_printf(window_cur, LINE_ERROR, "-!- %s", why);
		window_printf(window_cur, LINE_ERROR, "%s", hint);
	}
}

/* Lines in; each is handled before the next is read. */
static void
net_read_cb(struct bufferevent *b, void *arg)
{
	struct evbuffer	*in = bufferevent_get_input(b);
	char		*line;
	size_t		 len;

	(void)arg;
	pinged = 0;
	while (bev != NULL &&
	    (line = evbuffer_readln(in, &len, EVBUFFER_EOL_CRLF)) != NULL) {
		window_raw("<<", line);
		cb->line(line);
		free(line);
	}
	/* A server that never ends its line must not fill our memory. */
	if (bev != NULL && evbuffer_get_length(in) > MSG_TAGSLEN +
	    MSG_LINELEN) {
		log_warnx("dropping %zu bytes without a line end",
		    evbuffer_get_length(in));
		evbuffer_drain(in, evbuffer_get_length(in));
	}
}

/*
 * The link is gone. Rooms are kept (to rejoin), their member lists are
 * not; then reconnect after a back-off, or exit if told not to.
 */
static void
net_lost(const char *why)
{
	struct window	*w;
	struct timeval	 tv;
	int		 quitting = net.state == NET_QUITTING;
	int		 was_up = net.state != NET_CONNECTING;
	int		 hold;

	/*
	 * A server that gave up while a person chooses another nick (its
	 * registration timer) is connected to again once they have: no
	 * retries and no noise meanwhile.
	 */
	hold = !quitting && !reconnecting && opt.reconnect && !net.fatal &&
	    login_waiting();
	if (reconnecting) {
		evtimer_del(drop_ev);
		why = _("reconnecting, as asked");
	}
	log_info("link lost: %s", why);
	net_drop();
	/* A multi-line message cut off by the loss is shown as it came. */
	multiline_lost();
	net.state = NET_IDLE;
	net.caps = 0;
	TAILQ_FOREACH(w, &windows, entry) {
		if (w->type == WINDOW_CHANNEL) {
			window_members_clear(w);
			w->names_fresh = 1;
		}
		/* Say it once where people are; retries only here. */
		if (!quitting && !hold && (was_up || w == window_server))
			window_printf(w, LINE_ERROR, _("-!- disconnected: %s"),
			    why);
	}
	if (!quitting)
		net_queue_lost();
	net_queue_clear();
	dirty |= DIRTY_ALL;
	if (quitting) {
		natter_exit = 0;
		return;
	}
	if (reconnecting) {
		reconnecting = 0;
		net_connect();
		return;
	}
	if (hold) {
		net.held = 1;
		snprintf(net.status, sizeof net.status,
		    _("waiting for a nickname"));
		return;
	}
	if (!opt.reconnect) {
		snprintf(net.status, sizeof net.status, _("%s port %s: %s"),
		    opt.host, opt.port, why);
		natter_exit = EXIT_LINK;
		return;
	}
	if (net.fatal) {
		/* Trying again would fail the same way: stay, say why. */
		snprintf(net.status, sizeof net.status, _("not connected"));
		return;
	}
	retry_secs = retry_secs == 0 ? NET_RETRY_MIN : retry_secs * 2;
	if (retry_secs > NET_RETRY_MAX)
		retry_secs = NET_RETRY_MAX;
	snprintf(net.status, sizeof net.status, _("disconnected, retry in %ds"),
	    retry_secs);
	window_printf(window_server, 0, _("-!- reconnecting in %d seconds"),
	    retry_secs);
	tv.tv_sec = retry_secs;
	tv.tv_usec = 0;
	evtimer_add(retry_ev, &tv);
}

/* The nick a lost link waited for is chosen: connect with it now. */
void
net_resume(void)
{
	net.held = 0;
	if (net.state == NET_IDLE && !evtimer_pending(retry_ev, NULL))
		net_connect();
}

/* Forget the connection, or the attempt at one, without a word. */
static void
net_drop(void)
{
	if (dns_req != NULL)
		evdns_getaddrinfo_cancel(dns_req);
	dns_req = NULL;
	net_addrs_free();
	if (bev != NULL)
		bufferevent_free(bev);
	bev = NULL;
}

/*
 * /reconnect: drop the link and connect again now, skipping any back-off
 * and a refusal (a certificate, a password) that stopped the retries.
 * A link that is up gets a QUIT first; natter connects again once the
 * server closes it, or NET_DROP_WAIT seconds later, so that the old
 * connection has let go of the nick.
 */
void
net_reconnect(void)
{
	struct timeval	 tv = { NET_DROP_WAIT, 0 };

	if (net.state == NET_QUITTING || reconnecting)
		return;
	net.fatal = 0;
	retry_secs = 0;
	evtimer_del(retry_ev);
	if (bev != NULL && (net.state == NET_REGISTERING ||
	    net.state == NET_CONNECTED)) {
		reconnecting = 1;
		/* What is still queued would only follow the QUIT. */
		net_queue_lost();
		net_queue_clear();
		net_send_now("QUIT :reconnecting");
		evtimer_add(drop_ev, &tv);
		return;
	}
	net_drop();
	net_connect();
}

static void
net_drop_cb(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	(void)arg;
	net_lost(_("the server did not close the link"));
}

/*
 * /connect: the server to use from now on, host and port. What it knew
 * of the old one (its name, that we had registered) goes; the caller
 * then calls net_reconnect().
 */
void
net_server(const char *host, const char *port)
{
	char	*h = xstrdup(host), *p = xstrdup(port);

	free(host_alloc);
	free(port_alloc);
	opt.host = host_alloc = h;
	opt.port = port_alloc = p;
	free(net.server);
	net.server = NULL;
	net.registered_once = 0;
	dirty |= DIRTY_ALL;
}

static void
net_retry_cb(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	(void)arg;
	net_connect();
}

/* Registration is complete: the back-off starts again from the start. */
void
net_registered(void)
{
	net.state = NET_CONNECTED;
	net.registered_once = 1;
	retry_secs = 0;
	dirty |= DIRTY_STATUS;
}

void
net_set_nick(const char *nick)
{
	free(net.nick);
	net.nick = xstrdup(nick);
	dirty |= DIRTY_STATUS;
}

/* The user@host part of our prefix, from 001 or our own JOIN. */
void
net_set_userhost(const char *prefix)
{
	const char	*p;

	if ((p = strchr(prefix, '!')) == NULL || strchr(p, '@') == NULL)
		return;
	free(net.userhost);
	net.userhost = xstrdup(p + 1);
}

/*
 * Bytes of text that fit in one PRIVMSG to target once the server has
 * put our prefix in front: ":nick!user@host PRIVMSG target :text\r\n"
 * must fit in 512. Without a known userhost, assume the longest.
 */
size_t
net_text_room(const char *target, size_t extra)
{
	size_t	 prefix, used;

	prefix = strlen(net.nick != NULL ? net.nick : "") + 1 +
	    (net.userhost != NULL ? strlen(net.userhost) : NET_USERHOST_MAX);
	used = 1 + prefix + strlen(" PRIVMSG ") + strlen(target) +
	    strlen(" :") + strlen("\r\n") + extra;
	if (used + 32 > MSG_LINELEN)
		return (32);
	return (MSG_LINELEN - used);
}

static int
net_format(char *buf, size_t size, const char *fmt, va_list ap)
{
	int	 n;

	n = vsnprintf(buf, size - 2, fmt, ap);
	if (n < 0 || (size_t)n >= size - 2) {
		log_warnx("line too long, not sent");
		return (-1);
	}
	buf[n++] = '\r';
	buf[n++] = '\n';
	buf[n] = '\0';
	return (n);
}

/* Write len bytes of whole lines: one, or the lines of a batch. */
static void
net_write(const char *line, size_t len)
{
	const char	*p, *end = line + len;
	char		*shown;
	size_t		 n;

	if (bev == NULL)
		return;
	for (p = line; p < end; p += n + 2) {
		n = strcspn(p, "\r");
		shown = xstrndup(p, n);
		window_raw(">>", shown);
		free(shown);
	}
	bufferevent_write(bev, line, len);
}

/* Send a line now, ahead of the queue: registration, PONG. */
void
net_send_now(const char *fmt, ...)
{
	char	 buf[MSG_LINELEN + 1];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = net_format(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > 0)
		net_write(buf, n);
}

/* Queue a formatted line of n bytes, a message if target is not NULL. */
static void
net_queue(const char *buf, int n, const char *target, const char *text)
{
	struct qline	*q;

	q = xmalloc(sizeof *q + n + 1);
	q->len = n;
	memcpy(q->line, buf, n + 1);
	q->target = target != NULL ? xstrdup(target) : NULL;
	q->text = text != NULL ? xstrdup(text) : NULL;
	TAILQ_INSERT_TAIL(&queue, q, entry);
	nqueued++;
	net_pace();
}

/* Queue a line; it goes out in order, paced. */
void
net_send(const char *fmt, ...)
{
	char		 buf[MSG_LINELEN + 1];
	va_list		 ap;
	int		 n;

	if (bev == NULL)
		return;
	va_start(ap, fmt);
	n = net_format(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	net_queue(buf, n, NULL, NULL);
}

/*
 * Queue a PRIVMSG of text to target. cb->sent() hears of it when it is
 * written, not before: a line lost with the link was never seen as said.
 */
void
net_say(const char *target, const char *text)
{
	char	 buf[MSG_LINELEN + 1];
	int	 n;

	if (bev == NULL)
		return;
	n = snprintf(buf, sizeof buf, "PRIVMSG %s :%s\r\n", target, text);
	if (n < 0 || (size_t)n >= sizeof buf) {
		log_warnx("line too long, not sent");
		return;
	}
	net_queue(buf, n, target, text);
}

/*
 * Queue the len bytes of lines (each with its CR LF), the BATCH of a
 * multi-line message to target, as one entry: they go out together and
 * take one turn of the pace, as the server counts a batch as one
 * message. cb->sent() hears of text, the message as shown.
 */
void
net_batch(const char *target, const char *text, const char *lines,
    size_t len)
{
	if (bev == NULL || len == 0)
		return;
	net_queue(lines, (int)len, target, text);
}

size_t
net_queued(void)
{
	return (nqueued);
}

static void
net_qline_free(struct qline *q)
{
	free(q->target);
	free(q->text);
	free(q);
}

static void
net_queue_clear(void)
{
	struct qline	*q;

	while ((q = TAILQ_FIRST(&queue)) != NULL) {
		TAILQ_REMOVE(&queue, q, entry);
		net_qline_free(q);
	}
	if (nqueued > 0)
		dirty |= DIRTY_STATUS;
	nqueued = 0;
	if (pace_ev != NULL)
		evtimer_del(pace_ev);
}

/*
 * The link went with lines still queued: say how many in each window
 * they were for (the current one for lines that were not messages, or
 * whose window is gone). They are not sent after a reconnect: the rooms
 * are joined again only later, and the talk has moved on.
 */
static void
net_queue_lost(void)
{
	struct lost {
		struct window	*w;
		size_t		 n;
	}		*lost = NULL;
	struct qline	*q;
	struct window	*w;
	size_t		 nlost = 0, i;

	TAILQ_FOREACH(q, &queue, entry) {
		if (q->target == NULL || (w = window_find(q->target)) == NULL)
			w = window_cur;
		for (i = 0; i < nlost && lost[i].w != w; i++)
			;
		if (i == nlost) {
			lost = xreallocarray(lost, nlost + 1, sizeof *lost);
			lost[nlost].w = w;
			lost[nlost++].n = 0;
		}
		lost[i].n++;
	}
	for (i = 0; i < nlost; i++)
		window_printf(lost[i].w, LINE_ERROR,
		    ngettext("-!- %zu queued line was not sent",
		    "-!- %zu queued lines were not sent", lost[i].n),
		    lost[i].n);
	free(lost);
}

/* A token bucket: NET_BURST lines at once, then NET_RATE a second. */
static void
net_pace(void)
{
	struct qline	*q;
	struct timespec	 now;
	struct timeval	 tv;
	double		 dt, wait;

	clock_gettime(CLOCK_MONOTONIC, &now);
	dt = (now.tv_sec - refilled.tv_sec) +
	    (now.tv_nsec - refilled.tv_nsec) / 1e9;
	refilled = now;
	tokens += dt * NET_RATE;
	if (tokens > NET_BURST)
		tokens = NET_BURST;
	while (tokens >= 1.0 && (q = TAILQ_FIRST(&queue)) != NULL) {
		TAILQ_REMOVE(&queue, q, entry);
		nqueued--;
		net_write(q->line, q->len);
		if (q->target != NULL)
			cb->sent(q->target, q->text);
		net_qline_free(q);
		tokens -= 1.0;
		dirty |= DIRTY_STATUS;
	}
	if (!TAILQ_EMPTY(&queue) && !evtimer_pending(pace_ev, NULL)) {
		wait = (1.0 - tokens) / NET_RATE;
		tv.tv_sec = (time_t)wait;
		tv.tv_usec = (suseconds_t)((wait - tv.tv_sec) * 1e6) + 1000;
		evtimer_add(pace_ev, &tv);
	}
}

static void
net_pace_cb(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	(void)arg;
	net_pace();
}

/*
 * Leave: QUIT goes after whatever is still queued; exit when the server
 * closes the link, or after a grace time if it does not.
 */
void
net_quit(const char *reason)
{
	struct timeval	 tv;

	if (bev == NULL || net.state == NET_CONNECTING ||
	    net.state == NET_IDLE) {
		natter_exit = 0;
		return;
	}
	if (net.state == NET_QUITTING)
		return;
	if (reason != NULL && *reason != '\0')
		net_send("QUIT :%s", reason);
	else
		net_send("QUIT");
	net.state = NET_QUITTING;
	tv.tv_sec = 2 + (time_t)(nqueued / NET_RATE);
	tv.tv_usec = 0;
	evtimer_add(quit_ev, &tv);
	dirty |= DIRTY_STATUS;
}

static void
net_quit_cb(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	(void)arg;
	natter_exit = 0;
}
