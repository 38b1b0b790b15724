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
 * The command table and central validation (ngIRCd's Handle_Request):
 * unknown commands get 421, commands before registration 451 and too few
 * parameters 461, so handlers only deal with what is theirs.
 */

#include <stdlib.h>
#include <string.h>

#include "natterd.h"

struct cmd_entry {
	const char	*name;
	cmd_fn		 fn;
	int		 minparams;
	int		 flags;
#define CMD_REGISTERED	0x1	/* only after registration */
};

/* Sorted by name: cmd_check_table() makes sure at start-up. */
static const struct cmd_entry cmd_table[] = {
	{ "AWAY",	irc_away,	0, CMD_REGISTERED },
	{ "BATCH",	irc_batch,	1, CMD_REGISTERED },
	{ "CAP",	irc_cap,	1, 0 },
	{ "CHATHISTORY", irc_chathistory, 1, CMD_REGISTERED },
	{ "DIE",	irc_die,	0, CMD_REGISTERED },
	{ "HELP",	irc_help,	0, CMD_REGISTERED },
	{ "HELPOP",	irc_help,	0, CMD_REGISTERED },
	{ "INFO",	irc_info,	0, CMD_REGISTERED },
	{ "INVITE",	irc_invite,	2, CMD_REGISTERED },
	{ "ISON",	irc_ison,	1, CMD_REGISTERED },
	{ "JOIN",	irc_join,	1, CMD_REGISTERED },
	{ "KICK",	irc_kick,	2, CMD_REGISTERED },
	{ "KILL",	irc_kill,	1, CMD_REGISTERED },
	{ "LIST",	irc_list,	0, CMD_REGISTERED },
	{ "LUSERS",	irc_lusers,	0, CMD_REGISTERED },
	{ "MODE",	irc_mode,	1, CMD_REGISTERED },
	{ "MONITOR",	irc_monitor,	1, CMD_REGISTERED },
	{ "MOTD",	irc_motd,	0, CMD_REGISTERED },
	{ "NAMES",	irc_names,	0, CMD_REGISTERED },
	{ "NICK",	irc_nick,	0, 0 },
	{ "NOTICE",	irc_notice,	0, CMD_REGISTERED },
	{ "OPER",	irc_oper,	2, CMD_REGISTERED },
	{ "PART",	irc_part,	1, CMD_REGISTERED },
	{ "PASS",	irc_pass,	1, 0 },
	{ "PING",	irc_ping,	0, 0 },
	{ "PONG",	irc_pong,	0, 0 },
	{ "PRIVMSG",	irc_privmsg,	0, CMD_REGISTERED },
	{ "QUIT",	irc_quit,	0, 0 },
	{ "REHASH",	irc_rehash,	0, CMD_REGISTERED },
	{ "SEARCH",	irc_search,	0, CMD_REGISTERED },
	{ "TAGMSG",	irc_tagmsg,	0, CMD_REGISTERED },
	{ "TIME",	irc_time,	0, CMD_REGISTERED },
	{ "TOPIC",	irc_topic,	1, CMD_REGISTERED },
	{ "USER",	irc_user,	4, 0 },
	{ "USERHOST",	irc_userhost,	1, CMD_REGISTERED },
	{ "VERSION",	irc_version,	0, CMD_REGISTERED },
	{ "WALLOPS",	irc_wallops,	1, CMD_REGISTERED },
	{ "WHO",	irc_who,	0, CMD_REGISTERED },
	{ "WHOIS",	irc_whois,	1, CMD_REGISTERED },
	{ "WHOWAS",	irc_whowas,	1, CMD_REGISTERED },
};
#define CMD_COUNT	(sizeof cmd_table / sizeof cmd_table[0])

static int
cmd_compare(const void *key, const void *entry)
{
	return (strcmp(key, ((const struct cmd_entry *)entry)->name));
}

/*
 * bsearch needs the tables sorted, or a misplaced row would just vanish;
 * and HELP must know every command.
 */
int
cmd_check_table(void)
{
	const struct help_topic	*t;
	size_t			 i;

	for (i = 0; i < CMD_COUNT; i++) {
		if (i > 0 &&
		    strcmp(cmd_table[i - 1].name, cmd_table[i].name) >= 0) {
			log_warnx("cmd_table: %s before %s",
			    cmd_table[i - 1].name, cmd_table[i].name);
			return (-1);
		}
		if (help_find(cmd_table[i].name) == NULL) {
			log_warnx("cmd_table: no HELP for %s",
			    cmd_table[i].name);
			return (-1);
		}
	}
	for (i = 1; (t = help_topic_at(i)) != NULL; i++) {
		if (strcmp(help_topic_at(i - 1)->name, t->name) >= 0) {
			log_warnx("help topics: %s before %s",
			    help_topic_at(i - 1)->name, t->name);
			return (-1);
		}
	}
	return (0);
}

/* Run one parsed message from c: 0, or -1 if c was closed. */
int
cmd_dispatch(struct client *c, struct msg *m)
{
	const struct cmd_entry	*ce;

	/* The lines of a multiline batch wait for its end. */
	if (batch_take(c, m))
		return (0);
	ce = bsearch(m->cmd, cmd_table, CMD_COUNT, sizeof cmd_table[0],
	    cmd_compare);
	if (ce == NULL) {
		if (c->flags & CLIENT_REGISTERED)
			reply(c, ERR_UNKNOWNCOMMAND_MSG, m->cmd);
		else
			reply(c, ERR_NOTREGISTERED_MSG);
		return (0);
	}
	if ((ce->flags & CMD_REGISTERED) && !(c->flags & CLIENT_REGISTERED)) {
		reply(c, ERR_NOTREGISTERED_MSG);
		return (0);
	}
	if (m->nparams < ce->minparams) {
		reply(c, ERR_NEEDMOREPARAMS_MSG, ce->name);
		return (0);
	}
	return (ce->fn(c, m));
}
