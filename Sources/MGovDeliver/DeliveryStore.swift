import Foundation
import GRDB
import MGovCore

/// Errors of delivery orders, as sentences.
public enum DeliverError: UserFacingError, Equatable {
    case invalidArgument(String)
    case unknownOrder(String)
    case illegalTransition(String)
    case notYourOrder(String)

    public var description: String {
        switch self {
        case let .invalidArgument(text), let .illegalTransition(text), let .notYourOrder(text): return text
        case let .unknownOrder(id): return "no delivery order \(id)"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .illegalTransition, .notYourOrder: return .refused
        default: return .failure
        }
    }
}

/// The person or organisation a delivery is for.
public struct Recipient: Codable, Sendable, Equatable {
    /// `Person` (IDNP) or `Organization` (IDNO), as MDelivery names them.
    public let type: String
    public let code: String
    public let name: String
    public var phone: String?
    public var email: String?

    /// `idnp:2001234567890` or `idno:1003600123456`.
    public init(_ text: String, name: String, phone: String? = nil, email: String? = nil) throws {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, ["idnp", "idno"].contains(parts[0].lowercased()), parts[1].count == 13, parts[1].allSatisfy(\.isNumber) else {
            throw DeliverError.invalidArgument("'\(text)' is not a recipient: write idnp:<13 digits> (a person) or idno:<13 digits> (an organization)")
        }
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 250 else { throw DeliverError.invalidArgument("a recipient's name has 1 to 250 characters") }
        try DeliveryStore.requireOneLine(name, "a recipient's name")
        if let phone, phone.range(of: #"^\+[1-9][0-9]{6,14}\z"#, options: .regularExpression) == nil {
            throw DeliverError.invalidArgument("'\(phone)' is not an E.164 phone number (+373…)")
        }
        if let email, email.range(of: #"^[^@\s]+@[^@\s]+\.[^@\s]+\z"#, options: .regularExpression) == nil {
            throw DeliverError.invalidArgument("'\(email)' is not an e-mail address")
        }
        type = parts[0].lowercased() == "idnp" ? "Person" : "Organization"
        code = parts[1]
        self.name = name
        self.phone = phone
        self.email = email
    }
}

/// A parcel: weight in kilograms and size in centimetres.
public struct Package: Codable, Sendable, Equatable {
    public let weightKg: Double
    public let lengthCm: Double, widthCm: Double, heightCm: Double

    enum CodingKeys: String, CodingKey { case weightKg = "weight_kg", lengthCm = "length_cm", widthCm = "width_cm", heightCm = "height_cm" }

    /// `1.2:30x20x5` (kg : cm x cm x cm).
    public init(_ text: String) throws {
        let parts = text.split(separator: ":").map(String.init)
        let size = parts.count == 2 ? parts[1].split(separator: "x").compactMap { Double($0) } : []
        // Positive and finite ("inf" parses as a Double, and JSON has no infinity).
        guard parts.count == 2, let weight = Double(parts[0]), weight > 0, weight.isFinite, size.count == 3,
              size.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw DeliverError.invalidArgument("'\(text)' is not a package: write WEIGHT_KG:LxWxH_CM, e.g. 1.2:30x20x5")
        }
        weightKg = weight
        lengthCm = size[0]; widthCm = size[1]; heightCm = size[2]
    }
}

/// One event of an order's history (append-only).
public struct DeliveryEvent: Codable, Sendable, Equatable {
    /// Global, increasing: the cursor of `changes(since:)`.
    public let id: Int64
    public let order: String
    public let seq: Int
    public let status: DeliveryStatus
    public let actor: DeliveryActor
    /// The carrier's or sender's name, when known.
    public let actorName: String?
    public let message: String?
    public let eventCode: String?
    public let time: String

    enum CodingKeys: String, CodingKey { case id, order, seq, status, actor, message, time, actorName = "actor_name", eventCode = "event_code" }

    init(row: Row) {
        id = row["id"]
        order = row["order_id"]
        seq = row["seq"]
        status = DeliveryStatus(rawValue: row["status"]) ?? .unknown
        actor = DeliveryActor(rawValue: row["actor"]) ?? .sender
        actorName = row["actor_name"]
        message = row["message"]
        eventCode = row["event_code"]
        time = row["time"]
    }
}

/// A delivery order with its history; `status` is the last event's.
public struct DeliveryOrder: Codable, Sendable, Equatable {
    public let id: String
    public let service: String
    public let sender: String
    public let recipient: Recipient
    public let address: String?
    public let pickupPoint: String?
    public let documents: [String]
    public let packages: [Package]
    public let paid: Bool
    public let acceptedUntil: String?
    public let estimatedReady: String?
    public let carrier: String?
    public let trackingID: String?
    public let estimatedDeliveryFrom: String?
    public let estimatedDeliveryTo: String?
    public let cost: Double?
    public let createdAt: String
    public let status: DeliveryStatus
    public let history: [DeliveryEvent]

    enum CodingKeys: String, CodingKey {
        case id, service, sender, recipient, address, documents, packages, paid, carrier, cost, status, history
        case pickupPoint = "pickup_point", acceptedUntil = "accepted_until", estimatedReady = "estimated_ready"
        case trackingID = "tracking_id", estimatedDeliveryFrom = "estimated_delivery_from", estimatedDeliveryTo = "estimated_delivery_to"
        case createdAt = "created_at"
    }
}

/// What a status update says besides the status.
public struct StatusUpdate: Sendable {
    public var status: DeliveryStatus
    public var actor: DeliveryActor
    public var actorName: String?
    public var message: String?
    public var eventCode: String?
    public var carrier: String?
    public var trackingID: String?
    public var estimatedDeliveryFrom: String?
    public var estimatedDeliveryTo: String?
    public var cost: Double?

    public init(status: DeliveryStatus, actor: DeliveryActor) {
        self.status = status
        self.actor = actor
    }
}

/// Delivery orders in the store, with MDelivery's statuses and an append-only history. Every
/// change is an audit event.
public final class DeliveryStore: Sendable {
    public let store: Store
    let clock: Clock
    let audit: any AuditSink

    public init(store: Store, clock: Clock, audit: any AuditSink) {
        self.store = store
        self.clock = clock
        self.audit = audit
    }

    public static let migrations: [StoreMigration] = [
        StoreMigration("deliver.1-orders") { db in
            try db.execute(sql: """
                CREATE TABLE deliver_order (
                    id TEXT PRIMARY KEY,
                    service TEXT NOT NULL,
                    sender TEXT NOT NULL,
                    recipient TEXT NOT NULL,
                    address TEXT,
                    pickup_point TEXT,
                    documents TEXT NOT NULL,
                    packages TEXT NOT NULL,
                    paid INTEGER NOT NULL,
                    accepted_until TEXT,
                    estimated_ready TEXT,
                    carrier TEXT,
                    tracking_id TEXT,
                    estimated_delivery_from TEXT,
                    estimated_delivery_to TEXT,
                    cost REAL,
                    created_at TEXT NOT NULL
                );
                CREATE TABLE deliver_event (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    order_id TEXT NOT NULL REFERENCES deliver_order(id),
                    seq INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    actor_name TEXT,
                    message TEXT,
                    event_code TEXT,
                    time TEXT NOT NULL,
                    UNIQUE (order_id, seq)
                );
                CREATE TABLE deliver_carrier (
                    name TEXT PRIMARY KEY,
                    fingerprint TEXT NOT NULL UNIQUE,
                    created_at TEXT NOT NULL
                );
                """)
        },
    ]

    /// What `create` needs.
    public struct NewOrder: Sendable {
        public var service = "default"
        public var sender: String
        public var recipient: Recipient
        public var address: String?
        public var pickupPoint: String?
        public var documents: [String] = []
        public var packages: [Package] = []
        public var awaitingPayment = false
        public var acceptedUntil: Date?
        public var estimatedReady: Date?
        public var carrier: String?

        public init(sender: String, recipient: Recipient) {
            self.sender = sender
            self.recipient = recipient
        }
    }

    /// Creates an order: Processing, or AwaitingPayment when payment is still due.
    public func create(_ new: NewOrder) throws -> DeliveryOrder {
        try check(new)
        let now = clock.now()
        let id = Identifier.make(at: now)
        let initial: DeliveryStatus = new.awaitingPayment ? .awaitingPayment : .processing
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try store.database.write { db in
            try db.execute(sql: """
                INSERT INTO deliver_order (id, service, sender, recipient, address, pickup_point, documents, packages, paid,
                                           accepted_until, estimated_ready, carrier, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, new.service, new.sender, String(decoding: try encoder.encode(new.recipient), as: UTF8.self), new.address,
                                 new.pickupPoint, String(decoding: try encoder.encode(new.documents), as: UTF8.self),
                                 String(decoding: try encoder.encode(new.packages), as: UTF8.self), !new.awaitingPayment,
                                 new.acceptedUntil.map(Timestamp.format), new.estimatedReady.map(Timestamp.format), new.carrier,
                                 Timestamp.format(now)])
            try db.execute(sql: "INSERT INTO deliver_event (order_id, seq, status, actor, actor_name, message, time) VALUES (?, 1, ?, 'sender', ?, 'created', ?)",
                           arguments: [id, initial.rawValue, new.sender, Timestamp.format(now)])
            let order = try self.order(id, db)
            try record("MDelivery.Order.Created", order, actor: "sender", message: "created, \(initial.rawValue)", in: db)
            return order
        }
    }

    /// Throws what `create` would refuse `new` for, writing nothing: a caller that stores files
    /// for the order first checks it, so a refused order leaves no documents behind.
    public func check(_ new: NewOrder) throws {
        guard (try? MemberIdentity(parsing: new.sender)) != nil else {
            throw DeliverError.invalidArgument("the sender '\(new.sender)' is not a member identity (INSTANCE/CLASS/MEMBER[/SUBSYSTEM])")
        }
        // The {service} of the carrier endpoints' paths: what a URL path segment holds unencoded.
        guard (1...100).contains(new.service.utf8.count),
              new.service.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) }),
              new.service != ".", new.service != ".." else {
            throw DeliverError.invalidArgument("a service code has 1 to 100 letters, digits, '-', '_' or '.'")
        }
        try Self.requireOneLine(new.address, "an address")
        try Self.requireOneLine(new.pickupPoint, "a pickup point code")
        guard (new.address == nil) != (new.pickupPoint == nil) else {
            throw DeliverError.invalidArgument("give an address or a pickup point code (one of them)")
        }
        if let address = new.address, address.trimmingCharacters(in: .whitespaces).isEmpty || address.count > 500 {
            throw DeliverError.invalidArgument("an address has 1 to 500 characters")
        }
        if let accepted = new.acceptedUntil, accepted <= clock.now() {
            throw DeliverError.invalidArgument("--accepted-until must be in the future")
        }
        if let carrier = new.carrier { try store.database.read { db in try Self.requireRegistered(carrier, db) } }
    }

    /// Appends a status change after checking it against the transition table, in one write
    /// transaction: concurrent updates are serialised and each sees the one before.
    public func update(_ id: String, _ update: StatusUpdate, service: String? = nil) throws -> DeliveryOrder {
        let now = Timestamp.format(clock.now())
        if let message = update.message, message.count > 1000 { throw DeliverError.invalidArgument("a message has at most 1,000 characters") }
        try Self.requireOneLine(update.message, "a message")
        try Self.requireOneLine(update.eventCode, "an event code")
        try Self.requireOneLine(update.trackingID, "a tracking id")
        var update = update
        return try store.database.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT service, carrier FROM deliver_order WHERE id = ?", arguments: [id]) else {
                throw DeliverError.unknownOrder(id)
            }
            if let service, (row["service"] as String) != service { throw DeliverError.unknownOrder(id) }
            let assigned = row["carrier"] as String?
            if update.actor == .carrier {
                // A carrier acts by name: the order's own, by default; never one that is not registered.
                guard let name = update.actorName ?? assigned else {
                    throw DeliverError.invalidArgument("order \(id) has no carrier yet: name the one acting with --carrier NAME")
                }
                update.actorName = name
            }
            for name in Set([update.actorName, update.carrier].compactMap { $0 }) { try Self.requireRegistered(name, db) }
            if update.actor == .carrier, let assigned, let name = update.actorName, assigned != name {
                throw DeliverError.notYourOrder("order \(id) is carried by \(assigned), not \(name)")
            }
            // An order's carrier is named once: a status update that named another would hand the
            // order (and the recipient's address) to it without a word in the history.
            if let assigned, let named = update.carrier, named != assigned {
                throw DeliverError.invalidArgument("order \(id) is carried by \(assigned): a status update cannot give it to \(named)")
            }
            let newCarrier = assigned == nil ? update.carrier ?? (update.actor == .carrier ? update.actorName : nil) : nil
            let last = try Row.fetchOne(db, sql: "SELECT seq, status FROM deliver_event WHERE order_id = ? ORDER BY seq DESC LIMIT 1", arguments: [id])
            let current = DeliveryStatus(rawValue: last?["status"] ?? "") ?? .unknown
            if let refusal = DeliveryTransitions.refusal(from: current, to: update.status, by: update.actor) {
                throw DeliverError.illegalTransition(refusal)
            }
            let seq = (last?["seq"] as Int? ?? 0) + 1
            try db.execute(sql: "INSERT INTO deliver_event (order_id, seq, status, actor, actor_name, message, event_code, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           arguments: [id, seq, update.status.rawValue, update.actor.rawValue, update.actorName, update.message, update.eventCode, now])
            try db.execute(sql: """
                UPDATE deliver_order SET
                    carrier = COALESCE(?, carrier), tracking_id = COALESCE(?, tracking_id),
                    estimated_delivery_from = COALESCE(?, estimated_delivery_from), estimated_delivery_to = COALESCE(?, estimated_delivery_to),
                    cost = COALESCE(?, cost), paid = CASE WHEN ? THEN 1 ELSE paid END
                WHERE id = ?
                """, arguments: [newCarrier, update.trackingID,
                                 update.estimatedDeliveryFrom, update.estimatedDeliveryTo, update.cost, update.status == .paid, id])
            let order = try self.order(id, db)
            try record("MDelivery.Order.StatusChanged", order, actor: update.actorName ?? update.actor.rawValue,
                       message: "\(update.status.rawValue) by the \(update.actor.rawValue)\(newCarrier.map { ", carrier \($0) assigned" } ?? "")\(update.message.map { ": \($0)" } ?? "")", in: db)
            return order
        }
    }

    public func order(_ id: String) throws -> DeliveryOrder {
        try store.database.read { db in try self.order(id, db) }
    }

    func order(_ id: String, _ db: Database) throws -> DeliveryOrder {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM deliver_order WHERE id = ?", arguments: [id]) else { throw DeliverError.unknownOrder(id) }
        let history = try Row.fetchAll(db, sql: "SELECT * FROM deliver_event WHERE order_id = ? ORDER BY seq", arguments: [id]).map(DeliveryEvent.init)
        let decoder = JSONDecoder()
        return DeliveryOrder(
            id: id, service: row["service"], sender: row["sender"],
            recipient: try decoder.decode(Recipient.self, from: Data((row["recipient"] as String).utf8)),
            address: row["address"], pickupPoint: row["pickup_point"],
            documents: try decoder.decode([String].self, from: Data((row["documents"] as String).utf8)),
            packages: try decoder.decode([Package].self, from: Data((row["packages"] as String).utf8)),
            paid: row["paid"], acceptedUntil: row["accepted_until"], estimatedReady: row["estimated_ready"],
            carrier: row["carrier"], trackingID: row["tracking_id"], estimatedDeliveryFrom: row["estimated_delivery_from"],
            estimatedDeliveryTo: row["estimated_delivery_to"], cost: row["cost"], createdAt: row["created_at"],
            status: history.last?.status ?? .unknown, history: history)
    }

    /// Orders, optionally in one status, and optionally only open ones with no event for longer than `staleAfter`.
    public func list(status: DeliveryStatus? = nil, staleAfter: TimeInterval? = nil) throws -> [DeliveryOrder] {
        try store.database.read { db in
            let ids = try String.fetchAll(db, sql: "SELECT id FROM deliver_order ORDER BY created_at, id")
            let cutoff = staleAfter.map { Timestamp.format(clock.now().addingTimeInterval(-$0)) }
            return try ids.map { try self.order($0, db) }.filter { order in
                if let status, order.status != status { return false }
                if let cutoff {
                    guard !order.status.isFinal, let last = order.history.last?.time, last < cutoff else { return false }
                }
                return true
            }
        }
    }

    /// Events of `service`'s orders after the cursor `since` (an event id), oldest first; for a carrier, only of the orders it
    /// may see (assigned to it, or to no carrier yet), as with an order's details.
    public func changes(service: String, since: Int64, carrier: String? = nil, limit: Int = 500) throws -> [DeliveryEvent] {
        try store.database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT e.* FROM deliver_event e JOIN deliver_order o ON o.id = e.order_id
                WHERE o.service = ? AND e.id > ? AND (? IS NULL OR o.carrier IS NULL OR o.carrier = ?) ORDER BY e.id LIMIT ?
                """, arguments: [service, since, carrier, carrier, limit]).map(DeliveryEvent.init)
        }
    }

    // MARK: Carriers

    /// Registers a carrier by its certificate's SHA-256 fingerprint: only it may set carrier statuses over HTTP.
    public func addCarrier(name: String, fingerprint: String) throws {
        guard !name.isEmpty, name.count <= 100 else { throw DeliverError.invalidArgument("a carrier name has 1 to 100 characters") }
        try store.database.write { db in
            // One certificate, one carrier: registering it under another name would silently take it from the first.
            if let holder = try String.fetchOne(db, sql: "SELECT name FROM deliver_carrier WHERE fingerprint = ?", arguments: [fingerprint]), holder != name {
                throw DeliverError.invalidArgument("that certificate is registered for the carrier \(holder)")
            }
            // A carrier registered again gets the new certificate (a renewal).
            try db.execute(sql: "INSERT OR REPLACE INTO deliver_carrier VALUES (?, ?, ?)", arguments: [name, fingerprint, Timestamp.format(clock.now())])
            try audit.record("MDelivery.Carrier.Registered", at: clock.now(),
                             ["object": name, "object_type": "carrier", "event_message": "certificate \(fingerprint)"], in: db)
        }
    }

    /// The carrier a certificate fingerprint belongs to.
    public func carrier(fingerprint: String) throws -> String? {
        try store.database.read { db in try String.fetchOne(db, sql: "SELECT name FROM deliver_carrier WHERE fingerprint = ?", arguments: [fingerprint]) }
    }

    /// Refuses control characters (a line break above all) in a value that `deliver list`, `show` and
    /// the history print one per line: an order's row split in two reads as two orders.
    static func requireOneLine(_ value: String?, _ what: String) throws {
        guard let value else { return }
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw DeliverError.invalidArgument("\(what) may not hold a line break or another control character")
        }
    }

    /// Throws unless `name` is a registered carrier's, naming those that are.
    static func requireRegistered(_ name: String, _ db: Database) throws {
        let known = try String.fetchAll(db, sql: "SELECT name FROM deliver_carrier ORDER BY name")
        guard known.contains(name) else {
            throw DeliverError.invalidArgument("'\(name)' is not a registered carrier (\(known.isEmpty ? "none is: deliver carrier add NAME --cert FILE" : "registered: " + known.joined(separator: ", ")))")
        }
    }

    public func carriers() throws -> [(name: String, fingerprint: String)] {
        try store.database.read { db in
            try Row.fetchAll(db, sql: "SELECT name, fingerprint FROM deliver_carrier ORDER BY name").map { ($0["name"], $0["fingerprint"]) }
        }
    }

    // MARK: Audit

    /// Records that a carrier read an order's details (the recipient's name and address) over HTTPS.
    public func recordRead(_ order: DeliveryOrder, carrier: String, address: String?) throws {
        try record("MDelivery.Order.Read", order, actor: carrier, message: "details read by the carrier",
                   extra: ["user_address": address])
    }

    /// Records an event about `order`: inside the write transaction `db` that changed it (the two
    /// commit together), or on its own when nothing changed (a read).
    private func record(_ type: String, _ order: DeliveryOrder, actor: String, message: String, extra: [String: String?] = [:],
                        in db: Database? = nil) throws {
        var fields: [String: String?] = ["object": order.id, "object_type": "delivery_order", "user": actor, "event_message": message,
                                         "status": order.status.rawValue].merging(extra) { $1 }
        if order.recipient.type == "Person" { fields["subject"] = order.recipient.code; fields["subject_type"] = "idnp" }
        if let db { try audit.record(type, at: clock.now(), fields, in: db) } else { try audit.record(type, at: clock.now(), fields) }
    }
}
