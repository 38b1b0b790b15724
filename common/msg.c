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
 * Parse IRC lines in place and format them back. Both programs, the unit
 * tests and the fuzzers share this code.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "msg.h"

static int	msg_word_ok(const char *);
static int	msg_cmd_ok(const char *);

/* Is c an ASCII letter? Not isalpha(): the locale must not matter here. */
static inline int
msg_isalpha(int c)
{
	return ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
}

/*
 * Split line into m. Pointers in m point into line, which is modified:
 * separators become NULs and the command is upper-cased. A trailing LF or
 * CR LF is removed. Return 0, or -1 with *errstr saying what is wrong.
 * Spaces between parameters may be repeated, as many clients send them.
 */
int
msg_parse(struct msg *m, char *line, const char **errstr)
{
	char	*p, *end;
	size_t	 len;

	memset(m, 0, sizeof *m);
	len = strlen(line);
	if (len > 0 && line[len - 1] == '\n')
		line[--len] = '\0';
	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	if (strpbrk(line, "\r\n") != NULL) {
		*errstr = "line contains CR or LF";
		return (-1);
	}
	p = line;
	while (*p == ' ')
		p++;

	if (*p == '@') {
		m->tags = ++p;
		if ((p = strchr(p, ' ')) == NULL) {
			*errstr = "no command";
			return (-1);
		}
		*p++ = '\0';
		while (*p == ' ')
			p++;
	}
	if (*p == ':') {
		m->prefix = ++p;
		if (*p == '\0' || *p == ' ') {
			*errstr = "empty prefix";
			return (-1);
		}
		if ((p = strchr(p, ' ')) == NULL) {
			*errstr = "no command";
			return (-1);
		}
		*p++ = '\0';
		while (*p == ' ')
			p++;
	}
	if (*p == '\0') {
		*errstr = "no command";
		return (-1);
	}

	m->cmd = p;
	if ((end = strchr(p, ' ')) != NULL)
		*end = '\0';
	if (p[0] >= '0' && p[0] <= '9') {
		if (strlen(p) != 3 || p[1] < '0' || p[1] > '9' ||
		    p[2] < '0' || p[2] > '9') {
			*errstr = "invalid command";
			return (-1);
		}
	} else {
		for (; *p != '\0'; p++) {
			if (!msg_isalpha((unsigned char)*p)) {
				*errstr = "invalid command";
				return (-1);
			}
			if (*p >= 'a' && *p <= 'z')
				*p -= 'a' - 'A';
		}
	}
	if (end == NULL)
		return (0);

	p = end + 1;
	while (m->nparams < MSG_MAXPARAMS) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		/* The 15th parameter takes the rest of the line (RFC 2812). */
		if (*p == ':' || m->nparams == MSG_MAXPARAMS - 1) {
			if (*p == ':')
				p++;
			m->params[m->nparams++] = p;
			break;
		}
		m->params[m->nparams++] = p;
		if ((p = strchr(p, ' ')) == NULL)
			break;
		*p++ = '\0';
	}
	return (0);
}

/* Can p be sent as a middle parameter (last == 0) or as the last one? */
int
msg_param_ok(const char *p, int last)
{
	if (p == NULL || strpbrk(p, "\r\n") != NULL)
		return (0);
	if (last)
		return (1);
	return (*p != '\0' && *p != ':' && strchr(p, ' ') == NULL);
}

/* Can w be sent as a prefix: non-empty, no space, no CR LF? */
static int
msg_word_ok(const char *w)
{
	return (w != NULL && *w != '\0' && strpbrk(w, " \r\n") == NULL);
}

/* Is cmd what msg_parse takes for a command: letters, or three digits? */
static int
msg_cmd_ok(const char *cmd)
{
	const char	*p;

	if (cmd == NULL || *cmd == '\0')
		return (0);
	if (cmd[0] >= '0' && cmd[0] <= '9')
		return (strlen(cmd) == 3 && cmd[1] >= '0' && cmd[1] <= '9' &&
		    cmd[2] >= '0' && cmd[2] <= '9');
	for (p = cmd; *p != '\0'; p++) {
		if (!msg_isalpha((unsigned char)*p))
			return (0);
	}
	return (1);
}

/*
 * Format a line ending in CR LF into buf. The last parameter is always
 * written after a ':', so it may hold spaces or be empty. Return its
 * length, or -1 (and an empty buf) if a part could split the line or
 * inject another one, if the command is not one msg_parse would read
 * back, or if it does not fit in size bytes with the NUL: never truncate.
 */
int
msg_format(char *buf, size_t size, const char *prefix, const char *cmd,
    int nparams, const char *const *params)
{
	size_t	 off = 0, n;
	int	 i;

#define APPEND(s, len) do {						\
	if ((len) >= size - off) {					\
		buf[0] = '\0';						\
		return (-1);						\
	}								\
	memcpy(buf + off, (s), (len));					\
	off += (len);							\
} while (0)

	if (size == 0)
		return (-1);
	buf[0] = '\0';
	if (nparams < 0 || nparams > MSG_MAXPARAMS || !msg_cmd_ok(cmd))
		return (-1);
	if (prefix != NULL) {
		if (!msg_word_ok(prefix))
			return (-1);
		APPEND(":", 1);
		n = strlen(prefix);
		APPEND(prefix, n);
		APPEND(" ", 1);
	}
	n = strlen(cmd);
	APPEND(cmd, n);
	for (i = 0; i < nparams; i++) {
		if (!msg_param_ok(params[i], i == nparams - 1)) {
			buf[0] = '\0';
			return (-1);
		}
		if (i == nparams - 1)
			APPEND(" :", 2);
		else
			APPEND(" ", 1);
		n = strlen(params[i]);
		APPEND(params[i], n);
	}
	APPEND("\r\n", 2);
	buf[off] = '\0';
	return ((int)off);
#undef APPEND
}

/*
 * How many bytes of text fit as the last of nparams parameters of a line
 * from prefix (may be NULL) with cmd, within MSG_LINELEN with CR LF.
 * params[nparams - 1] is not looked at: it is the text to be cut.
 */
size_t
msg_room(const char *prefix, const char *cmd, int nparams,
    const char *const *params)
{
	size_t	 used;
	int	 i;

	used = strlen(cmd) + 2 + 2;		/* " :" and CR LF */
	if (prefix != NULL)
		used += strlen(prefix) + 2;
	for (i = 0; i < nparams - 1; i++)
		used += strlen(params[i]) + 1;
	return (used < MSG_LINELEN ? MSG_LINELEN - used : 0);
}

/* Like msg_format, with the parameters as a NULL-terminated list. */
int
msg_formatl(char *buf, size_t size, const char *prefix, const char *cmd, ...)
{
	const char	*params[MSG_MAXPARAMS + 1];
	va_list		 ap;
	int		 n = 0;
	const char	*p;

	va_start(ap, cmd);
	while ((p = va_arg(ap, const char *)) != NULL) {
		if (n == MSG_MAXPARAMS) {
			va_end(ap);
			return (-1);
		}
		params[n++] = p;
	}
	va_end(ap);
	return (msg_format(buf, size, prefix, cmd, n, params));
}

/* The last parameter, or "" if there is none. */
const char *
msg_last(const struct msg *m)
{
	return (m->nparams > 0 ? m->params[m->nparams - 1] : "");
}

/*
 * Find tag key in m and copy its unescaped value into buf (IRCv3
 * message-tags escaping). Return buf, "" for a tag without a value, or
 * NULL if the tag is absent or does not fit.
 */
const char *
msg_tag(const struct msg *m, const char *key, char *buf, size_t size)
{
	const char	*p, *next, *eq;
	size_t		 klen = strlen(key);

	if (m->tags == NULL || size == 0)
		return (NULL);
	for (p = m->tags; *p != '\0'; p = next) {
		next = strchr(p, ';');
		if (next == NULL)
			next = p + strlen(p);
		eq = memchr(p, '=', next - p);
		if ((size_t)((eq != NULL ? eq : next) - p) != klen ||
		    strncmp(p, key, klen) != 0) {
			if (*next == ';')
				next++;
			continue;
		}
		if (eq == NULL) {
			buf[0] = '\0';
			return (buf);
		}
		if (msg_tag_unescape(buf, size, eq + 1, next - eq - 1) ==
		    (size_t)-1)
			return (NULL);
		return (buf);
	}
	return (NULL);
}

/*
 * Unescape len bytes of an IRCv3 tag value at v into out (size bytes,
 * NUL-terminated; out may be v): \: \s \\ \r \n, another \x is x, a
 * lone \ at the end is dropped. Return the length, or (size_t)-1 if it
 * does not fit.
 */
size_t
msg_tag_unescape(char *out, size_t size, const char *v, size_t len)
{
	const char	*end = v + len;
	size_t		 off = 0;
	char		 c;

	for (; v < end; v++) {
		c = *v;
		if (c == '\\' && v + 1 < end) {
			switch (*++v) {
			case ':':
				c = ';';
				break;
			case 's':
				c = ' ';
				break;
			case 'r':
				c = '\r';
				break;
			case 'n':
				c = '\n';
				break;
			default:
				c = *v;
				break;
			}
		} else if (c == '\\')
			continue;
		if (off + 1 >= size)
			return ((size_t)-1);
		out[off++] = c;
	}
	if (size == 0)
		return ((size_t)-1);
	out[off] = '\0';
	return (off);
}

/*
 * Escape value as an IRCv3 tag value into out, which has room for
 * 2 * strlen(value) + 1 bytes. Return the length.
 */
size_t
msg_tag_escape(char *out, const char *value)
{
	char	*p = out;

	for (; *value != '\0'; value++) {
		switch (*value) {
		case ';':
			*p++ = '\\';
			*p++ = ':';
			break;
		case ' ':
			*p++ = '\\';
			*p++ = 's';
			break;
		case '\\':
			*p++ = '\\';
			*p++ = '\\';
			break;
		case '\r':
			*p++ = '\\';
			*p++ = 'r';
			break;
		case '\n':
			*p++ = '\\';
			*p++ = 'n';
			break;
		default:
			*p++ = *value;
			break;
		}
	}
	*p = '\0';
	return (p - out);
}

/* ASCII letters and digits, whatever the locale. */
static int
msg_alnum(unsigned char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'));
}

/* Whether the len bytes at key make a client-only tag name: +[vendor/]name. */
static int
msg_ctag_key_ok(const char *key, size_t len)
{
	const char	*slash;
	size_t		 i, start = 1;

	if (len < 2 || key[0] != '+')
		return (0);
	slash = memchr(key, '/', len);
	if (slash != NULL) {
		/* The vendor is a host name. */
		for (i = 1; key + i < slash; i++) {
			if (!msg_alnum(key[i]) &&
			    key[i] != '.' && key[i] != '-')
				return (0);
		}
		if (i == 1)
			return (0);
		start = slash - key + 1;
	}
	if (start == len)
		return (0);
	for (i = start; i < len; i++) {
		if (!msg_alnum(key[i]) && key[i] != '-')
			return (0);
	}
	return (1);
}

/*
 * Copy the client-only tags (+name, +vendor/name) of a tags section, as
 * they were escaped, into out (size bytes), ';'-separated; drop the
 * others, any with a bad name, and all but the last of one name. Return
 * the length, or -1 if they do not fit.
 */
int
msg_client_tags(const char *tags, char *out, size_t size)
{
	const char	*p, *next, *q, *qnext;
	size_t		 len = 0, klen, qlen, n;
	int		 later;

	if (size == 0)
		return (-1);
	out[0] = '\0';
	if (tags == NULL)
		return (0);
	for (p = tags; *p != '\0'; p = *next == ';' ? next + 1 : next) {
		next = p + strcspn(p, ";");
		klen = strcspn(p, "=;");
		if (!msg_ctag_key_ok(p, klen))
			continue;
		/* The last of the same name wins. */
		later = 0;
		for (q = *next == ';' ? next + 1 : next; *q != '\0' && !later;
		    q = *qnext == ';' ? qnext + 1 : qnext) {
			qnext = q + strcspn(q, ";");
			qlen = strcspn(q, "=;");
			later = qlen == klen && memcmp(p, q, klen) == 0;
		}
		if (later)
			continue;
		n = next - p;
		if (len + (len > 0) + n >= size)
			return (-1);
		if (len > 0)
			out[len++] = ';';
		memcpy(out + len, p, n);
		len += n;
		out[len] = '\0';
	}
	return ((int)len);
}
