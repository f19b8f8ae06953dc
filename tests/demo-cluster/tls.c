/*
 * Certificates generated at start with GnuTLS's x509 API: a CA, a server
 * certificate for 127.0.0.1 and localhost, and optionally a client
 * certificate (CN kubernetes-admin, O system:masters), all ECDSA P-256.
 */
#include "dc.h"

#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct pair {
    gnutls_x509_privkey_t key;
    gnutls_x509_crt_t crt;
} pair;

static char *export_crt(gnutls_x509_crt_t crt)
{
    gnutls_datum_t d = {NULL, 0};
    if (gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &d) < 0)
        return NULL;
    char *s = tt_strndup((const char *)d.data, d.size);
    gnutls_free(d.data);
    return s;
}

static char *export_key(gnutls_x509_privkey_t key)
{
    gnutls_datum_t d = {NULL, 0};
    if (gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &d) < 0)
        return NULL;
    char *s = tt_strndup((const char *)d.data, d.size);
    tt_explicit_bzero(d.data, d.size);
    gnutls_free(d.data);
    return s;
}

static int make(pair *p, const char *cn, const char *org, int kind /* 0 ca, 1 server, 2 client */,
                const pair *ca, unsigned serial)
{
    int rc;
    if ((rc = gnutls_x509_privkey_init(&p->key)) < 0)
        return rc;
    if ((rc = gnutls_x509_privkey_generate(p->key, GNUTLS_PK_ECDSA,
                                           GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0)) < 0)
        return rc;
    if ((rc = gnutls_x509_crt_init(&p->crt)) < 0)
        return rc;
    gnutls_x509_crt_t c = p->crt;
    unsigned char ser[4] = {(unsigned char)(0x10 | (serial >> 24 & 0x0f)), (unsigned char)(serial >> 16),
                            (unsigned char)(serial >> 8), (unsigned char)serial};
    time_t now = time(NULL);
    if ((rc = gnutls_x509_crt_set_version(c, 3)) < 0 ||
        (rc = gnutls_x509_crt_set_serial(c, ser, sizeof ser)) < 0 ||
        (rc = gnutls_x509_crt_set_activation_time(c, now - 3600)) < 0 ||
        (rc = gnutls_x509_crt_set_expiration_time(c, now + 365 * 86400)) < 0 ||
        (rc = gnutls_x509_crt_set_dn_by_oid(c, GNUTLS_OID_X520_COMMON_NAME, 0, cn, (unsigned)strlen(cn))) < 0 ||
        (rc = gnutls_x509_crt_set_key(c, p->key)) < 0)
        return rc;
    if (org && (rc = gnutls_x509_crt_set_dn_by_oid(c, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, org,
                                                   (unsigned)strlen(org))) < 0)
        return rc;
    unsigned char kid[64];
    size_t kid_len = sizeof kid;
    if ((rc = gnutls_x509_crt_get_key_id(c, 0, kid, &kid_len)) < 0 ||
        (rc = gnutls_x509_crt_set_subject_key_id(c, kid, kid_len)) < 0)
        return rc;
    if (kind == 0) {
        if ((rc = gnutls_x509_crt_set_basic_constraints(c, 1, -1)) < 0 ||
            (rc = gnutls_x509_crt_set_key_usage(c, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN |
                                                       GNUTLS_KEY_DIGITAL_SIGNATURE)) < 0)
            return rc;
        return gnutls_x509_crt_sign2(c, c, p->key, GNUTLS_DIG_SHA256, 0);
    }
    if ((rc = gnutls_x509_crt_set_basic_constraints(c, 0, -1)) < 0 ||
        (rc = gnutls_x509_crt_set_key_usage(c, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_ENCIPHERMENT)) < 0)
        return rc;
    if (kind == 1) {
        unsigned char ip[4];
        inet_pton(AF_INET, "127.0.0.1", ip);
        if ((rc = gnutls_x509_crt_set_subject_alt_name(c, GNUTLS_SAN_DNSNAME, "localhost", 9, GNUTLS_FSAN_APPEND)) < 0 ||
            (rc = gnutls_x509_crt_set_subject_alt_name(c, GNUTLS_SAN_IPADDRESS, ip, 4, GNUTLS_FSAN_APPEND)) < 0 ||
            (rc = gnutls_x509_crt_set_key_purpose_oid(c, GNUTLS_KP_TLS_WWW_SERVER, 0)) < 0)
            return rc;
    } else {
        if ((rc = gnutls_x509_crt_set_key_purpose_oid(c, GNUTLS_KP_TLS_WWW_CLIENT, 0)) < 0)
            return rc;
    }
    unsigned char akid[64];
    size_t akid_len = sizeof akid;
    if ((rc = gnutls_x509_crt_get_subject_key_id(ca->crt, akid, &akid_len, NULL)) < 0 ||
        (rc = gnutls_x509_crt_set_authority_key_id(c, akid, akid_len)) < 0)
        return rc;
    return gnutls_x509_crt_sign2(c, ca->crt, ca->key, GNUTLS_DIG_SHA256, 0);
}

static void pair_free(pair *p)
{
    if (p->crt)
        gnutls_x509_crt_deinit(p->crt);
    if (p->key)
        gnutls_x509_privkey_deinit(p->key);
}

int dc_tls_generate(dc_tls *t, bool client, tt_error *err)
{
    memset(t, 0, sizeof *t);
    pair ca = {0}, srv = {0}, cli = {0};
    unsigned base = (unsigned)time(NULL) & 0xffffff;
    int rc = make(&ca, "ttstui-demo-ca", NULL, 0, NULL, base);
    if (rc >= 0)
        rc = make(&srv, "ttstui-demo-apiserver", NULL, 1, &ca, base + 1);
    if (rc >= 0 && client)
        rc = make(&cli, "kubernetes-admin", "system:masters", 2, &ca, base + 2);
    if (rc >= 0) {
        t->ca_cert_pem = export_crt(ca.crt);
        t->ca_key_pem = export_key(ca.key);
        t->server_cert_pem = export_crt(srv.crt);
        t->server_key_pem = export_key(srv.key);
        if (client) {
            t->client_cert_pem = export_crt(cli.crt);
            t->client_key_pem = export_key(cli.key);
        }
    }
    pair_free(&ca);
    pair_free(&srv);
    pair_free(&cli);
    if (rc < 0 || !t->ca_cert_pem || !t->server_cert_pem || !t->server_key_pem ||
        (client && (!t->client_cert_pem || !t->client_key_pem))) {
        tt_error_set(err, TT_EIO, "--tls: generating certificates failed: %s",
                     rc < 0 ? gnutls_strerror(rc) : "export failed");
        dc_tls_free(t);
        return -1;
    }
    return 0;
}

void dc_tls_free(dc_tls *t)
{
    free(t->ca_cert_pem);
    tt_free_secret(t->ca_key_pem);
    free(t->server_cert_pem);
    tt_free_secret(t->server_key_pem);
    free(t->client_cert_pem);
    tt_free_secret(t->client_key_pem);
    memset(t, 0, sizeof *t);
}
