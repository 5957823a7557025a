import Crypto
import Foundation
import Granted

/// The browser as the authorization pages see it: a random id in an HttpOnly, SameSite=Lax
/// cookie, and who is signed in with it, if anyone.
struct Browser: Sendable {
    let id: String
    /// The cookie must be (re)set on the response: a first visit, or a sign-in (new id).
    let setsCookie: Bool
    let session: UserSession?
}

/// Cookie sessions in memory: id → user and `auth_time`. An id is only stored once someone signs
/// in with it; a fresh id is minted at every sign-in (no session fixation). The CSRF token of a
/// form is an HMAC of the browser's id, so it is bound to the cookie and needs no storage. The
/// consent page's token also binds the request it shows, so a decision is only ever taken from
/// that page, for that sign-in (OpenID Connect Core §3.1.2.1: `prompt=login` cannot be skipped).
actor BrowserSessions {
    static let cookieName = "granted_session"
    /// Past this many signed-in sessions, the oldest sign-ins are forgotten.
    static let capacity = 10_000
    /// A sign-in is kept this long.
    static let lifetime: TimeInterval = 12 * 3600

    /// Wrong user codes one browser may enter before the verification page stops asking
    /// Granted (RFC 8628 §5.1); Granted burns a device authorization after its own limit.
    static let maxWrongUserCodes = 10

    private var sessions: [String: UserSession] = [:]
    private var wrongUserCodes: [String: Int] = [:]
    private let random: any RandomSource
    private let clock: any WallClock
    private let csrfKey: SymmetricKey
    private let secureCookie: Bool

    init(random: any RandomSource, clock: any WallClock, secureCookie: Bool) {
        self.random = random
        self.clock = clock
        self.csrfKey = SymmetricKey(data: random.bytes(32))
        self.secureCookie = secureCookie
    }

    /// The browser that sent `request`: its cookie's id and session, or a new id to set.
    func browser(of request: OAuthRequest) -> Browser {
        guard let id = Self.cookie(in: request.headers) else {
            return Browser(id: newID(), setsCookie: true, session: nil)
        }
        guard let session = sessions[id] else { return Browser(id: id, setsCookie: false, session: nil) }
        if clock.now.timeIntervalSince(session.authTime) > Self.lifetime {
            sessions[id] = nil
            return Browser(id: id, setsCookie: false, session: nil)
        }
        return Browser(id: id, setsCookie: false, session: session)
    }

    /// Signs `subject` in under a new id (the old one, if any, is forgotten).
    func signIn(_ subject: Subject, replacing old: Browser) -> Browser {
        sessions[old.id] = nil
        let wrong = wrongUserCodes.removeValue(forKey: old.id)
        if sessions.count >= Self.capacity,
            let oldest = sessions.min(by: { $0.value.authTime < $1.value.authTime })?.key
        {
            sessions[oldest] = nil
        }
        // The session's `sid` (Back-Channel Logout 1.0 §2.1) is not the cookie: relying parties see it.
        let session = UserSession(subject: subject, authTime: clock.now, id: SessionID(random: random))
        let id = newID()
        sessions[id] = session
        wrongUserCodes[id] = wrong
        return Browser(id: id, setsCookie: true, session: session)
    }

    /// Forgets the browser's sign-in (RP-Initiated Logout 1.0 §2) and answers it, if there was one.
    func signOut(_ browser: Browser) -> UserSession? {
        sessions.removeValue(forKey: browser.id)
    }

    /// How many wrong user codes this browser entered.
    func wrongUserCodes(of browser: Browser) -> Int { wrongUserCodes[browser.id] ?? 0 }

    /// Counts a wrong user code against this browser (a bounded table: past `capacity`
    /// browsers it starts afresh, as a real host's rate limiter by address would not).
    func recordWrongUserCode(for browser: Browser) {
        if wrongUserCodes.count >= Self.capacity { wrongUserCodes.removeAll() }
        wrongUserCodes[browser.id, default: 0] += 1
    }

    nonisolated func csrfToken(for browser: Browser) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(("csrf:" + browser.id).utf8), using: csrfKey)
        return Base64URL.encode(Array(mac))
    }

    nonisolated func isValidCSRFToken(_ token: String?, for browser: Browser) -> Bool {
        guard let token else { return false }
        return ConstantTime.equals(Array(token.utf8), Array(csrfToken(for: browser).utf8))
    }

    /// The consent page's token: bound to the browser's id (new at each sign-in) and to the
    /// authorization request the page shows, so neither the sign-in page's token nor another
    /// request's consent page can carry a decision.
    nonisolated func consentToken(for browser: Browser, request carried: [(name: String, value: String)]) -> String {
        var message = "consent\u{0}" + browser.id
        for (name, value) in carried.sorted(by: { ($0.name, $0.value) < ($1.name, $1.value) }) {
            message += "\u{0}" + name + "=" + value
        }
        let mac = HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: csrfKey)
        return Base64URL.encode(Array(mac))
    }

    nonisolated func isValidConsentToken(
        _ token: String?, for browser: Browser, request carried: [(name: String, value: String)]
    ) -> Bool {
        guard let token else { return false }
        return ConstantTime.equals(Array(token.utf8), Array(consentToken(for: browser, request: carried).utf8))
    }

    /// `Set-Cookie` for the browser's id (RFC 6265 §4.1): HttpOnly, SameSite=Lax, Secure over https.
    /// Expires the session cookie.
    nonisolated var clearCookie: String {
        "\(Self.cookieName)=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" + (secureCookie ? "; Secure" : "")
    }

    nonisolated func setCookie(for browser: Browser) -> String {
        "\(Self.cookieName)=\(browser.id); Path=/; HttpOnly; SameSite=Lax" + (secureCookie ? "; Secure" : "")
    }

    private func newID() -> String { Base64URL.encode(random.bytes(32)) }

    /// The session cookie's value, if it is one this server could have minted.
    static func cookie(in headers: HeaderFields) -> String? {
        for field in headers where field.name.lowercased() == "cookie" {
            for pair in field.value.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == cookieName else { continue }
                let value = parts[1].trimmingCharacters(in: .whitespaces)
                if value.utf8.count == 43, value.utf8.allSatisfy(isBase64URLCharacter) { return value }
            }
        }
        return nil
    }

    private static func isBase64URLCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }
}
