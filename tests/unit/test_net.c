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
 * Unit tests for client/net.c: the room a PRIVMSG leaves for text, so
 * that the line the server relays, with our prefix, fits in 512 bytes.
 */

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
#include "msg.h"

/* The split fits the line the server relays, with its prefix. */
static void
test_split_relay(void **state)
{
	char		 text[2048] = "", part[600], line[1024];
	const char	*p = text;
	size_t		 room, len, n;
	int		 i;

	(void)state;
	net_set_nick("철수");
	net_set_userhost("철수!~u@127.0.0.1");
	room = net_text_room("#7", 0);
	assert_int_equal(room, 512 - strlen(":철수!~u@127.0.0.1 PRIVMSG #7 :"
	    "\r\n"));
	for (i = 0; i < 400; i++)
		strcat(text, "가");
	len = strlen(text);
	while (len > 0) {
		n = text_split(p, len, room);
		memcpy(part, p, n);
		part[n] = '\0';
		assert_true(msg_formatl(line, sizeof line, "철수!~u@127.0.0.1",
		    "PRIVMSG", "#7", part, (char *)NULL) <= 512);
		p += n;
		len -= n;
	}
	/* Unknown userhost: assume the longest a server may make. */
	free(net.userhost);
	net.userhost = NULL;
	assert_true(net_text_room("#7", 0) < room);
	assert_int_equal(net_text_room("#7", 0), 512 - (1 + strlen("철수") +
	    1 + 16 + 1 + 63 + strlen(" PRIVMSG #7 :\r\n")));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_relay),
	};

	setlocale(LC_ALL, "C.UTF-8");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		return (1);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
