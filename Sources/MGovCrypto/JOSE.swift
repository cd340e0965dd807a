import COpenSSL
import Foundation

/// JWS (RFC 7515) signature algorithms over our keys: RS256, ES256 (raw R||S,
/// as RFC 7518 §3.4 requires, not DER), and EdDSA for Ed25519.
public enum JWSAlgorithm: String, Sendable {
    case rs256 = "RS256"
    case es256 = "ES256"
    case edDSA = "EdDSA"

    public static func forKey(_ algorithm: PrivateKey.Algorithm) throws -> JWSAlgorithm {
        switch algorithm {
        case .rsa(let bits) where bits >= 2048: return .rs256
        case .rsa(let bits): throw CryptoError.weakKey("RSA keys of \(bits) bits are too weak to sign with (2048 or more)")
        case .ec(let curve) where curve == "prime256v1" || curve == "P-256": return .es256
        case .ed25519: return .edDSA
        default: throw CryptoError.unsupportedKey("JWS needs an RSA, P-256 or Ed25519 key, not \(algorithm)")
        }
    }
}

extension PrivateKey {
    /// Signs `message` for a JWS; returns the algorithm and the signature bytes in JOSE form.
    public func signJWS(_ message: Data) throws -> (JWSAlgorithm, Data) {
        let algorithm = try JWSAlgorithm.forKey(self.algorithm)
        let signature = try sign(message)
        return (algorithm, algorithm == .es256 ? try ECDSASignature.derToRaw(signature, size: 32) : signature)
    }
}

extension PublicKey {
    /// Verifies a JWS signature made with `algorithm`; false when it does not hold
    /// or the algorithm does not fit the key.
    public func verifyJWS(_ algorithm: JWSAlgorithm, signature: Data, message: Data) -> Bool {
        guard let expected = try? JWSAlgorithm.forKey(self.algorithm), expected == algorithm else { return false }
        if algorithm == .es256 {
            guard let der = try? ECDSASignature.rawToDER(signature) else { return false }
            return verify(signature: der, message: message)
        }
        return verify(signature: signature, message: message)
    }
}

/// ECDSA signatures between DER (OpenSSL's) and raw R||S (JOSE's).
public enum ECDSASignature {
    public static func derToRaw(_ der: Data, size: Int) throws -> Data {
        let parsed = der.withUnsafeBytes { raw -> OpaquePointer? in
            var p = raw.bindMemory(to: UInt8.self).baseAddress.map { UnsafePointer<UInt8>($0) }
            return d2i_ECDSA_SIG(nil, &p, raw.count)
        }
        guard let signature = parsed else { throw CryptoError.operationFailed("not a DER ECDSA signature: \(OpenSSLErrors.drain())") }
        defer { ECDSA_SIG_free(signature) }
        var r: OpaquePointer?, s: OpaquePointer?
        ECDSA_SIG_get0(signature, &r, &s)
        var out = [UInt8](repeating: 0, count: 2 * size)
        guard let r, let s,
              BN_bn2binpad(r, &out, Int32(size)) == Int32(size),
              out.withUnsafeMutableBufferPointer({ BN_bn2binpad(s, $0.baseAddress.map { $0 + size }, Int32(size)) }) == Int32(size) else {
            throw CryptoError.operationFailed("cannot convert the ECDSA signature")
        }
        return Data(out)
    }

    public static func rawToDER(_ raw: Data) throws -> Data {
        guard raw.count % 2 == 0, !raw.isEmpty else { throw CryptoError.operationFailed("a raw ECDSA signature has two halves of equal length") }
        let half = raw.count / 2
        let bytes = [UInt8](raw)
        guard let signature = ECDSA_SIG_new() else { throw CryptoError.operationFailed("out of memory") }
        defer { ECDSA_SIG_free(signature) }
        let r = BN_bin2bn(bytes, Int32(half), nil)
        let s = bytes.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress.map { $0 + half }, Int32(half), nil) }
        guard let r, let s, ECDSA_SIG_set0(signature, r, s) == 1 else {
            BN_free(r); BN_free(s)
            throw CryptoError.operationFailed("cannot build the ECDSA signature")
        }
        var out: UnsafeMutablePointer<UInt8>?
        let length = i2d_ECDSA_SIG(signature, &out)
        guard length > 0, let out else { throw CryptoError.operationFailed("cannot encode the ECDSA signature") }
        defer { mgov_OPENSSL_free(out) }
        return Data(bytes: out, count: Int(length))
    }
}

/// base64url without padding (RFC 7515 §2).
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Encoded straight from the bytes into the string's storage (a provider encodes two of these
    /// per response; going through Foundation's base64 and then replacing characters cost 2%).
    public static func encode(_ data: Data) -> String {
        data.withUnsafeBytes { input in encode(input) }
    }

    public static func encode(_ input: UnsafeRawBufferPointer) -> String {
        let count = input.count
        let length = count / 3 * 4 + [0, 2, 3][count % 3]
        return alphabet.withUnsafeBufferPointer { table in
            String(unsafeUninitializedCapacity: length) { out in
                var i = 0, o = 0
                while i + 3 <= count {
                    let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
                    out[o] = table[Int(n >> 18)]
                    out[o + 1] = table[Int(n >> 12 & 63)]
                    out[o + 2] = table[Int(n >> 6 & 63)]
                    out[o + 3] = table[Int(n & 63)]
                    i += 3
                    o += 4
                }
                switch count - i {
                case 1:
                    let n = UInt32(input[i]) << 16
                    out[o] = table[Int(n >> 18)]
                    out[o + 1] = table[Int(n >> 12 & 63)]
                case 2:
                    let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
                    out[o] = table[Int(n >> 18)]
                    out[o + 1] = table[Int(n >> 12 & 63)]
                    out[o + 2] = table[Int(n >> 6 & 63)]
                default:
                    break
                }
                return length
            }
        }
    }

    public static func decode(_ text: String) -> Data? {
        var base64 = [UInt8]()
        base64.reserveCapacity(text.utf8.count + 3)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "-"): base64.append(UInt8(ascii: "+"))
            case UInt8(ascii: "_"): base64.append(UInt8(ascii: "/"))
            default: base64.append(byte)
            }
        }
        while base64.count % 4 != 0 { base64.append(UInt8(ascii: "=")) }
        return Data(base64Encoded: Data(base64))
    }
}
