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
 * Multi-line messages, IRCv3 draft/multiline: the server's limits from
 * its CAP value, a message with line breaks sent as one BATCH (long
 * lines split into draft/multiline-concat parts), and batches received
 * joined into one message with line feeds, which text.c keeps and
 * scroll_wrap() breaks rows at. Without the capability a message of
 * several lines goes out as separate lines, asked first: input.c.
 *
 * What comes in is bounded: MULTILINE_OPEN batches at once (past that
 * the oldest is shown as it is), MULTILINE_LINES lines and
 * MULTILINE_BYTES bytes kept of one (the rest dropped, and said), and a
 * batch that never ends is shown MULTILINE_WAIT seconds after it began,
 * or when the link goes, whichever comes first.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "natter.h"
#include "cap.h"
#include "msg.h"
#include "name.h"

#define MULTILINE_OPEN	4	/* batches being received at once */
#define MULTILINE_LINES	200	/* lines kept of one */
#define MULTILINE_BYTES	32768	/* bytes kept of one */
#define MULTILINE_WAIT	10	/* seconds a batch may stay open */
#define MULTILINE_REFMAX 64
#define MULTILINE_MIN	64	/* a max-bytes below this is not kept to */
#define MULTILINE_CONCAT "draft/multiline-concat"

/* A batch being received. */
struct mlbatch {
	char			*ref;
	char			*target;
	char			*tags;		/* of BATCH +: msgid */
	char			*prefix;	/* of its first line */
	int			 notice;
	time_t			 when;
	char			*text;		/* lines joined with \n */
	size_t			 len;
	size_t			 size;
	size_t			 nlines;
	size_t			 dropped;	/* lines past the bounds */
	struct event		*ev;
	TAILQ_ENTRY(mlbatch)	 entry;
};

static TAILQ_HEAD(, mlbatch)	 open_batches =
    TAILQ_HEAD_INITIALIZER(open_batches);
static size_t			 nopen;

/* The server's limits, from CAP LS draft/multiline=max-bytes=N,... */
static size_t	 max_bytes;
static size_t	 max_lines;	/* 0: none said */
static unsigned int refs;	/* batch references made so far */

static void	multiline_show(struct mlbatch *);
static void	multiline_free(struct mlbatch *);
static void	multiline_wait_cb(evutil_socket_t, short, void *);
static struct mlbatch *multiline_find(const char *);
static size_t	multiline_number(const char *, size_t);

/* A decimal number of n bytes at s, or 0 if it is not one. */
static size_t
multiline_number(const char *s, size_t n)
{
	size_t	 v = 0, i;

	if (n == 0 || n > 9)
		return (0);
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (0);
		v = v * 10 + (size_t)(s[i] - '0');
	}
	return (v);
}

/*
 * A CAP LS line: learn the limits from "draft/multiline=max-bytes=4096,
 * max-lines=24". max-bytes is required: without it (or with a silly
 * one) the capability is not usable, and multiline_offered() says so.
 */
void
multiline_offer(const char *list)
{
	const char	*p = list, *v, *end, *key;
	size_t		 n, kn;
	const char	*name = "draft/multiline";

	while (*p != '\0') {
		p += strspn(p, " ");
		n = strcspn(p, " ");
		if (n > strlen(name) && strncmp(p, name, strlen(name)) == 0 &&
		    p[strlen(name)] == '=') {
			max_bytes = max_lines = 0;
			v = p + strlen(name) + 1;
			end = p + n;
			while (v < end) {
				kn = strcspn(v, ",");
				if (v + kn > end)
					kn = end - v;
				key = v;
				if (kn > 10 && strncmp(key, "max-bytes=", 10) == 0)
					max_bytes = multiline_number(key + 10,
					    kn - 10);
				else if (kn > 10 &&
				    strncmp(key, "max-lines=", 10) == 0)
					max_lines = multiline_number(key + 10,
					    kn - 10);
				v += kn + (v + kn < end);
			}
		}
		p += n;
	}
}

/*
 * Was the capability offered with limits natter can keep to? A max-bytes
 * too small for a few Hangul syllables would have lines cut inside one.
 */
int
multiline_offered(void)
{
	return (max_bytes >= MULTILINE_MIN);
}

/* Can a message with line breaks go out as one batch now? */
int
multiline_usable(void)
{
	return ((net.caps & (CAP_MULTILINE | CAP_BATCH)) ==
	    (CAP_MULTILINE | CAP_BATCH) && max_bytes >= MULTILINE_MIN);
}

/* A new connection: nothing is known of its server yet. */
void
multiline_reset(void)
{
	max_bytes = max_lines = 0;
}

/* Add one formatted line to the batch text being built in *buf. */
static void
multiline_append(char **buf, size_t *len, const char *fmt, ...)
{
	va_list	 ap;
	char	*line;
	int	 n;

	va_start(ap, fmt);
	n = xvasprintf(&line, fmt, ap);
	va_end(ap);
	*buf = xreallocarray(*buf, *len + n + 1, 1);
	memcpy(*buf + *len, line, n + 1);
	*len += n;
	free(line);
}

/* Queue the batch built so far, if it has any line. */
static void
multiline_flush(const char *target, char **buf, size_t *len, char **shown,
    size_t *lines, const char *ref)
{
	if (*lines > 0) {
		multiline_append(buf, len, "BATCH -%s\r\n", ref);
		net_batch(target, *shown, *buf, *len);
	}
	free(*buf);
	free(*shown);
	*buf = *shown = NULL;
	*len = 0;
	*lines = 0;
}

/*
 * Send text, whose lines are separated by line feeds, to target as
 * draft/multiline batches. Each line is cut to what fits in one relayed
 * PRIVMSG; the parts after the first carry the concat tag. A message
 * past the server's max-bytes or max-lines goes out as several batches,
 * each within them, rather than be refused.
 */
void
multiline_send(const char *target, const char *text)
{
	char		 ref[32];
	char		*buf = NULL, *shown = NULL, *tmp;
	const char	*line, *next;
	size_t		 len = 0, lines = 0, bytes = 0, room, linelen, n, add;
	int		 concat;

	room = net_text_room(target, 0);
	if (room > max_bytes)
		room = max_bytes;
	ref[0] = '\0';
	for (line = text; line != NULL; line = next) {
		next = strchr(line, '\n');
		linelen = next != NULL ? (size_t)(next - line) : strlen(line);
		if (next != NULL)
			next++;
		concat = 0;
		do {
			n = text_split(line, linelen, room);
			/* A line break counts as a byte, a concat part not. */
			add = n + (lines > 0 && !concat);
			if (lines > 0 && (bytes + add > max_bytes ||
			    (max_lines > 0 && lines + 1 > max_lines))) {
				multiline_flush(target, &buf, &len, &shown,
				    &lines, ref);
				concat = 0;
				add = n;
			}
			if (lines == 0) {
				snprintf(ref, sizeof ref, "ml%u", ++refs);
				multiline_append(&buf, &len, "BATCH +%s "
				    "draft/multiline %s\r\n", ref, target);
				bytes = 0;
			}
			multiline_append(&buf, &len, "@batch=%s%s PRIVMSG %s "
			    ":%.*s\r\n", ref, concat ? ";" MULTILINE_CONCAT :
			    "", target, (int)n, line);
			xasprintf(&tmp, "%s%s%.*s", shown != NULL ? shown : "",
			    shown != NULL && !concat ? "\n" : "", (int)n, line);
			free(shown);
			shown = tmp;
			bytes += add;
			lines++;
			line += n;
			linelen -= n;
			concat = 1;
		} while (linelen > 0);
	}
	multiline_flush(target, &buf, &len, &shown, &lines, ref);
}

/*
 * Write a message of the pane to name's chat log a line at a time:
 * the rows after a break get the same time and the same "<nick> " as
 * the first, so grep finds every line with its sender.
 */
void
multiline_log(const char *name, time_t when, const char *line, int indent)
{
	const char	*p, *nl;
	char		*row;
	size_t		 head;

	if ((nl = strchr(line, '\n')) == NULL) {
		chatlog_add(name, when, line);
		return;
	}
	head = text_fit(line, indent, NULL);
	row = xstrndup(line, nl - line);
	chatlog_add(name, when, row);
	free(row);
	for (p = nl + 1; ; p = nl + 1) {
		nl = strchr(p, '\n');
		xasprintf(&row, "%.*s%.*s", (int)head, line,
		    nl != NULL ? (int)(nl - p) : (int)strlen(p), p);
		chatlog_add(name, when, row);
		free(row);
		if (nl == NULL)
			break;
	}
}

static struct mlbatch *
multiline_find(const char *ref)
{
	struct mlbatch	*b;

	TAILQ_FOREACH(b, &open_batches, entry) {
		if (strcmp(b->ref, ref) == 0)
			return (b);
	}
	return (NULL);
}

static void
multiline_free(struct mlbatch *b)
{
	TAILQ_REMOVE(&open_batches, b, entry);
	nopen--;
	event_free(b->ev);
	free(b->ref);
	free(b->target);
	free(b->tags);
	free(b->prefix);
	free(b->text);
	free(b);
}

/* Show what a batch holds as one message, then forget it. */
static void
multiline_show(struct mlbatch *b)
{
	struct msg	 m;
	char		*sender;

	if (b->prefix != NULL && b->text != NULL) {
		memset(&m, 0, sizeof m);
		m.tags = b->tags;
		m.prefix = b->prefix;
		m.cmd = (char *)(b->notice ? "NOTICE" : "PRIVMSG");
		m.nparams = 2;
		m.params[0] = b->target;
		m.params[1] = b->text;
		handle_lines(&m, b->when);
		if (b->dropped > 0) {
			sender = text_sanitize(b->prefix,
			    strcspn(b->prefix, "!@"), 0);
			window_printf(window_cur, LINE_ERROR, _("-!- a "
			    "multi-line message from %s was too long: natter "
			    "kept %zu lines and left out %zu"), sender,
			    b->nlines, b->dropped);
			free(sender);
		}
	}
	multiline_free(b);
}

static void
multiline_wait_cb(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	log_debug("multi-line batch %s never ended", ((struct mlbatch *)
	    arg)->ref);
	multiline_show(arg);
}

/* The link is gone: what was received of open batches is shown. */
void
multiline_lost(void)
{
	struct mlbatch	*b;

	while ((b = TAILQ_FIRST(&open_batches)) != NULL)
		multiline_show(b);
}

/* At exit: forget open batches without a word. */
void
multiline_free_all(void)
{
	struct mlbatch	*b;

	while ((b = TAILQ_FIRST(&open_batches)) != NULL)
		multiline_free(b);
}

/*
 * BATCH +ref draft/multiline target opens a batch, BATCH -ref ends one
 * of ours. Return 1 if the line was ours, else 0 for backlog.c. A batch
 * inside another (history) is left to backlog.c; one opened inside a
 * multi-line batch is ignored, so its lines show as plain lines.
 */
int
multiline_batch(struct msg *m, time_t when)
{
	struct mlbatch	*b;
	struct timeval	 tv = { MULTILINE_WAIT, 0 };
	char		 parent[MULTILINE_REFMAX + 1];
	const char	*ref;

	if (m->nparams < 1 || (m->params[0][0] != '+' &&
	    m->params[0][0] != '-'))
		return (0);
	ref = m->params[0] + 1;
	if (m->params[0][0] == '-') {
		if ((b = multiline_find(ref)) == NULL)
			return (0);
		multiline_show(b);
		return (1);
	}
	if (m->nparams < 3 || strcmp(m->params[1], "draft/multiline") != 0)
		return (0);
	if (msg_tag(m, "batch", parent, sizeof parent) != NULL) {
		if (multiline_find(parent) == NULL)
			return (0);
		log_debug("batch %s inside multi-line batch %s ignored", ref,
		    parent);
		return (1);
	}
	if (*ref == '\0' || strlen(ref) > MULTILINE_REFMAX ||
	    multiline_find(ref) != NULL || !msg_param_ok(m->params[2], 0))
		return (1);
	if (nopen >= MULTILINE_OPEN)
		multiline_show(TAILQ_FIRST(&open_batches));
	b = xcalloc(1, sizeof *b);
	b->ref = xstrdup(ref);
	b->target = xstrdup(m->params[2]);
	if (m->tags != NULL)
		b->tags = xstrdup(m->tags);
	b->when = when;
	b->ev = evtimer_new(base, multiline_wait_cb, b);
	evtimer_add(b->ev, &tv);
	TAILQ_INSERT_TAIL(&open_batches, b, entry);
	nopen++;
	return (1);
}

/*
 * A line of a multi-line batch: kept (return 1), joined to the one
 * before with a line feed, or without with the concat tag. Anything in
 * the batch that is not a PRIVMSG or NOTICE to its target is dropped.
 * A line of no open batch of ours is not ours (return 0).
 */
int
multiline_batched(struct msg *m, time_t when)
{
	struct mlbatch	*b;
	char		 ref[MULTILINE_REFMAX + 1], tag[16];
	const char	*text;
	size_t		 n, need;
	int		 concat, notice;

	(void)when;
	if (TAILQ_EMPTY(&open_batches) || strcmp(m->cmd, "BATCH") == 0 ||
	    msg_tag(m, "batch", ref, sizeof ref) == NULL ||
	    (b = multiline_find(ref)) == NULL)
		return (0);
	notice = strcmp(m->cmd, "NOTICE") == 0;
	if ((!notice && strcmp(m->cmd, "PRIVMSG") != 0) || m->nparams < 2 ||
	    m->prefix == NULL || name_cmp(m->params[0], b->target) != 0) {
		log_debug("not a line of multi-line batch %s: %s", ref,
		    m->cmd);
		return (1);
	}
	if (b->prefix == NULL) {
		b->prefix = xstrdup(m->prefix);
		b->notice = notice;
	}
	text = m->params[1];
	concat = b->nlines > 0 &&
	    msg_tag(m, MULTILINE_CONCAT, tag, sizeof tag) != NULL;
	n = strlen(text);
	need = b->len + (b->nlines > 0 && !concat) + n + 1;
	if (b->dropped > 0 || (!concat && b->nlines >= MULTILINE_LINES) ||
	    need > MULTILINE_BYTES) {
		if (!concat || b->dropped == 0)
			b->dropped++;
		return (1);
	}
	if (need > b->size) {
		b->size = need < 1024 ? 1024 : need * 2;
		if (b->size > MULTILINE_BYTES)
			b->size = MULTILINE_BYTES;
		b->text = xreallocarray(b->text, b->size, 1);
	}
	if (b->nlines > 0 && !concat)
		b->text[b->len++] = '\n';
	memcpy(b->text + b->len, text, n);
	b->len += n;
	b->text[b->len] = '\0';
	if (!concat || b->nlines == 0)
		b->nlines++;
	return (1);
}

/*
 * FAIL BATCH code ...: a multi-line message the server refused, said as
 * a sentence. Return 0 if the reply was one, else -1.
 */
int
multiline_fail(struct msg *m)
{
	const char	*code, *limit;
	char		*why;

	if (m->nparams < 2 || strcmp(m->params[0], "BATCH") != 0)
		return (-1);
	code = m->params[1];
	limit = m->nparams >= 4 ? m->params[2] : "?";
	if (strcmp(code, "MULTILINE_MAX_BYTES") == 0)
		xasprintf(&why, _("it is longer than the server allows (%s "
		    "bytes)"), limit);
	else if (strcmp(code, "MULTILINE_MAX_LINES") == 0)
		xasprintf(&why, _("it has more lines than the server allows "
		    "(%s)"), limit);
	else if (strcmp(code, "MULTILINE_INVALID_TARGET") == 0)
		why = xstrdup(_("the server would not take it for that room "
		    "or person"));
	else if (strncmp(code, "MULTILINE_", 10) == 0)
		why = xstrdup(_("the server refused it as malformed"));
	else
		return (-1);
	window_printf(window_cur, LINE_ERROR, _("-!- your multi-line "
	    "message was not sent: %s"), why);
	free(why);
	return (0);
}
