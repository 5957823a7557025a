import Foundation
import Granted

/// `pushed_requests`: one row per pushed authorization request (RFC 9126), keyed by `digest` (of
/// the request_uri, never stored). The parameters are one JSON array of `[name, value]` pairs,
/// in the order pushed (names may repeat).
enum PushedRequestRow {
    static let columns = ["client_id", "parameters", "issued_at", "expires_at", "state", "used_at", "dead_since"]

    static func bind(_ request: PushedRequest, into binds: inout Binds) {
        binds.append(text: request.client.rawValue)
        binds.append(json: request.parameters.map { [$0.name, $0.value] })
        binds.append(date: request.issuedAt)
        binds.append(date: request.expiresAt)
        switch request.state {
        case .pushed:
            binds.append(text: "pushed")
            binds.append(date: nil)
        case .used(let at):
            binds.append(text: "used")
            binds.append(date: at)
        }
        binds.append(date: request.deadSince)
    }

    static func decode(_ read: RowReader) throws -> PushedRequest {
        guard let pairs = try? JSONDecoder().decode([[String]].self, from: Data(try read.text("parameters").utf8)),
            pairs.allSatisfy({ $0.count == 2 })
        else { throw read.corrupt("parameters") }
        let state: PushedRequest.State
        switch try read.text("state") {
        case "pushed": state = .pushed
        case "used": state = .used(at: try read.date("used_at"))
        default: throw read.corrupt("state")
        }
        return PushedRequest(
            client: ClientID(try read.text("client_id")),
            parameters: pairs.map { PushedRequest.Parameter(name: $0[0], value: $0[1]) },
            issuedAt: try read.date("issued_at"),
            expiresAt: try read.date("expires_at"),
            state: state)
    }
}
