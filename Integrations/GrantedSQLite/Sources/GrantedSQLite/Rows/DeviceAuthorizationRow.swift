import Foundation
import Granted

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

    static func bind(_ device: DeviceAuthorization, into binds: inout Binds) {
        binds.append(text: device.client.rawValue)
        binds.append(scopes: device.scopes)
        binds.append(audience: device.resources)
        binds.append(digest: device.userCodeLookup)
        binds.append(digest: device.userCodeCheck)
        binds.append(uuid: device.family.uuid)
        binds.append(date: device.issuedAt)
        binds.append(date: device.expiresAt)
        binds.append(double: device.interval)
        binds.append(date: device.lastPolledAt)
        binds.append(integer: device.failedEntries)
        let (name, at, approval): (String, Date?, DeviceAuthorization.Approval?) =
            switch device.state {
            case .pending: ("pending", nil, nil)
            case .approved(let approval): ("approved", nil, approval)
            case .denied(let at): ("denied", at, nil)
            case .redeemed(let approval, let at): ("redeemed", at, approval)
            case .burned(let at): ("burned", at, nil)
            }
        binds.append(text: name)
        binds.append(date: at)
        binds.append(text: approval?.subject.rawValue)
        binds.append(text: approval?.scopes.description)
        binds.append(date: approval?.authTime)
        binds.append(uuid: approval?.authorization.uuid)
        binds.append(date: approval?.approvedAt)
        binds.append(date: device.deadSince)
        binds.append(text: approval?.sessionID?.rawValue)
    }

    static func decode(_ read: RowReader) throws -> DeviceAuthorization {
        func approval() throws -> DeviceAuthorization.Approval {
            DeviceAuthorization.Approval(
                subject: Subject(try read.text("subject")), scopes: try read.scopes("approved_scopes"),
                authTime: try read.date("auth_time"), authorization: AuthorizationID(uuid: try read.uuid("authorization_id")),
                approvedAt: try read.date("approved_at"),
                sessionID: try read.optionalText("session_id").map(SessionID.init(rawValue:)))
        }
        let state: DeviceAuthorization.State
        switch try read.text("state") {
        case "pending": state = .pending
        case "approved": state = .approved(try approval())
        case "denied": state = .denied(at: try read.date("state_at"))
        case "redeemed": state = .redeemed(try approval(), at: try read.date("state_at"))
        case "burned": state = .burned(at: try read.date("state_at"))
        default: throw read.corrupt("state")
        }
        return DeviceAuthorization(
            client: ClientID(try read.text("client_id")),
            scopes: try read.scopes("scopes"),
            resources: try read.audience("resources"),
            userCodeLookup: try read.digest("user_code_lookup"),
            userCodeCheck: try read.digest("user_code_check"),
            family: FamilyID(uuid: try read.uuid("family_id")),
            issuedAt: try read.date("issued_at"),
            expiresAt: try read.date("expires_at"),
            interval: try read.double("interval_seconds"),
            lastPolledAt: try read.optionalDate("last_polled_at"),
            failedEntries: try read.integer("failed_entries"),
            state: state)
    }
}
