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

/* Unit tests for client/handle.c: its table and finding mentions. */

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
test_table_sorted(void **state)
{
	(void)state;
	assert_int_equal(handle_check_table(), 0);
}

static void
test_mentions(void **state)
{
	(void)state;
	assert_true(handle_mentions("alice: hi", "alice"));
	assert_true(handle_mentions("hi ALICE!", "alice"));
	assert_true(handle_mentions("@alice, look", "alice"));
	assert_false(handle_mentions("malice", "alice"));
	assert_false(handle_mentions("alice_2 hi", "alice"));
	assert_false(handle_mentions("", "alice"));
	/* Korean particles glue onto names. */
	assert_true(handle_mentions("철수야 밥 먹자", "철수"));
	assert_false(handle_mentions("영희야", "철수"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_sorted),
		cmocka_unit_test(test_mentions),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
