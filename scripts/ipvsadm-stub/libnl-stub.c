/*
 * libnl-stub.c: a stand-in for libnl-3 / libnl-genl-3 under which Debian's
 * real /sbin/ipvsadm (1:1.31-1+b1) runs on a machine without the ip_vs
 * module. See README.md beside this file.
 *
 * It provides exactly the libnl symbols that binary imports
 * (`nm -D --undefined-only ipvsadm`), keeps messages in the real netlink
 * wire format (nlmsghdr, genlmsghdr, 4-byte-aligned attributes), LOGS every
 * request ipvsadm sends with each attribute's value, and answers as a
 * minimal IPVS generic-netlink family would: GET_INFO says version 1.2.1
 * (0x010201) and size 4096; services, destinations, timeouts and the sync
 * daemons are kept in a state file so that a later `ipvsadm -Ln` lists what
 * an earlier `-A`/`-a` sent, byte for byte as sent.
 *
 * It is NOT a kernel: it applies none of ip_vs_ctl.c's range checks (weight
 * < 0, l_threshold > u_threshold, ...). Only "already exists" / "no such"
 * bookkeeping is done, so that the listing commands work. What the kernel
 * refuses is read from the 6.1.192 source, not from this stub.
 *
 * Environment:
 *   IPVSSTUB_LOG    file the requests are appended to (default: stderr)
 *   IPVSSTUB_STATE  state file (default: /tmp/ipvsadm-stub.state)
 *   IPVSSTUB_ACTIVE, IPVSSTUB_INACT, IPVSSTUB_PERSIST  the u32 connection
 *                   counters every destination reports (default 0)
 *   IPVSSTUB_STATS  if set, every service and destination reports
 *                   STATS64 with all ten counters equal to this u64
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the netlink wire format ------------------------------------------ */

struct nlmsghdr {
	uint32_t nlmsg_len;
	uint16_t nlmsg_type;
	uint16_t nlmsg_flags;
	uint32_t nlmsg_seq;
	uint32_t nlmsg_pid;
};
struct genlmsghdr {
	uint8_t cmd;
	uint8_t version;
	uint16_t reserved;
};
struct nlattr {
	uint16_t nla_len;
	uint16_t nla_type;
};
struct sockaddr_nl;
struct nlmsgerr {
	int error;
	struct nlmsghdr msg;
};

#define ALIGN4(x) (((x) + 3u) & ~3u)
#define NLA_HDRLEN 4
#define GENL_HDRLEN 4
#define NLMSG_HDRLEN 16
#define NLM_F_DUMP 0x300
#define IPVS_FAMILY 0x1d /* any id will do: ipvsadm only echoes it */
#define MSG_CAP 65536

struct nl_msg {
	size_t cap;
	unsigned char *buf; /* starts with struct nlmsghdr */
};

typedef int (*nl_recvmsg_msg_cb_t)(struct nl_msg *, void *);
typedef int (*nl_recvmsg_err_cb_t)(struct sockaddr_nl *, struct nlmsgerr *, void *);

#define MAX_REPLIES 512
struct nl_sock {
	nl_recvmsg_msg_cb_t valid_cb;
	void *valid_arg;
	nl_recvmsg_err_cb_t err_cb;
	void *err_arg;
	struct nl_msg *replies[MAX_REPLIES];
	int nreplies;
	int error; /* negative errno to answer after the replies, 0 = ack */
};

/* ---- IPVS generic netlink numbers (libipvs/ip_vs.h) ------------------- */

enum { C_UNSPEC, C_NEW_SERVICE, C_SET_SERVICE, C_DEL_SERVICE, C_GET_SERVICE,
       C_NEW_DEST, C_SET_DEST, C_DEL_DEST, C_GET_DEST, C_NEW_DAEMON,
       C_DEL_DAEMON, C_GET_DAEMON, C_SET_TIMEOUT, C_GET_TIMEOUT, C_SET_INFO,
       C_GET_INFO, C_ZERO, C_FLUSH };
static const char *cmd_names[] = { "UNSPEC", "NEW_SERVICE", "SET_SERVICE",
	"DEL_SERVICE", "GET_SERVICE", "NEW_DEST", "SET_DEST", "DEL_DEST",
	"GET_DEST", "NEW_DAEMON", "DEL_DAEMON", "GET_DAEMON", "SET_TIMEOUT",
	"GET_TIMEOUT", "SET_INFO", "GET_INFO", "ZERO", "FLUSH" };
enum { CA_SERVICE = 1, CA_DEST, CA_DAEMON, CA_TIMEOUT_TCP, CA_TIMEOUT_TCP_FIN,
       CA_TIMEOUT_UDP };
static const char *cmd_attr_names[] = { "?", "SERVICE", "DEST", "DAEMON",
	"TIMEOUT_TCP", "TIMEOUT_TCP_FIN", "TIMEOUT_UDP" };
enum { SA_AF = 1, SA_PROTOCOL, SA_ADDR, SA_PORT, SA_FWMARK, SA_SCHED_NAME,
       SA_FLAGS, SA_TIMEOUT, SA_NETMASK, SA_STATS, SA_PE_NAME, SA_STATS64 };
static const char *svc_attr_names[] = { "?", "AF", "PROTOCOL", "ADDR", "PORT",
	"FWMARK", "SCHED_NAME", "FLAGS", "TIMEOUT", "NETMASK", "STATS",
	"PE_NAME", "STATS64" };
enum { DA_ADDR = 1, DA_PORT, DA_FWD_METHOD, DA_WEIGHT, DA_U_THRESH,
       DA_L_THRESH, DA_ACTIVE_CONNS, DA_INACT_CONNS, DA_PERSIST_CONNS,
       DA_STATS, DA_ADDR_FAMILY, DA_STATS64, DA_TUN_TYPE, DA_TUN_PORT,
       DA_TUN_FLAGS };
static const char *dest_attr_names[] = { "?", "ADDR", "PORT", "FWD_METHOD",
	"WEIGHT", "U_THRESH", "L_THRESH", "ACTIVE_CONNS", "INACT_CONNS",
	"PERSIST_CONNS", "STATS", "ADDR_FAMILY", "STATS64", "TUN_TYPE",
	"TUN_PORT", "TUN_FLAGS" };
enum { DMA_STATE = 1, DMA_MCAST_IFN, DMA_SYNC_ID, DMA_SYNC_MAXLEN,
       DMA_MCAST_GROUP, DMA_MCAST_GROUP6, DMA_MCAST_PORT, DMA_MCAST_TTL };
static const char *daemon_attr_names[] = { "?", "STATE", "MCAST_IFN",
	"SYNC_ID", "SYNC_MAXLEN", "MCAST_GROUP", "MCAST_GROUP6", "MCAST_PORT",
	"MCAST_TTL" };
enum { IA_VERSION = 1, IA_CONN_TAB_SIZE };

/* ---- messages ---------------------------------------------------------- */

struct nl_msg *nlmsg_alloc(void)
{
	struct nl_msg *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->cap = MSG_CAP;
	m->buf = calloc(1, m->cap);
	if (!m->buf) {
		free(m);
		return NULL;
	}
	((struct nlmsghdr *)m->buf)->nlmsg_len = NLMSG_HDRLEN;
	return m;
}

void nlmsg_free(struct nl_msg *m)
{
	if (m) {
		free(m->buf);
		free(m);
	}
}

struct nlmsghdr *nlmsg_hdr(struct nl_msg *m)
{
	return (struct nlmsghdr *)m->buf;
}

static unsigned char *msg_tail(struct nl_msg *m)
{
	return m->buf + ((struct nlmsghdr *)m->buf)->nlmsg_len;
}

void *genlmsg_put(struct nl_msg *m, uint32_t port, uint32_t seq, int family,
		  int hdrlen, int flags, uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *h = nlmsg_hdr(m);
	struct genlmsghdr *g = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
	h->nlmsg_type = (uint16_t)family;
	h->nlmsg_flags = (uint16_t)flags;
	h->nlmsg_seq = seq;
	h->nlmsg_pid = port;
	g->cmd = cmd;
	g->version = version;
	h->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + ALIGN4((unsigned)hdrlen);
	return m->buf + NLMSG_HDRLEN + GENL_HDRLEN;
}

int nla_put(struct nl_msg *m, int type, int len, const void *data)
{
	struct nlmsghdr *h = nlmsg_hdr(m);
	unsigned need = ALIGN4(NLA_HDRLEN + (unsigned)len);
	struct nlattr *a;
	if (h->nlmsg_len + need > m->cap)
		return -1;
	a = (struct nlattr *)msg_tail(m);
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	a->nla_type = (uint16_t)type;
	memset((unsigned char *)a + NLA_HDRLEN, 0, need - NLA_HDRLEN);
	if (len > 0)
		memcpy((unsigned char *)a + NLA_HDRLEN, data, (size_t)len);
	h->nlmsg_len += need;
	return 0;
}

struct nlattr *nla_nest_start(struct nl_msg *m, int type)
{
	struct nlattr *start = (struct nlattr *)msg_tail(m);
	if (nla_put(m, type, 0, NULL) < 0)
		return NULL;
	return start;
}

int nla_nest_end(struct nl_msg *m, struct nlattr *start)
{
	start->nla_len = (uint16_t)(msg_tail(m) - (unsigned char *)start);
	return 0;
}

void *nla_data(const struct nlattr *a)
{
	return (unsigned char *)a + NLA_HDRLEN;
}

static int nla_len_of(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

uint8_t nla_get_u8(const struct nlattr *a) { return *(uint8_t *)nla_data(a); }
uint16_t nla_get_u16(const struct nlattr *a)
{
	uint16_t v;
	memcpy(&v, nla_data(a), 2);
	return v;
}
uint32_t nla_get_u32(const struct nlattr *a)
{
	uint32_t v;
	memcpy(&v, nla_data(a), 4);
	return v;
}
uint64_t nla_get_u64(const struct nlattr *a)
{
	uint64_t v = 0;
	memcpy(&v, nla_data(a), nla_len_of(a) < 8 ? (size_t)nla_len_of(a) : 8);
	return v;
}
char *nla_get_string(const struct nlattr *a) { return nla_data(a); }

int nla_memcpy(void *dest, const struct nlattr *src, int count)
{
	int n;
	if (!src)
		return 0;
	n = nla_len_of(src) < count ? nla_len_of(src) : count;
	memcpy(dest, nla_data(src), (size_t)n);
	return n;
}

/* Fills tb[0..maxtype] from the attribute stream [head, head+len). */
static int parse_stream(struct nlattr **tb, int maxtype, unsigned char *head, int len)
{
	memset(tb, 0, sizeof(*tb) * (size_t)(maxtype + 1));
	while (len >= NLA_HDRLEN) {
		struct nlattr *a = (struct nlattr *)head;
		int type = a->nla_type & 0x3fff;
		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return -1;
		if (type <= maxtype)
			tb[type] = a;
		len -= (int)ALIGN4(a->nla_len);
		head += ALIGN4(a->nla_len);
	}
	return 0;
}

int genlmsg_parse(struct nlmsghdr *h, int hdrlen, struct nlattr **tb,
		  int maxtype, const void *policy)
{
	(void)policy;
	unsigned off = NLMSG_HDRLEN + GENL_HDRLEN + ALIGN4((unsigned)hdrlen);
	return parse_stream(tb, maxtype, (unsigned char *)h + off,
			    (int)h->nlmsg_len - (int)off);
}

int nla_parse_nested(struct nlattr **tb, int maxtype, struct nlattr *nla,
		     const void *policy)
{
	(void)policy;
	if (!nla)
		return -1;
	return parse_stream(tb, maxtype, nla_data(nla), nla_len_of(nla));
}

/* ---- sockets ------------------------------------------------------------ */

struct nl_sock *nl_socket_alloc(void) { return calloc(1, sizeof(struct nl_sock)); }

void nl_socket_free(struct nl_sock *s)
{
	int i;
	if (!s)
		return;
	for (i = 0; i < s->nreplies; i++)
		nlmsg_free(s->replies[i]);
	free(s);
}

int genl_connect(struct nl_sock *s) { (void)s; return 0; }

int genl_ctrl_resolve(struct nl_sock *s, const char *name)
{
	(void)s;
	return strcmp(name, "IPVS") == 0 ? IPVS_FAMILY : -1;
}

int nl_socket_modify_cb(struct nl_sock *s, int type, int kind,
			nl_recvmsg_msg_cb_t func, void *arg)
{
	(void)type;
	(void)kind;
	s->valid_cb = func;
	s->valid_arg = arg;
	return 0;
}

int nl_socket_modify_err_cb(struct nl_sock *s, int kind,
			    nl_recvmsg_err_cb_t func, void *arg)
{
	(void)kind;
	s->err_cb = func;
	s->err_arg = arg;
	return 0;
}

/* libnl maps errno to its own codes; ipvsadm only negates and checks < 0. */
int nl_syserr2nlerr(int error) { (void)error; return 1; }

/* ---- the log -------------------------------------------------------------- */

static FILE *logf_;
static FILE *logfile(void)
{
	const char *p;
	if (logf_)
		return logf_;
	p = getenv("IPVSSTUB_LOG");
	logf_ = p ? fopen(p, "a") : NULL;
	if (!logf_)
		logf_ = stderr;
	return logf_;
}

static void logp(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(logfile(), fmt, ap);
	va_end(ap);
}

static void log_attr_value(const char *name, struct nlattr *a)
{
	int len = nla_len_of(a);
	unsigned char *d = nla_data(a);
	int i;
	logp(" %s=", name);
	if (!strcmp(name, "SCHED_NAME") || !strcmp(name, "PE_NAME") ||
	    !strcmp(name, "MCAST_IFN")) {
		logp("\"%.*s\"", len, (char *)d);
		return;
	}
	if (!strcmp(name, "PORT") || !strcmp(name, "TUN_PORT")) {
		uint16_t v = nla_get_u16(a);
		/* ports travel in network order (ipvsadm stores htons()) */
		logp("%u", (unsigned)(uint16_t)((v >> 8) | (v << 8)));
		return;
	}
	if (!strcmp(name, "FLAGS") && len == 8) {
		uint32_t f[2];
		memcpy(f, d, 8);
		logp("{flags=0x%x,mask=0x%x}", f[0], f[1]);
		return;
	}
	switch (len) {
	case 1: logp("%u", d[0]); return;
	case 2: logp("%u", (unsigned)nla_get_u16(a)); return;
	case 4: {
		uint32_t v = nla_get_u32(a);
		logp("%u(s32 %d,0x%08x)", v, (int32_t)v, v);
		return;
	}
	case 8: logp("%llu", (unsigned long long)nla_get_u64(a)); return;
	default:
		logp("0x");
		for (i = 0; i < len; i++)
			logp("%02x", d[i]);
	}
}

static void log_nest(const char *what, struct nlattr *nest, const char **names, int max)
{
	struct nlattr *tb[32];
	int i;
	logp(" %s{", what);
	parse_stream(tb, max, nla_data(nest), nla_len_of(nest));
	for (i = 1; i <= max; i++)
		if (tb[i])
			log_attr_value(names[i], tb[i]);
	logp(" }");
}

static void log_request(struct nl_msg *m)
{
	struct nlmsghdr *h = nlmsg_hdr(m);
	struct genlmsghdr *g = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
	struct nlattr *tb[CA_TIMEOUT_UDP + 1];
	int i;
	genlmsg_parse(h, 0, tb, CA_TIMEOUT_UDP, NULL);
	logp("ipvsadm->kernel %s%s", g->cmd <= C_FLUSH ? cmd_names[g->cmd] : "?",
	     (h->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP ? "(dump)" : "");
	if (tb[CA_SERVICE])
		log_nest("SERVICE", tb[CA_SERVICE], svc_attr_names, SA_STATS64);
	if (tb[CA_DEST])
		log_nest("DEST", tb[CA_DEST], dest_attr_names, DA_TUN_FLAGS);
	if (tb[CA_DAEMON])
		log_nest("DAEMON", tb[CA_DAEMON], daemon_attr_names, DMA_MCAST_TTL);
	for (i = CA_TIMEOUT_TCP; i <= CA_TIMEOUT_UDP; i++)
		if (tb[i])
			log_attr_value(cmd_attr_names[i], tb[i]);
	logp("\n");
	fflush(logfile());
}

/* ---- the state: records of (kind, key, attribute nest) --------------------- */

#define MAX_RECORDS 256
struct record {
	char kind;	/* 'S' service, 'D' destination, 'M' daemon, 'T' timeouts */
	int keylen;	/* the service key (svc nest's AF/FWMARK/PROTOCOL/ADDR/PORT) */
	unsigned char key[64];
	int len;	/* the nest as ipvsadm sent it */
	unsigned char data[1024];
};
static struct record recs[MAX_RECORDS];
static int nrecs;

static const char *state_path(void)
{
	const char *p = getenv("IPVSSTUB_STATE");
	return p ? p : "/tmp/ipvsadm-stub.state";
}

static void state_load(void)
{
	FILE *f = fopen(state_path(), "rb");
	nrecs = 0;
	if (!f)
		return;
	while (nrecs < MAX_RECORDS && fread(&recs[nrecs], sizeof(recs[0]), 1, f) == 1)
		nrecs++;
	fclose(f);
}

static void state_save(void)
{
	FILE *f = fopen(state_path(), "wb");
	if (!f)
		return;
	fwrite(recs, sizeof(recs[0]), (size_t)nrecs, f);
	fclose(f);
}

/* The service key: AF + FWMARK, or AF + PROTOCOL + ADDR + PORT (type byte, value). */
static int svc_key(struct nlattr *svc, unsigned char *out)
{
	struct nlattr *tb[SA_STATS64 + 1];
	int fw[] = { SA_AF, SA_FWMARK }, vs[] = { SA_AF, SA_PROTOCOL, SA_ADDR, SA_PORT };
	int *ids, nids, i, n = 0;
	if (!svc)
		return 0;
	parse_stream(tb, SA_STATS64, nla_data(svc), nla_len_of(svc));
	ids = tb[SA_FWMARK] ? fw : vs;
	nids = tb[SA_FWMARK] ? 2 : 4;
	for (i = 0; i < nids; i++) {
		if (!tb[ids[i]])
			continue;
		out[n++] = (unsigned char)ids[i];
		memcpy(out + n, nla_data(tb[ids[i]]), (size_t)nla_len_of(tb[ids[i]]));
		n += nla_len_of(tb[ids[i]]);
	}
	return n;
}

/* A destination is named by its service and its ADDR + PORT. */
static int dest_key(struct nlattr *svc, struct nlattr *dest, unsigned char *out)
{
	struct nlattr *tb[DA_TUN_FLAGS + 1];
	int n = svc_key(svc, out);
	parse_stream(tb, DA_TUN_FLAGS, nla_data(dest), nla_len_of(dest));
	if (tb[DA_ADDR]) {
		memcpy(out + n, nla_data(tb[DA_ADDR]), 16);
		n += 16;
	}
	if (tb[DA_PORT]) {
		memcpy(out + n, nla_data(tb[DA_PORT]), 2);
		n += 2;
	}
	return n;
}

static int find(char kind, const unsigned char *key, int keylen)
{
	int i;
	for (i = 0; i < nrecs; i++)
		if (recs[i].kind == kind && recs[i].keylen == keylen &&
		    !memcmp(recs[i].key, key, (size_t)keylen))
			return i;
	return -1;
}

static void put_rec(int at, char kind, const unsigned char *key, int keylen,
		    struct nlattr *nest)
{
	if (at < 0) {
		if (nrecs >= MAX_RECORDS)
			return;
		at = nrecs++;
	}
	recs[at].kind = kind;
	recs[at].keylen = keylen;
	memcpy(recs[at].key, key, (size_t)keylen);
	recs[at].len = nla_len_of(nest);
	memcpy(recs[at].data, nla_data(nest), (size_t)recs[at].len);
}

static void del_rec(int at)
{
	memmove(&recs[at], &recs[at + 1], sizeof(recs[0]) * (size_t)(nrecs - at - 1));
	nrecs--;
}

/* ---- replies ---------------------------------------------------------------- */

static struct nl_msg *reply(struct nl_sock *s, uint8_t cmd)
{
	struct nl_msg *m = nlmsg_alloc();
	genlmsg_put(m, 0, 0, IPVS_FAMILY, 0, 0, cmd, 1);
	if (s->nreplies < MAX_REPLIES)
		s->replies[s->nreplies++] = m;
	return m;
}

static void put_u32(struct nl_msg *m, int type, uint32_t v) { nla_put(m, type, 4, &v); }
static void put_u64(struct nl_msg *m, int type, uint64_t v) { nla_put(m, type, 8, &v); }

static uint32_t env_u32(const char *name)
{
	const char *p = getenv(name);
	return p ? (uint32_t)strtoull(p, NULL, 0) : 0;
}

static void put_stats64(struct nl_msg *m, int type)
{
	const char *p = getenv("IPVSSTUB_STATS");
	struct nlattr *st;
	uint64_t v;
	int i;
	if (!p)
		return;
	v = strtoull(p, NULL, 0);
	st = nla_nest_start(m, type);
	for (i = 1; i <= 10; i++)
		put_u64(m, i, v);
	nla_nest_end(m, st);
}

/* The stored nest, re-emitted under `type`, plus what the kernel adds. */
static void reply_record(struct nl_sock *s, uint8_t cmd, int type, int at)
{
	struct nl_msg *m = reply(s, cmd);
	struct nlattr *nest = nla_nest_start(m, type);
	unsigned char *tail = msg_tail(m);
	memcpy(tail, recs[at].data, (size_t)recs[at].len);
	nlmsg_hdr(m)->nlmsg_len += ALIGN4((unsigned)recs[at].len);
	if (recs[at].kind == 'S') {
		put_stats64(m, SA_STATS64);
	} else if (recs[at].kind == 'D') {
		put_u32(m, DA_ACTIVE_CONNS, env_u32("IPVSSTUB_ACTIVE"));
		put_u32(m, DA_INACT_CONNS, env_u32("IPVSSTUB_INACT"));
		put_u32(m, DA_PERSIST_CONNS, env_u32("IPVSSTUB_PERSIST"));
		put_stats64(m, DA_STATS64);
	}
	nla_nest_end(m, nest);
}

static void answer(struct nl_sock *s, struct nl_msg *req)
{
	struct nlmsghdr *h = nlmsg_hdr(req);
	struct genlmsghdr *g = (struct genlmsghdr *)(req->buf + NLMSG_HDRLEN);
	struct nlattr *tb[CA_TIMEOUT_UDP + 1];
	unsigned char key[64];
	int keylen, at, i;

	genlmsg_parse(h, 0, tb, CA_TIMEOUT_UDP, NULL);
	state_load();
	switch (g->cmd) {
	case C_GET_INFO: {
		struct nl_msg *m = reply(s, C_SET_INFO);
		put_u32(m, IA_VERSION, 0x010201);
		put_u32(m, IA_CONN_TAB_SIZE, 4096);
		break;
	}
	case C_NEW_SERVICE:
		keylen = svc_key(tb[CA_SERVICE], key);
		if (find('S', key, keylen) >= 0)
			s->error = -17; /* EEXIST */
		else
			put_rec(-1, 'S', key, keylen, tb[CA_SERVICE]);
		break;
	case C_SET_SERVICE:
		keylen = svc_key(tb[CA_SERVICE], key);
		at = find('S', key, keylen);
		if (at < 0)
			s->error = -3; /* ESRCH */
		else
			put_rec(at, 'S', key, keylen, tb[CA_SERVICE]);
		break;
	case C_DEL_SERVICE:
		keylen = svc_key(tb[CA_SERVICE], key);
		at = find('S', key, keylen);
		if (at < 0) {
			s->error = -3;
			break;
		}
		del_rec(at);
		for (i = nrecs - 1; i >= 0; i--)
			if (recs[i].kind == 'D' && recs[i].keylen == keylen + 18 &&
			    !memcmp(recs[i].key, key, (size_t)keylen))
				del_rec(i);
		break;
	case C_GET_SERVICE:
		if ((h->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP) {
			for (i = 0; i < nrecs; i++)
				if (recs[i].kind == 'S')
					reply_record(s, C_NEW_SERVICE, CA_SERVICE, i);
		} else {
			keylen = svc_key(tb[CA_SERVICE], key);
			at = find('S', key, keylen);
			if (at < 0)
				s->error = -3;
			else
				reply_record(s, C_NEW_SERVICE, CA_SERVICE, at);
		}
		break;
	case C_NEW_DEST:
	case C_SET_DEST:
	case C_DEL_DEST:
		keylen = svc_key(tb[CA_SERVICE], key);
		if (find('S', key, keylen) < 0) {
			s->error = -3; /* ESRCH: "Service not defined" */
			break;
		}
		keylen = dest_key(tb[CA_SERVICE], tb[CA_DEST], key);
		at = find('D', key, keylen);
		if (g->cmd == C_NEW_DEST && at >= 0)
			s->error = -17; /* EEXIST */
		else if (g->cmd != C_NEW_DEST && at < 0)
			s->error = -2; /* ENOENT: "No such destination" */
		else if (g->cmd == C_DEL_DEST)
			del_rec(at);
		else
			put_rec(at, 'D', key, keylen, tb[CA_DEST]);
		break;
	case C_GET_DEST:
		keylen = svc_key(tb[CA_SERVICE], key);
		if (find('S', key, keylen) < 0) {
			s->error = -3;
			break;
		}
		for (i = 0; i < nrecs; i++)
			if (recs[i].kind == 'D' && recs[i].keylen == keylen + 18 &&
			    !memcmp(recs[i].key, key, (size_t)keylen))
				reply_record(s, C_NEW_DEST, CA_DEST, i);
		break;
	case C_SET_TIMEOUT: {
		/* stored as a fake nest of the three u32 attributes */
		struct nl_msg *tmp = nlmsg_alloc();
		struct nlattr *n = nla_nest_start(tmp, 0);
		for (i = CA_TIMEOUT_TCP; i <= CA_TIMEOUT_UDP; i++)
			if (tb[i])
				nla_put(tmp, i, 4, nla_data(tb[i]));
		nla_nest_end(tmp, n);
		put_rec(find('T', key, 0), 'T', key, 0, n);
		nlmsg_free(tmp);
		break;
	}
	case C_GET_TIMEOUT: {
		struct nl_msg *m = reply(s, C_SET_TIMEOUT);
		at = find('T', key, 0);
		if (at < 0) {
			put_u32(m, CA_TIMEOUT_TCP, 900);
			put_u32(m, CA_TIMEOUT_TCP_FIN, 120);
			put_u32(m, CA_TIMEOUT_UDP, 300);
		} else {
			memcpy(msg_tail(m), recs[at].data, (size_t)recs[at].len);
			nlmsg_hdr(m)->nlmsg_len += ALIGN4((unsigned)recs[at].len);
		}
		break;
	}
	case C_NEW_DAEMON:
	case C_DEL_DAEMON: {
		struct nlattr *dt[DMA_MCAST_TTL + 1];
		if (!tb[CA_DAEMON])
			break;
		parse_stream(dt, DMA_MCAST_TTL, nla_data(tb[CA_DAEMON]),
			     nla_len_of(tb[CA_DAEMON]));
		key[0] = dt[DMA_STATE] ? (unsigned char)nla_get_u32(dt[DMA_STATE]) : 0;
		at = find('M', key, 1);
		if (g->cmd == C_NEW_DAEMON && at >= 0)
			s->error = -17;
		else if (g->cmd == C_DEL_DAEMON && at < 0)
			s->error = -3;
		else if (g->cmd == C_DEL_DAEMON)
			del_rec(at);
		else
			put_rec(-1, 'M', key, 1, tb[CA_DAEMON]);
		break;
	}
	case C_GET_DAEMON:
		for (i = 0; i < nrecs; i++)
			if (recs[i].kind == 'M')
				reply_record(s, C_NEW_DAEMON, CA_DAEMON, i);
		break;
	case C_ZERO:
		break;
	case C_FLUSH:
		for (i = nrecs - 1; i >= 0; i--)
			if (recs[i].kind == 'S' || recs[i].kind == 'D')
				del_rec(i);
		break;
	default:
		s->error = -22; /* EINVAL */
	}
	state_save();
}

int nl_send_auto_complete(struct nl_sock *s, struct nl_msg *m)
{
	log_request(m);
	answer(s, m);
	return (int)nlmsg_hdr(m)->nlmsg_len;
}

int nl_recvmsgs_default(struct nl_sock *s)
{
	int i, ret;
	for (i = 0; i < s->nreplies; i++) {
		if (s->valid_cb) {
			ret = s->valid_cb(s->replies[i], s->valid_arg);
			if (ret < 0)
				return ret;
		}
	}
	if (s->error) {
		struct nlmsgerr e;
		memset(&e, 0, sizeof(e));
		e.error = s->error;
		logp("kernel->ipvsadm error %d\n", s->error);
		fflush(logfile());
		if (s->err_cb) {
			ret = s->err_cb(NULL, &e, s->err_arg);
			if (ret < 0)
				return ret;
		}
		return -1;
	}
	return 0;
}
