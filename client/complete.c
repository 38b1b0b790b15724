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
 * Tab completion on the editor: find the word before the cursor, then
 * replace it with each matching candidate in turn. Which candidates (nicks
 * by most recent speaker, commands, rooms) is input.c's business.
 */

#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "natter.h"
#include "name.h"

static int	complete_match(const char *, const char *);

/* The word before the cursor, allocated; its first code point to *start. */
char *
complete_word(const struct edit *e, size_t *start)
{
	size_t	 i = e->pos;

	while (i > 0 && !iswspace(e->buf[i - 1]))
		i--;
	*start = i;
	return (edit_substring(e, i, e->pos));
}

/* Does s start with prefix, ignoring ASCII case (CASEMAPPING=ascii)? */
static int
complete_match(const char *prefix, const char *s)
{
	unsigned char	 a, b;

	for (; *prefix != '\0'; prefix++, s++) {
		a = name_lower(*prefix);
		b = name_lower(*s);
		if (a != b)
			return (0);
	}
	return (1);
}

void
complete_reset(struct complete *c)
{
	free(c->prefix);
	memset(c, 0, sizeof *c);
}

/*
 * Complete the word before the cursor from cands, in their order, adding
 * suffix. The first Tab remembers the word; each further Tab replaces
 * what the last one inserted with the next match, cycling. Returns -1 if
 * nothing matches.
 */
int
complete_apply(struct edit *e, struct complete *c, const char *const *cands,
    size_t n, const char *suffix)
{
	const char	*match = NULL;
	char		*text;
	size_t		 i, nmatch = 0, want, end;

	if (!c->active) {
		free(c->prefix);
		c->prefix = complete_word(e, &c->start);
		c->end = e->pos;
		c->next = 0;
		c->active = 1;
	}
	for (i = 0; i < n; i++) {
		if (complete_match(c->prefix, cands[i]))
			nmatch++;
	}
	if (nmatch == 0)
		return (-1);
	want = c->next++ % nmatch;
	for (i = 0; i < n; i++) {
		if (complete_match(c->prefix, cands[i]) && want-- == 0) {
			match = cands[i];
			break;
		}
	}
	xasprintf(&text, "%s%s", match, suffix);
	edit_replace(e, c->start, c->end, text);
	free(text);
	end = e->pos;
	c->end = end;
	return (0);
}
