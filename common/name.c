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
 * Nicknames and channel names: what is allowed, and how names compare
 * (CASEMAPPING=ascii, so only A-Z fold; other letters compare as bytes).
 */

#include <stdint.h>
#include <string.h>

#include "intl.h"
#include "name.h"
#include "utf8.h"

/*
 * Code points that must not appear in a name: controls, spaces, every
 * format character (general category Cf, Unicode 15) and other invisible
 * ones, which would let one user pass for another ("alice" against
 * "alice\u200b" or "al\U00013430ice") or break the display. Sorted, for
 * a binary search.
 */
static const struct { uint32_t lo, hi; } name_bad[] = {
	{ 0x0000, 0x0020 },	/* C0 controls and space */
	{ 0x007f, 0x00a0 },	/* DEL, C1 controls, no-break space */
	{ 0x00ad, 0x00ad },	/* soft hyphen */
	{ 0x034f, 0x034f },	/* combining grapheme joiner */
	{ 0x0600, 0x0605 },	/* Arabic number signs (format) */
	{ 0x061c, 0x061c },	/* Arabic letter mark */
	{ 0x06dd, 0x06dd },	/* Arabic end of ayah (format) */
	{ 0x070f, 0x070f },	/* Syriac abbreviation mark (format) */
	{ 0x0890, 0x0891 },	/* Arabic pound and piastre marks (format) */
	{ 0x08e2, 0x08e2 },	/* Arabic disputed end of ayah (format) */
	{ 0x115f, 0x1160 },	/* Hangul choseong/jungseong fillers */
	{ 0x1680, 0x1680 },	/* Ogham space */
	{ 0x17b4, 0x17b5 },	/* Khmer invisible vowels */
	{ 0x180b, 0x180f },	/* Mongolian selectors and vowel separator */
	{ 0x2000, 0x200f },	/* spaces, zero-width, LRM/RLM */
	{ 0x2028, 0x202f },	/* separators, bidi embeddings, NNBSP */
	{ 0x205f, 0x206f },	/* math space, invisible operators, bidi */
	{ 0x2800, 0x2800 },	/* braille blank */
	{ 0x3000, 0x3000 },	/* ideographic space */
	{ 0x3164, 0x3164 },	/* Hangul filler */
	{ 0xd800, 0xdfff },	/* surrogates */
	{ 0xfe00, 0xfe0f },	/* variation selectors */
	{ 0xfeff, 0xfeff },	/* zero-width no-break space, BOM */
	{ 0xffa0, 0xffa0 },	/* halfwidth Hangul filler */
	{ 0xfff0, 0xffff },	/* specials, noncharacters */
	{ 0x110bd, 0x110bd },	/* Kaithi number sign (format) */
	{ 0x110cd, 0x110cd },	/* Kaithi number sign above (format) */
	{ 0x13430, 0x1343f },	/* Egyptian hieroglyph format controls */
	{ 0x1bca0, 0x1bca3 },	/* shorthand format controls */
	{ 0x1d173, 0x1d17a },	/* musical format controls */
	{ 0xe0000, 0xe0fff },	/* tags, variation selectors supplement */
};

/* May code point cp appear in a nickname or channel name at all? */
int
name_ok_cp(unsigned int cp)
{
	size_t	 lo = 0, hi = sizeof name_bad / sizeof name_bad[0], mid;

	if (cp > 0x10ffff)
		return (0);
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (cp < name_bad[mid].lo)
			hi = mid;
		else if (cp > name_bad[mid].hi)
			lo = mid + 1;
		else
			return (0);
	}
	return (1);
}

/*
 * Is nick a valid nickname of at most maxchars code points? ASCII follows
 * RFC 2812: a letter or one of "[]\`_^{|}" first, then also digits and
 * '-'. Other characters (Hangul, accented letters, ...) are allowed, but
 * not those in name_bad and not a combining mark first.
 */
int
name_nick_valid(const char *nick, size_t maxchars, const char **errstr)
{
	const char	*p = nick, *end = nick + strlen(nick);
	uint32_t	 cp;
	size_t		 n = 0;

	if (*nick == '\0') {
		*errstr = N_("empty nickname");
		return (0);
	}
	while (p < end) {
		if (utf8_decode(&p, end, &cp) != 0) {
			*errstr = N_("nickname is not valid UTF-8");
			return (0);
		}
		if (cp < 0x80) {
			if ((cp >= 'A' && cp <= 'Z') ||
			    (cp >= 'a' && cp <= 'z') ||
			    strchr("[]\\`_^{|}", (int)cp) != NULL)
				;
			else if (n > 0 && ((cp >= '0' && cp <= '9') ||
			    cp == '-'))
				;
			else {
				*errstr = N_("character not allowed in "
				    "nickname");
				return (0);
			}
		} else if (!name_ok_cp(cp)) {
			*errstr = N_("character not allowed in nickname");
			return (0);
		} else if (n == 0 && ((cp >= 0x300 && cp <= 0x36f) ||
		    (cp >= 0x1ab0 && cp <= 0x1aff) ||
		    (cp >= 0x1dc0 && cp <= 0x1dff) ||
		    (cp >= 0x20d0 && cp <= 0x20ff) ||
		    (cp >= 0xfe20 && cp <= 0xfe2f) ||
		    cp == 0x200d)) {
			*errstr = N_("nickname starts with a combining mark");
			return (0);
		}
		if (++n > maxchars) {
			*errstr = N_("nickname too long");
			return (0);
		}
	}
	return (1);
}

/* Does name look like a channel (CHANTYPES=#)? */
int
name_is_chan(const char *name)
{
	return (name[0] == '#');
}

/*
 * Is name a valid channel name: '#', then at least one character, at most
 * NAME_CHANLEN bytes, valid UTF-8, none of space, comma, colon, BEL or
 * the characters nicknames may not hold either?
 */
int
name_chan_valid(const char *name, const char **errstr)
{
	const char	*p, *end;
	size_t		 len = strlen(name);
	uint32_t	 cp;

	if (!name_is_chan(name) || len < 2) {
		*errstr = N_("channel names start with # and are not empty");
		return (0);
	}
	if (len > NAME_CHANLEN) {
		*errstr = N_("channel name too long");
		return (0);
	}
	p = name + 1;
	end = name + len;
	while (p < end) {
		if (utf8_decode(&p, end, &cp) != 0) {
			*errstr = N_("channel name is not valid UTF-8");
			return (0);
		}
		if (cp == ',' || cp == ':' || !name_ok_cp(cp)) {
			*errstr = N_("character not allowed in channel name");
			return (0);
		}
	}
	return (1);
}

/* Fold name into out (size bytes), CASEMAPPING=ascii. */
void
name_fold(char *out, const char *name, size_t size)
{
	size_t	 i;

	if (size == 0)
		return;
	for (i = 0; i + 1 < size && name[i] != '\0'; i++)
		out[i] = name_lower(name[i]);
	out[i] = '\0';
}

/* Compare two names as CASEMAPPING=ascii says. */
int
name_cmp(const char *a, const char *b)
{
	unsigned char	 ca, cb;

	for (;; a++, b++) {
		ca = name_lower(*a);
		cb = name_lower(*b);
		if (ca != cb || ca == '\0')
			return (ca - cb);
	}
}

/*
 * Match name against an IRC mask with '*' and '?', case-insensitively.
 * '?' matches one byte, so a mask like "철?" is not for Hangul; '*' is
 * what people use. Iterative, so no mask can make it recurse deeply.
 */
int
name_match(const char *mask, const char *name)
{
	const char	*star = NULL, *back = NULL;
	unsigned char	 m, n;

	while (*name != '\0') {
		m = name_lower(*mask);
		n = name_lower(*name);
		if (m == '*') {
			star = ++mask;
			back = name;
			continue;
		}
		if (m != '\0' && (m == '?' || m == n)) {
			mask++;
			name++;
			continue;
		}
		if (star == NULL)
			return (0);
		mask = star;
		name = ++back;
	}
	while (*mask == '*')
		mask++;
	return (*mask == '\0');
}
