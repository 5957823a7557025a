"""Shared pieces of the peer benchmarks (bench_oauthlib.py, bench_authlib.py).

Everything here is library-neutral: the fixture (one confidential client, one user, the
issuer), the host's mapping of raw HTTP/1.1 request bytes to method, URI, headers and body,
the in-memory store (plain dicts keyed by the SHA-256 hex digest of each credential, as
Granted stores digests only), and the timing harness and its output.

The harness: for each scenario, an untimed warm-up that also calibrates how many operations
make one run of about --seconds (default 1 s), then --runs timed runs (default 5) of that many
operations; the figures are the median, slowest and fastest run in operations per second.
"""

from __future__ import annotations

import argparse
import base64
import gc
import hashlib
import hmac
import json
import os
import platform
import secrets
import statistics
import sys
import time
from typing import Callable
from urllib.parse import quote

HERE = os.path.dirname(os.path.abspath(__file__))


def ensure_venv() -> None:
    """Re-runs the script under Benchmarks/peers/.venv when started with another Python, so
    `Benchmarks/peers/bench_oauthlib.py` works as well as `.venv/bin/python bench_oauthlib.py`."""
    venv = os.path.join(HERE, ".venv")
    python = os.path.join(venv, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(venv):
        return
    if not os.path.exists(python):
        fail("no Benchmarks/peers/.venv: run Benchmarks/peers/setup first")
    os.execv(python, [python, *sys.argv])


# -- Fixture: the same client, secret and issuer as Sources/GrantedBench/Fixture.swift ---------

CLIENT_ID = "bench-client"
CLIENT_SECRET = "vJ1rQ0b9Xk7mW2sT5yH8nC4pL6dF3gA0zE1uR9iO7qM"
ISSUER = "https://auth.example.com"
HOST = "auth.example.com"
REDIRECT_URI = "https://app.example.com/callback"
USER = "alice"
SCOPE = "public"
# Granted's policy: access tokens 14 days, codes 30 s.
ACCESS_TOKEN_LIFETIME = 14 * 24 * 3600
CODE_LIFETIME = 30
ID_TOKEN_LIFETIME = 3600
# PKCE (RFC 7636 appendix B), fixed for every round trip as a client library would reuse none
# of it in real life; the server's work is the same either way.
CODE_VERIFIER = "dBjftJeZ4CK-P5hnPIWyrGdiGTIPaDKgNS6fPnh-BaFMiM-ARJRtXA"
CODE_CHALLENGE = (
    base64.urlsafe_b64encode(hashlib.sha256(CODE_VERIFIER.encode()).digest()).rstrip(b"=").decode()
)
STATE = "af0ifjsldkj"
NONCE = "n-0S6_WzA2Mj"
# The HS256 key for id_tokens: 256 bits, as Granted's bench would configure one.
ID_TOKEN_KEY = bytes(range(32))


# The device authorization grant (RFC 8628), as granted-bench's DeviceFixture: a public client
# (no secret: client_id in the body) allowed the grant and refresh.
DEVICE_CLIENT_ID = "bench-tv"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
DEVICE_CODE_LIFETIME = 600


class DeviceRecord:
    """A device authorization as the store keeps it (under the digest of its device code); the
    accessors are the ones Authlib's DeviceCredentialMixin asks for."""

    __slots__ = ("client_id", "user_code", "scope", "expires_at", "user", "used")

    def __init__(self, client_id, user_code, scope, expires_at):
        self.client_id = client_id
        self.user_code = user_code
        self.scope = scope
        self.expires_at = expires_at
        self.user = None  # set when the user approves it
        self.used = False  # set when the device redeems it: one use only

    def get_client_id(self):
        return self.client_id

    def get_scope(self):
        return self.scope

    def get_user_code(self):
        return self.user_code

    def is_expired(self):
        return self.expires_at <= time.time()


def device_polls(store, count: int, approved: bool) -> list[bytes]:
    """`count` device authorizations written straight into the store (the device authorization
    endpoint is not what is measured), approved for USER or still pending, and for each the
    raw token request a device sends with its device code."""
    expires = time.time() + DEVICE_CODE_LIFETIME
    raws = []
    first = len(store.user_codes)  # user codes are unique across calls
    for i in range(first, first + count):
        device_code = new_credential()
        record = DeviceRecord(DEVICE_CLIENT_ID, f"U{i:08d}", SCOPE, expires)
        if approved:
            record.user = USER
        store.devices[sha256_hex(device_code)] = record
        store.user_codes[record.user_code] = record
        raws.append(form_post(
            "/token", "grant_type=" + quote(DEVICE_GRANT, safe="") + "&device_code=" + device_code
            + "&client_id=" + DEVICE_CLIENT_ID))
    return raws


def measure_redemptions(bench, store, redeem: Callable[[bytes], None]) -> None:
    """`device.redeem`: each operation redeems a device code approved beforehand, so the pool
    must outlast the warm-up and every run; its size comes from a first timed probe."""
    probe = device_polls(store, 200, approved=True)
    start = time.perf_counter()
    for raw in probe:
        redeem(raw)
    rate = len(probe) / (time.perf_counter() - start)
    options = bench.options
    size = int(rate * max(0.05, options.seconds * 0.2) * 3 + rate * options.seconds * options.runs * 2.5) + 1_000
    raws = iter(device_polls(store, size, approved=True))
    note(f"approved {size:,} device authorizations for device.redeem")

    def op():
        raw = next(raws, None)
        if raw is None:
            fail("device.redeem ran out of approved device codes; raise the pool size")
        redeem(raw)

    bench.measure("device.redeem", op)


# Dynamic client registration (RFC 7591), as granted-bench's `registration` scenario: the
# metadata an MCP client sends for itself (a public client, PKCE code flow to a loopback
# redirect), open registration.
REGISTRATION_BODY = (
    '{"client_name":"Bench Agent","redirect_uris":["http://127.0.0.1:33418/callback"],'
    '"grant_types":["authorization_code","refresh_token"],"response_types":["code"],'
    '"token_endpoint_auth_method":"none","scope":"public"}'
)


def sha256_hex(value: str) -> str:
    """The store key of a credential: the SHA-256 hex digest of its text."""
    return hashlib.sha256(value.encode()).hexdigest()


CLIENT_SECRET_HASH = hashlib.sha256(CLIENT_SECRET.encode()).digest()


def secret_matches(secret: str, stored_hash: bytes) -> bool:
    """Granted's SHA256SecretHasher.verify: SHA-256 of the presented secret, compared in
    constant time with the stored digest."""
    return hmac.compare_digest(hashlib.sha256(secret.encode()).digest(), stored_hash)


def new_credential(*_args, **_kwargs) -> str:
    """A token, refresh token or code: 32 random bytes from the OS, base64url (43 characters),
    the same work as Granted's generator. Accepts and ignores whatever arguments the library's
    generator hook passes."""
    return secrets.token_urlsafe(32)


def basic_authorization(client_id: str = CLIENT_ID, secret: str = CLIENT_SECRET) -> str:
    """`Authorization: Basic ...` as RFC 6749 §2.3.1 has it (form-encode, then base64)."""
    joined = quote(client_id, safe="") + ":" + quote(secret, safe="")
    return "Basic " + base64.b64encode(joined.encode()).decode()


# -- Raw requests ------------------------------------------------------------------------------


def raw_http(method: str, target: str, headers: list[tuple[str, str]], body: str = "") -> bytes:
    """An HTTP/1.1 request as it arrives on the socket."""
    lines = [f"{method} {target} HTTP/1.1", f"Host: {HOST}"]
    lines += [f"{name}: {value}" for name, value in headers]
    if body:
        lines.append(f"Content-Length: {len(body.encode())}")
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


def form_post(target: str, body: str, authorization: str | None = None) -> bytes:
    headers = [("Content-Type", "application/x-www-form-urlencoded")]
    if authorization:
        headers.append(("Authorization", authorization))
    headers.append(("Accept", "application/json"))
    return raw_http("POST", target, headers, body)


def json_post(target: str, body: str, authorization: str | None = None) -> bytes:
    """form_post's JSON counterpart (RFC 7591 §3.1: a registration request is a JSON body)."""
    headers = [("Content-Type", "application/json")]
    if authorization:
        headers.append(("Authorization", authorization))
    headers.append(("Accept", "application/json"))
    return raw_http("POST", target, headers, body)


class HTTPRequest:
    """What a host's HTTP layer hands the library: method, absolute URI (TLS terminated in
    front, so https), headers as a dict, body as text."""

    __slots__ = ("method", "target", "uri", "headers", "body")

    def __init__(self, method: str, target: str, headers: dict[str, str], body: str):
        self.method = method
        self.target = target
        self.uri = "https://" + headers.get("Host", HOST) + target
        self.headers = headers
        self.body = body


def parse_raw(raw: bytes) -> HTTPRequest:
    """The host's mapping, done per operation: bytes → method, target, headers, body."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name] = value.strip()
    return HTTPRequest(method, target, headers, body.decode())


def query_value(uri: str, name: str) -> str:
    """The client's side of a redirect: one parameter of a Location URI (no decoding needed for
    the base64url codes and the fixed state used here)."""
    start = uri.index(name + "=") + len(name) + 1
    end = uri.find("&", start)
    return uri[start:] if end < 0 else uri[start:end]


def json_string_field(body: str, name: str) -> str:
    """The client's side of a token response: one string field, read straight from the JSON
    text (what the bench needs to chain requests; json.loads would cost more than the lookup)."""
    key = '"' + name + '":'
    start = body.index(key) + len(key)
    start = body.index('"', start) + 1
    return body[start : body.index('"', start)]


# -- Store -------------------------------------------------------------------------------------


class Store:
    """Tokens in a dict, codes in a dict, refresh tokens in a dict, all keyed by the SHA-256 hex
    digest of the credential; clients in a dict keyed by id."""

    def __init__(self):
        self.access: dict[str, object] = {}
        self.refresh: dict[str, object] = {}
        self.codes: dict[str, object] = {}
        self.clients: dict[str, object] = {}
        self.devices: dict[str, object] = {}
        self.user_codes: dict[str, object] = {}

    def prefill(self, count: int, make_record: Callable[[int], object]) -> None:
        """`count` live access tokens under cheap counter-derived keys (64 hex digits, never the
        digest of a real token), each its own record object, as a real store would hold."""
        start = time.perf_counter()
        access = self.access
        for i in range(count):
            access[f"{i:064x}"] = make_record(i)
        note(f"prefilled {count:,} live tokens in {time.perf_counter() - start:.2f} s")


# -- Harness -----------------------------------------------------------------------------------


def note(message: str) -> None:
    print("  " + message, file=sys.stderr, flush=True)


def fail(message: str):
    print(f"{os.path.basename(sys.argv[0])}: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def parse_options(peer: str, scenarios: list[str], argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=os.path.basename(sys.argv[0]),
        description=f"In-process benchmarks of {peer} doing Granted's hot paths.",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per scenario per line")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 100,000 prefilled tokens, runs of 0.1 s (do not quote these figures)",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="SCENARIO",
        help="run only SCENARIO or SCENARIO.* (repeatable, or comma-separated)",
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs per scenario (default 5)")
    parser.add_argument(
        "--seconds", type=float, default=None, help="target length of one run (default 1.0; 0.1 with --quick)"
    )
    parser.add_argument(
        "--tokens", type=int, default=None, help="live tokens prefilled (default 1,000,000; 100,000 with --quick)"
    )
    parser.add_argument(
        "--library-tokens",
        action="store_true",
        help="keep the library's own token and code generators (per-character SystemRandom) "
        "instead of 32 random bytes base64url like Granted",
    )
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    options = parser.parse_args(argv)
    options.only = [name for item in options.only for name in item.split(",") if name]
    if options.seconds is None:
        options.seconds = 0.1 if options.quick else 1.0
    if options.tokens is None:
        options.tokens = 100_000 if options.quick else 1_000_000
    if options.runs < 1:
        parser.error("--runs must be at least 1")
    for name in options.only:
        if not any(s == name or s.startswith(name + ".") or name.startswith(s + ".") for s in scenarios):
            parser.error(f"no scenario matches --only {name} (scenarios: {', '.join(scenarios)})")
    return options


def selected(options: argparse.Namespace, name: str) -> bool:
    return not options.only or any(name == o or name.startswith(o + ".") for o in options.only)


def versions(*modules: str) -> str:
    from importlib.metadata import version

    parts = [f"Python {platform.python_version()}"]
    parts += [f"{m} {version(m)}" for m in modules]
    return ", ".join(parts)


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


class Bench:
    def __init__(self, peer: str, options: argparse.Namespace):
        self.peer = peer
        self.options = options
        self.results: list[dict] = []

    def measure(self, scenario: str, op: Callable[[], None]) -> dict:
        """Warm-up and calibration (at least 20% of a run and 20 ops, untimed), then the runs.
        `op` does one full operation and checks its own result."""
        options = self.options
        gc.collect()
        gc.freeze()  # the prefilled store is long-lived: keep full collections from rescanning it
        warmup_seconds = max(0.05, options.seconds * 0.2)
        count = 0
        start = time.perf_counter()
        while True:
            op()
            count += 1
            elapsed = time.perf_counter() - start
            if count >= 20 and elapsed >= warmup_seconds:
                break
        ops = max(20, round(count / elapsed * options.seconds))
        times = []
        for _ in range(options.runs):
            start = time.perf_counter_ns()
            for _ in range(ops):
                op()
            times.append(time.perf_counter_ns() - start)
        rates = sorted(ops * 1e9 / t for t in times)
        result = {
            "peer": self.peer,
            "scenario": scenario,
            "median": round(statistics.median(rates), 1),
            "min": round(rates[0], 1),
            "max": round(rates[-1], 1),
            "runs": len(times),
            "ops_per_run": ops,
        }
        self.results.append(result)
        note(
            f"{self.peer} {scenario}: median {result['median']:,.0f} ops/s "
            f"({1e6 / result['median']:.1f} µs/op) over {len(times)} runs of {ops:,}"
        )
        if options.json:
            print(json.dumps(result), flush=True)
        return result

    def table(self) -> str:
        header = ["scenario", "median ops/s", "min ops/s", "max ops/s", "µs/op", "runs", "ops/run"]
        rows = [
            [
                r["scenario"],
                f"{r['median']:,.0f}",
                f"{r['min']:,.0f}",
                f"{r['max']:,.0f}",
                f"{1e6 / r['median']:.1f}",
                str(r["runs"]),
                f"{r['ops_per_run']:,}",
            ]
            for r in self.results
        ]
        widths = [max(len(row[i]) for row in [header] + rows) for i in range(len(header))]

        def line(cells):
            return "  ".join(
                c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(cells)
            ).rstrip()

        rule = "  ".join("-" * w for w in widths)
        return "\n".join([line(header), rule] + [line(r) for r in rows])

    def header(self, modules: tuple[str, ...]) -> str:
        o = self.options
        lines = [
            f"{self.peer} peer bench  {time.strftime('%Y-%m-%dT%H:%M:%S%z')}",
            f"machine: {platform.machine()}, {os.cpu_count()} cores; {versions(*modules)}",
            f"store: {o.tokens:,} live tokens prefilled; {o.runs} timed runs of ~{o.seconds:g} s each; "
            + ("library token generators" if o.library_tokens else "tokens: 32 random bytes, base64url"),
            f"load average at start: {load_average()}",
        ]
        if o.quick:
            lines.append("mode: --quick (smoke run; do not quote these figures)")
        return "\n".join(lines)
