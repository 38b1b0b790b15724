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

/* Nickname and channel-name rules and case-folding, shared by both sides. */

#ifndef NATTER_NAME_H
#define NATTER_NAME_H

#include <stddef.h>

#define NAME_NICKLEN	30	/* code points (ISUPPORT NICKLEN) */
#define NAME_NICKMAX	(NAME_NICKLEN * 4)	/* the same, in bytes */
#define NAME_CHANLEN	50	/* bytes, with the '#' (CHANNELLEN) */
#define NAME_USERLEN	16	/* bytes of a user name, with its '~' */

int	 name_nick_valid(const char *, size_t, const char **);
int	 name_chan_valid(const char *, const char **);
int	 name_is_chan(const char *);
int	 name_ok_cp(unsigned int);
void	 name_fold(char *, const char *, size_t);

/* One byte folded as CASEMAPPING=ascii folds it: only A-Z change. */
static inline unsigned char
name_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
}

int	 name_cmp(const char *, const char *);
int	 name_match(const char *, const char *);

#endif
