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
 * Scrollback: a fixed ring of lines per window, each kept as received and
 * wrapped to the width it was last drawn at (catgirl's buffer.c). Rows
 * are computed lazily, so a resize costs only what is drawn next, and the
 * view is an anchor (a line and one of its rows), so drawing walks only
 * the rows on screen, never the whole scrollback.
 */

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "natter.h"
#include "utf8.h"

/* Slots allocated for a ring's first lines. */
#define SCROLL_FIRST	16

static void	scroll_line_free(struct line *);
static void	scroll_grow(struct scroll *);
static void	scroll_reserve(struct scroll *, size_t);
static void	scroll_anchor(struct scroll *, int);

/*
 * Nothing is allocated until the first line: a window a whisper opened
 * costs its handful of lines, not cap empty slots.
 */
void
scroll_init(struct scroll *s, size_t cap)
{
	memset(s, 0, sizeof *s);
	if (cap < 16)
		cap = 16;
	s->cap = cap;
	s->follow = 1;
}

/*
 * Double the ring (up to cap) when it is full. Line seq lives in slot
 * seq % alloc, so the lines kept move to their slots in the new ring.
 */
static void
scroll_grow(struct scroll *s)
{
	if (s->alloc >= s->cap || s->count < s->alloc)
		return;
	scroll_reserve(s, s->count + 1);
}

/* Make room for want lines (at most cap), doubling the ring. */
static void
scroll_reserve(struct scroll *s, size_t want)
{
	struct line	*ring;
	size_t		 alloc, seq;

	if (want > s->cap)
		want = s->cap;
	if (s->alloc >= want)
		return;
	alloc = s->alloc == 0 ? SCROLL_FIRST : s->alloc;
	while (alloc < want)
		alloc *= 2;
	if (alloc > s->cap)
		alloc = s->cap;
	ring = xcalloc(alloc, sizeof *ring);
	for (seq = scroll_first(s); seq < s->end; seq++)
		ring[seq % alloc] = s->ring[seq % s->alloc];
	free(s->ring);
	s->ring = ring;
	s->alloc = alloc;
}

static void
scroll_line_free(struct line *l)
{
	free(l->text);
	free(l->msgid);
	free(l->rows);
	memset(l, 0, sizeof *l);
}

/* Forget every line, and the memory they took. */
void
scroll_clear(struct scroll *s)
{
	size_t	 i;

	for (i = 0; i < s->alloc; i++)
		scroll_line_free(&s->ring[i]);
	free(s->ring);
	s->ring = NULL;
	s->alloc = 0;
	s->count = 0;
	s->follow = 1;
	s->below = 0;
}

void
scroll_free(struct scroll *s)
{
	scroll_clear(s);
}

/* Sequence number of the oldest line kept. */
size_t
scroll_first(const struct scroll *s)
{
	return (s->end - s->count);
}

/* The line with sequence number seq, or NULL if it is not kept. */
struct line *
scroll_line(struct scroll *s, size_t seq)
{
	if (seq < scroll_first(s) || seq >= s->end)
		return (NULL);
	return (&s->ring[seq % s->alloc]);
}

/*
 * Add a line; text is taken over. When the ring is full (cap lines) the
 * oldest line is freed; a view anchored on it moves to the new oldest.
 */
void
scroll_push(struct scroll *s, time_t t, int flags, int indent, char *text)
{
	struct line	*l;

	scroll_grow(s);
	l = &s->ring[s->end % s->alloc];
	scroll_line_free(l);
	l->time = t;
	l->flags = flags;
	l->indent = indent;
	l->text = text;
	s->end++;
	if (s->count < s->cap)
		s->count++;
	if (!s->follow) {
		s->below++;
		if (s->at < scroll_first(s)) {
			s->at = scroll_first(s);
			s->row = 0;
		}
	}
}

/*
 * Insert n lines before line seq at (clamped to the lines kept), taking
 * over their text and msgid: history that came after the lines below
 * it. Lines at and after at move up n numbers, and a view on them moves
 * with them. Past cap, the oldest lines go, inserted ones among them.
 */
void
scroll_insert(struct scroll *s, size_t at, struct line *lines, size_t n)
{
	struct line	*l;
	size_t		 first = scroll_first(s), drop, i, seq;

	if (n == 0)
		return;
	if (at < first)
		at = first;
	if (at > s->end)
		at = s->end;
	if (s->count + n > s->cap) {
		drop = s->count + n - s->cap;
		/* The oldest lines kept, up to at, go first. */
		for (seq = first; seq < at && drop > 0; seq++, drop--) {
			scroll_line_free(&s->ring[seq % s->alloc]);
			s->count--;
		}
		/* Then the oldest of those inserted. */
		for (i = 0; i < drop; i++) {
			free(lines[i].text);
			free(lines[i].msgid);
		}
		lines += drop;
		n -= drop;
		if (n == 0)
			return;
	}
	scroll_reserve(s, s->count + n);
	for (seq = s->end; seq > at; seq--) {
		l = &s->ring[(seq - 1) % s->alloc];
		s->ring[(seq - 1 + n) % s->alloc] = *l;
	}
	for (i = 0; i < n; i++) {
		l = &s->ring[(at + i) % s->alloc];
		*l = lines[i];
		l->rows = NULL;
		l->width = 0;
		l->nrows = 0;
	}
	s->end += n;
	s->count += n;
	if (!s->follow) {
		if (s->at >= at)
			s->at += n;
		else
			s->below += n;
		if (s->at < scroll_first(s)) {
			s->at = scroll_first(s);
			s->row = 0;
		}
	}
}

/*
 * Take out line seq (the read marker moving): the lines after it move
 * down one number, and a view on them moves with them.
 */
void
scroll_remove(struct scroll *s, size_t seq)
{
	size_t	 i;

	if (seq < scroll_first(s) || seq >= s->end)
		return;
	scroll_line_free(&s->ring[seq % s->alloc]);
	for (i = seq; i + 1 < s->end; i++)
		s->ring[i % s->alloc] = s->ring[(i + 1) % s->alloc];
	memset(&s->ring[(s->end - 1) % s->alloc], 0, sizeof *s->ring);
	s->end--;
	s->count--;
	if (s->follow)
		return;
	if (s->count == 0) {
		s->follow = 1;
		s->below = 0;
		return;
	}
	if (s->at > seq) {
		s->at--;
	} else if (s->at == seq) {
		/* The anchor went: the line below takes its place. */
		s->row = 0;
		if (s->at >= s->end) {
			/* scroll_anchor() makes it the last row. */
			s->at = s->end - 1;
			s->row = INT_MAX;
		}
	} else if (s->below > 0)
		s->below--;
}

/*
 * Does a pane of width x height show the first row of the first line
 * kept (or nothing at all)?
 */
int
scroll_at_top(struct scroll *s, int width, int height)
{
	struct scroll_ref	*refs;
	size_t			 n;
	int			 top;

	if (s->count == 0 || height <= 0)
		return (1);
	refs = xcalloc(height, sizeof *refs);
	n = scroll_view(s, width, height, refs);
	top = n > 0 && refs[0].seq == scroll_first(s) && refs[0].row == 0;
	free(refs);
	return (top);
}

/*
 * Wrap text to width columns: continuation rows start indent columns in
 * (at most half the width). Break after the last space that fits, else
 * before the cluster that does not fit; a cluster (a wide character, a
 * flag, a Hangul jamo sequence) is never split; a line feed (a multi-line
 * message) always starts a row. Store the byte offset of each row's start
 * in *rowsp (allocated) and return the number of rows.
 */
int
scroll_wrap(const char *text, int width, int indent, size_t **rowsp)
{
	const char	*p = text, *q, *end = text + strlen(text);
	size_t		*rows = NULL, brk = 0, start = 0, k;
	int		 n = 0, cap = 0, col = 0, brkcol = 0, w;
	int		 startcol = 0;
	uint32_t	 cp;

	if (width < 1)
		width = 1;
	if (indent > width / 2)
		indent = width / 2;
	if (indent < 0)
		indent = 0;
#define ADDROW(off) do {						\
	if (n == cap) {							\
		cap = cap == 0 ? 4 : cap * 2;				\
		rows = xreallocarray(rows, cap, sizeof *rows);		\
	}								\
	rows[n++] = (off);						\
} while (0)
	ADDROW(0);
	while (p < end) {
		if ((k = text_style(p, NULL)) > 0) {
			p += k;
			continue;
		}
		q = p + text_cluster(p, end, &w);
		cp = q - p == 1 ? (unsigned char)*p : 0;
		if (cp == '\n') {
			/* A multi-line message's break: the text column. */
			start = q - text;
			ADDROW(start);
			col = startcol = indent;
			brk = 0;
			p = q;
			continue;
		}
		if (col + w > width && col > startcol) {
			if (cp == ' ') {
				/* The space ends the row and is not shown. */
				start = q - text;
				col = indent;
				p = q;
			} else if (brk > start) {
				start = brk;
				col = indent + (col - brkcol);
			} else {
				start = p - text;
				col = indent;
			}
			ADDROW(start);
			brk = 0;
			startcol = indent;
			continue;
		}
		col += w;
		p = q;
		/* Not the space after the nick: the text goes on that row. */
		if (cp == ' ' && (n > 1 || col > indent + 1)) {
			brk = p - text;
			brkcol = col;
		}
	}
#undef ADDROW
	*rowsp = rows;
	return (n);
}

/* Rows of line seq at width, wrapping it if the width changed. */
int
scroll_rows(struct scroll *s, size_t seq, int width)
{
	struct line	*l;

	if ((l = scroll_line(s, seq)) == NULL)
		return (0);
	if (l->width != width || l->rows == NULL) {
		free(l->rows);
		l->nrows = scroll_wrap(l->text, width, l->indent, &l->rows);
		l->width = width;
	}
	return (l->nrows);
}

/* Wrap every line again when next drawn: the widths have changed. */
void
scroll_rewrap(struct scroll *s)
{
	size_t	 seq;

	for (seq = scroll_first(s); seq < s->end; seq++)
		scroll_line(s, seq)->width = 0;
}

/* Pin the view to the newest row when it is following. */
static void
scroll_anchor(struct scroll *s, int width)
{
	if (s->count == 0) {
		s->follow = 1;
		return;
	}
	if (s->follow) {
		s->at = s->end - 1;
		s->row = scroll_rows(s, s->at, width) - 1;
	}
	if (s->at < scroll_first(s)) {
		s->at = scroll_first(s);
		s->row = 0;
	}
	if (s->row >= scroll_rows(s, s->at, width))
		s->row = scroll_rows(s, s->at, width) - 1;
}

/*
 * The rows to show in a pane of width x height, top to bottom, into out
 * (height entries); return how many. The walk starts at the anchor and
 * goes up, so the cost is the screen, not the scrollback.
 */
size_t
scroll_view(struct scroll *s, int width, int height, struct scroll_ref *out)
{
	size_t	 seq, n = 0, i;
	int	 row;

	if (height <= 0 || s->count == 0)
		return (0);
	scroll_anchor(s, width);
	seq = s->at;
	row = s->row;
	while (n < (size_t)height) {
		out[height - 1 - n].seq = seq;
		out[height - 1 - n].row = row;
		n++;
		if (row > 0)
			row--;
		else if (seq > scroll_first(s)) {
			seq--;
			row = scroll_rows(s, seq, width) - 1;
		} else
			break;
	}
	if (n < (size_t)height) {
		for (i = 0; i < n; i++)
			out[i] = out[height - n + i];
	}
	return (n);
}

/*
 * Scroll up n rows, but not so far that the top of the pane would be
 * above the first row.
 */
void
scroll_up(struct scroll *s, int n, int width, int height)
{
	size_t	 seq;
	int	 row, above;

	if (s->count == 0)
		return;
	scroll_anchor(s, width);
	/* Rows above the anchor, counted only as far as needed. */
	seq = s->at;
	row = s->row;
	for (above = 0; above < n + height; above++) {
		if (row > 0)
			row--;
		else if (seq > scroll_first(s)) {
			seq--;
			row = scroll_rows(s, seq, width) - 1;
		} else
			break;
	}
	if (above - (height - 1) < n)
		n = above - (height - 1);
	if (n <= 0)
		return;
	if (s->follow) {
		s->follow = 0;
		s->below = 0;
	}
	while (n-- > 0) {
		if (s->row > 0)
			s->row--;
		else {
			s->at--;
			s->row = scroll_rows(s, s->at, width) - 1;
		}
	}
}

/* Scroll down n rows; reaching the newest row follows again. */
void
scroll_down(struct scroll *s, int n, int width)
{
	if (s->follow || s->count == 0)
		return;
	scroll_anchor(s, width);
	while (n-- > 0) {
		if (s->row + 1 < scroll_rows(s, s->at, width))
			s->row++;
		else if (s->at + 1 < s->end) {
			s->at++;
			s->row = 0;
		} else
			break;
	}
	if (s->at + 1 == s->end && s->row + 1 >= scroll_rows(s, s->at, width))
		scroll_bottom(s);
}

void
scroll_bottom(struct scroll *s)
{
	s->follow = 1;
	s->below = 0;
}
