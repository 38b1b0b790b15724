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
 * Listeners: parse HOST:PORT, open one listener per address, open and
 * close them to match the configuration on reload, close all.
 */

#include <sys/socket.h>

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natterd.h"

/* As many addresses in all as --listen and --tls-listen options. */
static struct listener {
	struct evconnlistener	*lev;
	char			*spec;		/* as configured */
	int			 tls;
} listeners[CONFIG_LISTENERS];
static int			 nlisteners;

static int	listen_wanted(const char *, int);
static int	listen_is_open(const char *, int);

/*
 * Split spec, "HOST:PORT" or "[V6ADDR]:PORT", into host (size bytes) and
 * *port, which points into spec. Return -1 and say why if it is neither.
 */
int
listen_parse(const char *spec, char *host, size_t size, const char **port,
    char *why, size_t whysize)
{
	const char	*p;
	char		*end;
	long		 n;

	if (spec[0] == '[') {
		if ((p = strchr(spec, ']')) == NULL || p[1] != ':') {
			snprintf(why, whysize, "%s: expected [ADDRESS]:PORT",
			    spec);
			return (-1);
		}
		if ((size_t)(p - spec - 1) >= size) {
			snprintf(why, whysize, "%s: address too long", spec);
			return (-1);
		}
		memcpy(host, spec + 1, p - spec - 1);
		host[p - spec - 1] = '\0';
		*port = p + 2;
	} else {
		if ((p = strrchr(spec, ':')) == NULL) {
			snprintf(why, whysize, "%s: expected HOST:PORT", spec);
			return (-1);
		}
		if ((size_t)(p - spec) >= size) {
			snprintf(why, whysize, "%s: host too long", spec);
			return (-1);
		}
		memcpy(host, spec, p - spec);
		host[p - spec] = '\0';
		*port = p + 1;
	}
	n = strtol(*port, &end, 10);
	if (end == *port || *end != '\0' || n < 0 || n > 65535) {
		snprintf(why, whysize, "%s: invalid port '%s' (0 to 65535)",
		    spec, *port);
		return (-1);
	}
	return (0);
}

/*
 * Open a listener on spec; every address the host name resolves to gets
 * one. Return -1 and say why if the name does not resolve, there are too
 * many or one does not bind (then none of spec's stays open). The log
 * line with the real port is what tests wait for when they ask for port
 * 0.
 */
int
listen_open(const char *spec, int tls, char *why, size_t whysize)
{
	struct evutil_addrinfo	 hints, *res, *ai;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	char			 host[256], serv[32], shown[300];
	const char		*port;
	int			 error, flags, first = nlisteners;
	struct evconnlistener	*lev;

	if (listen_parse(spec, host, sizeof host, &port, why, whysize) != 0)
		return (-1);
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	error = evutil_getaddrinfo(host[0] == '\0' || strcmp(host, "*") == 0 ?
	    NULL : host, port, &hints, &res);
	if (error != 0) {
		snprintf(why, whysize, "%s: %s", spec,
		    evutil_gai_strerror(error));
		return (-1);
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (nlisteners == CONFIG_LISTENERS) {
			snprintf(why, whysize, "more than %d addresses",
			    CONFIG_LISTENERS);
			goto fail;
		}
		flags = LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC |
		    LEV_OPT_REUSEABLE;
		if (ai->ai_family == AF_INET6)
			flags |= LEV_OPT_BIND_IPV6ONLY;
		/* A non-NULL argument marks a TLS listener for conn_accept. */
		lev = evconnlistener_new_bind(base, conn_accept,
		    tls ? &listeners : NULL, flags, 4096, ai->ai_addr,
		    (int)ai->ai_addrlen);
		if (lev == NULL) {
			snprintf(why, whysize, "%s: %s", spec,
			    evutil_socket_error_to_string(
			    EVUTIL_SOCKET_ERROR()));
			goto fail;
		}
		evconnlistener_set_error_cb(lev, conn_accept_error);
		listeners[nlisteners].lev = lev;
		listeners[nlisteners].spec = xstrdup(spec);
		listeners[nlisteners].tls = tls;
		nlisteners++;

		sslen = sizeof ss;
		if (getsockname(evconnlistener_get_fd(lev),
		    (struct sockaddr *)&ss, &sslen) != 0 ||
		    getnameinfo((struct sockaddr *)&ss, sslen, host,
		    sizeof host, serv, sizeof serv,
		    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
			fatal("--%s %s: getsockname", tls ? "tls-listen" :
			    "listen", spec);
		if (ss.ss_family == AF_INET6)
			snprintf(shown, sizeof shown, "[%s]:%s", host, serv);
		else
			snprintf(shown, sizeof shown, "%s:%s", host, serv);
		log_info("listening on %s%s", shown, tls ? " (TLS)" : "");
	}
	evutil_freeaddrinfo(res);
	return (0);

fail:
	evutil_freeaddrinfo(res);
	while (nlisteners > first) {
		nlisteners--;
		evconnlistener_free(listeners[nlisteners].lev);
		free(listeners[nlisteners].spec);
	}
	return (-1);
}

/* Whether conf names spec (for TLS or not). */
static int
listen_wanted(const char *spec, int tls)
{
	int	 i;

	for (i = 0; i < conf.nlisten; i++) {
		if (strcmp(conf.listen[i], spec) == 0 &&
		    !conf.listen_tls[i] == !tls)
			return (1);
	}
	return (0);
}

static int
listen_is_open(const char *spec, int tls)
{
	int	 i;

	for (i = 0; i < nlisteners; i++) {
		if (strcmp(listeners[i].spec, spec) == 0 &&
		    !listeners[i].tls == !tls)
			return (1);
	}
	return (0);
}

/*
 * After a reload: close the listeners conf no longer names, then open
 * the ones it names anew. Connections they accepted stay. One that does
 * not open is logged and tried again at the next reload.
 */
void
listen_reload(void)
{
	char	 why[300];
	int	 i, j;

	for (i = j = 0; i < nlisteners; i++) {
		if (listen_wanted(listeners[i].spec, listeners[i].tls)) {
			listeners[j++] = listeners[i];
			continue;
		}
		/* Logged once closed: tests take the line as a signal. */
		evconnlistener_free(listeners[i].lev);
		log_info("no longer listening on %s%s", listeners[i].spec,
		    listeners[i].tls ? " (TLS)" : "");
		free(listeners[i].spec);
	}
	nlisteners = j;
	for (i = 0; i < conf.nlisten; i++) {
		if (listen_is_open(conf.listen[i], conf.listen_tls[i]))
			continue;
		if (conf.listen_tls[i] && !tls_ready()) {
			log_warnx("--tls-listen %s: no certificate loaded",
			    conf.listen[i]);
			continue;
		}
		if (listen_open(conf.listen[i], conf.listen_tls[i], why,
		    sizeof why) != 0)
			log_warnx("--%s %s", conf.listen_tls[i] ?
			    "tls-listen" : "listen", why);
	}
}

/* Stop listening: at shutdown, and at exit. */
void
listen_close(void)
{
	int	 i;

	for (i = 0; i < nlisteners; i++) {
		evconnlistener_free(listeners[i].lev);
		free(listeners[i].spec);
	}
	memset(listeners, 0, sizeof listeners);
	nlisteners = 0;
}
