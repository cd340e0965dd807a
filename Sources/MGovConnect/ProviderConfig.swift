import Foundation
import MGovCore
import Yams

/// A throwaway provider's services and grants, from a YAML file:
///
/// ```yaml
/// services:
///   people: { dataset: people.csv, key: [idnp] }
///   cases-api: { proxy: "http://127.0.0.1:9000/api" }
/// grants:
///   - client: MD/GOV/1002000000001/CASES
///     service: people
///     legal_basis: ["Legea 133/2011"]
///     fields: [idnp, name]
///     expires: 2027-01-01
/// ```
///
/// Dataset paths are relative to the file. Applying it replaces the services it names and adds
/// the grants the store does not hold yet, so a provider can be started from it again and again.
public struct ProviderConfig: Decodable, Sendable {
    public struct Service: Decodable, Sendable {
        public let dataset: String?
        public let key: [String]?
        public let proxy: String?
    }

    public struct GrantEntry: Decodable, Sendable {
        public let client: String
        public let service: String
        public let legalBasis: [String]
        public let fields: [String]?
        public let expires: String?

        enum CodingKeys: String, CodingKey { case client, service, fields, expires, legalBasis = "legal_basis" }
    }

    public let services: [String: Service]?
    public let grants: [GrantEntry]?

    public static func load(path: String) throws -> ProviderConfig {
        let text = String(decoding: try FileSystem.read(path), as: UTF8.self)
        do {
            return try YAMLDecoder().decode(ProviderConfig.self, from: text)
        } catch {
            throw ConnectError.invalidArgument("\(path) is not a provider configuration: \(Self.describe(error))")
        }
    }

    /// Puts the services and grants into the store; returns what was done, a line each.
    public func apply(to registry: ConnectRegistry, relativeTo folder: String) throws -> [String] {
        var done: [String] = []
        for (code, service) in (services ?? [:]).sorted(by: { $0.key < $1.key }) {
            switch (service.dataset, service.proxy) {
            case let (dataset?, nil):
                let path = dataset.hasPrefix("/") || dataset.hasPrefix("sqlite:") ? dataset : folder + "/" + dataset
                let added = try registry.addDataset(code: code, source: path, keys: service.key ?? [])
                done.append("service \(code): \(added.rows ?? 0) rows")
            case let (nil, proxy?):
                _ = try registry.addProxy(code: code, upstream: proxy)
                done.append("service \(code): proxy to \(proxy)")
            default:
                throw ConnectError.invalidArgument("service \(code) needs either dataset (with key) or proxy")
            }
        }
        let existing = try registry.grants()
        for entry in grants ?? [] {
            let client = try MemberIdentity(parsing: entry.client)
            let expires = try entry.expires.map(Timestamp.require)
            let same = existing.contains {
                $0.client == client.description && $0.service == entry.service && $0.legalBases == entry.legalBasis
                    && $0.fields == entry.fields && $0.expiresAt == expires.map(Timestamp.format)
            }
            if same { continue }
            _ = try registry.grant(client: client, service: entry.service, legalBases: entry.legalBasis, fields: entry.fields, expires: expires)
            done.append("grant \(entry.service) to \(entry.client)")
        }
        return done
    }

    static func describe(_ error: Error) -> String {
        if let error = error as? DecodingError {
            switch error {
            case let .keyNotFound(key, context): return "missing '\(key.stringValue)' at \(path(context))"
            case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
                // A YAML syntax error says where (line and column) in its underlying error.
                if let underlying = context.underlyingError {
                    let detail = String(describing: underlying).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                        .filter { !$0.isEmpty }.joined(separator: " ")
                    return "\(context.debugDescription) \(detail)"
                }
                return "\(context.debugDescription) at \(path(context))"
            @unknown default: return String(describing: error)
            }
        }
        return String(describing: error).split(separator: "\n").first.map(String.init) ?? "unreadable"
    }

    static func path(_ context: DecodingError.Context) -> String {
        guard !context.codingPath.isEmpty else { return "the top level (a mapping with services and grants)" }
        return context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}
