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

/* What cluster.c (the links, the bus) and cluster-state.c share. */

#ifndef NATTERD_CLUSTER_H
#define NATTERD_CLUSTER_H

#include "bus.h"
#include "redis.h"

/* The replica: every user of every node, by uid. */
RB_HEAD(uids, client);
RB_PROTOTYPE(uids, client, uid_entry, cluster_uid_cmp);
extern struct uids	 cluster_uids;

extern char		 cluster_inc[17];	/* this run's incarnation */

int	 cluster_ours(const char *);
void	 cluster_split(const char *);
int	 cluster_local_members(struct channel *);
void	 cluster_applied(struct client *);
void	 cluster_label(struct client *);
void	 cluster_fail_waits(struct client *);

void	 cluster_eval(redis_cb, void *, const char *, int,
	     const char *const *);
int	 cluster_answer(redisReply *, const char *);
struct client *cluster_find(const char *);
void	 cluster_umodes(struct client *, char *, size_t);
int	 cluster_hears(const char *);
void	 cluster_publish_raw(const char *, const char *, size_t);

/* cluster-ops.c */
void	 cbus_message(const struct bus_msg *);
void	 cbus_whisper(const struct bus_msg *);
void	 cluster_wait(struct client *, const char *);
void	 cluster_done(struct client *);

/* cluster-state.c */
void	 cstate_apply(const struct bus_msg *);
int	 cstate_snapshot(redisReply *);
void	 cstate_split(void);
void	 cstate_free_all(void);
struct client *cstate_remote(const char *, const char *, const char *,
	     const char *, const char *, const char *, time_t, const char *);
void	 cstate_deliver(struct channel *, struct client *, struct msg *,
	     const struct bus_msg *);

#endif
