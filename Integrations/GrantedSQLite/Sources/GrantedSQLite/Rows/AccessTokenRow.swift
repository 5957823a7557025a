import Foundation
import Granted

/// `access_tokens`: one row per token, keyed by `digest`; `audience` is a sorted JSON array.
enum AccessTokenRow {
    /// Every column but the key, in `bind`'s order.
    static let columns = [
        "client_id", "subject", "scopes", "audience", "issued_at", "expires_at", "family_id", "authorization_id",
        "state", "revoked_at", "dead_since", "key_thumbprint",
    ]

    static func bind(_ token: AccessToken, into binds: inout Binds) {
        binds.append(text: token.client.rawValue)
        binds.append(text: token.subject?.rawValue)
        binds.append(scopes: token.scopes)
        binds.append(audience: token.audience)
        binds.append(date: token.issuedAt)
        binds.append(date: token.expiresAt)
        binds.append(uuid: token.family?.uuid)
        binds.append(uuid: token.authorization?.uuid)
        if case .revoked(let at) = token.state { binds.append(revokedAt: at) } else { binds.append(revokedAt: nil) }
        binds.append(date: token.deadSince)
        binds.append(text: token.keyThumbprint)
    }

    static func decode(_ read: RowReader) throws -> AccessToken {
        let revokedAt = try read.revocable(state: "state", at: "revoked_at")
        return AccessToken(
            client: ClientID(try read.text("client_id")),
            subject: try read.optionalText("subject").map(Subject.init(rawValue:)),
            scopes: try read.scopes("scopes"),
            issuedAt: try read.date("issued_at"),
            expiresAt: try read.optionalDate("expires_at"),
            family: try read.optionalUUID("family_id").map(FamilyID.init(uuid:)),
            authorization: try read.optionalUUID("authorization_id").map(AuthorizationID.init(uuid:)),
            audience: try read.audience("audience"),
            keyThumbprint: try read.optionalText("key_thumbprint"),
            state: revokedAt.map { .revoked(at: $0) } ?? .active)
    }
}
