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
 * The replica: the users of other nodes as clients with CLIENT_REMOTE
 * and no connection (anything written to them goes nowhere), in the nick
 * tree and in their channels like any user, so that NAMES, WHO, WHOIS
 * and the rest answer for the whole cluster unchanged. State events are
 * applied here in the order Redis numbered them; a snapshot fills the
 * replica at every (re)sync.
 */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "natterd.h"
#include "cluster.h"

static uint64_t	 cstate_next_id = (uint64_t)1 << 62;

static void	cstate_chanmsg(struct chanmsg *, struct channel *,
		    struct client *, struct msg *, const struct bus_msg *);

/* Strings of a snapshot's flat array, read in order. */
struct cursor {
	redisReply	*a;
	size_t		 i;
	int		 bad;
};

static const char *
cursor_next(struct cursor *k)
{
	if (k->i >= k->a->elements ||
	    k->a->element[k->i]->type != REDIS_REPLY_STRING) {
		k->bad = 1;
		return ("");
	}
	return (k->a->element[k->i++]->str);
}

/*
 * nick is taken cluster-wide: a client here still registering with it
 * loses it (433), as it would have lost the race in Redis anyway.
 */
static int
cstate_bump(const char *nick)
{
	struct client	*o;

	if ((o = user_find(nick)) == NULL)
		return (0);
	if (o->flags & CLIENT_REGISTERED) {
		log_warnx("cluster: %s is taken here too", nick);
		return (-1);
	}
	reply(o, ERR_NICKNAMEINUSE_MSG, nick);
	user_release(o);
	o->nick[0] = '\0';
	return (0);
}

static void
cstate_umodes(struct client *t, const char *m)
{
	user_set_invisible(t, strchr(m, 'i') != NULL);
	user_set_oper(t, strchr(m, 'o') != NULL);
	if (strchr(m, 'w') != NULL)
		t->flags |= CLIENT_WALLOPS;
	else
		t->flags &= ~CLIENT_WALLOPS;
	if (strchr(m, 'B') != NULL)
		t->flags |= CLIENT_BOT;
	else
		t->flags &= ~CLIENT_BOT;
}

/* A user of another node, new to the replica. */
struct client *
cstate_remote(const char *uid, const char *nick, const char *user,
    const char *host, const char *real, const char *node, time_t signon,
    const char *umodes)
{
	struct client	*t;

	if (!bus_uid_valid(uid) || !name_nick_valid(nick, NAME_NICKMAX,
	    NULL) || !bus_node_valid(node) || cluster_find(uid) != NULL ||
	    cstate_bump(nick) != 0)
		return (NULL);
	t = xcalloc(1, sizeof *t);
	t->id = cstate_next_id++;
	t->flags = CLIENT_REGISTERED | CLIENT_REMOTE;
	t->uid = xstrdup(uid);
	t->node = xstrdup(node);
	t->host = xstrdup(host);
	snprintf(t->user, sizeof t->user, "%s", user);
	t->realname = xstrdup(real);
	t->signon = t->last_msg = t->last_rx = signon;
	TAILQ_INIT(&t->channels);
	RB_INSERT(uids, &cluster_uids, t);
	user_claim(t, nick);
	cstate_umodes(t, umodes);
	user_registered(t);
	return (t);
}

/* Out of the nick and uid trees, and freed; its rooms were left. */
static void
cstate_remote_free(struct client *t)
{
	user_release(t);
	RB_REMOVE(uids, &cluster_uids, t);
	free(t->uid);
	free(t->node);
	free(t->host);
	free(t->prefix);
	free(t->realname);
	free(t->away);
	free(t);
}

/* A remote user leaves the replica, its peers here told with reason. */
static void
cstate_remote_quit(struct client *t, const char *reason)
{
	user_quit(t, reason);
	cstate_remote_free(t);
}

/* Quit every remote user of node (all if NULL) with reason. */
static void
cstate_quit_node(const char *node, const char *reason)
{
	struct client	*t, **gone = NULL;
	size_t		 n = 0, i;
	char		 split[2 * BUS_NODELEN + 2];

	RB_FOREACH(t, uids, &cluster_uids) {
		if ((t->flags & CLIENT_REMOTE) &&
		    (node == NULL || strcmp(t->node, node) == 0)) {
			gone = xreallocarray(gone, n + 1, sizeof *gone);
			gone[n++] = t;
		}
	}
	for (i = 0; i < n; i++) {
		if (strcmp(gone[i]->node, conf.node) == 0)
			cstate_remote_quit(gone[i], gone[i]->away != NULL ?
			    gone[i]->away : "Client quit");
		else if (reason == NULL) {
			/* The netsplit form: two server names. */
			snprintf(split, sizeof split, "%s %s", conf.node,
			    gone[i]->node);
			cstate_remote_quit(gone[i], split);
		} else
			cstate_remote_quit(gone[i], reason);
	}
	free(gone);
}

/*
 * The link is gone: users elsewhere quit here, as in a netsplit; our own
 * commands in flight failed, registrations wait for the way back.
 */
void
cstate_split(void)
{
	struct client	*c;
	struct channel	*ch;

	cstate_quit_node(NULL, NULL);
	RB_FOREACH(ch, channels, &channels)
		ch->inflight = 0;
	RB_FOREACH(c, uids, &cluster_uids) {
		if (c->cwait == 0)
			continue;
		if (c->flags & CLIENT_REGISTERED)
			cluster_fail_waits(c);
		else {
			c->cwait = 0;
			c->flags |= CLIENT_HELD;
		}
	}
}

void
cstate_free_all(void)
{
	struct client	*t, *next;

	for (t = RB_MIN(uids, &cluster_uids); t != NULL; t = next) {
		next = RB_NEXT(uids, &cluster_uids, t);
		if (!(t->flags & CLIENT_REMOTE))
			continue;
		user_part_all(t, 0);
		cstate_remote_free(t);
	}
}

/* Deliver an event's line m to ch's members here, stamped with its time. */
void
cstate_deliver(struct channel *ch, struct client *sender, struct msg *m,
    const struct bus_msg *bm)
{
	struct chanmsg	 cm;

	cstate_chanmsg(&cm, ch, sender, m, bm);
	channel_deliver(&cm);
}

/* cm for the event's line m to ch, from sender, at the event's time. */
static void
cstate_chanmsg(struct chanmsg *cm, struct channel *ch,
    struct client *sender, struct msg *m, const struct bus_msg *bm)
{
	memset(cm, 0, sizeof *cm);
	cm->channel = ch;
	cm->sender = sender;
	cm->prefix = m->prefix;
	cm->cmd = m->cmd;
	cm->nparams = m->nparams;
	memcpy(cm->params, m->params, m->nparams * sizeof *m->params);
	cm->time.tv_sec = bm->ms / 1000;
	cm->time.tv_usec = (bm->ms % 1000) * 1000;
}

/* The nick of a prefix nick!user@host, into buf. */
static void
cstate_nick(char *buf, size_t size, const char *prefix)
{
	snprintf(buf, size, "%.*s", (int)strcspn(prefix, "!"), prefix);
}

static void
cstate_flags(struct member *m, const char *flags)
{
	m->flags = 0;
	if (strchr(flags, 'o') != NULL)
		m->flags |= MEMBER_OP;
	if (strchr(flags, 'v') != NULL)
		m->flags |= MEMBER_VOICE;
}

/* A local client's command completes: label, replies, then go on. */
static void
cstate_ours_begin(struct client *c)
{
	cluster_label(c);
}

static void
cstate_ours_end(struct client *c)
{
	label_end(c, 0);
	cluster_applied(c);
}

static void
cstate_user(const struct bus_msg *bm, struct msg *m)
{
	struct client	*t;
	char		 nick[NAME_NICKMAX + 1];
	const char	*user, *host;

	if (bm->nfields != 5 || m->nparams != 4)
		return;
	if ((t = cluster_find(bm->fields[1])) != NULL) {
		if (!(t->flags & CLIENT_REMOTE) &&
		    !(t->flags & CLIENT_REGISTERED) && t->cwait > 0) {
			cstate_ours_begin(t);
			login_welcome(t);
			cstate_ours_end(t);
		}
		return;
	}
	if (cluster_ours(bm->fields[1]))
		return;
	cstate_nick(nick, sizeof nick, m->prefix);
	if ((user = strchr(m->prefix, '!')) == NULL ||
	    (host = strchr(user, '@')) == NULL)
		return;
	user = m->params[0];
	cstate_remote(bm->fields[1], nick, user, host + 1, m->params[3],
	    bm->fields[2], (time_t)strtoll(bm->fields[3], NULL, 10),
	    bm->fields[4]);
}

static void
cstate_nickchange(const struct bus_msg *bm, struct msg *m,
    struct client *t)
{
	const char	*errstr;

	if (m->nparams != 1 || !name_nick_valid(m->params[0], NAME_NICKMAX,
	    &errstr))
		return;
	if (t->flags & CLIENT_REMOTE) {
		if (cstate_bump(m->params[0]) == 0)
			user_rename(t, m->params[0]);
		return;
	}
	if (t->cwait == 0)
		return;
	cstate_ours_begin(t);
	user_rename(t, m->params[0]);
	cstate_ours_end(t);
	(void)bm;
}

static void
cstate_join(const struct bus_msg *bm, struct msg *m, struct client *t)
{
	struct channel	*ch;
	struct member	*mb;
	const char	*errstr;

	if (bm->nfields != 4 || m->nparams < 1 ||
	    !name_chan_valid(m->params[0], &errstr))
		return;
	if ((ch = channel_find(m->params[0])) == NULL) {
		ch = channel_create(m->params[0]);
		ch->created = (time_t)strtoll(bm->fields[3], NULL, 10);
	}
	if (channel_member(ch, t) != NULL) {
		if (!(t->flags & CLIENT_REMOTE) && t->cwait > 0)
			cluster_applied(t);
		return;
	}
	mb = channel_add(ch, t);
	cstate_flags(mb, bm->fields[2]);
	if (t->flags & CLIENT_REMOTE) {
		channel_send_line(ch, t, "JOIN", 1,
		    (const char *[]){ ch->name });
		return;
	}
	cstate_ours_begin(t);
	channel_send_line(ch, t, "JOIN", 1, (const char *[]){ ch->name });
	join_replies(t, ch);
	cstate_ours_end(t);
}

/*
 * A member leaves ch (PART or KICK from another node, or one of ours
 * that waited for its turn on the bus), its line shown here.
 */
static void
cstate_leave(const struct bus_msg *bm, struct msg *m, struct client *from,
    struct client *who)
{
	struct channel	*ch;
	struct member	*mb;
	char		 fold[NAME_CHANLEN + 1];
	int		 wait;

	if (who == NULL || m->nparams < 1 ||
	    (ch = channel_find(m->params[0])) == NULL ||
	    (mb = channel_member(ch, who)) == NULL)
		return;
	wait = from != NULL && !(from->flags & CLIENT_REMOTE) &&
	    from->cwait > 0;
	if (wait)
		cstate_ours_begin(from);
	cstate_deliver(ch, from, m, bm);
	snprintf(fold, sizeof fold, "%s", ch->fold);
	channel_remove(mb);
	if (!(who->flags & CLIENT_REMOTE))
		cluster_left(fold);
	if (wait)
		cstate_ours_end(from);
}

/*
 * c quits with messages of its own still on the bus: they must reach
 * the rooms here before its QUIT does. A ghost (CLIENT_REMOTE, of this
 * node) takes its place until the QUIT event comes back; return 1.
 */
int
cstate_ghost(struct client *c, const char *reason)
{
	struct client	*g;
	struct member	*m;
	int		 busy = 0;

	if (!cluster_on || !cluster_synced() || c->uid == NULL ||
	    (c->flags & CLIENT_REMOTE))
		return (0);
	TAILQ_FOREACH(m, &c->channels, uentry) {
		if (m->channel->inflight > 0)
			busy = 1;
	}
	if (!busy)
		return (0);
	g = xcalloc(1, sizeof *g);
	g->id = c->id;
	g->flags = CLIENT_REGISTERED | CLIENT_REMOTE | (c->flags &
	    (CLIENT_INVISIBLE | CLIENT_OPER | CLIENT_BOT | CLIENT_WALLOPS));
	g->node = xstrdup(conf.node);
	g->host = xstrdup(c->host);
	snprintf(g->user, sizeof g->user, "%s", c->user);
	g->realname = xstrdup(c->realname != NULL ? c->realname : "");
	g->away = xstrdup(reason);	/* a ghost's: its QUIT reason */
	g->signon = g->last_msg = g->last_rx = c->signon;
	TAILQ_INIT(&g->channels);
	while ((m = TAILQ_FIRST(&c->channels)) != NULL) {
		TAILQ_REMOVE(&c->channels, m, uentry);
		m->client = g;
		m->channel->nremote++;
		TAILQ_INSERT_TAIL(&g->channels, m, uentry);
		g->nchannels++;
	}
	c->nchannels = 0;
	RB_REMOVE(uids, &cluster_uids, c);
	g->uid = c->uid;
	c->uid = NULL;
	RB_INSERT(uids, &cluster_uids, g);
	user_release(c);
	user_claim(g, c->nick);
	return (1);
}

static void
cstate_topic(const struct bus_msg *bm, struct msg *m, struct client *t)
{
	struct channel	*ch;
	char		 nick[NAME_NICKMAX + 1];

	int		 wait;

	if (bm->nfields < 3 || m->nparams < 2 ||
	    (ch = channel_find(m->params[0])) == NULL)
		return;
	wait = !(t->flags & CLIENT_REMOTE) && t->cwait > 0;
	if (wait)
		cstate_ours_begin(t);
	cstate_nick(nick, sizeof nick, m->prefix);
	channel_set_topic(ch, m->params[1], nick,
	    (time_t)strtoll(bm->fields[2], NULL, 10));
	cstate_deliver(ch, t, m, bm);
	if (wait)
		cstate_ours_end(t);
}

static void
cstate_mode(const struct bus_msg *bm, struct msg *m, struct client *t)
{
	struct channel	*ch;
	char		 nick[NAME_NICKMAX + 1];

	if (m->nparams < 2 || (ch = channel_find(m->params[0])) == NULL)
		return;
	cstate_nick(nick, sizeof nick, m->prefix);
	mode_apply(ch, nick, m->nparams - 1, (const char *const *)m->params +
	    1);
	cstate_deliver(ch, t, m, bm);
}

static void
cstate_invite(const struct bus_msg *bm, struct msg *m)
{
	struct client	*t;
	struct channel	*ch;
	struct chanmsg	 cm;
	char		 line[MSG_LINELEN + 1];
	int		 n;

	if (bm->nfields != 3 || m->nparams != 2 ||
	    (t = cluster_find(bm->fields[2])) == NULL ||
	    (ch = channel_find(m->params[1])) == NULL)
		return;
	channel_invite(ch, t);
	if (!(t->flags & CLIENT_REMOTE)) {
		n = msg_format(line, sizeof line, m->prefix, m->cmd,
		    m->nparams, (const char *const *)m->params);
		if (n > 0)
			conn_write(t, line, n);
	}
	/* invite-notify here, as irc_invite() does on the inviter's node. */
	cstate_chanmsg(&cm, ch, cluster_find(bm->fields[1]), m, bm);
	cm.caps = CAP_INVITE_NOTIFY;
	cm.flags = CHANMSG_NOTSELF;
	if (ch->modes & CHAN_INVITEONLY)
		cm.flags |= CHANMSG_OPS;
	channel_deliver(&cm);
}

/* One state event, in order. */
void
cstate_apply(const struct bus_msg *bm)
{
	struct msg	 m;
	struct client	*t = NULL, *v;
	char		 copy[BUS_LINELEN + 1];
	const char	*ev = bm->fields[0], *errstr;
	int		 ours = 0;

	snprintf(copy, sizeof copy, "%s", bm->line);
	if (msg_parse(&m, copy, &errstr) != 0 || m.prefix == NULL)
		return;
	if (strcmp(ev, "REAP") == 0) {
		if (bm->nfields != 2 || m.nparams != 2)
			return;
		if (strcmp(bm->fields[1], conf.node) == 0) {
			log_info("cluster: fenced: reaped by %s", m.prefix);
			cluster_split("reaped");
			return;
		}
		cstate_quit_node(bm->fields[1], m.params[1]);
		return;
	}
	if (strcmp(ev, "USER") == 0) {
		cstate_user(bm, &m);
		return;
	}
	if (bm->nfields < 2 || !bus_uid_valid(bm->fields[1]))
		return;
	ours = cluster_ours(bm->fields[1]);
	t = cluster_find(bm->fields[1]);
	/*
	 * Ours were done here before they were published, but for those
	 * that waited for the bus: a PART or KICK whose member is still
	 * here, a QUIT whose ghost is.
	 */
	if (strcmp(ev, "NICK") == 0 && t != NULL)
		cstate_nickchange(bm, &m, t);
	else if (strcmp(ev, "JOIN") == 0 && t != NULL)
		cstate_join(bm, &m, t);
	else if (strcmp(ev, "PART") == 0)
		cstate_leave(bm, &m, t, t);
	else if (strcmp(ev, "KICK") == 0) {
		if (bm->nfields == 3 && (v = cluster_find(bm->fields[2])) !=
		    NULL)
			cstate_leave(bm, &m, t, v);
	} else if (strcmp(ev, "TOPIC") == 0 && t != NULL && ours &&
	    bm->nfields == 4 && strcmp(bm->fields[3], "w") == 0)
		cstate_topic(bm, &m, t);	/* ours, waiting for the bus */
	else if (t == NULL || !(t->flags & CLIENT_REMOTE))
		return;
	else if (strcmp(ev, "QUIT") == 0)
		cstate_remote_quit(t, m.nparams > 0 ? m.params[0] : "");
	else if (ours)
		return;
	else if (strcmp(ev, "TOPIC") == 0)
		cstate_topic(bm, &m, t);
	else if (strcmp(ev, "MODE") == 0)
		cstate_mode(bm, &m, t);
	else if (strcmp(ev, "AWAY") == 0) {
		free(t->away);
		t->away = m.nparams > 0 && m.params[0][0] != '\0' ?
		    xstrdup(m.params[0]) : NULL;
	} else if (strcmp(ev, "UMODE") == 0 && bm->nfields == 3)
		cstate_umodes(t, bm->fields[2]);
	else if (strcmp(ev, "INVITE") == 0)
		cstate_invite(bm, &m);
}

/* Flag modes from their letters. */
static int
cstate_cmodes(const char *s)
{
	int	 modes = 0;

	for (; *s != '\0'; s++) {
		switch (*s) {
		case 'i': modes |= CHAN_INVITEONLY; break;
		case 'm': modes |= CHAN_MODERATED; break;
		case 'n': modes |= CHAN_NOEXTERNAL; break;
		case 'p': modes |= CHAN_PRIVATE; break;
		case 's': modes |= CHAN_SECRET; break;
		case 't': modes |= CHAN_TOPICLOCK; break;
		}
	}
	return (modes);
}

/* One channel of a snapshot: Redis's state wins; new members JOIN here. */
static void
cstate_snap_chan(struct cursor *k)
{
	struct channel	*ch;
	struct member	*mb;
	struct client	*t;
	const char	*fold, *name, *v[7], *uid, *flags, *errstr;
	long		 n, i;
	int		 l;
	static const int lists[3] = { LIST_BAN, LIST_EXCEPT, LIST_INVEX };
	char		 mask[NATTERD_MASKLEN + 1];

	fold = cursor_next(k);
	name = cursor_next(k);
	for (i = 0; i < 7; i++)
		v[i] = cursor_next(k);
	if (k->bad)
		return;
	if (!name_chan_valid(name, &errstr)) {
		k->bad = 1;
		return;
	}
	if ((ch = channel_find(name)) == NULL)
		ch = channel_create(name);
	(void)fold;
	ch->created = (time_t)strtoll(v[0], NULL, 10);
	channel_set_modes(ch, cstate_cmodes(v[1]));
	channel_set_key(ch, v[2][0] != '\0' ? v[2] : NULL);
	channel_set_limit(ch, atoi(v[3]));
	channel_set_topic(ch, v[4], v[5], (time_t)strtoll(v[6], NULL, 10));
	n = strtol(cursor_next(k), NULL, 10);
	for (i = 0; i < n && !k->bad; i++) {
		uid = cursor_next(k);
		flags = cursor_next(k);
		if ((t = cluster_find(uid)) == NULL)
			continue;
		if ((mb = channel_member(ch, t)) == NULL) {
			mb = channel_add(ch, t);
			cstate_flags(mb, flags);
			channel_send_line(ch, t, "JOIN", 1,
			    (const char *[]){ ch->name });
		} else
			cstate_flags(mb, flags);
	}
	for (l = 0; l < 3 && !k->bad; l++) {
		while (ch->nmasks[lists[l]] > 0) {
			snprintf(mask, sizeof mask, "%s",
			    ch->masks[lists[l]][0].mask);
			channel_list_del(ch, lists[l], mask, sizeof mask);
		}
		n = strtol(cursor_next(k), NULL, 10);
		for (i = 0; i < n && !k->bad; i++) {
			const char *m = cursor_next(k), *who = cursor_next(k);
			char	 whonick[NAME_NICKMAX + 1];

			cstate_nick(whonick, sizeof whonick, who);
			whonick[strcspn(whonick, " ")] = '\0';
			channel_list_add(ch, lists[l], m, whonick);
		}
	}
	n = strtol(cursor_next(k), NULL, 10);
	for (i = 0; i < n && !k->bad; i++) {
		uid = cursor_next(k);
		(void)cursor_next(k);
		if ((t = cluster_find(uid)) != NULL)
			channel_invite(ch, t);
	}
}

/*
 * The snapshot {seq, users, channels} as cluster.lua's snap makes it,
 * read after our burst: every user of another node and every room.
 */
int
cstate_snapshot(redisReply *rep)
{
	struct cursor	 k;
	const char	*v[9];
	int		 i;

	k.a = rep->element[1];
	k.i = 0;
	k.bad = 0;
	while (k.i < k.a->elements && !k.bad) {
		for (i = 0; i < 9; i++)
			v[i] = cursor_next(&k);
		if (k.bad || cluster_ours(v[0]) || cluster_find(v[0]) != NULL)
			continue;
		if ((cstate_remote(v[0], v[1], v[2], v[3], v[4], v[5],
		    (time_t)strtoll(v[6], NULL, 10), v[7])) != NULL &&
		    v[8][0] != '\0')
			cluster_find(v[0])->away = xstrdup(v[8]);
	}
	if (k.bad)
		return (-1);
	k.a = rep->element[2];
	k.i = 0;
	while (k.i < k.a->elements && !k.bad)
		cstate_snap_chan(&k);
	return (k.bad ? -1 : 0);
}
