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
 * Ignored people: masks as nick, nick!user@host or *@host, with * and ?,
 * matched against a message's prefix as CASEMAPPING=ascii folds names.
 * What /ignore adds is kept in $XDG_STATE_HOME/natter/ignore (else
 * ~/.local/state/natter/ignore), one mask a line, written whole to a
 * temporary file renamed over it; ignore_add() (the configuration
 * file's "ignore" keys) adds for this run only, so taking a mask out of
 * the configuration file is enough to stop ignoring it. The file is read
 * on first use.
 */

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "natter.h"
#include "name.h"

#define IGNORE_MAX	500	/* masks kept */
#define IGNORE_LEN	200	/* bytes of a mask */

struct ignore {
	char			*mask;	/* as given */
	char			*full;	/* as nick!user@host */
	int			 keep;	/* in the file */
	TAILQ_ENTRY(ignore)	 entry;
};
static TAILQ_HEAD(, ignore) ignores = TAILQ_HEAD_INITIALIZER(ignores);
static size_t	 nignores;
static int	 ignore_loaded;
static int	 ignore_unread;		/* the file is there, unreadable */

static char	*ignore_path(void);
static void	 ignore_load(void);
static struct ignore *ignore_find(const char *);

/* The file, or NULL when there is nowhere to keep it. */
static char *
ignore_path(void)
{
	const char	*xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char		*path;

	if (xdg != NULL && xdg[0] == '/')
		xasprintf(&path, "%s/natter/ignore", xdg);
	else if (home != NULL && home[0] == '/')
		xasprintf(&path, "%s/.local/state/natter/ignore", home);
	else
		return (NULL);
	return (path);
}

/* Is mask one? Printable, no spaces, not empty, not too long. */
int
ignore_valid(const char *mask)
{
	size_t	 n;

	for (n = 0; mask[n] != '\0'; n++) {
		if ((unsigned char)mask[n] <= ' ' || mask[n] == 0x7f ||
		    n >= IGNORE_LEN)
			return (0);
	}
	return (n > 0);
}

static struct ignore *
ignore_find(const char *mask)
{
	struct ignore	*ig;

	TAILQ_FOREACH(ig, &ignores, entry) {
		if (name_cmp(ig->mask, mask) == 0)
			return (ig);
	}
	return (NULL);
}

/* A mask in nick!user@host form: bob is bob!*@*, *@host is *!*@host. */
static char *
ignore_full(const char *mask)
{
	const char	*bang = strchr(mask, '!'), *at = strchr(mask, '@');
	char		*full;

	if (bang == NULL && at == NULL)
		xasprintf(&full, "%s!*@*", mask);
	else if (bang == NULL)
		xasprintf(&full, "*!%s", mask);
	else if (at == NULL)
		xasprintf(&full, "%s@*", mask);
	else
		full = xstrdup(mask);
	return (full);
}

/*
 * Add mask, in the file too if keep. Return 0 if added, 1 if it was
 * there already, -1 if it is not a mask (or there are too many).
 */
int
ignore_set(const char *mask, int keep)
{
	struct ignore	*ig;

	if (!ignore_valid(mask))
		return (-1);
	ignore_load();
	if ((ig = ignore_find(mask)) != NULL) {
		ig->keep |= keep;
		return (1);
	}
	if (nignores >= IGNORE_MAX)
		return (-1);
	ig = xcalloc(1, sizeof *ig);
	ig->mask = xstrdup(mask);
	ig->full = ignore_full(mask);
	ig->keep = keep;
	TAILQ_INSERT_TAIL(&ignores, ig, entry);
	nignores++;
	return (0);
}

/* Ignore mask for this run: the configuration file's "ignore" key. */
int
ignore_add(const char *mask)
{
	return (ignore_set(mask, 0));
}

/* Stop ignoring mask; -1 if it was not ignored. */
int
ignore_del(const char *mask)
{
	struct ignore	*ig;

	ignore_load();
	if ((ig = ignore_find(mask)) == NULL)
		return (-1);
	TAILQ_REMOVE(&ignores, ig, entry);
	nignores--;
	free(ig->mask);
	free(ig->full);
	free(ig);
	return (0);
}

/* Is the sender with this prefix (nick!user@host, or nick) ignored? */
int
ignore_match(const char *prefix)
{
	struct ignore		*ig;
	const char *const	*masks;
	char			*full, *cmask;
	size_t			 n, nmasks, i;
	int			 found;

	ignore_load();
	masks = config_ignores(&nmasks);
	if ((TAILQ_EMPTY(&ignores) && nmasks == 0) || prefix == NULL)
		return (0);
	n = strcspn(prefix, "!@");
	if (prefix[n] == '!')
		full = xstrdup(prefix);
	else if (prefix[n] == '@')
		xasprintf(&full, "%.*s!%s", (int)n, prefix, prefix + n);
	else
		xasprintf(&full, "%s!@", prefix);
	if (strchr(full, '@') == NULL) {
		free(full);
		xasprintf(&full, "%s@", prefix);
	}
	TAILQ_FOREACH(ig, &ignores, entry) {
		if (name_match(ig->full, full))
			break;
	}
	/* The configuration file's "ignore" masks, as /set leaves them. */
	for (i = 0; ig == NULL && i < nmasks; i++) {
		cmask = ignore_full(masks[i]);
		found = name_match(cmask, full);
		free(cmask);
		if (found) {
			free(full);
			return (1);
		}
	}
	free(full);
	return (ig != NULL);
}

/* The i-th mask, or NULL past the last. */
const char *
ignore_list(size_t i)
{
	struct ignore	*ig;

	ignore_load();
	TAILQ_FOREACH(ig, &ignores, entry) {
		if (i-- == 0)
			return (ig->mask);
	}
	return (NULL);
}

/* Read the file once; a line that is not a mask is skipped. */
static void
ignore_load(void)
{
	FILE	*fp;
	char	*path, line[IGNORE_LEN + 2];
	size_t	 n;

	if (ignore_loaded)
		return;
	ignore_loaded = 1;
	if ((path = ignore_path()) == NULL)
		return;
	if ((fp = fopen(path, "r")) == NULL) {
		if (errno != ENOENT) {
			/* Said where it can be; and never written over. */
			log_warn("%s", path);
			if (window_server != NULL)
				window_printf(window_server, LINE_ERROR,
				    _("-!- ignored masks not read: %s: %s"),
				    path, strerror(errno));
			ignore_unread = 1;
		}
		free(path);
		return;
	}
	while (fgets(line, sizeof line, fp) != NULL) {
		if ((n = strcspn(line, "\n")) == strlen(line)) {
			/* Too long: skip the rest of it. */
			while (fgets(line, sizeof line, fp) != NULL &&
			    strchr(line, '\n') == NULL)
				;
			continue;
		}
		line[n] = '\0';
		ignore_set(line, 1);
	}
	fclose(fp);
	free(path);
}

/*
 * Write the masks /ignore added: a temporary file (mkstemp makes it
 * 0600) beside the file, then rename(2). Return 0, or -1 with *cause.
 */
int
ignore_save(char **cause)
{
	struct ignore	*ig;
	FILE		*fp = NULL;
	char		*path, *tmp;
	int		 fd;

	*cause = NULL;
	if ((path = ignore_path()) == NULL) {
		*cause = xstrdup(_("no $HOME to keep it in"));
		return (-1);
	}
	if (ignore_unread) {
		xasprintf(cause, _("%s could not be read"), path);
		free(path);
		return (-1);
	}
	xasprintf(&tmp, "%s.XXXXXX", path);
	if (state_mkdirs(path) == -1 || (fd = mkstemp(tmp)) == -1)
		goto fail;
	if ((fp = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(tmp);
		goto fail;
	}
	TAILQ_FOREACH(ig, &ignores, entry) {
		if (ig->keep)
			fprintf(fp, "%s\n", ig->mask);
	}
	if (fflush(fp) != 0 || fsync(fileno(fp)) == -1) {
		fclose(fp);
		unlink(tmp);
		goto fail;
	}
	if (fclose(fp) != 0 || rename(tmp, path) == -1) {
		unlink(tmp);
		goto fail;
	}
	free(tmp);
	free(path);
	return (0);
fail:
	xasprintf(cause, "%s: %s", path, strerror(errno));
	free(tmp);
	free(path);
	return (-1);
}

/* Forget every mask (the file stays); the next use reads it again. */
void
ignore_free(void)
{
	struct ignore	*ig;

	while ((ig = TAILQ_FIRST(&ignores)) != NULL) {
		TAILQ_REMOVE(&ignores, ig, entry);
		free(ig->mask);
		free(ig->full);
		free(ig);
	}
	nignores = 0;
	ignore_loaded = ignore_unread = 0;
}
