import Foundation

/// A JWK Set (RFC 7517 §5): `{"keys":[…]}`, what `jwks_uri` serves.
public struct JWKSet: Sendable, Hashable {
    public var keys: [JWK]
    public init(keys: [JWK]) { self.keys = keys }

    /// Parses a JWK Set, skipping keys of a `kty` Granted does not know (§5).
    /// - Throws: `JWK.ParseError` for a set that is not an object with a `keys` array, or a
    ///   known key that is malformed or private.
    public init(json: [UInt8]) throws(JWK.ParseError) {
        do {
            self = try JSONDecoder().decode(JWKSet.self, from: Data(json))
        } catch let error as JWK.ParseError {
            throw error
        } catch {
            throw .notAJSONObject
        }
    }

    /// A JWK Set `JSONReader` already read, such as registration's `jwks` member (RFC 7591 §2),
    /// under the rules `init(json:)` applies. - Throws: `JWK.ParseError`.
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
