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

/* Channel commands: JOIN, PART, TOPIC, NAMES, LIST and KICK. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natterd.h"

static void	chan_topic_reply(struct client *, struct channel *);
static void	names_all(struct client *);
static int	join_refused(struct client *, struct channel *, const char *);

static void
chan_topic_reply(struct client *c, struct channel *ch)
{
	if (ch->topic == NULL) {
		reply(c, RPL_NOTOPIC_MSG, ch->name);
		return;
	}
	reply(c, RPL_TOPIC_MSG, ch->name, ch->topic);
	reply(c, RPL_TOPICWHOTIME_MSG, ch->name, ch->topic_who,
	    (long long)ch->topic_time);
}

/* What a joiner gets after its JOIN: the topic, the names, history. */
void
join_replies(struct client *c, struct channel *ch)
{
	if (ch->topic != NULL)
		chan_topic_reply(c, ch);
	channel_names(c, ch);
	history_replay(c, ch);
}

/*
 * Whether ch keeps c out (+b, +i, +k, +l), answering why. IRC operators
 * pass, as in ngIRCd; that is logged.
 */
static int
join_refused(struct client *c, struct channel *ch, const char *key)
{
	char	 why;

	if (channel_banned(ch, c))
		why = 'b';
	else if ((ch->modes & CHAN_INVITEONLY) && !channel_invited(ch, c))
		why = 'i';
	else if (ch->key != NULL && (key == NULL || strcmp(key, ch->key) != 0))
		why = 'k';
	else if (ch->limit > 0 && ch->nmembers >= ch->limit)
		why = 'l';
	else
		return (0);
	if (channel_can_op(ch, NULL, c, "JOIN"))
		return (0);
	if (why == 'b')
		reply(c, ERR_BANNEDFROMCHAN_MSG, ch->name);
	else if (why == 'i')
		reply(c, ERR_INVITEONLYCHAN_MSG, ch->name);
	else if (why == 'k')
		reply(c, ERR_BADCHANNELKEY_MSG, ch->name);
	else
		reply(c, ERR_CHANNELISFULL_MSG, ch->name);
	return (1);
}

/* JOIN #a,#b [key,key] or JOIN 0. */
int
irc_join(struct client *c, struct msg *m)
{
	char		*name, *last, *key, *keys;
	const char	*errstr;
	struct channel	*ch;
	int		 count = 0;

	if (strcmp(m->params[0], "0") == 0) {
		user_part_all(c, 1);
		return (0);
	}
	keys = m->nparams > 1 ? m->params[1] : NULL;
	for (name = strtok_r(m->params[0], ",", &last); name != NULL;
	    name = strtok_r(NULL, ",", &last)) {
		count++;
		/* The keys pair with the channels in order. */
		key = keys != NULL ? strsep(&keys, ",") : NULL;
		if (!name_chan_valid(name, &errstr)) {
			reply(c, ERR_NOSUCHCHANNEL_MSG, reply_param(name),
			    errstr);
			continue;
		}
		ch = channel_find(name);
		if (ch != NULL && channel_member(ch, c) != NULL)
			continue;
		if (c->nchannels >= conf.max_channels) {
			reply(c, ERR_TOOMANYCHANNELS_MSG, name);
			continue;
		}
		if (ch != NULL && join_refused(c, ch, key))
			continue;
		if (cluster_on) {
			/* Done when Redis has it: cluster-state.c. */
			if (!cluster_refuse(c, "JOIN"))
				cluster_join(c, ch != NULL ? ch->name : name);
			continue;
		}
		if (ch == NULL)
			ch = channel_create(name);
		channel_add(ch, c);
		channel_send_line(ch, c, "JOIN", 1,
		    (const char *[]){ ch->name });
		join_replies(c, ch);
	}
	if (count == 0)		/* only commas */
		reply(c, ERR_NEEDMOREPARAMS_MSG, "JOIN");
	return (0);
}

/*
 * INVITE nick #channel: to a channel you are in, by an operator if it is
 * +i; the invitation lets nick past +i once.
 */
int
irc_invite(struct client *c, struct msg *m)
{
	struct client	*t;
	struct channel	*ch;
	struct member	*mb;
	struct chanmsg	 cm;
	char		 line[MSG_LINELEN + 1];
	int		 n;

	if ((t = user_find(m->params[0])) == NULL ||
	    !(t->flags & CLIENT_REGISTERED)) {
		reply(c, ERR_NOSUCHNICK_MSG, reply_param(m->params[0]));
		return (0);
	}
	if ((ch = channel_find(m->params[1])) == NULL) {
		reply(c, ERR_NOSUCHCHANNEL_MSG, reply_param(m->params[1]),
		    "No such channel");
		return (0);
	}
	if ((mb = channel_member(ch, c)) == NULL) {
		reply(c, ERR_NOTONCHANNEL_MSG, ch->name);
		return (0);
	}
	if ((ch->modes & CHAN_INVITEONLY) &&
	    !channel_can_op(ch, mb, c, "INVITE")) {
		reply(c, ERR_CHANOPRIVSNEEDED_MSG, ch->name);
		return (0);
	}
	if (channel_member(ch, t) != NULL) {
		reply(c, ERR_USERONCHANNEL_MSG, t->nick, ch->name);
		return (0);
	}
	if (cluster_refuse(c, "INVITE"))
		return (0);
	channel_invite(ch, t);
	if (t->uid != NULL)
		cluster_state("invite", c, ch, "INVITE", 2,
		    (const char *[]){ t->nick, ch->name }, 1,
		    (const char *[]){ t->uid });
	reply(c, RPL_INVITING_MSG, t->nick, ch->name);
	if (t->away != NULL)
		reply(c, RPL_AWAY_MSG, t->nick, t->away);
	n = msg_formatl(line, sizeof line, c->prefix, "INVITE", t->nick,
	    ch->name, (char *)NULL);
	if (n > 0)
		conn_write(t, line, n);
	/*
	 * invite-notify: the members who could invite too hear of it, as
	 * InspIRCd does: on a +i channel the operators, else everyone.
	 */
	channel_msg_init(&cm, ch, c, "INVITE", 2, (const char *[]){ t->nick,
	    ch->name });
	cm.caps = CAP_INVITE_NOTIFY;
	cm.flags = CHANMSG_NOTSELF;
	if (ch->modes & CHAN_INVITEONLY)
		cm.flags |= CHANMSG_OPS;
	channel_deliver(&cm);
	return (0);
}

/* PART #a,#b [:reason] */
int
irc_part(struct client *c, struct msg *m)
{
	char		*name, *last;
	const char	*reason = NULL;
	struct channel	*ch;
	struct member	*mb;
	char		 cut[NATTERD_KICKLEN + 1], fold[NAME_CHANLEN + 1];
	int		 count = 0;

	for (name = strtok_r(m->params[0], ",", &last); name != NULL;
	    name = strtok_r(NULL, ",", &last)) {
		count++;
		if ((ch = channel_find(name)) == NULL) {
			reply(c, ERR_NOSUCHCHANNEL_MSG, reply_param(name),
			    "No such channel");
			continue;
		}
		if ((mb = channel_member(ch, c)) == NULL) {
			reply(c, ERR_NOTONCHANNEL_MSG, ch->name);
			continue;
		}
		if (m->nparams > 1 && m->params[1][0] != '\0')
			reason = reply_cut(cut, sizeof cut, m->params[1],
			    NATTERD_KICKLEN, c->prefix, "PART", 2,
			    (const char *[]){ ch->name, NULL });
		if (cluster_bus_mode(ch)) {
			/* After what is on the bus: done when it is back. */
			cluster_deferred("part", c, ch, "PART",
			    reason != NULL ? 2 : 1,
			    (const char *[]){ ch->name, reason }, 0, NULL);
			continue;
		}
		channel_send_line(ch, c, "PART", reason != NULL ? 2 : 1,
		    (const char *[]){ ch->name, reason });
		cluster_state("part", c, ch, "PART", reason != NULL ? 2 : 1,
		    (const char *[]){ ch->name, reason }, 0, NULL);
		snprintf(fold, sizeof fold, "%s", ch->fold);
		channel_remove(mb);
		cluster_left(fold);
	}
	if (count == 0)
		reply(c, ERR_NEEDMOREPARAMS_MSG, "PART");
	return (0);
}

/* TOPIC #chan shows the topic; TOPIC #chan :text sets it (or clears). */
int
irc_topic(struct client *c, struct msg *m)
{
	struct channel	*ch;
	struct member	*mb;
	struct chanmsg	 cm;
	struct timeval	 now;
	char		 text[NATTERD_TOPICLEN + 1], when[24];

	if ((ch = channel_find(m->params[0])) == NULL) {
		reply(c, ERR_NOSUCHCHANNEL_MSG, reply_param(m->params[0]),
		    "No such channel");
		return (0);
	}
	if (m->nparams < 2) {
		if (channel_hidden(ch, c, CHAN_SECRET))
			reply(c, ERR_NOTONCHANNEL_MSG, ch->name);
		else
			chan_topic_reply(c, ch);
		return (0);
	}
	if ((mb = channel_member(ch, c)) == NULL && !(c->flags & CLIENT_OPER)) {
		reply(c, ERR_NOTONCHANNEL_MSG, ch->name);
		return (0);
	}
	if ((mb == NULL || (ch->modes & CHAN_TOPICLOCK)) &&
	    !channel_can_op(ch, mb, c, "TOPIC")) {
		reply(c, ERR_CHANOPRIVSNEEDED_MSG, ch->name);
		return (0);
	}
	if (cluster_refuse(c, "TOPIC"))
		return (0);
	/* Cut to what the TOPIC line to the channel can carry. */
	reply_cut(text, sizeof text, m->params[1], NATTERD_TOPICLEN,
	    c->prefix, "TOPIC", 2, (const char *[]){ ch->name, NULL });
	if (cluster_bus_mode(ch)) {
		/* After what is on the bus: set when it is back. */
		snprintf(when, sizeof when, "%lld", (long long)time(NULL));
		cluster_deferred("topic", c, ch, "TOPIC", 2,
		    (const char *[]){ ch->name, text }, 4,
		    (const char *[]){ text, c->nick, when, "w" });
		return (0);
	}
	/* One clock for the topic's time (333) and the TOPIC line's. */
	evutil_gettimeofday(&now, NULL);
	channel_set_topic(ch, text, c->nick, now.tv_sec);
	channel_msg_init(&cm, ch, c, "TOPIC", 2, (const char *[]){ ch->name,
	    ch->topic != NULL ? ch->topic : "" });
	cm.time = now;
	(void)channel_deliver(&cm);	/* it fits: the text was cut */
	snprintf(when, sizeof when, "%lld", (long long)now.tv_sec);
	cluster_state("topic", c, ch, "TOPIC", 2, (const char *[]){ ch->name,
	    ch->topic != NULL ? ch->topic : "" }, 3, (const char *[]){
	    ch->topic != NULL ? ch->topic : "", c->nick, when });
	return (0);
}

/*
 * NAMES #a,#b; without a channel, every channel c can see (RFC 2812).
 * A missing channel gets just the 366, as in RFC 2812 and ngIRCd.
 */
int
irc_names(struct client *c, struct msg *m)
{
	char		*name, *last;
	struct channel	*ch;
	int		 count = 0;

	if (m->nparams < 1 || m->params[0][0] == '\0') {
		names_all(c);
		return (0);
	}
	for (name = strtok_r(m->params[0], ",", &last); name != NULL;
	    name = strtok_r(NULL, ",", &last)) {
		count++;
		if ((ch = channel_find(name)) != NULL)
			channel_names(c, ch);
		else
			reply(c, RPL_ENDOFNAMES_MSG, reply_param(name));
	}
	if (count == 0)
		reply(c, RPL_ENDOFNAMES_MSG, "*");
	return (0);
}

static void
names_none_flush(struct words *w)
{
	reply(w->c, RPL_NAMREPLYNONE_MSG, w->buf);
}

/*
 * NAMES without a channel: the members of every channel c can see, then
 * as "*" the users c can see who are in none of those, then one 366.
 * Secret and private channels (+s, +p) are left out, as RFC 2812 says,
 * but for their members and IRC operators.
 */
static void
names_all(struct client *c)
{
	struct channel	*ch;
	struct client	*t;
	struct member	*mb;
	struct words	 w;
	int		 hide = CHAN_SECRET | CHAN_PRIVATE;

	RB_FOREACH(ch, channels, &channels) {
		if (!channel_hidden(ch, c, hide))
			channel_names_list(c, ch);
	}
	/* ":server 353 nick * * :" and CR LF. */
	words_init(&w, c, strlen(conf.name) + strlen(reply_nick(c)) + 14,
	    names_none_flush, NULL);
	RB_FOREACH(t, nicks, &nicks) {
		if (!(t->flags & CLIENT_REGISTERED) ||
		    ((t->flags & CLIENT_INVISIBLE) && t != c &&
		    !(c->flags & CLIENT_OPER)))
			continue;
		TAILQ_FOREACH(mb, &t->channels, uentry) {
			if (!channel_hidden(mb->channel, c, hide))
				break;
		}
		if (mb == NULL)
			words_add(&w, "", t->nick);
	}
	words_end(&w);
	reply(c, RPL_ENDOFNAMES_MSG, "*");
}

static void
list_reply(struct client *c, struct channel *ch)
{
	reply(c, RPL_LIST_MSG, ch->name, ch->nmembers,
	    ch->topic != NULL ? ch->topic : "");
}

/*
 * LIST [#a,#b]: every channel, or the ones named. Secret and private
 * channels (+s, +p) are not shown but to their members and operators.
 */
int
irc_list(struct client *c, struct msg *m)
{
	char		*name, *last;
	struct channel	*ch;
	int		 hide = CHAN_SECRET | CHAN_PRIVATE;

	reply(c, RPL_LISTSTART_MSG);
	if (m->nparams > 0 && m->params[0][0] != '\0') {
		for (name = strtok_r(m->params[0], ",", &last); name != NULL;
		    name = strtok_r(NULL, ",", &last)) {
			if ((ch = channel_find(name)) != NULL &&
			    !channel_hidden(ch, c, hide))
				list_reply(c, ch);
		}
	} else {
		RB_FOREACH(ch, channels, &channels) {
			if (!channel_hidden(ch, c, hide))
				list_reply(c, ch);
		}
	}
	reply(c, RPL_LISTEND_MSG);
	return (0);
}

/* KICK #chan nick[,nick] [:reason]: channel operators only. */
int
irc_kick(struct client *c, struct msg *m)
{
	struct channel	*ch;
	struct member	*km, *tm;
	struct client	*t;
	char		*nick, *last, reason[NATTERD_KICKLEN + 1];
	char		 fold[NAME_CHANLEN + 1];
	const char	*text;
	int		 count = 0, last_member;

	if ((ch = channel_find(m->params[0])) == NULL) {
		reply(c, ERR_NOSUCHCHANNEL_MSG, reply_param(m->params[0]),
		    "No such channel");
		return (0);
	}
	if ((km = channel_member(ch, c)) == NULL) {
		reply(c, ERR_NOTONCHANNEL_MSG, ch->name);
		return (0);
	}
	if (!channel_can_op(ch, km, c, "KICK")) {
		reply(c, ERR_CHANOPRIVSNEEDED_MSG, ch->name);
		return (0);
	}
	if (cluster_refuse(c, "KICK"))
		return (0);
	text = m->nparams > 2 && m->params[2][0] != '\0' ? m->params[2] :
	    c->nick;
	for (nick = strtok_r(m->params[1], ",", &last); nick != NULL;
	    nick = strtok_r(NULL, ",", &last)) {
		if (++count > NATTERD_MAXTARGETS) {
			reply(c, ERR_TOOMANYTARGETS_MSG, reply_param(nick),
			    NATTERD_MAXTARGETS);
			break;
		}
		if ((t = user_find(nick)) == NULL ||
		    !(t->flags & CLIENT_REGISTERED)) {
			reply(c, ERR_NOSUCHNICK_MSG, reply_param(nick));
			continue;
		}
		if ((tm = channel_member(ch, t)) == NULL) {
			reply(c, ERR_USERNOTINCHANNEL_MSG, t->nick, ch->name);
			continue;
		}
		reply_cut(reason, sizeof reason, text, NATTERD_KICKLEN,
		    c->prefix, "KICK", 3,
		    (const char *[]){ ch->name, t->nick, NULL });
		if (cluster_bus_mode(ch) && t->uid != NULL) {
			cluster_deferred("kick", c, ch, "KICK", 3,
			    (const char *[]){ ch->name, t->nick, reason }, 1,
			    (const char *[]){ t->uid });
			continue;
		}
		channel_send_line(ch, c, "KICK", 3,
		    (const char *[]){ ch->name, t->nick, reason });
		if (t->uid != NULL)
			cluster_state("kick", c, ch, "KICK", 3,
			    (const char *[]){ ch->name, t->nick, reason }, 1,
			    (const char *[]){ t->uid });
		last_member = ch->nmembers == 1;
		snprintf(fold, sizeof fold, "%s", ch->fold);
		channel_remove(tm);
		cluster_left(fold);
		/* Kicked out of it, c can kick no one else. */
		if (last_member || t == c)
			break;
	}
	if (count == 0)
		reply(c, ERR_NEEDMOREPARAMS_MSG, "KICK");
	return (0);
}
