import COpenSSL
import Foundation
import MGovCore

/// Chain verification against trust anchors, done by OpenSSL.
public enum TrustVerifier {
    /// The S/MIME signing purpose, as `openssl cms -verify` checks it: key usage digitalSignature or
    /// nonRepudiation, and emailProtection when the certificate lists extended key usages.
    public static let smimeSigningPurpose = X509_PURPOSE_SMIME_SIGN

    /// Verifies that `leaf` chains to one of `anchors` through `intermediates`,
    /// at `time` (now when nil). Returns the verified chain, leaf first.
    ///
    /// - Throws: `CryptoError.untrusted` with OpenSSL's reason.
    @discardableResult
    public static func verify(_ leaf: Certificate, intermediates: [Certificate] = [], anchors: [Certificate],
                              at time: Date? = nil, purpose: Int32? = nil) throws -> [Certificate] {
        guard !anchors.isEmpty else { throw CryptoError.noTrustAnchors }
        OpenSSLErrors.clear()
        guard let store = X509_STORE_new() else { throw CryptoError.operationFailed("out of memory") }
        defer { X509_STORE_free(store) }
        for anchor in anchors { X509_STORE_add_cert(store, anchor.pointer) }
        OpenSSLErrors.clear()  // duplicates among anchors are harmless
        guard let untrusted = mgov_sk_X509_new_null() else { throw CryptoError.operationFailed("out of memory") }
        defer { mgov_sk_X509_free(untrusted) }
        for cert in intermediates { _ = mgov_sk_X509_push(untrusted, cert.pointer) }
        guard let context = X509_STORE_CTX_new() else { throw CryptoError.operationFailed("out of memory") }
        defer { X509_STORE_CTX_free(context) }
        guard X509_STORE_CTX_init(context, store, leaf.pointer, untrusted) == 1 else {
            throw CryptoError.operationFailed("cannot set up chain verification: \(OpenSSLErrors.drain())")
        }
        if let time { X509_STORE_CTX_set_time(context, 0, time_t(time.timeIntervalSince1970)) }
        if let purpose { X509_STORE_CTX_set_purpose(context, purpose) }
        guard X509_verify_cert(context) == 1 else {
            let code = X509_STORE_CTX_get_error(context)
            let depth = X509_STORE_CTX_get_error_depth(context)
            var reason = String(cString: X509_verify_cert_error_string(Int(code)))
            if let bad = X509_STORE_CTX_get_current_cert(context) {
                reason += " (at depth \(depth): \(Certificate.name(X509_get_subject_name(bad))))"
            }
            OpenSSLErrors.clear()
            throw CryptoError.untrusted(reason: reason)
        }
        var chain: [Certificate] = []
        if let verified = X509_STORE_CTX_get0_chain(context) {
            for i in 0..<mgov_sk_X509_num(verified) {
                if let x = mgov_sk_X509_value(verified, i) { chain.append(Certificate(sharing: x)) }
            }
        }
        return chain
    }
}
