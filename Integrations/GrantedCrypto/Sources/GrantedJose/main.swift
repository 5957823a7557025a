import Foundation
import Granted
import GrantedCrypto

// granted-jose: GrantedCrypto at the command line, for checking it against another JOSE library
// (Scripts/cross_check.py runs it against joserfc).
//
//   granted-jose sign ALG   prints a fresh key's public JWK, then a compact JWS of `payload`
//   granted-jose verify     reads a public JWK line and a compact JWS line from standard input;
//                           exits 0 when the JWS verifies with the JWK's `alg`, 1 when not

/// The payload both sides sign.
let payload = #"{"iss":"https://granted.example","sub":"cross-check"}"#

func fail(_ message: String, status: Int32 = 2) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(status)
}

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "sign":
    guard arguments.count == 2, let name = arguments.last else { fail("usage: granted-jose sign RS256|PS256|ES256|EdDSA") }
    do {
        let signer = try AsymmetricSigner.generate(JWSAlgorithm(rawValue: name))
        guard let jwk = signer.publicJWK else { fail("no public JWK") }
        print(String(decoding: jwk.json, as: UTF8.self))
        print(try JWS.sign(Array(payload.utf8), signer: signer))
    } catch {
        fail("granted-jose: \(error)")
    }
case "verify":
    guard let jwkLine = readLine(), let compact = readLine() else { fail("expected a JWK line and a JWS line") }
    guard let jwk = try? JWK(json: Array(jwkLine.utf8)), let algorithm = jwk.algorithm,
        let verifier = CryptoKeyVerification().verifier(for: jwk, algorithm: algorithm)
    else { fail("granted-jose: not a public signing JWK with an alg GrantedCrypto verifies") }
    guard let verified = JWS.verify(compact, expecting: algorithm, verifiers: [verifier]) else {
        fail("granted-jose: \(algorithm.rawValue) signature does not verify", status: 1)
    }
    print(String(decoding: verified, as: UTF8.self))
default:
    fail("usage: granted-jose sign ALG | granted-jose verify < jwk-and-jws")
}
