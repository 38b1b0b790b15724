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
 * IRCv3 capabilities: one table, shared by natterd's CAP handler and
 * natter's negotiation. A new capability is a flag here, a row in cap.c
 * and the code that uses it.
 */

#ifndef NATTER_CAP_H
#define NATTER_CAP_H

#include <stddef.h>

#define CAP_ECHO_MESSAGE	0x1
#define CAP_SERVER_TIME		0x2
#define CAP_USERHOST_IN_NAMES	0x4
#define CAP_MULTI_PREFIX	0x8
#define CAP_INVITE_NOTIFY	0x10
#define CAP_MESSAGE_TAGS	0x20
#define CAP_BATCH		0x40
#define CAP_LABELED_RESPONSE	0x80
#define CAP_CHATHISTORY		0x100	/* draft/chathistory */
#define CAP_EVENT_PLAYBACK	0x200	/* draft/event-playback */
#define CAP_SEARCH		0x400	/* soju.im/search */
#define CAP_MULTILINE		0x800	/* draft/multiline */
#define CAP_READ_MARKER		0x1000	/* draft/read-marker */

/* Which side uses a capability: see cap_all(). */
#define CAP_NATTERD	0x1	/* natterd offers it */
#define CAP_NATTER	0x2	/* natter asks for it when offered */

int	 cap_find(const char *, size_t);
int	 cap_all(int);
int	 cap_mask(const char *);
size_t	 cap_list(int, char *, size_t);
size_t	 cap_list_values(int, const char *(*)(int), char *, size_t);

#endif
