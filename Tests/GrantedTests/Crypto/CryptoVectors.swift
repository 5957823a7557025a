import Testing

/// The vectors of `Fixtures/vectors/`, decoded into test arguments.
enum CryptoVectors {
    struct MalformedHex: Error, CustomStringConvertible {
        let text: String
        var description: String { "not an even-length hex string: \(text.prefix(40))" }
    }

    /// Bytes from lowercase or uppercase hex.
    static func bytes(hex text: String) throws -> [UInt8] {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { throw MalformedHex(text: text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else {
                throw MalformedHex(text: text)
            }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

// MARK: - SHA-256

extension CryptoVectors {
    /// One message and its digest, from `sha256.json`.
    struct SHA256Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let message: [UInt8]
        /// The message as text when the fixture gives it as ASCII, for `SHA256.hash(_: String)`.
        let text: String?
        let digestHex: String
        var testDescription: String { name }
    }

    private struct SHA256File: Decodable {
        struct Set: Decodable {
            let name: String
            let source: String
            let vectors: [Vector]
        }
        struct Vector: Decodable {
            let name: String?
            let ascii: String?
            let `repeat`: Int?
            let len: Int?
            let msg: String?
            let md: String
        }
        let sets: [Set]
    }

    struct MalformedVector: Error, CustomStringConvertible {
        let name: String
        var description: String { "malformed vector \(name)" }
    }

    static func sha256() throws -> [SHA256Vector] {
        let file = try Fixtures.load("vectors/sha256.json", as: SHA256File.self)
        return try file.sets.flatMap { set in
            try set.vectors.map { vector in
                if let ascii = vector.ascii {
                    let text = String(repeating: ascii, count: vector.repeat ?? 1)
                    let name = "\(set.name): \(vector.name ?? ascii)"
                    return SHA256Vector(name: name, message: Array(text.utf8), text: text, digestHex: vector.md)
                }
                let name = "\(set.name): Len = \(vector.len ?? -1)"
                // CAVS writes the empty message as "00"; only the first Len/8 bytes are the message.
                guard let bits = vector.len, let hex = vector.msg, bits % 8 == 0,
                    case let decoded = try CryptoVectors.bytes(hex: hex), decoded.count >= bits / 8
                else { throw MalformedVector(name: name) }
                let message = Array(decoded.prefix(bits / 8))
                return SHA256Vector(name: name, message: message, text: nil, digestHex: vector.md)
            }
        }
    }
}

// MARK: - HMAC-SHA256

extension CryptoVectors {
    /// One RFC 4231 case, from `hmac-sha256-rfc4231.json`.
    struct HMACCase: Sendable, Decodable, CustomTestStringConvertible {
        let name: String
        let key: String
        let data: String
        let hmacSHA256: String
        /// Set when the RFC lists only a prefix of the MAC (test case 5: 16 bytes).
        let truncatedToBytes: Int?
        var testDescription: String { name }
    }

    private struct HMACFile: Decodable {
        let cases: [HMACCase]
    }

    static func hmacSHA256() throws -> [HMACCase] {
        try Fixtures.load("vectors/hmac-sha256-rfc4231.json", as: HMACFile.self).cases
    }
}

// MARK: - Base64url

extension CryptoVectors {
    /// Bytes and their one valid base64url text, from `base64url.json`.
    struct Base64URLVector: Sendable, Decodable, CustomTestStringConvertible {
        let name: String
        let hex: String
        let encoded: String
        var testDescription: String { "\(name) → \"\(encoded)\"" }
    }

    /// Text a strict decoder must refuse, and why.
    struct Base64URLRejection: Sendable, Decodable, CustomTestStringConvertible {
        let text: String
        let reason: String
        var testDescription: String { "\(text.debugDescription): \(reason)" }
    }

    private struct Base64URLFile: Decodable {
        let vectors: [Base64URLVector]
        let rejected: [Base64URLRejection]
    }

    static func base64URL() throws -> [Base64URLVector] {
        try Fixtures.load("vectors/base64url.json", as: Base64URLFile.self).vectors
    }

    static func base64URLRejections() throws -> [Base64URLRejection] {
        try Fixtures.load("vectors/base64url.json", as: Base64URLFile.self).rejected
    }
}
