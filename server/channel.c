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
 * Channels and membership. Every delivery to a channel goes through
 * channel_send(), and every channel message is complete (sender, time,
 * text) in channel_message() before fan-out: the places where history or
 * a link to other servers would hook in.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natterd.h"

struct channels	 channels = RB_INITIALIZER(&channels);
int		 channel_count;

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
	return (ch);
}

static void
channel_destroy(struct channel *ch)
{
	RB_REMOVE(channels, &channels, ch);
	channel_count--;
	free(ch->topic);
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
	c->nchannels--;
	free(m);
	if (ch->nmembers == 0)
		channel_destroy(ch);
}

/* Send o to every member of ch but except (which may be NULL). */
void
channel_send(struct channel *ch, struct client *except, struct out *o)
{
	struct member	*m;

	TAILQ_FOREACH(m, &ch->members, centry) {
		if (m->client != except)
			out_send(m->client, o);
	}
}

/* Format a line from c's prefix and send it to every member of ch. */
void
channel_send_line(struct channel *ch, struct client *c, const char *cmd,
    int nparams, const char *const *params)
{
	char		 line[MSG_LINELEN + 1];
	struct out	 o;
	int		 n;

	n = msg_format(line, sizeof line, c->prefix, cmd, nparams, params);
	if (n < 0) {
		log_warnx("%s from %s to %s does not fit", cmd, c->nick,
		    ch->name);
		return;
	}
	out_init(&o, line, n);
	channel_send(ch, NULL, &o);
}

/*
 * A PRIVMSG or NOTICE from c to ch, already checked. The sender sees its
 * own message only with echo-message. Return -1 if the line would not
 * fit in 512 bytes with c's prefix.
 */
int
channel_message(struct channel *ch, struct client *c, const char *cmd,
    const char *text)
{
	char		 line[MSG_LINELEN + 1];
	struct out	 o;
	int		 n;

	n = msg_formatl(line, sizeof line, c->prefix, cmd, ch->name, text,
	    (char *)NULL);
	if (n < 0)
		return (-1);
	out_init(&o, line, n);
	channel_send(ch, c, &o);
	/* With echo-message the sender gets it too, member or not (-n). */
	if (c->caps & CAP_ECHO_MESSAGE)
		out_send(c, &o);
	return (0);
}

/*
 * Send ch's member list to c as 353 lines cut to fit, then 366. With
 * userhost-in-names each entry is nick!user@host.
 */
void
channel_names(struct client *c, struct channel *ch)
{
	struct member	*m;
	char		 list[MSG_LINELEN + 1];
	size_t		 len = 0, room, n;
	const char	*name;

	/* ":server 353 nick = #chan :" and CR LF take this much. */
	room = MSG_LINELEN - 2 - (strlen(conf.name) + strlen(reply_nick(c)) +
	    strlen(ch->name) + 12);
	TAILQ_FOREACH(m, &ch->members, centry) {
		name = (c->caps & CAP_USERHOST_IN_NAMES) ? m->client->prefix :
		    m->client->nick;
		n = strlen(name) + ((m->flags & MEMBER_OP) ? 1 : 0);
		if (len > 0 && len + 1 + n > room) {
			reply(c, RPL_NAMREPLY_MSG, ch->name, list);
			len = 0;
		}
		len += snprintf(list + len, sizeof list - len, "%s%s%s",
		    len > 0 ? " " : "", (m->flags & MEMBER_OP) ? "@" : "",
		    name);
	}
	if (len > 0)
		reply(c, RPL_NAMREPLY_MSG, ch->name, list);
	reply(c, RPL_ENDOFNAMES_MSG, ch->name);
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
