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

/* The capability table: names, flags, and which program uses each. */

#include <stdio.h>
#include <string.h>

#include "cap.h"

static const struct {
	const char	*name;
	int		 flag;
	int		 sides;
} cap_table[] = {
	{ "batch",		CAP_BATCH, CAP_NATTERD | CAP_NATTER },
	/* natterd offers these three only with history: server_caps(). */
	{ "draft/chathistory",	CAP_CHATHISTORY, CAP_NATTER },
	{ "draft/event-playback", CAP_EVENT_PLAYBACK, 0 },
	{ "draft/multiline",	CAP_MULTILINE, CAP_NATTERD | CAP_NATTER },
	{ "draft/read-marker",	CAP_READ_MARKER, CAP_NATTER },
	{ "echo-message",	CAP_ECHO_MESSAGE, CAP_NATTERD | CAP_NATTER },
	{ "invite-notify",	CAP_INVITE_NOTIFY, CAP_NATTERD },
	{ "labeled-response",	CAP_LABELED_RESPONSE, CAP_NATTERD },
	{ "message-tags",	CAP_MESSAGE_TAGS, CAP_NATTERD | CAP_NATTER },
	{ "multi-prefix",	CAP_MULTI_PREFIX, CAP_NATTERD },
	{ "server-time",	CAP_SERVER_TIME, CAP_NATTERD | CAP_NATTER },
	{ "soju.im/search",	CAP_SEARCH, CAP_NATTER },
	{ "userhost-in-names",	CAP_USERHOST_IN_NAMES, CAP_NATTERD },
};
#define CAP_COUNT	(sizeof cap_table / sizeof cap_table[0])

/* The flag of the capability named by the len bytes at name, or 0. */
int
cap_find(const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < CAP_COUNT; i++) {
		if (strlen(cap_table[i].name) == len &&
		    memcmp(cap_table[i].name, name, len) == 0)
			return (cap_table[i].flag);
	}
	return (0);
}

/* Every capability side (CAP_NATTERD or CAP_NATTER) uses. */
int
cap_all(int side)
{
	size_t	 i;
	int	 mask = 0;

	for (i = 0; i < CAP_COUNT; i++) {
		if (cap_table[i].sides & side)
			mask |= cap_table[i].flag;
	}
	return (mask);
}

/*
 * The known capabilities in a space-separated list as a server sends it
 * in CAP LS or ACK: "name" or "name=value"; "-name" (disabled) and
 * unknown names do not count.
 */
int
cap_mask(const char *list)
{
	const char	*p = list;
	size_t		 n;
	int		 mask = 0;

	while (*p != '\0') {
		p += strspn(p, " ");
		n = strcspn(p, " =");
		if (n > 0 && *p != '-')
			mask |= cap_find(p, n);
		p += strcspn(p, " ");
	}
	return (mask);
}

/*
 * Write the names of the capabilities in mask into buf, space-separated
 * and in table order, and return their length. A list that does not fit
 * is cut after the last whole name.
 */
size_t
cap_list(int mask, char *buf, size_t size)
{
	return (cap_list_values(mask, NULL, buf, size));
}

/*
 * cap_list() as CAP LS 302 has it: "name=value" where value(flag) gives
 * one (draft/multiline's limits), "name" where it gives NULL.
 */
size_t
cap_list_values(int mask, const char *(*value)(int), char *buf, size_t size)
{
	const char	*v;
	size_t		 i, len = 0, n;

	if (size == 0)
		return (0);
	buf[0] = '\0';
	for (i = 0; i < CAP_COUNT; i++) {
		if (!(mask & cap_table[i].flag))
			continue;
		v = value != NULL ? value(cap_table[i].flag) : NULL;
		n = strlen(cap_table[i].name) + (len > 0) +
		    (v != NULL ? 1 + strlen(v) : 0);
		if (len + n >= size)
			break;
		snprintf(buf + len, size - len, "%s%s%s%s",
		    len > 0 ? " " : "", cap_table[i].name,
		    v != NULL ? "=" : "", v != NULL ? v : "");
		len += n;
	}
	return (len);
}
