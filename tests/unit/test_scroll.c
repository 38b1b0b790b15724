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


/* Unit tests for client/scroll.c: wrapping, the ring, the view. */

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "natter.h"
#include "utf8.h"

/*
 * Wrap text and check every row: it fits (with the indent after the
 * first), it is whole characters, and the rows give back the text.
 */
static int
wrap_check(const char *text, int width, int indent, size_t **rowsp)
{
	size_t	*rows, start, end, i;
	char	*row;
	int	 n, w, ind = indent > width / 2 ? width / 2 : indent;

	n = scroll_wrap(text, width, indent, &rows);
	assert_true(n >= 1);
	assert_int_equal(rows[0], 0);
	for (i = 0; i < (size_t)n; i++) {
		start = rows[i];
		end = i + 1 < (size_t)n ? rows[i + 1] : strlen(text);
		assert_true(start <= end);
		assert_true(utf8_valid(text + start, end - start));
		row = strndup(text + start, end - start);
		w = text_width(row) + (i > 0 ? ind : 0);
		/* A trailing break space may hang over the edge. */
		if (end > start && text[end - 1] == ' ')
			w--;
		assert_true(w <= width || (i > 0 ? ind : 0) + 2 > width);
		free(row);
	}
	if (rowsp != NULL)
		*rowsp = rows;
	else
		free(rows);
	return (n);
}

static void
test_wrap_hangul(void **state)
{
	const char	*s = "안녕하세요";
	size_t		*rows;
	int		 width;

	(void)state;
	/* Odd widths: a width-2 syllable never straddles the edge. */
	assert_int_equal(wrap_check(s, 5, 0, &rows), 3);
	assert_int_equal(rows[1], 6);
	assert_int_equal(rows[2], 12);
	free(rows);
	assert_int_equal(wrap_check(s, 3, 0, NULL), 5);
	assert_int_equal(wrap_check(s, 10, 0, NULL), 1);
	assert_int_equal(wrap_check(s, 9, 0, NULL), 2);
	for (width = 1; width < 30; width++) {
		wrap_check(s, width, 0, NULL);
		wrap_check(s, width, 4, NULL);
		wrap_check("<철수> 가나다라마바사아자차카타파하 abc def 👍👍",
		    width, 7, NULL);
	}
}

static void
test_wrap_words(void **state)
{
	const char	*s = "aaaa bbbb cccc";
	size_t		*rows;

	(void)state;
	/* "aaaa bbbb" fills 9 columns; the space after it goes. */
	assert_int_equal(wrap_check(s, 9, 0, &rows), 2);
	assert_int_equal(rows[1], 10);
	free(rows);
	assert_int_equal(wrap_check(s, 7, 0, &rows), 3);
	assert_int_equal(rows[1], 5);	/* after "aaaa " */
	assert_int_equal(rows[2], 10);
	free(rows);
	/* Continuation rows are indented: less room on them. */
	assert_int_equal(wrap_check("<bob> xx yy zz", 8, 6, &rows), 3);
	assert_int_equal(rows[1], 9);
	free(rows);
	/* Formatting codes take no room. */
	assert_int_equal(wrap_check("\00304\002abc\002\017de", 5, 0, NULL), 1);
}

static void
test_ring(void **state)
{
	struct scroll	 s;
	char		 buf[32];
	int		 i;

	(void)state;
	scroll_init(&s, 16);
	for (i = 0; i < 100; i++) {
		snprintf(buf, sizeof buf, "line %d", i);
		scroll_push(&s, 0, 0, 0, strdup(buf));
	}
	/* Memory is bounded: only the last 16 lines are kept. */
	assert_int_equal(s.count, 16);
	assert_int_equal(scroll_first(&s), 84);
	assert_null(scroll_line(&s, 83));
	assert_string_equal(scroll_line(&s, 84)->text, "line 84");
	assert_string_equal(scroll_line(&s, 99)->text, "line 99");
	scroll_clear(&s);
	assert_int_equal(s.count, 0);
	scroll_free(&s);
}

/* Every line from first to end is kept, with its own text. */
static void
ring_check(struct scroll *s, size_t first)
{
	char	 buf[32];
	size_t	 seq;

	assert_int_equal(scroll_first(s), first);
	for (seq = first; seq < s->end; seq++) {
		snprintf(buf, sizeof buf, "line %zu", seq);
		assert_non_null(scroll_line(s, seq));
		assert_string_equal(scroll_line(s, seq)->text, buf);
	}
}

static void
push_lines(struct scroll *s, size_t n)
{
	char	 buf[32];

	while (n-- > 0) {
		snprintf(buf, sizeof buf, "line %zu", s->end);
		scroll_push(s, 0, 0, 0, strdup(buf));
	}
}

static void
test_ring_lazy(void **state)
{
	struct scroll		 s;
	struct scroll_ref	 refs[4];
	const char		*shown;

	(void)state;
	/* Nothing up front, then as much as the lines need. */
	scroll_init(&s, 2000);
	assert_null(s.ring);
	assert_int_equal(s.alloc, 0);
	push_lines(&s, 3);
	assert_int_equal(s.alloc, 16);
	ring_check(&s, 0);
	push_lines(&s, 37);
	assert_int_equal(s.alloc, 64);
	ring_check(&s, 0);

	/* A view scrolled up stays on its line while the ring grows. */
	scroll_up(&s, 10, 80, 4);
	assert_int_equal(scroll_view(&s, 80, 4, refs), 4);
	shown = scroll_line(&s, refs[3].seq)->text;
	assert_string_equal(shown, "line 29");
	push_lines(&s, 100);
	assert_int_equal(s.alloc, 256);
	assert_int_equal(scroll_view(&s, 80, 4, refs), 4);
	assert_string_equal(scroll_line(&s, refs[3].seq)->text, "line 29");
	assert_int_equal(s.below, 100);
	ring_check(&s, 0);

	/* Never past the limit: then the oldest lines go. */
	push_lines(&s, 4860);
	assert_int_equal(s.alloc, 2000);
	assert_int_equal(s.count, 2000);
	ring_check(&s, 3000);

	/* Clearing gives the memory back; the next line starts again. */
	scroll_clear(&s);
	assert_null(s.ring);
	assert_int_equal(s.alloc, 0);
	assert_null(scroll_line(&s, 4999));
	push_lines(&s, 20);
	assert_int_equal(s.alloc, 32);
	ring_check(&s, 5000);
	scroll_free(&s);
}

static void
test_view_scroll(void **state)
{
	struct scroll		 s;
	struct scroll_ref	 refs[5];
	char			 buf[32];
	size_t			 n;
	int			 i;

	(void)state;
	scroll_init(&s, 100);
	for (i = 0; i < 20; i++) {
		snprintf(buf, sizeof buf, "line %d", i);
		scroll_push(&s, 0, 0, 0, strdup(buf));
	}
	n = scroll_view(&s, 40, 5, refs);
	assert_int_equal(n, 5);
	assert_int_equal(refs[0].seq, 15);
	assert_int_equal(refs[4].seq, 19);

	scroll_up(&s, 4, 40, 5);
	assert_false(s.follow);
	n = scroll_view(&s, 40, 5, refs);
	assert_int_equal(refs[0].seq, 11);
	assert_int_equal(refs[4].seq, 15);
	/* New lines while scrolled up do not move the view. */
	scroll_push(&s, 0, 0, 0, strdup("new"));
	assert_int_equal(s.below, 1);
	n = scroll_view(&s, 40, 5, refs);
	assert_int_equal(refs[4].seq, 15);
	/* Not past the top. */
	scroll_up(&s, 1000, 40, 5);
	n = scroll_view(&s, 40, 5, refs);
	assert_int_equal(n, 5);
	assert_int_equal(refs[0].seq, 0);
	scroll_down(&s, 1000, 40);
	assert_true(s.follow);
	n = scroll_view(&s, 40, 5, refs);
	assert_int_equal(refs[4].seq, 20);

	/* Wrapped lines count in rows; a narrower pane shows fewer. */
	scroll_push(&s, 0, 0, 0, strdup("가나다라마바사아자차"));
	n = scroll_view(&s, 6, 5, refs);
	assert_int_equal(refs[4].seq, 21);
	assert_int_equal(refs[4].row, 3);
	assert_int_equal(refs[0].seq, 20);
	scroll_free(&s);
}

/* scroll_remove(): the read marker moving. Later lines and a view move. */
static void
test_remove(void **state)
{
	struct scroll		 s;
	struct scroll_ref	 refs[3];
	struct line		 l;

	(void)state;
	scroll_init(&s, 16);
	push_lines(&s, 10);
	memset(&l, 0, sizeof l);
	l.text = strdup("marker");
	scroll_insert(&s, 4, &l, 1);
	assert_string_equal(scroll_line(&s, 4)->text, "marker");
	scroll_remove(&s, 4);
	assert_int_equal(s.count, 10);
	ring_check(&s, 0);
	/* Out of range: nothing happens. */
	scroll_remove(&s, 10);
	assert_int_equal(s.count, 10);
	/* A line below the view goes: the view stays on its lines. */
	scroll_up(&s, 5, 40, 3);
	scroll_view(&s, 40, 3, refs);
	assert_int_equal(refs[2].seq, 4);
	scroll_remove(&s, 7);
	scroll_view(&s, 40, 3, refs);
	assert_int_equal(refs[2].seq, 4);
	assert_string_equal(scroll_line(&s, 7)->text, "line 8");
	/* One above it: the view's lines, and the view, move down one. */
	scroll_remove(&s, 0);
	scroll_view(&s, 40, 3, refs);
	assert_int_equal(refs[2].seq, 3);
	assert_string_equal(scroll_line(&s, 3)->text, "line 4");
	/* The anchor itself: the line after it takes its place. */
	scroll_remove(&s, 3);
	scroll_view(&s, 40, 3, refs);
	assert_string_equal(scroll_line(&s, refs[2].seq)->text, "line 5");
	/* Everything gone: the view follows again. */
	while (s.count > 1)
		scroll_remove(&s, scroll_first(&s));
	scroll_remove(&s, scroll_first(&s));
	assert_int_equal(s.count, 0);
	assert_true(s.follow);
	scroll_free(&s);
}

static void
test_view_short(void **state)
{
	struct scroll		 s;
	struct scroll_ref	 refs[10];

	(void)state;
	scroll_init(&s, 16);
	assert_int_equal(scroll_view(&s, 10, 10, refs), 0);
	scroll_push(&s, 0, 0, 0, strdup("one"));
	scroll_push(&s, 0, 0, 0, strdup("two"));
	assert_int_equal(scroll_view(&s, 10, 10, refs), 2);
	assert_int_equal(refs[0].seq, 0);
	assert_int_equal(refs[1].seq, 1);
	/* Nothing to scroll when it all fits. */
	scroll_up(&s, 5, 10, 10);
	assert_true(s.follow);
	scroll_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wrap_hangul),
		cmocka_unit_test(test_wrap_words),
		cmocka_unit_test(test_ring),
		cmocka_unit_test(test_ring_lazy),
		cmocka_unit_test(test_view_scroll),
		cmocka_unit_test(test_view_short),
		cmocka_unit_test(test_remove),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
