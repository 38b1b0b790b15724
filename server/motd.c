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

/* The message of the day: read, cleaned, kept as lines for 372 replies. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natterd.h"

char		**motd_lines;
size_t		  motd_count;

void
motd_free(void)
{
	size_t	 i;

	for (i = 0; i < motd_count; i++)
		free(motd_lines[i]);
	free(motd_lines);
	motd_lines = NULL;
	motd_count = 0;
}

/*
 * Read the MOTD file. Lines are cut to fit a 372 reply, invalid UTF-8
 * becomes U+FFFD and control characters are dropped, so a careless file
 * cannot garble clients. At start-up a missing file is fatal; on SIGHUP
 * the old MOTD stays.
 */
void
motd_load(int startup)
{
	FILE		*fp;
	char		*line = NULL, *clean, **lines = NULL;
	size_t		 size = 0, count = 0, n;
	ssize_t		 len;
	const char	*p, *end;
	uint32_t	 cp;

	if (conf.motd_path == NULL) {
		motd_free();		/* a reload may have removed it */
		return;
	}
	if ((fp = fopen(conf.motd_path, "r")) == NULL) {
		if (startup)
			fatal("--motd %s", conf.motd_path);
		log_warn("motd %s", conf.motd_path);
		return;
	}
	while ((len = getline(&line, &size, fp)) != -1 && count < 1000) {
		clean = xmalloc(len * 3 + 1);
		n = 0;
		for (p = line, end = line + len; p < end;) {
			utf8_decode(&p, end, &cp);
			if (cp < 0x20 || cp == 0x7f ||
			    (cp >= 0x80 && cp < 0xa0))
				continue;
			n += utf8_encode(cp, clean + n);
		}
		n = utf8_cut(clean, n, 400);
		clean[n] = '\0';
		lines = xreallocarray(lines, count + 1, sizeof *lines);
		lines[count++] = clean;
	}
	free(line);
	fclose(fp);
	motd_free();
	motd_lines = lines;
	motd_count = count;
	log_info("motd %s: %zu lines", conf.motd_path, count);
}
