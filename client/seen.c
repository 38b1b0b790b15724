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
 * The last message seen in each room of each server, kept across runs in
 * $XDG_STATE_HOME/natter/seen (else ~/.local/state/natter/seen), so that
 * the next run asks the server for what came after it. One line a room:
 * "server TAB room TAB msgid TAB time", the most recent first, at most
 * SEEN_MAX of them. The file is written whole to a temporary file that is
 * then renamed over it: a crash leaves the old one or the new one.
 */

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "natter.h"
#include "name.h"

#define SEEN_MAX	500		/* rooms remembered */
#define SEEN_FIELD	320		/* longest field read */
#define SEEN_FILEMAX	(256 * 1024)	/* bytes read at most */

struct seen {
	char			*server;
	char			*room;
	char			*id;
	char			*time;
	TAILQ_ENTRY(seen)	 entry;
};
static TAILQ_HEAD(seens_head, seen) seens = TAILQ_HEAD_INITIALIZER(seens);
static size_t	 nseen;
static int	 seen_loaded;
static int	 seen_dirty;
static int	 seen_warned;

static char	*seen_path(void);
static void	 seen_load(void);
static void	 seen_free_one(struct seen *);
static int	 seen_field_ok(const char *, size_t);

/*
 * The file, or NULL when there is nowhere to keep it. XDG says a relative
 * $XDG_STATE_HOME is to be ignored.
 */
static char *
seen_path(void)
{
	const char	*xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char		*path;

	if (xdg != NULL && xdg[0] == '/')
		xasprintf(&path, "%s/natter/seen", xdg);
	else if (home != NULL && home[0] == '/')
		xasprintf(&path, "%s/.local/state/natter/seen", home);
	else
		return (NULL);
	return (path);
}

/* A field may not hold a tab, a line end or another control character. */
static int
seen_field_ok(const char *s, size_t max)
{
	size_t	 n = 0;

	if (*s == '\0')
		return (0);
	for (; *s != '\0'; s++, n++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f || n >= max)
			return (0);
	}
	return (1);
}

static void
seen_free_one(struct seen *e)
{
	TAILQ_REMOVE(&seens, e, entry);
	nseen--;
	free(e->server);
	free(e->room);
	free(e->id);
	free(e->time);
	free(e);
}

/* Read the file once; a line that does not look right is skipped. */
static void
seen_load(void)
{
	struct seen	*e;
	FILE		*fp;
	char		*path, line[4 * SEEN_FIELD], *f[4], *p;
	size_t		 total = 0;
	int		 i;

	if (seen_loaded)
		return;
	seen_loaded = 1;
	if ((path = seen_path()) == NULL)
		return;
	if ((fp = fopen(path, "r")) == NULL) {
		if (errno != ENOENT)
			log_warn("%s", path);
		free(path);
		return;
	}
	while (nseen < SEEN_MAX && total < SEEN_FILEMAX &&
	    fgets(line, sizeof line, fp) != NULL) {
		total += strlen(line);
		if ((p = strchr(line, '\n')) == NULL) {
			/* Too long: skip the rest of it. */
			while (fgets(line, sizeof line, fp) != NULL &&
			    strchr(line, '\n') == NULL)
				;
			continue;
		}
		*p = '\0';
		p = line;
		for (i = 0; i < 4; i++)
			f[i] = strsep(&p, "\t");
		if (f[3] == NULL || p != NULL || !seen_field_ok(f[0],
		    SEEN_FIELD) || !seen_field_ok(f[1], NAME_CHANLEN) ||
		    !backlog_id_ok(f[2]) || !seen_field_ok(f[3], 40))
			continue;
		e = xcalloc(1, sizeof *e);
		e->server = xstrdup(f[0]);
		e->room = xstrdup(f[1]);
		e->id = xstrdup(f[2]);
		e->time = xstrdup(f[3]);
		TAILQ_INSERT_TAIL(&seens, e, entry);
		nseen++;
	}
	fclose(fp);
	free(path);
}

/* The msgid (and its time) last seen in room on server, or -1. */
int
seen_get(const char *server, const char *room, const char **id,
    const char **when)
{
	struct seen	*e;

	seen_load();
	TAILQ_FOREACH(e, &seens, entry) {
		if (strcmp(e->server, server) == 0 &&
		    name_cmp(e->room, room) == 0) {
			*id = e->id;
			*when = e->time;
			return (0);
		}
	}
	return (-1);
}

/*
 * Remember id as the last message seen in room. The room goes first; the
 * room seen least lately is forgotten past SEEN_MAX.
 */
void
seen_set(const char *server, const char *room, const char *id,
    const char *when)
{
	struct seen	*e;

	if (when == NULL || *when == '\0')
		when = "-";
	if (!seen_field_ok(server, SEEN_FIELD) ||
	    !seen_field_ok(room, NAME_CHANLEN) || !backlog_id_ok(id) ||
	    !seen_field_ok(when, 40))
		return;
	seen_load();
	TAILQ_FOREACH(e, &seens, entry) {
		if (strcmp(e->server, server) == 0 &&
		    name_cmp(e->room, room) == 0)
			break;
	}
	if (e != NULL && strcmp(e->id, id) == 0)
		return;
	if (e == NULL) {
		e = xcalloc(1, sizeof *e);
		e->server = xstrdup(server);
		e->room = xstrdup(room);
		nseen++;
	} else {
		TAILQ_REMOVE(&seens, e, entry);
		free(e->id);
		free(e->time);
	}
	e->id = xstrdup(id);
	e->time = xstrdup(when);
	TAILQ_INSERT_HEAD(&seens, e, entry);
	while (nseen > SEEN_MAX)
		seen_free_one(TAILQ_LAST(&seens, seens_head));
	seen_dirty = 1;
}

/* Has anything changed since the file was last written? */
int
seen_changed(void)
{
	return (seen_dirty);
}

/*
 * Write the file: a temporary file beside it, then rename(2). Return 0,
 * or -1 (logged once: a read-only home must not fill the log).
 */
int
seen_save(void)
{
	struct seen	*e;
	FILE		*fp = NULL;
	char		*path, *tmp = NULL;
	int		 fd, rc = -1;

	if (!seen_dirty)
		return (0);
	if ((path = seen_path()) == NULL)
		return (-1);
	seen_dirty = 0;
	xasprintf(&tmp, "%s.XXXXXX", path);
	if (state_mkdirs(path) == -1 || (fd = mkstemp(tmp)) == -1)
		goto out;
	if ((fp = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(tmp);
		goto out;
	}
	TAILQ_FOREACH(e, &seens, entry)
		fprintf(fp, "%s\t%s\t%s\t%s\n", e->server, e->room, e->id,
		    e->time);
	if (fflush(fp) != 0 || fsync(fileno(fp)) == -1) {
		fclose(fp);
		unlink(tmp);
		goto out;
	}
	if (fclose(fp) != 0 || rename(tmp, path) == -1) {
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	if (rc == -1 && !seen_warned) {
		log_warn("%s", path);
		seen_warned = 1;
	}
	free(tmp);
	free(path);
	return (rc);
}

/* Forget everything (the file stays); the next use reads it again. */
void
seen_free(void)
{
	struct seen	*e;

	while ((e = TAILQ_FIRST(&seens)) != NULL)
		seen_free_one(e);
	seen_loaded = 0;
	seen_dirty = 0;
}
