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
 * Queries about users and the server: WHO, WHOIS, WHOWAS, USERHOST, ISON,
 * AWAY, MOTD, LUSERS, VERSION, TIME, and the ISUPPORT burst.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natterd.h"

static void	who_reply(struct client *, const char *, struct client *,
		    const char *);
static int	info_shares_channel(struct client *, struct client *);

/* ISUPPORT (005), in lines of at most 13 tokens. */
void
info_isupport(struct client *c)
{
	char	 a[400], b[400];
	char	 hist[64] = "";

	if (history_enabled())
		snprintf(hist, sizeof hist, " CHATHISTORY=%d", HISTORY_MAX);
	snprintf(a, sizeof a, "AWAYLEN=%d BOT=B CASEMAPPING=ascii "
	    "CHANLIMIT=#:%d CHANMODES=beI,k,l,imnpst CHANNELLEN=%d "
	    "CHANTYPES=#%s EXCEPTS=e INVEX=I KICKLEN=%d MAXLIST=beI:%d%s",
	    NATTERD_AWAYLEN,
	    conf.max_channels, NAME_CHANLEN, hist, NATTERD_KICKLEN,
	    NATTERD_BANS, history_enabled() ?
	    " MSGREFTYPES=msgid,timestamp" : "");
	snprintf(b, sizeof b, "MAXTARGETS=%d MODES=%d MONITOR=%d "
	    "NETWORK=%s NICKLEN=%d "
	    "PREFIX=(ov)@+ TARGMAX=JOIN:,KICK:%d,NAMES:,NOTICE:%d,PART:,"
	    "PRIVMSG:%d,WHOIS:1 TOPICLEN=%d USERLEN=%d UTF8ONLY",
	    NATTERD_MAXTARGETS, NATTERD_MODES, NATTERD_MONITOR, conf.network,
	    NAME_NICKLEN,
	    NATTERD_MAXTARGETS, NATTERD_MAXTARGETS, NATTERD_MAXTARGETS,
	    NATTERD_TOPICLEN, NAME_USERLEN);
	reply(c, RPL_ISUPPORT_MSG, a);
	reply(c, RPL_ISUPPORT_MSG, b);
}

void
info_lusers(struct client *c)
{
	int	 max = user_max, local, lmax, servers;

	/* In a cluster the users of the other nodes count too. */
	cluster_counts(&local, &lmax, &servers);
	reply(c, RPL_LUSERCLIENT_MSG, user_count - user_invisible,
	    user_invisible, servers);
	if (user_opers > 0)
		reply(c, RPL_LUSEROP_MSG, user_opers);
	if (conn_unregistered > 0)
		reply(c, RPL_LUSERUNKNOWN_MSG, conn_unregistered);
	reply(c, RPL_LUSERCHANNELS_MSG, channel_count);
	reply(c, RPL_LUSERME_MSG, local, servers - 1);
	reply(c, RPL_LOCALUSERS_MSG, local, lmax, local, lmax);
	reply(c, RPL_GLOBALUSERS_MSG, user_count, max, user_count, max);
}

void
info_motd(struct client *c)
{
	size_t	 i;

	if (motd_count == 0) {
		reply(c, ERR_NOMOTD_MSG);
		return;
	}
	reply(c, RPL_MOTDSTART_MSG, conf.name);
	for (i = 0; i < motd_count; i++)
		reply(c, RPL_MOTD_MSG, motd_lines[i]);
	reply(c, RPL_ENDOFMOTD_MSG);
}

int
irc_motd(struct client *c, struct msg *m)
{
	(void)m;
	info_motd(c);
	return (0);
}

int
irc_lusers(struct client *c, struct msg *m)
{
	(void)m;
	info_lusers(c);
	return (0);
}

int
irc_version(struct client *c, struct msg *m)
{
	(void)m;
	reply(c, RPL_VERSION_MSG, NATTERD_VERSION, conf.name);
	info_isupport(c);
	return (0);
}

int
irc_time(struct client *c, struct msg *m)
{
	char		 when[64];
	time_t		 now = time(NULL);
	struct tm	 tm;

	(void)m;
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%A %B %d %Y -- %H:%M:%S +00:00", &tm);
	reply(c, RPL_TIME_MSG, conf.name, when);
	return (0);
}

/* Do a and b have a channel in common? */
static int
info_shares_channel(struct client *a, struct client *b)
{
	struct member	*m;

	TAILQ_FOREACH(m, &a->channels, uentry) {
		if (channel_member(m->channel, b) != NULL)
			return (1);
	}
	return (0);
}

/*
 * One 352 line: "<channel> <user> <host> <server> <nick> <H|G>[*][@|+]",
 * * for an IRC operator, then the member's status in the channel.
 */
static void
who_reply(struct client *c, const char *chan, struct client *t,
    const char *status)
{
	char	 flags[8];

	snprintf(flags, sizeof flags, "%c%s%s%s", t->away != NULL ? 'G' : 'H',
	    (t->flags & CLIENT_OPER) ? "*" : "", status,
	    (t->flags & CLIENT_BOT) ? "B" : "");
	reply(c, RPL_WHOREPLY_MSG, chan, t->user, t->host, cluster_server(t),
	    t->nick, flags, t->realname != NULL ? t->realname : "");
}

/*
 * WHO #chan lists its members; WHO mask lists users whose nick matches
 * ("*" or "0": everyone), leaving out +i users who share no channel.
 */
int
irc_who(struct client *c, struct msg *m)
{
	const char	*mask = "*";
	struct channel	*ch;
	struct member	*mb;
	struct client	*t;

	if (m->nparams > 0 && m->params[0][0] != '\0')
		mask = m->params[0];
	if (name_is_chan(mask)) {
		if ((ch = channel_find(mask)) != NULL &&
		    !channel_hidden(ch, c, CHAN_SECRET)) {
			TAILQ_FOREACH(mb, &ch->members, centry)
				who_reply(c, ch->name, mb->client,
				    channel_prefix(mb, c->caps));
		}
	} else {
		if (strcmp(mask, "0") == 0)
			mask = "*";
		RB_FOREACH(t, nicks, &nicks) {
			if (!(t->flags & CLIENT_REGISTERED) ||
			    !name_match(mask, t->nick))
				continue;
			if ((t->flags & CLIENT_INVISIBLE) && t != c &&
			    !info_shares_channel(c, t))
				continue;
			who_reply(c, "*", t, "");
		}
	}
	reply(c, RPL_ENDOFWHO_MSG, reply_param(mask));
	return (0);
}

static void
whois_channels_flush(struct words *w)
{
	const struct client	*t = w->arg;

	reply(w->c, RPL_WHOISCHANNELS_MSG, t->nick, w->buf);
}

/*
 * WHOIS [server] nick: one nick (TARGMAX WHOIS:1). Its secret and
 * private channels are left out, but for their members and operators.
 */
int
irc_whois(struct client *c, struct msg *m)
{
	char		*nick, *last;
	struct client	*t;
	struct member	*mb;
	struct words	 w;

	nick = strtok_r(m->params[m->nparams - 1], ",", &last);
	if (nick == NULL) {
		reply(c, ERR_NONICKNAMEGIVEN_MSG);
		return (0);
	}
	t = user_find(nick);
	if (t == NULL || !(t->flags & CLIENT_REGISTERED)) {
		reply(c, ERR_NOSUCHNICK_MSG, reply_param(nick));
		reply(c, RPL_ENDOFWHOIS_MSG, reply_param(nick));
		return (0);
	}
	reply(c, RPL_WHOISUSER_MSG, t->nick, t->user, t->host,
	    t->realname != NULL ? t->realname : "");
	/* ":server 319 nick target :" and CR LF. */
	words_init(&w, c, strlen(conf.name) + strlen(c->nick) +
	    strlen(t->nick) + 12, whois_channels_flush, t);
	TAILQ_FOREACH(mb, &t->channels, uentry) {
		if (t == c || !channel_hidden(mb->channel, c,
		    CHAN_SECRET | CHAN_PRIVATE))
			words_add(&w, channel_prefix(mb, c->caps),
			    mb->channel->name);
	}
	words_end(&w);
	reply(c, RPL_WHOISSERVER_MSG, t->nick, cluster_server(t),
	    "natter server");
	if (t->flags & CLIENT_OPER)
		reply(c, RPL_WHOISOPERATOR_MSG, t->nick);
	if (t->flags & CLIENT_BOT)
		reply(c, RPL_WHOISBOT_MSG, t->nick);
	if (t->flags & CLIENT_TLS)
		reply(c, RPL_WHOISSECURE_MSG, t->nick);
	if (t->away != NULL)
		reply(c, RPL_AWAY_MSG, t->nick, t->away);
	reply(c, RPL_WHOISIDLE_MSG, t->nick,
	    (long long)(time(NULL) - t->last_msg), (long long)t->signon);
	reply(c, RPL_ENDOFWHOIS_MSG, t->nick);
	return (0);
}

/* USERHOST nick...: up to five "nick=+user@host" ('-' when away). */
int
irc_userhost(struct client *c, struct msg *m)
{
	char		 list[MSG_LINELEN + 1];
	struct client	*t;
	size_t		 len = 0;
	int		 i;

	list[0] = '\0';
	for (i = 0; i < m->nparams && i < 5; i++) {
		t = user_find(m->params[i]);
		if (t == NULL || !(t->flags & CLIENT_REGISTERED))
			continue;
		len += snprintf(list + len, sizeof list - len, "%s%s=%c%s@%s",
		    len > 0 ? " " : "", t->nick, t->away != NULL ? '-' : '+',
		    t->user, t->host);
		if (len >= sizeof list)
			break;
	}
	reply(c, RPL_USERHOST_MSG, list);
	return (0);
}

/* ISON nick...: which of these are here, as one list. */
int
irc_ison(struct client *c, struct msg *m)
{
	char		 list[MSG_LINELEN + 1], *nick, *last;
	struct client	*t;
	size_t		 len = 0;
	int		 i;

	list[0] = '\0';
	for (i = 0; i < m->nparams; i++) {
		for (nick = strtok_r(m->params[i], " ", &last); nick != NULL;
		    nick = strtok_r(NULL, " ", &last)) {
			t = user_find(nick);
			if (t == NULL || !(t->flags & CLIENT_REGISTERED))
				continue;
			if (len + strlen(t->nick) + 2 >= sizeof list)
				break;
			len += snprintf(list + len, sizeof list - len, "%s%s",
			    len > 0 ? " " : "", t->nick);
		}
	}
	reply(c, RPL_ISON_MSG, list);
	return (0);
}

/* AWAY :text marks c away; AWAY alone comes back. */
int
irc_away(struct client *c, struct msg *m)
{
	const char	*text;

	free(c->away);
	c->away = NULL;
	if (m->nparams < 1 || m->params[0][0] == '\0') {
		reply(c, RPL_UNAWAY_MSG);
		cluster_state("away", c, NULL, "AWAY", 0, NULL, 1,
		    (const char *[]){ "" });
		return (0);
	}
	text = m->params[0];
	c->away = xstrndup(text, utf8_cut(text, strlen(text),
	    NATTERD_AWAYLEN));
	reply(c, RPL_NOWAWAY_MSG);
	cluster_state("away", c, NULL, "AWAY", 1,
	    (const char *[]){ c->away }, 1, (const char *[]){ c->away });
	return (0);
}
