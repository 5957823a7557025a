import Foundation
import Granted

/// `authorization_codes`: one row per code, keyed by `digest`. `state_at` is the date the state
/// carries: when an issued code expires, or when it was redeemed or revoked. `resources` is a
/// sorted JSON array.
enum AuthorizationCodeRow {
    static let columns = [
        "client_id", "redirect_uri", "scopes", "resources", "subject", "auth_time", "nonce", "code_challenge",
        "code_challenge_method", "authorization_id", "family_id", "issued_at", "state", "state_at", "dead_since",
        "session_id", "key_thumbprint",
    ]

    static func bind(_ code: AuthorizationCode, into binds: inout Binds) {
        binds.append(text: code.client.rawValue)
        binds.append(text: code.redirectURI)
        binds.append(scopes: code.scopes)
        binds.append(audience: code.resources)
        binds.append(text: code.subject.rawValue)
        binds.append(date: code.authTime)
        binds.append(text: code.nonce)
        binds.append(text: code.challenge?.challenge)
        binds.append(text: code.challenge?.method.rawValue)
        binds.append(uuid: code.authorization.uuid)
        binds.append(uuid: code.family.uuid)
        binds.append(date: code.issuedAt)
        switch code.state {
        case .issued(let expiresAt):
            binds.append(text: "issued")
            binds.append(date: expiresAt)
        case .redeemed(let at):
            binds.append(text: "redeemed")
            binds.append(date: at)
        case .revoked(let at):
            binds.append(text: "revoked")
            binds.append(date: at)
        }
        binds.append(date: code.deadSince)
        binds.append(text: code.sessionID?.rawValue)
        binds.append(text: code.keyThumbprint)
    }

    static func decode(_ read: RowReader) throws -> AuthorizationCode {
        let at = try read.date("state_at")
        let state: AuthorizationCode.State
        switch try read.text("state") {
        case "issued": state = .issued(expiresAt: at)
        case "redeemed": state = .redeemed(at: at)
        case "revoked": state = .revoked(at: at)
        default: throw read.corrupt("state")
        }
        var challenge: PKCEChallenge?
        if let text = try read.optionalText("code_challenge") {
            guard let method = try read.optionalText("code_challenge_method") else {
                throw read.corrupt("code_challenge_method")
            }
            challenge = PKCEChallenge(challenge: text, method: CodeChallengeMethod(rawValue: method))
        }
        return AuthorizationCode(
            client: ClientID(try read.text("client_id")),
            redirectURI: try read.optionalText("redirect_uri"),
            scopes: try read.scopes("scopes"),
            subject: Subject(try read.text("subject")),
            authTime: try read.date("auth_time"),
            nonce: try read.optionalText("nonce"),
            challenge: challenge,
            authorization: AuthorizationID(uuid: try read.uuid("authorization_id")),
            family: FamilyID(uuid: try read.uuid("family_id")),
            issuedAt: try read.date("issued_at"),
            state: state,
            resources: try read.audience("resources"),
            sessionID: try read.optionalText("session_id").map(SessionID.init(rawValue:)),
            keyThumbprint: try read.optionalText("key_thumbprint"))
    }
}
