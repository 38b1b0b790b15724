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

/* IRC messages: parse a line in place, format one that cannot break. */

#ifndef NATTER_MSG_H
#define NATTER_MSG_H

#include <stddef.h>

#define MSG_MAXPARAMS	15
#define MSG_LINELEN	512	/* with CR LF, without tags (RFC 1459) */
#define MSG_TAGSLEN	8191	/* IRCv3 message-tags, with the '@' and ' ' */
#define MSG_CTAGSLEN	4094	/* tag data a client may send, without them */

struct msg {
	char		*tags;		/* without '@'; NULL if none */
	char		*prefix;	/* without ':'; NULL if none */
	char		*cmd;
	int		 nparams;
	char		*params[MSG_MAXPARAMS];
};

int	 msg_parse(struct msg *, char *, const char **);
int	 msg_format(char *, size_t, const char *, const char *, int,
	     const char *const *);
int	 msg_formatl(char *, size_t, const char *, const char *, ...);
int	 msg_param_ok(const char *, int);
size_t	 msg_room(const char *, const char *, int, const char *const *);
const char *msg_last(const struct msg *);
const char *msg_tag(const struct msg *, const char *, char *, size_t);
size_t	 msg_tag_unescape(char *, size_t, const char *, size_t);
size_t	 msg_tag_escape(char *, const char *);
int	 msg_client_tags(const char *, char *, size_t);

#endif
