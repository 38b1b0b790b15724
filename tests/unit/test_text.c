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

/* Unit tests for client/text.c: widths, fitting, sanitising, splitting. */

#include <langinfo.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "natter.h"
#include "utf8.h"

static void
test_width_korean(void **state)
{
	(void)state;
	/* 5 code points, 15 bytes, 10 columns. */
	assert_int_equal(strlen("안녕하세요"), 15);
	assert_int_equal(utf8_strlen("안녕하세요", 15), 5);
	assert_int_equal(text_width("안녕하세요"), 10);
	assert_int_equal(text_width("abc"), 3);
	assert_int_equal(text_width("한글abc"), 7);
	assert_int_equal(text_width(""), 0);
}

static void
test_width_other(void **state)
{
	(void)state;
	assert_int_equal(text_width("\xf0\x9f\x91\x8d"), 2);	/* thumbs up */
	assert_int_equal(text_width("e\xcc\x81"), 1);	/* e + combining acute */
	assert_int_equal(text_width("日本"), 4);
	/* Formatting codes take no columns, their digits neither. */
	assert_int_equal(text_width("\00304,12red\017 \002b\002"), 5);
	assert_int_equal(text_cwidth(0x1b), 1);	/* no width: assume one */
	assert_false(text_printable(0x1b));
	assert_true(text_printable(0xac00));
}

static void
test_fit(void **state)
{
	int	 used;
	char	*p;

	(void)state;
	/* Never half a wide character. */
	assert_int_equal(text_fit("안녕하세요", 5, &used), 6);
	assert_int_equal(used, 4);
	assert_int_equal(text_fit("안녕하세요", 6, &used), 9);
	assert_int_equal(used, 6);
	assert_int_equal(text_fit("안녕하세요", 1, &used), 0);
	assert_int_equal(text_fit("ab안", 3, &used), 2);
	assert_int_equal(text_fit("abc", 10, &used), 3);
	assert_int_equal(used, 3);
	p = text_pad("안녕하세요", 5);
	assert_string_equal(p, "안녕 ");
	assert_int_equal(text_width(p), 5);
	free(p);
	p = text_pad("ab", 4);
	assert_string_equal(p, "ab  ");
	free(p);
}

static void
test_sanitize_controls(void **state)
{
	char	*s;

	(void)state;
	s = text_sanitize_str("x \033]2;PWNED\007 \033[2J \033[31mRED\033[0m",
	    TEXT_FORMAT);
	assert_string_equal(s, "x ^[]2;PWNED^G ^[[2J ^[[31mRED^[[0m");
	assert_null(strchr(s, '\033'));
	free(s);
	s = text_sanitize_str("a\177b\tc\rd\ne", TEXT_FORMAT);
	assert_string_equal(s, "a^?b c^Md^Je");
	free(s);
	/* C1 controls: CSI (U+009B) must not reach an 8-bit terminal. */
	s = text_sanitize_str("a\xc2\x9b" "31mb", TEXT_FORMAT);
	assert_string_equal(s, "a^[[31mb");
	free(s);
}

static void
test_sanitize_utf8(void **state)
{
	char	*s;

	(void)state;
	s = text_sanitize_str("bad \xff\xfe end", 0);
	assert_string_equal(s, "bad \xef\xbf\xbd\xef\xbf\xbd end");
	assert_true(utf8_valid(s, strlen(s)));
	free(s);
	/* A cut Hangul syllable (2 of its 3 bytes). */
	s = text_sanitize_str("\xea\xb0", 0);
	assert_string_equal(s, "\xef\xbf\xbd\xef\xbf\xbd");
	free(s);
	/* Overlong encodings are not a way around the filter. */
	s = text_sanitize_str("\xc0\x9b", 0);
	assert_null(strchr(s, '\033'));
	assert_true(utf8_valid(s, strlen(s)));
	free(s);
	/* A right-to-left override would reorder what follows. */
	s = text_sanitize_str("a\xe2\x80\xae" "cba" "\xe2\x81\xa6" "x", 0);
	assert_string_equal(s, "a\xef\xbf\xbd" "cba\xef\xbf\xbdx");
	free(s);
	s = text_sanitize_str("안녕 👍", 0);
	assert_string_equal(s, "안녕 👍");
	free(s);
}

static void
test_sanitize_format(void **state)
{
	char	*s;

	(void)state;
	s = text_sanitize_str("\002bold\002 \00304red", TEXT_FORMAT);
	assert_string_equal(s, "\002bold\002 \00304red");
	free(s);
	s = text_sanitize_str("\002bold\002 \00304red", 0);
	assert_string_equal(s, "^Bbold^B ^C04red");
	free(s);
}

static void
test_style(void **state)
{
	struct style	 st = { 0, -1, -1 };

	(void)state;
	assert_int_equal(text_style("\00304,12x", &st), 6);
	assert_int_equal(st.fg, 4);
	assert_int_equal(st.bg, 12);
	assert_int_equal(text_style("\0035x", &st), 2);
	assert_int_equal(st.fg, 5);
	assert_int_equal(text_style("\003,x", &st), 1);
	assert_int_equal(st.fg, -1);
	assert_int_equal(text_style("\002", &st), 1);
	assert_true(st.attr & STYLE_BOLD);
	assert_int_equal(text_style("\017", &st), 1);
	assert_int_equal(st.attr, 0);
	assert_int_equal(text_style("x", &st), 0);
	assert_int_equal(text_style("\004ff00ffz", NULL), 7);
}

/* Split like command.c does and check every part. */
static void
split_check(const char *text, size_t max)
{
	const char	*p = text;
	size_t		 len = strlen(text), n, total = 0;
	char		*joined = calloc(1, len + 1);

	while (len > 0) {
		n = text_split(p, len, max);
		assert_true(n > 0);
		assert_true(n <= max);
		assert_true(utf8_valid(p, n));
		memcpy(joined + total, p, n);
		total += n;
		p += n;
		len -= n;
	}
	assert_string_equal(joined, text);
	free(joined);
}

static void
test_split_hangul(void **state)
{
	char	 text[1024] = "";
	size_t	 i, max;

	(void)state;
	/* 201 syllables, 603 bytes: the tutorial's long message. */
	for (i = 0; i < 201; i++)
		strcat(text, i % 2 ? "한" : "글");
	assert_int_equal(strlen(text), 603);
	for (max = 4; max < 610; max += 7)
		split_check(text, max);
	/* 100 bytes hold 33 syllables, not 33 and a third. */
	assert_int_equal(text_split(text, strlen(text), 100), 99);
	split_check("mixed 안녕하세요 text with spaces and 👍 emoji", 10);
}

static void
test_split_words(void **state)
{
	const char	*s = "hello world and more";

	(void)state;
	/* A space near the end of the part is a better place to cut. */
	assert_int_equal(text_split(s, strlen(s), 13), 12);
	assert_int_equal(text_split(s, strlen(s), 100), strlen(s));
	/* A base character stays with its combining mark. */
	assert_int_equal(text_split("abe\xcc\x81x", 6, 4), 2);
}

/*
 * Nick colours: the same for a nick in any ASCII case, always one of the
 * palette's, and different nicks do not all get the same one.
 */
static void
test_nick_color(void **state)
{
	static const int	 palette[] = { 2, 3, 4, 5, 6, 7, 9, 10, 12, 13 };
	static const char	*nicks[] = {
		"alice", "bob", "carol", "dave", "eve", "frank", "grace",
		"heidi", "ivan", "judy", "mallory", "oscar", "peggy", "trent",
		"victor", "walter", "철수", "영희", "a", "[x]", "nick_",
	};
	int			 seen[16] = { 0 }, c, ncolors = 0;
	size_t			 i, j;

	(void)state;
	assert_int_equal(text_nick_color("Alice"), text_nick_color("alice"));
	assert_int_equal(text_nick_color("ALICE"), text_nick_color("alice"));
	assert_int_equal(text_nick_color("BoB_[1]"),
	    text_nick_color("bob_[1]"));
	assert_int_equal(text_nick_color("철수ABC"), text_nick_color("철수abc"));
	for (i = 0; i < sizeof nicks / sizeof nicks[0]; i++) {
		c = text_nick_color(nicks[i]);
		for (j = 0; j < sizeof palette / sizeof palette[0]; j++) {
			if (palette[j] == c)
				break;
		}
		assert_true(j < sizeof palette / sizeof palette[0]);
		if (seen[c]++ == 0)
			ncolors++;
	}
	assert_true(ncolors >= 4);
	c = text_nick_color("");
	for (j = 0; j < sizeof palette / sizeof palette[0]; j++)
		if (palette[j] == c)
			break;
	assert_true(j < sizeof palette / sizeof palette[0]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_width_korean),
		cmocka_unit_test(test_width_other),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_sanitize_controls),
		cmocka_unit_test(test_sanitize_utf8),
		cmocka_unit_test(test_sanitize_format),
		cmocka_unit_test(test_style),
		cmocka_unit_test(test_split_hangul),
		cmocka_unit_test(test_split_words),
		cmocka_unit_test(test_nick_color),
	};

	setlocale(LC_ALL, "C.UTF-8");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		return (1);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
