import Foundation
import Granted
import GrantedCrypto

/// The demo's `--signing-key`: a PEM private key that GrantedCrypto signs with. An RSA key signs
/// RS256, a P-256 key ES256, an Ed25519 key EdDSA; the `kid` is the key's RFC 7638 thumbprint, so
/// it stays the same across restarts and servers sharing the file.
public enum SigningKeyFile {
    public enum LoadError: Error, CustomStringConvertible {
        case unreadable(path: String)
        case refused(path: String, KeyError)
        public var description: String {
            switch self {
            case .unreadable(let path): "cannot read the signing key at \(path)"
            case .refused(let path, let error): "\(path): \(error)"
            }
        }
    }

    /// The signer for the PEM file at `path` (PKCS #8, PKCS #1 RSA or SEC 1 EC), e.g. made with
    /// `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key.pem`.
    public static func load(_ path: String) throws(LoadError) -> AsymmetricSigner {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path) }
        do {
            return try AsymmetricSigner(pem: String(decoding: data, as: UTF8.self))
        } catch {
            throw .refused(path: path, error)
        }
    }
}
