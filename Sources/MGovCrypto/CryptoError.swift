import COpenSSL
import Foundation
import MGovCore

/// Errors of key, certificate and signature handling, as sentences.
public enum CryptoError: UserFacingError, Equatable {
    case notAPrivateKey(path: String, detail: String)
    case notACertificate(path: String, detail: String)
    case damagedCertificateFile(path: String, block: Int, of: Int)
    case notAPublicKey(path: String, detail: String)
    case noKey(profile: String)
    case notAPKCS12(path: String, detail: String)
    case notASignature(path: String, detail: String)
    case wrongPassword(path: String)
    case pkcs12WithoutKey(path: String)
    case keyCertificateMismatch(key: String, certificate: String)
    case untrusted(reason: String)
    case noTrustAnchors
    case weakKey(String)
    case unsupportedKey(String)
    case operationFailed(String)

    public var description: String {
        switch self {
        case let .notAPrivateKey(path, detail):
            return "\(path) is not a private key mgov can read (PEM or DER, PKCS#1, SEC1 or PKCS#8): \(detail)"
        case let .notACertificate(path, detail):
            return "\(path) holds no X.509 certificate (PEM or DER): \(detail)"
        case let .damagedCertificateFile(path, block, count):
            return "\(path): certificate \(block) of \(count) does not decode (a damaged PEM block: the first \(block - 1) do); none of the file is used"
        case let .notAPublicKey(path, detail):
            return "\(path) holds no public key or certificate mgov can read (PEM or DER): \(detail)"
        case let .noKey(profile):
            return "the profile \(profile) has no key (set one: mgov profile set \(profile) key FILE, or pkcs12 FILE)"
        case let .notAPKCS12(path, detail):
            return "\(path) is not a PKCS#12 file: \(detail)"
        case let .notASignature(path, detail):
            return "\(path) is not a signature mgov can read: \(detail)"
        case let .wrongPassword(path):
            return "wrong password for \(path)"
        case let .pkcs12WithoutKey(path):
            return "\(path) holds no private key"
        case let .keyCertificateMismatch(key, certificate):
            return "the key \(key) does not belong to the certificate \(certificate)"
        case let .untrusted(reason):
            return "the certificate chain is not trusted: \(reason)"
        case .noTrustAnchors:
            return "no trust anchors: pass --trusted FILE or configure the profile's trust anchors"
        case let .weakKey(text), let .unsupportedKey(text), let .operationFailed(text):
            return text
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .untrusted: return .refused
        default: return .failure
        }
    }
}

/// OpenSSL's thread-local error queue, drained into one readable line.
/// Every failing call path drains it, so no stale error is left for the next call.
enum OpenSSLErrors {
    static func drain() -> String {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if let reason = ERR_reason_error_string(code) {
                let text = String(cString: reason)
                if !messages.contains(text) { messages.append(text) }
            } else {
                messages.append(String(format: "error %08lx", code))
            }
        }
        return messages.isEmpty ? none : messages.joined(separator: "; ")
    }

    /// What `drain` says when OpenSSL recorded no error.
    static let none = "unknown OpenSSL error"

    static func clear() { ERR_clear_error() }
}

/// A memory BIO over `data`, freed by the caller through `defer { BIO_free(bio) }`.
func makeReadBIO(_ data: Data) -> OpaquePointer? {
    data.withUnsafeBytes { raw -> OpaquePointer? in
        // BIO_new_mem_buf does not copy; copy into a BIO we own instead.
        guard let bio = BIO_new(BIO_s_mem()) else { return nil }
        // An empty memory BIO says "retry" by default; filters (base64) must see end of file instead.
        _ = BIO_ctrl(bio, BIO_C_SET_BUF_MEM_EOF_RETURN, 0, nil)
        if raw.count > 0 {
            _ = BIO_write(bio, raw.baseAddress, Int32(raw.count))
        }
        return bio
    }
}

/// The bytes written into a memory BIO.
func readAll(_ bio: OpaquePointer) -> Data {
    var pointer: UnsafeMutablePointer<CChar>?
    let length = mgov_BIO_get_mem_data(bio, &pointer)
    guard length > 0, let pointer else { return Data() }
    return Data(bytes: pointer, count: length)
}

func isPEM(_ data: Data) -> Bool {
    data.range(of: Data("-----BEGIN ".utf8)) != nil
}
