import Foundation

/// Time-ordered, random identifiers (UUID version 7, RFC 9562): sortable by
/// creation time, unguessable in their random part.
public enum Identifier {
    public static func uuidV7(at date: Date = Date()) -> UUID {
        let millis = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        var bytes = [UInt8](repeating: 0, count: 16)
        // Two draws of 8 bytes (each a getrandom call), not one per byte.
        var rng = SystemRandomNumberGenerator()
        let high = rng.next(), low = rng.next()
        for i in 6..<8 { bytes[i] = UInt8(truncatingIfNeeded: high >> (8 * UInt64(i - 6))) }
        for i in 8..<16 { bytes[i] = UInt8(truncatingIfNeeded: low >> (8 * UInt64(i - 8))) }
        for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: millis >> (8 * (5 - UInt64(i)))) }
        bytes[6] = (bytes[6] & 0x0F) | 0x70
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    /// A lower-case UUIDv7 string.
    public static func make(at date: Date = Date()) -> String {
        uuidV7(at: date).uuidString.lowercased()
    }
}
