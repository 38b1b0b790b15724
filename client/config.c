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
 * Options: one table drives getopt_long, --help, the defaults, the
 * configuration file (its keys named as the long options), /set and
 * /save, as natterd's server/config.c does.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "natter.h"
#include "name.h"
#include "utf8.h"

enum config_type {
	CONFIG_FLAG,		/* -h, -V, -v: an action or a switch */
	CONFIG_BOOL,		/* --tls alone; in a file, on or off */
	CONFIG_STRING,		/* one word */
	CONFIG_TEXT,		/* the rest of the line: a path, a format */
	CONFIG_PORT,
	CONFIG_INT,
	CONFIG_NICK,
	CONFIG_ROOM,
	CONFIG_LIST,		/* repeatable words: highlight, ignore */
	CONFIG_TIME,		/* a strftime(3) format */
};

struct config_opt {
	const char	*name;		/* --name, and the file's key */
	int		 letter;	/* -n; 0 for long only */
	enum config_type type;
	const char	*arg;		/* the value in the usage text */
	const char	*def;		/* the default, as it would be given */
	long long	 min;
	long long	 max;
	size_t		 off;		/* the field in struct options */
	int		 flags;
#define CONFIG_REPEAT	0x1	/* may be given again and again */
#define CONFIG_CMDLINE	0x2	/* on the command line only, not a key */
#define CONFIG_FILEONLY	0x4	/* a key with no command-line option */
#define CONFIG_RUNTIME	0x8	/* /set changes it at once */
#define CONFIG_LATER	0x10	/* /set keeps it for the next start */
#define CONFIG_PATH	0x20	/* a leading ~/ is $HOME/ */
	const char	*help;
};

#define F(field)	offsetof(struct options, field)

/* Sorted by name, as --help lists them. */
static const struct config_opt config_opts[] = {
	{ "colors", 0, CONFIG_BOOL, "on|off", "on", 0, 0, F(color),
	  CONFIG_FILEONLY | CONFIG_RUNTIME, N_("colour nicks and IRC colour "
	  "codes; NO_COLOR in the environment turns them off") },
	{ "config", 'c', CONFIG_TEXT, "FILE", NULL, 0, 0, 0,
	  CONFIG_CMDLINE, N_("read settings from FILE instead of "
	  "$XDG_CONFIG_HOME/natter/config") },
	{ "emoji-width", 0, CONFIG_INT, "N", "2", 1, 2, F(emoji_width),
	  CONFIG_FILEONLY | CONFIG_RUNTIME, N_("columns of an emoji: 2, or 1 "
	  "for a terminal that draws emoji narrow") },
	{ "help", 'h', CONFIG_FLAG, NULL, NULL, 0, 0, 0, CONFIG_CMDLINE,
	  N_("show this help") },
	{ "highlight", 0, CONFIG_LIST, "WORD", NULL, 0, 0, F(highlight),
	  CONFIG_FILEONLY | CONFIG_REPEAT | CONFIG_RUNTIME,
	  N_("a line with WORD in it is highlighted, as one with your nick") },
	{ "host", 0, CONFIG_STRING, "HOST", "127.0.0.1", 1, 255, F(host),
	  CONFIG_FILEONLY | CONFIG_LATER, N_("the server; on the command line, "
	  "the one argument") },
	{ "ignore", 0, CONFIG_LIST, "MASK", NULL, 0, 0, F(ignore),
	  CONFIG_FILEONLY | CONFIG_REPEAT | CONFIG_RUNTIME,
	  N_("hide what nick!user@host matching MASK (with * and ?) says") },
	{ "join", 0, CONFIG_LIST, "ROOM", NULL, 0, 0, F(join),
	  CONFIG_FILEONLY | CONFIG_REPEAT | CONFIG_LATER,
	  N_("join ROOM at the start, in a window of its own; with any, no "
	  "room is asked for") },
	{ "log", 0, CONFIG_BOOL, NULL, "off", 0, 0, F(log), CONFIG_RUNTIME,
	  N_("keep chat logs, a file a day for each room and whisper (see "
	  "/log); in a file: log on") },
	{ "log-dir", 0, CONFIG_TEXT, "DIR", NULL, 0, 0, F(log_dir),
	  CONFIG_RUNTIME | CONFIG_PATH, N_("where the logs are kept (default "
	  "$XDG_STATE_HOME/natter/logs)") },
	{ "mouse", 0, CONFIG_BOOL, "on|off", "off", 0, 0, F(mouse),
	  CONFIG_FILEONLY | CONFIG_RUNTIME, N_("scroll with the wheel and "
	  "click a window in the status line (the terminal's own selection "
	  "then needs Shift)") },
	{ "nick", 'n', CONFIG_NICK, "NICK", NULL, 0, 0, F(nick),
	  CONFIG_LATER, N_("nickname (asked for if not given)") },
	{ "no-config", 0, CONFIG_FLAG, NULL, NULL, 0, 0, 0, CONFIG_CMDLINE,
	  N_("read no configuration file") },
	{ "no-reconnect", 0, CONFIG_FLAG, NULL, NULL, 0, 0, 0,
	  CONFIG_CMDLINE, N_("exit (status 69) when the server link is lost") },
	{ "password", 0, CONFIG_TEXT, "PASS", NULL, 1, 510, F(password),
	  CONFIG_CMDLINE, N_("server password (others on this machine can see "
	  "it: prefer --password-file)") },
	{ "password-file", 0, CONFIG_TEXT, "FILE", NULL, 0, 0,
	  F(password_file), CONFIG_LATER | CONFIG_PATH,
	  N_("the server password, on the first line of FILE, which only you "
	  "may read") },
	{ "port", 'p', CONFIG_PORT, "PORT", NULL, 1, 65535, F(port),
	  CONFIG_LATER, N_("server port (default 6667, 6697 with tls)") },
	{ "room", 'r', CONFIG_ROOM, "ROOM", NULL, 0, 0, F(room),
	  CONFIG_CMDLINE, N_("room to join, instead of the file's join "
	  "rooms; 7 means #7 (asked for if there is none)") },
	{ "scrollback", 0, CONFIG_INT, "LINES", "2000", 16, 1000000,
	  F(scrollback), CONFIG_LATER, N_("lines kept per window") },
	{ "sidebar-width", 0, CONFIG_INT, "N", "18", 0, 40,
	  F(sidebar_width), CONFIG_FILEONLY | CONFIG_RUNTIME,
	  N_("columns of the member list with its border, 0 = none, else at "
	  "least 8") },
	{ "time-format", 0, CONFIG_TIME, "FMT", "%H:%M", 0, 0,
	  F(time_format), CONFIG_FILEONLY | CONFIG_RUNTIME,
	  N_("strftime(3) format of the time before each line, at most 20 "
	  "columns") },
	{ "tls", 0, CONFIG_BOOL, NULL, NULL, 0, 0, F(tls), CONFIG_LATER,
	  N_("connect with TLS, checking the server's certificate against the "
	  "system's CAs and host; in a file: tls on") },
	{ "tls-ca", 0, CONFIG_TEXT, "FILE", NULL, 0, 0, F(tls_ca),
	  CONFIG_LATER | CONFIG_PATH,
	  N_("trust the CA certificates in FILE instead of the "
	  "system's (implies tls)") },
	{ "tls-insecure-skip-verify", 0, CONFIG_FLAG, NULL, NULL, 0, 0, 0,
	  CONFIG_CMDLINE, N_("DANGEROUS: accept any certificate, so anyone on "
	  "the path can read and change the connection (implies --tls; "
	  "warns on every connection)") },
	{ "typing", 0, CONFIG_BOOL, "on|off", "on", 0, 0, F(typing),
	  CONFIG_FILEONLY | CONFIG_RUNTIME, N_("tell others when you type a "
	  "message, and show who is typing (IRCv3 +typing)") },
	{ "verbose", 'v', CONFIG_FLAG, NULL, NULL, 0, 0, 0, CONFIG_CMDLINE,
	  N_("log to natter-PID.log in this directory") },
	{ "version", 'V', CONFIG_FLAG, NULL, NULL, 0, 0, 0, CONFIG_CMDLINE,
	  N_("show the version") },
};
#define CONFIG_COUNT	(sizeof config_opts / sizeof config_opts[0])

/* Strings set from the table, by option: what config_free() frees. */
static char		*config_owned[CONFIG_COUNT];
static char		*config_path;	/* the file in use, or NULL */
static int		 config_changed[CONFIG_COUNT];	/* by /set */
static char		*config_pending[CONFIG_COUNT];	/* for the next start */
static int		 config_verbose;

static const struct config_opt *config_find(const char *);
static int	config_set(const struct config_opt *, const char *, char *,
		    size_t);
static void	config_list_clear(struct config_list *);
static void	usage_keys(FILE *);
static __dead void usage(int);
static int	config_read(const char *, int);
static int	config_password(const char *, char *, size_t);
static char	*config_default_path(void);
static int	config_time_width(const char *);
static char	*config_value(const struct config_opt *);
static int	config_apply(const struct config_opt *, const char *,
		    char *, size_t);
static int	config_set_runtime(const char *, const char *, char *,
		    size_t);
static void	config_list(void (*)(const char *));
static void	config_show(const char *);
static int	config_save(char *, size_t);

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

static void
config_list_clear(struct config_list *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void
config_list_add(struct config_list *l, const char *s)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = xstrdup(s);
}

/*
 * The columns a time format takes, from a sample time, or -1 if it is
 * empty, too wide or does not make valid text.
 */
static int
config_time_width(const char *fmt)
{
	struct tm	 tm;
	time_t		 t = time(NULL);
	char		 buf[128];
	size_t		 n;
	int		 w;

	if (*fmt == '\0' || localtime_r(&t, &tm) == NULL)
		return (-1);
	/* The format is the user's: this is where it is checked. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if ((n = strftime(buf, sizeof buf, fmt, &tm)) == 0 ||
	    !utf8_valid(buf, n))
		return (-1);
#pragma GCC diagnostic pop
	w = text_width(buf);
	if (w < 1 || w > CONFIG_TIME_MAX)
		return (-1);
	return (w);
}

/*
 * Give option o the value v. On a bad value return -1 and say why in why
 * (size bytes), as it would follow "key: ".
 */
static int
config_set(const struct config_opt *o, const char *v, char *why, size_t size)
{
	char		*end, *room, *cause;
	const char	*errstr, *home;
	void		*field = (char *)&opt + o->off;
	long long	 n = 0;
	int		 w, i = (int)(o - config_opts);

	if (o->type == CONFIG_INT || o->type == CONFIG_PORT) {
		errno = 0;
		n = strtoll(v, &end, 10);
		if (errno != 0 || end == v || *end != '\0' || n < o->min ||
		    n > o->max || (strcmp(o->name, "sidebar-width") == 0 &&
		    n > 0 && n < 8)) {
			snprintf(why, size, _("'%s' is not a number from %lld "
			    "to %lld%s"), v, o->min, o->max,
			    strcmp(o->name, "sidebar-width") == 0 ?
			    _(" (0, or at least 8)") : "");
			return (-1);
		}
	}
	if (o->type != CONFIG_TEXT && o->type != CONFIG_TIME &&
	    o->type != CONFIG_BOOL && strpbrk(v, " \t") != NULL) {
		snprintf(why, size, _("one word, not '%s'"), v);
		return (-1);
	}
	switch (o->type) {
	case CONFIG_FLAG:
		break;
	case CONFIG_BOOL:
		if (strcmp(v, "on") == 0 || strcmp(v, "yes") == 0)
			*(int *)field = 1;
		else if (strcmp(v, "off") == 0 || strcmp(v, "no") == 0)
			*(int *)field = 0;
		else {
			snprintf(why, size, _("on or off, not '%s'"), v);
			return (-1);
		}
		/* "tls off" also turns off what implied it. */
		if (strcmp(o->name, "tls") == 0 && !opt.tls)
			opt.tls_ca = NULL;
		break;
	case CONFIG_STRING:
	case CONFIG_TEXT:
	case CONFIG_PORT:
	case CONFIG_TIME:
		if (o->max > 0 && ((long long)strlen(v) < o->min ||
		    (long long)strlen(v) > o->max)) {
			snprintf(why, size, _("%lld to %lld bytes"), o->min,
			    o->max);
			return (-1);
		}
		if (*v == '\0') {
			snprintf(why, size, _("needs a value, %s"), o->arg);
			return (-1);
		}
		if (o->type == CONFIG_TIME) {
			if ((w = config_time_width(v)) == -1) {
				snprintf(why, size, _("'%s' makes no time of 1 "
				    "to %d columns"), v, CONFIG_TIME_MAX);
				return (-1);
			}
			opt.time_width = w;
		}
		free(config_owned[i]);
		if ((o->flags & CONFIG_PATH) && strncmp(v, "~/", 2) == 0 &&
		    (home = getenv("HOME")) != NULL && *home == '/')
			xasprintf(&config_owned[i], "%s%s", home, v + 1);
		else
			config_owned[i] = xstrdup(v);
		*(const char **)field = config_owned[i];
		if (strcmp(o->name, "tls-ca") == 0)
			opt.tls = 1;
		break;
	case CONFIG_INT:
		if (o->off == F(scrollback))
			opt.scrollback = (size_t)n;
		else
			*(int *)field = (int)n;
		break;
	case CONFIG_NICK:
		if (!name_nick_valid(v, NAME_NICKLEN, &errstr)) {
			snprintf(why, size, "%s: %s", v, _(errstr));
			return (-1);
		}
		free(opt.nick);
		opt.nick = xstrdup(v);
		break;
	case CONFIG_ROOM:
		if (command_room(v, &room, &cause) != 0) {
			snprintf(why, size, "%s", cause);
			free(cause);
			return (-1);
		}
		free(opt.room);
		opt.room = room;
		break;
	case CONFIG_LIST:
		if (o->off == F(join)) {
			if (command_room(v, &room, &cause) != 0) {
				snprintf(why, size, "%s", cause);
				free(cause);
				return (-1);
			}
			config_list_add(field, room);
			free(room);
		} else if (!utf8_valid(v, strlen(v))) {
			snprintf(why, size, _("not UTF-8"));
			return (-1);
		} else
			config_list_add(field, v);
		break;
	}
	return (0);
}

/* The host argument, then which options are keys too, from the table. */
static void
usage_keys(FILE *fp)
{
	const struct config_opt	*o;
	char			 text[512];
	size_t			 i;
	int			 n;

	fprintf(fp, "%s", _("  host                  the server (default "
	    "127.0.0.1)\n\n"));
	n = snprintf(text, sizeof text, "%s", _("In the configuration file, "
	    "one KEY VALUE a line:"));
	for (i = 0; i < CONFIG_COUNT; i++) {
		o = &config_opts[i];
		if (!(o->flags & (CONFIG_CMDLINE | CONFIG_FILEONLY)))
			n += snprintf(text + n, sizeof text - n, " %s,",
			    o->name);
	}
	snprintf(text + n, sizeof text - n, "%s",
	    _(" as the options above, and:"));
	log_wrap(fp, text, 0, 0);
}

/* The usage text, made from the table: every option and its default. */
static __dead void
usage(int status)
{
	FILE			*fp = status == 0 ? stdout : stderr;
	const struct config_opt	*o;
	size_t			 i;
	int			 fileonly, headed = 0;

	fprintf(fp, "%s", _("usage: natter [-hVv] [-c file] [-n nick] "
	    "[-p port] [-r room]\n"
	    "              [--option value]... [host]\n\n"));
	/* The options, then the keys a configuration file may have besides. */
	for (i = 0; i < 2 * CONFIG_COUNT; i++) {
		o = &config_opts[i % CONFIG_COUNT];
		fileonly = !!(o->flags & CONFIG_FILEONLY);
		if (fileonly != (i >= CONFIG_COUNT))
			continue;
		if (fileonly && !headed++)
			usage_keys(fp);
		log_usage(fp, o->letter, o->name, o->arg, fileonly, _(o->help),
		    NULL, !!(o->flags & CONFIG_REPEAT), o->def);
	}
	exit(status);
}

/* $XDG_CONFIG_HOME/natter/config, else ~/.config/natter/config. */
static char *
config_default_path(void)
{
	const char	*xdg = getenv("XDG_CONFIG_HOME");
	const char	*home = getenv("HOME");
	char		*path;

	if (xdg != NULL && xdg[0] == '/')
		xasprintf(&path, "%s/natter/config", xdg);
	else if (home != NULL && home[0] == '/')
		xasprintf(&path, "%s/.config/natter/config", home);
	else
		return (NULL);
	return (path);
}

/*
 * Split a line into its key and value in place: NULL for a blank line or
 * a comment. The value is the rest of the line, trimmed: rooms start
 * with '#', so only a whole line is a comment.
 */
static char *
config_split(char *line, char **value)
{
	char	*p, *key, *end;

	line[strcspn(line, "\r\n")] = '\0';
	p = line + strspn(line, " \t");
	if (*p == '\0' || *p == '#')
		return (NULL);
	key = p;
	p += strcspn(p, " \t");
	if (*p != '\0')
		*p++ = '\0';
	p += strspn(p, " \t");
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	*value = p;
	return (key);
}

/*
 * Read the configuration file at path: one "KEY VALUE" a line, blank
 * lines and "#" comment lines ignored, a key given once unless it is
 * repeatable. Each mistake is printed with the file, line and key; return
 * how many there were. A missing file is a mistake only if must.
 */
static int
config_read(const char *path, int must)
{
	const struct config_opt	*o;
	FILE			*fp;
	char			*line = NULL, *key, *value, why[300];
	size_t			 size = 0;
	ssize_t			 len;
	int			 lineno = 0, errors = 0, i;
	int			 seen[CONFIG_COUNT];

	if ((fp = fopen(path, "r")) == NULL) {
		if (errno == ENOENT && !must)
			return (0);
		fprintf(stderr, _("natter: %s: %s\n"), path, strerror(errno));
		return (1);
	}
	memset(seen, 0, sizeof seen);
	while ((len = getline(&line, &size, fp)) != -1) {
		lineno++;
		if ((size_t)len != strlen(line) || !utf8_valid(line, len)) {
			fprintf(stderr, _("natter: %s:%d: not a line of UTF-8 "
			    "text\n"), path, lineno);
			errors++;
			continue;
		}
		if ((key = config_split(line, &value)) == NULL)
			continue;
		if ((o = config_find(key)) == NULL ||
		    (o->flags & CONFIG_CMDLINE)) {
			fprintf(stderr, _("natter: %s:%d: %s: unknown key\n"),
			    path, lineno, key);
			errors++;
			continue;
		}
		if (*value == '\0' && o->type != CONFIG_BOOL) {
			fprintf(stderr, _("natter: %s:%d: %s: missing value, "
			    "%s\n"), path, lineno, key, o->arg);
			errors++;
			continue;
		}
		/* A switch alone, "tls", is "tls on". */
		if (*value == '\0')
			value = (char *)"on";
		i = (int)(o - config_opts);
		if (seen[i] != 0 && !(o->flags & CONFIG_REPEAT)) {
			fprintf(stderr, _("natter: %s:%d: %s: already set on "
			    "line %d\n"), path, lineno, key, seen[i]);
			errors++;
			continue;
		}
		seen[i] = lineno;
		if (config_set(o, value, why, sizeof why) != 0) {
			fprintf(stderr, _("natter: %s:%d: %s: %s\n"), path,
			    lineno, key, why);
			errors++;
		}
	}
	if (ferror(fp)) {
		fprintf(stderr, _("natter: %s: %s\n"), path, strerror(errno));
		errors++;
	}
	free(line);
	fclose(fp);
	return (errors);
}

/*
 * The password from the first line of path, which must be a file only
 * its owner can read or write: else refuse, rather than send a secret
 * others may have read or put there.
 */
static int
config_password(const char *path, char *why, size_t size)
{
	struct stat	 st;
	FILE		*fp;
	char		*line = NULL;
	size_t		 n = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(why, size, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(why, size, _("%s: not a file"), path);
		close(fd);
		return (-1);
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(why, size, _("%s: others may read or change it "
		    "(chmod 600 %s)"), path, path);
		close(fd);
		return (-1);
	}
	if ((fp = fdopen(fd, "r")) == NULL)
		fatal("fdopen");
	if (getline(&line, &n, fp) == -1)
		line = xstrdup("");
	fclose(fp);
	line[strcspn(line, "\r\n")] = '\0';
	if (*line == '\0' || strlen(line) > 510) {
		snprintf(why, size, _("%s: no password on its first line"),
		    path);
		free(line);
		return (-1);
	}
	free(config_owned[config_find("password") - config_opts]);
	config_owned[config_find("password") - config_opts] = line;
	opt.password = line;
	return (0);
}

/*
 * Read the command line and the configuration file into opt, or exit:
 * 64 for a mistake on the command line, 1 for one in the file. The
 * options given apply over the file's settings.
 */
void
config_parse(int argc, char **argv)
{
	struct option		 longopts[CONFIG_COUNT + 1];
	const struct config_opt	*o, **given;
	const char		**values, *path = NULL;
	char			 why[300];
	size_t			 i, n = 0, ngiven = 0;
	int			 ch, no_config = 0, errors;

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
	for (i = 0; i < CONFIG_COUNT; i++) {
		o = &config_opts[i];
		if (o->def != NULL && config_set(o, o->def, why,
		    sizeof why) != 0)
			fatalx("default %s %s: %s", o->name, o->def, why);
	}
	/* First what was given, checked as it comes, to apply last. */
	given = xcalloc(argc, sizeof *given);
	values = xcalloc(argc, sizeof *values);
	while ((ch = getopt_long(argc, argv, "c:hn:p:r:Vv", longopts,
	    NULL)) != -1) {
		o = NULL;
		for (i = 0; i < CONFIG_COUNT && o == NULL; i++) {
			if (ch == config_opts[i].letter ||
			    ch == 256 + (int)i)
				o = &config_opts[i];
		}
		if (o == NULL)
			usage(EXIT_USAGE);
		if (strcmp(o->name, "help") == 0)
			usage(0);
		if (strcmp(o->name, "version") == 0) {
			printf("natter %s\n", NATTER_VERSION);
			exit(0);
		}
		if (strcmp(o->name, "config") == 0)
			path = optarg;
		else if (strcmp(o->name, "no-config") == 0)
			no_config = 1;
		else if (strcmp(o->name, "verbose") == 0)
			config_verbose = 1;
		else {
			given[ngiven] = o;
			values[ngiven++] = o->type == CONFIG_BOOL ? "on" :
			    optarg;
		}
	}
	if (argc - optind > 1)
		usage(EXIT_USAGE);

	if (path != NULL)
		config_path = xstrdup(path);
	else if (!no_config)
		config_path = config_default_path();
	if (config_path != NULL && !no_config &&
	    (errors = config_read(config_path, path != NULL)) != 0) {
		fprintf(stderr, ngettext("natter: %s: %d error\n",
		    "natter: %s: %d errors\n", errors), config_path, errors);
		exit(1);
	}
	if (no_config) {
		free(config_path);
		config_path = NULL;
	}

	/* The command line over the file; -r replaces the join rooms. */
	for (i = 0; i < ngiven; i++) {
		o = given[i];
		if (strcmp(o->name, "room") == 0)
			config_list_clear(&opt.join);
		if (strcmp(o->name, "no-reconnect") == 0) {
			opt.reconnect = 0;
			continue;
		}
		if (strcmp(o->name, "tls-insecure-skip-verify") == 0) {
			opt.tls = opt.tls_insecure = 1;
			continue;
		}
		if (strcmp(o->name, "password") == 0)
			opt.password_file = NULL;
		if (config_set(o, values[i], why, sizeof why) != 0) {
			fprintf(stderr, _("natter: --%s: %s\n"), o->name, why);
			exit(EXIT_USAGE);
		}
		if (strcmp(o->name, "password-file") == 0)
			opt.password = NULL;
	}
	free(given);
	free(values);
	if (argc - optind == 1) {
		o = config_find("host");
		if (config_set(o, argv[optind], why, sizeof why) != 0) {
			fprintf(stderr, _("natter: %s: %s\n"), argv[optind],
			    why);
			exit(EXIT_USAGE);
		}
	}
	/* 6697 is the port RFC 7194 gives IRC over TLS. */
	if (config_owned[config_find("port") - config_opts] == NULL)
		opt.port = opt.tls ? "6697" : "6667";
	if (opt.room == NULL && opt.join.n > 0)
		opt.room = xstrdup(opt.join.v[0]);
	if (opt.password == NULL && opt.password_file != NULL &&
	    config_password(opt.password_file, why, sizeof why) != 0) {
		fprintf(stderr, _("natter: password-file %s\n"), why);
		exit(1);
	}
}

/* Was -v given? */
int
config_verbose_log(void)
{
	return (config_verbose);
}

/* The ignore masks, for the ignore list to match senders against. */
const char *const *
config_ignores(size_t *n)
{
	*n = opt.ignore.n;
	return ((const char *const *)opt.ignore.v);
}

/* Extra words that highlight a line. */
const char *const *
config_highlights(size_t *n)
{
	*n = opt.highlight.n;
	return ((const char *const *)opt.highlight.v);
}

/* An option's value as the file would have it, allocated; NULL if unset. */
static char *
config_value(const struct config_opt *o)
{
	const void		*field = (const char *)&opt + o->off;
	const struct config_list *l;
	const char		*s;
	char			*out, *next;
	size_t			 i;

	switch (o->type) {
	case CONFIG_BOOL:
		return (xstrdup(*(const int *)field ? "on" : "off"));
	case CONFIG_INT:
		if (o->off == F(scrollback))
			xasprintf(&out, "%zu", opt.scrollback);
		else
			xasprintf(&out, "%d", *(const int *)field);
		return (out);
	case CONFIG_NICK:
		return (opt.nick != NULL ? xstrdup(opt.nick) : NULL);
	case CONFIG_LIST:
		l = field;
		if (l->n == 0)
			return (NULL);
		out = xstrdup(l->v[0]);
		for (i = 1; i < l->n; i++) {
			xasprintf(&next, "%s %s", out, l->v[i]);
			free(out);
			out = next;
		}
		return (out);
	case CONFIG_STRING:
	case CONFIG_TEXT:
	case CONFIG_PORT:
	case CONFIG_TIME:
		s = *(const char *const *)field;
		return (s != NULL ? xstrdup(s) : NULL);
	case CONFIG_FLAG:
	case CONFIG_ROOM:
		break;
	}
	return (NULL);
}

/*
 * /set KEY VALUE: change a setting for this session (some take effect
 * at the next start). A repeatable key's value is its words, replacing
 * the list; "-" empties it. Returns a message for the status line in
 * buf: what happened, or why not.
 */
static int
config_set_runtime(const char *key, const char *value, char *buf,
    size_t size)
{
	const struct config_opt	*o;
	struct config_list	*l = NULL;
	struct options		 saved;
	struct window		*w;
	char			*owned = NULL;
	int			 i, failed;

	if ((o = config_find(key)) == NULL || (o->flags & CONFIG_CMDLINE)) {
		snprintf(buf, size, _("%s: unknown setting (/set lists them)"),
		    key);
		return (-1);
	}
	if (o->type == CONFIG_NICK) {
		snprintf(buf, size, _("nick: use /nick to change it now; it "
		    "is saved as you are known"));
		return (-1);
	}
	i = (int)(o - config_opts);
	/*
	 * A setting for the next start is checked and kept for /save, but
	 * this session goes on with what it has: set it, take it, put the
	 * old one back.
	 */
	if (o->flags & CONFIG_LATER) {
		saved = opt;
		owned = config_owned[i];
		config_owned[i] = NULL;
		if (o->type == CONFIG_LIST)
			memset((char *)&opt + o->off, 0, sizeof *l);
	}
	if (config_apply(o, value, buf, size) == 0) {
		failed = 0;
		if (o->flags & CONFIG_LATER) {
			free(config_pending[i]);
			if ((config_pending[i] = config_value(o)) == NULL)
				config_pending[i] = xstrdup("");
		}
	} else
		failed = 1;
	if (o->flags & CONFIG_LATER) {
		if (o->type == CONFIG_LIST)
			config_list_clear((struct config_list *)((char *)&opt +
			    o->off));
		free(config_owned[i]);
		config_owned[i] = owned;
		opt = saved;
	}
	if (failed)
		return (-1);
	config_changed[i] = 1;
	/* Rows were wrapped by the widths emoji-width has just changed. */
	if (o->off == F(emoji_width))
		TAILQ_FOREACH(w, &windows, entry)
			scroll_rewrap(&w->scroll);
	if (o->flags & CONFIG_LATER)
		snprintf(buf, size, _("%s: takes effect at the next start "
		    "(/save keeps it)"), key);
	else
		snprintf(buf, size, _("%s set (/save keeps it)"), key);
	dirty |= DIRTY_LAYOUT | DIRTY_ALL;
	return (0);
}

/* A value typed after /set key: a list's words, or one value. */
static int
config_apply(const struct config_opt *o, const char *value, char *buf,
    size_t size)
{
	struct config_list	*l;
	char			 why[300], *copy, *p, *word;
	int			 failed = 0;

	if (o->type == CONFIG_LIST) {
		l = (struct config_list *)((char *)&opt + o->off);
		config_list_clear(l);
		copy = xstrdup(value);
		p = copy;
		while ((word = strsep(&p, " ")) != NULL) {
			if (*word == '\0' || strcmp(word, "-") == 0)
				continue;
			if (config_set(o, word, why, sizeof why) != 0) {
				snprintf(buf, size, "%s: %s", o->name, why);
				failed = 1;
				break;
			}
		}
		free(copy);
		return (failed ? -1 : 0);
	}
	if (*value == '\0') {
		snprintf(buf, size, _("usage: /set %s %s"), o->name,
		    o->arg != NULL ? o->arg : "on|off");
		return (-1);
	}
	if (config_set(o, value, why, sizeof why) != 0) {
		snprintf(buf, size, "%s: %s", o->name, why);
		return (-1);
	}
	return (0);
}

/* /set alone: each setting and its value, a line each to fn. */
static void
config_list(void (*fn)(const char *))
{
	const struct config_opt	*o;
	char			*v, *line, *p;
	size_t			 i;

	for (i = 0; i < CONFIG_COUNT; i++) {
		o = &config_opts[i];
		if (o->flags & CONFIG_CMDLINE)
			continue;
		v = config_value(o);
		p = config_pending[i];
		if (p != NULL)
			/* TRANSLATORS: a key in 14 columns, its value. */
			xasprintf(&line, _("%-14s %s  (next start: %s)"),
			    o->name, v != NULL ? v : "-", *p != '\0' ? p : "-");
		else
			xasprintf(&line, "%-14s %s", o->name,
			    v != NULL ? v : "-");
		fn(line);
		free(line);
		free(v);
	}
	if (config_path != NULL) {
		xasprintf(&line, _("file: %s"), config_path);
		fn(line);
		free(line);
	} else
		fn(_("file: none (--no-config)"));
}

/* Write one setting's line, or a list's line per word. */
static void
config_write_key(FILE *fp, const struct config_opt *o)
{
	char	*v, *p, *word;
	size_t	 i = (size_t)(o - config_opts);

	if (config_pending[i] != NULL)
		v = xstrdup(config_pending[i]);
	else if ((v = config_value(o)) == NULL)
		return;
	if (o->type != CONFIG_LIST) {
		fprintf(fp, "%s %s\n", o->name, v);
		free(v);
		return;
	}
	p = v;
	while ((word = strsep(&p, " ")) != NULL) {
		if (*word != '\0')
			fprintf(fp, "%s %s\n", o->name, word);
	}
	free(v);
}

/*
 * /save: the settings changed with /set, written into the file where
 * they were (the other lines, comments too, as they were), the rest
 * appended. Atomically: a temporary file in the same directory, fsync,
 * rename, mode 0600. Returns -1 with the reason in buf, else says where.
 */
static int
config_save(char *buf, size_t size)
{
	const struct config_opt	*o;
	FILE			*in, *out;
	char			*tmp, *line = NULL;
	char			*copy, *target;
	char			*key, *value;
	size_t			 lsize = 0, i;
	int			 fd, written[CONFIG_COUNT], any = 0;

	if (config_path == NULL) {
		snprintf(buf, size, _("no configuration file to save to "
		    "(--no-config)"));
		return (-1);
	}
	for (i = 0; i < CONFIG_COUNT; i++)
		any |= config_changed[i];
	/* The directory, for a first file: ~/.config/natter. */
	if (state_mkdirs(config_path) == -1) {
		snprintf(buf, size, "%s: %s", config_path, strerror(errno));
		return (-1);
	}
	/*
	 * A link (to a dotfiles repository, say) stays a link: write where
	 * it points, in that directory.
	 */
	if ((target = realpath(config_path, NULL)) == NULL)
		target = xstrdup(config_path);
	xasprintf(&tmp, "%s.XXXXXX", target);
	if ((fd = mkstemp(tmp)) == -1 || fchmod(fd, 0600) == -1 ||
	    (out = fdopen(fd, "w")) == NULL) {
		snprintf(buf, size, "%s: %s", tmp, strerror(errno));
		if (fd != -1) {
			close(fd);
			unlink(tmp);
		}
		free(tmp);
		free(target);
		return (-1);
	}
	memset(written, 0, sizeof written);
	if ((in = fopen(target, "r")) != NULL) {
		while (getline(&line, &lsize, in) != -1) {
			copy = xstrdup(line);
			key = config_split(copy, &value);
			o = key != NULL ? config_find(key) : NULL;
			i = o != NULL ? (size_t)(o - config_opts) : 0;
			if (o == NULL || !config_changed[i]) {
				fputs(line, out);
				if (line[0] != '\0' &&
				    line[strlen(line) - 1] != '\n')
					fputc('\n', out);
			} else if (!written[i]) {
				/* The new value where the old one was. */
				config_write_key(out, o);
				written[i] = 1;
			}
			free(copy);
		}
		fclose(in);
	} else if (errno != ENOENT) {
		snprintf(buf, size, "%s: %s", target, strerror(errno));
		goto fail;
	} else
		fprintf(out, "# natter(1) settings; /save wrote this file.\n");
	for (i = 0; i < CONFIG_COUNT; i++) {
		if (config_changed[i] && !written[i])
			config_write_key(out, &config_opts[i]);
	}
	if (fflush(out) != 0 || fsync(fileno(out)) != 0) {
		snprintf(buf, size, "%s: %s", tmp, strerror(errno));
		goto fail;
	}
	if (fclose(out) != 0) {
		out = NULL;
		snprintf(buf, size, "%s: %s", tmp, strerror(errno));
		goto fail;
	}
	out = NULL;
	if (rename(tmp, target) == -1) {
		snprintf(buf, size, "%s: %s", target, strerror(errno));
		goto fail;
	}
	snprintf(buf, size, any ? _("saved %s") : _("saved %s (nothing was "
	    "changed with /set)"), config_path);
	free(line);
	free(tmp);
	free(target);
	return (0);

fail:
	if (out != NULL)
		fclose(out);
	unlink(tmp);
	free(line);
	free(tmp);
	free(target);
	return (-1);
}

static struct window	*config_window;	/* where /set lists */

static void
config_show(const char *line)
{
	window_printf(config_window, 0, "-!- %s", line);
}

/* /set [key value], a command of command.c's table. */
void
config_command_set(struct window *w, char *args)
{
	char	 msg[512], *value;

	if (*args == '\0') {
		config_window = w;
		config_list(config_show);
		return;
	}
	value = args + strcspn(args, " ");
	if (*value != '\0')
		*value++ = '\0';
	value += strspn(value, " ");
	if (config_set_runtime(args, value, msg, sizeof msg) != 0)
		window_printf(w, LINE_ERROR, "-!- %s", msg);
	else
		window_printf(w, 0, "-!- %s", msg);
}

/* /save, a command of command.c's table. */
void
config_command_save(struct window *w, char *args)
{
	char	 msg[512];

	(void)args;
	if (config_save(msg, sizeof msg) != 0)
		window_printf(w, LINE_ERROR, _("-!- cannot save: %s"), msg);
	else
		window_printf(w, 0, "-!- %s", msg);
}

void
config_free(void)
{
	const char	**field;
	size_t		  i;

	for (i = 0; i < CONFIG_COUNT; i++) {
		/* No field is left pointing at what is freed. */
		field = (const char **)((char *)&opt + config_opts[i].off);
		if (config_owned[i] != NULL && *field == config_owned[i])
			*field = NULL;
		free(config_owned[i]);
		config_owned[i] = NULL;
		free(config_pending[i]);
		config_pending[i] = NULL;
	}
	config_list_clear(&opt.join);
	config_list_clear(&opt.highlight);
	config_list_clear(&opt.ignore);
	free(config_path);
	config_path = NULL;
}
