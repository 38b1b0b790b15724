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
 * MODE, on channels and on oneself. Handlers work out what changes and
 * apply it with channel_set_modes(), channel_set_status(), channel_list_add()
 * and the like; the channel is told the net effect.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natterd.h"

/* MODE changes that took effect, gathered into as few lines as fit. */
struct modeline {
	const char	*params[2 + NATTERD_MODES];
	char		 changes[2 * 16 + 1];
	size_t		 len;
	int		 nargs;
	char		 dir;
};
_Static_assert(2 + NATTERD_MODES <= MSG_MAXPARAMS, "too many MODE params");

/* The channel modes that are flags, in the order 324 and MODE show them. */
static const struct {
	char	 letter;
	int	 flag;
} mode_flags[] = {
	{ 'i', CHAN_INVITEONLY },
	{ 'm', CHAN_MODERATED },
	{ 'n', CHAN_NOEXTERNAL },
	{ 'p', CHAN_PRIVATE },
	{ 's', CHAN_SECRET },
	{ 't', CHAN_TOPICLOCK },
};
#define MODE_NFLAGS	(sizeof mode_flags / sizeof mode_flags[0])

/* The channel modes that are lists of masks. */
static const struct {
	char	 letter;
	int	 list;
} mode_lists[] = {
	{ 'b', LIST_BAN },
	{ 'e', LIST_EXCEPT },
	{ 'I', LIST_INVEX },
};
#define MODE_NLISTS	(sizeof mode_lists / sizeof mode_lists[0])

static void	mode_flush(struct channel *, struct client *,
		    struct modeline *);
static void	mode_publish(struct channel *, struct client *,
		    struct modeline *);
static void	mode_add(struct channel *, struct client *, struct modeline *,
		    char, char, const char *);
static void	mode_channel(struct client *, struct msg *, struct channel *);
static int	mode_list(char);
static void	mode_list_show(struct client *, struct channel *, int);
static void	mode_mask(char *, size_t, const char *);
static void	mode_user(struct client *, struct msg *);

/*
 * Tell the cluster of changes made here: the line, then each change as
 * sign, letter, argument (a member's uid for o and v) for the script.
 */
static void
mode_publish(struct channel *ch, struct client *c, struct modeline *ml)
{
	const char	*argv[2 + 3 * (sizeof ml->changes)];
	char		 signs[sizeof ml->changes][2], letters[sizeof ml->changes][2];
	char		 when[24];
	struct client	*t = NULL;
	const char	*p, *arg;
	int		 argc = 0, next = 2, n = 0;
	char		 dir = '+';

	if (!cluster_on)
		return;
	snprintf(when, sizeof when, "%lld", (long long)time(NULL));
	argv[argc++] = c->nick;
	argv[argc++] = when;
	for (p = ml->changes; *p != '\0'; p++) {
		if (*p == '+' || *p == '-') {
			dir = *p;
			continue;
		}
		arg = "";
		if (strchr("beIkov", *p) != NULL || (*p == 'l' && dir == '+'))
			arg = next < 2 + ml->nargs ? ml->params[next++] : "";
		if ((*p == 'o' || *p == 'v') && ((t = user_find(arg)) == NULL ||
		    t->uid == NULL))
			continue;
		if (*p == 'o' || *p == 'v')
			arg = t->uid;
		signs[n][0] = dir;
		signs[n][1] = '\0';
		letters[n][0] = *p;
		letters[n][1] = '\0';
		argv[argc++] = signs[n];
		argv[argc++] = letters[n++];
		argv[argc++] = arg;
	}
	cluster_state("mode", c, ch, "MODE", 2 + ml->nargs, ml->params, argc,
	    argv);
}

/*
 * Apply a MODE line's changes (params[0]) and arguments from another
 * node, already checked there, as setter did them.
 */
void
mode_apply(struct channel *ch, const char *setter, int nparams,
    const char *const *params)
{
	const char	*p;
	char		 mask[NATTERD_MASKLEN + 1];
	struct client	*t;
	struct member	*mb;
	int		 dir = 1, arg = 1, list;
	size_t		 f;
	long		 l;

	for (p = params[0]; *p != '\0'; p++) {
		if (*p == '+' || *p == '-') {
			dir = *p == '+';
			continue;
		}
		if ((list = mode_list(*p)) != -1 || *p == 'k' || *p == 'o' ||
		    *p == 'v' || (*p == 'l' && dir)) {
			if (arg >= nparams)
				return;
			arg++;
		}
		if (list != -1) {
			snprintf(mask, sizeof mask, "%s", params[arg - 1]);
			if (dir)
				channel_list_add(ch, list, mask, setter);
			else
				channel_list_del(ch, list, mask, sizeof mask);
		} else if (*p == 'k')
			channel_set_key(ch, dir && strlen(params[arg - 1]) <=
			    NATTERD_KEYLEN ? params[arg - 1] : NULL);
		else if (*p == 'l') {
			l = dir ? strtol(params[arg - 1], NULL, 10) : 0;
			channel_set_limit(ch, l > 0 && l <= 1000000 ? (int)l :
			    0);
		} else if (*p == 'o' || *p == 'v') {
			if ((t = user_find(params[arg - 1])) != NULL &&
			    (mb = channel_member(ch, t)) != NULL)
				channel_set_status(mb, *p == 'o' ? MEMBER_OP :
				    MEMBER_VOICE, dir);
		} else {
			for (f = 0; f < MODE_NFLAGS; f++) {
				if (mode_flags[f].letter != *p)
					continue;
				channel_set_modes(ch, dir ? ch->modes |
				    mode_flags[f].flag : ch->modes &
				    ~mode_flags[f].flag);
			}
		}
	}
}

/* Announce the changes gathered so far, if any, and start over. */
static void
mode_flush(struct channel *ch, struct client *c, struct modeline *ml)
{
	if (ml->len > 0) {
		channel_send_line(ch, c, "MODE", 2 + ml->nargs, ml->params);
		mode_publish(ch, c, ml);
	}
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
 * MODE on a channel: +i, +m, +n, +t, +k key, +l limit, +b mask, and
 * +o/-o and +v/-v nick (at most MODES of those per command); "b" with no
 * argument lists the bans, as clients ask on join. Changes apply in
 * order; the channel is told their net effect, so "+t-t+t-t" cannot make
 * one command into a flood.
 */
static void
mode_channel(struct client *c, struct msg *m, struct channel *ch)
{
	struct member	*mb, *tm, *ops[NATTERD_MODES];
	struct client	*t;
	struct modeline	 ml;
	const char	*p, *q, *key, *v;
	char		 bad[8], cur[64], num[16], letters[MODE_NFLAGS + 3];
	uint32_t	 cp;
	int		 dir = 1, arg = 2, nops = 0, nseen = 0, flag, i;
	int		 denied = 0, listed = 0, modes, before, limit, may = -1;
	int		 was[NATTERD_MODES], bits[NATTERD_MODES], bit;
	char		 mask[NATTERD_MODES][NATTERD_MASKLEN + 1];
	char		 maskdir[NATTERD_MODES], maskletter[NATTERD_MODES];
	int		 nmasks = 0, n, list;
	size_t		 f, nl = 0;
	long		 l;
	char		*end;

	mb = channel_member(ch, c);
	if (m->nparams < 2) {
		/* The key only to members, as ngIRCd and InspIRCd do. */
		snprintf(num, sizeof num, "%d", ch->limit);
		for (f = 0; f < MODE_NFLAGS; f++) {
			if (ch->modes & mode_flags[f].flag)
				letters[nl++] = mode_flags[f].letter;
		}
		if (ch->key != NULL)
			letters[nl++] = 'k';
		if (ch->limit > 0)
			letters[nl++] = 'l';
		letters[nl] = '\0';
		snprintf(cur, sizeof cur, "+%s%s%s%s%s", letters,
		    ch->key != NULL ? " " : "", ch->key == NULL ? "" :
		    mb != NULL ? ch->key : "*", ch->limit > 0 ? " " : "",
		    ch->limit > 0 ? num : "");
		reply(c, RPL_CHANNELMODEIS_MSG, ch->name, cur);
		reply(c, RPL_CREATIONTIME_MSG, ch->name,
		    (long long)ch->created);
		return;
	}
	modes = ch->modes;
	key = ch->key;
	limit = ch->limit;
	for (p = m->params[1]; *p != '\0'; p++) {
		if (*p == '+' || *p == '-') {
			dir = *p == '+';
			continue;
		}
		list = mode_list(*p);
		if (list != -1 && arg >= m->nparams) {
			if (!(listed & (1 << list)))
				mode_list_show(c, ch, list);
			listed |= 1 << list;
			continue;
		}
		if (strchr("imnpstovklbeI", *p) == NULL) {
			/* Name the whole character, not one byte of it. */
			q = p;
			utf8_decode(&q, p + strlen(p), &cp);
			snprintf(bad, sizeof bad, "%.*s", (int)(q - p), p);
			reply(c, ERR_UNKNOWNMODE_MSG, bad);
			p = q - 1;
			continue;
		}
		if (may == -1) {
			may = channel_can_op(ch, mb, c, "MODE");
			if (may && cluster_refuse(c, "MODE"))
				return;
		}
		if (!may) {
			if (!denied++) {
				if (mb == NULL)
					reply(c, ERR_NOTONCHANNEL_MSG,
					    ch->name);
				else
					reply(c, ERR_CHANOPRIVSNEEDED_MSG,
					    ch->name);
			}
			continue;
		}
		if (list != -1) {
			if (nmasks == NATTERD_MODES ||
			    m->params[arg][0] == '\0') {
				arg++;
				continue;
			}
			v = mask[nmasks];
			mode_mask(mask[nmasks], sizeof mask[nmasks],
			    m->params[arg++]);
			if (dir) {
				n = channel_list_add(ch, list, v, c->nick);
				if (n < 0)
					reply(c, ERR_BANLISTFULL_MSG, ch->name,
					    v, *p);
			} else
				n = channel_list_del(ch, list, mask[nmasks],
				    sizeof mask[nmasks]);
			/* Announced as it was done: lists have no net. */
			if (n == 0) {
				maskdir[nmasks] = dir ? '+' : '-';
				maskletter[nmasks++] = *p;
			}
			continue;
		}
		if (*p == 'k' || *p == 'l') {
			/* -k takes the key (any word) where it is given. */
			v = NULL;
			if ((dir || *p == 'k') && arg < m->nparams)
				v = m->params[arg++];
			if (dir && v == NULL) {
				reply(c, ERR_NEEDMOREPARAMS_MSG, "MODE");
				continue;
			}
			if (*p == 'k' && !dir)
				key = NULL;
			else if (*p == 'k') {
				if (*v == '\0' || strlen(v) > NATTERD_KEYLEN ||
				    strpbrk(v, " ,:") != NULL ||
				    !utf8_valid(v, strlen(v))) {
					reply(c, ERR_INVALIDKEY_MSG, ch->name);
					continue;
				}
				key = v;
			} else if (!dir)
				limit = 0;
			else {
				l = strtol(v, &end, 10);
				if (*v < '0' || *v > '9' || *end != '\0' ||
				    l <= 0 || l > 1000000) {
					reply(c, ERR_INVALIDMODEPARAM_MSG,
					    ch->name, 'l', reply_param(v),
					    "a number from 1 to 1000000");
					continue;
				}
				limit = (int)l;
			}
			continue;
		}
		if (*p != 'o' && *p != 'v') {
			/* One of mode_flags: the rest went above. */
			for (f = 0; mode_flags[f].letter != *p; f++)
				;
			flag = mode_flags[f].flag;
			if (dir)
				modes |= flag;
			else
				modes &= ~flag;
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
			reply(c, ERR_NOSUCHNICK_MSG,
			    reply_param(m->params[arg]));
			arg++;
			continue;
		}
		arg++;
		if ((tm = channel_member(ch, t)) == NULL) {
			reply(c, ERR_USERNOTINCHANNEL_MSG, t->nick, ch->name);
			continue;
		}
		/* Remember each member's status before the first change. */
		bit = *p == 'o' ? MEMBER_OP : MEMBER_VOICE;
		for (i = 0; i < nseen && (ops[i] != tm || bits[i] != bit); i++)
			;
		if (i == nseen) {
			ops[nseen] = tm;
			bits[nseen] = bit;
			was[nseen++] = tm->flags & bit;
		}
		channel_set_status(tm, bit, dir);
	}

	before = ch->modes;
	if (modes != before)
		channel_set_modes(ch, modes);
	memset(&ml, 0, sizeof ml);
	ml.params[0] = ch->name;
	ml.params[1] = ml.changes;
	for (f = 0; f < MODE_NFLAGS; f++) {
		flag = mode_flags[f].flag;
		if ((before ^ modes) & flag)
			mode_add(ch, c, &ml, (modes & flag) ? '+' : '-',
			    mode_flags[f].letter, NULL);
	}
	/* A key or limit changed to the same value is no change. */
	if (key != ch->key && (key == NULL || ch->key == NULL ||
	    strcmp(key, ch->key) != 0)) {
		channel_set_key(ch, key);
		mode_add(ch, c, &ml, key != NULL ? '+' : '-', 'k',
		    key != NULL ? ch->key : "*");
	}
	if (limit != ch->limit) {
		channel_set_limit(ch, limit);
		snprintf(num, sizeof num, "%d", limit);
		mode_add(ch, c, &ml, limit > 0 ? '+' : '-', 'l',
		    limit > 0 ? num : NULL);
	}
	for (i = 0; i < nmasks; i++)
		mode_add(ch, c, &ml, maskdir[i], maskletter[i], mask[i]);
	for (i = 0; i < nseen; i++) {
		if ((ops[i]->flags & bits[i]) != was[i])
			mode_add(ch, c, &ml, was[i] ? '-' : '+',
			    bits[i] == MEMBER_OP ? 'o' : 'v',
			    ops[i]->client->nick);
	}
	mode_flush(ch, c, &ml);
}

/* The LIST_* of a list mode letter (b, e, I), or -1. */
static int
mode_list(char letter)
{
	size_t	 i;

	for (i = 0; i < MODE_NLISTS; i++) {
		if (mode_lists[i].letter == letter)
			return (mode_lists[i].list);
	}
	return (-1);
}

/* MODE #chan b (or e, I) without a mask: the list, then its end. */
static void
mode_list_show(struct client *c, struct channel *ch, int list)
{
	const struct chanmask	*v = ch->masks[list];
	int			 i;

	for (i = 0; i < ch->nmasks[list]; i++) {
		if (list == LIST_BAN)
			reply(c, RPL_BANLIST_MSG, ch->name, v[i].mask,
			    v[i].who, (long long)v[i].when);
		else if (list == LIST_EXCEPT)
			reply(c, RPL_EXCEPTLIST_MSG, ch->name, v[i].mask,
			    v[i].who, (long long)v[i].when);
		else
			reply(c, RPL_INVITELIST_MSG, ch->name, v[i].mask,
			    v[i].who, (long long)v[i].when);
	}
	if (list == LIST_BAN)
		reply(c, RPL_ENDOFBANLIST_MSG, ch->name);
	else if (list == LIST_EXCEPT)
		reply(c, RPL_ENDOFEXCEPTLIST_MSG, ch->name);
	else
		reply(c, RPL_ENDOFINVITELIST_MSG, ch->name);
}

/*
 * A ban mask in full nick!user@host form, as others do: "nick" is
 * nick!*@*, "user@host" *!user@host, "nick!user" nick!user@*; cut to
 * size bytes.
 */
static void
mode_mask(char *out, size_t size, const char *in)
{
	const char	*bang = strchr(in, '!'), *at = strchr(in, '@');
	int		 n;

	/* Cut on a character, leaving room for what is added. */
	n = (int)utf8_cut(in, strlen(in), size - 5);
	if (bang == NULL && at == NULL)
		snprintf(out, size, "%.*s!*@*", n, in);
	else if (bang == NULL)
		snprintf(out, size, "*!%.*s", n, in);
	else if (at == NULL)
		snprintf(out, size, "%.*s@*", n, in);
	else
		snprintf(out, size, "%.*s", n, in);
}

/* c's user modes as "+Biow" (just "+" for none) into buf. */
static void
mode_user_string(struct client *c, char *buf)
{
	*buf++ = '+';
	if (c->flags & CLIENT_BOT)
		*buf++ = 'B';
	if (c->flags & CLIENT_INVISIBLE)
		*buf++ = 'i';
	if (c->flags & CLIENT_OPER)
		*buf++ = 'o';
	if (c->flags & CLIENT_WALLOPS)
		*buf++ = 'w';
	*buf = '\0';
}

/*
 * MODE on oneself: +B, +i, +w, and -o (+o only comes with OPER: asking
 * for it is ignored, as RFC 2812 says).
 */
static void
mode_user(struct client *c, struct msg *m)
{
	struct client	*t;
	const char	*p;
	char		 line[MSG_LINELEN + 1], modes[8], change[16] = "";
	char		*cp = change, lastdir = 0;
	int		 dir = 1, unknown = 0, n, flag, was;

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
		mode_user_string(c, modes);
		reply(c, RPL_UMODEIS_MSG, modes);
		return;
	}
	for (p = m->params[1]; *p != '\0'; p++) {
		if (*p == '+' || *p == '-') {
			dir = *p == '+';
			continue;
		}
		if (*p == 'B')
			flag = CLIENT_BOT;
		else if (*p == 'i')
			flag = CLIENT_INVISIBLE;
		else if (*p == 'o')
			flag = CLIENT_OPER;
		else if (*p == 'w')
			flag = CLIENT_WALLOPS;
		else {
			if (!unknown++)
				reply(c, ERR_UMODEUNKNOWNFLAG_MSG);
			continue;
		}
		was = !!(c->flags & flag);
		if (was == dir || (flag == CLIENT_OPER && dir))
			continue;
		if (flag == CLIENT_INVISIBLE)
			user_set_invisible(c, dir);
		else if (flag == CLIENT_OPER)
			user_set_oper(c, 0);
		else if (dir)
			c->flags |= flag;
		else
			c->flags &= ~flag;
		/* At most one change per letter and two signs: it fits. */
		if (cp - change > (int)sizeof change - 3)
			continue;
		if (lastdir != (dir ? '+' : '-'))
			*cp++ = lastdir = dir ? '+' : '-';
		*cp++ = *p;
		*cp = '\0';
	}
	if (change[0] == '\0')
		return;
	n = msg_formatl(line, sizeof line, c->prefix, "MODE", c->nick, change,
	    (char *)NULL);
	if (n > 0)
		conn_write(c, line, n);
	cluster_umode(c, change);
}

int
irc_mode(struct client *c, struct msg *m)
{
	struct channel	*ch;

	if (!name_is_chan(m->params[0])) {
		mode_user(c, m);
		return (0);
	}
	if ((ch = channel_find(m->params[0])) == NULL) {
		reply(c, ERR_NOSUCHCHANNEL_MSG, reply_param(m->params[0]),
		    "No such channel");
		return (0);
	}
	mode_channel(c, m, ch);
	return (0);
}
