import Foundation
import MGovCrypto

/// A signed tree head in the C2SP signed-note checkpoint format:
///
///     <origin>\n
///     <size in decimal>\n
///     <root hash in base64>\n
///     \n
///     — <key name> <base64(key ID (4 bytes) || signature)>\n
///
/// The signature covers the three text lines, final newline included.
/// Ed25519 keys sign as C2SP type 0x01 (key ID = SHA-256(name || 0x0A || 0x01
/// || raw key)[:4]), so Go's `sumdb/note` verifies them. ECDSA (P-256, SHA-256,
/// DER signature) and RSA (PKCS#1 v1.5, SHA-256) keys use mgov's type 0xFF with
/// key ID = SHA-256(name || 0x0A || 0xFF || SubjectPublicKeyInfo DER)[:4].
public struct Checkpoint: Sendable, Equatable {
    public let origin: String
    public let size: UInt64
    public let root: TreeHash
    /// The whole note, signature lines included.
    public let text: String
    public let signatures: [(keyName: String, keyID: [UInt8], signature: Data)]

    public static func == (a: Checkpoint, b: Checkpoint) -> Bool { a.text == b.text }

    /// The signed part: origin, size and root lines.
    public var body: String { Self.body(origin: origin, size: size, root: root) }

    static func body(origin: String, size: UInt64, root: TreeHash) -> String {
        "\(origin)\n\(size)\n\(Data(root).base64EncodedString())\n"
    }

    /// Signs a tree head.
    public static func sign(origin: String, head: TreeHead, key: PrivateKey) throws -> Checkpoint {
        guard isValidKeyName(origin) else { throw LogError.invalidCheckpoint("the origin '\(origin)' must be non-empty with no spaces or '+'") }
        let body = body(origin: origin, size: head.size, root: head.root)
        let publicKey = try key.publicKey()
        let keyID = try keyID(name: origin, key: publicKey)
        let signature = try key.sign(Data(body.utf8))
        let line = "\u{2014} \(origin) \((Data(keyID) + signature).base64EncodedString())\n"
        return try parse(body + "\n" + line)
    }

    public static func parse(_ text: String) throws -> Checkpoint {
        guard text.utf8.count <= 1 << 20 else { throw LogError.invalidCheckpoint("larger than 1 MiB") }
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" }) else {
            throw LogError.invalidCheckpoint("control characters other than newline")
        }
        guard let split = text.range(of: "\n\n", options: .backwards) else {
            throw LogError.invalidCheckpoint("no blank line before the signatures")
        }
        let body = String(text[text.startIndex..<text.index(after: split.lowerBound)])
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        guard lines.count >= 3 else { throw LogError.invalidCheckpoint("expected origin, size and root hash lines") }
        let origin = String(lines[lines.startIndex])
        guard !origin.isEmpty else { throw LogError.invalidCheckpoint("empty origin line") }
        let sizeLine = lines[lines.startIndex + 1]
        guard let size = UInt64(sizeLine), String(size) == sizeLine else {
            throw LogError.invalidCheckpoint("the size line '\(sizeLine)' is not a decimal number")
        }
        guard let root = Data(base64Encoded: String(lines[lines.startIndex + 2])), root.count == 32 else {
            throw LogError.invalidCheckpoint("the root hash line is not a base64 SHA-256 hash")
        }
        var signatures: [(String, [UInt8], Data)] = []
        let signatureText = text[split.upperBound...]
        guard signatureText.hasSuffix("\n") else { throw LogError.invalidCheckpoint("the last signature line does not end in a newline") }
        for line in signatureText.split(separator: "\n") {
            guard line.hasPrefix("\u{2014} ") else { throw LogError.invalidCheckpoint("a signature line must start with an em dash (U+2014) and a space") }
            let parts = line.dropFirst(2).split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2, let blob = Data(base64Encoded: String(parts[1])), blob.count > 4 else {
                throw LogError.invalidCheckpoint("malformed signature line")
            }
            signatures.append((String(parts[0]), [UInt8](blob.prefix(4)), blob.dropFirst(4)))
        }
        guard !signatures.isEmpty else { throw LogError.invalidCheckpoint("no signature lines") }
        return Checkpoint(origin: origin, size: size, root: [UInt8](root), text: text, signatures: signatures)
    }

    /// Verifies the signature made by `key`: the line whose key ID matches must verify.
    public func verify(key: PublicKey) throws {
        for signature in signatures {
            let expected = try Self.keyID(name: signature.keyName, key: key)
            guard expected == signature.keyID else { continue }
            guard key.verify(signature: signature.signature, message: Data(body.utf8)) else {
                throw LogError.checkpointSignatureInvalid("the signature by \(signature.keyName) is wrong (the checkpoint was changed, or signed by another key)")
            }
            return
        }
        throw LogError.checkpointKeyMismatch("no signature line carries this key's ID")
    }

    public static func keyID(name: String, key: PublicKey) throws -> [UInt8] {
        var input = Data(name.utf8)
        input.append(0x0A)
        if let raw = key.rawEd25519 {
            input.append(0x01)
            input.append(raw)
        } else {
            input.append(0xFF)
            input.append(try key.der)
        }
        return Array(Digest.sha256(input).prefix(4))
    }

    static func isValidKeyName(_ name: String) -> Bool {
        !name.isEmpty && !name.contains("+") && !name.unicodeScalars.contains { $0.properties.isWhitespace || $0.value < 0x20 }
    }
}
