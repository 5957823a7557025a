import GrantedPostgres
import PostgresNIO
import Testing

/// Database URLs and schema names: read without a database.
@Suite("PostgreSQL URLs and schema names")
struct ConfigurationTests {
    @Test("a full URL: user, percent-encoded password, host, port, database, application name")
    func fullURL() throws {
        let configuration = try PostgresClient.Configuration(
            url: "postgres://granted:p%40ss%2Fword@db.example.com:6543/auth?sslmode=disable&application_name=web-1")
        #expect(configuration.username == "granted")
        #expect(configuration.password == "p@ss/word")
        #expect(configuration.host == "db.example.com")
        #expect(configuration.port == 6543)
        #expect(configuration.database == "auth")
        #expect(configuration.options.additionalStartupParameters.map { "\($0.0)=\($0.1)" } == ["application_name=web-1"])
    }

    @Test("defaults: user postgres, port 5432, no password; postgresql:// is accepted")
    func defaults() throws {
        let configuration = try PostgresClient.Configuration(url: "postgresql://localhost/granted")
        #expect(configuration.username == "postgres")
        #expect(configuration.password == nil)
        #expect(configuration.host == "localhost")
        #expect(configuration.port == 5432)
        #expect(configuration.database == "granted")
    }

    @Test("an IPv6 literal loses its brackets")
    func ipv6() throws {
        #expect(try PostgresClient.Configuration(url: "postgres://[::1]:5433/granted").host == "::1")
    }

    @Test("host=/directory in the query is the server's Unix socket")
    func unixSocket() throws {
        let configuration = try PostgresClient.Configuration(url: "postgres:///granted?host=/var/run/postgresql&port=5433")
        #expect(configuration.unixSocketPath == "/var/run/postgresql/.s.PGSQL.5433")
        #expect(configuration.database == "granted")
    }

    @Test("what is not a PostgreSQL URL is refused", arguments: [
        "mysql://localhost/granted", "not a url at all ::", "postgres://localhost/granted?sslmode=sometimes",
    ])
    func refused(url: String) {
        #expect(throws: PostgresStoreError.self) { try PostgresClient.Configuration(url: url) }
    }

    @Test("schema names are plain lower-case identifiers", arguments: [
        ("granted", true), ("_private", true), ("granted_test_0af3", true), ("Granted", false), ("1st", false),
        ("", false), ("a;drop", false), ("a.b", false), (String(repeating: "a", count: 64), false),
    ])
    func schemaNames(name: String, valid: Bool) {
        #expect(((try? PostgresSchema(name)) != nil) == valid)
    }
}
