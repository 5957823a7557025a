import Testing

@testable import Granted
import GrantedTesting

/// `ResourceGuard.bearerToken` reads the header over bytes: it must answer exactly what RFC 6750
/// §2.1's grammar says, `Bearer 1*SP b64token`, with the scheme case-insensitive (RFC 9110 §11.1).
@Suite("Bearer header parsing (RFC 6750 §2.1)")
struct BearerParsingTests {
    /// The grammar, written as a regular expression over the whole header.
    static func expected(_ header: String) -> String? {
        let grammar = /^[Bb][Ee][Aa][Rr][Ee][Rr] +([A-Za-z0-9\-._~+\/]+=*)$/
        return (try? grammar.wholeMatch(in: header)).map { String($0.1) }
    }

    static let pieces = [
        "Bearer", "bearer", "BEARER", "Bearer ", " ", "  ", "a", "Z", "0", "-", ".", "_", "~", "+", "/", "=", "==",
        "é", "\t", ",", "@", "\"", "gat_", "x9", "DPoP ",
    ]

    @Test("the byte parser agrees with the grammar on random headers", arguments: 0..<40)
    func agreesWithGrammar(seed: UInt64) {
        var random = SplitMix64(state: seed)
        for _ in 0..<250 {
            let count = Int.random(in: 0...8, using: &random)
            var header = Bool.random(using: &random) ? "Bearer " : ""
            for _ in 0..<count { header += Self.pieces[Int.random(in: 0..<Self.pieces.count, using: &random)] }
            let parsed = try? ResourceGuard.bearerToken(header)
            #expect(parsed == Self.expected(header), "\(header.debugDescription)")
            // An opaque token is hashed from the header's bytes: the digest of the same text.
            if let parsed, case .opaque(let digest)? = try? ResourceGuard.presentedBearerToken(header, readsJWTs: false) {
                #expect(digest == SHA256.hash(parsed))
            } else {
                #expect(parsed == nil)
            }
        }
    }

    @Test("a JWS is kept as text only for a guard that verifies JWTs")
    func jwsKeptForVerifier() throws {
        let header = "Bearer aaa.bbb.ccc"
        guard case .jwt(let token) = try ResourceGuard.presentedBearerToken(header, readsJWTs: true) else {
            Issue.record("a JWS was not kept as text")
            return
        }
        #expect(token == "aaa.bbb.ccc")
        guard case .opaque(let digest) = try ResourceGuard.presentedBearerToken(header, readsJWTs: false) else {
            Issue.record("a JWS was kept as text without a verifier")
            return
        }
        #expect(digest == SHA256.hash("aaa.bbb.ccc"))
    }
}
