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
 * Unit tests for client/command.c: its table, finding a command (exact,
 * prefix, ambiguous) and rooms as typed.
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_sorted),
		cmocka_unit_test(test_find_exact),
		cmocka_unit_test(test_find_prefix),
		cmocka_unit_test(test_find_ambiguous),
		cmocka_unit_test(test_room),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
