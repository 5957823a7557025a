#!/usr/bin/env python3
"""joserfc's side of granted-crypto-bench: sign and verify per algorithm.

usage: bench_joserfc.py [--quick]

sign.ALG / verify.ALG: the JWS Signature over the same 300-byte signing input as
granted-crypto-bench (the algorithm object's sign/verify, what joserfc's compact serialization
calls); idtoken.ALG / idtoken.verify.ALG: joserfc.jwt.encode and jwt.decode of an ID token's
claims (decode checks the signature; claims are not validated). Median of 5 runs (1 with --quick).
"""
import sys
import time
import warnings

from joserfc import jws, jwt
from joserfc.jwk import ECKey, OKPKey, RSAKey

warnings.filterwarnings("ignore", message="EdDSA is deprecated")
QUICK = "--quick" in sys.argv
RUNS = 1 if QUICK else 5
SCALE = 0.05 if QUICK else 1.0
KEYS = {
    "RS256": lambda: RSAKey.generate_key(2048),
    "PS256": lambda: RSAKey.generate_key(2048),
    "ES256": lambda: ECKey.generate_key("P-256"),
    "EdDSA": lambda: OKPKey.generate_key("Ed25519"),
}
SIGNING_INPUT = b"eyJhbGciOiJSUzI1NiJ9" * 15


def measure(name, ops, body):
    ops = max(1, int(ops * SCALE))
    for _ in range(min(ops, 50)):
        body()
    rates = []
    for _ in range(RUNS):
        start = time.perf_counter_ns()
        for _ in range(ops):
            body()
        rates.append(ops / ((time.perf_counter_ns() - start) / 1e9))
    rates.sort()
    median = rates[len(rates) // 2]
    print(f"| {name:<24} | {median:10.0f} | {1e9 / median:9.0f} |")


def main():
    registry = jws.JWSRegistry(algorithms=list(KEYS))
    print("| scenario (joserfc) | median ops/s | ns/op |")
    print("|---|---:|---:|")
    for alg, generate in KEYS.items():
        key = generate()
        model = registry.get_alg(alg)
        heavy = alg in ("RS256", "PS256")
        signature = model.sign(SIGNING_INPUT, key)
        measure(f"sign.{alg}", 2_000 if heavy else 20_000, lambda: model.sign(SIGNING_INPUT, key))
        measure(f"verify.{alg}", 40_000 if heavy else 20_000, lambda: model.verify(SIGNING_INPUT, signature, key))
        now = int(time.time())
        claims = {"iss": "https://auth.example.com", "sub": "32a9a4d0-cb6e-463f-a0ab-63d0a0418bc7",
                  "aud": "bench-web", "exp": now + 3600, "iat": now, "auth_time": now,
                  "nonce": "n-0S6_WzA2Mj", "azp": "bench-web", "at_hash": "x" * 22}
        header = {"alg": alg, "typ": "JWT", "kid": "bench"}
        measure(f"idtoken.{alg}", 2_000 if heavy else 20_000,
                lambda: jwt.encode(header, claims, key, algorithms=[alg], registry=registry))
        token = jwt.encode(header, claims, key, algorithms=[alg], registry=registry)
        measure(f"idtoken.verify.{alg}", 20_000 if heavy else 10_000,
                lambda: jwt.decode(token, key, algorithms=[alg], registry=registry))


if __name__ == "__main__":
    main()
