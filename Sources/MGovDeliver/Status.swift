import Foundation

/// MDelivery's order statuses.
public enum DeliveryStatus: String, Codable, Sendable, CaseIterable {
    case awaitingPayment = "AwaitingPayment", paid = "Paid"
    case processing = "Processing", cancelled = "Cancelled", expired = "Expired", ready = "Ready"
    case awaitingPickup = "AwaitingPickup", delivering = "Delivering", delivered = "Delivered", confirmed = "Confirmed"
    case problem = "Problem", returning = "Returning", returned = "Returned"
    case unknown = "Unknown"

    /// Who sets a status: the payment side, the sender (the institution), or the carrier.
    public var setter: DeliveryActor {
        switch self {
        case .awaitingPayment, .paid: return .payment
        case .processing, .cancelled, .expired, .ready: return .sender
        case .awaitingPickup, .delivering, .delivered, .confirmed, .problem, .returning, .returned, .unknown: return .carrier
        }
    }

    /// No move leaves these.
    public var isFinal: Bool { [.confirmed, .cancelled, .expired, .returned].contains(self) }

    /// Parses MDelivery's names, case-insensitively.
    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else { return nil }
        self = match
    }
}

/// Who acts on an order.
public enum DeliveryActor: String, Codable, Sendable, CaseIterable {
    case sender, carrier, payment
}

/// The legal moves, and who may make them. A status's setter is the only one who may move an
/// order into it; `Unknown` (a carrier's status mgov cannot name) may come from any open status and
/// leads to any carrier status.
public enum DeliveryTransitions {
    /// From each status, the statuses it may move to.
    public static let table: [DeliveryStatus: [DeliveryStatus]] = [
        .awaitingPayment: [.paid, .cancelled, .expired],
        .paid: [.processing, .cancelled],
        .processing: [.ready, .cancelled],
        .ready: [.awaitingPickup, .delivering, .cancelled, .expired],
        .awaitingPickup: [.awaitingPickup, .delivering, .delivered, .problem, .returning, .expired],
        .delivering: [.delivering, .awaitingPickup, .delivered, .problem, .returning],
        .problem: [.problem, .delivering, .awaitingPickup, .returning],
        .delivered: [.confirmed, .problem],
        .returning: [.returning, .returned],
        .unknown: [.unknown, .awaitingPickup, .delivering, .delivered, .confirmed, .problem, .returning, .returned],
        .confirmed: [], .cancelled: [], .expired: [], .returned: [],
    ]

    /// Why `actor` may not move an order from `from` to `to`, or nil when the move is legal.
    public static func refusal(from: DeliveryStatus, to: DeliveryStatus, by actor: DeliveryActor) -> String? {
        if to.setter != actor {
            return "\(to.rawValue) is set by the \(to.setter.rawValue), not the \(actor.rawValue)"
        }
        if from.isFinal {
            return "the order is \(from.rawValue), a final status: nothing follows it"
        }
        let allowed = (table[from] ?? []) + (to == .unknown && actor == .carrier ? [.unknown] : [])
        guard allowed.contains(to) else {
            let next = (table[from] ?? []).map(\.rawValue).joined(separator: ", ")
            return "an order cannot go from \(from.rawValue) to \(to.rawValue) (from \(from.rawValue): \(next.isEmpty ? "nothing" : next))"
        }
        return nil
    }
}
