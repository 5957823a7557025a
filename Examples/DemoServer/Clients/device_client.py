#!/usr/bin/env python3
"""Runs the device authorization grant (RFC 8628) against Granted's demo server as a TV would:
oauthlib's DeviceClient builds the token requests, the polling loop follows RFC 8628 §3.5
(authorization_pending, slow_down adds 5 seconds), and plain requests plays the user's phone,
entering the code, signing in and approving on the demo's HTML pages. joserfc verifies the
ID token against the published JWK Set.

    python3 -m venv .venv && .venv/bin/pip install -r requirements.txt
    .venv/bin/python device_client.py http://127.0.0.1:8080

Prints one line per step; exits non-zero on the first failure. Quick with a short interval
and lifetime (`demo-server --device-poll-interval 1 --device-code-lifetime 15`).
"""
import json
import sys
import time

import requests
from joserfc.jwk import KeySet
from oauthlib.oauth2 import DeviceClient

from demo_client import ALICE, check, parse_form, verify_id_token, run_steps

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code"
CLIENT_ID = "demo-tv"


class Device:
    """The device half: asks for codes, then polls the token endpoint."""

    def __init__(self, discovery, scope):
        self.discovery = discovery
        self.client = DeviceClient(CLIENT_ID, scope=scope)
        response = requests.post(
            discovery["device_authorization_endpoint"], data={"client_id": CLIENT_ID, "scope": scope}, timeout=10)
        check(response.status_code == 200, f"device authorization answered {response.status_code}: {response.text}")
        check("no-store" in response.headers.get("Cache-Control", ""), "the device authorization response may be cached")
        self.codes = response.json()
        for member in ("device_code", "user_code", "verification_uri", "verification_uri_complete", "expires_in", "interval"):
            check(member in self.codes, f"the device authorization response lacks {member}")
        self.interval = self.codes["interval"]
        self.started = time.monotonic()

    def poll_once(self):
        """One token request: (status, JSON body)."""
        body = self.client.prepare_request_body(self.codes["device_code"], include_client_id=True)
        response = requests.post(
            self.discovery["token_endpoint"], data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=10)
        return response.status_code, response.json()

    def poll(self, timeout=60):
        """Polls at the interval until something other than pending comes back (RFC 8628 §3.5)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            time.sleep(self.interval)
            status, body = self.poll_once()
            if status == 200:
                return status, body
            error = body.get("error")
            if error == "authorization_pending":
                continue
            if error == "slow_down":
                self.interval += 5
                continue
            return status, body
        raise TimeoutError("still pending")


def phone_session(discovery, device, url=None, decision="approve"):
    """The user's browser: the verification page (typing the code as people do), sign-in, consent."""
    browser = requests.Session()
    if url is None:
        page = browser.get(device.codes["verification_uri"], timeout=10)
        action, form = parse_form(page)
        check("user_code" in form.fields, "the verification page has no user_code input")
        typed = device.codes["user_code"].lower().replace("-", " ")
        page = browser.post(action, data=dict(form.fields, user_code=typed), timeout=10)
    else:
        page = browser.get(url, timeout=10)
    action, form = parse_form(page)
    check("username" in form.fields, "no sign-in form after the code")
    page = browser.post(action, data=dict(form.fields, **ALICE), timeout=10)
    action, form = parse_form(page)
    check(("decision", decision) in form.buttons, "no consent form after signing in")
    fields = dict(form.fields)
    fields.pop("decision", None)
    fields["decision"] = decision
    done = browser.post(action, data=fields, timeout=10)
    check(done.status_code == 200, f"the decision answered {done.status_code}")
    return done.text


def run(base):
    discovery = requests.get(f"{base}/.well-known/oauth-authorization-server", timeout=10).json()
    check(GRANT_TYPE in discovery.get("grant_types_supported", []), "the device code grant is not advertised")
    check("device_authorization_endpoint" in discovery, "no device_authorization_endpoint in the metadata")
    keys = KeySet.import_key_set(requests.get(discovery["jwks_uri"], timeout=10).json())
    yield f"discovery: device_authorization_endpoint {discovery['device_authorization_endpoint']}"

    # One left alone until it expires, checked at the end.
    abandoned = Device(discovery, "public")

    tv = Device(discovery, "openid profile public")
    yield f"device authorization: user code {tv.codes['user_code']}, interval {tv.interval} s"
    status, body = tv.poll_once()
    check(body.get("error") == "authorization_pending", f"expected authorization_pending, got {status} {body}")
    status, body = tv.poll_once()
    check(body.get("error") == "slow_down", f"expected slow_down for a poll at once, got {status} {body}")
    tv.interval += 5
    yield "polling: authorization_pending, then slow_down when polled too fast"

    done = phone_session(discovery, tv)
    check("return to your device" in done, "the done page does not send the user back to the device")
    yield "phone: code typed in lower case with a space, signed in as alice, approved"

    status, tokens = tv.poll()
    check(status == 200, f"expected tokens, got {status} {tokens}")
    token = tv.client.parse_request_body_response(json.dumps(tokens))
    check(token.get("token_type", "").lower() == "bearer", "no bearer token")
    check("refresh_token" in token, "no refresh token for demo-tv")
    verify_id_token(token["id_token"], keys, discovery["issuer"], CLIENT_ID)
    me = requests.get(f"{base}/user", headers={"Authorization": f"Bearer {token['access_token']}"}, timeout=10)
    check(me.status_code == 200 and me.json().get("username") == "alice", f"GET /user answered {me.status_code}")
    yield "tokens: access token works on GET /user, ID token verified with the JWKS, refresh token issued"

    status, body = tv.poll_once()
    check(status == 400 and body.get("error") == "invalid_grant", f"a second redemption answered {status} {body}")
    revoked = requests.get(f"{base}/user", headers={"Authorization": f"Bearer {token['access_token']}"}, timeout=10)
    check(revoked.status_code == 401, "the first redemption's token still works after a replay")
    yield "replay: a second redemption is invalid_grant and revokes what the first issued"

    other = Device(discovery, "public")
    phone_session(discovery, other, url=other.codes["verification_uri_complete"], decision="deny")
    status, body = other.poll()
    check(body.get("error") == "access_denied", f"expected access_denied, got {status} {body}")
    yield "verification_uri_complete skips the code entry; deny gives access_denied"

    left = abandoned.codes["expires_in"] - (time.monotonic() - abandoned.started)
    if left > 30:
        yield f"expiry: skipped (expires_in {abandoned.codes['expires_in']} s; run the demo with a short lifetime)"
        return
    time.sleep(max(0, left) + 1)
    status, body = abandoned.poll_once()
    check(body.get("error") == "expired_token", f"expected expired_token, got {status} {body}")
    yield "expiry: after expires_in the device is told expired_token"


if __name__ == "__main__":
    sys.exit(run_steps("device_client.py", run))
