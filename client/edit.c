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
 * The input line editor, in code points (catgirl's edit.c), and the
 * history of sent lines. No curses here: the cursor column is the width
 * of the text before the cursor, from text.c, never a byte offset. The
 * cursor and the delete keys move by grapheme cluster, so a flag, a
 * family emoji or a Hangul jamo sequence goes at one press.
 */

#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "natter.h"
#include "utf8.h"

static void	edit_reserve(struct edit *, size_t);
static void	edit_cut(struct edit *, size_t, size_t);
static void	edit_remove(struct edit *, size_t, size_t);
static size_t	edit_prev(const struct edit *);
static size_t	edit_next(const struct edit *);

void
edit_init(struct edit *e)
{
	memset(e, 0, sizeof *e);
}

void
edit_free(struct edit *e)
{
	free(e->buf);
	free(e->cut);
	memset(e, 0, sizeof *e);
}

void
edit_clear(struct edit *e)
{
	e->len = e->pos = 0;
}

static void
edit_reserve(struct edit *e, size_t need)
{
	if (need <= e->cap)
		return;
	if (need < 64)
		need = 64;
	if (need < e->cap * 2)
		need = e->cap * 2;
	e->buf = xreallocarray(e->buf, need, sizeof *e->buf);
	e->cap = need;
}

/*
 * Insert n code points at the cursor. Controls other than the line feed
 * of a multi-line message are never stored, and a character without a
 * width becomes U+FFFD, so what is drawn is what is sent. Returns -1 if
 * the line is full (the rest is dropped).
 */
int
edit_insert(struct edit *e, const wchar_t *s, size_t n)
{
	size_t	 i, room, keep = 0;
	wchar_t	 c;

	room = EDIT_MAX - e->len;
	edit_reserve(e, e->len + (n < room ? n : room));
	for (i = 0; i < n && keep < room; i++) {
		c = s[i];
		if (c == L'\t')
			c = L' ';
		/* A line feed is a multi-line message's break. */
		if ((c < 0x20 && c != L'\n') || c == 0x7f ||
		    (c >= 0x80 && c < 0xa0))
			continue;
		if (c != L'\n' && !text_printable((uint32_t)c))
			c = UTF8_REPLACEMENT;
		memmove(e->buf + e->pos + 1, e->buf + e->pos,
		    (e->len - e->pos) * sizeof *e->buf);
		e->buf[e->pos++] = c;
		e->len++;
		keep++;
	}
	return (i < n ? -1 : 0);
}

/* Insert UTF-8 text at the cursor. */
int
edit_insert_utf8(struct edit *e, const char *s)
{
	const char	*end = s + strlen(s);
	uint32_t	 cp;
	wchar_t		 c;
	int		 r = 0;

	while (s < end) {
		utf8_decode(&s, end, &cp);
		c = (wchar_t)cp;
		if (edit_insert(e, &c, 1) != 0)
			r = -1;
	}
	return (r);
}

/* Replace the whole line, cursor at the end. */
void
edit_set(struct edit *e, const char *s)
{
	edit_clear(e);
	edit_insert_utf8(e, s);
}

/*
 * Where the cluster before the cursor starts. Clusters are found from
 * the start of the line: where one begins depends on what is before it
 * (a run of regional indicators pairs up from the left).
 */
static size_t
edit_prev(const struct edit *e)
{
	size_t	 i = 0, k, last = 0;

	while (i < e->pos) {
		last = i;
		if ((k = text_wcluster(e->buf + i, e->len - i, NULL)) == 0)
			break;
		i += k;
	}
	return (last);
}

/* Where the cluster after the cursor ends. */
static size_t
edit_next(const struct edit *e)
{
	if (e->pos >= e->len)
		return (e->len);
	return (e->pos + text_wcluster(e->buf + e->pos, e->len - e->pos,
	    NULL));
}

void
edit_left(struct edit *e)
{
	e->pos = edit_prev(e);
}

void
edit_right(struct edit *e)
{
	e->pos = edit_next(e);
}

void
edit_home(struct edit *e)
{
	e->pos = 0;
}

void
edit_end(struct edit *e)
{
	e->pos = e->len;
}

/* Remove [from, to), not kept for edit_yank(). */
static void
edit_remove(struct edit *e, size_t from, size_t to)
{
	if (from >= to)
		return;
	memmove(e->buf + from, e->buf + to, (e->len - to) * sizeof *e->buf);
	e->len -= to - from;
	if (e->pos > to)
		e->pos -= to - from;
	else if (e->pos > from)
		e->pos = from;
}

/* Remove [from, to), keeping it for edit_yank(). */
static void
edit_cut(struct edit *e, size_t from, size_t to)
{
	if (from >= to)
		return;
	free(e->cut);
	e->cutlen = to - from;
	e->cut = xreallocarray(NULL, e->cutlen, sizeof *e->cut);
	memcpy(e->cut, e->buf + from, e->cutlen * sizeof *e->cut);
	edit_remove(e, from, to);
}

/* One whole cluster, however many code points, columns or bytes. */
void
edit_backspace(struct edit *e)
{
	edit_remove(e, edit_prev(e), e->pos);
}

void
edit_delete(struct edit *e)
{
	edit_remove(e, e->pos, edit_next(e));
}

/* Ctrl-K */
void
edit_kill_end(struct edit *e)
{
	edit_cut(e, e->pos, e->len);
}

/* Ctrl-U: the whole line, as catgirl and irssi do. */
void
edit_kill_line(struct edit *e)
{
	edit_cut(e, 0, e->len);
}

/* Ctrl-W: spaces before the cursor, then the word before them. */
void
edit_kill_word(struct edit *e)
{
	size_t	 from = e->pos;

	while (from > 0 && iswspace(e->buf[from - 1]))
		from--;
	while (from > 0 && !iswspace(e->buf[from - 1]))
		from--;
	edit_cut(e, from, e->pos);
}

/* Ctrl-Y */
void
edit_yank(struct edit *e)
{
	if (e->cut != NULL)
		edit_insert(e, e->cut, e->cutlen);
}

/* Replace [from, to) with UTF-8 text; the cursor goes after it. */
void
edit_replace(struct edit *e, size_t from, size_t to, const char *s)
{
	if (to > e->len)
		to = e->len;
	if (from > to)
		from = to;
	memmove(e->buf + from, e->buf + to, (e->len - to) * sizeof *e->buf);
	e->len -= to - from;
	e->pos = from;
	edit_insert_utf8(e, s);
}

/* Code points [from, to) as UTF-8, allocated. */
char *
edit_substring(const struct edit *e, size_t from, size_t to)
{
	char	*s, *o;
	size_t	 i;

	if (to > e->len)
		to = e->len;
	if (from > to)
		from = to;
	s = o = xmalloc((to - from) * 4 + 1);
	for (i = from; i < to; i++)
		o += utf8_encode((uint32_t)e->buf[i], o);
	*o = '\0';
	return (s);
}

char *
edit_string(const struct edit *e)
{
	return (edit_substring(e, 0, e->len));
}

/*
 * Columns taken by the clusters in the first n code points; one that n
 * cuts counts whole, as the cursor is drawn after it.
 */
int
edit_column(const struct edit *e, size_t n)
{
	size_t	 i = 0, k;
	int	 w = 0, cw;

	if (n > e->len)
		n = e->len;
	while (i < n) {
		if ((k = text_wcluster(e->buf + i, e->len - i, &cw)) == 0)
			break;
		w += cw;
		i += k;
	}
	return (w);
}

/* Remember a sent line; the same line twice in a row is kept once. */
void
history_add(struct history *h, const char *s)
{
	free(h->saved);
	h->saved = NULL;
	if (*s == '\0')
		goto out;
	if (h->count > 0 && strcmp(h->lines[h->count - 1], s) == 0)
		goto out;
	if (h->count == HISTORY_MAX) {
		free(h->lines[0]);
		memmove(h->lines, h->lines + 1, (HISTORY_MAX - 1) *
		    sizeof *h->lines);
		h->count--;
	}
	h->lines[h->count++] = xstrdup(s);
out:
	h->pos = h->count;
}

/* Up: an older line. What was being typed is kept for the way back. */
int
history_prev(struct history *h, struct edit *e)
{
	if (h->pos == 0)
		return (-1);
	if (h->pos == h->count) {
		free(h->saved);
		h->saved = edit_string(e);
	}
	edit_set(e, h->lines[--h->pos]);
	return (0);
}

/* Down: a newer line, and at the end what was being typed. */
int
history_next(struct history *h, struct edit *e)
{
	if (h->pos >= h->count)
		return (-1);
	if (++h->pos == h->count) {
		edit_set(e, h->saved != NULL ? h->saved : "");
		free(h->saved);
		h->saved = NULL;
	} else
		edit_set(e, h->lines[h->pos]);
	return (0);
}

void
history_free(struct history *h)
{
	size_t	 i;

	for (i = 0; i < h->count; i++)
		free(h->lines[i]);
	free(h->saved);
	memset(h, 0, sizeof *h);
}
