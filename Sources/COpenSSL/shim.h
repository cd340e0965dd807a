#ifndef MGOV_COPENSSL_SHIM_H
#define MGOV_COPENSSL_SHIM_H
#include <openssl/opensslv.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/x509_vfy.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/rand.h>
#include <openssl/core_names.h>
#include <openssl/asn1.h>
#include <openssl/hmac.h>
#include <openssl/ess.h>

/* Macros and functions with awkward Swift imports, wrapped. */
static inline void mgov_OPENSSL_free(void *p) { OPENSSL_free(p); }
static inline long mgov_BIO_get_mem_data(BIO *b, char **pp) { return BIO_get_mem_data(b, pp); }
static inline int mgov_sk_X509_num(const STACK_OF(X509) *s) { return sk_X509_num(s); }
static inline X509 *mgov_sk_X509_value(const STACK_OF(X509) *s, int i) { return sk_X509_value(s, i); }
static inline STACK_OF(X509) *mgov_sk_X509_new_null(void) { return sk_X509_new_null(); }
static inline int mgov_sk_X509_push(STACK_OF(X509) *s, X509 *x) { return sk_X509_push(s, x); }
static inline void mgov_sk_X509_pop_free(STACK_OF(X509) *s) { sk_X509_pop_free(s, X509_free); }
static inline void mgov_sk_X509_free(STACK_OF(X509) *s) { sk_X509_free(s); }
static inline int mgov_sk_GENERAL_NAME_num(const STACK_OF(GENERAL_NAME) *s) { return sk_GENERAL_NAME_num(s); }
static inline GENERAL_NAME *mgov_sk_GENERAL_NAME_value(const STACK_OF(GENERAL_NAME) *s, int i) { return sk_GENERAL_NAME_value(s, i); }
static inline void mgov_GENERAL_NAMES_free(STACK_OF(GENERAL_NAME) *s) { GENERAL_NAMES_free(s); }

/* RFC 2253 names with UTF-8 kept readable (no backslash-U escapes). */
static inline unsigned long mgov_XN_FLAG_RFC2253_UTF8(void) { return XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB; }

/* CMS signer infos and their signed attributes. */
static inline int mgov_sk_CMS_SignerInfo_num(const STACK_OF(CMS_SignerInfo) *s) { return sk_CMS_SignerInfo_num(s); }
static inline CMS_SignerInfo *mgov_sk_CMS_SignerInfo_value(const STACK_OF(CMS_SignerInfo) *s, int i) { return sk_CMS_SignerInfo_value(s, i); }
static inline const ASN1_ITEM *mgov_CMS_ContentInfo_item(void) { return ASN1_ITEM_rptr(CMS_ContentInfo); }

/* The signingTime attribute: 1 found (into out), 0 absent, -1 malformed. */
static inline int mgov_CMS_signing_time(CMS_SignerInfo *si, struct tm *out) {
    int idx = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
    if (idx < 0) return 0;
    X509_ATTRIBUTE *attr = CMS_signed_get_attr(si, idx);
    ASN1_TYPE *t = attr ? X509_ATTRIBUTE_get0_type(attr, 0) : NULL;
    if (t == NULL || (t->type != V_ASN1_UTCTIME && t->type != V_ASN1_GENERALIZEDTIME)) return -1;
    return ASN1_TIME_to_tm(t->value.utctime, out) == 1 ? 1 : -1;
}

/* The ESS signing-certificate attribute (v2 when `v2`, else v1; RFC 5035 / RFC 2634) checked
   against the signer's certificate: 1 present and its first ESSCertID names the signer (further
   ones must name certificates in `others`), 0 present but not matching or malformed, -1 absent. */
static inline int mgov_CMS_check_signing_certificate(CMS_SignerInfo *si, X509 *signer, STACK_OF(X509) *others, int v2) {
    int nid = v2 ? NID_id_smime_aa_signingCertificateV2 : NID_id_smime_aa_signingCertificate;
    if (CMS_signed_get_attr_by_NID(si, nid, -1) < 0) return -1;
    if (signer == NULL) return 0;
    ASN1_STRING *value = CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(nid), -3, V_ASN1_SEQUENCE);
    if (value == NULL) return 0;  /* duplicated, multi-valued or not a SEQUENCE */
    const unsigned char *p = ASN1_STRING_get0_data(value);
    STACK_OF(X509) *chain = sk_X509_new_null();
    if (chain == NULL) return 0;
    sk_X509_push(chain, signer);
    for (int i = 0; others != NULL && i < sk_X509_num(others); i++) sk_X509_push(chain, sk_X509_value(others, i));
    int ok = 0;
    if (v2) {
        ESS_SIGNING_CERT_V2 *ss = d2i_ESS_SIGNING_CERT_V2(NULL, &p, ASN1_STRING_length(value));
        if (ss != NULL) { ok = OSSL_ESS_check_signing_certs(NULL, ss, chain, 1) > 0; ESS_SIGNING_CERT_V2_free(ss); }
    } else {
        ESS_SIGNING_CERT *ss = d2i_ESS_SIGNING_CERT(NULL, &p, ASN1_STRING_length(value));
        if (ss != NULL) { ok = OSSL_ESS_check_signing_certs(ss, NULL, chain, 1) > 0; ESS_SIGNING_CERT_free(ss); }
    }
    sk_X509_free(chain);
    return ok;
}

/* The digest algorithm of a SignerInfo as a NID (NID_undef when unknown), resolved as OpenSSL
   resolves it for verification, so aliases such as sha1WithRSAEncryption count as SHA-1. */
static inline int mgov_CMS_digest_nid(const X509_ALGOR *digest) {
    const ASN1_OBJECT *object = NULL;
    X509_ALGOR_get0(&object, NULL, NULL, digest);
    const EVP_MD *md = EVP_get_digestbyobj(object);
    return md == NULL ? NID_undef : EVP_MD_get_type(md);
}

/* Unwinds the BIO chain BIO_new_NDEF built on top of `out`, freeing what it added. */
static inline void mgov_BIO_free_until(BIO *top, BIO *out) {
    while (top != NULL && top != out) { BIO *next = BIO_pop(top); BIO_free(top); top = next; }
}
static inline long mgov_BIO_flush(BIO *b) { return BIO_flush(b); }

/* A SHA-256 filter BIO: what passes through it, read or written, is digested (BIO_gets on it
   returns the digest, so a reader that reads lines needs a buffer BIO above it). */
static inline BIO *mgov_BIO_new_sha256(void) {
    BIO *md = BIO_new(BIO_f_md());
    if (md != NULL && BIO_set_md(md, EVP_sha256()) != 1) { BIO_free(md); return NULL; }
    return md;
}

/* Whether a certificate's key usage and extended key usage let it sign documents (XMLDSig):
   key usage, when present, has digitalSignature or nonRepudiation; extended key usage, when
   present, has emailProtection, documentSigning (RFC 9336) or anyExtendedKeyUsage. */
static inline int mgov_X509_allows_document_signing(X509 *x) {
    uint32_t ku = X509_get_key_usage(x);
    if (ku != UINT32_MAX && !(ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))) return 0;
    uint32_t xku = X509_get_extended_key_usage(x);
    if (xku == UINT32_MAX || (xku & (XKU_SMIME | XKU_ANYEKU))) return 1;
    EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
    ASN1_OBJECT *document_signing = OBJ_txt2obj("1.3.6.1.5.5.7.3.36", 1);
    int found = 0;
    for (int i = 0; eku != NULL && document_signing != NULL && i < sk_ASN1_OBJECT_num(eku); i++) {
        if (OBJ_cmp(sk_ASN1_OBJECT_value(eku, i), document_signing) == 0) found = 1;
    }
    ASN1_OBJECT_free(document_signing);
    EXTENDED_KEY_USAGE_free(eku);
    return found;
}
#endif
