import Foundation
import Granted
import GrantedPostgres
import PostgresNIO

// `--flows`: the two user flows whose transitions read before they write, through the adapter.
//
// - code: authorization request validated, approved (the user authorization upserted, the code
//   inserted), the code exchanged with PKCE (the code redeemed, the family created, the refresh
//   token mapped, the access token inserted);
// - refresh: `grant_type=refresh_token` with rotation, each chain using the token the last answer
//   gave (the digest mapped to its family, the family rotated, the new refresh token mapped, the
//   access token inserted).
//
// With `pg_stat_statements` loaded on the server (`shared_preload_libraries`), each flow also
// prints the statements the server ran per call, `BEGIN` and `COMMIT` included: each is one
// round trip.

let webClient = BasicCredentials(clientID: "bench-web", secret: "bench-web-secret-0123456789abcdef0123")
let redirectURI = "https://app.example.com/callback"
/// RFC 7636 Appendix B.
let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
let authorizeTarget =
    "/authorize?response_type=code&client_id=bench-web&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback"
    + "&scope=public&state=af0ifjsldkj&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    + "&code_challenge_method=S256"

/// The web client the flows use, registered beside the service.
let webClientRecord = Client(
    id: webClient.clientID, name: "Bench Web", authentication: .clientSecret(SHA256SecretHasher().hash(webClient.secret)),
    redirectURIs: [redirectURI], grantTypes: [.authorizationCode, .refreshToken])

/// One authorize → approve → exchange round trip; the token response body, or nil on a failure.
func codeRoundTrip(_ server: AuthorizationServer, subject: Subject) async -> [UInt8]? {
    guard case .valid(let request) = await server.validate(OAuthRequest(method: .get, target: authorizeTarget)) else {
        return nil
    }
    let redirect = await server.approve(request, subject: subject, authTime: Date())
    guard let location = redirect.headers["location"], let code = queryValue("code", in: location) else { return nil }
    let response = await server.token(
        .form(
            "/token",
            "grant_type=authorization_code&code=\(code)&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback"
                + "&code_verifier=\(verifier)",
            headers: ["Authorization": webClient.headerValue]))
    return response.status == 200 ? response.body : nil
}

/// A query parameter of a redirect's Location (the code is URL-safe as issued).
func queryValue(_ name: String, in location: String) -> String? {
    guard let query = location.split(separator: "?", maxSplits: 1).last else { return nil }
    for pair in query.split(whereSeparator: { $0 == "&" || $0 == "#" }) where pair.hasPrefix(name + "=") {
        return String(pair.dropFirst(name.count + 1))
    }
    return nil
}

/// The value of a `"name":"value"` member of a token response.
func member(_ name: String, in body: [UInt8]) -> String? {
    let text = String(decoding: body, as: UTF8.self)
    guard let start = text.range(of: "\"\(name)\":\"") else { return nil }
    return text[start.upperBound...].split(separator: "\"", maxSplits: 1).first.map(String.init)
}

/// The server's statement count so far (`pg_stat_statements`), or nil when it is not loaded.
func statementCount(_ client: PostgresClient) async -> Int? {
    do {
        let rows = try await client.query(
            "SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%'"
        ).collect()
        return try rows.first.map { Int(try $0.decode(Int64.self)) }
    } catch {
        return nil
    }
}

/// The code round trip and refresh rotation through `storage` at each concurrency: medians of
/// `options.runs`, with statements per call when the server counts them.
func measureFlows(_ storage: PostgresStorage, options: Options) async throws {
    _ = try? await storage.client.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    let server = AuthorizationServer(issuer: "https://auth.example.com", clients: storage.clients, store: storage.grants)
    let subjects = (0..<64).map { Subject("user-\($0)") }
    for workers in options.concurrency {
        var code: [Double] = []
        var refresh: [Double] = []
        var statements: (code: Double?, refresh: Double?) = (nil, nil)
        for run in 1...options.runs {
            let tokens = TokenBox(count: options.ops)
            let before = await statementCount(storage.client)
            let codes = await measure(total: options.ops, workers: workers) { index in
                guard let body = await codeRoundTrip(server, subject: subjects[index % subjects.count]),
                    let token = member("refresh_token", in: body)
                else { return false }
                tokens.set(index, token)
                return true
            }
            let middle = await statementCount(storage.client)
            // Each worker rotates its own chains: the token an answer gave is the next one used.
            let first = tokens.all
            let chains = TokenBox(count: options.ops)
            for (index, token) in first.enumerated() { chains.set(index, token) }
            let refreshes = await measure(total: options.ops, workers: workers) { index in
                let response = await server.token(
                    .form(
                        "/token", "grant_type=refresh_token&refresh_token=\(chains.get(index))",
                        headers: ["Authorization": webClient.headerValue]))
                guard response.status == 200, let next = member("refresh_token", in: response.body) else { return false }
                chains.set(index, next)
                return true
            }
            let after = await statementCount(storage.client)
            guard codes.failures == 0, refreshes.failures == 0 else {
                throw Usage("run \(run): \(codes.failures) code and \(refreshes.failures) refresh failures")
            }
            code.append(Double(options.ops) / codes.seconds)
            refresh.append(Double(options.ops) / refreshes.seconds)
            if let before, let middle, let after {
                // The two counting queries in between are excluded by the filter.
                statements = (Double(middle - before) / Double(options.ops), Double(after - middle) / Double(options.ops))
            }
            print(
                "  concurrency \(workers), run \(run): code \(format(code.last!)) (CPU \(Int(codes.cpu / Double(options.ops) * 1e6)) µs each)"
                    + "  refresh \(format(refresh.last!)) (CPU \(Int(refreshes.cpu / Double(options.ops) * 1e6)) µs each)")
        }
        let counted =
            if let code = statements.code, let refresh = statements.refresh {
                String(format: "; statements per call: code %.2f, refresh %.2f", code, refresh)
            } else { "; statements per call: unknown (pg_stat_statements not loaded)" }
        print(
            "concurrency \(workers): code round trip \(format(median(code))), refresh rotation \(format(median(refresh))) (median)"
                + counted)
    }
}
