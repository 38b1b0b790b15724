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
 * natterd as one node of a cluster on Redis (shared/designs/cluster.md).
 *
 * Two links: cmd runs the state script (cluster.lua) and PUBLISHes, sub
 * is subscribed to the state events, this node's own channel and the
 * channel of every room with a member here. What changes the state a
 * race could break (a nick, a JOIN that may make a room) waits for the
 * script, and is done on every node, this one too, when its event comes
 * back in order. The rest (PART, QUIT, KICK, TOPIC, MODE, ...) is done
 * here at once, as without a cluster, and then published. A channel
 * message with members elsewhere goes to Redis and is delivered here when
 * it comes back, so every node sees one order per room.
 *
 * Without Redis (down, hung, or our subscriber cut) the node is split:
 * the users of other nodes quit here, local rooms go on, what needs the
 * cluster is refused, and on the way back the node tells Redis what it
 * has (burst), reads everything (snapshot) and tells each of its rooms
 * which time window may be missing.
 */

#include <sys/types.h>
#include <sys/random.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "natterd.h"
#include "cluster.h"

extern const char	 cluster_lua[];

int			 cluster_on;
char			 cluster_inc[17];
struct uids		 cluster_uids = RB_INITIALIZER(&cluster_uids);

enum cluster_state {
	CL_DOWN,		/* waiting to connect again */
	CL_CONNECTING,
	CL_SYNCING,		/* subscribed; hello, burst, snapshot */
	CL_SYNCED,
};

/* A room's channel on sub, and the JOINs waiting for it. */
struct csub {
	char			 fold[NAME_CHANLEN + 1];
	int			 ready;		/* SUBSCRIBE confirmed */
	int			 nwait;
	char			**wait;		/* uid NUL name, for the script */
	RB_ENTRY(csub)		 entry;
};
RB_HEAD(csubs, csub);

/* A push that came while the snapshot was being read. */
struct cqueued {
	char			*payload;
	size_t			 len;
	TAILQ_ENTRY(cqueued)	 entry;
};

static struct {
	struct redis_addr	 addr;
	struct redis		*cmd;
	struct redis		*sub;
	enum cluster_state	 state;
	char			 sha[41];
	char			*st;		/* <prefix>:st */
	char			*own;		/* <prefix>:n:<node> */
	uint64_t		 seq;		/* last state event applied */
	uint64_t		 oseq;		/* our M and P */
	int64_t			 heard_ms;	/* last push read on sub */
	int64_t			 split_ms;	/* split since; 0: not split */
	int64_t			 fine_ms;	/* last beat answered */
	int			 leaving;	/* "leave" sent, not answered */
	int			 backoff_ms;
	int			 nsubwait;	/* confirmations to come */
	struct event		*retry;
	struct event		*beat;
	struct event		*reap;
	struct csubs		 subs;
	TAILQ_HEAD(, cqueued)	 queued;
	unsigned long		 refused;	/* bus payloads dropped */
} cl = { .subs = RB_INITIALIZER(&cl.subs) };

static void	cluster_connect(void);
static void	cluster_link(struct redis *, const char *, void *);
static void	cluster_push(struct redis *, redisReply *, void *);
static void	cluster_dispatch(const char *, size_t);
static void	cluster_message(const struct bus_msg *);
static void	cluster_whisper(const struct bus_msg *);
static void	cluster_synced_now(void);
static void	cluster_eval(redis_cb, void *, const char *, int,
		    const char *const *);
static void	cluster_wait(struct client *, const char *);
static void	cluster_hello(void);
static void	cluster_join_send(const char *, const char *, const char *);
static struct client *cluster_find(const char *);
static void	cluster_done(struct client *);

static int
cluster_uid_cmp(struct client *a, struct client *b)
{
	return (strcmp(a->uid, b->uid));
}
RB_GENERATE(uids, client, uid_entry, cluster_uid_cmp);

static int
csub_cmp(struct csub *a, struct csub *b)
{
	return (strcmp(a->fold, b->fold));
}
RB_PROTOTYPE(csubs, csub, entry, csub_cmp);
RB_GENERATE(csubs, csub, entry, csub_cmp);

static int64_t
cluster_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* Is uid one of this run's users? */
int
cluster_ours(const char *uid)
{
	return (strncmp(uid, cluster_inc, 16) == 0 && uid[16] == '.');
}

int
cluster_url_check(const char *url, char *why, size_t size)
{
	struct redis_addr	 a;
	const char		*errstr;

	if (redis_parse_url(&a, url, &errstr) != 0) {
		snprintf(why, size, "cluster: %s", errstr);
		return (-1);
	}
	redis_addr_free(&a);
	return (0);
}

int
cluster_synced(void)
{
	return (!cluster_on || cl.state == CL_SYNCED);
}

/* Refuse cmd with FAIL while out of sync; return 1 if refused. */
int
cluster_refuse(struct client *c, const char *cmd)
{
	if (cluster_synced())
		return (0);
	reply_fail(c, cmd, "TEMPORARILY_UNAVAILABLE",
	    "The cluster is unavailable, try again");
	return (1);
}

/*
 * For LUSERS: the users on this node and the most there were, and the
 * servers (nodes) that have users, this one counted.
 */
void
cluster_counts(int *local, int *lmax, int *servers)
{
	static int	 most;
	struct client	*t;
	char		 seen[64][BUS_NODELEN + 1];
	int		 remote = 0, nseen = 0, i;

	*servers = 1;
	if (!cluster_on) {
		*local = user_count;
		*lmax = user_max;
		return;
	}
	RB_FOREACH(t, uids, &cluster_uids) {
		if (!(t->flags & CLIENT_REMOTE))
			continue;
		remote++;
		for (i = 0; i < nseen && strcmp(seen[i], t->node) != 0; i++)
			;
		if (i == nseen && nseen < 64)
			snprintf(seen[nseen++], sizeof seen[0], "%s", t->node);
	}
	*servers += nseen;
	*local = user_count - remote;
	if (*local > most)
		most = *local;
	*lmax = most;
}

/* The server a user is on, for WHOIS. */
const char *
cluster_server(struct client *c)
{
	return (c->node != NULL ? c->node : conf.name);
}

void
cluster_init(void)
{
	const char	*errstr;
	unsigned char	 rnd[8], md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen, i;

	if (conf.cluster == NULL)
		return;
	cluster_on = 1;
	/* The node's name is the server's: in prefixes, WHOIS, splits. */
	free(conf.name);
	conf.name = xstrdup(conf.node);
	if (redis_parse_url(&cl.addr, conf.cluster, &errstr) != 0)
		fatalx("cluster: %s", errstr);
	if (getrandom(rnd, sizeof rnd, 0) != sizeof rnd)
		fatal("getrandom");
	for (i = 0; i < sizeof rnd; i++)
		snprintf(cluster_inc + 2 * i, 3, "%02x", rnd[i]);
	if (!EVP_Digest(cluster_lua, strlen(cluster_lua), md, &mdlen,
	    EVP_sha1(), NULL))
		fatalx("cluster: SHA-1");
	for (i = 0; i < mdlen && i < 20; i++)
		snprintf(cl.sha + 2 * i, 3, "%02x", md[i]);
	xasprintf(&cl.st, "%s:st", conf.cluster_prefix);
	xasprintf(&cl.own, "%s:n:%s", conf.cluster_prefix, conf.node);
	TAILQ_INIT(&cl.queued);
	cl.cmd = redis_new("cmd", &cl.addr, cluster_link, cluster_push, NULL);
	cl.sub = redis_new("sub", &cl.addr, cluster_link, cluster_push, NULL);
	cl.retry = evtimer_new(base, (event_callback_fn)cluster_connect,
	    NULL);
	cl.beat = event_new(base, -1, EV_PERSIST, NULL, NULL);
	cl.reap = event_new(base, -1, EV_PERSIST, NULL, NULL);
	log_info("cluster: connecting to %s as %s", cl.addr.shown, conf.node);
	cluster_connect();
}

void
cluster_exit(void)
{
	struct csub	*s;
	struct cqueued	*q;

	if (!cluster_on)
		return;
	cl.state = CL_DOWN;
	redis_free(cl.cmd);
	redis_free(cl.sub);
	cl.cmd = cl.sub = NULL;
	while ((s = RB_MIN(csubs, &cl.subs)) != NULL) {
		RB_REMOVE(csubs, &cl.subs, s);
		while (s->nwait > 0)
			free(s->wait[--s->nwait]);
		free(s->wait);
		free(s);
	}
	while ((q = TAILQ_FIRST(&cl.queued)) != NULL) {
		TAILQ_REMOVE(&cl.queued, q, entry);
		free(q->payload);
		free(q);
	}
	cstate_free_all();
	event_free(cl.retry);
	event_free(cl.beat);
	event_free(cl.reap);
	free(cl.st);
	free(cl.own);
	redis_addr_free(&cl.addr);
}

/* --- The links ---------------------------------------------------- */

static void
cluster_connect(void)
{
	if (cl.cmd == NULL)
		return;
	cl.state = CL_CONNECTING;
	redis_connect(cl.cmd);
	redis_connect(cl.sub);
}

/* Try again in 100 ms doubling to 5 s, with jitter. */
static void
cluster_retry(void)
{
	struct timeval	 tv;
	int		 ms;
	uint32_t	 r;

	cl.backoff_ms = cl.backoff_ms == 0 ? 100 : cl.backoff_ms * 2;
	if (cl.backoff_ms > 5000)
		cl.backoff_ms = 5000;
	if (getrandom(&r, sizeof r, 0) != sizeof r)
		r = 0;
	ms = cl.backoff_ms / 2 + (int)(r % (uint32_t)(cl.backoff_ms / 2 + 1));
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(cl.retry, &tv);
}

/*
 * Out of the cluster: drop both links and what depends on them. The
 * users of other nodes quit here; waiting clients are told; messages
 * from when we last heard Redis may be lost, and the way back says so.
 */
void
cluster_split(const char *why)
{
	struct csub	*s;
	struct cqueued	*q;
	enum cluster_state was = cl.state;

	if (was == CL_DOWN)
		return;
	cl.state = CL_DOWN;
	if (was == CL_SYNCED || was == CL_SYNCING)
		log_info("cluster: split: %s", why);
	else
		log_debug("cluster: cannot connect: %s", why);
	/* Since the last sign that all was well: beat or push. */
	if (cl.split_ms == 0 && was == CL_SYNCED) {
		cl.split_ms = cl.heard_ms != 0 ? cl.heard_ms :
		    cluster_now_ms();
		if (cl.fine_ms != 0 && cl.fine_ms < cl.split_ms)
			cl.split_ms = cl.fine_ms;
	}
	redis_close(cl.cmd, NULL);
	redis_close(cl.sub, NULL);
	while ((s = RB_MIN(csubs, &cl.subs)) != NULL) {
		RB_REMOVE(csubs, &cl.subs, s);
		while (s->nwait > 0)
			free(s->wait[--s->nwait]);
		free(s->wait);
		free(s);
	}
	while ((q = TAILQ_FIRST(&cl.queued)) != NULL) {
		TAILQ_REMOVE(&cl.queued, q, entry);
		free(q->payload);
		free(q);
	}
	cstate_split();
	evtimer_del(cl.beat);
	evtimer_del(cl.reap);
	cluster_retry();
}


/* EVALSHA the script's op with args, after prefix, node and incarnation. */
static void
cluster_eval(redis_cb cb, void *arg, const char *op, int n,
    const char *const *args)
{
	const char	**argv;
	size_t		 *lens;
	int		  i, argc = n + 7;

	argv = xreallocarray(NULL, argc, sizeof *argv);
	lens = xreallocarray(NULL, argc, sizeof *lens);
	argv[0] = "EVALSHA";
	argv[1] = cl.sha;
	argv[2] = "0";
	argv[3] = op;
	argv[4] = conf.cluster_prefix;
	argv[5] = conf.node;
	argv[6] = cluster_inc;
	for (i = 0; i < n; i++)
		argv[7 + i] = args[i];
	for (i = 0; i < argc; i++)
		lens[i] = strlen(argv[i]);
	redis_command(cl.cmd, cb, arg, argc, argv, lens);
	free(argv);
	free(lens);
}

/*
 * A script's answer: {1, ...} done, {0, why} refused, {-1, ...} fenced
 * (this node lost its lease: resync). Return 1, 0, or -1 for fenced or
 * anything else (and the link is then dropped).
 */
static int
cluster_answer(redisReply *rep, const char *op)
{
	if (rep == NULL)
		return (-1);
	if (rep->type == REDIS_REPLY_ARRAY && rep->elements >= 1 &&
	    rep->element[0]->type == REDIS_REPLY_INTEGER) {
		if (rep->element[0]->integer == 1)
			return (1);
		if (rep->element[0]->integer == 0)
			return (0);
		log_info("cluster: fenced: %s refused, this node's lease is "
		    "gone", op);
		cluster_split("fenced");
		return (-1);
	}
	if (rep->type == REDIS_REPLY_ERROR)
		log_warnx("cluster: %s: %s", op, rep->str);
	else
		log_warnx("cluster: %s: an answer of type %d", op, rep->type);
	cluster_split("bad answer from Redis");
	return (-1);
}

/* A reply element as a string ("" if it is not one). */
static const char *
cluster_str(redisReply *rep, size_t i)
{
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY ||
	    i >= rep->elements || rep->element[i]->type != REDIS_REPLY_STRING)
		return ("");
	return (rep->element[i]->str);
}

static struct client *
cluster_find(const char *uid)
{
	struct client	 find;

	find.uid = (char *)uid;
	return (RB_FIND(uids, &cluster_uids, &find));
}

/* --- Syncing ------------------------------------------------------ */

static void
cluster_script_cb(struct redis *r, redisReply *rep, void *arg)
{
	(void)r;
	(void)arg;
	if (rep == NULL)
		return;
	if (rep->type != REDIS_REPLY_STRING || strcmp(rep->str, cl.sha) != 0)
		cluster_split("SCRIPT LOAD failed");
}

static void
cluster_hello_cb(struct redis *r, redisReply *rep, void *arg)
{
	(void)r;
	(void)arg;
	if (rep == NULL)
		return;
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 2 ||
	    rep->element[1]->type != REDIS_REPLY_INTEGER) {
		if (rep->type == REDIS_REPLY_ERROR)
			log_warnx("cluster: hello: %s", rep->str);
		cluster_split("hello refused");
		return;
	}
	log_debug("cluster: epoch %s, %s", cluster_str(rep, 0),
	    rep->element[1]->integer ? "lease kept" : "new lease");
}

/* The burst's answer: users of ours whose nick was taken meanwhile. */
static void
cluster_burst_cb(struct redis *r, redisReply *rep, void *arg)
{
	struct client	*c;
	redisReply	*list;
	size_t		 i;
	char		 nick[NAME_NICKMAX + 1];

	(void)r;
	(void)arg;
	if (cluster_answer(rep, "burst") != 1)
		return;
	if (rep->elements < 2 || rep->element[1]->type != REDIS_REPLY_ARRAY)
		return;
	list = rep->element[1];
	for (i = 0; i + 1 < list->elements; i += 2) {
		if (list->element[i]->type != REDIS_REPLY_STRING ||
		    list->element[i + 1]->type != REDIS_REPLY_STRING ||
		    (c = cluster_find(list->element[i]->str)) == NULL ||
		    (c->flags & CLIENT_REMOTE))
			continue;
		snprintf(nick, sizeof nick, "%s", list->element[i + 1]->str);
		reply_raw(c, "NOTICE %s :Your nick was taken on another "
		    "server while this one was split; you are now %s",
		    c->nick, nick);
		user_rename(c, nick);
	}
}

static void
cluster_snap_cb(struct redis *r, redisReply *rep, void *arg)
{
	(void)r;
	(void)arg;
	if (rep == NULL)
		return;
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 3 ||
	    rep->element[0]->type != REDIS_REPLY_STRING ||
	    rep->element[1]->type != REDIS_REPLY_ARRAY ||
	    rep->element[2]->type != REDIS_REPLY_ARRAY) {
		if (rep->type == REDIS_REPLY_ARRAY && rep->elements >= 1 &&
		    rep->element[0]->type == REDIS_REPLY_INTEGER)
			cluster_answer(rep, "snapshot");
		else
			cluster_split("bad snapshot");
		return;
	}
	cl.seq = strtoull(rep->element[0]->str, NULL, 10);
	if (cstate_snapshot(rep) != 0) {
		cluster_split("bad snapshot");
		return;
	}
	cluster_synced_now();
}

/* A user's modes as the burst and the replica carry them: "+iw". */
static void
cluster_umodes(struct client *c, char *buf, size_t size)
{
	snprintf(buf, size, "+%s%s%s%s", (c->flags & CLIENT_INVISIBLE) ?
	    "i" : "", (c->flags & CLIENT_OPER) ? "o" : "",
	    (c->flags & CLIENT_WALLOPS) ? "w" : "",
	    (c->flags & CLIENT_BOT) ? "B" : "");
}

/* A channel's flag modes, as letters. */
static void
cluster_cmodes(struct channel *ch, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s%s%s%s",
	    (ch->modes & CHAN_INVITEONLY) ? "i" : "",
	    (ch->modes & CHAN_MODERATED) ? "m" : "",
	    (ch->modes & CHAN_NOEXTERNAL) ? "n" : "",
	    (ch->modes & CHAN_PRIVATE) ? "p" : "",
	    (ch->modes & CHAN_SECRET) ? "s" : "",
	    (ch->modes & CHAN_TOPICLOCK) ? "t" : "");
}

/*
 * Tell Redis what this node has: its users and their rooms (burst),
 * then read the rest (snapshot). The script makes Redis agree with us
 * about our own users, whatever it kept.
 */
static void
cluster_hello(void)
{
	struct client	*c;
	struct member	*m;
	const char	**argv = NULL;
	char		**own = NULL;
	size_t		  n = 0, nown = 0, cap = 0, capown = 0, i;
	char		  lease[16], epoch[32], buf[64];
	uint64_t	  rnd;

#define ADD(s) do {							\
	if (n == cap) {							\
		cap = cap == 0 ? 64 : cap * 2;				\
		argv = xreallocarray(argv, cap, sizeof *argv);		\
	}								\
	argv[n++] = (s);						\
} while (0)
#define OWN(s) do {							\
	if (nown == capown) {						\
		capown = capown == 0 ? 64 : capown * 2;			\
		own = xreallocarray(own, capown, sizeof *own);		\
	}								\
	own[nown] = xstrdup(s);						\
	ADD(own[nown]);							\
	nown++;								\
} while (0)

	snprintf(lease, sizeof lease, "%d", conf.cluster_lease * 1000);
	if (getrandom(&rnd, sizeof rnd, 0) != sizeof rnd)
		rnd = (uint64_t)cluster_now_ms();
	snprintf(epoch, sizeof epoch, "%016llx", (unsigned long long)rnd);
	cluster_eval(cluster_hello_cb, NULL, "hello", 2,
	    (const char *[]){ lease, epoch });

	RB_FOREACH(c, uids, &cluster_uids) {
		if ((c->flags & CLIENT_REMOTE) ||
		    !(c->flags & CLIENT_REGISTERED))
			continue;
		ADD("U");
		ADD(c->uid);
		name_fold(buf, c->nick, sizeof buf);
		OWN(buf);
		ADD(c->nick);
		ADD(c->user);
		ADD(c->host);
		ADD(c->realname != NULL ? c->realname : "");
		snprintf(buf, sizeof buf, "%lld", (long long)c->signon);
		OWN(buf);
		cluster_umodes(c, buf, sizeof buf);
		OWN(buf);
		ADD(c->away != NULL ? c->away : "");
		/* The nick to take if ours went meanwhile. */
		snprintf(buf, sizeof buf, "u%.6s%llu", cluster_inc,
		    (unsigned long long)c->id);
		OWN(buf);
		OWN(buf);
		TAILQ_FOREACH(m, &c->channels, uentry) {
			ADD("C");
			ADD(m->channel->fold);
			ADD(m->channel->name);
			OWN((m->flags & MEMBER_OP) ?
			    ((m->flags & MEMBER_VOICE) ? "ov" : "o") :
			    (m->flags & MEMBER_VOICE) ? "v" : "-");
			snprintf(buf, sizeof buf, "%lld",
			    (long long)m->channel->created);
			OWN(buf);
			cluster_cmodes(m->channel, buf, sizeof buf);
			OWN(buf);
			ADD(m->channel->key != NULL ? m->channel->key : "");
			snprintf(buf, sizeof buf, "%d", m->channel->limit);
			OWN(buf);
			ADD(m->channel->topic != NULL ? m->channel->topic :
			    "");
			ADD(m->channel->topic_who);
			snprintf(buf, sizeof buf, "%lld",
			    (long long)m->channel->topic_time);
			OWN(buf);
		}
	}
	cluster_eval(cluster_burst_cb, NULL, "burst", (int)n, argv);
	cluster_eval(cluster_snap_cb, NULL, "snap", 0, NULL);
	for (i = 0; i < nown; i++)
		free(own[i]);
	free(own);
	free(argv);
#undef ADD
#undef OWN
}

static void
cluster_sub_ok(struct redis *r, redisReply *rep, void *arg)
{
	struct csub	*s = arg;
	char		*w;

	(void)r;
	if (rep == NULL)
		return;
	if (rep->type != REDIS_REPLY_ARRAY) {
		cluster_split("SUBSCRIBE refused");
		return;
	}
	if (s != NULL) {
		/* A room's channel: the JOINs waiting for it may go. */
		s->ready = 1;
		while (s->nwait > 0) {
			w = s->wait[--s->nwait];
			cluster_join_send(w, s->fold, w + strlen(w) + 1);
			free(w);
		}
		if (cl.state != CL_SYNCING)
			return;
	}
	if (--cl.nsubwait == 0 && cl.state == CL_SYNCING)
		cluster_hello();
}

static struct csub *
cluster_csub(const char *fold)
{
	struct csub	 find;

	snprintf(find.fold, sizeof find.fold, "%s", fold);
	return (RB_FIND(csubs, &cl.subs, &find));
}

/* SUBSCRIBE to a room's channel; the answer makes it ready. */
static struct csub *
cluster_subscribe(const char *fold)
{
	struct csub	*s;
	char		*chan;

	s = xcalloc(1, sizeof *s);
	snprintf(s->fold, sizeof s->fold, "%s", fold);
	RB_INSERT(csubs, &cl.subs, s);
	xasprintf(&chan, "%s:c:%s", conf.cluster_prefix, fold);
	redis_commandv(cl.sub, cluster_sub_ok, s, "SUBSCRIBE", chan, NULL);
	free(chan);
	return (s);
}

/* Does ch have a member on this node? */
int
cluster_local_members(struct channel *ch)
{
	return (ch->nmembers > ch->nremote);
}

/*
 * A member here left the room fold (which may be gone with it): with no
 * member here left, stop hearing its messages, unless a JOIN waits.
 */
void
cluster_left(const char *fold)
{
	struct csub	*s;
	struct channel	*ch;
	char		*chan;

	if (!cluster_on || (s = cluster_csub(fold)) == NULL || s->nwait > 0 ||
	    ((ch = channel_find_fold(fold)) != NULL &&
	    cluster_local_members(ch)))
		return;
	RB_REMOVE(csubs, &cl.subs, s);
	free(s);
	if (cl.state != CL_SYNCED && cl.state != CL_SYNCING)
		return;
	xasprintf(&chan, "%s:c:%s", conf.cluster_prefix, fold);
	redis_commandv(cl.sub, NULL, NULL, "UNSUBSCRIBE", chan, NULL);
	free(chan);
}

/* A link came up (why NULL) or went down. */
static void
cluster_link(struct redis *r, const char *why, void *arg)
{
	struct channel	*ch;

	(void)r;
	(void)arg;
	if (why != NULL) {
		cluster_split(why);
		return;
	}
	if (cl.state != CL_CONNECTING || !redis_up(cl.cmd) ||
	    !redis_up(cl.sub))
		return;
	cl.state = CL_SYNCING;
	redis_commandv(cl.cmd, cluster_script_cb, NULL, "SCRIPT", "LOAD",
	    cluster_lua, NULL);
	cl.nsubwait = 2;
	redis_commandv(cl.sub, cluster_sub_ok, NULL, "SUBSCRIBE", cl.st,
	    NULL);
	redis_commandv(cl.sub, cluster_sub_ok, NULL, "SUBSCRIBE", cl.own,
	    NULL);
	RB_FOREACH(ch, channels, &channels) {
		if (cluster_local_members(ch)) {
			cl.nsubwait++;
			cluster_subscribe(ch->fold);
		}
	}
}

static void
cluster_beat_cb(struct redis *r, redisReply *rep, void *arg)
{
	(void)r;
	(void)arg;
	/* Up to now, all was well: a split starts no earlier. */
	if (cluster_answer(rep, "beat") == 1)
		cl.fine_ms = cluster_now_ms();
}

static void
cluster_leave_cb(struct redis *r, redisReply *rep, void *arg)
{
	(void)r;
	(void)arg;
	(void)rep;
	cl.leaving = 0;
	server_client_gone();
}

/*
 * Stopping: our users' QUITs are queued; then leave the cluster, so
 * that no one waits for our lease. The stop waits for the answer.
 */
void
cluster_leave(void)
{
	if (!cluster_on || cl.state != CL_SYNCED)
		return;
	cl.leaving = 1;
	cluster_eval(cluster_leave_cb, NULL, "leave", 0, NULL);
}

int
cluster_busy(void)
{
	return (cluster_on && cl.leaving);
}

static void
cluster_reap_cb(struct redis *r, redisReply *rep, void *arg)
{
	(void)r;
	(void)arg;
	if (cluster_answer(rep, "reap") == 1 && rep->elements == 3 &&
	    rep->element[2]->type == REDIS_REPLY_INTEGER)
		log_info("cluster: reaped %s (%lld users)",
		    cluster_str(rep, 1), rep->element[2]->integer);
}

static void
cluster_timer(evutil_socket_t fd, short events, void *arg)
{
	char	 lease[16];

	(void)fd;
	(void)events;
	if (cl.state != CL_SYNCED)
		return;
	if (arg == &cl.beat) {
		snprintf(lease, sizeof lease, "%d",
		    conf.cluster_lease * 1000);
		cluster_eval(cluster_beat_cb, NULL, "beat", 1,
		    (const char *[]){ lease });
	} else
		cluster_eval(cluster_reap_cb, NULL, "reap", 0, NULL);
}

/* Tell each room here that messages may be missing, through the bus. */
static void
cluster_loss_notice(int64_t from, int64_t to)
{
	struct channel	*ch;
	struct chanmsg	 cm;
	char		 text[256], t1[16], t2[16];
	time_t		 a = from / 1000, b = to / 1000;
	struct tm	 tm;

	gmtime_r(&a, &tm);
	strftime(t1, sizeof t1, "%H:%M:%S", &tm);
	gmtime_r(&b, &tm);
	strftime(t2, sizeof t2, "%H:%M:%S", &tm);
	snprintf(text, sizeof text, "Messages between %s and %s UTC may "
	    "not have reached every server (%s was split from the cluster)",
	    t1, t2, conf.node);
	RB_FOREACH(ch, channels, &channels) {
		if (!cluster_local_members(ch))
			continue;
		memset(&cm, 0, sizeof cm);
		cm.channel = ch;
		cm.prefix = conf.name;
		cm.cmd = "NOTICE";
		cm.nparams = 2;
		cm.params[0] = ch->name;
		cm.params[1] = text;
		if (cluster_channel_message(&cm) == 0)
			channel_deliver(&cm);
	}
}

static void
cluster_synced_now(void)
{
	struct client	*c, **held = NULL;
	struct cqueued	*q;
	struct timeval	 tv;
	size_t		 n = 0, i;
	int		 users = 0;
	int64_t		 now = cluster_now_ms();

	cl.state = CL_SYNCED;
	cl.backoff_ms = 0;
	RB_FOREACH(c, uids, &cluster_uids) {
		if (c->flags & CLIENT_REGISTERED)
			users++;
		if (c->flags & CLIENT_HELD) {
			held = xreallocarray(held, n + 1, sizeof *held);
			held[n++] = c;
		}
	}
	log_info("cluster: in sync as %s (%d users, %d channels)", conf.node,
	    users, channel_count);
	tv.tv_sec = conf.cluster_lease / 5;
	tv.tv_usec = (conf.cluster_lease % 5) * 200000;
	event_assign(cl.beat, base, -1, EV_PERSIST, cluster_timer, &cl.beat);
	evtimer_add(cl.beat, &tv);
	tv.tv_sec = 1;
	tv.tv_usec = 0;
	event_assign(cl.reap, base, -1, EV_PERSIST, cluster_timer, &cl.reap);
	evtimer_add(cl.reap, &tv);
	while (cl.state == CL_SYNCED &&
	    (q = TAILQ_FIRST(&cl.queued)) != NULL) {
		TAILQ_REMOVE(&cl.queued, q, entry);
		cluster_dispatch(q->payload, q->len);
		free(q->payload);
		free(q);
	}
	if (cl.state == CL_SYNCED && cl.split_ms != 0) {
		cluster_loss_notice(cl.split_ms, now);
		cl.split_ms = 0;
	}
	for (i = 0; i < n && cl.state == CL_SYNCED; i++) {
		held[i]->flags &= ~CLIENT_HELD;
		cluster_register(held[i]);
	}
	free(held);
}

/* --- The bus ------------------------------------------------------ */

static void
cluster_push(struct redis *r, redisReply *rep, void *arg)
{
	redisReply	*p = rep->element[2];
	struct cqueued	*q;

	(void)arg;
	if (r != cl.sub || p->type != REDIS_REPLY_STRING)
		return;
	cl.heard_ms = cluster_now_ms();
	if (cl.state == CL_SYNCING) {
		q = xcalloc(1, sizeof *q);
		q->payload = xmalloc(p->len + 1);
		memcpy(q->payload, p->str, p->len);
		q->len = p->len;
		TAILQ_INSERT_TAIL(&cl.queued, q, entry);
	} else if (cl.state == CL_SYNCED)
		cluster_dispatch(p->str, p->len);
}

static void
cluster_dispatch(const char *payload, size_t len)
{
	struct bus_msg	 bm;
	const char	*errstr;

	if (bus_parse(&bm, payload, len, &errstr) != 0) {
		if (cl.refused++ % 1000 == 0)
			log_warnx("cluster: bus message dropped: %s "
			    "(%lu so far)", errstr, cl.refused);
		return;
	}
	switch (bm.kind) {
	case BUS_STATE:
		if (bm.seq <= cl.seq)
			return;
		if (bm.seq != cl.seq + 1) {
			log_warnx("cluster: state event %llu after %llu",
			    (unsigned long long)bm.seq,
			    (unsigned long long)cl.seq);
			cluster_split("missed a state event");
			return;
		}
		cl.seq = bm.seq;
		cstate_apply(&bm);
		break;
	case BUS_MESSAGE:
		cluster_message(&bm);
		break;
	case BUS_PRIVATE:
		cluster_whisper(&bm);
		break;
	}
}

/* Header fields of M and P: msgid, the sender's uid, tags, flags. */
static void
cluster_header(struct bus_msg *bm, char kind, const struct chanmsg *cm,
    const char *target)
{
	struct client	*c = cm->sender;
	int		 i = 0;

	memset(bm, 0, sizeof *bm);
	bm->kind = kind;
	snprintf(bm->origin, sizeof bm->origin, "%s", conf.node);
	bm->seq = ++cl.oseq;
	bm->ms = (int64_t)cm->time.tv_sec * 1000 + cm->time.tv_usec / 1000;
	if (target != NULL)
		bm->fields[i++] = target;
	bm->fields[i++] = cm->msgid;
	bm->fields[i++] = c != NULL && c->uid != NULL ? c->uid : "-";
	bm->fields[i++] = cm->ctags != NULL && cm->ctags[0] != '\0' ?
	    cm->ctags : "-";
	bm->fields[i++] = (cm->flags & CHANMSG_OPS) ? "o" : "-";
	bm->nfields = i;
}

/* PUBLISH what cm makes, stamped, to channel; -1 if it does not fit. */
static int
cluster_publish(const char *channel, struct chanmsg *cm, char kind,
    const char *target)
{
	char		 line[MSG_LINELEN + 1], buf[BUS_MAXLEN + 1];
	struct out	 o;
	struct bus_msg	 bm;
	int		 n;

	if (channel_prepare(cm, line, sizeof line, &o) != 0)
		return (-1);
	line[o.len - 2] = '\0';		/* no CR LF on the bus */
	cluster_header(&bm, kind, cm, target);
	bm.line = line;
	if ((n = bus_format(buf, sizeof buf, &bm)) < 0) {
		log_warnx("cluster: a %s does not fit the bus", cm->cmd);
		return (-1);
	}
	redis_command(cl.cmd, NULL, NULL, 3,
	    (const char *[]){ "PUBLISH", channel, buf },
	    (const size_t []){ 7, strlen(channel), (size_t)n });
	return (0);
}

/*
 * A message to a room: through the bus when it has members elsewhere, or
 * when messages of ours to it are still on the bus (not to pass them).
 * Return 1 if it went, -1 if it does not fit, 0 to deliver it here now.
 */
int
cluster_channel_message(struct chanmsg *cm)
{
	struct channel	*ch = cm->channel;
	char		*chan;
	int		 rv;

	if (!cluster_on || cl.state != CL_SYNCED ||
	    (ch->nremote == 0 && ch->inflight == 0))
		return (0);
	/* No member here: nothing comes back to echo; echo it now. */
	if (!cluster_local_members(ch) || cluster_csub(ch->fold) == NULL)
		return (0);
	xasprintf(&chan, "%s:c:%s", conf.cluster_prefix, ch->fold);
	rv = cluster_publish(chan, cm, BUS_MESSAGE, NULL);
	free(chan);
	if (rv != 0)
		return (-1);
	ch->inflight++;
	return (1);
}

/* A message to a user on another node; c sees it with echo-message. */
int
cluster_private(struct chanmsg *cm, struct client *t)
{
	char	*chan;
	int	 rv;

	if (cl.state != CL_SYNCED)
		return (-2);
	xasprintf(&chan, "%s:n:%s", conf.cluster_prefix, t->node);
	rv = cluster_publish(chan, cm, BUS_PRIVATE, t->uid);
	free(chan);
	return (rv);
}

/* The sender's part of a bus message: its uid's client, if known. */
static struct client *
cluster_sender(const struct bus_msg *bm, int at)
{
	if (strcmp(bm->fields[at], "-") == 0 ||
	    !bus_uid_valid(bm->fields[at]))
		return (NULL);
	return (cluster_find(bm->fields[at]));
}

/* Fill cm from a bus message's line (parsed into m) and header. */
static int
cluster_chanmsg(struct chanmsg *cm, struct msg *m, char *copy,
    const struct bus_msg *bm, int at)
{
	const char	*errstr;

	snprintf(copy, MSG_LINELEN + 1, "%s", bm->line);
	if (msg_parse(m, copy, &errstr) != 0 || m->prefix == NULL ||
	    m->nparams < 1)
		return (-1);
	memset(cm, 0, sizeof *cm);
	cm->sender = cluster_sender(bm, at + 1);
	cm->prefix = m->prefix;
	cm->cmd = m->cmd;
	cm->nparams = m->nparams;
	memcpy(cm->params, m->params, m->nparams * sizeof *m->params);
	cm->time.tv_sec = bm->ms / 1000;
	cm->time.tv_usec = (bm->ms % 1000) * 1000;
	snprintf(cm->msgid, sizeof cm->msgid, "%s", bm->fields[at]);
	if (strcmp(bm->fields[at + 2], "-") != 0)
		cm->ctags = bm->fields[at + 2];
	if (strcmp(m->cmd, "TAGMSG") == 0)
		cm->caps = CAP_MESSAGE_TAGS;
	return (0);
}

/* A room's message came back: deliver it to the members here. */
static void
cluster_message(const struct bus_msg *bm)
{
	struct chanmsg	 cm;
	struct msg	 m;
	struct channel	*ch;
	char		 copy[MSG_LINELEN + 1];

	if (bm->nfields != 4 || cluster_chanmsg(&cm, &m, copy, bm, 0) != 0)
		return;
	if ((ch = channel_find(m.params[0])) == NULL)
		return;
	if (strcmp(bm->origin, conf.node) == 0 && ch->inflight > 0)
		ch->inflight--;
	cm.channel = ch;
	cm.flags = CHANMSG_ECHO;
	if (strcmp(bm->fields[3], "o") == 0)
		cm.flags |= CHANMSG_OPS;
	channel_deliver(&cm);
}

/* A whisper for a user here; one for a user gone is bounced as 401. */
static void
cluster_whisper(const struct bus_msg *bm)
{
	struct chanmsg	 cm, bounce;
	struct msg	 m;
	struct client	*t, *from;
	struct out	 o;
	char		 copy[MSG_LINELEN + 1], line[MSG_LINELEN + 1];
	char		*chan;

	if (bm->nfields != 5 || cluster_chanmsg(&cm, &m, copy, bm, 1) != 0)
		return;
	if ((t = cluster_find(bm->fields[0])) != NULL &&
	    !(t->flags & CLIENT_REMOTE)) {
		if (channel_prepare(&cm, line, sizeof line, &o) != 0)
			return;
		if (cm.caps == 0 || (t->caps & cm.caps))
			out_send(t, &o);
		return;
	}
	/* Only a PRIVMSG is answered, as without a cluster. */
	from = cm.sender;
	if (strcmp(m.cmd, "PRIVMSG") != 0 || from == NULL ||
	    from->node == NULL || strcmp(m.params[0], "*") == 0)
		return;
	memset(&bounce, 0, sizeof bounce);
	bounce.prefix = conf.name;
	bounce.cmd = "401";
	bounce.nparams = 3;
	bounce.params[0] = from->nick;
	bounce.params[1] = m.params[0];
	bounce.params[2] = "No such nick/channel";
	xasprintf(&chan, "%s:n:%s", conf.cluster_prefix, from->node);
	cluster_publish(chan, &bounce, BUS_PRIVATE, from->uid);
	free(chan);
}

/* --- Operations that wait for Redis ------------------------------- */

/* c waits for n answers more: its input is held until they come. */
static void
cluster_wait(struct client *c, const char *cmd)
{
	if (c->cwait++ == 0) {
		c->cwait_cmd = cmd;
		label_defer(c, c->cwait_label, sizeof c->cwait_label);
		conn_hold(c);
	}
}

/* One answer c waited for came: the last lets it go on. */
static void
cluster_done(struct client *c)
{
	if (c->cwait == 0 || --c->cwait > 0)
		return;
	c->cwait_label[0] = '\0';
	if (!(c->flags & CLIENT_HELD))
		conn_resume(c);
}

/* Complete what c waited for: the event about it is being applied. */
void
cluster_applied(struct client *c)
{
	cluster_done(c);
}

/* Before the replies to what c waited for, put its label back. */
void
cluster_label(struct client *c)
{
	if (c->cwait == 1 && c->cwait_label[0] != '\0') {
		label_resume(c, c->cwait_label);
		c->cwait_label[0] = '\0';
	}
}

/* The link went before the answers came: the command failed. */
void
cluster_fail_waits(struct client *c)
{
	if (c->cwait == 0)
		return;
	if (c->flags & CLIENT_REGISTERED)
		reply_fail(c, c->cwait_cmd, "TEMPORARILY_UNAVAILABLE",
		    "The cluster is unavailable, try again");
	c->cwait = 1;
	cluster_done(c);
}

/* The uid tree holds c from its first claim on; c's connection went. */
void
cluster_forget(struct client *c)
{
	if (c->uid == NULL || (c->flags & CLIENT_REMOTE))
		return;
	RB_REMOVE(uids, &cluster_uids, c);
	free(c->uid);
	c->uid = NULL;
}

static void
cluster_reg_cb(struct redis *r, redisReply *rep, void *arg)
{
	struct client	*c;
	char		*uid = arg;

	(void)r;
	c = cluster_find(uid);
	free(uid);
	if (rep == NULL || c == NULL)
		return;
	switch (cluster_answer(rep, "reg")) {
	case 0:
		reply(c, ERR_NICKNAMEINUSE_MSG, c->nick);
		user_release(c);
		c->nick[0] = '\0';
		cluster_done(c);
		break;
	case 1:
		break;		/* the USER event completes it */
	}
}

/*
 * c has NICK and USER: claim its nick in Redis. The USER event that
 * comes back registers it, on every node; until then, and while out of
 * sync, its input is held.
 */
void
cluster_register(struct client *c)
{
	char	 fold[NAME_NICKMAX + 1], signon[24], umodes[8];

	if (c->uid == NULL) {
		xasprintf(&c->uid, "%s.%llu", cluster_inc,
		    (unsigned long long)c->id);
		RB_INSERT(uids, &cluster_uids, c);
	}
	if (cl.state != CL_SYNCED) {
		if (!(c->flags & CLIENT_HELD)) {
			c->flags |= CLIENT_HELD;
			conn_hold(c);
		}
		return;
	}
	cluster_wait(c, "NICK");
	name_fold(fold, c->nick, sizeof fold);
	snprintf(signon, sizeof signon, "%lld", (long long)c->signon);
	cluster_umodes(c, umodes, sizeof umodes);
	cluster_eval(cluster_reg_cb, xstrdup(c->uid), "reg", 8,
	    (const char *[]){ c->uid, fold, c->nick, c->user, c->host,
	    c->realname, signon, umodes });
}

static void
cluster_nick_cb(struct redis *r, redisReply *rep, void *arg)
{
	struct client	*c;
	char		*a = arg;

	(void)r;
	c = cluster_find(a);
	if (rep != NULL && c != NULL && cluster_answer(rep, "nick") == 0) {
		reply(c, ERR_NICKNAMEINUSE_MSG, a + strlen(a) + 1);
		cluster_done(c);
	}
	free(a);
}

/* A registered c takes nick: once Redis says it is free. */
void
cluster_nick(struct client *c, const char *nick)
{
	char	 fold[NAME_NICKMAX + 1], line[MSG_LINELEN + 1], *a;
	size_t	 len = strlen(c->uid);
	int	 n;

	n = msg_formatl(line, sizeof line, c->prefix, "NICK", nick,
	    (char *)NULL);
	if (n < 0)
		return;
	line[n - 2] = '\0';
	name_fold(fold, nick, sizeof fold);
	a = xmalloc(len + strlen(nick) + 2);
	memcpy(a, c->uid, len + 1);
	memcpy(a + len + 1, nick, strlen(nick) + 1);
	cluster_wait(c, "NICK");
	cluster_eval(cluster_nick_cb, a, "nick", 4,
	    (const char *[]){ c->uid, fold, line, nick });
}

static void
cluster_join_cb(struct redis *r, redisReply *rep, void *arg)
{
	struct client	*c;

	(void)r;
	c = cluster_find(arg);
	free(arg);
	if (rep != NULL && c != NULL && cluster_answer(rep, "join") == 0)
		cluster_done(c);
}

/* The JOIN script for uid, now that the room's channel is heard. */
static void
cluster_join_send(const char *uid, const char *fold, const char *name)
{
	struct client	*c;

	if ((c = cluster_find(uid)) == NULL)
		return;
	cluster_eval(cluster_join_cb, xstrdup(uid), "join", 4,
	    (const char *[]){ uid, fold, c->prefix, name });
}

/*
 * c joins name (checked against the replica): subscribe to the room's
 * channel first, so that nothing sent after the JOIN is missed here.
 */
void
cluster_join(struct client *c, const char *name)
{
	struct csub	*s;
	char		 fold[NAME_CHANLEN + 1], *w;
	size_t		 len = strlen(c->uid);

	name_fold(fold, name, sizeof fold);
	cluster_wait(c, "JOIN");
	if ((s = cluster_csub(fold)) == NULL)
		s = cluster_subscribe(fold);
	if (s->ready) {
		cluster_join_send(c->uid, fold, name);
		return;
	}
	w = xmalloc(len + strlen(name) + 2);
	memcpy(w, c->uid, len + 1);
	memcpy(w + len + 1, name, strlen(name) + 1);
	s->wait = xreallocarray(s->wait, s->nwait + 1, sizeof *s->wait);
	s->wait[s->nwait++] = w;
}

/* --- Operations done here, then published ------------------------- */

/* c's user modes changed (change, as "+i-w"): the replicas follow. */
void
cluster_umode(struct client *c, const char *change)
{
	char	 modes[8];

	cluster_umodes(c, modes, sizeof modes);
	cluster_state("umode", c, NULL, "MODE", 2, (const char *[]){ c->nick,
	    change }, 1, (const char *[]){ modes });
}

static void
cluster_state_cb(struct redis *r, redisReply *rep, void *arg)
{
	(void)r;
	if (rep != NULL)
		cluster_answer(rep, arg);
}

/*
 * Publish a change already made here: op for the script, c's uid, ch's
 * fold if any, the line "cmd params" from c, then the op's extra args.
 * Out of sync nothing goes: the burst tells Redis what became of ours.
 */
void
cluster_state(const char *op, struct client *c, struct channel *ch,
    const char *cmd, int nparams, const char *const *params, int nextra,
    const char *const *extra)
{
	const char	*argv[256];
	char		 line[MSG_LINELEN + 1];
	int		 n, argc = 0, i;

	if (!cluster_on || cl.state != CL_SYNCED || c->uid == NULL ||
	    (c->flags & CLIENT_REMOTE))
		return;
	if ((n = msg_format(line, sizeof line, c->prefix, cmd, nparams,
	    params)) < 0)
		return;
	line[n - 2] = '\0';
	if (nextra > (int)(sizeof argv / sizeof *argv) - 3)
		fatalx("cluster_state: %d extra arguments", nextra);
	argv[argc++] = c->uid;
	if (ch != NULL)
		argv[argc++] = ch->fold;
	argv[argc++] = line;
	for (i = 0; i < nextra; i++)
		argv[argc++] = extra[i];
	cluster_eval(cluster_state_cb, (void *)op, op, argc, argv);
}
