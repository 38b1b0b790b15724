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

/* Channel commands: JOIN, PART, TOPIC, NAMES, LIST, KICK and MODE. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natterd.h"

static void	chan_mode(struct client *, struct msg *, struct channel *);
static void	user_mode(struct client *, struct msg *);
static void	chan_topic_reply(struct client *, struct channel *);

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

/* JOIN #a,#b (keys are accepted and ignored: there is no +k) or JOIN 0. */
int
irc_join(struct client *c, struct msg *m)
{
	char		*name, *last;
	const char	*errstr;
	struct channel	*ch;
	int		 count = 0;

	if (strcmp(m->params[0], "0") == 0) {
		user_part_all(c, 1);
		return (0);
	}
	for (name = strtok_r(m->params[0], ",", &last); name != NULL;
	    name = strtok_r(NULL, ",", &last)) {
		count++;
		if (!name_chan_valid(name, &errstr)) {
			reply(c, ERR_NOSUCHCHANNEL_MSG, reply_param(name), errstr);
			continue;
		}
		ch = channel_find(name);
		if (ch != NULL && channel_member(ch, c) != NULL)
			continue;
		if (c->nchannels >= conf.max_channels) {
			reply(c, ERR_TOOMANYCHANNELS_MSG, name);
			continue;
		}
		if (ch == NULL)
			ch = channel_create(name);
		channel_add(ch, c);
		channel_send_line(ch, c, "JOIN", 1,
		    (const char *[]){ ch->name });
		if (ch->topic != NULL)
			chan_topic_reply(c, ch);
		channel_names(c, ch);
	}
	if (count == 0)		/* only commas */
		reply(c, ERR_NEEDMOREPARAMS_MSG, "JOIN");
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
	char		 cut[NATTERD_KICKLEN + 1];
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
		channel_send_line(ch, c, "PART", reason != NULL ? 2 : 1,
		    (const char *[]){ ch->name, reason });
		channel_remove(mb);
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
	char		 text[NATTERD_TOPICLEN + 1];

	if ((ch = channel_find(m->params[0])) == NULL) {
		reply(c, ERR_NOSUCHCHANNEL_MSG, reply_param(m->params[0]),
		    "No such channel");
		return (0);
	}
	if (m->nparams < 2) {
		chan_topic_reply(c, ch);
		return (0);
	}
	if ((mb = channel_member(ch, c)) == NULL) {
		reply(c, ERR_NOTONCHANNEL_MSG, ch->name);
		return (0);
	}
	if ((ch->modes & CHAN_TOPICLOCK) && !(mb->flags & MEMBER_OP)) {
		reply(c, ERR_CHANOPRIVSNEEDED_MSG, ch->name);
		return (0);
	}
	/* Cut to what the TOPIC line to the channel can carry. */
	reply_cut(text, sizeof text, m->params[1], NATTERD_TOPICLEN,
	    c->prefix, "TOPIC", 2, (const char *[]){ ch->name, NULL });
	free(ch->topic);
	ch->topic = text[0] != '\0' ? xstrdup(text) : NULL;
	snprintf(ch->topic_who, sizeof ch->topic_who, "%s", c->nick);
	ch->topic_time = time(NULL);
	channel_send_line(ch, c, "TOPIC", 2, (const char *[]){ ch->name,
	    ch->topic != NULL ? ch->topic : "" });
	return (0);
}

/*
 * NAMES #a,#b. Without a channel, only the end of the list is sent, as
 * the Modern IRC document allows: a list of every user helps nobody.
 */
int
irc_names(struct client *c, struct msg *m)
{
	char		*name, *last;
	struct channel	*ch;
	int		 count = 0;

	if (m->nparams < 1 || m->params[0][0] == '\0') {
		reply(c, RPL_ENDOFNAMES_MSG, "*");
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

/* LIST [#a,#b]: every channel, or the ones named. */
int
irc_list(struct client *c, struct msg *m)
{
	char		*name, *last;
	struct channel	*ch;

	reply(c, RPL_LISTSTART_MSG);
	if (m->nparams > 0 && m->params[0][0] != '\0') {
		for (name = strtok_r(m->params[0], ",", &last); name != NULL;
		    name = strtok_r(NULL, ",", &last)) {
			if ((ch = channel_find(name)) != NULL)
				reply(c, RPL_LIST_MSG, ch->name, ch->nmembers,
				    ch->topic != NULL ? ch->topic : "");
		}
	} else {
		RB_FOREACH(ch, channels, &channels)
			reply(c, RPL_LIST_MSG, ch->name, ch->nmembers,
			    ch->topic != NULL ? ch->topic : "");
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
	if (!(km->flags & MEMBER_OP)) {
		reply(c, ERR_CHANOPRIVSNEEDED_MSG, ch->name);
		return (0);
	}
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
		channel_send_line(ch, c, "KICK", 3,
		    (const char *[]){ ch->name, t->nick, reason });
		last_member = ch->nmembers == 1;
		channel_remove(tm);
		/* Kicked out of it, c can kick no one else. */
		if (last_member || t == c)
			break;
	}
	if (count == 0)
		reply(c, ERR_NEEDMOREPARAMS_MSG, "KICK");
	return (0);
}

/* MODE changes that took effect, gathered into as few lines as fit. */
struct modeline {
	const char	*params[2 + NATTERD_MODES];
	char		 changes[2 * 16 + 1];
	size_t		 len;
	int		 nargs;
	char		 dir;
};

/* Announce the changes gathered so far, if any, and start over. */
static void
mode_flush(struct channel *ch, struct client *c, struct modeline *ml)
{
	if (ml->len > 0)
		channel_send_line(ch, c, "MODE", 2 + ml->nargs, ml->params);
	ml->len = 0;
	ml->nargs = 0;
	ml->dir = 0;
	ml->changes[0] = '\0';
}

/*
 * Add one change (dir '+' or '-', a mode letter, an argument or NULL),
 * first sending what is gathered if the change would not fit in the same
 * line: long nicknames in a long channel name do not fit four at a time.
 */
static void
mode_add(struct channel *ch, struct client *c, struct modeline *ml,
    char dir, char letter, const char *arg)
{
	size_t	 used;
	int	 i;

	used = strlen(c->prefix) + strlen(ch->name) + ml->len + 16;
	for (i = 0; i < ml->nargs; i++)
		used += strlen(ml->params[2 + i]) + 1;
	if (ml->len + 2 >= sizeof ml->changes ||
	    (arg != NULL && ml->nargs == NATTERD_MODES) ||
	    used + 2 + (arg != NULL ? strlen(arg) + 1 : 0) > MSG_LINELEN)
		mode_flush(ch, c, ml);
	if (ml->dir != dir)
		ml->changes[ml->len++] = ml->dir = dir;
	ml->changes[ml->len++] = letter;
	ml->changes[ml->len] = '\0';
	if (arg != NULL)
		ml->params[2 + ml->nargs++] = arg;
}

/*
 * MODE on a channel: +n, +t and +o/-o nick (at most MODES of those per
 * command); "b" with no argument lists the (always empty) ban list, as
 * clients ask for it on join. Changes apply in order; the channel is told
 * their net effect, so "+t-t+t-t" cannot make one command into a flood.
 */
static void
chan_mode(struct client *c, struct msg *m, struct channel *ch)
{
	struct member	*mb, *tm, *ops[NATTERD_MODES];
	struct client	*t;
	struct modeline	 ml;
	const char	*p, *q;
	char		 bad[8], cur[8];
	uint32_t	 cp;
	int		 dir = 1, arg = 2, nops = 0, nseen = 0, flag, i;
	int		 denied = 0, listed = 0, before, was[NATTERD_MODES];

	if (m->nparams < 2) {
		snprintf(cur, sizeof cur, "+%s%s",
		    (ch->modes & CHAN_NOEXTERNAL) ? "n" : "",
		    (ch->modes & CHAN_TOPICLOCK) ? "t" : "");
		reply(c, RPL_CHANNELMODEIS_MSG, ch->name, cur);
		reply(c, RPL_CREATIONTIME_MSG, ch->name, (long long)ch->created);
		return;
	}
	mb = channel_member(ch, c);
	before = ch->modes;
	for (p = m->params[1]; *p != '\0'; p++) {
		if (*p == '+' || *p == '-') {
			dir = *p == '+';
			continue;
		}
		if (*p == 'b' && arg >= m->nparams) {
			if (!listed++)
				reply(c, RPL_ENDOFBANLIST_MSG, ch->name);
			continue;
		}
		if (*p != 'n' && *p != 't' && *p != 'o') {
			/* Name the whole character, not one byte of it. */
			q = p;
			utf8_decode(&q, p + strlen(p), &cp);
			snprintf(bad, sizeof bad, "%.*s", (int)(q - p), p);
			reply(c, ERR_UNKNOWNMODE_MSG, bad);
			p = q - 1;
			continue;
		}
		if (mb == NULL || !(mb->flags & MEMBER_OP)) {
			if (!denied++) {
				if (mb == NULL)
					reply(c, ERR_NOTONCHANNEL_MSG, ch->name);
				else
					reply(c, ERR_CHANOPRIVSNEEDED_MSG,
					    ch->name);
			}
			continue;
		}
		if (*p != 'o') {
			flag = *p == 'n' ? CHAN_NOEXTERNAL : CHAN_TOPICLOCK;
			if (dir)
				ch->modes |= flag;
			else
				ch->modes &= ~flag;
			continue;
		}
		if (arg >= m->nparams) {
			reply(c, ERR_NEEDMOREPARAMS_MSG, "MODE");
			continue;
		}
		if (nops++ == NATTERD_MODES)
			break;
		t = user_find(m->params[arg]);
		if (t == NULL || !(t->flags & CLIENT_REGISTERED)) {
			reply(c, ERR_NOSUCHNICK_MSG, reply_param(m->params[arg]));
			arg++;
			continue;
		}
		arg++;
		if ((tm = channel_member(ch, t)) == NULL) {
			reply(c, ERR_USERNOTINCHANNEL_MSG, t->nick, ch->name);
			continue;
		}
		/* Remember each member's status before the first change. */
		for (i = 0; i < nseen && ops[i] != tm; i++)
			;
		if (i == nseen) {
			ops[nseen] = tm;
			was[nseen++] = tm->flags & MEMBER_OP;
		}
		if (dir)
			tm->flags |= MEMBER_OP;
		else
			tm->flags &= ~MEMBER_OP;
	}

	memset(&ml, 0, sizeof ml);
	ml.params[0] = ch->name;
	ml.params[1] = ml.changes;
	if ((before ^ ch->modes) & CHAN_NOEXTERNAL)
		mode_add(ch, c, &ml, (ch->modes & CHAN_NOEXTERNAL) ? '+' : '-',
		    'n', NULL);
	if ((before ^ ch->modes) & CHAN_TOPICLOCK)
		mode_add(ch, c, &ml, (ch->modes & CHAN_TOPICLOCK) ? '+' : '-',
		    't', NULL);
	for (i = 0; i < nseen; i++) {
		if ((ops[i]->flags & MEMBER_OP) != was[i])
			mode_add(ch, c, &ml, was[i] ? '-' : '+', 'o',
			    ops[i]->client->nick);
	}
	mode_flush(ch, c, &ml);
}

/* MODE on oneself: only +i exists. */
static void
user_mode(struct client *c, struct msg *m)
{
	struct client	*t;
	const char	*p;
	char		 line[MSG_LINELEN + 1], change[4] = "";
	int		 dir = 1, unknown = 0, n;

	t = user_find(m->params[0]);
	if (t == NULL || !(t->flags & CLIENT_REGISTERED)) {
		reply(c, ERR_NOSUCHNICK_MSG, reply_param(m->params[0]));
		return;
	}
	if (t != c) {
		reply(c, ERR_USERSDONTMATCH_MSG);
		return;
	}
	if (m->nparams < 2) {
		reply(c, RPL_UMODEIS_MSG,
		    (c->flags & CLIENT_INVISIBLE) ? "+i" : "+");
		return;
	}
	for (p = m->params[1]; *p != '\0'; p++) {
		if (*p == '+' || *p == '-')
			dir = *p == '+';
		else if (*p == 'i') {
			if (!!(c->flags & CLIENT_INVISIBLE) == dir)
				continue;
			if (dir) {
				c->flags |= CLIENT_INVISIBLE;
				user_invisible++;
			} else {
				c->flags &= ~CLIENT_INVISIBLE;
				user_invisible--;
			}
			snprintf(change, sizeof change, "%ci", dir ? '+' : '-');
		} else if (!unknown++)
			reply(c, ERR_UMODEUNKNOWNFLAG_MSG);
	}
	if (change[0] == '\0')
		return;
	n = msg_formatl(line, sizeof line, c->prefix, "MODE", c->nick, change,
	    (char *)NULL);
	if (n > 0)
		conn_write(c, line, n);
}

int
irc_mode(struct client *c, struct msg *m)
{
	struct channel	*ch;

	if (!name_is_chan(m->params[0])) {
		user_mode(c, m);
		return (0);
	}
	if ((ch = channel_find(m->params[0])) == NULL) {
		reply(c, ERR_NOSUCHCHANNEL_MSG, reply_param(m->params[0]),
		    "No such channel");
		return (0);
	}
	chan_mode(c, m, ch);
	return (0);
}
