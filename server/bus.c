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
 * The cluster bus codec. A payload comes from Redis, so from another
 * node, an older or newer natterd, or anyone who can PUBLISH: it is
 * parsed strictly, and anything that is not exactly what bus_format()
 * writes is refused with a reason (the caller drops it and counts it).
 * One space between fields, decimal numbers without signs or leading
 * zeros, names as natterd would accept them, and an IRC line that
 * natterd itself could have sent.
 */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bus.h"
#include "msg.h"
#include "utf8.h"

/* A server name: letters, digits, '-' and at least one inner dot. */
int
bus_node_valid(const char *s)
{
	size_t	 i, n = strlen(s);
	int	 dots = 0;

	if (n == 0 || n > BUS_NODELEN || s[0] == '.' || s[0] == '-' ||
	    s[n - 1] == '.' || s[n - 1] == '-')
		return (0);
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return (0);
			dots++;
		} else if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return (0);
	}
	return (dots > 0);
}

/*
 * A decimal number of at most max, without a sign or leading zeros.
 * Return 0 and set *out, or -1.
 */
static int
bus_number(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t	 v = 0;
	size_t		 i;

	if (s[0] == '\0' || (s[0] == '0' && s[1] != '\0'))
		return (-1);
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		if (v > (max - (uint64_t)(s[i] - '0')) / 10)
			return (-1);
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return (0);
}

/* A user's id: the node's incarnation (16 hex digits), '.', its id. */
int
bus_uid_valid(const char *s)
{
	uint64_t	 id;
	size_t		 i;

	if (strlen(s) > BUS_UIDLEN)
		return (0);
	for (i = 0; i < 16; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return (0);
	}
	return (s[16] == '.' && bus_number(s + 17, UINT64_MAX, &id) == 0);
}

/*
 * The fields of a message (M, and P after its target): its msgid, the
 * sender's uid or "-" (the server), its client-only tags or "-", and its
 * flags: "o" for channel operators only, or "-".
 */
static int
bus_message_valid(const char *const *f)
{
	size_t	 n = strlen(f[0]);

	if (n == 0 || n > BUS_MSGIDLEN ||
	    strspn(f[0], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_") != n)
		return (0);
	if (strcmp(f[1], "-") != 0 && !bus_uid_valid(f[1]))
		return (0);
	if (strlen(f[2]) > BUS_CTAGSLEN)
		return (0);
	return (strcmp(f[3], "-") == 0 || strcmp(f[3], "o") == 0);
}

/* A state event's name: capitals, as IRC commands are. */
static int
bus_event_valid(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n == 0 || n > 16)
		return (0);
	for (i = 0; i < n; i++) {
		if (s[i] < 'A' || s[i] > 'Z')
			return (0);
	}
	return (1);
}

/* The header: UTF-8 without control bytes, as names and folds are. */
static int
bus_header_valid(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return (0);
	}
	return (utf8_valid(s, n));
}

/*
 * The IRC line: one natterd could have sent, from a prefix, that parses
 * as a message.
 */
static int
bus_line_valid(const char *s, size_t n, const char **errstr)
{
	struct msg	 m;
	char		 copy[BUS_LINELEN + 1];

	if (n == 0 || n > BUS_LINELEN) {
		*errstr = "bad IRC line length";
		return (0);
	}
	if (memchr(s, '\r', n) != NULL || memchr(s, '\n', n) != NULL) {
		*errstr = "line break in the IRC line";
		return (0);
	}
	if (!utf8_valid(s, n)) {
		*errstr = "IRC line not UTF-8";
		return (0);
	}
	if (s[0] != ':') {
		*errstr = "IRC line without a prefix";
		return (0);
	}
	memcpy(copy, s, n);
	copy[n] = '\0';
	if (msg_parse(&m, copy, errstr) != 0)
		return (0);
	return (1);
}

/*
 * Split the header in buf (NUL-terminated) at single spaces into tok.
 * Return the number of fields, or -1 for an empty field or too many.
 */
static int
bus_split(char *buf, char **tok, int max)
{
	char	*p = buf, *sp;
	int	 n = 0;

	for (;;) {
		if (n == max || *p == '\0' || *p == ' ')
			return (-1);
		tok[n++] = p;
		if ((sp = strchr(p, ' ')) == NULL)
			return (n);
		*sp = '\0';
		p = sp + 1;
	}
}

/*
 * Parse the len bytes at payload into m. Return 0, or -1 with *errstr
 * saying why it was refused.
 */
int
bus_parse(struct bus_msg *m, const char *payload, size_t len,
    const char **errstr)
{
	char		*nl, *tok[5 + BUS_MAXFIELDS];
	uint64_t	 v;
	size_t		 hlen;
	int		 n, i;

	memset(m, 0, sizeof *m);
	if (len > BUS_MAXLEN) {
		*errstr = "too long";
		return (-1);
	}
	if (memchr(payload, '\0', len) != NULL) {
		*errstr = "NUL byte";
		return (-1);
	}
	memcpy(m->buf, payload, len);
	m->buf[len] = '\0';
	if ((nl = strchr(m->buf, '\n')) == NULL) {
		*errstr = "no IRC line";
		return (-1);
	}
	hlen = nl - m->buf;
	*nl = '\0';
	if (hlen > BUS_HEADERLEN || !bus_header_valid(m->buf, hlen)) {
		*errstr = "bad header";
		return (-1);
	}
	if (!bus_line_valid(nl + 1, len - hlen - 1, errstr))
		return (-1);
	m->line = nl + 1;

	if ((n = bus_split(m->buf, tok, 5 + BUS_MAXFIELDS)) < 6) {
		*errstr = "bad header fields";
		return (-1);
	}
	if (strcmp(tok[0], BUS_VERSION) != 0) {
		*errstr = "unknown version";
		return (-1);
	}
	if (tok[1][1] != '\0' || (tok[1][0] != BUS_MESSAGE &&
	    tok[1][0] != BUS_PRIVATE && tok[1][0] != BUS_STATE)) {
		*errstr = "unknown kind";
		return (-1);
	}
	m->kind = tok[1][0];
	if (m->kind == BUS_STATE ? strcmp(tok[2], "-") != 0 :
	    !bus_node_valid(tok[2])) {
		*errstr = "bad origin";
		return (-1);
	}
	if (m->kind != BUS_STATE)
		snprintf(m->origin, sizeof m->origin, "%s", tok[2]);
	if (bus_number(tok[3], UINT64_MAX, &m->seq) != 0) {
		*errstr = "bad sequence number";
		return (-1);
	}
	if (bus_number(tok[4], INT64_MAX, &v) != 0) {
		*errstr = "bad time";
		return (-1);
	}
	m->ms = (int64_t)v;
	m->nfields = n - 5;
	for (i = 0; i < m->nfields; i++)
		m->fields[i] = tok[5 + i];
	switch (m->kind) {
	case BUS_MESSAGE:
		if (m->nfields != 4 || !bus_message_valid(m->fields)) {
			*errstr = "bad message fields";
			return (-1);
		}
		break;
	case BUS_PRIVATE:
		if (!bus_uid_valid(m->fields[0])) {
			*errstr = "bad target uid";
			return (-1);
		}
		if (m->nfields != 5 || !bus_message_valid(m->fields + 1)) {
			*errstr = "bad message fields";
			return (-1);
		}
		break;
	case BUS_STATE:
		if (!bus_event_valid(m->fields[0])) {
			*errstr = "bad event";
			return (-1);
		}
		break;
	}
	return (0);
}

/*
 * Write m as a payload into buf (NUL-terminated). Return its length, or
 * -1 if it would not fit or would not parse back the same.
 */
int
bus_format(char *buf, size_t size, const struct bus_msg *m)
{
	struct bus_msg	 check;
	const char	*errstr;
	size_t		 len;
	int		 i, n;

	n = snprintf(buf, size, "%s %c %s %llu %lld", BUS_VERSION, m->kind,
	    m->kind == BUS_STATE ? "-" : m->origin,
	    (unsigned long long)m->seq, (long long)m->ms);
	if (n < 0 || (size_t)n >= size)
		return (-1);
	len = n;
	for (i = 0; i < m->nfields; i++) {
		n = snprintf(buf + len, size - len, " %s", m->fields[i]);
		if (n < 0 || (size_t)n >= size - len)
			return (-1);
		len += n;
	}
	n = snprintf(buf + len, size - len, "\n%s", m->line);
	if (n < 0 || (size_t)n >= size - len)
		return (-1);
	len += n;
	if (bus_parse(&check, buf, len, &errstr) != 0)
		return (-1);
	return ((int)len);
}
