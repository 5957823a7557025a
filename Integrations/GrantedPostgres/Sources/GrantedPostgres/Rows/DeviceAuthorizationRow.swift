import Foundation
import Granted
import PostgresNIO

/// `device_authorizations`: one row per device authorization, keyed by `digest` (of the device
/// code). The approval's five columns are set exactly in `approved` and `redeemed` (and its
/// `session_id` when it was approved in one); `state_at`
/// is when it was denied, redeemed or burned.
enum DeviceAuthorizationRow {
    static let columns = [
        "client_id", "scopes", "resources", "user_code_lookup", "user_code_check", "family_id", "issued_at",
        "expires_at", "interval_seconds", "last_polled_at", "failed_entries", "state", "state_at", "subject",
        "approved_scopes", "auth_time", "authorization_id", "approved_at", "dead_since", "session_id",
    ]

    static func bind(_ device: DeviceAuthorization, into binds: inout PostgresBindings) {
        binds.append(device.client.rawValue)
        binds.append(scopes: device.scopes)
        binds.append(audience: device.resources)
        binds.append(digest: device.userCodeLookup)
        binds.append(digest: device.userCodeCheck)
        binds.append(device.family.uuid)
        binds.append(device.issuedAt)
        binds.append(device.expiresAt)
        binds.append(device.interval)
        binds.append(device.lastPolledAt)
        binds.append(device.failedEntries)
        let (name, at, approval): (String, Date?, DeviceAuthorization.Approval?) =
            switch device.state {
            case .pending: ("pending", nil, nil)
            case .approved(let approval): ("approved", nil, approval)
            case .denied(let at): ("denied", at, nil)
            case .redeemed(let approval, let at): ("redeemed", at, approval)
            case .burned(let at): ("burned", at, nil)
            }
        binds.append(name)
        binds.append(at)
        binds.append(approval?.subject.rawValue)
        binds.append(approval?.scopes.description)
        binds.append(approval?.authTime)
        binds.append(approval?.authorization.uuid)
        binds.append(approval?.approvedAt)
        binds.append(device.deadSince)
        binds.append(approval?.sessionID?.rawValue)
    }

    static func decode(_ read: RowReader) throws -> DeviceAuthorization {
        func approval() throws -> DeviceAuthorization.Approval {
            guard let subject = try read("subject", as: String?.self) else { throw read.corrupt("subject") }
            guard let authTime = try read("auth_time", as: Date?.self) else { throw read.corrupt("auth_time") }
            guard let authorization = try read("authorization_id", as: UUID?.self) else {
                throw read.corrupt("authorization_id")
            }
            guard let approvedAt = try read("approved_at", as: Date?.self) else { throw read.corrupt("approved_at") }
            return DeviceAuthorization.Approval(
                subject: Subject(subject), scopes: try read.scopes("approved_scopes"), authTime: authTime,
                authorization: AuthorizationID(uuid: authorization), approvedAt: approvedAt,
                sessionID: try read("session_id", as: String?.self).map(SessionID.init(rawValue:)))
        }
        func at() throws -> Date {
            guard let at = try read("state_at", as: Date?.self) else { throw read.corrupt("state_at") }
            return at
        }
        let state: DeviceAuthorization.State
        switch try read("state", as: String.self) {
        case "pending": state = .pending
        case "approved": state = .approved(try approval())
        case "denied": state = .denied(at: try at())
        case "redeemed": state = .redeemed(try approval(), at: try at())
        case "burned": state = .burned(at: try at())
        default: throw read.corrupt("state")
        }
        return DeviceAuthorization(
            client: ClientID(try read("client_id", as: String.self)),
            scopes: try read.scopes("scopes"),
            resources: try read.audience("resources"),
            userCodeLookup: try read.digest("user_code_lookup"),
            userCodeCheck: try read.digest("user_code_check"),
            family: FamilyID(uuid: try read("family_id")),
            issuedAt: try read("issued_at"),
            expiresAt: try read("expires_at"),
            interval: try read("interval_seconds"),
            lastPolledAt: try read("last_polled_at"),
            failedEntries: try read("failed_entries"),
            state: state)
    }
}
