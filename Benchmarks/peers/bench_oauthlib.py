#!/usr/bin/env python3
"""oauthlib doing Granted's hot paths, in process, from raw request bytes to response body.

Wiring (oauthlib's own server classes, a minimal in-memory RequestValidator):

- client_credentials: BackendApplicationServer.create_token_response; the validator
  authenticates the client from HTTP Basic (base64, form-decoding, SHA-256 of the secret
  compared in constant time) and stores the token under the SHA-256 of its text.
- code_round_trip: WebApplicationServer.validate_authorization_request (the authorize page),
  create_authorization_response with the user (the approval; oauthlib validates the request
  again inside), then create_token_response for grant_type=authorization_code with the PKCE
  verifier (S256, required) and Basic client authentication.
- refresh_rotation: WebApplicationServer.create_token_response, grant_type=refresh_token;
  rotate_refresh_token answers True, save_bearer_token marks the old refresh token revoked.
- bearer_verify: WebApplicationServer.verify_request(scopes=["public"]) on
  `Authorization: Bearer ...`, against the prefilled store.
- introspection: IntrospectEndpoint.create_introspect_response with Basic client authentication.
- id_token_hs256: oauthlib's OpenID Connect AuthorizationCodeGrant.add_id_token (the token
  modifier its code exchange runs: aud, iat, nonce, at_hash), finalized by the validator with
  iss, sub, exp, auth_time and signed by joserfc (HS256). id_token_hs256.joserfc: the same
  claims built by hand and signed by joserfc, no oauthlib.

Access tokens, refresh tokens and codes are 32 random bytes base64url, like Granted's, through
the server's token_generator / refresh_token_generator and the code grant's
create_authorization_code; --library-tokens keeps oauthlib's own generator (30 characters,
one SystemRandom call each).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import sys
import time
from urllib.parse import quote, unquote_plus

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common  # noqa: E402
from common import (  # noqa: E402
    ACCESS_TOKEN_LIFETIME,
    CLIENT_ID,
    CLIENT_SECRET_HASH,
    CODE_CHALLENGE,
    CODE_LIFETIME,
    CODE_VERIFIER,
    DEVICE_CLIENT_ID,
    DEVICE_GRANT,
    ID_TOKEN_KEY,
    ID_TOKEN_LIFETIME,
    ISSUER,
    NONCE,
    REDIRECT_URI,
    SCOPE,
    STATE,
    USER,
    Bench,
    Store,
    basic_authorization,
    device_polls,
    fail,
    form_post,
    json_string_field,
    measure_redemptions,
    new_credential,
    note,
    parse_raw,
    query_value,
    raw_http,
    secret_matches,
    selected,
    sha256_hex,
)

common.ensure_venv()  # before the third-party imports

from joserfc import jwt  # noqa: E402
from joserfc.jwk import OctKey  # noqa: E402
from oauthlib.common import Request  # noqa: E402
from oauthlib.oauth2 import BackendApplicationServer, WebApplicationServer  # noqa: E402
from oauthlib.oauth2.rfc6749.endpoints.token import TokenEndpoint  # noqa: E402
from oauthlib.oauth2.rfc6749.tokens import BearerToken  # noqa: E402
from oauthlib.oauth2.rfc8628.grant_types import DeviceCodeGrant  # noqa: E402
from oauthlib.openid import RequestValidator  # noqa: E402
from oauthlib.openid.connect.core.grant_types import (  # noqa: E402
    AuthorizationCodeGrant as OpenIDAuthorizationCodeGrant,
)

PEER = "oauthlib"
SCENARIOS = [
    "client_credentials",
    "code_round_trip",
    "refresh_rotation",
    "bearer_verify",
    "introspection",
    "id_token_hs256",
    "id_token_hs256.joserfc",
    "device.poll",
    "device.redeem",
]

# -- Models ------------------------------------------------------------------------------------


class Client:
    __slots__ = ("client_id", "secret_hash", "grant_types", "scopes", "redirect_uris")

    def __init__(self, client_id, secret_hash, grant_types, scopes, redirect_uris):
        self.client_id = client_id
        self.secret_hash = secret_hash
        self.grant_types = grant_types
        self.scopes = scopes
        self.redirect_uris = redirect_uris


class TokenRecord:
    """An access or refresh token as the store keeps it (under the digest of its text)."""

    __slots__ = ("client_id", "user", "scope", "issued_at", "expires_at", "revoked")

    def __init__(self, client_id, user, scope, issued_at, expires_at):
        self.client_id = client_id
        self.user = user
        self.scope = scope
        self.issued_at = issued_at
        self.expires_at = expires_at
        self.revoked = False


class CodeRecord:
    __slots__ = (
        "key", "client_id", "user", "scope", "redirect_uri", "challenge", "challenge_method",
        "nonce", "expires_at",
    )

    def __init__(self, key, client_id, user, scope, redirect_uri, challenge, challenge_method, nonce, expires_at):
        self.key = key
        self.client_id = client_id
        self.user = user
        self.scope = scope
        self.redirect_uri = redirect_uri
        self.challenge = challenge
        self.challenge_method = challenge_method
        self.nonce = nonce
        self.expires_at = expires_at


# -- Validator ---------------------------------------------------------------------------------


class Validator(RequestValidator):
    """The minimal in-memory validator: every method oauthlib calls on these paths."""

    def __init__(self, store: Store):
        self.store = store
        self.id_token_key = OctKey.import_key(ID_TOKEN_KEY)

    # Clients

    def client_authentication_required(self, request, *args, **kwargs):
        return True

    def authenticate_client(self, request, *args, **kwargs):
        """HTTP Basic (RFC 6749 §2.3.1): base64, then form-decoding of id and secret."""
        authorization = request.headers.get("Authorization")
        if not authorization or authorization[:6].lower() != "basic ":
            return False
        try:
            decoded = base64.b64decode(authorization[6:], validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return False
        client_id, colon, secret = decoded.partition(":")
        if not colon:
            return False
        client = self.store.clients.get(unquote_plus(client_id))
        if client is None or not secret_matches(unquote_plus(secret), client.secret_hash):
            return False
        request.client = client
        return True

    def authenticate_client_id(self, client_id, request, *args, **kwargs):
        return False  # no public clients here

    def validate_client_id(self, client_id, request, *args, **kwargs):
        return client_id in self.store.clients

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        return grant_type in client.grant_types

    def validate_response_type(self, client_id, response_type, client, request, *args, **kwargs):
        return response_type == "code" and "authorization_code" in self.store.clients[client_id].grant_types

    def validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs):
        return redirect_uri in self.store.clients[client_id].redirect_uris

    def get_default_redirect_uri(self, client_id, request, *args, **kwargs):
        return None  # redirect_uri is required

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        allowed = (client or self.store.clients[client_id]).scopes
        return all(scope in allowed for scope in scopes)

    def get_default_scopes(self, client_id, request, *args, **kwargs):
        return [SCOPE]

    # Authorization codes

    def is_pkce_required(self, client_id, request):
        return True

    def save_authorization_code(self, client_id, code, request, *args, **kwargs):
        key = sha256_hex(code["code"])
        self.store.codes[key] = CodeRecord(
            key, client_id, request.user, " ".join(request.scopes), request.redirect_uri,
            request.code_challenge, request.code_challenge_method, request.nonce,
            time.time() + CODE_LIFETIME,
        )

    def _code(self, code, request):
        record = getattr(request, "code_record", None)
        return record if record is not None else self.store.codes.get(sha256_hex(code))

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        record = self.store.codes.get(sha256_hex(code))
        if record is None or record.client_id != client.client_id or record.expires_at <= time.time():
            return False
        request.code_record = record
        request.user = record.user
        request.scopes = record.scope.split()
        return True

    def get_code_challenge(self, code, request):
        record = self._code(code, request)
        return record.challenge if record else None

    def get_code_challenge_method(self, code, request):
        record = self._code(code, request)
        return record.challenge_method if record else None

    def confirm_redirect_uri(self, client_id, code, redirect_uri, client, request, *args, **kwargs):
        record = self._code(code, request)
        return record is not None and record.redirect_uri == redirect_uri

    def invalidate_authorization_code(self, client_id, code, request, *args, **kwargs):
        record = self._code(code, request)
        self.store.codes.pop(record.key, None)

    def get_authorization_code_nonce(self, client_id, code, redirect_uri, request):
        record = self._code(code, request)
        return record.nonce if record else None

    # Tokens

    def save_bearer_token(self, token, request, *args, **kwargs):
        now = int(time.time())
        client_id = request.client.client_id
        scope = token.get("scope") or " ".join(request.scopes or ())
        self.store.access[sha256_hex(token["access_token"])] = TokenRecord(
            client_id, request.user, scope, now, now + token["expires_in"]
        )
        refresh_token = token.get("refresh_token")
        if refresh_token is not None:
            previous = getattr(request, "refresh_record", None)
            if previous is not None and refresh_token != request.refresh_token:
                previous.revoked = True  # rotation: the presented refresh token is spent
            self.store.refresh[sha256_hex(refresh_token)] = TokenRecord(client_id, request.user, scope, now, None)

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        record = self.store.refresh.get(sha256_hex(refresh_token))
        if record is None or record.revoked or record.client_id != client.client_id:
            return False
        request.refresh_record = record
        request.user = record.user
        return True

    def get_original_scopes(self, refresh_token, request, *args, **kwargs):
        return request.refresh_record.scope.split()

    def rotate_refresh_token(self, request):
        return True

    def validate_bearer_token(self, token, scopes, request):
        if not token:
            return False
        record = self.store.access.get(sha256_hex(token))
        if record is None or record.revoked or record.expires_at <= time.time():
            return False
        granted = record.scope.split()
        if not all(scope in granted for scope in scopes):
            return False
        request.client_id = record.client_id
        request.user = record.user
        request.scopes = scopes
        request.access_token = record
        return True

    def introspect_token(self, token, token_type_hint, request, *args, **kwargs):
        key = sha256_hex(token)
        if token_type_hint == "refresh_token":
            record = self.store.refresh.get(key) or self.store.access.get(key)
        else:
            record = self.store.access.get(key) or self.store.refresh.get(key)
        if (
            record is None
            or record.revoked
            or (record.expires_at is not None and record.expires_at <= time.time())
            or record.client_id != request.client.client_id
        ):
            return None
        claims = {
            "scope": record.scope,
            "client_id": record.client_id,
            "token_type": "Bearer",
            "iat": record.issued_at,
        }
        if record.expires_at is not None:
            claims["exp"] = record.expires_at
        if record.user is not None:
            claims["sub"] = record.user
        return claims

    # OpenID Connect

    def finalize_id_token(self, id_token, token, token_handler, request):
        id_token["iss"] = ISSUER
        id_token["sub"] = request.user
        id_token["exp"] = id_token["iat"] + ID_TOKEN_LIFETIME
        id_token["auth_time"] = request.auth_time
        return jwt.encode({"alg": "HS256"}, id_token, self.id_token_key)


class DeviceValidator(Validator):
    """The device grant's additions (RFC 8628 §3.4, §3.5): a public client identified by its
    client_id, and the status of the presented device code."""

    def client_authentication_required(self, request, *args, **kwargs):
        return request.client_id != DEVICE_CLIENT_ID

    def authenticate_client_id(self, client_id, request, *args, **kwargs):
        client = self.store.clients.get(client_id)
        if client is None or client_id != DEVICE_CLIENT_ID:
            return False
        request.client = client
        return True

    def validate_device_code(self, client_id, code, request, *args, **kwargs):
        record = self.store.devices.get(sha256_hex(code))
        if record is None or record.client_id != client_id or record.used:
            return None  # invalid_grant
        if record.is_expired():
            return DeviceCodeGrant.DEVICE_CODE_EXPIRED
        if record.user is None:
            return DeviceCodeGrant.DEVICE_CODE_PENDING
        record.used = True
        request.user = record.user
        request.scopes = record.scope.split()
        return DeviceCodeGrant.DEVICE_CODE_AUTHORIZED


def make_device_server(store, options) -> TokenEndpoint:
    """oauthlib's DeviceCodeGrant behind its TokenEndpoint with Bearer tokens (its
    DeviceApplicationServer is the device authorization endpoint only)."""
    validator = DeviceValidator(store)
    store.clients[DEVICE_CLIENT_ID] = Client(
        DEVICE_CLIENT_ID, None, {DEVICE_GRANT, "refresh_token"}, {SCOPE}, set())
    generators = {} if options.library_tokens else {"token_generator": new_credential, "refresh_token_generator": new_credential}
    bearer = BearerToken(validator, expires_in=ACCESS_TOKEN_LIFETIME, **generators)
    return TokenEndpoint(DEVICE_GRANT, bearer, {DEVICE_GRANT: DeviceCodeGrant(validator)})


# -- Fixture -----------------------------------------------------------------------------------


def make_store(options) -> Store:
    store = Store()
    store.clients[CLIENT_ID] = Client(
        CLIENT_ID, CLIENT_SECRET_HASH,
        {"client_credentials", "authorization_code", "refresh_token"},
        {"public", "openid", "profile"}, {REDIRECT_URI},
    )
    now = int(time.time())
    expires = now + ACCESS_TOKEN_LIFETIME
    # The id_token scenarios touch no store: no prefill when they run alone.
    count = options.tokens if any(selected(options, s) for s in SCENARIOS if not s.startswith("id_token")) else 0
    store.prefill(count, lambda i: TokenRecord(CLIENT_ID, None, SCOPE, now, expires))
    return store


def make_servers(validator, options):
    if options.library_tokens:
        generators = {}
    else:
        generators = {"token_generator": new_credential, "refresh_token_generator": new_credential}
    backend = BackendApplicationServer(validator, token_expires_in=ACCESS_TOKEN_LIFETIME, **generators)
    web = WebApplicationServer(validator, token_expires_in=ACCESS_TOKEN_LIFETIME, **generators)
    if not options.library_tokens:
        # oauthlib's AuthorizationCodeGrant.create_authorization_code, with Granted's generator.
        def create_authorization_code(request):
            grant = {"code": new_credential()}
            if request.state:
                grant["state"] = request.state
            return grant

        web.auth_grant.create_authorization_code = create_authorization_code
    return backend, web


BASIC = basic_authorization()
CC_RAW = form_post("/token", "grant_type=client_credentials&scope=public", BASIC)
AUTHORIZE_RAW = raw_http(
    "GET",
    "/authorize?response_type=code&client_id=" + CLIENT_ID
    + "&redirect_uri=" + quote(REDIRECT_URI, safe="")
    + "&scope=public&state=" + STATE
    + "&code_challenge=" + CODE_CHALLENGE + "&code_challenge_method=S256",
    [("Accept", "text/html")],
)
EXCHANGE_PREFIX = "grant_type=authorization_code&redirect_uri=" + quote(REDIRECT_URI, safe="") + "&code_verifier=" + CODE_VERIFIER + "&code="


def issue_client_credentials(backend) -> str:
    http = parse_raw(CC_RAW)
    headers, body, status = backend.create_token_response(http.uri, http.method, http.body, http.headers)
    if status != 200:
        fail(f"client_credentials answered {status}: {body}")
    return json_string_field(body, "access_token")


def code_round_trip(web) -> str:
    """Authorize, approve, exchange: the token response body."""
    http = parse_raw(AUTHORIZE_RAW)
    scopes, _credentials = web.validate_authorization_request(http.uri, http.method, None, http.headers)
    headers, _body, status = web.create_authorization_response(
        http.uri, http.method, None, http.headers, scopes=scopes, credentials={"user": USER}
    )
    location = headers.get("Location", "")
    if status != 302 or "code=" not in location:
        fail(f"approval answered {status}: {location}")
    if query_value(location, "state") != STATE:
        fail(f"approval lost the state: {location}")
    http = parse_raw(form_post("/token", EXCHANGE_PREFIX + query_value(location, "code"), BASIC))
    _headers, body, status = web.create_token_response(http.uri, http.method, http.body, http.headers)
    if status != 200:
        fail(f"code exchange answered {status}: {body}")
    return body


# -- Scenarios ---------------------------------------------------------------------------------


def main(argv=None):
    options = common.parse_options(PEER, SCENARIOS, argv)
    if options.list:
        print("\n".join(SCENARIOS))
        return
    bench = Bench(PEER, options)
    header = bench.header(("oauthlib", "joserfc"))
    print(header, file=sys.stderr if options.json else sys.stdout, flush=True)

    store = make_store(options)
    validator = Validator(store)
    backend, web = make_servers(validator, options)

    if selected(options, "client_credentials"):

        def op():
            http = parse_raw(CC_RAW)
            _headers, body, status = backend.create_token_response(http.uri, http.method, http.body, http.headers)
            if status != 200:
                fail(f"client_credentials answered {status}: {body}")

        bench.measure("client_credentials", op)

    if selected(options, "code_round_trip"):
        bench.measure("code_round_trip", lambda: code_round_trip(web))

    if selected(options, "refresh_rotation"):
        state = {"refresh_token": json_string_field(code_round_trip(web), "refresh_token")}

        def op():
            raw = form_post("/token", "grant_type=refresh_token&refresh_token=" + state["refresh_token"], BASIC)
            http = parse_raw(raw)
            _headers, body, status = web.create_token_response(http.uri, http.method, http.body, http.headers)
            if status != 200:
                fail(f"refresh answered {status}: {body}")
            state["refresh_token"] = json_string_field(body, "refresh_token")

        bench.measure("refresh_rotation", op)

    if selected(options, "bearer_verify") or selected(options, "introspection"):
        issued = 1_000 if options.quick else 10_000
        start = time.perf_counter()
        tokens = [issue_client_credentials(backend) for _ in range(issued)]
        note(f"issued {issued:,} tokens through /token in {time.perf_counter() - start:.2f} s")

    if selected(options, "bearer_verify"):
        raws = [raw_http("GET", "/v1/me", [("Authorization", "Bearer " + t), ("Accept", "application/json")]) for t in tokens]
        required = [SCOPE]
        cursor = [0]

        def op():
            i = cursor[0]
            cursor[0] = i + 1
            http = parse_raw(raws[i % issued])
            valid, request = web.verify_request(http.uri, http.method, None, http.headers, scopes=required)
            if not valid or request.client_id != CLIENT_ID:
                fail("bearer verification failed")

        bench.measure("bearer_verify", op)

    if selected(options, "introspection"):
        raws = [form_post("/introspect", "token=" + t + "&token_type_hint=access_token", BASIC) for t in tokens]
        cursor = [0]

        def op():
            i = cursor[0]
            cursor[0] = i + 1
            http = parse_raw(raws[i % issued])
            _headers, body, status = web.create_introspect_response(http.uri, http.method, http.body, http.headers)
            if status != 200 or not body.startswith('{"active": true'):
                fail(f"introspection answered {status}: {body}")

        bench.measure("introspection", op)

    if selected(options, "device.poll") or selected(options, "device.redeem"):
        device = make_device_server(store, options)

    if selected(options, "device.poll"):
        polls = device_polls(store, 1_000, approved=False)
        cursor = [0]

        def op():
            i = cursor[0]
            cursor[0] = i + 1
            http = parse_raw(polls[i % 1_000])
            _headers, body, status = device.create_token_response(http.uri, http.method, http.body, http.headers)
            if status != 400 or "authorization_pending" not in body:
                fail(f"device poll answered {status}: {body}")

        bench.measure("device.poll", op)

    if selected(options, "device.redeem"):

        def redeem(raw):
            http = parse_raw(raw)
            _headers, body, status = device.create_token_response(http.uri, http.method, http.body, http.headers)
            if status != 200 or '"refresh_token"' not in body:
                fail(f"device redemption answered {status}: {body}")

        measure_redemptions(bench, store, redeem)

    if selected(options, "id_token_hs256") or selected(options, "id_token_hs256.joserfc"):
        access_token = new_credential()
        auth_time = int(time.time()) - 60

    if selected(options, "id_token_hs256"):
        grant = OpenIDAuthorizationCodeGrant(validator)
        # The token request as oauthlib leaves it after validate_code (openid scope, the user,
        # the client, the code record holding the nonce).
        request = Request(ISSUER + "/token", http_method="POST")
        request.client_id = CLIENT_ID
        request.scopes = ["openid", "public"]
        request.user = USER
        request.auth_time = auth_time
        request.code = "unused"
        request.code_record = CodeRecord("", CLIENT_ID, USER, "openid public", REDIRECT_URI, None, None, NONCE, 0)

        def op():
            token = grant.add_id_token({"access_token": access_token, "token_type": "Bearer"}, None, request)
            if not token["id_token"].startswith("eyJ"):
                fail("no id_token")

        bench.measure("id_token_hs256", op)

    if selected(options, "id_token_hs256.joserfc"):
        key = OctKey.import_key(ID_TOKEN_KEY)
        header = {"alg": "HS256"}

        def op():
            now = int(time.time())
            digest = hashlib.sha256(access_token.encode()).digest()
            claims = {
                "iss": ISSUER,
                "sub": USER,
                "aud": CLIENT_ID,
                "exp": now + ID_TOKEN_LIFETIME,
                "iat": now,
                "auth_time": auth_time,
                "nonce": NONCE,
                "at_hash": base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode(),
            }
            if not jwt.encode(header, claims, key).startswith("eyJ"):
                fail("no id_token")

        bench.measure("id_token_hs256.joserfc", op)

    if not options.json:
        print()
        print(bench.table())
        print(f"\nload average at end: {common.load_average()}")


if __name__ == "__main__":
    main()
