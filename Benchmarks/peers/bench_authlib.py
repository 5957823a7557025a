#!/usr/bin/env python3
"""Authlib doing Granted's hot paths, in process, from raw request bytes to response body.

Wiring (Authlib's framework-agnostic core, no web framework; what its Flask and Django
integrations do, done over the bench's parsed request):

- AuthorizationServer subclass: query_client (a dict), save_token (dicts keyed by the
  SHA-256 of each token), create_oauth2_request (an OAuth2Request whose payload is the query
  and form, parsed with urllib as Werkzeug would), handle_response (json.dumps of a dict body,
  as the Flask integration does), send_signal (no listeners). Token generation: its
  BearerTokenGenerator, registered as the default generator.
- Client, token and code models are plain classes implementing ClientMixin, TokenMixin and
  AuthorizationCodeMixin; check_client_secret is the SHA-256 of the secret compared in
  constant time, client_secret_basic the only authentication method.
- client_credentials: ClientCredentialsGrant, create_token_response.
- code_round_trip: AuthorizationCodeGrant with the CodeChallenge(required=True) extension:
  get_consent_grant (the authorize page), create_authorization_response with the user (the
  approval; Authlib validates the request again inside), create_token_response with the PKCE
  verifier and Basic client authentication.
- refresh_rotation: RefreshTokenGrant with INCLUDE_NEW_REFRESH_TOKEN = True;
  revoke_old_credential marks the presented refresh token revoked.
- bearer_verify: ResourceProtector with a BearerTokenValidator, validate_request(["public"])
  on a JsonRequest, as the Flask ResourceProtector builds it.
- introspection: IntrospectionEndpoint (RFC 7662), create_endpoint_response("introspection").
- registration: ClientRegistrationEndpoint (RFC 7591) registered on the same server,
  create_endpoint_response("client_registration") over a JsonRequest whose payload is the
  body parsed with json.loads (what the Flask integration's request.get_json() does). Open
  registration: authenticate_token answers the same token-like object for every request.
  get_server_metadata lists what the server supports (grant types, response types, token
  endpoint authentication methods, scopes), which Authlib checks the metadata against, as
  Granted's policy does. save_client puts a client into the store's dict. Authlib mints no
  registration access token (RFC 7592 is left to the host): save_client mints one and keeps
  its SHA-256 on the client, generate_client_registration_info returns it.
- id_token_hs256: Authlib's OpenID Connect token hook (OpenIDCode.process_token, what the code
  grant runs after creating the token response: claims, at_hash, user info), which signs with
  joserfc in this Authlib version. id_token_hs256.authlib_jose: the same claims signed by
  Authlib's own (deprecated) authlib.jose. id_token_hs256.joserfc: the claims built by hand
  and signed by joserfc, no Authlib.

Access tokens, refresh tokens and codes are 32 random bytes base64url, like Granted's (the
generator functions given to BearerTokenGenerator and generate_authorization_code);
--library-tokens uses Authlib's own generate_token (42 characters for tokens as its Flask
integration configures, 48 for codes, one SystemRandom call each). Registered client IDs are
16 random bytes base64url, like Granted's; --library-tokens keeps Authlib's generate_token(42).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import sys
import time
import warnings
from collections import defaultdict
from functools import cached_property
from urllib.parse import parse_qsl, quote

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
    REGISTRATION_BODY,
    SCOPE,
    STATE,
    USER,
    Bench,
    Store,
    basic_authorization,
    device_polls,
    fail,
    form_post,
    json_post,
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

from authlib.common.security import generate_token  # noqa: E402
from authlib.deprecate import AuthlibDeprecationWarning  # noqa: E402
from authlib.oauth2.rfc6749 import (  # noqa: E402
    AuthorizationCodeMixin,
    AuthorizationServer,
    ClientMixin,
    JsonPayload,
    JsonRequest,
    OAuth2Payload,
    OAuth2Request,
    ResourceProtector,
    TokenMixin,
    grants,
)
from authlib.oauth2.rfc6750 import BearerTokenGenerator, BearerTokenValidator  # noqa: E402
from authlib.oauth2.rfc7591 import ClientRegistrationEndpoint  # noqa: E402
from authlib.oauth2.rfc7636 import CodeChallenge  # noqa: E402
from authlib.oauth2.rfc8628 import DeviceCodeGrant  # noqa: E402
from authlib.oauth2.rfc7662 import IntrospectionEndpoint  # noqa: E402
from authlib.oidc.core import UserInfo  # noqa: E402
from authlib.oidc.core.grants import OpenIDCode  # noqa: E402
from joserfc import jwt  # noqa: E402
from joserfc.jwk import OctKey  # noqa: E402

warnings.simplefilter("ignore", AuthlibDeprecationWarning)

PEER = "Authlib"
SCENARIOS = [
    "client_credentials",
    "code_round_trip",
    "refresh_rotation",
    "bearer_verify",
    "introspection",
    "id_token_hs256",
    "id_token_hs256.authlib_jose",
    "id_token_hs256.joserfc",
    "device.poll",
    "device.redeem",
    "registration",
]

# -- Models ------------------------------------------------------------------------------------


class Client(ClientMixin):
    __slots__ = ("client_id", "secret_hash", "grant_types", "scopes", "redirect_uris")

    def __init__(self, client_id, secret_hash, grant_types, scopes, redirect_uris):
        self.client_id = client_id
        self.secret_hash = secret_hash
        self.grant_types = grant_types
        self.scopes = scopes
        self.redirect_uris = redirect_uris

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None  # redirect_uri is required

    def get_allowed_scope(self, scope):
        """`public` when none is asked; None (invalid_scope) when any is not allowed."""
        if not scope:
            return SCOPE
        scopes = scope.split()
        return " ".join(scopes) if all(s in self.scopes for s in scopes) else None

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return secret_matches(client_secret, self.secret_hash)

    def check_endpoint_auth_method(self, method, endpoint):
        return method == "client_secret_basic"

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type in self.grant_types


class RegisteredClient(Client):
    """A client registered through RFC 7591: its metadata as registered, its authentication
    method, and the SHA-256 of its registration access token (RFC 7592), as Granted keeps them."""

    __slots__ = ("auth_method", "metadata", "issued_at", "registration_token_hash")

    def __init__(self, client_id, grant_types, scopes, redirect_uris, auth_method, metadata, issued_at, registration_token_hash):
        super().__init__(client_id, None, grant_types, scopes, redirect_uris)
        self.auth_method = auth_method
        self.metadata = metadata
        self.issued_at = issued_at
        self.registration_token_hash = registration_token_hash

    def check_endpoint_auth_method(self, method, endpoint):
        return method == self.auth_method


class Token(TokenMixin):
    """An access or refresh token as the store keeps it (under the digest of its text)."""

    __slots__ = ("client_id", "user", "scope", "issued_at", "expires_at", "revoked")

    def __init__(self, client_id, user, scope, issued_at, expires_at):
        self.client_id = client_id
        self.user = user
        self.scope = scope
        self.issued_at = issued_at
        self.expires_at = expires_at
        self.revoked = False

    def check_client(self, client):
        return self.client_id == client.get_client_id()

    def get_scope(self):
        return self.scope

    def get_expires_in(self):
        return 0 if self.expires_at is None else self.expires_at - self.issued_at

    def is_expired(self):
        return self.expires_at is not None and self.expires_at <= time.time()

    def is_revoked(self):
        return self.revoked

    def get_user(self):
        return self.user

    def get_client(self):
        return STORE.clients[self.client_id]


class AuthorizationCode(AuthorizationCodeMixin):
    __slots__ = (
        "key", "client_id", "user", "scope", "redirect_uri", "code_challenge",
        "code_challenge_method", "nonce", "auth_time", "expires_at",
    )

    def __init__(self, key, client_id, user, scope, redirect_uri, code_challenge, code_challenge_method, nonce, auth_time, expires_at):
        self.key = key
        self.client_id = client_id
        self.user = user
        self.scope = scope
        self.redirect_uri = redirect_uri
        self.code_challenge = code_challenge
        self.code_challenge_method = code_challenge_method
        self.nonce = nonce
        self.auth_time = auth_time
        self.expires_at = expires_at

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    # authlib.oidc.core.AuthorizationCodeMixin
    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time

    def get_acr(self):
        return None

    def get_amr(self):
        return None


# -- Request and server ------------------------------------------------------------------------


class RawPayload(OAuth2Payload):
    """request.values of Werkzeug: query and form, first value of each name; the lists lazily."""

    def __init__(self, pairs):
        self._pairs = pairs
        data = {}
        for name, value in pairs:
            data.setdefault(name, value)
        self._data = data

    @property
    def data(self):
        return self._data

    @cached_property
    def datalist(self):
        values = defaultdict(list)
        for name, value in self._pairs:
            values[name].append(value)
        return values


class RawOAuth2Request(OAuth2Request):
    def __init__(self, http):
        super().__init__(method=http.method, uri=http.uri, headers=http.headers)
        _, _, query = http.target.partition("?")
        args = parse_qsl(query, keep_blank_values=True) if query else []
        if http.body and http.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            form = parse_qsl(http.body, keep_blank_values=True)
        else:
            form = []
        self._args = dict(reversed(args))
        self._form = dict(reversed(form))
        self.payload = RawPayload(args + form)

    @property
    def args(self):
        return self._args

    @property
    def form(self):
        return self._form


class RawJsonPayload(JsonPayload):
    __slots__ = ("_data",)

    def __init__(self, data):
        self._data = data

    @property
    def data(self):
        return self._data


class RawJsonRequest(JsonRequest):
    """The Flask integration's FlaskJsonRequest over the parsed request: the body parsed once
    with json.loads when it is declared application/json (request.get_json()); anything that is
    not a JSON object leaves the payload empty, which Authlib refuses as invalid_request."""

    def __init__(self, http):
        super().__init__(http.method, http.uri, http.headers)
        data = None
        if http.body and http.headers.get("Content-Type", "").startswith("application/json"):
            try:
                data = json.loads(http.body)
            except ValueError:
                data = None
        self.payload = RawJsonPayload(data if isinstance(data, dict) else None)


class Server(AuthorizationServer):
    def __init__(self, store: Store, library_tokens: bool):
        super().__init__()
        self.store = store
        self.library_tokens = library_tokens
        if library_tokens:
            generator = lambda **kwargs: generate_token(42)  # noqa: E731 (the Flask integration's default)
        else:
            generator = new_credential
        self.register_token_generator(
            "default",
            BearerTokenGenerator(
                access_token_generator=generator,
                refresh_token_generator=generator,
                expires_generator=ACCESS_TOKEN_LIFETIME,
            ),
        )

    def query_client(self, client_id):
        return self.store.clients.get(client_id)

    def save_token(self, token, request):
        now = int(time.time())
        client_id = request.client.client_id
        scope = token.get("scope", "")
        self.store.access[sha256_hex(token["access_token"])] = Token(
            client_id, request.user, scope, now, now + token["expires_in"]
        )
        refresh_token = token.get("refresh_token")
        if refresh_token is not None:
            self.store.refresh[sha256_hex(refresh_token)] = Token(client_id, request.user, scope, now, None)

    def create_oauth2_request(self, request):
        return RawOAuth2Request(request)

    def create_json_request(self, request):
        return RawJsonRequest(request)

    def handle_response(self, status_code, payload, headers):
        if isinstance(payload, dict):
            payload = json.dumps(payload)
        return status_code, payload, headers

    def send_signal(self, name, *args, **kwargs):
        pass


class CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic"]

    def generate_authorization_code(self):
        if self.server.library_tokens:
            return super().generate_authorization_code()
        return new_credential()

    def save_authorization_code(self, code, request):
        key = sha256_hex(code)
        data = request.payload.data
        now = int(time.time())
        self.server.store.codes[key] = AuthorizationCode(
            key, request.client.client_id, request.user, request.scope, data.get("redirect_uri"),
            data.get("code_challenge"), data.get("code_challenge_method"), data.get("nonce"),
            now, now + CODE_LIFETIME,
        )

    def query_authorization_code(self, code, client):
        record = self.server.store.codes.get(sha256_hex(code))
        if record is not None and record.client_id == client.client_id and record.expires_at > time.time():
            return record
        return None

    def delete_authorization_code(self, authorization_code):
        self.server.store.codes.pop(authorization_code.key, None)

    def authenticate_user(self, authorization_code):
        return authorization_code.user


class DeviceClient(Client):
    """The public device client: no secret, its client_id in the body (auth method none)."""

    __slots__ = ()

    def check_endpoint_auth_method(self, method, endpoint):
        return method == "none"


class DeviceGrant(DeviceCodeGrant):
    """Authlib's DeviceCodeGrant with the store behind it (RFC 8628 §3.4, §3.5)."""

    def query_device_credential(self, device_code):
        record = self.server.store.devices.get(sha256_hex(device_code))
        return None if record is None or record.used else record

    def query_user_grant(self, user_code):
        record = self.server.store.user_codes.get(user_code)
        return (record.user, True) if record is not None and record.user is not None else None

    def should_slow_down(self, credential):
        return False  # granted-bench polls with an interval of 0: never slow_down

    def create_token_response(self):
        # Authlib leaves the device code redeemable again; Granted allows one use.
        self.request.credential.used = True
        return super().create_token_response()


class RefreshGrant(grants.RefreshTokenGrant):
    INCLUDE_NEW_REFRESH_TOKEN = True  # rotation

    def authenticate_refresh_token(self, refresh_token):
        record = self.server.store.refresh.get(sha256_hex(refresh_token))
        if record is not None and not record.revoked and not record.is_expired():
            return record
        return None

    def authenticate_user(self, refresh_token):
        return refresh_token.user

    def revoke_old_credential(self, refresh_token):
        refresh_token.revoked = True


class Introspection(IntrospectionEndpoint):
    def query_token(self, token, token_type_hint):
        key = sha256_hex(token)
        store = self.server.store
        if token_type_hint == "refresh_token":
            return store.refresh.get(key) or store.access.get(key)
        return store.access.get(key) or store.refresh.get(key)

    def check_permission(self, token, client, request):
        return token.client_id == client.client_id

    def introspect_token(self, token):
        payload = {
            "active": True,
            "scope": token.scope,
            "client_id": token.client_id,
            "token_type": "Bearer",
            "iat": token.issued_at,
        }
        if token.expires_at is not None:
            payload["exp"] = token.expires_at
        if token.user is not None:
            payload["sub"] = token.user
        return payload


# What the server supports, which Authlib checks registered metadata against (scope, response
# and grant types, token endpoint authentication method), as Granted checks it against its policy.
SERVER_METADATA = {
    "issuer": ISSUER,
    "registration_endpoint": ISSUER + "/register",
    "scopes_supported": ["public", "openid", "profile"],
    "response_types_supported": ["code"],
    "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials", DEVICE_GRANT],
    "token_endpoint_auth_methods_supported": ["client_secret_basic", "none"],
}

# Open registration: the credential Authlib asks for stands for anyone (RFC 7591 §3: an
# authorization server MAY allow registration without an initial access token).
ANYONE = Token(None, None, "", 0, None)


class Registration(ClientRegistrationEndpoint):
    """Authlib's RFC 7591 endpoint, open, registering into the bench's store."""

    def authenticate_token(self, request):
        return ANYONE

    def get_server_metadata(self):
        return SERVER_METADATA

    def generate_client_id(self, request):
        if self.server.library_tokens:
            return super().generate_client_id(request)
        return new_credential_16()

    def generate_client_secret(self, request):
        # Authlib mints a secret for every client; Granted mints none for a public client
        # (token_endpoint_auth_method "none", RFC 7591 §2), and neither does the bench.
        if request.payload.data.get("token_endpoint_auth_method") == "none":
            return None
        return super().generate_client_secret(request)

    def generate_client_info(self, request):
        info = super().generate_client_info(request)
        if info["client_secret"] is None:  # a public client: no secret, so no expiry either
            del info["client_secret"], info["client_secret_expires_at"]
        return info

    def save_client(self, client_info, client_metadata, request):
        # Authlib mints no registration access token (RFC 7592 §3 is left to the host): the
        # bench mints one as Granted does, 32 random bytes base64url, and stores only its
        # SHA-256 with the client, as the other scenarios store token digests.
        token = new_credential()
        request.registration_access_token = token
        client = RegisteredClient(
            client_info["client_id"],
            set(client_metadata.get("grant_types", ("authorization_code",))),
            set(client_metadata.get("scope", "").split()),
            set(client_metadata.get("redirect_uris", ())),
            client_metadata["token_endpoint_auth_method"],
            client_metadata,
            client_info["client_id_issued_at"],
            sha256_hex(token),
        )
        self.server.store.clients[client.client_id] = client
        return client

    def generate_client_registration_info(self, client, request):
        return {
            "registration_access_token": request.registration_access_token,
            "registration_client_uri": ISSUER + "/register/" + client.client_id,
        }


def new_credential_16() -> str:
    """A client ID as Granted mints one: 16 random bytes from the OS, base64url (22 characters)."""
    return secrets.token_urlsafe(16)


class BearerValidator(BearerTokenValidator):
    def __init__(self, store: Store):
        super().__init__()
        self.store = store

    def authenticate_token(self, token_string):
        return self.store.access.get(sha256_hex(token_string))


class OpenIDHS256(OpenIDCode):
    """Authlib's OpenID Connect extension for the code grant, configured for HS256."""

    def __init__(self):
        super().__init__(require_nonce=False)
        self.key = OctKey.import_key(ID_TOKEN_KEY)

    def exists_nonce(self, nonce, request):
        return False

    def resolve_client_private_key(self, client):
        return self.key

    def get_client_algorithm(self, client):
        return "HS256"

    def get_client_claims(self, client):
        return {"iss": ISSUER, "aud": client.client_id, "exp": int(time.time()) + ID_TOKEN_LIFETIME}

    def get_encode_header(self, client):
        return {"alg": "HS256"}

    def generate_user_info(self, user, scope):
        return UserInfo(sub=user)


# -- Fixture -----------------------------------------------------------------------------------

STORE: Store = Store()


def make_store(options) -> Store:
    store = STORE
    store.clients[CLIENT_ID] = Client(
        CLIENT_ID, CLIENT_SECRET_HASH,
        {"client_credentials", "authorization_code", "refresh_token"},
        {"public", "openid", "profile"}, {REDIRECT_URI},
    )
    now = int(time.time())
    expires = now + ACCESS_TOKEN_LIFETIME
    # The id_token scenarios and registration touch no token store: no prefill when they run alone.
    count = options.tokens if any(
        selected(options, s) for s in SCENARIOS if not s.startswith("id_token") and s != "registration"
    ) else 0
    store.prefill(count, lambda i: Token(CLIENT_ID, None, SCOPE, now, expires))
    return store


def make_server(store, options) -> Server:
    server = Server(store, options.library_tokens)
    server.register_grant(grants.ClientCredentialsGrant)
    server.register_grant(CodeGrant, [CodeChallenge(required=True)])
    server.register_grant(RefreshGrant)
    server.register_endpoint(Introspection)
    server.register_grant(DeviceGrant)
    server.register_endpoint(Registration)
    store.clients[DEVICE_CLIENT_ID] = DeviceClient(DEVICE_CLIENT_ID, None, {DEVICE_GRANT, "refresh_token"}, {SCOPE}, set())
    return server


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


def issue_client_credentials(server) -> str:
    status, body, _headers = server.create_token_response(parse_raw(CC_RAW))
    if status != 200:
        fail(f"client_credentials answered {status}: {body}")
    return json_string_field(body, "access_token")


def code_round_trip(server) -> str:
    """Authorize, approve, exchange: the token response body."""
    http = parse_raw(AUTHORIZE_RAW)
    grant = server.get_consent_grant(http, end_user=USER)
    status, _body, headers = server.create_authorization_response(grant.request, grant_user=USER, grant=grant)
    location = dict(headers).get("Location", "")
    if status != 302 or "code=" not in location:
        fail(f"approval answered {status}: {location}")
    if query_value(location, "state") != STATE:
        fail(f"approval lost the state: {location}")
    status, body, _headers = server.create_token_response(
        parse_raw(form_post("/token", EXCHANGE_PREFIX + query_value(location, "code"), BASIC))
    )
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
    header = bench.header(("Authlib", "joserfc"))
    print(header, file=sys.stderr if options.json else sys.stdout, flush=True)

    store = make_store(options)
    server = make_server(store, options)

    if selected(options, "client_credentials"):

        def op():
            status, body, _headers = server.create_token_response(parse_raw(CC_RAW))
            if status != 200:
                fail(f"client_credentials answered {status}: {body}")

        bench.measure("client_credentials", op)

    if selected(options, "code_round_trip"):
        bench.measure("code_round_trip", lambda: code_round_trip(server))

    if selected(options, "refresh_rotation"):
        state = {"refresh_token": json_string_field(code_round_trip(server), "refresh_token")}

        def op():
            raw = form_post("/token", "grant_type=refresh_token&refresh_token=" + state["refresh_token"], BASIC)
            status, body, _headers = server.create_token_response(parse_raw(raw))
            if status != 200:
                fail(f"refresh answered {status}: {body}")
            state["refresh_token"] = json_string_field(body, "refresh_token")

        bench.measure("refresh_rotation", op)

    if selected(options, "bearer_verify") or selected(options, "introspection"):
        issued = 1_000 if options.quick else 10_000
        start = time.perf_counter()
        tokens = [issue_client_credentials(server) for _ in range(issued)]
        note(f"issued {issued:,} tokens through /token in {time.perf_counter() - start:.2f} s")

    if selected(options, "bearer_verify"):
        protector = ResourceProtector()
        protector.register_token_validator(BearerValidator(store))
        raws = [raw_http("GET", "/v1/me", [("Authorization", "Bearer " + t), ("Accept", "application/json")]) for t in tokens]
        required = [SCOPE]
        cursor = [0]

        def op():
            i = cursor[0]
            cursor[0] = i + 1
            http = parse_raw(raws[i % issued])
            token = protector.validate_request(required, JsonRequest(http.method, http.uri, http.headers))
            if token.client_id != CLIENT_ID:
                fail("bearer verification failed")

        bench.measure("bearer_verify", op)

    if selected(options, "introspection"):
        raws = [form_post("/introspect", "token=" + t + "&token_type_hint=access_token", BASIC) for t in tokens]
        cursor = [0]

        def op():
            i = cursor[0]
            cursor[0] = i + 1
            status, body, _headers = server.create_endpoint_response("introspection", parse_raw(raws[i % issued]))
            if status != 200 or not body.startswith('{"active": true'):
                fail(f"introspection answered {status}: {body}")

        bench.measure("introspection", op)

    if any(selected(options, s) for s in SCENARIOS if s.startswith("id_token_hs256")):
        access_token = new_credential()
        auth_time = int(time.time()) - 60

    if selected(options, "device.poll"):
        polls = device_polls(store, 1_000, approved=False)
        cursor = [0]

        def op():
            i = cursor[0]
            cursor[0] = i + 1
            status, body, _headers = server.create_token_response(parse_raw(polls[i % 1_000]))
            if status != 400 or "authorization_pending" not in body:
                fail(f"device poll answered {status}: {body}")

        bench.measure("device.poll", op)

    if selected(options, "device.redeem"):

        def redeem(raw):
            status, body, _headers = server.create_token_response(parse_raw(raw))
            if status != 200 or '"refresh_token"' not in body:
                fail(f"device redemption answered {status}: {body}")

        measure_redemptions(bench, store, redeem)

    if selected(options, "registration"):
        raw = json_post("/register", REGISTRATION_BODY)

        def op():
            # Each operation registers a new client: the store's clients grow by one.
            status, body, _headers = server.create_endpoint_response("client_registration", parse_raw(raw))
            if status != 201 or '"client_id": "' not in body or '"registration_access_token": "' not in body:
                fail(f"registration answered {status}: {body}")

        bench.measure("registration", op)

    if selected(options, "id_token_hs256"):
        openid = OpenIDHS256()
        # The code grant as Authlib leaves it after validate_token_request: the client, the
        # user, the authorization code holding the nonce and auth_time.
        request = RawOAuth2Request(parse_raw(form_post("/token", EXCHANGE_PREFIX + "unused", BASIC)))
        request.client = store.clients[CLIENT_ID]
        request.user = USER
        request.authorization_code = AuthorizationCode(
            "", CLIENT_ID, USER, "openid public", REDIRECT_URI, None, None, NONCE, auth_time, 0
        )
        grant = CodeGrant(request, server)
        headers = [("Content-Type", "application/json")]

        def op():
            token = {"token_type": "Bearer", "access_token": access_token, "expires_in": 3600, "scope": "openid public"}
            token = openid.process_token(grant, (200, token, headers))
            if not token["id_token"].startswith("eyJ"):
                fail("no id_token")

        bench.measure("id_token_hs256", op)

    def claims():
        now = int(time.time())
        digest = hashlib.sha256(access_token.encode()).digest()
        return {
            "iss": ISSUER,
            "sub": USER,
            "aud": CLIENT_ID,
            "exp": now + ID_TOKEN_LIFETIME,
            "iat": now,
            "auth_time": auth_time,
            "nonce": NONCE,
            "at_hash": base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode(),
        }

    if selected(options, "id_token_hs256.authlib_jose"):
        from authlib.jose import JsonWebToken
        from authlib.jose import OctKey as JoseOctKey

        jose_jwt = JsonWebToken(["HS256"])
        jose_key = JoseOctKey.import_key(ID_TOKEN_KEY)
        header = {"alg": "HS256"}

        def op():
            if not jose_jwt.encode(header, claims(), jose_key).startswith(b"eyJ"):
                fail("no id_token")

        bench.measure("id_token_hs256.authlib_jose", op)

    if selected(options, "id_token_hs256.joserfc"):
        key = OctKey.import_key(ID_TOKEN_KEY)
        header = {"alg": "HS256"}

        def op():
            if not jwt.encode(header, claims(), key).startswith("eyJ"):
                fail("no id_token")

        bench.measure("id_token_hs256.joserfc", op)

    if not options.json:
        print()
        print(bench.table())
        print(f"\nload average at end: {common.load_average()}")


if __name__ == "__main__":
    main()
