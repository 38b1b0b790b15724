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

/* Registration and the connection itself: CAP, PASS, NICK, USER, PING, QUIT. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natterd.h"

static int	login_try(struct client *);
static int	login_pass_equal(const char *, const char *);

/*
 * Complete registration once NICK and USER are in and CAP negotiation,
 * if any, has ended; then send the welcome burst.
 */
static int
login_try(struct client *c)
{
	if ((c->flags & CLIENT_REGISTERED) || c->nick[0] == '\0' ||
	    !(c->flags & CLIENT_HAVEUSER) || (c->flags & CLIENT_CAPNEG))
		return (0);
	if (conf.password != NULL && !(c->flags & CLIENT_PASSOK)) {
		reply(c, ERR_PASSWDMISMATCH_MSG);
		conn_close(c, "Bad password");
		return (-1);
	}
	/* In a cluster the nick is claimed in Redis first. */
	if (cluster_on)
		cluster_register(c);
	else
		login_welcome(c);
	return (0);
}

/* Registered: count c and send the welcome burst. */
void
login_welcome(struct client *c)
{
	char		 created[64];
	struct tm	 tm;

	conn_registered(c);
	user_registered(c);

	gmtime_r(&server_started, &tm);
	strftime(created, sizeof created, "%Y-%m-%d %H:%M:%S UTC", &tm);
	reply(c, RPL_WELCOME_MSG, conf.network, c->prefix);
	reply(c, RPL_YOURHOST_MSG, conf.name, NATTERD_VERSION);
	reply(c, RPL_CREATED_MSG, created);
	reply(c, RPL_MYINFO_MSG, conf.name, NATTERD_VERSION);
	info_isupport(c);
	info_lusers(c);
	info_motd(c);
}

/* Compare without an early exit, so timing does not reveal a prefix. */
static int
login_pass_equal(const char *given, const char *want)
{
	size_t		 lg = strlen(given), lw = strlen(want), i;
	unsigned char	 diff = lg != lw;

	for (i = 0; i < lw; i++)
		diff |= (unsigned char)want[i] ^
		    (unsigned char)(i < lg ? given[i] : 0);
	return (diff == 0);
}

int
irc_pass(struct client *c, struct msg *m)
{
	if (c->flags & CLIENT_REGISTERED) {
		reply(c, ERR_ALREADYREGISTERED_MSG);
		return (0);
	}
	if (conf.password == NULL ||
	    login_pass_equal(m->params[0], conf.password))
		c->flags |= CLIENT_PASSOK;
	else
		c->flags &= ~CLIENT_PASSOK;
	return (0);
}

int
irc_nick(struct client *c, struct msg *m)
{
	const char	*nick, *errstr;
	struct client	*other;

	if (m->nparams < 1 || m->params[0][0] == '\0') {
		reply(c, ERR_NONICKNAMEGIVEN_MSG);
		return (0);
	}
	nick = m->params[0];
	if (!name_nick_valid(nick, NAME_NICKLEN, &errstr)) {
		reply(c, ERR_ERRONEUSNICKNAME_MSG, reply_param(nick), errstr);
		return (0);
	}
	if (strcmp(nick, c->nick) == 0)
		return (0);
	if ((other = user_find(nick)) != NULL && other != c) {
		reply(c, ERR_NICKNAMEINUSE_MSG, nick);
		return (0);
	}
	if (!(c->flags & CLIENT_REGISTERED)) {
		user_claim(c, nick);
		return (login_try(c));
	}
	if (cluster_on) {
		if (!cluster_refuse(c, "NICK"))
			cluster_nick(c, nick);
		return (0);
	}
	user_rename(c, nick);
	return (0);
}

/*
 * USER name mode unused :real name. There is no ident lookup, so the
 * name gets the customary '~'; characters that would confuse a mask are
 * dropped.
 */
int
irc_user(struct client *c, struct msg *m)
{
	const char	*p;
	size_t		 n = 1;

	if (c->flags & (CLIENT_REGISTERED | CLIENT_HAVEUSER)) {
		reply(c, ERR_ALREADYREGISTERED_MSG);
		return (0);
	}
	/* An empty user name or real name is a missing one (Modern IRC). */
	if (m->params[0][0] == '\0' || m->params[3][0] == '\0') {
		reply(c, ERR_NEEDMOREPARAMS_MSG, "USER");
		return (0);
	}
	c->user[0] = '~';
	for (p = m->params[0]; *p != '\0' && n < NAME_USERLEN; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-_.", *p) != NULL)
			c->user[n++] = *p;
	}
	if (n == 1)
		n = (size_t)snprintf(c->user, sizeof c->user, "~user");
	c->user[n] = '\0';
	free(c->realname);
	c->realname = xstrndup(m->params[3], utf8_cut(m->params[3],
	    strlen(m->params[3]), NATTERD_REALLEN));
	c->flags |= CLIENT_HAVEUSER;
	if (c->nick[0] != '\0')
		user_set_prefix(c);
	return (login_try(c));
}

/*
 * CAP LS, LIST, REQ, END (IRCv3 capability negotiation). LS or REQ
 * before registration holds it until END. A REQ is all or nothing.
 */
int
irc_cap(struct client *c, struct msg *m)
{
	char		 sub[16], list[400], *copy, *tok, *last;
	int		 caps, flag;
	size_t		 i;
	const char	*name;

	snprintf(sub, sizeof sub, "%s", m->params[0]);
	for (i = 0; sub[i] != '\0'; i++) {
		if (sub[i] >= 'a' && sub[i] <= 'z')
			sub[i] -= 'a' - 'A';
	}
	if (strcmp(sub, "LS") == 0) {
		if (!(c->flags & CLIENT_REGISTERED))
			c->flags |= CLIENT_CAPNEG;
		/* Values, draft/multiline's limits, only for 302 and on. */
		if (m->nparams >= 2 && strtol(m->params[1], NULL, 10) >= 302)
			cap_list_values(server_caps(), server_cap_value, list,
			    sizeof list);
		else
			cap_list(server_caps(), list, sizeof list);
		reply_raw(c, "CAP %s LS :%s", reply_nick(c), list);
		return (0);
	}
	if (strcmp(sub, "LIST") == 0) {
		cap_list(c->caps, list, sizeof list);
		reply_raw(c, "CAP %s LIST :%s", reply_nick(c), list);
		return (0);
	}
	if (strcmp(sub, "REQ") == 0) {
		if (m->nparams < 2) {
			reply(c, ERR_NEEDMOREPARAMS_MSG, "CAP");
			return (0);
		}
		if (!(c->flags & CLIENT_REGISTERED))
			c->flags |= CLIENT_CAPNEG;
		caps = c->caps;
		copy = xstrdup(m->params[1]);
		for (tok = strtok_r(copy, " ", &last); tok != NULL;
		    tok = strtok_r(NULL, " ", &last)) {
			name = tok[0] == '-' ? tok + 1 : tok;
			flag = cap_find(name, strlen(name)) & server_caps();
			if (flag == 0)
				break;
			if (tok[0] == '-')
				caps &= ~flag;
			else
				caps |= flag;
		}
		free(copy);
		if (tok != NULL) {
			reply_raw(c, "CAP %s NAK :%s", reply_nick(c),
			    m->params[1]);
			return (0);
		}
		c->caps = caps;
		c->tagset = out_tagset(caps);
		reply_raw(c, "CAP %s ACK :%s", reply_nick(c), m->params[1]);
		return (0);
	}
	if (strcmp(sub, "END") == 0) {
		c->flags &= ~CLIENT_CAPNEG;
		return (login_try(c));
	}
	reply(c, ERR_INVALIDCAPCMD_MSG, reply_param(m->params[0]));
	return (0);
}

int
irc_ping(struct client *c, struct msg *m)
{
	if (m->nparams < 1 || m->params[0][0] == '\0') {
		reply(c, ERR_NOORIGIN_MSG);
		return (0);
	}
	reply_raw(c, "PONG %s :%s", conf.name, m->params[0]);
	return (0);
}

/* Any input already counts as a sign of life; nothing more to do. */
int
irc_pong(struct client *c, struct msg *m)
{
	(void)c;
	(void)m;
	return (0);
}

int
irc_quit(struct client *c, struct msg *m)
{
	char		 reason[320];
	const char	*text;
	size_t		 n;

	if (m->nparams > 0 && m->params[0][0] != '\0') {
		text = m->params[0];
		n = utf8_cut(text, strlen(text), 300);
		snprintf(reason, sizeof reason, "Quit: %.*s", (int)n, text);
	} else
		snprintf(reason, sizeof reason, "Client quit");
	conn_close(c, reason);
	return (-1);
}
