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
 * Unit tests for client/complete.c: Tab completion of nicks, most recent
 * speaker first (window_nicks()), and of commands.
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
test_complete_nicks(void **state)
{
	struct window	*w;
	struct complete	 c;
	struct edit	 e;
	const char	*cands[16];
	size_t		 n;
	char		*s;

	(void)state;
	memset(&c, 0, sizeof c);
	edit_init(&e);
	w = window_open(WINDOW_CHANNEL, "#c");
	window_member_add(w, "charlie", ' ');
	window_member_add(w, "chris", ' ');
	window_member_add(w, "철수", ' ');
	window_spoke(w, "chris");
	/* Most recent speaker first. */
	n = window_nicks(w, cands, 16);
	assert_int_equal(n, 3);
	assert_string_equal(cands[0], "chris");

	edit_set(&e, "ch");
	assert_int_equal(complete_apply(&e, &c, cands, n, ": "), 0);
	s = edit_string(&e);
	assert_string_equal(s, "chris: ");
	free(s);
	/* Tab again: the next match replaces it. */
	assert_int_equal(complete_apply(&e, &c, cands, n, ": "), 0);
	s = edit_string(&e);
	assert_string_equal(s, "charlie: ");
	free(s);
	complete_reset(&c);

	edit_set(&e, "hi 철");
	assert_int_equal(complete_apply(&e, &c, cands, n, " "), 0);
	s = edit_string(&e);
	assert_string_equal(s, "hi 철수 ");
	free(s);
	assert_int_equal(edit_column(&e, e.pos), 8);
	complete_reset(&c);

	edit_set(&e, "xyz");
	assert_int_equal(complete_apply(&e, &c, cands, n, " "), -1);
	complete_reset(&c);
	edit_free(&e);
	window_close(w);
}

static void
test_complete_commands(void **state)
{
	const struct command	*t;
	const char		*cands[64];
	struct complete		 c;
	struct edit		 e;
	size_t			 n, i;
	char			*s;

	(void)state;
	memset(&c, 0, sizeof c);
	edit_init(&e);
	t = command_table(&n);
	for (i = 0; i < n; i++)
		cands[i] = t[i].name;
	edit_set(&e, "/whi");
	assert_int_equal(complete_apply(&e, &c, cands, n, " "), 0);
	s = edit_string(&e);
	assert_string_equal(s, "/whisper ");
	free(s);
	complete_reset(&c);
	edit_free(&e);
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
		cmocka_unit_test(test_complete_nicks),
		cmocka_unit_test(test_complete_commands),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return (cmocka_run_group_tests(tests, setup, teardown));
}
