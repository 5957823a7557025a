#!/usr/bin/env python3
"""Runs pushed authorization requests (RFC 9126) against Granted's demo server with plain
requests: the client pushes its authorization parameters to the PAR endpoint (authenticated as
at the token endpoint), sends the browser to /authorize with only client_id and request_uri,
and exchanges the code with its PKCE verifier. Then the RFC's refusals: a used request_uri, one
named by another client, and request_uri inside a push.

    python3 -m venv .venv && .venv/bin/pip install -r requirements.txt
    .venv/bin/python par_client.py http://127.0.0.1:8080

Prints one line per step; exits non-zero on the first failure.
"""
import base64
import hashlib
import secrets
import sys
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from demo_client import SPA_CALLBACK, WEB_CALLBACK, authorize, check

PREFIX = "urn:ietf:params:oauth:request_uri:"


def pkce():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def push(endpoint, fields, auth=None):
    """POSTs the authorization parameters (§2.1); answers the response."""
    return requests.post(endpoint, data=fields, auth=auth, timeout=10)


def pushed(endpoint, fields, auth=None):
    """A successful push (§2.2): 201, request_uri, expires_in, not cacheable."""
    response = push(endpoint, fields, auth)
    check(response.status_code == 201, f"the push answered {response.status_code}: {response.text}")
    check("no-store" in response.headers.get("Cache-Control", ""), "the push response may be cached")
    body = response.json()
    check(body.get("request_uri", "").startswith(PREFIX), f"request_uri is not a {PREFIX} URN")
    check(len(body["request_uri"]) - len(PREFIX) >= 43, "request_uri carries fewer than 256 bits")
    check(isinstance(body.get("expires_in"), int) and body["expires_in"] > 0, "no positive expires_in")
    return body


def run(base):
    discovery = requests.get(f"{base}/.well-known/oauth-authorization-server", timeout=10).json()
    par = discovery.get("pushed_authorization_request_endpoint")
    check(par is not None, "the metadata has no pushed_authorization_request_endpoint (RFC 9126 §5)")
    check(discovery.get("require_pushed_authorization_requests") is False, "require_pushed_authorization_requests is not false")
    authorization_endpoint = discovery["authorization_endpoint"]
    token_endpoint = discovery["token_endpoint"]
    yield f"metadata: pushed_authorization_request_endpoint {par}"

    # A public client with PKCE: push, authorize by reference, exchange.
    verifier, challenge = pkce()
    state = secrets.token_urlsafe(16)
    body = pushed(par, {
        "client_id": "demo-spa", "response_type": "code", "redirect_uri": SPA_CALLBACK,
        "scope": "openid profile public", "state": state, "code_challenge": challenge,
        "code_challenge_method": "S256",
    })
    request_uri = body["request_uri"]
    yield f"push: demo-spa got a request_uri, expires_in {body['expires_in']}"
    url = authorization_endpoint + "?" + urlencode({"client_id": "demo-spa", "request_uri": request_uri})
    browser = requests.Session()
    location, _ = authorize(browser, url)
    check(location.startswith(SPA_CALLBACK + "?"), f"unexpected redirect {location}")
    answer = parse_qs(urlsplit(location).query)
    check(answer.get("state") == [state], "the redirect lacks the pushed state")
    token = requests.post(token_endpoint, data={
        "grant_type": "authorization_code", "code": answer["code"][0], "redirect_uri": SPA_CALLBACK,
        "client_id": "demo-spa", "code_verifier": verifier,
    }, timeout=10)
    check(token.status_code == 200, f"the code exchange answered {token.status_code}: {token.text}")
    access_token = token.json()["access_token"]
    me = requests.get(f"{base}/user", headers={"Authorization": f"Bearer {access_token}"}, timeout=10)
    check(me.status_code == 200 and me.json()["username"] == "alice", f"GET /user answered {me.status_code}")
    yield "code flow + PKCE by request_uri: alice approved, the pushed state came back, GET /user -> alice"

    # §4: a request_uri works once.
    again = browser.get(url, allow_redirects=False)
    check(again.status_code == 400 and "Location" not in again.headers, f"a used request_uri answered {again.status_code}")
    yield "a used request_uri: 400, no redirect"

    # A confidential client authenticates with HTTP Basic (§2.1, as at the token endpoint).
    web = ("demo-web", "demo-web-secret")
    fields = {"response_type": "code", "client_id": "demo-web", "redirect_uri": WEB_CALLBACK, "scope": "public"}
    body = pushed(par, fields, auth=web)
    other = authorization_endpoint + "?" + urlencode({"client_id": "demo-spa", "request_uri": body["request_uri"]})
    refused = requests.get(other, allow_redirects=False, timeout=10)
    check(refused.status_code == 400 and "Location" not in refused.headers, "another client's request_uri ran")
    mine = authorization_endpoint + "?" + urlencode({"client_id": "demo-web", "request_uri": body["request_uri"]})
    page = requests.get(mine, allow_redirects=False, timeout=10)
    check(page.status_code == 200, f"the pusher's request_uri answered {page.status_code} after another's try")
    yield "demo-web pushed with Basic; demo-spa could not use its request_uri, demo-web still could"

    # §2.1, §2.3: refusals at the endpoint.
    wrong = push(par, fields, auth=("demo-web", "wrong"))
    check(wrong.status_code == 401 and wrong.json().get("error") == "invalid_client", "a wrong secret was accepted")
    nested = push(par, dict(fields, request_uri=PREFIX + "x"), auth=web)
    check(nested.status_code == 400 and nested.json().get("error") == "invalid_request", "request_uri was pushed")
    bad = push(par, dict(fields, redirect_uri="https://evil.example/cb"), auth=web)
    check(bad.status_code == 400 and bad.json().get("error") == "invalid_request", "an unregistered redirect_uri was pushed")
    get = requests.get(par, timeout=10)
    check(get.status_code == 405, f"GET on the PAR endpoint answered {get.status_code}")
    yield "refused: a wrong secret (401), request_uri in a push, an unregistered redirect_uri (400), GET (405)"


def main():
    if len(sys.argv) != 2:
        print("usage: par_client.py BASE_URL (e.g. http://127.0.0.1:8080)", file=sys.stderr)
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
    print(f"par_client: all {steps} steps passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
