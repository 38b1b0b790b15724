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
 * TLS for natterd: one OpenSSL context for every TLS listener, loaded at
 * start-up and again on SIGHUP, and connections wrapped in libevent's
 * OpenSSL bufferevents so the rest of the server sees plain lines.
 */

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <event2/bufferevent_ssl.h>

#include "natterd.h"

static SSL_CTX	*tls_ctx;

/* Build a context from conf's certificate and key; NULL and why on error. */
static SSL_CTX *
tls_load(char *why, size_t size)
{
	SSL_CTX		*ctx;
	unsigned long	 e;

	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL)
		goto fail;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION |
	    SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
	/*
	 * OpenSSL 3 reports a peer that closes without close_notify as an
	 * error unless told otherwise, and then libevent's "dirty shutdown
	 * allowed" does nothing: the client's last lines would be lost.
	 */
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
#endif
	/* Idle connections should not hold 2 x 16 KiB of buffers. */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	if (SSL_CTX_use_certificate_chain_file(ctx, conf.tls_cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, conf.tls_key,
	    SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(ctx) != 1)
		goto fail;
	return (ctx);
fail:
	e = ERR_peek_last_error();
	snprintf(why, size, "%s", e != 0 ? ERR_reason_error_string(e) :
	    "unknown error");
	ERR_clear_error();
	SSL_CTX_free(ctx);
	return (NULL);
}

/* At start-up: a bad certificate or key is fatal. */
void
tls_init(void)
{
	char	 why[256];

	if ((tls_ctx = tls_load(why, sizeof why)) == NULL)
		fatalx("TLS: %s, %s: %s", conf.tls_cert, conf.tls_key, why);
	log_info("TLS: certificate %s loaded", conf.tls_cert);
}

/*
 * On SIGHUP: load the certificate and key again (or for the first time,
 * if TLS was just configured), for new connections.
 * If they are bad, keep the old ones; connections in progress keep
 * theirs in any case (SSL objects hold a reference to their context).
 */
int
tls_reload(void)
{
	SSL_CTX	*ctx;
	char	 why[256];

	if (conf.tls_cert == NULL || conf.tls_key == NULL)
		return (0);
	if ((ctx = tls_load(why, sizeof why)) == NULL) {
		log_warnx("TLS: reload failed, keeping the old certificate: "
		    "%s", why);
		return (-1);
	}
	log_info("TLS: certificate %s %s", conf.tls_cert, tls_ctx != NULL ?
	    "reloaded" : "loaded");
	SSL_CTX_free(tls_ctx);
	tls_ctx = ctx;
	return (0);
}

void
tls_exit(void)
{
	SSL_CTX_free(tls_ctx);
	tls_ctx = NULL;
}

/*
 * Wrap an accepted socket; the handshake runs as the client's first
 * bytes arrive, under the registration timeout like everything else.
 */
struct bufferevent *
tls_accept(evutil_socket_t fd)
{
	struct bufferevent	*bev;
	SSL			*ssl;

	if ((ssl = SSL_new(tls_ctx)) == NULL)
		return (NULL);
	bev = bufferevent_openssl_socket_new(base, fd, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		SSL_free(ssl);
		return (NULL);
	}
	/* A peer that just closes the socket has quit, not attacked. */
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return (bev);
}

/* Can bev carry lines: plain, or TLS past its handshake? */
int
tls_established(struct bufferevent *bev)
{
	SSL	*ssl;

	if ((ssl = bufferevent_openssl_get_ssl(bev)) == NULL)
		return (1);
	return (SSL_is_init_finished(ssl));
}

/* Why a TLS connection failed, for the log and the QUIT reason. */
const char *
tls_error(struct bufferevent *bev, char *buf, size_t size)
{
	unsigned long	 e;
	const char	*r;

	if (bufferevent_openssl_get_ssl(bev) == NULL)
		return (NULL);
	if ((e = bufferevent_get_openssl_error(bev)) == 0)
		return (NULL);
	r = ERR_reason_error_string(e);
	snprintf(buf, size, "TLS error: %s", r != NULL ? r : "unknown");
	while (bufferevent_get_openssl_error(bev) != 0)
		;
	return (buf);
}

/* Whether a certificate is loaded, so TLS listeners may open. */
int
tls_ready(void)
{
	return (tls_ctx != NULL);
}

/* The TLS library's name and version, for INFO. */
const char *
tls_version(void)
{
	return (OpenSSL_version(OPENSSL_VERSION));
}
