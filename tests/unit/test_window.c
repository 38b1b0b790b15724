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

/* Unit tests for client/window.c: a room's members. */

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
test_members_sorted(void **state)
{
	struct window	*w;

	(void)state;
	w = window_open(WINDOW_CHANNEL, "#t");
	window_member_add(w, "zed", ' ');
	window_member_add(w, "bob", ' ');
	window_member_add(w, "Carol", '@');
	window_member_add(w, "alice", ' ');
	window_member_add(w, "철수", ' ');
	assert_int_equal(w->nmembers, 5);
	/* Operators first, then by name. */
	assert_string_equal(w->members[0].nick, "Carol");
	assert_string_equal(w->members[1].nick, "alice");
	assert_string_equal(w->members[2].nick, "bob");
	assert_string_equal(w->members[3].nick, "zed");
	assert_string_equal(w->members[4].nick, "철수");
	assert_true(window_member_rename(w, "zed", "aaron"));
	assert_string_equal(w->members[1].nick, "aaron");
	window_member_prefix(w, "bob", '@');
	assert_string_equal(w->members[0].nick, "bob");
	assert_string_equal(w->members[1].nick, "Carol");
	assert_true(window_member_remove(w, "BOB"));
	assert_false(window_member_remove(w, "bob"));
	assert_int_equal(w->nmembers, 4);
	window_close(w);
}

static int
setup(void **state)
{
	(void)state;
	window_init();
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	window_free_all();
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_members_sorted),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return (cmocka_run_group_tests(tests, setup, teardown));
}
