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
 * What history.c (the store: writing, faults, retention) shares with
 * history-read.c (the reads). Nothing else includes this.
 */

#ifndef HISTORY_H
#define HISTORY_H

#define HISTORY_SEARCH_MS	250	/* the longest a SEARCH may hold the loop */

/* The newest HISTORY_WINDOW events of a channel, oldest first. */
struct hist_ring {
	struct hist_item items[HISTORY_WINDOW];
	int		 first;
	int		 n;
	int		 complete;	/* holds all the room's history */
	int		 loaded;	/* filled from the store once */
	int		 since_trim;
};

/* The prepared statements: hist_st[ST_INSERT], ... */
enum {
	ST_INSERT,
	ST_BY_MSGID,
	ST_BACK,
	ST_FORWARD,
	ST_LOAD,
	ST_TRIM,
	ST_EXPIRE,
	ST_OLDEST,
	ST_LATEST_MS,
	ST_SEARCH,
	ST_INDEX,
	ST_INDEXED,
	ST_EXISTS,
	ST_COUNT
};

#define RING_AT(r, i)	(&(r)->items[((r)->first + (i)) % HISTORY_WINDOW])

extern sqlite3		*hist_db;
extern sqlite3_stmt	*hist_st[ST_COUNT];
extern char		*hist_path;		/* NULL: history is off */

int	 hist_stmt_done(sqlite3_stmt *);
void	 hist_item_free(struct hist_item *);
void	 hist_item_set(struct hist_item *, int64_t, int64_t, const char *,
	    int, int, const char *, size_t, const char *);
void	 hist_item_row(struct hist_item *, sqlite3_stmt *);
void	 hist_ring_load(struct channel *);
void	 hist_commit(void);
int	 hist_index(int64_t);

#endif
