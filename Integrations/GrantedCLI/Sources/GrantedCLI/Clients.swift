import ArgumentParser
import Foundation
import Granted

/// `granted clients`: the registry the registration endpoint writes (RFC 7591, RFC 7592), written
/// by the operator instead: the same metadata validation, the same derived secrets, and the
/// same conditional writes (`ClientRegistry`).
struct Clients: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add, list, show, rotate the secret of, or remove clients.",
        subcommands: [Add.self, List.self, Show.self, RotateSecret.self, Remove.self])

    struct ClientArgument: ParsableArguments {
        @Argument(help: "The client_id.")
        var clientID: String

        var id: ClientID { ClientID(clientID) }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a client from its JSON metadata (RFC 7591 §2 names); print its client_id and, once, its secret.",
            discussion: """
                Example metadata: {"client_name": "Billing", "redirect_uris": ["https://billing.example/cb"]}.
                A client whose token_endpoint_auth_method needs a secret (client_secret_basic, the
                default; client_secret_post; client_secret_jwt) gets one derived from the server key.
                """)

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var serverKey: ServerKeyOptions

        @Argument(help: "A file with the client's JSON metadata, or - for standard input.")
        var metadata: String

        @Option(name: .long, help: "The client_id to register it under (default: 128 random bits, base64url).")
        var clientID: String?

        @Option(
            name: .long,
            help: "The scopes the server knows beyond Granted's defaults (its Policy.knownScopes), space-separated (default: $GRANTED_KNOWN_SCOPES).")
        var knownScopes: String?

        func run() async throws {
            let bytes: [UInt8]
            if metadata == "-" {
                bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
            } else {
                guard let data = FileManager.default.contents(atPath: metadata) else {
                    throw Failure.usage("cannot read the metadata file \(metadata)")
                }
                bytes = Array(data)
            }
            // RFC 7591 §2: a `scope` naming what the server does not know is invalid metadata.
            var policy = Policy()
            let known = knownScopes ?? ProcessInfo.processInfo.environment["GRANTED_KNOWN_SCOPES"] ?? ""
            var scopes: [Scope] = []
            for name in known.split(whereSeparator: \.isWhitespace) {
                // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
                guard let scope = Scope(validating: name) else { throw Failure.usage("not a scope name: \(name)") }
                scopes.append(scope)
            }
            policy.knownScopes = policy.knownScopes.union(ScopeSet(scopes))
            let parsed: ClientMetadata
            do { parsed = try ClientMetadata(json: bytes, policy: policy) } catch {
                throw Failure.refused("invalid client metadata: \(error.description ?? error.code)")
            }
            if let clientID, clientID.isEmpty || clientID.contains(where: { $0.isWhitespace || $0.isNewline }) {
                throw Failure.refused("the client_id must be non-empty and without spaces")
            }
            let key = parsed.needsSecret ? try serverKey.requiredKey() : ServerKey()
            let id = ClientID(clientID ?? Base64URL.encode(SystemRandom().bytes(16)))
            let accessTokenPrefix = policy.registrationAccessTokenPrefix
            let issued = try await store.open { store -> (secret: String?, accessToken: String, registration: RegisteredClient)? in
                let server = store.server(key: key)
                let secret = parsed.needsSecret ? server.issueDerivedClientSecret(for: id) : nil
                // RFC 7592 §3: the token that reads, updates and deletes the registration.
                let accessToken = accessTokenPrefix + Base64URL.encode(SystemRandom().bytes(32))
                let issuedAt = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
                let registration = RegisteredClient(
                    client: parsed.client(id: id, secretHash: secret?.stored), metadata: parsed, issuedAt: issuedAt,
                    accessTokenDigest: Digest256(hashing: accessToken))
                guard try await store.clients.insert(registration) else { return nil }
                return (secret?.secret, accessToken, registration)
            }
            guard let issued else { throw Failure.refused("a client with the id \(id.rawValue) exists") }
            // RFC 7591 §3.2.1: the client information response, secrets in it this once.
            var document = Clients.document(issued.registration)
            document["client_secret"] = issued.secret
            if issued.secret != nil { document["client_secret_expires_at"] = 0 }
            document["registration_access_token"] = issued.accessToken
            if output.json {
                Output.json(document)
            } else {
                var fields = [("client_id", id.rawValue)]
                if let secret = issued.secret { fields.append(("client_secret", secret)) }
                fields.append(("registration_access_token", issued.accessToken))
                Output.fields(fields)
                print("The secrets above are shown this once; Granted keeps only what derives or checks them.")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every client, registered or configured.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let rows = try await store.open { store -> SendableBox<[[String: Any]]> in
                var rows: [[String: Any]] = []
                for id in try await store.clients.clientIDs() {
                    if let registration = try await store.clients.registration(id) {
                        rows.append(Clients.document(registration))
                    } else if let client = try await store.clients.client(id) {
                        rows.append(Clients.document(client))
                    }
                }
                return SendableBox(rows)
            }.value
            if output.json {
                Output.json(rows)
            } else {
                Output.table(
                    ["CLIENT_ID", "NAME", "AUTH METHOD", "GRANT TYPES"],
                    rows.map { row in
                        [
                            row["client_id"] as? String ?? "", row["client_name"] as? String ?? "-",
                            row["token_endpoint_auth_method"] as? String ?? "-",
                            (row["grant_types"] as? [String] ?? []).joined(separator: ","),
                        ]
                    })
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one client's metadata (never its secret); exit 2 when there is none.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientArgument

        func run() async throws {
            let id = client.id
            let found = try await store.open { store -> SendableBox<[String: Any]>? in
                if let registration = try await store.clients.registration(id) {
                    return SendableBox(Clients.document(registration))
                }
                return try await store.clients.client(id).map { SendableBox(Clients.document($0)) }
            }
            guard let document = found?.value else { throw Failure.notFound("no client \(id.rawValue)") }
            if output.json {
                Output.json(document)
            } else {
                Output.fields(document.keys.sorted().map { key in (key, Clients.text(document[key])) })
            }
        }
    }

    struct RotateSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-secret",
            abstract: "Issue a registered client a new secret (shown once); the old one stops working at once.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var serverKey: ServerKeyOptions
        @OptionGroup var client: ClientArgument

        func run() async throws {
            let id = client.id
            let key = try serverKey.requiredKey()
            let secret = try await store.open { store -> String in
                guard let stored = try await store.clients.registration(id) else {
                    throw try await Clients.missingRegistration(id, in: store)
                }
                guard stored.metadata.needsSecret else {
                    throw Failure.refused(
                        "client \(id.rawValue) uses \(stored.metadata.tokenEndpointAuthMethod.rawValue): it has no secret")
                }
                let issued = store.server(key: key).issueDerivedClientSecret(for: id)
                var updated = stored
                updated.client = stored.metadata.client(id: id, secretHash: issued.stored)
                // Conditional on the registration read: a concurrent change wins, this one is refused.
                guard try await store.clients.replace(updated, expecting: stored.accessTokenDigest) else {
                    throw Failure.refused("client \(id.rawValue) changed meanwhile; run the command again")
                }
                return issued.secret
            }
            if output.json {
                Output.json(["client_id": id.rawValue, "client_secret": secret, "client_secret_expires_at": 0])
            } else {
                Output.fields([("client_id", id.rawValue), ("client_secret", secret)])
                print("The secret above is shown this once.")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a registered client; exit 2 when there is none.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var client: ClientArgument

        func run() async throws {
            let id = client.id
            try await store.open { store in
                guard let stored = try await store.clients.registration(id) else {
                    throw try await Clients.missingRegistration(id, in: store)
                }
                guard try await store.clients.delete(id, expecting: stored.accessTokenDigest) else {
                    throw Failure.refused("client \(id.rawValue) changed meanwhile; run the command again")
                }
            }
            if output.json {
                Output.json(["removed": id.rawValue])
            } else {
                print("removed \(id.rawValue)")
            }
        }
    }

    /// Not found, or found but configured by the host rather than registered: refused, since
    /// the host's configuration would bring it back.
    static func missingRegistration(_ id: ClientID, in store: OpenStore) async throws -> Failure {
        guard try await store.clients.client(id) != nil else { return .notFound("no client \(id.rawValue)") }
        return .refused("client \(id.rawValue) is configured by the host, not registered: change it where it is configured")
    }

    /// The client information (RFC 7591 §3.2.1) without secrets: the registered metadata as stored.
    static func document(_ registration: RegisteredClient) -> [String: Any] {
        var document =
            (try? JSONSerialization.jsonObject(with: Data(registration.metadata.json))) as? [String: Any] ?? [:]
        document["client_id"] = registration.id.rawValue
        document["client_id_issued_at"] = Int(registration.issuedAt.timeIntervalSince1970)
        return document
    }

    /// What a configured client's record says, in RFC 7591 names.
    static func document(_ client: Client) -> [String: Any] {
        var document: [String: Any] = [
            "client_id": client.id.rawValue, "client_name": client.name, "redirect_uris": client.redirectURIs,
            "grant_types": client.grantTypes.map(\.rawValue).sorted(),
        ]
        if let scopes = client.allowedScopes { document["scope"] = scopes.description }
        switch client.authentication {
        case .none: document["token_endpoint_auth_method"] = "none"
        case .privateKeyJWT: document["token_endpoint_auth_method"] = "private_key_jwt"
        case .clientSecret(_, let methods):
            document["token_endpoint_auth_method"] =
                methods.contains(.basic) ? "client_secret_basic" : methods.contains(.post) ? "client_secret_post" : "client_secret_jwt"
        }
        // OpenID Connect Registration 1.0 §2; RFC 9449 §5.2: what the token endpoint enforces.
        if let algorithm = client.tokenEndpointAuthSigningAlgorithm {
            document["token_endpoint_auth_signing_alg"] = algorithm.rawValue
        }
        if client.requiresDPoP { document["dpop_bound_access_tokens"] = true }
        return document
    }

    static func text(_ value: Any?) -> String {
        switch value {
        case let text as String: text
        case let list as [Any]: list.isEmpty ? "-" : list.map { text($0) }.joined(separator: " ")
        case let number as NSNumber: number.stringValue
        case nil: "-"
        case let other?:
            (try? JSONSerialization.data(withJSONObject: other, options: [.sortedKeys]))
                .map { String(decoding: $0, as: UTF8.self) } ?? "-"
        }
    }
}

/// Carries a JSON object (`[String: Any]`, which is not `Sendable`) out of a store call: built
/// inside it, read only after it.
struct SendableBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
