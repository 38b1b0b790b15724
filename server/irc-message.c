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

/* PRIVMSG and NOTICE, to channels and to nicks (the tutorial's whisper). */

#include <stdio.h>
#include <string.h>

#include "natterd.h"

static int	message(struct client *, struct msg *, const char *);
static int	notice(struct client *, struct msg *);
static void	message_too_long(struct client *, const char *,
		    const char *, size_t);

/* The text would not fit in one line with c's prefix: say how much fits. */
static void
message_too_long(struct client *c, const char *cmd, const char *target,
    size_t textlen)
{
	char	 why[128];
	size_t	 room;

	room = msg_room(c->prefix, cmd, 2, (const char *[]){ target, NULL });
	snprintf(why, sizeof why, "Message of %zu bytes is too long for %s; "
	    "at most %zu fit", textlen, target, room);
	reply(c, ERR_TEXTTOOLONG_MSG, why);
}

/*
 * Deliver text from c to each target of a comma list. A NOTICE is never
 * answered, not even with an error (RFC 2812 3.3.2): that is what keeps
 * two bots from answering each other forever.
 */
static int
message(struct client *c, struct msg *m, const char *cmd)
{
	char		*target, *last, ctags[MSG_CTAGSLEN + 1];
	const char	*text = NULL, *why;
	struct channel	*ch;
	struct client	*t;
	int		 count = 0, tagmsg = strcmp(cmd, "TAGMSG") == 0;

	if (m->nparams < 1 || m->params[0][0] == '\0') {
		reply(c, ERR_NORECIPIENT_MSG, cmd);
		return (0);
	}
	if (!tagmsg && (m->nparams < 2 || m->params[1][0] == '\0')) {
		reply(c, ERR_NOTEXTTOSEND_MSG);
		return (0);
	}
	if (!tagmsg)
		text = m->params[1];
	/* conn_line() kept the tags within MSG_CTAGSLEN. */
	if (msg_client_tags(m->tags, ctags, sizeof ctags) < 0)
		ctags[0] = '\0';
	c->last_msg = time(NULL);
	for (target = strtok_r(m->params[0], ",", &last); target != NULL;
	    target = strtok_r(NULL, ",", &last)) {
		if (++count > NATTERD_MAXTARGETS) {
			reply(c, ERR_TOOMANYTARGETS_MSG, reply_param(target),
			    NATTERD_MAXTARGETS);
			break;
		}
		if (name_is_chan(target)) {
			if ((ch = channel_find(target)) == NULL) {
				reply(c, ERR_NOSUCHCHANNEL_MSG,
				    reply_param(target), "No such channel");
				continue;
			}
			if ((why = message_refused(ch, c)) != NULL) {
				reply(c, ERR_CANNOTSENDTOCHAN_MSG, ch->name,
				    why);
				continue;
			}
			if (channel_message(ch, c, cmd, text, ctags) != 0)
				message_too_long(c, cmd, ch->name,
				    text != NULL ? strlen(text) : 0);
			continue;
		}
		if ((t = user_find(target)) == NULL ||
		    !(t->flags & CLIENT_REGISTERED)) {
			reply(c, ERR_NOSUCHNICK_MSG, reply_param(target));
			continue;
		}
		if (user_message(c, t, cmd, text, ctags) != 0) {
			message_too_long(c, cmd, t->nick,
			    text != NULL ? strlen(text) : 0);
			continue;
		}
		if (t->away != NULL && !tagmsg)
			reply(c, RPL_AWAY_MSG, t->nick, t->away);
	}
	if (count == 0)		/* only commas */
		reply(c, ERR_NORECIPIENT_MSG, cmd);
	return (0);
}

/*
 * NOTICE is PRIVMSG that is never answered, not even with an error (RFC
 * 2812 3.3.2): that is what keeps two bots from answering each other
 * for ever. What cannot be delivered is dropped.
 */
static int
notice(struct client *c, struct msg *m)
{
	char		*target, *last, ctags[MSG_CTAGSLEN + 1];
	struct channel	*ch;
	struct client	*t;
	int		 count = 0;

	if (m->nparams < 2 || m->params[1][0] == '\0')
		return (0);
	if (msg_client_tags(m->tags, ctags, sizeof ctags) < 0)
		ctags[0] = '\0';
	c->last_msg = time(NULL);
	for (target = strtok_r(m->params[0], ",", &last); target != NULL &&
	    ++count <= NATTERD_MAXTARGETS;
	    target = strtok_r(NULL, ",", &last)) {
		if (name_is_chan(target)) {
			if ((ch = channel_find(target)) != NULL &&
			    message_refused(ch, c) == NULL)
				channel_message(ch, c, "NOTICE", m->params[1],
				    ctags);
		} else if ((t = user_find(target)) != NULL &&
		    (t->flags & CLIENT_REGISTERED))
			user_message(c, t, "NOTICE", m->params[1], ctags);
	}
	return (0);
}

/*
 * Why c may not speak in ch, or NULL if it may: for a message, and once
 * for a whole multiline batch (irc-batch.c).
 */
const char *
message_refused(struct channel *ch, struct client *c)
{
	struct member	*mb;
	int		 voiced;

	mb = channel_member(ch, c);
	voiced = mb != NULL && (mb->flags & (MEMBER_OP | MEMBER_VOICE));
	if (mb == NULL && (ch->modes & CHAN_NOEXTERNAL))
		return ("no external messages, +n");
	if ((ch->modes & CHAN_MODERATED) && !voiced)
		return ("moderated, +m: only voice and operators");
	if (!voiced && channel_banned(ch, c))
		return ("you are banned, +b");
	return (NULL);
}

int
irc_privmsg(struct client *c, struct msg *m)
{
	return (message(c, m, "PRIVMSG"));
}

/*
 * TAGMSG target: only client-only tags (a reaction, "typing..."), to
 * those who asked for message-tags; refused and answered as PRIVMSG is.
 */
int
irc_tagmsg(struct client *c, struct msg *m)
{
	return (message(c, m, "TAGMSG"));
}

int
irc_notice(struct client *c, struct msg *m)
{
	return (notice(c, m));
}
