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
 * Slash commands: one sorted table drives dispatch, /help, usage and
 * completion (tmux's cmd_table, catgirl's Commands[]). A name is looked
 * up exactly, then as a unique prefix.
 */

#include <stdlib.h>
#include <string.h>

#include "natter.h"
#include "name.h"

static void	command_away(struct window *, char *);
static void	command_ban(struct window *, char *);
static void	command_deop(struct window *, char *);
static void	command_devoice(struct window *, char *);
static void	command_invite(struct window *, char *);
static void	command_kick(struct window *, char *);
static void	command_mode(struct window *, char *);
static void	command_op(struct window *, char *);
static void	command_unban(struct window *, char *);
static void	command_voice(struct window *, char *);
static void	command_clear(struct window *, char *);
static void	command_close(struct window *, char *);
static void	command_connect(struct window *, char *);
static void	command_debug(struct window *, char *);
static void	command_help(struct window *, char *);
static void	command_lines(const char *, const char *, int);
static void	command_ignore(struct window *, char *);
static void	command_join(struct window *, char *);
static void	command_list(struct window *, char *);
static void	command_log(struct window *, char *);
static void	command_me(struct window *, char *);
static void	command_members(struct window *, char *);
static void	command_nick(struct window *, char *);
static void	command_part(struct window *, char *);
static void	command_query(struct window *, char *);
static void	command_quit(struct window *, char *);
static void	command_quote(struct window *, char *);
static void	command_reconnect(struct window *, char *);
static void	command_search(struct window *, char *);
static void	command_topic(struct window *, char *);
static void	command_unignore(struct window *, char *);
static void	command_whisper(struct window *, char *);
static void	command_whois(struct window *, char *);

/* Sorted by strcmp(): command_check_table() checks, a unit test too. */
static const struct command commands[] = {
	/*
	 * TRANSLATORS: the usage words (nick, room, message) are what
	 * /help and "usage:" show after a command's name; the help texts
	 * may use them.
	 */
	{ "/away", command_away, COMMAND_NET, N_("[message]"),
	  N_("mark yourself away with a message, or back without one") },
	{ "/ban", command_ban, COMMAND_NET, N_("mask"),
	  N_("ban nick, or nick!user@host with * and ?, from this room") },
	{ "/clear", command_clear, 0, "",
	  N_("clear this window's scrollback") },
	{ "/close", command_close, 0, "",
	  N_("close this window, leaving its room") },
	{ "/connect", command_connect, 0, N_("host [port]"),
	  N_("leave this server and connect to another, closing its rooms") },
	{ "/debug", command_debug, 0, "",
	  N_("open a window showing the raw traffic with the server") },
	{ "/deop", command_deop, COMMAND_NET, N_("nick ..."),
	  N_("make members of this room no longer operators") },
	{ "/devoice", command_devoice, COMMAND_NET, N_("nick ..."),
	  N_("take the voice of members of this room") },
	{ "/help", command_help, 0, N_("[command]"),
	  N_("list the commands, or explain one") },
	{ "/ignore", command_ignore, 0, N_("[mask]"),
	  N_("hide what nick, or nick!user@host with * and ?, says; "
	  "alone, list who is ignored") },
	{ "/invite", command_invite, COMMAND_NET, N_("nick [room]"),
	  N_("invite nick to this room, or to room") },
	{ "/join", command_join, COMMAND_NET, N_("room [key]"),
	  N_("join a room in a window of its own; 7 means #7") },
	{ "/kick", command_kick, COMMAND_NET, N_("nick [reason]"),
	  N_("remove nick from this room") },
	{ "/list", command_list, COMMAND_NET, "",
	  N_("list the rooms on the server") },
	{ "/log", command_log, 0, N_("[on|off]"),
	  N_("show where this window's chat log of today is, or turn logging "
	  "on or off") },
	{ "/me", command_me, COMMAND_NET, N_("action"),
	  N_("say what you are doing, as in * alice waves") },
	{ "/members", command_members, COMMAND_NET, "",
	  N_("list who is in this room") },
	{ "/mode", command_mode, COMMAND_NET, N_("[modes [args]]"),
	  N_("show this room's modes, or change them, as +i or +k key") },
	{ "/msg", command_whisper, COMMAND_NET, N_("nick message"),
	  N_("whisper to nick (same as /whisper)") },
	{ "/names", command_members, COMMAND_NET, "",
	  N_("list who is in this room (same as /members)") },
	{ "/nick", command_nick, COMMAND_NET, N_("nick"),
	  N_("change your nickname") },
	{ "/op", command_op, COMMAND_NET, N_("nick ..."),
	  N_("make members of this room operators") },
	{ "/part", command_part, 0, N_("[reason]"),
	  N_("leave this room and close its window") },
	{ "/query", command_query, 0, N_("nick"),
	  N_("open a whisper window with nick") },
	{ "/quit", command_quit, 0, N_("[reason]"),
	  N_("disconnect and exit") },
	{ "/quote", command_quote, COMMAND_NET, N_("line"),
	  N_("send a raw IRC line to the server") },
	{ "/reconnect", command_reconnect, 0, "",
	  N_("drop the link and connect to the server again now") },
	{ "/rename", command_nick, COMMAND_NET, N_("nick"),
	  N_("change your nickname (same as /nick)") },
	{ "/save", config_command_save, 0, "",
	  N_("write the settings changed with /set to the configuration "
	  "file") },
	{ "/search", command_search, 0, N_("words"),
	  N_("find messages of this room with all the words, in a window of "
	  "their own") },
	{ "/set", config_command_set, 0, N_("[key value]"),
	  N_("list the settings, or change one for this session") },
	{ "/topic", command_topic, COMMAND_NET, N_("[text]"),
	  N_("show this room's topic, or set it") },
	{ "/unban", command_unban, COMMAND_NET, N_("mask"),
	  N_("lift a ban from this room") },
	{ "/unignore", command_unignore, 0, N_("mask"),
	  N_("stop ignoring mask") },
	{ "/voice", command_voice, COMMAND_NET, N_("nick ..."),
	  N_("give members of this room a voice, to speak when it is +m") },
	{ "/w", command_whisper, COMMAND_NET, N_("nick message"),
	  N_("whisper to nick (same as /whisper)") },
	{ "/whisper", command_whisper, COMMAND_NET, N_("nick message"),
	  N_("send a private message to nick, in a window of its own") },
	{ "/who", command_members, COMMAND_NET, "",
	  N_("list who is in this room (same as /members)") },
	{ "/whois", command_whois, COMMAND_NET, N_("nick"),
	  N_("show who nick is") },
};
#define COMMAND_COUNT	(sizeof commands / sizeof commands[0])

int
command_check_table(void)
{
	size_t	 i;

	for (i = 1; i < COMMAND_COUNT; i++) {
		if (strcmp(commands[i - 1].name, commands[i].name) >= 0)
			return (-1);
	}
	return (0);
}

const struct command *
command_table(size_t *n)
{
	*n = COMMAND_COUNT;
	return (commands);
}

static int
command_cmp(const void *key, const void *entry)
{
	return (strcmp(key, ((const struct command *)entry)->name));
}

/*
 * Find a command by its exact name, else by a unique prefix (aliases of
 * one command count once). On failure say why in *cause (allocated):
 * "unknown command: /x" or "ambiguous command: /w, could be: ...".
 */
const struct command *
command_find(const char *name, char **cause)
{
	const struct command	*c, *found = NULL;
	size_t			 i, len = strlen(name);
	int			 ambiguous = 0;
	char			*list, *next;

	*cause = NULL;
	c = bsearch(name, commands, COMMAND_COUNT, sizeof commands[0],
	    command_cmp);
	if (c != NULL)
		return (c);
	for (i = 0; i < COMMAND_COUNT; i++) {
		if (strncmp(commands[i].name, name, len) != 0)
			continue;
		if (found != NULL && found->fn != commands[i].fn)
			ambiguous = 1;
		if (found == NULL)
			found = &commands[i];
	}
	if (found == NULL || len < 2) {
		xasprintf(cause, _("unknown command: %s (try /help)"), name);
		return (NULL);
	}
	if (!ambiguous)
		return (found);
	list = xstrdup("");
	for (i = 0; i < COMMAND_COUNT; i++) {
		if (strncmp(commands[i].name, name, len) != 0)
			continue;
		xasprintf(&next, "%s%s%s", list, *list != '\0' ? ", " : "",
		    commands[i].name);
		free(list);
		list = next;
	}
	xasprintf(cause, _("ambiguous command: %s, could be: %s"), name, list);
	free(list);
	return (NULL);
}

/*
 * Run a line typed in w: a command, "//text" for a literal slash, or a
 * message. Returns -1 if the line should stay in the input (it could
 * not go out), else 0.
 */
int
command_run(struct window *w, const char *line)
{
	const struct command	*c;
	char			*copy, *args, *cause;

	if (line[0] != '/')
		return (command_say(w, line, 0));
	if (line[1] == '/')
		return (command_say(w, line + 1, 0));
	copy = xstrdup(line);
	args = copy + strcspn(copy, " ");
	if (*args != '\0')
		*args++ = '\0';
	args += strspn(args, " ");
	if ((c = command_find(copy, &cause)) == NULL) {
		window_printf(window_cur, LINE_ERROR, "-!- %s", cause);
		free(cause);
		free(copy);
		return (0);
	}
	if ((c->flags & COMMAND_NET) && !net_ready()) {
		window_printf(window_cur, LINE_ERROR,
		    _("-!- not connected: %s must wait"), c->name);
		free(copy);
		return (-1);
	}
	c->fn(w, args);
	free(copy);
	return (0);
}

/* Say "usage: /cmd args" for the command being run. */
static void
command_usage(const char *name)
{
	const struct command	*c;
	char			*cause;

	if ((c = command_find(name, &cause)) == NULL) {
		free(cause);
		return;
	}
	window_printf(window_cur, LINE_ERROR, _("-!- usage: %s %s"), c->name,
	    *c->usage != '\0' ? _(c->usage) : "");
}

/*
 * Send text to target in as many PRIVMSGs as it takes. Each is shown
 * when it goes out (net_say), not here.
 */
static void
command_send(const char *target, const char *text, int action)
{
	size_t	 room, len = strlen(text), n;
	char	*part;

	room = net_text_room(target, action ? strlen("\001ACTION \001") : 0);
	while (len > 0) {
		n = text_split(text, len, room);
		if (action)
			xasprintf(&part, "\001ACTION %.*s\001", (int)n, text);
		else
			part = xstrndup(text, n);
		net_say(target, part);
		free(part);
		text += n;
		len -= n;
	}
}

/*
 * Say text in w: to its room or its whisper peer, split so that no line
 * the server relays passes 512 bytes.
 */
int
command_say(struct window *w, const char *text, int action)
{
	if (*text == '\0')
		return (0);
	if (w->type == WINDOW_SERVER || w->type == WINDOW_DEBUG ||
	    w->type == WINDOW_SEARCH) {
		window_printf(w, LINE_ERROR, _("-!- nobody to talk to here: "
		    "/join a room or /query someone first"));
		return (-1);
	}
	if (!net_ready()) {
		window_printf(w, LINE_ERROR, _("-!- not connected: "
		    "the message was not sent"));
		return (-1);
	}
	if (w->type == WINDOW_CHANNEL && !w->joined) {
		window_printf(w, LINE_ERROR, _("-!- you are not in %s"),
		    w->name);
		return (-1);
	}
	if (strchr(text, '\n') != NULL) {
		command_lines(w->name, text, action);
		return (0);
	}
	command_send(w->name, text, action);
	return (0);
}

/*
 * Text with line breaks: one multi-line message where the server takes
 * them, else a message a line (input.c asked first). A line feed never
 * goes into a PRIVMSG: it would end the line and start a command.
 */
static void
command_lines(const char *target, const char *text, int action)
{
	const char	*nl;
	char		*line;

	if (!action && multiline_usable()) {
		multiline_send(target, text);
		return;
	}
	for (; text != NULL; text = nl != NULL ? nl + 1 : NULL) {
		nl = strchr(text, '\n');
		line = nl != NULL ? xstrndup(text, nl - text) : xstrdup(text);
		if (*line != '\0')
			command_send(target, line, action);
		free(line);
	}
}

/*
 * A room as typed: "7" is "#7", "lobby" is "#lobby", "#x" stays. The
 * name is checked as the server would.
 */
int
command_room(const char *in, char **out, char **cause)
{
	const char	*errstr;
	char		*name;

	*out = NULL;
	*cause = NULL;
	in += strspn(in, " ");
	if (*in == '\0') {
		*cause = xstrdup(_("a room name or number, please"));
		return (-1);
	}
	if (in[0] == '#')
		name = xstrdup(in);
	else
		xasprintf(&name, "#%s", in);
	name[strcspn(name, " ")] = '\0';
	if (!name_chan_valid(name, &errstr)) {
		xasprintf(cause, "%s: %s", name, _(errstr));
		free(name);
		return (-1);
	}
	*out = name;
	return (0);
}

/* Split "nick rest": nick in place, the rest returned. */
static char *
command_word(char *args)
{
	char	*rest = args + strcspn(args, " ");

	if (*rest != '\0')
		*rest++ = '\0';
	return (rest + strspn(rest, " "));
}

static int
command_nick_ok(const char *nick)
{
	const char	*errstr;

	if (!name_nick_valid(nick, NAME_NICKLEN, &errstr)) {
		window_printf(window_cur, LINE_ERROR, "-!- %s: %s", nick,
		    _(errstr));
		return (0);
	}
	return (1);
}

static void
command_away(struct window *w, char *args)
{
	(void)w;
	if (*args != '\0')
		net_send("AWAY :%s", args);
	else
		net_send("AWAY");
}

/* The room w is, or NULL after saying that name works only in one. */
static const char *
command_in_room(struct window *w, const char *name)
{
	if (w->type != WINDOW_CHANNEL) {
		window_printf(w, LINE_ERROR, _("-!- %s works in a room"), name);
		return (NULL);
	}
	return (w->name);
}

/*
 * MODE +x or -x (sign, letter) for each nick in args, at most four to a
 * line as natterd's MODES=4 allows.
 */
static void
command_status(struct window *w, char *args, const char *name, char sign,
    char letter)
{
	const char	*room, *nicks[4];
	char		*rest, modes[10];
	int		 n = 0, i;

	if ((room = command_in_room(w, name)) == NULL)
		return;
	if (*args == '\0') {
		command_usage(name);
		return;
	}
	while (*args != '\0') {
		rest = command_word(args);
		if (command_nick_ok(args))
			nicks[n++] = args;
		args = rest;
		if (n < 4 && *args != '\0')
			continue;
		if (n == 0)
			continue;
		modes[0] = sign;
		for (i = 0; i < n; i++)
			modes[1 + i] = letter;
		modes[1 + n] = '\0';
		net_send("MODE %s %s %s%s%s%s%s%s%s", room, modes, nicks[0],
		    n > 1 ? " " : "", n > 1 ? nicks[1] : "",
		    n > 2 ? " " : "", n > 2 ? nicks[2] : "",
		    n > 3 ? " " : "", n > 3 ? nicks[3] : "");
		n = 0;
	}
}

/* MODE +b or -b (sign) mask in w's room. */
static void
command_banmask(struct window *w, char *args, const char *name, char sign)
{
	const char	*room;

	if ((room = command_in_room(w, name)) == NULL)
		return;
	command_word(args);
	if (*args == '\0') {
		command_usage(name);
		return;
	}
	net_send("MODE %s %cb %s", room, sign, args);
}

static void
command_ban(struct window *w, char *args)
{
	command_banmask(w, args, "/ban", '+');
}

static void
command_unban(struct window *w, char *args)
{
	command_banmask(w, args, "/unban", '-');
}

static void
command_op(struct window *w, char *args)
{
	command_status(w, args, "/op", '+', 'o');
}

static void
command_deop(struct window *w, char *args)
{
	command_status(w, args, "/deop", '-', 'o');
}

static void
command_voice(struct window *w, char *args)
{
	command_status(w, args, "/voice", '+', 'v');
}

static void
command_devoice(struct window *w, char *args)
{
	command_status(w, args, "/devoice", '-', 'v');
}

static void
command_invite(struct window *w, char *args)
{
	char	*rest, *room, *cause;

	rest = command_word(args);
	if (*args == '\0') {
		command_usage("/invite");
		return;
	}
	if (!command_nick_ok(args))
		return;
	if (*rest != '\0') {
		if (command_room(rest, &room, &cause) != 0) {
			window_printf(window_cur, LINE_ERROR, "-!- %s", cause);
			free(cause);
			return;
		}
		net_send("INVITE %s %s", args, room);
		free(room);
		return;
	}
	if (command_in_room(w, _("/invite without a room")) != NULL)
		net_send("INVITE %s %s", args, w->name);
}

static void
command_kick(struct window *w, char *args)
{
	const char	*room;
	char		*reason;

	if ((room = command_in_room(w, "/kick")) == NULL)
		return;
	reason = command_word(args);
	if (*args == '\0') {
		command_usage("/kick");
		return;
	}
	if (!command_nick_ok(args))
		return;
	if (*reason != '\0')
		net_send("KICK %s %s :%s", room, args, reason);
	else
		net_send("KICK %s %s", room, args);
}

/* /mode: this room's modes; "/mode +k key" changes them. */
static void
command_mode(struct window *w, char *args)
{
	const char	*room;

	if ((room = command_in_room(w, "/mode")) == NULL)
		return;
	if (*args == '\0')
		net_send("MODE %s", room);
	else
		net_send("MODE %s %s", room, args);
}

static void
command_clear(struct window *w, char *args)
{
	(void)args;
	window_clear(w);
}

static void
command_close(struct window *w, char *args)
{
	switch (w->type) {
	case WINDOW_SERVER:
		window_printf(w, LINE_ERROR,
		    _("-!- the server window stays open; /quit to leave"));
		break;
	case WINDOW_CHANNEL:
		command_part(w, args);
		break;
	case WINDOW_QUERY:
	case WINDOW_DEBUG:
	case WINDOW_SEARCH:
		window_close(w);
		break;
	}
}

static void
command_debug(struct window *w, char *args)
{
	(void)w;
	(void)args;
	window_switch(window_open(WINDOW_DEBUG, "debug"));
}

static void
command_help(struct window *w, char *args)
{
	const struct command	*c, *other;
	size_t			 i;
	char			*name, *cause, *list, *next;

	(void)w;
	if (*args == '\0') {
		list = xstrdup("");
		for (i = 0; i < COMMAND_COUNT; i++) {
			xasprintf(&next, "%s %s", list, commands[i].name);
			free(list);
			list = next;
		}
		window_printf(window_cur, 0, _("-!- commands:%s"), list);
		window_printf(window_cur, 0,
		    _("-!- /help command explains one; "
		    "//text sends text starting with a slash"));
		window_printf(window_cur, 0, _("-!- Alt-Enter or Ctrl-J "
		    "starts a new line of the message; Enter sends it all"));
		free(list);
		return;
	}
	command_word(args);
	if (*args == '/')
		name = xstrdup(args);
	else
		xasprintf(&name, "/%s", args);
	if ((c = command_find(name, &cause)) == NULL) {
		window_printf(window_cur, LINE_ERROR, "-!- %s", cause);
		free(cause);
		free(name);
		return;
	}
	/* Not _(""): that is the catalogue's header. */
	window_printf(window_cur, 0, "-!- %s%s%s: %s", c->name,
	    *c->usage != '\0' ? " " : "",
	    *c->usage != '\0' ? _(c->usage) : "", _(c->help));
	list = xstrdup("");
	for (i = 0; i < COMMAND_COUNT; i++) {
		other = &commands[i];
		if (other->fn != c->fn || other == c)
			continue;
		xasprintf(&next, "%s %s", list, other->name);
		free(list);
		list = next;
	}
	if (*list != '\0')
		window_printf(window_cur, 0, _("-!- also:%s"), list);
	free(list);
	free(name);
}

static void
command_join(struct window *w, char *args)
{
	struct window	*room;
	char		*name, *cause, *key;

	(void)w;
	if (command_room(args, &name, &cause) != 0) {
		window_printf(window_cur, LINE_ERROR, "-!- %s", cause);
		free(cause);
		return;
	}
	key = command_word(args);
	key[strcspn(key, " ")] = '\0';
	/* A room with a window already: go there (and in again if need be). */
	if ((room = window_find(name)) != NULL)
		window_switch(room);
	if ((room == NULL || !room->joined) && *key != '\0')
		net_send("JOIN %s %s", name, key);
	else if (room == NULL || !room->joined)
		net_send("JOIN %s", name);
	free(name);
}

static void
command_list(struct window *w, char *args)
{
	(void)w;
	(void)args;
	net_send("LIST");
}

static void
command_me(struct window *w, char *args)
{
	if (*args == '\0') {
		command_usage("/me");
		return;
	}
	command_say(w, args, 1);
}

static void
command_members(struct window *w, char *args)
{
	(void)args;
	if (w->type != WINDOW_CHANNEL) {
		window_printf(w, LINE_ERROR, _("-!- /members works in a room"));
		return;
	}
	w->names_show++;
	net_send("NAMES %s", w->name);
}

static void
command_nick(struct window *w, char *args)
{
	(void)w;
	command_word(args);
	if (*args == '\0') {
		command_usage("/nick");
		return;
	}
	if (command_nick_ok(args))
		net_send("NICK %s", args);
}

static void
command_part(struct window *w, char *args)
{
	if (w->type != WINDOW_CHANNEL) {
		window_printf(w, LINE_ERROR, _("-!- /part works in a room"));
		return;
	}
	if (!net_ready() || !w->joined) {
		window_close(w);
		return;
	}
	w->parting = 1;
	if (*args != '\0')
		net_send("PART %s :%s", w->name, args);
	else
		net_send("PART %s", w->name);
}

static void
command_query(struct window *w, char *args)
{
	struct window	*q;
	char		*rest;

	(void)w;
	rest = command_word(args);
	if (*args == '\0') {
		command_usage("/query");
		return;
	}
	if (!command_nick_ok(args))
		return;
	q = window_open(WINDOW_QUERY, args);
	window_switch(q);
	if (*rest != '\0')
		command_say(q, rest, 0);
}

static void
command_quit(struct window *w, char *args)
{
	(void)w;
	net_quit(args);
}

static void
command_quote(struct window *w, char *args)
{
	(void)w;
	if (*args == '\0') {
		command_usage("/quote");
		return;
	}
	net_send("%s", args);
}

/*
 * /search words: the server searches the room where it can (the results
 * come later), else the room's scrollback here.
 */
static void
command_search(struct window *w, char *args)
{
	struct window	*room;

	/* In the results window: the room searched last, again. */
	if (w->type == WINDOW_SEARCH && w->topic != NULL &&
	    (room = window_find(w->topic)) != NULL)
		w = room;
	if (command_in_room(w, "/search") == NULL)
		return;
	if (*args == '\0') {
		command_usage("/search");
		return;
	}
	if (net_ready() && w->joined && backlog_can_search()) {
		window_printf(w, LINE_NOTICE, _("-!- searching %s for \"%s\""),
		    w->name, args);
		backlog_search(w->name, args);
	} else
		search_local(w, args);
}

static void
command_topic(struct window *w, char *args)
{
	if (w->type != WINDOW_CHANNEL) {
		window_printf(w, LINE_ERROR, _("-!- /topic works in a room"));
		return;
	}
	if (*args == '\0')
		net_send("TOPIC %s", w->name);
	else
		net_send("TOPIC %s :%s", w->name, args);
}

static void
command_whisper(struct window *w, char *args)
{
	char	*text;

	(void)w;
	text = command_word(args);
	if (*args == '\0' || *text == '\0') {
		command_usage("/whisper");
		return;
	}
	if (!command_nick_ok(args))
		return;
	window_open(WINDOW_QUERY, args);
	command_send(args, text, 0);
}

static void
command_whois(struct window *w, char *args)
{
	(void)w;
	command_word(args);
	if (*args == '\0') {
		command_usage("/whois");
		return;
	}
	net_send("WHOIS %s", args);
}

/*
 * /connect host [port]: another server. The rooms and whispers of this
 * one are closed, not taken along: the other server is another place.
 * There natter joins the room it was started with (-r, or the one it
 * asked for), as at the start.
 */
static void
command_connect(struct window *w, char *args)
{
	struct window	*v, *next;
	const char	*port;
	char		*rest, *end;
	long		 n;

	(void)w;
	if (net.state == NET_QUITTING)
		return;
	rest = command_word(args);
	rest[strcspn(rest, " ")] = '\0';
	if (*args == '\0') {
		command_usage("/connect");
		return;
	}
	port = *rest != '\0' ? rest : opt.tls ? "6697" : "6667";
	n = strtol(port, &end, 10);
	if (*end != '\0' || n < 1 || n > 65535) {
		window_printf(window_cur, LINE_ERROR, _("-!- %s: not a port "
		    "number"), port);
		return;
	}
	TAILQ_FOREACH_SAFE(v, &windows, entry, next) {
		if (v->type == WINDOW_CHANNEL || v->type == WINDOW_QUERY)
			window_close(v);
	}
	window_switch(window_server);
	window_rename(window_server, args);
	window_printf(window_server, 0, _("-!- leaving %s port %s for %s port "
	    "%s"), opt.host, opt.port, args, port);
	net_server(args, port);
	net_reconnect();
}

static void
command_reconnect(struct window *w, char *args)
{
	(void)w;
	(void)args;
	if (net.state == NET_QUITTING)
		return;
	window_printf(window_cur, 0, _("-!- reconnecting to %s port %s"),
	    opt.host, opt.port);
	net_reconnect();
}

/* After /ignore or /unignore: the file, or why it could not be. */
static void
command_ignore_save(void)
{
	char	*cause;

	if (ignore_save(&cause) != 0) {
		window_printf(window_cur, LINE_ERROR, _("-!- not kept for the "
		    "next run: %s"), cause);
		free(cause);
	}
}

static void
command_ignore(struct window *w, char *args)
{
	const char	*mask;
	char		*list, *next;
	size_t		 i;

	(void)w;
	command_word(args);
	if (*args == '\0') {
		list = xstrdup("");
		for (i = 0; (mask = ignore_list(i)) != NULL; i++) {
			xasprintf(&next, "%s %s", list, mask);
			free(list);
			list = next;
		}
		if (*list == '\0')
			window_printf(window_cur, 0,
			    _("-!- nobody is ignored"));
		else
			window_printf(window_cur, 0, _("-!- ignored:%s"), list);
		free(list);
		return;
	}
	switch (ignore_set(args, 1)) {
	case -1:
		window_printf(window_cur, LINE_ERROR, _("-!- %s: not a mask "
		    "(or too many)"), args);
		return;
	case 1:
		window_printf(window_cur, 0, _("-!- %s was ignored already"),
		    args);
		break;
	default:
		window_printf(window_cur, 0, _("-!- ignoring %s: its messages, "
		    "notices, actions and invitations are not shown"), args);
		break;
	}
	command_ignore_save();
}

static void
command_unignore(struct window *w, char *args)
{
	(void)w;
	command_word(args);
	if (*args == '\0') {
		command_usage("/unignore");
		return;
	}
	if (ignore_del(args) != 0) {
		window_printf(window_cur, LINE_ERROR, _("-!- %s is not ignored "
		    "(/ignore lists who is)"), args);
		return;
	}
	window_printf(window_cur, 0, _("-!- no longer ignoring %s"), args);
	command_ignore_save();
}

/* /log [on|off]: where this window's log of today is, or goes. */
static void
command_log(struct window *w, char *args)
{
	char	*path;

	command_word(args);
	if (strcmp(args, "on") == 0)
		opt.log = 1;
	else if (strcmp(args, "off") == 0)
		opt.log = 0;
	else if (*args != '\0') {
		command_usage("/log");
		return;
	}
	if (w->type != WINDOW_CHANNEL && w->type != WINDOW_QUERY)
		path = chatlog_dir();
	else
		path = chatlog_path(w->name, time(NULL));
	if (path == NULL) {
		window_printf(w, LINE_ERROR, _("-!- no place for logs: set "
		    "$HOME or a log directory"));
		return;
	}
	if (w->type != WINDOW_CHANNEL && w->type != WINDOW_QUERY)
		window_printf(w, 0, opt.log ? _("-!- logging is on; the logs "
		    "of rooms and whispers are under %s") : _("-!- logging is "
		    "off; the logs of rooms and whispers are under %s"), path);
	else
		window_printf(w, 0, opt.log ? _("-!- logging is on; today's "
		    "log of %s: %s") : _("-!- logging is off; today's log of "
		    "%s: %s"), w->name, path);
	free(path);
}
