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
 * Unit tests for client/ignore.c (masks and what they match) and
 * client/chatlog.c (file names that stay inside the log directory,
 * lines with no control bytes).
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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "natter.h"

static char	 tmpdir[] = "/tmp/natter-unit-XXXXXX";

static void
test_masks(void **state)
{
	(void)state;
	assert_int_equal(ignore_add("Bob"), 0);
	assert_int_equal(ignore_add("bob"), 1);
	assert_int_equal(ignore_add(""), -1);
	assert_int_equal(ignore_add("a b"), -1);
	assert_int_equal(ignore_add("x\033"), -1);
	assert_true(ignore_match("bob!~u@127.0.0.1"));
	assert_true(ignore_match("BOB!x@y"));
	assert_true(ignore_match("bob"));
	assert_false(ignore_match("bobby!~u@127.0.0.1"));
	assert_false(ignore_match("carol!~u@127.0.0.1"));
	assert_int_equal(ignore_add("c?r*!*@10.*"), 0);
	assert_true(ignore_match("carol!~c@10.0.0.1"));
	assert_true(ignore_match("CARL!c@10.1"));
	assert_false(ignore_match("carol!~c@127.0.0.1"));
	assert_int_equal(ignore_add("*@evil.example"), 0);
	assert_true(ignore_match("anyone!u@EVIL.example"));
	assert_false(ignore_match("anyone!u@good.example"));
	assert_int_equal(ignore_add("dave!~d"), 0);
	assert_true(ignore_match("dave!~d@host"));
	assert_false(ignore_match("dave!other@host"));
	assert_string_equal(ignore_list(0), "Bob");
	assert_string_equal(ignore_list(3), "dave!~d");
	assert_null(ignore_list(4));
	assert_int_equal(ignore_del("BOB"), 0);
	assert_int_equal(ignore_del("bob"), -1);
	assert_false(ignore_match("bob!~u@127.0.0.1"));
	assert_string_equal(ignore_list(0), "c?r*!*@10.*");
	ignore_free();
}

/* Only what /ignore adds is written; the next run reads it. */
static void
test_kept(void **state)
{
	char	*cause, *path, buf[256];
	FILE	*fp;
	size_t	 n;

	(void)state;
	assert_int_equal(ignore_add("config"), 0);
	assert_int_equal(ignore_set("kept!*@*", 1), 0);
	assert_int_equal(ignore_save(&cause), 0);
	xasprintf(&path, "%s/natter/ignore", tmpdir);
	assert_non_null(fp = fopen(path, "r"));
	n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	assert_string_equal(buf, "kept!*@*\n");
	ignore_free();
	assert_true(ignore_match("kept!u@h"));
	assert_false(ignore_match("config!u@h"));
	ignore_free();
	unlink(path);
	free(path);
}

static void
test_log_names(void **state)
{
	time_t	 t = 0;
	char	*p, *want, date[16], longname[301];

	(void)state;
	strftime(date, sizeof date, "%Y-%m-%d", localtime(&t));
	opt.log_dir = "/L";
	p = chatlog_path("#../../x", t);
	xasprintf(&want, "/L/127.0.0.1-6667/#..%%2F..%%2Fx/%s.log", date);
	assert_string_equal(p, want);
	free(p);
	free(want);
	p = chatlog_path("..", t);
	assert_non_null(strstr(p, "/%2E./"));
	free(p);
	p = chatlog_path("#Room", t);
	assert_non_null(strstr(p, "/#room/"));
	free(p);
	/* Letters fold; controls, "[" and C1 (U+0085) are encoded. */
	p = chatlog_path("#한국\033[2J\xc2\x85", t);
	assert_non_null(strstr(p, "/#한국%1B%5B2j%C2%85/"));
	free(p);
	p = chatlog_path("", t);
	assert_non_null(strstr(p, "-6667/_/"));
	free(p);
	memset(longname, '/', 300);
	longname[300] = '\0';
	p = chatlog_path(longname, t);
	assert_true(strlen(strrchr(p, '/')) < 20);
	assert_true(strlen(p) < 240);
	free(p);

	opt.log_dir = NULL;
}

static void
test_log_line(void **state)
{
	struct stat	 sb;
	char		*dir, *path, buf[512];
	FILE		*fp;
	size_t		 n, i;
	time_t		 t = time(NULL);

	(void)state;
	xasprintf(&dir, "%s/logs", tmpdir);
	opt.log_dir = dir;
	opt.log = 1;
	chatlog_add("#t", t, "\002<bob>\017 \00304,01red\003 ^[[2J x\033y\x7f"
	    "\xc2\x9b" "z");
	opt.log = 0;
	path = chatlog_path("#t", t);
	assert_non_null(fp = fopen(path, "r"));
	n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	for (i = 0; i < n - 1; i++)
		assert_true((unsigned char)buf[i] >= 0x20 && buf[i] != 0x7f);
	/* 2026-12-03T14:05:09+01:00, then the text without its codes. */
	assert_true(n > 26 && buf[10] == 'T' && buf[n - 1] == '\n');
	assert_true(buf[19] == '+' || buf[19] == '-');
	assert_non_null(strstr(buf, " <bob> red ^[[2J x?y??z\n"));
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(unlink(path), 0);
	*strrchr(path, '/') = '\0';
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	rmdir(path);
	*strrchr(path, '/') = '\0';
	rmdir(path);
	rmdir(dir);
	free(path);
	free(dir);
	opt.log_dir = NULL;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_masks),
		cmocka_unit_test(test_kept),
		cmocka_unit_test(test_log_names),
		cmocka_unit_test(test_log_line),
	};
	char	*sub;
	int	 rc;

	setlocale(LC_ALL, "C.UTF-8");
	if (mkdtemp(tmpdir) == NULL)
		return (1);
	setenv("XDG_STATE_HOME", tmpdir, 1);
	unsetenv("HOME");
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	xasprintf(&sub, "%s/natter", tmpdir);
	rmdir(sub);
	free(sub);
	rmdir(tmpdir);
	return (rc);
}
