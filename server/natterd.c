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

/* natterd: main, options, listeners, signals and the MOTD. */

#include <sys/resource.h>

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "natterd.h"

struct config conf = {
	.name = "natterd",
	.network = "natter",
	.password = NULL,
	.motd_path = NULL,
	.max_clients = 1024,
	.max_per_ip = 16,
	.max_channels = 20,
	.sendq = 1024 * 1024,
	.recvq = 16 * 1024,
	.flood_rate = 4,
	.flood_burst = 20,
	.reg_timeout = 60,
	.ping_interval = 120,
	.ping_timeout = 60,
};

struct event_base	*base;
time_t			 server_started;
int			 server_stopping;
char			**motd_lines;
size_t			 motd_count;

#define MAX_LISTENERS	16
static struct evconnlistener	*listeners[MAX_LISTENERS];
static int			 nlisteners;
static struct event		*stop_timer;

static __dead void	usage(int);
static void	listen_on(const char *, int);
static void	motd_load(int);
static void	motd_free(void);
static void	signal_stop(evutil_socket_t, short, void *);
static void	signal_hup(evutil_socket_t, short, void *);
static void	stop_timeout(evutil_socket_t, short, void *);
static long long	number(const char *, const char *, long long,
		    long long);
static __dead void	usage_error(const char *, ...) __printflike(1, 2);
static void	raise_nofile(void);

static const struct option longopts[] = {
	{ "flood-burst",	required_argument,	NULL, 'B' },
	{ "flood-rate",		required_argument,	NULL, 'F' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "listen",		required_argument,	NULL, 'l' },
	{ "log-level",		required_argument,	NULL, 'L' },
	{ "max-channels",	required_argument,	NULL, 'C' },
	{ "max-clients",	required_argument,	NULL, 'c' },
	{ "max-per-ip",		required_argument,	NULL, 'I' },
	{ "motd",		required_argument,	NULL, 'm' },
	{ "name",		required_argument,	NULL, 'n' },
	{ "network",		required_argument,	NULL, 'N' },
	{ "password",		required_argument,	NULL, 'P' },
	{ "ping-interval",	required_argument,	NULL, 'i' },
	{ "ping-timeout",	required_argument,	NULL, 't' },
	{ "recvq",		required_argument,	NULL, 'R' },
	{ "reg-timeout",	required_argument,	NULL, 'T' },
	{ "sendq",		required_argument,	NULL, 'S' },
	{ "tls-cert",		required_argument,	NULL, 'X' },
	{ "tls-key",		required_argument,	NULL, 'K' },
	{ "tls-listen",		required_argument,	NULL, 'Y' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

static __dead void
usage(int status)
{
	FILE	*fp = status == 0 ? stdout : stderr;

	fprintf(fp,
"usage: natterd [--listen HOST:PORT]... [--name SERVERNAME] [--password PASS]\n"
"               [--motd FILE] [--max-clients N] [--log-level LEVEL] [-h] [-V]\n"
"               [--tls-listen HOST:PORT --tls-cert FILE --tls-key FILE]\n"
"\n"
"  --listen HOST:PORT    listen there (repeatable; default 127.0.0.1:6667\n"
"                        if no --listen or --tls-listen is given; IPv6 as\n"
"                        [::1]:6667; port 0 picks a free port)\n"
"  --tls-listen HOST:PORT  listen there for TLS (repeatable; the usual\n"
"                        port is 6697)\n"
"  --tls-cert FILE       PEM certificate chain for TLS, re-read on SIGHUP\n"
"  --tls-key FILE        PEM private key for TLS, re-read on SIGHUP\n"
"  --name NAME           server name (default natterd)\n"
"  --network NAME        network name in ISUPPORT (default natter)\n"
"  --password PASS       clients must send PASS before registering\n"
"  --motd FILE           message of the day, re-read on SIGHUP\n"
"  --max-clients N       connections in all (default 1024)\n"
"  --max-per-ip N        connections from one address, 0 = any (default 16)\n"
"  --max-channels N      channels one user may join (default 20)\n"
"  --sendq BYTES         output queued to one client before it is\n"
"                        disconnected (default 1048576)\n"
"  --recvq BYTES         input read ahead from one client (default 16384)\n"
"  --flood-rate N        lines per second a client may send, 0 = no flood\n"
"                        control (default 4)\n"
"  --flood-burst N       lines a client may send at once (default 20)\n"
"  --reg-timeout SECS    time to register (default 60)\n"
"  --ping-interval SECS  idle time before the server PINGs (default 120)\n"
"  --ping-timeout SECS   time to answer that PING (default 60)\n"
"  --log-level LEVEL     error, warning, info or debug (default info)\n"
"  -h, --help            show this help\n"
"  -V, --version         show the version\n");
	exit(status);
}

/* A mistake on the command line: say what, exit 64 (EX_USAGE). */
static __dead void
usage_error(const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "natterd: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(64);
}

/* Parse a decimal number in [min, max] or exit with a usage error. */
static long long
number(const char *what, const char *s, long long min, long long max)
{
	char		*end;
	long long	 n;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || n < min || n > max)
		usage_error("%s: invalid value '%s' (%lld to %lld)", what, s,
		    min, max);
	return (n);
}

/*
 * Open a listener on spec, "HOST:PORT" or "[V6ADDR]:PORT". Every address
 * the host name resolves to gets a listener. The log line with the real
 * port is what tests wait for when they ask for port 0.
 */
static void
listen_on(const char *spec, int tls)
{
	struct evutil_addrinfo	 hints, *res, *ai;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	char			 host[256], serv[32], shown[300];
	const char		*p, *port;
	int			 error, flags;

	if (spec[0] == '[') {
		if ((p = strchr(spec, ']')) == NULL || p[1] != ':')
			usage_error("--listen %s: expected [ADDRESS]:PORT",
			    spec);
		if ((size_t)(p - spec - 1) >= sizeof host)
			usage_error("--listen %s: address too long", spec);
		memcpy(host, spec + 1, p - spec - 1);
		host[p - spec - 1] = '\0';
		port = p + 2;
	} else {
		if ((p = strrchr(spec, ':')) == NULL)
			usage_error("--listen %s: expected HOST:PORT", spec);
		if ((size_t)(p - spec) >= sizeof host)
			usage_error("--listen %s: host too long", spec);
		memcpy(host, spec, p - spec);
		host[p - spec] = '\0';
		port = p + 1;
	}
	number("--listen port", port, 0, 65535);

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	error = evutil_getaddrinfo(host[0] == '\0' || strcmp(host, "*") == 0 ?
	    NULL : host, port, &hints, &res);
	if (error != 0)
		usage_error("--listen %s: %s", spec,
		    evutil_gai_strerror(error));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (nlisteners == MAX_LISTENERS)
			usage_error("--listen: more than %d addresses",
			    MAX_LISTENERS);
		flags = LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC |
		    LEV_OPT_REUSEABLE;
		if (ai->ai_family == AF_INET6)
			flags |= LEV_OPT_BIND_IPV6ONLY;
		/* A non-NULL argument marks a TLS listener for conn_accept. */
		listeners[nlisteners] = evconnlistener_new_bind(base,
		    conn_accept, tls ? &listeners : NULL, flags, 4096,
		    ai->ai_addr, (int)ai->ai_addrlen);
		if (listeners[nlisteners] == NULL)
			fatal("--listen %s", spec);
		evconnlistener_set_error_cb(listeners[nlisteners],
		    conn_accept_error);

		sslen = sizeof ss;
		if (getsockname(evconnlistener_get_fd(listeners[nlisteners]),
		    (struct sockaddr *)&ss, &sslen) != 0 ||
		    getnameinfo((struct sockaddr *)&ss, sslen, host,
		    sizeof host, serv, sizeof serv,
		    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
			fatal("--listen %s: getsockname", spec);
		if (ss.ss_family == AF_INET6)
			snprintf(shown, sizeof shown, "[%s]:%s", host, serv);
		else
			snprintf(shown, sizeof shown, "%s:%s", host, serv);
		log_info("listening on %s%s", shown, tls ? " (TLS)" : "");
		nlisteners++;
	}
	evutil_freeaddrinfo(res);
}

static void
motd_free(void)
{
	size_t	 i;

	for (i = 0; i < motd_count; i++)
		free(motd_lines[i]);
	free(motd_lines);
	motd_lines = NULL;
	motd_count = 0;
}

/*
 * Read the MOTD file. Lines are cut to fit a 372 reply, invalid UTF-8
 * becomes U+FFFD and control characters are dropped, so a careless file
 * cannot garble clients. At start-up a missing file is fatal; on SIGHUP
 * the old MOTD stays.
 */
static void
motd_load(int startup)
{
	FILE		*fp;
	char		*line = NULL, *clean, **lines = NULL;
	size_t		 size = 0, count = 0, n;
	ssize_t		 len;
	const char	*p, *end;
	uint32_t	 cp;

	if (conf.motd_path == NULL)
		return;
	if ((fp = fopen(conf.motd_path, "r")) == NULL) {
		if (startup)
			fatal("--motd %s", conf.motd_path);
		log_warn("motd %s", conf.motd_path);
		return;
	}
	while ((len = getline(&line, &size, fp)) != -1 && count < 1000) {
		clean = xmalloc(len * 3 + 1);
		n = 0;
		for (p = line, end = line + len; p < end;) {
			utf8_decode(&p, end, &cp);
			if (cp < 0x20 || cp == 0x7f ||
			    (cp >= 0x80 && cp < 0xa0))
				continue;
			n += utf8_encode(cp, clean + n);
		}
		n = utf8_cut(clean, n, 400);
		clean[n] = '\0';
		lines = xreallocarray(lines, count + 1, sizeof *lines);
		lines[count++] = clean;
	}
	free(line);
	fclose(fp);
	motd_free();
	motd_lines = lines;
	motd_count = count;
	log_info("motd %s: %zu lines", conf.motd_path, count);
}

/* SIGINT, SIGTERM: tell every client, let output drain, then stop. */
static void
signal_stop(evutil_socket_t sig, short events, void *arg)
{
	struct timeval	 tv = { 5, 0 };
	int		 i;

	(void)events;
	(void)arg;
	if (server_stopping)
		return;
	log_info("signal %d: shutting down", (int)sig);
	server_stopping = 1;
	for (i = 0; i < nlisteners; i++) {
		evconnlistener_free(listeners[i]);
		listeners[i] = NULL;
	}
	nlisteners = 0;
	stop_timer = evtimer_new(base, stop_timeout, NULL);
	evtimer_add(stop_timer, &tv);
	conn_shutdown();
	server_client_gone();
}

/* Clients that do not read in 5 seconds are not waited for. */
static void
stop_timeout(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	(void)arg;
	log_warnx("shutdown: %d connections did not drain", conn_count);
	event_base_loopexit(base, NULL);
}

/* Called when a connection is freed: the last one ends a shutdown. */
void
server_client_gone(void)
{
	if (server_stopping && conn_count == 0)
		event_base_loopexit(base, NULL);
}

static void
signal_hup(evutil_socket_t sig, short events, void *arg)
{
	(void)sig;
	(void)events;
	(void)arg;
	log_info("SIGHUP: reloading");
	motd_load(0);
	tls_reload();
}

/* Use the hard limit on open files; keep room for listeners and logs. */
static void
raise_nofile(void)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			log_warn("setrlimit");
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY &&
	    (rlim_t)conf.max_clients + 32 > rl.rlim_cur) {
		log_warnx("--max-clients %d: only %llu files may be open, "
		    "using %llu", conf.max_clients,
		    (unsigned long long)rl.rlim_cur,
		    (unsigned long long)rl.rlim_cur - 32);
		conf.max_clients = (int)rl.rlim_cur - 32;
	}
}

static void
libevent_log(int severity, const char *msg)
{
	if (severity >= EVENT_LOG_WARN)
		log_warnx("libevent: %s", msg);
	else
		log_debug("libevent: %s", msg);
}

#ifndef NATTERD_NO_MAIN
int
main(int argc, char **argv)
{
	const char	*listen_specs[MAX_LISTENERS];
	int		 listen_tls[MAX_LISTENERS];
	int		 nspecs = 0, ntls = 0, ch, level = LOG_LEVEL_INFO, i;
	char		*end;
	struct event	*sigint, *sigterm, *sighup;

	log_init("natterd", level, NULL);
	while ((ch = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'B':
			conf.flood_burst = number("--flood-burst", optarg, 1,
			    100000);
			break;
		case 'F':
			conf.flood_rate = strtod(optarg, &end);
			if (end == optarg || *end != '\0' ||
			    !(conf.flood_rate >= 0 && conf.flood_rate <= 1e6))
				usage_error("--flood-rate: a number of lines "
				    "per second from 0 to 1000000");
			break;
		case 'h':
			usage(0);
		case 'l':
		case 'Y':
			if (nspecs == MAX_LISTENERS)
				usage_error("more than %d --listen and "
				    "--tls-listen", MAX_LISTENERS);
			listen_tls[nspecs] = ch == 'Y';
			ntls += ch == 'Y';
			listen_specs[nspecs++] = optarg;
			break;
		case 'L':
			if ((level = log_level_parse(optarg)) == -1)
				usage_error("--log-level: error, warning, info "
				    "or debug");
			break;
		case 'C':
			conf.max_channels = number("--max-channels", optarg, 1,
			    10000);
			break;
		case 'c':
			conf.max_clients = number("--max-clients", optarg, 1,
			    1000000);
			break;
		case 'I':
			conf.max_per_ip = number("--max-per-ip", optarg, 0,
			    1000000);
			break;
		case 'm':
			conf.motd_path = optarg;
			break;
		case 'n':
			if (strlen(optarg) > 63 ||
			    strpbrk(optarg, " !@:*?,\r\n") != NULL ||
			    !utf8_valid(optarg, strlen(optarg)) ||
			    optarg[0] == '\0')
				usage_error("--name: 1 to 63 bytes of UTF-8, "
				    "no spaces or !@:*?,");
			conf.name = optarg;
			break;
		case 'N':
			if (strlen(optarg) > 63 || optarg[0] == '\0' ||
			    strpbrk(optarg, " \r\n") != NULL ||
			    !utf8_valid(optarg, strlen(optarg)))
				usage_error("--network: 1 to 63 bytes of "
				    "UTF-8, no spaces");
			conf.network = optarg;
			break;
		case 'P':
			conf.password = optarg;
			break;
		case 'i':
			conf.ping_interval = number("--ping-interval", optarg,
			    1, 86400);
			break;
		case 't':
			conf.ping_timeout = number("--ping-timeout", optarg, 1,
			    86400);
			break;
		case 'R':
			conf.recvq = number("--recvq", optarg,
			    MSG_LINELEN + MSG_TAGSLEN + 1024, 1 << 30);
			break;
		case 'T':
			conf.reg_timeout = number("--reg-timeout", optarg, 1,
			    86400);
			break;
		case 'S':
			conf.sendq = number("--sendq", optarg, 4096, 1 << 30);
			break;
		case 'V':
			printf("natterd %s\n", NATTERD_VERSION);
			exit(0);
		case 'X':
			conf.tls_cert = optarg;
			break;
		case 'K':
			conf.tls_key = optarg;
			break;
		default:
			usage(64);
		}
	}
	if (optind != argc)
		usage(64);
	if (ntls > 0 && (conf.tls_cert == NULL || conf.tls_key == NULL))
		usage_error("--tls-listen needs --tls-cert and --tls-key");
	if (ntls == 0 && (conf.tls_cert != NULL || conf.tls_key != NULL))
		usage_error("--tls-cert and --tls-key need --tls-listen");
	log_init("natterd", level, NULL);

	if (cmd_check_table() != 0)
		fatalx("internal tables are broken");

	/*
	 * Output buffers are allocated and freed at the rate messages go
	 * out. By default glibc hands the top of the heap back to the
	 * kernel whenever 128 KiB of it is free and then faults it in again
	 * on the next burst: under fan-out load that was a fifth of the
	 * server's CPU time. Keep up to 8 MiB and grow in 1 MiB steps.
	 */
	mallopt(M_TRIM_THRESHOLD, 8 * 1024 * 1024);
	mallopt(M_TOP_PAD, 1024 * 1024);

	signal(SIGPIPE, SIG_IGN);
	raise_nofile();
	event_set_log_callback(libevent_log);
	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	server_started = time(NULL);
	motd_load(1);
	if (ntls > 0)
		tls_init();
	conn_init();

	if (nspecs == 0) {
		listen_tls[nspecs] = 0;
		listen_specs[nspecs++] = "127.0.0.1:6667";
	}
	for (i = 0; i < nspecs; i++)
		listen_on(listen_specs[i], listen_tls[i]);

	sigint = evsignal_new(base, SIGINT, signal_stop, NULL);
	sigterm = evsignal_new(base, SIGTERM, signal_stop, NULL);
	sighup = evsignal_new(base, SIGHUP, signal_hup, NULL);
	evsignal_add(sigint, NULL);
	evsignal_add(sigterm, NULL);
	evsignal_add(sighup, NULL);
	log_info("natterd %s ready (%s, %s)", NATTERD_VERSION, conf.name,
	    event_base_get_method(base));

	event_base_dispatch(base);

	for (i = 0; i < nlisteners; i++)
		evconnlistener_free(listeners[i]);
	conn_exit();
	channel_free_all();
	motd_free();
	tls_exit();
	if (stop_timer != NULL)
		event_free(stop_timer);
	event_free(sigint);
	event_free(sigterm);
	event_free(sighup);
	event_base_free(base);
	log_info("exiting");
	return (0);
}
#endif /* NATTERD_NO_MAIN */
