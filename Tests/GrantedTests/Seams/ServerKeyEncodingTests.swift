import Foundation
import Testing

@testable import Granted

/// `ServerKey(encoded:)`: the one reading of a key file that `granted` and the demo share.
@Suite("Server key from its text form")
struct ServerKeyEncodingTests {
    /// Bytes whose base64 uses `+` and `/` (and so base64url `-` and `_`), with padding.
    static let bytes: [UInt8] = (0..<33).map { UInt8(truncatingIfNeeded: 0xFB &+ $0 &* 7) }

    static var forms: [String] {
        let standard = Data(bytes).base64EncodedString()
        let url = standard.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        return [
            standard, url, url.replacingOccurrences(of: "=", with: ""), "  \(standard)\n",
            standard.replacingOccurrences(of: "=", with: "") + "\r\n",
        ]
    }

    @Test("base64 and base64url (RFC 4648 §4, §5), padded or not, with whitespace around: the same key", arguments: forms)
    func sameKey(_ text: String) throws {
        let key = try ServerKey(encoded: text)
        let reference = try ServerKey(bytes: Self.bytes)
        #expect(key.mac("probe") == reference.mac("probe"))
    }

    @Test("not base64, or under 32 bytes: refused with the reason", arguments: [
        ("not base64 at all!", ServerKey.KeyError.notBase64),
        ("", ServerKey.KeyError.shorterThan256Bits),
        (Data(repeating: 1, count: 31).base64EncodedString(), ServerKey.KeyError.shorterThan256Bits),
    ])
    func refused(_ text: String, _ expected: ServerKey.KeyError) {
        #expect(throws: expected) { try ServerKey(encoded: text) }
    }
}
