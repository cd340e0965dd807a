import Foundation
import MGovCrypto
import Testing

@Suite struct PreparedSignerTests {
    @Test(arguments: [KeyGeneration.Kind.ecP256, .rsa(bits: 2048)])
    func signaturesFromOneContextVerify(kind: KeyGeneration.Kind) throws {
        let key = try KeyGeneration.generate(kind)
        let signer = try PreparedSigner(jwsKey: key)
        let publicKey = try key.publicKey()
        let messages = (0..<64).map { Data("message \($0)".utf8) }
        let signatures = UnsafeMutableBufferPointer<Data?>.allocate(capacity: messages.count)
        defer { signatures.deallocate() }
        signatures.initialize(repeating: nil)
        nonisolated(unsafe) let out = signatures  // each iteration writes its own slot
        DispatchQueue.concurrentPerform(iterations: messages.count) { i in out[i] = try? signer.signJWS(messages[i]) }
        for (i, message) in messages.enumerated() {
            let signature = try #require(signatures[i])
            #expect(publicKey.verifyJWS(signer.algorithm, signature: signature, message: message))
            #expect(!publicKey.verifyJWS(signer.algorithm, signature: signature, message: Data("other".utf8)))
        }
        if signer.algorithm == .es256 { #expect(signatures[0]?.count == 64, "ES256 signatures are raw R||S") }
    }
}
