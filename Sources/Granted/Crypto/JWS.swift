import Foundation

/// JSON Web Signature in the compact serialization (RFC 7515 §3.1, §7.1): signing straight into
/// bytes, and strict parsing and verification that never trusts the header to pick an algorithm.
public enum JWS {
    /// Why `sign` refused.
    public enum SigningError: Error, Sendable, Hashable {
        /// The signer claims `alg: none` (RFC 7518 §3.6): Granted never issues an unsecured JWS.
        case unsecuredAlgorithm
        /// The signer returned no bytes, which would read as an unsecured JWS.
        case emptySignature
    }

    /// A parsed compact JWS whose signature has not been checked yet.
    public struct Parsed: Sendable, Hashable {
        let header: JWSHeader
        public let payload: [UInt8]
        public let signature: [UInt8]
        /// ASCII(BASE64URL(header) ‖ '.' ‖ BASE64URL(payload)), what the signature covers (§5.2 step 8).
        public let signingInput: [UInt8]
    }

    /// The longest compact JWS `parse` and `verify` accept by default: far above an ID token,
    /// far below what would make parsing a cost to an attacker's benefit.
    public static let defaultMaximumLength = 16 * 1024
    /// The longest encoded header accepted; Granted's own are under 100 characters.
    static let maximumHeaderLength = 2048

    /// Signs `payload` as a compact JWS (§5.1) with header `{"alg":…,"typ":…,"kid":…}`, built with
    /// `JSONWriter` and base64url-encoded straight into one buffer.
    /// - Throws: `SigningError`, or whatever `signer.sign` throws.
    public static func sign(_ payload: [UInt8], type: String? = "JWT", signer: any Signer) throws -> String {
        let algorithm = signer.algorithm
        guard !algorithm.isUnsecured else { throw SigningError.unsecuredAlgorithm }
        var header = JSONWriter(capacity: 64)
        header.field("alg", algorithm.rawValue)
        header.field("typ", type)
        header.field("kid", signer.keyID)
        let headerBytes = header.finish()

        var output: [UInt8] = []
        output.reserveCapacity(Base64URL.encodedCount(headerBytes.count) + Base64URL.encodedCount(payload.count) + 360)
        headerBytes.withUnsafeBytes { Base64URL.encode($0, appendingTo: &output) }
        output.append(UInt8(ascii: "."))
        payload.withUnsafeBytes { Base64URL.encode($0, appendingTo: &output) }
        let signature = try signer.sign(output)
        guard !signature.isEmpty else { throw SigningError.emptySignature }
        output.append(UInt8(ascii: "."))
        signature.withUnsafeBytes { Base64URL.encode($0, appendingTo: &output) }
        return String(decoding: output, as: UTF8.self)
    }

    /// Splits and decodes a compact JWS (§7.1, §5.2 steps 1-6), strictly: exactly three parts,
    /// each strict base64url, the header a JSON object with a string `alg` and no `crit` we do not
    /// understand, at most `maximumLength` bytes in all. Nil on anything else; never traps.
    public static func parse(_ compact: String, maximumLength: Int = defaultMaximumLength) -> Parsed? {
        guard compact.utf8.count <= maximumLength else { return nil }
        var compact = compact
        return compact.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    /// Verifies a compact JWS (§5.2) and answers its payload, or nil. The header's `alg` must be
    /// exactly `algorithm`, which is never `none`; only verifiers for that algorithm are tried, so a
    /// token cannot pick an HMAC where a public key is expected (RFC 8725 §2.1, §3.1). With a `kid`,
    /// the verifiers with that `kid` are tried, or failing any, those without one.
    public static func verify(
        _ compact: String, expecting algorithm: JWSAlgorithm, verifiers: [any SignatureVerifier],
        maximumLength: Int = defaultMaximumLength
    ) -> [UInt8]? {
        verified(compact, expecting: algorithm, verifiers: verifiers, maximumLength: maximumLength)?.payload
    }

    /// `verify`, answering the whole parsed JWS.
    static func verified(
        _ compact: String, expecting algorithm: JWSAlgorithm, verifiers: [any SignatureVerifier],
        maximumLength: Int = defaultMaximumLength
    ) -> Parsed? {
        guard !algorithm.isUnsecured,
            let parsed = parse(compact, maximumLength: maximumLength),
            parsed.header.algorithm == algorithm,
            !parsed.signature.isEmpty
        else { return nil }
        let candidates = verifiers.filter { $0.algorithm == algorithm }
        var chosen = candidates
        if let keyID = parsed.header.keyID {
            chosen = candidates.filter { $0.keyID == keyID }
            if chosen.isEmpty { chosen = candidates.filter { $0.keyID == nil } }
        }
        return chosen.contains { $0.verify(parsed.signature, for: parsed.signingInput) } ? parsed : nil
    }

    /// `parse(_:maximumLength:)`, answering the header object it read too, for a caller that
    /// needs a member `JWSHeader` does not keep (a DPoP proof's `jwk`, RFC 9449 §4.2) without
    /// decoding and parsing the header a second time.
    static func parseKeepingHeader(
        _ compact: String, maximumLength: Int = defaultMaximumLength
    ) -> (parsed: Parsed, header: JSONObject)? {
        guard compact.utf8.count <= maximumLength else { return nil }
        var compact = compact
        return compact.withUTF8 { parseKeepingHeader(UnsafeRawBufferPointer($0)) }
    }

    /// The byte-level parse behind `parse(_:maximumLength:)`.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> Parsed? {
        parseKeepingHeader(bytes)?.parsed
    }

    /// Where the first '.' in `base[from..<to]` is, nil when there is none.
    @inline(__always)
    private static func dot(in base: UnsafeRawPointer, from: Int, to: Int) -> Int? {
        guard from < to, let found = memchr(base + from, Int32(UInt8(ascii: ".")), to - from) else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    private static func parseKeepingHeader(_ bytes: UnsafeRawBufferPointer) -> (parsed: Parsed, header: JSONObject)? {
        // Three parts: a fourth is a JWE (RFC 7516 §7.1) or garbage. memchr finds the dots a
        // vector at a time.
        guard let base = bytes.baseAddress,
            let firstDot = dot(in: base, from: 0, to: bytes.count),
            let secondDot = dot(in: base, from: firstDot + 1, to: bytes.count),
            dot(in: base, from: secondDot + 1, to: bytes.count) == nil
        else { return nil }
        guard firstDot > 0, firstDot <= maximumHeaderLength else { return nil }
        let encodedHeader = UnsafeRawBufferPointer(rebasing: bytes[0..<firstDot])
        let encodedPayload = UnsafeRawBufferPointer(rebasing: bytes[(firstDot + 1)..<secondDot])
        let encodedSignature = UnsafeRawBufferPointer(rebasing: bytes[(secondDot + 1)...])
        guard let headerBytes = Base64URL.decode(encodedHeader),
            let payload = Base64URL.decode(encodedPayload),
            let signature = Base64URL.decode(encodedSignature),
            let object = JSONReader.object(headerBytes),
            let header = JWSHeader(object: object)
        else { return nil }
        let parsed = Parsed(
            header: header, payload: payload, signature: signature,
            signingInput: Array(UnsafeRawBufferPointer(rebasing: bytes[0..<secondDot])))
        return (parsed, object)
    }
}
