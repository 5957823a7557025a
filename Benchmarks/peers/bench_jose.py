#!/usr/bin/env python3
"""joserfc's and Authlib's side of granted-crypto-bench, under the same scenario names.

usage: bench_jose.py [--quick] [--runs N] [--json]

joserfc 1.8.0 (on pyca/cryptography, OpenSSL), per algorithm (RS256, PS256, ES256, EdDSA):
  sign.ALG / verify.ALG     the algorithm object's sign/verify over the same 300-byte signing
                            input as granted-crypto-bench (what compact serialization calls)
  idtoken.ALG               jwt.encode of an ID token's claims
  idtoken.verify.ALG        jwt.decode of it (the signature) and JWTClaimsRegistry (iss, aud, exp)
  jwtat.verify.ALG          a resource server's check of an RFC 9068 JWT access token: jwt.decode
                            with the key, `typ` at+jwt, and iss, aud, exp, sub, client_id, iat, jti
Authlib 1.9.10:
  jwtat.cc.ALG              a client credentials token request (client_secret_basic) through
                            Authlib's AuthorizationServer answered with an RFC 9068 JWT access
                            token by its JWTBearerTokenGenerator (claims, then jwt.encode); RS256
                            and ES256 only: it refuses PS256 and EdDSA (not joserfc-recommended)
  pkjwt.cc.ALG  (ES256, RS256)             a client credentials token request through Authlib's
                            AuthorizationServer, the client authenticated by its
                            JWTBearerClientAssertion (private_key_jwt, RFC 7523 §2.2) with a jti
                            check against a set; the assertions are signed before the clock starts
  cc.basic                  the same request with client_secret_basic (the bench_authlib server)

Each figure is the median of the timed runs (5; 1 with --quick) of a fixed number of operations
after a warm-up, as granted-crypto-bench measures. --json prints one
{"scenario", "median", "peer"} object per line.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

common.ensure_venv()  # before the third-party imports

import bench_authlib as authlib_peer  # noqa: E402  (its server, client and store models)
from authlib.oauth2.rfc6749 import grants  # noqa: E402
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion  # noqa: E402
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator  # noqa: E402
from joserfc import jws, jwt  # noqa: E402
from joserfc.jwk import ECKey, KeySet, OKPKey, RSAKey  # noqa: E402

warnings.filterwarnings("ignore", message="EdDSA is deprecated")
QUICK = "--quick" in sys.argv
JSON = "--json" in sys.argv
RUNS = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else (1 if QUICK else 5)
SCALE = 0.05 if QUICK else 1.0
KEYS = {
    "RS256": lambda: RSAKey.generate_key(2048),
    "PS256": lambda: RSAKey.generate_key(2048),
    "ES256": lambda: ECKey.generate_key("P-256"),
    "EdDSA": lambda: OKPKey.generate_key("Ed25519"),
}
SIGNING_INPUT = b"eyJhbGciOiJSUzI1NiJ9" * 15
ISSUER = common.ISSUER
TOOLS = "https://tools.example.com/mcp"
KEY_CLIENT = "bench-key-client"
ASSERTION_TYPE = "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"


def operations(base: int) -> int:
    return max(1, int(base * SCALE))


def measure(name: str, base_ops: int, body, peer: str) -> None:
    ops = operations(base_ops)
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
    if JSON:
        print(json.dumps({"scenario": name, "median": median, "peer": peer}), flush=True)
    else:
        print(f"| {name:<24} | {peer:<8} | {median:10.0f} | {1e9 / median:9.0f} |", flush=True)


class KeyClient(authlib_peer.Client):
    """A client registered with a public key, authenticating with private_key_jwt only."""

    __slots__ = ("key",)

    def __init__(self, key):
        super().__init__(KEY_CLIENT, b"", {"client_credentials"}, {"public"}, set())
        self.key = key

    def check_endpoint_auth_method(self, method, endpoint):
        return method == PrivateKeyJWT.CLIENT_AUTH_METHOD


class PrivateKeyJWT(JWTBearerClientAssertion):
    """Authlib's RFC 7523 client assertion, as its documentation asks a server to complete it:
    the audiences, a jti check (the digest of client and jti in a set), the client's key."""

    CLIENT_AUTH_METHOD = "private_key_jwt"

    def __init__(self):
        super().__init__(leeway=30)
        self.used: set[bytes] = set()

    def get_audiences(self):
        return [ISSUER + "/token", ISSUER]

    def validate_jti(self, claims, jti):
        digest = hashlib.sha256(f"{claims['sub']}\0{jti}".encode()).digest()
        if digest in self.used:
            return False
        self.used.add(digest)
        return True

    def resolve_client_public_key(self, client):
        return client.key


class AssertionGrant(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = [PrivateKeyJWT.CLIENT_AUTH_METHOD]


def private_key_jwt(alg: str, key) -> None:
    store = common.Store()
    store.clients[KEY_CLIENT] = KeyClient(key)
    server = authlib_peer.Server(store, library_tokens=False)
    server.register_grant(AssertionGrant)
    server.register_client_auth_method(PrivateKeyJWT.CLIENT_AUTH_METHOD, PrivateKeyJWT())
    heavy = alg == "RS256"
    base = 1_000 if heavy else 5_000
    ops = operations(base)
    now = int(time.time())
    requests = []
    for n in range(min(ops, 50) + RUNS * ops):
        claims = {"iss": KEY_CLIENT, "sub": KEY_CLIENT, "aud": ISSUER + "/token", "exp": now + 3000, "iat": now,
                  "jti": f"bench-{n}"}
        assertion = jwt.encode({"alg": alg, "kid": "bench"}, claims, key, algorithms=[alg])
        body = f"grant_type=client_credentials&scope=public&client_assertion_type={ASSERTION_TYPE}&client_assertion={assertion}"
        requests.append(common.form_post("/token", body))
    cursor = [0]

    def op():
        raw = requests[cursor[0]]
        cursor[0] += 1
        status, body, _headers = server.create_token_response(common.parse_raw(raw))
        if status != 200:
            common.fail(f"private_key_jwt token request answered {status}: {body}")

    measure(f"pkjwt.cc.{alg}", base, op, "Authlib")


class JWTAccessTokens(JWTBearerTokenGenerator):
    """Authlib's RFC 9068 generator, completed as its documentation asks: the key, the audience."""

    def __init__(self, key, alg):
        super().__init__(ISSUER, alg=alg, expires_generator=authlib_peer.ACCESS_TOKEN_LIFETIME)
        self.keys = KeySet([key])

    def get_jwks(self):
        return self.keys

    def get_audiences(self, client, user, scope):
        return TOOLS


def jwt_access_tokens(alg: str, key) -> None:
    store = common.Store()
    store.clients[common.CLIENT_ID] = authlib_peer.Client(
        common.CLIENT_ID, authlib_peer.CLIENT_SECRET_HASH, {"client_credentials"}, {"public"}, set())
    server = authlib_peer.Server(store, library_tokens=False)
    server.register_grant(grants.ClientCredentialsGrant)
    server.register_token_generator("default", JWTAccessTokens(key, alg))
    raw = common.form_post("/token", "grant_type=client_credentials&scope=public", common.basic_authorization())

    def op():
        status, body, _headers = server.create_token_response(common.parse_raw(raw))
        if status != 200 or common.json_string_field(body, "access_token").count(".") != 2:
            common.fail(f"JWT access token request answered {status}: {body}")

    measure(f"jwtat.cc.{alg}", 2_000 if alg in ("RS256", "PS256") else 10_000, op, "Authlib")


def client_secret_basic() -> None:
    store = common.Store()
    store.clients[common.CLIENT_ID] = authlib_peer.Client(
        common.CLIENT_ID, authlib_peer.CLIENT_SECRET_HASH,
        {"client_credentials"}, {"public"}, set())
    server = authlib_peer.Server(store, library_tokens=False)
    server.register_grant(grants.ClientCredentialsGrant)
    raw = common.form_post("/token", "grant_type=client_credentials&scope=public", common.basic_authorization())

    def op():
        status, body, _headers = server.create_token_response(common.parse_raw(raw))
        if status != 200:
            common.fail(f"client_credentials answered {status}: {body}")

    measure("cc.basic", 10_000, op, "Authlib")


def main():
    registry = jws.JWSRegistry(algorithms=list(KEYS))
    if not JSON:
        print("| scenario | peer | median ops/s | ns/op |")
        print("|---|---|---:|---:|")
    for alg, generate in KEYS.items():
        key = generate()
        model = registry.get_alg(alg)
        heavy = alg in ("RS256", "PS256")
        signature = model.sign(SIGNING_INPUT, key)
        measure(f"sign.{alg}", 2_000 if heavy else 20_000, lambda: model.sign(SIGNING_INPUT, key), "joserfc")
        measure(f"verify.{alg}", 40_000 if heavy else 20_000,
                lambda: model.verify(SIGNING_INPUT, signature, key), "joserfc")
        now = int(time.time())
        claims = {"iss": ISSUER, "sub": "32a9a4d0-cb6e-463f-a0ab-63d0a0418bc7", "aud": "bench-web",
                  "exp": now + 3600, "iat": now, "auth_time": now, "nonce": "n-0S6_WzA2Mj", "azp": "bench-web",
                  "at_hash": "x" * 22}
        header = {"alg": alg, "typ": "JWT", "kid": "bench"}
        measure(f"idtoken.{alg}", 2_000 if heavy else 20_000,
                lambda: jwt.encode(header, claims, key, algorithms=[alg], registry=registry), "joserfc")
        token = jwt.encode(header, claims, key, algorithms=[alg], registry=registry)
        id_claims = jwt.JWTClaimsRegistry(leeway=5, iss={"essential": True, "value": ISSUER},
                                          aud={"essential": True, "value": "bench-web"}, exp={"essential": True})

        def verify_id_token():
            decoded = jwt.decode(token, key, algorithms=[alg], registry=registry)
            id_claims.validate(decoded.claims)

        measure(f"idtoken.verify.{alg}", 20_000 if heavy else 10_000, verify_id_token, "joserfc")

        at_claims = {"iss": ISSUER, "sub": "bench-client", "aud": TOOLS, "exp": now + 3600, "iat": now,
                     "jti": "x" * 43, "client_id": "bench-client", "scope": "public"}
        access_token = jwt.encode({"alg": alg, "typ": "at+jwt", "kid": "bench"}, at_claims, key,
                                  algorithms=[alg], registry=registry)
        at_registry = jwt.JWTClaimsRegistry(
            leeway=5, iss={"essential": True, "value": ISSUER}, aud={"essential": True, "value": TOOLS},
            exp={"essential": True}, sub={"essential": True}, client_id={"essential": True},
            iat={"essential": True}, jti={"essential": True})

        def verify_access_token():
            decoded = jwt.decode(access_token, key, algorithms=[alg], registry=registry)
            if decoded.header.get("typ", "").lower() not in ("at+jwt", "application/at+jwt"):
                common.fail("typ")
            at_registry.validate(decoded.claims)

        if alg in ("RS256", "ES256"):  # Authlib's generator signs with joserfc's recommended ones only
            jwt_access_tokens(alg, key)
        measure(f"jwtat.verify.{alg}", 20_000 if heavy else 10_000, verify_access_token, "joserfc")
        if alg == "ES256":
            client_secret_basic()
        if alg in ("ES256", "RS256"):
            private_key_jwt(alg, key)


if __name__ == "__main__":
    main()
