#!/usr/bin/env python3
"""Sender-constrained tokens (RFC 9449, DPoP) against Granted's demo server, with proofs made
by hand along the RFC's steps (§4.2) and signed by joserfc: an ES256 key, header `typ`
dpop+jwt with the public `jwk`, claims `htm`, `htu`, `iat`, `jti` and, at the resource, `ath`.

    .venv/bin/python dpop_client.py http://127.0.0.1:8080

Also the public client demo-spa: its refresh token bound to the key (§5), and a code bound
with `dpop_jkt` (§10).

Prints one line per step; exits non-zero on the first failure.
"""
import base64
import hashlib
import json
import secrets
import sys
import time

import requests
from joserfc import jws
from joserfc.jwk import ECKey

from demo_client import authorize, check, run_steps

SERVICE = ("demo-service", "demo-service-secret")
WEB = ("demo-web", "demo-web-secret")
WEB_CALLBACK = "http://127.0.0.1:8765/callback"
SPA_CALLBACK = "http://127.0.0.1:8765/spa-callback"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def proof(key, method, url, access_token=None, iat=None):
    """A DPoP proof JWT (§4.2): header typ, alg, jwk (public members only); claims jti, htm,
    htu (without query and fragment), iat, and ath = base64url(SHA-256(token)) at a resource."""
    header = {"typ": "dpop+jwt", "alg": "ES256", "jwk": key.as_dict(private=False)}
    claims = {
        "jti": secrets.token_urlsafe(16),
        "htm": method,
        "htu": url.split("?")[0].split("#")[0],
        "iat": int(time.time() if iat is None else iat),
    }
    if access_token is not None:
        claims["ath"] = b64url(hashlib.sha256(access_token.encode("ascii")).digest())
    return jws.serialize_compact(header, json.dumps(claims).encode(), key, algorithms=["ES256"])


def spa_code(browser, base, extra=""):
    """A code for the public client demo-spa (PKCE S256, RFC 7636 §4.2) approved by alice through
    the pages; returns (code, code_verifier)."""
    verifier = secrets.token_urlsafe(48)
    challenge = b64url(hashlib.sha256(verifier.encode("ascii")).digest())
    url = (base + "/authorize?response_type=code&client_id=demo-spa&scope=public&state=spa"
           f"&redirect_uri={SPA_CALLBACK}&code_challenge={challenge}&code_challenge_method=S256{extra}")
    location, _ = authorize(browser, url)
    check(location.startswith(SPA_CALLBACK + "?") and "code=" in location, f"unexpected redirect {location}")
    return location.split("code=", 1)[1].split("&", 1)[0], verifier


def token_error(response):
    """(status, error) of a token endpoint answer (RFC 6749 §5.2)."""
    try:
        return response.status_code, response.json().get("error")
    except ValueError:
        return response.status_code, None


def challenge_error(response):
    """The DPoP challenge of a 401 (§7.1) and its error, or (None, None)."""
    value = response.headers.get("WWW-Authenticate", "")
    at = value.find("DPoP ")
    if at < 0:
        return None, None
    dpop = value[at:]
    error = None
    if 'error="' in dpop:
        error = dpop.split('error="', 1)[1].split('"', 1)[0]
    return dpop, error


def run(base):
    key = ECKey.generate_key("P-256")
    other = ECKey.generate_key("P-256")
    token_url = base + "/token"

    metadata = requests.get(base + "/.well-known/oauth-authorization-server", timeout=10).json()
    check("ES256" in metadata.get("dpop_signing_alg_values_supported", []), f"metadata: {metadata}")
    yield "metadata lists ES256 in dpop_signing_alg_values_supported"

    response = requests.post(
        token_url, auth=SERVICE, headers={"DPoP": proof(key, "POST", token_url)},
        data={"grant_type": "client_credentials", "scope": "public message.send"}, timeout=10)
    check(response.status_code == 200, f"token: {response.status_code} {response.text}")
    body = response.json()
    check(body["token_type"] == "DPoP", f"token_type {body['token_type']}")
    app_token = body["access_token"]
    yield "client credentials with a proof: token_type DPoP"

    introspection = requests.post(base + "/introspect", auth=SERVICE, data={"token": app_token}, timeout=10).json()
    check(introspection.get("cnf", {}).get("jkt") == key.thumbprint(), f"introspection: {introspection}")
    yield "introspection shows cnf.jkt, the key's RFC 7638 thumbprint"

    messages = base + "/messages"
    good = proof(key, "POST", messages, app_token)
    sent = requests.post(
        messages, headers={"Authorization": f"DPoP {app_token}", "DPoP": good}, json={"to": "bob", "text": "hi"},
        timeout=10)
    check(sent.status_code == 201, f"/messages with DPoP: {sent.status_code} {sent.text}")
    yield "POST /messages with Authorization: DPoP and a proof with ath: 201"

    bearer = requests.post(
        messages, headers={"Authorization": f"Bearer {app_token}"}, json={"to": "bob", "text": "hi"}, timeout=10)
    dpop, _ = challenge_error(bearer)
    check(bearer.status_code == 401 and dpop is not None, f"as Bearer: {bearer.status_code} {bearer.headers}")
    yield "the same token as Bearer: 401 with a DPoP challenge"

    replay = requests.post(
        messages, headers={"Authorization": f"DPoP {app_token}", "DPoP": good}, json={"to": "bob", "text": "hi"},
        timeout=10)
    _, error = challenge_error(replay)
    check(replay.status_code == 401 and error == "invalid_dpop_proof", f"replay: {replay.status_code} {replay.headers}")
    yield "the proof again: 401 invalid_dpop_proof"

    stranger = requests.post(
        messages, headers={"Authorization": f"DPoP {app_token}", "DPoP": proof(other, "POST", messages, app_token)},
        json={"to": "bob", "text": "hi"}, timeout=10)
    check(stranger.status_code == 401, f"another key: {stranger.status_code}")
    stale = requests.post(
        messages,
        headers={"Authorization": f"DPoP {app_token}", "DPoP": proof(key, "POST", messages, app_token, time.time() - 600)},
        json={"to": "bob", "text": "hi"}, timeout=10)
    check(stale.status_code == 401, f"stale iat: {stale.status_code}")
    yield "another key's proof, or a stale iat: 401"

    bad = requests.post(
        token_url, auth=SERVICE, headers={"DPoP": proof(key, "GET", token_url)},
        data={"grant_type": "client_credentials"}, timeout=10)
    check(bad.status_code == 400 and bad.json().get("error") == "invalid_dpop_proof", f"bad proof: {bad.text}")
    yield "a proof for GET at POST /token: 400 invalid_dpop_proof"

    browser = requests.Session()
    url = (base + "/authorize?response_type=code&client_id=demo-web&scope=public&state=dpop"
           f"&redirect_uri={WEB_CALLBACK}")
    location, _ = authorize(browser, url)
    code = location.split("code=", 1)[1].split("&", 1)[0]
    tokens = requests.post(
        token_url, auth=WEB, headers={"DPoP": proof(key, "POST", token_url)},
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": WEB_CALLBACK}, timeout=10).json()
    check(tokens.get("token_type") == "DPoP", f"code exchange: {tokens}")
    user_url = base + "/user"
    user = requests.get(
        user_url, headers={"Authorization": f"DPoP {tokens['access_token']}",
                           "DPoP": proof(key, "GET", user_url, tokens["access_token"])}, timeout=10)
    check(user.status_code == 200 and user.json().get("username") == "alice", f"/user: {user.status_code} {user.text}")
    yield "demo-web's code flow with a proof: GET /user with DPoP answers alice"

    # RFC 9449 §5: a public client's refresh token is bound to the key of the proof it came with.
    code, verifier = spa_code(browser, base)
    spa = {"grant_type": "authorization_code", "code": code, "redirect_uri": SPA_CALLBACK,
           "client_id": "demo-spa", "code_verifier": verifier}
    issued = requests.post(token_url, headers={"DPoP": proof(key, "POST", token_url)}, data=spa, timeout=10)
    check(issued.status_code == 200, f"demo-spa code exchange: {issued.status_code} {issued.text}")
    issued = issued.json()
    check(issued.get("token_type") == "DPoP" and "refresh_token" in issued, f"demo-spa tokens: {issued}")
    refresh = {"grant_type": "refresh_token", "refresh_token": issued["refresh_token"], "client_id": "demo-spa"}
    yield "demo-spa's code flow (PKCE) with a proof: token_type DPoP and a refresh token"

    bare = requests.post(token_url, data=refresh, timeout=10)
    check(token_error(bare) == (400, "invalid_dpop_proof"), f"refresh without a proof: {bare.status_code} {bare.text}")
    foreign = requests.post(token_url, headers={"DPoP": proof(other, "POST", token_url)}, data=refresh, timeout=10)
    check(token_error(foreign) == (400, "invalid_dpop_proof"),
          f"refresh with another key: {foreign.status_code} {foreign.text}")
    yield "demo-spa's refresh token without a proof, or with another key's: 400 invalid_dpop_proof"

    refreshed = requests.post(token_url, headers={"DPoP": proof(key, "POST", token_url)}, data=refresh, timeout=10)
    check(refreshed.status_code == 200 and refreshed.json().get("token_type") == "DPoP",
          f"refresh with the key: {refreshed.status_code} {refreshed.text}")
    rotated = dict(refresh, refresh_token=refreshed.json()["refresh_token"])
    stolen = requests.post(token_url, headers={"DPoP": proof(other, "POST", token_url)}, data=rotated, timeout=10)
    check(token_error(stolen) == (400, "invalid_dpop_proof"), f"rotated token, other key: {stolen.text}")
    yield "the same refresh token with the key's fresh proof: 200 DPoP; the rotated one is bound as well"

    # RFC 9449 §10: dpop_jkt binds the code; the token request's proof must be of that key.
    code, verifier = spa_code(browser, base, "&dpop_jkt=" + key.thumbprint())
    bound = dict(spa, code=code, code_verifier=verifier)
    wrong = requests.post(token_url, headers={"DPoP": proof(other, "POST", token_url)}, data=bound, timeout=10)
    check(token_error(wrong) == (400, "invalid_dpop_proof"), f"dpop_jkt, other key: {wrong.status_code} {wrong.text}")
    right = requests.post(token_url, headers={"DPoP": proof(key, "POST", token_url)}, data=bound, timeout=10)
    check(right.status_code == 200 and right.json().get("token_type") == "DPoP",
          f"dpop_jkt, the key: {right.status_code} {right.text}")
    yield "a code asked for with dpop_jkt: another key's proof is 400 invalid_dpop_proof, the key's redeems it"


if __name__ == "__main__":
    sys.exit(run_steps("dpop_client.py", run))
