"""The Python MCP SDK's OAuth client against Granted's MCP example and the demo server.

Given only the MCP server's URL, the SDK finds the protected resource metadata from the 401
(RFC 9728), the authorization server's metadata (RFC 8414), registers itself (RFC 7591), runs
the code flow with PKCE and `resource` (RFC 8707) for the scope the 401 names, calls the tools
with the JWT access token it got, steps up when `send_message` answers 403 insufficient_scope,
and refreshes the token once it has expired (start the demo with a short
--access-token-lifetime). The browser part (sign-in and consent forms) is driven with
requests, as demo_client.py does.

    mcp_client.py MCP_URL      e.g. http://127.0.0.1:8931/mcp
"""

import asyncio
import json
import sys
from urllib.parse import parse_qs, urlsplit

import httpx2  # the MCP SDK's HTTP client
import requests
from mcp import ClientSession
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientMetadata

from demo_client import Failure, authorize, check

CALLBACK = "http://127.0.0.1:8765/mcp-callback"
ALICE_SUB = "32a9a4d0-cb6e-463f-a0ab-63d0a0418bc7"


class MemoryStorage:
    """The SDK's TokenStorage: empty at first, so the SDK registers a client of its own."""

    def __init__(self):
        self.tokens = None
        self.client_info = None
        self.token_writes = 0

    async def get_tokens(self):
        return self.tokens

    async def set_tokens(self, tokens):
        self.tokens = tokens
        self.token_writes += 1

    async def get_client_info(self):
        return self.client_info

    async def set_client_info(self, client_info):
        self.client_info = client_info


class Browser:
    """Alice at the demo's sign-in and consent pages."""

    def __init__(self):
        self.session = requests.Session()
        self.location = None
        self.authorization_urls = []

    async def redirect(self, url):
        self.authorization_urls.append(url)
        self.location, _ = await asyncio.to_thread(authorize, self.session, url)

    async def callback(self):
        check(self.location and self.location.startswith(CALLBACK + "?"), f"unexpected redirect {self.location}")
        query = {name: values[0] for name, values in parse_qs(urlsplit(self.location).query).items()}
        check("code" in query, f"no code in {self.location}")
        return AuthorizationCodeResult(code=query["code"], state=query.get("state"), iss=query.get("iss"))


def text_of(result):
    check(not result.is_error, f"the tool failed: {result.content}")
    return json.loads(result.content[0].text)


def scope_of(authorization_url):
    return set(parse_qs(urlsplit(authorization_url).query).get("scope", [""])[0].split())


async def run(url):
    browser = Browser()
    storage = MemoryStorage()
    provider = OAuthClientProvider(
        server_url=url,
        client_metadata=OAuthClientMetadata(
            redirect_uris=[CALLBACK], token_endpoint_auth_method="none", client_name="mcp_client.py",
            grant_types=["authorization_code", "refresh_token"], response_types=["code"]),
        storage=storage, redirect_handler=browser.redirect, callback_handler=browser.callback)
    async with httpx2.AsyncClient(auth=provider, timeout=30) as http:
        async with streamable_http_client(url, http_client=http) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                yield "initialize: the SDK found the metadata from the 401, registered, signed alice in, got a token"
                client_id = storage.client_info.client_id if storage.client_info else None
                check(client_id and client_id not in ("demo-spa", "demo-web"), f"no registered client: {client_id}")
                check(storage.client_info.client_secret is None, "a public client was given a secret")
                yield f"registered dynamically as {client_id} (public, token_endpoint_auth_method none)"
                authorization_url = browser.authorization_urls[0]
                query = parse_qs(urlsplit(authorization_url).query)
                check(query.get("resource") == [url], f"the authorization request's resource is {query.get('resource')}")
                check(query.get("code_challenge_method") == ["S256"], "no PKCE S256")
                check(scope_of(authorization_url) == {"public"}, f"first scope {scope_of(authorization_url)}")
                yield f"the authorization request named resource={url}, PKCE S256 and the 401's scope=public"

                tools = sorted(tool.name for tool in (await session.list_tools()).tools)
                check(tools == ["list_messages", "send_message", "whoami"], f"tools/list: {tools}")
                yield f"tools/list: {', '.join(tools)}"

                me = text_of(await session.call_tool("whoami", {}))
                check(me.get("sub") == ALICE_SUB and me.get("client_id") == client_id, f"whoami: {me}")
                check(me.get("scope") == "public", f"whoami's scope: {me.get('scope')!r}")
                yield f"whoami: {me['sub']} through {me['client_id']} with scope {me['scope']!r}"

                sent = text_of(await session.call_tool("send_message", {"to": "bob", "text": "hi from MCP"}))
                check(sent.get("from") == ALICE_SUB and sent.get("to") == "bob", f"send_message: {sent}")
                check(len(browser.authorization_urls) == 2, f"{len(browser.authorization_urls)} authorizations")
                stepped = scope_of(browser.authorization_urls[1])
                check({"public", "message.send"} <= stepped, f"the step-up asked for {stepped}")
                yield f"send_message: 403 insufficient_scope, the SDK stepped up to {' '.join(sorted(stepped))}, sent"
                listed = text_of(await session.call_tool("list_messages", {}))
                check([m.get("id") for m in listed][-1:] == [sent["id"]], f"list_messages: {listed}")
                yield "list_messages: the message is there, from alice"

                expires_in = storage.tokens.expires_in
                check(expires_in is not None and expires_in <= 60,
                      f"expires_in {expires_in}: start the demo with a short --access-token-lifetime")
                before, writes = storage.tokens.access_token, storage.token_writes
                await asyncio.sleep(expires_in + 1)
                me = text_of(await session.call_tool("whoami", {}))
                check(storage.token_writes == writes + 1 and storage.tokens.access_token != before,
                      "the expired token was not replaced")
                check(len(browser.authorization_urls) == 2, "the SDK authorized again instead of refreshing")
                check("message.send" in me.get("scope", "").split(), f"the refreshed token's scope: {me.get('scope')!r}")
                yield f"after {expires_in} s the token expired; the SDK refreshed it (no new sign-in) and whoami works"

    token = storage.tokens.access_token
    check(token.count(".") == 2, "the access token is not a JWT")
    refused = requests.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                            headers={"Authorization": "Bearer not-a-token", "Accept": "application/json"}, timeout=10)
    challenge = refused.headers.get("WWW-Authenticate", "")
    check(refused.status_code == 401 and 'error="invalid_token"' in challenge and "resource_metadata=" in challenge,
          f"a bad token: {refused.status_code} {challenge}")
    yield "a bad token: 401 invalid_token naming the resource metadata"


async def main_async(url):
    steps = 0
    try:
        async for line in run(url):
            steps += 1
            print(f"ok {steps} - {line}", flush=True)
    except Exception as error:  # any failure, ours or the SDK's, fails the run
        while isinstance(error, BaseExceptionGroup) and len(error.exceptions) == 1:
            error = error.exceptions[0]  # the SDK's task groups wrap the one that matters
        print(f"not ok {steps + 1} - {type(error).__name__}: {error}", flush=True)
        return 1
    print(f"mcp_client: all {steps} steps passed")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: mcp_client.py MCP_URL (e.g. http://127.0.0.1:8931/mcp)", file=sys.stderr)
        sys.exit(2)
    sys.exit(asyncio.run(main_async(sys.argv[1])))
