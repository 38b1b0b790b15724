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
	int64_t			 heard_ms;	/* sent time of the last push */
	int64_t			 split_ms;	/* split since; 0: not split */
	int64_t			 fine_ms;	/* Redis's time at the last beat */
	int64_t			 grace_ms;	/* no reaping before */
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
static void	cluster_synced_now(void);
static void	cluster_hello(void);
static void	cluster_join_send(const char *, const char *, const char *);

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

/* Forget the rooms' subscriptions and the pushes kept for a sync. */
static void
cluster_drop_pending(void)
{
	struct csub	*s;
	struct cqueued	*q;

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
}

void
cluster_exit(void)
{
	if (!cluster_on)
		return;
	cl.state = CL_DOWN;
	redis_free(cl.cmd);
	redis_free(cl.sub);
	cl.cmd = cl.sub = NULL;
	cluster_drop_pending();
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
	enum cluster_state was = cl.state;
	int64_t		 heard;

	if (was == CL_DOWN)
		return;
	cl.state = CL_DOWN;
	if (was == CL_SYNCED || was == CL_SYNCING)
		log_info("cluster: split: %s", why);
	else
		log_debug("cluster: cannot connect: %s", why);
	/*
	 * Since the last sign that all was well: everything published
	 * before the last push or PING answer read on sub reached us, and
	 * what we sent before the last beat reached Redis.
	 */
	if (cl.split_ms == 0 && was == CL_SYNCED) {
		heard = redis_fine_ms(cl.sub);
		if (cl.heard_ms > heard)
			heard = cl.heard_ms;
		if (heard == 0 || (cl.fine_ms != 0 && cl.fine_ms < heard))
			heard = cl.fine_ms;
		cl.split_ms = heard != 0 ? heard : cluster_now_ms();
	}
	redis_close(cl.cmd, NULL);
	redis_close(cl.sub, NULL);
	cluster_drop_pending();
	cstate_split();
	evtimer_del(cl.beat);
	evtimer_del(cl.reap);
	cluster_retry();
}


/* EVALSHA the script's op with args, after prefix, node and incarnation. */
void
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
int
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

struct client *
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
void
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
	int		 i;

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
		for (i = 0; i < s->nwait; i++) {
			w = s->wait[i];
			cluster_join_send(w, s->fold, w + strlen(w) + 1);
			free(w);
		}
		free(s->wait);
		s->wait = NULL;
		s->nwait = 0;
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
	free(s->wait);
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
	/*
	 * Redis's clock when it took the beat: all was well then, and a
	 * split starts no earlier. Not our clock now: after a pause the
	 * answer is read long after it was sent.
	 */
	if (cluster_answer(rep, "beat") == 1 && rep->elements == 2 &&
	    rep->element[1]->type == REDIS_REPLY_INTEGER)
		cl.fine_ms = rep->element[1]->integer;
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
	} else if (cluster_now_ms() >= cl.grace_ms) {
		/*
		 * Not just after a split: Redis may have been away, every
		 * lease may have run out meanwhile, and the other nodes need
		 * the time to come back (their retries wait up to 5 s).
		 */
		cluster_eval(cluster_reap_cb, NULL, "reap", 0, NULL);
	}
}

/* Tell each room here that messages may be missing, through the bus. */
static void
cluster_loss_notice(int64_t from, int64_t to)
{
	struct channel	*ch;
	struct chanmsg	 cm;
	char		 text[256], t1[16], t2[16];
	time_t		 a = from / 1000, b = (to + 999) / 1000;
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
	if (cl.split_ms != 0)
		cl.grace_ms = now + (conf.cluster_lease + 5) * 1000;
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

/* Is this node subscribed to the room fold's channel? */
int
cluster_hears(const char *fold)
{
	return (cluster_csub(fold) != NULL);
}

/* PUBLISH payload to channel on the cmd link; no answer awaited. */
void
cluster_publish_raw(const char *channel, const char *payload, size_t len)
{
	redis_command(cl.cmd, NULL, NULL, 3,
	    (const char *[]){ "PUBLISH", channel, payload },
	    (const size_t []){ 7, strlen(channel), len });
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
	/* When it was sent: what came after it may be lost in a split. */
	cl.heard_ms = bm.ms;
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
		cbus_message(&bm);
		break;
	case BUS_PRIVATE:
		cbus_whisper(&bm);
		break;
	}
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

