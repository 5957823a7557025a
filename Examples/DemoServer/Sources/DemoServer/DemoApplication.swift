import Granted
import GrantedCrypto
import Hummingbird
import Logging

/// Granted's authorization server, the demo's pages and API, and the Hummingbird router that
/// serves them.
public struct Demo: Sendable {
    public let server: AuthorizationServer
    let pages: AuthorizationPages
    let devicePages: DevicePages
    let signOutPages: SignOutPages
    let api: ResourceAPI
    let maxBodyBytes: Int

    /// Builds the server and imports the fixtures' API keys.
    public init(_ configuration: DemoConfiguration) async throws {
        let fixtures = configuration.fixtures
        // A client_id that is an https URL names its own metadata document, fetched and cached.
        let registered: any ClientStore
        if let durable = configuration.clients {
            // The fixtures' clients are configured clients of the database; what /register or
            // `granted clients add` wrote stays beside them.
            for id in try await fixtures.clients.clientIDs() {
                if let client = fixtures.clients.lookup(id) { try await durable.register(client) }
            }
            registered = durable
        } else {
            registered = fixtures.clients
        }
        let clients: any ClientStore = configuration.clientMetadataDocuments.map {
            MetadataDocumentClients(registered: registered, source: $0, clock: configuration.clock)
        } ?? registered
        let server = AuthorizationServer(
            issuer: configuration.issuer, policy: try configuration.policy(), clients: clients,
            store: configuration.store, clock: configuration.clock, random: configuration.random,
            claims: fixtures.users, signingKeys: try SigningKeys(active: configuration.signer),
            serverKey: configuration.serverKey,
            // private_key_jwt (RFC 7523 §2.2): clients' registered keys checked with swift-crypto.
            publicKeyVerification: CryptoKeyVerification())
        for user in fixtures.users.all {
            if let key = user.apiKey {
                try await server.importAPIKey(key, for: user.subject, name: "fixtures")
            }
        }
        self.server = server
        let sessions = BrowserSessions(
            random: configuration.random, clock: configuration.clock,
            secureCookie: configuration.issuer.hasPrefix("https:"))
        pages = AuthorizationPages(
            server: server, users: fixtures.users, sessions: sessions,
            pushed: PushedInteractions(clock: configuration.clock))
        devicePages = DevicePages(server: server, users: fixtures.users, sessions: sessions)
        signOutPages = SignOutPages(server: server, sessions: sessions, sender: BackChannelSender())
        api = ResourceAPI(
            resourceGuard: server.resourceGuard(apiKeyHeader: "X-API-Key", resource: try configuration.apiResource),
            users: fixtures.users,
            messages: MessageBoard(clock: configuration.clock))
        maxBodyBytes = configuration.maxBodyBytes
    }

    /// Every route: Granted's endpoints (token, device authorization, revocation, introspection,
    /// userinfo, JWKS, both metadata documents, registration and each client's configuration URI,
    /// at the paths the metadata names), `/authorize`, the device verification page `/device`,
    /// `/user`, `/messages` and the API's protected resource metadata.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: LogRequestsMiddleware(.info))
        let paths = server.paths
        let server = server
        for path in paths.handled {
            router.serve(path, maxBodyBytes: maxBodyBytes) { request in
                await server.handle(request) ?? OAuthResponse(status: 404)
            }
        }
        // RFC 7591 §3 and RFC 7592 §2: the registration endpoint and `<registration>/<client_id>`.
        for path in [paths.registration, paths.registration + "/:client_id"] {
            router.serve(path, maxBodyBytes: maxBodyBytes) { request in
                await server.handle(request) ?? OAuthResponse(status: 404)
            }
        }
        let pages = pages
        let api = api
        // Granted answers other methods on /authorize itself (400, a page for the user).
        router.serve(paths.authorization, maxBodyBytes: maxBodyBytes, tooLarge: Pages.bodyTooLarge()) {
            await pages.respond(to: $0)
        }
        // RFC 8628 §3.3: the verification page the device authorization response names.
        let devicePages = devicePages
        router.serve(paths.deviceVerification, maxBodyBytes: maxBodyBytes, tooLarge: Pages.bodyTooLarge()) {
            await devicePages.respond(to: $0)
        }
        // RP-Initiated Logout 1.0 §2: GET or POST; Back-Channel Logout 1.0 §2.5 deliveries.
        let signOutPages = signOutPages
        router.serve(paths.endSession, maxBodyBytes: maxBodyBytes, tooLarge: Pages.bodyTooLarge()) {
            await signOutPages.respond(to: $0)
        }
        // RFC 9728 §3: the API's metadata, where its 401 challenges point (§5.1).
        if let metadata = api.resourceGuard.metadata, let document = api.resourceGuard.metadataResponse {
            router.serve(metadata.path, maxBodyBytes: maxBodyBytes) { request in
                request.method == .get || request.method == .head ? document : ResourceAPI.methodNotAllowed(allow: "GET")
            }
        }
        router.serve("/user", maxBodyBytes: maxBodyBytes) { await api.user($0) }
        router.serve("/messages", maxBodyBytes: maxBodyBytes) { await api.postMessage($0) }
        return router
    }

    /// The Hummingbird application; `onServerRunning` learns the bound port.
    public func application(
        host: String, port: Int, logger: Logger? = nil,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "granted-demo"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
