import Foundation

/// An X-Road-style member or subsystem identity: `INSTANCE/CLASS/MEMBER[/SUBSYSTEM]`,
/// e.g. `MD/GOV/1003600123456/SUBSYS`.
public struct MemberIdentity: Sendable, Hashable, Codable, CustomStringConvertible {
    public let instance: String
    public let memberClass: String
    public let memberCode: String
    public let subsystem: String?
    /// `INSTANCE/CLASS/MEMBER[/SUBSYSTEM]`, made once (a provider compares it on every request).
    public let description: String

    /// Characters X-Road allows in identifier parts (all ASCII).
    static let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'()+,-.=?")
    private static let allowedBytes: [Bool] = (0..<256).map { byte in allowed.contains(Character(Unicode.Scalar(UInt8(byte)))) }
    /// X-Road limits identifier parts to 255 characters.
    static let maxPartLength = 255

    public init(instance: String, memberClass: String, memberCode: String, subsystem: String? = nil) throws {
        self.instance = instance
        self.memberClass = memberClass
        self.memberCode = memberCode
        self.subsystem = subsystem
        description = [instance, memberClass, memberCode, subsystem].compactMap { $0 }.joined(separator: "/")
        try validate()
    }

    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 || parts.count == 4 else {
            throw CoreError.invalidIdentity(text, reason: "it has \(parts.count) part\(parts.count == 1 ? "" : "s") separated by '/', not 3 or 4")
        }
        try self.init(instance: parts[0], memberClass: parts[1], memberCode: parts[2], subsystem: parts.count == 4 ? parts[3] : nil)
    }

    private func validate() throws {
        let named: [(String, String?)] = [("instance", instance), ("member class", memberClass), ("member code", memberCode), ("subsystem", subsystem)]
        for (name, value) in named {
            guard let value else { continue }
            if value.isEmpty { throw CoreError.invalidIdentity(description, reason: "the \(name) is empty") }
            // Bytes first: every allowed character is one ASCII byte, so a part that passes has as
            // many characters as bytes.
            if value.utf8.count <= Self.maxPartLength, value.utf8.allSatisfy({ Self.allowedBytes[Int($0)] }) { continue }
            if value.count > Self.maxPartLength { throw CoreError.invalidIdentity(description, reason: "the \(name) is longer than \(Self.maxPartLength) characters") }
            if let bad = value.first(where: { !Self.allowed.contains($0) }) {
                throw CoreError.invalidIdentity(description, reason: "the \(name) contains '\(bad)' (allowed: A-Z a-z 0-9 and '()+,-.=?)")
            }
        }
    }

    /// The member this identity belongs to (without the subsystem).
    public var member: MemberIdentity {
        // safe: the parts were validated when self was made.
        (try? MemberIdentity(instance: instance, memberClass: memberClass, memberCode: memberCode)) ?? self
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(parsing: text)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
