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

/* natter's private header: the client's types and every module's API. */

#ifndef NATTER_H
#define NATTER_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <wchar.h>

#include <bsd/sys/queue.h>
#include <bsd/sys/tree.h>

#include "intl.h"
#include "log.h"

#define NATTER_VERSION	"0.1"

struct bufferevent;
struct event_base;
struct msg;
struct presence;

/* Exit statuses, documented in natter.1. */
#define EXIT_USAGE	64
#define EXIT_LINK	69

/* Words a key was given again and again: join, highlight, ignore. */
struct config_list {
	char	**v;
	size_t	  n;
};

/* Options: the defaults, the config file, the command line, prompts. */
#define CONFIG_TIME_MAX	20	/* columns of the time before a line */
struct options {
	const char	*host;
	const char	*port;
	const char	*password;
	const char	*password_file;
	char		*nick;		/* wanted nick; NULL: ask */
	char		*room;		/* first room; NULL: ask */
	const char	*user;		/* for USER */
	int		 reconnect;	/* 0: exit on loss */
	int		 tls;		/* connect with TLS */
	const char	*tls_ca;	/* trust this CA file alone */
	int		 tls_insecure;	/* do not check the certificate */
	size_t		 scrollback;	/* lines kept per window */
	int		 color;		/* 0 if NO_COLOR is set */
	struct config_list join;	/* rooms joined at the start */
	struct config_list highlight;	/* words that highlight a line */
	struct config_list ignore;	/* masks: config_ignores() */
	int		 log;		/* keep chat logs */
	const char	*log_dir;	/* NULL: the default place */
	const char	*time_format;	/* strftime(3), for the pane */
	int		 time_width;	/* its columns, 1 to CONFIG_TIME_MAX */
	int		 sidebar_width;	/* with its border; 0: none */
	int		 mouse;		/* wheel and clicks */
	int		 emoji_width;	/* columns of an emoji: 2, or 1 */
	int		 typing;	/* send and show +typing */
};

/* A style from IRC formatting codes. */
struct style {
	int	 attr;
#define STYLE_BOLD	0x1
#define STYLE_ITALIC	0x2
#define STYLE_UNDERLINE	0x4
#define STYLE_REVERSE	0x8
	int	 fg;		/* IRC colour 0-98, -1: default */
	int	 bg;
};

/* One line of scrollback and its wrapped rows, as catgirl's buffer.c. */
struct line {
	time_t	 time;
	int	 flags;
#define LINE_SELF	0x1	/* own message */
#define LINE_MENTION	0x2	/* mentions our nick */
#define LINE_WHISPER	0x4	/* a private message */
#define LINE_NOTICE	0x8	/* join, part, quit, nick: dimmed */
#define LINE_ERROR	0x10	/* a local or server error */
#define LINE_MESSAGE	0x20	/* counts as unread activity */
#define LINE_HISTORY	0x40	/* replayed from the server: dimmed */
#define LINE_MARKER	0x80	/* the divider: read up to here */
	int	 indent;	/* columns before the text */
	char	*text;		/* sanitised, with IRC codes */
	char	*msgid;		/* IRCv3 msgid, or NULL */
	int	 width;		/* rows are for this width */
	int	 nrows;
	size_t	*rows;		/* byte offsets of row starts */
};

/*
 * A ring of lines and a view onto them. The ring is allocated as lines
 * come, doubling up to cap: most windows never hold many.
 */
struct scroll {
	struct line	*ring;
	size_t		 alloc;		/* slots in ring */
	size_t		 cap;		/* lines kept at most */
	size_t		 end;		/* seq after the newest */
	size_t		 count;
	int		 follow;	/* view sticks to the newest */
	size_t		 at;		/* else: bottom visible line */
	int		 row;		/* and its bottom visible row */
	size_t		 below;		/* added while scrolled up */
};

/* A visible row: which line, which of its rows. */
struct scroll_ref {
	size_t	 seq;
	int	 row;
};

/* The line editor, in code points (catgirl's struct Edit). */
#define EDIT_MAX	8192
struct edit {
	wchar_t	*buf;
	size_t	 len;
	size_t	 cap;
	size_t	 pos;
	wchar_t	*cut;		/* last killed text, Ctrl-Y */
	size_t	 cutlen;
};

#define HISTORY_MAX	200
struct history {
	char	*lines[HISTORY_MAX];
	size_t	 count;
	size_t	 pos;		/* count when not browsing */
	char	*saved;		/* what was typed before */
};

/* Tab completion state, alive across consecutive presses of Tab. */
struct complete {
	int	 active;
	size_t	 start;		/* code point of the word */
	size_t	 end;		/* after what was inserted */
	char	*prefix;	/* the word as typed */
	size_t	 next;		/* which match the next Tab picks */
};

/* Members of a channel, with their highest prefix ('@', '+' or ' '). */
struct member {
	char		*nick;
	char		 prefix;
	unsigned long	 spoke;		/* last spoke (a counter) */
	RB_ENTRY(member) entry;
};
RB_HEAD(members, member);
RB_PROTOTYPE(members, member, entry, window_member_cmp);

enum window_type {
	WINDOW_SERVER,
	WINDOW_CHANNEL,
	WINDOW_QUERY,
	WINDOW_DEBUG,		/* raw traffic, while it is open */
	WINDOW_SEARCH,		/* the results of the last /search */
};

struct window {
	enum window_type	 type;
	char			*name;
	char			*topic;
	struct scroll		 scroll;
	struct members		 members;	/* by name_cmp() */
	size_t			 nmembers;
	struct member		**sorted;	/* by prefix, name */
	size_t			 capsorted;
	int			 sorted_stale;	/* to be sorted again */
	int			 joined;	/* we are in the channel */
	int			 parting;	/* close on our PART */
	int			 names_fresh;	/* 353 starts a list */
	int			 names_show;	/* print the next list */
	unsigned int		 unread;
	unsigned int		 mentions;
	char			*seen_id;	/* newest msgid seen here */
	char			*seen_time;	/* and its server-time */
	int			 seen_start;	/* history has no more */
	struct presence		*presence;	/* presence.c's state */
	TAILQ_ENTRY(window)	 entry;
};
TAILQ_HEAD(windows, window);

/*
 * Dirty flags: handlers set them, ui_draw() repaints and clears them.
 * DIRTY_ALL repaints every region; only a new size needs DIRTY_LAYOUT,
 * which makes the curses windows again.
 */
#define DIRTY_TOP	0x1
#define DIRTY_PANE	0x2
#define DIRTY_SIDEBAR	0x4
#define DIRTY_STATUS	0x8
#define DIRTY_INPUT	0x10
#define DIRTY_BELL	0x20
#define DIRTY_LAYOUT	0x40
#define DIRTY_CLEAR	0x80	/* clear the terminal first (Ctrl-L) */
#define DIRTY_ALL	(DIRTY_TOP | DIRTY_PANE | DIRTY_SIDEBAR | \
			 DIRTY_STATUS | DIRTY_INPUT)

enum net_state {
	NET_IDLE,		/* waiting to (re)connect */
	NET_CONNECTING,
	NET_REGISTERING,
	NET_CONNECTED,
	NET_QUITTING,
};

struct net {
	enum net_state	 state;
	char		*nick;		/* as the server knows us */
	char		*userhost;	/* from 001 or our JOIN */
	char		*server;	/* its name, from 001 */
	int		 caps;		/* CAP_* from cap.h, acknowledged */
	int		 registered_once;
	int		 fatal;		/* no retry: bad password */
	int		 held;		/* lost while the nick is asked */
	char		 status[128];	/* why we are not connected */
};

/* backlog.c */
#define BACKLOG_IDMAX	128	/* longest msgid kept */
#define BACKLOG_PAGE	100	/* lines asked for at a time */
void	 backlog_reset(void);
void	 backlog_free(void);
void	 backlog_isupport(const char *);
const char *backlog_msgid(const struct msg *, char *, size_t);
int	 backlog_id_ok(const char *);
void	 backlog_joined(struct window *);
void	 backlog_seen(struct window *, const struct msg *);
int	 backlog_batched(struct msg *, time_t);
void	 backlog_batch(struct msg *);
int	 backlog_fail(struct msg *);
void	 backlog_older(struct window *);
int	 backlog_loading(const struct window *);
int	 backlog_catching_up(const struct window *);
int	 backlog_can_search(void);
void	 backlog_search(const char *, const char *);
void	 backlog_closed(struct window *);

/* chatlog.c */
char	*chatlog_dir(void);
char	*chatlog_path(const char *, time_t);
void	 chatlog_add(const char *, time_t, const char *);

/* command.c */
struct command {
	const char	*name;
	void		(*fn)(struct window *, char *);
	int		 flags;
#define COMMAND_NET	0x1	/* needs a registered connection */
	const char	*usage;
	const char	*help;
};
int	 command_check_table(void);
const struct command *command_find(const char *, char **);
const struct command *command_table(size_t *);
int	 command_run(struct window *, const char *);
int	 command_say(struct window *, const char *, int);
int	 command_room(const char *, char **, char **);

/* config.c */
void	 config_parse(int, char **);
int	 config_verbose_log(void);
const char *const *config_ignores(size_t *);
const char *const *config_highlights(size_t *);
void	 config_command_set(struct window *, char *);
void	 config_command_save(struct window *, char *);
void	 config_free(void);

/* complete.c */
char	*complete_word(const struct edit *, size_t *);
int	 complete_apply(struct edit *, struct complete *,
	     const char *const *, size_t, const char *);
void	 complete_reset(struct complete *);

/* draw.c */
void	 draw_put(void *, const char *, size_t, unsigned int, int,
	     struct style *);
void	 draw_clip(void *, const char *, size_t, int, unsigned int, int,
	     struct style *);

/* edit.c */
void	 edit_init(struct edit *);
void	 edit_free(struct edit *);
void	 edit_clear(struct edit *);
int	 edit_insert(struct edit *, const wchar_t *, size_t);
int	 edit_insert_utf8(struct edit *, const char *);
void	 edit_set(struct edit *, const char *);
void	 edit_left(struct edit *);
void	 edit_right(struct edit *);
void	 edit_home(struct edit *);
void	 edit_end(struct edit *);
void	 edit_backspace(struct edit *);
void	 edit_delete(struct edit *);
void	 edit_kill_end(struct edit *);
void	 edit_kill_line(struct edit *);
void	 edit_kill_word(struct edit *);
void	 edit_yank(struct edit *);
void	 edit_replace(struct edit *, size_t, size_t, const char *);
char	*edit_string(const struct edit *);
char	*edit_substring(const struct edit *, size_t, size_t);
int	 edit_column(const struct edit *, size_t);
void	 history_add(struct history *, const char *);
int	 history_prev(struct history *, struct edit *);
int	 history_next(struct history *, struct edit *);
void	 history_free(struct history *);

/* handle.c */
int	 handle_check_table(void);
void	 handle(char *);
void	 handle_sent(const char *, const char *);
int	 handle_mentions(const char *, const char *);
int	 handle_history(struct msg *, time_t, const char *, struct line *);
void	 handle_lines(struct msg *, time_t);
void	 handle_event(struct window *, time_t, int, const char *, ...)
	    __printflike(4, 5);
void	 handle_set_topic(struct window *, const char *);

/* ignore.c */
int	 ignore_valid(const char *);
int	 ignore_set(const char *, int);
int	 ignore_add(const char *);
int	 ignore_del(const char *);
int	 ignore_match(const char *);
const char *ignore_list(size_t);
int	 ignore_save(char **);
void	 ignore_free(void);

/* inputrows.c */
#define INPUT_ROWS	5	/* rows the input line grows to */
struct inputrow {
	size_t	 start;		/* code points [start, end) */
	size_t	 end;
	int	 col;		/* where the row starts */
};
int	 inputrows_multi(const struct edit *);
int	 inputrows_layout(const struct edit *, int, int, struct inputrow **);
int	 inputrows_cursor(const struct edit *, const struct inputrow *, int,
	     size_t, int *);
size_t	 inputrows_at(const struct edit *, const struct inputrow *, int, int);

/* input.c */
void	 input_init(void);
void	 input_free(void);
void	 input_read(void);
void	 input_ask(const char *, const char *, int (*)(const char *));
void	 input_draw(int, int, int);
int	 input_rows(int);
void	 input_refresh(void);
void	 input_status(char *, size_t);

/* login.c */
void	 login_start(void);
void	 login_ask(void);
void	 login_welcome(struct msg *, time_t);
void	 login_nick_error(struct msg *, time_t);
void	 login_badpass(struct msg *, time_t);
void	 login_cap(struct msg *, time_t);
int	 login_waiting(void);

/* multiline.c */
void	 multiline_offer(const char *);
int	 multiline_offered(void);
int	 multiline_usable(void);
void	 multiline_reset(void);
void	 multiline_send(const char *, const char *);
void	 multiline_log(const char *, time_t, const char *, int);
void	 multiline_lost(void);
void	 multiline_free_all(void);
int	 multiline_batch(struct msg *, time_t);
int	 multiline_batched(struct msg *, time_t);
int	 multiline_fail(struct msg *);

/* natter.c has main() only. */

/* net.c */
struct net_cb {
	void	(*connected)(void);	/* the link is up: register */
	void	(*line)(char *);	/* a line from the server */
	void	(*sent)(const char *, const char *); /* PRIVMSG written */
};
extern struct net		 net;
void	 net_init(const struct net_cb *);
void	 net_free(void);
void	 net_connect(void);
void	 net_resume(void);
void	 net_reconnect(void);
void	 net_server(const char *, const char *);
void	 net_send(const char *, ...) __printflike(1, 2);
void	 net_send_now(const char *, ...) __printflike(1, 2);
void	 net_say(const char *, const char *);
void	 net_batch(const char *, const char *, const char *, size_t);
size_t	 net_queued(void);
size_t	 net_text_room(const char *, size_t);
void	 net_set_nick(const char *);
void	 net_set_userhost(const char *);
void	 net_registered(void);
void	 net_quit(const char *);
int	 net_ready(void);
const char *net_state_name(void);

/* pane.c */
void	 pane_draw(void *, int, int);
void	 pane_size(int, int);
void	 pane_scroll(int);
void	 pane_scroll_rows(int);

/* reply.c */
void	 reply_away(struct msg *, time_t);
void	 reply_chanmodes(struct msg *, time_t);
void	 reply_default(struct msg *, time_t);
void	 reply_endofnames(struct msg *, time_t);
void	 reply_ignore(struct msg *, time_t);
void	 reply_isupport(struct msg *, time_t);
void	 reply_list(struct msg *, time_t);
void	 reply_motd(struct msg *, time_t);
void	 reply_names(struct msg *, time_t);
void	 reply_notopic(struct msg *, time_t);
void	 reply_refused(struct msg *, time_t);
void	 reply_to_current(struct msg *, time_t);
void	 reply_topic(struct msg *, time_t);
void	 reply_topic_who(struct msg *, time_t);
void	 reply_whois_channels(struct msg *, time_t);
void	 reply_whois_idle(struct msg *, time_t);
void	 reply_whois_server(struct msg *, time_t);
void	 reply_whois_user(struct msg *, time_t);

/* scroll.c */
void	 scroll_init(struct scroll *, size_t);
void	 scroll_free(struct scroll *);
void	 scroll_clear(struct scroll *);
void	 scroll_push(struct scroll *, time_t, int, int, char *);
void	 scroll_insert(struct scroll *, size_t, struct line *, size_t);
void	 scroll_remove(struct scroll *, size_t);
int	 scroll_at_top(struct scroll *, int, int);
struct line *scroll_line(struct scroll *, size_t);
size_t	 scroll_first(const struct scroll *);
int	 scroll_wrap(const char *, int, int, size_t **);
int	 scroll_rows(struct scroll *, size_t, int);
void	 scroll_rewrap(struct scroll *);
size_t	 scroll_view(struct scroll *, int, int, struct scroll_ref *);
void	 scroll_up(struct scroll *, int, int, int);
void	 scroll_down(struct scroll *, int, int);
void	 scroll_bottom(struct scroll *);

/* seen.c */
int	 seen_get(const char *, const char *, const char **, const char **);
void	 seen_set(const char *, const char *, const char *, const char *);
int	 seen_changed(void);
int	 seen_save(void);
void	 seen_free(void);

/* presence.c */
#define PRESENCE_DIVIDER N_("\342\200\224 new since you left \342\200\224")
void	 presence_input(const struct edit *);
void	 presence_enter(struct window *, const char *);
void	 presence_tagmsg(struct msg *, time_t);
void	 presence_markread(struct msg *, time_t);
void	 presence_handled(const struct msg *);
void	 presence_history(const char *, const struct msg *);
void	 presence_marker(struct window *);
void	 presence_viewed(struct window *, int);
void	 presence_status(char *, size_t);
void	 presence_window_free(struct window *);
void	 presence_reset(void);
void	 presence_free(void);

/* search.c */
void	 search_local(struct window *, const char *);
void	 search_show(const char *, const char *, struct line *, size_t,
	     const char *);

/* sidebar.c */
void	 sidebar_draw(void *, int, int);

/* state.c */
extern struct options		 opt;
extern struct event_base	*base;
extern int			 natter_exit;	/* -1 while running */
int	 state_mkdirs(const char *);

/* status.c */
void	 status_draw_top(void *, int);
void	 status_draw(void *, int);
void	 status_click(int);

/* text.c */
#define TEXT_FORMAT	0x1	/* keep IRC formatting codes */
#define TEXT_NEWLINE	0x2	/* keep line feeds: multiline.c */
int	 text_cwidth(uint32_t);
int	 text_printable(uint32_t);
size_t	 text_cluster(const char *, const char *, int *);
size_t	 text_wcluster(const wchar_t *, size_t, int *);
#define TEXT_SHOWN_MAX	16	/* wide characters text_shown() may give */
size_t	 text_shown(const char *, size_t, int, wchar_t *, size_t);
int	 text_ceil(const char *, int);
size_t	 text_style(const char *, struct style *);
int	 text_width(const char *);
size_t	 text_fit(const char *, int, int *);
char	*text_pad(const char *, int);
char	*text_sanitize(const char *, size_t, int);
char	*text_sanitize_str(const char *, int);
size_t	 text_split(const char *, size_t, size_t);
int	 text_nick_color(const char *);

/* tls.c */
int	 tls_init(char **);
void	 tls_free(void);
struct bufferevent *tls_bufferevent(void);
int	 tls_started(struct bufferevent *);
void	 tls_connected(struct bufferevent *);
const char *tls_error(struct bufferevent *, int, char *, size_t, int *);

/* ui.c */
void	 ui_init(void);
void	 ui_end(void);
void	 ui_resize(void);
void	 ui_mouse(void);
void	 ui_draw(void);

/* window.c */
#define WINDOW_QUERIES	50	/* whisper windows others may open */
extern int		 dirty;
extern char		 window_prefixes[16];
extern char		 window_prefix_modes[16];
extern struct windows	 windows;
extern struct window	*window_cur;
extern struct window	*window_server;
extern struct window	*window_debug;
extern struct window	*window_search;
void	 window_init(void);
void	 window_free_all(void);
struct window *window_find(const char *);
struct window *window_open(enum window_type, const char *);
int	 window_query_room(void);
void	 window_close(struct window *);
void	 window_switch(struct window *);
void	 window_raw(const char *, const char *);
struct window *window_nth(int);
void	 window_add(struct window *, time_t, int, int, const char *);
void	 window_add_id(struct window *, time_t, int, int, const char *,
	     const char *);
char	*window_vadd(struct window *, time_t, int, const char *, va_list)
	     __printflike(4, 0);
void	 window_printf(struct window *, int, const char *, ...)
	     __printflike(3, 4);
void	 window_rename(struct window *, const char *);
void	 window_clear(struct window *);
struct member *window_member(struct window *, const char *);
void	 window_member_add(struct window *, const char *, char);
int	 window_member_remove(struct window *, const char *);
int	 window_member_rename(struct window *, const char *, const char *);
void	 window_member_prefix(struct window *, const char *, char);
void	 window_members_clear(struct window *);
struct member **window_members(struct window *);
void	 window_spoke(struct window *, const char *);
size_t	 window_nicks(struct window *, const char **, size_t);
int	 window_prefix_rank(char);

#endif
