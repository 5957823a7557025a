#!/usr/bin/env python3
"""Sign-out against Granted's demo server from Python (OpenID Connect RP-Initiated Logout 1.0,
Back-Channel Logout 1.0): a small http.server listener stands in for a relying party's
back-channel logout endpoint; requests registers a client with that endpoint and a
post_logout_redirect_uri, Authlib signs alice in (code + PKCE), the ID token carries sid;
signing out at the end-session endpoint redirects (303) to the registered URI with state, the
listener receives a logout_token that joserfc verifies against the JWKS (typ logout+jwt, iss,
aud, iat, exp, jti, sub, sid, events, no nonce), and then prompt=none answers login_required.

    .venv/bin/python signout_client.py http://127.0.0.1:8080

Prints one line per step; exits non-zero on the first failure.
"""
import os
import queue
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")

import requests  # noqa: E402
from authlib.common.security import generate_token  # noqa: E402
from authlib.integrations.requests_client import OAuth2Session  # noqa: E402
from joserfc import jwt  # noqa: E402
from joserfc.jwk import KeySet  # noqa: E402

from demo_client import ALICE_SUB, authorize, check, verify_id_token  # noqa: E402

EVENT = "http://schemas.openid.net/event/backchannel-logout"
CALLBACK = "http://127.0.0.1:8765/callback"
LOGGED_OUT = "http://127.0.0.1:8765/signed-out"


def listen():
    """A back-channel logout endpoint on a free loopback port: each POSTed logout_token goes to
    the queue; answers 200 (Back-Channel Logout 1.0 §2.8)."""
    received = queue.Queue()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            form = parse_qs(self.rfile.read(length).decode())
            received.put((self.headers.get("Content-Type", ""), form))
            self.send_response(200)
            self.send_header("Cache-Control", "no-store")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, received


def run(base):
    discovery = requests.get(f"{base}/.well-known/openid-configuration", timeout=10).json()
    issuer = discovery["issuer"]
    end_session = discovery.get("end_session_endpoint")
    check(end_session == f"{base}/logout", f"end_session_endpoint is {end_session}")
    check(discovery.get("backchannel_logout_supported") is True, "backchannel_logout_supported is not true")
    check(discovery.get("backchannel_logout_session_supported") is True, "backchannel_logout_session_supported")
    keys = KeySet.import_key_set(requests.get(discovery["jwks_uri"], timeout=10).json())
    yield f"discovery: end_session_endpoint {end_session}, back-channel logout with sid"

    listener, received = listen()
    backchannel = f"http://127.0.0.1:{listener.server_port}/backchannel"
    registered = requests.post(
        discovery["registration_endpoint"],
        json={
            "redirect_uris": [CALLBACK],
            "post_logout_redirect_uris": [LOGGED_OUT],
            "backchannel_logout_uri": backchannel,
            "backchannel_logout_session_required": True,
            "token_endpoint_auth_method": "client_secret_basic",
            "grant_types": ["authorization_code", "refresh_token"],
            "scope": "openid profile",
        },
        timeout=10,
    )
    check(registered.status_code == 201, f"registration answered {registered.status_code}: {registered.text}")
    client = registered.json()
    check(client.get("backchannel_logout_uri") == backchannel, "backchannel_logout_uri not kept")
    yield f"registered {client['client_id']} with backchannel_logout_uri {backchannel}"

    browser = requests.Session()
    rp = OAuth2Session(
        client["client_id"], client["client_secret"], scope="openid profile", redirect_uri=CALLBACK,
        code_challenge_method="S256")
    verifier = generate_token(48)
    nonce = generate_token(16)
    url, state = rp.create_authorization_url(
        discovery["authorization_endpoint"], code_verifier=verifier, nonce=nonce)
    location, _ = authorize(browser, url)
    token = rp.fetch_token(discovery["token_endpoint"], authorization_response=location, code_verifier=verifier)
    id_token = verify_id_token(token["id_token"], keys, issuer, client["client_id"], nonce=nonce)
    sid = id_token.claims.get("sid")
    check(isinstance(sid, str) and sid, "the ID token has no sid")
    yield f"signed in: ID token with sid {sid[:8]}…"

    # RP-Initiated Logout 1.0 §2-§3: the registered URI, with state, 303.
    logout_state = generate_token(12)
    out = browser.get(
        end_session,
        params={"id_token_hint": token["id_token"], "post_logout_redirect_uri": LOGGED_OUT, "state": logout_state},
        allow_redirects=False, timeout=30)
    check(out.status_code == 303, f"end session answered {out.status_code}")
    target = urlsplit(out.headers["Location"])
    check(f"{target.scheme}://{target.netloc}{target.path}" == LOGGED_OUT, f"redirected to {out.headers['Location']}")
    check(parse_qs(target.query).get("state") == [logout_state], "state was not echoed")
    yield "end session: 303 to the registered post_logout_redirect_uri with state"

    # Back-Channel Logout 1.0 §2.4-§2.6, checked as a relying party would.
    try:
        content_type, form = received.get(timeout=15)
    except queue.Empty:
        raise AssertionError("no logout token reached the listener")
    check(content_type.startswith("application/x-www-form-urlencoded"), f"Content-Type {content_type}")
    logout_token = form["logout_token"][0]
    decoded = jwt.decode(logout_token, keys, algorithms=["RS256"])
    check(decoded.header.get("typ") == "logout+jwt", f"typ is {decoded.header.get('typ')}")
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": client["client_id"]},
        iat={"essential": True},
        exp={"essential": True},
        jti={"essential": True},
    ).validate(decoded.claims)
    claims = decoded.claims
    check(claims.get("sid") == sid, "the logout token's sid is not the ID token's")
    check(claims.get("sub") == ALICE_SUB, "the logout token's sub is not alice")
    check(claims.get("events") == {EVENT: {}}, f"events is {claims.get('events')}")
    check("nonce" not in claims, "the logout token carries a nonce")
    check(claims["exp"] - claims["iat"] <= 120 and claims["iat"] <= time.time() + 60, "iat/exp out of range")
    listener.shutdown()
    yield "back-channel: the listener got a logout_token that verifies with the JWKS"

    # Afterwards, prompt=none answers login_required (RP-Initiated Logout 1.0 §2, Core §3.1.2.6).
    url, state = rp.create_authorization_url(
        discovery["authorization_endpoint"], code_verifier=generate_token(48), nonce=generate_token(16),
        prompt="none")
    silent = browser.get(url, allow_redirects=False, timeout=10)
    check(silent.status_code in (302, 303), f"prompt=none answered {silent.status_code}")
    answer = parse_qs(urlsplit(silent.headers["Location"]).query)
    check(answer.get("error") == ["login_required"], f"prompt=none answered {answer}")
    check(answer.get("state") == [state], "prompt=none lost state")
    yield "after sign-out: prompt=none -> login_required"

    # The refresh token of the session (no offline_access) was revoked with it (Policy default).
    refreshed = requests.post(
        discovery["token_endpoint"], data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
        auth=(client["client_id"], client["client_secret"]), timeout=10)
    check(refreshed.status_code == 400 and refreshed.json().get("error") == "invalid_grant",
          f"refresh after sign-out answered {refreshed.status_code}")
    yield "after sign-out: the session's refresh token is invalid_grant"

    # A hint naming nobody's session of ours: no redirect, a page.
    forged = browser.get(
        end_session, params={"id_token_hint": "e30.e30.", "post_logout_redirect_uri": LOGGED_OUT},
        allow_redirects=False, timeout=10)
    check(forged.status_code == 400 and "Location" not in forged.headers, "a forged hint was redirected")
    yield "end session: a forged id_token_hint gets a page, never a redirect"


def main():
    if len(sys.argv) != 2:
        print("usage: signout_client.py BASE_URL (e.g. http://127.0.0.1:8080)", file=sys.stderr)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
