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
 * What commands do in a cluster: messages through the bus and back,
 * the operations a client waits for, and the changes made here that
 * are then published (the state script's ops, cluster.lua).
 */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "natterd.h"
#include "cluster.h"

static uint64_t	 cbus_oseq;	/* our M and P, for gaps */

static int	cluster_publish_state(const char *, struct client *,
		    struct channel *, const char *, int, const char *const *,
		    int, const char *const *, redis_cb, void *);

/* Header fields of M and P: msgid, the sender's uid, tags, flags. */
static void
cluster_header(struct bus_msg *bm, char kind, const struct chanmsg *cm,
    const char *target)
{
	struct client	*c = cm->sender;
	int		 i = 0;

	memset(bm, 0, sizeof *bm);
	bm->kind = kind;
	snprintf(bm->origin, sizeof bm->origin, "%s", conf.node);
	bm->seq = ++cbus_oseq;
	bm->ms = (int64_t)cm->time.tv_sec * 1000 + cm->time.tv_usec / 1000;
	if (target != NULL)
		bm->fields[i++] = target;
	bm->fields[i++] = cm->msgid;
	bm->fields[i++] = c != NULL && c->uid != NULL ? c->uid : "-";
	bm->fields[i++] = cm->ctags != NULL && cm->ctags[0] != '\0' ?
	    cm->ctags : "-";
	bm->fields[i++] = (cm->flags & CHANMSG_OPS) ? "o" : "-";
	bm->nfields = i;
}

/* PUBLISH what cm makes, stamped, to channel; -1 if it does not fit. */
static int
cluster_publish(const char *channel, struct chanmsg *cm, char kind,
    const char *target)
{
	char		 line[MSG_LINELEN + 1], buf[BUS_MAXLEN + 1];
	struct out	 o;
	struct bus_msg	 bm;
	int		 n;

	if (channel_prepare(cm, line, sizeof line, &o) != 0)
		return (-1);
	line[o.len - 2] = '\0';		/* no CR LF on the bus */
	cluster_header(&bm, kind, cm, target);
	bm.line = line;
	if ((n = bus_format(buf, sizeof buf, &bm)) < 0) {
		log_warnx("cluster: a %s does not fit the bus", cm->cmd);
		return (-1);
	}
	cluster_publish_raw(channel, buf, (size_t)n);
	return (0);
}

/*
 * A message to a room: through the bus when it has members elsewhere, or
 * when messages of ours to it are still on the bus (not to pass them).
 * Return 1 if it went, -1 if it does not fit, 0 to deliver it here now.
 */
int
cluster_channel_message(struct chanmsg *cm)
{
	struct channel	*ch = cm->channel;
	char		*chan;
	int		 rv;

	if (!cluster_on || !cluster_synced() ||
	    (ch->nremote == 0 && ch->inflight == 0))
		return (0);
	xasprintf(&chan, "%s:c:%s", conf.cluster_prefix, ch->fold);
	rv = cluster_publish(chan, cm, BUS_MESSAGE, NULL);
	free(chan);
	if (rv != 0)
		return (-1);
	/*
	 * From outside a room (-n) with no member here: nothing comes back
	 * to this node; echo it now.
	 */
	if (!cluster_local_members(ch) || !cluster_hears(ch->fold))
		return (0);
	ch->inflight++;
	return (1);
}

/* A message to a user on another node; c sees it with echo-message. */
int
cluster_private(struct chanmsg *cm, struct client *t)
{
	char	*chan;
	int	 rv;

	if (!cluster_synced())
		return (-2);
	xasprintf(&chan, "%s:n:%s", conf.cluster_prefix, t->node);
	rv = cluster_publish(chan, cm, BUS_PRIVATE, t->uid);
	free(chan);
	return (rv);
}

/* The sender's part of a bus message: its uid's client, if known. */
static struct client *
cluster_sender(const struct bus_msg *bm, int at)
{
	if (strcmp(bm->fields[at], "-") == 0 ||
	    !bus_uid_valid(bm->fields[at]))
		return (NULL);
	return (cluster_find(bm->fields[at]));
}

/* Fill cm from a bus message's line (parsed into m) and header. */
static int
cluster_chanmsg(struct chanmsg *cm, struct msg *m, char *copy,
    const struct bus_msg *bm, int at)
{
	const char	*errstr;

	snprintf(copy, MSG_LINELEN + 1, "%s", bm->line);
	if (msg_parse(m, copy, &errstr) != 0 || m->prefix == NULL ||
	    m->nparams < 1)
		return (-1);
	memset(cm, 0, sizeof *cm);
	cm->sender = cluster_sender(bm, at + 1);
	cm->prefix = m->prefix;
	cm->cmd = m->cmd;
	cm->nparams = m->nparams;
	memcpy(cm->params, m->params, m->nparams * sizeof *m->params);
	cm->time.tv_sec = bm->ms / 1000;
	cm->time.tv_usec = (bm->ms % 1000) * 1000;
	snprintf(cm->msgid, sizeof cm->msgid, "%s", bm->fields[at]);
	if (strcmp(bm->fields[at + 2], "-") != 0)
		cm->ctags = bm->fields[at + 2];
	if (strcmp(m->cmd, "TAGMSG") == 0)
		cm->caps = CAP_MESSAGE_TAGS;
	return (0);
}

/* A room's message came back: deliver it to the members here. */
void
cbus_message(const struct bus_msg *bm)
{
	struct chanmsg	 cm;
	struct msg	 m;
	struct channel	*ch;
	char		 copy[MSG_LINELEN + 1];

	if (bm->nfields != 4 || cluster_chanmsg(&cm, &m, copy, bm, 0) != 0)
		return;
	if ((ch = channel_find(m.params[0])) == NULL)
		return;
	if (strcmp(bm->origin, conf.node) == 0 && ch->inflight > 0)
		ch->inflight--;
	/* From a user no node has: a fenced node's, not yet resynced. */
	if (cm.sender == NULL && strcmp(bm->fields[1], "-") != 0)
		return;
	cm.channel = ch;
	cm.flags = CHANMSG_ECHO;
	if (strcmp(bm->fields[3], "o") == 0)
		cm.flags |= CHANMSG_OPS;
	channel_deliver(&cm);
}

/* A whisper for a user here; one for a user gone is bounced as 401. */
void
cbus_whisper(const struct bus_msg *bm)
{
	struct chanmsg	 cm, bounce;
	struct msg	 m;
	struct client	*t, *from;
	struct out	 o;
	char		 copy[MSG_LINELEN + 1], line[MSG_LINELEN + 1];
	char		*chan;

	if (bm->nfields != 5 || cluster_chanmsg(&cm, &m, copy, bm, 1) != 0)
		return;
	if (cm.sender == NULL && strcmp(bm->fields[2], "-") != 0)
		return;
	if ((t = cluster_find(bm->fields[0])) != NULL &&
	    !(t->flags & CLIENT_REMOTE)) {
		if (channel_prepare(&cm, line, sizeof line, &o) != 0)
			return;
		if (cm.caps == 0 || (t->caps & cm.caps))
			out_send(t, &o);
		return;
	}
	/* Only a PRIVMSG is answered, as without a cluster. */
	from = cm.sender;
	if (strcmp(m.cmd, "PRIVMSG") != 0 || from == NULL ||
	    from->node == NULL || strcmp(m.params[0], "*") == 0)
		return;
	memset(&bounce, 0, sizeof bounce);
	bounce.prefix = conf.name;
	bounce.cmd = "401";
	bounce.nparams = 3;
	bounce.params[0] = from->nick;
	bounce.params[1] = m.params[0];
	bounce.params[2] = "No such nick/channel";
	xasprintf(&chan, "%s:n:%s", conf.cluster_prefix, from->node);
	cluster_publish(chan, &bounce, BUS_PRIVATE, from->uid);
	free(chan);
}

/* --- Operations that wait for Redis ------------------------------- */

/* c waits for one answer more: its input is held until they come. */
void
cluster_wait(struct client *c, const char *cmd)
{
	if (c->cwait++ == 0) {
		c->cwait_cmd = cmd;
		label_defer(c, c->cwait_label, sizeof c->cwait_label);
		conn_hold(c);
	}
}

/* One answer c waited for came: the last lets it go on. */
void
cluster_done(struct client *c)
{
	if (c->cwait == 0 || --c->cwait > 0)
		return;
	c->cwait_label[0] = '\0';
	if (!(c->flags & CLIENT_HELD))
		conn_resume(c);
}

/* Complete what c waited for: the event about it is being applied. */
void
cluster_applied(struct client *c)
{
	cluster_done(c);
}

/* Before the replies to what c waited for, put its label back. */
void
cluster_label(struct client *c)
{
	if (c->cwait == 1 && c->cwait_label[0] != '\0') {
		label_resume(c, c->cwait_label);
		c->cwait_label[0] = '\0';
	}
}

/* The link went before the answers came: the command failed. */
void
cluster_fail_waits(struct client *c)
{
	if (c->cwait == 0)
		return;
	if (c->flags & CLIENT_REGISTERED)
		reply_fail(c, c->cwait_cmd, "TEMPORARILY_UNAVAILABLE",
		    "The cluster is unavailable, try again");
	c->cwait = 1;
	cluster_done(c);
}

/* The uid tree holds c from its first claim on; c's connection went. */
void
cluster_forget(struct client *c)
{
	char	 line[MSG_LINELEN + 1];
	int	 n;

	if (c->uid == NULL || (c->flags & CLIENT_REMOTE))
		return;
	/*
	 * Gone while Redis registers it: the user Redis makes must quit
	 * (the script runs after the registration, in order).
	 */
	if (!(c->flags & CLIENT_REGISTERED) && c->cwait > 0 &&
	    cluster_synced() && (n = msg_formatl(line, sizeof line,
	    c->prefix, "QUIT", "Client quit", (char *)NULL)) > 0) {
		line[n - 2] = '\0';
		cluster_eval(NULL, NULL, "quit", 2,
		    (const char *[]){ c->uid, line });
	}
	RB_REMOVE(uids, &cluster_uids, c);
	free(c->uid);
	c->uid = NULL;
}

static void
cluster_reg_cb(struct redis *r, redisReply *rep, void *arg)
{
	struct client	*c;
	char		*uid = arg;

	(void)r;
	c = cluster_find(uid);
	free(uid);
	if (rep == NULL || c == NULL)
		return;
	switch (cluster_answer(rep, "reg")) {
	case 0:
		reply(c, ERR_NICKNAMEINUSE_MSG, c->nick);
		user_release(c);
		c->nick[0] = '\0';
		cluster_done(c);
		break;
	case 1:
		break;		/* the USER event completes it */
	}
}

/*
 * c has NICK and USER: claim its nick in Redis. The USER event that
 * comes back registers it, on every node; until then, and while out of
 * sync, its input is held.
 */
void
cluster_register(struct client *c)
{
	char	 fold[NAME_NICKMAX + 1], signon[24], umodes[8];

	if (c->uid == NULL) {
		xasprintf(&c->uid, "%s.%llu", cluster_inc,
		    (unsigned long long)c->id);
		RB_INSERT(uids, &cluster_uids, c);
	}
	if (!cluster_synced()) {
		if (!(c->flags & CLIENT_HELD)) {
			c->flags |= CLIENT_HELD;
			conn_hold(c);
		}
		return;
	}
	cluster_wait(c, "NICK");
	name_fold(fold, c->nick, sizeof fold);
	snprintf(signon, sizeof signon, "%lld", (long long)c->signon);
	cluster_umodes(c, umodes, sizeof umodes);
	cluster_eval(cluster_reg_cb, xstrdup(c->uid), "reg", 8,
	    (const char *[]){ c->uid, fold, c->nick, c->user, c->host,
	    c->realname, signon, umodes });
}

static void
cluster_nick_cb(struct redis *r, redisReply *rep, void *arg)
{
	struct client	*c;
	char		*a = arg;

	(void)r;
	c = cluster_find(a);
	if (rep != NULL && c != NULL && cluster_answer(rep, "nick") == 0) {
		reply(c, ERR_NICKNAMEINUSE_MSG, a + strlen(a) + 1);
		cluster_done(c);
	}
	free(a);
}

/* A registered c takes nick: once Redis says it is free. */
void
cluster_nick(struct client *c, const char *nick)
{
	char	 fold[NAME_NICKMAX + 1], line[MSG_LINELEN + 1], *a;
	size_t	 len = strlen(c->uid);
	int	 n;

	n = msg_formatl(line, sizeof line, c->prefix, "NICK", nick,
	    (char *)NULL);
	if (n < 0)
		return;
	line[n - 2] = '\0';
	name_fold(fold, nick, sizeof fold);
	a = xmalloc(len + strlen(nick) + 2);
	memcpy(a, c->uid, len + 1);
	memcpy(a + len + 1, nick, strlen(nick) + 1);
	cluster_wait(c, "NICK");
	cluster_eval(cluster_nick_cb, a, "nick", 4,
	    (const char *[]){ c->uid, fold, line, nick });
}

/* --- Operations done here, then published ------------------------- */

/* c's user modes changed (change, as "+i-w"): the replicas follow. */
void
cluster_umode(struct client *c, const char *change)
{
	char	 modes[8];

	cluster_umodes(c, modes, sizeof modes);
	cluster_state("umode", c, NULL, "MODE", 2, (const char *[]){ c->nick,
	    change }, 1, (const char *[]){ modes });
}

static void
cluster_state_cb(struct redis *r, redisReply *rep, void *arg)
{
	(void)r;
	if (rep != NULL)
		cluster_answer(rep, arg);
}

/* Does a change to ch wait for its turn on the bus (members elsewhere)? */
int
cluster_bus_mode(struct channel *ch)
{
	return (cluster_on && cluster_synced() &&
	    (ch->nremote > 0 || ch->inflight > 0));
}

static void
cluster_deferred_cb(struct redis *r, redisReply *rep, void *arg)
{
	struct client	*c;

	(void)r;
	c = cluster_find(arg);
	free(arg);
	if (rep != NULL && c != NULL && cluster_answer(rep, "deferred") == 0)
		cluster_done(c);
}

/*
 * As cluster_state(), for a change not made here yet: c waits, and the
 * change is made on every node, this one too, when its event is back,
 * after what is still on the bus for the room.
 */
void
cluster_deferred(const char *op, struct client *c, struct channel *ch,
    const char *cmd, int nparams, const char *const *params, int nextra,
    const char *const *extra)
{
	char	*uid = xstrdup(c->uid);

	cluster_wait(c, cmd);
	if (cluster_publish_state(op, c, ch, cmd, nparams, params, nextra,
	    extra, cluster_deferred_cb, uid) != 0) {
		free(uid);
		cluster_done(c);
	}
}

/*
 * Publish a change already made here: op for the script, c's uid, ch's
 * fold if any, the line "cmd params" from c, then the op's extra args.
 * Out of sync nothing goes: the burst tells Redis what became of ours.
 */
void
cluster_state(const char *op, struct client *c, struct channel *ch,
    const char *cmd, int nparams, const char *const *params, int nextra,
    const char *const *extra)
{
	if (!cluster_on || !cluster_synced() || c->uid == NULL ||
	    (c->flags & CLIENT_REMOTE))
		return;
	(void)cluster_publish_state(op, c, ch, cmd, nparams, params, nextra,
	    extra, cluster_state_cb, (void *)op);
}

static int
cluster_publish_state(const char *op, struct client *c, struct channel *ch,
    const char *cmd, int nparams, const char *const *params, int nextra,
    const char *const *extra, redis_cb cb, void *arg)
{
	const char	*argv[256];
	char		 line[MSG_LINELEN + 1];
	int		 n, argc = 0, i;

	if ((n = msg_format(line, sizeof line, c->prefix, cmd, nparams,
	    params)) < 0)
		return (-1);
	line[n - 2] = '\0';
	if (nextra > (int)(sizeof argv / sizeof *argv) - 3)
		fatalx("cluster_state: %d extra arguments", nextra);
	argv[argc++] = c->uid;
	if (ch != NULL)
		argv[argc++] = ch->fold;
	argv[argc++] = line;
	for (i = 0; i < nextra; i++)
		argv[argc++] = extra[i];
	cluster_eval(cb, arg, op, argc, argv);
	return (0);
}
