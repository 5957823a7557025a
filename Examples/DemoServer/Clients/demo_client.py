#!/usr/bin/env python3
"""Runs Granted's demo server flows with a client from another ecosystem: Authlib's
OAuth2Session (requests) for the OAuth side, plain requests driving the HTML sign-in and
consent forms, and joserfc verifying ID tokens against the published JWK Set.

    python3 -m venv .venv && .venv/bin/pip install -r requirements.txt
    .venv/bin/python demo_client.py http://127.0.0.1:8080

Prints one line per step; exits non-zero on the first failure.
"""
import base64
import hashlib
import os
import secrets
import sys
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

# The demo runs on plain http on loopback; Authlib refuses http unless told.
os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")

import requests  # noqa: E402
from authlib.common.security import generate_token  # noqa: E402
from authlib.integrations.requests_client import OAuth2Session  # noqa: E402
from joserfc import jwt  # noqa: E402
from joserfc.jwk import KeySet  # noqa: E402

WEB_CALLBACK = "http://127.0.0.1:8765/callback"
SPA_CALLBACK = "http://127.0.0.1:8765/spa-callback"
ALICE = {"username": "alice", "password": "wonderland"}
TOOLS = "https://tools.demo.example/mcp"
ALICE_SUB = "32a9a4d0-cb6e-463f-a0ab-63d0a0418bc7"


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


class FormParser(HTMLParser):
    """The one <form> of a page: its action and the name/value of every input and button."""

    def __init__(self):
        super().__init__()
        self.action = None
        self.fields = {}
        self.buttons = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.action = attrs.get("action")
        elif tag == "input" and attrs.get("type") == "hidden":
            self.fields[attrs["name"]] = attrs.get("value", "")
        elif tag == "input":
            self.fields.setdefault(attrs.get("name"), attrs.get("value") or "")
        elif tag == "button" and attrs.get("name"):
            self.buttons.append((attrs["name"], attrs.get("value")))


def parse_form(response):
    check(response.status_code in (200, 403), f"expected a page, got {response.status_code}")
    check("text/html" in response.headers.get("Content-Type", ""), "expected an HTML page")
    parser = FormParser()
    parser.feed(response.text)
    check(parser.action is not None, "the page has no form")
    return urljoin(response.url, parser.action), parser


def authorize(browser, url):
    """Opens the authorization URL, signs in if asked, approves, returns the redirect Location."""
    page = browser.get(url, allow_redirects=False)
    action, form = parse_form(page)
    signed_in_already = "username" not in form.fields
    if not signed_in_already:
        fields = dict(form.fields, **ALICE)
        page = browser.post(action, data=fields, allow_redirects=False)
        action, form = parse_form(page)
    check(("decision", "approve") in form.buttons, "no consent page with decision=approve")
    done = browser.post(action, data=dict(form.fields, decision="approve"), allow_redirects=False)
    check(done.status_code in (302, 303), f"approval did not redirect ({done.status_code})")
    return done.headers["Location"], signed_in_already


def left_half_hash(value):
    digest = hashlib.sha256(value.encode()).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode()


def verify_id_token(id_token, keys, issuer, audience, nonce=None, code=None):
    token = jwt.decode(id_token, keys, algorithms=["RS256"])
    check(token.header.get("alg") == "RS256", "id_token is not RS256")
    expected = {
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "value": audience},
        "sub": {"essential": True, "value": ALICE_SUB},
        "exp": {"essential": True},
        "iat": {"essential": True},
    }
    if nonce is not None:
        expected["nonce"] = {"essential": True, "value": nonce}
    jwt.JWTClaimsRegistry(**expected).validate(token.claims)
    if code is not None:
        check(token.claims.get("c_hash") == left_half_hash(code), "c_hash does not match the code")
    return token


def run(base):
    discovery = requests.get(f"{base}/.well-known/openid-configuration", timeout=10).json()
    issuer = discovery["issuer"]
    token_endpoint = discovery["token_endpoint"]
    authorization_endpoint = discovery["authorization_endpoint"]
    keys = KeySet.import_key_set(requests.get(discovery["jwks_uri"], timeout=10).json())
    yield f"discovery: issuer {issuer}, {len(keys.keys)} signing key(s)"

    # Client credentials (RFC 6749 §4.4) with demo-service.
    service = OAuth2Session("demo-service", "demo-service-secret", scope="public message.send")
    token = service.fetch_token(token_endpoint, grant_type="client_credentials")
    check(token.get("token_type", "").lower() == "bearer", "no bearer token")
    sent = service.post(f"{base}/messages", json={"to": "bob", "text": "hi from demo-service"})
    check(sent.status_code == 201, f"POST /messages answered {sent.status_code}")
    yield f"client credentials: demo-service got a token, POST /messages -> 201 from {sent.json()['from']}"

    # Authorization code with PKCE (RFC 7636) for the public client demo-spa.
    browser = requests.Session()
    spa = OAuth2Session(
        "demo-spa", token_endpoint_auth_method="none", redirect_uri=SPA_CALLBACK,
        scope="openid profile public message.send", code_challenge_method="S256")
    verifier = generate_token(64)
    url, state = spa.create_authorization_url(authorization_endpoint, code_verifier=verifier)
    location, _ = authorize(browser, url)
    check(location.startswith(SPA_CALLBACK + "?"), f"unexpected redirect {location}")
    token = spa.fetch_token(token_endpoint, authorization_response=location, code_verifier=verifier)
    check("refresh_token" in token and "id_token" in token, "code exchange lacks refresh or id token")
    verify_id_token(token["id_token"], keys, issuer, "demo-spa")
    me = spa.get(f"{base}/user")
    check(me.status_code == 200 and me.json()["username"] == "alice", f"GET /user answered {me.status_code}")
    yield "code flow + PKCE: demo-spa signed alice in through the forms; GET /user -> alice"

    # Refresh (RFC 6749 §6): public clients get a rotated refresh token.
    old = token
    token = spa.refresh_token(token_endpoint, refresh_token=old["refresh_token"])
    check(token["access_token"] != old["access_token"], "refresh returned the same access token")
    check(spa.get(f"{base}/user").status_code == 200, "the refreshed token does not work")
    yield "refresh: new access token works" + (
        ", refresh token rotated" if token.get("refresh_token") != old["refresh_token"] else "")

    # Hybrid `code id_token` (OpenID Connect Core §3.3) for demo-web, with a nonce; the browser
    # still has alice's session cookie, so it goes straight to consent.
    web = OAuth2Session(
        "demo-web", "demo-web-secret", token_endpoint_auth_method="client_secret_basic",
        redirect_uri=WEB_CALLBACK, scope="openid profile email")
    nonce = secrets.token_urlsafe(16)
    url, state = web.create_authorization_url(
        authorization_endpoint, response_type="code id_token", nonce=nonce)
    location, straight_to_consent = authorize(browser, url)
    check(straight_to_consent, "the session cookie was not honoured")
    parts = urlsplit(location)
    check(parts.fragment and not parts.query, "the hybrid response is not in the fragment")
    response = {name: values[0] for name, values in parse_qs(parts.fragment).items()}
    check(response.get("state") == state, "state was not echoed")
    verified = verify_id_token(response["id_token"], keys, issuer, "demo-web", nonce, response["code"])
    token = web.fetch_token(token_endpoint, code=response["code"])
    verify_id_token(token["id_token"], keys, issuer, "demo-web", nonce)
    info = web.get(discovery["userinfo_endpoint"]).json()
    check(info.get("sub") == ALICE_SUB and info.get("email") == "alice@example.com", "userinfo is wrong")
    yield (f"hybrid code id_token: RS256 id_token (kid {verified.header.get('kid')}) verified against "
           "the JWKS with nonce and c_hash; code exchanged; userinfo -> alice")


    # Resource discovery as an MCP client does it (RFC 9728 §5.1, §3): a 401 names the API's
    # metadata, which names the authorization server.
    anonymous = requests.get(f"{base}/user", timeout=10)
    challenge = anonymous.headers.get("WWW-Authenticate", "")
    check(anonymous.status_code == 401 and 'resource_metadata="' in challenge, f"no resource_metadata in {challenge!r}")
    metadata_url = challenge.split('resource_metadata="', 1)[1].split('"', 1)[0]
    resource_metadata = requests.get(metadata_url, timeout=10).json()
    check(resource_metadata.get("resource") == base, f"resource metadata names {resource_metadata.get('resource')}")
    check(issuer in resource_metadata.get("authorization_servers", []), "the issuer is not an authorization server")
    resources = requests.get(f"{issuer}/.well-known/oauth-authorization-server", timeout=10).json().get(
        "protected_resources", [])
    check(TOOLS in resources, f"protected_resources lacks {TOOLS}: {resources}")
    yield f"resource metadata: the 401 named {metadata_url}, whose authorization server is the issuer"

    # Resource indicators (RFC 8707) and a JWT access token (RFC 9068) for the tools resource,
    # verified offline with the JWKS as a resource server elsewhere would.
    agent = OAuth2Session(
        "demo-spa", token_endpoint_auth_method="none", redirect_uri=SPA_CALLBACK,
        scope="public", code_challenge_method="S256")
    verifier = generate_token(64)
    url, _ = agent.create_authorization_url(authorization_endpoint, code_verifier=verifier, resource=TOOLS)
    location, _ = authorize(browser, url)
    token = agent.fetch_token(token_endpoint, authorization_response=location, code_verifier=verifier, resource=TOOLS)
    access = jwt.decode(token["access_token"], keys, algorithms=["RS256"])
    check(access.header.get("typ") == "at+jwt", f"typ is {access.header.get('typ')}")
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": issuer}, aud={"essential": True, "value": TOOLS},
        sub={"essential": True, "value": ALICE_SUB}, client_id={"essential": True, "value": "demo-spa"},
        exp={"essential": True}, iat={"essential": True}, jti={"essential": True},
    ).validate(access.claims)
    refused = requests.get(f"{base}/user", headers={"Authorization": f"Bearer {token['access_token']}"}, timeout=10)
    check(refused.status_code == 401, f"the demo's API accepted a token for {TOOLS}: {refused.status_code}")
    yield f"resource indicators: demo-spa's at+jwt for {TOOLS} verified against the JWKS; /user refuses it (401)"

    # The same for an app (client credentials), whose token it may introspect and revoke itself.
    service = OAuth2Session("demo-service", "demo-service-secret", scope="public")
    token = service.fetch_token(token_endpoint, grant_type="client_credentials", resource=TOOLS)
    jwt.decode(token["access_token"], keys, algorithms=["RS256"])
    owner = ("demo-service", "demo-service-secret")
    introspected = requests.post(
        discovery["introspection_endpoint"], data={"token": token["access_token"]}, auth=owner, timeout=10).json()
    audience = introspected.get("aud")
    audience = audience if isinstance(audience, list) else [audience]
    check(introspected.get("active") is True and audience == [TOOLS], f"introspection: {introspected}")
    revoked = requests.post(
        discovery["revocation_endpoint"], data={"token": token["access_token"]}, auth=owner, timeout=10)
    check(revoked.status_code == 200, f"revocation answered {revoked.status_code}")
    after = requests.post(
        discovery["introspection_endpoint"], data={"token": token["access_token"]}, auth=owner, timeout=10).json()
    check(after.get("active") is False, "a revoked JWT access token is still active")
    yield "resource indicators: demo-service's JWT access token introspects with aud, and revocation kills it"


def run_steps(name, run):
    """The command line every client here shares: BASE_URL in, one "ok N - …" line per step,
    "not ok" and exit status 1 at the first failure."""
    if len(sys.argv) != 2:
        print(f"usage: {name} BASE_URL (e.g. http://127.0.0.1:8080)", file=sys.stderr)
        return 2
    base = sys.argv[1].rstrip("/")
    steps = 0
    try:
        for line in run(base):
            steps += 1
            print(f"ok {steps} - {line}", flush=True)
    except Exception as error:  # any failure, ours or a library's, fails the run
        print(f"not ok {steps + 1} - {type(error).__name__}: {error}", flush=True)
        return 1
    print(f"{name.removesuffix('.py')}: all {steps} steps passed")
    return 0


if __name__ == "__main__":
    sys.exit(run_steps("demo_client.py", run))
