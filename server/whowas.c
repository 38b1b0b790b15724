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
 * WHOWAS: the nicknames users had, in a ring of the newest
 * NATTERD_WHOWAS. A nickname is remembered when its user quits or takes
 * another, as RFC 2812 says and ngIRCd does.
 */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "natterd.h"

/*
 * All in one static ring, strings inline: memory allocated as users
 * leave would pin the heap their buffers freed (glibc returns only the
 * top of it).
 */
struct whowas {
	char		 nick[NAME_NICKMAX + 1];
	char		 user[NAME_USERLEN + 1];
	char		 host[64];
	char		 realname[NATTERD_REALLEN + 1];
	time_t		 when;
};

static struct whowas	 whowas_ring[NATTERD_WHOWAS];
static size_t		 whowas_next;	/* the slot written next */
static size_t		 whowas_count;

/* Remember c's nickname, user name, host and real name as they are now. */
void
whowas_add(struct client *c)
{
	struct whowas	*w;

	if (c->nick[0] == '\0' || !(c->flags & CLIENT_REGISTERED))
		return;
	w = &whowas_ring[whowas_next];
	snprintf(w->nick, sizeof w->nick, "%s", c->nick);
	snprintf(w->user, sizeof w->user, "%s", c->user);
	snprintf(w->host, sizeof w->host, "%s", c->host);
	snprintf(w->realname, sizeof w->realname, "%s",
	    c->realname != NULL ? c->realname : "");
	w->when = time(NULL);
	whowas_next = (whowas_next + 1) % NATTERD_WHOWAS;
	if (whowas_count < NATTERD_WHOWAS)
		whowas_count++;
}

/* Answer the entries for nick, newest first, at most max (0: all). */
static void
whowas_reply(struct client *c, const char *nick, long max)
{
	const struct whowas	*w;
	struct tm		 tm;
	char			 when[64];
	size_t			 i;
	long			 found = 0;

	for (i = 1; i <= whowas_count && (max <= 0 || found < max); i++) {
		w = &whowas_ring[(whowas_next + NATTERD_WHOWAS - i) %
		    NATTERD_WHOWAS];
		if (name_cmp(w->nick, nick) != 0)
			continue;
		found++;
		gmtime_r(&w->when, &tm);
		strftime(when, sizeof when, "%a %b %d %H:%M:%S %Y UTC", &tm);
		reply(c, RPL_WHOWASUSER_MSG, w->nick, w->user, w->host,
		    w->realname);
		reply(c, RPL_WHOISSERVER_MSG, w->nick, conf.name, when);
	}
	if (found == 0)
		reply(c, ERR_WASNOSUCHNICK_MSG, reply_param(nick));
	reply(c, RPL_ENDOFWHOWAS_MSG, reply_param(nick));
}

/*
 * WHOWAS nick[,nick] [count [server]]: a 314 and a 312 (with the time it
 * was left) for each entry, newest first; a count of 0 or less means all.
 * An unknown nickname gets 406. Each nickname ends with its 369.
 */
int
irc_whowas(struct client *c, struct msg *m)
{
	char	*nick, *last, *end;
	long	 max = 0;
	int	 count = 0;

	if (m->nparams > 1) {
		max = strtol(m->params[1], &end, 10);
		if (end == m->params[1])
			max = 0;
	}
	for (nick = strtok_r(m->params[0], ",", &last); nick != NULL &&
	    count++ < NATTERD_MAXTARGETS; nick = strtok_r(NULL, ",", &last))
		whowas_reply(c, nick, max);
	if (count == 0)
		reply(c, ERR_NONICKNAMEGIVEN_MSG);
	return (0);
}
