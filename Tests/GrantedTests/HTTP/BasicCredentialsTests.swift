import GrantedTesting
@testable import GrantedFuzzChecks
import Testing

@testable import Granted

@Suite("HTTP Basic client credentials (RFC 6749 §2.3.1, RFC 7617)")
struct BasicCredentialsTests {
    /// `Basic` and the standard base64 of `userPass`, encoded as given (no form-encoding added).
    private func header(_ userPass: String, scheme: String = "Basic") -> String {
        scheme + " " + Base64Standard.encode(Array(userPass.utf8))
    }

    @Test(
        "id and secret are form-urlencoded inside the Basic value (RFC 6749 §2.3.1)",
        arguments: [
            ("s6BhdRkqt3:7Fjfp0ZBr1KtDRbnfVdmIw", "s6BhdRkqt3", "7Fjfp0ZBr1KtDRbnfVdmIw"),
            ("my%20client:se%3Acret", "my client", "se:cret"),
            ("client:a%2Bb+c", "client", "a+b c"),
            ("client:100%25", "client", "100%"),
            ("client:%C3%A9t%C3%A9%F0%9F%94%91", "client", "été🔑"),
            ("client:a:b", "client", "a:b"),
            ("client:", "client", ""),
        ])
    func decodesFormEncoding(userPass: String, id: String, secret: String) throws {
        let credentials = try #require(try BasicCredentials(authorization: header(userPass)))
        #expect(credentials.clientID == ClientID(id))
        #expect(credentials.secret == secret)
    }

    @Test(
        "the header value round-trips any id and secret (RFC 6749 §2.3.1)",
        arguments: [
            ("service", "secret"), ("id:with:colons", "s:e:c"), ("100%", "%41%"), ("a+b", "c+d"),
            ("space client", "pass word"), ("clïent", "sécret🔑"), ("&=?", "#/\\\""), ("x", ""),
        ])
    func roundTrip(id: String, secret: String) throws {
        let original = BasicCredentials(clientID: ClientID(id), secret: secret)
        #expect(original.headerValue.hasPrefix("Basic "))
        #expect(try BasicCredentials(authorization: original.headerValue) == original)
    }

    @Test("the scheme matches case-insensitively (RFC 9110 §11.1)", arguments: ["Basic", "basic", "BASIC", "bAsIc"])
    func caseInsensitiveScheme(scheme: String) throws {
        let credentials = try BasicCredentials(authorization: header("service:secret", scheme: scheme))
        #expect(credentials == BasicCredentials(clientID: "service", secret: "secret"))
    }

    @Test(
        "a malformed Basic value is invalid_client with a Basic challenge (RFC 6749 §5.2)",
        arguments: [
            "Basic ", "Basic", "Basic !!!!", "Basic abc", "Basic abcde", "Basic ab=c", "Basic =abc",
            "Basic a===", "Basic YWJj=", "Basic c2VydmljZTpzZWNyZXQ", "Basic c2VydmljZTpzZWNyZXQ=x",
            "Basic c2VydmljZTpz ZWNyZXQ=", "Basic c2VydmljZTpz-WNyZXQ=",
        ])
    func malformedBase64(value: String) {
        let error = #expect(throws: OAuthError.self) { try BasicCredentials(authorization: value) }
        #expect(error == .invalidClient(basicChallenge: true))
    }

    @Test(
        "decoded credentials without a colon, an id, valid escapes or UTF-8 are invalid_client (RFC 7617 §2)",
        arguments: [
            Array("nocolon".utf8), Array(":secret".utf8), Array("client:%ZZ".utf8), Array("cl%ient:s".utf8),
            Array("client:%FF".utf8), [0xFF, 0x3A, 0x73], [0x63, 0x3A, 0xC3],
        ] as [[UInt8]])
    func malformedCredentials(decoded: [UInt8]) {
        let value = "Basic " + Base64Standard.encode(decoded)
        let error = #expect(throws: OAuthError.self) { try BasicCredentials(authorization: value) }
        #expect(error == .invalidClient(basicChallenge: true))
    }

    @Test(
        "another scheme is not Basic credentials (RFC 9110 §11.6.2)",
        arguments: [
            "Bearer c2VydmljZTpzZWNyZXQ=", "Digest username=x", "", "Basically c2VydmljZTpzZWNyZXQ=", "Negotiate",
        ])
    func otherSchemes(value: String) throws {
        #expect(try BasicCredentials(authorization: value) == nil)
    }

    @Test(
        "standard base64 encodes with padding (RFC 4648 §4)",
        arguments: [
            ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ])
    func base64Vectors(text: String, encoded: String) {
        #expect(Base64Standard.encode(Array(text.utf8)) == encoded)
        #expect(Base64Standard.decode(Array(encoded.utf8)) == Array(text.utf8))
    }

    /// RFC 4648 §4 with padding, read a character at a time (the `base64` fuzz target's
    /// reading): a length of 4n, '=' only in the last one or two places, unused bits unchecked.
    private static func referenceDecode(_ text: [UInt8]) -> [UInt8]? {
        Base64Checks.plainDecode(text, padded: true)
    }

    @Test("standard base64 of any length, valid or with a stray byte or padding anywhere, decodes as the plain reading does (seeded)", arguments: [1, 2, 3] as [UInt64])
    func standardMatchesReference(seed: UInt64) {
        var random = SplitMix64(state: seed)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        let strays: [UInt8] = Array("=@[`{-_:. ".utf8) + [0x00, 0x2A, 0x2C, 0x7F, 0x80, 0xC3, 0xFF]
        for _ in 0..<800 {
            let length = Int.random(in: 0...40, using: &random) * 4
            var text = (0..<length).map { _ in alphabet[Int.random(in: 0..<64, using: &random)] }
            if length > 0 {
                switch Int.random(in: 0..<4, using: &random) {
                case 0: text[length - 1] = UInt8(ascii: "=")
                case 1: text.replaceSubrange((length - 2)..., with: Array("==".utf8))
                case 2: text[Int.random(in: 0..<length, using: &random)] = strays[Int.random(in: 0..<strays.count, using: &random)]
                default: break
                }
            }
            #expect(Base64Standard.decode(text) == Self.referenceDecode(text), "\(String(decoding: text, as: UTF8.self))")
        }
    }

    @Test("every byte value in every position of a Basic value decodes as the plain reading does", arguments: [4, 8, 12, 16])
    func standardEveryByteInEveryLane(length: Int) {
        let base = Array("QUJDREVGR0hJSktM".utf8.prefix(length))
        for position in 0..<length {
            for value in 0...255 {
                var text = base
                text[position] = UInt8(value)
                #expect(Base64Standard.decode(text) == Self.referenceDecode(text), "byte \(value) at \(position) of \(length)")
            }
        }
    }
}
