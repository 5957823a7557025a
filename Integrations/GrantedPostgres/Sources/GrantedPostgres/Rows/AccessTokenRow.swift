import Foundation
import Granted
import PostgresNIO

/// `access_tokens`: one row per token, keyed by `digest`; `audience` is a sorted `text[]`.
enum AccessTokenRow {
    /// Every column but the key, in `bind`'s order.
    static let columns = [
        "client_id", "subject", "scopes", "audience", "issued_at", "expires_at", "family_id", "authorization_id",
        "state", "revoked_at", "dead_since", "key_thumbprint",
    ]

    static func bind(_ token: AccessToken, into binds: inout PostgresBindings) {
        binds.append(token.client.rawValue)
        binds.append(token.subject?.rawValue)
        binds.append(scopes: token.scopes)
        binds.append(audience: token.audience)
        binds.append(token.issuedAt)
        binds.append(token.expiresAt)
        binds.append(token.family?.uuid)
        binds.append(token.authorization?.uuid)
        if case .revoked(let at) = token.state { binds.append(revokedAt: at) } else { binds.append(revokedAt: nil) }
        binds.append(token.deadSince)
        binds.append(token.keyThumbprint)
    }

    static func decode(_ read: RowReader) throws -> AccessToken {
        let revokedAt = try read.revocable(state: "state", at: "revoked_at")
        return AccessToken(
            client: ClientID(try read("client_id", as: String.self)),
            subject: try read("subject", as: String?.self).map(Subject.init(rawValue:)),
            scopes: try read.scopes("scopes"),
            issuedAt: try read("issued_at"),
            expiresAt: try read("expires_at"),
            family: try read("family_id", as: UUID?.self).map(FamilyID.init(uuid:)),
            authorization: try read("authorization_id", as: UUID?.self).map(AuthorizationID.init(uuid:)),
            audience: try read.audience("audience"),
            keyThumbprint: try read("key_thumbprint"),
            state: revokedAt.map { .revoked(at: $0) } ?? .active)
    }
}
