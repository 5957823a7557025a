/// Proof Key for Code Exchange (RFC 7636).
enum PKCE {
    /// Validates the challenge of an authorization request (§4.2, §4.3).
    /// - Throws: `invalidRequest` for a missing required challenge (§4.4.1), an unsupported or
    ///   disallowed method (`plain` unless policy allows, RFC 9700 §2.1.1), or a malformed value.
    static func challenge(
        _ value: String?, method: String?, required: Bool, allowsPlain: Bool
    ) throws(OAuthError) -> PKCEChallenge? {
        guard let value else {
            if method != nil { throw .invalidRequest("code_challenge_method without code_challenge") }
            if required { throw .invalidRequest("code_challenge is required") }
            return nil
        }
        // §4.3: defaults to plain when the method is absent.
        let method = CodeChallengeMethod(rawValue: method ?? CodeChallengeMethod.plain.rawValue)
        switch method {
        case .s256: break
        case .plain where allowsPlain: break
        default: throw .invalidRequest("code_challenge_method is not supported")
        }
        guard isWellFormed(value) else { throw .invalidRequest("code_challenge is malformed") }
        return PKCEChallenge(challenge: value, method: method)
    }

    /// §4.6: `BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge` (or equality for plain),
    /// compared in constant time.
    static func verify(_ verifier: String, against challenge: PKCEChallenge) -> Bool {
        guard isWellFormed(verifier) else { return false }
        var presented = challenge.challenge
        return presented.withUTF8 { challengeBytes in
            switch challenge.method {
            case .s256:
                // The 43 characters of the digest's base64url, written on the stack.
                return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 43) { expected in
                    let count = SHA256.hash(verifier).withUnsafeBytes {
                        Base64URL.encode($0, writingInto: expected)
                    }
                    return ConstantTime.equals(
                        UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: expected[..<count])),
                        UnsafeRawBufferPointer(challengeBytes))
                }
            case .plain:
                var verifier = verifier
                return verifier.withUTF8 {
                    ConstantTime.equals(UnsafeRawBufferPointer($0), UnsafeRawBufferPointer(challengeBytes))
                }
            default:
                return false
            }
        }
    }

    /// §4.1: 43 to 128 characters of `[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"`.
    static func isWellFormed(_ value: String) -> Bool {
        let bytes = value.utf8
        guard (43...128).contains(bytes.count) else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                true
            default: false
            }
        }
    }
}
