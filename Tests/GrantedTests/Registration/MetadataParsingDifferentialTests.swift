import Foundation
import Testing
@testable import Granted
import GrantedTesting

/// Registration metadata read by `JSONReader` against the `JSONSerialization` reading it replaced:
/// on well-formed JSON (RFC 8259), the same documents are accepted, into the same metadata, and
/// the same errors answer the rest.
@Suite("Registration metadata parsing: JSONReader against JSONSerialization")
struct MetadataParsingDifferentialTests {
    @Test("random metadata, valid and mutated, parses as the JSONSerialization reference does", arguments: 0..<8)
    func metadata(seed: UInt64) throws {
        var random = SplitMix64(seed: 0x5245_474A_534F_4E00 &+ seed)
        var policies = [Policy(), Policy()]
        policies[1].allowsInsecureRedirectURIs = true
        policies[1].inputLimits = InputLimits(maxBytes: 64 * 1024, maxParameters: 3)
        var accepted = 0
        for _ in 0..<400 {
            let document = MetadataGenerator.document(&random)
            let bytes = Array(document.utf8)
            let policy = policies[Int(random.next() % 2)]
            let reference = FoundationMembers.parse(bytes)
            let members = Result { () throws(OAuthError) in try ClientMetadata.members(of: bytes) }
            #expect(reference.map { _ in true } == members.map { _ in true }, "\(document)")
            guard case .success(let expected) = reference, case .success(let read) = members else { continue }

            let old = Result { () throws(OAuthError) in try ClientMetadata(members: expected, policy: policy) }
            let new = Result { () throws(OAuthError) in try ClientMetadata(members: read, policy: policy) }
            #expect(old == new, "\(document)")
            #expect(new == Result { () throws(OAuthError) in try ClientMetadata(json: bytes, policy: policy) })
            if case .success(let metadata) = new {
                accepted += 1
                // What a store keeps reads back through the same reader (RFC 7591 §3.2.1).
                #expect(try ClientMetadata(registered: metadata.json) == metadata, "\(document)")
            }

            // Every accessor on every member the generator writes, as the configuration endpoint
            // reads them (RFC 7592 §2.2).
            for name in MetadataGenerator.allNames {
                #expect(expected.isPresent(name) == read.isPresent(name), "\(name) in \(document)")
                #expect(Result { () throws(OAuthError) in try expected.string(name) }
                    == Result { () throws(OAuthError) in try read.string(name) }, "\(name) in \(document)")
                #expect(Result { () throws(OAuthError) in try expected.strings(name, limit: 3) }
                    == Result { () throws(OAuthError) in try read.strings(name, limit: 3) }, "\(name) in \(document)")
                #expect(Result { () throws(OAuthError) in try expected.bool(name) }
                    == Result { () throws(OAuthError) in try read.bool(name) }, "\(name) in \(document)")
                #expect(Result { () throws(OAuthError) in try expected.integer(name) }
                    == Result { () throws(OAuthError) in try read.integer(name) }, "\(name) in \(document)")
                #expect(expected.publicKeySet(name) == read.publicKeySet(name), "\(name) in \(document)")
            }
        }
        // The generator must reach both sides of the comparison.
        #expect(accepted > 100)
    }

    @Test("random client metadata documents are validated as the JSONSerialization reference does", arguments: 0..<4)
    func documents(seed: UInt64) {
        var random = SplitMix64(seed: 0x4349_4D44_0000_0000 &+ seed)
        let url = ClientIdentifierURL("https://client.example.com/oauth/metadata.json")!
        var accepted = 0
        for _ in 0..<400 {
            let document = MetadataGenerator.document(&random, clientID: url.rawValue)
            let bytes = Array(document.utf8)
            let old = ReferenceDocument.validate(bytes, from: url)
            let new = Result { () throws(ClientMetadataDocument.Problem) in try ClientMetadataDocument(json: bytes, from: url) }
                .map { ReferenceDocument(clientName: $0.clientName, redirectURIs: $0.redirectURIs, grantTypes: $0.grantTypes, scope: $0.scope) }
            #expect(old == new, "\(document)")
            if case .success = new { accepted += 1 }
        }
        #expect(accepted > 50)
    }

    @Test("the generator's JSON is well-formed for both readers")
    func wellFormed() {
        var random = SplitMix64(seed: 7)
        for _ in 0..<500 {
            let bytes = Array(MetadataGenerator.document(&random).utf8)
            #expect(JSONReader.object(bytes) != nil)
            #expect((try? JSONSerialization.jsonObject(with: Data(bytes))) is [String: Any])
        }
    }
}

/// Random registration metadata: known members with valid, odd or wrong values, repeated members,
/// unknown members, escapes and white space, always well-formed JSON (RFC 8259).
enum MetadataGenerator {
    static let ecKey = #"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#
    static let okpKey = #"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"ed"}"#

    /// Values for each member, as JSON texts: `safe` ones a client could send alone and pass with,
    /// then `odd` ones that are refused or conflict (numbers where booleans go, which
    /// JSONSerialization's bridging would read as booleans, the reference refuses as `JSONMembers` does).
    static let members: [(name: StaticString, safe: [String], odd: [String])] = [
        ("redirect_uris", [
            #"["https://a.example.com/cb"]"#, #"["https://a.example.com/cb","com.example.app:/oauth"]"#,
            #"["http://127.0.0.1:8400/cb"]"#,
        ], [
            #"["http://a.example.com/cb"]"#, #"["https://a.example.com/cb#f"]"#, "[]",
            #"["https://a.example.com/1","https://a.example.com/2","https://a.example.com/3","https://a.example.com/4"]"#,
        ]),
        ("token_endpoint_auth_method", ["none", "client_secret_basic", "client_secret_post"].map(quoted),
            ["client_secret_jwt", "private_key_jwt", "tls_client_auth"].map(quoted)),
        ("grant_types", [#"["authorization_code"]"#, #"["authorization_code","refresh_token"]"#], [
            #"["client_credentials"]"#, #"["implicit"]"#, #"["password"]"#,
            #"["refresh_token","authorization_code","authorization_code"]"#, "[]",
        ]),
        ("response_types", [#"["code"]"#, #"["code","code"]"#], [#"["token"]"#, #"["code id_token"]"#, #"["none"]"#, "[]"]),
        ("scope", ["public", "public profile", "openid payroll profile"].map(quoted), ["payroll", "", "bad\"scope"].map(quoted)),
        ("jwks", [
            #"{"keys":[\#(ecKey)]}"#, #"{"keys":[\#(ecKey),\#(okpKey)]}"#, #"{"keys":[\#(ecKey),{"kty":"XYZ"}]}"#,
            #"{"keys":[\#(okpKey.dropLast()),"kid":"a","kid":"b"}]}"#,
            #"{"keys":[\#(okpKey.dropLast()),"key_ops":["verify"],"use":"sig","alg":"EdDSA"}]}"#,
        ], [
            #"{"keys":[]}"#, #"{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}"#, #"{"keys":[{"kty":"XYZ","d":"eA"}]}"#,
            #"{"keys":[\#(ecKey)],"keys":null}"#, #"{"keys":[\#(okpKey.dropLast()),"d":null}]}"#,
            #"{"keys":[\#(okpKey.dropLast()),"kid":1}]}"#, #"{"keys":[\#(okpKey.dropLast()),"key_ops":["verify","verify"]}]}"#,
            #"{"keys":[null]}"#, #"{"keys":"x"}"#, #"{"kid":"no keys"}"#,
        ]),
        ("jwks_uri", ["https://k.example.com/jwks"].map(quoted), ["http://k.example.com/jwks"].map(quoted)),
        ("token_endpoint_auth_signing_alg", [], ["HS256", "RS256", "ES256", "EdDSA", "none", "HS512"].map(quoted)),
        ("dpop_bound_access_tokens", ["true", "false"], ["0", "1", "1.0", "2"]),
        ("backchannel_logout_session_required", ["true", "false"], ["1e0", "-0"]),
        ("require_pushed_authorization_requests", ["true", "false"], ["0.0", "10e-1"]),
        ("post_logout_redirect_uris", [#"["https://a.example.com/bye"]"#, "[]"], [#"["http://evil.example.com/"]"#]),
        ("backchannel_logout_uri", ["https://a.example.com/bcl", "http://127.0.0.1/bcl"].map(quoted),
            ["http://rp.example.com/bcl", "com.example.app:/logout"].map(quoted)),
        ("client_name", ["Example", "A \"q\" café 😀", "line\nbreak\t/", "", "\u{0}"].map(quoted), []),
        ("client_uri", ["https://a.example.com"].map(quoted), []),
        ("logo_uri", ["https://a.example.com/logo.png"].map(quoted), []),
        ("tos_uri", ["https://a.example.com/tos"].map(quoted), []),
        ("policy_uri", ["https://a.example.com/policy"].map(quoted), []),
        ("contacts", [#"["ops@a.example.com"]"#, "[]"], [#"["a","b","c","d"]"#]),
        ("software_id", ["sid"].map(quoted), []),
        ("software_version", ["1.0"].map(quoted), []),
        // The configuration endpoint's own members (RFC 7592 §2.2), and the document's (§4.1).
        ("client_id", [], ["https://client.example.com/oauth/metadata.json", "c"].map(quoted)),
        ("client_id_issued_at", ["1700000000", "1.7e9", "1700000000.5", "-1", "0"], []),
        ("client_secret_expires_at", [], ["0", "0.0", "false", "true", "1e0", "99"]),
        ("client_secret", [], ["s3cret"].map(quoted)),
    ]
    static let allNames = members.map(\.name)

    /// A value of any JSON type, of depth at most `depth`, mostly not what a member wants.
    static func anyValue(_ random: inout SplitMix64, depth: Int = 3) -> String {
        switch random.next() % (depth > 0 ? 10 : 7) {
        case 0: return "null"
        case 1: return random.next() % 2 == 0 ? "true" : "false"
        case 2: return ["0", "1", "-0", "2", "-1", "0.5", "1.0", "1e0", "3e2", "1700000000", "-12.25e-1"][Int(random.next() % 11)]
        case 3, 4: return quoted(["x", "https://a.example.com/cb", "", "code", "none", "é\\"][Int(random.next() % 6)])
        case 5: return "[]"
        case 6: return "{}"
        case 7, 8:
            let count = Int(random.next() % 4)
            return "[" + (0..<count).map { _ in anyValue(&random, depth: depth - 1) }.joined(separator: ",") + "]"
        default:
            let count = Int(random.next() % 3)
            return "{" + (0..<count).map { _ in quoted(["keys", "kty", "a"][Int(random.next() % 3)]) + ":" + anyValue(&random, depth: depth - 1) }
                .joined(separator: ",") + "}"
        }
    }

    /// A JSON string for `text`, some characters escaped at random (RFC 8259 §7).
    static func quoted(_ text: String) -> String {
        var random = SplitMix64(seed: UInt64(text.utf8.count))
        return quoted(text, &random)
    }

    static func quoted(_ text: String, _ random: inout SplitMix64) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += random.next() % 2 == 0 ? "\\n" : "\\u000a"
            case "\t": out += "\\t"
            case "/": out += random.next() % 2 == 0 ? "/" : "\\/"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            case _ where random.next() % 8 == 0:
                out += String(scalar).utf16.map { String(format: "\\u%04X", $0) }.joined()
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func space(_ random: inout SplitMix64) -> String {
        random.next() % 4 == 0 ? [" ", "\t", "\n", "\r\n", "  "][Int(random.next() % 5)] : ""
    }

    /// One object. Half are clean: a few members with safe values, one perhaps null. The others
    /// take each member with a safe, odd or wrong value, or null, sometimes sent twice, with
    /// unknown members between.
    static func document(_ random: inout SplitMix64, clientID: String? = nil) -> String {
        var parts: [String] = []
        if let clientID, random.next() % 8 != 0 { parts.append(quoted("client_id") + ":" + quoted(clientID, &random)) }
        let clean = random.next() % 2 == 0
        for (name, safe, odd) in members where random.next() % (clean ? 3 : 2) == 0 {
            let key = quoted(name.description, &random)
            let value: String
            switch (clean, random.next() % 10) {
            case (true, 0): value = "null"
            case (true, _): guard !safe.isEmpty else { continue }; value = safe[Int(random.next() % UInt64(safe.count))]
            case (false, 0): value = "null"
            case (false, 1), (false, 2): value = anyValue(&random)
            case (false, _):
                let values = safe + odd
                value = values[Int(random.next() % UInt64(values.count))]
            }
            if !clean && random.next() % 12 == 0 { parts.append(key + ":" + anyValue(&random)) }
            parts.append(key + space(&random) + ":" + space(&random) + value)
            if random.next() % 6 == 0 {
                let unknown = ["extra", "software_statement", "default_max_age", "Scope"][Int(random.next() % 4)]
                parts.append(quoted(unknown, &random) + ":" + anyValue(&random))
            }
        }
        if clean || random.next() % 2 == 0, !parts.contains(where: { $0.hasPrefix("\"redirect_uris\"") }) {
            parts.append(#""redirect_uris":["https://a.example.com/cb"]"#)
        }
        parts.shuffle(using: &random)
        return space(&random) + "{" + parts.joined(separator: "," + space(&random)) + "}" + space(&random)
    }
}

/// The members as `JSONSerialization` read them before `JSONReader` did: the reference.
struct FoundationMembers: MetadataMembers {
    let values: [String: Any]

    static func parse(_ bytes: [UInt8]) -> Result<FoundationMembers, OAuthError> {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)), let members = object as? [String: Any]
        else { return .failure(.invalidRequest("the body must be a JSON object")) }
        return .success(FoundationMembers(values: members))
    }

    func isPresent(_ name: StaticString) -> Bool {
        guard let value = values[name.description] else { return false }
        return type(of: value) != NSNull.self
    }

    func string(_ name: StaticString) throws(OAuthError) -> String? {
        let key = name.description
        guard isPresent(name) else { return nil }
        guard let text = values[key] as? String else { throw .invalidClientMetadata("\(key) must be a string") }
        return text
    }

    func strings(_ name: StaticString, limit: Int) throws(OAuthError) -> [String]? {
        let key = name.description
        guard isPresent(name) else { return nil }
        guard let array = values[key] as? [Any], array.count <= limit else {
            throw .invalidClientMetadata("\(key) must be an array of strings")
        }
        var strings: [String] = []
        for element in array {
            guard let text = element as? String else { throw .invalidClientMetadata("\(key) must be an array of strings") }
            strings.append(text)
        }
        return strings
    }

    func bool(_ name: StaticString) throws(OAuthError) -> Bool? {
        let key = name.description
        guard isPresent(name) else { return nil }
        // Strict, as `JSONMembers`: only a JSON boolean (Foundation's boolean NSNumber), not 0 or 1.
        guard let flag = values[key] as? Bool, Self.isBoolean(values[key]) else {
            throw .invalidClientMetadata("\(key) must be a boolean")
        }
        return flag
    }

    func integer(_ name: StaticString) throws(OAuthError) -> Int? {
        let key = name.description
        guard isPresent(name) else { return nil }
        guard let number = values[key] as? Int, !Self.isBoolean(values[key]) else {
            throw .invalidClientMetadata("\(key) must be a number")
        }
        return number
    }

    /// Whether Foundation read `value` from `true` or `false`: its boolean NSNumber, type code "c".
    static func isBoolean(_ value: Any?) -> Bool {
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c"
    }

    /// The set written out again by `JSONSerialization` and read as a JWK Set.
    func publicKeySet(_ name: StaticString) -> JWKSet? {
        guard isPresent(name), let value = values[name.description] as? [String: Any],
            JSONSerialization.isValidJSONObject(value), Self.holdsPublicKeysOnly(value),
            let data = try? JSONSerialization.data(withJSONObject: value), let keys = try? JWKSet(json: Array(data))
        else { return nil }
        return keys
    }

    static func holdsPublicKeysOnly(_ set: [String: Any]) -> Bool {
        guard let keys = set["keys"] as? [Any] else { return false }
        for key in keys {
            guard let key = key as? [String: Any] else { return false }
            if (key["kty"] as? String) == "oct" { return false }
            if (JWK.privateMembers + ["k"]).contains(where: { key[$0] != nil }) { return false }
        }
        return true
    }
}

/// What a client metadata document yields, and the `JSONSerialization` validation it had before.
struct ReferenceDocument: Hashable {
    let clientName: String?
    let redirectURIs: [String]
    let grantTypes: Set<GrantType>
    let scope: ScopeSet?

    typealias Problem = ClientMetadataDocument.Problem

    static func validate(_ json: [UInt8], from url: ClientIdentifierURL) -> Result<ReferenceDocument, Problem> {
        Result { () throws(Problem) in try validating(json, from: url) }
    }

    private static func validating(_ json: [UInt8], from url: ClientIdentifierURL) throws(Problem) -> ReferenceDocument {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json))) as? [String: Any] else {
            throw .notAJSONObject
        }
        guard let clientID = object["client_id"] as? String, clientID == url.rawValue else { throw .clientIDMismatch }
        guard object["client_secret"] == nil, object["client_secret_expires_at"] == nil else { throw .secretPresent }
        let method = try string("token_endpoint_auth_method", in: object) ?? "none"
        switch method {
        case "none": break
        case "client_secret_basic", "client_secret_post", "client_secret_jwt": throw .sharedSecretMethod
        default: throw .unsupportedAuthenticationMethod
        }
        if let jwks = object["jwks"] {
            guard let set = jwks as? [String: Any], let keys = set["keys"] as? [Any] else { throw .malformedMember("jwks") }
            for key in keys {
                guard let key = key as? [String: Any] else { throw .malformedMember("jwks") }
                if (JWK.privateMembers + ["k"]).contains(where: { key[$0] != nil }) { throw .privateKeyMaterial }
            }
        }
        guard let redirectURIs = try strings("redirect_uris", in: object), !redirectURIs.isEmpty,
            redirectURIs.allSatisfy({ RedirectURIRules.kind(of: $0) != nil })
        else { throw .invalidRedirectURI }
        let grantTypes = try strings("grant_types", in: object) ?? [GrantType.authorizationCode.rawValue]
        let allowedGrants: Set<String> = [GrantType.authorizationCode.rawValue, GrantType.refreshToken.rawValue]
        guard grantTypes.contains(GrantType.authorizationCode.rawValue), grantTypes.allSatisfy(allowedGrants.contains)
        else { throw .unsupportedGrantType }
        let responseTypes = try strings("response_types", in: object) ?? ["code"]
        guard responseTypes.allSatisfy({ $0 == "code" }) else { throw .unsupportedGrantType }
        var scope: ScopeSet?
        if let text = try string("scope", in: object) {
            do { scope = try ScopeSet.parse(text) } catch { throw .malformedScope }
        }
        return ReferenceDocument(
            clientName: try string("client_name", in: object), redirectURIs: redirectURIs,
            grantTypes: Set(grantTypes.map(GrantType.init(rawValue:))), scope: scope)
    }

    private static func string(_ name: String, in object: [String: Any]) throws(Problem) -> String? {
        guard let value = object[name] else { return nil }
        guard let text = value as? String else { throw .malformedMember(name) }
        return text
    }

    private static func strings(_ name: String, in object: [String: Any]) throws(Problem) -> [String]? {
        guard let value = object[name] else { return nil }
        guard let array = value as? [Any] else { throw .malformedMember(name) }
        var texts: [String] = []
        for element in array {
            guard let text = element as? String else { throw .malformedMember(name) }
            texts.append(text)
        }
        return texts
    }
}
