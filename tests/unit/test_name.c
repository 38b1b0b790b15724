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

/* Unit tests for name.c: nick and channel rules, folding and masks. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "name.h"

static void	nick_ok(const char *);
static void	nick_bad(const char *);
static void	chan_ok(const char *);
static void	chan_bad(const char *);
static char	*repeat(const char *, const char *, size_t);
static int	sign(int);

static void
nick_ok(const char *nick)
{
	const char	*errstr = NULL;

	if (!name_nick_valid(nick, NAME_NICKLEN, &errstr))
		fail_msg("nick \"%s\" refused: %s", nick, errstr);
}

/* nick must be refused, with a reason. */
static void
nick_bad(const char *nick)
{
	const char	*errstr = NULL;

	if (name_nick_valid(nick, NAME_NICKLEN, &errstr))
		fail_msg("nick \"%s\" accepted", nick);
	assert_non_null(errstr);
}

static void
chan_ok(const char *chan)
{
	const char	*errstr = NULL;

	if (!name_chan_valid(chan, &errstr))
		fail_msg("channel \"%s\" refused: %s", chan, errstr);
}

static void
chan_bad(const char *chan)
{
	const char	*errstr = NULL;

	if (name_chan_valid(chan, &errstr))
		fail_msg("channel \"%s\" accepted", chan);
	assert_non_null(errstr);
}

/* Return a new string: start, then n copies of s. */
static char *
repeat(const char *start, const char *s, size_t n)
{
	size_t	 slen = strlen(start), len = strlen(s), i;
	char	*p;

	p = malloc(slen + len * n + 1);
	assert_non_null(p);
	memcpy(p, start, slen);
	for (i = 0; i < n; i++)
		memcpy(p + slen + i * len, s, len);
	p[slen + len * n] = '\0';
	return (p);
}

static int
sign(int n)
{
	return ((n > 0) - (n < 0));
}

static void
test_nick_ascii(void **state)
{
	static const char *const good[] = {
		"alice", "a", "Z", "Bob", "[", "]", "\\", "`", "_", "^", "{",
		"|", "}", "[afk]", "a1", "a-", "a-b", "x9-9", "_-_", "^^",
		"{alice}", "`1", "|-", "aB3-[]\\`_^{|}",
	};
	static const char *const bad[] = {
		"", "1", "1abc", "9z", "-", "-a", "a b", " alice", "alice ",
		"a,b", "a!b", "a@b", "alice!u@h", "#chan", "#", "&a", ":nick",
		":", "a:b", "a.b", "a*", "a?", "a~", "~a", "a$", "a%", "a'",
		"a\"", "a/b", "a+b", "a=b", "a;b", "a<b", "a>b", "+v", "@op",
		"a\tb", "a\x01", "\x01", "a\x07", "a\x1b[0m", "a\x7f", "\x7f",
		"a\r", "a\n",
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		nick_ok(good[i]);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		nick_bad(bad[i]);
}

static void
test_nick_unicode(void **state)
{
	static const char *const good[] = {
		"철수", "영희", "김철수", "철수_2", "a철수", "철수-",
		"Ärger", "café", "e\xcc\x81", "Zoë", "Ωmega", "łukasz",
		"ゆき", "小明", "\xf0\x9f\x98\x80",
	};
	static const char *const bad[] = {
		"1철수", "-철수", "철 수", "철수!", "철수@host", "철,수",
		"#철수", ":철수", "철수\x01",
		"ali\xe2\x80\x8b" "ce",		/* U+200B zero-width space */
		"\xe2\x80\x8b",
		"\xe2\x80\xae" "ecila",		/* U+202E RLO */
		"alice\xe2\x80\xae",
		"\xef\xbb\xbf" "alice",		/* U+FEFF BOM */
		"\xe3\x85\xa4",			/* U+3164 Hangul filler */
		"철\xe3\x85\xa4수",
		"\xef\xbe\xa0",			/* U+FFA0 halfwidth filler */
		"\xe1\x85\x9f" "a",		/* U+115F choseong filler */
		"a\xe1\x85\xa0",		/* U+1160 jungseong filler */
		"a\xc2\xa0" "b",		/* U+00A0 no-break space */
		"a\xc2\xad" "b",		/* U+00AD soft hyphen */
		"a\xc2\x85",			/* U+0085 C1 control */
		"a\xe2\x80\x8d" "b",		/* U+200D ZWJ */
		"a\xe2\x80\x8e",		/* U+200E LRM */
		"a\xe2\x81\xa0",		/* U+2060 word joiner */
		"a\xe2\x81\xa6",		/* U+2066 LRI */
		"\xd8\x9c" "a",			/* U+061C Arabic letter mark */
		"a\xe3\x80\x80",		/* U+3000 ideographic space */
		"a\xe2\xa0\x80",		/* U+2800 braille blank */
		"a\xef\xb8\x8f",		/* U+FE0F variation selector */
		"a\xf3\xa0\x80\x81",		/* U+E0001 language tag */
		"a\xef\xbf\xbd",		/* U+FFFD */
		/* A combining mark first. */
		"\xcc\x81" "a",			/* U+0301 */
		"\xcd\xaf",			/* U+036F */
		"\xe1\xb7\x80" "a",		/* U+1DC0 */
		"\xe2\x83\x90" "a",		/* U+20D0 */
		"\xef\xb8\xa0" "a",		/* U+FE20 */
		/* Not UTF-8. */
		"\xff", "a\xff", "a\xc0\xaf", "a\xed\xa0\x80",
		"a\xf4\x90\x80\x80", "철\xec\x88", "\xec\x88", "\x80" "a",
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		nick_ok(good[i]);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		nick_bad(bad[i]);
}

/* The limit is in code points: 30 Hangul (90 bytes) are fine, 31 not. */
static void
test_nick_length(void **state)
{
	const char	*errstr;
	char		*s;

	(void)state;
	s = repeat("", "철", NAME_NICKLEN);
	assert_int_equal(strlen(s), 3 * NAME_NICKLEN);
	nick_ok(s);
	free(s);
	s = repeat("", "철", NAME_NICKLEN + 1);
	nick_bad(s);
	free(s);

	s = repeat("", "a", NAME_NICKLEN);
	nick_ok(s);
	free(s);
	s = repeat("", "a", NAME_NICKLEN + 1);
	nick_bad(s);
	free(s);

	/* 4-byte characters: NAME_NICKMAX bytes. */
	s = repeat("", "\xf0\x9f\x98\x80", NAME_NICKLEN);
	assert_int_equal(strlen(s), NAME_NICKMAX);
	nick_ok(s);
	free(s);
	s = repeat("", "\xf0\x9f\x98\x80", NAME_NICKLEN + 1);
	nick_bad(s);
	free(s);

	/* The caller's limit is used. */
	assert_true(name_nick_valid("alice", 5, &errstr));
	assert_false(name_nick_valid("alice", 4, &errstr));
	assert_true(name_nick_valid("철수", 2, &errstr));
	assert_false(name_nick_valid("철수", 1, &errstr));
	assert_false(name_nick_valid("a", 0, &errstr));
}

static void
test_chan(void **state)
{
	static const char *const good[] = {
		"#a", "#natter", "##", "#a-b_c.d", "#C++", "#1", "#!@$%",
		"#한국어", "#한국어-채팅", "#철수와영희", "#café", "#a#b",
		"#[x]", "#\xf0\x9f\x98\x80",
	};
	static const char *const bad[] = {
		"", "#", "a", "natter", "&a", "+a", "!a", " #a", ":#a",
		"#a b", "#a,b", "#a:b", "#:", "#,", "# ", "#a\x07",
		"#\x07", "#a\x01", "#a\t", "#a\x7f", "#a\r", "#a\n",
		"#a\xc2\x85", "#a\xc2\xa0",
		"#a\xe2\x80\x8b",		/* U+200B */
		"#\xe2\x80\xae" "a",		/* U+202E */
		"#\xef\xbb\xbf" "a",		/* BOM */
		"#\xe3\x85\xa4",		/* U+3164 */
		"#\xff", "#a\xc0\xaf", "#\xed\xa0\x80", "#한\xea\xb5",
	};
	size_t	 i;
	char	*s;

	(void)state;
	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		chan_ok(good[i]);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		chan_bad(bad[i]);

	/* NAME_CHANLEN is in bytes, with the '#'. */
	s = repeat("#", "a", NAME_CHANLEN - 1);
	assert_int_equal(strlen(s), NAME_CHANLEN);
	chan_ok(s);
	free(s);
	s = repeat("#", "a", NAME_CHANLEN);
	chan_bad(s);
	free(s);

	/* 16 syllables are 49 bytes with the '#', 17 are 52. */
	s = repeat("#", "한", 16);
	assert_int_equal(strlen(s), 49);
	chan_ok(s);
	free(s);
	s = repeat("#a", "한", 16);
	assert_int_equal(strlen(s), 50);
	chan_ok(s);
	free(s);
	s = repeat("#", "한", 17);
	chan_bad(s);
	free(s);

	assert_true(name_is_chan("#a"));
	assert_true(name_is_chan("#"));
	assert_false(name_is_chan("a"));
	assert_false(name_is_chan(""));
	assert_false(name_is_chan("&a"));
}

/* Spot checks on both sides of the edges of name.c's table. */
static void
test_ok_cp(void **state)
{
	static const struct {
		unsigned int	 cp;
		int		 ok;
	} tests[] = {
		{ 0x00, 0 }, { 0x1f, 0 }, { 0x20, 0 }, { 0x21, 1 },
		{ 0x41, 1 }, { 0x7e, 1 }, { 0x7f, 0 }, { 0x85, 0 },
		{ 0xa0, 0 }, { 0xa1, 1 }, { 0xac, 1 }, { 0xad, 0 },
		{ 0xae, 1 }, { 0x34e, 1 }, { 0x34f, 0 }, { 0x350, 1 },
		{ 0x115e, 1 }, { 0x115f, 0 }, { 0x1160, 0 }, { 0x1161, 1 },
		{ 0x1fff, 1 }, { 0x2000, 0 }, { 0x200b, 0 }, { 0x200f, 0 },
		{ 0x2010, 1 }, { 0x2027, 1 }, { 0x2028, 0 }, { 0x202e, 0 },
		{ 0x202f, 0 }, { 0x2030, 1 }, { 0x205e, 1 }, { 0x205f, 0 },
		{ 0x206f, 0 }, { 0x2070, 1 }, { 0x3000, 0 }, { 0x3001, 1 },
		{ 0x3163, 1 }, { 0x3164, 0 }, { 0x3165, 1 }, { 0xac00, 1 },
		{ 0xd7a3, 1 }, { 0xd7ff, 1 }, { 0xd800, 0 }, { 0xdfff, 0 },
		{ 0xe000, 1 }, { 0xfdff, 1 }, { 0xfe00, 0 }, { 0xfe0f, 0 },
		{ 0xfe10, 1 }, { 0xfefe, 1 }, { 0xfeff, 0 }, { 0xff00, 1 },
		{ 0xffa0, 0 }, { 0xffef, 1 }, { 0xfff0, 0 }, { 0xfffd, 0 },
		{ 0xffff, 0 }, { 0x10000, 1 }, { 0x1f600, 1 },
		{ 0xdffff, 1 }, { 0xe0000, 0 }, { 0xe0fff, 0 },
		{ 0xe1000, 1 }, { 0x10fffd, 1 }, { 0x110000, 0 },
		{ 0xffffffff, 0 },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof tests / sizeof tests[0]; i++) {
		if (name_ok_cp(tests[i].cp) != tests[i].ok)
			fail_msg("name_ok_cp(U+%04X) != %d", tests[i].cp,
			    tests[i].ok);
	}
}

static void
test_fold(void **state)
{
	char	 out[64];

	(void)state;
	name_fold(out, "ALICE", sizeof out);
	assert_string_equal(out, "alice");
	name_fold(out, "MiXeD-Case_09", sizeof out);
	assert_string_equal(out, "mixed-case_09");

	/* CASEMAPPING=ascii: []\~ are not {}|^, and only A-Z fold. */
	name_fold(out, "[]\\~", sizeof out);
	assert_string_equal(out, "[]\\~");
	name_fold(out, "\xc3\x84rger", sizeof out);	/* Ärger */
	assert_string_equal(out, "\xc3\x84rger");
	name_fold(out, "철수ABC", sizeof out);
	assert_string_equal(out, "철수abc");
	name_fold(out, "@Z[`{", sizeof out);
	assert_string_equal(out, "@z[`{");
	name_fold(out, "", sizeof out);
	assert_string_equal(out, "");

	/* A small buffer truncates but always terminates. */
	name_fold(out, "ABCDEF", 4);
	assert_string_equal(out, "abc");
	name_fold(out, "ABCDEF", 1);
	assert_string_equal(out, "");
	out[0] = 'x';
	name_fold(out, "ABCDEF", 0);
	assert_int_equal(out[0], 'x');

	/* In place. */
	strcpy(out, "NaTTeR");
	name_fold(out, out, sizeof out);
	assert_string_equal(out, "natter");
}

static void
test_cmp(void **state)
{
	static const char *const names[] = {
		"", "a", "A", "ab", "aB", "b", "alice", "ALICE", "Alicf",
		"_", "[", "{", "\\", "|", "~", "^", "@", "`", "z", "Z",
		"\xc3\x84", "\xc3\xa4", "철수", "영희", "a\xff",
	};
	char	 fa[64], fb[64];
	size_t	 i, j;

	(void)state;
	assert_int_equal(name_cmp("ALICE", "alice"), 0);
	assert_int_equal(name_cmp("aLiCe", "AlIcE"), 0);
	assert_int_equal(name_cmp("철수", "철수"), 0);
	assert_int_equal(name_cmp("", ""), 0);
	assert_true(name_cmp("alice", "alicf") < 0);
	assert_true(name_cmp("ALICF", "alice") > 0);
	assert_true(name_cmp("a", "ab") < 0);
	assert_true(name_cmp("AB", "a") > 0);

	/* Only ASCII folds: Ä (C3 84) and ä (C3 A4) differ. */
	assert_int_not_equal(name_cmp("\xc3\x84", "\xc3\xa4"), 0);
	assert_int_not_equal(name_cmp("\xc3\x84rger", "\xc3\xa4rger"), 0);
	assert_int_not_equal(name_cmp("[", "{"), 0);
	assert_int_not_equal(name_cmp("\\", "|"), 0);
	assert_int_not_equal(name_cmp("~", "^"), 0);

	/*
	 * The order must be that of the folded bytes, unsigned, and
	 * antisymmetric: the nick tree depends on it.
	 */
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		for (j = 0; j < sizeof names / sizeof names[0]; j++) {
			name_fold(fa, names[i], sizeof fa);
			name_fold(fb, names[j], sizeof fb);
			assert_int_equal(sign(name_cmp(names[i], names[j])),
			    sign(strcmp(fa, fb)));
			assert_int_equal(sign(name_cmp(names[i], names[j])),
			    -sign(name_cmp(names[j], names[i])));
		}
	}
}

static void
test_match(void **state)
{
	static const struct {
		const char	*mask;
		const char	*name;
		int		 match;
	} tests[] = {
		{ "*", "", 1 },
		{ "*", "anything at all", 1 },
		{ "**", "", 1 },
		{ "**", "x", 1 },
		{ "***", "abc", 1 },
		{ "", "", 1 },
		{ "", "a", 0 },
		{ "a", "", 0 },
		{ "?", "", 0 },
		{ "*?", "", 0 },
		{ "*?", "x", 1 },
		{ "?*", "x", 1 },
		{ "a", "a", 1 },
		{ "a", "b", 0 },
		{ "a", "aa", 0 },
		{ "aa", "a", 0 },
		{ "a*", "a", 1 },
		{ "a*", "abc", 1 },
		{ "a*", "ba", 0 },
		{ "a*", "", 0 },
		{ "*b", "b", 1 },
		{ "*b", "aab", 1 },
		{ "*b", "ba", 0 },
		{ "*b", "bab", 1 },
		{ "a?c", "abc", 1 },
		{ "a?c", "a?c", 1 },
		{ "a?c", "ac", 0 },
		{ "a?c", "abbc", 0 },
		{ "a?c", "abd", 0 },
		{ "???", "abc", 1 },
		{ "???", "ab", 0 },
		{ "a*b*c", "abc", 1 },
		{ "a*b*c", "aXbYc", 1 },
		{ "a*b*c", "acb", 0 },
		{ "*a", "aaa", 1 },
		{ "a*a", "a", 0 },
		{ "a*a", "aa", 1 },
		{ "*.example", "host.example", 1 },
		{ "*.example", "host.example.org", 0 },
		{ "*!*@*.example", "nick!user@host.example", 1 },
		{ "*!*@*.example", "nick!user@example", 0 },
		{ "nick!*@*", "nick!~u@10.0.0.1", 1 },
		{ "nick!*@*", "nickname!~u@h", 0 },
		/* Case-insensitive, ASCII only, on both sides. */
		{ "ALICE", "alice", 1 },
		{ "alice", "ALICE", 1 },
		{ "A*E", "alice", 1 },
		{ "*!*@HOST", "Bob!u@host", 1 },
		{ "\xc3\x84*", "\xc3\xa4rger", 0 },
		{ "\xc3\x84*", "\xc3\x84rger", 1 },
		/* Hangul: '*' works; '?' is one byte, as name.c says. */
		{ "철*", "철수", 1 },
		{ "*수", "철수", 1 },
		{ "*희", "철수", 0 },
		{ "철?", "철수", 0 },
		{ "철???", "철수", 1 },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof tests / sizeof tests[0]; i++) {
		if (name_match(tests[i].mask, tests[i].name) !=
		    tests[i].match)
			fail_msg("name_match(\"%s\", \"%s\") != %d",
			    tests[i].mask, tests[i].name, tests[i].match);
	}
}

/*
 * A backtracking matcher takes exponential time on masks like this one;
 * name_match must not. A generous bound still catches that, even in the
 * sanitizer build on a slow machine.
 */
static void
test_match_pathological(void **state)
{
	struct timespec	 t0, t1;
	double		 secs;
	char		*name, *mask;

	(void)state;
	name = repeat("", "a", 100000);
	mask = repeat("", "*a", 50);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_false(name_match("*a*a*a*a*a*b", name));
	assert_true(name_match("*a*a*a*a*a*a", name));
	assert_true(name_match("*a*a*a*a*a*", name));
	assert_false(name_match("a*a*a*a*a*a*a*a*a*a*a*a*b", name));
	assert_true(name_match(mask, name));
	assert_false(name_match("*aaaaaaaaaaaaaaaaaaab", name));
	name[0] = 'b';
	assert_false(name_match("a*a*a*a*a*", name));
	clock_gettime(CLOCK_MONOTONIC, &t1);

	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (secs > 2.0)
		fail_msg("pathological masks took %.2f s", secs);
	free(mask);
	free(name);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nick_ascii),
		cmocka_unit_test(test_nick_unicode),
		cmocka_unit_test(test_nick_length),
		cmocka_unit_test(test_chan),
		cmocka_unit_test(test_ok_cp),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_cmp),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_match_pathological),
	};

	return (cmocka_run_group_tests_name("name", tests, NULL, NULL));
}
