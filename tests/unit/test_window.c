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
 * Unit tests for client/window.c: a room's members, in a tree by nick
 * with a view by prefix and name, and the nicks offered for completion.
 */

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "natter.h"
#include "name.h"

#define MANY	6000

static void
test_members_sorted(void **state)
{
	struct window	*w;
	struct member	**v;

	(void)state;
	w = window_open(WINDOW_CHANNEL, "#t");
	window_member_add(w, "zed", ' ');
	window_member_add(w, "bob", ' ');
	window_member_add(w, "Carol", '@');
	window_member_add(w, "alice", ' ');
	window_member_add(w, "철수", ' ');
	assert_int_equal(w->nmembers, 5);
	/* Operators first, then by name. */
	v = window_members(w);
	assert_string_equal(v[0]->nick, "Carol");
	assert_string_equal(v[1]->nick, "alice");
	assert_string_equal(v[2]->nick, "bob");
	assert_string_equal(v[3]->nick, "zed");
	assert_string_equal(v[4]->nick, "철수");
	assert_true(window_member_rename(w, "zed", "aaron"));
	assert_string_equal(window_members(w)[1]->nick, "aaron");
	window_member_prefix(w, "bob", '@');
	v = window_members(w);
	assert_string_equal(v[0]->nick, "bob");
	assert_string_equal(v[1]->nick, "Carol");
	assert_true(window_member_remove(w, "BOB"));
	assert_false(window_member_remove(w, "bob"));
	assert_int_equal(w->nmembers, 4);
	/* The same nick in another case is the same member, respelled. */
	window_member_add(w, "CAROL", '+');
	assert_int_equal(w->nmembers, 4);
	assert_string_equal(window_member(w, "carol")->nick, "CAROL");
	assert_int_equal(window_member(w, "carol")->prefix, '+');
	window_close(w);
}

/*
 * The view has every member once, by prefix rank and then by name, and
 * each is found by its nick in any case.
 */
static void
check_view(struct window *w)
{
	struct member	**v = window_members(w);
	char		  upper[64];
	size_t		  i, j;
	int		  ra, rb;

	for (i = 0; i < w->nmembers; i++) {
		assert_non_null(v[i]);
		if (i > 0) {
			ra = window_prefix_rank(v[i - 1]->prefix);
			rb = window_prefix_rank(v[i]->prefix);
			assert_true(ra <= rb);
			if (ra == rb)
				assert_true(name_cmp(v[i - 1]->nick,
				    v[i]->nick) < 0);
		}
		for (j = 0; v[i]->nick[j] != '\0' && j + 1 < sizeof upper;
		    j++)
			upper[j] = v[i]->nick[j] >= 'a' &&
			    v[i]->nick[j] <= 'z' ? v[i]->nick[j] - 32 :
			    v[i]->nick[j];
		upper[j] = '\0';
		assert_ptr_equal(window_member(w, upper), v[i]);
	}
}

/* Nicks 0 to n - 1 in a shuffled order, some in capitals, some '@' or '+'. */
static void
add_many(struct window *w, size_t n)
{
	char		 nick[32];
	size_t		 i, k, t;
	unsigned int	 r = 12345;
	size_t		*perm;

	perm = calloc(n, sizeof *perm);
	for (i = 0; i < n; i++)
		perm[i] = i;
	for (i = n - 1; i > 0; i--) {
		r = r * 1103515245 + 12345;
		k = (r >> 8) % (i + 1);
		t = perm[i];
		perm[i] = perm[k];
		perm[k] = t;
	}
	for (i = 0; i < n; i++) {
		k = perm[i];
		snprintf(nick, sizeof nick, "%s%05zu", k % 2 ? "User" : "user",
		    k);
		window_member_add(w, nick, k % 50 == 0 ? '@' : k % 7 == 0 ?
		    '+' : ' ');
	}
	free(perm);
}

static void
test_members_many(void **state)
{
	struct window	*w;
	struct member	**v, *m;
	char		 from[32], to[32];
	size_t		 i, ops;

	(void)state;
	w = window_open(WINDOW_CHANNEL, "#many");
	add_many(w, MANY);
	assert_int_equal(w->nmembers, MANY);
	check_view(w);
	v = window_members(w);
	/* 120 operators (every 50th), then the voiced, then the rest. */
	for (i = 0; i < 120; i++)
		assert_int_equal(v[i]->prefix, '@');
	assert_string_equal(v[0]->nick, "user00000");
	assert_string_equal(v[1]->nick, "user00050");
	assert_int_equal(v[120]->prefix, '+');
	assert_string_equal(v[120]->nick, "User00007");
	assert_int_equal(v[MANY - 1]->prefix, ' ');
	assert_string_equal(v[MANY - 1]->nick, "user05998");
	/* Nothing changed: the view is not made again. */
	assert_false(w->sorted_stale);

	/* Adding one that is there changes nothing but its spelling. */
	add_many(w, MANY);
	assert_int_equal(w->nmembers, MANY);

	/* Rename a third, keeping prefix and when they spoke. */
	window_spoke(w, "USER00021");
	for (i = 0; i < MANY; i += 3) {
		snprintf(from, sizeof from, "user%05zu", i);
		snprintf(to, sizeof to, "n%05zu", MANY - i);
		assert_true(window_member_rename(w, from, to));
	}
	assert_false(window_member_rename(w, "user00000", "x"));
	assert_int_equal(w->nmembers, MANY);
	check_view(w);
	assert_null(window_member(w, "user00003"));
	m = window_member(w, "N05979");		/* was User00021 */
	assert_non_null(m);
	assert_string_equal(m->nick, "n05979");
	assert_int_equal(m->prefix, '+');
	assert_true(m->spoke > 0);
	assert_int_equal(window_member(w, "n06000")->prefix, '@');

	/* Remove every other one. */
	for (i = 1; i < MANY; i += 2) {
		if (i % 3 == 0)
			snprintf(from, sizeof from, "N%05zu", MANY - i);
		else
			snprintf(from, sizeof from, "USER%05zu", i);
		assert_true(window_member_remove(w, from));
		assert_false(window_member_remove(w, from));
	}
	assert_int_equal(w->nmembers, MANY / 2);
	check_view(w);

	/* Prefix changes move members between the groups. */
	for (ops = 0, i = 0; i < MANY; i += 2) {
		snprintf(from, sizeof from, i % 3 == 0 ? "n%05zu" : "user%05zu",
		    i % 3 == 0 ? MANY - i : i);
		m = window_member(w, from);
		assert_non_null(m);
		if (m->prefix == '@')
			window_member_prefix(w, from, ' ');
		else if (i % 4 == 0) {
			window_member_prefix(w, from, '@');
			ops++;
		}
	}
	check_view(w);
	v = window_members(w);
	for (i = 0; i < ops; i++)
		assert_int_equal(v[i]->prefix, '@');
	assert_int_not_equal(v[ops]->prefix, '@');
	/* The prefix of someone not there is no one's. */
	window_member_prefix(w, "nobody", '@');
	assert_null(window_member(w, "nobody"));

	window_members_clear(w);
	assert_int_equal(w->nmembers, 0);
	assert_null(RB_ROOT(&w->members));
	check_view(w);
	window_close(w);
}

/* Completion: the latest speakers first, then everyone else by name. */
static void
test_nicks(void **state)
{
	struct window	*w;
	const char	**out;
	size_t		 n, i;

	(void)state;
	w = window_open(WINDOW_CHANNEL, "#nicks");
	add_many(w, MANY);
	window_spoke(w, "user00100");
	window_spoke(w, "USER00004");
	window_spoke(w, "nobody");
	out = calloc(MANY, sizeof *out);
	n = window_nicks(w, out, MANY);
	assert_int_equal(n, MANY);
	assert_string_equal(out[0], "user00004");
	assert_string_equal(out[1], "user00100");
	for (i = 3; i < n; i++)
		assert_true(name_cmp(out[i - 1], out[i]) < 0);
	assert_int_equal(window_nicks(w, out, 5), 5);
	free(out);
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
		cmocka_unit_test(test_members_many),
		cmocka_unit_test(test_nicks),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return (cmocka_run_group_tests(tests, setup, teardown));
}
