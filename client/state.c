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
 * The client's global state: options, the event base, the exit status.
 * The defaults here are config.c's, for the unit tests that never read
 * a command line.
 */

#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "natter.h"

struct options		 opt = {
	.host = "127.0.0.1",
	.port = "6667",
	.reconnect = 1,
	.scrollback = 2000,
	.color = 1,
	.time_format = "%H:%M",
	.time_width = 5,
	.sidebar_width = 18,
	.emoji_width = 2,
};
struct event_base	*base;
int			 natter_exit = -1;

/*
 * Make each missing directory of path, up to its last slash, 0700: for
 * the files natter keeps under $XDG_STATE_HOME and $XDG_CONFIG_HOME.
 * Return -1 with errno set if one cannot be made.
 */
int
state_mkdirs(const char *path)
{
	char	*copy = xstrdup(path), *p;
	int	 rc = 0, saved;

	for (p = copy + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(copy, 0700) == -1 && errno != EEXIST) {
			rc = -1;
			break;
		}
		*p = '/';
	}
	saved = errno;
	free(copy);
	errno = saved;
	return (rc);
}
