import Foundation
import PostgresNIO

extension PostgresClient.Configuration {
    /// A configuration from a libpq-style URL:
    /// `postgres://user:password@host:port/database?sslmode=disable&application_name=name`.
    ///
    /// `sslmode` is `disable`, `prefer` (the default), `require` (encrypted, certificate not
    /// checked, as libpq's), `verify-ca` or `verify-full`. `host=/socket/directory` in the query
    /// connects through the server's Unix socket in that directory.
    /// - Throws: `PostgresStoreError.invalidURL`, naming the part (never the password).
    public init(url text: String) throws(PostgresStoreError) {
        guard let url = URLComponents(string: text) else { throw .invalidURL("not a URL") }
        guard let scheme = url.scheme, ["postgres", "postgresql"].contains(scheme.lowercased()) else {
            throw .invalidURL("the scheme must be postgres:// or postgresql://")
        }
        var query: [String: String] = [:]
        for item in url.queryItems ?? [] { query[item.name] = item.value ?? "" }
        let username = url.percentEncodedUser?.removingPercentEncoding ?? "postgres"
        let password = url.percentEncodedPassword?.removingPercentEncoding
        let path = url.percentEncodedPath.removingPercentEncoding ?? ""
        let database = path.hasPrefix("/") ? String(path.dropFirst()) : path
        let port = url.port ?? query["port"].flatMap { Int($0) } ?? 5432

        let tls: TLS
        switch query["sslmode"] ?? "prefer" {
        case "disable": tls = .disable
        case "prefer": tls = .prefer(Self.tlsConfiguration(verification: .none))
        case "require": tls = .require(Self.tlsConfiguration(verification: .none))
        case "verify-ca": tls = .require(Self.tlsConfiguration(verification: .noHostnameVerification))
        case "verify-full": tls = .require(Self.tlsConfiguration(verification: .fullVerification))
        case let mode: throw .invalidURL("unknown sslmode \(mode)")
        }

        if let directory = query["host"], directory.hasPrefix("/") {
            self.init(
                unixSocketPath: "\(directory)/.s.PGSQL.\(port)", username: username, password: password,
                database: database.isEmpty ? nil : database)
        } else {
            let host = url.host.flatMap { $0.isEmpty ? nil : $0 } ?? query["host"] ?? "localhost"
            // URLComponents keeps the brackets of an IPv6 literal.
            let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
            self.init(
                host: bare, port: port, username: username, password: password,
                database: database.isEmpty ? nil : database, tls: tls)
        }
        if let name = query["application_name"] {
            options.additionalStartupParameters.append(("application_name", name))
        }
    }

    private static func tlsConfiguration(verification: CertificateVerification) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = verification
        return configuration
    }
}
