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
///
/// A key it does not know is an error (a misspelt `fields:` would otherwise grant every field), and
/// the whole file is checked before anything of it goes into the store.
public struct ProviderConfig: Decodable, Sendable {
    public struct Service: Decodable, Sendable {
        public let dataset: String?
        public let key: [String]?
        public let proxy: String?

        enum CodingKeys: String, CodingKey, CaseIterable { case dataset, key, proxy }

        public init(from decoder: Decoder) throws {
            try ProviderConfig.refuseUnknownKeys(in: decoder, known: CodingKeys.allCases.map(\.rawValue))
            let c = try decoder.container(keyedBy: CodingKeys.self)
            dataset = try c.decodeIfPresent(String.self, forKey: .dataset)
            key = try c.decodeIfPresent([String].self, forKey: .key)
            proxy = try c.decodeIfPresent(String.self, forKey: .proxy)
        }
    }

    public struct GrantEntry: Decodable, Sendable {
        public let client: String
        public let service: String
        public let legalBasis: [String]
        public let fields: [String]?
        public let expires: String?

        enum CodingKeys: String, CodingKey, CaseIterable { case client, service, fields, expires, legalBasis = "legal_basis" }

        public init(from decoder: Decoder) throws {
            try ProviderConfig.refuseUnknownKeys(in: decoder, known: CodingKeys.allCases.map(\.rawValue))
            let c = try decoder.container(keyedBy: CodingKeys.self)
            client = try c.decode(String.self, forKey: .client)
            service = try c.decode(String.self, forKey: .service)
            legalBasis = try c.decode([String].self, forKey: .legalBasis)
            fields = try c.decodeIfPresent([String].self, forKey: .fields)
            expires = try c.decodeIfPresent(String.self, forKey: .expires)
        }
    }

    public let services: [String: Service]?
    public let grants: [GrantEntry]?

    enum CodingKeys: String, CodingKey, CaseIterable { case services, grants }

    public init(from decoder: Decoder) throws {
        try Self.refuseUnknownKeys(in: decoder, known: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        services = try c.decodeIfPresent([String: Service].self, forKey: .services)
        grants = try c.decodeIfPresent([GrantEntry].self, forKey: .grants)
    }

    struct AnyKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static func refuseUnknownKeys(in decoder: Decoder, known: [String]) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        if let unknown = container.allKeys.first(where: { !known.contains($0.stringValue) }) {
            let place = decoder.codingPath.isEmpty ? "" : " in " + decoder.codingPath.map { $0.intValue.map { "entry \($0 + 1)" } ?? $0.stringValue }.joined(separator: " ")
            throw ConnectError.invalidArgument("unknown key '\(unknown.stringValue)'\(place) (known: \(known.joined(separator: ", ")))")
        }
    }

    public static func load(path: String) throws -> ProviderConfig {
        let bytes = try FileSystem.read(path)
        do {
            try YAMLPrescan.check([UInt8](bytes))
        } catch let problem as YAMLPrescan.Problem {
            throw ConnectError.invalidArgument("\(path): \(problem.description)")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        // A key written twice: YAML says it is an error, the decoder would keep one of the two silently.
        if let root = try? Yams.compose(yaml: text), let (key, mark) = duplicateKey(in: root) {
            throw ConnectError.invalidArgument("\(path): the key '\(key)' is given twice\(mark.map { " (line \($0.line), column \($0.column))" } ?? "")")
        }
        let config: ProviderConfig
        do {
            config = try YAMLDecoder().decode(ProviderConfig.self, from: text)
        } catch let error as ConnectError {
            throw ConnectError.invalidArgument("\(path): \(error.description)")
        } catch DecodingError.dataCorrupted(let context) where context.underlyingError is ConnectError {
            throw ConnectError.invalidArgument("\(path): \((context.underlyingError as? ConnectError)?.description ?? "")")
        } catch {
            throw ConnectError.invalidArgument("\(path) is not a provider configuration: \(Self.describe(error))")
        }
        do {
            try config.check()
        } catch let error as UserFacingError {
            throw ConnectError.invalidArgument("\(path): \(error.description)")
        }
        return config
    }

    /// A dataset path as written in the file: relative to the file's folder.
    static func resolve(_ dataset: String, in folder: String) -> String {
        dataset.hasPrefix("/") || dataset.hasPrefix("sqlite:") ? dataset : folder + "/" + dataset
    }

    /// The first key that a mapping holds twice, anywhere in `node`, and where its second use is.
    static func duplicateKey(in node: Node) -> (String, Mark?)? {
        switch node {
        case .mapping(let mapping):
            var seen = Set<String>()
            for (key, value) in mapping {
                if let text = key.string, !seen.insert(text).inserted { return (text, key.mark) }
                if let found = duplicateKey(in: value) { return found }
            }
        case .sequence(let sequence):
            for item in sequence { if let found = duplicateKey(in: item) { return found } }
        default:
            break
        }
        return nil
    }

    /// What can be checked before anything is written, so that a file with a mistake changes nothing:
    /// each service is a dataset with keys or a proxy, each grant's client, basis, expiry and service.
    func check() throws {
        for (code, service) in services ?? [:] {
            switch (service.dataset, service.proxy) {
            case (_?, nil):
                guard let keys = service.key, !keys.isEmpty else { throw ConnectError.invalidArgument("service \(code): a dataset needs key: [FIELD, ...]") }
            case (nil, let proxy?):
                do { try ConnectRegistry.checkUpstream(proxy) } catch let error as ConnectError {
                    throw ConnectError.invalidArgument("service \(code): \(error.description)")
                }
            default:
                throw ConnectError.invalidArgument("service \(code) needs either dataset (with key) or proxy")
            }
        }
        for (index, entry) in (grants ?? []).enumerated() {
            let name = "grant \(index + 1) (\(entry.service) to \(entry.client))"
            guard (try? MemberIdentity(parsing: entry.client))?.subsystem != nil else {
                throw ConnectError.invalidArgument("\(name): client is INSTANCE/CLASS/MEMBER/SUBSYSTEM")
            }
            guard !entry.legalBasis.isEmpty, entry.legalBasis.allSatisfy({ !$0.isEmpty && $0.utf8.count <= Protocol.maximumBasisBytes }) else {
                throw ConnectError.invalidArgument("\(name): legal_basis needs at least one text (at most 256 bytes each)")
            }
            if let fields = entry.fields, fields.isEmpty || fields.contains(where: \.isEmpty) {
                throw ConnectError.invalidArgument("\(name): fields needs at least one field name (leave fields out to grant every field)")
            }
            // One already past is not an error: it is left out when applied (a file outlives its grants).
            if let expires = entry.expires, Timestamp.parse(expires) == nil {
                throw ConnectError.invalidArgument("\(name): expires '\(expires)' is not a time")
            }
        }
    }

    /// Puts the services and grants into the store; returns what was done, a line each.
    public func apply(to registry: ConnectRegistry, relativeTo folder: String) throws -> [String] {
        // Refused before anything is written: a grant for a service neither this file nor the store
        // has, or with fields its dataset (in this file) does not have.
        var columns: [String: Set<String>] = [:]
        for (index, entry) in (grants ?? []).enumerated() {
            let name = "grant \(index + 1) (\(entry.service) to \(entry.client))"
            guard let service = services?[entry.service] else {
                do { _ = try registry.service(entry.service, countingRows: false) } catch let error as UserFacingError {
                    throw ConnectError.invalidArgument("\(name): \(error.description)")
                }
                continue
            }
            guard let fields = entry.fields, let dataset = service.dataset else { continue }
            if columns[entry.service] == nil {
                columns[entry.service] = Set(try DatasetLoader.load(Self.resolve(dataset, in: folder)).flatMap(\.keys))
            }
            if let unknown = fields.first(where: { !(columns[entry.service] ?? []).contains($0) }) {
                throw ConnectError.invalidArgument("\(name): '\(unknown)' is not a field of \(dataset)")
            }
        }
        var done: [String] = []
        for (code, service) in (services ?? [:]).sorted(by: { $0.key < $1.key }) {
            do { try add(code, service, to: registry, relativeTo: folder, &done) } catch let ConnectError.refused(why) {
                // A grant held from an earlier run (a file's fields or columns changed since): the
                // file cannot be applied as it stands, which is bad input (exit 2), named.
                throw ConnectError.invalidArgument("service \(code): \(why)")
            }
        }
        let existing = try registry.grants()
        for entry in grants ?? [] {
            let client = try MemberIdentity(parsing: entry.client)
            let expires = try entry.expires.map(Timestamp.require)
            if let expires, expires <= registry.clock.now() {
                // A provider restarted from its file after a grant ran out: the rest still applies.
                done.append("grant \(entry.service) to \(entry.client): expired at \(Timestamp.format(expires)), left out")
                continue
            }
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

    private func add(_ code: String, _ service: Service, to registry: ConnectRegistry, relativeTo folder: String, _ done: inout [String]) throws {
        switch (service.dataset, service.proxy) {
        case let (dataset?, nil):
            let added = try registry.addDataset(code: code, source: Self.resolve(dataset, in: folder), keys: service.key ?? [])
            done.append("service \(code): \(added.rows ?? 0) rows")
        case let (nil, proxy?):
            _ = try registry.addProxy(code: code, upstream: proxy)
            done.append("service \(code): proxy to \(proxy)")
        default:
            throw ConnectError.invalidArgument("service \(code) needs either dataset (with key) or proxy")
        }
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
