/// User codes (RFC 8628 §6.1): 8 characters from 20 consonants (no vowels, so no words; no
/// lookalikes), 34.5 bits, shown `XXXX-XXXX` and matched ignoring case, spaces and dashes.
///
/// The store keeps two server-keyed digests, never the code: one of its first six characters,
/// which finds the device authorization, and one of all eight, compared in constant time. A
/// wrong entry whose first six characters find an authorization counts against it, and enough
/// of them burn it (§5.1); an entry that finds nothing is for the host's per-session limit.
enum UserCode {
    static let alphabet = Array("BCDFGHJKLMNPQRSTVWXZ".utf8)
    static let length = 8
    /// Characters of the lookup digest; the other two are only in the check.
    static let lookupLength = 6

    /// A fresh code in its display form, `XXXX-XXXX`: each character uniformly from the alphabet
    /// (bytes of 240 and above are drawn again, so the modulo is unbiased).
    static func mint(using random: any RandomSource) -> String {
        var letters: [UInt8] = []
        letters.reserveCapacity(length)
        while letters.count < length {
            for byte in random.bytes(16) where byte < 240 && letters.count < length {
                letters.append(alphabet[Int(byte % 20)])
            }
        }
        return display(letters)
    }

    /// The canonical 8 letters of an entry: upper-cased, spaces and dashes dropped; nil for
    /// anything that cannot be a user code (another character, another length).
    static func normalize(_ input: String) -> [UInt8]? {
        var letters: [UInt8] = []
        for byte in input.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "-"), 0x09: continue
            default:
                // ASCII lower case to upper case; anything else stays and fails the alphabet check.
                let upper = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) ? byte - 32 : byte
                guard letters.count < length, alphabet.contains(upper) else { return nil }
                letters.append(upper)
            }
        }
        return letters.count == length ? letters : nil
    }

    /// `XXXX-XXXX`, as the device shows it and the verification page repeats it.
    static func display(_ letters: [UInt8]) -> String {
        String(decoding: letters.prefix(4), as: UTF8.self) + "-" + String(decoding: letters.dropFirst(4), as: UTF8.self)
    }
}

extension ServerKey {
    /// The digests a user code is stored under (see `UserCode`): keyed, so a copy of the
    /// database alone cannot turn them back into codes (34.5 bits are no secret to SHA-256 alone).
    func userCodeDigests(_ letters: [UInt8]) -> (lookup: Digest256, check: Digest256) {
        let text = String(decoding: letters, as: UTF8.self)
        return (
            mac("granted user code lookup\u{0}" + text.prefix(UserCode.lookupLength)),
            mac("granted user code\u{0}" + text)
        )
    }
}
