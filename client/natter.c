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
 * natter: a full-screen IRC chat client. main() reads the options,
 * checks the locale, and runs the one event loop: a batch of callbacks
 * (terminal, socket, timers, signals), then one ui_draw().
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "natter.h"
#include "name.h"

static char	*fatal_buf;	/* fatal messages, shown after endwin() */
static size_t	 fatal_len;
static FILE	*log_fp;

static __dead void	usage(int);
static void		natter_atexit(void);
static void		natter_stdin(evutil_socket_t, short, void *);
static void		natter_winch(evutil_socket_t, short, void *);
static void		natter_term(evutil_socket_t, short, void *);
static void		natter_libevent_log(int, const char *);

/* What the server link tells: it is up, lines in, messages written. */
static const struct net_cb natter_net_cb = {
	.connected = login_start,
	.line = handle,
	.sent = handle_sent,
};

static const struct option longopts[] = {
	{ "help",		no_argument,		NULL, 'h' },
	{ "nick",		required_argument,	NULL, 'n' },
	{ "no-reconnect",	no_argument,		NULL, 'N' },
	{ "password",		required_argument,	NULL, 'P' },
	{ "port",		required_argument,	NULL, 'p' },
	{ "room",		required_argument,	NULL, 'r' },
	{ "scrollback",		required_argument,	NULL, 's' },
	{ "tls",		no_argument,		NULL, 'T' },
	{ "tls-ca",		required_argument,	NULL, 'C' },
	{ "tls-insecure-skip-verify", no_argument,	NULL, 'I' },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

static __dead void
usage(int status)
{
	FILE	*fp = status == 0 ? stdout : stderr;

	fprintf(fp,
"usage: natter [-hVv] [-n nick] [-p port] [-r room] [--password pass]\n"
"              [--scrollback lines] [--no-reconnect] [--tls]\n"
"              [--tls-ca file] [--tls-insecure-skip-verify] [host]\n"
"\n"
"  -n, --nick NICK        nickname (asked for if not given)\n"
"  -r, --room ROOM        room to join; 7 means #7 (asked for if not given)\n"
"  -p, --port PORT        server port (default 6667, 6697 with --tls)\n"
"  --password PASS        server password\n"
"  --tls                  connect with TLS, checking the server's\n"
"                         certificate against the system's CAs and host\n"
"  --tls-ca FILE          trust the CA certificates in FILE instead of the\n"
"                         system's (implies --tls)\n"
"  --tls-insecure-skip-verify\n"
"                         DANGEROUS: accept any certificate, so anyone on\n"
"                         the path can read and change the connection\n"
"                         (implies --tls; warns on every connection)\n"
"  --scrollback LINES     lines kept per window (default 2000)\n"
"  --no-reconnect         exit (status 69) when the server link is lost\n"
"  -v, --verbose          log to natter-PID.log in this directory\n"
"  -h, --help             show this help\n"
"  -V, --version          show the version\n"
"  host                   server (default 127.0.0.1)\n");
	exit(status);
}

/* The terminal is restored first, then any fatal message is shown. */
static void
natter_atexit(void)
{
	ui_end();
	if (log_fp != NULL)
		fflush(log_fp);
	if (fatal_buf != NULL && fatal_len > 0)
		fwrite(fatal_buf, 1, fatal_len, stderr);
}

static void
natter_stdin(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	(void)arg;
	input_read();
}

static void
natter_winch(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	(void)arg;
	ui_resize();
}

/* SIGTERM, SIGHUP: say goodbye if we can, then leave. */
static void
natter_term(evutil_socket_t sig, short events, void *arg)
{
	(void)events;
	(void)arg;
	if (sig == SIGHUP || net.state == NET_QUITTING)
		natter_exit = 0;
	else
		net_quit(NULL);
}

static void
natter_libevent_log(int severity, const char *msg)
{
	if (severity >= EVENT_LOG_WARN)
		log_warnx("libevent: %s", msg);
	else
		log_debug("libevent: %s", msg);
}

/* A user name for USER from $USER, keeping only what servers accept. */
static char *
natter_user(void)
{
	const char	*env = getenv("USER");
	char		 buf[NAME_USERLEN];
	size_t		 n = 0;

	for (; env != NULL && *env != '\0' && n + 1 < sizeof buf; env++) {
		if ((*env >= 'a' && *env <= 'z') || (*env >= 'A' &&
		    *env <= 'Z') || (*env >= '0' && *env <= '9') ||
		    strchr("-_.", *env) != NULL)
			buf[n++] = *env;
	}
	buf[n] = '\0';
	return (xstrdup(n > 0 ? buf : "natter"));
}

int
main(int argc, char **argv)
{
	struct event	*ev_stdin, *ev_winch, *ev_term, *ev_hup, *ev_int;
	const char	*errstr, *nc;
	char		*room, *cause, *user, path[64];
	long		 n;
	int		 ch, fd, verbose = 0, port_set = 0;

	while ((ch = getopt_long(argc, argv, "hn:p:r:Vv", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(0);
		case 'n':
			if (!name_nick_valid(optarg, NAME_NICKLEN, &errstr)) {
				fprintf(stderr, "natter: -n %s: %s\n", optarg,
				    errstr);
				exit(EXIT_USAGE);
			}
			opt.nick = xstrdup(optarg);
			break;
		case 'N':
			opt.reconnect = 0;
			break;
		case 'P':
			opt.password = optarg;
			break;
		case 'p':
			n = strtol(optarg, &cause, 10);
			if (*optarg == '\0' || *cause != '\0' || n < 1 ||
			    n > 65535) {
				fprintf(stderr, "natter: -p %s: not a port "
				    "number\n", optarg);
				exit(EXIT_USAGE);
			}
			opt.port = optarg;
			port_set = 1;
			break;
		case 'r':
			if (command_room(optarg, &room, &cause) != 0) {
				fprintf(stderr, "natter: -r: %s\n", cause);
				exit(EXIT_USAGE);
			}
			opt.room = room;
			break;
		case 'T':
			opt.tls = 1;
			break;
		case 'C':
			opt.tls = 1;
			opt.tls_ca = optarg;
			break;
		case 'I':
			opt.tls = 1;
			opt.tls_insecure = 1;
			break;
		case 's':
			n = strtol(optarg, &cause, 10);
			if (*optarg == '\0' || *cause != '\0' || n < 16 ||
			    n > 1000000) {
				fprintf(stderr, "natter: --scrollback %s: 16 "
				    "to 1000000 lines\n", optarg);
				exit(EXIT_USAGE);
			}
			opt.scrollback = (size_t)n;
			break;
		case 'V':
			printf("natter %s\n", NATTER_VERSION);
			exit(0);
		case 'v':
			verbose = 1;
			break;
		default:
			usage(EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage(EXIT_USAGE);
	if (argc == 1)
		opt.host = argv[0];
	/* 6697 is the port RFC 7194 gives IRC over TLS. */
	if (opt.tls && !port_set)
		opt.port = "6697";

	/* Columns come from the locale: without UTF-8 they would be lies. */
	setlocale(LC_ALL, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0) {
		fprintf(stderr, "natter: the locale's character set is %s, "
		    "not UTF-8; set LANG, e.g. LANG=C.UTF-8\n",
		    nl_langinfo(CODESET));
		exit(1);
	}
	if ((nc = getenv("NO_COLOR")) != NULL && *nc != '\0')
		opt.color = 0;
	user = natter_user();
	opt.user = user;

	/* Never write to our own terminal: a log file, or nothing. */
	if (verbose) {
		/*
		 * The log holds whispers: readable by the user alone, and
		 * never through a link someone else left in the directory.
		 */
		snprintf(path, sizeof path, "natter-%ld.log", (long)getpid());
		if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND |
		    O_NOFOLLOW | O_CLOEXEC, 0600)) == -1 ||
		    (log_fp = fdopen(fd, "a")) == NULL) {
			fprintf(stderr, "natter: %s: %s\n", path,
			    strerror(errno));
			exit(1);
		}
		log_init("natter", LOG_LEVEL_DEBUG, log_fp);
	} else {
		log_fp = open_memstream(&fatal_buf, &fatal_len);
		log_init("natter", LOG_LEVEL_ERROR, log_fp);
	}
	if (command_check_table() != 0 || handle_check_table() != 0)
		fatalx("internal tables are not sorted");
	/* A CA file that cannot be read is found before the screen is. */
	if (opt.tls && tls_init(&cause) != 0) {
		fprintf(stderr, "natter: %s\n", cause);
		exit(1);
	}
	event_set_log_callback(natter_libevent_log);
	signal(SIGPIPE, SIG_IGN);
	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new failed");

	window_init();
	net_init(&natter_net_cb);
	atexit(natter_atexit);
	ui_init();
	input_init();

	ev_stdin = event_new(base, STDIN_FILENO, EV_READ | EV_PERSIST,
	    natter_stdin, NULL);
	event_add(ev_stdin, NULL);
	ev_winch = evsignal_new(base, SIGWINCH, natter_winch, NULL);
	evsignal_add(ev_winch, NULL);
	ev_term = evsignal_new(base, SIGTERM, natter_term, NULL);
	evsignal_add(ev_term, NULL);
	ev_hup = evsignal_new(base, SIGHUP, natter_term, NULL);
	evsignal_add(ev_hup, NULL);
	ev_int = evsignal_new(base, SIGINT, natter_term, NULL);
	evsignal_add(ev_int, NULL);

	window_printf(window_server, 0, "-!- natter %s: /help lists the "
	    "commands, Ctrl-C twice quits", NATTER_VERSION);
	/* Connect once the room and nick are known: see login.c. */
	login_ask();

	ui_draw();
	while (natter_exit == -1) {
		event_base_loop(base, EVLOOP_ONCE);
		ui_draw();
	}

	ui_end();
	if (natter_exit == EXIT_LINK)
		fprintf(stderr, "natter: %s\n", net.status);
	event_free(ev_stdin);
	event_free(ev_winch);
	event_free(ev_term);
	event_free(ev_hup);
	event_free(ev_int);
	input_free();
	backlog_free();
	window_free_all();
	net_free();
	tls_free();
	event_base_free(base);
	free(opt.nick);
	free(opt.room);
	free(user);
	return (natter_exit);
}
