"""Long answers are paged with buttons only the asker can use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import discord

from tests.bot.conftest import HarnessFactory
from tests.discord_fakes import EDITOR_ID, REPORTER_ID, Harness, Request
from tests.factory import write_sheet

EPHEMERAL = 64


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for row in message["components"] for c in row["components"]]


def footer(message: dict[str, Any]) -> str:
    return str(message["embeds"][0]["footer"]["text"])


async def paged(make_harness: HarnessFactory, seeds: Path) -> tuple[Harness, Request]:
    write_sheet(seeds / "long", "long-article", positions=60, summary_words=30)
    h = await make_harness(seeds)
    requests = await h.command("positions", actor="Minister Alpha", user_id=REPORTER_ID)
    (callback,) = [r for r in requests if r.is_callback]
    return h, callback


async def test_first_page_has_pager(make_harness: HarnessFactory, seeds: Path) -> None:
    _, callback = await paged(make_harness, seeds)
    message = callback.message
    total = int(footer(message).rsplit(" of ", 1)[1])
    assert total >= 3
    assert footer(message).endswith(f"page 1 of {total}")
    labels = [b.get("label") for b in buttons(message)]
    assert labels == ["Previous", f"page 1 of {total}", "Next"]
    previous, position, next_ = buttons(message)
    assert previous.get("disabled")
    assert position.get("disabled")
    assert not next_.get("disabled")


async def test_next_and_previous(make_harness: HarnessFactory, seeds: Path) -> None:
    h, callback = await paged(make_harness, seeds)
    message = callback.returned_message
    next_id = buttons(callback.message)[2]["custom_id"]
    previous_id = buttons(callback.message)[0]["custom_id"]
    first_text = callback.message["embeds"][0]["description"]

    (update,) = [r for r in await h.click(message, next_id) if r.is_callback]
    assert update.json["type"] == 7  # the message itself is edited
    assert "page 2 of" in footer(update.message)
    second_text = update.message["embeds"][0]["description"]
    assert second_text != first_text
    assert not buttons(update.message)[0].get("disabled")

    (back,) = [r for r in await h.click(message, previous_id) if r.is_callback]
    assert "page 1 of" in footer(back.message)
    assert back.message["embeds"][0]["description"] == first_text


async def test_every_position_is_on_some_page(make_harness: HarnessFactory, seeds: Path) -> None:
    h, callback = await paged(make_harness, seeds)
    message = callback.returned_message
    next_id = buttons(callback.message)[2]["custom_id"]
    total = int(footer(callback.message).rsplit(" of ", 1)[1])
    texts = [callback.message["embeds"][0]["description"]]
    for _ in range(total - 1):
        (update,) = [r for r in await h.click(message, next_id) if r.is_callback]
        texts.append(update.message["embeds"][0]["description"])
    joined = "\n".join(texts)
    for i in range(1, 61):
        assert f"`long-article/p{i}`" in joined


async def test_another_member_cannot_page(make_harness: HarnessFactory, seeds: Path) -> None:
    h, callback = await paged(make_harness, seeds)
    next_id = buttons(callback.message)[2]["custom_id"]
    requests = await h.click(callback.returned_message, next_id, user_id=EDITOR_ID)
    (refusal,) = [r for r in requests if r.is_callback]
    assert refusal.json["type"] == 4
    assert refusal.message["flags"] & EPHEMERAL
    assert "Only the member who asked" in refusal.message["content"]
    assert not [r for r in requests if r.method == "PATCH"]


async def test_timeout_disables_buttons(make_harness: HarnessFactory, seeds: Path) -> None:
    h, callback = await paged(make_harness, seeds)
    message_id = int(callback.returned_message["id"])
    views = {item.view for item in h.bot._connection._view_store._views[message_id].values()}
    (pager,) = views
    assert isinstance(pager, discord.ui.View)
    start = len(h.fake.requests)
    pager._dispatch_timeout()  # type: ignore[no-untyped-call]  # what expiry calls
    await h.settle()
    edits = [r for r in h.fake.since(start) if r.method == "PATCH"]
    assert len(edits) == 1
    assert edits[0].path.endswith("/messages/@original")
    assert all(b.get("disabled") for b in buttons(edits[0].json))
    # After the timeout, clicks are no longer routed to the pager.
    next_id = buttons(callback.message)[2]["custom_id"]
    assert not [r for r in await h.click(callback.returned_message, next_id) if r.is_callback]


async def test_short_answer_has_no_pager(harness: Harness) -> None:
    (callback,) = [r for r in await harness.command("who", name="Trump") if r.is_callback]
    assert not callback.message.get("components")
