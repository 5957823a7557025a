#if canImport(Granted)
    @_spi(Benchmarks) @testable import Granted
#endif

/// Base64 decoding, eight characters at a time (`Base64Lanes`), against a plain reading of
/// RFC 4648 a character at a time: the url-safe alphabet unpadded and strict (§5; RFC 7515 §2),
/// and the standard one with padding as Basic credentials use it (§4). Any bytes: the same
/// answer, and what decodes encodes back to the same text.
enum Base64Checks {
    static func check(_ bytes: [UInt8]) throws {
        let url = bytes.withUnsafeBytes { Base64URL.decode($0) }
        try require(url == plainDecode(bytes, padded: false), "base64url decoding differs from the plain reading")
        if let url { try require(Array(Base64URL.encode(url).utf8) == bytes, "base64url does not round-trip") }

        let standard = Base64Standard.decode(bytes)
        try require(standard == plainDecode(bytes, padded: true), "base64 decoding differs from the plain reading")
    }

    /// RFC 4648 a character at a time: `padded`, the standard alphabet, a length of 4n and up to
    /// two '=' at the end (unused bits not checked, as Basic's decoder); else the url-safe
    /// alphabet, no '=', no length of 4n+1, unused bits zero.
    static func plainDecode(_ text: [UInt8], padded: Bool) -> [UInt8]? {
        let alphabet = Array(
            ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" + (padded ? "+/" : "-_")).utf8)
        var body = text[...]
        if padded {
            guard text.count % 4 == 0 else { return nil }
            var padding = 0
            while padding < 2, body.last == UInt8(ascii: "=") {
                body = body.dropLast()
                padding += 1
            }
        }
        var bits = 0
        var count = 0
        var out: [UInt8] = []
        for character in body {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            bits = bits << 6 | value
            count += 6
            if count >= 8 {
                count -= 8
                out.append(UInt8(truncatingIfNeeded: bits >> count))
                bits &= (1 << count) - 1
            }
        }
        guard body.count % 4 != 1 else { return nil }
        return padded || bits == 0 ? out : nil
    }
}
