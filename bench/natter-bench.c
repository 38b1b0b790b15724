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
 * natter-bench: a load generator for IRC servers on libevent. One
 * process, non-blocking, batched writes and no allocation per message,
 * so that the server and not this program is what gets measured.
 *
 *   fanout  N clients in R rooms, S of them sending numbered, timestamped
 *           PRIVMSGs with a bounded window for T seconds; then waits for
 *           what is in flight and audits every delivery
 *   idle    C clients registered and joined, held; RSS per connection
 *   churn   connect, register, join, message, quit, again; sessions/s
 *
 * Several servers that act as one (natterd nodes on a cluster) can be
 * given: clients are spread over their ports so that each room spans as
 * many of them as asked (--span), and the CPU time of every server
 * process named (the nodes and Redis) is summed.
 */

#include <sys/resource.h>
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#define HIST_BUCKETS	200000		/* 10 us each: up to 2 s */
#define HIST_STEP_NS	10000
#define MAX_SERVERS	64		/* ports, and pids, each */

enum mode { FANOUT, IDLE, CHURN };
enum state { CONNECTING, REGISTERING, JOINING, READY, QUITTING };

struct bclient {
	int			 id;
	int			 room;
	enum state		 state;
	struct bufferevent	*bev;
	int			 sender;	/* index in senders, or -1 */
	struct bits		*seen;		/* per sender of the room */
	uint64_t		*high;		/* 1 + highest seq seen, ditto */
	uint64_t		 sessions;	/* churn */
	int			 server;	/* index in opt.ports */
	uint8_t			*members;	/* --sync: room members seen */
	int			 nmembers;	/* ... how many */
	uint64_t		 opos;		/* place in its room's order */
	int			 diverged;	/* saw another order */
};

/* Which sequence numbers arrived, grown as the sender goes on. */
struct bits {
	uint8_t			*b;
	uint64_t		 cap;		/* in bits */
};

struct sender {
	int			 client;
	int			 room;
	int			 local;		/* index among its room's senders */
	uint64_t		 sent;
	uint64_t		 acked;
	uint32_t		*counts;	/* ring of window slots */
	uint64_t		 next_at;	/* rate limit: ns */
	int			 done;		/* all sent and acknowledged */
};

struct room {
	int			 nmembers;
	int			 nsenders;
	int			*senders;	/* global sender ids */
	uint64_t		*order;		/* sender << 32 | seq */
	uint64_t		 norder, ordercap;
};

static struct {
	enum mode	 mode;
	const char	*host;
	int		 ports[MAX_SERVERS];
	int		 nports;
	int		 span;		/* servers a room spans */
	int		 sync;		/* wait until rooms are whole */
	int		 schedstat;	/* CPU time to the ns, not the tick */
	int		 handshake;	/* PHASE lines, wait for stdin */
	int		 clients, rooms, senders, window, size, seconds;
	uint64_t	 messages;
	double		 rate;		/* per sender per second; 0: max */
	int		 parallel;
	int		 pids[MAX_SERVERS];
	int		 npids;
	const char	*password;
	const char	*label;
	int		 timeout;
	int		 grace;
} opt = {
	.host = "127.0.0.1", .clients = 200, .rooms = 10,
	.senders = 50, .window = 8, .size = 64, .seconds = 5,
	.messages = 0, .parallel = 20, .timeout = 120, .label = "server",
	.grace = 10,
};

static struct event_base	*base;
static struct bclient		*cl;
static struct sender		*snd;
static struct room		*rooms;
static struct sockaddr_storage	 addrs[MAX_SERVERS];
static int			 addrlen;
static char			 pad[4096];

static int	 nconnected, nready, nclosed_early, connecting;
static int	 next_to_connect;
static uint64_t	 deliveries, unexpected, senders_done;
static uint64_t	 lost, dups, reordered;
static uint64_t	 hist[HIST_BUCKETS + 1], lat_max;
static uint64_t	 t_start, t_end;
static uint64_t	 cpu_start[MAX_SERVERS], cpu_end[MAX_SERVERS];
static uint64_t	 order_checked, order_diverged;
static int	 nsynced;
static uint64_t	 t_conn_start, t_conn_end;
static uint64_t	 churn_sessions;
static int	 phase_started, finished, stopping;
static uint64_t	 total_sent;
static struct event	*tick_ev, *deadline_ev, *stop_ev;

static void	client_start(int);
static void	read_cb(struct bufferevent *, void *);
static void	event_cb(struct bufferevent *, short, void *);
static void	start_phase(void);
static void	finish(void);
static void	sender_pump(struct sender *);
static void	bits_grow(struct bits *, uint64_t);

static uint64_t
now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec);
}

static void
die(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	fprintf(stderr, "natter-bench: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

/* A server's CPU time (utime + stime) in microseconds, from /proc. */
static uint64_t
pid_cpu_us(int pid)
{
	char		 path[64], buf[1024], *p;
	FILE		*fp;
	unsigned long	 ut, st;
	int		 i;

	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if ((fp = fopen(path, "r")) == NULL)
		return (0);
	if (fgets(buf, sizeof buf, fp) == NULL) {
		fclose(fp);
		return (0);
	}
	fclose(fp);
	/* Skip "pid (comm)": comm may hold spaces. */
	if ((p = strrchr(buf, ')')) == NULL)
		return (0);
	p += 2;
	for (i = 3; i < 14; i++) {
		if ((p = strchr(p, ' ')) == NULL)
			return (0);
		p++;
	}
	if (sscanf(p, "%lu %lu", &ut, &st) != 2)
		return (0);
	return ((uint64_t)(ut + st) * 1000000ull / sysconf(_SC_CLK_TCK));
}

/*
 * The same, to the nanosecond: the run time of each of the process's
 * threads from /proc/PID/task/TID/schedstat. /proc/PID/stat counts in
 * clock ticks (10 ms), too coarse for a process that works for a few
 * tens of milliseconds in a run, as Redis does at a fixed load.
 */
static uint64_t
pid_cpu_us_fine(int pid)
{
	char		 path[300];
	DIR		*dp;
	struct dirent	*de;
	FILE		*fp;
	unsigned long long ns, sum = 0;

	snprintf(path, sizeof path, "/proc/%d/task", pid);
	if ((dp = opendir(path)) == NULL)
		return (0);
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/%d/task/%s/schedstat", pid,
		    de->d_name);
		if ((fp = fopen(path, "r")) == NULL)
			continue;
		if (fscanf(fp, "%llu", &ns) == 1)
			sum += ns;
		fclose(fp);
	}
	closedir(dp);
	return (sum / 1000);
}

/* Every server's CPU time into us[]; their sum. */
static uint64_t
server_cpu_us(uint64_t *us)
{
	uint64_t	 sum = 0;
	int		 i;

	for (i = 0; i < opt.npids; i++)
		sum += us[i] = opt.schedstat ? pid_cpu_us_fine(opt.pids[i]) :
		    pid_cpu_us(opt.pids[i]);
	return (sum);
}

/* A server's resident set size in KiB, from /proc; -1 if unknown. */
static long
pid_rss_kb(int pid)
{
	char	 path[64], line[256];
	FILE	*fp;
	long	 kb = -1;

	snprintf(path, sizeof path, "/proc/%d/status", pid);
	if ((fp = fopen(path, "r")) == NULL)
		return (-1);
	while (fgets(line, sizeof line, fp) != NULL) {
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	}
	fclose(fp);
	return (kb);
}

/* The servers' RSS summed into *sum (-1 if none known); each in kb[]. */
static long
server_rss_kb(long *kb)
{
	long	 sum = -1;
	int	 i;

	for (i = 0; i < opt.npids; i++) {
		if ((kb[i] = pid_rss_kb(opt.pids[i])) >= 0)
			sum = (sum < 0 ? 0 : sum) + kb[i];
	}
	return (sum);
}

static void
bsend(struct bclient *c, const char *fmt, ...)
{
	char	 buf[1024];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof buf)
		die("line too long");
	bufferevent_write(c->bev, buf, n);
}

/* Connect clients until opt.parallel connections are in progress. */
static void
connect_more(void)
{
	/* Connections in progress at once: a burst of thousands of SYNs
	 * overflows some servers' listen backlogs, and then the kernel's
	 * retransmission timers, not the server, set the pace. */
	int	 limit = opt.mode == FANOUT ? 32 : opt.parallel;

	while (next_to_connect < opt.clients && connecting < limit)
		client_start(next_to_connect++);
}

static void
client_start(int i)
{
	struct bclient	*c = &cl[i];
	int		 one = 1;

	c->bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(c->bev, read_cb, NULL, event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	c->state = CONNECTING;
	connecting++;
	if (bufferevent_socket_connect(c->bev,
	    (struct sockaddr *)&addrs[c->server], addrlen) != 0)
		die("connect: %s", strerror(errno));
	setsockopt(bufferevent_getfd(c->bev), IPPROTO_TCP, TCP_NODELAY, &one,
	    sizeof one);
	if (opt.password != NULL)
		bsend(c, "PASS :%s\r\n", opt.password);
	bsend(c, "NICK b%d_%d\r\nUSER b 0 * :bench\r\n", c->id,
	    (int)(c->sessions % 1000));
	c->state = REGISTERING;
}

static void
client_ready(struct bclient *c)
{
	c->state = READY;
	connecting--;
	nready++;
	if (opt.mode == CHURN) {
		bsend(c, "PRIVMSG #churn%d :hello\r\nQUIT :bye\r\n", c->id);
		c->state = QUITTING;
		return;
	}
	connect_more();
	if (nready == opt.clients && (!opt.sync || nsynced == opt.clients))
		start_phase();
}

static int
room_of(int i)
{
	return (i % opt.rooms);
}

/*
 * The server client i talks to. A room's members go round-robin over
 * opt.span consecutive servers, the rooms' first servers spread evenly,
 * and the round starts at the room's number so that its first member,
 * a sender, is not always on the same server: with span 1 each room
 * lives on one server, with span = all every room spans every server.
 */
static int
server_of(int i)
{
	int	 r = room_of(i), m = i / opt.rooms, first;

	if (opt.mode != FANOUT)
		return (i % opt.nports);
	first = r * opt.span % opt.nports;
	return ((first + (m + r) % opt.span) % opt.nports);
}

/*
 * Every receiver of a room that is not a sender in it must see the
 * room's messages in one order. The first receiver to reach a place
 * writes it down; each later one compares. Senders do not get their own
 * messages back, so they cannot tell where those stood: they are only
 * audited per sender.
 */
static void
order_check(struct bclient *c, unsigned long sid, uint64_t seq)
{
	struct room	*rm = &rooms[c->room];
	uint64_t	 key = (uint64_t)sid << 32 | seq;

	if (c->opos == rm->norder) {
		if (rm->norder == rm->ordercap) {
			rm->ordercap = rm->ordercap > 0 ? rm->ordercap * 2 :
			    65536;
			rm->order = realloc(rm->order, rm->ordercap *
			    sizeof *rm->order);
			if (rm->order == NULL)
				die("realloc");
		}
		rm->order[rm->norder++] = key;
	} else if (rm->order[c->opos] != key) {
		c->diverged = 1;
		order_diverged++;
		return;
	}
	c->opos++;
}

/*
 * --sync: a NAMES entry or JOIN of nick seen by c. The phase starts only
 * when every client has seen every member of its room: then every
 * server has heard of every member, and a message sent at once cannot
 * miss one that another server has not been told of yet.
 */
static void
member_seen(struct bclient *c, const char *nick)
{
	char		*end;
	unsigned long	 id;
	int		 m;

	nick += strspn(nick, "~&@%+");
	if (*nick != 'b')
		return;
	id = strtoul(nick + 1, &end, 10);
	if (*end != '_' || id >= (unsigned long)opt.clients ||
	    room_of(id) != c->room)
		return;
	m = id / opt.rooms;
	if (c->members[m / 8] & (1u << (m % 8)))
		return;
	c->members[m / 8] |= 1u << (m % 8);
	if (++c->nmembers == rooms[c->room].nmembers && ++nsynced ==
	    opt.clients && nready == opt.clients)
		start_phase();
}

/* A 353 (NAMES) reply: "me = #room :nick nick ..." */
static void
names_seen(struct bclient *c, char *p)
{
	char	*nick;

	if ((p = strstr(p, " :")) == NULL)
		return;
	for (p += 2; (nick = strsep(&p, " ")) != NULL;) {
		if (*nick != '\0')
			member_seen(c, nick);
	}
}

/* A PRIVMSG "sender seq ts ..." arrived at receiver c. */
static void
got_message(struct bclient *c, const char *text)
{
	char		*end;
	unsigned long	 sid;
	uint64_t	 seq, ts, lat, now;
	struct sender	*s;
	uint8_t		*bits;
	uint32_t	 target;

	sid = strtoul(text, &end, 10);
	if (*end != ' ' || sid >= (unsigned long)opt.senders) {
		unexpected++;
		return;
	}
	seq = strtoull(end + 1, &end, 10);
	if (*end != ' ') {
		unexpected++;
		return;
	}
	ts = strtoull(end + 1, &end, 10);
	s = &snd[sid];
	/* Not for its sender: an echo would count toward the window. */
	if (s->room != c->room || seq >= s->sent || s->client == c->id) {
		unexpected++;
		return;
	}
	now = now_ns();
	lat = now > ts ? now - ts : 0;
	if (lat / HIST_STEP_NS < HIST_BUCKETS)
		hist[lat / HIST_STEP_NS]++;
	else
		hist[HIST_BUCKETS]++;
	if (lat > lat_max)
		lat_max = lat;
	deliveries++;

	if (seq >= c->seen[s->local].cap)
		bits_grow(&c->seen[s->local], seq);
	bits = c->seen[s->local].b;
	if (bits[seq / 8] & (1u << (seq % 8))) {
		dups++;
		return;
	}
	bits[seq / 8] |= 1u << (seq % 8);
	/* Arrived after a later one from the same sender? */
	if (seq + 1 < c->high[s->local])
		reordered++;
	else
		c->high[s->local] = seq + 1;
	if (c->sender < 0 && !c->diverged)
		order_check(c, sid, seq);

	target = rooms[s->room].nmembers - 1;
	if (++s->counts[seq % opt.window] >= target) {
		while (s->acked < s->sent &&
		    s->counts[s->acked % opt.window] >= target) {
			s->counts[s->acked % opt.window] = 0;
			s->acked++;
		}
		if (s->acked == s->sent && (stopping || s->sent ==
		    opt.messages)) {
			/* Once: stop_cb counts those done by --messages. */
			if (!s->done++ && ++senders_done ==
			    (uint64_t)opt.senders)
				finish();
		} else
			sender_pump(s);
	}
}

/* Make room for bit seq, doubling; rare, so not a per-message cost. */
static void
bits_grow(struct bits *bs, uint64_t seq)
{
	uint64_t	 cap = bs->cap > 0 ? bs->cap : 4096;

	while (cap <= seq)
		cap *= 2;
	if ((bs->b = realloc(bs->b, cap / 8)) == NULL)
		die("realloc");
	memset(bs->b + bs->cap / 8, 0, (cap - bs->cap) / 8);
	bs->cap = cap;
}

/* T seconds are up: no new messages; finish when the rest arrived. */
static void
stop_cb(evutil_socket_t fd, short ev, void *arg)
{
	int	 i;

	(void)fd;
	(void)ev;
	(void)arg;
	stopping = 1;
	for (i = 0; i < opt.senders; i++) {
		if (snd[i].acked == snd[i].sent && !snd[i].done++)
			senders_done++;
	}
	if (senders_done == (uint64_t)opt.senders)
		finish();
}

/* Send what the window (and the rate, if any) allows. */
static void
sender_pump(struct sender *s)
{
	struct bclient	*c = &cl[s->client];
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	char		 buf[128];
	uint64_t	 now;
	int		 n;

	while (!stopping && (opt.messages == 0 || s->sent < opt.messages) &&
	    s->sent - s->acked < (uint64_t)opt.window) {
		now = now_ns();
		if (opt.rate > 0) {
			if (now < s->next_at)
				return;
			s->next_at += (uint64_t)(1e9 / opt.rate);
		}
		n = snprintf(buf, sizeof buf, "PRIVMSG #r%d :%d %" PRIu64
		    " %" PRIu64 " ", s->room, (int)(s - snd), s->sent, now);
		evbuffer_add(out, buf, n);
		if (opt.size > n)
			evbuffer_add(out, pad, opt.size - n);
		evbuffer_add(out, "\r\n", 2);
		s->sent++;
		total_sent++;
	}
}

/*
 * --handshake: tell a driver that the measured phase starts or ended and
 * wait for its line on stdin, so that it can read other counters (Redis's
 * INFO) at the same moments. Blocking here is fine: nothing is measured
 * until it returns.
 */
static void
handshake(const char *what)
{
	char	 buf[64];

	if (!opt.handshake)
		return;
	printf("PHASE %s\n", what);
	fflush(stdout);
	if (fgets(buf, sizeof buf, stdin) == NULL)
		opt.handshake = 0;
}

static void
tick_cb(evutil_socket_t fd, short ev, void *arg)
{
	int	 i;

	(void)fd;
	(void)ev;
	(void)arg;
	for (i = 0; i < opt.senders; i++)
		sender_pump(&snd[i]);
}

static void
deadline_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)arg;
	if (opt.mode == FANOUT)
		fprintf(stderr, "natter-bench: %s did not complete in time "
		    "(%d of %d clients ready, %d saw their whole room)\n",
		    phase_started ? "delivery" : "set-up", nready, opt.clients,
		    nsynced);
	finish();
}

static void
start_phase(void)
{
	struct timeval	 tv = { 0, 1000 };
	int		 i;

	if (phase_started++)
		return;
	t_conn_end = now_ns();
	if (opt.mode == IDLE) {
		finish();
		return;
	}
	if (opt.mode == FANOUT)
		handshake("start");
	server_cpu_us(cpu_start);
	t_start = now_ns();
	if (opt.mode == FANOUT) {
		/*
		 * With a rate, spread the senders' first messages over one
		 * period: aligned, they would arrive as one burst, and light
		 * load would measure this program's own queueing.
		 */
		for (i = 0; opt.rate > 0 && i < opt.senders; i++)
			snd[i].next_at = t_start + (uint64_t)(i * (1e9 /
			    opt.rate) / opt.senders);
		/* Send for opt.seconds, then allow opt.grace to drain. */
		tv.tv_sec = opt.seconds;
		tv.tv_usec = 0;
		stop_ev = evtimer_new(base, stop_cb, NULL);
		evtimer_add(stop_ev, &tv);
		tv.tv_sec = opt.seconds + opt.grace;
		evtimer_add(deadline_ev, &tv);
		tv.tv_sec = 0;
		tv.tv_usec = 1000;
		for (i = 0; i < opt.senders; i++)
			sender_pump(&snd[i]);
		if (opt.rate > 0) {
			tick_ev = event_new(base, -1, EV_PERSIST, tick_cb,
			    NULL);
			event_add(tick_ev, &tv);
		}
	}
}

static void
read_cb(struct bufferevent *bev, void *arg)
{
	struct bclient		*c = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct evbuffer_ptr	 eol;
	size_t			 eol_len;
	char			 line[1024], *p, *cmd, *text, *src;

	for (;;) {
		eol = evbuffer_search_eol(in, NULL, &eol_len, EVBUFFER_EOL_LF);
		if (eol.pos < 0)
			break;
		if ((size_t)eol.pos >= sizeof line) {
			evbuffer_drain(in, eol.pos + eol_len);
			continue;
		}
		evbuffer_remove(in, line, eol.pos + eol_len);
		line[eol.pos] = '\0';
		if (eol.pos > 0 && line[eol.pos - 1] == '\r')
			line[eol.pos - 1] = '\0';
		p = line;
		if (*p == '@' && (p = strchr(p, ' ')) != NULL)
			p++;
		if (p == NULL)
			continue;
		src = NULL;
		if (*p == ':') {
			src = p + 1;
			if ((p = strchr(p, ' ')) == NULL)
				continue;
			*p++ = '\0';
		}
		cmd = p;
		if ((p = strchr(p, ' ')) != NULL)
			*p++ = '\0';
		if (strcmp(cmd, "PRIVMSG") == 0) {
			if (p != NULL && (text = strstr(p, " :")) != NULL &&
			    opt.mode == FANOUT)
				got_message(c, text + 2);
		} else if (strcmp(cmd, "PING") == 0)
			bsend(c, "PONG %s\r\n", p != NULL ? p : ":x");
		else if (strcmp(cmd, "001") == 0) {
			c->state = JOINING;
			if (opt.mode == CHURN)
				bsend(c, "JOIN #churn%d\r\n", c->id);
			else if (opt.mode == IDLE)
				bsend(c, "JOIN #idle%d\r\n", c->id / 50);
			else
				bsend(c, "JOIN #r%d\r\n", c->room);
		} else if (strcmp(cmd, "366") == 0 && c->state == JOINING)
			client_ready(c);
		else if (opt.sync && strcmp(cmd, "353") == 0 && p != NULL)
			names_seen(c, p);
		else if (opt.sync && strcmp(cmd, "JOIN") == 0 && src != NULL)
			member_seen(c, src);
		else if (strcmp(cmd, "433") == 0)
			bsend(c, "NICK b%d_%d_%d\r\n", c->id,
			    (int)(c->sessions % 1000), rand());
		else if (strcmp(cmd, "ERROR") == 0 && c->state != QUITTING)
			fprintf(stderr, "natter-bench: client %d: %s %s\n",
			    c->id, cmd, p != NULL ? p : "");
	}
}

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct bclient	*c = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		nconnected++;
		return;
	}
	if (!(what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)))
		return;
	bufferevent_free(c->bev);
	c->bev = NULL;
	if (opt.mode == CHURN && c->state == QUITTING && !finished) {
		churn_sessions++;
		c->sessions++;
		nready--;
		client_start(c->id);
		return;
	}
	if (!finished) {
		nclosed_early++;
		fprintf(stderr, "natter-bench: client %d lost (%s)\n", c->id,
		    (what & BEV_EVENT_EOF) ? "closed" : "error");
		if (opt.mode != CHURN && nclosed_early == 1)
			finish();
	}
}

/* Percentile p (0..1) of the latency histogram, in microseconds. */
static double
percentile(double p)
{
	uint64_t	 total = 0, want, acc = 0;
	int		 i;

	for (i = 0; i <= HIST_BUCKETS; i++)
		total += hist[i];
	if (total == 0)
		return (0);
	want = (uint64_t)(p * total);
	if (want >= total)
		want = total - 1;
	for (i = 0; i <= HIST_BUCKETS; i++) {
		acc += hist[i];
		if (acc > want)
			return ((i + 0.5) * HIST_STEP_NS / 1000.0);
	}
	return (lat_max / 1000.0);
}

/* Each server process's CPU time per delivery, with several. */
static void
print_servers(void)
{
	int	 i;

	if (opt.npids < 2 && opt.nports < 2 && order_diverged == 0)
		return;
	printf("  servers: %d ports, rooms span %d; order: %" PRIu64
	    " receivers checked, %" PRIu64 " saw another order\n",
	    opt.nports, opt.span, order_checked, order_diverged);
	for (i = 0; i < opt.npids; i++)
		printf("    pid %d: %" PRIu64 " us cpu, %.3f us per delivery\n",
		    opt.pids[i], cpu_end[i] - cpu_start[i], deliveries > 0 ?
		    (double)(cpu_end[i] - cpu_start[i]) / deliveries : 0);
}

/* The RESULT keys for several servers: per pid, in --server-pid order. */
static void
result_servers(void)
{
	int	 i;

	printf(" order_checked=%" PRIu64 " diverged=%" PRIu64 " ports=%d "
	    "span=%d pids=", order_checked, order_diverged, opt.nports,
	    opt.span);
	for (i = 0; i < opt.npids; i++)
		printf("%s%d", i > 0 ? "," : "", opt.pids[i]);
	printf(" cpu_us=");
	for (i = 0; i < opt.npids; i++)
		printf("%s%" PRIu64, i > 0 ? "," : "",
		    cpu_end[i] - cpu_start[i]);
	if (opt.npids == 0)
		printf("-");
	printf("\n");
}

static void
finish(void)
{
	double		 secs, cpu_per;
	uint64_t	 expected = 0, got, bits, cpu0, cpu1;
	long		 rss, rsskb[MAX_SERVERS];
	int		 i, j;
	uint64_t	 k;

	if (finished++)
		return;
	t_end = now_ns();
	cpu1 = server_cpu_us(cpu_end);
	for (cpu0 = 0, i = 0; i < opt.npids; i++)
		cpu0 += cpu_start[i];
	if (opt.mode == FANOUT && phase_started)
		handshake("end");
	secs = (t_end - t_start) / 1e9;

	if (opt.mode == FANOUT) {
		/* Every receiver should have every message its room's senders
		 * sent; anything missing is lost. */
		for (i = 0; i < opt.clients; i++) {
			if (cl[i].sender < 0)
				order_checked++;
			for (j = 0; j < rooms[cl[i].room].nsenders; j++) {
				struct sender *s =
				    &snd[rooms[cl[i].room].senders[j]];

				if (s->client == i)
					continue;
				expected += s->sent;
				got = 0;
				for (k = 0; k < s->sent &&
				    k < cl[i].seen[j].cap; k++) {
					bits = cl[i].seen[j].b[k / 8];
					if (bits & (1u << (k % 8)))
						got++;
				}
				lost += s->sent - got;
			}
		}
		cpu_per = deliveries > 0 && cpu1 > cpu0 ?
		    (double)(cpu1 - cpu0) / deliveries : 0;
		printf("%s fanout: %d clients, %d rooms, %d senders, window "
		    "%d, %d s\n", opt.label, opt.clients, opt.rooms,
		    opt.senders, opt.window, opt.seconds);
		printf("  %.2f s, %" PRIu64 " messages sent (%.0f/s), %.0f "
		    "deliveries/s\n", secs, total_sent, total_sent / secs,
		    deliveries / secs);
		printf("  latency us: p50 %.0f p99 %.0f p999 %.0f max %.0f\n",
		    percentile(0.5), percentile(0.99), percentile(0.999),
		    lat_max / 1000.0);
		printf("  server cpu: %.3f us per delivery\n", cpu_per);
		printf("  audit: %" PRIu64 " expected, %" PRIu64 " lost, %"
		    PRIu64 " duplicated, %" PRIu64 " reordered, %" PRIu64
		    " unexpected\n", expected, lost, dups, reordered,
		    unexpected);
		print_servers();
		printf("RESULT scenario=fanout server=%s clients=%d rooms=%d "
		    "senders=%d complete=%d seconds=%.3f sent=%" PRIu64
		    " deliveries=%" PRIu64
		    " deliveries_per_s=%.0f p50_us=%.0f p99_us=%.0f "
		    "p999_us=%.0f max_us=%.0f cpu_us_per_delivery=%.4f "
		    "lost=%" PRIu64 " dup=%" PRIu64 " reordered=%" PRIu64
		    " unexpected=%" PRIu64, opt.label, opt.clients,
		    opt.rooms, opt.senders,
		    senders_done == (uint64_t)opt.senders, secs, total_sent,
		    deliveries,
		    deliveries / secs, percentile(0.5), percentile(0.99),
		    percentile(0.999), lat_max / 1000.0, cpu_per, lost, dups,
		    reordered, unexpected);
		result_servers();
	} else if (opt.mode == IDLE) {
		rss = server_rss_kb(rsskb);
		secs = (t_conn_end - t_conn_start) / 1e9;
		printf("%s idle: %d clients registered and joined in %.2f s "
		    "(%.0f/s)\n", opt.label, nready, secs, nready / secs);
		printf("  server RSS %ld KiB\n", rss);
		printf("RESULT scenario=idle server=%s clients=%d "
		    "register_per_s=%.0f rss_kb=%ld complete=%d rss_kb_list=",
		    opt.label, nready, nready / secs, rss,
		    nready == opt.clients);
		for (i = 0; i < opt.npids; i++)
			printf("%s%ld", i > 0 ? "," : "", rsskb[i]);
		printf("%s\n", opt.npids == 0 ? "-" : "");
	} else {
		printf("%s churn: %" PRIu64 " sessions in %.2f s (%.0f/s) with "
		    "%d in parallel\n", opt.label, churn_sessions, secs,
		    churn_sessions / secs, opt.parallel);
		printf("RESULT scenario=churn server=%s sessions=%" PRIu64
		    " sessions_per_s=%.0f cpu_us_per_session=%.1f "
		    "lost_clients=%d", opt.label, churn_sessions,
		    churn_sessions / secs, churn_sessions > 0 ?
		    (double)(cpu1 - cpu0) / churn_sessions : 0,
		    nclosed_early);
		result_servers();
	}
	fflush(stdout);
	event_base_loopexit(base, NULL);
}

static void
setup_fanout(void)
{
	int	 i, r;

	rooms = calloc(opt.rooms, sizeof *rooms);
	snd = calloc(opt.senders, sizeof *snd);
	if (rooms == NULL || snd == NULL)
		die("calloc");
	for (i = 0; i < opt.clients; i++) {
		cl[i].room = room_of(i);
		cl[i].sender = -1;
		rooms[cl[i].room].nmembers++;
	}
	if (opt.span < 1 || opt.span > opt.nports)
		opt.span = opt.nports;
	for (r = 0; r < opt.rooms; r++)
		rooms[r].senders = calloc(opt.senders, sizeof(int));
	/* Senders are the first clients, so they spread over the rooms. */
	for (i = 0; i < opt.senders; i++) {
		snd[i].client = i;
		snd[i].room = cl[i].room;
		snd[i].counts = calloc(opt.window, sizeof(uint32_t));
		snd[i].local = rooms[snd[i].room].nsenders;
		rooms[snd[i].room].senders[rooms[snd[i].room].nsenders++] = i;
		cl[i].sender = i;
	}
	for (i = 0; i < opt.clients; i++) {
		r = cl[i].room;
		cl[i].seen = calloc(rooms[r].nsenders + 1, sizeof(struct bits));
		cl[i].high = calloc(rooms[r].nsenders + 1, sizeof(uint64_t));
		for (int j = 0; j < rooms[r].nsenders; j++)
			bits_grow(&cl[i].seen[j], 0);
		if (opt.sync && (cl[i].members = calloc(1, opt.clients /
		    opt.rooms / 8 + 1)) == NULL)
			die("calloc");
	}
	for (r = 0; r < opt.rooms; r++) {
		if (rooms[r].nmembers < 2)
			die("room %d has fewer than 2 members", r);
	}
}

/* --port and --server-pid: a number, or several separated by commas. */
static void
add_list(int *list, int *n, const char *arg, long max, const char *name)
{
	char	*end;
	long	 v;

	do {
		v = strtol(arg, &end, 10);
		if (end == arg || (*end != ',' && *end != '\0') || v < 1 ||
		    v > max)
			die("%s: not a number from 1 to %ld: %s", name, max,
			    arg);
		if (*n == MAX_SERVERS)
			die("%s: more than %d", name, MAX_SERVERS);
		list[(*n)++] = v;
		arg = end + 1;
	} while (*end == ',');
}

static void
usage(void)
{
	fprintf(stderr,
"usage: natter-bench fanout|idle|churn [options]\n"
"  --host ADDR --port N       server (default 127.0.0.1:6667); with\n"
"                             several (--port N,N,... or repeated), the\n"
"                             clients are spread over them\n"
"  --span K                   fanout, several ports: each room's members\n"
"                             spread over K of them (default: all; 1:\n"
"                             each room on one server)\n"
"  --sync                     fanout: start sending once every client has\n"
"                             seen every member of its room (the default\n"
"                             with several ports)\n"
"  --clients N                connections (fanout 200, idle 5000)\n"
"  --rooms R --senders S      fanout: rooms and sending clients\n"
"  --seconds T                fanout: seconds of sending (5); churn:\n"
"                             duration (5)\n"
"  --messages M               fanout: at most M messages per sender\n"
"  --grace T                  fanout: seconds to wait for messages in\n"
"                             flight after sending stops (10)\n"
"  --window W                 fanout: messages in flight per sender (8)\n"
"  --rate N                   fanout: messages/s per sender (0: as fast as\n"
"                             the window allows)\n"
"  --size BYTES               fanout: text size (64)\n"
"  --parallel K               churn: sessions in parallel; idle:\n"
"                             connections being set up at once (20)\n"
"  --server-pid PID           read the server's CPU time and RSS; with\n"
"                             several (PID,PID,... or repeated), their sum\n"
"                             and each one's CPU time\n"
"  --schedstat                CPU time from each thread's schedstat, to\n"
"                             the ns, instead of /proc/PID/stat's ticks\n"
"  --handshake                fanout: print PHASE start and PHASE end as\n"
"                             the measured phase starts and ends, and wait\n"
"                             for a line on stdin after each\n"
"  --password PASS --label NAME --timeout SECS\n");
	exit(64);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "port", required_argument, NULL, 'p' },
		{ "ports", required_argument, NULL, 'p' },
		{ "clients", required_argument, NULL, 'c' },
		{ "rooms", required_argument, NULL, 'r' },
		{ "senders", required_argument, NULL, 's' },
		{ "messages", required_argument, NULL, 'm' },
		{ "window", required_argument, NULL, 'w' },
		{ "rate", required_argument, NULL, 'R' },
		{ "size", required_argument, NULL, 'z' },
		{ "seconds", required_argument, NULL, 'T' },
		{ "parallel", required_argument, NULL, 'P' },
		{ "server-pid", required_argument, NULL, 'i' },
		{ "server-pids", required_argument, NULL, 'i' },
		{ "password", required_argument, NULL, 'x' },
		{ "label", required_argument, NULL, 'l' },
		{ "timeout", required_argument, NULL, 't' },
		{ "grace", required_argument, NULL, 'g' },
		{ "span", required_argument, NULL, 'k' },
		{ "sync", no_argument, NULL, 'S' },
		{ "schedstat", no_argument, NULL, 'C' },
		{ "handshake", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct sockaddr_in	 sin;
	struct sockaddr_in6	 sin6;
	struct rlimit		 rl;
	struct timeval		 tv;
	int			 ch, clients_set = 0, i;

	if (argc < 2)
		usage();
	if (strcmp(argv[1], "fanout") == 0)
		opt.mode = FANOUT;
	else if (strcmp(argv[1], "idle") == 0)
		opt.mode = IDLE;
	else if (strcmp(argv[1], "churn") == 0)
		opt.mode = CHURN;
	else
		usage();
	optind = 2;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'H': opt.host = optarg; break;
		case 'p':
			add_list(opt.ports, &opt.nports, optarg, 65535,
			    "--port");
			break;
		case 'c': opt.clients = atoi(optarg); clients_set = 1; break;
		case 'r': opt.rooms = atoi(optarg); break;
		case 's': opt.senders = atoi(optarg); break;
		case 'm': opt.messages = strtoull(optarg, NULL, 10); break;
		case 'w': opt.window = atoi(optarg); break;
		case 'R': opt.rate = atof(optarg); break;
		case 'z': opt.size = atoi(optarg); break;
		case 'T': opt.seconds = atoi(optarg); break;
		case 'P': opt.parallel = atoi(optarg); break;
		case 'i':
			add_list(opt.pids, &opt.npids, optarg, INT32_MAX,
			    "--server-pid");
			break;
		case 'k': opt.span = atoi(optarg); break;
		case 'S': opt.sync = 1; break;
		case 'C': opt.schedstat = 1; break;
		case 'h': opt.handshake = 1; break;
		case 'x': opt.password = optarg; break;
		case 'l': opt.label = optarg; break;
		case 't': opt.timeout = atoi(optarg); break;
		case 'g': opt.grace = atoi(optarg); break;
		default: usage();
		}
	}
	if (!clients_set && opt.mode == IDLE)
		opt.clients = 5000;
	if (opt.mode == CHURN)
		opt.clients = opt.parallel;
	if (opt.mode != FANOUT)
		opt.senders = 1;
	if (opt.clients < 1 || opt.rooms < 1 || opt.window < 1 ||
	    opt.senders < 1 || opt.senders > opt.clients ||
	    opt.size > (int)sizeof pad || opt.seconds < 1)
		usage();
	memset(pad, 'x', sizeof pad);
	if (opt.nports == 0)
		opt.ports[opt.nports++] = 6667;
	/* Only fanout knows its rooms' members. */
	if (opt.mode != FANOUT)
		opt.sync = 0;
	else if (opt.nports > 1)
		opt.sync = 1;

	memset(&sin, 0, sizeof sin);
	memset(&sin6, 0, sizeof sin6);
	if (inet_pton(AF_INET, opt.host, &sin.sin_addr) == 1) {
		sin.sin_family = AF_INET;
		addrlen = sizeof sin;
	} else if (inet_pton(AF_INET6, opt.host, &sin6.sin6_addr) == 1) {
		sin6.sin6_family = AF_INET6;
		addrlen = sizeof sin6;
	} else
		die("--host: a numeric address");
	for (i = 0; i < opt.nports; i++) {
		sin.sin_port = sin6.sin6_port = htons(opt.ports[i]);
		if (sin.sin_family == AF_INET)
			memcpy(&addrs[i], &sin, sizeof sin);
		else
			memcpy(&addrs[i], &sin6, sizeof sin6);
	}

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	cl = calloc(opt.clients, sizeof *cl);
	if (cl == NULL)
		die("calloc");
	for (i = 0; i < opt.clients; i++)
		cl[i].id = i;
	if (opt.mode == FANOUT)
		setup_fanout();
	for (i = 0; i < opt.clients; i++)
		cl[i].server = server_of(i);

	deadline_ev = evtimer_new(base, deadline_cb, NULL);
	tv.tv_sec = opt.mode == CHURN ? opt.seconds : opt.timeout;
	tv.tv_usec = 0;
	evtimer_add(deadline_ev, &tv);
	t_conn_start = now_ns();
	if (opt.mode == CHURN) {
		server_cpu_us(cpu_start);
		t_start = now_ns();
		phase_started = 1;
	}
	connect_more();
	event_base_dispatch(base);
	if (!finished)
		finish();
	return (lost || dups || order_diverged || nclosed_early ? 2 : 0);
}
