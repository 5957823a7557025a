#!/usr/bin/env python3
"""Dynamic client registration (RFC 7591) and management (RFC 7592) against Granted's demo
server from Python: requests registers a public and a confidential client, Authlib's
OAuth2Session runs a code flow with PKCE and a client credentials grant with what was issued,
then the registration is read, replaced and deleted, and the deleted client is invalid_client.

    .venv/bin/python registration_client.py http://127.0.0.1:8080

Prints one line per step; exits non-zero on the first failure.
"""
import os
import sys

os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")

import requests  # noqa: E402
from authlib.common.security import generate_token  # noqa: E402
from authlib.integrations.requests_client import OAuth2Session  # noqa: E402

from demo_client import SPA_CALLBACK, authorize, check, run_steps  # noqa: E402


def run(base):
    metadata = requests.get(f"{base}/.well-known/oauth-authorization-server", timeout=10).json()
    endpoint = metadata.get("registration_endpoint")
    check(endpoint == f"{base}/register", f"registration_endpoint is {endpoint}")
    yield f"discovery: registration_endpoint {endpoint}"

    # Refusals (RFC 7591 §3.2.2).
    for body, code in [
        ({"redirect_uris": ["https://app.example.com/cb#fragment"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["http://app.example.com/cb"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["https://app.example.com/cb"], "grant_types": ["password"]}, "invalid_client_metadata"),
        ({"redirect_uris": ["https://app.example.com/cb"], "token_endpoint_auth_method": "private_key_jwt"},
         "invalid_client_metadata"),
    ]:
        refused = requests.post(endpoint, json=body, timeout=10)
        check(refused.status_code == 400 and refused.json().get("error") == code,
              f"{body} answered {refused.status_code} {refused.text}")
    yield "refused: a fragment, plain http, password grant, private_key_jwt without jwks (400 JSON errors)"

    # A public client (none), then a code flow with PKCE S256 through the forms.
    public = requests.post(endpoint, json={
        "client_name": "Python public client", "redirect_uris": [SPA_CALLBACK],
        "token_endpoint_auth_method": "none", "grant_types": ["authorization_code", "refresh_token"],
        "scope": "openid public",
    }, timeout=10)
    check(public.status_code == 201, f"registration answered {public.status_code} {public.text}")
    registered = public.json()
    check("client_secret" not in registered, "a public client was given a secret")
    client_id = registered["client_id"]
    session = OAuth2Session(
        client_id, token_endpoint_auth_method="none", redirect_uri=SPA_CALLBACK, scope="openid public",
        code_challenge_method="S256")
    verifier = generate_token(64)
    url, _ = session.create_authorization_url(metadata["authorization_endpoint"], code_verifier=verifier)
    location, _ = authorize(requests.Session(), url)
    token = session.fetch_token(metadata["token_endpoint"], authorization_response=location, code_verifier=verifier)
    me = session.get(f"{base}/user")
    check(me.status_code == 200 and me.json()["username"] == "alice", f"GET /user answered {me.status_code}")
    check("refresh_token" in token, "no refresh token")
    yield f"public client {client_id}: code flow with PKCE S256, GET /user -> alice"

    # A confidential client (client_secret_basic by default) with client credentials.
    confidential = requests.post(endpoint, json={
        "client_name": "Python service", "grant_types": ["client_credentials"], "scope": "public message.send",
    }, timeout=10)
    check(confidential.status_code == 201, f"registration answered {confidential.status_code}")
    registered = confidential.json()
    client_id, secret = registered["client_id"], registered["client_secret"]
    check(registered.get("token_endpoint_auth_method") == "client_secret_basic", "not client_secret_basic")
    check(registered.get("client_secret_expires_at") == 0, "client_secret_expires_at is not 0")
    service = OAuth2Session(client_id, secret, scope="public message.send")
    service.fetch_token(metadata["token_endpoint"], grant_type="client_credentials")
    sent = service.post(f"{base}/messages", json={"to": "bob", "text": "hi from a registered client"})
    check(sent.status_code == 201 and sent.json()["from"] == client_id, f"POST /messages answered {sent.status_code}")
    yield f"confidential client {client_id}: client credentials with its issued secret, POST /messages -> 201"

    # Management (RFC 7592 §2) through registration_client_uri.
    uri = registered["registration_client_uri"]
    bearer = {"Authorization": f"Bearer {registered['registration_access_token']}"}
    check(requests.get(uri, timeout=10).status_code == 401, "read without the token was not 401")
    check(requests.get(uri, headers={"Authorization": "Bearer wrong"}, timeout=10).status_code == 401,
          "read with a wrong token was not 401")
    read = requests.get(uri, headers=bearer, timeout=10)
    check(read.status_code == 200 and read.json()["client_id"] == client_id, f"read answered {read.status_code}")
    check("client_secret" not in read.json(), "the secret was shown again")
    rotated = read.json().get("registration_access_token")
    check(rotated and rotated != registered["registration_access_token"], "the read carried no new token (RFC 7592 §3)")
    check(requests.get(uri, headers=bearer, timeout=10).status_code == 401, "the token a read replaced still works")
    bearer = {"Authorization": f"Bearer {rotated}"}
    replaced = requests.put(uri, headers=bearer, json={
        "client_id": client_id, "client_secret": secret, "client_name": "Python service, renamed",
        "grant_types": ["client_credentials"], "scope": "public",
    }, timeout=10)
    check(replaced.status_code == 200 and replaced.json().get("client_name") == "Python service, renamed",
          f"replace answered {replaced.status_code} {replaced.text}")
    bearer = {"Authorization": f"Bearer {replaced.json()['registration_access_token']}"}
    yield "management: GET 200 (no secret, a new registration token), 401 without or with a wrong or replaced token, PUT 200 (renamed)"

    deleted = requests.delete(uri, headers=bearer, timeout=10)
    check(deleted.status_code == 204, f"delete answered {deleted.status_code}")
    after = requests.post(
        metadata["token_endpoint"], data={"grant_type": "client_credentials"}, auth=(client_id, secret), timeout=10)
    check(after.status_code == 401 and after.json().get("error") == "invalid_client",
          f"a deleted client got {after.status_code} {after.text}")
    check(requests.get(uri, headers=bearer, timeout=10).status_code == 401, "a deleted registration still reads")
    yield "management: DELETE 204, then the client is invalid_client at the token endpoint"


if __name__ == "__main__":
    sys.exit(run_steps("registration_client.py", run))
