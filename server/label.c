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
 * IRCv3 labeled-response: a command sent with a label tag is answered
 * with it. What the server writes to the client while the command runs
 * is held, then sent as one labeled line, in a labeled-response batch,
 * or as an ACK if there was nothing.
 */

#include <stdio.h>
#include <string.h>

#include "natterd.h"

struct client		*label_client;	/* whose writes are held, or NULL */
static struct evbuffer	*label_held;
static char		 label_tag[LABEL_TAGSIZE];	/* label=... */
static unsigned long	 label_batches;

static void	label_send(struct client *, const char *, const char *,
		    size_t);

/*
 * Before m runs: if c asked for labeled-response and m has a label (of
 * at most LABEL_LEN bytes; a longer one is ignored), hold c's output.
 */
void
label_begin(struct client *c, const struct msg *m)
{
	char	 value[LABEL_LEN + 1], tag[sizeof label_tag];

	if (!(c->caps & CAP_LABELED_RESPONSE) ||
	    msg_tag(m, "label", value, sizeof value) == NULL ||
	    value[0] == '\0')
		return;
	memcpy(tag, "label=", 6);
	msg_tag_escape(tag + 6, value);
	label_resume(c, tag);
}

/*
 * The command running for c is answered later (BATCH +, whose answer is
 * the batch's echo at BATCH -): keep its label tag in tag (size bytes)
 * and stop holding. Return 0, or -1 if it has no label ("" in tag).
 */
int
label_defer(struct client *c, char *tag, size_t size)
{
	tag[0] = '\0';
	if (label_client != c)
		return (-1);
	snprintf(tag, size, "%s", label_tag);
	label_client = NULL;
	/* Nothing was written yet; if something was, it goes unlabeled. */
	if (evbuffer_get_length(label_held) > 0) {
		conn_write(c, (char *)evbuffer_pullup(label_held, -1),
		    evbuffer_get_length(label_held));
		evbuffer_drain(label_held, evbuffer_get_length(label_held));
	}
	return (0);
}

/*
 * Hold c's output from now until label_end() and label it with tag
 * ("label=..." as label_defer() kept it), in place of the label of the
 * command running, if it had one.
 */
void
label_resume(struct client *c, const char *tag)
{
	if (tag[0] == '\0' || !(c->caps & CAP_LABELED_RESPONSE))
		return;
	if (label_held == NULL && (label_held = evbuffer_new()) == NULL)
		fatal("evbuffer_new");
	snprintf(label_tag, sizeof label_tag, "%s", tag);
	label_client = c;
}

/* A line c's command wrote, held until label_end(). */
void
label_hold(const char *buf, size_t len)
{
	evbuffer_add(label_held, buf, len);
}

/* Queue line (len bytes, with CR LF) for c with tag added to its tags. */
static void
label_send(struct client *c, const char *tag, const char *line,
    size_t len)
{
	char	 buf[MSG_TAGSLEN + MSG_LINELEN + 1];
	int	 n;

	if (line[0] == '@')
		n = snprintf(buf, sizeof buf, "@%s;%.*s", tag,
		    (int)len - 1, line + 1);
	else
		n = snprintf(buf, sizeof buf, "@%s %.*s", tag, (int)len,
		    line);
	if (n > 0 && (size_t)n < sizeof buf)
		conn_write(c, buf, n);
}

/*
 * The reference of the batch a line (len bytes) starts with sign '+' or
 * ends with sign '-': after its tags and source, "BATCH +ref ...". Put
 * it in ref (size bytes); 0, or -1 if the line is no such thing.
 */
static int
label_batch_ref(const unsigned char *p, size_t len, int sign, char *ref,
    size_t size)
{
	const unsigned char	*end = p + len, *q;
	size_t			 n;

	if (p < end && *p == '@') {
		if ((q = memchr(p, ' ', len)) == NULL)
			return (-1);
		p = q + 1;
	}
	if (p < end && *p == ':') {
		if ((q = memchr(p, ' ', end - p)) == NULL)
			return (-1);
		p = q + 1;
	}
	if ((size_t)(end - p) < 7 || memcmp(p, "BATCH ", 6) != 0 ||
	    p[6] != sign)
		return (-1);
	p += 7;
	for (n = 0; p + n < end && strchr(" \r\n", p[n]) == NULL; n++)
		;
	if (n == 0 || n >= size)
		return (-1);
	memcpy(ref, p, n);
	ref[n] = '\0';
	return (0);
}

/*
 * Whether the total bytes at p are one batch, from its BATCH + line to
 * its BATCH - line: a CHATHISTORY answer, or a multiline message echoed.
 * Its start then carries the label, and no labeled-response batch goes
 * around it.
 */
static int
label_one_batch(const unsigned char *p, size_t total)
{
	char			 start[128], end[128];
	const unsigned char	*eol, *last;

	if (total < 2 || p[total - 1] != '\n' ||
	    (eol = memchr(p, '\n', total)) == NULL ||
	    label_batch_ref(p, eol - p, '+', start, sizeof start) != 0)
		return (0);
	for (last = p + total - 1; last > p && last[-1] != '\n'; last--)
		;
	if (last == p || label_batch_ref(last, p + total - last, '-', end,
	    sizeof end) != 0)
		return (0);
	return (strcmp(start, end) == 0);
}

/* Whether a line already belongs to a batch: its tags have batch=. */
static int
label_in_batch(const unsigned char *p, size_t len)
{
	const unsigned char	*q;
	size_t			 n;

	if (len == 0 || *p != '@')
		return (0);
	n = (q = memchr(p, ' ', len)) != NULL ? (size_t)(q - p) : len;
	for (q = p + 1; q < p + n; q++) {
		if ((q == p + 1 || q[-1] == ';') && (size_t)(p + n - q) > 6 &&
		    memcmp(q, "batch=", 6) == 0)
			return (1);
	}
	return (0);
}

/*
 * After the command: send what it wrote, labeled. One line carries the
 * label; so does the start of one batch the command sent; more lines
 * are a labeled-response batch if c asked for batch, else go as they
 * are; none is an ACK. If c was closed, it is all dropped.
 */
void
label_end(struct client *c, int closed)
{
	char		 ref[24], line[MSG_TAGSLEN + MSG_LINELEN + 1], tag[32];
	size_t		 len, total, nlines = 0, i;
	unsigned char	*p, *eol;
	int		 n;

	if (label_client != c)
		return;
	label_client = NULL;
	total = evbuffer_get_length(label_held);
	if (closed) {
		evbuffer_drain(label_held, total);
		return;
	}
	p = evbuffer_pullup(label_held, -1);
	for (i = 0; i < total; i++)
		nlines += p[i] == '\n';
	if (nlines == 0) {
		n = snprintf(line, sizeof line, ":%s ACK\r\n", conf.name);
		label_send(c, label_tag, line, n);
	} else if (nlines == 1)
		label_send(c, label_tag, (char *)p, total);
	else if (!(c->caps & CAP_BATCH))
		conn_write(c, (char *)p, total);
	else if (label_one_batch(p, total)) {
		eol = memchr(p, '\n', total);
		len = (size_t)(eol - p) + 1;
		label_send(c, label_tag, (char *)p, len);
		conn_write(c, (char *)p + len, total - len);
	}
	else {
		snprintf(ref, sizeof ref, "L%lu", ++label_batches);
		n = snprintf(line, sizeof line, ":%s BATCH +%s "
		    "labeled-response\r\n", conf.name, ref);
		label_send(c, label_tag, line, n);
		snprintf(tag, sizeof tag, "batch=%s", ref);
		for (; total > 0; total -= len, p += len) {
			eol = memchr(p, '\n', total);
			len = eol != NULL ? (size_t)(eol - p) + 1 : total;
			/* A batch inside this one: its lines keep its tag. */
			if (label_in_batch(p, len))
				conn_write(c, (char *)p, len);
			else
				label_send(c, tag, (char *)p, len);
		}
		n = snprintf(line, sizeof line, ":%s BATCH -%s\r\n",
		    conf.name, ref);
		conn_write(c, line, n);
	}
	evbuffer_drain(label_held, evbuffer_get_length(label_held));
}

/* At exit. */
void
label_free(void)
{
	if (label_held != NULL)
		evbuffer_free(label_held);
	label_held = NULL;
}
