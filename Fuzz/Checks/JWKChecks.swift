import Foundation

#if canImport(Granted)
    @testable import Granted
#endif

/// JWK and JWK Set parsing (RFC 7517 §4, §5): never traps; a parsed JWK re-serializes and
/// re-parses to itself, by `json` and by `Codable`; nothing with a private member parses; an
/// object already parsed (a DPoP proof's `jwk`) gives the same key or error as its JSON.
enum JWKChecks {
    static func check(_ bytes: [UInt8]) throws {
        // One set of rules, whichever parser read the JSON: a parsed object (`json`, DPoP) or
        // `Codable`, given the same members (re-serialized, so no name is repeated).
        if let object = JSONReader.object(bytes),
            let parsed = try? JSONSerialization.jsonObject(with: Data(bytes)),
            let normalized = try? JSONSerialization.data(withJSONObject: parsed)
        {
            let fromObject = Result { () throws(JWK.ParseError) in try JWK(object: object) }
            let decoded = Result { () throws(JWK.ParseError) in
                do { return try JSONDecoder().decode(JWK.self, from: normalized) } catch let error as JWK.ParseError {
                    throw error
                } catch { throw .notAJSONObject }
            }
            try require(fromObject == decoded, "a parsed object and Codable read two ways: \(fromObject) \(decoded)")
        }
        if let jwk = try? JWK(json: bytes) {
            try checkRoundTrip(jwk)
            try require(!carriesPrivateMember(bytes), "a private member parsed: \(jwk)")
        }
        if let set = try? JWKSet(json: bytes) {
            for jwk in set.keys { try checkRoundTrip(jwk) }
            let again = try? JWKSet(json: set.json)
            try require(again == set, "a JWK Set does not re-parse to itself")
        }
    }

    private static func checkRoundTrip(_ jwk: JWK) throws {
        let json = jwk.json
        guard let again = try? JWK(json: json) else {
            throw FuzzFailure("a serialized JWK does not parse: \(String(decoding: json.prefix(200), as: UTF8.self))")
        }
        try require(again == jwk, "a JWK does not re-parse to itself: \(jwk)")
        try require(again.json == json, "a JWK serializes two ways: \(jwk)")
        let encoded = try? JSONEncoder().encode(jwk)
        let decoded = encoded.flatMap { try? JSONDecoder().decode(JWK.self, from: $0) }
        try require(decoded == jwk, "a JWK does not survive Codable: \(jwk)")
    }

    /// Whether the input is an object of an asymmetric key type with a private member.
    private static func carriesPrivateMember(_ bytes: [UInt8]) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            let keyType = object["kty"] as? String, ["RSA", "EC", "OKP"].contains(keyType)
        else { return false }
        return ["d", "p", "q", "dp", "dq", "qi", "oth"].contains { object[$0] != nil }
    }
}
