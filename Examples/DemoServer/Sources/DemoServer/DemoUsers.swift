import Crypto
import Foundation
import Granted

/// The demo's users, from the `users` of the fixtures file: who can sign in, what userinfo and
/// ID tokens say about them, and the API keys imported into Granted at start.
public struct DemoUsers: ClaimsSource {
    public struct User: Sendable, Hashable, Decodable {
        public var username: String
        public var password: String
        public var sub: String
        public var apiKey: String?
        public var name: String?
        public var email: String?

        enum CodingKeys: String, CodingKey {
            case username, password, sub, name, email
            case apiKey = "api_key"
        }

        public var subject: Subject { Subject(sub) }
    }

    public let all: [User]
    private let bySubject: [Subject: User]

    public init(_ users: [User]) {
        all = users
        bySubject = Dictionary(users.map { ($0.subject, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func user(_ subject: Subject) -> User? { bySubject[subject] }

    /// The user whose username and password both match. Every user is compared, each field in
    /// constant time over SHA-256 digests, so timing tells neither which user nor how much matched.
    public func authenticate(username: String, password: String) -> User? {
        let givenName = SHA256.hash(data: Array(username.utf8))
        let givenPassword = SHA256.hash(data: Array(password.utf8))
        var found: User?
        for user in all {
            let nameMatches = ConstantTime.equals(
                Array(givenName), Array(SHA256.hash(data: Array(user.username.utf8))))
            let passwordMatches = ConstantTime.equals(
                Array(givenPassword), Array(SHA256.hash(data: Array(user.password.utf8))))
            if nameMatches && passwordMatches { found = user }
        }
        return found
    }

    /// OpenID Connect standard claims (Core §5.1); Granted releases those the scopes allow.
    public func claims(for subject: Subject) async throws -> [String: ClaimValue]? {
        guard let user = bySubject[subject] else { return nil }
        var claims: [String: ClaimValue] = ["preferred_username": .string(user.username)]
        if let name = user.name { claims["name"] = .string(name) }
        if let email = user.email {
            claims["email"] = .string(email)
            claims["email_verified"] = true
        }
        return claims
    }
}

/// `Fixtures/demo.json`: clients (read by Granted's `InMemoryClientStore(json:)`), users and scopes.
public struct DemoFixtures: Sendable {
    public let clients: InMemoryClientStore
    public let users: DemoUsers
    public let scopes: ScopeSet
    /// The resource servers elsewhere that tokens are issued for (RFC 8707), from `resources`:
    /// `{"resource": "<absolute URI>", "access_token_format": "jwt" | "opaque"}` (default `jwt`).
    public let resources: [ProtectedResource]

    public enum Problem: Error, CustomStringConvertible {
        case malformed(String)
        public var description: String {
            switch self { case .malformed(let why): "the fixtures file is malformed: \(why)" }
        }
    }

    public init(json: Data) throws {
        struct File: Decodable {
            var users: [DemoUsers.User]
            var scopes: [String]?
            var resources: [Resource]?
        }
        struct Resource: Decodable {
            var resource: String
            var format: String?
            enum CodingKeys: String, CodingKey {
                case resource
                case format = "access_token_format"
            }
        }
        do {
            let file = try JSONDecoder().decode(File.self, from: json)
            clients = try InMemoryClientStore(json: json, hashingWith: SHA256SecretHasher())  // the server's default hasher
            users = DemoUsers(file.users)
            let names = file.scopes ?? []
            scopes = names.isEmpty ? .empty : try ScopeSet.parse(names.joined(separator: " "))
            resources = try (file.resources ?? []).map { entry in
                guard let identifier = ResourceIdentifier(rawValue: entry.resource) else {
                    throw Problem.malformed("resource \(entry.resource) is not an absolute URI without a fragment")
                }
                switch entry.format ?? "jwt" {
                case "jwt": return ProtectedResource(identifier, tokenFormat: .jwt)
                case "opaque": return ProtectedResource(identifier, tokenFormat: .opaque)
                case let other: throw Problem.malformed("access_token_format \(other) is neither jwt nor opaque")
                }
            }
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem.malformed(String(describing: error))
        }
    }

    /// `Fixtures/demo.json` of the repository this package sits in (`Examples/DemoServer`),
    /// found from this source file's path, or from the working directory.
    public static func defaultPath(from sourceFile: String = #filePath) -> String {
        let repository = URL(fileURLWithPath: sourceFile)
            .deletingLastPathComponent()  // DemoServer
            .deletingLastPathComponent()  // Sources
            .deletingLastPathComponent()  // Examples/DemoServer
            .deletingLastPathComponent()  // Examples
            .deletingLastPathComponent()  // the repository
        let candidates = [
            repository.appendingPathComponent("Fixtures/demo.json").path,
            "Fixtures/demo.json",
            "../../Fixtures/demo.json",
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0) } ?? candidates[0]
    }
}
