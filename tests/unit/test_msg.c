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

/* Unit tests for msg.c: parsing IRC lines, tags and formatting them back. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "msg.h"

#define LINE_MAX_TEST	1024

static int	parse(struct msg *, char *, const char *, const char **);
static void	parse_ok(struct msg *, char *, const char *);
static void	parse_bad(const char *);
static void	format_bad(const char *, const char *, int,
		    const char *const *);

/*
 * Copy s into buf (LINE_MAX_TEST bytes) and parse it there: msg_parse
 * works in place, and the test strings are literals.
 */
static int
parse(struct msg *m, char *buf, const char *s, const char **errstr)
{
	size_t	 len = strlen(s);

	assert_true(len < LINE_MAX_TEST);
	memcpy(buf, s, len + 1);
	*errstr = NULL;
	return (msg_parse(m, buf, errstr));
}

static void
parse_ok(struct msg *m, char *buf, const char *s)
{
	const char	*errstr;

	if (parse(m, buf, s, &errstr) != 0)
		fail_msg("\"%s\" refused: %s", s, errstr);
}

/* s must be refused, with a reason. */
static void
parse_bad(const char *s)
{
	char		 buf[LINE_MAX_TEST];
	struct msg	 m;
	const char	*errstr;

	if (parse(&m, buf, s, &errstr) != -1)
		fail_msg("\"%s\" accepted", s);
	assert_non_null(errstr);
	assert_true(*errstr != '\0');
}

/* The parts must be refused, even with plenty of room in the buffer. */
static void
format_bad(const char *prefix, const char *cmd, int nparams,
    const char *const *params)
{
	char	 buf[MSG_LINELEN + 1];

	memset(buf, 'x', sizeof buf);
	assert_int_equal(msg_format(buf, sizeof buf, prefix, cmd, nparams,
	    params), -1);
}

static void
test_parse_simple(void **state)
{
	char		 buf[LINE_MAX_TEST];
	struct msg	 m;

	(void)state;
	parse_ok(&m, buf, "PING");
	assert_null(m.tags);
	assert_null(m.prefix);
	assert_string_equal(m.cmd, "PING");
	assert_int_equal(m.nparams, 0);

	parse_ok(&m, buf, "PING :irc.example.org");
	assert_string_equal(m.cmd, "PING");
	assert_int_equal(m.nparams, 1);
	assert_string_equal(m.params[0], "irc.example.org");

	parse_ok(&m, buf, "NICK alice");
	assert_string_equal(m.cmd, "NICK");
	assert_int_equal(m.nparams, 1);
	assert_string_equal(m.params[0], "alice");
}

static void
test_parse_all_parts(void **state)
{
	char		 buf[LINE_MAX_TEST];
	struct msg	 m;

	(void)state;
	parse_ok(&m, buf, "@time=2026-01-01T00:00:00.000Z;msgid=x1 "
	    ":alice!~a@host.example PRIVMSG #natter :hello there world\r\n");
	assert_string_equal(m.tags,
	    "time=2026-01-01T00:00:00.000Z;msgid=x1");
	assert_string_equal(m.prefix, "alice!~a@host.example");
	assert_string_equal(m.cmd, "PRIVMSG");
	assert_int_equal(m.nparams, 2);
	assert_string_equal(m.params[0], "#natter");
	assert_string_equal(m.params[1], "hello there world");

	/* Every pointer points into the line itself: nothing allocated. */
	assert_true(m.tags > buf && m.tags < buf + LINE_MAX_TEST);
	assert_true(m.params[1] > m.params[0]);

	/* Tags without a prefix, prefix without tags. */
	parse_ok(&m, buf, "@a=1 PING x");
	assert_string_equal(m.tags, "a=1");
	assert_null(m.prefix);
	assert_string_equal(m.cmd, "PING");
	assert_string_equal(m.params[0], "x");

	parse_ok(&m, buf, ":srv.example 001 alice :Welcome to natter");
	assert_null(m.tags);
	assert_string_equal(m.prefix, "srv.example");
	assert_string_equal(m.cmd, "001");
	assert_int_equal(m.nparams, 2);
	assert_string_equal(m.params[0], "alice");
	assert_string_equal(m.params[1], "Welcome to natter");

	/* Middle parameters only, no trailing one. */
	parse_ok(&m, buf, "USER alice 0 * realname");
	assert_int_equal(m.nparams, 4);
	assert_string_equal(m.params[0], "alice");
	assert_string_equal(m.params[1], "0");
	assert_string_equal(m.params[2], "*");
	assert_string_equal(m.params[3], "realname");

	/* An empty tag list is still tags, not absent. */
	parse_ok(&m, buf, "@ PING");
	assert_non_null(m.tags);
	assert_string_equal(m.tags, "");
	assert_string_equal(m.cmd, "PING");
}

static void
test_parse_line_endings(void **state)
{
	static const char *const lines[] = {
		"PRIVMSG #a :hi there",
		"PRIVMSG #a :hi there\n",
		"PRIVMSG #a :hi there\r\n",
	};
	char		 buf[LINE_MAX_TEST];
	struct msg	 m;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		parse_ok(&m, buf, lines[i]);
		assert_string_equal(m.cmd, "PRIVMSG");
		assert_int_equal(m.nparams, 2);
		assert_string_equal(m.params[0], "#a");
		assert_string_equal(m.params[1], "hi there");
	}

	/* The line end goes with a middle parameter too. */
	parse_ok(&m, buf, "JOIN #a\r\n");
	assert_int_equal(m.nparams, 1);
	assert_string_equal(m.params[0], "#a");
	parse_ok(&m, buf, "QUIT\n");
	assert_string_equal(m.cmd, "QUIT");
	assert_int_equal(m.nparams, 0);
}

static void
test_parse_spaces(void **state)
{
	char		 buf[LINE_MAX_TEST];
	struct msg	 m;

	(void)state;
	parse_ok(&m, buf, "@t=1   :nick!u@h    MODE   #a    +o    bob");
	assert_string_equal(m.tags, "t=1");
	assert_string_equal(m.prefix, "nick!u@h");
	assert_string_equal(m.cmd, "MODE");
	assert_int_equal(m.nparams, 3);
	assert_string_equal(m.params[0], "#a");
	assert_string_equal(m.params[1], "+o");
	assert_string_equal(m.params[2], "bob");

	/* Spaces before the trailing parameter and after the last one. */
	parse_ok(&m, buf, "PRIVMSG   #a     :x\r\n");
	assert_int_equal(m.nparams, 2);
	assert_string_equal(m.params[1], "x");
	parse_ok(&m, buf, "JOIN #a   \r\n");
	assert_int_equal(m.nparams, 1);
	assert_string_equal(m.params[0], "#a");
	parse_ok(&m, buf, "PING   ");
	assert_string_equal(m.cmd, "PING");
	assert_int_equal(m.nparams, 0);

	/* Spaces in front of the whole line are skipped. */
	parse_ok(&m, buf, "   PING x");
	assert_string_equal(m.cmd, "PING");
	assert_string_equal(m.params[0], "x");
}

static void
test_parse_trailing(void **state)
{
	char		 buf[LINE_MAX_TEST];
	struct msg	 m;

	(void)state;
	/* Only the first ':' goes; spaces inside and at the end are kept. */
	parse_ok(&m, buf, "PRIVMSG #a ::-) two  spaces, end space \r\n");
	assert_int_equal(m.nparams, 2);
	assert_string_equal(m.params[1], ":-) two  spaces, end space ");

	parse_ok(&m, buf, "PRIVMSG #a :  leading");
	assert_string_equal(m.params[1], "  leading");

	/* ':' alone is an empty trailing parameter, which still counts. */
	parse_ok(&m, buf, "TOPIC #a :");
	assert_int_equal(m.nparams, 2);
	assert_string_equal(m.params[0], "#a");
	assert_string_equal(m.params[1], "");
	parse_ok(&m, buf, "TOPIC #a :\r\n");
	assert_int_equal(m.nparams, 2);
	assert_string_equal(m.params[1], "");

	/* A trailing parameter that is the only one. */
	parse_ok(&m, buf, "QUIT :bye bye");
	assert_int_equal(m.nparams, 1);
	assert_string_equal(m.params[0], "bye bye");

	/* A ':' inside a middle parameter is just a character. */
	parse_ok(&m, buf, "PRIVMSG a:b :c");
	assert_string_equal(m.params[0], "a:b");
	assert_string_equal(m.params[1], "c");

	/* Hangul passes through as bytes. */
	parse_ok(&m, buf, "PRIVMSG #한국 :안녕하세요 여러분");
	assert_string_equal(m.params[0], "#한국");
	assert_string_equal(m.params[1], "안녕하세요 여러분");
}

static void
test_parse_max_params(void **state)
{
	char		 buf[LINE_MAX_TEST];
	struct msg	 m;
	char		 want[16];
	int		 i;

	(void)state;
	/* Exactly 15 middle parameters. */
	parse_ok(&m, buf, "CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15");
	assert_int_equal(m.nparams, MSG_MAXPARAMS);
	for (i = 0; i < MSG_MAXPARAMS; i++) {
		snprintf(want, sizeof want, "%d", i + 1);
		assert_string_equal(m.params[i], want);
	}

	/* The 15th takes the rest of the line, without needing a ':'. */
	parse_ok(&m, buf,
	    "CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 :17 eighteen\r\n");
	assert_int_equal(m.nparams, MSG_MAXPARAMS);
	assert_string_equal(m.params[13], "14");
	assert_string_equal(m.params[14], "15 16 :17 eighteen");

	/* A ':' on the 15th is still taken off. */
	parse_ok(&m, buf, "CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 :a b");
	assert_int_equal(m.nparams, MSG_MAXPARAMS);
	assert_string_equal(m.params[14], "a b");

	/* Spaces before the 15th are separators, not part of it. */
	parse_ok(&m, buf, "CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14    x y");
	assert_int_equal(m.nparams, MSG_MAXPARAMS);
	assert_string_equal(m.params[14], "x y");

	/* 14 parameters and a trailing one: 15 in all. */
	parse_ok(&m, buf, "CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 :14 x");
	assert_int_equal(m.nparams, 14);
	assert_string_equal(m.params[13], "14 x");
}

static void
test_parse_commands(void **state)
{
	static const char *const bad[] = {
		"12 x", "1234 x", "1 x", "12a x", "1a3 x", "0012",
		"PRIV-MSG #a :x", "PRIV1 #a", "PRIV_MSG", "PRIVMSG\t#a",
		"\xc3\x84RGER x", "CMD\x01", "-X",
	};
	char		 buf[LINE_MAX_TEST];
	struct msg	 m;
	size_t		 i;

	(void)state;
	parse_ok(&m, buf, "001 alice :Welcome");
	assert_string_equal(m.cmd, "001");
	parse_ok(&m, buf, ":srv 433 * alice :Nickname is already in use");
	assert_string_equal(m.cmd, "433");
	assert_int_equal(m.nparams, 3);
	parse_ok(&m, buf, "000");
	assert_string_equal(m.cmd, "000");
	parse_ok(&m, buf, "999 x");
	assert_string_equal(m.cmd, "999");

	/* Commands are case-insensitive; the parser upper-cases them. */
	parse_ok(&m, buf, "privmsg #a :Hi");
	assert_string_equal(m.cmd, "PRIVMSG");
	assert_string_equal(m.params[0], "#a");
	assert_string_equal(m.params[1], "Hi");
	parse_ok(&m, buf, "PrIvMsG #a :x");
	assert_string_equal(m.cmd, "PRIVMSG");
	parse_ok(&m, buf, ":Alice!x@y nick Bob");
	assert_string_equal(m.prefix, "Alice!x@y");
	assert_string_equal(m.cmd, "NICK");
	assert_string_equal(m.params[0], "Bob");

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		parse_bad(bad[i]);
}

static void
test_parse_errors(void **state)
{
	static const char *const bad[] = {
		"", "\n", "\r\n", "   ", "   \r\n",
		/* Only tags. */
		"@a=b", "@a=b ", "@a=b   \r\n", "@", "@ ",
		/* Only a prefix, or an empty one. */
		":nick", ":nick ", ":nick!u@h   \r\n", "@a=b :nick",
		":", ": PING", ":  PING x", ":\r\n", "@a :",
		/* A CR or LF anywhere but at the end. */
		"PRIVMSG #a :b\rc", "PRIVMSG #a :b\rc\r\n",
		"PRIVMSG #a :b\nc\r\n", "PING\r\r\n", "PING\n\n",
		"PING\n\r\n", "\rPING", "@a=\r PING", ":n\ri PING",
		"PRIVMSG #\ra :x",
	};
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		parse_bad(bad[i]);
}

/* msg_parse clears m first, so an earlier message never shows through. */
static void
test_parse_resets(void **state)
{
	char		 buf[LINE_MAX_TEST];
	struct msg	 m;
	const char	*errstr;

	(void)state;
	parse_ok(&m, buf, "@a=1 :p CMD 1 2 3");
	parse_ok(&m, buf, "PING");
	assert_null(m.tags);
	assert_null(m.prefix);
	assert_int_equal(m.nparams, 0);
	assert_int_equal(parse(&m, buf, "", &errstr), -1);
	assert_int_equal(m.nparams, 0);
}

static void
test_last(void **state)
{
	char		 buf[LINE_MAX_TEST];
	struct msg	 m;

	(void)state;
	parse_ok(&m, buf, ":n PRIVMSG #a :the text");
	assert_string_equal(msg_last(&m), "the text");
	parse_ok(&m, buf, "PONG srv");
	assert_string_equal(msg_last(&m), "srv");
	parse_ok(&m, buf, "QUIT");
	assert_string_equal(msg_last(&m), "");
}

static void
test_tag(void **state)
{
	char		 buf[LINE_MAX_TEST], val[64];
	struct msg	 m;
	const char	*v;

	(void)state;
	parse_ok(&m, buf, "@a=1;bb=two;flag;esc=x\\:y\\sz\\\\w\\rq\\n;"
	    "+draft/r=ok;empty=;last=end :n PRIVMSG #a :x");

	v = msg_tag(&m, "a", val, sizeof val);
	assert_ptr_equal(v, val);
	assert_string_equal(v, "1");
	assert_string_equal(msg_tag(&m, "bb", val, sizeof val), "two");
	assert_string_equal(msg_tag(&m, "+draft/r", val, sizeof val), "ok");
	assert_string_equal(msg_tag(&m, "last", val, sizeof val), "end");

	/* \: \s \\ \r \n become ; space \ CR LF. */
	assert_string_equal(msg_tag(&m, "esc", val, sizeof val),
	    "x;y z\\w\rq\n");

	/* A tag without a value, or with an empty one, is "". */
	v = msg_tag(&m, "flag", val, sizeof val);
	assert_non_null(v);
	assert_string_equal(v, "");
	v = msg_tag(&m, "empty", val, sizeof val);
	assert_non_null(v);
	assert_string_equal(v, "");

	/* Missing: not a prefix or an extension of another key. */
	assert_null(msg_tag(&m, "missing", val, sizeof val));
	assert_null(msg_tag(&m, "b", val, sizeof val));
	assert_null(msg_tag(&m, "bbb", val, sizeof val));
	assert_null(msg_tag(&m, "fla", val, sizeof val));
	assert_null(msg_tag(&m, "draft/r", val, sizeof val));
	assert_null(msg_tag(&m, "two", val, sizeof val));

	/* No tags at all. */
	parse_ok(&m, buf, ":n PRIVMSG #a :x");
	assert_null(msg_tag(&m, "a", val, sizeof val));
}

static void
test_tag_escapes(void **state)
{
	char		 buf[LINE_MAX_TEST], val[64];
	struct msg	 m;

	(void)state;
	/* A backslash before another character is dropped. */
	parse_ok(&m, buf, "@k=a\\bc PING");
	assert_string_equal(msg_tag(&m, "k", val, sizeof val), "abc");

	/* A lone backslash at the end of a value is dropped. */
	parse_ok(&m, buf, "@k=ab\\;j=1 PING");
	assert_string_equal(msg_tag(&m, "k", val, sizeof val), "ab");
	assert_string_equal(msg_tag(&m, "j", val, sizeof val), "1");
	parse_ok(&m, buf, "@k=ab\\ PING");
	assert_string_equal(msg_tag(&m, "k", val, sizeof val), "ab");

	/* "\\s" is an escaped backslash then 's', not a space. */
	parse_ok(&m, buf, "@k=\\\\s PING");
	assert_string_equal(msg_tag(&m, "k", val, sizeof val), "\\s");

	/* Only escapes. */
	parse_ok(&m, buf, "@k=\\:\\:\\s\\s PING");
	assert_string_equal(msg_tag(&m, "k", val, sizeof val), ";;  ");

	/* Empty entries between ';' are skipped. */
	parse_ok(&m, buf, "@;;k=v;; PING");
	assert_string_equal(msg_tag(&m, "k", val, sizeof val), "v");

	/* Hangul in a value. */
	parse_ok(&m, buf, "@k=안녕\\s하세요 PING");
	assert_string_equal(msg_tag(&m, "k", val, sizeof val),
	    "안녕 하세요");
}

/* Escaping and unescaping tag values undo each other; in place works. */
static void
test_tag_escape_round_trip(void **state)
{
	const char	*value = "a;b c\\d\re\nf";
	char		 esc[64], back[64];
	size_t		 n;

	(void)state;
	n = msg_tag_escape(esc, value);
	assert_int_equal(n, strlen(esc));
	assert_string_equal(esc, "a\\:b\\sc\\\\d\\re\\nf");
	assert_int_equal(msg_tag_unescape(back, sizeof back, esc,
	    strlen(esc)), strlen(value));
	assert_string_equal(back, value);
	/* In place; a lone backslash at the end is dropped, \x is x. */
	snprintf(back, sizeof back, "%s", "x\\sy\\q\\");
	msg_tag_unescape(back, sizeof back, back, strlen(back));
	assert_string_equal(back, "x yq");
	/* Too small a buffer. */
	assert_int_equal(msg_tag_unescape(back, 3, "abc", 3), (size_t)-1);
	assert_int_equal(msg_tag_escape(esc, ""), 0);
}

static void
test_tag_buffer(void **state)
{
	char		 buf[LINE_MAX_TEST], *val;
	struct msg	 m;
	size_t		 size;

	(void)state;
	parse_ok(&m, buf, "@k=abcdef;e=x\\sy;f PING");

	/* "abcdef" needs 7 bytes with its NUL; 6 or fewer is NULL. */
	for (size = 0; size <= 10; size++) {
		val = malloc(size == 0 ? 1 : size);
		assert_non_null(val);
		if (size >= 7)
			assert_string_equal(msg_tag(&m, "k", val, size),
			    "abcdef");
		else
			assert_null(msg_tag(&m, "k", val, size));
		free(val);
	}

	/* The unescaped length counts: "x y" fits in 4 bytes, not 3. */
	val = malloc(4);
	assert_non_null(val);
	assert_string_equal(msg_tag(&m, "e", val, 4), "x y");
	assert_null(msg_tag(&m, "e", val, 3));

	/* A tag without value needs only the NUL. */
	assert_string_equal(msg_tag(&m, "f", val, 1), "");
	assert_null(msg_tag(&m, "f", val, 0));
	free(val);
}

/* Format, check the text, then parse it back and compare every part. */
static void
round_trip(const char *prefix, const char *cmd, int nparams,
    const char *const *params)
{
	char		 buf[MSG_LINELEN + 1];
	struct msg	 m;
	const char	*errstr;
	int		 n, i;

	n = msg_format(buf, sizeof buf, prefix, cmd, nparams, params);
	if (n == -1)
		fail_msg("%s with %d params refused", cmd, nparams);
	assert_int_equal((size_t)n, strlen(buf));
	assert_true(n >= 2);
	assert_memory_equal(buf + n - 2, "\r\n", 2);
	assert_null(memchr(buf, '\r', n - 2));
	assert_null(memchr(buf, '\n', n - 2));

	if (msg_parse(&m, buf, &errstr) != 0)
		fail_msg("formatted line refused: %s", errstr);
	assert_null(m.tags);
	if (prefix == NULL)
		assert_null(m.prefix);
	else
		assert_string_equal(m.prefix, prefix);
	assert_string_equal(m.cmd, cmd);
	assert_int_equal(m.nparams, nparams);
	for (i = 0; i < nparams; i++)
		assert_string_equal(m.params[i], params[i]);
}

static void
test_format_text(void **state)
{
	static const char *const p1[] = { "alice" };
	static const char *const p2[] = { "#a", "hello world" };
	static const char *const p3[] = { "#a", "" };
	char	 buf[MSG_LINELEN + 1];

	(void)state;
	assert_int_equal(msg_format(buf, sizeof buf, NULL, "PING", 0, NULL),
	    6);
	assert_string_equal(buf, "PING\r\n");

	/* The last parameter is always written after ':'. */
	assert_int_equal(msg_format(buf, sizeof buf, NULL, "NICK", 1, p1),
	    13);
	assert_string_equal(buf, "NICK :alice\r\n");
	msg_format(buf, sizeof buf, "a!b@c", "PRIVMSG", 2, p2);
	assert_string_equal(buf, ":a!b@c PRIVMSG #a :hello world\r\n");
	msg_format(buf, sizeof buf, "srv", "TOPIC", 2, p3);
	assert_string_equal(buf, ":srv TOPIC #a :\r\n");

	assert_int_equal(msg_formatl(buf, sizeof buf, "srv", "001", "alice",
	    "Welcome to natter, alice", NULL), 42);
	assert_string_equal(buf,
	    ":srv 001 alice :Welcome to natter, alice\r\n");
	msg_formatl(buf, sizeof buf, NULL, "QUIT", NULL);
	assert_string_equal(buf, "QUIT\r\n");
}

static void
test_format_round_trip(void **state)
{
	static const char *const shapes[][4] = {
		{ "alice" },
		{ "#a", "hello" },
		{ "#a", "hello world" },
		{ "#a", "" },
		{ "#a", " " },
		{ "#a", ":" },
		{ "#a", "::-) smile" },
		{ "#a", "  leading and trailing  " },
		{ "#a", "a:b c:d" },
		{ "#한국", "안녕하세요 여러분, 반갑습니다!" },
		{ "철수", "영희 :)" },
		{ "#a", "\xf0\x9f\x98\x80 emoji" },
		{ "a:b", "c" },
		{ "*", "LS", "302" },
		{ "alice", "0", "*", "Alice Liddell" },
		{ "#a", "+o-v", "bob", "carol" },
		{ "#a", "tab\there\001ACTION x\001" },
	};
	static const char *const fifteen[MSG_MAXPARAMS] = {
		"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11",
		"12", "13", "14", "15 is last: with spaces",
	};
	static const char *const fifteen_empty[MSG_MAXPARAMS] = {
		"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11",
		"12", "13", "14", "",
	};
	static const char *const fifteen_colon[MSG_MAXPARAMS] = {
		"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11",
		"12", "13", "14", ":x :y",
	};
	static const char *const prefixes[] = {
		NULL, "srv.example", "alice!~a@host", "철수!~c@호스트",
	};
	size_t	 i, j;
	int	 n;

	(void)state;
	for (j = 0; j < sizeof prefixes / sizeof prefixes[0]; j++) {
		round_trip(prefixes[j], "PING", 0, NULL);
		for (i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
			for (n = 0; n < 4 && shapes[i][n] != NULL; n++)
				;
			round_trip(prefixes[j], "PRIVMSG", n, shapes[i]);
			round_trip(prefixes[j], "001", n, shapes[i]);
		}
		round_trip(prefixes[j], "CMD", MSG_MAXPARAMS, fifteen);
		round_trip(prefixes[j], "CMD", MSG_MAXPARAMS, fifteen_empty);
		round_trip(prefixes[j], "CMD", MSG_MAXPARAMS, fifteen_colon);
	}
}

static void
test_format_refuse_crlf(void **state)
{
	static const char *const bad[] = { "\r", "\n", "a\r\nb", "\n:x",
	    "x\r" };
	const char	*p[3];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		p[0] = "#a";
		p[1] = "b";
		p[2] = "text";
		format_bad(bad[i], "PRIVMSG", 3, p);
		format_bad(NULL, bad[i], 3, p);
		p[0] = bad[i];
		format_bad(NULL, "PRIVMSG", 3, p);
		p[0] = "#a";
		p[1] = bad[i];
		format_bad("srv", "PRIVMSG", 3, p);
		p[1] = "b";
		p[2] = bad[i];
		format_bad("srv", "PRIVMSG", 3, p);
		format_bad(NULL, "PRIVMSG", 1, &p[2]);
	}

	/* The same through msg_formatl. */
	{
		char	 buf[MSG_LINELEN + 1];

		assert_int_equal(msg_formatl(buf, sizeof buf, NULL, "PRIVMSG",
		    "#a", "hi\r\nQUIT :pwned", NULL), -1);
		assert_int_equal(msg_formatl(buf, sizeof buf, "x\ny", "PING",
		    NULL), -1);
	}
}

static void
test_format_refuse_middle(void **state)
{
	static const char *const bad[] = { "a b", " ", "", ":", ":x",
	    " x", "x " };
	const char	*p[3];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		p[0] = bad[i];
		p[1] = "text";
		format_bad(NULL, "PRIVMSG", 2, p);
		p[0] = "x";
		p[1] = bad[i];
		p[2] = "text";
		format_bad("srv", "MODE", 3, p);
	}

	/* The same strings are fine as the last parameter. */
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		p[0] = "#a";
		p[1] = bad[i];
		round_trip(NULL, "PRIVMSG", 2, p);
	}

	/* A NULL parameter is refused, not dereferenced. */
	p[0] = NULL;
	p[1] = "x";
	format_bad(NULL, "PRIVMSG", 2, p);
	format_bad(NULL, "PRIVMSG", 1, p);

	assert_int_equal(msg_param_ok("x", 0), 1);
	assert_int_equal(msg_param_ok("x:y", 0), 1);
	assert_int_equal(msg_param_ok("x y", 0), 0);
	assert_int_equal(msg_param_ok(":x", 0), 0);
	assert_int_equal(msg_param_ok("", 0), 0);
	assert_int_equal(msg_param_ok("", 1), 1);
	assert_int_equal(msg_param_ok(":x y", 1), 1);
	assert_int_equal(msg_param_ok("x\ry", 1), 0);
	assert_int_equal(msg_param_ok(NULL, 1), 0);
}

static void
test_format_refuse_words(void **state)
{
	static const char *const p[] = { "#a", "x" };

	(void)state;
	format_bad("a b", "PRIVMSG", 2, p);
	format_bad(" ", "PRIVMSG", 2, p);
	format_bad("a ", "PRIVMSG", 2, p);
	format_bad("", "PRIVMSG", 2, p);
	format_bad(NULL, "PRIV MSG", 2, p);
	format_bad(NULL, " PRIVMSG", 2, p);
	format_bad(NULL, "PRIVMSG ", 2, p);
	format_bad(NULL, "", 2, p);
	format_bad(NULL, NULL, 2, p);
	format_bad(NULL, "PRIVMSG", -1, p);
	/* Commands msg_parse would refuse or read as something else. */
	format_bad(NULL, "@x", 2, p);
	format_bad(NULL, ":x", 2, p);
	format_bad(NULL, "PRIV-MSG", 2, p);
	format_bad(NULL, "12", 2, p);
	format_bad(NULL, "1234", 2, p);
	format_bad(NULL, "4x4", 2, p);
}

/* A refused line leaves an empty string, never a partial one. */
static void
test_format_refusal_empties(void **state)
{
	char	 buf[64];

	(void)state;
	memset(buf, 'z', sizeof buf);
	assert_int_equal(msg_formatl(buf, 12, "srv", "PING", "a", "b", NULL),
	    -1);
	assert_string_equal(buf, "");
	memset(buf, 'z', sizeof buf);
	assert_int_equal(msg_formatl(buf, sizeof buf, "srv", "PING", "a b",
	    "c", NULL), -1);
	assert_string_equal(buf, "");
	memset(buf, 'z', sizeof buf);
	assert_int_equal(msg_formatl(buf, sizeof buf, NULL, "PRIV-MSG", "a",
	    NULL), -1);
	assert_string_equal(buf, "");
}

/*
 * The buffer bounds the line and nothing is ever cut short. 512 bytes
 * with CR LF need 513 with the NUL; each size is its own heap block so
 * ASan would see one byte written past it.
 */
static void
test_format_boundary(void **state)
{
	char	 text[MSG_LINELEN], *buf;
	size_t	 size, len;
	int	 n;

	(void)state;
	/* "PRIVMSG #a :" + text + "\r\n" is 14 + 498 = 512 bytes. */
	len = MSG_LINELEN - 14;
	memset(text, 'x', len);
	text[len] = '\0';
	for (size = 0; size <= MSG_LINELEN + 2; size++) {
		buf = malloc(size == 0 ? 1 : size);
		assert_non_null(buf);
		n = msg_formatl(buf, size, NULL, "PRIVMSG", "#a", text, NULL);
		if (size >= MSG_LINELEN + 1) {
			assert_int_equal(n, MSG_LINELEN);
			assert_int_equal(strlen(buf), MSG_LINELEN);
			assert_memory_equal(buf + MSG_LINELEN - 2, "\r\n", 3);
		} else
			assert_int_equal(n, -1);
		free(buf);
	}

	/* One more byte of text no longer fits in 513. */
	text[len] = 'x';
	text[len + 1] = '\0';
	buf = malloc(MSG_LINELEN + 1);
	assert_non_null(buf);
	assert_int_equal(msg_formatl(buf, MSG_LINELEN + 1, NULL, "PRIVMSG",
	    "#a", text, NULL), -1);
	assert_int_equal(msg_formatl(buf, MSG_LINELEN + 1, "p", "PRIVMSG",
	    "#a", "x", NULL), (int)strlen(":p PRIVMSG #a :x\r\n"));
	free(buf);

	/* Boundaries fall inside the prefix, command and CR LF alike. */
	for (size = 1; size <= sizeof ":srv PING a :b\r\n"; size++) {
		buf = malloc(size);
		assert_non_null(buf);
		n = msg_formatl(buf, size, "srv", "PING", "a", "b", NULL);
		if (size == sizeof ":srv PING a :b\r\n") {
			assert_int_equal(n, (int)size - 1);
			assert_string_equal(buf, ":srv PING a :b\r\n");
		} else
			assert_int_equal(n, -1);
		free(buf);
	}
}

static void
test_format_too_many(void **state)
{
	static const char *const p[MSG_MAXPARAMS + 1] = {
		"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
		"13", "14", "15", "16",
	};
	char	 buf[MSG_LINELEN + 1];

	(void)state;
	assert_true(msg_format(buf, sizeof buf, NULL, "CMD", MSG_MAXPARAMS,
	    p) > 0);
	format_bad(NULL, "CMD", MSG_MAXPARAMS + 1, p);
	format_bad(NULL, "CMD", 100, p);

	assert_true(msg_formatl(buf, sizeof buf, NULL, "CMD", "1", "2", "3",
	    "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15",
	    NULL) > 0);
	assert_string_equal(buf,
	    "CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 :15\r\n");
	assert_int_equal(msg_formatl(buf, sizeof buf, NULL, "CMD", "1", "2",
	    "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14",
	    "15", "16", NULL), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_simple),
		cmocka_unit_test(test_parse_all_parts),
		cmocka_unit_test(test_parse_line_endings),
		cmocka_unit_test(test_parse_spaces),
		cmocka_unit_test(test_parse_trailing),
		cmocka_unit_test(test_parse_max_params),
		cmocka_unit_test(test_parse_commands),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_resets),
		cmocka_unit_test(test_last),
		cmocka_unit_test(test_tag),
		cmocka_unit_test(test_tag_escapes),
		cmocka_unit_test(test_tag_buffer),
		cmocka_unit_test(test_tag_escape_round_trip),
		cmocka_unit_test(test_format_text),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_format_refuse_crlf),
		cmocka_unit_test(test_format_refuse_middle),
		cmocka_unit_test(test_format_refuse_words),
		cmocka_unit_test(test_format_boundary),
		cmocka_unit_test(test_format_too_many),
		cmocka_unit_test(test_format_refusal_empties),
	};

	return (cmocka_run_group_tests_name("msg", tests, NULL, NULL));
}
