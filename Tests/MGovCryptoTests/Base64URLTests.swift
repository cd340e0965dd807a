import Foundation
import Testing
import MGovCrypto

@Suite struct Base64URLTests {
    /// Every length up to 3 blocks and a half, every byte value: base64 with `-_` and no padding.
    @Test func encodesAsFoundationsBase64WithTheURLAlphabet() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...100 {
            let data = Data((0..<length).map { i in length == 100 ? UInt8(truncatingIfNeeded: i * 7) : UInt8.random(in: 0...255, using: &generator) })
            let expected = data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(data) == expected, "length \(length)")
            #expect(Base64URL.decode(Base64URL.encode(data)) == data, "length \(length)")
        }
        let all = Data((0...255).map { UInt8($0) })
        #expect(Base64URL.decode(Base64URL.encode(all)) == all)
    }

    /// RFC 7515 appendix A.1: the protected header's encoding.
    @Test func encodesTheRFCExample() {
        let header = Data([123, 34, 116, 121, 112, 34, 58, 34, 74, 87, 84, 34, 44, 13, 10, 32, 34, 97, 108, 103, 34, 58, 34, 72, 83, 50, 53, 54, 34, 125])
        #expect(Base64URL.encode(header) == "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9")
    }
}
