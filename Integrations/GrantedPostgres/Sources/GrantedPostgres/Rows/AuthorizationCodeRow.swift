import Foundation
import Granted
import PostgresNIO

/// `authorization_codes`: one row per code, keyed by `digest`. `state_at` is the date the state
/// carries: when an issued code expires, or when it was redeemed or revoked. `resources` is a
/// sorted `text[]`.
enum AuthorizationCodeRow {
    static let columns = [
        "client_id", "redirect_uri", "scopes", "resources", "subject", "auth_time", "nonce", "code_challenge",
        "code_challenge_method", "authorization_id", "family_id", "issued_at", "state", "state_at", "dead_since",
        "session_id", "key_thumbprint",
    ]

    static func bind(_ code: AuthorizationCode, into binds: inout PostgresBindings) {
        binds.append(code.client.rawValue)
        binds.append(code.redirectURI)
        binds.append(scopes: code.scopes)
        binds.append(audience: code.resources)
        binds.append(code.subject.rawValue)
        binds.append(code.authTime)
        binds.append(code.nonce)
        binds.append(code.challenge?.challenge)
        binds.append(code.challenge?.method.rawValue)
        binds.append(code.authorization.uuid)
        binds.append(code.family.uuid)
        binds.append(code.issuedAt)
        switch code.state {
        case .issued(let expiresAt):
            binds.append("issued")
            binds.append(expiresAt)
        case .redeemed(let at):
            binds.append("redeemed")
            binds.append(at)
        case .revoked(let at):
            binds.append("revoked")
            binds.append(at)
        }
        binds.append(code.deadSince)
        binds.append(code.sessionID?.rawValue)
        binds.append(code.keyThumbprint)
    }

    static func decode(_ read: RowReader) throws -> AuthorizationCode {
        let at = try read("state_at", as: Date.self)
        let state: AuthorizationCode.State
        switch try read("state", as: String.self) {
        case "issued": state = .issued(expiresAt: at)
        case "redeemed": state = .redeemed(at: at)
        case "revoked": state = .revoked(at: at)
        default: throw read.corrupt("state")
        }
        var challenge: PKCEChallenge?
        if let text = try read("code_challenge", as: String?.self) {
            guard let method = try read("code_challenge_method", as: String?.self) else {
                throw read.corrupt("code_challenge_method")
            }
            challenge = PKCEChallenge(challenge: text, method: CodeChallengeMethod(rawValue: method))
        }
        return AuthorizationCode(
            client: ClientID(try read("client_id", as: String.self)),
            redirectURI: try read("redirect_uri"),
            scopes: try read.scopes("scopes"),
            subject: Subject(try read("subject", as: String.self)),
            authTime: try read("auth_time"),
            nonce: try read("nonce"),
            challenge: challenge,
            authorization: AuthorizationID(uuid: try read("authorization_id")),
            family: FamilyID(uuid: try read("family_id")),
            issuedAt: try read("issued_at"),
            state: state,
            resources: try read.audience("resources"),
            sessionID: try read("session_id", as: String?.self).map { SessionID($0) },
            keyThumbprint: try read("key_thumbprint"))
    }
}
