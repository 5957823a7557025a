#!/usr/bin/env python3
"""Runs pushed authorization requests (RFC 9126) against Granted's demo server with Authlib's
OAuth2Session: each client builds its authorization request as usual, POSTs its parameters to
the PAR endpoint with the session's own client authentication (as at the token endpoint, §2),
sends the browser to /authorize with only client_id and request_uri (§4), goes through the
sign-in and consent forms like demo_client.py, and redeems the code. demo-web pushes with
client_secret_basic; demo-spa is public and uses PKCE. Then the RFC's refusals: a second use of
a request_uri, one named by another client, and a bad push.

    python3 -m venv .venv && .venv/bin/pip install -r requirements.txt
    .venv/bin/python par_client.py http://127.0.0.1:8080

Prints one line per step; exits non-zero on the first failure.
"""
import sys
from urllib.parse import parse_qsl, urlencode, urlsplit

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

from demo_client import SPA_CALLBACK, WEB_CALLBACK, authorize, check, run_steps

PREFIX = "urn:ietf:params:oauth:request_uri:"


def push(session, endpoint, fields):
    """POSTs authorization parameters to the PAR endpoint, authenticated as the session would
    authenticate at the token endpoint (§2.1)."""
    method = session.token_endpoint_auth_method
    if method != "client_secret_basic":  # the body methods add client_id themselves: once only
        fields = {name: value for name, value in fields.items() if name != "client_id"}
    return session.post(endpoint, data=fields, auth=session.client_auth(method), withhold_token=True, timeout=10)


def pushed(session, endpoint, fields):
    """A successful push (§2.2): 201, a request_uri URN of at least 256 bits, expires_in, no-store."""
    response = push(session, endpoint, fields)
    check(response.status_code == 201, f"the push answered {response.status_code}: {response.text}")
    check("no-store" in response.headers.get("Cache-Control", ""), "the push response may be cached")
    body = response.json()
    check(body.get("request_uri", "").startswith(PREFIX), f"request_uri is not a {PREFIX} URN")
    check(len(body["request_uri"]) - len(PREFIX) >= 43, "request_uri carries fewer than 256 bits")
    check(isinstance(body.get("expires_in"), int) and body["expires_in"] > 0, "no positive expires_in")
    return body


def by_reference(authorization_endpoint, client_id, request_uri):
    """The authorization request of §4: client_id and request_uri, nothing else."""
    return authorization_endpoint + "?" + urlencode({"client_id": client_id, "request_uri": request_uri})


def code_flow(session, browser, discovery, callback, **extra):
    """Pushes what create_authorization_url would have put in the URL, runs it by reference
    through the sign-in and consent forms, redeems the code; answers (request_uri, token)."""
    url, state = session.create_authorization_url(discovery["authorization_endpoint"], **extra)
    fields = dict(parse_qsl(urlsplit(url).query))
    body = pushed(session, discovery["pushed_authorization_request_endpoint"], fields)
    request_uri = body["request_uri"]
    location, _ = authorize(browser, by_reference(discovery["authorization_endpoint"], session.client_id, request_uri))
    check(location.startswith(callback + "?"), f"unexpected redirect {location}")
    answer = dict(parse_qsl(urlsplit(location).query))
    check(answer.get("state") == state, "the redirect lacks the pushed state")
    check("code" in answer, f"no code in {location}")
    token = session.fetch_token(discovery["token_endpoint"], code=answer["code"], **(
        {"code_verifier": extra["code_verifier"]} if "code_verifier" in extra else {}))
    check("access_token" in token, f"no access token in {token}")
    return request_uri, token


def run(base):
    discovery = requests.get(f"{base}/.well-known/oauth-authorization-server", timeout=10).json()
    par = discovery.get("pushed_authorization_request_endpoint")
    check(par is not None, "the metadata has no pushed_authorization_request_endpoint (RFC 9126 §5)")
    check(discovery.get("require_pushed_authorization_requests") is False, "require_pushed_authorization_requests is not false")
    yield f"metadata: pushed_authorization_request_endpoint {par}, not required"

    browser = requests.Session()

    # demo-web, confidential: the push carries HTTP Basic, as its token requests do.
    web = OAuth2Session(
        "demo-web", "demo-web-secret", token_endpoint_auth_method="client_secret_basic",
        redirect_uri=WEB_CALLBACK, scope="openid profile public")
    web_uri, token = code_flow(web, browser, discovery, WEB_CALLBACK, nonce=generate_token(16))
    me = requests.get(f"{base}/user", headers={"Authorization": f"Bearer {token['access_token']}"}, timeout=10)
    check(me.status_code == 200 and me.json()["username"] == "alice", f"GET /user answered {me.status_code}")
    yield "demo-web (client_secret_basic): pushed, alice signed in and approved by request_uri, code redeemed, GET /user -> alice"

    # demo-spa, public: client_id alone authenticates the push (§2.1), PKCE binds the code.
    spa = OAuth2Session(
        "demo-spa", token_endpoint_auth_method="none", redirect_uri=SPA_CALLBACK, scope="public",
        code_challenge_method="S256")
    verifier = generate_token(48)
    spa_uri, token = code_flow(spa, browser, discovery, SPA_CALLBACK, code_verifier=verifier)
    yield "demo-spa (public, PKCE S256): pushed, approved by request_uri, code redeemed with the verifier"

    # §4: a request_uri works once.
    for client_id, request_uri in (("demo-web", web_uri), ("demo-spa", spa_uri)):
        again = browser.get(by_reference(discovery["authorization_endpoint"], client_id, request_uri), allow_redirects=False)
        check(again.status_code == 400 and "Location" not in again.headers,
              f"{client_id}'s used request_uri answered {again.status_code}")
    yield "a second use of each request_uri: 400, no redirect"

    # §2.2, §4: a request_uri is bound to the client that pushed it.
    url, _ = web.create_authorization_url(discovery["authorization_endpoint"])
    body = pushed(web, par, dict(parse_qsl(urlsplit(url).query)))
    stranger = requests.Session()
    refused = stranger.get(by_reference(discovery["authorization_endpoint"], "demo-spa", body["request_uri"]),
                           allow_redirects=False, timeout=10)
    check(refused.status_code == 400 and "Location" not in refused.headers, "another client's request_uri ran")
    page = stranger.get(by_reference(discovery["authorization_endpoint"], "demo-web", body["request_uri"]),
                        allow_redirects=False, timeout=10)
    check(page.status_code == 200, f"the pusher's request_uri answered {page.status_code} after another's try")
    yield "demo-spa could not use demo-web's request_uri (400, no redirect); demo-web still could"

    # §2.1, §2.3, §3: refusals at the endpoint, as JSON.
    fields = dict(parse_qsl(urlsplit(url).query))
    wrong = push(OAuth2Session("demo-web", "wrong", token_endpoint_auth_method="client_secret_basic"), par, fields)
    check(wrong.status_code == 401 and wrong.json().get("error") == "invalid_client", "a wrong secret was accepted")
    nested = push(web, par, dict(fields, request_uri=PREFIX + "x"))
    check(nested.status_code == 400 and nested.json().get("error") == "invalid_request", "request_uri was pushed")
    jar = push(web, par, dict(fields, request="eyJhbGciOiJub25lIn0.e30."))
    check(jar.status_code == 400 and jar.json().get("error") == "request_not_supported", f"a request object: {jar.text}")
    bad = push(web, par, dict(fields, redirect_uri="https://evil.example/cb"))
    check(bad.status_code == 400 and bad.json().get("error") == "invalid_request", "an unregistered redirect_uri was pushed")
    get = requests.get(par, timeout=10)
    check(get.status_code == 405, f"GET on the PAR endpoint answered {get.status_code}")
    yield ("refused: a wrong secret (401 invalid_client), request_uri in a push, a request object "
           "(request_not_supported), an unregistered redirect_uri (400), GET (405)")


if __name__ == "__main__":
    sys.exit(run_steps("par_client.py", run))
