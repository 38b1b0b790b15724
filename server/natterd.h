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

/* natterd's one private header: its state and every module's prototypes. */

#ifndef NATTERD_H
#define NATTERD_H

#include <sys/types.h>
#include <sys/socket.h>

#include <bsd/sys/queue.h>
#include <bsd/sys/tree.h>
#include <stdarg.h>
#include <stdint.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "cap.h"
#include "log.h"
#include "msg.h"
#include "name.h"
#include "utf8.h"

#include "messages.h"

#define NATTERD_VERSION	"0.1.0"

/* Protocol limits advertised in ISUPPORT; --options change the others. */
#define NATTERD_TOPICLEN	390
#define NATTERD_AWAYLEN		200
#define NATTERD_KICKLEN		300
#define NATTERD_REALLEN		100
#define NATTERD_MAXTARGETS	8
#define NATTERD_MODES		4
#define NATTERD_KEYLEN		23	/* a channel key (+k), bytes */
#define NATTERD_INVITES		64	/* kept per channel, the newest */
#define NATTERD_BANS		100	/* +b, +e, +I masks per channel */
#define NATTERD_MASKLEN		100	/* one ban mask, bytes */
#define NATTERD_WHOWAS		1000	/* nicknames WHOWAS remembers */
#define NATTERD_MONITOR		100	/* nicknames one user may MONITOR */
#define HISTORY_MAX		1000	/* events one CHATHISTORY returns */
#define HISTORY_WINDOW		128	/* a channel's events kept in memory */
#define LABEL_LEN		64	/* label bytes, as the spec asks */
#define LABEL_TAGSIZE		(6 + 2 * LABEL_LEN + 1)	/* label=..., escaped */
#define BATCH_REFLEN		64	/* a client's batch reference */

/* Settings from the command line; the options table is in config.c. */
#define CONFIG_LISTENERS	16
#define CONFIG_OPERS		64
struct config_oper {
	char		*name;
	char		*hash;		/* crypt(3) */
	char		*mask;		/* nick!user@host, wildcards */
};
struct config {
	char		*name;		/* server name, also in prefixes */
	char		*network;	/* ISUPPORT NETWORK */
	char		*password;	/* NULL: no PASS needed */
	char		*motd_path;
	char		*tls_cert;
	char		*tls_key;
	char		*config_path;	/* --config FILE, or NULL */
	char		*user;		/* --user: drop root to it */
	char		*listen[CONFIG_LISTENERS];	/* HOST:PORT */
	int		 listen_tls[CONFIG_LISTENERS];
	int		 nlisten;
	struct config_oper opers[CONFIG_OPERS];
	int		 nopers;
	int		 log_level;
	int		 max_clients;
	int		 max_per_ip;	/* 0: no limit */
	int		 max_channels;	/* per user */
	size_t		 sendq;		/* bytes queued to one client */
	size_t		 recvq;		/* bytes read ahead from one client */
	double		 flood_rate;	/* lines per second; 0: no limit */
	int		 flood_burst;	/* lines at once */
	int		 reg_timeout;	/* seconds to register */
	int		 ping_interval;	/* idle seconds before PING */
	int		 ping_timeout;	/* seconds to answer it */
	char		*history_db;	/* FILE, ":memory:" or NULL */
	char		*state_dir;
	int		 no_history;
	int		 history_max_lines;	/* a room; 0: no limit */
	int		 history_max_days;	/* 0: no limit */
	int		 history_replay;	/* lines on JOIN */
	int		 multiline_max_bytes;	/* draft/multiline */
	int		 multiline_max_lines;
	char		*cluster;	/* Redis URL, or NULL: one node */
	char		*node;		/* this node's name */
	char		*cluster_prefix;
	int		 cluster_lease;	/* seconds */
};

struct member;
struct channel;
struct watch;
struct hist_ring;
struct batch;

/* A mask on a channel's +b, +e or +I list, who set it and when. */
struct chanmask {
	char			*mask;		/* nick!user@host, wildcards */
	char			 who[NAME_NICKMAX + 1];
	time_t			 when;
};

/* One connection, registered or not. */
struct client {
	uint64_t		 id;
	struct bufferevent	*bev;
	struct ipcount		*ipc;
	char			*host;		/* shown as "0::1", not "::1" */

	/*
	 * Sized and allocated per client where that saves much: 5,000
	 * idle connections should cost little memory each.
	 */
	char			 nick[NAME_NICKMAX + 1]; /* "" until NICK */
	char			 user[NAME_USERLEN + 1];
	char			*prefix;	/* nick!user@host, after NICK */
	char			*realname;
	char			*away;

	int			 flags;
#define CLIENT_REGISTERED	0x001
#define CLIENT_CAPNEG		0x002	/* CAP LS/REQ seen: hold registration */
#define CLIENT_PASSOK		0x004
#define CLIENT_HAVEUSER		0x008
#define CLIENT_CLOSING		0x010	/* conn_close done: only flushing */
#define CLIENT_SKIPLINE		0x020	/* dropping an over-long line */
#define CLIENT_PINGSENT		0x040
#define CLIENT_DEFERCLOSE	0x080	/* on the close_list */
#define CLIENT_INVISIBLE	0x100	/* user mode +i */
#define CLIENT_READEOF		0x200	/* peer sent FIN: finish, then close */
#define CLIENT_DEAD		0x400	/* socket gone: nothing to flush */
#define CLIENT_INTREE		0x800	/* nick is in the nick tree */
#define CLIENT_TLS		0x1000	/* came in on a TLS listener */
#define CLIENT_THROTTLED	0x2000	/* reading off until flood_ev */
#define CLIENT_OPER		0x4000	/* user mode +o: an IRC operator */
#define CLIENT_WALLOPS		0x8000	/* user mode +w: gets WALLOPS */
#define CLIENT_BOT		0x10000	/* user mode +B: a bot */
#define CLIENT_BATCHFAIL	0x20000	/* dropping a refused batch's lines */
#define CLIENT_REMOTE		0x40000	/* on another node: no connection */
#define CLIENT_WAITBUS		0x80000	/* input held for the cluster */
#define CLIENT_HELD		0x100000 /* registration held: not in sync */
	int			 caps;		/* CAP_* from cap.h */
	int			 tagset;	/* OUT_TAG_* those caps ask for */

	time_t			 signon;
	time_t			 last_rx;	/* any input: liveness */
	time_t			 last_msg;	/* PRIVMSG/NOTICE: idle time */
	double			 tokens;	/* flood control bucket */
	struct timeval		 tokens_at;
	struct event		*timer;		/* registration, then ping */
	struct event		*flood_ev;	/* resumes reading; lazy */

	int			 nchannels;
	TAILQ_HEAD(, member)	 channels;
	unsigned long		 mark;		/* user_fanout dedup */
	struct watch		**watching;	/* MONITOR, NATTERD_MONITOR */
	int			 nwatching;
	const char		*defer_reason;
	struct batch		*batch;		/* draft/multiline being sent */
	char			*uid;		/* cluster: incarnation.id */
	char			*node;		/* CLIENT_REMOTE: its node */
	int			 cwait;		/* cluster answers awaited */
	const char		*cwait_cmd;	/* for a FAIL if they never come */
	char			 cwait_label[LABEL_TAGSIZE];
	RB_ENTRY(client)	 uid_entry;	/* cluster_uids */

	TAILQ_ENTRY(client)	 entry;		/* clients */
	TAILQ_ENTRY(client)	 close_entry;	/* close_list */
	RB_ENTRY(client)	 nick_entry;	/* nicks */
};
TAILQ_HEAD(clients, client);
RB_HEAD(nicks, client);
RB_PROTOTYPE(nicks, client, nick_entry, user_cmp);

/* A client's place in a channel; on both the channel's and client's lists. */
struct member {
	struct client		*client;
	struct channel		*channel;
	int			 flags;
#define MEMBER_OP		0x1
#define MEMBER_VOICE		0x2	/* +v */
	TAILQ_ENTRY(member)	 centry;
	TAILQ_ENTRY(member)	 uentry;
};

struct channel {
	char			 name[NAME_CHANLEN + 1];
	char			 fold[NAME_CHANLEN + 1];
	char			*topic;
	char			 topic_who[NAME_NICKMAX + 1];
	time_t			 topic_time;
	time_t			 created;
	int			 modes;
#define CHAN_NOEXTERNAL		0x1	/* +n */
#define CHAN_TOPICLOCK		0x2	/* +t */
#define CHAN_INVITEONLY		0x4	/* +i */
#define CHAN_MODERATED		0x8	/* +m */
#define CHAN_PRIVATE		0x10	/* +p */
#define CHAN_SECRET		0x20	/* +s */
	struct chanmask		*masks[3];	/* LIST_*, in the order set */
	int			 nmasks[3];
#define LIST_BAN		0	/* +b: may not join or speak */
#define LIST_EXCEPT		1	/* +e: exceptions to +b */
#define LIST_INVEX		2	/* +I: may join past +i */
#define LIST_COUNT		3
	uint64_t		*invited;	/* client ids, until joined */
	int			 ninvited;
	char			*key;		/* +k, or NULL */
	int			 limit;		/* +l, or 0 */
	int			 nmembers;
	int			 nremote;	/* of them CLIENT_REMOTE */
	int			 inflight;	/* own messages on the bus */
	TAILQ_HEAD(, member)	 members;
	struct hist_ring	*history;	/* NULL: history is off */
	RB_ENTRY(channel)	 entry;
};
RB_HEAD(channels, channel);
RB_PROTOTYPE(channels, channel, entry, channel_cmp);

/* Connections per address, for --max-per-ip. */
struct ipcount {
	char			 addr[64];
	int			 n;
	RB_ENTRY(ipcount)	 entry;
};
RB_HEAD(ipcounts, ipcount);
RB_PROTOTYPE(ipcounts, ipcount, entry, ipcount_cmp);

/*
 * A message, complete before it goes anywhere: who sent it, what, when
 * and its id. channel_prepare() stamps it once (a message from another
 * node comes stamped) for channel_deliver(), user_fanout() or
 * user_message(); then it is formatted once for each set of tags its
 * recipients asked for.
 */
#define CHANMSG_IDLEN	20	/* 8 for the boot, 11 for a counter */
struct chanmsg {
	struct channel		*channel;	/* NULL: a user's peers */
	struct client		*sender;	/* NULL: from another node */
	const char		*prefix;	/* nick!user@host or server */
	const char		*cmd;
	int			 nparams;
	const char		*params[MSG_MAXPARAMS];
	struct timeval		 time;		/* 0: not stamped yet */
	char			 msgid[CHANMSG_IDLEN + 1];
	int			 flags;
#define CHANMSG_ECHO		0x1	/* sender: only with echo-message */
#define CHANMSG_OPS		0x2	/* only to channel operators */
#define CHANMSG_NOTSELF		0x4	/* never to the sender */
	int			 caps;		/* only to these CAP_*, or 0 */
	const char		*ctags;		/* client-only tags, or NULL */
};

/*
 * An outgoing line to many clients: formatted once without tags, and at
 * most once more for each set of tags a recipient asked for.
 */
#define OUT_TAG_TIME	0x1	/* server-time */
#define OUT_TAG_MSGID	0x2	/* message-tags: msgid, client tags */
#define OUT_TAGSETS	4
#define OUT_TAGSLEN	64	/* "@time=...;msgid=... " */
struct out {
	const char		*line;		/* with CR LF, no tags */
	size_t			 len;
	const struct timeval	*time;
	const char		*msgid;
	const char		*ctags;		/* client-only tags, or NULL */
	int			 bot;		/* from a +B user: "bot" tag */
	size_t			 tlen[OUT_TAGSETS];	/* 0: not made yet */
	char			 tagged[OUT_TAGSETS][OUT_TAGSLEN +
				     MSG_CTAGSLEN + 1 + MSG_LINELEN];
};

/* A stored event, as history_fetch() returns it. */
struct hist_item {
	int64_t			 id;		/* order, with ms */
	int64_t			 ms;		/* Unix time, milliseconds */
	char			 msgid[CHANMSG_IDLEN + 1];
	int			 kind;
#define HIST_MESSAGE		0		/* PRIVMSG, NOTICE */
#define HIST_EVENT		1		/* JOIN, PART, ... MODE */
	int			 bot;
	char			*line;		/* ":prefix CMD ...", no CR LF */
	char			*tags;		/* client-only tags, or NULL */
};

/* A place in a room's history: before, at or after an event. */
struct hist_bound {
	int64_t			 ms;
	int64_t			 id;
};

/* Words for one client, packed into as few numerics as fit: reply.c. */
struct words {
	struct client		*c;
	void			(*flush)(struct words *);
	const void		*arg;
	size_t			 room;
	size_t			 len;
	char			 sep;		/* between words: ' ' */
	char			 buf[MSG_LINELEN + 1];
};

/* Handler result: 0, or -1 when the connection was closed. */
typedef int (*cmd_fn)(struct client *, struct msg *);

/* natterd.c */
extern struct event_base	*base;
extern time_t			 server_started;
extern int			 server_stopping;
void	 server_client_gone(void);
int	 server_caps(void);
const char *server_cap_value(int);
void	 server_stop(void);
int	 server_reload(void);

/* config.c */
extern struct config		 conf;
void	 config_defaults(void);
void	 config_parse(int, char **);
void	 config_free(void);
int	 config_reload(void);
__dead void config_usage_error(const char *, ...) __printflike(1, 2);

/* listen.c */
int	 listen_parse(const char *, char *, size_t, const char **, char *,
	     size_t);
int	 listen_open(const char *, int, char *, size_t);
void	 listen_reload(void);
void	 listen_close(void);

/* motd.c */
extern char			**motd_lines;
extern size_t			 motd_count;
void	 motd_load(int);
void	 motd_free(void);

/* conn.c */
extern int	 conn_count;		/* all connections */
extern int	 conn_max;		/* --max-clients, or what fds allow */
extern int	 conn_unregistered;
void	 conn_accept(struct evconnlistener *, evutil_socket_t,
	     struct sockaddr *, int, void *);
void	 conn_accept_error(struct evconnlistener *, void *);
struct client *conn_new(struct bufferevent *, const char *);
void	 conn_write(struct client *, const char *, size_t);
void	 conn_close(struct client *, const char *);
void	 conn_defer_close(struct client *, const char *);
void	 conn_registered(struct client *);
void	 conn_hold(struct client *);
void	 conn_resume(struct client *);
void	 conn_init(void);
void	 conn_shutdown(void);
void	 conn_free_all(void);
void	 conn_exit(void);

/* tls.c */
void	 tls_init(void);
int	 tls_reload(void);
void	 tls_exit(void);
struct bufferevent *tls_accept(evutil_socket_t);
const char *tls_error(struct bufferevent *, char *, size_t);
int	 tls_established(struct bufferevent *);
const char *tls_version(void);
int	 tls_ready(void);

/* reply.c */
void	 reply(struct client *, const char *, ...) __printflike(2, 3);
void	 reply_raw(struct client *, const char *, ...) __printflike(2, 3);
void	 reply_fail(struct client *, const char *, const char *,
	     const char *);
const char *reply_nick(struct client *);
void	 out_init(struct out *, const char *, size_t,
	     const struct timeval *, const char *);
int	 out_tagset(int);
void	 out_send(struct client *, struct out *);
const char *reply_param(const char *);
void	 words_init(struct words *, struct client *, size_t,
	     void (*)(struct words *), const void *);
void	 words_add(struct words *, const char *, const char *);
void	 words_end(struct words *);
const char *reply_cut(char *, size_t, const char *, size_t, const char *,
	     const char *, int, const char *const *);

/* user.c */
extern struct nicks	 nicks;
extern int		 user_count;
extern int		 user_max;
extern int		 user_invisible;
extern int		 user_opers;
struct client *user_find(const char *);
int	 user_claim(struct client *, const char *);
void	 user_release(struct client *);
void	 user_set_prefix(struct client *);
void	 user_registered(struct client *);
void	 user_set_invisible(struct client *, int);
void	 user_set_oper(struct client *, int);
int	 user_wallops(struct client *, const char *);
void	 user_rename(struct client *, const char *);
int	 user_message(struct client *, struct client *, const char *,
	     const char *, const char *);
void	 user_quit(struct client *, const char *);
void	 user_part_all(struct client *, int);

/* channel.c */
extern struct channels	 channels;
extern int		 channel_count;
struct channel *channel_find(const char *);
struct channel *channel_find_fold(const char *);
void	 channel_new_msgid(char *);
struct channel *channel_create(const char *);
struct member *channel_member(struct channel *, struct client *);
struct member *channel_add(struct channel *, struct client *);
void	 channel_remove(struct member *);
void	 channel_set_topic(struct channel *, const char *, const char *,
	     time_t);
void	 channel_set_modes(struct channel *, int);
void	 channel_invite(struct channel *, struct client *);
int	 channel_invited(struct channel *, struct client *);
const char *channel_prefix(const struct member *, int);
int	 channel_hidden(struct channel *, struct client *, int);
int	 channel_can_op(struct channel *, struct member *, struct client *,
	     const char *);
int	 channel_list_add(struct channel *, int, const char *,
	     const char *);
int	 channel_list_del(struct channel *, int, char *, size_t);
int	 channel_banned(struct channel *, struct client *);
void	 channel_set_key(struct channel *, const char *);
void	 channel_set_limit(struct channel *, int);
void	 channel_set_status(struct member *, int, int);
void	 channel_msg_init(struct chanmsg *, struct channel *, struct client *,
	     const char *, int, const char *const *);
int	 channel_prepare(struct chanmsg *, char *, size_t, struct out *);
int	 channel_deliver(struct chanmsg *);
void	 channel_send_line(struct channel *, struct client *, const char *,
	     int, const char *const *);
int	 channel_message(struct channel *, struct client *, const char *,
	     const char *, const char *);
void	 channel_names(struct client *, struct channel *);
void	 channel_names_list(struct client *, struct channel *);
void	 channel_init(void);
void	 channel_free_all(void);

/* history.c */
int	 history_enabled(void);
int	 history_caps(void);
int64_t	 history_last_ms(void);
void	 history_prepare(void);
void	 history_open(void);
void	 history_close(void);
void	 history_trim_all(void);
void	 history_time(char *, size_t, int64_t);
void	 history_channel_new(struct channel *);
void	 history_channel_free(struct channel *);
void	 history_record(struct channel *, const struct chanmsg *,
	     const char *, size_t);
int	 history_find(struct channel *, const char *, struct hist_bound *);
int	 history_fetch(struct channel *, const struct hist_bound *,
	     const struct hist_bound *, int, int, int, struct hist_item **);
void	 history_free(struct hist_item *, int);
int64_t	 history_latest(struct channel *);
int	 history_search(struct channel *, const char *, const char *,
	     int64_t, int64_t, int, struct hist_item **);

/* irc-history.c */
int	 irc_chathistory(struct client *, struct msg *);
int	 irc_search(struct client *, struct msg *);
void	 history_replay(struct client *, struct channel *);

/* cluster.c */
extern int	 cluster_on;
int	 cluster_url_check(const char *, char *, size_t);
void	 cluster_init(void);
void	 cluster_exit(void);
int	 cluster_synced(void);
int	 cluster_refuse(struct client *, const char *);
const char *cluster_server(struct client *);
void	 cluster_forget(struct client *);
void	 cluster_register(struct client *);
void	 cluster_nick(struct client *, const char *);
void	 cluster_join(struct client *, const char *);
void	 cluster_state(const char *, struct client *, struct channel *,
	     const char *, int, const char *const *, int,
	     const char *const *);
void	 cluster_left(const char *);
void	 cluster_umode(struct client *, const char *);
void	 cluster_counts(int *, int *, int *);
void	 cluster_leave(void);
int	 cluster_busy(void);
int	 cluster_channel_message(struct chanmsg *);
int	 cluster_private(struct chanmsg *, struct client *);
int	 cluster_bus_mode(struct channel *);
void	 cluster_deferred(const char *, struct client *, struct channel *,
	     const char *, int, const char *const *, int,
	     const char *const *);
int	 cstate_ghost(struct client *, const char *);

/* help.c */
struct help_topic {
	const char		*name;
	const char *const	*lines;		/* NULL-terminated */
};
const struct help_topic *help_find(const char *);
const struct help_topic *help_topic_at(size_t);
int	 irc_help(struct client *, struct msg *);
int	 irc_info(struct client *, struct msg *);

/* label.c */
extern struct client	*label_client;
void	 label_begin(struct client *, const struct msg *);
void	 label_hold(const char *, size_t);
void	 label_end(struct client *, int);
int	 label_defer(struct client *, char *, size_t);
void	 label_resume(struct client *, const char *);
void	 label_free(void);

/* monitor.c */
void	 monitor_tell(struct client *, int);
void	 monitor_clear(struct client *);
int	 irc_monitor(struct client *, struct msg *);
void	 monitor_free_all(void);

/* whowas.c */
void	 whowas_add(struct client *);
int	 irc_whowas(struct client *, struct msg *);

/* cmd.c */
int	 cmd_dispatch(struct client *, struct msg *);
int	 cmd_check_table(void);

/* irc-login.c */
int	 irc_cap(struct client *, struct msg *);
int	 irc_nick(struct client *, struct msg *);
int	 irc_pass(struct client *, struct msg *);
int	 irc_ping(struct client *, struct msg *);
int	 irc_pong(struct client *, struct msg *);
int	 irc_quit(struct client *, struct msg *);
int	 irc_user(struct client *, struct msg *);
void	 login_welcome(struct client *);

/* irc-channel.c */
void	 join_replies(struct client *, struct channel *);
int	 irc_invite(struct client *, struct msg *);
int	 irc_join(struct client *, struct msg *);
int	 irc_kick(struct client *, struct msg *);
int	 irc_list(struct client *, struct msg *);
int	 irc_mode(struct client *, struct msg *);
int	 irc_names(struct client *, struct msg *);
int	 irc_part(struct client *, struct msg *);
int	 irc_topic(struct client *, struct msg *);

/* irc-message.c */
const char *message_refused(struct channel *, struct client *);
int	 irc_notice(struct client *, struct msg *);
int	 irc_privmsg(struct client *, struct msg *);
int	 irc_tagmsg(struct client *, struct msg *);

/* irc-batch.c */
int	 irc_batch(struct client *, struct msg *);
int	 batch_take(struct client *, struct msg *);
void	 batch_reject(struct client *, const char *);
void	 batch_free(struct client *);

/* irc-mode.c */
void	 mode_apply(struct channel *, const char *, int,
	     const char *const *);

/* irc-info.c */
int	 irc_away(struct client *, struct msg *);
int	 irc_ison(struct client *, struct msg *);
int	 irc_lusers(struct client *, struct msg *);
int	 irc_motd(struct client *, struct msg *);
int	 irc_time(struct client *, struct msg *);
int	 irc_userhost(struct client *, struct msg *);
int	 irc_version(struct client *, struct msg *);
int	 irc_who(struct client *, struct msg *);
int	 irc_whois(struct client *, struct msg *);

/* irc-oper.c */
int	 irc_die(struct client *, struct msg *);
int	 irc_kill(struct client *, struct msg *);
int	 irc_oper(struct client *, struct msg *);
int	 irc_rehash(struct client *, struct msg *);
int	 irc_wallops(struct client *, struct msg *);
void	 info_isupport(struct client *);
void	 info_lusers(struct client *);
void	 info_motd(struct client *);

#endif
