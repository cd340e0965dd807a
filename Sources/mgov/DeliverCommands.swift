import ArgumentParser
import Foundation
import MGovCore
import MGovCrypto
import MGovDeliver
import MGovDocs
import MGovNet

struct DeliverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver",
        abstract: "Document delivery orders with MDelivery's statuses, a transition table and carrier updates.",
        discussion: """
            An order's status is its last history event; the history is append-only. Who sets what: \
            AwaitingPayment, Paid (payment); Processing, Cancelled, Expired, Ready (sender); AwaitingPickup, \
            Delivering, Delivered, Confirmed, Problem, Returning, Returned, Unknown (carrier). A new order starts \
            Processing, or AwaitingPayment with --awaiting-payment. Legal moves:

            \(transitionTable)

            Unknown (a carrier status mgov cannot name) may also follow any open status. Confirmed, Cancelled, \
            Expired and Returned are final. An illegal move is refused with the reason (exit 1). Every change is an \
            audit event.
            """,
        subcommands: [Create.self, Show.self, List.self, Update.self, Cancel.self, CarrierGroup.self, Serve.self]
    )

    static var transitionTable: String {
        DeliveryStatus.allCases.map { status in
            let next = DeliveryTransitions.table[status] ?? []
            let moves = next.map { "\($0.rawValue) (\($0.setter.rawValue))" }.joined(separator: ", ")
            return "  \(status.rawValue) -> \(moves.isEmpty ? "nothing (final)" : moves)"
        }.joined(separator: "\n")
    }

    /// The orders; `byOperator`: false for the server, whose events are the carriers' doing (see `Context.audit`).
    static func orders(_ context: Context, byOperator: Bool = true) throws -> DeliveryStore {
        DeliveryStore(store: try context.store(), clock: context.clock, audit: try context.audit(byOperator: byOperator))
    }

    static func print(_ order: DeliveryOrder, _ console: Console) throws {
        if console.isJSON { try console.json(order); return }
        var lines = ["id:        \(order.id)", "status:    \(order.status.rawValue)", "service:   \(order.service)", "sender:    \(order.sender)",
                     "recipient: \(order.recipient.type) \(order.recipient.code), \(order.recipient.name)"]
        if let address = order.address { lines.append("address:   \(address)") }
        if let point = order.pickupPoint { lines.append("pickup:    \(point)") }
        if !order.documents.isEmpty { lines.append("documents: \(order.documents.joined(separator: ", "))") }
        for p in order.packages { lines.append("package:   \(p.weightKg) kg, \(p.lengthCm)x\(p.widthCm)x\(p.heightCm) cm") }
        if let carrier = order.carrier { lines.append("carrier:   \(carrier)\(order.trackingID.map { ", tracking \($0)" } ?? "")") }
        lines.append("history:")
        for e in order.history {
            lines.append("  \(e.time)  \(e.status.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0)) \(e.actor.rawValue)\(e.actorName.map { " (\($0))" } ?? "")\(e.message.map { ": \($0)" } ?? "")\(e.eventCode.map { " [\($0)]" } ?? "")")
        }
        console.out(lines.joined(separator: "\n"))
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a delivery order; prints its id.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Option(help: ArgumentHelp("The recipient: idnp:<13 digits> (a person) or idno:<13 digits> (an organization).", valueName: "id"))
        var recipient: String
        @Option(help: "The recipient's name.") var name: String
        @Option(help: ArgumentHelp("The recipient's phone (E.164).", valueName: "+373...")) var phone: String?
        @Option(help: "The recipient's e-mail.") var email: String?
        @Option(help: "The delivery address.") var address: String?
        @Option(help: ArgumentHelp("A pickup point instead of an address.", valueName: "code")) var pickupPoint: String?
        @Option(help: ArgumentHelp("A document from 'mgov docs' (repeatable).", valueName: "id")) var doc: [String] = []
        @Option(help: ArgumentHelp("A file to deliver: stored with 'mgov docs', owned by the recipient (repeatable).", valueName: "file"), completion: .file())
        var file: [String] = []
        @Option(help: ArgumentHelp("A package, WEIGHT_KG:LxWxH_CM (repeatable).", valueName: "package")) var package: [String] = []
        @Flag(help: "Payment is still due: the order starts AwaitingPayment.") var awaitingPayment = false
        @Option(help: ArgumentHelp("The order is accepted until then.", valueName: "time"), transform: Timestamp.require) var acceptedUntil: Date?
        @Option(help: ArgumentHelp("When it is expected to be ready.", valueName: "time"), transform: Timestamp.require) var estimatedReady: Date?
        @Option(help: ArgumentHelp("The carrier (as registered with 'deliver carrier add').", valueName: "name")) var carrier: String?
        @Option(help: ArgumentHelp("The sender's service code (the {service} of the carrier endpoints).", valueName: "code"))
        var service = "default"
        @Option(help: ArgumentHelp("The sender (default: the profile's identity).", valueName: "identity")) var sender: String?

        func run() async throws {
            let context = global.makeContext()
            guard let senderID = try sender ?? context.profileIfAny()?.identity.description else {
                throw ValidationError("no sender: pass --sender IDENTITY or select a profile")
            }
            var new = DeliveryStore.NewOrder(sender: senderID, recipient: try Recipient(recipient, name: name, phone: phone, email: email))
            new.service = service
            new.address = address
            new.pickupPoint = pickupPoint
            new.packages = try package.map(Package.init)
            new.awaitingPayment = awaitingPayment
            new.acceptedUntil = acceptedUntil
            new.estimatedReady = estimatedReady
            new.carrier = carrier
            let orders = try DeliverCommand.orders(context)
            try orders.check(new)  // before any file is stored for it
            if !doc.isEmpty || !file.isEmpty {
                let documents = try DocsCommand.documents(context)
                let owner = try Principal("urn:md:\(new.recipient.type == "Person" ? "idnp" : "idno"):\(new.recipient.code)")
                for id in doc {
                    // An order delivers the recipient's documents: another person's would be disclosed to them.
                    let document = try documents.document(id)
                    guard document.owner == owner.urn else {
                        throw DeliverError.invalidArgument("document \(id) is owned by \(document.owner), not by the recipient (\(owner.urn))")
                    }
                }
                var stored: [String] = []
                for path in file {
                    let input = try FileSystem.openForReading(path)
                    defer { close(input) }
                    stored.append(try documents.add(.init(name: (path as NSString).lastPathComponent, owner: owner), from: input, actor: owner).id)
                }
                new.documents = doc + stored
            }
            let order = try orders.create(new)
            if context.console.isJSON { try context.console.json(order) } else { context.console.out(order.id) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an order with its timeline.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "The order's id.") var id: String

        func run() async throws {
            let context = global.makeContext()
            try DeliverCommand.print(try DeliverCommand.orders(context).order(id), context.console)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List orders, by status, or open ones with no news for a while.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Option(help: "Only orders in this status.") var status: String?
        @Option(help: ArgumentHelp("Only open orders with no event for longer than this (e.g. 48h, 7d).", valueName: "duration")) var stale: String?

        func run() async throws {
            let context = global.makeContext()
            let wanted = try status.map { name -> DeliveryStatus in
                guard let s = DeliveryStatus(name: name) else { throw ValidationError("'\(name)' is not a delivery status") }
                return s
            }
            let staleAfter = try stale.map { text -> TimeInterval in
                guard let d = Timestamp.parseDuration(text) else { throw ValidationError("'\(text)' is not a duration (48h, 7d; at most 1000y)") }
                return d
            }
            let orders = try DeliverCommand.orders(context).list(status: wanted, staleAfter: staleAfter)
            if context.console.isJSON { try context.console.json(orders); return }
            for o in orders {
                context.console.out("\(o.id)\t\(o.status.rawValue)\t\(o.recipient.name)\t\(o.history.last?.time ?? "")")
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move an order to a new status, as the sender, the carrier or the payment side.",
            discussion: "Exit codes: 0 moved; 1 the move is illegal (the reason is printed); 2 bad input.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "The order's id.") var id: String
        @Argument(help: "The new status (MDelivery's name).") var status: String
        @Option(name: .customLong("as"), help: "sender, carrier or payment.") var actor: DeliveryActor
        @Option(help: "What happened.") var message: String?
        @Option(help: "The carrier's tracking id.") var trackingId: String?
        @Option(help: ArgumentHelp("The carrier's event code (e.g. EMI).", valueName: "code")) var eventCode: String?
        @Option(help: ArgumentHelp("A registered carrier (with --as carrier: the one acting; default the order's own).", valueName: "name")) var carrier: String?

        func run() async throws {
            let context = global.makeContext()
            guard let target = DeliveryStatus(name: status) else {
                throw ValidationError("'\(status)' is not a delivery status (\(DeliveryStatus.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            var update = StatusUpdate(status: target, actor: actor)
            update.message = message
            update.trackingID = trackingId
            update.eventCode = eventCode
            update.actorName = actor == .carrier ? carrier : nil
            update.carrier = carrier
            let orders = try DeliverCommand.orders(context)
            do {
                try DeliverCommand.print(try orders.update(id, update), context.console)
            } catch let error as DeliverError {
                // Acting on another carrier's order is a refused access, logged as deliver serve logs it.
                if case .notYourOrder = error { try orders.recordRefusal(error.description, status: nil, carrier: carrier ?? actor.rawValue, address: nil) }
                throw error
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel an order (as the sender), while the table allows it.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "The order's id.") var id: String
        @Option(help: "Why.") var message: String?

        func run() async throws {
            let context = global.makeContext()
            var update = StatusUpdate(status: .cancelled, actor: .sender)
            update.message = message
            try DeliverCommand.print(try DeliverCommand.orders(context).update(id, update), context.console)
        }
    }

    struct CarrierGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "carrier", abstract: "Carriers allowed to call 'deliver serve'.",
                                                        subcommands: [CarrierAdd.self, CarrierList.self])
    }

    struct CarrierAdd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Register a carrier by its client certificate.",
            discussion: "A certificate belongs to one carrier; registering a carrier again gives it the new certificate (a renewal).")
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "The carrier's name.") var name: String
        @Option(help: ArgumentHelp("The carrier's certificate (PEM or DER).", valueName: "file"), completion: .file()) var cert: String

        func run() async throws {
            let context = global.makeContext()
            let certificate = try Certificate.loadAll(path: cert)[0]
            guard !certificate.isCA else { throw ValidationError("\(certificate.subject) is a CA certificate: register the carrier's own") }
            try DeliverCommand.orders(context).addCarrier(name: name, fingerprint: certificate.sha256Fingerprint)
            // As `carrier list --json` shows a carrier.
            if context.console.isJSON { try context.console.json(["name": name, "sha256_fingerprint": certificate.sha256Fingerprint]); return }
            context.console.info("carrier \(name): \(certificate.subject)")
        }
    }

    struct CarrierList: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List registered carriers.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions

        func run() async throws {
            let context = global.makeContext()
            let carriers = try DeliverCommand.orders(context).carriers()
            if context.console.isJSON { try context.console.json(carriers.map { ["name": $0.name, "sha256_fingerprint": $0.fingerprint] }); return }
            for c in carriers { context.console.out("\(c.name)\t\(c.fingerprint)") }
        }
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the carrier endpoints over mutual TLS.",
            discussion: """
                GET /api/v1/delivery/services/SERVICE/orders/ORDER/delivery/details; \
                PUT /api/v1/delivery/services/SERVICE/orders/ORDER/delivery/status with JSON {"status", "message", \
                "carrierName", "trackingID", "estimatedDeliveryFrom", "estimatedDeliveryTo", "cost", "eventCode"}; \
                GET /api/v1/delivery/services/SERVICE/delivery/changes?since=N for polling (answers {"changes", "next"}). \
                Clients need a certificate from the profile's trust anchors, registered with 'deliver carrier add'; a \
                carrier sets carrier statuses only, on its own orders. Answers 400, 403, 404, 409 (illegal move).

                Prints the URL it listens on (port 0 picks a free one), then serves until SIGTERM or SIGINT.
                Exit codes: 0 stopped; 2 cannot listen or no TLS credentials.
                """)
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var password: PasswordOptions
        @Option(help: ArgumentHelp("HOST:PORT to listen on (default: 127.0.0.1:8445).", valueName: "address"), transform: ListenAddress.init(parsing:))
        var listen = ListenAddress(host: "127.0.0.1", port: 8445)

        func run() async throws {
            let context = global.makeContext(passwordFile: password.passwordFile)
            let address = listen
            let tls = try TLSIdentity.load(try context.profile(), passwords: PasswordSource(passwordFile: password.passwordFile))
            let server = DeliveryServer(orders: try DeliverCommand.orders(context, byOperator: false))
            let console = context.console
            try await HTTPServerRunner(address: address, tls: tls).run(server.router()) { url in
                if console.isJSON { try? console.jsonLine(["url": url]) } else { console.out("listening on \(url)") }
            }
        }
    }
}

extension DeliveryActor: ExpressibleByArgument {}
