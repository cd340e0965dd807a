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
#endif
