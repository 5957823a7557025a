#!/usr/bin/env python3
"""Sign-out against Granted's demo server from Python (OpenID Connect RP-Initiated Logout 1.0,
Back-Channel Logout 1.0), as two relying parties sharing one browser would see it:

- demo-web signs alice in (Authlib, code flow, openid + nonce); its ID token carries `sid`.
- A second client, registered here (RFC 7591) with a `backchannel_logout_uri` on a small
  http.server listener this script runs, signs in in the same browser session: same `sid`.
- demo-web ends the session at the end-session endpoint with its ID token as `id_token_hint`,
  its registered `post_logout_redirect_uri` and a `state`: 303 there, `state` echoed.
- The listener receives a `logout_token` that joserfc verifies with the JWKS: `typ`
  logout+jwt, `iss`, `aud`, `iat`, `exp`, `jti`, `sub`, the session's `sid`, the back-channel
  logout event, no `nonce`.
- Afterwards `prompt=none` answers `login_required`, the session's refresh tokens are
  `invalid_grant`, and an unregistered URI or a forged hint is never redirected to.

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

from demo_client import ALICE_SUB, WEB_CALLBACK, authorize, check, run_steps, verify_id_token  # noqa: E402

EVENT = "http://schemas.openid.net/event/backchannel-logout"
# demo-web's registered post_logout_redirect_uri (Fixtures/demo.json).
WEB_LOGGED_OUT = "http://127.0.0.1:8765/logged-out"
RP_CALLBACK = "http://127.0.0.1:8765/rp-callback"


def listen():
    """A back-channel logout endpoint on a free loopback port: each POST's Content-Type and
    form go to the queue; answers 200 (Back-Channel Logout 1.0 §2.8)."""
    received = queue.Queue()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            form = parse_qs(self.rfile.read(length).decode())
            received.put((self.path, self.headers.get("Content-Type", ""), form))
            self.send_response(200)
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, received


def sign_in(browser, rp, discovery, keys, client_id):
    """The code flow with PKCE and a nonce in `browser`; the tokens and the verified ID token."""
    verifier = generate_token(48)
    nonce = generate_token(16)
    url, _ = rp.create_authorization_url(discovery["authorization_endpoint"], code_verifier=verifier, nonce=nonce)
    location, signed_in_already = authorize(browser, url)
    token = rp.fetch_token(discovery["token_endpoint"], authorization_response=location, code_verifier=verifier)
    check("refresh_token" in token, f"{client_id} got no refresh token")
    id_token = verify_id_token(token["id_token"], keys, discovery["issuer"], client_id, nonce=nonce)
    sid = id_token.claims.get("sid")
    check(isinstance(sid, str) and len(sid) >= 16, f"{client_id}'s ID token has no sid")
    return token, sid, signed_in_already


def verify_logout_token(logout_token, keys, issuer, client_id, sid):
    """Back-Channel Logout 1.0 §2.6 steps 3-6, as a relying party checks it."""
    decoded = jwt.decode(logout_token, keys, algorithms=["RS256"])
    check(decoded.header.get("typ") == "logout+jwt", f"typ is {decoded.header.get('typ')}")
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": client_id},
        iat={"essential": True},
        exp={"essential": True},
        jti={"essential": True},
    ).validate(decoded.claims)
    claims = decoded.claims
    check(claims.get("sid") == sid, "the logout token's sid is not the session's")
    check(claims.get("sub") == ALICE_SUB, "the logout token's sub is not alice")
    check(claims.get("events") == {EVENT: {}}, f"events is {claims.get('events')}")
    check("nonce" not in claims, "the logout token carries a nonce")
    now = time.time()
    check(claims["iat"] <= now + 60 and claims["exp"] > now and claims["exp"] - claims["iat"] <= 600,
          f"iat {claims['iat']} / exp {claims['exp']} out of range")
    return claims


def run(base):
    discovery = requests.get(f"{base}/.well-known/openid-configuration", timeout=10).json()
    issuer = discovery["issuer"]
    end_session = discovery.get("end_session_endpoint")
    check(isinstance(end_session, str) and end_session.startswith(issuer), f"end_session_endpoint is {end_session}")
    check(discovery.get("backchannel_logout_supported") is True, "backchannel_logout_supported is not true")
    check(discovery.get("backchannel_logout_session_supported") is True,
          "backchannel_logout_session_supported is not true")
    keys = KeySet.import_key_set(requests.get(discovery["jwks_uri"], timeout=10).json())
    yield f"discovery: end_session_endpoint {end_session}, back-channel logout with sid"

    listener, received = listen()
    backchannel = f"http://127.0.0.1:{listener.server_port}/backchannel"
    registered = requests.post(
        discovery["registration_endpoint"],
        json={
            "client_name": "signout_client.py",
            "redirect_uris": [RP_CALLBACK],
            "backchannel_logout_uri": backchannel,
            "backchannel_logout_session_required": True,
            "token_endpoint_auth_method": "client_secret_basic",
            "grant_types": ["authorization_code", "refresh_token"],
            "scope": "openid profile",
        },
        timeout=10,
    )
    check(registered.status_code == 201, f"registration answered {registered.status_code}: {registered.text}")
    rp_client = registered.json()
    check(rp_client.get("backchannel_logout_uri") == backchannel, "backchannel_logout_uri was not kept")
    yield f"registered a client with backchannel_logout_uri {backchannel} (a listener of ours)"

    browser = requests.Session()
    web = OAuth2Session(
        "demo-web", "demo-web-secret", token_endpoint_auth_method="client_secret_basic",
        redirect_uri=WEB_CALLBACK, scope="openid profile", code_challenge_method="S256")
    web_token, sid, _ = sign_in(browser, web, discovery, keys, "demo-web")
    yield f"demo-web signed alice in: its ID token verifies with the JWKS and carries sid {sid[:6]}…"

    rp = OAuth2Session(
        rp_client["client_id"], rp_client["client_secret"], scope="openid profile", redirect_uri=RP_CALLBACK,
        code_challenge_method="S256")
    rp_token, rp_sid, signed_in_already = sign_in(browser, rp, discovery, keys, rp_client["client_id"])
    check(signed_in_already, "the browser's session was not used for the second client")
    check(rp_sid == sid, "the second client's ID token names another session")
    yield "the registered client signed in in the same browser session: the same sid"

    # RP-Initiated Logout 1.0 §2-§3: demo-web's registered URI, with state, 303.
    logout_state = generate_token(12)
    out = browser.get(
        end_session,
        params={"id_token_hint": web_token["id_token"], "post_logout_redirect_uri": WEB_LOGGED_OUT,
                "state": logout_state},
        allow_redirects=False, timeout=30)
    check(out.status_code == 303, f"end session answered {out.status_code}")
    target = urlsplit(out.headers["Location"])
    check(f"{target.scheme}://{target.netloc}{target.path}" == WEB_LOGGED_OUT, f"redirected to {target.geturl()}")
    check(parse_qs(target.query).get("state") == [logout_state], "state was not echoed")
    yield "end session (demo-web's hint): 303 to its registered post_logout_redirect_uri with state"

    # Back-Channel Logout 1.0 §2.5-§2.6: one POST to our listener, checked as a relying party would.
    try:
        path, content_type, form = received.get(timeout=15)
    except queue.Empty:
        raise AssertionError("no logout token reached the listener")
    check(path == "/backchannel", f"the delivery went to {path}")
    check(content_type.startswith("application/x-www-form-urlencoded"), f"Content-Type {content_type}")
    check(list(form) == ["logout_token"] and len(form["logout_token"]) == 1, f"the form is {sorted(form)}")
    claims = verify_logout_token(form["logout_token"][0], keys, issuer, rp_client["client_id"], sid)
    yield f"back-channel: the listener got a logout_token (jti {claims['jti'][:6]}…) that verifies with the JWKS"

    # Afterwards, prompt=none answers login_required (Core §3.1.2.6).
    url, state = web.create_authorization_url(
        discovery["authorization_endpoint"], code_verifier=generate_token(48), nonce=generate_token(16),
        prompt="none")
    silent = browser.get(url, allow_redirects=False, timeout=10)
    check(silent.status_code in (302, 303), f"prompt=none answered {silent.status_code}")
    answer = parse_qs(urlsplit(silent.headers["Location"]).query)
    check(answer.get("error") == ["login_required"], f"prompt=none answered {answer}")
    check(answer.get("state") == [state], "prompt=none lost state")
    yield "after sign-out: prompt=none -> login_required"

    # The session's refresh tokens (no offline_access) ended with it (the demo's policy).
    for client_id, secret, token in [
        ("demo-web", "demo-web-secret", web_token),
        (rp_client["client_id"], rp_client["client_secret"], rp_token),
    ]:
        refreshed = requests.post(
            discovery["token_endpoint"], data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
            auth=(client_id, secret), timeout=10)
        check(refreshed.status_code == 400 and refreshed.json().get("error") == "invalid_grant",
              f"{client_id}'s refresh after sign-out answered {refreshed.status_code} {refreshed.text}")
    yield "after sign-out: both clients' refresh tokens are invalid_grant"

    # Never an open redirect: an unregistered URI with a valid (old) hint, then a forged hint.
    unregistered = browser.get(
        end_session, params={"id_token_hint": web_token["id_token"], "post_logout_redirect_uri": "https://evil.example/",
                             "state": "x"},
        allow_redirects=False, timeout=10)
    check(unregistered.status_code == 200 and "Location" not in unregistered.headers,
          f"an unregistered URI answered {unregistered.status_code} {unregistered.headers.get('Location')}")
    forged = browser.get(
        end_session, params={"id_token_hint": "e30.e30.", "post_logout_redirect_uri": WEB_LOGGED_OUT},
        allow_redirects=False, timeout=10)
    check(forged.status_code == 400 and "Location" not in forged.headers, "a forged hint was redirected")
    check(received.empty(), "signing out an ended session delivered another logout token")
    listener.shutdown()
    yield "end session: an unregistered URI or a forged hint gets a page, never a redirect"


if __name__ == "__main__":
    sys.exit(run_steps("signout_client.py", run))
