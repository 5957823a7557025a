import Foundation

/// PEM text encoding (RFC 7468): a label and base64 DER between `-----BEGIN`/`-----END` lines.
enum PEM {
    struct Document {
        let label: String
        let der: [UInt8]
    }

    /// The first PEM document in `text`. - Throws: `KeyError.notPEM`.
    static func decode(_ text: String) throws(KeyError) -> Document {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let begin = lines.firstIndex(where: { $0.hasPrefix("-----BEGIN ") && $0.hasSuffix("-----") }) else {
            throw .notPEM
        }
        let label = String(lines[begin].dropFirst("-----BEGIN ".count).dropLast(5))
        guard let end = lines[begin...].firstIndex(of: "-----END \(label)-----"),
            let der = Data(base64Encoded: lines[(begin + 1)..<end].joined())
        else { throw .notPEM }
        return Document(label: label, der: Array(der))
    }

    /// `der` under `label`, base64 in lines of 64 characters (RFC 7468 §2).
    static func encode(_ der: [UInt8], label: String) -> String {
        let base64 = Data(der).base64EncodedString()
        var lines = ["-----BEGIN \(label)-----"]
        var index = base64.startIndex
        while index < base64.endIndex {
            let next = base64.index(index, offsetBy: 64, limitedBy: base64.endIndex) ?? base64.endIndex
            lines.append(String(base64[index..<next]))
            index = next
        }
        lines.append("-----END \(label)-----")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Ed25519 keys in DER (RFC 8410 §7, §4): swift-crypto reads only their raw 32 bytes, and both
/// structures have one fixed prefix before them.
enum Ed25519DER {
    /// `OneAsymmetricKey` v1 with `id-Ed25519` and the seed as an OCTET STRING (RFC 8410 §7).
    static let privatePrefix: [UInt8] = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]
    /// `SubjectPublicKeyInfo` with `id-Ed25519` (RFC 8410 §4).
    static let publicPrefix: [UInt8] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]

    /// The 32 key bytes after `prefix`, or nil when `der` is not that structure.
    static func key(in der: [UInt8], after prefix: [UInt8]) -> [UInt8]? {
        guard der.count == prefix.count + 32, der.starts(with: prefix) else { return nil }
        return Array(der[prefix.count...])
    }
}
