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
 * Channels, membership and delivery. Every message to a channel's
 * members is a struct chanmsg delivered by channel_deliver(); a user's
 * NICK and QUIT (user_fanout()) and private messages (user_message()) are
 * chanmsgs too. All are stamped with their time and id once, in
 * channel_prepare(), before fan-out. Once a channel exists its state
 * changes through the channel_set_*() setters. Those are the places where
 * history or a link to other servers hooks in.
 */

#include <sys/random.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "natterd.h"

struct channels	 channels = RB_INITIALIZER(&channels);
int		 channel_count;

static void	channel_id64(char *, const unsigned char *, size_t);
static int	channel_list_find(struct channel *, int, const char *);
static int	channel_list_match(struct channel *, int, struct client *);

static int
channel_cmp(struct channel *a, struct channel *b)
{
	return (strcmp(a->fold, b->fold));
}
RB_GENERATE(channels, channel, entry, channel_cmp);

struct channel *
channel_find(const char *name)
{
	struct channel	 find;

	if (strlen(name) > NAME_CHANLEN)
		return (NULL);
	name_fold(find.fold, name, sizeof find.fold);
	return (RB_FIND(channels, &channels, &find));
}

/* The channel whose folded name is fold, or NULL. */
struct channel *
channel_find_fold(const char *fold)
{
	struct channel	 find;

	if (snprintf(find.fold, sizeof find.fold, "%s", fold) >=
	    (int)sizeof find.fold)
		return (NULL);
	return (RB_FIND(channels, &channels, &find));
}

/* Create a channel with the default modes, +nt. The name is valid. */
struct channel *
channel_create(const char *name)
{
	struct channel	*ch;

	ch = xcalloc(1, sizeof *ch);
	snprintf(ch->name, sizeof ch->name, "%s", name);
	name_fold(ch->fold, name, sizeof ch->fold);
	ch->created = time(NULL);
	ch->modes = CHAN_NOEXTERNAL | CHAN_TOPICLOCK;
	TAILQ_INIT(&ch->members);
	RB_INSERT(channels, &channels, ch);
	channel_count++;
	history_channel_new(ch);
	return (ch);
}

static void
channel_destroy(struct channel *ch)
{
	int	 i, l;

	RB_REMOVE(channels, &channels, ch);
	channel_count--;
	history_channel_free(ch);
	free(ch->topic);
	free(ch->key);
	free(ch->invited);
	for (l = 0; l < LIST_COUNT; l++) {
		for (i = 0; i < ch->nmasks[l]; i++)
			free(ch->masks[l][i].mask);
		free(ch->masks[l]);
	}
	free(ch);
}

/*
 * Find c's membership of ch by walking the shorter of the two lists: a
 * user is in a few channels, a channel may have thousands of members.
 */
struct member *
channel_member(struct channel *ch, struct client *c)
{
	struct member	*m;

	if (c->nchannels <= ch->nmembers) {
		TAILQ_FOREACH(m, &c->channels, uentry) {
			if (m->channel == ch)
				return (m);
		}
	} else {
		TAILQ_FOREACH(m, &ch->members, centry) {
			if (m->client == c)
				return (m);
		}
	}
	return (NULL);
}

/* Add c to ch; the first member of a channel is its operator. */
struct member *
channel_add(struct channel *ch, struct client *c)
{
	struct member	*m;

	m = xcalloc(1, sizeof *m);
	m->client = c;
	m->channel = ch;
	if (ch->nmembers == 0)
		m->flags |= MEMBER_OP;
	TAILQ_INSERT_TAIL(&ch->members, m, centry);
	TAILQ_INSERT_TAIL(&c->channels, m, uentry);
	ch->nmembers++;
	if (c->flags & CLIENT_REMOTE)
		ch->nremote++;
	c->nchannels++;
	return (m);
}

/* Take a member out; an empty channel goes away. */
void
channel_remove(struct member *m)
{
	struct channel	*ch = m->channel;
	struct client	*c = m->client;

	TAILQ_REMOVE(&ch->members, m, centry);
	TAILQ_REMOVE(&c->channels, m, uentry);
	ch->nmembers--;
	if (c->flags & CLIENT_REMOTE)
		ch->nremote--;
	c->nchannels--;
	free(m);
	if (ch->nmembers == 0)
		channel_destroy(ch);
}

/* Set or clear (text NULL or "") ch's topic, as set by who at when. */
void
channel_set_topic(struct channel *ch, const char *text, const char *who,
    time_t when)
{
	free(ch->topic);
	ch->topic = text != NULL && text[0] != '\0' ? xstrdup(text) : NULL;
	snprintf(ch->topic_who, sizeof ch->topic_who, "%s", who);
	ch->topic_time = when;
}

/*
 * Remember that c was invited to ch, until it joins or ch goes; of many
 * invitations the newest NATTERD_INVITES are kept.
 */
void
channel_invite(struct channel *ch, struct client *c)
{
	int	 i;

	for (i = 0; i < ch->ninvited; i++) {
		if (ch->invited[i] == c->id)
			return;
	}
	if (ch->invited == NULL)
		ch->invited = xcalloc(NATTERD_INVITES, sizeof *ch->invited);
	if (ch->ninvited == NATTERD_INVITES) {
		memmove(ch->invited, ch->invited + 1,
		    (NATTERD_INVITES - 1) * sizeof *ch->invited);
		ch->ninvited--;
	}
	ch->invited[ch->ninvited++] = c->id;
}

/*
 * Whether c may join ch past +i: it was invited (the invitation is used
 * up) or an invite exception (+I) matches it.
 */
int
channel_invited(struct channel *ch, struct client *c)
{
	int	 i;

	if (channel_list_match(ch, LIST_INVEX, c))
		return (1);
	for (i = 0; i < ch->ninvited; i++) {
		if (ch->invited[i] == c->id) {
			memmove(ch->invited + i, ch->invited + i + 1,
			    (ch->ninvited - i - 1) * sizeof *ch->invited);
			ch->ninvited--;
			return (1);
		}
	}
	return (0);
}

/* Where ch's list (LIST_BAN, ...) holds mask, whatever its case; or -1. */
static int
channel_list_find(struct channel *ch, int list, const char *mask)
{
	int	 i;

	for (i = 0; i < ch->nmasks[list]; i++) {
		if (name_cmp(ch->masks[list][i].mask, mask) == 0)
			return (i);
	}
	return (-1);
}

/*
 * Add mask (already in nick!user@host form) to ch's list, set by who.
 * Return 0 if added, 1 if it was there already, -1 if the lists are
 * full: +b, +e and +I share NATTERD_BANS (MAXLIST=beI:100).
 */
int
channel_list_add(struct channel *ch, int list, const char *mask,
    const char *who)
{
	struct chanmask	*cm;
	int		 i, total = 0;

	if (channel_list_find(ch, list, mask) != -1)
		return (1);
	for (i = 0; i < LIST_COUNT; i++)
		total += ch->nmasks[i];
	if (total >= NATTERD_BANS)
		return (-1);
	if (ch->masks[list] == NULL)
		ch->masks[list] = xcalloc(NATTERD_BANS,
		    sizeof *ch->masks[list]);
	cm = &ch->masks[list][ch->nmasks[list]++];
	cm->mask = xstrdup(mask);
	snprintf(cm->who, sizeof cm->who, "%s", who);
	cm->when = time(NULL);
	return (0);
}

/*
 * Take mask off ch's list, and leave in mask (size bytes) how it was
 * set; -1 if it was not there.
 */
int
channel_list_del(struct channel *ch, int list, char *mask, size_t size)
{
	struct chanmask	*v = ch->masks[list];
	int		 i;

	if ((i = channel_list_find(ch, list, mask)) == -1)
		return (-1);
	snprintf(mask, size, "%s", v[i].mask);
	free(v[i].mask);
	memmove(v + i, v + i + 1, (ch->nmasks[list] - i - 1) * sizeof *v);
	ch->nmasks[list]--;
	return (0);
}

/* Whether a mask on ch's list matches c's nick!user@host, folded. */
static int
channel_list_match(struct channel *ch, int list, struct client *c)
{
	int	 i;

	for (i = 0; i < ch->nmasks[list]; i++) {
		if (name_match(ch->masks[list][i].mask, c->prefix))
			return (1);
	}
	return (0);
}

/* Whether c is banned from ch: a ban (+b) matches and no exception (+e). */
int
channel_banned(struct channel *ch, struct client *c)
{
	return (channel_list_match(ch, LIST_BAN, c) &&
	    !channel_list_match(ch, LIST_EXCEPT, c));
}

/* Set ch's key (+k; NULL: -k). */
void
channel_set_key(struct channel *ch, const char *key)
{
	free(ch->key);
	ch->key = key != NULL ? xstrdup(key) : NULL;
}

/* Set ch's member limit (+l; 0: -l). */
void
channel_set_limit(struct channel *ch, int limit)
{
	ch->limit = limit;
}

/* Set ch's modes (CHAN_* flags) to modes. */
void
channel_set_modes(struct channel *ch, int modes)
{
	ch->modes = modes;
}

/* Give a member a status (MEMBER_OP: +o, MEMBER_VOICE: +v), or take it. */
void
channel_set_status(struct member *m, int status, int on)
{
	if (on)
		m->flags |= status;
	else
		m->flags &= ~status;
}

/*
 * A member's status as NAMES, WHO and WHOIS show it: @, + or "", or with
 * multi-prefix in caps every one of them, "@+".
 */
const char *
channel_prefix(const struct member *m, int caps)
{
	if ((m->flags & (MEMBER_OP | MEMBER_VOICE)) ==
	    (MEMBER_OP | MEMBER_VOICE) && (caps & CAP_MULTI_PREFIX))
		return ("@+");
	if (m->flags & MEMBER_OP)
		return ("@");
	if (m->flags & MEMBER_VOICE)
		return ("+");
	return ("");
}

/*
 * Whether c may act as an operator of ch, mb being its membership or
 * NULL: a channel operator may, and so may an IRC operator, as ngIRCd
 * lets it (with OperCanUseMode for MODE). What an IRC operator does with
 * that is logged.
 */
int
channel_can_op(struct channel *ch, struct member *mb, struct client *c,
    const char *what)
{
	if (mb != NULL && (mb->flags & MEMBER_OP))
		return (1);
	if (!(c->flags & CLIENT_OPER))
		return (0);
	log_info("operator %s overrides %s on %s", c->nick, what, ch->name);
	return (1);
}

/*
 * Whether ch is hidden from c by any of modes (CHAN_SECRET, CHAN_PRIVATE):
 * never from its members, nor from IRC operators.
 */
int
channel_hidden(struct channel *ch, struct client *c, int modes)
{
	return ((ch->modes & modes) && !(c->flags & CLIENT_OPER) &&
	    channel_member(ch, c) == NULL);
}

/* Write len bytes as base64url (RFC 4648 section 5), no padding. */
static void
channel_id64(char *out, const unsigned char *in, size_t len)
{
	static const char	 abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned int		 acc = 0;
	int			 bits = 0;

	for (; len > 0; in++, len--) {
		acc = (acc << 8) | *in;
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			*out++ = abc[(acc >> bits) & 0x3f];
		}
	}
	if (bits > 0)
		*out++ = abc[(acc << (6 - bits)) & 0x3f];
	*out = '\0';
}

/* The random part of this run's message ids, from channel_init(). */
static char	 channel_boot[9];

/*
 * Before the loop starts: pick 48 random bits for this run's message ids
 * (getrandom may block early in boot, so not from inside the loop). If
 * the kernel will not give any, the time and pid are unique enough.
 */
void
channel_init(void)
{
	unsigned char	 rnd[6];
	struct timeval	 tv;
	uint64_t	 v;
	ssize_t		 n;
	size_t		 i;

	do
		n = getrandom(rnd, sizeof rnd, 0);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)sizeof rnd) {
		log_warn("getrandom; message ids from the time and pid");
		evutil_gettimeofday(&tv, NULL);
		v = ((uint64_t)tv.tv_sec << 20 ^ (uint64_t)tv.tv_usec) ^
		    (uint64_t)getpid() << 28;
		for (i = 0; i < sizeof rnd; i++)
			rnd[i] = (unsigned char)(v >> (8 * i));
	}
	channel_id64(channel_boot, rnd, sizeof rnd);
}

/*
 * A new message id: 8 characters that are random for each run of natterd,
 * then a counter, all URL-safe. The counter makes ids unique within a
 * run and 48 random bits make them unique across restarts. It is 11
 * digits of 6 bits in an alphabet in ASCII order, so that a run's ids
 * sort in the order they were made: new ones go at the end of history's
 * msgid index instead of anywhere in it.
 */
void
channel_new_msgid(char *buf)
{
	static const char	 digits[] = "-0123456789"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
	static uint64_t		 counter;
	uint64_t		 n;
	int			 i;

	if (channel_boot[0] == '\0')
		channel_init();
	n = ++counter;
	memcpy(buf, channel_boot, 8);
	for (i = 18; i >= 8; i--) {
		buf[i] = digits[n & 0x3f];
		n >>= 6;
	}
	buf[19] = '\0';
}

/*
 * Start cm: cmd with its parameters from c, to ch (NULL: to c's peers or
 * to one user). It is stamped when it is delivered.
 */
void
channel_msg_init(struct chanmsg *cm, struct channel *ch, struct client *c,
    const char *cmd, int nparams, const char *const *params)
{
	if (nparams < 0 || nparams > MSG_MAXPARAMS)
		fatalx("%s with %d parameters", cmd, nparams);
	memset(cm, 0, sizeof *cm);
	cm->channel = ch;
	cm->sender = c;
	cm->prefix = c->prefix;
	cm->cmd = cmd;
	cm->nparams = nparams;
	memcpy(cm->params, params, nparams * sizeof *params);
}

/*
 * Now, for a message's stamp: never before the last stamp, nor before
 * the newest stored in history, so that the order of the stamps is the
 * order of the messages even if the clock is set back.
 */
static void
channel_stamp(struct timeval *tv)
{
	static struct timeval	 last;
	int64_t			 ms;

	evutil_gettimeofday(tv, NULL);
	if (last.tv_sec == 0 && (ms = history_last_ms()) > 0) {
		last.tv_sec = (time_t)(ms / 1000);
		last.tv_usec = (suseconds_t)(ms % 1000) * 1000;
	}
	if (timercmp(tv, &last, <))
		*tv = last;
	last = *tv;
}

/*
 * Stamp cm with the time and a message id unless it came with them,
 * format it into line (size bytes) and make o of it. Return -1 if it
 * does not fit in one line.
 */
int
channel_prepare(struct chanmsg *cm, char *line, size_t size, struct out *o)
{
	int	 n;

	if (cm->time.tv_sec == 0)
		channel_stamp(&cm->time);
	if (cm->msgid[0] == '\0')
		channel_new_msgid(cm->msgid);
	n = msg_format(line, size, cm->prefix, cm->cmd, cm->nparams,
	    cm->params);
	if (n < 0)
		return (-1);
	out_init(o, line, n, &cm->time, cm->msgid);
	o->ctags = cm->ctags;
	o->bot = cm->sender != NULL && (cm->sender->flags & CLIENT_BOT);
	return (0);
}

/*
 * Deliver cm to every member of its channel. With CHANMSG_ECHO (PRIVMSG,
 * NOTICE) the sender gets it only if it asked for echo-message, and then
 * whether it is a member or not (-n). Some go to fewer: with caps only
 * to those who asked for one of them, with CHANMSG_OPS only to channel
 * operators. Return -1 if it does not fit.
 */
int
channel_deliver(struct chanmsg *cm)
{
	char		 line[MSG_LINELEN + 1];
	struct out	 o;
	struct member	*m;
	struct client	*echo = NULL, *skip = NULL;

	if (channel_prepare(cm, line, sizeof line, &o) != 0)
		return (-1);
	if (cm->channel->history != NULL)
		history_record(cm->channel, cm, line, o.len);
	if ((cm->flags & CHANMSG_ECHO) && cm->sender != NULL &&
	    (cm->sender->caps & CAP_ECHO_MESSAGE))
		echo = cm->sender;
	if (cm->flags & (CHANMSG_ECHO | CHANMSG_NOTSELF))
		skip = cm->sender;
	if (cm->caps == 0 && !(cm->flags & CHANMSG_OPS)) {
		/* The common case, with nothing to filter on. */
		TAILQ_FOREACH(m, &cm->channel->members, centry) {
			if (m->client != skip)
				out_send(m->client, &o);
		}
	} else {
		TAILQ_FOREACH(m, &cm->channel->members, centry) {
			if (m->client == skip ||
			    (cm->caps != 0 && !(m->client->caps & cm->caps)) ||
			    ((cm->flags & CHANMSG_OPS) &&
			    !(m->flags & MEMBER_OP)))
				continue;
			out_send(m->client, &o);
		}
	}
	if (echo != NULL && (cm->caps == 0 || (echo->caps & cm->caps)))
		out_send(echo, &o);
	return (0);
}

/* A line from c to every member of ch, c too: JOIN, PART, KICK, MODE. */
void
channel_send_line(struct channel *ch, struct client *c, const char *cmd,
    int nparams, const char *const *params)
{
	struct chanmsg	 cm;

	channel_msg_init(&cm, ch, c, cmd, nparams, params);
	if (channel_deliver(&cm) != 0)
		log_warnx("%s from %s to %s does not fit", cmd, c->nick,
		    ch->name);
}

/*
 * A PRIVMSG, NOTICE or TAGMSG (text NULL) from c to ch, already checked,
 * with the client-only tags ctags (or NULL); a TAGMSG goes only to those
 * who asked for message-tags. Return -1 if the line would not fit in 512
 * bytes with c's prefix.
 */
int
channel_message(struct channel *ch, struct client *c, const char *cmd,
    const char *text, const char *ctags)
{
	struct chanmsg	 cm;

	channel_msg_init(&cm, ch, c, cmd, text != NULL ? 2 : 1,
	    (const char *[]){ ch->name, text });
	cm.flags = CHANMSG_ECHO;
	cm.ctags = ctags;
	if (text == NULL)
		cm.caps = CAP_MESSAGE_TAGS;
	/* With members on other nodes, it is delivered when it is back. */
	switch (cluster_channel_message(&cm)) {
	case 1:
		return (0);
	case -1:
		return (-1);
	}
	return (channel_deliver(&cm));
}

/*
 * Send ch's member list to c as 353 lines cut to fit, then 366. With
 * userhost-in-names each entry is nick!user@host. A secret channel (+s)
 * has no members to those outside it.
 */
void
channel_names(struct client *c, struct channel *ch)
{
	if (!channel_hidden(ch, c, CHAN_SECRET))
		channel_names_list(c, ch);
	reply(c, RPL_ENDOFNAMES_MSG, ch->name);
}

static void
channel_names_flush(struct words *w)
{
	const struct channel	*ch = w->arg;
	char			 sym = '=';

	if (ch->modes & CHAN_SECRET)
		sym = '@';
	else if (ch->modes & CHAN_PRIVATE)
		sym = '*';
	reply(w->c, RPL_NAMREPLY_MSG, sym, ch->name, w->buf);
}

/* The 353 lines of channel_names(), without the 366. */
void
channel_names_list(struct client *c, struct channel *ch)
{
	struct member	*m;
	struct words	 w;

	/* ":server 353 nick = #chan :" and CR LF. */
	words_init(&w, c, strlen(conf.name) + strlen(reply_nick(c)) +
	    strlen(ch->name) + 14, channel_names_flush, ch);
	TAILQ_FOREACH(m, &ch->members, centry) {
		words_add(&w, channel_prefix(m, c->caps),
		    (c->caps & CAP_USERHOST_IN_NAMES) ? m->client->prefix :
		    m->client->nick);
	}
	words_end(&w);
}

/* At exit: every client is gone, but free whatever is left anyway. */
void
channel_free_all(void)
{
	struct channel	*ch;
	struct member	*m;

	while ((ch = RB_MIN(channels, &channels)) != NULL) {
		while ((m = TAILQ_FIRST(&ch->members)) != NULL) {
			TAILQ_REMOVE(&ch->members, m, centry);
			free(m);
		}
		channel_destroy(ch);
	}
}
