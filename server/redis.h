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
 * One connection to Redis on natterd's own bufferevent: hiredis only
 * parses replies and formats commands (shared/designs/cluster.md 3.4),
 * so a hung Redis is noticed by our timer and no reply can abort us.
 */

#ifndef NATTERD_REDIS_H
#define NATTERD_REDIS_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>

#include <hiredis/hiredis.h>

#define REDIS_TIMEOUT	3	/* seconds without an answer: down */

struct redis_addr {
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	char			*user;		/* AUTH, or NULL */
	char			*pass;
	int			 db;
	char			*shown;		/* the URL, without a password */
};

struct redis;

/* A command's reply; NULL when the link went down before it came. */
typedef void (*redis_cb)(struct redis *, redisReply *, void *);

/* The link came up (why NULL) or went down (why says so). */
typedef void (*redis_state_cb)(struct redis *, const char *, void *);

int	 redis_parse_url(struct redis_addr *, const char *, const char **);
void	 redis_addr_free(struct redis_addr *);
struct redis *redis_new(const char *, const struct redis_addr *,
	     redis_state_cb, redis_cb, void *);
void	 redis_free(struct redis *);
void	 redis_connect(struct redis *);
void	 redis_close(struct redis *, const char *);
int	 redis_up(struct redis *);
void	 redis_command(struct redis *, redis_cb, void *, int,
	     const char **, const size_t *);
void	 redis_commandv(struct redis *, redis_cb, void *, ...);
size_t	 redis_pending(struct redis *);
long long redis_fine_ms(struct redis *);

#endif
