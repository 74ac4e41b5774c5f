"""The editors' desk through discord.py: /sheet get, put (diff, Apply, Cancel, expiry), history
and revert, /article publish and remove, and every kind of bad upload. Attachments are
resolved in the interaction payload as Discord sends them, and their downloads answered (or
failed) by FakeDiscord's CDN."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.confirm import Confirm
from storage.desk import recent_actions, versions
from storage.sheets import FACTS_FILE
from tests.bot.conftest import HarnessFactory
from tests.discord_fakes import EDITOR_ID, REPORTER_ID, Harness, Request, Upload
from tests.factory import Clock, failing_writes

MANAGE_GUILD = 0x20
EPHEMERAL = 64
SLUG = "kremlin-peacekeepers"
P7 = 'id = "p7"\nactor = "putin"\ntopic = "peacekeepers"\nstance = "unclear"'


@pytest.fixture
def clock() -> Clock:
    return Clock("2026-12-04T12:00:00")


@pytest.fixture
async def h(make_harness: HarnessFactory, seeds: Path, clock: Clock) -> Harness:
    return await make_harness(seeds, clock=clock)


def sent(requests: list[Request]) -> list[Request]:
    """The requests that carry a message to the member (first answers, follow-ups, edits)."""
    return [r for r in requests if r.json and (
        (r.is_callback and r.json["type"] in (4, 7)) or r.path.startswith("/webhooks/"))]


def answer(requests: list[Request]) -> Request:
    found = sent(requests)
    assert found, [(r.method, r.path) for r in requests]
    return found[-1]


def text(request: Request) -> str:
    message = request.message
    parts = [message.get("content") or ""]
    for e in message.get("embeds") or []:
        parts += [e.get("title", ""), e.get("description", "")]
        parts += [f"{f['name']}\n{f['value']}" for f in e.get("fields", [])]
    return "\n".join(parts)


def buttons(request: Request) -> dict[str, str]:
    """label -> custom_id of the buttons under the message."""
    rows = request.message.get("components") or []
    return {b["label"]: b["custom_id"] for row in rows for b in row["components"]}


async def mod(h: Harness, path: str, **options: Any) -> Request:
    return answer(await h.command(path, user_id=EDITOR_ID, permissions=MODERATOR, **options))


def upload(h: Harness, name: str, data: bytes | int | BaseException,
           size: int | None = None) -> Upload:
    file = Upload(name, size if size is not None else len(data) if isinstance(data, bytes) else 100)
    h.fake.cdn[file.url] = data
    return file


MODERATOR = MANAGE_GUILD | 0x80000000


async def click(h: Harness, card: Request, label: str, user_id: int = EDITOR_ID,
                permissions: int = MODERATOR) -> Request:
    message = card.returned_message
    return answer(await h.click(message, buttons(card)[label], user_id=user_id,
                                permissions=permissions))


async def get_sheet(h: Harness, slug: str = SLUG) -> str:
    reply = await mod(h, "sheet get", article=slug)
    assert list(reply.files) == [FACTS_FILE]
    return reply.files[FACTS_FILE].decode("utf-8")


def facts(seeds: Path, slug: str = SLUG) -> Path:
    return seeds / slug / FACTS_FILE


async def put(h: Harness, sheet: str, **options: Any) -> Request:
    return await mod(h, "sheet put", file=upload(h, FACTS_FILE, sheet.encode()), **options)


async def test_get_edit_put_apply_answers_with_the_edited_fact(h: Harness, seeds: Path) -> None:
    sheet = await get_sheet(h)
    assert sheet.startswith("# newsbot sheet version: ")
    assert sheet.count(P7) == 1
    card = await put(h, sheet.replace(P7, P7.replace('"unclear"', '"opposes"')))
    assert card.message["flags"] & EPHEMERAL
    assert "positions: 1 changed (kremlin-peacekeepers/p7)" in text(card)
    assert set(buttons(card)) == {"Apply", "Cancel"}
    assert '"unclear"' in facts(seeds).read_text().split('id = "p7"')[1][:80]  # not yet

    done = await click(h, card, "Apply")
    assert "Applied" in text(done)
    assert "1 changed" in text(done)
    assert buttons(done) == {}
    on_disk = facts(seeds).read_text()
    assert not on_disk.startswith("# newsbot sheet version")  # the line is the desk's, not the sheet's
    assert P7.replace('"unclear"', '"opposes"') in on_disk
    reply = answer(await h.command("positions", actor="Putin", topic="peacekeepers"))
    assert "🔴" in text(reply)  # opposes, served at once

    kept = await versions(h.bot.store, SLUG)
    assert [(v.version, v.action, v.user_id) for v in kept] == [(2, "put", EDITOR_ID),
                                                                (1, "found", None)]
    assert kept[0].diff == {"position": [0, 1, 0]}
    log = await recent_actions(h.bot.store)
    assert (log[0].action, log[0].article, log[0].outcome) == ("put", SLUG, "done")
    status = text(await mod(h, "status"))
    assert "Editors' desk" in status
    assert "put kremlin-peacekeepers" in status


async def test_cancel_and_expiry_change_nothing(h: Harness, seeds: Path, clock: Clock) -> None:
    before = facts(seeds).read_bytes()
    edited = (await get_sheet(h)).replace(P7, P7.replace('"unclear"', '"opposes"'))
    card = await put(h, edited)
    assert "Cancelled: nothing changed" in text(await click(h, card, "Cancel"))
    card = await put(h, edited)
    clock.now += timedelta(minutes=11)
    assert "Expired" in text(await click(h, card, "Apply"))
    assert facts(seeds).read_bytes() == before
    outcomes = [(e.action, e.outcome) for e in await recent_actions(h.bot.store, 10)]
    assert ("put", "cancelled") in outcomes
    assert ("put", "expired") in outcomes


async def test_only_the_uploader_can_press(h: Harness, seeds: Path) -> None:
    before = facts(seeds).read_bytes()
    card = await put(h, (await get_sheet(h)).replace(P7, P7.replace('"unclear"', '"opposes"')))
    refusal = await click(h, card, "Apply", user_id=REPORTER_ID)
    assert refusal.message["flags"] & EPHEMERAL
    assert "Only the editor who asked" in text(refusal)
    assert facts(seeds).read_bytes() == before
    assert "Applied" in text(await click(h, card, "Apply"))  # the uploader still can


async def test_a_member_without_rights_is_refused_before_any_download(h: Harness,
                                                                      seeds: Path) -> None:
    before = facts(seeds).read_bytes()
    file = upload(h, FACTS_FILE, b"whatever")
    reply = answer(await h.command("sheet put", user_id=REPORTER_ID, file=file))
    assert "Only moderators" in text(reply)
    assert h.fake.downloads == []
    assert facts(seeds).read_bytes() == before


async def test_a_put_from_an_older_version_is_refused(h: Harness, seeds: Path) -> None:
    first = await get_sheet(h)
    second = first  # a second editor took the same version
    card = await put(h, first.replace(P7, P7.replace('"unclear"', '"opposes"')))
    await click(h, card, "Apply")
    after_first = facts(seeds).read_bytes()
    stale = await put(h, second.replace('stance = "conditional"', 'stance = "supports"'))
    assert "changed since this copy was taken" in text(stale)
    assert "/sheet get" in text(stale)
    assert buttons(stale) == {}
    assert facts(seeds).read_bytes() == after_first


async def test_two_diffs_of_one_version_apply_once(h: Harness, seeds: Path) -> None:
    sheet = await get_sheet(h)
    one = await put(h, sheet.replace(P7, P7.replace('"unclear"', '"opposes"')))
    two = await put(h, sheet.replace('stance = "conditional"', 'stance = "supports"'))
    assert "Applied" in text(await click(h, one, "Apply"))
    late = await click(h, two, "Apply")
    assert "changed after this diff was made" in text(late)
    assert 'stance = "conditional"' in facts(seeds).read_text()


async def test_a_file_without_its_version_line_needs_overwrite(h: Harness, seeds: Path) -> None:
    plain = facts(seeds).read_text().replace(P7, P7.replace('"unclear"', '"opposes"'))
    refused = await put(h, plain)
    assert "does not say which version" in text(refused)
    card = await put(h, plain, overwrite=True)
    assert "Applied" in text(await click(h, card, "Apply"))


async def test_problems_are_listed_with_their_lines_and_nothing_changes(h: Harness,
                                                                        seeds: Path) -> None:
    before = facts(seeds).read_bytes()
    sheet = await get_sheet(h)
    typo = sheet.replace(P7, P7.replace('"unclear"', '"oposes"'))
    reply = await put(h, typo)
    body = text(reply)
    line = typo.splitlines().index('stance = "oposes"') + 1  # the uploaded file's own line
    assert f"facts.toml:{line}: positions[" in body
    assert "did you mean 'opposes'" in body
    assert "nothing changed" in body
    assert reply.message["flags"] & EPHEMERAL
    broken = await put(h, sheet + "\n[article\n")
    assert "not valid TOML" in text(broken)
    assert "facts.toml:" in text(broken)
    assert facts(seeds).read_bytes() == before
    assert (await recent_actions(h.bot.store))[0].outcome == "refused"


@pytest.mark.parametrize(("data", "size", "said"), [
    (b"\xff\xfe\x00t\x00i", None, "not a text file"),
    (b"caf\xe9 = 1\n", None, "not UTF-8"),
    (b"", 0, "is empty"),
    (b"   \n", None, "is empty"),
    (b"x", 2_000_000, "the limit is 1 MB"),
    (404, None, "no longer on Discord"),
    (aiohttp.ClientPayloadError("connection lost mid-download"), None, "download failed"),
    (500, None, "download failed"),
])
async def test_bad_uploads_get_a_clear_private_answer(h: Harness, seeds: Path,
                                                      data: bytes | int | BaseException,
                                                      size: int | None, said: str) -> None:
    before = facts(seeds).read_bytes()
    reply = await mod(h, "sheet put", file=upload(h, FACTS_FILE, data, size))
    assert said in text(reply)
    assert "Nothing changed" in text(reply)
    assert reply.message["flags"] & EPHEMERAL
    assert facts(seeds).read_bytes() == before
    assert (await recent_actions(h.bot.store))[0].outcome == "refused"


async def test_a_sheet_for_another_article_is_refused(h: Harness, seeds: Path) -> None:
    before = facts(seeds).read_bytes()
    sheet = await get_sheet(h)
    moved = re.sub(r'slug = "kremlin-peacekeepers"', 'slug = "another-story"', sheet, count=1)
    assert "not 'kremlin-peacekeepers'" in text(await put(h, moved, article=SLUG))
    assert "No article has the slug 'another-story'" in text(await put(h, moved))
    assert facts(seeds).read_bytes() == before


async def test_history_and_revert_restore_an_earlier_version(h: Harness, seeds: Path) -> None:
    original = facts(seeds).read_text()
    card = await put(h, (await get_sheet(h)).replace(P7, P7.replace('"unclear"', '"opposes"')))
    await click(h, card, "Apply")
    history = text(await mod(h, "sheet history", article=SLUG))
    assert "v2" in history
    assert "put by" in history
    assert "v1" in history
    assert "found on disk" in history
    card = await mod(h, "sheet revert", article=SLUG, version=1)
    assert "Revert to version 1" in text(card)
    assert "1 changed" in text(card)
    done = await click(h, card, "Apply")
    assert "Version 1 restored" in text(done)
    assert facts(seeds).read_text() == original
    assert [v.action for v in await versions(h.bot.store, SLUG)][:1] == ["revert"]
    assert "no version 9" in text(await mod(h, "sheet revert", article=SLUG, version=9))


async def test_publish_marks_a_draft_reviewed_and_records_who(h: Harness, seeds: Path) -> None:
    path = facts(seeds)
    path.write_text(path.read_text().replace('language = "en"', 'language = "en"\nreview = "draft"', 1))
    assert "Loaded 1 article" in text(await mod(h, "reload", article=SLUG))
    assert "(draft)" in text(answer(await h.command("quotes", speaker="Lavrov")))
    done = await mod(h, "article publish", article=SLUG)
    assert "Published" in text(done)
    sheet = path.read_text()
    assert 'review = "reviewed"' in sheet
    signed = f"member{EDITOR_ID % 1000} (Discord user {EDITOR_ID}) on 2026-12-04"
    assert f"# Reviewed: published by {signed}" in sheet
    assert "(draft)" not in text(answer(await h.command("quotes", speaker="Lavrov")))
    assert "not a draft" in text(await mod(h, "article publish", article=SLUG))


async def test_remove_archives_the_files_after_confirmation(h: Harness, seeds: Path) -> None:
    card = await mod(h, "article remove", article=SLUG)
    assert "stops being served" in text(card)
    assert "Cancelled" in text(await click(h, card, "Cancel"))
    assert (seeds / SLUG).is_dir()
    card = await mod(h, "article remove", article=SLUG)
    done = await click(h, card, "Remove")
    assert "no longer served" in text(done)
    assert not (seeds / SLUG).exists()
    archived = list((seeds / ".archive").iterdir())
    assert [p.name for p in archived] == [f"{SLUG}-20261204T120000Z"]
    assert (archived[0] / FACTS_FILE).is_file()
    assert "No article" in text(answer(await h.command("quotes", article=SLUG)))
    assert "no longer served" in text(await mod(h, "sheet history", article=SLUG))
    # The archive is not an article folder: a full reload does not bring it back.
    await mod(h, "reload")
    assert "No article" in text(answer(await h.command("quotes", article=SLUG)))


async def test_two_applies_never_interleave(h: Harness, seeds: Path) -> None:
    sheet = await get_sheet(h)
    one = await put(h, sheet.replace(P7, P7.replace('"unclear"', '"opposes"')))
    two = await put(h, sheet.replace('stance = "conditional"', 'stance = "supports"'))
    results = await asyncio.gather(
        h.click(one.returned_message, buttons(one)["Apply"], user_id=EDITOR_ID,
                permissions=MODERATOR),
        h.click(two.returned_message, buttons(two)["Apply"], user_id=EDITOR_ID,
                permissions=MODERATOR))
    said = sorted(text(answer(r)) for r in results)
    assert sum("Applied" in s for s in said) == 1
    assert sum("changed after this diff was made" in s for s in said) == 1


async def test_a_card_left_alone_closes_itself(h: Harness, seeds: Path) -> None:
    card = await put(h, (await get_sheet(h)).replace(P7, P7.replace('"unclear"', '"opposes"')))
    message_id = int(card.returned_message["id"])
    (confirm,) = {item.view for item in h.bot._connection._view_store._views[message_id].values()}
    start = len(h.fake.requests)
    assert isinstance(confirm, Confirm)
    confirm._dispatch_timeout()  # type: ignore[no-untyped-call]  # what discord.py's timer calls
    await h.settle()
    (edit,) = [r for r in h.fake.since(start) if r.method == "PATCH"]
    assert edit.path.endswith("/messages/@original")
    assert "Expired" in str(edit.json["embeds"])
    assert edit.json["components"] == []
    assert (await recent_actions(h.bot.store))[0].outcome == "expired"
    # A late click reaches no view: nothing is applied.
    before = facts(seeds).read_bytes()
    await h.click(card.returned_message, buttons(card)["Apply"], user_id=EDITOR_ID,
                  permissions=MODERATOR)
    assert facts(seeds).read_bytes() == before


async def test_a_failed_apply_says_so_and_leaves_no_button(h: Harness, seeds: Path) -> None:
    before = facts(seeds).read_bytes()
    card = await put(h, (await get_sheet(h)).replace(P7, P7.replace('"unclear"', '"opposes"')))
    with failing_writes(h.bot.store, lambda sql, n: True):
        failed = await click(h, card, "Apply")
    assert "Not done" in text(failed)
    assert "Something went wrong" in text(failed)
    assert buttons(failed) == {}
    assert facts(seeds).read_bytes() == before


async def test_refused_members_are_in_the_audit_trail(h: Harness) -> None:
    await h.command("sheet get", user_id=REPORTER_ID, article=SLUG)
    card = await put(h, (await get_sheet(h)).replace(P7, P7.replace('"unclear"', '"opposes"')))
    await click(h, card, "Apply", user_id=REPORTER_ID, permissions=MODERATOR)
    refused = [(e.user_id, e.action, e.detail) for e in await recent_actions(h.bot.store, 10)
               if e.outcome == "refused"]
    assert (REPORTER_ID, "put", "pressed another editor's button") in refused
    assert (REPORTER_ID, "get", "not a moderator") in refused


async def test_a_moderator_who_lost_the_role_cannot_apply(h: Harness, seeds: Path) -> None:
    before = facts(seeds).read_bytes()
    card = await put(h, (await get_sheet(h)).replace(P7, P7.replace('"unclear"', '"opposes"')))
    refused = await click(h, card, "Apply", permissions=0x80000000)
    assert "Only moderators" in text(refused)
    assert facts(seeds).read_bytes() == before
