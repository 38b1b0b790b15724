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
 * IRC operators: OPER against the oper lines of the --config file, and
 * what only an operator may do: KILL, WALLOPS, REHASH, DIE.
 */

#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "natterd.h"

static int	oper_denied(struct client *);
static int	oper_throttled(void);

/*
 * For a name with no oper line, a yescrypt hash of a password nobody
 * knows: checking against it takes as long as against a real one, so the
 * time of the answer does not tell which names exist.
 */
static const char oper_dummy[] =
    "$y$j9T$bz7b7E8ewb2bW30Ojftjm0$hsxBdp81HJmLABYTKXQYffHkkq3pPuhN2I2kDxFiA82";

/*
 * Hashing a password blocks the loop for tens of milliseconds: at most
 * OPER_PER_SECOND attempts a second, server-wide, are checked.
 */
#define OPER_PER_SECOND	2

/* Refuse c with 481 unless it is an operator: 1 if refused. */
static int
oper_denied(struct client *c)
{
	if (c->flags & CLIENT_OPER)
		return (0);
	reply(c, ERR_NOPRIVILEGES_MSG);
	return (1);
}

/* Whether this second's OPER attempts are used up. */
static int
oper_throttled(void)
{
	static time_t	 second;
	static int	 count;
	time_t		 now = time(NULL);

	if (now != second) {
		second = now;
		count = 0;
	}
	return (++count > OPER_PER_SECOND);
}

/*
 * OPER name password. A wrong name or password is one answer (464), so
 * that names cannot be guessed; the right ones from a host the mask does
 * not match are 491.
 */
int
irc_oper(struct client *c, struct msg *m)
{
	const struct config_oper	*op = NULL;
	struct crypt_data		*cd;
	const char			*hash;
	char				 line[MSG_LINELEN + 1];
	int				 i, ok, n;

	if (oper_throttled()) {
		reply_raw(c, "NOTICE %s :OPER: too many attempts on this "
		    "server just now; try again in a second", c->nick);
		reply(c, ERR_PASSWDMISMATCH_MSG);
		return (0);
	}
	for (i = 0; i < conf.nopers; i++) {
		if (strcmp(conf.opers[i].name, m->params[0]) == 0) {
			op = &conf.opers[i];
			break;
		}
	}
	/* crypt_data is large (32 KiB): not on the stack. */
	cd = xcalloc(1, sizeof *cd);
	hash = crypt_r(m->params[1], op != NULL ? op->hash : oper_dummy, cd);
	ok = op != NULL && hash != NULL && strcmp(hash, op->hash) == 0;
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	/*
	 * The host first: from a host the mask refuses, 491 whatever the
	 * password, so 491 never tells that a password was right.
	 */
	if (op != NULL && !name_match(op->mask, c->prefix)) {
		log_warnx("OPER %s from %s: host does not match %s",
		    op->name, c->prefix, op->mask);
		reply(c, ERR_NOOPERHOST_MSG);
		return (0);
	}
	if (!ok) {
		log_warnx("OPER %s from %s: wrong name or password",
		    reply_param(m->params[0]), c->prefix);
		reply(c, ERR_PASSWDMISMATCH_MSG);
		return (0);
	}
	log_info("OPER %s: %s is an operator", op->name, c->prefix);
	if (!(c->flags & CLIENT_OPER)) {
		user_set_oper(c, 1);
		cluster_umode(c, "+o");
		n = msg_formatl(line, sizeof line, c->prefix, "MODE", c->nick,
		    "+o", (char *)NULL);
		if (n > 0)
			conn_write(c, line, n);
	}
	reply(c, RPL_YOUREOPER_MSG);
	return (0);
}

/* KILL nick [:reason]: close the nick's connection, its peers told why. */
int
irc_kill(struct client *c, struct msg *m)
{
	struct client	*t;
	char		 reason[400];
	const char	*why;
	size_t		 n;

	if (oper_denied(c))
		return (0);
	if (name_cmp(m->params[0], conf.name) == 0) {
		reply(c, ERR_CANTKILLSERVER_MSG);
		return (0);
	}
	if ((t = user_find(m->params[0])) == NULL ||
	    !(t->flags & CLIENT_REGISTERED)) {
		reply(c, ERR_NOSUCHNICK_MSG, reply_param(m->params[0]));
		return (0);
	}
	if (t->flags & CLIENT_REMOTE) {
		reply_fail(c, "KILL", "REMOTE_USER", "That user is on another "
		    "server of the cluster");
		return (0);
	}
	why = m->nparams > 1 && m->params[1][0] != '\0' ? m->params[1] :
	    "no reason given";
	n = utf8_cut(why, strlen(why), 300);
	snprintf(reason, sizeof reason, "Killed (%s (%.*s))", c->nick, (int)n,
	    why);
	log_info("KILL %s by %s: %.*s", t->nick, c->prefix, (int)n, why);
	conn_close(t, reason);
	return (t == c ? -1 : 0);
}

/* WALLOPS :text, from an operator to every user with +w. */
int
irc_wallops(struct client *c, struct msg *m)
{
	if (oper_denied(c))
		return (0);
	if (m->params[0][0] == '\0') {
		reply(c, ERR_NEEDMOREPARAMS_MSG, "WALLOPS");
		return (0);
	}
	if (user_wallops(c, m->params[0]) != 0)
		reply(c, ERR_TEXTTOOLONG_MSG, "WALLOPS text too long");
	return (0);
}

/* REHASH: what SIGHUP does, with the answer for whoever asked. */
int
irc_rehash(struct client *c, struct msg *m)
{
	(void)m;
	if (oper_denied(c))
		return (0);
	log_info("REHASH by %s", c->prefix);
	reply(c, RPL_REHASHING_MSG, conf.config_path != NULL ?
	    conf.config_path : "natterd");
	if (server_reload() != 0)
		reply_raw(c, "NOTICE %s :REHASH: %s has mistakes (see the "
		    "log); nothing changed", c->nick, conf.config_path);
	return (0);
}

/* DIE: what SIGTERM does. */
int
irc_die(struct client *c, struct msg *m)
{
	(void)m;
	if (oper_denied(c))
		return (0);
	log_info("DIE by %s: shutting down", c->prefix);
	server_stop();
	return (-1);
}
