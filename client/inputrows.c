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
 * The rows of an input line holding a multi-line message: where each
 * row starts and ends in the editor's code points, at which column, and
 * where the cursor is. No curses here (input.c draws); a single line
 * keeps scrolling sideways instead and never comes here.
 *
 * The first row starts after the prompt; every other row, after a line
 * break or wrapped, starts at the same column, under the text, as the
 * pane aligns a message's rows. The last column is kept free so the
 * cursor after a full row stays on the screen.
 */

#include <stdlib.h>
#include <wchar.h>

#include "natter.h"

/* Does the editor hold a line break? */
/* The code points and columns of the cluster at i (0: none). */
static size_t
inputrows_cluster(const struct edit *e, size_t i, int *cw)
{
	*cw = 0;
	return (text_wcluster(e->buf + i, e->len - i, cw));
}

int
inputrows_multi(const struct edit *e)
{
	return (e->len > 0 && wmemchr(e->buf, L'\n', e->len) != NULL);
}

/*
 * Lay e out after a prompt of pw columns in cols columns: the rows go
 * to *rowsp (allocated), their number is returned.
 */
int
inputrows_layout(const struct edit *e, int pw, int cols,
    struct inputrow **rowsp)
{
	struct inputrow	*rows = NULL;
	size_t		 i, k;
	int		 n = 0, cap = 0, indent, col, cw, room;

	room = cols - 1;
	if (room < 2)
		room = 2;
	indent = pw <= room / 2 ? pw : 0;
	if (pw >= room)
		pw = 0;
#define ADDROW(s, c) do {						\
	if (n == cap) {							\
		cap = cap == 0 ? 8 : cap * 2;				\
		rows = xreallocarray(rows, cap, sizeof *rows);		\
	}								\
	rows[n].start = rows[n].end = (s);				\
	rows[n++].col = (c);						\
} while (0)
	ADDROW(0, pw);
	col = pw;
	for (i = 0; i < e->len; i += k) {
		if (e->buf[i] == L'\n') {
			rows[n - 1].end = i;
			ADDROW(i + 1, indent);
			col = indent;
			k = 1;
			continue;
		}
		/* A cluster (a flag, a jamo syllable) stays on one row. */
		if ((k = inputrows_cluster(e, i, &cw)) == 0)
			break;
		/* Wrap, but never leave a row empty. */
		if (col + cw > room && i > rows[n - 1].start) {
			rows[n - 1].end = i;
			ADDROW(i, indent);
			col = indent;
		}
		col += cw;
		rows[n - 1].end = i + k;
	}
#undef ADDROW
	*rowsp = rows;
	return (n);
}

/*
 * The row and column of code point pos. A position where a wrapped row
 * ends is shown at the start of the next one.
 */
int
inputrows_cursor(const struct edit *e, const struct inputrow *rows, int n,
    size_t pos, int *col)
{
	int	 r, cw;
	size_t	 i, k;

	for (r = n - 1; r > 0 && rows[r].start > pos; r--)
		;
	*col = rows[r].col;
	for (i = rows[r].start; i < pos && i < rows[r].end; i += k) {
		if ((k = inputrows_cluster(e, i, &cw)) == 0)
			break;
		*col += cw;
	}
	return (r);
}

/*
 * The code point in row r nearest to column col, for Up and Down: not
 * past the row's end, and not inside a wide character.
 */
size_t
inputrows_at(const struct edit *e, const struct inputrow *rows, int r,
    int col)
{
	size_t	 i, k;
	int	 c = rows[r].col, cw;

	for (i = rows[r].start; i < rows[r].end; i += k) {
		if ((k = inputrows_cluster(e, i, &cw)) == 0 || c + cw > col)
			break;
		c += cw;
	}
	return (i);
}
