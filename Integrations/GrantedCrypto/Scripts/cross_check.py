#!/usr/bin/env python3
"""GrantedCrypto against joserfc, both ways, for RS256, PS256, ES256 and EdDSA.

usage: cross_check.py PATH/TO/granted-jose

For each algorithm: joserfc verifies a JWS that granted-jose signed (with the public JWK it
printed), and granted-jose verifies a JWS that joserfc signed (with joserfc's public JWK), and
refuses it once its signature is altered. Exits non-zero on the first disagreement.
"""
import json
import subprocess
import sys
import warnings

from joserfc import jws
from joserfc.jwk import ECKey, OKPKey, RSAKey

ALGORITHMS = {
    "RS256": lambda: RSAKey.generate_key(2048),
    "PS256": lambda: RSAKey.generate_key(2048),
    "ES256": lambda: ECKey.generate_key("P-256"),
    "EdDSA": lambda: OKPKey.generate_key("Ed25519"),
}
# RFC 9864 deprecates the polymorphic "EdDSA" for "Ed25519"; OpenID Connect and GrantedCrypto
# still use "EdDSA" (RFC 8037), which joserfc verifies with a SecurityWarning.
warnings.filterwarnings("ignore", message="EdDSA is deprecated")
PAYLOAD = b'{"iss":"https://joserfc.example","sub":"cross-check"}'


def swift_verifies(tool, jwk, compact):
    run = subprocess.run([tool, "verify"], input=json.dumps(jwk) + "\n" + compact + "\n",
                         capture_output=True, text=True)
    return run.returncode == 0


def main():
    tool = sys.argv[1]
    registry = jws.JWSRegistry(algorithms=list(ALGORITHMS))
    for alg, generate in ALGORITHMS.items():
        # Swift signs, joserfc verifies.
        signed = subprocess.run([tool, "sign", alg], capture_output=True, text=True, check=True)
        jwk_line, compact = signed.stdout.strip().splitlines()
        jwk = json.loads(jwk_line)
        key = {"RSA": RSAKey, "EC": ECKey, "OKP": OKPKey}[jwk["kty"]].import_key(jwk)
        token = jws.deserialize_compact(compact, key, algorithms=[alg], registry=registry)
        assert token.protected["alg"] == alg and token.protected["kid"] == jwk["kid"], alg
        assert json.loads(token.payload)["sub"] == "cross-check", alg
        print(f"{alg}: joserfc verifies granted-jose's JWS")

        # joserfc signs, Swift verifies.
        key = generate()
        public = key.as_dict(private=False)
        public["alg"] = alg
        public["use"] = "sig"
        compact = jws.serialize_compact({"alg": alg}, PAYLOAD, key, algorithms=[alg], registry=registry)
        assert swift_verifies(tool, public, compact), f"{alg}: granted-jose refused joserfc's JWS"
        head, body, signature = compact.split(".")
        altered = signature[:-2] + ("AA" if not signature.endswith("AA") else "BA")
        assert not swift_verifies(tool, public, f"{head}.{body}.{altered}"), f"{alg}: altered JWS verified"
        print(f"{alg}: granted-jose verifies joserfc's JWS and refuses it altered")
    print("cross-check: all algorithms agree both ways")


if __name__ == "__main__":
    main()
