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
 * Numeric replies, each to a sentence in the window it concerns: WHOIS,
 * LIST, a room's topic, member list, modes and bans, the MOTD, what a
 * channel operator is refused, and whatever else comes (errors where the
 * user is looking). handle.c dispatches to them.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "natter.h"
#include "msg.h"

/* Are the n bytes at s all in [lo, hi]? */
static int
reply_all_in(const char *s, size_t n, int lo, int hi)
{
	for (; n > 0; s++, n--) {
		if ((unsigned char)*s < lo || (unsigned char)*s > hi)
			return (0);
	}
	return (1);
}

/*
 * 005: PREFIX=(ov)@+ says which member prefixes exist, by rank. The
 * sidebar draws a symbol as one cell, so a token with a symbol that is
 * not printable ASCII (or a space, which means "none") is ignored.
 */
void
reply_isupport(struct msg *m, time_t when)
{
	const char	*modes, *p;
	int		 i;

	(void)when;
	for (i = 1; i < m->nparams - 1; i++) {
		backlog_isupport(m->params[i]);
		if (strncmp(m->params[i], "PREFIX=(", 8) != 0)
			continue;
		modes = m->params[i] + 8;
		if ((p = strchr(modes, ')')) == NULL ||
		    (size_t)(p - modes) != strlen(p + 1) ||
		    strlen(p + 1) >= sizeof window_prefixes ||
		    !reply_all_in(modes, p - modes, '!', '~') ||
		    !reply_all_in(p + 1, strlen(p + 1), '!', '~'))
			continue;
		snprintf(window_prefixes, sizeof window_prefixes, "%s", p + 1);
		snprintf(window_prefix_modes, sizeof window_prefix_modes,
		    "%.*s", (int)(p - modes), modes);
	}
}

void
reply_away(struct msg *m, time_t when)
{
	(void)when;
	if (m->nparams >= 3)
		window_printf(window_cur, 0, _("-!- %s is away: %s"),
		    m->params[1], m->params[2]);
}

void
reply_to_current(struct msg *m, time_t when)
{
	(void)when;
	window_printf(window_cur, 0, "-!- %s", msg_last(m));
}

void
reply_whois_user(struct msg *m, time_t when)
{
	(void)when;
	if (m->nparams >= 6)
		window_printf(window_cur, 0, _("-!- %s is %s@%s (%s)"),
		    m->params[1], m->params[2], m->params[3], m->params[5]);
}

void
reply_whois_server(struct msg *m, time_t when)
{
	(void)when;
	if (m->nparams >= 4)
		window_printf(window_cur, 0, _("-!- %s is on %s (%s)"),
		    m->params[1], m->params[2], m->params[3]);
}

void
reply_whois_idle(struct msg *m, time_t when)
{
	long long	 secs;

	(void)when;
	if (m->nparams < 3)
		return;
	secs = strtoll(m->params[2], NULL, 10);
	window_printf(window_cur, 0, _("-!- %s has been idle %lldm %llds"),
	    m->params[1], secs / 60, secs % 60);
}

void
reply_whois_channels(struct msg *m, time_t when)
{
	(void)when;
	if (m->nparams >= 3)
		window_printf(window_cur, 0, _("-!- %s is in %s"), m->params[1],
		    m->params[2]);
}

void
reply_ignore(struct msg *m, time_t when)
{
	(void)m;
	(void)when;
}

/* 321, 322, 323: the room list, where the user asked for it. */
void
reply_list(struct msg *m, time_t when)
{
	(void)when;
	if (strcmp(m->cmd, "321") == 0)
		window_printf(window_cur, 0, _("-!- rooms:"));
	else if (strcmp(m->cmd, "323") == 0)
		window_printf(window_cur, 0, _("-!- end of the room list"));
	else if (m->nparams >= 4)
		window_printf(window_cur, 0, "-!-   %s  %s  %s", m->params[1],
		    m->params[2], m->params[3]);
}

void
reply_notopic(struct msg *m, time_t when)
{
	struct window	*w;

	(void)when;
	if (m->nparams < 2 || (w = window_find(m->params[1])) == NULL)
		return;
	handle_set_topic(w, "");
	window_printf(w, LINE_NOTICE, _("-!- no topic is set"));
}

void
reply_topic(struct msg *m, time_t when)
{
	struct window	*w;

	if (m->nparams < 3)
		return;
	if ((w = window_find(m->params[1])) == NULL) {
		window_printf(window_cur, 0, _("-!- topic of %s: %s"),
		    m->params[1], m->params[2]);
		return;
	}
	handle_set_topic(w, m->params[2]);
	handle_event(w, when, LINE_NOTICE, "-!- topic: %s\017",
	    m->params[2]);
}

void
reply_topic_who(struct msg *m, time_t when)
{
	struct window	*w;
	char		 date[64];
	time_t		 t;
	struct tm	 tm;

	(void)when;
	if (m->nparams < 4 || (w = window_find(m->params[1])) == NULL)
		return;
	t = (time_t)strtoll(m->params[3], NULL, 10);
	/* A time too far off for a struct tm has no date to show. */
	if (localtime_r(&t, &tm) == NULL) {
		window_printf(w, LINE_NOTICE, _("-!- topic set by %s"),
		    m->params[2]);
		return;
	}
	strftime(date, sizeof date, "%Y-%m-%d %H:%M", &tm);
	window_printf(w, LINE_NOTICE, _("-!- topic set by %s on %s"),
	    m->params[2], date);
}

/*
 * 353: a part of a member list. The first one after a 366 starts the
 * list again; entries may carry a prefix and, with userhost-in-names,
 * a user@host.
 */
void
reply_names(struct msg *m, time_t when)
{
	struct window	*w;
	char		*list, *name, *last;
	char		 prefix;

	(void)when;
	if (m->nparams < 4 || (w = window_find(m->params[2])) == NULL ||
	    w->type != WINDOW_CHANNEL)
		return;
	if (w->names_fresh) {
		window_members_clear(w);
		w->names_fresh = 0;
	}
	list = m->params[3];
	for (name = strtok_r(list, " ", &last); name != NULL;
	    name = strtok_r(NULL, " ", &last)) {
		prefix = ' ';
		if (*name != '\0' && strchr(window_prefixes, *name) != NULL)
			prefix = *name;
		while (*name != '\0' && strchr(window_prefixes, *name) != NULL)
			name++;
		name[strcspn(name, "!")] = '\0';
		if (*name != '\0')
			window_member_add(w, name, prefix);
	}
}

/* 366: the list is complete; show it if the user asked with /members. */
void
reply_endofnames(struct msg *m, time_t when)
{
	struct window	*w;
	struct member	**members;
	char		*list, *p;
	size_t		 i, n, len;

	(void)when;
	if (m->nparams < 2 || (w = window_find(m->params[1])) == NULL)
		return;
	if (w->names_fresh && w->type == WINDOW_CHANNEL)
		window_members_clear(w);
	w->names_fresh = 1;
	if (w->names_show == 0)
		return;
	w->names_show--;
	/* "@op +voiced other": sized first, then filled in one pass. */
	members = window_members(w);
	for (i = 0, len = 1; i < w->nmembers; i++)
		len += 2 + strlen(members[i]->nick);
	list = xmalloc(len);
	for (i = 0, p = list; i < w->nmembers; i++) {
		if (i > 0)
			*p++ = ' ';
		if (members[i]->prefix != ' ')
			*p++ = members[i]->prefix;
		n = strlen(members[i]->nick);
		memcpy(p, members[i]->nick, n);
		p += n;
	}
	*p = '\0';
	window_printf(w, 0, _("-!- %zu in %s: %s"), w->nmembers, w->name, list);
	free(list);
}

void
reply_motd(struct msg *m, time_t when)
{
	(void)when;
	if (strcmp(m->cmd, "376") != 0)
		window_printf(window_server, 0, "%s", msg_last(m));
}

/*
 * What a channel operator hears back, said as a sentence in the window
 * of the room it concerns (else where the user is looking).
 */
void
reply_refused(struct msg *m, time_t when)
{
	struct window	*w;
	const char	*a, *b;
	int		 num = atoi(m->cmd);

	(void)when;
	if (m->nparams < 3) {
		reply_default(m, when);
		return;
	}
	a = m->params[1];
	b = m->params[2];
	/* The room is the second parameter of 341 and 441, 443. */
	w = window_find(num == 341 || num == 441 || num == 443 ? b : a);
	if (w == NULL)
		w = window_cur;
	switch (num) {
	case 341:
		window_printf(w, 0, _("-!- %s is invited to %s"), a, b);
		break;
	case 441:
		window_printf(w, LINE_ERROR, _("-!- %s is not in %s"), a, b);
		break;
	case 442:
		window_printf(w, LINE_ERROR, _("-!- you are not in %s"), a);
		break;
	case 443:
		window_printf(w, LINE_ERROR, _("-!- %s is already in %s"), a,
		    b);
		break;
	case 471:
		window_printf(w, LINE_ERROR, _("-!- cannot join %s: it is full "
		    "(+l)"), a);
		break;
	case 473:
		window_printf(w, LINE_ERROR, _("-!- cannot join %s: it is "
		    "invite only (+i); an operator there can /invite you"), a);
		break;
	case 474:
		window_printf(w, LINE_ERROR, _("-!- cannot join %s: you are "
		    "banned from it (+b)"), a);
		break;
	case 475:
		window_printf(w, LINE_ERROR, _("-!- cannot join %s: it needs a "
		    "key (+k): /join %s key"), a, a);
		break;
	case 482:
		window_printf(w, LINE_ERROR, _("-!- you are not an operator of "
		    "%s"), a);
		break;
	}
}

/* 324, a room's modes (/mode), and 367, 368, its bans (/mode b). */
void
reply_chanmodes(struct msg *m, time_t when)
{
	struct window	*w;
	char		*all, *next;
	int		 i;

	(void)when;
	if (m->nparams < 3)
		return;
	if ((w = window_find(m->params[1])) == NULL)
		w = window_cur;
	if (strcmp(m->cmd, "367") == 0) {
		window_printf(w, 0, _("-!- %s bans %s (set by %s)"),
		    m->params[1],
		    m->params[2], m->nparams > 3 ? m->params[3] : "?");
		return;
	}
	if (strcmp(m->cmd, "368") == 0) {
		window_printf(w, 0, _("-!- end of the bans of %s"),
		    m->params[1]);
		return;
	}
	all = xstrdup("");
	for (i = 2; i < m->nparams; i++) {
		xasprintf(&next, "%s%s%s", all, i > 2 ? " " : "",
		    m->params[i]);
		free(all);
		all = next;
	}
	window_printf(w, 0, _("-!- %s modes: %s"), m->params[1], all);
	free(all);
}

/* Anything else: errors where the user is looking, the rest to server. */
void
reply_default(struct msg *m, time_t when)
{
	char	*all, *next;
	int	 i, num;

	(void)when;
	if (m->cmd[0] < '0' || m->cmd[0] > '9') {
		window_printf(window_server, 0, "-!- %s %s", m->cmd,
		    msg_last(m));
		return;
	}
	num = atoi(m->cmd);
	all = xstrdup("");
	for (i = 1; i < m->nparams; i++) {
		xasprintf(&next, "%s%s%s", all, i == 1 ? "" :
		    i == m->nparams - 1 ? ": " : " ", m->params[i]);
		free(all);
		all = next;
	}
	if (num >= 400 && num < 600)
		window_printf(window_cur, LINE_ERROR, "-!- %s", all);
	else
		window_printf(window_server, 0, "-!- %s", all);
	free(all);
}
