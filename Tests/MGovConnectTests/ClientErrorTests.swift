import Foundation
import MGovNet
import NIOHTTP1
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct ClientErrorTests {
    /// A peer that takes the connection and never answers: the reason is said in words, not as the
    /// HTTP library's value (`HTTPClientError.deadlineExceeded`), which is what a notify message's
    /// last_error and a proxy's X-Road error showed.
    @Test func aPeerThatNeverAnswersIsSaidInWords() async throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        #expect(bound == 0 && listen(fd, 4) == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        let port = UInt16(bigEndian: address.sin_port)
        let client = MutualTLSClient(tls: nil)
        do {
            _ = try await client.send(.GET, "http://127.0.0.1:\(port)/", timeout: .milliseconds(300))
            Issue.record("a peer that never answers gave an answer")
        } catch let error as NetError {
            #expect(error.reasonText == "no answer in time", "\(error)")
        }
        await client.shutdown()
    }
}
