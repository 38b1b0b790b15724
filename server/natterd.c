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

/* natterd: main, the event loop and signals. */

#include <sys/resource.h>
#include <sys/types.h>

#include <grp.h>
#include <pwd.h>
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "natterd.h"

struct event_base	*base;
time_t			 server_started;
int			 server_stopping;

static struct event	*stop_timer;

static void	signal_stop(evutil_socket_t, short, void *);
static void	signal_hup(evutil_socket_t, short, void *);
static void	stop_timeout(evutil_socket_t, short, void *);
static void	raise_nofile(void);
static void	drop_privileges(const char *);
static void	libevent_log(int, const char *);

/* SIGINT, SIGTERM: tell every client, let output drain, then stop. */
static void
signal_stop(evutil_socket_t sig, short events, void *arg)
{
	(void)events;
	(void)arg;
	if (server_stopping)
		return;
	log_info("signal %d: shutting down", (int)sig);
	server_stop();
}

/* Stop: tell every client, let output drain for 5 seconds at most. */
void
server_stop(void)
{
	struct timeval	 tv = { 5, 0 };

	if (server_stopping)
		return;
	server_stopping = 1;
	listen_close();
	stop_timer = evtimer_new(base, stop_timeout, NULL);
	evtimer_add(stop_timer, &tv);
	conn_shutdown();
	cluster_leave();
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

/* The capabilities this server offers: history's only with history. */
int
server_caps(void)
{
	/* A multi-line batch is not carried between nodes (yet). */
	return ((cap_all(CAP_NATTERD) | history_caps()) &
	    ~(cluster_on ? CAP_MULTILINE : 0));
}

/*
 * The value a capability has in CAP LS 302, or NULL: draft/multiline's
 * limits, which are set at start-up.
 */
const char *
server_cap_value(int flag)
{
	static char	 buf[64];

	if (flag != CAP_MULTILINE)
		return (NULL);
	snprintf(buf, sizeof buf, "max-bytes=%d,max-lines=%d",
	    conf.multiline_max_bytes, conf.multiline_max_lines);
	return (buf);
}

/* Called when a connection is freed: the last one ends a shutdown. */
void
server_client_gone(void)
{
	if (server_stopping && conn_count == 0 && !cluster_busy())
		event_base_loopexit(base, NULL);
}

static void
signal_hup(evutil_socket_t sig, short events, void *arg)
{
	(void)sig;
	(void)events;
	(void)arg;
	log_info("SIGHUP: reloading");
	server_reload();
}

/* SIGHUP, REHASH: the --config file, MOTD and TLS certificate again. */
int
server_reload(void)
{
	char	*cert, *key;
	int	 rv;

	/* A certificate that fails to load leaves the old one named. */
	cert = conf.tls_cert != NULL ? xstrdup(conf.tls_cert) : NULL;
	key = conf.tls_key != NULL ? xstrdup(conf.tls_key) : NULL;
	if ((rv = config_reload()) == 0) {
		log_init("natterd", conf.log_level, NULL);
		raise_nofile();
	}
	motd_load(0);
	if (tls_reload() != 0) {
		free(conf.tls_cert);
		free(conf.tls_key);
		conf.tls_cert = cert;
		conf.tls_key = key;
		cert = key = NULL;
	}
	free(cert);
	free(key);
	if (rv == 0 && !server_stopping)
		listen_reload();
	return (rv);
}

/*
 * --user: once the listeners are open (low ports need root), become that
 * user, groups and all, for good. Started as another user, say so and
 * stay that user.
 */
static void
drop_privileges(const char *name)
{
	struct passwd	*pw;

	if ((pw = getpwnam(name)) == NULL)
		fatalx("--user %s: no such user", name);
	if (geteuid() != 0) {
		if (pw->pw_uid != geteuid())
			log_warnx("--user %s: not started as root, running as "
			    "uid %lu", name, (unsigned long)geteuid());
		return;
	}
	if (setgroups(1, &pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0)
		fatal("--user %s", name);
	if (pw->pw_uid != 0 && setuid(0) == 0)
		fatalx("--user %s: root could be regained", name);
	log_info("running as %s (uid %lu, gid %lu)", name,
	    (unsigned long)pw->pw_uid, (unsigned long)pw->pw_gid);
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
	conn_max = conf.max_clients;
	if (rl.rlim_cur != RLIM_INFINITY &&
	    (rlim_t)conf.max_clients + 32 > rl.rlim_cur) {
		log_warnx("--max-clients %d: only %llu files may be open, "
		    "using %llu", conf.max_clients,
		    (unsigned long long)rl.rlim_cur,
		    (unsigned long long)rl.rlim_cur - 32);
		conn_max = (int)rl.rlim_cur - 32;
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
	struct event	*sigint, *sigterm, *sighup;
	char		 why[300];
	int		 i;

	log_init("natterd", LOG_LEVEL_INFO, NULL);
	config_parse(argc, argv);
	log_init("natterd", conf.log_level, NULL);

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
	/* A file size limit makes a write fail, history says so. */
	signal(SIGXFSZ, SIG_IGN);
	raise_nofile();
	event_set_log_callback(libevent_log);
	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	server_started = time(NULL);
	channel_init();
	motd_load(1);
	if (conf.tls_cert != NULL)
		tls_init();
	conn_init();
	for (i = 0; i < conf.nlisten; i++) {
		if (listen_open(conf.listen[i], conf.listen_tls[i], why,
		    sizeof why) != 0)
			config_usage_error("--%s: %s", conf.listen_tls[i] ?
			    "tls-listen" : "listen", why);
	}

	history_prepare();
	if (conf.user != NULL)
		drop_privileges(conf.user);
	history_open();
	cluster_init();

	sigint = evsignal_new(base, SIGINT, signal_stop, NULL);
	sigterm = evsignal_new(base, SIGTERM, signal_stop, NULL);
	sighup = evsignal_new(base, SIGHUP, signal_hup, NULL);
	evsignal_add(sigint, NULL);
	evsignal_add(sigterm, NULL);
	evsignal_add(sighup, NULL);
	log_info("natterd %s ready (%s, %s)", NATTERD_VERSION, conf.name,
	    event_base_get_method(base));

	event_base_dispatch(base);

	listen_close();
	conn_exit();
	cluster_exit();
	channel_free_all();
	history_close();
	monitor_free_all();
	label_free();
	motd_free();
	tls_exit();
	if (stop_timer != NULL)
		event_free(stop_timer);
	event_free(sigint);
	event_free(sigterm);
	event_free(sighup);
	event_base_free(base);
	log_info("exiting");
	config_free();
	return (0);
}
#endif /* NATTERD_NO_MAIN */
