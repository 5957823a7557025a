import Foundation

/// JWK serialization (RFC 7517 §4): members written in one fixed order, base64url without
/// padding (RFC 7515 §2); parsing strict about what a public key may carry.
extension JWK {
    /// Why JSON was not accepted as a JWK.
    public enum ParseError: Error, Sendable, Hashable {
        /// Not a JSON object.
        case notAJSONObject
        /// A `kty` Granted does not know (RFC 7517 §4.1): a JWK Set skips these (§5).
        case unsupportedKeyType(String)
        /// A member the key type requires is absent (RFC 7518 §6.2.1, §6.3.1, §6.4.1; RFC 8037 §2).
        case missingMember(String)
        /// A member of the wrong JSON type, not strict base64url, of the wrong size for its curve,
        /// or a `key_ops` with a repeated value (RFC 7517 §4.3).
        case invalidMember(String)
        /// A private key member (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`; RFC 7518 §6.2.2, §6.3.2;
        /// RFC 8037 §2) in what must be a public key.
        case privateMember(String)
    }

    /// The members that make an asymmetric JWK private.
    static let privateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth"]
    /// The private members and `k`, a symmetric key (RFC 7518 §6.4.1): a shared secret by another
    /// name, which a set of public keys must not hold either.
    static let secretMembers = privateMembers + ["k"]

    /// Parses one JWK from UTF-8 JSON through `init(members:)`. A repeated member name keeps its
    /// last value, as in the JWS header a DPoP proof carries it in (RFC 7515 §4; RFC 8259 §4).
    /// - Throws: `ParseError`.
    public init(json: [UInt8]) throws(ParseError) {
        guard let object = JSONReader.object(json) else { throw .notAJSONObject }
        try self.init(object: object)
    }

    /// The JSON object: `kty`, the key's parameters, then `use`, `key_ops`, `alg`, `kid` when
    /// present, without white space: the same bytes for the same value.
    public var json: [UInt8] {
        var writer = JSONWriter(capacity: 128 + parameterSize)
        writer.field("kty", key.keyType)
        switch key {
        case .rsa(let modulus, let exponent):
            writer.field("n", Base64URL.encode(modulus))
            writer.field("e", Base64URL.encode(exponent))
        case .ec(let curve, let x, let y):
            writer.field("crv", curve.rawValue)
            writer.field("x", Base64URL.encode(x))
            writer.field("y", Base64URL.encode(y))
        case .okp(let curve, let x):
            writer.field("crv", curve.rawValue)
            writer.field("x", Base64URL.encode(x))
        case .oct(let key):
            writer.field("k", Base64URL.encode(key))
        }
        writer.field("use", use?.rawValue)
        if let operations { writer.field("key_ops", operations.map(\.rawValue)) }
        writer.field("alg", algorithm?.rawValue)
        writer.field("kid", keyID)
        return writer.finish()
    }

    private var parameterSize: Int {
        switch key {
        case .rsa(let modulus, let exponent): Base64URL.encodedCount(modulus.count + exponent.count) + 2
        case .ec(_, let x, let y): Base64URL.encodedCount(x.count + y.count) + 2
        case .okp(_, let x): Base64URL.encodedCount(x.count)
        case .oct(let key): Base64URL.encodedCount(key.count)
        }
    }
}

extension JWK: Codable {
    struct Member: CodingKey {
        let stringValue: String
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    /// Decodes and validates a JWK through `init(members:)`; unknown members are ignored (RFC 7517 §4).
    /// - Throws: `JWK.ParseError`.
    public init(from decoder: any Decoder) throws {
        guard let members = try? decoder.container(keyedBy: Member.self) else { throw ParseError.notAJSONObject }
        try self.init(members: DecodedMembers(container: members))
    }

    /// A JWK from an object `JSONReader` already read, such as a DPoP proof's `jwk` header
    /// (RFC 9449 §4.2), through the same rules as `init(json:)`. - Throws: `ParseError`.
    init(object: JSONObject) throws(ParseError) {
        try self.init(members: ParsedMembers(object: object))
    }

    /// The rules of a JWK, the one place they are written, whatever parsed its JSON: a `kty`
    /// Granted knows (RFC 7517 §4.1), no private member in an asymmetric key (RFC 7518 §6.2.2,
    /// §6.3.2; RFC 8037 §2), the members the key type requires as non-empty strict base64url
    /// (RFC 7518 §6.2.1, §6.3.1, §6.4.1), coordinates of their curve's size (§6.2.1.2), and a
    /// `key_ops` array of strings without repeats (RFC 7517 §4.3).
    private init(members: some JWKMembers) throws(ParseError) {
        guard let keyType = try members.string("kty") else { throw ParseError.missingMember("kty") }
        switch keyType {
        case "RSA", "EC", "OKP":
            if let found = Self.privateMembers.first(where: { members.contains($0) }) {
                throw ParseError.privateMember(found)
            }
        case "oct": break
        default: throw ParseError.unsupportedKeyType(keyType)
        }
        let key: Key
        switch keyType {
        case "RSA":
            key = .rsa(modulus: try Self.octets("n", in: members), exponent: try Self.octets("e", in: members))
        case "EC":
            let curve = Curve(rawValue: try Self.required("crv", in: members))
            let x = try Self.octets("x", in: members)
            let y = try Self.octets("y", in: members)
            if let size = Curve.ellipticCoordinateSizes[curve] {
                guard x.count == size else { throw ParseError.invalidMember("x") }
                guard y.count == size else { throw ParseError.invalidMember("y") }
            } else {
                guard Curve.octetKeyPairSizes[curve] == nil, x.count == y.count else { throw ParseError.invalidMember("crv") }
            }
            key = .ec(curve: curve, x: x, y: y)
        case "OKP":
            let curve = Curve(rawValue: try Self.required("crv", in: members))
            guard Curve.ellipticCoordinateSizes[curve] == nil else { throw ParseError.invalidMember("crv") }
            let x = try Self.octets("x", in: members)
            if let size = Curve.octetKeyPairSizes[curve], x.count != size { throw ParseError.invalidMember("x") }
            key = .okp(curve: curve, x: x)
        default:
            key = .oct(key: try Self.octets("k", in: members))
        }
        var operations: [Operation]?
        if members.contains("key_ops") {
            guard let values = members.strings("key_ops"), Set(values).count == values.count else {
                throw ParseError.invalidMember("key_ops")
            }
            operations = values.map(Operation.init(rawValue:))
        }
        self.init(
            key, keyID: try members.string("kid"), use: try members.string("use").map(Use.init),
            operations: operations, algorithm: try members.string("alg").map(JWSAlgorithm.init))
    }

    public func encode(to encoder: any Encoder) throws {
        var members = encoder.container(keyedBy: Member.self)
        try members.encode(key.keyType, forKey: Member("kty"))
        switch key {
        case .rsa(let modulus, let exponent):
            try members.encode(Base64URL.encode(modulus), forKey: Member("n"))
            try members.encode(Base64URL.encode(exponent), forKey: Member("e"))
        case .ec(let curve, let x, let y):
            try members.encode(curve.rawValue, forKey: Member("crv"))
            try members.encode(Base64URL.encode(x), forKey: Member("x"))
            try members.encode(Base64URL.encode(y), forKey: Member("y"))
        case .okp(let curve, let x):
            try members.encode(curve.rawValue, forKey: Member("crv"))
            try members.encode(Base64URL.encode(x), forKey: Member("x"))
        case .oct(let key):
            try members.encode(Base64URL.encode(key), forKey: Member("k"))
        }
        try members.encodeIfPresent(use?.rawValue, forKey: Member("use"))
        try members.encodeIfPresent(operations?.map(\.rawValue), forKey: Member("key_ops"))
        try members.encodeIfPresent(algorithm?.rawValue, forKey: Member("alg"))
        try members.encodeIfPresent(keyID, forKey: Member("kid"))
    }

    private static func required(_ name: String, in members: some JWKMembers) throws(ParseError) -> String {
        guard let value = try members.string(name) else { throw .missingMember(name) }
        return value
    }

    /// A required non-empty base64url member (RFC 7518 §6: Base64urlUInt and octet values).
    private static func octets(_ name: String, in members: some JWKMembers) throws(ParseError) -> [UInt8] {
        guard let octets = Base64URL.decode(try required(name, in: members)), !octets.isEmpty else {
            throw .invalidMember(name)
        }
        return octets
    }
}

/// Where `JWK.init(members:)` reads a key's members from: the JSON types it asks for, and the
/// same answers whichever parser read the JSON.
private protocol JWKMembers {
    /// Whether `name` is present, even as null.
    func contains(_ name: String) -> Bool
    /// A string member; nil when absent or null. - Throws: `invalidMember` for another JSON type.
    func string(_ name: String) throws(JWK.ParseError) -> String?
    /// An array of strings; nil when absent or anything else, null included.
    func strings(_ name: String) -> [String]?
}

/// The members as `Codable` decoding sees them (`JSONDecoder`, `JWKSet`).
private struct DecodedMembers: JWKMembers {
    let container: KeyedDecodingContainer<JWK.Member>

    func contains(_ name: String) -> Bool { container.contains(JWK.Member(name)) }

    func string(_ name: String) throws(JWK.ParseError) -> String? {
        guard contains(name) else { return nil }
        do {
            return try container.decodeIfPresent(String.self, forKey: JWK.Member(name))
        } catch {
            throw .invalidMember(name)
        }
    }

    func strings(_ name: String) -> [String]? {
        (try? container.decodeIfPresent([String].self, forKey: JWK.Member(name))) ?? nil
    }
}

/// The members of an object `JSONReader` read.
private struct ParsedMembers: JWKMembers {
    let object: JSONObject

    func contains(_ name: String) -> Bool { object[name] != nil }

    func string(_ name: String) throws(JWK.ParseError) -> String? {
        guard let value = object[name] else { return nil }
        if case .null = value.kind { return nil }
        guard let text = value.string else { throw .invalidMember(name) }
        return text
    }

    func strings(_ name: String) -> [String]? { object[name]?.strings }
}
