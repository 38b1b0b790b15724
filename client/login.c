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
 * Registration: the room and nick questions, CAP negotiation, PASS, NICK
 * and USER, then 001, or the refusals 432, 433 and 464. What it knows of
 * a connection is in one struct, cleared when the next one comes up.
 *
 * The questions come before the connection, so no registration timer
 * runs while someone types. Only a refused nick is asked again while
 * connected; if the server gives up on us meanwhile, natter reconnects
 * but sends no NICK until the question is answered.
 */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "natter.h"
#include "cap.h"
#include "msg.h"
#include "name.h"

/* This connection's registration; login_start() clears it. */
static struct {
	int	 offered;	/* CAP LS so far: what the server has */
	int	 sent_user;	/* USER went out */
} login;

/* The question open, across connections. */
static enum {
	LOGIN_NONE,
	LOGIN_ROOM,
	LOGIN_NICK,
} login_asking;
static int	 login_started;	/* net_connect() was called */

static const char *login_default_nick(void);
static void	login_register(void);
static void	login_ask_room(void);
static void	login_ask_nick(const char *);
static void	login_ready(void);
static int	login_command(const char *);
static int	login_room(const char *);
static int	login_nick(const char *);

/* The suggested nickname: $USER if it would do. */
static const char *
login_default_nick(void)
{
	const char	*user = getenv("USER"), *errstr;

	if (user == NULL || !name_nick_valid(user, NAME_NICKLEN, &errstr))
		return ("");
	return (user);
}

/*
 * The link is up: start afresh, so nothing half-done on a lost
 * connection (a CAP LS cut short) carries over to this one.
 */
void
login_start(void)
{
	memset(&login, 0, sizeof login);
	backlog_reset();
	multiline_reset();
	presence_reset();
	net_send_now("CAP LS 302");
	if (opt.password != NULL)
		net_send_now("PASS :%s", opt.password);
	login_register();
}

/* Send NICK and USER once the connection is up and the nick is known. */
static void
login_register(void)
{
	if (net.state != NET_REGISTERING || opt.nick == NULL ||
	    login_asking == LOGIN_NICK)
		return;
	net_send_now("NICK %s", opt.nick);
	if (!login.sent_user) {
		net_send_now("USER %s 0 * :natter user", opt.user);
		login.sent_user = 1;
	}
}

/*
 * Ask for what is missing at the start: the room, then the nick; with
 * both known, open a window for each room and connect.
 */
void
login_ask(void)
{
	if (opt.room == NULL)
		login_ask_room();
	else if (opt.nick == NULL)
		login_ask_nick(NULL);
	else
		login_ready();
}

/* Everything is known: connect, the first time. */
static void
login_ready(void)
{
	struct window	*w, *first = NULL;
	size_t		 i;

	login_asking = LOGIN_NONE;
	if (login_started)
		return;
	login_started = 1;
	/* Each room its window, in the file's order; the first in front. */
	for (i = 0; i < opt.join.n; i++) {
		w = window_open(WINDOW_CHANNEL, opt.join.v[i]);
		if (first == NULL)
			first = w;
	}
	if (first != NULL)
		window_switch(first);
	net_connect();
}

static void
login_ask_room(void)
{
	window_printf(window_server, 0, _("-!- Which room? Type a name or a "
	    "number (7 means #7) and press Enter."));
	login_asking = LOGIN_ROOM;
	/* TRANSLATORS: the room question's prompt, in the input line. */
	input_ask(_("room: "), "", login_room);
}

/* Ask for a nick, starting from prefill (NULL suggests $USER). */
static void
login_ask_nick(const char *prefill)
{
	window_printf(window_server, 0, _("-!- Choose a nickname and press "
	    "Enter."));
	login_asking = LOGIN_NICK;
	input_ask(_("nick: "), prefill != NULL ? prefill : login_default_nick(),
	    login_nick);
}

/*
 * A slash command typed at a question runs (or says it needs a
 * connection) rather than becoming a room or a nick; then the same
 * question again. Returns 1 if text was a command.
 */
static int
login_command(const char *text)
{
	text += strspn(text, " ");
	if (text[0] != '/')
		return (0);
	command_run(window_cur, text);
	if (natter_exit != -1 || net.state == NET_QUITTING)
		return (1);
	if (login_asking == LOGIN_ROOM)
		input_ask(_("room: "), "", login_room);
	else
		input_ask(_("nick: "), opt.nick != NULL ? opt.nick :
		    login_default_nick(), login_nick);
	return (1);
}

/* The room was given: the nick next if need be, else connect. */
static int
login_room(const char *text)
{
	char	*name, *cause;

	if (login_command(text))
		return (0);
	if (command_room(text, &name, &cause) != 0) {
		window_printf(window_server, LINE_ERROR, "-!- %s", cause);
		free(cause);
		return (-1);
	}
	free(opt.room);
	opt.room = name;
	login_asking = LOGIN_NONE;
	if (opt.nick == NULL)
		login_ask_nick(NULL);
	else {
		login_ready();
		login_register();
	}
	if (net_ready())
		net_send("JOIN %s", opt.room);
	return (0);
}

/*
 * Is a person answering the nick question that a refusal (433) asked
 * after the first start? Then a lost link waits for them (net.c).
 */
int
login_waiting(void)
{
	return (login_started && login_asking == LOGIN_NICK);
}

static int
login_nick(const char *text)
{
	const char	*errstr;

	if (login_command(text))
		return (0);
	if (!name_nick_valid(text, NAME_NICKLEN, &errstr)) {
		window_printf(window_server, LINE_ERROR, "-!- %s: %s", text,
		    _(errstr));
		return (-1);
	}
	free(opt.nick);
	opt.nick = xstrdup(text);
	window_printf(window_server, 0, _("-!- you will be %s"), text);
	login_asking = LOGIN_NONE;
	if (opt.room == NULL)
		login_ask_room();
	else
		login_ready();
	if (net.held)
		net_resume();
	else
		login_register();
	return (0);
}

/* 001: registered. Learn our nick and prefix, then join the rooms. */
void
login_welcome(struct msg *m, time_t when)
{
	struct window	*w;
	const char	*text = msg_last(m), *word;
	int		 have_room = 0;

	(void)when;
	if (m->nparams < 1)
		return;
	/* Its name stands for the server in lines without a prefix. */
	if (m->prefix != NULL) {
		free(net.server);
		net.server = xstrdup(m->prefix);
	}
	net_set_nick(m->params[0]);
	free(opt.nick);
	opt.nick = xstrdup(m->params[0]);
	/* "Welcome to the ... Network nick!user@host" */
	if ((word = strrchr(text, ' ')) != NULL)
		net_set_userhost(word + 1);
	net_registered();
	window_printf(window_server, 0, "-!- %s", text);
	TAILQ_FOREACH(w, &windows, entry) {
		if (w->type != WINDOW_CHANNEL)
			continue;
		if (opt.room != NULL && name_cmp(w->name, opt.room) == 0)
			have_room = 1;
		if (!w->parting)
			net_send("JOIN %s", w->name);
	}
	if (opt.room != NULL && !have_room)
		net_send("JOIN %s", opt.room);
}

/*
 * 432, 433: the nick was refused. While registering, ask again on the
 * same connection (after a reconnect, just try with an underscore: the
 * old connection may still hold the nick); later, say so.
 */
void
login_nick_error(struct msg *m, time_t when)
{
	const char	*nick = m->nparams >= 2 ? m->params[1] : "?";
	char		*next;
	int		 inuse;

	(void)when;
	inuse = strcmp(m->cmd, "433") == 0;
	if (net.state != NET_REGISTERING) {
		window_printf(window_cur, LINE_ERROR, inuse ?
		    _("-!- %s is already in use") :
		    _("-!- %s is not a valid nickname"), nick);
		return;
	}
	if (net.registered_once && strcmp(m->cmd, "433") == 0 &&
	    strlen(nick) < 20) {
		xasprintf(&next, "%s_", nick);
		free(opt.nick);
		opt.nick = next;
		login_register();
		return;
	}
	window_printf(window_server, LINE_ERROR, inuse ?
	    _("-!- the nickname %s is already in use; choose another") :
	    _("-!- the nickname %s is not a valid nickname; choose another"),
	    nick);
	login_ask_nick(nick);
}

/* 464: a wrong password stays wrong; net.c will not try again. */
void
login_badpass(struct msg *m, time_t when)
{
	(void)m;
	(void)when;
	net.fatal = 1;
	window_printf(window_server, LINE_ERROR,
	    _("-!- the server password is wrong (see --password)"));
}

/*
 * CAP: ask for what natter uses of what the server offers (an LS 302
 * reply may come in several lines, all but the last with a "*"), then
 * END.
 */
void
login_cap(struct msg *m, time_t when)
{
	const char	*sub, *list;
	char		 want[128];

	(void)when;
	if (m->nparams < 3)
		return;
	sub = m->params[1];
	list = msg_last(m);
	if (strcmp(sub, "LS") == 0) {
		login.offered |= cap_mask(list);
		multiline_offer(list);
		if (m->nparams >= 4 && strcmp(m->params[2], "*") == 0)
			return;
		/* Multi-line needs batch, and limits to keep to. */
		if (!(login.offered & CAP_BATCH) || !multiline_offered())
			login.offered &= ~CAP_MULTILINE;
		if (cap_list(cap_all(CAP_NATTER) & login.offered, want,
		    sizeof want) > 0)
			net_send_now("CAP REQ :%s", want);
		else if (net.state == NET_REGISTERING)
			net_send_now("CAP END");
		login.offered = 0;
	} else if (strcmp(sub, "ACK") == 0) {
		net.caps |= cap_mask(list);
		if (net.state == NET_REGISTERING)
			net_send_now("CAP END");
	} else if (strcmp(sub, "NAK") == 0) {
		if (net.state == NET_REGISTERING)
			net_send_now("CAP END");
	}
}
