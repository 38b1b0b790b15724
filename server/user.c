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
 * Users by nickname: the nick tree, claiming and releasing a nick, the
 * user counts, and what a user says to everyone who shares a channel with
 * it (NICK, QUIT) or to one other user (private messages). Every nick
 * claim and release and every message that is not to a channel goes
 * through here, so a future link between servers can hook in.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natterd.h"

struct nicks	 nicks = RB_INITIALIZER(&nicks);
int		 user_count;		/* registered users */
int		 user_max;		/* the most at once */
int		 user_invisible;	/* of which +i */
int		 user_opers;		/* of which +o */

static unsigned long	 user_mark;

static int	user_fanout(struct chanmsg *, int);
static void	user_set_counted(struct client *, int, int, int *);

static int
user_cmp(struct client *a, struct client *b)
{
	return (name_cmp(a->nick, b->nick));
}
RB_GENERATE(nicks, client, nick_entry, user_cmp);

/* Find the client using nick, registered or not. */
struct client *
user_find(const char *nick)
{
	struct client	 find;

	if (strlen(nick) > NAME_NICKMAX)
		return (NULL);
	snprintf(find.nick, sizeof find.nick, "%s", nick);
	return (RB_FIND(nicks, &nicks, &find));
}

/*
 * Give nick to c, releasing its old one. The caller has checked that the
 * nick is valid; return -1 if another client holds it.
 */
int
user_claim(struct client *c, const char *nick)
{
	struct client	*other;

	if ((other = user_find(nick)) != NULL && other != c)
		return (-1);
	user_release(c);
	snprintf(c->nick, sizeof c->nick, "%s", nick);
	RB_INSERT(nicks, &nicks, c);
	c->flags |= CLIENT_INTREE;
	user_set_prefix(c);
	return (0);
}

/* Take c's nick out of the tree; it keeps the name for messages. */
void
user_release(struct client *c)
{
	if (c->flags & CLIENT_INTREE) {
		RB_REMOVE(nicks, &nicks, c);
		c->flags &= ~CLIENT_INTREE;
	}
}

/* Rebuild nick!user@host, which the server alone puts on c's messages. */
void
user_set_prefix(struct client *c)
{
	free(c->prefix);
	xasprintf(&c->prefix, "%s!%s@%s", c->nick,
	    c->user[0] != '\0' ? c->user : "*", c->host);
}

/* c has just registered: count it. */
void
user_registered(struct client *c)
{
	if (++user_count > user_max)
		user_max = user_count;
	if (c->flags & CLIENT_REMOTE)
		log_debug("registered %s %s on %s", c->uid, c->prefix, c->node);
	else
		log_info("registered %llu %s", (unsigned long long)c->id,
		    c->prefix);
	monitor_tell(c, 1);
}

/* Set or clear a counted user mode flag, keeping its count true. */
static void
user_set_counted(struct client *c, int flag, int on, int *count)
{
	if (!!(c->flags & flag) == !!on)
		return;
	if (on) {
		c->flags |= flag;
		(*count)++;
	} else {
		c->flags &= ~flag;
		(*count)--;
	}
}

/* User mode +o (on set: OPER succeeded) or -o. */
void
user_set_oper(struct client *c, int on)
{
	user_set_counted(c, CLIENT_OPER, on, &user_opers);
}

/* User mode +i (on set) or -i. */
void
user_set_invisible(struct client *c, int on)
{
	user_set_counted(c, CLIENT_INVISIBLE, on, &user_invisible);
}

/*
 * Deliver cm once to every client sharing a channel with its sender, and
 * to the sender itself if self is set: a NICK or QUIT reaches each peer
 * once, however many channels they share. Marks make it one pass over
 * the memberships. Return -1 if it does not fit in a line.
 */
static int
user_fanout(struct chanmsg *cm, int self)
{
	char		 line[MSG_LINELEN + 1];
	struct out	 o;
	struct client	*c = cm->sender;
	struct member	*um, *m;

	if (channel_prepare(cm, line, sizeof line, &o) != 0) {
		log_warnx("%s from %s does not fit", cm->cmd, c->nick);
		return (-1);
	}
	user_mark++;
	c->mark = user_mark;
	if (self)
		out_send(c, &o);
	TAILQ_FOREACH(um, &c->channels, uentry) {
		if (um->channel->history != NULL)
			history_record(um->channel, cm, line, o.len);
		TAILQ_FOREACH(m, &um->channel->members, centry) {
			if (m->client->mark == user_mark)
				continue;
			m->client->mark = user_mark;
			out_send(m->client, &o);
		}
	}
	return (0);
}

/*
 * A registered user takes a new nick, which is valid and free: it and
 * everyone sharing a channel with it see the NICK. A NICK line that
 * cannot be sent changes nothing.
 */
void
user_rename(struct client *c, const char *nick)
{
	struct chanmsg	 cm;

	channel_msg_init(&cm, NULL, c, "NICK", 1, &nick);
	if (user_fanout(&cm, 1) != 0)
		return;
	log_info("nick %s -> %s", c->nick, nick);
	whowas_add(c);
	monitor_tell(c, 0);
	user_claim(c, nick);
	monitor_tell(c, 1);
}

/*
 * A PRIVMSG, NOTICE or TAGMSG (text NULL) from c to the user t, already
 * checked, with the client-only tags ctags (or NULL); c sees its own
 * with echo-message. Return -1 if the line would not fit in 512 bytes
 * with c's prefix.
 */
int
user_message(struct client *c, struct client *t, const char *cmd,
    const char *text, const char *ctags)
{
	char		 line[MSG_LINELEN + 1];
	struct chanmsg	 cm;
	struct out	 o;
	int		 need;

	channel_msg_init(&cm, NULL, c, cmd, text != NULL ? 2 : 1,
	    (const char *[]){ t->nick, text });
	cm.ctags = ctags;
	if (channel_prepare(&cm, line, sizeof line, &o) != 0)
		return (-1);
	/* A TAGMSG (no text) is only for those who asked for tags. */
	need = text == NULL ? CAP_MESSAGE_TAGS : 0;
	if (t->flags & CLIENT_REMOTE) {
		if (cluster_private(&cm, t) == -1)
			return (-1);
	} else if ((t->caps & need) == need)
		out_send(t, &o);
	if ((c->caps & (CAP_ECHO_MESSAGE | need)) ==
	    (CAP_ECHO_MESSAGE | need) && t != c)
		out_send(c, &o);
	return (0);
}

/*
 * WALLOPS text from the operator c to every user with +w: stamped once,
 * like any message to many. Return -1 if it does not fit.
 */
int
user_wallops(struct client *c, const char *text)
{
	char		 line[MSG_LINELEN + 1];
	struct chanmsg	 cm;
	struct out	 o;
	struct client	*t;

	channel_msg_init(&cm, NULL, c, "WALLOPS", 1, &text);
	if (channel_prepare(&cm, line, sizeof line, &o) != 0)
		return (-1);
	RB_FOREACH(t, nicks, &nicks) {
		if (t->flags & CLIENT_WALLOPS)
			out_send(t, &o);
	}
	return (0);
}

/* A registered user leaves: tell its peers once, then leave channels. */
void
user_quit(struct client *c, const char *reason)
{
	char		 text[MSG_LINELEN];
	const char	*cut;
	struct chanmsg	 cm;

	cut = reply_cut(text, sizeof text, reason, sizeof text, c->prefix,
	    "QUIT", 1, NULL);
	cluster_state("quit", c, NULL, "QUIT", 1, &cut, 0, NULL);
	/* Its messages on the bus first: a ghost quits when they are in. */
	if (!server_stopping && cstate_ghost(c, cut)) {
		monitor_clear(c);
		return;
	}
	if (!server_stopping) {
		channel_msg_init(&cm, NULL, c, "QUIT", 1, &cut);
		user_fanout(&cm, 0);
	}
	whowas_add(c);
	monitor_clear(c);
	monitor_tell(c, 0);
	user_part_all(c, 0);
	user_count--;
	if (c->flags & CLIENT_INVISIBLE)
		user_invisible--;
	if (c->flags & CLIENT_OPER)
		user_opers--;
}

/* Leave every channel, announcing a PART in each if announce is set. */
void
user_part_all(struct client *c, int announce)
{
	struct member	*m;
	char		 fold[NAME_CHANLEN + 1];

	while ((m = TAILQ_FIRST(&c->channels)) != NULL) {
		if (announce) {
			channel_send_line(m->channel, c, "PART", 1,
			    (const char *[]){ m->channel->name });
			cluster_state("part", c, m->channel, "PART", 1,
			    (const char *[]){ m->channel->name }, 0, NULL);
		}
		snprintf(fold, sizeof fold, "%s", m->channel->fold);
		channel_remove(m);
		if (!(c->flags & CLIENT_REMOTE))
			cluster_left(fold);
	}
}
