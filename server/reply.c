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
 * Replies: numerics from the formats in messages.h, other lines from the
 * server, and the few ways a line leaves the server for one client or
 * for many.
 */

#include <stdio.h>
#include <string.h>

#include "natterd.h"

static void	reply_send(struct client *, char *, size_t);

/* The name a reply is addressed to: the nick, or "*" before NICK. */
const char *
reply_nick(struct client *c)
{
	return (c->nick[0] != '\0' ? c->nick : "*");
}

/*
 * A string from the client echoed back as a middle parameter: if it
 * could not be one (empty, a space, a leading ':'), show "*" instead.
 */
const char *
reply_param(const char *s)
{
	return (msg_param_ok(s, 0) ? s : "*");
}

/*
 * Finish a line in buf (len bytes, buf is MSG_LINELEN + 1 long): cut it
 * on a character boundary if it is too long, make sure no CR, LF or NUL
 * got into it, add CR LF and queue it.
 */
static void
reply_send(struct client *c, char *buf, size_t len)
{
	size_t	 i;

	if (len > MSG_LINELEN - 2)
		len = utf8_cut(buf, len, MSG_LINELEN - 2);
	for (i = 0; i < len; i++) {
		if (buf[i] == '\r' || buf[i] == '\n' || buf[i] == '\0')
			buf[i] = ' ';
	}
	buf[len++] = '\r';
	buf[len++] = '\n';
	conn_write(c, buf, len);
}

/*
 * Send c a numeric: fmt is one of messages.h, its three digits and a
 * space, then the rest, which the arguments fill in.
 */
void
reply(struct client *c, const char *fmt, ...)
{
	char	 buf[MSG_LINELEN + 1];
	va_list	 ap;
	int	 n, m;

	if (strspn(fmt, "0123456789") != 3 || fmt[3] != ' ') {
		log_warnx("reply: not a numeric format: %s", fmt);
		return;
	}
	n = snprintf(buf, sizeof buf, ":%s %.3s %s ", conf.name, fmt,
	    reply_nick(c));
	va_start(ap, fmt);
	m = vsnprintf(buf + n, sizeof buf - n, fmt + 4, ap);
	va_end(ap);
	if (m < 0)
		return;
	n += m;
	reply_send(c, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* Send ":server " and a formatted line to c. */
void
reply_raw(struct client *c, const char *fmt, ...)
{
	char	 buf[MSG_LINELEN + 1];
	va_list	 ap;
	int	 n, m;

	n = snprintf(buf, sizeof buf, ":%s ", conf.name);
	va_start(ap, fmt);
	m = vsnprintf(buf + n, sizeof buf - n, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	n += m;
	reply_send(c, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/*
 * Copy text into buf (size bytes), cut on a character boundary to at most
 * cap bytes and to what fits as the last parameter of the line described
 * by prefix, cmd and params (see msg_room). Reasons and topics are cut
 * this way so that the line announcing them can always be sent.
 */
const char *
reply_cut(char *buf, size_t size, const char *text, size_t cap,
    const char *prefix, const char *cmd, int nparams,
    const char *const *params)
{
	size_t	 room, n;

	room = msg_room(prefix, cmd, nparams, params);
	if (cap > room)
		cap = room;
	if (cap > size - 1)
		cap = size - 1;
	n = utf8_cut(text, strlen(text), cap);
	memcpy(buf, text, n);
	buf[n] = '\0';
	return (buf);
}

/* An IRCv3 standard reply: FAIL <command> <code> :<text>. */
void
reply_fail(struct client *c, const char *cmd, const char *code,
    const char *text)
{
	reply_raw(c, "FAIL %s %s :%s", cmd, code, text);
}

/*
 * Prepare a line (with CR LF) for out_send to one or many clients, with
 * the time and id (or NULL) of the message it carries.
 */
void
out_init(struct out *o, const char *line, size_t len,
    const struct timeval *time, const char *msgid)
{
	size_t	 i;

	o->line = line;
	o->len = len;
	o->time = time;
	o->msgid = msgid;
	o->ctags = NULL;
	o->bot = 0;
	for (i = 0; i < OUT_TAGSETS; i++)
		o->tlen[i] = 0;
}

/*
 * The tags a client with caps gets: OUT_TAG_* flags, kept in the client
 * when its caps change so out_send() need not work them out each time.
 */
int
out_tagset(int caps)
{
	int	 tags = 0;

	if (caps & CAP_SERVER_TIME)
		tags |= OUT_TAG_TIME;
	if (caps & CAP_MESSAGE_TAGS)
		tags |= OUT_TAG_MSGID;
	return (tags);
}

/* The longest tags out_make() writes fit in OUT_TAGSLEN. */
_Static_assert(sizeof "@time=YYYY-MM-DDThh:mm:ss.mmmZ;msgid=;bot" - 1 +
    CHANMSG_IDLEN + 1 <= OUT_TAGSLEN, "OUT_TAGSLEN too small");

/* Make o's line with the tags in set, from the message's own stamp. */
static void
out_make(struct out *o, int set)
{
	char		*buf = o->tagged[set];
	struct tm	 tm;
	size_t		 n = 0;

	if (set & OUT_TAG_TIME) {
		gmtime_r(&o->time->tv_sec, &tm);
		n += strftime(buf, OUT_TAGSLEN, "@time=%Y-%m-%dT%H:%M:%S", &tm);
		n += snprintf(buf + n, OUT_TAGSLEN - n, ".%03ldZ",
		    (long)o->time->tv_usec / 1000);
	}
	/* No msgid: a multiline message's lines after its first. */
	if ((set & OUT_TAG_MSGID) && o->msgid != NULL)
		n += snprintf(buf + n, OUT_TAGSLEN - n, "%cmsgid=%s",
		    n > 0 ? ';' : '@', o->msgid);
	if ((set & OUT_TAG_MSGID) && o->bot)
		n += snprintf(buf + n, OUT_TAGSLEN - n, "%cbot",
		    n > 0 ? ';' : '@');
	/* Checked to fit, MSG_CTAGSLEN at most. */
	if ((set & OUT_TAG_MSGID) && o->ctags != NULL && *o->ctags != '\0')
		n += snprintf(buf + n, MSG_CTAGSLEN + 2, "%c%s",
		    n > 0 ? ';' : '@', o->ctags);
	if (n == 0) {
		/* Nothing to add after all: the plain line. */
		memcpy(buf, o->line, o->len);
		o->tlen[set] = o->len;
		return;
	}
	buf[n++] = ' ';
	memcpy(buf + n, o->line, o->len);
	o->tlen[set] = n + o->len;
}

/*
 * Queue o for c with the tags c asked for. Each tagged copy is made on
 * first use, so a line to a whole channel is formatted at most once for
 * each set of tags.
 */
void
out_send(struct client *c, struct out *o)
{
	int	 set;

	if ((set = c->tagset) == 0) {
		conn_write(c, o->line, o->len);
		return;
	}
	if (o->tlen[set] == 0)
		out_make(o, set);
	conn_write(c, o->tagged[set], o->tlen[set]);
}

/*
 * Words gathered into as few numerics as fit (353, 319): used is what
 * the line takes besides the words, from ':' to CR LF; flush sends the
 * words so far.
 */
void
words_init(struct words *w, struct client *c, size_t used,
    void (*flush)(struct words *), const void *arg)
{
	w->c = c;
	w->flush = flush;
	w->arg = arg;
	w->room = used < MSG_LINELEN ? MSG_LINELEN - used : 0;
	w->len = 0;
	w->buf[0] = '\0';
	w->sep = ' ';
}

/* Add one word, made of a and b ("@" and a nick, say). */
void
words_add(struct words *w, const char *a, const char *b)
{
	size_t	 n = strlen(a) + strlen(b);

	if (w->len > 0 && w->len + 1 + n > w->room)
		words_end(w);
	if (w->len > 0)
		w->buf[w->len++] = w->sep;
	w->len += snprintf(w->buf + w->len, sizeof w->buf - w->len, "%s%s",
	    a, b);
	if (w->len >= sizeof w->buf)
		w->len = sizeof w->buf - 1;
}

/* Send what is left. */
void
words_end(struct words *w)
{
	if (w->len > 0)
		w->flush(w);
	w->len = 0;
	w->buf[0] = '\0';
}
