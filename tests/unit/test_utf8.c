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

/* Unit tests for utf8.c: validation, decoding, encoding and cutting. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "utf8.h"

#define HELLO	"안녕하세요"		/* 5 syllables, 15 bytes */
#define EMOJI	"\xf0\x9f\x98\x80"	/* U+1F600, 4 bytes */

/* Is the string literal s valid? sizeof, not strlen: it may hold a NUL. */
#define VALID(s)	utf8_valid((s), sizeof (s) - 1)

static const char	*heap_copy(const char *, size_t);

/*
 * Copy len bytes to a heap block of exactly that size, so that ASan
 * catches any read past the end a function is told about.
 */
static const char *
heap_copy(const char *s, size_t len)
{
	char	*p;

	p = malloc(len == 0 ? 1 : len);
	assert_non_null(p);
	memcpy(p, s, len);
	return (p);
}

static void
test_valid_good(void **state)
{
	(void)state;
	assert_true(VALID(""));
	assert_true(VALID("hello, world"));
	assert_true(VALID("\x01\x7f"));
	assert_true(VALID("a\0b"));
	assert_int_equal(strlen(HELLO), 15);
	assert_true(VALID(HELLO));
	assert_true(VALID(EMOJI));
	assert_true(VALID("caf\xc3\xa9 " HELLO " " EMOJI "!"));

	/* The first and last code point of each length. */
	assert_true(VALID("\xc2\x80"));			/* U+0080 */
	assert_true(VALID("\xdf\xbf"));			/* U+07FF */
	assert_true(VALID("\xe0\xa0\x80"));		/* U+0800 */
	assert_true(VALID("\xed\x9f\xbf"));		/* U+D7FF */
	assert_true(VALID("\xee\x80\x80"));		/* U+E000 */
	assert_true(VALID("\xef\xbf\xbf"));		/* U+FFFF */
	assert_true(VALID("\xf0\x90\x80\x80"));		/* U+10000 */
	assert_true(VALID("\xf4\x8f\xbf\xbf"));		/* U+10FFFF */
	assert_true(VALID("\xef\xbb\xbf"));		/* BOM is valid */

	/* Only len bytes are looked at. */
	assert_true(utf8_valid(HELLO "\xff", 15));
	assert_true(utf8_valid("\xff", 0));
}

static void
test_valid_bad(void **state)
{
	static const struct {
		const char	*s;
		size_t		 len;
	} bad[] = {
#define B(s)	{ (s), sizeof (s) - 1 }
		B("\xc0\xaf"),			/* overlong '/' */
		B("\xc1\xbf"),			/* overlong U+007F */
		B("\xe0\x80\xaf"),		/* overlong, 3 bytes */
		B("\xe0\x9f\xbf"),		/* overlong U+07FF */
		B("\xf0\x80\x80\xaf"),		/* overlong, 4 bytes */
		B("\xf0\x8f\xbf\xbf"),		/* overlong U+FFFF */
		B("\xed\xa0\x80"),		/* U+D800 */
		B("\xed\xbf\xbf"),		/* U+DFFF */
		B("\xed\xa0\xbd\xed\xb8\x80"),	/* CESU-8 surrogate pair */
		B("\xf4\x90\x80\x80"),		/* U+110000 */
		B("\xf5\x80\x80\x80"),
		B("\xf7\xbf\xbf\xbf"),
		B("\xf8\x88\x80\x80\x80"),	/* 5-byte form */
		B("\xfc\x84\x80\x80\x80\x80"),	/* 6-byte form */
		B("\xc3"),			/* truncated, 2 bytes */
		B("\xec\x95"),			/* truncated Hangul */
		B("\xec"),
		B("\xf0\x9f\x98"),		/* truncated emoji */
		B("\xf0\x9f"),
		B("\xf0"),
		B("ab\xec\x95"),		/* truncated at the end */
		B("\xec\x95 x"),		/* truncated before a space */
		B("\xec\x95\xec\x95\x88"),
		B("\x80"),			/* lone continuation */
		B("\xbf"),
		B("a\x80z"),
		B("\x95\x88"),			/* Hangul without its lead */
		B("\xff"),
		B("\xfe"),
		B("abc\xff"),
		B("\xc3\x28"),			/* lead then ASCII */
		B("\xe2\x28\xa1"),
		B("\xf0\x28\x8c\xbc"),
#undef B
	};
	const char	*p;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		p = heap_copy(bad[i].s, bad[i].len);
		if (utf8_valid(p, bad[i].len))
			fail_msg("bad[%zu] taken as valid", i);
		free((void *)p);
	}

	/* Every cut of HELLO that is not on a boundary is invalid. */
	for (i = 0; i <= 15; i++) {
		p = heap_copy(HELLO, i);
		assert_int_equal(utf8_valid(p, i), i % 3 == 0);
		free((void *)p);
	}
}

static void
test_decode(void **state)
{
	const char	*s = "a\xc3\xa9" HELLO EMOJI;
	const char	*p = s, *end = s + strlen(s);
	uint32_t	 cp;

	(void)state;
	assert_int_equal(utf8_decode(&p, end, &cp), 0);
	assert_int_equal(cp, 'a');
	assert_ptr_equal(p, s + 1);
	assert_int_equal(utf8_decode(&p, end, &cp), 0);
	assert_int_equal(cp, 0xe9);
	assert_ptr_equal(p, s + 3);
	assert_int_equal(utf8_decode(&p, end, &cp), 0);
	assert_int_equal(cp, 0xc548);			/* 안 */
	assert_ptr_equal(p, s + 6);
	assert_int_equal(utf8_decode(&p, end, &cp), 0);
	assert_int_equal(cp, 0xb155);			/* 녕 */
	utf8_decode(&p, end, &cp);
	utf8_decode(&p, end, &cp);
	assert_int_equal(utf8_decode(&p, end, &cp), 0);
	assert_int_equal(cp, 0xc694);			/* 요 */
	assert_ptr_equal(p, s + 18);
	assert_int_equal(utf8_decode(&p, end, &cp), 0);
	assert_int_equal(cp, 0x1f600);
	assert_ptr_equal(p, end);

	/* Nothing left: an error, and p stays put. */
	assert_int_equal(utf8_decode(&p, end, &cp), -1);
	assert_ptr_equal(p, end);

	/* NUL is a character like any other. */
	s = "\0";
	p = s;
	assert_int_equal(utf8_decode(&p, s + 1, &cp), 0);
	assert_int_equal(cp, 0);
	assert_ptr_equal(p, s + 1);
}

/* Each bad byte becomes one U+FFFD, and decoding resumes at the next. */
static void
test_decode_errors(void **state)
{
	static const struct {
		const char	*s;
		size_t		 len;
		uint32_t	 want[8];
		int		 n;
	} tests[] = {
		{ "\xff" "a", 2, { 0xfffd, 'a' }, 2 },
		{ "\x80\x80", 2, { 0xfffd, 0xfffd }, 2 },
		{ "\xc0\xaf", 2, { 0xfffd, 0xfffd }, 2 },
		{ "\xed\xa0\x80", 3, { 0xfffd, 0xfffd, 0xfffd }, 3 },
		{ "\xf4\x90\x80\x80", 4, { 0xfffd, 0xfffd, 0xfffd, 0xfffd },
		    4 },
		/* A truncated Hangul syllable then a good one. */
		{ "\xec\x95" "\xeb\x85\x95", 5, { 0xfffd, 0xfffd, 0xb155 },
		    3 },
		/* A lead byte cut off by the end. */
		{ "x\xec\x95", 3, { 'x', 0xfffd, 0xfffd }, 3 },
		{ "\xc3" "A", 2, { 0xfffd, 'A' }, 2 },
	};
	const char	*s, *p, *end;
	uint32_t	 cp;
	size_t		 i;
	int		 j, rv;

	(void)state;
	for (i = 0; i < sizeof tests / sizeof tests[0]; i++) {
		s = heap_copy(tests[i].s, tests[i].len);
		p = s;
		end = s + tests[i].len;
		for (j = 0; j < tests[i].n; j++) {
			const char	*before = p;

			assert_true(p < end);
			cp = 0;
			rv = utf8_decode(&p, end, &cp);
			assert_int_equal(cp, tests[i].want[j]);
			if (tests[i].want[j] == UTF8_REPLACEMENT) {
				assert_int_equal(rv, -1);
				assert_ptr_equal(p, before + 1);
			} else
				assert_int_equal(rv, 0);
		}
		assert_ptr_equal(p, end);
		free((void *)s);
	}

	/* A real U+FFFD in the text decodes fine. */
	s = "\xef\xbf\xbd";
	p = s;
	assert_int_equal(utf8_decode(&p, s + 3, &cp), 0);
	assert_int_equal(cp, UTF8_REPLACEMENT);
	assert_ptr_equal(p, s + 3);
}

static void
test_encode(void **state)
{
	static const struct {
		uint32_t	 cp;
		const char	*bytes;
	} tests[] = {
		{ 0x00, "\x00" },
		{ 0x41, "A" },
		{ 0x7f, "\x7f" },
		{ 0x80, "\xc2\x80" },
		{ 0xe9, "\xc3\xa9" },
		{ 0x7ff, "\xdf\xbf" },
		{ 0x800, "\xe0\xa0\x80" },
		{ 0xc548, "\xec\x95\x88" },
		{ 0xd7ff, "\xed\x9f\xbf" },
		{ 0xe000, "\xee\x80\x80" },
		{ 0xfffd, "\xef\xbf\xbd" },
		{ 0xffff, "\xef\xbf\xbf" },
		{ 0x10000, "\xf0\x90\x80\x80" },
		{ 0x1f600, EMOJI },
		{ 0x10ffff, "\xf4\x8f\xbf\xbf" },
	};
	char		 out[4];
	const char	*p;
	uint32_t	 cp;
	size_t		 i, n, want;

	(void)state;
	for (i = 0; i < sizeof tests / sizeof tests[0]; i++) {
		want = tests[i].cp == 0 ? 1 : strlen(tests[i].bytes);
		memset(out, 0x55, sizeof out);
		n = utf8_encode(tests[i].cp, out);
		assert_int_equal(n, want);
		assert_memory_equal(out, tests[i].bytes, n);

		/* And back. */
		assert_true(utf8_valid(out, n));
		p = out;
		assert_int_equal(utf8_decode(&p, out + n, &cp), 0);
		assert_int_equal(cp, tests[i].cp);
		assert_ptr_equal(p, out + n);
	}
}

static void
test_encode_replacement(void **state)
{
	static const uint32_t bad[] = {
		0xd800, 0xdbff, 0xdc00, 0xdfff, 0x110000, 0x1fffff,
		0x7fffffff, 0xffffffff,
	};
	char	 out[4];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(utf8_encode(bad[i], out), 3);
		assert_memory_equal(out, "\xef\xbf\xbd", 3);
	}
}

/* Every code point that decodes survives encode then decode. */
static void
test_encode_all(void **state)
{
	char		 out[4];
	const char	*p;
	uint32_t	 c, cp;
	size_t		 n;

	(void)state;
	for (c = 0; c <= 0x10ffff; c++) {
		if (c >= 0xd800 && c <= 0xdfff)
			continue;
		n = utf8_encode(c, out);
		assert_true(n == (c < 0x80 ? 1 : c < 0x800 ? 2 :
		    c < 0x10000 ? 3 : 4));
		p = out;
		if (utf8_decode(&p, out + n, &cp) != 0 || cp != c)
			fail_msg("U+%04X does not round-trip", (unsigned)c);
	}
}

static void
test_cut_hangul(void **state)
{
	const char	*s;
	size_t		 max, n;

	(void)state;
	s = heap_copy(HELLO, 15);
	for (max = 0; max <= 15; max++) {
		n = utf8_cut(s, 15, max);
		assert_true(n <= max);
		assert_int_equal(n % 3, 0);
		/* The longest such prefix, not just any. */
		assert_int_equal(n, max - max % 3);
		assert_true(utf8_valid(s, n));
	}
	free((void *)s);

	/* A longer string cut at every size. */
	s = HELLO " " HELLO;
	for (max = 0; max <= 31; max++) {
		n = utf8_cut(s, 31, max);
		assert_true(n <= max);
		assert_true(utf8_valid(s, n));
		assert_true(n + 2 >= max || max == 31);
	}
}

static void
test_cut_mixed(void **state)
{
	/* a(1) é(2) 안(3) 😀(4) b(1) */
	const char	*s = "a\xc3\xa9\xec\x95\x88" EMOJI "b";
	static const size_t want[] = {
		0, 1, 1, 3, 3, 3, 6, 6, 6, 6, 10, 11,
	};
	size_t		 max, len = strlen(s);

	(void)state;
	assert_int_equal(len, 11);
	for (max = 0; max < sizeof want / sizeof want[0]; max++)
		assert_int_equal(utf8_cut(s, len, max), want[max]);

	/* Emoji alone: nothing fits until all 4 bytes do. */
	assert_int_equal(utf8_cut(EMOJI EMOJI, 8, 3), 0);
	assert_int_equal(utf8_cut(EMOJI EMOJI, 8, 4), 4);
	assert_int_equal(utf8_cut(EMOJI EMOJI, 8, 7), 4);

	/* len <= max returns len, whatever the bytes are. */
	assert_int_equal(utf8_cut(HELLO, 15, 15), 15);
	assert_int_equal(utf8_cut(HELLO, 15, 100), 15);
	assert_int_equal(utf8_cut(HELLO, 4, 4), 4);
	assert_int_equal(utf8_cut("", 0, 0), 0);
	assert_int_equal(utf8_cut("\x80\x80", 2, 5), 2);
	assert_int_equal(utf8_cut("abc", 3, 0), 0);
	assert_int_equal(utf8_cut("abc", 3, 2), 2);
}

/* Garbage is cut somewhere at or below max, never past it. */
static void
test_cut_invalid(void **state)
{
	const char	*s = "\x80\x80\x80\x80\x80\x80";
	size_t		 max;

	(void)state;
	for (max = 0; max <= 6; max++)
		assert_true(utf8_cut(s, 6, max) <= max);
	for (max = 0; max <= 4; max++)
		assert_true(utf8_cut("\xff\xff\xff\xff\xff", 5, max) <= max);
}

static void
test_strlen(void **state)
{
	(void)state;
	assert_int_equal(utf8_strlen("", 0), 0);
	assert_int_equal(utf8_strlen("abc", 3), 3);
	assert_int_equal(utf8_strlen(HELLO, 15), 5);
	assert_int_equal(utf8_strlen(HELLO " " HELLO, 31), 11);
	assert_int_equal(utf8_strlen(EMOJI, 4), 1);
	assert_int_equal(utf8_strlen("a\xc3\xa9\xec\x95\x88" EMOJI "b", 11),
	    5);
	assert_int_equal(utf8_strlen("a\0b", 3), 3);

	/* Each invalid byte counts as one. */
	assert_int_equal(utf8_strlen("\xff", 1), 1);
	assert_int_equal(utf8_strlen("\xc0\xaf", 2), 2);
	assert_int_equal(utf8_strlen("\xec\x95", 2), 2);
	assert_int_equal(utf8_strlen(HELLO, 14), 4 + 2);
	assert_int_equal(utf8_strlen("\x80\x80\x80" "a", 4), 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_good),
		cmocka_unit_test(test_valid_bad),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_decode_errors),
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_encode_replacement),
		cmocka_unit_test(test_encode_all),
		cmocka_unit_test(test_cut_hangul),
		cmocka_unit_test(test_cut_mixed),
		cmocka_unit_test(test_cut_invalid),
		cmocka_unit_test(test_strlen),
	};

	return (cmocka_run_group_tests_name("utf8", tests, NULL, NULL));
}
