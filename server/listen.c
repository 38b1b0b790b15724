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

/* Listeners: parse HOST:PORT, open one listener per address, close all. */

#include <sys/socket.h>

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natterd.h"

/* As many addresses in all as --listen and --tls-listen options. */
static struct evconnlistener	*listeners[CONFIG_LISTENERS];
static int			 nlisteners;

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
 * one. Return -1 and say why if the name does not resolve or there are
 * too many; a failure to bind is fatal. The log line with the real port
 * is what tests wait for when they ask for port 0.
 */
int
listen_open(const char *spec, int tls, char *why, size_t whysize)
{
	struct evutil_addrinfo	 hints, *res, *ai;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	char			 host[256], serv[32], shown[300];
	const char		*port;
	int			 error, flags;

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
			evutil_freeaddrinfo(res);
			return (-1);
		}
		flags = LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC |
		    LEV_OPT_REUSEABLE;
		if (ai->ai_family == AF_INET6)
			flags |= LEV_OPT_BIND_IPV6ONLY;
		/* A non-NULL argument marks a TLS listener for conn_accept. */
		listeners[nlisteners] = evconnlistener_new_bind(base,
		    conn_accept, tls ? &listeners : NULL, flags, 4096,
		    ai->ai_addr, (int)ai->ai_addrlen);
		if (listeners[nlisteners] == NULL)
			fatal("--%s %s", tls ? "tls-listen" : "listen", spec);
		evconnlistener_set_error_cb(listeners[nlisteners],
		    conn_accept_error);

		sslen = sizeof ss;
		if (getsockname(evconnlistener_get_fd(listeners[nlisteners]),
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
		nlisteners++;
	}
	evutil_freeaddrinfo(res);
	return (0);
}

/* Stop listening: at shutdown, and at exit. */
void
listen_close(void)
{
	int	 i;

	for (i = 0; i < nlisteners; i++) {
		evconnlistener_free(listeners[i]);
		listeners[i] = NULL;
	}
	nlisteners = 0;
}
