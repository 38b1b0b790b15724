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
 * TLS for the server link: one OpenSSL client context, made at start-up,
 * and a libevent OpenSSL bufferevent per connection attempt, so net.c
 * reads and writes lines as it does in plain text. The certificate is
 * checked against the trusted CAs and against the host we were told to
 * connect to; only --tls-insecure-skip-verify turns that off.
 */

#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>

#include "natter.h"

static SSL_CTX	*tls_ctx;

static const char	*tls_reason(unsigned long);

/*
 * An OpenSSL error code as text. The thread's error queue is emptied as
 * well, so that what is left there does not show up in a later report.
 */
static const char *
tls_reason(unsigned long e)
{
	const char	*r;

	ERR_clear_error();
	/* fopen() and the like: the reason is an errno. */
	if (ERR_GET_LIB(e) == ERR_LIB_SYS && ERR_GET_REASON(e) != 0)
		return (strerror(ERR_GET_REASON(e)));
	if (e == 0 || (r = ERR_reason_error_string(e)) == NULL)
		return (_("unknown error"));
	return (r);
}

/*
 * Make the context: TLS 1.2 at least, and the peer verified against
 * --tls-ca alone if it is given, else the system's CA store. A private
 * CA replaces the system store rather than joining it: whoever names
 * the CA that signs the server gains nothing from trusting a hundred
 * public ones for the same name as well.
 */
int
tls_init(char **cause)
{
	if ((tls_ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		xasprintf(cause, "SSL_CTX_new: %s",
		    tls_reason(ERR_peek_last_error()));
		return (-1);
	}
	SSL_CTX_set_min_proto_version(tls_ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(tls_ctx, SSL_OP_NO_COMPRESSION |
	    SSL_OP_NO_RENEGOTIATION);
	/* Even skipping the check, the result is kept to warn with. */
	SSL_CTX_set_verify(tls_ctx, opt.tls_insecure ? SSL_VERIFY_NONE :
	    SSL_VERIFY_PEER, NULL);
	if (opt.tls_ca != NULL) {
		if (SSL_CTX_load_verify_locations(tls_ctx, opt.tls_ca,
		    NULL) != 1) {
			/* The first error is the cause, the rest wrap it. */
			xasprintf(cause, "--tls-ca %s: %s", opt.tls_ca,
			    tls_reason(ERR_peek_error()));
			tls_free();
			return (-1);
		}
	} else if (SSL_CTX_set_default_verify_paths(tls_ctx) != 1) {
		xasprintf(cause, _("cannot load the system's CA certificates: "
		    "%s"), tls_reason(ERR_peek_last_error()));
		tls_free();
		return (-1);
	}
	return (0);
}

void
tls_free(void)
{
	SSL_CTX_free(tls_ctx);
	tls_ctx = NULL;
}

/*
 * A bufferevent that will do the handshake once connected. The host is
 * an IP literal or a name: a literal is matched against the
 * certificate's IP addresses and sent without SNI (RFC 6066 allows only
 * names there), a name against its DNS names and sent as SNI.
 */
struct bufferevent *
tls_bufferevent(void)
{
	struct bufferevent	*b;
	SSL			*ssl;

	if ((ssl = SSL_new(tls_ctx)) == NULL)
		fatalx("SSL_new: %s", tls_reason(ERR_peek_last_error()));
	if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl),
	    opt.host) != 1) {
		ERR_clear_error();
		SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		if (SSL_set1_host(ssl, opt.host) != 1 ||
		    SSL_set_tlsext_host_name(ssl, opt.host) != 1)
			fatalx(_("%s: cannot check a certificate for this "
			    "host"),
			    opt.host);
	}
	b = bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	if (b == NULL)
		fatalx("bufferevent_openssl_socket_new failed");
	return (b);
}

/* Has the handshake begun, that is, is the TCP connection up? */
int
tls_started(struct bufferevent *b)
{
	SSL	*ssl;

	if ((ssl = bufferevent_openssl_get_ssl(b)) == NULL)
		return (1);
	return (!SSL_in_before(ssl));
}

/*
 * The handshake is done: say what was agreed, and with the insecure
 * flag, warn every time, saying what the check would have found.
 */
void
tls_connected(struct bufferevent *b)
{
	SSL	*ssl;
	long	 v;

	if ((ssl = bufferevent_openssl_get_ssl(b)) == NULL)
		return;
	/*
	 * A server that closes without close_notify has just gone; IRC
	 * lines carry their own ends, so a cut one is dropped anyway.
	 * OpenSSL 3 calls that an error of its own, which libevent 2.1
	 * does not take for a dirty shutdown unless told to ignore it.
	 */
	bufferevent_openssl_set_allow_dirty_shutdown(b, 1);
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
	SSL_set_options(ssl, SSL_OP_IGNORE_UNEXPECTED_EOF);
#endif
	v = SSL_get_verify_result(ssl);
	if (!opt.tls_insecure) {
		window_printf(window_server, 0, _("-!- TLS: %s, %s; "
		    "certificate verified for %s"), SSL_get_version(ssl),
		    SSL_get_cipher_name(ssl), opt.host);
		return;
	}
	window_printf(window_server, LINE_ERROR, _("-!- WARNING: "
	    "--tls-insecure-skip-verify: the server's certificate was NOT "
	    "checked; anyone on the path can read and change this "
	    "connection (%s%s)"), v == X509_V_OK ? _("the check would have "
	    "passed: drop the flag") : _("the check fails: "),
	    v == X509_V_OK ? "" : X509_verify_cert_error_string(v));
}

/*
 * Why b failed, if TLS has anything to say: NULL if not; handshake says
 * whether it failed before the connection was up. *fatal is set when
 * the certificate was refused, since trying again would only be refused
 * again (or, worse, teach the user to click through).
 */
const char *
tls_error(struct bufferevent *b, int handshake, char *buf, size_t size,
    int *fatal)
{
	SSL		*ssl;
	unsigned long	 e, first = 0;
	long		 v;

	*fatal = 0;
	if ((ssl = bufferevent_openssl_get_ssl(b)) == NULL)
		return (NULL);
	/*
	 * libevent hands the queue back newest first; the oldest says
	 * most. It also queues the bare SSL_get_error() code (no library,
	 * no text): the reason for those is in errno, for net.c to tell.
	 */
	while ((e = bufferevent_get_openssl_error(b)) != 0) {
		if (ERR_GET_LIB(e) != 0)
			first = e;
	}
	v = SSL_get_verify_result(ssl);
	if (!opt.tls_insecure && v != X509_V_OK) {
		*fatal = 1;
		snprintf(buf, size, _("certificate verify failed: %s"),
		    X509_verify_cert_error_string(v));
		return (buf);
	}
	if (first == 0)
		return (NULL);
	snprintf(buf, size, handshake ? _("TLS handshake failed: %s") :
	    _("TLS error: %s"), tls_reason(first));
	return (buf);
}
