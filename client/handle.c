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
 * Messages from the server, one handler each in a sorted table
 * (catgirl's Handlers[]); the numeric replies are in reply.c. Handlers
 * change windows and members and mark them dirty; every string from the
 * network is sanitised before it is stored for display.
 */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "natter.h"
#include "cap.h"
#include "msg.h"
#include "name.h"

struct handler {
	const char	*cmd;
	void		(*fn)(struct msg *, time_t);
};

/* How handle_compose() shows a message. */
#define COMPOSE_ACTION	0x1
#define COMPOSE_NOTICE	0x2
#define COMPOSE_SELF	0x4
#define COMPOSE_MENTION	0x8
#define COMPOSE_MARKED	0x10	/* a whisper out of its window: *nick* */
#define COMPOSE_LINES	0x20	/* a multi-line message: keep the breaks */

static int	handle_highlighted(const char *);
static void	handle_error(struct msg *, time_t);
static void	handle_join(struct msg *, time_t);
static void	handle_kick(struct msg *, time_t);
static void	handle_mode(struct msg *, time_t);
static void	handle_nick(struct msg *, time_t);
static void	handle_notice(struct msg *, time_t);
static void	handle_part(struct msg *, time_t);
static void	handle_ping(struct msg *, time_t);
static void	handle_privmsg(struct msg *, time_t);
static void	handle_quit(struct msg *, time_t);
static void	handle_topic(struct msg *, time_t);
static void	handle_invite(struct msg *, time_t);
static void	handle_message(struct msg *, time_t, int, int);
static void	handle_batch(struct msg *, time_t);
static void	handle_fail(struct msg *, time_t);
static char	*handle_compose(const char *, const char *, size_t, int,
		    int *);
static int	handle_ignored(const struct msg *);

/* The server window said that whisper windows are full. */
static int	handle_full_said;

/*
 * Sorted by strcmp(): handle_check_table() checks. Replies to
 * registration go to login.c.
 */
static const struct handler handlers[] = {
	{ "001",	login_welcome },
	{ "005",	reply_isupport },
	{ "301",	reply_away },
	{ "305",	reply_to_current },
	{ "306",	reply_to_current },
	{ "311",	reply_whois_user },
	{ "312",	reply_whois_server },
	{ "317",	reply_whois_idle },
	{ "318",	reply_ignore },
	{ "319",	reply_whois_channels },
	{ "321",	reply_list },
	{ "322",	reply_list },
	{ "323",	reply_list },
	{ "324",	reply_chanmodes },
	{ "329",	reply_ignore },
	{ "331",	reply_notopic },
	{ "332",	reply_topic },
	{ "333",	reply_topic_who },
	{ "341",	reply_refused },
	{ "353",	reply_names },
	{ "366",	reply_endofnames },
	{ "367",	reply_chanmodes },
	{ "368",	reply_chanmodes },
	{ "372",	reply_motd },
	{ "375",	reply_motd },
	{ "376",	reply_motd },
	{ "422",	reply_motd },
	{ "432",	login_nick_error },
	{ "433",	login_nick_error },
	{ "441",	reply_refused },
	{ "442",	reply_refused },
	{ "443",	reply_refused },
	{ "464",	login_badpass },
	{ "471",	reply_refused },
	{ "473",	reply_refused },
	{ "474",	reply_refused },
	{ "475",	reply_refused },
	{ "482",	reply_refused },
	{ "BATCH",	handle_batch },
	{ "CAP",	login_cap },
	{ "ERROR",	handle_error },
	{ "FAIL",	handle_fail },
	{ "INVITE",	handle_invite },
	{ "JOIN",	handle_join },
	{ "KICK",	handle_kick },
	{ "MARKREAD",	presence_markread },
	{ "MODE",	handle_mode },
	{ "NICK",	handle_nick },
	{ "NOTICE",	handle_notice },
	{ "PART",	handle_part },
	{ "PING",	handle_ping },
	{ "PONG",	reply_ignore },
	{ "PRIVMSG",	handle_privmsg },
	{ "QUIT",	handle_quit },
	{ "TAGMSG",	presence_tagmsg },
	{ "TOPIC",	handle_topic },
};
#define HANDLER_COUNT	(sizeof handlers / sizeof handlers[0])

int
handle_check_table(void)
{
	size_t	 i;

	for (i = 1; i < HANDLER_COUNT; i++) {
		if (strcmp(handlers[i - 1].cmd, handlers[i].cmd) >= 0)
			return (-1);
	}
	return (0);
}

static int
handle_cmp(const void *key, const void *entry)
{
	return (strcmp(key, ((const struct handler *)entry)->cmd));
}

/*
 * Who sent m: the nick in its prefix, copied into buf. A message without
 * a prefix comes from the server we are connected to, so it is named
 * after it (its name from 001, else the host we connected to).
 */
static const char *
handle_nick_of(const struct msg *m, char *buf, size_t size)
{
	size_t	 n;

	buf[0] = '\0';
	if (m->prefix == NULL)
		return (net.server != NULL ? net.server : opt.host);
	n = strcspn(m->prefix, "!@");
	if (n >= size)
		n = size - 1;
	memcpy(buf, m->prefix, n);
	buf[n] = '\0';
	return (buf);
}

static int
handle_is_me(const char *nick)
{
	return (net.nick != NULL && name_cmp(nick, net.nick) == 0);
}

/*
 * Is m from someone /ignore'd? Only people are: a server's own notices
 * (a prefix without '!') always show, whatever the masks.
 */
static int
handle_ignored(const struct msg *m)
{
	if (m->prefix == NULL || strchr(m->prefix, '!') == NULL)
		return (0);
	return (ignore_match(m->prefix));
}

/* IRCv3 server-time: 2024-01-02T03:04:05.678Z. */
static time_t
handle_time(const char *s, time_t fallback)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof tm);
	if (strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) == NULL)
		return (fallback);
	return (timegm(&tm));
}

/*
 * Show what happened in a room or a whisper (a join, a topic, a quit) as
 * window_printf() would, and put the same line in its chat log. fmt is
 * English (xgettext finds it as handle_event's fourth argument): the
 * pane shows it translated, the log keeps it as it is, so that logs read
 * the same whatever the language of the session that wrote them.
 */
void
handle_event(struct window *w, time_t when, int flags, const char *fmt,
    ...)
{
	va_list	 ap;
	char	*s, *clean;

	va_start(ap, fmt);
	free(window_vadd(w, when, flags, _(fmt), ap));
	va_end(ap);
	if (w->type != WINDOW_CHANNEL && w->type != WINDOW_QUERY)
		return;
	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	clean = text_sanitize_str(s, TEXT_FORMAT);
	chatlog_add(w->name, when, clean);
	free(clean);
	free(s);
}

/* Parse one line from the server and run its handler. */
void
handle(char *line)
{
	const struct handler	*h;
	struct msg		 m;
	const char		*errstr;
	char			 tag[64];
	time_t			 when = time(NULL);

	if (msg_parse(&m, line, &errstr) != 0) {
		log_warnx("malformed line from server: %s", errstr);
		if (window_debug != NULL)
			window_printf(window_debug, LINE_ERROR,
			    _("-!- malformed line dropped: %s"), errstr);
		return;
	}
	if ((net.caps & CAP_SERVER_TIME) &&
	    msg_tag(&m, "time", tag, sizeof tag) != NULL)
		when = handle_time(tag, when);
	/*
	 * A line of a multi-line message is kept until its batch ends; one
	 * of a history or search batch is kept, not shown live.
	 */
	if (multiline_batched(&m, when)) {
		/* Its sender has stopped typing, whenever it ends. */
		presence_handled(&m);
		return;
	}
	if (backlog_batched(&m, when))
		return;
	h = bsearch(m.cmd, handlers, HANDLER_COUNT, sizeof handlers[0],
	    handle_cmp);
	if (h != NULL)
		h->fn(&m, when);
	else
		reply_default(&m, when);
	presence_handled(&m);
}

/* Does text mention our nick, or one of the highlight words? */
static int
handle_highlighted(const char *text)
{
	const char *const	*words;
	size_t			 n, i;

	if (net.nick != NULL && handle_mentions(text, net.nick))
		return (1);
	words = config_highlights(&n);
	for (i = 0; i < n; i++) {
		if (handle_mentions(text, words[i]))
			return (1);
	}
	return (0);
}

/*
 * Is nick mentioned in text? An ASCII nick must stand as a word; a nick
 * with other letters (Korean: 철수야, 철수님) may have anything glued on.
 */
int
handle_mentions(const char *text, const char *nick)
{
	const char	*p, *q, *n;
	size_t		 len = strlen(nick);
	int		 ascii = 1;
	unsigned char	 a, b;

	if (len == 0)
		return (0);
	for (n = nick; *n != '\0'; n++) {
		if ((unsigned char)*n >= 0x80)
			ascii = 0;
	}
	for (p = text; *p != '\0'; p++) {
		for (q = p, n = nick; *n != '\0' && *q != '\0'; q++, n++) {
			a = name_lower(*q);
			b = name_lower(*n);
			if (a != b)
				break;
		}
		if (*n != '\0')
			continue;
		if (!ascii)
			return (1);
		if ((p == text || strchr(" ,.:;!?'\"()<>@*", p[-1]) != NULL) &&
		    (*q == '\0' || strchr(" ,.:;!?'\"()<>*", *q) != NULL))
			return (1);
	}
	return (0);
}

void
handle_set_topic(struct window *w, const char *topic)
{
	free(w->topic);
	w->topic = *topic == '\0' ? NULL :
	    text_sanitize_str(topic, TEXT_FORMAT);
	if (w == window_cur)
		dirty |= DIRTY_TOP;
}

static void
handle_error(struct msg *m, time_t when)
{
	(void)when;
	window_printf(window_server, LINE_ERROR, "-!- %s", msg_last(m));
}

static void
handle_join(struct msg *m, time_t when)
{
	struct window	*w;
	char		 buf[NAME_NICKMAX + 1];
	const char	*nick, *chan;
	int		 created;

	if (m->nparams < 1 || m->prefix == NULL)
		return;
	nick = handle_nick_of(m, buf, sizeof buf);
	chan = m->params[0];
	if (handle_is_me(nick)) {
		created = window_find(chan) == NULL;
		w = window_open(WINDOW_CHANNEL, chan);
		/* The server's spelling of the name wins. */
		if (strcmp(w->name, chan) != 0)
			window_rename(w, chan);
		w->joined = 1;
		w->parting = 0;
		w->names_fresh = 1;
		window_members_clear(w);
		net_set_userhost(m->prefix);
		if (created)
			window_switch(w);
		handle_event(w, when, LINE_NOTICE,
		    "-!- you have joined the room");
		dirty |= DIRTY_STATUS | DIRTY_TOP;
		backlog_joined(w);
		return;
	}
	if ((w = window_find(chan)) == NULL)
		return;
	window_member_add(w, nick, ' ');
	handle_event(w, when, LINE_NOTICE, "-!- %s (%s) has joined %s", nick,
	    m->prefix + strlen(nick) + (m->prefix[strlen(nick)] == '!'),
	    chan);
}

static void
handle_part(struct msg *m, time_t when)
{
	struct window	*w;
	char		 buf[NAME_NICKMAX + 1];
	const char	*nick;
	const char	*reason = m->nparams >= 2 ? m->params[1] : "";

	if (m->nparams < 1 || m->prefix == NULL ||
	    (w = window_find(m->params[0])) == NULL)
		return;
	nick = handle_nick_of(m, buf, sizeof buf);
	if (handle_is_me(nick)) {
		if (w->parting) {
			window_close(w);
			return;
		}
		w->joined = 0;
		window_members_clear(w);
		handle_event(w, when, LINE_NOTICE, "-!- you have left %s",
		    w->name);
		return;
	}
	window_member_remove(w, nick);
	if (*reason != '\0')
		handle_event(w, when, LINE_NOTICE, "-!- %s has left %s "
		    "(%s\017)", nick, w->name, reason);
	else
		handle_event(w, when, LINE_NOTICE, "-!- %s has left %s",
		    nick, w->name);
}

static void
handle_kick(struct msg *m, time_t when)
{
	struct window	*w;
	char		 buf[NAME_NICKMAX + 1];
	const char	*nick;
	const char	*reason = m->nparams >= 3 ? m->params[2] : "";

	if (m->nparams < 2 || (w = window_find(m->params[0])) == NULL)
		return;
	nick = handle_nick_of(m, buf, sizeof buf);
	if (handle_is_me(m->params[1])) {
		w->joined = 0;
		window_members_clear(w);
		handle_event(w, when, LINE_ERROR | LINE_MENTION,
		    "-!- %s removed you from %s (%s\017)", nick, w->name,
		    reason);
		return;
	}
	window_member_remove(w, m->params[1]);
	handle_event(w, when, LINE_NOTICE,
	    "-!- %s removed %s from %s (%s\017)", nick, m->params[1], w->name,
	    reason);
}

/* Channel modes: follow prefix changes (+o, -o) for the sidebar. */
static void
handle_mode(struct msg *m, time_t when)
{
	const char		*letters = window_prefix_modes;
	struct window		*w;
	char			 buf[NAME_NICKMAX + 1], *all = NULL, *next;
	const char		*nick, *p, *sym;
	int			 dir = 1, arg = 2, i;

	if (m->nparams < 2 || (w = window_find(m->params[0])) == NULL)
		return;
	nick = handle_nick_of(m, buf, sizeof buf);
	for (p = m->params[1]; *p != '\0'; p++) {
		if (*p == '+' || *p == '-') {
			dir = *p == '+';
			continue;
		}
		if ((sym = strchr(letters, *p)) != NULL) {
			if (arg >= m->nparams)
				break;
			window_member_prefix(w, m->params[arg++],
			    dir && (size_t)(sym - letters) <
			    strlen(window_prefixes) ?
			    window_prefixes[sym - letters] : ' ');
		} else if (strchr("beIkq", *p) != NULL ||
		    (dir && strchr("lfj", *p) != NULL))
			arg++;
	}
	all = xstrdup(m->params[1]);
	for (i = 2; i < m->nparams; i++) {
		xasprintf(&next, "%s %s", all, m->params[i]);
		free(all);
		all = next;
	}
	handle_event(w, when, LINE_NOTICE, "-!- %s sets mode %s", nick, all);
	free(all);
}

static void
handle_nick(struct msg *m, time_t when)
{
	struct window	*w;
	char		 buf[NAME_NICKMAX + 1];
	const char	*nick, *to;
	int		 me;

	if (m->nparams < 1 || m->prefix == NULL)
		return;
	nick = handle_nick_of(m, buf, sizeof buf);
	to = m->params[0];
	if ((me = handle_is_me(nick))) {
		net_set_nick(to);
		free(opt.nick);
		opt.nick = xstrdup(to);
		window_printf(window_server, LINE_NOTICE,
		    _("-!- you are now known as %s"), to);
	}
	TAILQ_FOREACH(w, &windows, entry) {
		if (w->type == WINDOW_CHANNEL &&
		    window_member_rename(w, nick, to)) {
			if (me)
				handle_event(w, when, LINE_NOTICE,
				    "-!- you are now known as %s", to);
			else
				handle_event(w, when, LINE_NOTICE,
				    "-!- %s is now known as %s", nick, to);
		} else if (w->type == WINDOW_QUERY &&
		    name_cmp(w->name, nick) == 0) {
			window_rename(w, to);
			handle_event(w, when, LINE_NOTICE,
			    "-!- %s is now known as %s", nick, to);
		}
	}
}

static void
handle_quit(struct msg *m, time_t when)
{
	struct window	*w;
	char		 buf[NAME_NICKMAX + 1];
	const char	*nick;
	const char	*reason = m->nparams >= 1 ? m->params[0] : "";

	if (m->prefix == NULL)
		return;
	nick = handle_nick_of(m, buf, sizeof buf);
	TAILQ_FOREACH(w, &windows, entry) {
		if ((w->type == WINDOW_CHANNEL &&
		    window_member_remove(w, nick)) ||
		    (w->type == WINDOW_QUERY && name_cmp(w->name, nick) == 0))
			/*
			 * TRANSLATORS: \017 after the server's text
			 * ends its colours and bold: keep it right
			 * after that %s.
			 */
			handle_event(w, when, LINE_NOTICE,
			    "-!- %s has quit (%s\017)", nick, reason);
	}
}

static void
handle_topic(struct msg *m, time_t when)
{
	struct window	*w;
	char		 buf[NAME_NICKMAX + 1];
	const char	*nick;

	if (m->nparams < 2 || (w = window_find(m->params[0])) == NULL)
		return;
	nick = handle_nick_of(m, buf, sizeof buf);
	handle_set_topic(w, m->params[1]);
	if (m->params[1][0] == '\0')
		handle_event(w, when, LINE_NOTICE, "-!- %s removed the topic",
		    nick);
	else
		handle_event(w, when, LINE_NOTICE, "-!- %s changed the topic "
		    "to: %s\017", nick, m->params[1]);
}

static void
handle_ping(struct msg *m, time_t when)
{
	(void)when;
	net_send_now("PONG :%s", msg_last(m));
}

static void
handle_privmsg(struct msg *m, time_t when)
{
	handle_message(m, when, 0, 0);
}

static void
handle_notice(struct msg *m, time_t when)
{
	handle_message(m, when, 1, 0);
}

/*
 * A multi-line message, its lines joined with line feeds (multiline.c):
 * shown as one message, the rows after a break under the text.
 */
void
handle_lines(struct msg *m, time_t when)
{
	handle_message(m, when, strcmp(m->cmd, "NOTICE") == 0, 1);
}

/*
 * PRIVMSG and NOTICE. A room's messages go to its window; a whisper goes
 * to the conversation's window (opened if need be) and, if that is not
 * the one being looked at, a copy to the current window. Our own
 * messages come back here too: from echo-message, or from handle_sent().
 * With lines, text is a multi-line message whose breaks are kept.
 */
static void
handle_message(struct msg *m, time_t when, int notice, int lines)
{
	struct window	*w, *copyto = NULL;
	char		 buf[NAME_NICKMAX + 1], *who, *body, *line, *copy;
	char		 idbuf[BACKLOG_IDMAX + 1];
	const char	*nick, *target, *text, *peer, *id, *logname;
	size_t		 len;
	int		 self, chan, flags = 0, action = 0, color, indent;
	int		 marked = 0;

	if (m->nparams < 2)
		return;
	nick = handle_nick_of(m, buf, sizeof buf);
	target = m->params[0];
	text = m->params[1];
	chan = name_is_chan(target);
	self = handle_is_me(nick);
	/* Someone /ignore'd: not shown, not logged, CTCPs included. */
	if (!self && handle_ignored(m))
		return;

	if (text[0] == '\001') {
		if (strncmp(text, "\001ACTION ", 8) == 0) {
			action = 1;
			text += 8;
		} else {
			/* Other CTCP requests get no answer, by design. */
			if (!notice && !self)
				window_printf(window_server, 0,
				    _("-!- %s sent a CTCP %.*s request"), nick,
				    (int)strcspn(text + 1, " \001"), text + 1);
			return;
		}
	}

	if (m->prefix == NULL || strchr(m->prefix, '!') == NULL) {
		/* From the server itself. */
		window_printf(window_server, LINE_NOTICE, "-%s- %s", nick,
		    text);
		return;
	}
	logname = target;
	if (chan) {
		if ((w = window_find(target)) == NULL)
			w = window_server;
		flags = LINE_MESSAGE;
		if (!self && handle_highlighted(text))
			flags |= LINE_MENTION;
		window_spoke(w, nick);
	} else if (notice && !self) {
		w = window_cur;
		flags = LINE_MESSAGE;
		logname = nick;
	} else {
		peer = self ? target : nick;
		logname = peer;
		flags = LINE_MESSAGE | LINE_WHISPER;
		if (!self)
			flags |= LINE_MENTION;
		if (!self && window_find(peer) == NULL &&
		    !window_query_room()) {
			/* Too many windows: the server window, marked. */
			w = window_server;
			marked = 1;
			if (!handle_full_said)
				window_printf(w, LINE_ERROR, _("-!- %d whisper "
				    "windows are open: whispers from anyone "
				    "else are shown here as *nick*; /close "
				    "some to make room"), WINDOW_QUERIES);
			handle_full_said = 1;
		} else {
			if (window_query_room())
				handle_full_said = 0;
			w = window_open(WINDOW_QUERY, peer);
		}
		if (w != window_cur)
			copyto = window_cur;
	}
	if (self)
		flags |= LINE_SELF;
	flags &= ~(self ? LINE_MENTION : 0);

	len = strlen(text);
	if (action && len > 0 && text[len - 1] == '\001')
		len--;
	line = handle_compose(nick, text, len, (action ? COMPOSE_ACTION : 0) |
	    (notice ? COMPOSE_NOTICE : 0) | (self ? COMPOSE_SELF : 0) |
	    (flags & LINE_MENTION ? COMPOSE_MENTION : 0) |
	    (marked ? COMPOSE_MARKED : 0) | (lines ? COMPOSE_LINES : 0),
	    &indent);
	id = NULL;
	if (chan && w != window_server)
		id = backlog_msgid(m, idbuf, sizeof idbuf);
	window_add_id(w, when, flags, indent, line, id);
	if (id != NULL)
		backlog_seen(w, m);
	/* A private notice is logged with its sender, not where it shows. */
	multiline_log(logname, when, line, indent);
	free(line);
	if (copyto != NULL) {
		who = text_sanitize_str(nick, 0);
		body = text_sanitize(text, len, TEXT_FORMAT |
		    (lines ? TEXT_NEWLINE : 0));
		color = text_nick_color(nick);
		if (self) {
			peer = text_sanitize_str(target, 0);
			xasprintf(&copy, "-> *%s* %s", peer, body);
			free((char *)peer);
		} else
			xasprintf(&copy, "\003%02d*%s*\017 %s", color, who,
			    body);
		window_add(copyto, when, flags & ~LINE_SELF,
		    text_width(copy) - text_width(body), copy);
		free(copy);
		free(who);
		free(body);
	}
}

/*
 * A message as a line of the pane: "<nick> text", "* nick action",
 * "-nick- notice" or, for a whisper shown where it does not belong,
 * "*nick* text". *indent is where the text starts, for wrapped rows.
 */
static char *
handle_compose(const char *nick, const char *text, size_t len, int how,
    int *indent)
{
	char	*who, *body, *line;
	int	 color, self = how & COMPOSE_SELF;
	int	 mention = how & COMPOSE_MENTION;

	who = text_sanitize_str(nick, 0);
	body = text_sanitize(text, len, TEXT_FORMAT |
	    (how & COMPOSE_LINES ? TEXT_NEWLINE : 0));
	color = text_nick_color(nick);
	if (how & COMPOSE_MARKED)
		xasprintf(&line, "\003%02d*%s*\017 %s%s", color, who,
		    how & COMPOSE_ACTION ? "* " : "", body);
	else if (how & COMPOSE_ACTION)
		xasprintf(&line, "%s* %s\003%02d%s\017 %s", self ? "\002" : "",
		    mention ? "\026" : "", color, who, body);
	else if (how & COMPOSE_NOTICE)
		xasprintf(&line, "\003%02d-%s-\017 %s", color, who, body);
	else
		xasprintf(&line, "%s%s\003%02d<%s>\017 %s", self ? "\002" : "",
		    mention ? "\026" : "", color, who, body);
	*indent = text_width(line) - text_width(body);
	free(who);
	free(body);
	return (line);
}

/*
 * A message of a history batch for room, as a line to insert: a PRIVMSG
 * or NOTICE from someone to that room, or -1. Nothing else happens: no
 * window opens, nobody is marked as having spoken, no bell rings.
 */
int
handle_history(struct msg *m, time_t when, const char *room,
    struct line *out)
{
	char		 buf[NAME_NICKMAX + 1], idbuf[BACKLOG_IDMAX + 1];
	const char	*nick, *text, *id;
	size_t		 len;
	int		 notice, self, action = 0, how, flags;

	memset(out, 0, sizeof *out);
	notice = strcmp(m->cmd, "NOTICE") == 0;
	if ((!notice && strcmp(m->cmd, "PRIVMSG") != 0) || m->nparams < 2 ||
	    name_cmp(m->params[0], room) != 0)
		return (-1);
	nick = handle_nick_of(m, buf, sizeof buf);
	text = m->params[1];
	/* The server's own notice, such as natterd's on a gap in history. */
	if (m->prefix == NULL || strchr(m->prefix, '!') == NULL) {
		if (!notice || text[0] == '\001')
			return (-1);
		out->time = when;
		out->flags = LINE_NOTICE | LINE_HISTORY;
		out->text = handle_compose(nick, text, strlen(text),
		    COMPOSE_NOTICE, &out->indent);
		if ((id = backlog_msgid(m, idbuf, sizeof idbuf)) != NULL)
			out->msgid = xstrdup(id);
		return (0);
	}
	self = handle_is_me(nick);
	if (!self && handle_ignored(m))
		return (-1);
	if (text[0] == '\001') {
		if (strncmp(text, "\001ACTION ", 8) != 0)
			return (-1);
		action = 1;
		text += 8;
	}
	len = strlen(text);
	if (action && len > 0 && text[len - 1] == '\001')
		len--;
	flags = LINE_MESSAGE | LINE_HISTORY | (self ? LINE_SELF : 0);
	if (!self && handle_highlighted(text))
		flags |= LINE_MENTION;
	how = (action ? COMPOSE_ACTION : 0) | (notice ? COMPOSE_NOTICE : 0) |
	    (self ? COMPOSE_SELF : 0) |
	    (flags & LINE_MENTION ? COMPOSE_MENTION : 0);
	out->time = when;
	out->flags = flags;
	out->text = handle_compose(nick, text, len, how, &out->indent);
	if ((id = backlog_msgid(m, idbuf, sizeof idbuf)) != NULL)
		out->msgid = xstrdup(id);
	return (0);
}

/* BATCH +ref type [params] and BATCH -ref: multiline.c or backlog.c. */
static void
handle_batch(struct msg *m, time_t when)
{
	if (multiline_batch(m, when))
		return;
	backlog_batch(m);
}

/* FAIL command code [context] :text, from IRCv3 standard replies. */
static void
handle_fail(struct msg *m, time_t when)
{
	if (backlog_fail(m) == 0 || multiline_fail(m) == 0)
		return;
	if (m->nparams >= 2)
		window_printf(window_cur, LINE_ERROR,
		    _("-!- %s failed (%s): %s"),
		    m->params[0], m->params[1], msg_last(m));
	else
		reply_default(m, when);
}

/*
 * A message we sent was written. Without echo-message the server will
 * not show it to us: show it here, as the server would have echoed it.
 */
void
handle_sent(const char *target, const char *text)
{
	struct msg	 m;
	char		*prefix;

	if (net.caps & CAP_ECHO_MESSAGE)
		return;
	memset(&m, 0, sizeof m);
	xasprintf(&prefix, "%s!%s", net.nick != NULL ? net.nick : "*",
	    net.userhost != NULL ? net.userhost : "*");
	m.prefix = prefix;
	m.cmd = (char *)"PRIVMSG";
	m.nparams = 2;
	m.params[0] = (char *)target;
	m.params[1] = (char *)text;
	handle_message(&m, time(NULL), 0, strchr(text, '\n') != NULL);
	free(prefix);
}

/* INVITE: someone asks us into a room (or, with invite-notify, another). */
static void
handle_invite(struct msg *m, time_t when)
{
	char		 buf[NAME_NICKMAX + 1];
	const char	*nick;

	(void)when;
	if (m->nparams < 2 || handle_ignored(m))
		return;
	nick = handle_nick_of(m, buf, sizeof buf);
	if (handle_is_me(m->params[0]))
		window_printf(window_cur, LINE_MENTION, _("-!- %s invites you "
		    "to %s: /join %s"), nick, m->params[1], m->params[1]);
	else
		window_printf(window_server, 0, _("-!- %s invited %s to %s"),
		    nick, m->params[0], m->params[1]);
}

