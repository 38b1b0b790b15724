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
 * The text HELP and HELPOP send: one topic per command of cmd.c's table,
 * and CHMODES and UMODES for the modes. Each topic opens with its syntax;
 * every line is printable ASCII of at most 72 bytes, so it fits in a 705
 * after any nickname.
 */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "natterd.h"

static int	help_compare(const void *, const void *);

static const char *const help_away[] = {
	"AWAY [<text>]",
	"Marks you away with <text>, cut to 200 bytes, and answers 306.",
	"Without <text>, marks you back and answers 305.",
	"Users who message you get 301; WHO shows you G, USERHOST with -.",
	NULL
};

static const char *const help_batch[] = {
	"BATCH +<ref> draft/multiline <target> | BATCH -<ref>",
	"Sends one message of many lines, with batch and draft/multiline:",
	"the PRIVMSG or NOTICE lines between, tagged batch=<ref>, go out",
	"at BATCH -<ref>, to others as a batch or as plain lines.",
	"draft/multiline-concat joins a line to the one before.",
	"Limits: the draft/multiline value in CAP LS 302. A broken batch",
	"gets FAIL BATCH MULTILINE_MAX_BYTES, MULTILINE_MAX_LINES,",
	"MULTILINE_INVALID_TARGET or MULTILINE_INVALID, and is dropped.",
	NULL
};

static const char *const help_cap[] = {
	"CAP LS [<version>] | LIST | REQ <cap>{ <cap>} | END",
	"Negotiates capabilities, before or after registration.",
	"Offered: batch, draft/multiline, echo-message, invite-notify,",
	"labeled-response, message-tags, multi-prefix, server-time,",
	"userhost-in-names, and",
	"with history draft/chathistory, draft/event-playback and",
	"soju.im/search.",
	"REQ is all or nothing: ACK, or NAK and no change; -<cap> disables.",
	"LS or REQ before registration holds it until CAP END.",
	"An unknown subcommand gets 410, REQ without a list 461.",
	NULL
};

static const char *const help_chathistory[] = {
	"CHATHISTORY LATEST <#channel> <*|ref> <limit>",
	"CHATHISTORY BEFORE|AFTER|AROUND <#channel> <ref> <limit>",
	"CHATHISTORY BETWEEN <#channel> <ref> <ref> <limit>",
	"CHATHISTORY TARGETS timestamp=<time> timestamp=<time> <limit>",
	"Sends a room's stored messages as they were sent, oldest first,",
	"with their time and msgid, in a chathistory batch with batch.",
	"<ref> is msgid=<id> or timestamp=YYYY-MM-DDThh:mm:ss.sssZ; the",
	"refs are excluded, but AROUND includes its own. At most 1000.",
	"With draft/event-playback JOIN, PART, QUIT, KICK, NICK, TOPIC",
	"and MODE too. Only rooms you are in; private messages are not",
	"kept. Errors are FAIL CHATHISTORY INVALID_PARAMS, INVALID_TARGET,",
	"INVALID_MSGREFTYPE or MESSAGE_ERROR.",
	NULL
};

static const char *const help_chmodes[] = {
	"MODE <#channel> [{+|-}<modes> [<arg>{ <arg>}]]",
	"MODE <#channel> alone answers 324 and 329. New channels are +nt.",
	"Channel and IRC operators change modes: 482, or 442 outside.",
	"+b <mask>  ban: JOIN gets 474; speaking without voice 404",
	"+b alone lists bans, 367 and 368; past MAXLIST (100) 478",
	"+e <mask>  ban exception: lets a match past +b; listed 348, 349",
	"+e shares MAXLIST with +b: past it 478",
	"+I <mask>  invite exception: a match joins +i without INVITE",
	"+I alone lists invite exceptions, 346 and 347",
	"+i  invite only: JOIN gets 473 without an INVITE",
	"+k <key>  key: JOIN without it gets 475; an invalid key 525",
	"+l <n>  at most <n> members, 1 to 1000000, else 696; full: 471",
	"+m  moderated: only voiced members and operators speak, else 404",
	"+n  no external messages: non-members get 404",
	"+p  private: hidden from LIST, WHOIS and NAMES without a",
	"    channel to non-members; NAMES #channel still answers",
	"+s  secret: hidden from LIST, NAMES, WHO and WHOIS of",
	"    non-members; IRC operators see it",
	"+t  topic lock: only channel operators set the topic, else 482",
	"+o <nick>  makes a member a channel operator, marked @",
	"+v <nick>  gives a member voice, marked +",
	"At most 4 o or v changes per MODE (MODES=4).",
	"401 unknown nick, 441 not in the channel, 461 missing argument.",
	"An unknown mode letter gets 472.",
	NULL
};

static const char *const help_die[] = {
	"DIE",
	"Shuts the server down, as SIGTERM does: every connection is",
	"closed with \"Server shutting down\". Parameters are ignored.",
	"IRC operators only; anyone else gets 481.",
	NULL
};

static const char *const help_help[] = {
	"HELP [<topic>]",
	"Shows help on a command, or on CHMODES or UMODES for the modes.",
	"Answers 704 with the first line, 705 for each other, then 706.",
	"Topics are case-insensitive; an unknown one gets 524.",
	NULL
};

static const char *const help_helpop[] = {
	"HELPOP [<topic>]",
	"The same as HELP: 704, 705 lines and 706; an unknown topic 524.",
	NULL
};

static const char *const help_info[] = {
	"INFO",
	"Shows information about natterd in 371 lines, then 374.",
	NULL
};

static const char *const help_invite[] = {
	"INVITE <nick> <#channel>",
	"Invites <nick> to a channel you are in: 341, and 301 if away.",
	"On a +i channel only its operators may invite; others get 482.",
	"It lets <nick> past +i once, not past a key, a limit or a ban.",
	"401 unknown nick, 403 unknown channel, 442 not on it,",
	"443 <nick> is already on it.",
	NULL
};

static const char *const help_ison[] = {
	"ISON <nick>{ <nick>}",
	"Answers 303 with those of the nicknames that are online.",
	"They may be separate parameters or one space-separated list.",
	NULL
};

static const char *const help_join[] = {
	"JOIN <#channel>{,<#channel>} [<key>{,<key>}]",
	"Joins each channel, creating it with you as operator if it is new.",
	"You get the topic, 332 and 333, and the members, 353 and 366.",
	"475 bad key (+k), 471 full (+l), 474 banned (+b), 473 invite only.",
	"403 invalid name, 405 too many channels. JOIN 0 leaves them all.",
	NULL
};

static const char *const help_kick[] = {
	"KICK <#channel> <nick>{,<nick>} [<reason>]",
	"Removes each user from the channel, up to 8; channel operators only.",
	"The reason is cut to 300 bytes; by default it is your nickname.",
	"403 no such channel, 442 not on it, 482 not a channel operator.",
	"401 unknown nick, 441 not in the channel, 407 past the eighth.",
	NULL
};

static const char *const help_kill[] = {
	"KILL <nick> [<reason>]",
	"Disconnects <nick> with \"Killed (<you> (<reason>))\"; its channels",
	"see a QUIT with that. IRC operators only; anyone else gets 481.",
	"401 unknown nick, 483 the server's name.",
	NULL
};

static const char *const help_list[] = {
	"LIST [<#channel>{,<#channel>}]",
	"Lists every channel, or the named ones: 321, then a 322 for each",
	"with its member count and topic, then 323.",
	"Secret (+s) and private (+p) channels are hidden from non-members.",
	NULL
};

static const char *const help_lusers[] = {
	"LUSERS",
	"Answers the counts: 251 users, 252 IRC operators, 253 connections",
	"not registered, 254 channels, 255, then 265 and 266 with the",
	"current and highest number of users. Parameters are ignored.",
	NULL
};

static const char *const help_mode[] = {
	"MODE <target> [{+|-}<modes> [<arg>{ <arg>}]]",
	"A #channel: shows its modes (324, 329) or changes them; see CHMODES.",
	"Your nickname: shows yours (221) or changes them; see UMODES.",
	"403 unknown channel, 401 unknown nick, 502 another user's modes.",
	NULL
};

static const char *const help_monitor[] = {
	"MONITOR {+|-} <nick>{,<nick>} | C | L | S",
	"Tells you when nicknames come online (730) or go offline (731).",
	"+ adds nicknames and answers their state; - removes them.",
	"C clears the list, L lists it (732, 733), S shows every state.",
	"Up to 100 nicknames (MONITOR=100 in 005); past that 734.",
	NULL
};

static const char *const help_motd[] = {
	"MOTD",
	"Shows the message of the day: 375, 372 lines, then 376.",
	"Without one, 422. Parameters are ignored.",
	NULL
};

static const char *const help_names[] = {
	"NAMES [<#channel>{,<#channel>}]",
	"Lists each channel's members in 353 lines, then 366.",
	"Channel operators are marked @, voiced members +.",
	"An unknown channel, or a +s one you are not in, gets only 366.",
	"Without a channel: every channel, then users in none, then 366 *.",
	NULL
};

static const char *const help_nick[] = {
	"NICK <nick>",
	"Chooses or changes your nickname: 1 to 30 characters of UTF-8.",
	"After registration you and your channels see the NICK.",
	"431 no nickname, 432 invalid with the reason, 433 in use.",
	NULL
};

static const char *const help_notice[] = {
	"NOTICE <target>{,<target>} <text>",
	"Like PRIVMSG, but never answered with 301.",
	"Errors are still answered: 401, 403, 404, 407, 411, 412, 417.",
	NULL
};

static const char *const help_oper[] = {
	"OPER <name> <password>",
	"Makes you an IRC operator, with an oper line of the config file.",
	"You get a MODE line setting +o on you, then 381.",
	"464 wrong name or password, 491 your nick!user@host does not",
	"match the line's mask.",
	NULL
};

static const char *const help_part[] = {
	"PART <#channel>{,<#channel>} [<reason>]",
	"Leaves each channel; every member, you included, sees the PART.",
	"The reason is cut to 300 bytes.",
	"403 no such channel, 442 not on it.",
	NULL
};

static const char *const help_pass[] = {
	"PASS <password>",
	"Gives the server password, before NICK and USER.",
	"A wrong one fails registration with 464 and closes the connection.",
	"After registration PASS gets 462.",
	NULL
};

static const char *const help_ping[] = {
	"PING <token>",
	"Answers PONG with the server name and <token>.",
	"No token gets 409.",
	NULL
};

static const char *const help_pong[] = {
	"PONG [<token>]",
	"Accepted and ignored: any line shows the client is alive.",
	NULL
};

static const char *const help_privmsg[] = {
	"PRIVMSG <target>{,<target>} <text>",
	"Sends <text> to each channel or nickname, up to 8.",
	"Away users answer 301; echo-message sends you your own copy.",
	"411 no target, 412 no text, 401 no such nick, 403 no such channel.",
	"404 cannot send (+n, +m or +b), 407 past the eighth, 417 too long.",
	NULL
};

static const char *const help_quit[] = {
	"QUIT [<reason>]",
	"Disconnects: your channels see a QUIT with \"Quit: <reason>\",",
	"cut to 300 bytes, or \"Client quit\".",
	"You get an ERROR line and the connection is closed.",
	NULL
};

static const char *const help_rehash[] = {
	"REHASH",
	"Reads the config, MOTD and TLS files again, as SIGHUP does.",
	"You get 382; a NOTICE says if the config file has mistakes.",
	"IRC operators only; anyone else gets 481.",
	NULL
};

static const char *const help_search[] = {
	"SEARCH text=<words>[;in=<#channel>][;from=<nick>][;after=<time>]",
	"       [;before=<time>][;limit=<n>]",
	"Finds stored messages with every word (as word prefixes, any",
	"case) in a room you are in, or in all of them without in=: the",
	"newest <limit> (100, at most 1000), oldest first, in a",
	"soju.im/search batch. Values are escaped as tag values (\\s).",
	"Errors are FAIL SEARCH INVALID_PARAMS, INVALID_TARGET or",
	"MESSAGE_ERROR.",
	NULL
};

static const char *const help_tagmsg[] = {
	"TAGMSG <target>{,<target>}",
	"Sends only client-only tags (@+name=value, as a reaction or",
	"+typing) to a channel or nick, and only to those who asked for",
	"message-tags. Refused and answered as PRIVMSG is: 401, 403, 404.",
	NULL
};

static const char *const help_time[] = {
	"TIME",
	"Answers 391 with the server's time in UTC.",
	NULL
};

static const char *const help_topic[] = {
	"TOPIC <#channel> [<topic>]",
	"Without <topic>: 332 and 333 with who set it and when, or 331.",
	"With <topic>: sets it, cut to 390 bytes; an empty one clears it.",
	"Setting it needs membership, and channel operator status if +t.",
	"403 no such channel, 442 not on it, 482 not a channel operator.",
	NULL
};

static const char *const help_umodes[] = {
	"MODE <yournick> [{+|-}<modes>]",
	"MODE <yournick> alone answers 221, such as +iw.",
	"+i  invisible: WHO masks leave you out for users in no channel",
	"    with you",
	"+o  IRC operator: only OPER sets it; -o gives it up",
	"+w  receives WALLOPS",
	"+B  bot: marked B in WHO, 335 in WHOIS, a bot tag on messages",
	"An unknown mode letter gets 501, another user's nick 502.",
	NULL
};

static const char *const help_user[] = {
	"USER <user> <mode> <unused> <realname>",
	"Gives the user name and real name for registration.",
	"<mode> and <unused> are ignored; the user name is shown as ~<user>,",
	"16 bytes in all, and the real name is cut to 100 bytes.",
	"461 empty or missing parameters, 462 a second USER.",
	NULL
};

static const char *const help_userhost[] = {
	"USERHOST <nick>{ <nick>}",
	"Answers 302 with <nick>=+<user>@<host> for each of the first five",
	"nicknames that is online; - instead of + for those away.",
	NULL
};

static const char *const help_version[] = {
	"VERSION",
	"Answers 351 with the version and server name, then the 005 lines.",
	NULL
};

static const char *const help_wallops[] = {
	"WALLOPS <text>",
	"Sends <text> to every user with user mode +w.",
	"IRC operators only; anyone else gets 481.",
	"461 empty text, 417 too long to fit in a line.",
	NULL
};

static const char *const help_who[] = {
	"WHO [<mask>|<#channel>]",
	"A channel: a 352 for each member. Else each user whose nickname",
	"matches <mask> (* and ?); *, 0 or no mask match everyone.",
	"Invisible users who share no channel with you are left out.",
	"352 shows H here or G away, * IRC operator, @ or +, B bot.",
	"315 ends the list.",
	NULL
};

static const char *const help_whois[] = {
	"WHOIS [<server>] <nick>",
	"Answers 311 user and host, 319 channels, 312 server, 313 IRC",
	"operator, 335 bot, 671 TLS, 301 away, 317 idle, then 318.",
	"+s and +p channels are shown only to their members.",
	"Only the first nickname is looked up; 401 and 318 if unknown.",
	NULL
};

static const char *const help_whowas[] = {
	"WHOWAS <nick>{,<nick>} [<count>]",
	"Shows who had <nick> before, newest first: 314, 312 with the",
	"time it was left, for at most <count> entries (0: all). The",
	"newest 1000 nicknames left by QUIT or NICK are remembered.",
	"An unknown nickname gets 406; each ends with 369.",
	NULL
};

/* Sorted by name (strcmp) for bsearch. */
static const struct help_topic help_topics[] = {
	{ "AWAY",	help_away },
	{ "BATCH",	help_batch },
	{ "CAP",	help_cap },
	{ "CHATHISTORY", help_chathistory },
	{ "CHMODES",	help_chmodes },
	{ "DIE",	help_die },
	{ "HELP",	help_help },
	{ "HELPOP",	help_helpop },
	{ "INFO",	help_info },
	{ "INVITE",	help_invite },
	{ "ISON",	help_ison },
	{ "JOIN",	help_join },
	{ "KICK",	help_kick },
	{ "KILL",	help_kill },
	{ "LIST",	help_list },
	{ "LUSERS",	help_lusers },
	{ "MODE",	help_mode },
	{ "MONITOR",	help_monitor },
	{ "MOTD",	help_motd },
	{ "NAMES",	help_names },
	{ "NICK",	help_nick },
	{ "NOTICE",	help_notice },
	{ "OPER",	help_oper },
	{ "PART",	help_part },
	{ "PASS",	help_pass },
	{ "PING",	help_ping },
	{ "PONG",	help_pong },
	{ "PRIVMSG",	help_privmsg },
	{ "QUIT",	help_quit },
	{ "REHASH",	help_rehash },
	{ "SEARCH",	help_search },
	{ "TAGMSG",	help_tagmsg },
	{ "TIME",	help_time },
	{ "TOPIC",	help_topic },
	{ "UMODES",	help_umodes },
	{ "USER",	help_user },
	{ "USERHOST",	help_userhost },
	{ "VERSION",	help_version },
	{ "WALLOPS",	help_wallops },
	{ "WHO",	help_who },
	{ "WHOIS",	help_whois },
	{ "WHOWAS",	help_whowas },
};
#define HELP_COUNT	(sizeof help_topics / sizeof help_topics[0])

/*
 * Compare a name as the user typed it with a topic's. Only a to z fold,
 * as CASEMAPPING=ascii says, so the locale cannot change the answer; the
 * names are upper case, so the fold keeps strcmp's order.
 */
static int
help_compare(const void *key, const void *entry)
{
	const unsigned char	*k = key;
	const unsigned char	*n;
	int			 a;

	n = (const unsigned char *)((const struct help_topic *)entry)->name;
	for (;; k++, n++) {
		a = *k;
		if (a >= 'a' && a <= 'z')
			a -= 'a' - 'A';
		if (a != *n || a == '\0')
			return (a - *n);
	}
}

/* Look up a topic by name, in any case. */
const struct help_topic *
help_find(const char *name)
{
	return (bsearch(name, help_topics, HELP_COUNT, sizeof help_topics[0],
	    help_compare));
}

/* The i-th topic in order, or NULL past the last, to list them all. */
const struct help_topic *
help_topic_at(size_t i)
{
	if (i >= HELP_COUNT)
		return (NULL);
	return (&help_topics[i]);
}

static void
help_index_flush(struct words *w)
{
	reply(w->c, RPL_HELPTXT_MSG, "index", w->buf);
}

/*
 * HELP and HELPOP [topic]: 704 with the topic's first line, 705 for the
 * others, then 706, as InspIRCd's HELPOP does; 524 for an unknown topic.
 * Without one, the list of topics.
 */
int
irc_help(struct client *c, struct msg *m)
{
	const struct help_topic	*t;
	struct words		 w;
	size_t			 i;

	if (m->nparams < 1 || m->params[0][0] == '\0') {
		reply(c, RPL_HELPSTART_MSG, "index",
		    "HELP <topic> tells more of one of these:");
		/* ":server 705 nick index :" and CR LF. */
		words_init(&w, c, strlen(conf.name) + strlen(c->nick) + 16,
		    help_index_flush, NULL);
		for (i = 0; (t = help_topic_at(i)) != NULL; i++)
			words_add(&w, "", t->name);
		words_end(&w);
		reply(c, RPL_ENDOFHELP_MSG, "index");
		return (0);
	}
	if ((t = help_find(m->params[0])) == NULL) {
		reply(c, ERR_HELPNOTFOUND_MSG, reply_param(m->params[0]));
		return (0);
	}
	reply(c, RPL_HELPSTART_MSG, t->name, t->lines[0]);
	for (i = 1; t->lines[i] != NULL; i++)
		reply(c, RPL_HELPTXT_MSG, t->name, t->lines[i]);
	reply(c, RPL_ENDOFHELP_MSG, t->name);
	return (0);
}

/* INFO [server]: what this server is, in 371 lines, then 374. */
int
irc_info(struct client *c, struct msg *m)
{
	char		 line[128], when[64];
	struct tm	 tm;

	(void)m;
	snprintf(line, sizeof line, "natterd %s, the natter IRC server",
	    NATTERD_VERSION);
	reply(c, RPL_INFO_MSG, line);
	snprintf(line, sizeof line, "libevent %s (%s), %s",
	    event_get_version(), event_base_get_method(base),
	    tls_version());
	reply(c, RPL_INFO_MSG, line);
	gmtime_r(&server_started, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
	snprintf(line, sizeof line, "Up since %s, serving %d users in %d "
	    "channels", when, user_count, channel_count);
	reply(c, RPL_INFO_MSG, line);
	reply(c, RPL_INFO_MSG, "Copyright (c) 2026 The natter authors; "
	    "ISC licence");
	reply(c, RPL_INFO_MSG, "HELP lists the commands; see also natterd(8)");
	reply(c, RPL_ENDOFINFO_MSG);
	return (0);
}
