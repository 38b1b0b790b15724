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

/* Unit tests for cap.c: the capability table both programs share. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>

#include "cap.h"

static void
test_find(void **state)
{
	(void)state;
	assert_int_equal(cap_find("echo-message", 12), CAP_ECHO_MESSAGE);
	assert_int_equal(cap_find("server-time", 11), CAP_SERVER_TIME);
	assert_int_equal(cap_find("userhost-in-names", 17),
	    CAP_USERHOST_IN_NAMES);
	/* The length counts: a prefix or a longer word is no match. */
	assert_int_equal(cap_find("server-time=x", 11), CAP_SERVER_TIME);
	assert_int_equal(cap_find("server-tim", 10), 0);
	assert_int_equal(cap_find("server-times", 12), 0);
	assert_int_equal(cap_find("SERVER-TIME", 11), 0);
	assert_int_equal(cap_find("", 0), 0);
}

static void
test_all(void **state)
{
	(void)state;
	assert_int_equal(cap_all(CAP_NATTERD), CAP_BATCH | CAP_ECHO_MESSAGE |
	    CAP_LABELED_RESPONSE |
	    CAP_INVITE_NOTIFY | CAP_MESSAGE_TAGS | CAP_MULTI_PREFIX |
	    CAP_MULTILINE | CAP_SERVER_TIME |
	    CAP_USERHOST_IN_NAMES);
	assert_int_equal(cap_all(CAP_NATTER), CAP_BATCH | CAP_CHATHISTORY |
	    CAP_ECHO_MESSAGE | CAP_MESSAGE_TAGS | CAP_MULTILINE |
	    CAP_READ_MARKER | CAP_SEARCH | CAP_SERVER_TIME);
	/* natterd has no accounts: it never offers a read marker. */
	assert_false(cap_all(CAP_NATTERD) & CAP_READ_MARKER);
}

static void
test_mask(void **state)
{
	(void)state;
	assert_int_equal(cap_mask(""), 0);
	assert_int_equal(cap_mask("server-time"), CAP_SERVER_TIME);
	assert_int_equal(cap_mask("multi-prefix sasl=PLAIN,EXTERNAL "
	    "echo-message  server-time "), CAP_MULTI_PREFIX |
	    CAP_ECHO_MESSAGE | CAP_SERVER_TIME);
	/* A value does not hide the name; a disabled one does not count. */
	assert_int_equal(cap_mask("echo-message=1 -server-time"),
	    CAP_ECHO_MESSAGE);
	assert_int_equal(cap_mask("echo-messages server"), 0);
}

static void
test_list(void **state)
{
	char	 buf[128];

	(void)state;
	assert_int_equal(cap_list(0, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
	assert_int_equal(cap_list(CAP_SERVER_TIME | CAP_ECHO_MESSAGE, buf,
	    sizeof buf), strlen("echo-message server-time"));
	assert_string_equal(buf, "echo-message server-time");
	/* What does not fit is left out whole. */
	assert_int_equal(cap_list(CAP_ECHO_MESSAGE | CAP_SERVER_TIME |
	    CAP_USERHOST_IN_NAMES, buf, 25), 24);
	assert_string_equal(buf, "echo-message server-time");
	assert_int_equal(cap_list(~0, buf, 5), 0);
	assert_string_equal(buf, "");
	/* Round trip: a list reads back as the mask it was made from. */
	cap_list(cap_all(CAP_NATTERD), buf, sizeof buf);
	assert_int_equal(cap_mask(buf), cap_all(CAP_NATTERD));
}

static const char *
test_value(int flag)
{
	return (flag == CAP_MULTILINE ? "max-bytes=4096,max-lines=100" : NULL);
}

static void
test_list_values(void **state)
{
	char	 buf[128];

	(void)state;
	assert_int_equal(cap_list_values(CAP_BATCH | CAP_MULTILINE |
	    CAP_SERVER_TIME, test_value, buf, sizeof buf),
	    strlen("batch draft/multiline=max-bytes=4096,max-lines=100 "
	    "server-time"));
	assert_string_equal(buf, "batch draft/multiline=max-bytes=4096,"
	    "max-lines=100 server-time");
	/* The value counts toward what fits. */
	cap_list_values(CAP_BATCH | CAP_MULTILINE, test_value, buf, 30);
	assert_string_equal(buf, "batch");
	assert_int_equal(cap_mask("batch draft/multiline=max-bytes=4096,"
	    "max-lines=100"), CAP_BATCH | CAP_MULTILINE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_all),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_list_values),
	};

	return (cmocka_run_group_tests_name("cap", tests, NULL, NULL));
}
