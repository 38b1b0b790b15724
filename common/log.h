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

/* A daemon logger in the OpenBSD style, and allocation that cannot fail. */

#ifndef NATTER_LOG_H
#define NATTER_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#define LOG_LEVEL_ERROR	0
#define LOG_LEVEL_WARN	1
#define LOG_LEVEL_INFO	2
#define LOG_LEVEL_DEBUG	3

#ifndef __dead
#define __dead __attribute__((__noreturn__))
#endif
#ifndef __printflike
#define __printflike(a, b) __attribute__((__format__(__printf__, a, b)))
#endif

/* log.c */
void	 log_init(const char *, int, FILE *);
int	 log_level_parse(const char *);
int	 log_get_level(void);
void	 log_warn(const char *, ...) __printflike(1, 2);
void	 log_warnx(const char *, ...) __printflike(1, 2);
void	 log_info(const char *, ...) __printflike(1, 2);
void	 log_debug(const char *, ...) __printflike(1, 2);
void	 log_vlog(int, const char *, va_list) __printflike(2, 0);
__dead void fatal(const char *, ...) __printflike(1, 2);
__dead void fatalx(const char *, ...) __printflike(1, 2);
void	 log_wrap(FILE *, const char *, int, int);
void	 log_usage(FILE *, int, const char *, const char *, int, const char *,
	     const char *, int, const char *);

/* xmalloc.c */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...) __printflike(2, 3);
int	 xvasprintf(char **, const char *, va_list) __printflike(2, 0);

#endif
