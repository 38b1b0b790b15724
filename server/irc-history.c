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
 * History on the wire: IRCv3 draft/chathistory (with event playback),
 * the soju.im/search draft, and --history-replay for clients that know
 * neither. Replies are sent as the events were, with their time and
 * msgid, in a batch for clients that asked for batch.
 */

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "natterd.h"

/* A message reference: a time, or a stored event. */
struct hist_ref {
	int64_t		 ms;
	int64_t		 id;
	int		 msgid;		/* an event (ms, id), not a time */
};

static const struct hist_bound	 hist_none_lo = { INT64_MIN, INT64_MIN };
static const struct hist_bound	 hist_none_hi = { INT64_MAX, INT64_MAX };

/*
 * Parse an IRCv3 time, YYYY-MM-DDThh:mm:ss[.sss]Z, into milliseconds.
 * Return -1 if it is not one.
 */
static int
hist_parse_time(const char *s, int64_t *ms)
{
	struct tm	 tm;
	int		 y, mo, d, h, mi, sec, frac = 0, digits = 0, n = 0;
	const char	*p;
	time_t		 t;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi,
	    &sec, &n) != 6 || n != 19)
		return (-1);
	p = s + n;
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++) {
			if (digits++ < 3)
				frac = frac * 10 + (*p - '0');
		}
		if (digits == 0)
			return (-1);
		for (; digits < 3; digits++)
			frac *= 10;
	}
	if (strcmp(p, "Z") != 0 || y < 1970 || y > 9999 || mo < 1 ||
	    mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return (-1);
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if ((t = timegm(&tm)) == (time_t)-1)
		return (-1);
	*ms = (int64_t)t * 1000 + frac;
	return (0);
}

static void
hist_fail_params(struct client *c, const char *sub, const char *what,
    const char *text)
{
	if (what != NULL)
		reply_raw(c, "FAIL CHATHISTORY INVALID_PARAMS %s %s :%s",
		    reply_param(sub), reply_param(what), text);
	else
		reply_raw(c, "FAIL CHATHISTORY INVALID_PARAMS %s :%s",
		    reply_param(sub), text);
}

/*
 * A reference of a CHATHISTORY request, "timestamp=..." or "msgid=...",
 * in ch. Return 0, 1 for a msgid that is not in the room's history (the
 * answer is empty), or -1 after a FAIL.
 */
static int
hist_parse_ref(struct client *c, struct channel *ch, const char *sub,
    const char *s, struct hist_ref *ref)
{
	struct hist_bound	 b;

	memset(ref, 0, sizeof *ref);
	if (strncmp(s, "timestamp=", 10) == 0) {
		if (hist_parse_time(s + 10, &ref->ms) != 0) {
			hist_fail_params(c, sub, s, "Invalid timestamp");
			return (-1);
		}
		return (0);
	}
	if (strncmp(s, "msgid=", 6) == 0) {
		if (s[6] == '\0') {
			hist_fail_params(c, sub, s, "Invalid msgid");
			return (-1);
		}
		if (ch == NULL || history_find(ch, s + 6, &b) != 0)
			return (1);
		ref->ms = b.ms;
		ref->id = b.id;
		ref->msgid = 1;
		return (0);
	}
	if (strchr(s, '=') != NULL) {
		reply_raw(c, "FAIL CHATHISTORY INVALID_MSGREFTYPE %s %s :Only "
		    "msgid and timestamp references are supported",
		    reply_param(sub), reply_param(s));
		return (-1);
	}
	hist_fail_params(c, sub, s, "Invalid message reference");
	return (-1);
}

/* A reference as the lower bound: after it, it excluded. */
static struct hist_bound
hist_lower(const struct hist_ref *r)
{
	return ((struct hist_bound){ r->ms, r->msgid ? r->id : INT64_MAX });
}

/* A reference as the upper bound: before it, it excluded. */
static struct hist_bound
hist_upper(const struct hist_ref *r)
{
	return ((struct hist_bound){ r->ms, r->msgid ? r->id : INT64_MIN });
}

/* A limit: a number; above HISTORY_MAX (or 0) it is HISTORY_MAX. */
static int
hist_parse_limit(struct client *c, const char *sub, const char *s)
{
	char	*end;
	long	 n;

	n = strtol(s, &end, 10);
	if (end == s || *end != '\0' || n < 0) {
		hist_fail_params(c, sub, s, "Invalid limit");
		return (-1);
	}
	return (n == 0 || n > HISTORY_MAX ? HISTORY_MAX : (int)n);
}

/* Write one stored event to c with the tags c asked for, and batch. */
static void
hist_send_item(struct client *c, const char *batch,
    const struct hist_item *it)
{
	char	 buf[MSG_TAGSLEN + MSG_LINELEN + 1], when[32];
	size_t	 n = 0, len;

	if (batch != NULL)
		n += snprintf(buf + n, sizeof buf - n, "@batch=%s", batch);
	if (c->caps & CAP_SERVER_TIME) {
		history_time(when, sizeof when, it->ms);
		n += snprintf(buf + n, sizeof buf - n, "%ctime=%s",
		    n > 0 ? ';' : '@', when);
	}
	if (c->caps & CAP_MESSAGE_TAGS) {
		n += snprintf(buf + n, sizeof buf - n, "%cmsgid=%s%s",
		    n > 0 ? ';' : '@', it->msgid, it->bot ? ";bot" : "");
		if (it->tags != NULL)
			n += snprintf(buf + n, sizeof buf - n, ";%.*s",
			    MSG_CTAGSLEN, it->tags);
	}
	if (n > 0)
		buf[n++] = ' ';
	len = strlen(it->line);
	if (len > MSG_LINELEN - 2)
		len = MSG_LINELEN - 2;
	memcpy(buf + n, it->line, len);
	n += len;
	buf[n++] = '\r';
	buf[n++] = '\n';
	conn_write(c, buf, n);
}

/* A batch reference unique on the connection's life. */
static const char *
hist_batch_ref(char *buf, size_t size)
{
	static unsigned long	 count;

	snprintf(buf, size, "h%lu", ++count);
	return (buf);
}

/*
 * Send items to c: in a batch of type (with param, or NULL) if c asked
 * for batch, else as they are.
 */
static void
hist_send(struct client *c, const char *type, const char *param,
    const struct hist_item *items, int n)
{
	char		 ref[24];
	const char	*batch = NULL;
	int		 i;

	if (c->caps & CAP_BATCH) {
		batch = hist_batch_ref(ref, sizeof ref);
		if (param != NULL)
			reply_raw(c, "BATCH +%s %s %s", batch, type, param);
		else
			reply_raw(c, "BATCH +%s %s", batch, type);
	}
	for (i = 0; i < n; i++)
		hist_send_item(c, batch, &items[i]);
	if (batch != NULL)
		reply_raw(c, "BATCH -%s", batch);
}

/* Fetch and send; a store that fails is a MESSAGE_ERROR. */
static void
hist_answer(struct client *c, const char *sub, struct channel *ch,
    const struct hist_bound *lo, const struct hist_bound *hi, int backward,
    int limit)
{
	struct hist_item	*items;
	int			 n, kind;

	kind = (c->caps & CAP_EVENT_PLAYBACK) ? HIST_EVENT : HIST_MESSAGE;
	if ((n = history_fetch(ch, lo, hi, backward, kind, limit,
	    &items)) < 0) {
		reply_raw(c, "FAIL CHATHISTORY MESSAGE_ERROR %s %s :Messages "
		    "could not be retrieved", sub, ch->name);
		return;
	}
	hist_send(c, "chathistory", ch->name, items, n);
	history_free(items, n);
}

/* AROUND: half before the reference, then it and what follows. */
static void
hist_around(struct client *c, const char *sub, struct channel *ch,
    const struct hist_ref *ref, int limit)
{
	struct hist_item	*before, *after, *all;
	struct hist_bound	 hi = hist_upper(ref), lo;
	int			 nb, na, kind;

	kind = (c->caps & CAP_EVENT_PLAYBACK) ? HIST_EVENT : HIST_MESSAGE;
	lo = (struct hist_bound){ ref->ms, ref->msgid ? ref->id - 1 :
	    INT64_MIN };
	if ((nb = history_fetch(ch, &hist_none_lo, &hi, 1, kind, limit / 2,
	    &before)) < 0 || (na = history_fetch(ch, &lo, &hist_none_hi, 0,
	    kind, limit - nb, &after)) < 0) {
		if (nb >= 0)
			history_free(before, nb);
		reply_raw(c, "FAIL CHATHISTORY MESSAGE_ERROR %s %s :Messages "
		    "could not be retrieved", sub, ch->name);
		return;
	}
	all = xcalloc(nb + na + 1, sizeof *all);
	if (nb > 0)
		memcpy(all, before, nb * sizeof *all);
	if (na > 0)
		memcpy(all + nb, after, na * sizeof *all);
	free(before);
	free(after);
	hist_send(c, "chathistory", ch->name, all, nb + na);
	history_free(all, nb + na);
}

/*
 * The room a request names, if c may read its history: a channel c is
 * in. A nickname has no stored history (private messages are not kept)
 * and gets an empty batch: *empty is set. Otherwise INVALID_TARGET.
 */
static struct channel *
hist_target(struct client *c, const char *sub, const char *target,
    int *empty)
{
	struct channel	*ch;
	const char	*errstr;

	*empty = 0;
	if (target[0] == '#') {
		if ((ch = channel_find(target)) != NULL &&
		    channel_member(ch, c) != NULL && ch->history != NULL)
			return (ch);
	} else if (name_nick_valid(target, NAME_NICKLEN, &errstr)) {
		*empty = 1;
		return (NULL);
	}
	reply_raw(c, "FAIL CHATHISTORY INVALID_TARGET %s %s :Messages could "
	    "not be retrieved", sub, reply_param(target));
	return (NULL);
}

/* Channels for TARGETS, by the time of their latest message. */
struct hist_target {
	struct channel	*ch;
	int64_t		 ms;
};

static int
hist_target_cmp(const void *a, const void *b)
{
	const struct hist_target *x = a, *y = b;

	return (x->ms < y->ms ? -1 : x->ms > y->ms);
}

/* One line of a TARGETS answer, in batch (or NULL). */
static void
hist_send_target(struct client *c, const char *batch, const char *name,
    const char *when)
{
	char	 buf[MSG_TAGSLEN + MSG_LINELEN + 1];
	int	 n;

	n = snprintf(buf, sizeof buf, "%s%s%s:%s CHATHISTORY TARGETS %s %s"
	    "\r\n", batch != NULL ? "@batch=" : "", batch != NULL ? batch : "",
	    batch != NULL ? " " : "", conf.name, name, when);
	if (n > 0 && (size_t)n < sizeof buf)
		conn_write(c, buf, n);
}

/* TARGETS ts ts limit: c's channels with messages between the two. */
static void
hist_targets(struct client *c, struct msg *m)
{
	struct hist_target	*t;
	struct member		*mb;
	char			 ref[24], when[32];
	const char		*batch = NULL;
	int64_t			 a, b, lo, hi;
	int			 limit, n = 0, i;

	if (m->nparams < 4) {
		hist_fail_params(c, "TARGETS", NULL, "Insufficient parameters");
		return;
	}
	if (strncmp(m->params[1], "timestamp=", 10) != 0 ||
	    hist_parse_time(m->params[1] + 10, &a) != 0) {
		hist_fail_params(c, "TARGETS", m->params[1],
		    "Invalid timestamp");
		return;
	}
	if (strncmp(m->params[2], "timestamp=", 10) != 0 ||
	    hist_parse_time(m->params[2] + 10, &b) != 0) {
		hist_fail_params(c, "TARGETS", m->params[2],
		    "Invalid timestamp");
		return;
	}
	if ((limit = hist_parse_limit(c, "TARGETS", m->params[3])) < 0)
		return;
	lo = a < b ? a : b;
	hi = a < b ? b : a;
	t = xcalloc(c->nchannels + 1, sizeof *t);
	TAILQ_FOREACH(mb, &c->channels, uentry) {
		if (mb->channel->history == NULL)
			continue;
		t[n].ch = mb->channel;
		t[n].ms = history_latest(mb->channel);
		if (t[n].ms > lo && t[n].ms < hi)
			n++;
	}
	qsort(t, n, sizeof *t, hist_target_cmp);
	if (c->caps & CAP_BATCH) {
		batch = hist_batch_ref(ref, sizeof ref);
		reply_raw(c, "BATCH +%s draft/chathistory-targets", batch);
	}
	for (i = 0; i < n && i < limit; i++) {
		history_time(when, sizeof when, t[i].ms);
		hist_send_target(c, batch, t[i].ch->name, when);
	}
	if (batch != NULL)
		reply_raw(c, "BATCH -%s", batch);
	free(t);
}

/*
 * CHATHISTORY LATEST|BEFORE|AFTER|AROUND|BETWEEN target ref [ref] limit,
 * and CHATHISTORY TARGETS. Bounds are excluded; AROUND includes its
 * reference.
 */
int
irc_chathistory(struct client *c, struct msg *m)
{
	static const char *const subs[] = {
		"AFTER", "AROUND", "BEFORE", "BETWEEN", "LATEST", "TARGETS"
	};
	struct hist_ref		 r1, r2;
	struct hist_bound	 lo, hi;
	struct channel		*ch;
	char			 sub[16];
	size_t			 i;
	int			 limit, empty, rc, rc2, need;

	snprintf(sub, sizeof sub, "%s", m->params[0]);
	for (i = 0; sub[i] != '\0'; i++)
		sub[i] = (char)toupper((unsigned char)sub[i]);
	for (i = 0; i < sizeof subs / sizeof subs[0]; i++) {
		if (strcmp(sub, subs[i]) == 0)
			break;
	}
	if (i == sizeof subs / sizeof subs[0]) {
		hist_fail_params(c, m->params[0], NULL, "Unknown command");
		return (0);
	}
	if (!history_enabled()) {
		reply_raw(c, "FAIL CHATHISTORY MESSAGE_ERROR %s :History is "
		    "off on this server", sub);
		return (0);
	}
	if (strcmp(sub, "TARGETS") == 0) {
		hist_targets(c, m);
		return (0);
	}
	need = strcmp(sub, "BETWEEN") == 0 ? 5 : 4;
	if (m->nparams < need) {
		hist_fail_params(c, sub, NULL, "Insufficient parameters");
		return (0);
	}
	if (m->nparams > need) {
		hist_fail_params(c, sub, NULL, "Too many parameters");
		return (0);
	}
	if ((ch = hist_target(c, sub, m->params[1], &empty)) == NULL) {
		if (empty && hist_parse_limit(c, sub,
		    m->params[need - 1]) >= 0)
			hist_send(c, "chathistory", m->params[1], NULL, 0);
		return (0);
	}
	if ((limit = hist_parse_limit(c, sub, m->params[need - 1])) < 0)
		return (0);

	/* "*" is the newest end for LATEST and BEFORE, the oldest for AFTER. */
	if (strcmp(m->params[2], "*") == 0 && strcmp(sub, "LATEST") != 0 &&
	    strcmp(sub, "BEFORE") != 0 && strcmp(sub, "AFTER") != 0) {
		hist_fail_params(c, sub, "*", "Invalid message reference");
		return (0);
	}
	if (strcmp(m->params[2], "*") == 0) {
		if (strcmp(sub, "AFTER") == 0)
			hist_answer(c, sub, ch, &hist_none_lo, &hist_none_hi, 0,
			    limit);
		else
			hist_answer(c, sub, ch, &hist_none_lo, &hist_none_hi, 1,
			    limit);
		return (0);
	}
	if ((rc = hist_parse_ref(c, ch, sub, m->params[2], &r1)) < 0)
		return (0);
	rc2 = 0;
	if (need == 5 && (rc2 = hist_parse_ref(c, ch, sub, m->params[3],
	    &r2)) < 0)
		return (0);
	if (rc == 1 || rc2 == 1) {
		/* A msgid not in this room: nothing around it. */
		hist_send(c, "chathistory", ch->name, NULL, 0);
		return (0);
	}
	if (strcmp(sub, "LATEST") == 0) {
		lo = hist_lower(&r1);
		hist_answer(c, sub, ch, &lo, &hist_none_hi, 1, limit);
	} else if (strcmp(sub, "BEFORE") == 0) {
		hi = hist_upper(&r1);
		hist_answer(c, sub, ch, &hist_none_lo, &hi, 1, limit);
	} else if (strcmp(sub, "AFTER") == 0) {
		lo = hist_lower(&r1);
		hist_answer(c, sub, ch, &lo, &hist_none_hi, 0, limit);
	} else if (strcmp(sub, "AROUND") == 0)
		hist_around(c, sub, ch, &r1, limit);
	else if (r1.ms < r2.ms || (r1.ms == r2.ms && r1.id <= r2.id)) {
		/* BETWEEN, forwards: counted from the first reference. */
		lo = hist_lower(&r1);
		hi = hist_upper(&r2);
		hist_answer(c, sub, ch, &lo, &hi, 0, limit);
	} else {
		lo = hist_lower(&r2);
		hi = hist_upper(&r1);
		hist_answer(c, sub, ch, &lo, &hi, 1, limit);
	}
	return (0);
}

static int
hist_search_cmp(const void *a, const void *b)
{
	const struct hist_item	*x = a, *y = b;

	if (x->ms != y->ms)
		return (x->ms < y->ms ? -1 : 1);
	return (x->id < y->id ? -1 : x->id > y->id);
}

static void
hist_search_fail(struct client *c, const char *code, const char *text)
{
	reply_raw(c, "FAIL SEARCH %s :%s", code, text);
}

/*
 * SEARCH in=#room;text=words;from=nick;after=time;before=time;limit=N
 * (soju.im/search): the newest messages with every word (prefixes,
 * case-blind), oldest first, in a soju.im/search batch. Without in= every
 * room c is in; only those.
 */
int
irc_search(struct client *c, struct msg *m)
{
	struct hist_item	*all = NULL, *items;
	struct member		*mb;
	struct channel		*ch = NULL;
	char			*copy, *p, *attr, *val;
	const char		*text = NULL, *from = NULL, *in = NULL;
	int64_t			 after = INT64_MIN, before = INT64_MAX;
	int			 limit = 100, n, total = 0, i, skip;

	if (!history_enabled()) {
		hist_search_fail(c, "MESSAGE_ERROR", "History is off on this "
		    "server");
		return (0);
	}
	if (m->nparams < 1) {
		hist_search_fail(c, "NEED_MORE_PARAMS", "Missing search "
		    "attributes");
		return (0);
	}
	p = copy = xstrdup(m->params[0]);
	while ((attr = strsep(&p, ";")) != NULL) {
		if (*attr == '\0')
			continue;
		if ((val = strchr(attr, '=')) != NULL)
			*val++ = '\0';
		else
			val = attr + strlen(attr);
		msg_tag_unescape(val, strlen(val) + 1, val, strlen(val));
		if (strcmp(attr, "text") == 0)
			text = val;
		else if (strcmp(attr, "in") == 0)
			in = val;
		else if (strcmp(attr, "from") == 0)
			from = val;
		else if (strcmp(attr, "limit") == 0) {
			char	*end;
			long	 l = strtol(val, &end, 10);

			if (end == val || *end != '\0' || l < 1) {
				hist_search_fail(c, "INVALID_PARAMS", "Invalid "
				    "limit");
				goto done;
			}
			limit = l > HISTORY_MAX ? HISTORY_MAX : (int)l;
		} else if (strcmp(attr, "after") == 0 ||
		    strcmp(attr, "before") == 0) {
			int64_t	 ms;

			if (strncmp(val, "timestamp=", 10) == 0)
				val += 10;
			if (hist_parse_time(val, &ms) != 0) {
				hist_search_fail(c, "INVALID_PARAMS", "Invalid "
				    "time");
				goto done;
			}
			if (attr[0] == 'a')
				after = ms;
			else
				before = ms;
		} else {
			hist_search_fail(c, "INVALID_PARAMS", "Unknown search "
			    "attribute");
			goto done;
		}
	}
	if (text == NULL || text[strspn(text, " ")] == '\0') {
		hist_search_fail(c, "INVALID_PARAMS", "Nothing to search for: "
		    "text= is needed");
		goto done;
	}
	if (in != NULL && ((ch = channel_find(in)) == NULL ||
	    channel_member(ch, c) == NULL)) {
		reply_raw(c, "FAIL SEARCH INVALID_TARGET %s :Messages could "
		    "not be searched", reply_param(in));
		goto done;
	}
	all = xcalloc((size_t)limit * (ch != NULL ? 1 : c->nchannels + 1),
	    sizeof *all);
	TAILQ_FOREACH(mb, &c->channels, uentry) {
		if (ch != NULL && mb->channel != ch)
			continue;
		if ((n = history_search(mb->channel, text, from, after, before,
		    limit, &items)) < 0) {
			hist_search_fail(c, "MESSAGE_ERROR", n == -2 ?
			    "The search took too long: narrow it with in=, "
			    "from=, after= or more words" : "Messages could "
			    "not be searched");
			goto done;
		}
		if (n > 0)
			memcpy(all + total, items, n * sizeof *all);
		total += n;
		free(items);
	}
	/* Across rooms: the newest limit of them all, oldest first. */
	qsort(all, total, sizeof *all, hist_search_cmp);
	skip = total > limit ? total - limit : 0;
	for (i = 0; i < skip; i++) {
		free(all[i].line);
		all[i].line = NULL;
	}
	hist_send(c, "soju.im/search", NULL, all + skip, total - skip);
done:
	if (all != NULL)
		history_free(all, total);
	free(copy);
	return (0);
}

/*
 * --history-replay: after a JOIN, the last lines said in the room for a
 * client that cannot ask for them (no draft/chathistory).
 */
void
history_replay(struct client *c, struct channel *ch)
{
	struct hist_item	*items;
	int			 n;

	if (conf.history_replay == 0 || ch->history == NULL ||
	    (c->caps & CAP_CHATHISTORY))
		return;
	n = history_fetch(ch, &hist_none_lo, &hist_none_hi, 1, HIST_MESSAGE,
	    conf.history_replay, &items);
	if (n > 0)
		hist_send(c, "chathistory", ch->name, items, n);
	if (n >= 0)
		history_free(items, n);
}
