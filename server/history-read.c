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
 * Reading room history: a room's window of recent events in memory first,
 * the store for the rest (CHATHISTORY, SEARCH, replay on JOIN). Reads
 * run on the loop thread and see the open transaction's rows.
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "natterd.h"
#include "history.h"

/* Whether item it lies strictly between the bounds lo and hi. */
static int
hist_inside(const struct hist_item *it, const struct hist_bound *lo,
    const struct hist_bound *hi)
{
	if (it->ms < lo->ms || (it->ms == lo->ms && it->id <= lo->id))
		return (0);
	if (it->ms > hi->ms || (it->ms == hi->ms && it->id >= hi->id))
		return (0);
	return (1);
}

/* Newest first, as the backward queries read them, to oldest first. */
static void
hist_reverse(struct hist_item *items, int n)
{
	struct hist_item	 t;
	int			 i;

	for (i = 0; i < n / 2; i++) {
		t = items[i];
		items[i] = items[n - 1 - i];
		items[n - 1 - i] = t;
	}
}

/* Copy a window's item into a result. */
static void
hist_copy(struct hist_item *to, const struct hist_item *it)
{
	hist_item_set(to, it->id, it->ms, it->msgid, it->kind, it->bot,
	    it->line, strlen(it->line), it->tags);
}

/*
 * Resolve a msgid in ch's history to its place, from the window or the
 * store. Return -1 if it is not there.
 */
int
history_find(struct channel *ch, const char *msgid, struct hist_bound *b)
{
	struct hist_ring	*r = ch->history;
	sqlite3_stmt		*st = hist_st[ST_BY_MSGID];
	int			 i, found = -1;

	if (r == NULL)
		return (-1);
	hist_ring_load(ch);
	for (i = r->n - 1; i >= 0; i--) {
		if (strcmp(RING_AT(r, i)->msgid, msgid) == 0) {
			b->ms = RING_AT(r, i)->ms;
			b->id = RING_AT(r, i)->id;
			return (0);
		}
	}
	if (hist_db == NULL)
		return (-1);
	sqlite3_bind_text(st, 1, msgid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ch->fold, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		b->ms = sqlite3_column_int64(st, 0);
		b->id = sqlite3_column_int64(st, 1);
		found = 0;
	}
	sqlite3_reset(st);
	return (found);
}

/*
 * Up to limit events of ch strictly between lo and hi, of kinds up to
 * kind (HIST_MESSAGE: PRIVMSG and NOTICE only), the newest ones if
 * backward is set, else the oldest; into out, oldest first. From the
 * window when it holds the answer, else from the store. Return how many,
 * or -1 if the store failed.
 */
int
history_fetch(struct channel *ch, const struct hist_bound *lo,
    const struct hist_bound *hi, int backward, int kind, int limit,
    struct hist_item **outp)
{
	struct hist_ring	*r = ch->history;
	struct hist_item	*out, *it;
	sqlite3_stmt		*st;
	int			 n = 0, i, rc;

	*outp = NULL;
	if (r == NULL || limit <= 0)
		return (0);
	hist_ring_load(ch);
	out = xcalloc(limit, sizeof *out);
	if (backward) {
		for (i = r->n - 1; i >= 0 && n < limit; i--) {
			it = RING_AT(r, i);
			if (it->ms < lo->ms || (it->ms == lo->ms &&
			    it->id <= lo->id))
				break;
			if (hist_inside(it, lo, hi) && it->kind <= kind)
				n++;
		}
		if (n == limit || i >= 0 || r->complete) {
			/* Answered: copy them out, oldest first. */
			for (i++, rc = 0; rc < n; i++) {
				it = RING_AT(r, i);
				if (hist_inside(it, lo, hi) && it->kind <= kind)
					hist_copy(&out[rc++], it);
			}
			*outp = out;
			return (n);
		}
	} else if (r->complete || (r->n > 0 && (lo->ms > RING_AT(r, 0)->ms ||
	    (lo->ms == RING_AT(r, 0)->ms && lo->id >= RING_AT(r, 0)->id)))) {
		for (i = 0; i < r->n && n < limit; i++) {
			it = RING_AT(r, i);
			if (hist_inside(it, lo, hi) && it->kind <= kind)
				hist_copy(&out[n++], it);
		}
		*outp = out;
		return (n);
	}
	n = 0;
	if (hist_db == NULL) {
		free(out);
		return (-1);
	}
	st = hist_st[backward ? ST_BACK : ST_FORWARD];
	sqlite3_bind_text(st, 1, ch->fold, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, hi->ms);
	sqlite3_bind_int64(st, 3, hi->id);
	sqlite3_bind_int64(st, 4, lo->ms);
	sqlite3_bind_int64(st, 5, lo->id);
	sqlite3_bind_int(st, 6, kind);
	sqlite3_bind_int(st, 7, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < limit)
		hist_item_row(&out[n++], st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		log_warnx("history: %s: reading %s: %s", hist_path, ch->name,
		    sqlite3_errstr(rc));
		history_free(out, n);
		return (-1);
	}
	if (backward)
		hist_reverse(out, n);
	*outp = out;
	return (n);
}

void
history_free(struct hist_item *items, int n)
{
	int	 i;

	for (i = 0; i < n; i++)
		hist_item_free(&items[i]);
	free(items);
}

/* The time of ch's newest message (PRIVMSG, NOTICE), or -1 if none. */
int64_t
history_latest(struct channel *ch)
{
	struct hist_ring	*r = ch->history;
	sqlite3_stmt		*st = hist_st[ST_LATEST_MS];
	int64_t			 ms = -1;
	int			 i;

	if (r == NULL)
		return (-1);
	hist_ring_load(ch);
	for (i = r->n - 1; i >= 0; i--) {
		if (RING_AT(r, i)->kind == HIST_MESSAGE)
			return (RING_AT(r, i)->ms);
	}
	if (r->complete || hist_db == NULL)
		return (-1);
	sqlite3_bind_text(st, 1, ch->fold, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		ms = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return (ms);
}

/* SQLite's progress callback during a search: past its time, stop it. */
static int
hist_search_late(void *arg)
{
	const struct timespec	*end = arg;
	struct timespec		 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec > end->tv_sec || (now.tv_sec == end->tv_sec &&
	    now.tv_nsec > end->tv_nsec));
}

/*
 * Search ch's messages for the words of query (each a prefix, all of
 * them), said by from (a nick, or NULL), between the times after and
 * before: the newest limit, oldest first, into out. Return how many, -1
 * if the store failed, -2 if it took longer than HISTORY_SEARCH_MS.
 */
int
history_search(struct channel *ch, const char *query, const char *from,
    int64_t after, int64_t before, int limit, struct hist_item **outp)
{
	sqlite3_stmt	*st = hist_st[ST_SEARCH];
	struct hist_item *out;
	struct timespec	 end;
	char		*fts, *like = NULL, *p;
	const char	*q;
	size_t		 len;
	int		 n = 0, rc;

	*outp = NULL;
	if (hist_db == NULL || limit <= 0)
		return (hist_db == NULL ? -1 : 0);
	/* What the last turns wrote and is not indexed yet, first. */
	if (hist_index(0) != 0)
		return (-1);
	/* Each word quoted (FTS5 syntax is not the user's), as a prefix. */
	fts = p = xmalloc(strlen(query) * 2 + 4 * strlen(query) + 1);
	for (q = query; *q != '\0';) {
		q += strspn(q, " ");
		if ((len = strcspn(q, " ")) == 0)
			break;
		if (p != fts)
			*p++ = ' ';
		*p++ = '"';
		for (; len > 0; len--, q++) {
			if (*q == '"')
				*p++ = '"';
			*p++ = *q;
		}
		*p++ = '"';
		*p++ = '*';
	}
	*p = '\0';
	if (*fts == '\0') {
		free(fts);
		return (0);
	}
	if (from != NULL) {
		/* ":nick!" starts the line; LIKE is case-blind for ASCII. */
		like = p = xmalloc(2 * strlen(from) + 4);
		*p++ = ':';
		for (q = from; *q != '\0'; q++) {
			if (*q == '%' || *q == '_' || *q == '\\')
				*p++ = '\\';
			*p++ = *q;
		}
		*p++ = '!';
		*p++ = '%';
		*p = '\0';
	}
	out = xcalloc(limit, sizeof *out);
	sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ch->fold, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, after);
	sqlite3_bind_int64(st, 4, before);
	if (like != NULL)
		sqlite3_bind_text(st, 5, like, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 5);
	sqlite3_bind_int(st, 6, limit);
	/*
	 * Words common elsewhere and rare here make the walk long: it holds
	 * the loop for HISTORY_SEARCH_MS at most.
	 */
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_nsec += (long)HISTORY_SEARCH_MS * 1000000;
	end.tv_sec += end.tv_nsec / 1000000000;
	end.tv_nsec %= 1000000000;
	sqlite3_progress_handler(hist_db, 1000, hist_search_late, &end);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < limit)
		hist_item_row(&out[n++], st);
	sqlite3_progress_handler(hist_db, 0, NULL, NULL);
	sqlite3_reset(st);
	free(fts);
	free(like);
	if (rc == SQLITE_INTERRUPT) {
		history_free(out, n);
		return (-2);
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		log_warnx("history: %s: searching %s: %s", hist_path,
		    ch->name, sqlite3_errstr(rc));
		history_free(out, n);
		return (-1);
	}
	hist_reverse(out, n);
	*outp = out;
	return (n);
}
