import Crypto
import Foundation
import Granted
import _CryptoExtras

/// Private JWKs (RFC 7518 §6.2.2, §6.3.2; RFC 8037 §2). Granted's `JWK` refuses private members on
/// purpose, so they are read here, and only to build a signer.
extension PrivateSigningKey {
    private struct Members: Decodable {
        let kty: String?
        let crv: String?
        let n: String?, e: String?, d: String?, p: String?, q: String?
        let x: String?, y: String?
    }

    /// Reads a private JWK: RSA (`n`, `e`, `d`, `p`, `q`), EC P-256 (`x`, `y`, `d`) or OKP Ed25519
    /// (`x`, `d`). The public members must belong to the private key.
    /// - Throws: `KeyError`.
    public init(jwk json: [UInt8]) throws(KeyError) {
        let members: Members
        do {
            members = try JSONDecoder().decode(Members.self, from: Data(json))
        } catch {
            throw .invalidJWK(member: "kty")
        }
        let d = try Self.octets(members.d, "d")
        switch (members.kty, members.crv) {
        case ("RSA", _):
            let n = try Self.octets(members.n, "n")
            // RFC 7518 §3.3: 2048 bits or more. Counted here, since swift-crypto refuses a short
            // key with an error that does not say why.
            let bits = Self.bitCount(n)
            guard bits >= 2048 else { throw .rsaKeyTooSmall(bits: bits) }
            let e = try Self.octets(members.e, "e")
            let key: _RSA.Signing.PrivateKey
            do {
                key = try _RSA.Signing.PrivateKey(
                    n: n, e: e, d: d, p: try Self.octets(members.p, "p"), q: try Self.octets(members.q, "q"))
            } catch let error as KeyError {
                throw error
            } catch {
                throw .rejectedByCryptoLibrary
            }
            guard key.keySizeInBits >= 2048 else { throw .rsaKeyTooSmall(bits: key.keySizeInBits) }
            self = .rsa(key)
        case ("EC", "P-256"):
            let key: P256.Signing.PrivateKey
            do {
                key = try P256.Signing.PrivateKey(rawRepresentation: d)
            } catch {
                throw .invalidJWK(member: "d")
            }
            self = .p256(key)
        case ("OKP", "Ed25519"):
            let key: Curve25519.Signing.PrivateKey
            do {
                key = try Curve25519.Signing.PrivateKey(rawRepresentation: d)
            } catch {
                throw .invalidJWK(member: "d")
            }
            self = .ed25519(key)
        case ("EC", _), ("OKP", _):
            throw .invalidJWK(member: "crv")
        default:
            throw .unsupportedKey
        }
        // The public members written beside `d` must be this key's (RFC 7518 §6.2.2, §6.3.2).
        switch publicKey.jwkKey {
        case .rsa(let modulus, let exponent):
            guard try Self.minimal(Self.octets(members.n, "n")) == modulus,
                try Self.minimal(Self.octets(members.e, "e")) == exponent
            else { throw .inconsistentJWK }
        case .ec(_, let x, let y):
            guard try Self.octets(members.x, "x") == x, try Self.octets(members.y, "y") == y else { throw .inconsistentJWK }
        case .okp(_, let x):
            guard try Self.octets(members.x, "x") == x else { throw .inconsistentJWK }
        case .oct:
            throw .unsupportedKey
        }
    }

    private static func octets(_ text: String?, _ member: String) throws(KeyError) -> [UInt8] {
        guard let text, let bytes = Base64URL.decode(text), !bytes.isEmpty else { throw .invalidJWK(member: member) }
        return bytes
    }

    /// The bit length of a big-endian unsigned integer.
    private static func bitCount(_ bytes: [UInt8]) -> Int {
        let significant = minimal(bytes)
        return significant.first.map { significant.count * 8 - $0.leadingZeroBitCount } ?? 0
    }

    private static func minimal(_ bytes: [UInt8]) -> [UInt8] {
        Array(bytes.drop(while: { $0 == 0 }))
    }
}
