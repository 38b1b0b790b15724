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
 * libFuzzer harness for natterd's connection and command handling, in
 * process: the input is the byte stream one client sends, through the
 * real framing (conn.c) and command table, while a second client sits in
 * #c and watches. Every line the server writes to either must end in
 * CR LF, be valid UTF-8 and fit in 512 bytes without its tags.
 */

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <event2/bufferevent.h>

#include "natterd.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Check every line the server wrote into buf. */
static void
check_output(struct evbuffer *buf)
{
	size_t	 len = evbuffer_get_length(buf), i, start = 0, body;
	char	*p;

	if (len == 0)
		return;
	p = (char *)evbuffer_pullup(buf, len);
	assert(p[len - 1] == '\n');
	assert(utf8_valid(p, len));
	for (i = 0; i < len; i++) {
		if (p[i] != '\n')
			continue;
		assert(i > start && p[i - 1] == '\r');
		assert(memchr(p + start, '\r', i - 1 - start) == NULL);
		assert(memchr(p + start, '\0', i - start) == NULL);
		body = start;
		if (p[start] == '@')
			body = (char *)memchr(p + start, ' ', i - start) -
			    p + 1;
		assert(i + 1 - body <= MSG_LINELEN);
		start = i + 1;
	}
	evbuffer_drain(buf, len);
}

static void
pump(struct bufferevent *a, struct bufferevent *b)
{
	int	 i;

	for (i = 0; i < 16; i++) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		check_output(bufferevent_get_input(a));
		check_output(bufferevent_get_input(b));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int		 once;
	struct bufferevent	*fz[2], *wt[2];
	static const char	 witness[] = "CAP REQ :server-time\r\n"
	    "NICK w\r\nUSER w 0 * :witness\r\nCAP END\r\nJOIN #c\r\n";

	if (!once) {
		log_init("fuzz", LOG_LEVEL_ERROR, NULL);
		config_defaults();
		conf.flood_rate = 0;
		conf.max_per_ip = 0;
		/* main() sets it; at 0 every client is "Server is full". */
		conn_max = conf.max_clients;
		once = 1;
	}
	base = event_base_new();
	conn_init();

	bufferevent_pair_new(base, 0, wt);
	bufferevent_enable(wt[1], EV_READ | EV_WRITE);
	conn_new(wt[0], "::1");
	bufferevent_write(wt[1], witness, sizeof witness - 1);
	pump(wt[1], wt[1]);

	bufferevent_pair_new(base, 0, fz);
	bufferevent_enable(fz[1], EV_READ | EV_WRITE);
	conn_new(fz[0], "127.0.0.1");
	bufferevent_write(fz[1], data, size);
	pump(fz[1], wt[1]);
	bufferevent_write(fz[1], "\r\nQUIT\r\n", 8);
	pump(fz[1], wt[1]);

	/* Free the clients first: their bufferevents are the pairs' ends. */
	conn_exit();
	channel_free_all();
	bufferevent_free(fz[1]);
	bufferevent_free(wt[1]);
	event_base_free(base);
	base = NULL;
	return (0);
}
