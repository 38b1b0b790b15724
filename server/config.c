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
 * the usage text, the defaults and the configuration file, whose keys are
 * the long names. Flags on the command line override the file.
 */

#include <crypt.h>
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "natterd.h"
#include "bus.h"

enum config_type {
	CONFIG_FLAG,		/* -h, -V: an action, no value */
	CONFIG_BOOL,		/* --name alone; in a file, yes or no */
	CONFIG_STRING,
	CONFIG_INT,
	CONFIG_SIZE,
	CONFIG_RATE,		/* a number of lines per second */
	CONFIG_LEVEL,		/* a log level */
	CONFIG_LISTEN,		/* HOST:PORT, plain or TLS */
	CONFIG_OPER,		/* NAME HASH [MASK], in the file only */
};
#define CONFIG_WORDS	3	/* values on one line at most */

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
#define CONFIG_CMDLINE	0x10	/* on the command line only, not a key */
#define CONFIG_FILEONLY	0x20	/* a key with no command-line option */
	const char	*help;
};

#define F(field)	offsetof(struct config, field)

/* Sorted by name, as --help lists them. */
static const struct config_opt config_opts[] = {
	{ "check-config", 't', CONFIG_FLAG, NULL, NULL, 0, 0, 0,
	  CONFIG_CMDLINE, "check the --config file, print FILE: ok or its "
	  "errors, exit 0 or 1; start nothing" },
	{ "cluster", 0, CONFIG_STRING, "URL", NULL, 0, 0, F(cluster), 0,
	  "be a node of the cluster whose Redis is at redis://HOST:PORT[/DB] "
	  "or unix:/PATH (needs --node)" },
	{ "cluster-lease", 0, CONFIG_INT, "SECS", "10", 1, 300,
	  F(cluster_lease), 0, "a node silent this long is taken for dead "
	  "and its users quit" },
	{ "cluster-prefix", 0, CONFIG_STRING, "P", "natter", 1, 32,
	  F(cluster_prefix), 0, "the prefix of natterd's keys and channels "
	  "in Redis" },
	{ "config", 'f', CONFIG_STRING, "FILE", NULL, 0, 0,
	  F(config_path), CONFIG_CMDLINE, "read settings from FILE, one "
	  "KEY VALUE line each, the keys named as these options" },
	{ "flood-burst", 0, CONFIG_INT, "N", "20", 1, 100000,
	  F(flood_burst), CONFIG_RELOAD, "lines a client may send at once" },
	{ "flood-rate", 0, CONFIG_RATE, "N", "4", 0, 1000000,
	  F(flood_rate), CONFIG_RELOAD, "lines per second a client may send, "
	  "0 = no flood control" },
	{ "hash-password", 0, CONFIG_FLAG, NULL, NULL, 0, 0, 0,
	  CONFIG_CMDLINE, "read a password from standard input, print its "
	  "hash for an oper line and exit" },
	{ "help", 'h', CONFIG_FLAG, NULL, NULL, 0, 0, 0, CONFIG_CMDLINE,
	  "show this help" },
	{ "history-db", 0, CONFIG_STRING, "FILE", NULL, 0, 0,
	  F(history_db), 0, "keep room history in this SQLite database, "
	  "or in memory only with :memory:; without it natterd.db in the "
	  "state directory" },
	{ "history-max-days", 0, CONFIG_INT, "DAYS", "30", 0, 36500,
	  F(history_max_days), CONFIG_RELOAD, "forget events older than "
	  "this, 0 = never" },
	{ "history-max-lines", 0, CONFIG_INT, "N", "10000", 0, 1000000000,
	  F(history_max_lines), CONFIG_RELOAD, "events kept for one room, "
	  "0 = no limit" },
	{ "history-replay", 0, CONFIG_INT, "N", "0", 0, HISTORY_MAX,
	  F(history_replay), CONFIG_RELOAD, "send the last N messages of a "
	  "room on JOIN to clients without draft/chathistory" },
	{ "listen", 0, CONFIG_LISTEN, "HOST:PORT", "127.0.0.1:6667", 0, 0,
	  0, CONFIG_REPEAT | CONFIG_RELOAD,
	  "listen there: IPv6 as [::1]:6667, port 0 picks a free port; "
	  "the default is used only without any --listen or --tls-listen" },
	{ "log-level", 0, CONFIG_LEVEL, "LEVEL", "info", 0, 0,
	  F(log_level), CONFIG_RELOAD, "error, warning, info or debug" },
	{ "max-channels", 0, CONFIG_INT, "N", "20", 1, 10000,
	  F(max_channels), CONFIG_RELOAD, "channels one user may join" },
	{ "max-clients", 0, CONFIG_INT, "N", "1024", 1, 1000000,
	  F(max_clients), CONFIG_RELOAD, "connections in all" },
	{ "max-per-ip", 0, CONFIG_INT, "N", "16", 0, 1000000,
	  F(max_per_ip), CONFIG_RELOAD, "connections from one address, "
	  "0 = any" },
	{ "motd", 0, CONFIG_STRING, "FILE", NULL, 0, 0,
	  F(motd_path), CONFIG_RELOAD, "message of the day" },
	{ "multiline-max-bytes", 0, CONFIG_INT, "N", "4096", 1, 65536,
	  F(multiline_max_bytes), 0, "bytes of text one draft/multiline "
	  "message may hold, a line break counted as one" },
	{ "multiline-max-lines", 0, CONFIG_INT, "N", "100", 1, 1000,
	  F(multiline_max_lines), 0, "lines one draft/multiline message "
	  "may hold" },
	{ "name", 0, CONFIG_STRING, "NAME", "natterd", 1, 63,
	  F(name), CONFIG_NAME, "server name" },
	{ "node", 0, CONFIG_STRING, "NAME", NULL, 1, 63, F(node), CONFIG_NAME,
	  "this node's name in the cluster, dotted and unique; it is also "
	  "the server name" },
	{ "network", 0, CONFIG_STRING, "NAME", "natter", 1, 63,
	  F(network), CONFIG_RELOAD, "network name in ISUPPORT" },
	{ "password", 0, CONFIG_STRING, "PASS", NULL, 0, 0,
	  F(password), CONFIG_RELOAD, "clients must send PASS before "
	  "registering" },
	{ "no-history", 0, CONFIG_BOOL, NULL, NULL, 0, 0, F(no_history), 0,
	  "keep no room history; in a file: no-history yes" },
	{ "oper", 0, CONFIG_OPER, "NAME HASH [MASK]", NULL, 0, 0, 0,
	  CONFIG_REPEAT | CONFIG_RELOAD | CONFIG_FILEONLY, "an IRC operator: "
	  "OPER NAME and the password whose crypt(3) hash natterd "
	  "--hash-password made, from a nick!user@host matching MASK "
	  "(* if none)" },
	{ "ping-interval", 0, CONFIG_INT, "SECS", "120", 1, 86400,
	  F(ping_interval), CONFIG_RELOAD, "idle time before the server "
	  "PINGs" },
	{ "ping-timeout", 0, CONFIG_INT, "SECS", "60", 1, 86400,
	  F(ping_timeout), CONFIG_RELOAD, "time to answer that PING" },
	{ "recvq", 0, CONFIG_SIZE, "BYTES", "16384",
	  MSG_LINELEN + MSG_TAGSLEN + 1024, 1 << 30,
	  F(recvq), CONFIG_RELOAD, "input read ahead from one client" },
	{ "reg-timeout", 0, CONFIG_INT, "SECS", "60", 1, 86400,
	  F(reg_timeout), CONFIG_RELOAD, "time to register" },
	{ "sendq", 0, CONFIG_SIZE, "BYTES", "1048576", 4096, 1 << 30,
	  F(sendq), CONFIG_RELOAD, "output queued to one client before it is "
	  "disconnected" },
	{ "state-dir", 0, CONFIG_STRING, "DIR", NULL, 0, 0,
	  F(state_dir), 0, "where natterd.db goes; without it "
	  "$STATE_DIRECTORY, else /var/lib/natterd as root, else "
	  "$XDG_STATE_HOME/natterd or ~/.local/state/natterd" },
	{ "tls-cert", 0, CONFIG_STRING, "FILE", NULL, 0, 0,
	  F(tls_cert), CONFIG_RELOAD, "PEM certificate chain for TLS" },
	{ "tls-key", 0, CONFIG_STRING, "FILE", NULL, 0, 0,
	  F(tls_key), CONFIG_RELOAD, "PEM private key for TLS" },
	{ "tls-listen", 0, CONFIG_LISTEN, "HOST:PORT", NULL, 0, 0,
	  0, CONFIG_REPEAT | CONFIG_TLS | CONFIG_RELOAD,
	  "listen there for TLS; the usual port is 6697" },
	{ "user", 0, CONFIG_STRING, "NAME", NULL, 0, 0, F(user), 0,
	  "started as root, run as this user once the listeners are open" },
	{ "version", 'V', CONFIG_FLAG, NULL, NULL, 0, 0, 0, CONFIG_CMDLINE,
	  "show the version" },
};
#define CONFIG_COUNT	(sizeof config_opts / sizeof config_opts[0])

struct config	 conf;

static int	config_set(struct config *, const struct config_opt *,
		    const char *, char *, size_t);
static int	config_check(const struct config *, char *, size_t);
static __dead void config_hash_password(void);
static int	config_set_oper(struct config *, const char *, char *,
		    size_t);
static void	config_clear(struct config *);
static void	config_listen_clear(struct config *);
static void	config_default_listen(struct config *);
static int	config_read(struct config *, const char *);
static int	config_apply_given(struct config *);
static int	config_load(struct config *, const char *, char *, size_t);
#define CONFIG_BADFILE	1	/* config_load(): the file, or the whole */
#define CONFIG_BADGIVEN	2	/* the command line */
static int	config_same(const struct config_opt *, const struct config *,
		    const struct config *);
static void	config_take(const struct config_opt *, struct config *,
		    struct config *);
static void	config_release(struct config *);

/* The options given on the command line, applied over the file's. */
static const struct config_opt	**config_given;
static const char		**config_values;
static size_t			  config_ngiven;
static int			  config_given_listeners;
static const struct config_opt *config_find(const char *);
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
 * Give option o the value v in cf. On a bad value return -1 and say why
 * in why (size bytes), as it would follow "--name: ".
 */
static int
config_set(struct config *cf, const struct config_opt *o, const char *v,
    char *why, size_t size)
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
	case CONFIG_BOOL:
		if (strcmp(v, "yes") == 0)
			*(int *)((char *)cf + o->off) = 1;
		else if (strcmp(v, "no") == 0)
			*(int *)((char *)cf + o->off) = 0;
		else {
			snprintf(why, size, "yes or no, not '%s'", v);
			return (-1);
		}
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
		sp = (char **)((char *)cf + o->off);
		free(*sp);
		*sp = xstrdup(v);
		break;
	case CONFIG_INT:
		*(int *)((char *)cf + o->off) = (int)n;
		break;
	case CONFIG_SIZE:
		*(size_t *)((char *)cf + o->off) = (size_t)n;
		break;
	case CONFIG_RATE:
		d = strtod(v, &end);
		if (end == v || *end != '\0' || !(d >= o->min && d <= o->max)) {
			snprintf(why, size, "a number of lines per second from "
			    "%lld to %lld", o->min, o->max);
			return (-1);
		}
		*(double *)((char *)cf + o->off) = d;
		break;
	case CONFIG_LEVEL:
		if ((level = log_level_parse(v)) == -1) {
			snprintf(why, size, "error, warning, info or debug");
			return (-1);
		}
		*(int *)((char *)cf + o->off) = level;
		break;
	case CONFIG_LISTEN:
		if (listen_parse(v, host, sizeof host, &port, why,
		    size) != 0)
			return (-1);
		if (cf->nlisten == CONFIG_LISTENERS) {
			snprintf(why, size, "more than %d listen and "
			    "tls-listen", CONFIG_LISTENERS);
			return (-1);
		}
		cf->listen[cf->nlisten] = xstrdup(v);
		cf->listen_tls[cf->nlisten++] = !!(o->flags & CONFIG_TLS);
		break;
	case CONFIG_OPER:
		return (config_set_oper(cf, v, why, size));
	}
	return (0);
}

/*
 * --hash-password: a password from standard input (not echoed on a
 * terminal) to a yescrypt hash for an oper line, on standard output.
 */
static __dead void
config_hash_password(void)
{
	struct termios	 old, quiet;
	char		*line = NULL, *salt, *hash;
	size_t		 size = 0;
	ssize_t		 len;
	int		 tty = isatty(STDIN_FILENO);

	if (tty && tcgetattr(STDIN_FILENO, &old) == 0) {
		fprintf(stderr, "password: ");
		quiet = old;
		quiet.c_lflag &= ~ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	} else
		tty = 0;
	len = getline(&line, &size, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (len > 0)
		line[strcspn(line, "\r\n")] = '\0';
	if (len <= 0 || line[0] == '\0') {
		fprintf(stderr, "natterd: --hash-password: no password on "
		    "standard input\n");
		exit(1);
	}
	if ((salt = crypt_gensalt("$y$", 0, NULL, 0)) == NULL ||
	    (hash = crypt(line, salt)) == NULL || hash[0] != '$')
		fatal("--hash-password: crypt");
	explicit_bzero(line, size);
	free(line);
	printf("%s\n", hash);
	exit(0);
}

/*
 * An oper line's value: "NAME HASH [MASK]". The hash must be one
 * crypt(3) takes and trusts (natterd --hash-password makes one); the
 * name is unique; the mask defaults to "*".
 */
static int
config_set_oper(struct config *cf, const char *v, char *why, size_t size)
{
	struct config_oper	*op;
	char			*copy, *p, *name, *hash;
	const char		*mask;
	int			 i;

	p = copy = xstrdup(v);
	name = strsep(&p, " ");
	hash = p != NULL ? strsep(&p, " ") : NULL;
	mask = p != NULL && *p != '\0' ? p : "*";
	if (hash == NULL || *name == '\0' || strlen(name) > 32 ||
	    strpbrk(name, ",*?!@") != NULL) {
		snprintf(why, size, "NAME HASH [MASK], the name up to 32 "
		    "bytes without ,*?!@");
		goto bad;
	}
	if (hash[0] != '$' || crypt_checksalt(hash) != CRYPT_SALT_OK) {
		snprintf(why, size, "%s: not a crypt(3) hash natterd accepts; "
		    "make one with natterd --hash-password", name);
		goto bad;
	}
	if (strlen(mask) > 255) {
		snprintf(why, size, "%s: a mask up to 255 bytes", name);
		goto bad;
	}
	for (i = 0; i < cf->nopers; i++) {
		if (strcmp(cf->opers[i].name, name) == 0) {
			snprintf(why, size, "%s: a second oper of that name",
			    name);
			goto bad;
		}
	}
	if (cf->nopers == CONFIG_OPERS) {
		snprintf(why, size, "more than %d oper lines", CONFIG_OPERS);
		goto bad;
	}
	op = &cf->opers[cf->nopers++];
	op->name = xstrdup(name);
	op->hash = xstrdup(hash);
	op->mask = xstrdup(mask);
	free(copy);
	return (0);
bad:
	free(copy);
	return (-1);
}

/* The usage text, made from the table: every option and its default. */
static __dead void
usage(int status)
{
	FILE			*fp = status == 0 ? stdout : stderr;
	const struct config_opt	*o;
	size_t			 i;
	int			 fileonly, headed = 0;

	fprintf(fp, "usage: natterd [-htV] [-f file] [--option value]...\n\n");
	/* The options, then the keys a --config file may have besides. */
	for (i = 0; i < 2 * CONFIG_COUNT; i++) {
		o = &config_opts[i % CONFIG_COUNT];
		fileonly = !!(o->flags & CONFIG_FILEONLY);
		if (fileonly != (i >= CONFIG_COUNT))
			continue;
		if (fileonly && !headed++)
			fprintf(fp, "\nkeys only in a --config file:\n");
		log_usage(fp, o->letter, o->name, o->arg, fileonly, o->help,
		    (o->flags & CONFIG_RELOAD) ? ", re-read on SIGHUP" : NULL,
		    !!(o->flags & CONFIG_REPEAT), o->def);
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

/* cf with every option at its default, but no listener yet. */
static void
config_clear(struct config *cf)
{
	const struct config_opt	*o;
	char			 why[128];
	size_t			 i;

	memset(cf, 0, sizeof *cf);
	for (i = 0; i < CONFIG_COUNT; i++) {
		o = &config_opts[i];
		if (o->def != NULL && o->type != CONFIG_LISTEN &&
		    config_set(cf, o, o->def, why, sizeof why) != 0)
			fatalx("default --%s %s: %s", o->name, o->def, why);
	}
}

/* Every option at its default. */
void
config_defaults(void)
{
	config_free();
	config_clear(&conf);
}

/* No listener given at all: the default one. */
static void
config_default_listen(struct config *cf)
{
	const struct config_opt	*o = config_find("listen");
	char			 why[300];

	if (cf->nlisten == 0 && config_set(cf, o, o->def, why,
	    sizeof why) != 0)
		fatalx("default --listen %s: %s", o->def, why);
}

static void
config_listen_clear(struct config *cf)
{
	int	 i;

	for (i = 0; i < cf->nlisten; i++)
		free(cf->listen[i]);
	cf->nlisten = 0;
}

/*
 * What the options say together: TLS listeners need a certificate and a
 * key and those need a TLS listener; no listener at all means the
 * default one. Return -1 and say why if they disagree.
 */
static int
config_check(const struct config *cf, char *why, size_t size)
{
	int	 i, ntls = 0;

	for (i = 0; i < cf->nlisten; i++)
		ntls += cf->listen_tls[i];
	if (ntls > 0 && (cf->tls_cert == NULL || cf->tls_key == NULL)) {
		snprintf(why, size, "tls-listen needs tls-cert and tls-key");
		return (-1);
	}
	if (ntls == 0 && (cf->tls_cert != NULL || cf->tls_key != NULL)) {
		snprintf(why, size, "tls-cert and tls-key need tls-listen");
		return (-1);
	}
	if ((cf->cluster == NULL) != (cf->node == NULL)) {
		snprintf(why, size, "cluster and node go together");
		return (-1);
	}
	if (cf->node != NULL && !bus_node_valid(cf->node)) {
		snprintf(why, size, "node: a dotted name of letters, digits "
		    "and '-'");
		return (-1);
	}
	if (cf->cluster != NULL && cluster_url_check(cf->cluster, why,
	    size) != 0)
		return (-1);
	return (0);
}

/*
 * Read the configuration file path into cf: one "KEY VALUE" a line,
 * blank lines and "#" comments ignored, a key given once unless it is
 * repeatable. Each mistake is printed with the file, line and key; return
 * how many there were (-1: the file could not be read at all).
 */
static int
config_read(struct config *cf, const char *path)
{
	const struct config_opt	*o;
	FILE			*fp;
	char			*line = NULL, *p, *key, *value, *word;
	char			*words[CONFIG_WORDS], joined[1024], why[300];
	size_t			 size = 0;
	ssize_t			 len;
	int			 lineno = 0, errors = 0, i, nwords;
	int			 seen[CONFIG_COUNT];

	if ((fp = fopen(path, "r")) == NULL) {
		log_warn("%s", path);
		return (-1);
	}
	memset(seen, 0, sizeof seen);
	while ((len = getline(&line, &size, fp)) != -1) {
		lineno++;
		if ((size_t)len != strlen(line) || !utf8_valid(line, len)) {
			log_warnx("%s:%d: not a line of UTF-8 text", path,
			    lineno);
			errors++;
			continue;
		}
		line[strcspn(line, "\r\n")] = '\0';
		p = line + strspn(line, " \t");
		if (*p == '\0' || *p == '#')
			continue;
		key = strsep(&p, " \t");
		/* The words after the key, up to a comment. */
		nwords = 0;
		while (p != NULL && (word = strsep(&p, " \t")) != NULL) {
			if (*word == '\0')
				continue;
			if (*word == '#')
				break;
			if (nwords < CONFIG_WORDS)
				words[nwords] = word;
			nwords++;
		}
		if ((o = config_find(key)) == NULL ||
		    (o->flags & CONFIG_CMDLINE)) {
			log_warnx("%s:%d: %s: unknown key", path, lineno,
			    key);
			errors++;
			continue;
		}
		if (o->type == CONFIG_OPER && nwords >= 2 && nwords <= 3) {
			snprintf(joined, sizeof joined, "%s %s%s%s", words[0],
			    words[1], nwords == 3 ? " " : "", nwords == 3 ?
			    words[2] : "");
			value = joined;
		} else if (o->type != CONFIG_OPER && nwords == 1)
			value = words[0];
		else {
			log_warnx("%s:%d: %s: needs %s, %s", path, lineno, key,
			    o->type == CONFIG_OPER ? "two or three values" :
			    "one value", o->arg);
			errors++;
			continue;
		}
		i = (int)(o - config_opts);
		if (seen[i] != 0 && !(o->flags & CONFIG_REPEAT)) {
			log_warnx("%s:%d: %s: already set on line %d", path,
			    lineno, key, seen[i]);
			errors++;
			continue;
		}
		seen[i] = lineno;
		if (config_set(cf, o, value, why, sizeof why) != 0) {
			log_warnx("%s:%d: %s: %s", path, lineno, key, why);
			errors++;
		}
	}
	if (ferror(fp)) {
		log_warn("%s", path);
		errors++;
	}
	free(line);
	fclose(fp);
	return (errors);
}

/*
 * Read the command line and the --config file into conf, or exit: 64 for
 * a mistake on the command line, 1 for one in the file. With
 * --check-config, say whether the file is good and exit.
 */
void
config_parse(int argc, char **argv)
{
	struct option		 longopts[CONFIG_COUNT + 1];
	const struct config_opt	*o;
	struct config		 scratch;
	const char		*path = NULL;
	char			 why[300];
	size_t			 i, n = 0;
	int			 ch, check = 0;

	memset(longopts, 0, sizeof longopts);
	for (i = 0; i < CONFIG_COUNT; i++) {
		o = &config_opts[i];
		if (o->flags & CONFIG_FILEONLY)
			continue;
		longopts[n].name = o->name;
		longopts[n].has_arg = o->type == CONFIG_FLAG ||
		    o->type == CONFIG_BOOL ? no_argument : required_argument;
		longopts[n++].val = o->letter != 0 ? o->letter : 256 + (int)i;
	}
	/*
	 * First what was given, checked as it comes (so a bad value is an
	 * error before a later -V), to apply over the file's settings.
	 */
	config_clear(&scratch);
	config_given = xcalloc(argc, sizeof *config_given);
	config_values = xcalloc(argc, sizeof *config_values);
	while ((ch = getopt_long(argc, argv, "f:htV", longopts, NULL)) != -1) {
		if (ch == 'h')
			usage(0);
		if (ch == 'V') {
			printf("natterd %s\n", NATTERD_VERSION);
			exit(0);
		}
		if (ch == 't') {
			check = 1;
			continue;
		}
		if (ch == 'f')
			o = config_find("config");
		else if (ch >= 256 && ch < 256 + (int)CONFIG_COUNT)
			o = &config_opts[ch - 256];
		else
			usage(64);
		if (strcmp(o->name, "hash-password") == 0)
			config_hash_password();
		if (o->type == CONFIG_LISTEN)
			config_given_listeners++;
		if (ch == 'f')
			path = optarg;
		/* --no-history on the command line: "no-history yes". */
		if (o->type == CONFIG_BOOL)
			optarg = (char *)"yes";
		if (config_set(&scratch, o, optarg, why, sizeof why) != 0)
			config_usage_error("--%s: %s", o->name, why);
		config_given[config_ngiven] = o;
		config_values[config_ngiven++] = optarg;
	}
	config_release(&scratch);
	if (optind != argc)
		usage(64);
	if (check && path == NULL)
		config_usage_error("--check-config needs --config FILE");

	config_defaults();
	switch (config_load(&conf, path, why, sizeof why)) {
	case CONFIG_BADFILE:
		if (path == NULL)
			config_usage_error("%s", why);
		exit(1);
	case CONFIG_BADGIVEN:
		exit(64);
	}
	if (check) {
		printf("%s: ok\n", path);
		exit(0);
	}
}

/*
 * Fill cf (its defaults set) from the file at path, if any, and the
 * command line's options over it; check the result. Errors are logged,
 * but for one of the whole, left in why (with path, if any, logged).
 */
static int
config_load(struct config *cf, const char *path, char *why, size_t size)
{
	int	 errors;

	*why = '\0';
	if (path != NULL && (errors = config_read(cf, path)) != 0) {
		if (errors > 0)
			log_warnx("%s: %d error%s", path, errors,
			    errors == 1 ? "" : "s");
		return (CONFIG_BADFILE);
	}
	if (config_apply_given(cf) != 0)
		return (CONFIG_BADGIVEN);
	if (config_check(cf, why, size) != 0) {
		if (path != NULL)
			log_warnx("%s: %s", path, why);
		return (CONFIG_BADFILE);
	}
	/* A node's name is the server's: in prefixes, WHOIS, splits. */
	if (cf->node != NULL) {
		free(cf->name);
		cf->name = xstrdup(cf->node);
	}
	config_default_listen(cf);
	return (0);
}

/*
 * Apply the command line's options to cf, over what the file set; its
 * listeners replace the file's. Return -1 after saying what was wrong.
 */
static int
config_apply_given(struct config *cf)
{
	char	 why[300];
	size_t	 i;

	if (config_given_listeners > 0)
		config_listen_clear(cf);
	for (i = 0; i < config_ngiven; i++) {
		if (config_set(cf, config_given[i], config_values[i], why,
		    sizeof why) != 0) {
			log_warnx("--%s: %s", config_given[i]->name, why);
			return (-1);
		}
	}
	return (0);
}

/* Whether option o has the same value in a and b. */
static int
config_same(const struct config_opt *o, const struct config *a,
    const struct config *b)
{
	const char	*sa, *sb;
	int		 i;

	switch (o->type) {
	case CONFIG_FLAG:
		return (1);
	case CONFIG_STRING:
		sa = *(char *const *)((const char *)a + o->off);
		sb = *(char *const *)((const char *)b + o->off);
		return (sa == sb || (sa != NULL && sb != NULL &&
		    strcmp(sa, sb) == 0));
	case CONFIG_BOOL:
	case CONFIG_INT:
	case CONFIG_LEVEL:
		return (*(const int *)((const char *)a + o->off) ==
		    *(const int *)((const char *)b + o->off));
	case CONFIG_SIZE:
		return (*(const size_t *)((const char *)a + o->off) ==
		    *(const size_t *)((const char *)b + o->off));
	case CONFIG_RATE:
		return (*(const double *)((const char *)a + o->off) ==
		    *(const double *)((const char *)b + o->off));
	case CONFIG_OPER:
		if (a->nopers != b->nopers)
			return (0);
		for (i = 0; i < a->nopers; i++) {
			if (strcmp(a->opers[i].name, b->opers[i].name) != 0 ||
			    strcmp(a->opers[i].hash, b->opers[i].hash) != 0 ||
			    strcmp(a->opers[i].mask, b->opers[i].mask) != 0)
				return (0);
		}
		return (1);
	case CONFIG_LISTEN:
		if (a->nlisten != b->nlisten)
			return (0);
		for (i = 0; i < a->nlisten; i++) {
			if (strcmp(a->listen[i], b->listen[i]) != 0 ||
			    a->listen_tls[i] != b->listen_tls[i])
				return (0);
		}
		return (1);
	}
	return (1);
}

/* Move option o's value from b into a; b keeps a's old one to free. */
static void
config_take(const struct config_opt *o, struct config *a, struct config *b)
{
	struct config_oper	 opers[CONFIG_OPERS];
	char			**sa, **sb, *tmp;
	int			 n, i;

	switch (o->type) {
	case CONFIG_STRING:
		sa = (char **)((char *)a + o->off);
		sb = (char **)((char *)b + o->off);
		tmp = *sa;
		*sa = *sb;
		*sb = tmp;
		break;
	case CONFIG_BOOL:
	case CONFIG_INT:
	case CONFIG_LEVEL:
		*(int *)((char *)a + o->off) = *(int *)((char *)b + o->off);
		break;
	case CONFIG_SIZE:
		*(size_t *)((char *)a + o->off) =
		    *(size_t *)((char *)b + o->off);
		break;
	case CONFIG_RATE:
		*(double *)((char *)a + o->off) =
		    *(double *)((char *)b + o->off);
		break;
	case CONFIG_OPER:
		memcpy(opers, a->opers, sizeof opers);
		memcpy(a->opers, b->opers, sizeof opers);
		memcpy(b->opers, opers, sizeof opers);
		n = a->nopers;
		a->nopers = b->nopers;
		b->nopers = n;
		break;
	case CONFIG_LISTEN:
		/* One list for both options: swapped whole. */
		for (n = 0; n < CONFIG_LISTENERS; n++) {
			tmp = a->listen[n];
			a->listen[n] = b->listen[n];
			b->listen[n] = tmp;
			i = a->listen_tls[n];
			a->listen_tls[n] = b->listen_tls[n];
			b->listen_tls[n] = i;
		}
		n = a->nlisten;
		a->nlisten = b->nlisten;
		b->nlisten = n;
		break;
	case CONFIG_FLAG:
		break;
	}
}

/*
 * SIGHUP: read the --config file again, with the command line over it.
 * Keys that can change while natterd runs take their new values; a change
 * to any other is logged as waiting for a restart. A file with mistakes
 * changes nothing. Return -1 if it was not reloaded.
 */
int
config_reload(void)
{
	const struct config_opt	*o;
	struct config		 next;
	const char		*path = conf.config_path;
	char			 why[300], changed[512], later[512];
	size_t			 i, nc = 0, nl = 0;

	if (path == NULL)
		return (0);
	config_clear(&next);
	if (config_load(&next, path, why, sizeof why) != 0) {
		log_warnx("%s: not reloaded, the running configuration "
		    "stays", path);
		config_release(&next);
		return (-1);
	}
	changed[0] = later[0] = '\0';
	for (i = 0; i < CONFIG_COUNT; i++) {
		o = &config_opts[i];
		if ((o->flags & CONFIG_CMDLINE) || config_same(o, &conf, &next))
			continue;
		/* listen and tls-listen are one list: name it once. */
		if (o->type == CONFIG_LISTEN && (o->flags & CONFIG_TLS))
			continue;
		if (o->flags & CONFIG_RELOAD) {
			config_take(o, &conf, &next);
			nc += snprintf(changed + nc, sizeof changed - nc,
			    "%s%s", nc > 0 ? ", " : "", o->type ==
			    CONFIG_LISTEN ? "listen, tls-listen" : o->name);
			if (nc >= sizeof changed)
				nc = sizeof changed - 1;
		} else {
			nl += snprintf(later + nl, sizeof later - nl,
			    "%s%s", nl > 0 ? ", " : "", o->name);
			if (nl >= sizeof later)
				nl = sizeof later - 1;
		}
	}
	log_info("%s: reloaded%s%s", path, nc > 0 ? "; changed: " : "",
	    changed);
	if (nl > 0)
		log_warnx("%s: %s changed: natterd must restart for that",
		    path, later);
	config_release(&next);
	return (0);
}

/* Free what cf holds. */
static void
config_release(struct config *cf)
{
	const struct config_opt	*o;
	size_t			 i;

	for (i = 0; i < CONFIG_COUNT; i++) {
		o = &config_opts[i];
		if (o->type == CONFIG_STRING) {
			free(*(char **)((char *)cf + o->off));
			*(char **)((char *)cf + o->off) = NULL;
		}
	}
	config_listen_clear(cf);
	for (i = 0; i < (size_t)cf->nopers; i++) {
		free(cf->opers[i].name);
		free(cf->opers[i].hash);
		free(cf->opers[i].mask);
	}
	cf->nopers = 0;
}

/* Free what the options hold. */
void
config_free(void)
{
	config_release(&conf);
}
