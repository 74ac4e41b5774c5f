"""Offline Discord: interaction payloads in, captured HTTP requests out.

Payloads are shaped as Discord's gateway sends INTERACTION_CREATE and go into the client's
connection state (``parse_interaction_create``, the parser the gateway calls), so discord.py's
CommandTree parses options, runs checks and autocomplete, and dispatches exactly as in
production. The bot's aiohttp session is replaced by ``FakeDiscord``, which records every
request and answers the way Discord does. Nothing touches the network.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest
from multidict import CIMultiDict

from bot.client import NewsBot, build_bot
from bot.settings import Settings

TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAx.fake.test-token-never-sent-anywhere"
APP_ID = 1000000000000000001
BOT_USER_ID = APP_ID
GUILD_ID = 1100000000000000001
CHANNEL_ID = 1200000000000000001
REPORTER_ID = 1300000000000000001
EDITOR_ID = 1300000000000000002
API = "/api/v10"
TRACKED_TASKS = ("CommandTree-invoker", "discord-ui-view-dispatch-", "discord-ui-view-timeout-")

_snowflakes = itertools.count(1400000000000000001)


def snowflake() -> int:
    return next(_snowflakes)


@dataclass
class Request:
    method: str
    path: str  # without the API prefix, e.g. /interactions/1/tok/callback
    json: Any
    params: dict[str, str]
    headers: dict[str, str]
    response: Any = None  # what FakeDiscord answered
    files: dict[str, bytes] = field(default_factory=dict)  # file name -> content uploaded

    @property
    def returned_message(self) -> dict[str, Any]:
        """The message Discord created or edited for this request."""
        data = self.response or {}
        message: dict[str, Any] = data.get("resource", {}).get("message") if self.is_callback else data
        assert message, f"{self.method} {self.path} created no message"
        return message

    @property
    def is_callback(self) -> bool:
        return self.path.endswith("/callback")

    @property
    def message(self) -> dict[str, Any]:
        """The message payload a callback, follow-up or edit carries."""
        body = self.json or {}
        return body.get("data", {}) if self.is_callback else body


class _Response:
    def __init__(self, status: int, data: Any, raw: bytes = b"",
                 fail: BaseException | None = None) -> None:
        self.status = status
        self.reason = "OK" if status < 400 else "Error"
        self._text = "" if data is None else json.dumps(data)
        self._raw = raw
        self._fail = fail
        self.headers: CIMultiDict[str] = CIMultiDict()
        if data is not None:
            self.headers["Content-Type"] = "application/json"

    async def read(self) -> bytes:
        if self._fail is not None:
            raise self._fail
        return self._raw or self._text.encode()

    async def text(self, encoding: str = "utf-8") -> str:
        return self._text

    async def json(self) -> Any:
        return json.loads(self._text) if self._text else None

    async def __aenter__(self) -> _Response:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None


@dataclass
class FakeDiscord:
    """Stands in for aiohttp.ClientSession; answers like Discord's HTTP API."""

    token: str = TOKEN
    requests: list[Request] = field(default_factory=list)
    registered: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    fail: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)  # path part -> error
    closed: bool = False
    cdn: dict[str, bytes | int | BaseException] = field(default_factory=dict)
    downloads: list[str] = field(default_factory=list)
    channels: dict[int, int] = field(default_factory=lambda: {CHANNEL_ID: GUILD_ID})  # -> guild

    def request(self, method: str, url: str, **kwargs: Any) -> _Response:
        path = urlsplit(url).path.removeprefix(API)
        body = kwargs.get("data")
        files: dict[str, bytes] = {}
        if isinstance(body, aiohttp.FormData):  # a message with files: multipart, as Discord takes it
            body, files = _multipart(body)
        parsed = json.loads(body) if isinstance(body, str | bytes) and body else None
        headers = dict(kwargs.get("headers") or {})
        params = {k: str(v) for k, v in (kwargs.get("params") or {}).items()}
        request = Request(method, path, parsed, params, headers, files=files)
        self.requests.append(request)
        for fragment, (status, error) in self.fail.items():
            if fragment in path:
                return _Response(status, error)
        body_message = (parsed or {}).get("data", parsed) if request.is_callback else parsed
        if isinstance(body_message, dict) and message_total(body_message.get("embeds") or []) > 6000:
            return _Response(400, {"message": "Invalid Form Body", "code": 50035,
                                   "errors": {"embeds": "total of all embeds over 6000"}})
        response = self._answer(method, path, parsed, headers)
        request.response = json.loads(response._text) if response._text else None
        return response

    def _answer(self, method: str, path: str, body: Any, headers: dict[str, str]) -> _Response:
        parts = path.strip("/").split("/")
        if path == "/users/@me":
            if headers.get("Authorization") != f"Bot {self.token}":
                return _Response(401, {"message": "401: Unauthorized", "code": 0})
            return _Response(200, bot_user())
        if path == "/oauth2/applications/@me":
            return _Response(200, {
                "id": str(APP_ID), "name": "newsbot", "icon": None, "description": "",
                "bot_public": False, "bot_require_code_grant": False, "verify_key": "0" * 64,
                "owner": user_payload(EDITOR_ID, "owner"), "flags": 0, "team": None,
                "summary": "", "rpc_origins": []})
        if method == "PUT" and parts[-1] == "commands":
            scope = "global" if parts[-2] == str(APP_ID) else parts[-2]
            self.registered[scope] = body
            return _Response(200, [{**c, "id": str(snowflake()), "application_id": str(APP_ID),
                                    "version": "1"} for c in body])
        if parts[0] == "interactions" and parts[-1] == "callback":
            return _Response(200, self._callback(int(parts[1]), body))
        if parts[0] == "channels" and parts[1].isdigit():
            channel_id = int(parts[1])
            if channel_id not in self.channels:
                return _Response(404, {"message": "Unknown Channel", "code": 10003})
            if method == "GET" and len(parts) == 2:
                return _Response(200, channel_payload(channel_id, self.channels[channel_id]))
            if method == "POST" and parts[2:] == ["messages"]:
                return _Response(200, {**message_payload(body or {}), "channel_id": str(channel_id),
                                       "webhook_id": None, "application_id": None})
        if parts[0] == "webhooks" and method in ("POST", "PATCH"):
            return _Response(200, message_payload(body or {}))
        if parts[0] == "webhooks" and method == "DELETE":
            return _Response(204, None)
        return _Response(404, {"message": "Unknown", "code": 10000})

    def _callback(self, interaction_id: int, body: dict[str, Any]) -> dict[str, Any]:
        kind = body["type"]
        data = body.get("data") or {}
        result: dict[str, Any] = {"interaction": {
            "id": str(interaction_id), "type": 2,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool((data.get("flags") or 0) & 64)}}
        if kind in (4, 5, 7):
            message = message_payload(data)
            result["interaction"]["response_message_id"] = message["id"]
            result["resource"] = {"type": kind, "message": message}
        else:
            result["resource"] = {"type": kind}
        return result

    def get(self, url: str, **kwargs: Any) -> _Response:
        """Discord's CDN, as attachments are downloaded from it: ``cdn`` maps a URL to its
        bytes, to an HTTP status, or to an exception raised while the body is read (a
        connection dropped mid-download)."""
        self.downloads.append(url)
        found = self.cdn.get(url, 404)
        if isinstance(found, bytes):
            return _Response(200, None, raw=found)
        if isinstance(found, int):
            return _Response(found, {"message": "Not Found" if found == 404 else "Error"})
        return _Response(200, None, raw=b"", fail=found)

    async def close(self) -> None:
        self.closed = True

    def ws_connect(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("tests never open the gateway")

    # --- reading what the bot sent ---------------------------------------------------------
    def since(self, start: int) -> list[Request]:
        return self.requests[start:]

    def sent_messages(self, start: int = 0) -> Iterator[dict[str, Any]]:
        """Every message body the bot sent or edited (callbacks with data, follow-ups, edits)."""
        for r in self.requests[start:]:
            if r.path.startswith(("/interactions", "/webhooks", "/channels")) and r.json:
                if r.is_callback and r.json.get("type") in (5, 6, 8):
                    continue  # a deferral or autocomplete choices: no message
                yield r.message


def _multipart(form: aiohttp.FormData) -> tuple[str | None, dict[str, bytes]]:
    """The JSON part and the files of a multipart body as discord.py builds it."""
    payload = None
    files: dict[str, bytes] = {}
    for options, _headers, value in form._fields:
        if options.get("name") == "payload_json":
            payload = value
        else:
            files[str(options.get("filename"))] = value.read() if hasattr(value, "read") else value
    return payload, files


def message_total(embeds: list[dict[str, Any]]) -> int:
    """The characters Discord counts across all embeds of one message (limit 6,000)."""
    total = 0
    for e in embeds:
        total += len(e.get("title") or "") + len(e.get("description") or "")
        total += len((e.get("footer") or {}).get("text") or "")
        total += len((e.get("author") or {}).get("name") or "")
        total += sum(len(f.get("name", "")) + len(f.get("value", "")) for f in e.get("fields") or [])
    return total


def channel_payload(channel_id: int, guild_id: int, name: str = "newsroom") -> dict[str, Any]:
    return {"id": str(channel_id), "type": 0, "guild_id": str(guild_id), "name": name,
            "position": 0, "permission_overwrites": [], "nsfw": False, "parent_id": None,
            "topic": None, "last_message_id": None, "rate_limit_per_user": 0}


@dataclass(frozen=True)
class Channel:
    """A channel option value: sent as its id, with the channel in the payload's resolved data."""

    id: int
    guild_id: int = GUILD_ID


def user_payload(user_id: int, name: str, bot: bool = False) -> dict[str, Any]:
    return {"id": str(user_id), "username": name, "discriminator": "0", "global_name": name,
            "avatar": None, "bot": bot, "public_flags": 0}


def bot_user() -> dict[str, Any]:
    return {**user_payload(BOT_USER_ID, "newsbot", bot=True), "verified": True,
            "mfa_enabled": False, "flags": 0}


def message_payload(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(snowflake()), "channel_id": str(CHANNEL_ID), "type": 0,
        "content": body.get("content") or "", "embeds": body.get("embeds") or [],
        "components": body.get("components") or [], "author": bot_user(), "attachments": [],
        "mentions": [], "mention_roles": [], "mention_everyone": False, "pinned": False,
        "tts": False, "timestamp": "2026-11-25T12:00:00.000000+00:00", "edited_timestamp": None,
        "flags": body.get("flags") or 0, "application_id": str(APP_ID),
        "webhook_id": str(APP_ID)}


def member_payload(user_id: int, roles: tuple[int, ...] = (), permissions: int = 0) -> dict[str, Any]:
    return {"user": user_payload(user_id, f"member{user_id % 1000}"), "roles": [str(r) for r in roles],
            "joined_at": "2024-01-01T00:00:00+00:00", "deaf": False, "mute": False, "flags": 0,
            "permissions": str(permissions), "avatar": None, "nick": None, "premium_since": None,
            "pending": False}


# View channel, send messages, embed links, read history, use application commands.
MEMBER_PERMISSIONS = 0x400 | 0x800 | 0x4000 | 0x10000 | 0x80000000


@dataclass(frozen=True)
class Upload:
    """An attachment option: sent as its id, with the attachment in the payload's resolved
    data; FakeDiscord.cdn serves (or fails) its download at ``url``."""

    filename: str
    size: int
    id: int = field(default_factory=snowflake)
    content_type: str | None = "text/plain; charset=utf-8"

    @property
    def url(self) -> str:
        return f"https://cdn.discordapp.com/ephemeral-attachments/{CHANNEL_ID}/{self.id}/{self.filename}"

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": str(self.id), "filename": self.filename, "size": self.size,
                                "url": self.url, "proxy_url": self.url.replace("cdn.", "media."),
                                "ephemeral": True}
        if self.content_type is not None:
            data["content_type"] = self.content_type
        return data


def _option_type(value: Any) -> int:
    if isinstance(value, Upload):
        return 11
    if isinstance(value, Channel):
        return 7
    if isinstance(value, bool):
        return 5
    if isinstance(value, int):
        return 4
    if isinstance(value, float):
        return 10
    return 3


def build_options(options: dict[str, Any], focused: str | None = None) -> list[dict[str, Any]]:
    out = []
    for name, value in options.items():
        shown = str(value.id) if isinstance(value, Channel | Upload) else value
        option: dict[str, Any] = {"name": name, "type": _option_type(value), "value": shown}
        if name == focused:
            option["focused"] = True
        out.append(option)
    return out


def interaction_payload(kind: int, data: dict[str, Any], user_id: int = REPORTER_ID,
                        in_guild: bool = True, permissions: int = MEMBER_PERMISSIONS,
                        roles: tuple[int, ...] = (), message: dict[str, Any] | None = None,
                        ) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": str(snowflake()), "application_id": str(APP_ID), "type": kind, "token": f"tok-{snowflake()}",
        "version": 1, "data": data, "locale": "en-US", "entitlements": [],
        "app_permissions": str(MEMBER_PERMISSIONS), "attachment_size_limit": 8388608,
    }
    if in_guild:
        payload.update({
            "guild_id": str(GUILD_ID), "channel_id": str(CHANNEL_ID), "guild_locale": "en-US",
            "channel": {"id": str(CHANNEL_ID), "type": 0, "guild_id": str(GUILD_ID),
                        "name": "newsroom", "position": 0, "permission_overwrites": [],
                        "nsfw": False, "parent_id": None},
            "member": member_payload(user_id, roles, permissions),
            "authorizing_integration_owners": {"0": str(GUILD_ID)}, "context": 0})
    else:
        payload.update({
            "channel_id": str(CHANNEL_ID),
            "channel": {"id": str(CHANNEL_ID), "type": 1, "recipients": []},
            "user": user_payload(user_id, "dm-user"),
            "authorizing_integration_owners": {"1": str(user_id)}, "context": 1})
    if message is not None:
        payload["message"] = message
    return payload


def command_data(path: str, options: dict[str, Any], focused: str | None = None) -> dict[str, Any]:
    """``path`` may name a subcommand ("digest setup"); options nest as Discord nests them."""
    names = path.split()
    nested: list[dict[str, Any]] = build_options(options, focused)
    for depth, name in reversed(list(enumerate(names[1:], 1))):
        kind = 1 if depth == len(names) - 1 else 2  # subcommand, or subcommand group
        nested = [{"name": name, "type": kind, "options": nested}]
    data: dict[str, Any] = {"id": str(snowflake()), "name": names[0], "type": 1,
                            "options": nested, "guild_id": str(GUILD_ID)}
    channels = {str(v.id): {**channel_payload(v.id, v.guild_id), "permissions": str(MEMBER_PERMISSIONS)}
                for v in options.values() if isinstance(v, Channel)}
    if channels:
        data["resolved"] = {"channels": channels}
    uploads = {str(v.id): v.payload() for v in options.values() if isinstance(v, Upload)}
    if uploads:
        data.setdefault("resolved", {})["attachments"] = uploads
    return data


class Harness:
    """A logged-in bot (offline) and helpers to drive it as Discord would."""

    def __init__(self, bot: NewsBot, fake: FakeDiscord) -> None:
        self.bot = bot
        self.fake = fake

    async def settle(self, ignore: set[asyncio.Task[Any]] | None = None) -> None:
        """Wait until every command, autocomplete and button handler has finished
        (except those in ``ignore``: handlers another test step is still driving)."""
        current = asyncio.current_task()
        while True:
            pending = [t for t in asyncio.all_tasks()
                       if t is not current and not t.done() and t not in (ignore or set())
                       and t.get_name().startswith(TRACKED_TASKS)]
            if not pending:
                return
            await asyncio.wait(pending)

    async def dispatch(self, payload: dict[str, Any]) -> list[Request]:
        start = len(self.fake.requests)
        earlier = set(asyncio.all_tasks())
        self.bot._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
        await self.settle(ignore=earlier)
        # Leave out answers to other interactions still under way (a test may run two at once).
        return [r for r in self.fake.since(start)
                if payload["token"] in r.path or not r.path.startswith(("/interactions/", "/webhooks/"))]

    async def command(self, path: str, user_id: int = REPORTER_ID, in_guild: bool = True,
                      permissions: int = MEMBER_PERMISSIONS, roles: tuple[int, ...] = (),
                      **options: Any) -> list[Request]:
        return await self.dispatch(interaction_payload(
            2, command_data(path, options), user_id, in_guild, permissions, roles))

    async def autocomplete(self, path: str, focused: str, user_id: int = REPORTER_ID,
                           **options: Any) -> list[dict[str, Any]]:
        requests = await self.dispatch(interaction_payload(
            4, command_data(path, options, focused), user_id))
        callbacks = [r for r in requests if r.is_callback]
        assert len(callbacks) == 1, requests
        assert callbacks[0].json["type"] == 8
        choices: list[dict[str, Any]] = callbacks[0].json["data"]["choices"]
        return choices

    async def click(self, message: dict[str, Any], custom_id: str, user_id: int = REPORTER_ID,
                    permissions: int = MEMBER_PERMISSIONS) -> list[Request]:
        return await self.dispatch(interaction_payload(
            3, {"custom_id": custom_id, "component_type": 2}, user_id, permissions=permissions,
            message=message))


async def start_bot(settings: Settings, monkeypatch: pytest.MonkeyPatch, token: str = TOKEN,
                    fake: FakeDiscord | None = None, **options: Any) -> Harness:
    """Build the bot and log in against FakeDiscord (runs setup_hook), without a gateway."""
    fake = fake or FakeDiscord()
    monkeypatch.setattr(aiohttp, "ClientSession", lambda *a, **k: fake)
    bot = build_bot(settings, **options)
    await bot.login(token)
    return Harness(bot, fake)
