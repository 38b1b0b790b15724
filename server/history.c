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
 * Room history in SQLite. channel_deliver() hands every channel event to
 * history_record(): it goes into the channel's window of recent events in
 * memory and into the open transaction, which is committed once per turn
 * of the event loop (and at least every HISTORY_COMMIT_MS), so fan-out
 * never waits for the disk. WAL with synchronous=NORMAL: a commit only
 * writes to the WAL; a thread with its own connection checkpoints it.
 * Reads (history-read.c) are synchronous, on the loop thread, and see
 * the open transaction's rows.
 *
 * A write that fails (disk full, file removed) is logged once; chat goes
 * on, the windows in memory keep filling, and a timer tries again. When
 * writing resumes each room that lost events gets a NOTICE from the
 * server in its history saying from when to when.
 */

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "natterd.h"
#include "history.h"

#define HISTORY_SCHEMA		2	/* PRAGMA user_version */
#define HISTORY_COMMIT_MS	100	/* a transaction at most this long */
#define HISTORY_RETRY_SECS	2	/* after a write error, try again */
#define HISTORY_TRIM_EVERY	256	/* inserts to a room between trims */
#define HISTORY_EXPIRE_ROWS	500	/* rows deleted in one statement */
#define HISTORY_CHECKPOINT	1000	/* WAL pages that wake the thread */
#define HISTORY_WAL_MAX		16384	/* pages the loop checkpoints at */
#define HISTORY_GAPS		1024	/* rooms remembered during a fault */
#define HISTORY_INDEX_CHUNK	4096	/* rows indexed for search a turn */
#define HISTORY_INDEX_MIN	512	/* rows that make a turn index them */

static const char *const hist_sql[ST_COUNT] = {
	[ST_INSERT] = "INSERT INTO event (id, target, time_ms, msgid, kind, "
	    "line, tags, bot, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_BY_MSGID] = "SELECT time_ms, id FROM event WHERE msgid = ?1 AND "
	    "target = ?2",
	[ST_BACK] = "SELECT id, time_ms, msgid, kind, line, tags, bot FROM "
	    "event WHERE target = ?1 AND (time_ms, id) < (?2, ?3) AND "
	    "(time_ms, id) > (?4, ?5) AND kind <= ?6 ORDER BY time_ms DESC, "
	    "id DESC LIMIT ?7",
	[ST_FORWARD] = "SELECT id, time_ms, msgid, kind, line, tags, bot FROM "
	    "event WHERE target = ?1 AND (time_ms, id) < (?2, ?3) AND "
	    "(time_ms, id) > (?4, ?5) AND kind <= ?6 ORDER BY time_ms, id "
	    "LIMIT ?7",
	[ST_LOAD] = "SELECT id, time_ms, msgid, kind, line, tags, bot FROM "
	    "event WHERE target = ?1 ORDER BY time_ms DESC, id DESC LIMIT ?2",
	[ST_TRIM] = "DELETE FROM event WHERE target = ?1 AND id < (SELECT id "
	    "FROM event WHERE target = ?1 ORDER BY time_ms DESC, id DESC "
	    "LIMIT 1 OFFSET ?2)",
	[ST_EXPIRE] = "DELETE FROM event WHERE id IN (SELECT id FROM event "
	    "ORDER BY id LIMIT ?2) AND time_ms < ?1",
	[ST_OLDEST] = "SELECT time_ms FROM event ORDER BY id LIMIT 1",
	[ST_LATEST_MS] = "SELECT time_ms FROM event WHERE target = ?1 AND "
	    "kind = 0 ORDER BY time_ms DESC, id DESC LIMIT 1",
	[ST_SEARCH] = "SELECT e.id, e.time_ms, e.msgid, e.kind, e.line, "
	    "e.tags, e.bot FROM event_text JOIN event e ON e.id = "
	    "event_text.rowid WHERE event_text MATCH ?1 AND e.target = ?2 AND "
	    "e.time_ms > ?3 AND e.time_ms < ?4 AND (?5 IS NULL OR "
	    "e.line LIKE ?5 ESCAPE '\\') ORDER BY event_text.rowid DESC "
	    "LIMIT ?6",
	[ST_INDEX] = "INSERT INTO event_text (rowid, text) SELECT id, text "
	    "FROM event WHERE id > ?1 AND id <= ?2 AND text IS NOT NULL",
	[ST_INDEXED] = "UPDATE text_indexed SET last_id = ?1",
	[ST_EXISTS] = "SELECT 1 FROM event WHERE target = ?1 LIMIT 1",
};

/* Schema steps: migrations[v] takes a database from version v to v + 1. */
static const char *const hist_migrations[HISTORY_SCHEMA] = {
	/* 1: the events. */
	"CREATE TABLE event ("
	"  id INTEGER PRIMARY KEY,"
	"  target TEXT NOT NULL,"	/* the channel, folded */
	"  time_ms INTEGER NOT NULL,"	/* Unix time in milliseconds */
	"  msgid TEXT NOT NULL,"
	"  kind INTEGER NOT NULL,"	/* 0 PRIVMSG/NOTICE, 1 other */
	"  line TEXT NOT NULL,"		/* as sent, without tags */
	"  tags TEXT,"			/* client-only tags, escaped */
	"  bot INTEGER NOT NULL DEFAULT 0,"
	"  text TEXT);"			/* what was said, to search */
	"CREATE INDEX event_target_time ON event (target, time_ms);"
	"CREATE INDEX event_msgid ON event (msgid);",
	/*
	 * 2: full-text search over what was said. Rows are indexed in
	 * batches at the end of a loop turn (a trigger per row costs three
	 * times as much), up to text_indexed.last_id; only those indexed
	 * are taken out of the index when they are deleted.
	 */
	"CREATE VIRTUAL TABLE event_text USING fts5 (text, content = event,"
	"  content_rowid = id);"
	"CREATE TABLE text_indexed (last_id INTEGER NOT NULL);"
	"INSERT INTO text_indexed VALUES (0);"
	"CREATE TRIGGER event_text_del AFTER DELETE ON event"
	"  WHEN old.text IS NOT NULL AND"
	"  old.id <= (SELECT last_id FROM text_indexed) BEGIN"
	"  INSERT INTO event_text (event_text, rowid, text)"
	"  VALUES ('delete', old.id, old.text); END;",
};

sqlite3		*hist_db;
sqlite3_stmt	*hist_st[ST_COUNT];
char		*hist_path;		/* NULL: history is off */
static int		 hist_lockfd = -1;
static int64_t		 hist_next_id = 1;
static int64_t		 hist_indexed;		/* text_indexed.last_id */
static int64_t		 hist_max_ms;		/* the newest stamp stored */

/* The open transaction, committed by hist_commit_ev. */
static int		 hist_intxn;
static struct timeval	 hist_txn_start;
static struct event	*hist_commit_ev;
static struct event	*hist_tick_ev;		/* expiry, health, retries */

/* A write fault: since when, why, and the rooms that lost events. */
static int		 hist_broken;
static int64_t		 hist_broken_ms;
static time_t		 hist_retry_at;
static char		*hist_gaps[HISTORY_GAPS];
static int		 hist_ngaps;
static int		 hist_gaps_lost;	/* rooms past HISTORY_GAPS */

/* The checkpoint thread. */
static pthread_t	 hist_thread;
static int		 hist_thread_on;
static pthread_mutex_t	 hist_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 hist_cond = PTHREAD_COND_INITIALIZER;
static int		 hist_wake, hist_quit;

static int	hist_open_db(int);
static void	hist_fail(int, const char *);
static void	hist_commit_cb(evutil_socket_t, short, void *);
static void	hist_tick(evutil_socket_t, short, void *);
static void	hist_gap_note(const char *);

int
history_enabled(void)
{
	return (hist_path != NULL);
}

/* The capabilities history brings; none when it is off. */
int
history_caps(void)
{
	return (hist_path != NULL ? CAP_CHATHISTORY | CAP_EVENT_PLAYBACK |
	    CAP_SEARCH : 0);
}

/* The newest stamp in the store: new stamps never go back past it. */
int64_t
history_last_ms(void)
{
	return (hist_max_ms);
}

/* mkdir -p path with mode 0700 for what is made; -1 with errno set. */
static int
hist_mkdirs(const char *path)
{
	char	 buf[PATH_MAX], *p;

	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) != 0 && errno != EEXIST)
			return (-1);
		*p = '/';
	}
	if (mkdir(buf, 0700) != 0 && errno != EEXIST)
		return (-1);
	return (0);
}

/*
 * Where the database is, from --history-db or --state-dir or their
 * defaults: $STATE_DIRECTORY (systemd), /var/lib/natterd as root, else
 * $XDG_STATE_HOME/natterd or ~/.local/state/natterd. Called before
 * privileges are dropped: a state directory natterd makes for --user is
 * given to that user.
 */
void
history_prepare(void)
{
	const char	*dir = conf.state_dir, *env, *home;
	struct passwd	*pw;
	struct stat	 st;
	char		 buf[PATH_MAX];
	int		 made;

	if (conf.no_history)
		return;
	/* No memory statistics: they take a global mutex on every malloc. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (conf.history_db != NULL && strcmp(conf.history_db,
	    ":memory:") == 0) {
		hist_path = xstrdup(":memory:");
		return;
	}
	if (dir == NULL && (env = getenv("STATE_DIRECTORY")) != NULL &&
	    *env != '\0') {
		/* systemd gives a list when there are several; the first. */
		snprintf(buf, sizeof buf, "%.*s", (int)strcspn(env, ":"), env);
		dir = buf;
	} else if (dir == NULL && geteuid() == 0)
		dir = "/var/lib/natterd";
	else if (dir == NULL) {
		if ((env = getenv("XDG_STATE_HOME")) != NULL && *env == '/')
			snprintf(buf, sizeof buf, "%s/natterd", env);
		else {
			if ((home = getenv("HOME")) == NULL || *home == '\0')
				fatalx("no $HOME for the state directory: "
				    "give --state-dir or --history-db");
			snprintf(buf, sizeof buf, "%s/.local/state/natterd",
			    home);
		}
		dir = buf;
	}
	if (conf.history_db != NULL)
		hist_path = xstrdup(conf.history_db);
	else {
		made = stat(dir, &st) != 0;
		if (hist_mkdirs(dir) != 0)
			fatal("state directory %s", dir);
		if (made && conf.user != NULL && geteuid() == 0 &&
		    (pw = getpwnam(conf.user)) != NULL &&
		    chown(dir, pw->pw_uid, pw->pw_gid) != 0)
			fatal("chown %s", dir);
		hist_path = xmalloc(strlen(dir) + sizeof "/natterd.db");
		sprintf(hist_path, "%s/natterd.db", dir);
	}
}

/* Run sql; on failure log it with what and return -1. */
static int
hist_exec(const char *sql, const char *what)
{
	char	*err = NULL;

	if (sqlite3_exec(hist_db, sql, NULL, NULL, &err) == SQLITE_OK)
		return (0);
	log_warnx("history: %s: %s: %s", hist_path, what,
	    err != NULL ? err : sqlite3_errmsg(hist_db));
	sqlite3_free(err);
	return (-1);
}

/* One integer from a one-row query, or -1. */
static int64_t
hist_int(const char *sql)
{
	sqlite3_stmt	*st;
	int64_t		 v = -1;

	if (sqlite3_prepare_v2(hist_db, sql, -1, &st, NULL) != SQLITE_OK)
		return (-1);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return (v);
}

/*
 * Check the database and bring its schema up to date. Return -1 and
 * leave in why what is wrong with it.
 */
static int
hist_schema(char *why, size_t size)
{
	sqlite3_stmt	*st;
	const char	*res;
	int64_t		 version;
	int		 v, rc;

	if (strcmp(hist_path, ":memory:") != 0) {
		if ((rc = sqlite3_prepare_v2(hist_db, "PRAGMA quick_check(1)",
		    -1, &st, NULL)) != SQLITE_OK) {
			snprintf(why, size, "%s", sqlite3_errmsg(hist_db));
			return (-1);
		}
		rc = sqlite3_step(st);
		res = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st,
		    0) : sqlite3_errmsg(hist_db);
		if (res == NULL || strcmp(res, "ok") != 0) {
			snprintf(why, size, "damaged (quick_check: %s); it is "
			    "left as it is: move it away, or recover it with "
			    "sqlite3 .recover", res != NULL ? res : "?");
			sqlite3_finalize(st);
			return (-1);
		}
		sqlite3_finalize(st);
	}
	if ((version = hist_int("PRAGMA user_version")) < 0) {
		snprintf(why, size, "%s", sqlite3_errmsg(hist_db));
		return (-1);
	}
	if (version > HISTORY_SCHEMA) {
		snprintf(why, size, "schema version %lld is newer than this "
		    "natterd's (%d)", (long long)version, HISTORY_SCHEMA);
		return (-1);
	}
	for (v = (int)version; v < HISTORY_SCHEMA; v++) {
		char	 sql[64];

		if (hist_exec("BEGIN IMMEDIATE", "migrate") != 0)
			goto fail;
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v + 1);
		if (hist_exec(hist_migrations[v], "migrate") != 0 ||
		    hist_exec(sql, "migrate") != 0) {
			hist_exec("ROLLBACK", "migrate");
			goto fail;
		}
		if (hist_exec("COMMIT", "migrate") != 0)
			goto fail;
		if (version > 0)
			log_info("history: %s: schema version %d to %d",
			    hist_path, v, v + 1);
	}
	return (0);
fail:
	snprintf(why, size, "cannot bring the schema to version %d: %s",
	    HISTORY_SCHEMA, sqlite3_errmsg(hist_db));
	return (-1);
}

/* A connection for the loop: WAL, synchronous=NORMAL, no autocheckpoint. */
static int
hist_pragmas(sqlite3 *db)
{
	static const char *const pragmas =
	    "PRAGMA journal_mode = WAL;"
	    /* Debian builds with FULL, for WAL too: set it each time. */
	    "PRAGMA synchronous = NORMAL;"
	    "PRAGMA secure_delete = OFF;"
	    /* The kernel caches the file; SQLite needs a little of its own. */
	    "PRAGMA cache_size = -512;"
	    "PRAGMA wal_autocheckpoint = 0;"
	    "PRAGMA journal_size_limit = 67108864;";

	sqlite3_busy_timeout(db, 1000);
	return (sqlite3_exec(db, pragmas, NULL, NULL, NULL) == SQLITE_OK ?
	    0 : -1);
}

/* Checkpoint the WAL away from the loop, PASSIVE: it never blocks. */
static void *
hist_checkpointer(void *arg)
{
	sqlite3		*db = arg;
	struct timespec	 ts;
	int		 quit;

	for (;;) {
		pthread_mutex_lock(&hist_mtx);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		while (!hist_wake && !hist_quit &&
		    pthread_cond_timedwait(&hist_cond, &hist_mtx, &ts) == 0)
			;
		hist_wake = 0;
		quit = hist_quit;
		pthread_mutex_unlock(&hist_mtx);
		if (quit)
			break;
		sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE,
		    NULL, NULL);
	}
	sqlite3_close(db);
	return (NULL);
}

/*
 * After a commit: a long WAL wakes the checkpoint thread. Under writes
 * that never pause the thread never finishes (a WAL starts again from its
 * beginning only once all of it is copied): past HISTORY_WAL_MAX pages
 * the loop copies the rest itself, between two transactions, and the
 * next one starts the WAL again.
 */
static int
hist_wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	(void)arg;
	if (pages >= HISTORY_WAL_MAX) {
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE,
		    NULL, NULL);
		return (SQLITE_OK);
	}
	if (pages >= HISTORY_CHECKPOINT) {
		pthread_mutex_lock(&hist_mtx);
		hist_wake = 1;
		pthread_cond_signal(&hist_cond);
		pthread_mutex_unlock(&hist_mtx);
	}
	return (SQLITE_OK);
}

static void
hist_thread_start(void)
{
	sqlite3	*db;

	if (strcmp(hist_path, ":memory:") == 0 || hist_thread_on)
		return;
	if (sqlite3_open_v2(hist_path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		log_warnx("history: %s: checkpoints: %s", hist_path,
		    sqlite3_errmsg(db));
		sqlite3_close(db);
		return;
	}
	sqlite3_busy_timeout(db, 0);
	/* Until it reads the file a connection does not know it is WAL. */
	if (sqlite3_exec(db, "PRAGMA schema_version", NULL, NULL, NULL) !=
	    SQLITE_OK)
		log_warnx("history: %s: checkpoints: %s", hist_path,
		    sqlite3_errmsg(db));
	hist_quit = hist_wake = 0;
	if (pthread_create(&hist_thread, NULL, hist_checkpointer, db) != 0) {
		log_warnx("history: no checkpoint thread");
		sqlite3_close(db);
		return;
	}
	hist_thread_on = 1;
}

static void
hist_thread_stop(void)
{
	if (!hist_thread_on)
		return;
	pthread_mutex_lock(&hist_mtx);
	hist_quit = 1;
	pthread_cond_signal(&hist_cond);
	pthread_mutex_unlock(&hist_mtx);
	pthread_join(hist_thread, NULL);
	hist_thread_on = 0;
}

static void
hist_close_db(void)
{
	int	 i;

	for (i = 0; i < ST_COUNT; i++) {
		sqlite3_finalize(hist_st[i]);
		hist_st[i] = NULL;
	}
	if (hist_db != NULL)
		sqlite3_close(hist_db);
	hist_db = NULL;
	hist_intxn = 0;
}

/*
 * Open the database at hist_path, check it, migrate it and prepare the
 * statements. At start-up (fatal set) a failure stops natterd; later it
 * is logged and -1 returned.
 */
static int
hist_open_db(int fatal)
{
	char	 why[512];
	int64_t	 id;
	int	 i, flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
		     SQLITE_OPEN_NOMUTEX;

	why[0] = '\0';
	if (sqlite3_open_v2(hist_path, &hist_db, flags, NULL) != SQLITE_OK) {
		snprintf(why, sizeof why, "%s", hist_db != NULL ?
		    sqlite3_errmsg(hist_db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(hist_db, 1);
	if (strcmp(hist_path, ":memory:") != 0 &&
	    hist_pragmas(hist_db) != 0) {
		snprintf(why, sizeof why, "%s", sqlite3_errmsg(hist_db));
		goto fail;
	}
	if (hist_schema(why, sizeof why) != 0)
		goto fail;
	for (i = 0; i < ST_COUNT; i++) {
		if (sqlite3_prepare_v3(hist_db, hist_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &hist_st[i], NULL) !=
		    SQLITE_OK) {
			snprintf(why, sizeof why, "%s", sqlite3_errmsg(
			    hist_db));
			goto fail;
		}
	}
	/* Reopened after a fault, the ids and times go on from memory's. */
	if ((id = hist_int("SELECT max(id) FROM event")) >= hist_next_id)
		hist_next_id = id + 1;
	if ((id = hist_int("SELECT max(time_ms) FROM event")) > hist_max_ms)
		hist_max_ms = id;
	if ((hist_indexed = hist_int("SELECT last_id FROM text_indexed")) < 0)
		hist_indexed = 0;
	sqlite3_wal_hook(hist_db, hist_wal_hook, NULL);
	return (0);
fail:
	hist_close_db();
	if (fatal)
		fatalx("history database %s: %s", hist_path, why);
	log_warnx("history: %s: %s", hist_path, why);
	return (-1);
}

/*
 * At start-up, once privileges are dropped: open the database. Another
 * natterd on the same file is refused: each keeps a transaction open.
 */
void
history_open(void)
{
	struct timeval	 tick = { 1, 0 };
	char		 lock[PATH_MAX];

	if (hist_path == NULL)
		return;
	if (strcmp(hist_path, ":memory:") != 0) {
		snprintf(lock, sizeof lock, "%s.lock", hist_path);
		if ((hist_lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC,
		    0600)) == -1)
			fatal("history database %s: %s", hist_path, lock);
		if (flock(hist_lockfd, LOCK_EX | LOCK_NB) != 0)
			fatalx("history database %s: in use by another "
			    "natterd (%s is locked)", hist_path, lock);
	}
	hist_open_db(1);
	if ((hist_commit_ev = event_new(base, -1, 0, hist_commit_cb,
	    NULL)) == NULL ||
	    (hist_tick_ev = event_new(base, -1, EV_PERSIST, hist_tick,
	    NULL)) == NULL)
		fatalx("event_new");
	evtimer_add(hist_tick_ev, &tick);
	history_trim_all();
	hist_tick(-1, 0, NULL);
	hist_thread_start();
	log_info("history in %s (%lld events; up to %d a room, %d days)",
	    hist_path, (long long)hist_int("SELECT count(*) FROM event"),
	    conf.history_max_lines, conf.history_max_days);
}

/* At exit: commit what is left (SIGTERM loses nothing) and close. */
void
history_close(void)
{
	int	 i;

	if (hist_path == NULL)
		return;
	if (hist_intxn)
		hist_commit();
	hist_thread_stop();
	hist_close_db();
	if (hist_commit_ev != NULL)
		event_free(hist_commit_ev);
	if (hist_tick_ev != NULL)
		event_free(hist_tick_ev);
	hist_commit_ev = hist_tick_ev = NULL;
	for (i = 0; i < hist_ngaps; i++)
		free(hist_gaps[i]);
	hist_ngaps = 0;
	if (hist_lockfd != -1)
		close(hist_lockfd);
	hist_lockfd = -1;
	free(hist_path);
	hist_path = NULL;
}

/* Milliseconds since the epoch. */
static int64_t
hist_ms(const struct timeval *tv)
{
	return ((int64_t)tv->tv_sec * 1000 + tv->tv_usec / 1000);
}

static int64_t
hist_now_ms(void)
{
	struct timeval	 tv;

	evutil_gettimeofday(&tv, NULL);
	return (hist_ms(&tv));
}

/* Format ms as an IRCv3 time, YYYY-MM-DDThh:mm:ss.sssZ, into buf. */
void
history_time(char *buf, size_t size, int64_t ms)
{
	struct tm	 tm;
	time_t		 t = (time_t)(ms / 1000);
	size_t		 n;

	gmtime_r(&t, &tm);
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%03dZ", (int)(ms % 1000));
}

/* The step after binding: SQLITE_DONE is 0, else the error code. */
int
hist_stmt_done(sqlite3_stmt *st)
{
	int	 rc = sqlite3_step(st);

	sqlite3_reset(st);
	return (rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : rc);
}

void
hist_item_free(struct hist_item *it)
{
	free(it->line);
	it->line = it->tags = NULL;
}

void
hist_item_set(struct hist_item *it, int64_t id, int64_t ms,
    const char *msgid, int kind, int bot, const char *line, size_t len,
    const char *tags)
{
	size_t	 tlen = tags != NULL ? strlen(tags) + 1 : 0;

	it->id = id;
	it->ms = ms;
	snprintf(it->msgid, sizeof it->msgid, "%s", msgid);
	it->kind = kind;
	it->bot = bot;
	it->line = xmalloc(len + 1 + tlen);
	memcpy(it->line, line, len);
	it->line[len] = '\0';
	if (tags != NULL) {
		it->tags = it->line + len + 1;
		memcpy(it->tags, tags, tlen);
	} else
		it->tags = NULL;
}

/* Append to a window, dropping its oldest event when it is full. */
static struct hist_item *
hist_ring_push(struct hist_ring *r)
{
	struct hist_item	*it;

	if (r->n == HISTORY_WINDOW || (conf.history_max_lines > 0 &&
	    r->n >= conf.history_max_lines)) {
		hist_item_free(RING_AT(r, 0));
		r->first = (r->first + 1) % HISTORY_WINDOW;
		r->n--;
		r->complete = 0;
	}
	it = RING_AT(r, r->n);
	r->n++;
	return (it);
}

/* An item from a result row: id, time_ms, msgid, kind, line, tags, bot. */
void
hist_item_row(struct hist_item *it, sqlite3_stmt *st)
{
	const char	*line = (const char *)sqlite3_column_text(st, 4);
	const char	*msgid = (const char *)sqlite3_column_text(st, 2);

	hist_item_set(it, sqlite3_column_int64(st, 0),
	    sqlite3_column_int64(st, 1), msgid != NULL ? msgid : "",
	    sqlite3_column_int(st, 3), sqlite3_column_int(st, 6),
	    line != NULL ? line : "", line != NULL ? strlen(line) : 0,
	    (const char *)sqlite3_column_text(st, 5));
}

/*
 * A channel is made: its window starts empty. Events go into it from now
 * on; it is a true suffix of the room's history either way, so it
 * answers what it can and the store the rest. For a room with history
 * the first request loads it (hist_ring_load), so that a room that
 * emptied has its latest events back in memory, without every JOIN that
 * makes a channel paying for that.
 */
void
history_channel_new(struct channel *ch)
{
	struct hist_ring	*r;
	sqlite3_stmt		*st = hist_st[ST_EXISTS];

	if (hist_path == NULL)
		return;
	r = ch->history = xcalloc(1, sizeof *ch->history);
	if (hist_db == NULL || hist_broken)
		return;
	/* A room with no history yet: all it will have goes in the window. */
	sqlite3_bind_text(st, 1, ch->fold, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE)
		r->complete = r->loaded = 1;
	sqlite3_reset(st);
}

/*
 * Fill ch's window with the room's newest events from the store, which
 * holds all it has (in the open transaction at worst). Not during a
 * write fault: the window then has events the store does not.
 */
void
hist_ring_load(struct channel *ch)
{
	struct hist_ring	*r = ch->history;
	sqlite3_stmt		*st = hist_st[ST_LOAD];
	struct hist_item	 tmp[HISTORY_WINDOW];
	int			 n = 0, i, complete = 1;

	if (r->loaded || hist_db == NULL || hist_broken)
		return;
	sqlite3_bind_text(st, 1, ch->fold, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, HISTORY_WINDOW + 1);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == HISTORY_WINDOW) {
			complete = 0;
			break;
		}
		hist_item_row(&tmp[n++], st);
	}
	sqlite3_reset(st);
	for (i = 0; i < r->n; i++)
		hist_item_free(RING_AT(r, i));
	/* Newest first from the query; oldest first in the window. */
	for (i = 0; i < n; i++)
		r->items[i] = tmp[n - 1 - i];
	r->first = 0;
	r->n = n;
	r->complete = complete;
	r->loaded = 1;
}

void
history_channel_free(struct channel *ch)
{
	struct hist_ring	*r = ch->history;
	int			 i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++)
		hist_item_free(RING_AT(r, i));
	free(r);
	ch->history = NULL;
}

/* Whether a chanmsg's command is kept: what event playback would show. */
static int
hist_kind(const struct chanmsg *cm)
{
	static const char *const events[] = {
		"JOIN", "KICK", "MODE", "NICK", "PART", "QUIT", "TOPIC"
	};
	size_t	 i;

	if (strcmp(cm->cmd, "PRIVMSG") == 0 || strcmp(cm->cmd, "NOTICE") == 0)
		return (cm->nparams == 2 ? HIST_MESSAGE : -1);
	for (i = 0; i < sizeof events / sizeof events[0]; i++) {
		if (strcmp(cm->cmd, events[i]) == 0)
			return (HIST_EVENT);
	}
	return (-1);
}

/* Open the loop turn's transaction; the commit event ends it. */
static int
hist_begin(void)
{
	int	 rc;

	if (hist_intxn)
		return (0);
	if ((rc = sqlite3_exec(hist_db, "BEGIN", NULL, NULL, NULL)) !=
	    SQLITE_OK) {
		hist_fail(rc, "BEGIN");
		return (-1);
	}
	hist_intxn = 1;
	event_base_gettimeofday_cached(base, &hist_txn_start);
	event_active(hist_commit_ev, EV_TIMEOUT, 0);
	return (0);
}

/* Trim a room to --history-max-lines, inside the transaction. */
static int
hist_trim(const char *fold)
{
	sqlite3_stmt	*st = hist_st[ST_TRIM];

	if (conf.history_max_lines == 0)
		return (0);
	sqlite3_bind_text(st, 1, fold, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, conf.history_max_lines - 1);
	return (hist_stmt_done(st));
}

/* Write one event in the open transaction; 0 or the SQLite error. */
static int
hist_insert(const char *fold, const struct hist_item *it, const char *text)
{
	sqlite3_stmt	*st = hist_st[ST_INSERT];

	sqlite3_bind_int64(st, 1, it->id);
	sqlite3_bind_text(st, 2, fold, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, it->ms);
	sqlite3_bind_text(st, 4, it->msgid, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, it->kind);
	sqlite3_bind_text(st, 6, it->line, -1, SQLITE_STATIC);
	if (it->tags != NULL)
		sqlite3_bind_text(st, 7, it->tags, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 7);
	sqlite3_bind_int(st, 8, it->bot);
	if (text != NULL)
		sqlite3_bind_text(st, 9, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 9);
	return (hist_stmt_done(st));
}

/*
 * Keep an event delivered to ch, formatted as line (len bytes, CR LF at
 * the end): in the window, and in the store unless it is failing.
 */
void
history_record(struct channel *ch, const struct chanmsg *cm,
    const char *line, size_t len)
{
	struct hist_ring	*r = ch->history;
	struct hist_item	*it;
	struct timeval		 now;
	int			 kind, rc;

	if (r == NULL || (kind = hist_kind(cm)) == -1 ||
	    (cm->flags & CHANMSG_OPS) || cm->caps != 0)
		return;
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	it = hist_ring_push(r);
	hist_item_set(it, hist_next_id++, hist_ms(&cm->time), cm->msgid,
	    kind, cm->sender != NULL && (cm->sender->flags & CLIENT_BOT),
	    line, len, cm->ctags != NULL && *cm->ctags != '\0' ? cm->ctags :
	    NULL);
	if (it->ms > hist_max_ms)
		hist_max_ms = it->ms;
	if (hist_db == NULL || hist_broken) {
		hist_gap_note(ch->fold);
		return;
	}
	if (hist_begin() != 0) {
		hist_gap_note(ch->fold);
		return;
	}
	if ((rc = hist_insert(ch->fold, it, kind == HIST_MESSAGE ?
	    cm->params[1] : NULL)) != 0) {
		hist_fail(rc, "INSERT");
		hist_gap_note(ch->fold);
		return;
	}
	/* A trim walks max_lines index entries: not more than 8 an insert. */
	if (++r->since_trim >= HISTORY_TRIM_EVERY &&
	    r->since_trim >= conf.history_max_lines / 8) {
		r->since_trim = 0;
		if ((rc = hist_trim(ch->fold)) != 0) {
			hist_fail(rc, "DELETE");
			return;
		}
	}
	event_base_gettimeofday_cached(base, &now);
	if (hist_ms(&now) - hist_ms(&hist_txn_start) >= HISTORY_COMMIT_MS)
		hist_commit();
}

void
hist_commit(void)
{
	int	 rc;

	if (!hist_intxn)
		return;
	if ((rc = sqlite3_exec(hist_db, "COMMIT", NULL, NULL, NULL)) !=
	    SQLITE_OK) {
		hist_fail(rc, "COMMIT");
		return;
	}
	hist_intxn = 0;
}

/*
 * Index for SEARCH what was written since the last time, at most chunk
 * rows (0: all of them), in the open transaction.
 */
int
hist_index(int64_t chunk)
{
	sqlite3_stmt	*st;
	int64_t		 upto = hist_next_id - 1;
	int		 rc;

	if (upto <= hist_indexed || hist_db == NULL || hist_broken)
		return (0);
	if (chunk > 0 && upto - hist_indexed > chunk)
		upto = hist_indexed + chunk;
	if (hist_begin() != 0)
		return (-1);
	st = hist_st[ST_INDEX];
	sqlite3_bind_int64(st, 1, hist_indexed);
	sqlite3_bind_int64(st, 2, upto);
	if ((rc = hist_stmt_done(st)) == 0) {
		st = hist_st[ST_INDEXED];
		sqlite3_bind_int64(st, 1, upto);
		rc = hist_stmt_done(st);
	}
	if (rc != 0) {
		hist_fail(rc, "indexing");
		return (-1);
	}
	hist_indexed = upto;
	return (0);
}

/*
 * The end of a loop turn: commit what it wrote, indexing it for search
 * first once HISTORY_INDEX_MIN rows wait (the tick indexes the rest each
 * second). FTS5 makes a segment for each transaction that indexes: few
 * big ones cost less to make and to merge than one a message.
 */
static void
hist_commit_cb(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	(void)arg;
	if (hist_intxn && hist_next_id - 1 - hist_indexed >=
	    HISTORY_INDEX_MIN && hist_index(HISTORY_INDEX_CHUNK) != 0)
		return;
	hist_commit();
}

/* A room that lost events while writing failed. */
static void
hist_gap_note(const char *fold)
{
	int	 i;

	for (i = 0; i < hist_ngaps; i++) {
		if (strcmp(hist_gaps[i], fold) == 0)
			return;
	}
	if (hist_ngaps == HISTORY_GAPS) {
		hist_gaps_lost = 1;
		return;
	}
	hist_gaps[hist_ngaps++] = xstrdup(fold);
}

/*
 * Writing failed with rc: say so once, roll back what the transaction
 * held (the windows in memory keep it) and let the timer try again. The
 * events of that transaction count as missing from its start.
 */
static void
hist_fail(int rc, const char *what)
{
	struct channel	*ch;

	if (hist_intxn)
		sqlite3_exec(hist_db, "ROLLBACK", NULL, NULL, NULL);
	hist_intxn = 0;
	if (hist_broken)
		return;
	/* The windows now hold what the store may never have: keep them. */
	RB_FOREACH(ch, channels, &channels) {
		if (ch->history != NULL)
			ch->history->loaded = 1;
	}
	hist_broken = 1;
	hist_broken_ms = hist_txn_start.tv_sec != 0 ?
	    hist_ms(&hist_txn_start) : hist_now_ms();
	hist_retry_at = time(NULL) + HISTORY_RETRY_SECS;
	log_warnx("history: %s: %s failed: %s; chat goes on, history is "
	    "missing from now until writing works again", hist_path, what,
	    hist_db != NULL ? sqlite3_errstr(rc) : "not open");
}

/*
 * Writing works again: tell each room that lost events, in its history,
 * from when to when. The notice is a NOTICE from the server, stored and
 * kept in the window like any other message, but not sent live. Until
 * it is committed the fault stays.
 */
static void
hist_gap_close(void)
{
	struct channel		*ch;
	struct hist_item	*items;
	char			 text[200], from[32], to[32], line[MSG_LINELEN];
	char			 msgid[CHANMSG_IDLEN + 1];
	int64_t			 now = hist_now_ms(), id = hist_next_id;
	int			 i, n, rc = 0;

	history_time(from, sizeof from, hist_broken_ms);
	history_time(to, sizeof to, now);
	snprintf(text, sizeof text, "History is missing from %s to %s: the "
	    "server could not write it", from, to);
	if (hist_begin() != 0)
		return;
	items = xcalloc(hist_ngaps + 1, sizeof *items);
	for (i = 0; i < hist_ngaps && rc == 0; i++) {
		ch = channel_find_fold(hist_gaps[i]);
		n = msg_formatl(line, sizeof line, conf.name, "NOTICE",
		    ch != NULL ? ch->name : hist_gaps[i], text, (char *)NULL);
		if (n < 2)
			continue;
		channel_new_msgid(msgid);
		hist_item_set(&items[i], id++, now, msgid, HIST_MESSAGE, 0,
		    line, n - 2, NULL);
		rc = hist_insert(hist_gaps[i], &items[i], text);
	}
	if (rc == 0)
		rc = sqlite3_exec(hist_db, "COMMIT", NULL, NULL, NULL);
	if (rc != 0) {
		hist_fail(rc, "COMMIT");
		for (i = 0; i < hist_ngaps; i++)
			hist_item_free(&items[i]);
		free(items);
		return;
	}
	hist_intxn = 0;
	hist_next_id = id;
	for (i = 0; i < hist_ngaps; i++) {
		ch = channel_find_fold(hist_gaps[i]);
		if (ch != NULL && ch->history != NULL && items[i].line != NULL)
			*hist_ring_push(ch->history) = items[i];
		else
			hist_item_free(&items[i]);
		free(hist_gaps[i]);
	}
	free(items);
	log_info("history: %s: writing again; events from %s to %s are "
	    "missing%s", hist_path, from, to, hist_gaps_lost ?
	    " (more rooms than are noted)" : "");
	hist_ngaps = 0;
	hist_gaps_lost = 0;
	hist_broken = 0;
}

/* Whether the database file was removed or renamed while open. */
static int
hist_moved(void)
{
	int	 moved = 0;

	if (hist_db == NULL || strcmp(hist_path, ":memory:") == 0)
		return (0);
	if (sqlite3_file_control(hist_db, "main", SQLITE_FCNTL_HAS_MOVED,
	    &moved) != SQLITE_OK)
		return (0);
	return (moved);
}

/* Delete rows older than --history-max-days, a bounded number a tick. */
static void
hist_expire(void)
{
	sqlite3_stmt	*st = hist_st[ST_EXPIRE];
	int64_t		 cutoff;
	int		 i, rc, oldest;

	if (conf.history_max_days == 0 || hist_db == NULL || hist_broken)
		return;
	cutoff = hist_now_ms() - (int64_t)conf.history_max_days * 86400000;
	for (i = 0; i < 20; i++) {
		oldest = sqlite3_step(hist_st[ST_OLDEST]) == SQLITE_ROW &&
		    sqlite3_column_int64(hist_st[ST_OLDEST], 0) < cutoff;
		sqlite3_reset(hist_st[ST_OLDEST]);
		if (!oldest || hist_begin() != 0)
			return;
		sqlite3_bind_int64(st, 1, cutoff);
		sqlite3_bind_int(st, 2, HISTORY_EXPIRE_ROWS);
		if ((rc = hist_stmt_done(st)) != 0) {
			hist_fail(rc, "DELETE");
			return;
		}
		if (sqlite3_changes(hist_db) == 0)
			return;
	}
}

/*
 * Every second: notice a database file that went away, retry writing
 * after a fault, expire old rows.
 */
static void
hist_tick(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	(void)arg;
	if (!hist_broken && hist_moved()) {
		hist_fail(SQLITE_IOERR, "checking the file");
		log_warnx("history: %s was removed or renamed; natterd "
		    "will make it again", hist_path);
		hist_thread_stop();
		hist_close_db();
	}
	if (hist_broken && time(NULL) >= hist_retry_at) {
		hist_retry_at = time(NULL) + HISTORY_RETRY_SECS;
		if (hist_db == NULL && hist_open_db(0) == 0)
			hist_thread_start();
		if (hist_db != NULL)
			hist_gap_close();
	}
	hist_expire();
	if (hist_index(HISTORY_INDEX_CHUNK) == 0)
		hist_commit();
}

/* At start-up: every room to --history-max-lines. */
void
history_trim_all(void)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (hist_db == NULL || conf.history_max_lines == 0)
		return;
	if (sqlite3_prepare_v2(hist_db, "SELECT DISTINCT target FROM event",
	    -1, &st, NULL) != SQLITE_OK)
		return;
	if (hist_begin() != 0) {
		sqlite3_finalize(st);
		return;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		if ((rc = hist_trim((const char *)sqlite3_column_text(st,
		    0))) != 0) {
			hist_fail(rc, "DELETE");
			break;
		}
	}
	sqlite3_finalize(st);
	hist_commit();
}
