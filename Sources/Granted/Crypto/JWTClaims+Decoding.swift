import Foundation

extension JWTClaims {
    /// Reads a verified JWS Payload as a claims set (RFC 7519 §7.2 step 10): a UTF-8 JSON object
    /// whose typed claims have their registered types (strings; `aud` a string or an array of
    /// strings; dates finite numbers, not booleans). Nil otherwise. Extra claims come back sorted by
    /// name; a repeated name keeps the last value (§4).
    init?(json bytes: [UInt8]) {
        guard let object = JSONInput.object(bytes) else { return nil }
        self.init(object: object)
    }

    /// `init(json:)` on the object `JSONInput.object` made of the payload bytes, for a caller
    /// that reads other members of it too (a DPoP proof's `htm`, `htu`, `ath`; RFC 9449 §4.2).
    init?(object: [String: Any]) {
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
        for (name, value) in object.sorted(by: { $0.key < $1.key }) where !Self.typedClaimNames.contains(name) {
            guard let claim = Self.extraClaim(name, value) else { return nil }
            extraClaims.append(claim)
        }
    }

    private struct WrongType: Error {}

    private static func string(_ value: Any?) throws(WrongType) -> String? {
        guard let value else { return nil }
        guard let text = value as? String else { throw WrongType() }
        return text
    }

    /// RFC 7519 §4.1.3: one string, or an array of strings.
    private static func audience(_ value: Any?) throws(WrongType) -> [String] {
        guard let value else { return [] }
        if let single = value as? String { return [single] }
        guard let many = value as? [Any] else { throw WrongType() }
        var audience: [String] = []
        for element in many {
            guard let text = element as? String else { throw WrongType() }
            audience.append(text)
        }
        return audience
    }

    /// RFC 7519 §2: a JSON number of seconds, possibly fractional.
    private static func numericDate(_ value: Any?) throws(WrongType) -> Date? {
        guard let value else { return nil }
        guard let number = value as? NSNumber, !isBoolean(number), number.doubleValue.isFinite else {
            throw WrongType()
        }
        return Date(timeIntervalSince1970: number.doubleValue)
    }

    /// Foundation reads `true` and `false` as `NSNumber`s whose type is `char`.
    private static func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }

    /// Strings, booleans, integers and string arrays are written again by `JSONWriter`, so they
    /// compare equal to the claims that were signed; other values go through Foundation.
    private static func extraClaim(_ name: String, _ value: Any) -> ExtraClaim? {
        if let text = value as? String { return ExtraClaim(name: name, string: text) }
        if let number = value as? NSNumber {
            if isBoolean(number) { return ExtraClaim(name: name, boolean: number.boolValue) }
            let type = String(cString: number.objCType)
            if type != "d" && type != "f", let integer = Int(exactly: number.int64Value),
                NSNumber(value: integer) == number
            {
                return ExtraClaim(name: name, integer: integer)
            }
        }
        if let array = value as? [Any], !array.isEmpty {
            let strings = array.compactMap { $0 as? String }
            if strings.count == array.count { return ExtraClaim(name: name, strings: strings) }
        }
        return ExtraClaim(name: name, foundationValue: value)
    }
}
