import Foundation
import Granted
import PostgresNIO

/// `pushed_requests`: one row per pushed authorization request (RFC 9126), keyed by `digest` (of
/// the request_uri). The parameters are two parallel arrays, in the order pushed.
enum PushedRequestRow {
    static let columns = [
        "client_id", "parameter_names", "parameter_values", "issued_at", "expires_at", "state", "used_at",
        "dead_since",
    ]

    static func bind(_ request: PushedRequest, into binds: inout PostgresBindings) {
        binds.append(request.client.rawValue)
        binds.append(request.parameters.map(\.name))
        binds.append(request.parameters.map(\.value))
        binds.append(request.issuedAt)
        binds.append(request.expiresAt)
        switch request.state {
        case .pushed:
            binds.append("pushed")
            binds.append(Date?.none)
        case .used(let at):
            binds.append("used")
            binds.append(at)
        }
        binds.append(request.deadSince)
    }

    static func decode(_ read: RowReader) throws -> PushedRequest {
        let names = try read("parameter_names", as: [String].self)
        let values = try read("parameter_values", as: [String].self)
        guard names.count == values.count else { throw read.corrupt("parameter_values") }
        let state: PushedRequest.State
        switch try read("state", as: String.self) {
        case "pushed": state = .pushed
        case "used":
            guard let at = try read("used_at", as: Date?.self) else { throw read.corrupt("used_at") }
            state = .used(at: at)
        default: throw read.corrupt("state")
        }
        return PushedRequest(
            client: ClientID(try read("client_id", as: String.self)),
            parameters: zip(names, values).map { PushedRequest.Parameter(name: $0, value: $1) },
            issuedAt: try read("issued_at"),
            expiresAt: try read("expires_at"),
            state: state)
    }
}
