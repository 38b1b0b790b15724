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
 * natterd's options: one table row for each, which drives getopt_long(),
 * the usage text and the defaults. The long names are also what a
 * configuration file's keys will be.
 */

#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natterd.h"

enum config_type {
	CONFIG_FLAG,		/* -h, -V: an action, no value */
	CONFIG_STRING,
	CONFIG_INT,
	CONFIG_SIZE,
	CONFIG_RATE,		/* a number of lines per second */
	CONFIG_LEVEL,		/* a log level */
	CONFIG_LISTEN,		/* HOST:PORT, plain or TLS */
};

struct config_opt {
	const char	*name;		/* --name, and the file's key */
	int		 letter;	/* -h, -V; 0 for long only */
	enum config_type type;
	const char	*arg;		/* the value in the usage text */
	const char	*def;		/* the default, as it would be given */
	long long	 min;
	long long	 max;
	size_t		 off;		/* the field in struct config */
	int		 flags;
#define CONFIG_REPEAT	0x1	/* may be given again and again */
#define CONFIG_RELOAD	0x2	/* read again on SIGHUP */
#define CONFIG_TLS	0x4	/* a TLS listener */
#define CONFIG_NAME	0x8	/* a server name: no !@:*?, either */
	const char	*help;
};

#define F(field)	offsetof(struct config, field)

/* Sorted by name, as --help lists them. */
static const struct config_opt config_opts[] = {
	{ "flood-burst", 0, CONFIG_INT, "N", "20", 1, 100000,
	  F(flood_burst), 0, "lines a client may send at once" },
	{ "flood-rate", 0, CONFIG_RATE, "N", "4", 0, 1000000,
	  F(flood_rate), 0, "lines per second a client may send, "
	  "0 = no flood control" },
	{ "help", 'h', CONFIG_FLAG, NULL, NULL, 0, 0, 0, 0,
	  "show this help" },
	{ "listen", 0, CONFIG_LISTEN, "HOST:PORT", "127.0.0.1:6667", 0, 0,
	  0, CONFIG_REPEAT, "listen there: IPv6 as [::1]:6667, port 0 "
	  "picks a free port; the default is used only without any "
	  "--listen or --tls-listen" },
	{ "log-level", 0, CONFIG_LEVEL, "LEVEL", "info", 0, 0,
	  F(log_level), 0, "error, warning, info or debug" },
	{ "max-channels", 0, CONFIG_INT, "N", "20", 1, 10000,
	  F(max_channels), 0, "channels one user may join" },
	{ "max-clients", 0, CONFIG_INT, "N", "1024", 1, 1000000,
	  F(max_clients), 0, "connections in all" },
	{ "max-per-ip", 0, CONFIG_INT, "N", "16", 0, 1000000,
	  F(max_per_ip), 0, "connections from one address, 0 = any" },
	{ "motd", 0, CONFIG_STRING, "FILE", NULL, 0, 0,
	  F(motd_path), CONFIG_RELOAD, "message of the day" },
	{ "name", 0, CONFIG_STRING, "NAME", "natterd", 1, 63,
	  F(name), CONFIG_NAME, "server name" },
	{ "network", 0, CONFIG_STRING, "NAME", "natter", 1, 63,
	  F(network), 0, "network name in ISUPPORT" },
	{ "password", 0, CONFIG_STRING, "PASS", NULL, 0, 0,
	  F(password), 0, "clients must send PASS before registering" },
	{ "ping-interval", 0, CONFIG_INT, "SECS", "120", 1, 86400,
	  F(ping_interval), 0, "idle time before the server PINGs" },
	{ "ping-timeout", 0, CONFIG_INT, "SECS", "60", 1, 86400,
	  F(ping_timeout), 0, "time to answer that PING" },
	{ "recvq", 0, CONFIG_SIZE, "BYTES", "16384",
	  MSG_LINELEN + MSG_TAGSLEN + 1024, 1 << 30,
	  F(recvq), 0, "input read ahead from one client" },
	{ "reg-timeout", 0, CONFIG_INT, "SECS", "60", 1, 86400,
	  F(reg_timeout), 0, "time to register" },
	{ "sendq", 0, CONFIG_SIZE, "BYTES", "1048576", 4096, 1 << 30,
	  F(sendq), 0, "output queued to one client before it is "
	  "disconnected" },
	{ "tls-cert", 0, CONFIG_STRING, "FILE", NULL, 0, 0,
	  F(tls_cert), CONFIG_RELOAD, "PEM certificate chain for TLS" },
	{ "tls-key", 0, CONFIG_STRING, "FILE", NULL, 0, 0,
	  F(tls_key), CONFIG_RELOAD, "PEM private key for TLS" },
	{ "tls-listen", 0, CONFIG_LISTEN, "HOST:PORT", NULL, 0, 0,
	  0, CONFIG_REPEAT | CONFIG_TLS, "listen there for TLS; the usual "
	  "port is 6697" },
	{ "version", 'V', CONFIG_FLAG, NULL, NULL, 0, 0, 0, 0,
	  "show the version" },
};
#define CONFIG_COUNT	(sizeof config_opts / sizeof config_opts[0])

struct config	 conf;

static int	config_set(const struct config_opt *, const char *, char *,
		    size_t);
static const struct config_opt *config_find(const char *);
static void	config_wrap(FILE *, const char *, int, int);
static __dead void usage(int);

static const struct config_opt *
config_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < CONFIG_COUNT; i++) {
		if (strcmp(config_opts[i].name, name) == 0)
			return (&config_opts[i]);
	}
	return (NULL);
}

/*
 * Give option o the value v. On a bad value return -1 and say why in
 * why (size bytes), as it would follow "--name: ".
 */
static int
config_set(const struct config_opt *o, const char *v, char *why,
    size_t size)
{
	char		*end, **sp, host[256];
	const char	*port;
	long long	 n = 0;
	double		 d;
	int		 level;

	if (o->type == CONFIG_INT || o->type == CONFIG_SIZE) {
		errno = 0;
		n = strtoll(v, &end, 10);
		if (errno != 0 || end == v || *end != '\0' || n < o->min ||
		    n > o->max) {
			snprintf(why, size, "invalid value '%s' (%lld to %lld)",
			    v, o->min, o->max);
			return (-1);
		}
	}
	switch (o->type) {
	case CONFIG_FLAG:
		break;
	case CONFIG_STRING:
		if (o->max > 0 && ((long long)strlen(v) < o->min ||
		    (long long)strlen(v) > o->max ||
		    strpbrk(v, (o->flags & CONFIG_NAME) ? " !@:*?,\r\n" :
		    " \r\n") != NULL || !utf8_valid(v, strlen(v)))) {
			snprintf(why, size, "%lld to %lld bytes of UTF-8, no "
			    "spaces%s", o->min, o->max, (o->flags &
			    CONFIG_NAME) ? " or !@:*?," : "");
			return (-1);
		}
		sp = (char **)((char *)&conf + o->off);
		free(*sp);
		*sp = xstrdup(v);
		break;
	case CONFIG_INT:
		*(int *)((char *)&conf + o->off) = (int)n;
		break;
	case CONFIG_SIZE:
		*(size_t *)((char *)&conf + o->off) = (size_t)n;
		break;
	case CONFIG_RATE:
		d = strtod(v, &end);
		if (end == v || *end != '\0' || !(d >= o->min && d <= o->max)) {
			snprintf(why, size, "a number of lines per second from "
			    "%lld to %lld", o->min, o->max);
			return (-1);
		}
		*(double *)((char *)&conf + o->off) = d;
		break;
	case CONFIG_LEVEL:
		if ((level = log_level_parse(v)) == -1) {
			snprintf(why, size, "error, warning, info or debug");
			return (-1);
		}
		*(int *)((char *)&conf + o->off) = level;
		break;
	case CONFIG_LISTEN:
		if (listen_parse(v, host, sizeof host, &port, why,
		    size) != 0)
			return (-1);
		if (conf.nlisten == CONFIG_LISTENERS) {
			snprintf(why, size, "more than %d --listen and "
			    "--tls-listen", CONFIG_LISTENERS);
			return (-1);
		}
		conf.listen[conf.nlisten] = xstrdup(v);
		conf.listen_tls[conf.nlisten++] = !!(o->flags & CONFIG_TLS);
		break;
	}
	return (0);
}

/* Write text word-wrapped to 79 columns, lines after the first indented. */
static void
config_wrap(FILE *fp, const char *text, int col, int indent)
{
	const char	*p = text;
	size_t		 n;

	while (*p != '\0') {
		n = strcspn(p, " ");
		if (col > indent && col + 1 + (int)n > 79) {
			fprintf(fp, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', fp);
			col++;
		}
		fprintf(fp, "%.*s", (int)n, p);
		col += (int)n;
		p += n;
		p += strspn(p, " ");
	}
	fputc('\n', fp);
}

/* The usage text, made from the table: every option and its default. */
static __dead void
usage(int status)
{
	FILE			*fp = status == 0 ? stdout : stderr;
	const struct config_opt	*o;
	char			 left[64], text[512];
	size_t			 i;
	int			 n;

	fprintf(fp, "usage: natterd [-hV] [--option value]...\n\n");
	for (i = 0; i < CONFIG_COUNT; i++) {
		o = &config_opts[i];
		if (o->letter != 0)
			snprintf(left, sizeof left, "  -%c, --%s", o->letter,
			    o->name);
		else
			snprintf(left, sizeof left, "  --%s %s", o->name,
			    o->arg);
		n = snprintf(text, sizeof text, "%s%s", o->help,
		    (o->flags & CONFIG_RELOAD) ? ", re-read on SIGHUP" : "");
		if ((o->flags & CONFIG_REPEAT) || o->def != NULL)
			snprintf(text + n, sizeof text - n, " (%s%s%s%s)",
			    (o->flags & CONFIG_REPEAT) ? "repeatable" : "",
			    (o->flags & CONFIG_REPEAT) && o->def != NULL ?
			    "; " : "", o->def != NULL ? "default " : "",
			    o->def != NULL ? o->def : "");
		n = fprintf(fp, "%s", left);
		if (n >= 24) {
			fprintf(fp, "\n%24s", "");
			n = 24;
		} else
			n += fprintf(fp, "%*s", 24 - n, "");
		config_wrap(fp, text, n, 24);
	}
	exit(status);
}

/* A mistake on the command line: say what, exit 64 (EX_USAGE). */
__dead void
config_usage_error(const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "natterd: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(64);
}

/* Every option at its default. */
void
config_defaults(void)
{
	const struct config_opt	*o;
	char			 why[128];
	size_t			 i;

	config_free();
	for (i = 0; i < CONFIG_COUNT; i++) {
		o = &config_opts[i];
		if (o->def != NULL && o->type != CONFIG_LISTEN &&
		    config_set(o, o->def, why, sizeof why) != 0)
			fatalx("default --%s %s: %s", o->name, o->def, why);
	}
}

/* Read the command line into conf, or exit with a usage error. */
void
config_parse(int argc, char **argv)
{
	struct option		 longopts[CONFIG_COUNT + 1];
	const struct config_opt	*o;
	char			 why[128];
	size_t			 i;
	int			 ch, ntls = 0;

	memset(longopts, 0, sizeof longopts);
	for (i = 0; i < CONFIG_COUNT; i++) {
		o = &config_opts[i];
		longopts[i].name = o->name;
		longopts[i].has_arg = o->type == CONFIG_FLAG ? no_argument :
		    required_argument;
		longopts[i].val = o->letter != 0 ? o->letter : 256 + (int)i;
	}
	config_defaults();
	while ((ch = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		if (ch == 'h')
			usage(0);
		if (ch == 'V') {
			printf("natterd %s\n", NATTERD_VERSION);
			exit(0);
		}
		if (ch < 256 || ch >= 256 + (int)CONFIG_COUNT)
			usage(64);
		o = &config_opts[ch - 256];
		if (config_set(o, optarg, why, sizeof why) != 0)
			config_usage_error("--%s: %s", o->name, why);
	}
	if (optind != argc)
		usage(64);

	for (i = 0; i < (size_t)conf.nlisten; i++)
		ntls += conf.listen_tls[i];
	if (ntls > 0 && (conf.tls_cert == NULL || conf.tls_key == NULL))
		config_usage_error("--tls-listen needs --tls-cert and "
		    "--tls-key");
	if (ntls == 0 && (conf.tls_cert != NULL || conf.tls_key != NULL))
		config_usage_error("--tls-cert and --tls-key need "
		    "--tls-listen");
	if (conf.nlisten == 0) {
		o = config_find("listen");
		if (config_set(o, o->def, why, sizeof why) != 0)
			fatalx("default --listen %s: %s", o->def, why);
	}
}

/* Free what the options hold. */
void
config_free(void)
{
	const struct config_opt	*o;
	size_t			 i;

	for (i = 0; i < CONFIG_COUNT; i++) {
		o = &config_opts[i];
		if (o->type == CONFIG_STRING) {
			free(*(char **)((char *)&conf + o->off));
			*(char **)((char *)&conf + o->off) = NULL;
		}
	}
	for (i = 0; i < (size_t)conf.nlisten; i++)
		free(conf.listen[i]);
	conf.nlisten = 0;
}
