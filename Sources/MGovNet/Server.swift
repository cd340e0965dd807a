import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import MGovCore
import MGovCrypto
import NIOCore
import NIOSSL

/// The request context of mgov's servers: it keeps the connection, so a handler
/// can read the client's certificate (the peer's identity under mutual TLS).
public struct PeerRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// The client's certificate, or nil on a plain (--insecure) connection.
    public func peerCertificate() async throws -> Certificate? {
        guard let peer = try await channel.nioSSL_peerCertificate().get() else { return nil }
        return try Certificate(der: Data(try peer.toDERBytes()))
    }
}

/// Runs a router over mutual TLS (or plain HTTP for tests with `insecure`),
/// says where it listens once bound, and stops gracefully on SIGTERM or SIGINT.
public struct HTTPServerRunner: Sendable {
    public let address: ListenAddress
    public let tls: TLSIdentity?
    public let clientCertificates: ClientCertificates
    public let logger: Logger

    public init(address: ListenAddress, tls: TLSIdentity?, clientCertificates: ClientCertificates = .required) {
        self.address = address
        self.tls = tls
        self.clientCertificates = clientCertificates
        var logger = Logger(label: "mgov.server") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        self.logger = logger
    }

    /// Serves until stopped. `onListening` gets the URL with the port actually bound.
    public func run(_ router: Router<PeerRequestContext>, onListening: @escaping @Sendable (String) async -> Void) async throws {
        let scheme = tls == nil ? "http" : "https"
        let server: HTTPServerBuilder = try tls.map { try .tls(.http1(), tlsConfiguration: $0.serverConfiguration(clientCertificates: clientCertificates)) } ?? .http1()
        let app = Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: "mgov"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? address.port
                let host = address.host.contains(":") ? "[\(address.host)]" : address.host
                await onListening("\(scheme)://\(host):\(port)")
            },
            logger: logger
        )
        try await app.runService()
    }
}

/// A JSON error body: `{"error": "..."}`.
public func jsonErrorResponse(_ status: HTTPResponse.Status, _ message: String) -> Response {
    let body = #"{"error":\#(JSONText.quote(message))}"#
    return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body + "\n")))
}

public func jsonResponse(_ status: HTTPResponse.Status = .ok, _ data: Data) -> Response {
    Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

/// True for the error Hummingbird throws when a body is over the limit given to `collectBody(upTo:)`.
public func isBodyTooLarge(_ error: any Error) -> Bool { error is NIOTooManyBytesError }

extension Request {
    /// A header's value by name, case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.canonicalName == name.lowercased() }?.value
    }
}
