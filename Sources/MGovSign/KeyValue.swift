import Foundation
import MGovCrypto

/// A `ds:RSAKeyValue` (Modulus, Exponent) as a public key: written as
/// SubjectPublicKeyInfo DER and read by OpenSSL.
enum RSAKeyValue {
    static func publicKey(modulus: Data, exponent: Data) throws -> PublicKey {
        let rsaPublicKey = DER.sequence(DER.integer(modulus) + DER.integer(exponent))
        let algorithm = DER.sequence(Data([0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01, 0x05, 0x00]))
        let spki = DER.sequence(algorithm + DER.bitString(rsaPublicKey))
        return try PublicKey.load(spki, path: "the RSAKeyValue")
    }
}

/// Just enough DER to write a SubjectPublicKeyInfo.
enum DER {
    static func length(_ count: Int) -> Data {
        if count < 0x80 { return Data([UInt8(count)]) }
        var bytes: [UInt8] = []
        var n = count
        while n > 0 { bytes.insert(UInt8(n & 0xFF), at: 0); n >>= 8 }
        return Data([0x80 | UInt8(bytes.count)] + bytes)
    }

    static func tagged(_ tag: UInt8, _ content: Data) -> Data { Data([tag]) + length(content.count) + content }
    static func sequence(_ content: Data) -> Data { tagged(0x30, content) }
    static func bitString(_ content: Data) -> Data { tagged(0x03, Data([0x00]) + content) }

    /// A non-negative INTEGER from big-endian bytes.
    static func integer(_ bytes: Data) -> Data {
        var value = [UInt8](bytes.drop { $0 == 0 })
        if value.isEmpty { value = [0] }
        if value[0] & 0x80 != 0 { value.insert(0, at: 0) }
        return tagged(0x02, Data(value))
    }
}
