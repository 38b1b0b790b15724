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
 * Unit tests for the client's tables and lookups: command parsing (exact,
 * prefix, ambiguous), sorted tables, rooms, mentions, member lists and
 * Tab completion.
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
test_tables_sorted(void **state)
{
	const struct command	*t;
	size_t			 n, i;

	(void)state;
	assert_int_equal(command_check_table(), 0);
	assert_int_equal(handle_check_table(), 0);
	t = command_table(&n);
	assert_true(n >= 16);
	for (i = 1; i < n; i++)
		assert_true(strcmp(t[i - 1].name, t[i].name) < 0);
	for (i = 0; i < n; i++) {
		assert_true(t[i].name[0] == '/');
		assert_non_null(t[i].help);
		assert_non_null(t[i].usage);
	}
}

static void
test_find_exact(void **state)
{
	const struct command	*c, *w;
	char			*cause;

	(void)state;
	w = command_find("/whisper", &cause);
	assert_non_null(w);
	assert_string_equal(w->name, "/whisper");
	/* /w is an alias, found exactly though /whois starts with it too. */
	c = command_find("/w", &cause);
	assert_non_null(c);
	assert_string_equal(c->name, "/w");
	assert_ptr_equal(c->fn, w->fn);
	c = command_find("/msg", &cause);
	assert_ptr_equal(c->fn, w->fn);
	c = command_find("/me", &cause);
	assert_string_equal(c->name, "/me");
	c = command_find("/who", &cause);
	assert_ptr_equal(c->fn, command_find("/members", &cause)->fn);
	c = command_find("/rename", &cause);
	assert_ptr_equal(c->fn, command_find("/nick", &cause)->fn);
}

static void
test_find_prefix(void **state)
{
	const struct command	*c;
	char			*cause;

	(void)state;
	c = command_find("/quer", &cause);
	assert_non_null(c);
	assert_string_equal(c->name, "/query");
	c = command_find("/he", &cause);
	assert_string_equal(c->name, "/help");
	c = command_find("/memb", &cause);
	assert_string_equal(c->name, "/members");
	c = command_find("/whis", &cause);
	assert_string_equal(c->name, "/whisper");
	assert_null(cause);
}

static void
test_find_ambiguous(void **state)
{
	char	*cause;

	(void)state;
	assert_null(command_find("/wh", &cause));
	assert_string_equal(cause,
	    "ambiguous command: /wh, could be: /whisper, /who, /whois");
	free(cause);
	assert_null(command_find("/q", &cause));
	assert_string_equal(cause,
	    "ambiguous command: /q, could be: /query, /quit, /quote");
	free(cause);
	assert_null(command_find("/c", &cause));
	assert_non_null(strstr(cause, "could be: /clear, /close"));
	free(cause);
	assert_null(command_find("/frobnicate", &cause));
	assert_string_equal(cause, "unknown command: /frobnicate (try /help)");
	free(cause);
	assert_null(command_find("/", &cause));
	free(cause);
}

static void
test_room(void **state)
{
	char	*name, *cause;

	(void)state;
	assert_int_equal(command_room("7", &name, &cause), 0);
	assert_string_equal(name, "#7");
	free(name);
	assert_int_equal(command_room("#방", &name, &cause), 0);
	assert_string_equal(name, "#방");
	free(name);
	assert_int_equal(command_room("lobby", &name, &cause), 0);
	assert_string_equal(name, "#lobby");
	free(name);
	assert_int_equal(command_room("", &name, &cause), -1);
	assert_null(name);
	free(cause);
	assert_int_equal(command_room("a,b", &name, &cause), -1);
	free(cause);
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
		cmocka_unit_test(test_tables_sorted),
		cmocka_unit_test(test_find_exact),
		cmocka_unit_test(test_find_prefix),
		cmocka_unit_test(test_find_ambiguous),
		cmocka_unit_test(test_room),
		cmocka_unit_test(test_mentions),
		cmocka_unit_test(test_members_sorted),
		cmocka_unit_test(test_complete_nicks),
		cmocka_unit_test(test_complete_commands),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return (cmocka_run_group_tests(tests, setup, teardown));
}
