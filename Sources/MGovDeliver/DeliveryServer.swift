import Foundation
import Hummingbird
import MGovCore
import MGovNet
import NIOCore

/// `mgov deliver serve`: the endpoints a carrier calls, over mutual TLS. Only a certificate
/// registered as a carrier's (`deliver carrier add`) is answered; a carrier sets only carrier
/// statuses, and only on orders it carries (or not yet assigned).
///
/// - `GET  /api/v1/delivery/services/{service}/orders/{order}/delivery/details`
/// - `PUT  /api/v1/delivery/services/{service}/orders/{order}/delivery/status`
///   `{"status", "message", "carrierName", "trackingID", "estimatedDeliveryFrom", "estimatedDeliveryTo", "cost", "eventCode"}`
/// - `GET  /api/v1/delivery/services/{service}/delivery/changes?since=N` (events after the cursor N, of the
///   orders the carrier may see: its own and those not yet assigned)
///
/// Answers: 400 bad JSON or status, 403 not a carrier or not a carrier status or not its order,
/// 404 unknown order, 409 an illegal transition (with the reason).
public struct DeliveryServer: Sendable {
    public let orders: DeliveryStore
    static let base = "api/v1/delivery/services/:service"

    public init(orders: DeliveryStore) { self.orders = orders }

    public func router() -> Router<PeerRequestContext> {
        let router = Router(context: PeerRequestContext.self)
        router.get("\(Self.base)/orders/:order/delivery/details") { _, context in
            await respond(context) { carrier in
                let order = try orders.order(context.parameters.get("order") ?? "")
                guard order.service == context.parameters.get("service") else { throw DeliverError.unknownOrder(order.id) }
                if let assigned = order.carrier, assigned != carrier { throw DeliverError.notYourOrder("order \(order.id) is carried by \(assigned)") }
                // The recipient's name and address went out: the person's access history shows it.
                try orders.recordRead(order, carrier: carrier, address: context.channel.remoteAddress?.ipAddress)
                return try json(order)
            }
        }
        router.put("\(Self.base)/orders/:order/delivery/status") { request, context in
            var request = request
            let collected: Result<ByteBuffer, any Error>
            do { collected = .success(try await request.collectBody(upTo: 64 * 1024)) } catch { collected = .failure(error) }
            return await respond(context) { carrier in
                let data = Data(try collected.get().readableBytesView)
                let body: StatusBody
                do { body = try JSONDecoder().decode(StatusBody.self, from: data) } catch {
                    throw DeliverError.invalidArgument("the body is not the JSON status update (status, message, carrierName, trackingID, …)")
                }
                guard let status = DeliveryStatus(name: body.status) else { throw DeliverError.invalidArgument("'\(body.status)' is not a delivery status") }
                guard status.setter == .carrier else {
                    throw DeliverError.notYourOrder("\(status.rawValue) is set by the \(status.setter.rawValue); a carrier sets carrier statuses only")
                }
                if let named = body.carrierName, named != carrier {
                    throw DeliverError.notYourOrder("the certificate is \(carrier)'s, not \(named)'s")
                }
                for (name, value) in [("estimatedDeliveryFrom", body.estimatedDeliveryFrom), ("estimatedDeliveryTo", body.estimatedDeliveryTo)] {
                    if let value, Timestamp.parse(value) == nil {
                        throw DeliverError.invalidArgument("\(name) '\(value)' is not a time (write it as 2026-11-25T09:00:00Z)")
                    }
                }
                if let cost = body.cost, cost < 0 { throw DeliverError.invalidArgument("cost is not negative") }
                var update = StatusUpdate(status: status, actor: .carrier)
                update.actorName = carrier
                update.message = body.message
                update.eventCode = body.eventCode
                update.trackingID = body.trackingID
                update.estimatedDeliveryFrom = body.estimatedDeliveryFrom
                update.estimatedDeliveryTo = body.estimatedDeliveryTo
                update.cost = body.cost
                return try json(try orders.update(context.parameters.get("order") ?? "", update, service: context.parameters.get("service")))
            }
        }
        router.get("\(Self.base)/delivery/changes") { request, context in
            await respond(context) { carrier in
                let given = request.uri.queryParameters.get("since").map { String($0) } ?? "0"
                guard let since = Int64(given), since >= 0 else { throw DeliverError.invalidArgument("since must be an event cursor (0 or a later 'next')") }
                let changes = try orders.changes(service: context.parameters.get("service") ?? "", since: since, carrier: carrier)
                return try json(Changes(changes: changes, next: changes.last?.id ?? since))
            }
        }
        return router
    }

    /// Identifies the carrier by its certificate, runs `body`, maps errors to statuses. Every
    /// refused call is logged: 403 as MDelivery.Access.Denied, the rest (400, 404, 409, 413) as
    /// MDelivery.Request.Rejected, with the carrier when known, its address and the status.
    private func respond(_ context: PeerRequestContext, _ body: (String) async throws -> Response) async -> Response {
        var carrier: String?
        let (status, reason): (HTTPResponse.Status, String)
        do {
            guard let certificate = try await context.peerCertificate(),
                  let found = try orders.carrier(fingerprint: certificate.sha256Fingerprint) else {
                throw DeliverError.notYourOrder("only a registered carrier's certificate is answered here")
            }
            carrier = found
            return try await body(found)
        } catch let error as DeliverError {
            switch error {
            case .invalidArgument: status = .badRequest
            case .unknownOrder: status = .notFound
            case .notYourOrder: status = .forbidden
            case .illegalTransition: status = .conflict
            }
            reason = error.description
        } catch {
            guard isBodyTooLarge(error) else {
                return jsonErrorResponse(.internalServerError, "the delivery service failed: \((error as? UserFacingError)?.description ?? String(describing: error))")
            }
            (status, reason) = (.contentTooLarge, "the body is over 64 KB")
        }
        try? orders.recordRefusal(reason, status: status.code, carrier: carrier, address: context.channel.remoteAddress?.ipAddress)
        return jsonErrorResponse(status, reason)
    }

    private func json<T: Encodable>(_ value: T) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return jsonResponse(.ok, try encoder.encode(value))
    }
}

/// The body of `PUT …/delivery/status`, in MDelivery's field names.
struct StatusBody: Decodable {
    let status: String
    let message: String?
    let carrierName: String?
    let trackingID: String?
    let estimatedDeliveryFrom: String?
    let estimatedDeliveryTo: String?
    let cost: Double?
    let eventCode: String?
}

struct Changes: Encodable {
    let changes: [DeliveryEvent]
    let next: Int64
}

extension DeliveryStore {
    /// Records a refused call to the carrier endpoints (403: access denied; else a rejected request),
    /// or, with no HTTP status, a refused command (a party acting on an order that is not its own).
    public func recordRefusal(_ reason: String, status: Int?, carrier: String?, address: String?) throws {
        try audit.record(status == nil || status == 403 ? "MDelivery.Access.Denied" : "MDelivery.Request.Rejected", at: clock.now(),
                         ["event_level": "Warning", "event_message": reason, "user": carrier, "user_address": address,
                          "http_status": status.map(String.init)])
    }
}
