import Foundation

extension JWTClaims {
    /// Reads a verified JWS Payload as a claims set (RFC 7519 §7.2 step 10): a UTF-8 JSON object
    /// whose typed claims have their registered types (strings; `aud` a string or an array of
    /// strings; dates finite numbers, not booleans). Nil otherwise. Extra claims come back sorted by
    /// name; a repeated name keeps the last value (§4).
    init?(json bytes: [UInt8]) {
        guard let object = JSONReader.object(bytes) else { return nil }
        self.init(object: object)
    }

    /// `init(json:)` on the object `JSONReader.object` made of the payload bytes, for a caller
    /// that reads other members of it too (a DPoP proof's `htm`, `htu`, `ath`; RFC 9449 §4.2).
    /// Without `readingExtraClaims`, `extraClaims` stays empty, for a caller that reads them from
    /// `object` itself; what is accepted is the same either way.
    init?(object: JSONObject, readingExtraClaims: Bool = true) {
        self.init()
        do {
            issuer = try Self.string(object["iss"])
            subject = try Self.string(object["sub"])
            audience = try Self.audience(object["aud"])
            expiresAt = try Self.numericDate(object["exp"])
            notBefore = try Self.numericDate(object["nbf"])
            issuedAt = try Self.numericDate(object["iat"])
            jwtID = try Self.string(object["jti"])
            authTime = try Self.numericDate(object["auth_time"])
            nonce = try Self.string(object["nonce"])
            authorizedParty = try Self.string(object["azp"])
            accessTokenHash = try Self.string(object["at_hash"])
            codeHash = try Self.string(object["c_hash"])
        } catch {
            return nil
        }
        guard readingExtraClaims else { return }
        for member in object.lastMembersByName where !Self.typedClaimNames.contains(member.name) {
            extraClaims.append(Self.extraClaim(member, in: object))
        }
    }

    private struct WrongType: Error {}

    private static func string(_ value: JSONValue?) throws(WrongType) -> String? {
        guard let value else { return nil }
        guard let text = value.string else { throw WrongType() }
        return text
    }

    /// RFC 7519 §4.1.3: one string, or an array of strings.
    private static func audience(_ value: JSONValue?) throws(WrongType) -> [String] {
        guard let value else { return [] }
        if let single = value.string { return [single] }
        guard let many = value.strings else { throw WrongType() }
        return many
    }

    /// RFC 7519 §2: a JSON number of seconds, possibly fractional (never a boolean).
    private static func numericDate(_ value: JSONValue?) throws(WrongType) -> Date? {
        guard let value else { return nil }
        guard let number = value.number else { throw WrongType() }
        return Date(timeIntervalSince1970: number.double)
    }

    /// Strings, booleans, integers and non-empty string arrays are written again by `JSONWriter`,
    /// so they compare equal to the claims that were signed; any other value is kept as it was
    /// sent, which the strict reader guarantees is exactly one JSON value.
    private static func extraClaim(_ member: JSONMember, in object: JSONObject) -> ExtraClaim {
        let name = member.name
        switch member.value.kind {
        case .string(let text): return ExtraClaim(name: name, string: text)
        case .bool(let value): return ExtraClaim(name: name, boolean: value)
        case .number(let number):
            if let integer = number.integer { return ExtraClaim(name: name, integer: integer) }
        case .array(let elements):
            if !elements.isEmpty, let strings = member.value.strings { return ExtraClaim(name: name, strings: strings) }
        case .object, .null: break
        }
        return ExtraClaim(name: name, readJSON: object.bytes(of: member.value))
    }
}
