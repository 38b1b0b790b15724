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

/* Log to a stream with a level and a time stamp (httpd's log.c, simplified). */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "intl.h"
#include "log.h"
#include "utf8.h"

static const char	*log_name = "natter";
static int		 log_level = LOG_LEVEL_INFO;
static FILE		*log_fp;

static const char *const log_names[] = { "error", "warning", "info", "debug" };

/* Set the program name, the level and the stream (NULL: stderr). */
void
log_init(const char *name, int level, FILE *fp)
{
	log_name = name;
	log_level = level;
	log_fp = fp;
}

/* Parse a level name; return -1 if unknown. */
int
log_level_parse(const char *s)
{
	size_t	 i;

	for (i = 0; i < sizeof log_names / sizeof log_names[0]; i++) {
		if (strcmp(s, log_names[i]) == 0)
			return ((int)i);
	}
	if (strcmp(s, "warn") == 0)
		return (LOG_LEVEL_WARN);
	return (-1);
}

int
log_get_level(void)
{
	return (log_level);
}

/*
 * Write s with controls made visible: log lines carry text from the
 * network (nicks, quit reasons), and whoever reads the log in a terminal
 * must not have escape sequences played to it. C0 controls, DEL and
 * bytes that are not UTF-8 become \xNN, C1 controls \u0080 to \u009f,
 * and a backslash is doubled so that the escapes stay unambiguous; other
 * text, Hangul included, is written as it is.
 */
static void
log_escape(FILE *fp, const char *s)
{
	const char	*p = s, *end = s + strlen(s), *start;
	uint32_t	 cp;

	while (p < end) {
		start = p;
		if (utf8_decode(&p, end, &cp) != 0)
			fprintf(fp, "\\x%02x", (unsigned char)*start);
		else if (cp < 0x20 || cp == 0x7f)
			fprintf(fp, "\\x%02x", (unsigned)cp);
		else if (cp >= 0x80 && cp < 0xa0)
			fprintf(fp, "\\u%04x", (unsigned)cp);
		else if (cp == '\\')
			fputs("\\\\", fp);
		else
			fwrite(start, 1, p - start, fp);
	}
}

/* Write one line: time, name, level, text. */
void
log_vlog(int level, const char *fmt, va_list ap)
{
	FILE		*fp = log_fp != NULL ? log_fp : stderr;
	struct timeval	 tv;
	struct tm	 tm;
	char		 when[32], *text;

	if (level > log_level)
		return;
	if (vasprintf(&text, fmt, ap) == -1)
		return;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(fp, "%s.%03ldZ %s: %s: ", when, (long)tv.tv_usec / 1000,
	    log_name, log_names[level]);
	log_escape(fp, text);
	fputc('\n', fp);
	fflush(fp);
	free(text);
}

/* Log a warning with the text of errno appended. */
void
log_warn(const char *fmt, ...)
{
	char	*s;
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1) {
		va_end(ap);
		return;
	}
	va_end(ap);
	log_warnx("%s: %s", s, strerror(saved));
	free(s);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vlog(LOG_LEVEL_WARN, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vlog(LOG_LEVEL_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vlog(LOG_LEVEL_DEBUG, fmt, ap);
	va_end(ap);
}

/* Log an error with errno's text and exit 1. */
void
fatal(const char *fmt, ...)
{
	char	*s;
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		exit(1);
	va_end(ap);
	fatalx("%s: %s", s, strerror(saved));
}

/* Log an error and exit 1. */
void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vlog(LOG_LEVEL_ERROR, fmt, ap);
	va_end(ap);
	exit(1);
}

/*
 * The columns of s (n bytes) in a --help. common/ has no wcwidth() (see
 * client/text.c): Hangul, CJK and fullwidth forms count two, any other
 * code point one, which is right for the English and Korean texts of
 * natter's --help.
 */
static int
log_columns(const char *s, size_t n)
{
	const char	*end = s + n;
	uint32_t	 cp;
	int		 cols = 0;

	while (s < end) {
		utf8_decode(&s, end, &cp);
		if ((cp >= 0x1100 && cp <= 0x115f) ||
		    (cp >= 0x2e80 && cp <= 0xa4cf) ||
		    (cp >= 0xac00 && cp <= 0xd7a3) ||
		    (cp >= 0xf900 && cp <= 0xfaff) ||
		    (cp >= 0xff00 && cp <= 0xff60) ||
		    (cp >= 0xffe0 && cp <= 0xffe6) || cp >= 0x20000)
			cols += 2;
		else
			cols++;
	}
	return (cols);
}

/*
 * Write text to fp word-wrapped to 79 columns, starting at column col,
 * lines after the first indented by indent: the --help of both programs.
 */
void
log_wrap(FILE *fp, const char *text, int col, int indent)
{
	const char	*p = text;
	size_t		 n;
	int		 w;

	while (*p != '\0') {
		n = strcspn(p, " ");
		w = log_columns(p, n);
		if (col > indent && col + 1 + w > 79) {
			fprintf(fp, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', fp);
			col++;
		}
		fprintf(fp, "%.*s", (int)n, p);
		col += w;
		p += n;
		p += strspn(p, " ");
	}
	fputc('\n', fp);
}

/*
 * One option of a --help made from an options table: "-l, --name ARG"
 * (no "--" for a key only in a file), then its help, what also adds to
 * it, "repeatable" and its default, from column 24.
 */
void
log_usage(FILE *fp, int letter, const char *name, const char *arg,
    int fileonly, const char *help, const char *also, int repeat,
    const char *def)
{
	char	 left[64], text[512], let[8] = "";
	int	 n;

	if (letter != 0)
		snprintf(let, sizeof let, "-%c, ", letter);
	snprintf(left, sizeof left, "  %s%s%s%s%s", let, fileonly ? "" : "--",
	    name, arg != NULL ? " " : "", arg != NULL ? arg : "");
	n = snprintf(text, sizeof text, "%s%s", help, also != NULL ? also : "");
	if ((repeat || def != NULL) && n >= 0 && (size_t)n < sizeof text)
		snprintf(text + n, sizeof text - n, " (%s%s%s%s)",
		    repeat ? _("repeatable") : "",
		    repeat && def != NULL ? "; " : "",
		    def != NULL ? _("default ") : "", def != NULL ? def : "");
	n = fprintf(fp, "%s", left);
	if (n >= 24) {
		fprintf(fp, "\n%24s", "");
		n = 24;
	} else
		n += fprintf(fp, "%*s", 24 - n, "");
	log_wrap(fp, text, n, 24);
}
