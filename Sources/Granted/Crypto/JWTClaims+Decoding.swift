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
        // One pass from the last member back, so the first of a name met is its last value
        // (RFC 7519 §4); a typed claim's earlier values are not looked at, as before.
        var seen: UInt16 = 0
        var extras: [JSONMember] = []
        func first(_ bit: UInt16) -> Bool {
            defer { seen |= bit }
            return seen & bit == 0
        }
        do {
            for member in object.members.reversed() {
                let value = member.value
                switch member.name {
                case "iss": if first(1 << 0) { issuer = try Self.string(value) }
                case "sub": if first(1 << 1) { subject = try Self.string(value) }
                case "aud": if first(1 << 2) { audience = try Self.audience(value) }
                case "exp": if first(1 << 3) { expiresAt = try Self.numericDate(value) }
                case "nbf": if first(1 << 4) { notBefore = try Self.numericDate(value) }
                case "iat": if first(1 << 5) { issuedAt = try Self.numericDate(value) }
                case "jti": if first(1 << 6) { jwtID = try Self.string(value) }
                case "auth_time": if first(1 << 7) { authTime = try Self.numericDate(value) }
                case "nonce": if first(1 << 8) { nonce = try Self.string(value) }
                case "azp": if first(1 << 9) { authorizedParty = try Self.string(value) }
                case "at_hash": if first(1 << 10) { accessTokenHash = try Self.string(value) }
                case "c_hash": if first(1 << 11) { codeHash = try Self.string(value) }
                default: if readingExtraClaims { extras.append(member) }
                }
            }
        } catch {
            return nil
        }
        guard !extras.isEmpty else { return }
        // Sorted by name; of a repeated name the first here, which is the last sent.
        let order = extras.indices.sorted { left, right in
            let (a, b) = (extras[left].name, extras[right].name)
            return a == b ? left < right : a < b
        }
        extraClaims.reserveCapacity(order.count)
        for (position, index) in order.enumerated() {
            if position > 0, extras[order[position - 1]].name == extras[index].name { continue }
            extraClaims.append(Self.extraClaim(extras[index], in: object))
        }
    }

    private struct WrongType: Error {}

    private static func string(_ value: JSONValue) throws(WrongType) -> String? {
        guard let text = value.string else { throw WrongType() }
        return text
    }

    /// RFC 7519 §4.1.3: one string, or an array of strings.
    private static func audience(_ value: JSONValue) throws(WrongType) -> [String] {
        if let single = value.string { return [single] }
        guard let many = value.strings else { throw WrongType() }
        return many
    }

    /// RFC 7519 §2: a JSON number of seconds, possibly fractional (never a boolean).
    private static func numericDate(_ value: JSONValue) throws(WrongType) -> Date? {
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
