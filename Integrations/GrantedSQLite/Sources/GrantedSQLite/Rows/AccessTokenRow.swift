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

    /// `decode`'s columns by their place in `columns`, as every SELECT of a token lists them (no name lookup).
    private enum C {
        static let state = Column("state", in: columns)
        static let revokedAt = Column("revoked_at", in: columns)
        static let clientID = Column("client_id", in: columns)
        static let subject = Column("subject", in: columns)
        static let scopes = Column("scopes", in: columns)
        static let issuedAt = Column("issued_at", in: columns)
        static let expiresAt = Column("expires_at", in: columns)
        static let familyID = Column("family_id", in: columns)
        static let authorizationID = Column("authorization_id", in: columns)
        static let audience = Column("audience", in: columns)
        static let keyThumbprint = Column("key_thumbprint", in: columns)
    }

    static func decode(_ read: RowReader) throws -> AccessToken {
        let revokedAt = try read.revocable(state: C.state, at: C.revokedAt)
        return AccessToken(
            client: ClientID(try read.text(C.clientID)),
            subject: try read.optionalText(C.subject).map(Subject.init(rawValue:)),
            scopes: try read.scopes(C.scopes),
            issuedAt: try read.date(C.issuedAt),
            expiresAt: try read.optionalDate(C.expiresAt),
            family: try read.optionalUUID(C.familyID).map(FamilyID.init(uuid:)),
            authorization: try read.optionalUUID(C.authorizationID).map(AuthorizationID.init(uuid:)),
            audience: try read.audience(C.audience),
            keyThumbprint: try read.optionalText(C.keyThumbprint),
            state: revokedAt.map { .revoked(at: $0) } ?? .active)
    }
}
