import Foundation
import MGovCore
import MGovCrypto
import NIOCore
import NIOSSL

/// A profile's TLS credentials in NIOSSL's types: its certificate chain, its
/// key, and the anchors peers' certificates must chain to. Peers are known by
/// their certificates (as in X-Road), so host names are not checked.
public struct TLSIdentity: Sendable {
    public let certificateChain: [NIOSSLCertificate]
    public let privateKey: NIOSSLPrivateKey
    public let trustAnchors: [NIOSSLCertificate]

    public init(certificateChain: [NIOSSLCertificate], privateKey: NIOSSLPrivateKey, trustAnchors: [NIOSSLCertificate]) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
        self.trustAnchors = trustAnchors
    }

    /// Opens the profile's key (asking for its password as usual), certificate and trust anchors.
    public static func load(_ profile: Profile, passwords: PasswordSource) throws -> TLSIdentity {
        let credentials = try ProfileCredentials.load(profile, passwords: passwords)
        guard let certificate = credentials.certificate else { throw NetError.noCertificate(profile: profile.name) }
        let anchorPaths = profile.trustPaths
        guard !anchorPaths.isEmpty else { throw NetError.noTrustAnchors(profile: profile.name) }
        do {
            let chain = try ([certificate] + credentials.chain).map { try NIOSSLCertificate(bytes: [UInt8]($0.der), format: .der) }
            // The key is handed over in memory as PKCS#8 PEM: it was decrypted once, above.
            let key = try NIOSSLPrivateKey(bytes: [UInt8](try credentials.key.pkcs8PEM()), format: .pem)
            let anchors = try anchorPaths.flatMap { try Certificate.loadAll(path: $0) }
                .map { try NIOSSLCertificate(bytes: [UInt8]($0.der), format: .der) }
            return TLSIdentity(certificateChain: chain, privateKey: key, trustAnchors: anchors)
        } catch let error as NIOSSLError {
            throw NetError.tlsSetup(String(describing: error))
        }
    }

    /// Server side: present our chain, and require a client certificate that chains to our anchors.
    public var serverConfiguration: TLSConfiguration { serverConfiguration(clientCertificates: .required) }

    /// Server side: present our chain; a client certificate, required or optional, must chain to our anchors.
    public func serverConfiguration(clientCertificates: ClientCertificates) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: certificateChain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
        configuration.certificateVerification = clientCertificates == .required ? .noHostnameVerification : .optionalVerification
        configuration.trustRoots = .certificates(trustAnchors)
        configuration.minimumTLSVersion = .tlsv12
        configuration.shutdownTimeout = Self.shutdownTimeout
        return configuration
    }

    /// How long a closing connection waits for the peer's close_notify before it is dropped. NIOSSL's
    /// 5 s held every idle keep-alive connection that long on SIGTERM (a peer that keeps a connection
    /// open seldom answers a close_notify at once, curl and most pools not at all).
    static let shutdownTimeout: TimeAmount = .milliseconds(500)

    /// Client side: present our chain, and accept only servers that chain to our anchors.
    public var clientConfiguration: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateChain = certificateChain.map { .certificate($0) }
        configuration.privateKey = .privateKey(privateKey)
        configuration.certificateVerification = .noHostnameVerification
        configuration.trustRoots = .certificates(trustAnchors)
        configuration.minimumTLSVersion = .tlsv12
        configuration.shutdownTimeout = Self.shutdownTimeout
        return configuration
    }
}

/// Whether a server demands client certificates (mutual TLS) or accepts clients without one
/// (who then prove themselves otherwise, e.g. with an access code). A certificate presented is
/// always verified.
public enum ClientCertificates: Sendable {
    case required, optional
}

/// HOST:PORT to listen on.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public init(parsing text: String) throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65_535).contains(port) else { throw NetError.invalidListenAddress(text) }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw NetError.invalidListenAddress(text) }
        self.host = host
        self.port = port
    }

    /// As it is written on the command line: `127.0.0.1:8443`, `[::1]:8443`.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
