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

/* The cluster bus codec (server/bus.c): the design's examples, each
 * refusal, and format-then-parse. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bus.h"

static int
parse(struct bus_msg *m, const char *s, const char **errstr)
{
	return (bus_parse(m, s, strlen(s), errstr));
}

static void
test_examples(void **state)
{
	struct bus_msg	 m;
	const char	*errstr = NULL;

	(void)state;
	assert_int_equal(parse(&m, "N1 M a.example.net 9812 1764690660123 "
	    "AAAAAAAAAAAAAAAAAAAA 0123456789abcdef.7 +typing=active -"
	    "\n:alice!a@h PRIVMSG #7 :hi", &errstr), 0);
	assert_int_equal(m.kind, BUS_MESSAGE);
	assert_string_equal(m.origin, "a.example.net");
	assert_true(m.seq == 9812);
	assert_true(m.ms == 1764690660123LL);
	assert_int_equal(m.nfields, 4);
	assert_string_equal(m.fields[1], "0123456789abcdef.7");
	assert_string_equal(m.line, ":alice!a@h PRIVMSG #7 :hi");

	assert_int_equal(parse(&m, "N1 P a.example.net 77 1764690660200 "
	    "0123456789abcdef.42 x1 - - -\n:alice!a@h PRIVMSG bob :psst", &errstr), 0);
	assert_int_equal(m.kind, BUS_PRIVATE);
	assert_string_equal(m.fields[0], "0123456789abcdef.42");

	assert_int_equal(parse(&m, "N1 S - 4711 1764690661000 JOIN "
	    "0123456789abcdef.7 #7 o\n:bob!b@h JOIN #7", &errstr), 0);
	assert_int_equal(m.kind, BUS_STATE);
	assert_string_equal(m.origin, "");
	assert_int_equal(m.nfields, 4);
	assert_string_equal(m.fields[0], "JOIN");
	assert_string_equal(m.fields[2], "#7");
	assert_string_equal(m.fields[3], "o");

	/* A room's fold may be Korean. */
	assert_int_equal(parse(&m, "N1 S - 1 0 PART 0123456789abcdef.7 "
	    "#\xeb\x8c\x80\xed\x99\x94\n:bob!b@h PART #\xeb\x8c\x80\xed\x99"
	    "\x94", &errstr), 0);
}

static void
test_refused(void **state)
{
	static const struct {
		const char	*payload;
		const char	*why;
	} bad[] = {
		{ "", "no IRC line" },
		{ "N1 M a.b 1 2 -", "no IRC line" },
		{ "N2 M a.b 1 2 -\n:a!b@c PRIVMSG #7 :x", "unknown version" },
		{ "N1 X a.b 1 2 -\n:a!b@c PRIVMSG #7 :x", "unknown kind" },
		{ "N1 MM a.b 1 2 -\n:a!b@c PRIVMSG #7 :x", "unknown kind" },
		{ "N1 M nodots 1 2 -\n:a!b@c PRIVMSG #7 :x", "bad origin" },
		{ "N1 M a..b 1 2 -\n:a!b@c PRIVMSG #7 :x", "bad origin" },
		{ "N1 M .a.b 1 2 -\n:a!b@c PRIVMSG #7 :x", "bad origin" },
		{ "N1 M a_b.c 1 2 -\n:a!b@c PRIVMSG #7 :x", "bad origin" },
		{ "N1 S a.b 1 2 JOIN\n:a!b@c JOIN #7", "bad origin" },
		{ "N1 M a.b 01 2 -\n:a!b@c PRIVMSG #7 :x", "bad sequence number" },
		{ "N1 M a.b +1 2 -\n:a!b@c PRIVMSG #7 :x", "bad sequence number" },
		{ "N1 M a.b 18446744073709551616 2 -\n:a!b@c PRIVMSG #7 :x",
		  "bad sequence number" },
		{ "N1 M a.b 1 9223372036854775808 -\n:a!b@c PRIVMSG #7 :x",
		  "bad time" },
		{ "N1 M a.b 1 -5 -\n:a!b@c PRIVMSG #7 :x", "bad time" },
		{ "N1 M a.b 1 2 x\n:a!b@c PRIVMSG #7 :x", "bad message fields" },
		{ "N1 M a.b 1 2 - -\n:a!b@c PRIVMSG #7 :x",
		  "bad message fields" },
		{ "N1 M a.b 1 2\n:a!b@c PRIVMSG #7 :x", "bad header fields" },
		{ "N1  M a.b 1 2 -\n:a!b@c PRIVMSG #7 :x", "bad header fields" },
		{ "N1 M a.b 1 2 - \n:a!b@c PRIVMSG #7 :x", "bad header fields" },
		{ "N1 S - 1 2 A B C D E F G H I\n:a!b@c JOIN #7",
		  "bad header fields" },
		{ "N1 P a.b 1 2 0123456789ABCDEF.1\n:a!b@c PRIVMSG b :x",
		  "bad target uid" },
		{ "N1 P a.b 1 2 0123456789abcdef.01\n:a!b@c PRIVMSG b :x",
		  "bad target uid" },
		{ "N1 P a.b 1 2 0123456789abcdef\n:a!b@c PRIVMSG b :x",
		  "bad target uid" },
		{ "N1 S - 1 2 join\n:a!b@c JOIN #7", "bad event" },
		{ "N1 M a.b 1 2 -\x01\n:a!b@c PRIVMSG #7 :x", "bad header" },
		{ "N1 M a.b 1 2 m1 - - -\n:a!b@c PRIVMSG #7 :x\r",
		  "line break in the IRC line" },
		{ "N1 M a.b 1 2 m1 - - -\n:a!b@c PRIVMSG #7 :x\nmore",
		  "line break in the IRC line" },
		{ "N1 M a.b 1 2 m1 - - -\nPRIVMSG #7 :x",
		  "IRC line without a prefix" },
		{ "N1 M a.b 1 2 m1 - - -\n", "bad IRC line length" },
		{ "N1 M a.b 1 2 m1 - - -\n:a!b@c PRIVMSG #7 :\xff",
		  "IRC line not UTF-8" },
		/* The fields of a message, one by one. */
		{ "N1 M a.b 1 2 m/1 - - -\n:a!b@c PRIVMSG #7 :x",
		  "bad message fields" },
		{ "N1 M a.b 1 2 m1 alice - -\n:a!b@c PRIVMSG #7 :x",
		  "bad message fields" },
		{ "N1 M a.b 1 2 m1 - - v\n:a!b@c PRIVMSG #7 :x",
		  "bad message fields" },
		{ "N1 P a.b 1 2 0123456789abcdef.1 m1 - -\n:a!b@c PRIVMSG b :x",
		  "bad message fields" },
	};
	struct bus_msg	 m;
	const char	*errstr;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errstr = NULL;
		if (parse(&m, bad[i].payload, &errstr) == 0)
			fail_msg("accepted: %s", bad[i].payload);
		if (errstr == NULL || strcmp(errstr, bad[i].why) != 0)
			fail_msg("%s: \"%s\", not \"%s\"", bad[i].payload,
			    errstr != NULL ? errstr : "(null)", bad[i].why);
	}
}

static void
test_bytes(void **state)
{
	static const char ok[] = "N1 M a.b 1 2 m1 - - -\n:a!b@c PRIVMSG #7 :x";
	char		 big[BUS_MAXLEN + 2];
	struct bus_msg	 m;
	const char	*errstr;

	(void)state;
	/* A NUL anywhere, counted by length, not by strlen. */
	assert_int_equal(bus_parse(&m, ok, sizeof ok, &errstr), -1);
	assert_string_equal(errstr, "NUL byte");
	memset(big, 'x', sizeof big);
	assert_int_equal(bus_parse(&m, big, sizeof big, &errstr), -1);
	assert_string_equal(errstr, "too long");
	/* The longest IRC line there may be, and one byte more. */
	memcpy(big, "N1 M a.b 1 2 m1 - - -\n:a!b@c PRIVMSG #7 :", 41);
	memset(big + 41, 'y', 22 + BUS_LINELEN - 41);
	assert_int_equal(bus_parse(&m, big, 22 + BUS_LINELEN, &errstr), 0);
	assert_int_equal(strlen(m.line), BUS_LINELEN);
	big[22 + BUS_LINELEN] = 'y';
	assert_int_equal(bus_parse(&m, big, 23 + BUS_LINELEN, &errstr), -1);
	assert_string_equal(errstr, "bad IRC line length");
}

static void
test_format(void **state)
{
	struct bus_msg	 m, back;
	char		 buf[BUS_MAXLEN + 1];
	const char	*errstr;
	int		 n;

	(void)state;
	memset(&m, 0, sizeof m);
	m.kind = BUS_STATE;
	m.seq = UINT64_MAX;
	m.ms = INT64_MAX;
	m.nfields = 3;
	m.fields[0] = "NICK";
	m.fields[1] = "0123456789abcdef.1";
	m.fields[2] = "newnick";
	m.line = ":old!u@h NICK newnick";
	n = bus_format(buf, sizeof buf, &m);
	assert_int_equal(n, (int)strlen(buf));
	assert_string_equal(buf, "N1 S - 18446744073709551615 "
	    "9223372036854775807 NICK 0123456789abcdef.1 newnick\n"
	    ":old!u@h NICK newnick");
	assert_int_equal(bus_parse(&back, buf, n, &errstr), 0);
	assert_true(back.seq == UINT64_MAX);

	/* What would not parse back is not written. */
	m.fields[0] = "nick";
	assert_int_equal(bus_format(buf, sizeof buf, &m), -1);
	m.fields[0] = "NICK";
	m.line = ":old!u@h NICK new\nnick";
	assert_int_equal(bus_format(buf, sizeof buf, &m), -1);
	/* Nor what does not fit. */
	m.line = ":old!u@h NICK newnick";
	assert_int_equal(bus_format(buf, 20, &m), -1);
	m.kind = BUS_MESSAGE;
	snprintf(m.origin, sizeof m.origin, "b.example.org");
	m.nfields = 4;
	m.fields[0] = "AbC-_9";
	m.fields[1] = "0123456789abcdef.1";
	m.fields[2] = "-";
	m.fields[3] = "o";
	m.line = ":a!u@h PRIVMSG #7 :hello";
	assert_true(bus_format(buf, sizeof buf, &m) > 0);
	assert_int_equal(bus_parse(&back, buf, strlen(buf), &errstr), 0);
	assert_string_equal(back.origin, "b.example.org");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_format),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
