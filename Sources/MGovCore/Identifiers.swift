import CMGovSystem
import Foundation

/// Time-ordered, random identifiers (UUID version 7, RFC 9562): sortable by
/// creation time, unguessable in their random part.
public enum Identifier {
    public static func uuidV7(at date: Date = Date()) -> UUID {
        UUID(uuid: bytes(at: date))
    }

    /// 48 bits of milliseconds, the version, 74 random bits and the variant.
    private static func bytes(at date: Date) -> uuid_t {
        let millis = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &uuid) { bytes in
            // One getrandom call for the random part (a server makes two identifiers per request).
            if mgov_random(bytes.baseAddress! + 6, 10) != 0 {  // safe: a 16-byte tuple has an address
                var rng = SystemRandomNumberGenerator()
                for i in 6..<16 { bytes[i] = rng.next() }
            }
            for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: millis >> (8 * (5 - UInt64(i)))) }
            bytes[6] = (bytes[6] & 0x0F) | 0x70
            bytes[8] = (bytes[8] & 0x3F) | 0x80
        }
        return uuid
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A lower-case UUIDv7 string.
    public static func make(at date: Date = Date()) -> String {
        var uuid = bytes(at: date)
        return withUnsafeBytes(of: &uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                var o = 0
                for (i, byte) in bytes.enumerated() {
                    if i == 4 || i == 6 || i == 8 || i == 10 { out[o] = UInt8(ascii: "-"); o += 1 }
                    out[o] = hexDigits[Int(byte >> 4)]
                    out[o + 1] = hexDigits[Int(byte & 0x0F)]
                    o += 2
                }
                return o
            }
        }
    }
}
