import Foundation

/// A JWK Set (RFC 7517 §5): `{"keys":[…]}`, what `jwks_uri` serves.
public struct JWKSet: Sendable, Hashable {
    public var keys: [JWK]
    public init(keys: [JWK]) { self.keys = keys }

    /// Parses a JWK Set, skipping keys of a `kty` Granted does not know (§5). Read by
    /// `JSONReader` (RFC 8259 alone; a repeated member name keeps its last value), under the
    /// same rules as the `Codable` conformance.
    /// - Throws: `JWK.ParseError` for a set that is not an object with a `keys` array, or a
    ///   known key that is malformed or private.
    public init(json: [UInt8]) throws(JWK.ParseError) {
        guard let object = JSONReader.object(json) else { throw .notAJSONObject }
        try self.init(object: object)
    }

    /// A JWK Set `JSONReader` already read: a whole document (`init(json:)`), or registration's
    /// `jwks` member (RFC 7591 §2). - Throws: `JWK.ParseError`.
    init(object: JSONObject) throws(JWK.ParseError) {
        guard let value = object["keys"] else { throw .missingMember("keys") }
        guard let entries = value.array else { throw .invalidMember("keys") }
        var keys: [JWK] = []
        keys.reserveCapacity(entries.count)
        for entry in entries {
            guard case .object(let members) = entry.kind else { throw .notAJSONObject }
            do {
                keys.append(try JWK(object: JSONObject(source: object.source, members: members)))
            } catch {
                guard case .unsupportedKeyType = error else { throw error }
            }
        }
        self.keys = keys
    }

    /// `{"keys":[…]}`, each key as `JWK.json` writes it.
    public var json: [UInt8] {
        var array: [UInt8] = [UInt8(ascii: "[")]
        for (index, key) in keys.enumerated() {
            if index > 0 { array.append(UInt8(ascii: ",")) }
            array.append(contentsOf: key.json)
        }
        array.append(UInt8(ascii: "]"))
        var writer = JSONWriter(capacity: array.count + 12)
        writer.field("keys", rawJSON: array)
        return writer.finish()
    }
}

/// For a set inside a host's own `Codable` types. On a repeated member name Foundation's
/// `JSONDecoder` keeps the first value, where RFC 7517 §4 and §5 ask for the last or a refusal:
/// parse a set received from elsewhere with `init(json:)`.
extension JWKSet: Codable {
    private enum Member: String, CodingKey { case keys }

    /// One entry of `keys`: a JWK, or nil for a key type this library does not know.
    private struct Entry: Decodable {
        let key: JWK?
        init(from decoder: any Decoder) throws {
            do {
                key = try JWK(from: decoder)
            } catch JWK.ParseError.unsupportedKeyType {
                key = nil
            }
        }
    }

    /// - Throws: `JWK.ParseError`.
    public init(from decoder: any Decoder) throws {
        guard let members = try? decoder.container(keyedBy: Member.self) else { throw JWK.ParseError.notAJSONObject }
        guard members.contains(.keys) else { throw JWK.ParseError.missingMember("keys") }
        var entries: any UnkeyedDecodingContainer
        do {
            entries = try members.nestedUnkeyedContainer(forKey: .keys)
        } catch {
            throw JWK.ParseError.invalidMember("keys")
        }
        var keys: [JWK] = []
        while !entries.isAtEnd {
            if let key = try entries.decode(Entry.self).key { keys.append(key) }
        }
        self.keys = keys
    }

    public func encode(to encoder: any Encoder) throws {
        var members = encoder.container(keyedBy: Member.self)
        try members.encode(keys, forKey: .keys)
    }
}
