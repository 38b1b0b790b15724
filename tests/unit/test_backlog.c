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
 * Unit tests for room history: scroll_insert() (history goes between
 * lines already in a ring), the seen file (client/seen.c) and the
 * checks on msgids from the network.
 */

#include <sys/stat.h>

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "natter.h"

/* Append src to the string in buf (size bytes), cutting what does not fit. */
static void
cat(char *buf, const char *src, size_t size)
{
	size_t	 len = strlen(buf);

	snprintf(buf + len, size - len, "%s", src);
}

static void
push(struct scroll *s, const char *text)
{
	scroll_push(s, 0, 0, 0, strdup(text));
}

/* The texts of s, oldest first, joined by spaces. */
static char *
texts(struct scroll *s)
{
	static char	 buf[4096];
	size_t		 seq;

	buf[0] = '\0';
	for (seq = scroll_first(s); seq < s->end; seq++) {
		if (buf[0] != '\0')
			cat(buf, " ", sizeof buf);
		cat(buf, scroll_line(s, seq)->text, sizeof buf);
	}
	return (buf);
}

static struct line *
make(const char *first, ...)
{
	static struct line	 v[64];
	va_list			 ap;
	const char		*t;
	size_t			 n = 0;

	memset(v, 0, sizeof v);
	va_start(ap, first);
	for (t = first; t != NULL; t = va_arg(ap, const char *)) {
		v[n].text = strdup(t);
		v[n].msgid = strdup(t);
		n++;
	}
	va_end(ap);
	return (v);
}

static void
test_insert_middle(void **state)
{
	struct scroll	 s;

	(void)state;
	scroll_init(&s, 100);
	push(&s, "a");
	push(&s, "d");
	scroll_insert(&s, 1, make("b", "c", NULL), 2);
	assert_string_equal(texts(&s), "a b c d");
	assert_string_equal(scroll_line(&s, 2)->msgid, "c");
	/* At the end, and before the first (clamped). */
	scroll_insert(&s, 99, make("e", NULL), 1);
	scroll_insert(&s, 0, make("0", NULL), 1);
	assert_string_equal(texts(&s), "0 a b c d e");
	scroll_free(&s);
}

static void
test_insert_grows_ring(void **state)
{
	struct scroll	 s;
	char		 name[16], want[4096] = "";
	int		 i;

	(void)state;
	scroll_init(&s, 1000);
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof name, "%d", i);
		push(&s, name);
	}
	scroll_insert(&s, scroll_first(&s), make("x", "y", "z", NULL), 3);
	cat(want, "x y z", sizeof want);
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof name, " %d", i);
		cat(want, name, sizeof want);
	}
	assert_string_equal(texts(&s), want);
	assert_int_equal(s.count, 23);
	scroll_free(&s);
}

static void
test_insert_full(void **state)
{
	struct scroll	 s;
	int		 i;

	(void)state;
	scroll_init(&s, 16);
	for (i = 0; i < 16; i++)
		push(&s, i < 10 ? "o" : "n");
	/* Full: the oldest kept lines go first. */
	scroll_insert(&s, scroll_first(&s) + 10, make("h1", "h2", NULL), 2);
	assert_int_equal(s.count, 16);
	assert_string_equal(texts(&s), "o o o o o o o o h1 h2 n n n n n n");
	/* More than fit above: the oldest inserted go too. */
	scroll_insert(&s, scroll_first(&s) + 8, make("a", "b", "c", "d", "e",
	    "f", "g", "h", "i", "j", NULL), 10);
	assert_string_equal(texts(&s),
	    "c d e f g h i j h1 h2 n n n n n n");
	scroll_free(&s);
}

static void
test_insert_keeps_view(void **state)
{
	struct scroll	 s;
	size_t		 at;
	int		 i;

	(void)state;
	scroll_init(&s, 100);
	for (i = 0; i < 30; i++)
		push(&s, "line");
	scroll_up(&s, 10, 20, 5);
	assert_false(s.follow);
	at = s.at;
	/* Above the view: it stays on the same line. */
	scroll_insert(&s, scroll_first(&s), make("old", NULL), 1);
	assert_int_equal(s.at, at + 1);
	assert_int_equal(s.below, 0);
	/* Below it: counted as more below. */
	scroll_insert(&s, s.end, make("new", NULL), 1);
	assert_int_equal(s.at, at + 1);
	assert_int_equal(s.below, 1);
	scroll_free(&s);
}

static void
test_at_top(void **state)
{
	struct scroll	 s;
	int		 i;

	(void)state;
	scroll_init(&s, 100);
	assert_true(scroll_at_top(&s, 20, 5));
	push(&s, "one");
	assert_true(scroll_at_top(&s, 20, 5));
	for (i = 0; i < 10; i++)
		push(&s, "more");
	assert_false(scroll_at_top(&s, 20, 5));
	scroll_up(&s, 100, 20, 5);
	assert_true(scroll_at_top(&s, 20, 5));
	scroll_free(&s);
}

static void
test_msgid_ok(void **state)
{
	char	 big[BACKLOG_IDMAX + 2];

	(void)state;
	assert_true(backlog_id_ok("AbCdEfGhIJ"));
	assert_true(backlog_id_ok("a-b_c.d/e+f="));
	assert_false(backlog_id_ok(""));
	assert_false(backlog_id_ok("with space"));
	assert_false(backlog_id_ok("semi;colon"));
	assert_false(backlog_id_ok("tab\there"));
	assert_false(backlog_id_ok("\xed\x95\x9c"));
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_false(backlog_id_ok(big));
	big[BACKLOG_IDMAX] = '\0';
	assert_true(backlog_id_ok(big));
}

static char	 dir[] = "/tmp/natter-seen-XXXXXX";

static void
test_seen_file(void **state)
{
	const char	*id, *when;
	char		 path[256], room[16], line[512];
	struct stat	 st;
	FILE		*fp;
	int		 i, n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	setenv("XDG_STATE_HOME", dir, 1);
	assert_int_equal(seen_get("h/1", "#7", &id, &when), -1);
	seen_set("h/1", "#7", "m1", "2026-12-03T10:00:00.000Z");
	seen_set("h/2", "#7", "other", "-");
	/* Case folds as the server does; the newest replaces. */
	seen_set("h/1", "#SEVEN", "s1", NULL);
	seen_set("h/1", "#seven", "s2", NULL);
	/* What would break the file is refused. */
	seen_set("h/1", "#bad\troom", "x", NULL);
	seen_set("h/1", "#8", "bad id", NULL);
	assert_true(seen_changed());
	assert_int_equal(seen_save(), 0);
	assert_false(seen_changed());
	seen_free();

	snprintf(path, sizeof path, "%s/natter/seen", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(seen_get("h/1", "#7", &id, &when), 0);
	assert_string_equal(id, "m1");
	assert_string_equal(when, "2026-12-03T10:00:00.000Z");
	assert_int_equal(seen_get("h/1", "#Seven", &id, &when), 0);
	assert_string_equal(id, "s2");
	assert_int_equal(seen_get("h/2", "#7", &id, &when), 0);
	assert_string_equal(id, "other");
	assert_int_equal(seen_get("h/1", "#8", &id, &when), -1);
	seen_free();

	/* Lines that are not right are skipped, the rest read. */
	assert_non_null(fp = fopen(path, "a"));
	fprintf(fp, "junk\nh/1\t#9\tbad id\t-\nh/1\t#10\tok\t-\textra\n");
	for (i = 0; i < 2000; i++)
		fputc('x', fp);
	fprintf(fp, "\nh/1\t#11\tm11\t-\n");
	fclose(fp);
	assert_int_equal(seen_get("h/1", "#9", &id, &when), -1);
	assert_int_equal(seen_get("h/1", "#10", &id, &when), -1);
	assert_int_equal(seen_get("h/1", "#11", &id, &when), 0);
	seen_free();

	/* Bounded: past 500 rooms the least recent are forgotten. */
	for (i = 0; i < 600; i++) {
		snprintf(room, sizeof room, "#r%d", i);
		seen_set("h/1", room, "id", NULL);
	}
	assert_int_equal(seen_save(), 0);
	seen_free();
	assert_non_null(fp = fopen(path, "r"));
	for (n = 0; fgets(line, sizeof line, fp) != NULL; n++)
		;
	fclose(fp);
	assert_int_equal(n, 500);
	assert_int_equal(seen_get("h/1", "#r599", &id, &when), 0);
	assert_int_equal(seen_get("h/1", "#r99", &id, &when), -1);
	seen_free();
	unlink(path);
	snprintf(path, sizeof path, "%s/natter", dir);
	rmdir(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_insert_middle),
		cmocka_unit_test(test_insert_grows_ring),
		cmocka_unit_test(test_insert_full),
		cmocka_unit_test(test_insert_keeps_view),
		cmocka_unit_test(test_at_top),
		cmocka_unit_test(test_msgid_ok),
		cmocka_unit_test(test_seen_file),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
