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
 * Keys: editing keys go to the line editor, Enter to command_run() or to
 * the question being asked (login.c's room and nick, "send N lines?"),
 * the rest switch and scroll windows. A bracketed paste is collected
 * whole; more than one line is only sent once the user says so. Alt-Enter
 * and Ctrl-J break the line: the input then grows to INPUT_ROWS rows
 * (inputrows.c lays them out) and Enter sends one multi-line message.
 */

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "natter.h"
#include "utf8.h"

/* Keys for the bracketed-paste markers, as catgirl defines them. */
#define KEY_PASTE_BEGIN	(KEY_MAX + 1)
#define KEY_PASTE_END	(KEY_MAX + 2)
#define PASTE_MAX	(256 * 1024)	/* bytes of one paste kept */
#define CTRL(c)		((c) & 0x1f)

enum input_mode {
	INPUT_CHAT,
	INPUT_ASK,		/* a question: room, nick */
	INPUT_PASTE,		/* "send N lines?" */
};

static WINDOW		*pad;
static int		 padw;
static int		 xoff;
static int		 pad_y, pad_x, pad_cols;	/* where it is shown */
static int		 pad_rows = 1;
static int		 rowtop;	/* first row shown of several */
static struct edit	 edit;
static struct history	 history;
static struct complete	 comp;
static enum input_mode	 mode = INPUT_CHAT;
static char		 ask_prompt[32];
static int		(*ask_answer)(const char *);
static unsigned int	 asked;		/* questions so far */
static int		 pasting;
static char		*paste;
static size_t		 pastelen;
static size_t		 pastesize;	/* bytes allocated */
static size_t		 pastecut;	/* bytes past PASTE_MAX, dropped */
static char		**lines;
static size_t		 nlines;
static time_t		 ctrlc;
static char		 note[128];
static int		 escaped;
static int		 in_csi;	/* in an unknown escape sequence */

static void	input_key(int);
static void	input_byte(int);
static int	input_utf8(int, wint_t *);
static void	input_wchar(wint_t);
static void	input_char(wint_t, int);
static void	input_enter(void);
static void	input_tab(void);
static void	input_paste_add(wint_t);
static void	input_paste_done(void);
static void	input_paste_answer(int);
static int	input_paste_whole(void);
static void	input_lines_free(void);
static void	input_lines_split(const char *, const char *);
static int	input_paste_edit(void);
static void	input_break(void);
static void	input_updown(int);
static int	input_say_lines(char *);
static char	*input_prompt(void);
static void	input_pad_width(int);
static void	input_draw_rows(int, int, int, const char *, int);

void
input_init(void)
{
	padw = 256;
	pad = newpad(INPUT_ROWS, padw);
	keypad(pad, TRUE);
	nodelay(pad, TRUE);
	define_key("\033[200~", KEY_PASTE_BEGIN);
	define_key("\033[201~", KEY_PASTE_END);
	edit_init(&edit);
}

void
input_free(void)
{
	edit_free(&edit);
	history_free(&history);
	complete_reset(&comp);
	input_lines_free();
	free(paste);
	if (pad != NULL)
		delwin(pad);
	pad = NULL;
}

/* A short message for the status line, such as the Ctrl-C warning. */
void
input_status(char *buf, size_t size)
{
	snprintf(buf, size, "%s", note);
}

static void
input_note(const char *s)
{
	if (strcmp(note, s) != 0) {
		snprintf(note, sizeof note, "%s", s);
		dirty |= DIRTY_STATUS;
	}
}

/*
 * Ask a question in the input line after prompt, with text to start
 * from. Enter gives the line to answer(), which returns -1 to leave it
 * there to be corrected; else the input line is for chat again, unless
 * answer() asked another question.
 */
void
input_ask(const char *prompt, const char *prefill, int (*answer)(const char *))
{
	snprintf(ask_prompt, sizeof ask_prompt, "%s", prompt);
	ask_answer = answer;
	asked++;
	mode = INPUT_ASK;
	edit_set(&edit, prefill != NULL ? prefill : "");
	complete_reset(&comp);
	dirty |= DIRTY_INPUT | DIRTY_STATUS;
}

/*
 * Collect UTF-8 from the bytes wgetch() returns. The state lives across
 * reads: wget_wch() in nodelay mode drops a character whose bytes come
 * in two reads (a terminal may split anywhere; so did tmux in tests).
 * Returns 1 with *wc set once a character is complete.
 */
static int
input_utf8(int byte, wint_t *wc)
{
	static unsigned char	 buf[4];
	static size_t		 len, need;
	const char		*p = (const char *)buf;
	uint32_t		 cp;

	if (len > 0 && (byte & 0xc0) != 0x80) {
		/* A sequence cut short: show that something was there. */
		len = need = 0;
		input_wchar(UTF8_REPLACEMENT);
		return (input_utf8(byte, wc));
	}
	if (len == 0) {
		if (byte < 0x80) {
			*wc = (wint_t)byte;
			return (1);
		}
		if (byte >= 0xc2 && byte <= 0xdf)
			need = 2;
		else if (byte >= 0xe0 && byte <= 0xef)
			need = 3;
		else if (byte >= 0xf0 && byte <= 0xf4)
			need = 4;
		else {
			*wc = UTF8_REPLACEMENT;
			return (1);
		}
	}
	buf[len++] = (unsigned char)byte;
	if (len < need)
		return (0);
	if (utf8_decode(&p, p + len, &cp) != 0 || p != (const char *)buf + len)
		cp = UTF8_REPLACEMENT;
	len = need = 0;
	*wc = (wint_t)cp;
	return (1);
}

/* Read every key curses has; the terminal is non-blocking. */
void
input_read(void)
{
	int	 c;

	while ((c = wgetch(pad)) != ERR)
		input_byte(c);
	if (escaped) {
		escaped = 0;
		input_char(033, 0);
	}
	dirty |= DIRTY_INPUT;
	presence_input(mode == INPUT_CHAT ? &edit : NULL);
}

/* One byte, or one key curses recognised. */
static void
input_byte(int c)
{
	wint_t	 ch;

	if (c >= KEY_MIN) {
		escaped = 0;
		input_key(c);
		return;
	}
	if (!input_utf8(c, &ch))
		return;
	input_wchar(ch);
}

static void
input_wchar(wint_t ch)
{
	if (pasting) {
		input_paste_add(ch);
		return;
	}
	/*
	 * A sequence curses did not know (a function key the terminfo entry
	 * lacks): swallow it to its final byte rather than type it.
	 */
	if (in_csi) {
		if (ch >= 0x40 && ch <= 0x7e)
			in_csi = 0;
		return;
	}
	if (escaped && ch == '[') {
		escaped = 0;
		in_csi = 1;
		return;
	}
	/* Alt-x arrives as Escape then x. */
	if (ch == 033 && !escaped) {
		escaped = 1;
		return;
	}
	input_char(ch, escaped);
	escaped = 0;
}

static void
input_key(int key)
{
	if (key == KEY_PASTE_BEGIN) {
		pasting = 1;
		pastelen = pastecut = 0;
		return;
	}
	if (key == KEY_PASTE_END) {
		pasting = 0;
		input_paste_done();
		return;
	}
	if (key == KEY_RESIZE) {
		dirty |= DIRTY_LAYOUT;
		return;
	}
	if (key == KEY_MOUSE) {
		if (!pasting && mode != INPUT_PASTE)
			ui_mouse();
		return;
	}
	if (pasting || mode == INPUT_PASTE)
		return;
	complete_reset(&comp);
	input_note("");
	ctrlc = 0;
	switch (key) {
	case KEY_LEFT:
		edit_left(&edit);
		break;
	case KEY_RIGHT:
		edit_right(&edit);
		break;
	case KEY_HOME:
		edit_home(&edit);
		break;
	case KEY_END:
		edit_end(&edit);
		break;
	case KEY_BACKSPACE:
		edit_backspace(&edit);
		break;
	case KEY_DC:
		edit_delete(&edit);
		break;
	case KEY_UP:
		input_updown(-1);
		break;
	case KEY_DOWN:
		input_updown(1);
		break;
	case KEY_PPAGE:
		pane_scroll(-1);
		break;
	case KEY_NPAGE:
		pane_scroll(1);
		break;
	case KEY_ENTER:
		input_enter();
		break;
	}
}

/* The window after or before the current one, wrapping around. */
static void
input_cycle(int dir)
{
	struct window	*w;

	if (dir > 0) {
		if ((w = TAILQ_NEXT(window_cur, entry)) == NULL)
			w = TAILQ_FIRST(&windows);
	} else {
		if ((w = TAILQ_PREV(window_cur, windows, entry)) == NULL)
			w = TAILQ_LAST(&windows, windows);
	}
	window_switch(w);
}

static void
input_char(wint_t ch, int alt)
{
	struct window	*w;
	wchar_t		 c = (wchar_t)ch;
	time_t		 now = time(NULL);

	if (mode == INPUT_PASTE) {
		input_paste_answer((int)ch);
		return;
	}
	if (ch != '\t')
		complete_reset(&comp);
	if (ch != CTRL('C')) {
		ctrlc = 0;
		input_note("");
	}
	if (alt) {
		if (ch == '\r' || ch == '\n')
			input_break();
		else if (ch >= '0' && ch <= '9') {
			w = window_nth(ch == '0' ? 10 : (int)(ch - '0'));
			if (w != NULL)
				window_switch(w);
		} else if (ch == 0x7f || ch == CTRL('H'))
			edit_kill_word(&edit);
		return;
	}
	switch (ch) {
	case CTRL('A'):
		edit_home(&edit);
		break;
	case CTRL('C'):
		if (ctrlc != 0 && now - ctrlc <= 3) {
			input_note(_("quitting"));
			net_quit(NULL);
		} else {
			ctrlc = now;
			input_note(_("press Ctrl-C again to quit"));
		}
		break;
	case CTRL('D'):
		edit_delete(&edit);
		break;
	case CTRL('E'):
		edit_end(&edit);
		break;
	case CTRL('H'):
	case 0x7f:
		edit_backspace(&edit);
		break;
	case '\t':
		input_tab();
		break;
	case '\n':
		input_break();
		break;
	case '\r':
		input_enter();
		break;
	case CTRL('K'):
		edit_kill_end(&edit);
		break;
	case CTRL('L'):
		dirty |= DIRTY_CLEAR | DIRTY_ALL;
		break;
	case CTRL('N'):
		input_cycle(1);
		break;
	case CTRL('P'):
		input_cycle(-1);
		break;
	case CTRL('U'):
		edit_kill_line(&edit);
		break;
	case CTRL('W'):
		edit_kill_word(&edit);
		break;
	case CTRL('Y'):
		edit_yank(&edit);
		break;
	case 033:
		break;
	default:
		if (ch >= 0x20)
			edit_insert(&edit, &c, 1);
		break;
	}
}

static void
input_enter(void)
{
	char		*text;
	unsigned int	 n;

	text = edit_string(&edit);
	switch (mode) {
	case INPUT_CHAT:
		if (*text == '\0')
			break;
		history_add(&history, text);
		presence_enter(window_cur, text);
		if (strchr(text, '\n') != NULL) {
			if (input_say_lines(text) == 0)
				edit_clear(&edit);
		} else if (command_run(window_cur, text) == 0)
			edit_clear(&edit);
		break;
	case INPUT_ASK:
		n = asked;
		if (ask_answer(text) == 0 && asked == n) {
			mode = INPUT_CHAT;
			edit_clear(&edit);
		}
		break;
	case INPUT_PASTE:
		break;
	}
	free(text);
	dirty |= DIRTY_STATUS;
}

/*
 * Alt-Enter, Ctrl-J: a line break in a message. A question (room, nick)
 * takes one line: there Ctrl-J is Enter, as it always was.
 */
static void
input_break(void)
{
	wchar_t	 nl = L'\n';

	if (mode != INPUT_CHAT) {
		if (mode == INPUT_ASK)
			input_enter();
		return;
	}
	edit_insert(&edit, &nl, 1);
}

/*
 * Up and Down: between the rows of a multi-line input, keeping the
 * column; from its first row (or last), and in a single line, through
 * the history as before.
 */
static void
input_updown(int dir)
{
	struct inputrow	*rows;
	char		*prompt;
	size_t		 pos;
	int		 n, r, col, to;

	if (mode != INPUT_CHAT)
		return;
	if (inputrows_multi(&edit)) {
		prompt = input_prompt();
		n = inputrows_layout(&edit, text_width(prompt),
		    pad_cols > 0 ? pad_cols : COLS, &rows);
		free(prompt);
		r = inputrows_cursor(&edit, rows, n, edit.pos, &col);
		to = r + dir;
		if (to >= 0 && to < n) {
			pos = inputrows_at(&edit, rows, to, col);
			/* The end of a wrapped row shows on the next one. */
			if (pos == rows[to].end && pos > rows[to].start &&
			    to + 1 < n && rows[to + 1].start == pos)
				pos--;
			edit.pos = pos;
			free(rows);
			return;
		}
		free(rows);
	}
	if (dir < 0)
		history_prev(&history, &edit);
	else
		history_next(&history, &edit);
}

/*
 * Enter on an input with line breaks. Blank lines at either end are left
 * out. Where the server takes multi-line messages it goes as one;
 * elsewhere its lines go one by one, paced, once the user says so, as a
 * pasted text's do. A command takes one line. Return 0 if the input line
 * may be cleared (the history keeps it).
 */
static int
input_say_lines(char *text)
{
	char	*s = text + strspn(text, "\n"), *end;

	end = s + strlen(s);
	while (end > s && end[-1] == '\n')
		end--;
	*end = '\0';
	if (strchr(s, '\n') == NULL)
		return (command_run(window_cur, s));
	if (s[0] == '/' && s[1] != '/') {
		window_printf(window_cur, LINE_ERROR, _("-!- a command takes "
		    "one line: remove the line breaks, or start with // to "
		    "send the text"));
		return (-1);
	}
	if (s[0] == '/')
		s++;
	if (multiline_usable())
		return (command_say(window_cur, s, 0));
	input_lines_free();
	input_lines_split(s, s + strlen(s));
	if (nlines > 1) {
		mode = INPUT_PASTE;
		pastecut = 0;
	} else {
		if (nlines == 1)
			command_say(window_cur, lines[0], 0);
		input_lines_free();
	}
	dirty |= DIRTY_INPUT;
	return (0);
}

/*
 * Tab: a command at the start of the line, a room after '#', else a
 * nick, most recent speaker first; "nick: " at the start of the line.
 */
static void
input_tab(void)
{
	const struct command	*table;
	const char		**cands;
	struct window		*w;
	char			*word = NULL;
	const char		*prefix;
	size_t			 start, n = 0, i, count, max;
	int			 nicks = 0;

	if (mode != INPUT_CHAT)
		return;
	if (comp.active) {
		prefix = comp.prefix;
		start = comp.start;
	} else {
		word = complete_word(&edit, &start);
		prefix = word;
	}
	table = command_table(&count);
	max = count + window_cur->nmembers + 64;
	cands = xreallocarray(NULL, max, sizeof *cands);
	if (prefix[0] == '/' && start == 0) {
		for (i = 0; i < count; i++)
			cands[n++] = table[i].name;
	} else if (prefix[0] == '#') {
		TAILQ_FOREACH(w, &windows, entry) {
			if (w->type == WINDOW_CHANNEL && n < max)
				cands[n++] = w->name;
		}
	} else {
		nicks = 1;
		n = window_nicks(window_cur, cands, max);
		/* Our own nick last: rarely the one wanted. */
		for (i = 0; i < n; i++) {
			if (net.nick != NULL &&
			    strcmp(cands[i], net.nick) == 0) {
				memmove(cands + i, cands + i + 1,
				    (n - i - 1) * sizeof *cands);
				cands[n - 1] = net.nick;
				break;
			}
		}
	}
	complete_apply(&edit, &comp, cands, n,
	    nicks && start == 0 ? ": " : " ");
	free(cands);
	free(word);
}

static void
input_paste_add(wint_t ch)
{
	char	 buf[4];
	size_t	 n;

	n = utf8_encode((uint32_t)ch, buf);
	if (pastecut > 0 || pastelen + n > PASTE_MAX) {
		pastecut += n;
		return;
	}
	/*
	 * Grow by doubling: a realloc() per character is quadratic where
	 * realloc() copies every time, as under ASan (a 256 KiB paste took
	 * two minutes there).
	 */
	if (pastelen + n + 1 > pastesize) {
		pastesize = pastesize == 0 ? 4096 : pastesize * 2;
		paste = xreallocarray(paste, pastesize, 1);
	}
	memcpy(paste + pastelen, buf, n);
	pastelen += n;
	paste[pastelen] = '\0';
}

static void
input_lines_free(void)
{
	size_t	 i;

	for (i = 0; i < nlines; i++)
		free(lines[i]);
	free(lines);
	lines = NULL;
	nlines = 0;
}

/*
 * A paste is complete. One line goes into the editor like typing; more
 * than one are held until the user answers "send N lines?". A paste
 * past PASTE_MAX was cut: its last line, cut short, is left out with
 * the rest, and the user is told how much was kept.
 */
static void
input_paste_done(void)
{
	char	*end;

	input_lines_free();
	if (paste == NULL || pastelen == 0)
		return;
	if (input_paste_edit())
		return;
	end = paste + pastelen;
	if (pastecut > 0) {
		while (end > paste && end[-1] != '\r' && end[-1] != '\n') {
			end--;
			pastecut++;
		}
	}
	input_lines_split(paste, end);
	pastelen = 0;
	if (pastecut > 0)
		window_printf(window_cur, LINE_ERROR, _("-!- paste too long: "
		    "kept %zu lines (%zu KiB), left out %zu KiB"), nlines,
		    (size_t)(end - paste) / 1024, (pastecut + 1023) / 1024);
	if (nlines == 0)
		return;
	if (nlines == 1 || mode != INPUT_CHAT) {
		edit_insert_utf8(&edit, lines[0]);
		input_lines_free();
		return;
	}
	mode = INPUT_PASTE;
	dirty |= DIRTY_INPUT;
}

/*
 * Where the server takes multi-line messages, a paste that fits in the
 * grown input line (INPUT_ROWS lines) goes there whole, breaks and blank
 * lines kept, to be read, edited and sent as one message with Enter. A
 * longer one (or one cut) is asked about as elsewhere, then sent as one
 * message. Return 1 if the paste went into the input line.
 */
static int
input_paste_edit(void)
{
	char	*s, *o, *start, *end;
	size_t	 i, n = 0, cps = 0;

	if (mode != INPUT_CHAT || pastecut > 0 || !multiline_usable() ||
	    (window_cur->type != WINDOW_CHANNEL &&
	    window_cur->type != WINDOW_QUERY))
		return (0);
	/* CR LF and CR are line breaks too. */
	s = o = xmalloc(pastelen + 1);
	for (i = 0; i < pastelen; i++) {
		if (paste[i] == '\r' && i + 1 < pastelen &&
		    paste[i + 1] == '\n')
			continue;
		*o++ = paste[i] == '\r' ? '\n' : paste[i];
	}
	*o = '\0';
	start = s + strspn(s, "\n");
	end = start + strlen(start);
	while (end > start && end[-1] == '\n')
		end--;
	*end = '\0';
	for (o = start; o < end; o++) {
		if (*o == '\n')
			n++;
		if ((*o & 0xc0) != 0x80)
			cps++;
	}
	if (n == 0 || n + 1 > INPUT_ROWS || edit.len + cps > EDIT_MAX) {
		free(s);
		return (0);
	}
	edit_insert_utf8(&edit, start);
	free(s);
	pastelen = 0;
	dirty |= DIRTY_INPUT;
	return (1);
}

/* Split [p, end) into lines[] at CR LF, CR or LF, blank lines left out. */
static void
input_lines_split(const char *p, const char *end)
{
	char	*line;
	size_t	 len;

	while (p < end) {
		len = strcspn(p, "\r\n");
		line = xstrndup(p, len);
		p += len;
		if (p < end && *p == '\r' && p + 1 < end && p[1] == '\n')
			p++;
		if (p < end)
			p++;
		if (*line == '\0') {
			free(line);
			continue;
		}
		lines = xreallocarray(lines, nlines + 1, sizeof *lines);
		lines[nlines++] = line;
	}
}

/* Will y send the pasted lines as one multi-line message? */
static int
input_paste_whole(void)
{
	return (net_ready() && window_cur->type != WINDOW_SERVER &&
	    multiline_usable());
}

/*
 * y sends every pasted line, in order and paced, or where the server
 * takes multi-line messages all of them as one; n or Escape drops them.
 * With Hangul input on, the y and n keys of a Korean keyboard type the
 * jamo U+315B and U+315C: they answer as well, so the question is never
 * a dead end for someone who was typing Korean.
 */
#define INPUT_JAMO_Y	0x315b
#define INPUT_JAMO_N	0x315c
static void
input_paste_answer(int ch)
{
	char	*all, *next;
	size_t	 i;

	if (ch == 'y' || ch == 'Y' || ch == INPUT_JAMO_Y) {
		if (!net_ready() || window_cur->type == WINDOW_SERVER) {
			command_say(window_cur, lines[0], 0);
			return;
		}
		if (input_paste_whole()) {
			all = xstrdup(lines[0]);
			for (i = 1; i < nlines; i++) {
				xasprintf(&next, "%s\n%s", all, lines[i]);
				free(all);
				all = next;
			}
			command_say(window_cur, all, 0);
			free(all);
		} else {
			for (i = 0; i < nlines; i++)
				command_say(window_cur, lines[i], 0);
		}
	} else if (ch == 'n' || ch == 'N' || ch == INPUT_JAMO_N ||
	    ch == 033 || ch == CTRL('C')) {
		window_printf(window_cur, 0,
		    _("-!- paste of %zu lines dropped"),
		    nlines);
	} else
		return;
	input_lines_free();
	mode = INPUT_CHAT;
	dirty |= DIRTY_INPUT;
}

/* Where typed text goes, shown before it. */
static char *
input_prompt(void)
{
	char	*s, *name;

	switch (mode) {
	case INPUT_ASK:
		return (xstrdup(ask_prompt));
	case INPUT_PASTE:
		/* As input_paste_answer() will send them. */
		if (input_paste_whole())
			xasprintf(&s, pastecut > 0 ?
			    /* TRANSLATORS: y and n are the keys: keep them. */
			    ngettext("send %zu line (the paste was cut) as one "
			    "message? (y/n) ", "send %zu lines (the paste was "
			    "cut) as one message? (y/n) ", nlines) :
			    /* TRANSLATORS: y and n are the keys: keep them. */
			    ngettext("send %zu line as one message? (y/n) ",
			    "send %zu lines as one message? (y/n) ", nlines),
			    nlines);
		else
			xasprintf(&s, pastecut > 0 ?
			    /* TRANSLATORS: y and n are the keys: keep them. */
			    ngettext("send %zu line (the paste was cut)? (y/n) ",
			    "send %zu lines (the paste was cut)? (y/n) ",
			    nlines) :
			    ngettext("send %zu line? (y/n) ",
			    "send %zu lines? (y/n) ", nlines), nlines);
		return (s);
	case INPUT_CHAT:
		break;
	}
	name = text_sanitize_str(window_cur->name, 0);
	xasprintf(&s, "[%s] ", name);
	free(name);
	return (s);
}

/* A pad at least need columns wide. */
static void
input_pad_width(int need)
{
	if (need <= padw)
		return;
	delwin(pad);
	padw = need + 256;
	pad = newpad(INPUT_ROWS, padw);
	keypad(pad, TRUE);
	nodelay(pad, TRUE);
}

/*
 * Rows the input line takes at cols columns: one, or for a multi-line
 * message one a row up to INPUT_ROWS (then it scrolls within them).
 */
int
input_rows(int cols)
{
	struct inputrow	*rows;
	char		*prompt;
	int		 n;

	if (!inputrows_multi(&edit))
		return (1);
	prompt = input_prompt();
	n = inputrows_layout(&edit, text_width(prompt), cols, &rows);
	free(rows);
	free(prompt);
	return (n < INPUT_ROWS ? n : INPUT_ROWS);
}

/*
 * A multi-line input: the prompt (n code points at wp, pw columns) and
 * the rows around the cursor, each after the first under the text.
 */
static void
input_draw_rows(int y, int x, int cols, const char *prompt, int pw)
{
	struct inputrow	*rows;
	char		*row;
	int		 nrows, vis, r, crow, ccol;

	input_pad_width(cols + 2);
	nrows = inputrows_layout(&edit, pw, cols, &rows);
	crow = inputrows_cursor(&edit, rows, nrows, edit.pos, &ccol);
	vis = nrows < INPUT_ROWS ? nrows : INPUT_ROWS;
	if (vis > LINES - y)
		vis = LINES - y > 1 ? LINES - y : 1;
	if (crow < rowtop)
		rowtop = crow;
	if (crow >= rowtop + vis)
		rowtop = crow - vis + 1;
	if (rowtop > nrows - vis)
		rowtop = nrows - vis;
	werase(pad);
	for (r = rowtop; r < rowtop + vis; r++) {
		if (r == 0 && rows[0].col == pw) {
			wmove(pad, 0, 0);
			draw_clip(pad, prompt, strlen(prompt), cols, A_BOLD,
			    -1, NULL);
		}
		wmove(pad, r - rowtop, rows[r].col);
		row = edit_substring(&edit, rows[r].start, rows[r].end);
		draw_clip(pad, row, strlen(row), cols, A_NORMAL, -1, NULL);
		free(row);
	}
	wmove(pad, crow - rowtop, ccol);
	free(rows);
	xoff = 0;
	pad_y = y;
	pad_x = x;
	pad_cols = cols;
	pad_rows = vis;
	input_refresh();
}

/*
 * Draw the prompt and the line into the pad and show the part around the
 * cursor: the pad scrolls sideways, never starting inside a cluster.
 */
void
input_draw(int y, int x, int cols)
{
	char	*prompt, *text;
	int	 pw, cur, need;

	prompt = input_prompt();
	text = edit_string(&edit);
	pw = text_width(prompt);
	if (inputrows_multi(&edit)) {
		input_draw_rows(y, x, cols, prompt, pw);
		free(text);
		free(prompt);
		return;
	}
	pad_rows = 1;
	rowtop = 0;
	cur = pw + edit_column(&edit, edit.pos);
	/* Room for the text and a screenful after it, as pnoutrefresh needs. */
	need = pw + edit_column(&edit, edit.len) + cols + 2;
	input_pad_width(need);
	if (cur < xoff)
		xoff = cur - cols / 2;
	if (cur >= xoff + cols)
		xoff = cur - cols + 1 + cols / 4;
	if (xoff < 0 || need - cols <= cols)
		xoff = 0;
	/* Move the start to the next cluster boundary. */
	if (xoff <= pw)
		xoff = text_ceil(prompt, xoff);
	else
		xoff = pw + text_ceil(text, xoff - pw);

	/*
	 * Draw up to the last cluster that fits whole: a wide one cut by
	 * the right edge would spill over it.
	 */
	werase(pad);
	wmove(pad, 0, 0);
	draw_clip(pad, prompt, strlen(prompt), xoff + cols, A_BOLD, -1, NULL);
	wmove(pad, 0, pw);
	draw_clip(pad, text, strlen(text), xoff + cols, A_NORMAL, -1, NULL);
	wmove(pad, 0, cur);
	pad_y = y;
	pad_x = x;
	pad_cols = cols;
	input_refresh();
	free(text);
	free(prompt);
}

/*
 * Show the pad as last drawn, putting the cursor back in the input line
 * after other windows were refreshed.
 */
void
input_refresh(void)
{
	if (pad_cols > 0)
		pnoutrefresh(pad, 0, xoff, pad_y, pad_x, pad_y + pad_rows - 1,
		    pad_x + pad_cols - 1);
}
