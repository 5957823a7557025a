import GrantedTesting
import Testing

@testable import Granted

@Suite("Loopback redirect URIs (RFC 8252 §7.3, §8.3)")
struct LoopbackTests {
    @Test(
        "loopback IP literals and localhost, with or without a port or path",
        arguments: [
            "http://127.0.0.1/cb", "http://127.0.0.1:8400/cb", "http://127.255.255.255", "http://127.0.0.001:1/x",
            "http://[::1]/cb", "http://[::1]:3000/cb", "http://localhost/cb", "http://LocalHost:80?x", "http://localhost#f",
        ])
    func loopback(uri: String) {
        #expect(RedirectURIRules.isLoopback(uri))
    }

    @Test(
        "anything else, and user information that would make one look loopback",
        arguments: [
            "http://127.0.0.1@evil.example/cb", "http://evil.example@127.0.0.1/cb", "http://128.0.0.1/cb",
            "http://127.0.0.256/cb", "http://127.0.0/cb", "http://127.0.0.1.5/cb", "http://127.0.0.1./cb",
            "http://0127.0.0.1/cb", "http://127.0..1/cb", "http://127.0.0.1234/cb", "http://[::2]/cb", "http://[::1/cb",
            "http://localhost.evil.example/cb", "http://localhostx/cb", "http:/127.0.0.1/cb", "127.0.0.1", "",
            "http://", "http://:80/cb", "http://127.0.0.-1/cb", "http://127.0.0.1 /cb",
        ])
    func notLoopback(uri: String) {
        #expect(!RedirectURIRules.isLoopback(uri))
    }

    /// The reading before it moved to bytes, over `Character`s: the same on ASCII input.
    private static func characterReading(_ uri: String) -> Bool {
        guard let start = uri.range(of: "://")?.upperBound else { return false }
        let authority = uri[start...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.contains("@") else { return false }
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return false }
            return authority[authority.index(after: authority.startIndex)..<close] == "::1"
        }
        let host = authority.prefix { $0 != ":" }
        if host.lowercased() == "localhost" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.first == "127" else { return false }
        return octets.allSatisfy { octet in
            !octet.isEmpty && octet.count <= 3 && octet.allSatisfy(\.isASCII) && octet.allSatisfy(\.isNumber)
                && (Int(octet) ?? 256) <= 255
        }
    }

    @Test("on ASCII, the byte reading agrees with the character reading (seeded)", arguments: [1, 2, 3] as [UInt64])
    func agreesWithCharacters(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let pieces = [
            "http://", "https://", "://", ":/", "/", "?", "#", "@", "[", "]", "::1", ":", ".", "127", "0", "1", "255",
            "256", "001", "localhost", "LOCALHOST", "evil", "example", "-", " ", "9",
        ]
        for _ in 0..<5_000 {
            var uri = ""
            for _ in 0..<(1 + Int(random.next() % 10)) { uri += pieces[Int(random.next() % UInt64(pieces.count))] }
            #expect(RedirectURIRules.isLoopback(uri) == Self.characterReading(uri), "\(uri)")
        }
    }
}
