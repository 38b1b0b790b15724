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
 * Unit tests for client/config.c: a file with every kind of key read
 * into opt, the command line over it, and the lists it exposes. The
 * mistakes, which exit, are tests/client/test_config.py's.
 */

#include <getopt.h>
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

static char	 dir[] = "/tmp/natter-config-test.XXXXXX";
static char	 path[64];

/* Parse argv as main() would, with a fresh getopt. */
static void
parse(int argc, char **argv)
{
	optind = 0;
	config_parse(argc, argv);
}

static void
test_file_and_flags(void **state)
{
	const char *const	*v;
	size_t			 n;
	FILE			*fp;
	char			 a0[] = "natter", a1[] = "-c", a3[] = "-n";
	char			 a4[] = "bob", a5[] = "--scrollback";
	char			 a6[] = "50";
	char			*argv[] = { a0, a1, path, a3, a4, a5, a6,
				    NULL };

	(void)state;
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("# a comment\n"
	    "\n"
	    "host chat.example.org\n"
	    "  port 7000   \n"
	    "nick alice\n"
	    "join 7\n"
	    "join #help\n"
	    "highlight banana\n"
	    "ignore spam!*@*\n"
	    "ignore *!*@bad.example\n"
	    "log on\n"
	    "log-dir /var/tmp/my logs\n"
	    "time-format %d %b %H:%M\n"
	    "colors off\n"
	    "sidebar-width 0\n"
	    "scrollback 100\n"
	    "tls\n", fp);
	assert_int_equal(fclose(fp), 0);
	parse(7, argv);
	assert_string_equal(opt.host, "chat.example.org");
	assert_string_equal(opt.port, "7000");
	/* The command line wins. */
	assert_string_equal(opt.nick, "bob");
	assert_int_equal(opt.scrollback, 50);
	/* The first join room is the room; all are in the list. */
	assert_string_equal(opt.room, "#7");
	assert_int_equal(opt.join.n, 2);
	assert_string_equal(opt.join.v[1], "#help");
	v = config_highlights(&n);
	assert_int_equal(n, 1);
	assert_string_equal(v[0], "banana");
	v = config_ignores(&n);
	assert_int_equal(n, 2);
	assert_string_equal(v[0], "spam!*@*");
	assert_string_equal(v[1], "*!*@bad.example");
	assert_int_equal(opt.log, 1);
	assert_string_equal(opt.log_dir, "/var/tmp/my logs");
	assert_string_equal(opt.time_format, "%d %b %H:%M");
	assert_int_equal(opt.time_width, 12);
	assert_int_equal(opt.color, 0);
	assert_int_equal(opt.sidebar_width, 0);
	assert_int_equal(opt.tls, 1);
	free(opt.nick);
	free(opt.room);
	opt.nick = opt.room = NULL;
	config_free();
}

static void
test_defaults(void **state)
{
	char	 a0[] = "natter", a1[] = "--no-config", a2[] = "--tls";
	char	 a3[] = "-r", a4[] = "8", a5[] = "example.org";
	char	*argv[] = { a0, a1, a2, a3, a4, a5, NULL };
	size_t	 n;

	(void)state;
	opt.tls = 0;
	opt.color = 1;
	parse(6, argv);
	assert_string_equal(opt.host, "example.org");
	/* 6697 with TLS and no port given. */
	assert_string_equal(opt.port, "6697");
	assert_string_equal(opt.room, "#8");
	assert_null(opt.nick);
	assert_string_equal(opt.time_format, "%H:%M");
	assert_int_equal(opt.time_width, 5);
	assert_int_equal(opt.sidebar_width, 18);
	assert_int_equal(opt.log, 0);
	assert_null(opt.log_dir);
	assert_int_equal(opt.color, 1);
	config_ignores(&n);
	assert_int_equal(n, 0);
	free(opt.room);
	opt.room = NULL;
	config_free();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_and_flags),
		cmocka_unit_test(test_defaults),
	};
	int	 rc;

	setlocale(LC_ALL, "C.UTF-8");
	if (mkdtemp(dir) == NULL)
		return (1);
	snprintf(path, sizeof path, "%s/config", dir);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(path);
	rmdir(dir);
	return (rc);
}
