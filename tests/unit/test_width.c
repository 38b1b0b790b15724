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
 * Unit tests for the width table in client/text.c: utf8proc's, by
 * grapheme cluster, the same for the pane, the sidebar and the editor,
 * and what curses is given so that the screen keeps to it.
 */

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <utf8proc.h>

#include "natter.h"

#define FAMILY	"\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d" \
		"\xf0\x9f\x91\xa7"	/* man ZWJ woman ZWJ girl */
#define CODER	"\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb"
#define KR	"\xf0\x9f\x87\xb0\xf0\x9f\x87\xb7"	/* R.I. K, R. I. R */
#define JP	"\xf0\x9f\x87\xaf\xf0\x9f\x87\xb5"
#define HEART	"\xe2\x9d\xa4"				/* U+2764 */
#define VS16	"\xef\xb8\x8f"
#define KEYCAP1	"1" VS16 "\xe2\x83\xa3"			/* 1 FE0F 20E3 */
#define GRIN	"\xf0\x9f\x98\x80"			/* U+1F600 */
#define THUMB	"\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd"	/* with a skin tone */
#define LVT	"\xe1\x84\x80\xe1\x85\xa1\xe1\x86\xa8"	/* U+1100 1161 11A8 */

static int
reset(void **state)
{
	(void)state;
	opt.emoji_width = 2;
	return (0);
}

/* The columns of s if it is one cluster, else -1. */
static int
one(const char *s)
{
	const char	*end = s + strlen(s);
	int		 w;

	if (text_cluster(s, end, &w) != strlen(s))
		return (-1);
	return (w);
}

static void
test_pinned(void **state)
{
	(void)state;
	/* Debian 12's table: a new one must be a decision, not an accident. */
	assert_string_equal(utf8proc_version(), "2.8.0");
	assert_string_equal(utf8proc_unicode_version(), "15.0.0");
}

static void
test_known(void **state)
{
	(void)state;
	assert_int_equal(one("a"), 1);
	assert_int_equal(one("가"), 2);			/* Hangul syllable */
	assert_int_equal(one(LVT), 2);			/* jamo L V T */
	assert_int_equal(one("\xe1\x84\x80\xe1\x85\xa1"), 2);	/* L V */
	assert_int_equal(one("漢"), 2);
	assert_int_equal(one("e\xcc\x81"), 1);		/* e + acute */
	assert_int_equal(one("\xcc\x81"), 0);		/* acute alone */
	assert_int_equal(one(FAMILY), 2);
	assert_int_equal(one(CODER), 2);
	assert_int_equal(one(KR), 2);
	assert_int_equal(one(HEART VS16), 2);
	assert_int_equal(one(HEART), 1);
	assert_int_equal(one(KEYCAP1), 2);
	assert_int_equal(one(GRIN), 2);
	assert_int_equal(one(THUMB), 2);
	/* Whole strings, formatting codes taking nothing. */
	assert_int_equal(text_width("a" LVT "b"), 4);
	assert_int_equal(text_width(KR JP), 4);
	assert_int_equal(text_width(HEART VS16 HEART), 3);
	assert_int_equal(text_width("\002" FAMILY "\002x"), 3);
	/* Regional indicators pair from the left; an odd one is alone. */
	assert_int_equal(text_width(KR "\xf0\x9f\x87\xaf"), 3);
	assert_int_equal(text_cluster(KR JP, KR JP + 16, NULL), 8);
	/* Code points alone, as the table has them. */
	assert_int_equal(text_cwidth(0xac00), 2);
	assert_int_equal(text_cwidth(0x2764), 1);
	assert_int_equal(text_cwidth(0x1f600), 2);
}

static void
test_narrow(void **state)
{
	(void)state;
	opt.emoji_width = 1;
	assert_int_equal(one(FAMILY), 1);
	assert_int_equal(one(KR), 1);
	assert_int_equal(one(HEART VS16), 1);
	assert_int_equal(one(KEYCAP1), 1);
	assert_int_equal(one(GRIN), 1);
	assert_int_equal(one(THUMB), 1);
	/* Not emoji: as they were. */
	assert_int_equal(one("가"), 2);
	assert_int_equal(one(LVT), 2);
	assert_int_equal(one("漢"), 2);
	assert_int_equal(one(HEART), 1);
	assert_int_equal(one("a"), 1);
	assert_int_equal(text_width("a" GRIN KR), 3);
}

static void
test_invalid(void **state)
{
	char	*s;

	(void)state;
	/* Each bad byte is a cluster of one column, as U+FFFD would be. */
	assert_int_equal(text_cluster("\xff", "\xff" + 1, NULL), 1);
	assert_int_equal(one("\xff"), 1);
	assert_int_equal(text_width("a\xe4\xb8"), 3);
	assert_int_equal(text_width("\xf0\x9f\x91"), 3);
	/* A mark after a bad byte, a lone ZWJ: no crash, no columns. */
	assert_int_equal(text_width("\xff\xcc\x81"), 1);
	assert_int_equal(text_width("\xe2\x80\x8d"), 0);
	assert_int_equal(text_cluster("", "", NULL), 0);
	/* Sanitised, it is U+FFFD and the same width. */
	s = text_sanitize_str("a\xe4\xb8", 0);
	assert_int_equal(text_width(s), text_width("a\xe4\xb8"));
	free(s);
}

/* What text_shown() gives curses for s: its cells, each ended by 0. */
static void
assert_shown(const char *s, const uint32_t *want, size_t n)
{
	wchar_t	 out[TEXT_SHOWN_MAX];
	size_t	 got, i;
	int	 w;

	w = one(s);
	assert_true(w >= 0);
	got = text_shown(s, strlen(s), w, out, TEXT_SHOWN_MAX);
	assert_int_equal(got, n);
	for (i = 0; i < n; i++)
		assert_int_equal((uint32_t)out[i], want[i]);
}

static void
test_shown(void **state)
{
	static const uint32_t heart[] = { 0x2764, 0, ' ', 0 };
	static const uint32_t family[] = { 0x1f468, 0 };
	static const uint32_t coder[] = { 0x1f469, 0 };
	static const uint32_t kr[] = { 0x1f1f0, 0, 0x1f1f7, 0 };
	static const uint32_t keycap[] = { '1', 0x20e3, 0, ' ', 0 };
	static const uint32_t lvt[] = { 0x1100, 0x1161, 0x11a8, 0 };
	static const uint32_t thumb[] = { 0x1f44d, 0 };
	static const uint32_t accent[] = { 'e', 0x301, 0 };
	static const uint32_t grin[] = { 0x1f600, 0 };
	static const uint32_t narrow[] = { 0xfffd, 0 };
	static const uint32_t heart1[] = { 0x2764, 0xfe0f, 0 };

	(void)state;
	/* What curses counts, and draws, is exactly the table's width. */
	assert_shown(HEART VS16, heart, 4);
	assert_shown(FAMILY, family, 2);
	assert_shown(CODER, coder, 2);
	assert_shown(KR, kr, 4);
	assert_shown(KEYCAP1, keycap, 5);
	assert_shown(LVT, lvt, 4);
	assert_shown(THUMB, thumb, 2);
	assert_shown("e\xcc\x81", accent, 3);
	assert_shown(GRIN, grin, 2);
	assert_shown("\xcc\x81", NULL, 0);
	opt.emoji_width = 1;
	assert_shown(GRIN, narrow, 2);
	assert_shown(HEART VS16, heart1, 3);
}

static void
test_fit_split(void **state)
{
	char	*p;
	int	 used;

	(void)state;
	/* Never half a cluster. */
	assert_int_equal(text_fit("ab" FAMILY, 3, &used), 2);
	assert_int_equal(used, 2);
	assert_int_equal(text_fit("ab" FAMILY, 4, &used), 2 + strlen(FAMILY));
	assert_int_equal(text_fit(KR KR, 3, &used), 8);
	assert_int_equal(used, 2);
	p = text_pad("x" KR "y", 4);
	assert_string_equal(p, "x" KR "y");
	free(p);
	p = text_pad(LVT LVT, 3);
	assert_string_equal(p, LVT " ");
	assert_int_equal(text_width(p), 3);
	free(p);
	assert_int_equal(text_ceil("a" KR "b", 2), 3);
	assert_int_equal(text_ceil("a" KR "b", 1), 1);
	assert_int_equal(text_ceil("ab", 9), 2);
	/* A message split for sending keeps each cluster whole. */
	assert_int_equal(text_split("a" FAMILY, 1 + strlen(FAMILY), 12), 1);
	assert_int_equal(text_split(KR KR, 16, 12), 8);
	assert_int_equal(text_split(LVT LVT, 18, 10), 9);
	/* A cluster longer than the room is cut between code points. */
	assert_int_equal(text_split(FAMILY, strlen(FAMILY), 6), 4);
}

static void
test_wrap(void **state)
{
	size_t	*rows;
	int	 n;

	(void)state;
	/* 5 flags (10 columns) at width 5: 2 a row, one left over. */
	n = scroll_wrap(KR KR KR KR KR, 5, 0, &rows);
	assert_int_equal(n, 3);
	assert_int_equal(rows[1], 16);
	assert_int_equal(rows[2], 32);
	free(rows);
	/* Jamo sequences are never split between their parts. */
	n = scroll_wrap(LVT LVT LVT, 5, 0, &rows);
	assert_int_equal(n, 2);
	assert_int_equal(rows[1], 18);
	free(rows);
}

static void
test_edit(void **state)
{
	struct edit	 e;
	char		*s;

	(void)state;
	edit_init(&e);
	/* Nothing to move over or delete yet (no buffer at all). */
	edit_backspace(&e);
	edit_delete(&e);
	edit_left(&e);
	edit_right(&e);
	assert_int_equal(e.len, 0);
	assert_int_equal(edit_column(&e, 0), 0);
	edit_insert_utf8(&e, "a" KR FAMILY LVT "b");
	assert_int_equal(edit_column(&e, e.len), 1 + 2 + 2 + 2 + 1);
	edit_left(&e);				/* before b */
	edit_left(&e);				/* before the jamo */
	assert_int_equal(edit_column(&e, e.pos), 5);
	edit_left(&e);				/* before the family */
	assert_int_equal(edit_column(&e, e.pos), 3);
	edit_right(&e);
	assert_int_equal(edit_column(&e, e.pos), 5);
	/* Backspace takes the family whole, Delete the jamo sequence. */
	edit_backspace(&e);
	edit_delete(&e);
	s = edit_string(&e);
	assert_string_equal(s, "a" KR "b");
	free(s);
	/* Backspace after a flag deletes the flag. */
	edit_backspace(&e);
	s = edit_string(&e);
	assert_string_equal(s, "ab");
	free(s);
	assert_int_equal(e.pos, 1);
	edit_end(&e);
	edit_insert_utf8(&e, HEART VS16);
	assert_int_equal(edit_column(&e, e.pos), 4);
	edit_backspace(&e);
	edit_backspace(&e);
	s = edit_string(&e);
	assert_string_equal(s, "a");
	free(s);
	edit_free(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_pinned, reset),
		cmocka_unit_test_setup(test_known, reset),
		cmocka_unit_test_setup(test_narrow, reset),
		cmocka_unit_test_setup(test_invalid, reset),
		cmocka_unit_test_setup(test_shown, reset),
		cmocka_unit_test_setup(test_fit_split, reset),
		cmocka_unit_test_setup(test_wrap, reset),
		cmocka_unit_test_setup(test_edit, reset),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
