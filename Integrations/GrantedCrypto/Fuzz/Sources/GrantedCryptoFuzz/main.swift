// libFuzzer entry point for GrantedCrypto, the target chosen by $GRANTED_FUZZ_TARGET:
//   pem          PrivateSigningKey(pem:) and PublicSigningKey(pem:) on the input as UTF-8 text
//   privatejwk   PrivateSigningKey(jwk:) on the input as JSON
// Whatever the input: a KeyError or a key; a key read is one that writes out and reads back as
// itself, and (private keys) signs what its public half verifies. A broken invariant traps.
import CFuzzerDriver
import Foundation
import Granted
import GrantedCrypto

enum Target: String, CaseIterable {
    case pem, privatejwk
}

let selected: Target = {
    let name = ProcessInfo.processInfo.environment["GRANTED_FUZZ_TARGET"] ?? ""
    guard let target = Target(rawValue: name) else {
        fatalError("set GRANTED_FUZZ_TARGET to one of: \(Target.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return target
}()

/// Traps with `message` unless `condition` holds: libFuzzer saves the input.
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("invariant broken in \(selected.rawValue): \(message())") }
}

/// A private key read from the input signs, its public half verifies, and it reads back from
/// the PEM it writes as the same key.
func checkPrivate(_ key: PrivateSigningKey) {
    let again = try? PrivateSigningKey(pem: key.pem)
    require(again?.publicKey.thumbprint == key.publicKey.thumbprint, "a private key does not read back from its PEM")
    guard let signer = try? AsymmetricSigner(key: key), let signature = try? signer.sign([1, 2, 3]) else {
        return require(false, "a private key that was read does not sign")
    }
    require(signer.verifier?.verify(signature, for: [1, 2, 3]) == true, "a signature by a key that was read does not verify")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    switch selected {
    case .pem:
        let text = String(decoding: bytes, as: UTF8.self)
        if let key = try? PrivateSigningKey(pem: text) { checkPrivate(key) }
        if let key = try? PublicSigningKey(pem: text) {
            let again = try? PublicSigningKey(pem: key.pem)
            require(again?.thumbprint == key.thumbprint, "a public key does not read back from its PEM")
        }
    case .privatejwk:
        if let key = try? PrivateSigningKey(jwk: bytes) { checkPrivate(key) }
    }
    return 0
}

/// The entry point SwiftPM links as `main` (it renames an executable's entry point to
/// `MODULE_main` and points `main` at it), so libFuzzer's own `main` is not the one that runs:
/// start libFuzzer's driver here instead.
@_cdecl("GrantedCryptoFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzOne(data, size) }
}
