import Foundation
import Granted

/// The demo's protected resources ("your API"): `GET /user` and `POST /messages`. Granted's
/// resource guard checks the bearer token or `X-API-Key` and the scope; 401 and 403 are its
/// answers, sent as they are.
struct ResourceAPI: Sendable {
    static let sendScope: Scope = "message.send"

    let resourceGuard: ResourceGuard
    let users: DemoUsers
    let messages: MessageBoard

    /// `GET /user` (scope `public`): the user the token or API key acts for.
    func user(_ request: OAuthRequest) async -> OAuthResponse {
        guard request.method == .get || request.method == .head else { return Self.methodNotAllowed(allow: "GET") }
        let grant: AccessGrant
        // An app-only token (client credentials) has no user to describe: the guard answers 403
        // insufficient_scope, since no scope could make such a token enough.
        switch await resourceGuard.check(request, requiring: [.public], requiresUser: true) {
        case .denied(let response, _): return response
        case .allowed(let allowed): grant = allowed
        }
        guard let subject = grant.subject else { return Self.json(["error": "invalid_token"], status: 401) }
        guard let user = users.user(subject) else {
            return Self.json(["error": "not_found", "error_description": "the user no longer exists"], status: 404)
        }
        var profile = ["uuid": user.sub, "username": user.username]
        profile["name"] = user.name
        return Self.json(profile, status: 200)
    }

    /// `POST /messages` (scope `message.send`) with `{"to": "bob", "text": "hi"}`: 201 and the message.
    func postMessage(_ request: OAuthRequest) async -> OAuthResponse {
        guard request.method == .post else { return Self.methodNotAllowed(allow: "POST") }
        let grant: AccessGrant
        switch await resourceGuard.check(request, requiring: [Self.sendScope]) {
        case .denied(let response, _): return response
        case .allowed(let allowed): grant = allowed
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any],
            let to = object["to"] as? String, let text = object["text"] as? String,
            (1...64).contains(to.count), (1...4096).contains(text.count)
        else {
            return Self.json(
                ["error": "invalid_message",
                 "error_description": #"expected a JSON object {"to": "<username>", "text": "<1 to 4096 characters>"}"#],
                status: 400)
        }
        // A user's token or key sends as the user; an app-only token as the client.
        let from = grant.subject.flatMap { users.user($0)?.username } ?? grant.client?.rawValue ?? "unknown"
        let message = await messages.post(from: from, to: to, text: text)
        return Self.json(message.json, status: 201)
    }

    static func methodNotAllowed(allow: String) -> OAuthResponse {
        var response = json(["error": "method_not_allowed", "error_description": "use \(allow)"], status: 405)
        response.headers.append("Allow", allow)
        return response
    }

    static func json(_ object: [String: String], status: Int) -> OAuthResponse {
        let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return OAuthResponse(
            status: status, headers: ["Content-Type": "application/json", "Cache-Control": "no-store"],
            body: Array(body))
    }
}

/// Messages sent through the demo API, in memory (the newest 1,000).
actor MessageBoard {
    struct Message: Sendable {
        let id: UUID
        let from: String
        let to: String
        let text: String
        let createdAt: Date

        var json: [String: String] {
            ["id": id.uuidString.lowercased(), "from": from, "to": to, "text": text,
             "created_at": createdAt.formatted(.iso8601)]
        }
    }

    private var messages: [Message] = []
    private let clock: any WallClock

    init(clock: any WallClock) { self.clock = clock }

    func post(from: String, to: String, text: String) -> Message {
        let message = Message(id: UUID(), from: from, to: to, text: text, createdAt: clock.now)
        messages.append(message)
        if messages.count > 1_000 { messages.removeFirst(messages.count - 1_000) }
        return message
    }
}
