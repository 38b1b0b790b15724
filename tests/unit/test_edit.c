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


/* Unit tests for client/edit.c: the line editor on UTF-8 and wide text. */

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "natter.h"

static struct edit	 e;

static int
setup(void **state)
{
	(void)state;
	edit_init(&e);
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	edit_free(&e);
	return (0);
}

static void
assert_text(const char *want)
{
	char	*s = edit_string(&e);

	assert_string_equal(s, want);
	free(s);
}

static void
test_insert_column(void **state)
{
	(void)state;
	edit_insert_utf8(&e, "한글abc");
	assert_int_equal(e.len, 5);
	assert_int_equal(e.pos, 5);
	/* The cursor column is a width: 2 + 2 + 3. */
	assert_int_equal(edit_column(&e, e.pos), 7);
	edit_left(&e);
	edit_left(&e);
	edit_left(&e);
	edit_left(&e);
	assert_int_equal(e.pos, 1);
	assert_int_equal(edit_column(&e, e.pos), 2);
	edit_insert_utf8(&e, "x");
	assert_text("한x글abc");
}

static void
test_backspace_delete(void **state)
{
	(void)state;
	edit_set(&e, "가나다");
	edit_backspace(&e);
	assert_text("가나");
	edit_home(&e);
	edit_delete(&e);
	assert_text("나");
	edit_delete(&e);
	edit_delete(&e);
	assert_text("");
	edit_backspace(&e);
	assert_int_equal(e.pos, 0);
	/* An emoji outside the BMP is one character too. */
	edit_set(&e, "a👍b");
	edit_left(&e);
	edit_backspace(&e);
	assert_text("ab");
	assert_int_equal(edit_column(&e, e.len), 2);
}

static void
test_home_end(void **state)
{
	(void)state;
	edit_set(&e, "안녕 world");
	edit_home(&e);
	assert_int_equal(e.pos, 0);
	edit_right(&e);
	assert_int_equal(edit_column(&e, e.pos), 2);
	edit_end(&e);
	assert_int_equal(e.pos, e.len);
	edit_right(&e);
	assert_int_equal(e.pos, e.len);
	edit_home(&e);
	edit_left(&e);
	assert_int_equal(e.pos, 0);
}

static void
test_kill_yank(void **state)
{
	(void)state;
	edit_set(&e, "hello 친구 world");
	edit_kill_word(&e);
	assert_text("hello 친구 ");
	edit_kill_word(&e);
	assert_text("hello ");
	edit_yank(&e);
	assert_text("hello 친구 ");
	edit_home(&e);
	edit_right(&e);
	edit_kill_end(&e);
	assert_text("h");
	edit_yank(&e);
	assert_text("hello 친구 ");
	edit_kill_line(&e);
	assert_text("");
	assert_int_equal(e.pos, 0);
}

static void
test_controls_dropped(void **state)
{
	(void)state;
	/* Nothing the editor holds can be a control sequence on send. */
	edit_insert_utf8(&e, "a\033[2Jb\tc\x7f" "d\xc2\x9b");
	assert_text("a[2Jb cd");
	edit_set(&e, "\xff");
	assert_text("\xef\xbf\xbd");
}

static void
test_replace(void **state)
{
	char	*s;

	(void)state;
	edit_set(&e, "hi 철 there");
	edit_replace(&e, 3, 4, "철수 ");
	assert_text("hi 철수  there");
	assert_int_equal(e.pos, 6);
	s = edit_substring(&e, 3, 5);
	assert_string_equal(s, "철수");
	free(s);
}

static void
test_history(void **state)
{
	struct history	 h;

	(void)state;
	memset(&h, 0, sizeof h);
	history_add(&h, "first");
	history_add(&h, "두번째");
	history_add(&h, "두번째");
	assert_int_equal(h.count, 2);
	edit_set(&e, "typing");
	assert_int_equal(history_prev(&h, &e), 0);
	assert_text("두번째");
	assert_int_equal(history_prev(&h, &e), 0);
	assert_text("first");
	assert_int_equal(history_prev(&h, &e), -1);
	assert_int_equal(history_next(&h, &e), 0);
	assert_text("두번째");
	assert_int_equal(history_next(&h, &e), 0);
	assert_text("typing");
	assert_int_equal(history_next(&h, &e), -1);
	history_free(&h);
}

static void
test_limit(void **state)
{
	wchar_t	 c = L'가';
	size_t	 i;
	int	 r = 0;

	(void)state;
	for (i = 0; i < EDIT_MAX + 10; i++)
		r |= edit_insert(&e, &c, 1);
	assert_int_equal(r, -1);
	assert_int_equal(e.len, EDIT_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_insert_column, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_backspace_delete, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_home_end, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_kill_yank, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_controls_dropped, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit, setup, teardown),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
