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
 * Unit tests for multi-line text: the editor keeps a line feed and no
 * other control, inputrows.c lays rows out under the text, scroll_wrap()
 * starts a row at each break, text_sanitize() keeps one only if told.
 */

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "natter.h"

static void
test_edit_keeps_breaks(void **state)
{
	struct edit	 e;
	char		*s;

	(void)state;
	edit_init(&e);
	edit_insert_utf8(&e, "a\nb\033[2J\r\x7f" "c\xc2\x9b\n");
	s = edit_string(&e);
	assert_string_equal(s, "a\nb[2Jc\n");
	free(s);
	assert_true(inputrows_multi(&e));
	edit_set(&e, "one line");
	assert_false(inputrows_multi(&e));
	edit_free(&e);
}

static void
test_layout(void **state)
{
	struct edit	 e;
	struct inputrow	*rows;
	int		 n, r, col;

	(void)state;
	edit_init(&e);
	/* "[#7] " is 5 columns; 20 columns leave 19 for text. */
	edit_set(&e, "한글한글한글한글\nx\n");
	n = inputrows_layout(&e, 5, 20, &rows);
	/* 5 + 14 = 19 columns: the seventh syllable wraps, under the text. */
	assert_int_equal(n, 4);
	assert_int_equal(rows[0].start, 0);
	assert_int_equal(rows[0].end, 7);
	assert_int_equal(rows[0].col, 5);
	assert_int_equal(rows[1].start, 7);
	assert_int_equal(rows[1].end, 8);
	assert_int_equal(rows[1].col, 5);
	assert_int_equal(rows[2].start, 9);
	assert_int_equal(rows[2].end, 10);
	assert_int_equal(rows[3].start, 11);
	assert_int_equal(rows[3].end, 11);
	/* The end of a wrapped row is the start of the next. */
	r = inputrows_cursor(&e, rows, n, 7, &col);
	assert_int_equal(r, 1);
	assert_int_equal(col, 5);
	/* Before a break: on its row, after the text. */
	r = inputrows_cursor(&e, rows, n, 8, &col);
	assert_int_equal(r, 1);
	assert_int_equal(col, 7);
	r = inputrows_cursor(&e, rows, n, 11, &col);
	assert_int_equal(r, 3);
	assert_int_equal(col, 5);
	/* Column 8 of row 0 is inside the second syllable: before it. */
	assert_int_equal(inputrows_at(&e, rows, 0, 8), 1);
	assert_int_equal(inputrows_at(&e, rows, 0, 9), 2);
	/* Past a short row's end: its end. */
	assert_int_equal(inputrows_at(&e, rows, 2, 15), 10);
	free(rows);
	/* A prompt wider than half the line: the rows start at column 0. */
	n = inputrows_layout(&e, 12, 20, &rows);
	assert_int_equal(rows[0].col, 12);
	assert_int_equal(rows[n - 1].col, 0);
	free(rows);
	edit_free(&e);
}

static void
test_wrap_breaks(void **state)
{
	size_t	*rows;
	int	 n;

	(void)state;
	/* "<a> " is the indent: 4 columns. */
	n = scroll_wrap("<a> one\ntwo\n\nthree", 40, 4, &rows);
	assert_int_equal(n, 4);
	assert_int_equal(rows[1], 8);
	assert_int_equal(rows[2], 12);
	assert_int_equal(rows[3], 13);
	free(rows);
}

static void
test_sanitize_breaks(void **state)
{
	char	*s;

	(void)state;
	s = text_sanitize_str("a\nb\r", TEXT_FORMAT);
	assert_string_equal(s, "a^Jb^M");
	free(s);
	s = text_sanitize_str("a\nb\r", TEXT_FORMAT | TEXT_NEWLINE);
	assert_string_equal(s, "a\nb^M");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edit_keeps_breaks),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_wrap_breaks),
		cmocka_unit_test(test_sanitize_breaks),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
