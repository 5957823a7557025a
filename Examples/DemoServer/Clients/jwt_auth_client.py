#!/usr/bin/env python3
"""JWT client authentication (RFC 7523 §2.2; OpenID Connect Core §9) against Granted's demo
server from Python: clients registered by dynamic registration (RFC 7591) with a `jwks` of
their own (ES256, then RS256, keys made by joserfc), then a client credentials grant through
Authlib's OAuth2Session with its `PrivateKeyJWT` auth; a `client_secret_jwt` client with the
secret the server issued, through Authlib's `ClientSecretJWT`. Each assertion Authlib sent is
then replayed by hand and must be invalid_client (RFC 7523 §3 item 7), as must one signed by a
key the client never registered.

    .venv/bin/python jwt_auth_client.py http://127.0.0.1:8080

Prints one line per step; exits non-zero on the first failure.
"""
import os
import sys
from collections import namedtuple
from urllib.parse import parse_qs

os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")

import requests  # noqa: E402
from authlib.integrations.requests_client import OAuth2Session  # noqa: E402
from authlib.oauth2.rfc7523 import ClientSecretJWT, PrivateKeyJWT  # noqa: E402
from joserfc.jwk import ECKey, RSAKey  # noqa: E402

from demo_client import check, run_steps  # noqa: E402

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# What Authlib's ClientSecretJWT / PrivateKeyJWT `sign` reads: the client id and its key.
Credentials = namedtuple("Credentials", "client_id client_secret")


def capture(session):
    """Records the body of every request `session` sends, so an assertion can be replayed."""
    sent = []
    session.hooks["response"].append(lambda response, *args, **kwargs: sent.append(response.request.body))
    return sent


def form_field(body, name):
    if isinstance(body, bytes):
        body = body.decode()
    values = parse_qs(body or "").get(name, [])
    return values[0] if values else None


def client_credentials(endpoint, client_id, key, auth):
    """A client credentials grant through Authlib; the access token and the assertion it sent."""
    session = OAuth2Session(client_id, key, token_endpoint_auth_method=auth.name, scope="public")
    session.register_client_auth_method(auth)
    sent = capture(session)
    token = session.fetch_token(endpoint, grant_type="client_credentials")
    check(token.get("token_type", "").lower() == "bearer" and token.get("access_token"), f"token response {token}")
    assertion = form_field(sent[-1], "client_assertion")
    check(assertion and assertion.count(".") == 2, "Authlib sent no client_assertion")
    return token["access_token"], assertion


def replay(endpoint, assertion):
    """The same assertion, posted again by hand: RFC 7523 §3 item 7 says the jti is used up."""
    return requests.post(endpoint, data={
        "grant_type": "client_credentials", "scope": "public",
        "client_assertion_type": ASSERTION_TYPE, "client_assertion": assertion,
    }, timeout=10)


def register(registration, body):
    response = requests.post(registration, json=body, timeout=10)
    check(response.status_code == 201, f"registration answered {response.status_code} {response.text}")
    return response.json()


def run(base):
    metadata = requests.get(f"{base}/.well-known/oauth-authorization-server", timeout=10).json()
    methods = metadata.get("token_endpoint_auth_methods_supported", [])
    algorithms = metadata.get("token_endpoint_auth_signing_alg_values_supported", [])
    check("private_key_jwt" in methods and "client_secret_jwt" in methods, f"auth methods {methods}")
    check({"ES256", "RS256", "HS256"} <= set(algorithms), f"signing algorithms {algorithms}")
    endpoint, registration = metadata["token_endpoint"], metadata["registration_endpoint"]
    yield f"discovery: {', '.join(m for m in methods if m.endswith('_jwt'))} with {', '.join(algorithms)}"

    for alg, key in [("ES256", ECKey.generate_key("P-256")), ("RS256", RSAKey.generate_key(2048))]:
        kid = key.thumbprint()
        public = {**key.as_dict(private=False), "kid": kid, "alg": alg, "use": "sig"}
        registered = register(registration, {
            "client_name": f"Python private_key_jwt {alg}", "token_endpoint_auth_method": "private_key_jwt",
            "token_endpoint_auth_signing_alg": alg, "grant_types": ["client_credentials"], "scope": "public",
            "jwks": {"keys": [public]},
        })
        client_id = registered["client_id"]
        check("client_secret" not in registered, "a private_key_jwt client was given a secret")
        check(registered.get("token_endpoint_auth_method") == "private_key_jwt", f"registered {registered}")
        yield f"registered {client_id} with an {alg} key (kid {kid[:12]}…) in jwks"

        access_token, assertion = client_credentials(
            endpoint, client_id, key, PrivateKeyJWT(endpoint, alg=alg, headers={"kid": kid}))
        introspected = requests.post(metadata["introspection_endpoint"], data={
            "token": access_token, "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": PrivateKeyJWT(endpoint, alg=alg, headers={"kid": kid}).sign(
                Credentials(client_id, key), endpoint),
        }, timeout=10)
        check(introspected.status_code == 200 and introspected.json().get("active") is True,
              f"introspection answered {introspected.status_code} {introspected.text}")
        yield f"private_key_jwt ({alg}) through Authlib's PrivateKeyJWT: an access token, active at introspection"

        replayed = replay(endpoint, assertion)
        check(replayed.status_code == 401 and replayed.json().get("error") == "invalid_client",
              f"a replayed assertion answered {replayed.status_code} {replayed.text}")
        yield f"the same {alg} assertion again: 401 invalid_client (jti used up)"

        stranger = ECKey.generate_key("P-256") if alg == "ES256" else RSAKey.generate_key(2048)
        forged = PrivateKeyJWT(endpoint, alg=alg, headers={"kid": kid}).sign(
            Credentials(client_id, stranger), endpoint)
        refused = replay(endpoint, forged)
        check(refused.status_code == 401 and refused.json().get("error") == "invalid_client",
              f"an assertion by another key answered {refused.status_code} {refused.text}")
        yield f"an {alg} assertion signed by a key the client never registered: 401 invalid_client"

    registered = register(registration, {
        "client_name": "Python client_secret_jwt", "token_endpoint_auth_method": "client_secret_jwt",
        "grant_types": ["client_credentials"], "scope": "public",
    })
    client_id, secret = registered["client_id"], registered.get("client_secret")
    check(secret, f"no client_secret for a client_secret_jwt client: {registered}")
    yield f"registered {client_id} for client_secret_jwt; the server issued its secret"

    _access_token, assertion = client_credentials(endpoint, client_id, secret, ClientSecretJWT(endpoint))
    yield "client_secret_jwt (HS256 under the issued secret) through Authlib's ClientSecretJWT: an access token"

    replayed = replay(endpoint, assertion)
    check(replayed.status_code == 401 and replayed.json().get("error") == "invalid_client",
          f"a replayed assertion answered {replayed.status_code} {replayed.text}")
    wrong = ClientSecretJWT(endpoint).sign(
        Credentials(client_id, secret + "x"), endpoint)
    refused = replay(endpoint, wrong)
    check(refused.status_code == 401 and refused.json().get("error") == "invalid_client",
          f"an assertion under another secret answered {refused.status_code} {refused.text}")
    yield "the same HS256 assertion again, and one under another secret: 401 invalid_client"


if __name__ == "__main__":
    sys.exit(run_steps("jwt_auth_client.py", run))
