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
 * Chat logs, with opt.log on: one file a day for each room and whisper
 * peer of each server, DIR/HOST-PORT/NAME/YYYY-MM-DD.log, where DIR is
 * opt.log_dir or $XDG_STATE_HOME/natter/logs. A line is the ISO 8601
 * time and the line as the pane shows it, already sanitised, with the
 * IRC formatting codes taken out: no byte of a log is a control
 * character. Each line is written with one write(2) to a file opened
 * for it, so a crash loses nothing that was shown; chat is not fast
 * enough for that to cost anything.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "natter.h"
#include "name.h"
#include "utf8.h"

#define CHATLOG_NAMEMAX	200	/* bytes of an encoded file name */

static int	 chatlog_failed;	/* said so; quiet until it works */

static void	 chatlog_encode(char *, size_t, const char *);
static char	*chatlog_line(time_t, const char *);
static void	 chatlog_warn(const char *, const char *);

/*
 * The directory logs go under, allocated, or NULL if there is none: a
 * relative $XDG_STATE_HOME is ignored, as XDG says; "~/" is $HOME.
 */
char *
chatlog_dir(void)
{
	const char	*xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char		*dir;

	if (opt.log_dir != NULL && *opt.log_dir != '\0') {
		if (strncmp(opt.log_dir, "~/", 2) == 0) {
			if (home == NULL || *home != '/')
				return (NULL);
			xasprintf(&dir, "%s/%s", home, opt.log_dir + 2);
		} else
			dir = xstrdup(opt.log_dir);
	} else if (xdg != NULL && xdg[0] == '/')
		xasprintf(&dir, "%s/natter/logs", xdg);
	else if (home != NULL && home[0] == '/')
		xasprintf(&dir, "%s/.local/state/natter/logs", home);
	else
		return (NULL);
	return (dir);
}

/*
 * A name as one path component that cannot be "." or "..", start with a
 * dot, hold a "/" or a control character: ASCII letters (folded as
 * CASEMAPPING=ascii folds them, so #Room and #room share a file), digits,
 * "#&+-_!" and dots after the first byte stay, and so do characters from
 * U+00A0 up (Korean room names stay readable); every other byte becomes
 * %XX. So "#../../x" is "#..%2F..%2Fx", and 127.0.0.1 stays as it is.
 */
static void
chatlog_encode(char *out, size_t size, const char *in)
{
	const char	*end = in + strlen(in), *p;
	size_t		 n = 0, len;
	uint32_t	 cp;
	unsigned char	 c;

	while (in < end) {
		p = in;
		if (utf8_decode(&p, end, &cp) == 0 && cp >= 0xa0) {
			len = p - in;
			if (n + len >= size || n + len > CHATLOG_NAMEMAX)
				break;
			memcpy(out + n, in, len);
			n += len;
			in = p;
			continue;
		}
		c = name_lower((unsigned char)*in++);
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (c != '\0' && strchr("#&+-_!", c) != NULL) ||
		    (c == '.' && n > 0)) {
			if (n + 1 >= size || n + 1 > CHATLOG_NAMEMAX)
				break;
			out[n++] = (char)c;
		} else {
			if (n + 3 >= size || n + 3 > CHATLOG_NAMEMAX)
				break;
			snprintf(out + n, 4, "%%%02X", c);
			n += 3;
		}
	}
	if (n == 0)
		out[n++] = '_';
	out[n] = '\0';
}

/*
 * Today's log of name (a room or a nick) on this server, allocated, or
 * NULL if there is nowhere for logs.
 */
char *
chatlog_path(const char *name, time_t when)
{
	struct tm	 tm;
	char		*dir, *path, *hostport, server[CHATLOG_NAMEMAX + 8];
	char		 file[CHATLOG_NAMEMAX + 8], date[32];

	if ((dir = chatlog_dir()) == NULL)
		return (NULL);
	if (localtime_r(&when, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	strftime(date, sizeof date, "%Y-%m-%d", &tm);
	xasprintf(&hostport, "%s-%s", opt.host, opt.port);
	chatlog_encode(server, sizeof server, hostport);
	chatlog_encode(file, sizeof file, name);
	xasprintf(&path, "%s/%s/%s/%s.log", dir, server, file, date);
	free(hostport);
	free(dir);
	return (path);
}

/*
 * "2026-12-03T14:05:09+01:00 text\n": the formatting codes go; anything
 * else below a space, DEL or a C1 control (there should be none after
 * text_sanitize) becomes "?", to be sure.
 */
static char *
chatlog_line(time_t when, const char *text)
{
	struct tm	 tm;
	char		 stamp[64], *line, *o;
	const char	*s;
	long		 off;
	size_t		 n;

	if (localtime_r(&when, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	n = strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	off = tm.tm_gmtoff / 60;
	snprintf(stamp + n, sizeof stamp - n, "%c%02ld:%02ld",
	    off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
	line = xmalloc(strlen(stamp) + 1 + strlen(text) + 2);
	o = line + sprintf(line, "%s ", stamp);
	for (s = text; *s != '\0'; ) {
		if ((n = text_style(s, NULL)) > 0) {
			s += n;
			continue;
		}
		if ((unsigned char)*s < 0x20 || *s == 0x7f) {
			*o++ = '?';
			s++;
		} else if ((unsigned char)s[0] == 0xc2 &&
		    (unsigned char)s[1] >= 0x80 && (unsigned char)s[1] < 0xa0) {
			*o++ = '?';
			s += 2;
		} else
			*o++ = *s++;
	}
	*o++ = '\n';
	*o = '\0';
	return (line);
}

/* Say once why the log is not written: here and in the server window. */
static void
chatlog_warn(const char *path, const char *why)
{
	char	*s;

	if (path != NULL)
		xasprintf(&s, _("-!- cannot write the chat log %s: %s; chat "
		    "goes on without it"), path, why);
	else
		xasprintf(&s, _("-!- cannot write the chat log: %s; chat goes "
		    "on without it"), why);
	window_printf(window_cur, LINE_ERROR, "%s", s);
	if (window_cur != window_server)
		window_printf(window_server, LINE_ERROR, "%s", s);
	free(s);
}

/*
 * Append a line of the pane to name's log. A log that cannot be written
 * is said once, where the user is looking; chat goes on, and the next
 * line tries again.
 */
void
chatlog_add(const char *name, time_t when, const char *text)
{
	char	*path, *line;
	size_t	 len;
	ssize_t	 n;
	int	 fd, flags = O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
		    O_CLOEXEC;

	if (!opt.log)
		return;
	if ((path = chatlog_path(name, when)) == NULL) {
		if (!chatlog_failed)
			chatlog_warn(NULL, _("set $HOME, or a log directory"));
		chatlog_failed = 1;
		return;
	}
	line = chatlog_line(when, text);
	len = strlen(line);
	if ((fd = open(path, flags, 0600)) == -1 && errno == ENOENT &&
	    state_mkdirs(path) == 0)
		fd = open(path, flags, 0600);
	n = -1;
	if (fd != -1) {
		n = write(fd, line, len);
		if (close(fd) == -1)
			n = -1;
	}
	if (n == -1 || (size_t)n != len) {
		if (!chatlog_failed)
			chatlog_warn(path, n == -1 ? strerror(errno) :
			    _("short write"));
		chatlog_failed = 1;
	} else
		chatlog_failed = 0;
	free(line);
	free(path);
}
