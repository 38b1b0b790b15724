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

static void		natter_atexit(void);
static void		natter_stdin(evutil_socket_t, short, void *);
static void		natter_winch(evutil_socket_t, short, void *);
static void		natter_term(evutil_socket_t, short, void *);
static void		natter_libevent_log(int, const char *);
static void		natter_textdomain(void);

/* What the server link tells: it is up, lines in, messages written. */
static const struct net_cb natter_net_cb = {
	.connected = login_start,
	.line = handle,
	.sent = handle_sent,
};

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

/*
 * The messages in the locale's language: po/LANG.po, compiled and
 * installed under LOCALEDIR, or under NATTER_LOCALEDIR, so that a natter
 * not yet installed (the tests run build/natter) finds build/locale.
 */
static void
natter_textdomain(void)
{
	const char	*dir = getenv("NATTER_LOCALEDIR");

	if (dir == NULL || *dir == '\0')
		dir = LOCALEDIR;
	bindtextdomain("natter", dir);
	textdomain("natter");
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
	const char	*nc;
	char		*cause, *user, path[64];
	int		 fd, verbose;

	/*
	 * The locale first: a time-format's width is measured in its
	 * columns. The file's errors are shown before the screen opens.
	 */
	setlocale(LC_ALL, "");
	natter_textdomain();
	config_parse(argc, argv);
	verbose = config_verbose_log();

	/* Columns come from the locale: without UTF-8 they would be lies. */
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0) {
		fprintf(stderr, _("natter: the locale's character set is %s, "
		    "not UTF-8; set LANG, e.g. LANG=C.UTF-8\n"),
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
			fprintf(stderr, _("natter: %s: %s\n"), path,
			    strerror(errno));
			exit(1);
		}
		log_init("natter", LOG_LEVEL_DEBUG, log_fp);
	} else {
		log_fp = open_memstream(&fatal_buf, &fatal_len);
		log_init("natter", LOG_LEVEL_ERROR, log_fp);
	}
	if (command_check_table() != 0 || handle_check_table() != 0)
		fatalx("%s", _("internal tables are not sorted"));
	/* A CA file that cannot be read is found before the screen is. */
	if (opt.tls && tls_init(&cause) != 0) {
		fprintf(stderr, _("natter: %s\n"), cause);
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

	/*
	 * TRANSLATORS: "-!- " opens every line natter writes itself (its
	 * continuation rows line up under the text after it): keep it.
	 */
	window_printf(window_server, 0, _("-!- natter %s: /help lists the "
	    "commands, Ctrl-C twice quits"), NATTER_VERSION);
	/* Connect once the room and nick are known: see login.c. */
	login_ask();

	ui_draw();
	while (natter_exit == -1) {
		event_base_loop(base, EVLOOP_ONCE);
		ui_draw();
	}

	ui_end();
	if (natter_exit == EXIT_LINK)
		fprintf(stderr, _("natter: %s\n"), net.status);
	event_free(ev_stdin);
	event_free(ev_winch);
	event_free(ev_term);
	event_free(ev_hup);
	event_free(ev_int);
	input_free();
	backlog_free();
	multiline_free_all();
	presence_free();
	window_free_all();
	net_free();
	tls_free();
	event_base_free(base);
	free(opt.nick);
	free(opt.room);
	config_free();
	free(user);
	return (natter_exit);
}
