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
 * The cluster bus payload (shared/designs/cluster.md 6.4): what one
 * natterd node publishes through Redis for the others. A header line,
 * a line feed, then the IRC line as sent to clients, without tags:
 *
 *	N1 <kind> <origin> <seq> <time-ms> <field>...\n<irc line>
 *
 * Kinds: M a channel message (fields: msgid, the sender's uid or "-",
 * client-only tags or "-", flags "o" or "-"), P a private message (the
 * target's uid, then the same), S a state event (origin "-", seq the
 * global state counter, then the event and its arguments). Nothing else but the
 * codec is here, so that the fuzzer and the unit tests reach all of it.
 */

#ifndef NATTERD_BUS_H
#define NATTERD_BUS_H

#include <stddef.h>
#include <stdint.h>

#define BUS_VERSION	"N1"
#define BUS_HEADERLEN	512	/* the header, without its line feed */
#define BUS_LINELEN	510	/* the IRC line, as MSG_LINELEN less CR LF */
#define BUS_MAXLEN	(BUS_HEADERLEN + 1 + BUS_LINELEN)
#define BUS_NODELEN	63	/* a node's name, a dotted server name */
#define BUS_MAXFIELDS	8	/* after the time */
#define BUS_UIDLEN	37	/* 16 hex digits, '.', a decimal id */
#define BUS_MSGIDLEN	32
#define BUS_CTAGSLEN	400	/* client-only tags, as msg.h allows */

#define BUS_MESSAGE	'M'
#define BUS_PRIVATE	'P'
#define BUS_STATE	'S'

struct bus_msg {
	char		 kind;
	char		 origin[BUS_NODELEN + 1];	/* "" for S */
	uint64_t	 seq;
	int64_t		 ms;
	int		 nfields;
	const char	*fields[BUS_MAXFIELDS];	/* into buf */
	const char	*line;			/* into buf */
	char		 buf[BUS_MAXLEN + 1];
};

int	 bus_parse(struct bus_msg *, const char *, size_t, const char **);
int	 bus_format(char *, size_t, const struct bus_msg *);
int	 bus_node_valid(const char *);
int	 bus_uid_valid(const char *);

#endif
