import Foundation
import Granted
import MCP

/// The example's tools, each with the scope a `tools/call` of it needs, and what they do for
/// the user a verified token acts for.
enum MCPTools {
    /// The tools, each with the scope a `tools/call` of it needs.
    static let all: [(tool: Tool, scope: Scope)] = [
        (Tool(name: "whoami", description: "Who the access token acts for: sub, client_id and scope.",
              inputSchema: .object(["type": "object", "properties": .object([:])])), .public),
        (Tool(name: "send_message", description: "Sends a message to a user as the token's user.",
              inputSchema: .object([
                  "type": "object",
                  "properties": .object([
                      "to": .object(["type": "string", "description": "a username"]),
                      "text": .object(["type": "string"]),
                  ]),
                  "required": .array(["to", "text"]),
              ])), "message.send"),
        (Tool(name: "list_messages", description: "The messages the token's user sent, oldest first.",
              inputSchema: .object(["type": "object", "properties": .object([:])])), .public),
    ]

    /// The scope a `tools/call` of a known tool needs (the contract's table); none for any other
    /// message, which a valid token for this resource may send.
    static func requiredScopes(_ body: [UInt8]) -> ScopeSet {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            object["method"] as? String == "tools/call",
            let name = (object["params"] as? [String: Any])?["name"] as? String,
            let scope = all.first(where: { $0.tool.name == name })?.scope
        else { return .empty }
        return [scope]
    }

    /// Who the verified token acts for.
    struct Caller: Sendable {
        /// The user, or for an app-only token the client (RFC 9068 §2.2: `sub` is the client).
        let subject: String
        let client: String
        let scopes: ScopeSet

        init(_ grant: AccessGrant) {
            client = grant.client?.rawValue ?? ""
            subject = grant.subject?.rawValue ?? client
            scopes = grant.scopes ?? .empty
        }
    }

    static func call(_ parameters: CallTool.Parameters, as caller: Caller, messages: MCPMessages) async throws
        -> CallTool.Result
    {
        switch parameters.name {
        case "whoami":
            return try result(["sub": caller.subject, "client_id": caller.client, "scope": caller.scopes.description])
        case "send_message":
            guard let to = parameters.arguments?["to"]?.stringValue, (1...64).contains(to.count),
                let text = parameters.arguments?["text"]?.stringValue, (1...4096).contains(text.count)
            else {
                return CallTool.Result(
                    content: [
                        .text(
                            text: "send_message takes to (a username) and text (1 to 4096 characters)",
                            annotations: nil, _meta: nil)
                    ],
                    isError: true)
            }
            return try result(await messages.post(from: caller.subject, to: to, text: text).json)
        case "list_messages":
            return try result(await messages.sent(by: caller.subject).map(\.json))
        default:
            throw MCPError.invalidParams("unknown tool \(parameters.name)")
        }
    }

    /// JSON text content, keys sorted.
    static func result(_ value: Any) throws -> CallTool.Result {
        let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
        return CallTool.Result(content: [.text(text: String(decoding: data, as: UTF8.self), annotations: nil, _meta: nil)])
    }
}

/// The messages sent through `send_message`, in memory.
actor MCPMessages {
    struct Message: Sendable {
        let id: String
        let from: String
        let to: String
        let text: String
        var json: [String: String] { ["id": id, "from": from, "to": to, "text": text] }
    }

    private var messages: [Message] = []

    func post(from: String, to: String, text: String) -> Message {
        let message = Message(id: UUID().uuidString.lowercased(), from: from, to: to, text: text)
        messages.append(message)
        if messages.count > 1_000 { messages.removeFirst(messages.count - 1_000) }
        return message
    }

    func sent(by sender: String) -> [Message] { messages.filter { $0.from == sender } }
}
