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
 * null-relay: the least an IRC room server can do, as the reference row
 * of the benchmark. It answers registration with a bare 001 and JOIN with
 * 366, and copies every PRIVMSG line, behind a fixed prefix, to the other
 * members of its room. No validation, no nicks, no queues beyond
 * libevent's buffers: the fastest fan-out this machine and natter-bench
 * can do, for natterd and the peers to be compared with.
 */

#include <sys/resource.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#define ROOMS	1024		/* rooms by hash of the name */

struct member {
	struct bufferevent	*bev;
	int			 room;
	struct member		*next, *prev;
};

static struct member	*rooms[ROOMS];
static struct event_base *base;

static unsigned
room_hash(const char *s, size_t len)
{
	unsigned	 h = 5381;

	while (len-- > 0 && *s != ' ' && *s != '\r' && *s != '\n')
		h = h * 33 + (unsigned char)*s++;
	return (h % ROOMS);
}

static void
room_leave(struct member *m)
{
	if (m->room < 0)
		return;
	if (m->prev != NULL)
		m->prev->next = m->next;
	else
		rooms[m->room] = m->next;
	if (m->next != NULL)
		m->next->prev = m->prev;
	m->room = -1;
}

static void
relay_read(struct bufferevent *bev, void *arg)
{
	struct member		*m = arg, *o;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct evbuffer_ptr	 eol;
	size_t			 eol_len;
	char			 line[1024], *p;
	size_t			 n;

	for (;;) {
		eol = evbuffer_search_eol(in, NULL, &eol_len, EVBUFFER_EOL_LF);
		if (eol.pos < 0)
			return;
		n = (size_t)eol.pos + eol_len;
		if (n > sizeof line - 8) {
			evbuffer_drain(in, n);
			continue;
		}
		/* Room for ":x " in front, for the relayed copy. */
		evbuffer_remove(in, line + 3, n);
		p = line + 3;
		if (strncmp(p, "PRIVMSG #", 9) == 0) {
			line[0] = ':';
			line[1] = 'x';
			line[2] = ' ';
			for (o = rooms[room_hash(p + 9, n - 9)]; o != NULL;
			    o = o->next) {
				if (o != m)
					evbuffer_add(bufferevent_get_output(
					    o->bev), line, n + 3);
			}
		} else if (strncmp(p, "JOIN #", 6) == 0) {
			room_leave(m);
			m->room = room_hash(p + 6, n - 6 - eol_len);
			m->prev = NULL;
			m->next = rooms[m->room];
			if (m->next != NULL)
				m->next->prev = m;
			rooms[m->room] = m;
			bufferevent_write(bev, ":x 366 x #x :End\r\n", 18);
		} else if (strncmp(p, "USER ", 5) == 0)
			bufferevent_write(bev, ":x 001 x :Welcome\r\n", 19);
		else if (strncmp(p, "PING ", 5) == 0)
			bufferevent_write(bev, ":x PONG x x\r\n", 13);
		else if (strncmp(p, "QUIT", 4) == 0) {
			room_leave(m);
			bufferevent_write(bev, "ERROR :bye\r\n", 12);
			bufferevent_disable(bev, EV_READ);
			bufferevent_setwatermark(bev, EV_WRITE, 0, 0);
			return;
		}
	}
}

static void
relay_event(struct bufferevent *bev, short what, void *arg)
{
	struct member	*m = arg;

	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		room_leave(m);
		bufferevent_free(bev);
		free(m);
	}
}

static void
relay_flushed(struct bufferevent *bev, void *arg)
{
	/* After QUIT, close once the ERROR line is out. */
	if (!(bufferevent_get_enabled(bev) & EV_READ) &&
	    evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		relay_event(bev, BEV_EVENT_EOF, arg);
}

static void
relay_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct member	*m;
	int		 one = 1;

	(void)l;
	(void)sa;
	(void)salen;
	(void)arg;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if ((m = calloc(1, sizeof *m)) == NULL) {
		evutil_closesocket(fd);
		return;
	}
	m->room = -1;
	m->bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(m->bev, relay_read, relay_flushed, relay_event, m);
	bufferevent_enable(m->bev, EV_READ | EV_WRITE);
}

static void
relay_stop(evutil_socket_t sig, short ev, void *arg)
{
	(void)sig;
	(void)ev;
	(void)arg;
	event_base_loopexit(base, NULL);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in	 sin;
	struct evconnlistener	*l;
	struct event		*ev;
	struct rlimit		 rl;
	socklen_t		 len = sizeof sin;

	if (argc != 2) {
		fprintf(stderr, "usage: null-relay PORT\n");
		return (64);
	}
	signal(SIGPIPE, SIG_IGN);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	base = event_base_new();
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(atoi(argv[1]));
	l = evconnlistener_new_bind(base, relay_accept, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 4096,
	    (struct sockaddr *)&sin, sizeof sin);
	if (l == NULL) {
		perror("null-relay: bind");
		return (1);
	}
	getsockname(evconnlistener_get_fd(l), (struct sockaddr *)&sin, &len);
	fprintf(stderr, "null-relay: listening on 127.0.0.1:%d\n",
	    ntohs(sin.sin_port));
	ev = evsignal_new(base, SIGTERM, relay_stop, NULL);
	evsignal_add(ev, NULL);
	event_base_dispatch(base);
	event_free(ev);
	evconnlistener_free(l);
	event_base_free(base);
	return (0);
}
