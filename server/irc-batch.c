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
 * IRCv3 draft/multiline: a client that negotiated it and batch sends
 * BATCH +ref draft/multiline target, PRIVMSG (or NOTICE) lines tagged
 * batch=ref, then BATCH -ref. Nothing goes out before BATCH -ref; then
 * the whole message goes at once, as one batch to those who negotiated
 * draft/multiline and batch, as its lines to the others. One batch may
 * be open per client. A batch that breaks a rule is dropped with one
 * FAIL BATCH, and the rest of its lines are dropped quietly after it
 * (CLIENT_BATCHFAIL) until the client sends something else.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natterd.h"

#define BATCH_TYPE	"draft/multiline"
#define BATCH_CONCAT	"draft/multiline-concat"
#define BATCH_BOTH	(CAP_MULTILINE | CAP_BATCH)

struct batch_line {
	char			*text;
	int			 concat;	/* joined to the one before */
};

/* A multiline message being received: struct client's batch. */
struct batch {
	char			 ref[BATCH_REFLEN + 1];
	char			*target;
	const char		*cmd;		/* PRIVMSG, NOTICE; or NULL */
	char			*ctags;		/* BATCH +'s client-only tags */
	char			 label[LABEL_TAGSIZE];	/* BATCH +'s, or "" */
	struct batch_line	*lines;
	int			 nlines;
	int			 alloc;
	size_t			 bytes;		/* as max-bytes counts them */
};

/* A tag value from a client: its tags are at most MSG_CTAGSLEN. */
static char	 batch_tag[MSG_CTAGSLEN + 1];

static void	batch_refuse(struct client *, const char *, const char *, ...)
		    __printflike(3, 4);
static void	batch_fail(struct client *, const char *, const char *, ...)
		    __printflike(3, 4);
static int	batch_ref_ok(const char *);
static void	batch_open(struct client *, struct msg *);
static void	batch_close(struct client *, const char *);
static void	batch_line(struct client *, struct msg *);
static void	batch_end(struct client *);
static void	batch_deliver(struct client *, struct batch *,
		    struct channel *, struct client *);

/* A refused BATCH +: FAIL, and drop the lines that follow it. */
static void
batch_refuse(struct client *c, const char *code, const char *fmt, ...)
{
	char	 text[MSG_LINELEN];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	reply_fail(c, "BATCH", code, text);
	c->flags |= CLIENT_BATCHFAIL;
}

/*
 * The open batch broke a rule: FAIL (labeled as its BATCH + was), drop
 * it and the lines still to come.
 */
static void
batch_fail(struct client *c, const char *code, const char *fmt, ...)
{
	char	 text[MSG_LINELEN];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (c->batch != NULL && label_client != c)
		label_resume(c, c->batch->label);
	reply_fail(c, "BATCH", code, text);
	batch_free(c);
	c->flags |= CLIENT_BATCHFAIL;
}

/*
 * A line of c's was dropped before it could be parsed (too long, not
 * UTF-8, ...), or is no part of the open batch: if a batch is open, it
 * cannot be delivered whole. The FAIL carries no label.
 */
void
batch_reject(struct client *c, const char *why)
{
	if (c->batch == NULL)
		return;
	reply_fail(c, "BATCH", "MULTILINE_INVALID", why);
	batch_free(c);
	c->flags |= CLIENT_BATCHFAIL;
}

/* Drop c's open batch, if any: on a FAIL, and when c goes. */
void
batch_free(struct client *c)
{
	struct batch	*b = c->batch;
	int		 i;

	if (b == NULL)
		return;
	for (i = 0; i < b->nlines; i++)
		free(b->lines[i].text);
	free(b->lines);
	free(b->target);
	free(b->ctags);
	free(b);
	c->batch = NULL;
}

/* A reference as the batch spec has them: letters, digits and '-'. */
static int
batch_ref_ok(const char *ref)
{
	size_t	 n;

	n = strspn(ref, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-");
	return (n > 0 && n <= BATCH_REFLEN && ref[n] == '\0');
}

/*
 * Before any command of a registered client that negotiated
 * draft/multiline runs: take the lines of its batch. Return 1 if the
 * line was taken (or dropped), 0 if it is to run as usual. A line that
 * is not part of the open batch ends it with a FAIL and then runs; PING
 * and PONG may come between a batch's lines.
 */
int
batch_take(struct client *c, struct msg *m)
{
	char	 why[128];

	if (!(c->flags & CLIENT_REGISTERED) || !(c->caps & CAP_MULTILINE) ||
	    strcmp(m->cmd, "BATCH") == 0 || strcmp(m->cmd, "PING") == 0 ||
	    strcmp(m->cmd, "PONG") == 0)
		return (0);
	if (msg_tag(m, "batch", batch_tag, sizeof batch_tag) == NULL) {
		/*
		 * The rest of the batch it ends is dropped quietly. The FAIL
		 * is not labeled: the line's own answer may be.
		 */
		if (c->batch != NULL && strcmp(m->cmd, "QUIT") != 0) {
			snprintf(why, sizeof why, "%.20s is not part of batch "
			    "%s, which is dropped", m->cmd, c->batch->ref);
			batch_reject(c, why);
		} else
			c->flags &= ~CLIENT_BATCHFAIL;
		return (0);
	}
	if (c->batch == NULL) {
		if (!(c->flags & CLIENT_BATCHFAIL))
			reply_fail(c, "BATCH", "MULTILINE_INVALID",
			    "No batch is open for that line");
		return (1);
	}
	if (strcmp(batch_tag, c->batch->ref) != 0)
		batch_fail(c, "MULTILINE_INVALID", "A line for another batch "
		    "while batch %s is open", c->batch->ref);
	else if (strcmp(m->cmd, "PRIVMSG") != 0 &&
	    strcmp(m->cmd, "NOTICE") != 0)
		batch_fail(c, "MULTILINE_INVALID", "%s in multiline batch %s",
		    m->cmd, c->batch->ref);
	else
		batch_line(c, m);
	return (1);
}

/* BATCH +ref draft/multiline target: start c's batch. */
static void
batch_open(struct client *c, struct msg *m)
{
	struct batch	*b;
	const char	*ref = m->params[0] + 1, *target;
	char		 ctags[MSG_CTAGSLEN + 1];

	if (c->batch != NULL) {
		batch_fail(c, "MULTILINE_INVALID", "Batch %s is still open; "
		    "one at a time", c->batch->ref);
		return;
	}
	c->flags &= ~CLIENT_BATCHFAIL;
	if (!batch_ref_ok(ref)) {
		batch_refuse(c, "MULTILINE_INVALID", "A batch reference is 1 "
		    "to %d letters, digits or -", BATCH_REFLEN);
		return;
	}
	if (m->nparams < 2 || strcmp(m->params[1], BATCH_TYPE) != 0) {
		batch_refuse(c, "MULTILINE_INVALID", "Only %s batches are "
		    "taken", BATCH_TYPE);
		return;
	}
	target = m->nparams >= 3 ? m->params[2] : "";
	if (!msg_param_ok(target, 0) || strchr(target, ',') != NULL ||
	    m->nparams > 3) {
		batch_refuse(c, "MULTILINE_INVALID", "BATCH +%s %s needs one "
		    "target", ref, BATCH_TYPE);
		return;
	}
	b = xcalloc(1, sizeof *b);
	snprintf(b->ref, sizeof b->ref, "%s", ref);
	b->target = xstrdup(target);
	if (msg_client_tags(m->tags, ctags, sizeof ctags) > 0)
		b->ctags = xstrdup(ctags);
	/* Its answer is the echo at BATCH -, or a FAIL. */
	label_defer(c, b->label, sizeof b->label);
	c->batch = b;
}

/* One PRIVMSG or NOTICE of the open batch, checked against the limits. */
static void
batch_line(struct client *c, struct msg *m)
{
	struct batch	*b = c->batch;
	struct batch_line *l;
	const char	*target, *text;
	char		 code[64 + 2 * NAME_CHANLEN];
	size_t		 len, room, bytes;
	int		 concat;

	target = m->nparams >= 1 ? m->params[0] : "";
	if (name_cmp(target, b->target) != 0) {
		snprintf(code, sizeof code,
		    "MULTILINE_INVALID_TARGET %.*s %.*s", NAME_CHANLEN,
		    reply_param(b->target), NAME_CHANLEN, reply_param(target));
		batch_fail(c, code, "Invalid multiline target");
		return;
	}
	if (b->cmd == NULL)
		b->cmd = strcmp(m->cmd, "NOTICE") == 0 ? "NOTICE" : "PRIVMSG";
	else if (strcmp(b->cmd, m->cmd) != 0) {
		batch_fail(c, "MULTILINE_INVALID", "PRIVMSG and NOTICE in one "
		    "batch");
		return;
	}
	text = m->nparams >= 2 ? m->params[1] : "";
	len = strlen(text);
	concat = msg_tag(m, BATCH_CONCAT, batch_tag, sizeof batch_tag) != NULL;
	if (concat && len == 0) {
		batch_fail(c, "MULTILINE_INVALID", "A blank line cannot carry "
		    "%s", BATCH_CONCAT);
		return;
	}
	/* Each line still goes out as a line of its own. */
	room = msg_room(c->prefix, b->cmd, 2,
	    (const char *[]){ b->target, NULL });
	if (len > room) {
		batch_fail(c, "MULTILINE_INVALID", "Line %d of %zu bytes is "
		    "too long for %s; at most %zu fit", b->nlines + 1, len,
		    reply_param(b->target), room);
		return;
	}
	if (b->nlines >= conf.multiline_max_lines) {
		snprintf(code, sizeof code, "MULTILINE_MAX_LINES %d",
		    conf.multiline_max_lines);
		batch_fail(c, code, "Multiline batch max-lines exceeded");
		return;
	}
	/* A line feed joins each line to the one before, but for concat. */
	bytes = b->bytes + len + (b->nlines > 0 && !concat);
	if (bytes > (size_t)conf.multiline_max_bytes) {
		snprintf(code, sizeof code, "MULTILINE_MAX_BYTES %d",
		    conf.multiline_max_bytes);
		batch_fail(c, code, "Multiline batch max-bytes exceeded");
		return;
	}
	if (b->nlines == b->alloc) {
		b->alloc = b->alloc == 0 ? 8 : b->alloc * 2;
		b->lines = xreallocarray(b->lines, b->alloc, sizeof *b->lines);
	}
	l = &b->lines[b->nlines++];
	l->text = xstrdup(text);
	l->concat = concat;
	b->bytes = bytes;
}

/* BATCH -ref: c's batch is complete. */
static void
batch_close(struct client *c, const char *ref)
{
	if (c->batch == NULL) {
		if (!(c->flags & CLIENT_BATCHFAIL))
			reply_fail(c, "BATCH", "MULTILINE_INVALID",
			    "No batch is open");
		return;
	}
	if (strcmp(ref, c->batch->ref) != 0) {
		batch_fail(c, "MULTILINE_INVALID", "Batch %s is open, not "
		    "another", c->batch->ref);
		return;
	}
	batch_end(c);
}

/*
 * Deliver c's complete batch, checked as one message: to a channel that
 * exists and lets c speak (+n, +m, +b), or to a user. As with NOTICE,
 * a NOTICE batch that cannot go is dropped without a word.
 */
static void
batch_end(struct client *c)
{
	struct batch	*b = c->batch;
	struct channel	*ch;
	struct client	*t;
	const char	*why;
	int		 i, notice;

	if (b->nlines == 0) {
		batch_fail(c, "MULTILINE_INVALID", "Batch %s has no lines",
		    b->ref);
		return;
	}
	for (i = 0; i < b->nlines && b->lines[i].text[0] == '\0'; i++)
		;
	if (i == b->nlines) {
		batch_fail(c, "MULTILINE_INVALID", "Batch %s has only blank "
		    "lines", b->ref);
		return;
	}
	label_resume(c, b->label);
	notice = strcmp(b->cmd, "NOTICE") == 0;
	c->last_msg = time(NULL);
	if (name_is_chan(b->target)) {
		if ((ch = channel_find(b->target)) == NULL) {
			if (!notice)
				reply(c, ERR_NOSUCHCHANNEL_MSG,
				    reply_param(b->target), "No such channel");
		} else if ((why = message_refused(ch, c)) != NULL) {
			if (!notice)
				reply(c, ERR_CANNOTSENDTOCHAN_MSG, ch->name,
				    why);
		} else
			batch_deliver(c, b, ch, NULL);
	} else if ((t = user_find(b->target)) == NULL ||
	    !(t->flags & CLIENT_REGISTERED)) {
		if (!notice)
			reply(c, ERR_NOSUCHNICK_MSG, reply_param(b->target));
	} else {
		batch_deliver(c, b, NULL, t);
		if (t->away != NULL && !notice)
			reply(c, RPL_AWAY_MSG, t->nick, t->away);
	}
	batch_free(c);
}

/*
 * Send b to ch's members or to t, and to c with echo-message: all its
 * lines now, in one go, so no other line comes between them for anyone.
 * Those with draft/multiline and batch get a batch under a reference of
 * our own, its start stamped with the time and msgid; the others get
 * the lines but the blank ones, the first with the msgid, each with the
 * time. A room's history keeps the lines its members without the
 * capability saw, each with a msgid of its own, the first's the batch's.
 */
static void
batch_deliver(struct client *c, struct batch *b, struct channel *ch,
    struct client *t)
{
	static unsigned long	 nbatches;
	char			 ref[24], plus[32], start[MSG_LINELEN + 1];
	char			 line[MSG_LINELEN + 1], end[MSG_LINELEN + 1];
	char			 tagged[64 + MSG_LINELEN + 1];
	const char		*name = ch != NULL ? ch->name : t->nick;
	struct chanmsg		 cm, hm;
	struct out		 os, o;
	struct member		*mb;
	struct client		**to;
	const struct batch_line	*l;
	int			 nto = 0, i, j, n, tn, en, first = 1;

	snprintf(ref, sizeof ref, "ml%lu", ++nbatches);
	snprintf(plus, sizeof plus, "+%s", ref);
	channel_msg_init(&cm, ch, c, "BATCH", 3,
	    (const char *[]){ plus, BATCH_TYPE, name });
	cm.ctags = b->ctags;
	if (channel_prepare(&cm, start, sizeof start, &os) != 0) {
		log_warnx("multiline batch from %s to %s does not fit",
		    c->nick, name);
		return;
	}
	en = snprintf(end, sizeof end, ":%s BATCH -%s\r\n", c->prefix, ref);

	to = xcalloc((ch != NULL ? ch->nmembers : 1) + 1, sizeof *to);
	if (ch != NULL) {
		TAILQ_FOREACH(mb, &ch->members, centry) {
			if (mb->client != c)
				to[nto++] = mb->client;
		}
	} else if (t != c)
		to[nto++] = t;
	if (t == c || (c->caps & CAP_ECHO_MESSAGE))
		to[nto++] = c;

	for (j = 0; j < nto; j++) {
		if ((to[j]->caps & BATCH_BOTH) == BATCH_BOTH)
			out_send(to[j], &os);
	}
	for (i = 0; i < b->nlines; i++) {
		l = &b->lines[i];
		n = msg_format(line, sizeof line, c->prefix, b->cmd, 2,
		    (const char *[]){ name, l->text });
		if (n < 0)		/* batch_line() saw that it fits */
			continue;
		tn = snprintf(tagged, sizeof tagged, "@batch=%s%s %s", ref,
		    l->concat ? ";" BATCH_CONCAT : "", line);
		if (l->text[0] != '\0') {
			out_init(&o, line, n, &cm.time, first ? cm.msgid :
			    NULL);
			o.ctags = b->ctags;
			o.bot = (c->flags & CLIENT_BOT) != 0;
		}
		for (j = 0; j < nto; j++) {
			if ((to[j]->caps & BATCH_BOTH) == BATCH_BOTH)
				conn_write(to[j], tagged, tn);
			else if (l->text[0] != '\0')
				out_send(to[j], &o);
		}
		if (l->text[0] == '\0')
			continue;
		if (ch != NULL && ch->history != NULL) {
			channel_msg_init(&hm, ch, c, b->cmd, 2,
			    (const char *[]){ name, l->text });
			hm.time = cm.time;
			hm.ctags = b->ctags;
			if (first)
				memcpy(hm.msgid, cm.msgid, sizeof hm.msgid);
			else
				channel_new_msgid(hm.msgid);
			history_record(ch, &hm, line, n);
		}
		first = 0;
	}
	for (j = 0; j < nto; j++) {
		if ((to[j]->caps & BATCH_BOTH) == BATCH_BOTH)
			conn_write(to[j], end, en);
	}
	free(to);
}

/*
 * BATCH +ref draft/multiline target, or BATCH -ref: a multiline message
 * from a client that negotiated draft/multiline and batch.
 */
int
irc_batch(struct client *c, struct msg *m)
{
	const char	*ref = m->params[0];

	if ((c->caps & BATCH_BOTH) != BATCH_BOTH) {
		reply_fail(c, "BATCH", "MULTILINE_INVALID", "Negotiate batch "
		    "and draft/multiline to send a batch");
		return (0);
	}
	if (ref[0] == '+')
		batch_open(c, m);
	else if (ref[0] == '-')
		batch_close(c, ref + 1);
	else
		reply_fail(c, "BATCH", "MULTILINE_INVALID",
		    "BATCH +ref or BATCH -ref");
	return (0);
}
