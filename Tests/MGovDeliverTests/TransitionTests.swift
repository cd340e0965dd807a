import Foundation
import MGovCore
import MGovTestSupport
import Testing
@testable import MGovDeliver

final class Events: AuditSink, @unchecked Sendable {
    private let lock = NSLock()
    private var kept: [AuditEvent] = []
    func record(_ event: AuditEvent) throws { lock.withLock { kept.append(event) } }
    var all: [AuditEvent] { lock.withLock { kept } }
    var types: [String] { all.map(\.type) }
    var last: AuditEvent? { all.last }
}

struct DeliverFixture {
    let dir: TemporaryDirectory
    let orders: DeliveryStore
    let events = Events()

    init() throws {
        dir = try TemporaryDirectory()
        orders = DeliveryStore(store: try Store(home: MGovHome(path: dir.file("home")), migrations: DeliveryStore.migrations),
                               clock: .system, audit: events)
        try orders.addCarrier(name: "Posta Moldovei", fingerprint: String(repeating: "AB:", count: 31) + "AB")
    }

    /// A move by `actor`; a carrier's is made as the registered Posta Moldovei.
    func step(_ status: DeliveryStatus, by actor: DeliveryActor) -> StatusUpdate {
        var update = StatusUpdate(status: status, actor: actor)
        if actor == .carrier { update.actorName = "Posta Moldovei" }
        return update
    }

    /// A new order moved along a legal path to `status`.
    func order(in status: DeliveryStatus) throws -> String {
        let paths: [DeliveryStatus: [DeliveryStatus]] = [
            .awaitingPayment: [], .paid: [.paid], .expired: [.expired],
            .processing: [], .cancelled: [.cancelled], .ready: [.ready],
            .awaitingPickup: [.ready, .awaitingPickup], .delivering: [.ready, .delivering],
            .delivered: [.ready, .delivering, .delivered], .confirmed: [.ready, .delivering, .delivered, .confirmed],
            .problem: [.ready, .delivering, .problem], .returning: [.ready, .delivering, .returning],
            .returned: [.ready, .delivering, .returning, .returned], .unknown: [.ready, .unknown],
        ]
        var new = DeliveryStore.NewOrder(sender: "MD/GOV/1/REG", recipient: try Recipient("idnp:2001234567890", name: "Ion"))
        new.address = "Chișinău"
        new.awaitingPayment = [.awaitingPayment, .paid, .expired].contains(status)
        let id = try orders.create(new).id
        for step in paths[status]! { _ = try orders.update(id, self.step(step, by: step.setter)) }
        #expect(try orders.order(id).status == status)
        return id
    }
}

@Suite struct TransitionTests {
    @Test func everyMoveIsAllowedExactlyAsTheTableSaysAndByItsSetterOnly() throws {
        let f = try DeliverFixture()
        var legal = 0, refused = 0
        for from in DeliveryStatus.allCases {
            let order = try f.order(in: from)
            for to in DeliveryStatus.allCases {
                for actor in DeliveryActor.allCases {
                    let allowed = !from.isFinal && to.setter == actor
                        && ((DeliveryTransitions.table[from] ?? []).contains(to) || (to == .unknown && actor == .carrier))
                    if allowed {
                        let fresh = try f.order(in: from)
                        let moved = try f.orders.update(fresh, f.step(to, by: actor))
                        #expect(moved.status == to)
                        legal += 1
                    } else {
                        #expect(throws: DeliverError.self, "\(from) → \(to) by \(actor)") {
                            try f.orders.update(order, f.step(to, by: actor))
                        }
                        refused += 1
                    }
                }
            }
            #expect(try f.orders.order(order).status == from, "refused moves change nothing")
        }
        #expect(legal > 40 && refused > 500)
    }

    @Test func theHistoryIsAppendOnlyAndTheStatusIsItsLastEvent() throws {
        let f = try DeliverFixture()
        let id = try f.order(in: .delivering)
        var update = StatusUpdate(status: .delivering, actor: .carrier)
        update.actorName = "Posta Moldovei"
        update.eventCode = "EMI"
        update.trackingID = "RR123456789MD"
        let order = try f.orders.update(id, update)
        #expect(order.history.map(\.seq) == [1, 2, 3, 4])
        #expect(order.history.map(\.status) == [.processing, .ready, .delivering, .delivering])
        #expect(order.trackingID == "RR123456789MD" && order.carrier == "Posta Moldovei")
        var other = StatusUpdate(status: .delivered, actor: .carrier)
        other.actorName = "Another Courier"
        #expect(throws: DeliverError.self) { try f.orders.update(id, other) }
        // No name: the order's own carrier acts. An order with none needs a registered one named.
        other.actorName = nil
        #expect(try f.orders.update(id, other).history.last?.actorName == "Posta Moldovei")
        let unassigned = try f.order(in: .ready)
        #expect(throws: DeliverError.self, "no carrier named") { try f.orders.update(unassigned, StatusUpdate(status: .delivering, actor: .carrier)) }
        var stranger = StatusUpdate(status: .delivering, actor: .carrier)
        stranger.actorName = "Nobody Express"
        #expect(throws: DeliverError.self, "not registered") { try f.orders.update(unassigned, stranger) }
        var assign = StatusUpdate(status: .delivering, actor: .carrier)
        assign.actorName = "Posta Moldovei"
        assign.carrier = "Nobody Express"
        #expect(throws: DeliverError.self, "not registered") { try f.orders.update(unassigned, assign) }
        #expect(try f.orders.order(unassigned).status == .ready, "refused moves change nothing")
        #expect(f.events.types.filter { $0 == "MDelivery.Order.StatusChanged" }.count == 5, "refused moves are not logged as changes")
    }

    @Test func anOrdersCarrierIsNotReassignedByAStatusUpdate() throws {
        let f = try DeliverFixture()
        try f.orders.addCarrier(name: "Fan Courier", fingerprint: String(repeating: "EF:", count: 31) + "EF")
        let id = try f.order(in: .processing)
        var assign = f.step(.ready, by: .sender)
        assign.carrier = "Posta Moldovei"
        #expect(try f.orders.update(id, assign).carrier == "Posta Moldovei", "an order with no carrier is given one")
        #expect(f.events.last?.fields["event_message"] == .string("Ready by the sender, carrier Posta Moldovei assigned"))
        var reassign = f.step(.cancelled, by: .sender)
        reassign.carrier = "Fan Courier"
        #expect(throws: DeliverError.invalidArgument("order \(id) is carried by Posta Moldovei: a status update cannot give it to Fan Courier")) {
            try f.orders.update(id, reassign)
        }
        #expect(try f.orders.order(id).carrier == "Posta Moldovei" && f.orders.order(id).status == .ready)
        reassign.carrier = "Posta Moldovei"
        #expect(try f.orders.update(id, reassign).carrier == "Posta Moldovei", "naming the order's own carrier again is no change")
        #expect(f.events.last?.fields["event_message"] == .string("Cancelled by the sender"))
    }

    @Test func aChangeWhoseAuditEventCannotBeWrittenIsNotMade() throws {
        let f = try DeliverFixture()
        let id = try f.order(in: .processing)
        let log = TransactionRefusingSink()
        let orders = DeliveryStore(store: f.orders.store, clock: .system, audit: log)
        var new = DeliveryStore.NewOrder(sender: "MD/GOV/1/REG", recipient: try Recipient("idnp:2001234567890", name: "Ion"))
        new.address = "Chișinău"

        #expect(throws: TransactionRefusingSink.Refused.self) { try orders.create(new) }
        #expect(try orders.list().map(\.id) == [id])
        #expect(throws: TransactionRefusingSink.Refused.self) { try orders.update(id, f.step(.ready, by: .sender)) }
        #expect(try orders.order(id).status == .processing && orders.order(id).history.count == 1)
        #expect(throws: TransactionRefusingSink.Refused.self) { try orders.addCarrier(name: "Curier", fingerprint: String(repeating: "CD:", count: 31) + "CD") }
        #expect(try orders.carriers().map(\.name) == ["Posta Moldovei"])
        #expect(log.events.isEmpty, "nothing was logged after a commit either")
    }

    @Test func badInputIsRefused() throws {
        #expect(throws: DeliverError.self) { try Recipient("idnp:123", name: "x") }
        #expect(throws: DeliverError.self) { try Recipient("cnp:2001234567890", name: "x") }
        #expect(throws: DeliverError.self) { try Recipient("idnp:2001234567890", name: "x", phone: "069123456") }
        #expect(throws: DeliverError.self) { try Package("heavy") }
        #expect(throws: DeliverError.self) { try Package("1:30x20") }
        let f = try DeliverFixture()
        let new = DeliveryStore.NewOrder(sender: "MD/GOV/1/REG", recipient: try Recipient("idno:1003600123456", name: "SRL"))
        #expect(throws: DeliverError.self) { try f.orders.create(new) }  // neither address nor pickup point
    }
}
