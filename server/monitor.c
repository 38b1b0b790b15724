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
 * MONITOR (IRCv3): each user may watch up to NATTERD_MONITOR nicknames
 * and is told when one comes online (730) or goes offline (731). A tree
 * of watched nicknames, folded, holds who watches each, so a user coming
 * and going costs one lookup.
 */

#include <stdlib.h>
#include <string.h>

#include "natterd.h"

struct watch {
	char			 fold[NAME_NICKMAX + 1];
	char			 nick[NAME_NICKMAX + 1];	/* as added */
	struct client		**who;
	int			 nwho;
	int			 size;
	RB_ENTRY(watch)		 entry;
};
RB_HEAD(watches, watch);
RB_PROTOTYPE(watches, watch, entry, watch_cmp);

static int	watch_cmp(struct watch *, struct watch *);
RB_GENERATE(watches, watch, entry, watch_cmp);

static struct watches	 watches = RB_INITIALIZER(&watches);

static int
watch_cmp(struct watch *a, struct watch *b)
{
	return (strcmp(a->fold, b->fold));
}

static struct watch *
watch_find(const char *nick)
{
	struct watch	 key;

	name_fold(key.fold, nick, sizeof key.fold);
	return (RB_FIND(watches, &watches, &key));
}

/* Where c watches w in its list, or -1. */
static int
watch_index(struct client *c, struct watch *w)
{
	int	 i;

	for (i = 0; i < c->nwatching; i++) {
		if (c->watching[i] == w)
			return (i);
	}
	return (-1);
}

/* Start c watching nick: 1 if added, 0 if already there. */
static int
watch_add(struct client *c, const char *nick)
{
	struct watch	*w;

	if ((w = watch_find(nick)) == NULL) {
		w = xcalloc(1, sizeof *w);
		name_fold(w->fold, nick, sizeof w->fold);
		snprintf(w->nick, sizeof w->nick, "%s", nick);
		RB_INSERT(watches, &watches, w);
	} else if (watch_index(c, w) != -1)
		return (0);
	if (w->nwho == w->size) {
		w->size = w->size == 0 ? 4 : w->size * 2;
		w->who = xreallocarray(w->who, w->size, sizeof *w->who);
	}
	w->who[w->nwho++] = c;
	if (c->watching == NULL)
		c->watching = xcalloc(NATTERD_MONITOR, sizeof *c->watching);
	c->watching[c->nwatching++] = w;
	return (1);
}

/* Stop c watching the i-th nickname of its list. */
static void
watch_del(struct client *c, int i)
{
	struct watch	*w = c->watching[i];
	int		 j;

	c->watching[i] = c->watching[--c->nwatching];
	for (j = 0; j < w->nwho && w->who[j] != c; j++)
		;
	if (j < w->nwho)
		w->who[j] = w->who[--w->nwho];
	if (w->nwho == 0) {
		RB_REMOVE(watches, &watches, w);
		free(w->who);
		free(w);
	}
}

/* Forget everything c watches: MONITOR C, or c is leaving. */
void
monitor_clear(struct client *c)
{
	while (c->nwatching > 0)
		watch_del(c, c->nwatching - 1);
	free(c->watching);
	c->watching = NULL;
}

/* Tell whoever watches t's nickname that it is online, or went offline. */
void
monitor_tell(struct client *t, int online)
{
	struct watch	*w;
	int		 i;

	if ((w = watch_find(t->nick)) == NULL)
		return;
	for (i = 0; i < w->nwho; i++) {
		if (online)
			reply(w->who[i], RPL_MONONLINE_MSG, t->prefix);
		else
			reply(w->who[i], RPL_MONOFFLINE_MSG, t->nick);
	}
}

static void
monitor_online_flush(struct words *w)
{
	reply(w->c, RPL_MONONLINE_MSG, w->buf);
}

static void
monitor_offline_flush(struct words *w)
{
	reply(w->c, RPL_MONOFFLINE_MSG, w->buf);
}

static void
monitor_list_flush(struct words *w)
{
	reply(w->c, RPL_MONLIST_MSG, w->buf);
}

/*
 * The state of each nickname in list (comma-separated; NULL: all that c
 * watches), online ones in 730 lines, offline ones in 731, packed.
 */
static void
monitor_status(struct client *c, char *list)
{
	struct words	 on, off;
	struct client	*t;
	char		*nick, *last;
	int		 i;
	size_t		 used;

	/* ":server 730 nick :" and CR LF. */
	used = strlen(conf.name) + strlen(c->nick) + 10;
	words_init(&on, c, used, monitor_online_flush, NULL);
	words_init(&off, c, used, monitor_offline_flush, NULL);
	on.sep = off.sep = ',';
	nick = list != NULL ? strtok_r(list, ",", &last) : NULL;
	for (i = 0; list != NULL ? nick != NULL : i < c->nwatching; i++) {
		if (list == NULL)
			nick = c->watching[i]->nick;
		if (*nick != '\0') {
			t = user_find(nick);
			if (t != NULL && (t->flags & CLIENT_REGISTERED))
				words_add(&on, "", t->prefix);
			else
				words_add(&off, "", nick);
		}
		if (list != NULL)
			nick = strtok_r(NULL, ",", &last);
	}
	words_end(&on);
	words_end(&off);
}

/*
 * MONITOR + nick[,nick]: watch them and hear their state; past the limit
 * 734 names the rest, which are not added. MONITOR - nick[,nick]: stop.
 * C clears the list, L lists it (732, 733), S tells every state.
 */
int
irc_monitor(struct client *c, struct msg *m)
{
	struct words	 w;
	char		*nick, *last, added[MSG_LINELEN + 1];
	const char	*errstr, *cmd = m->params[0];
	size_t		 len = 0;
	int		 i;

	if ((*cmd == '+' || *cmd == '-') && cmd[1] == '\0' &&
	    m->nparams < 2) {
		reply(c, ERR_NEEDMOREPARAMS_MSG, "MONITOR");
		return (0);
	}
	switch (cmd[1] != '\0' ? 0 : *cmd) {
	case '+':
		for (nick = strtok_r(m->params[1], ",", &last); nick != NULL;
		    nick = strtok_r(NULL, ",", &last)) {
			if (!name_nick_valid(nick, NAME_NICKLEN, &errstr))
				continue;
			if (c->nwatching == NATTERD_MONITOR) {
				/* This one and the rest are refused. */
				if (last != NULL && *last != '\0')
					last[-1] = ',';
				reply(c, ERR_MONLISTFULL_MSG, NATTERD_MONITOR,
				    nick);
				break;
			}
			if (watch_add(c, nick))
				len += snprintf(added + len, sizeof added -
				    len, "%s%s", len > 0 ? "," : "", nick);
		}
		if (len > 0)
			monitor_status(c, added);
		break;
	case '-':
		for (nick = strtok_r(m->params[1], ",", &last); nick != NULL;
		    nick = strtok_r(NULL, ",", &last)) {
			for (i = 0; i < c->nwatching; i++) {
				if (name_cmp(c->watching[i]->fold, nick) == 0)
					watch_del(c, i);
			}
		}
		break;
	case 'C':
	case 'c':
		monitor_clear(c);
		break;
	case 'L':
	case 'l':
		/* ":server 732 nick :" and CR LF. */
		words_init(&w, c, strlen(conf.name) + strlen(c->nick) + 10,
		    monitor_list_flush, NULL);
		w.sep = ',';
		for (i = 0; i < c->nwatching; i++)
			words_add(&w, "", c->watching[i]->nick);
		words_end(&w);
		reply(c, RPL_ENDOFMONLIST_MSG);
		break;
	case 'S':
	case 's':
		monitor_status(c, NULL);
		break;
	default:
		reply_fail(c, "MONITOR", "INVALID_PARAMS",
		    "Unknown subcommand: +, -, C, L or S");
		break;
	}
	return (0);
}

/* At exit: every client is gone, but free whatever is left anyway. */
void
monitor_free_all(void)
{
	struct watch	*w;

	while ((w = RB_MIN(watches, &watches)) != NULL) {
		RB_REMOVE(watches, &watches, w);
		free(w->who);
		free(w);
	}
}
