"""Very long facts through every command: within Discord's limits, paged, never cut silently.

A generated sheet holds a ~5,000-character sentence (quoted verbatim and used as evidence), a
~300-character title, ~3,000-character summaries, answers and claims, ~1,200-character actor
names (validation sets no limit on names) and 80 positions. Every command runs against it
through discord.py; multi-page answers are paged through by clicking the pager's Next button,
and the pages put together must hold every long text whole.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.embeds import (
    CONTENT_LIMIT,
    CONTINUED,
    CONTINUES,
    DISCORD,
    EMBEDS_PER_MESSAGE,
    TITLE_LIMIT,
    problems,
)
from bot.pager import Pager
from storage.model import Sheet
from storage.sheets import FACTS_FILE, TEXT_FILE, read_sheet
from tests.bot.conftest import HarnessFactory
from tests.conftest import REPO
from tests.discord_fakes import EDITOR_ID, MEMBER_PERMISSIONS, Harness, Request, message_payload

EPHEMERAL = 64
MODERATOR = MEMBER_PERMISSIONS | 0x20  # Manage Server
SLUG = "long-values-sheet-" + "a" * 46  # 64 characters, the most a slug may have
assert len(SLUG) == 64

TITLE = "Committee publishes its review, " + " ".join(
    f"section {n} on the budget and the staffing of the regional offices" for n in range(1, 6))
TITLE = TITLE[:300].rstrip()
OUTLET = "The Long Wire, " + "a cooperative of regional newsrooms, " * 38  # footer > 1,500
CLAUSES = [f"clause {n} of the statement covers the minister’s budget line {n * 7} in full"
           for n in range(1, 69)]
LONG_QUOTE = ", ".join(CLAUSES)  # ~5,000 characters, one sentence, no sentence end inside
LONG_SENTENCE = f"The chair said: “{LONG_QUOTE}”."

CHAIR_NAME = "Chair " + " ".join(f"of Extraordinary Committee Number {n}" for n in range(1, 36))
CHAIR_ROLE = "Chair of the committee, " + "responsible for many things and people, " * 70
DELEGATES = 10
TOPICS = 3
POSITIONS = 80
RESPONSES = 30
QUESTIONS = 20
EVENTS = 40


def delegate_name(n: int) -> str:
    return f"Delegate {n:02d} " + "of the Standing Subcommittee on Procedure " * 4


def topic_name(n: int) -> str:
    return f"Topic {n} " + " ".join(f"and its sub-question {k}" for k in range(1, 25))


def summary(n: int) -> str:
    if n == 1:
        return "Position one in full: " + " ".join(f"reason {k} is stated" for k in range(1, 200))
    if n == 40:  # markdown characters: the escaped text is far longer than the raw one
        return "Snake case: " + " ".join(f"budget_line_{k}_is_*kept*" for k in range(1, 130))
    if n == POSITIONS:
        return "Last position: " + " ".join(f"argument {k} holds" for k in range(1, 190))
    return f"Position {n} backs the budget in a sentence of ordinary length, as most do."


CLAIM = "The budget is balanced, " + " ".join(f"because item {k} is covered" for k in range(1, 140))
ANSWER = "Answered: " + " ".join(f"fact {k} settles it" for k in range(1, 170))


def toml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def sheet_text() -> tuple[str, str]:
    """(facts.toml, article.txt) of the long sheet."""
    delegates = " ".join(f"Delegate {n:02d} agreed." for n in range(1, DELEGATES + 1))
    article = (f"{TITLE}\n{LONG_SENTENCE}\n{delegates}\nDelegate 01 said: “agreed”.\n"
               "The committee will meet again.\n")
    out = [f"[article]\nslug = {toml(SLUG)}\ntitle = {toml(TITLE)}\noutlet = {toml(OUTLET)}\n"
           f"published = 2025-03-04\nlanguage = \"en\"\n"
           f"url = {toml('https://example.org/' + 'long-path/' * 40)}\n"]
    out.append(f'[[actors]]\nid = "chair"\nname = {toml(CHAIR_NAME)}\nkind = "person"\n'
               f'role = {toml(CHAIR_ROLE)}\naliases = ["the chair"]\nevidence = "The chair said"\n')
    for n in range(1, DELEGATES + 1):
        out.append(f'[[actors]]\nid = "delegate-{n:02d}"\nname = {toml(delegate_name(n))}\n'
                   f'kind = "person"\naffiliation = "chair"\nevidence = "Delegate {n:02d} agreed."\n')
    for n in range(1, TOPICS + 1):
        out.append(f'[[topics]]\nid = "topic-{n}"\nname = {toml(topic_name(n))}\n'
                   f'aliases = ["topic {n}"]\n')
    for n in range(1, POSITIONS + 1):
        k = (n - 1) % (DELEGATES + 1)
        actor = "chair" if k == 0 else f"delegate-{k:02d}"
        evidence = LONG_SENTENCE if actor == "chair" else f"Delegate {actor[-2:]} agreed."
        out.append(f'[[positions]]\nid = "p{n:02d}"\nactor = "{actor}"\ntopic = "topic-{n % TOPICS + 1}"\n'
                   f'stance = "supports"\nsummary = {toml(summary(n))}\nevidence = {toml(evidence)}\n')
    out.append(f'[[quotes]]\nid = "q1"\nspeaker = "chair"\ntext = {toml(LONG_QUOTE)}\ncue = "said"\n'
               f'context = {toml("What the chair said, " + "at length " * 100)}\n'
               f'setting = {toml("at the committee meeting, " + "in the long hall " * 40)}\n'
               f'evidence = {toml(LONG_SENTENCE)}\n')
    out.append('[[quotes]]\nid = "q2"\nspeaker = "delegate-01"\ntext = "agreed"\ncue = "said"\n'
               'evidence = "Delegate 01 said: “agreed”."\n')
    out.append(f'[[claims]]\nid = "c1"\nclaimant = "chair"\nclaim = {toml(CLAIM)}\n'
               f'status = "disputed"\nevidence = {toml(LONG_SENTENCE)}\n')
    for n in range(1, RESPONSES + 1):
        d = n % DELEGATES + 1
        out.append(f'[[claims.responses]]\nactor = "delegate-{d:02d}"\nresponse = "rejects"\n'
                   f'summary = {toml(f"Response {n}: " + "the figures do not add up " * 12)}\n'
                   f'evidence = "Delegate {d:02d} agreed."\n')
    for n in range(1, QUESTIONS + 1):
        question = f"Question {n}: " + " ".join(f"will part {k} be paid" for k in range(1, 50)) + "?"
        entry = (f'[[questions]]\nid = "oq{n:02d}"\nquestion = {toml(question)}\n'
                 f'topic = "topic-{n % TOPICS + 1}"\nactors = ["chair", "delegate-01", "delegate-02"]\n'
                 f'evidence = "The committee will meet again."\n')
        if n % 2:
            entry += 'status = "open"\n'
        else:
            entry += (f'status = "answered"\nanswer = {toml(ANSWER)}\n'
                      f'answer_evidence = {toml(LONG_SENTENCE)}\n')
        out.append(entry)
    for n in range(1, EVENTS + 1):
        when = f"meeting {n}, " + "late in the day " * 12
        event = f"Event {n}: " + "the committee reviewed another chapter " * 12
        out.append(f'[[timeline]]\nid = "t{n:02d}"\nwhen = {toml(when)}\nevent = {toml(event)}\n'
                   f'actors = ["chair", "delegate-0{n % 9 + 1}"]\n'
                   'evidence = "The committee will meet again."\n'
                   + (f"date = 2025-03-{n % 28 + 1:02d}\n" if n % 3 == 0 else ""))
    return "\n".join(out), article


@pytest.fixture
def long_seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "long-seeds" / "long"
    folder.mkdir(parents=True)
    facts, article = sheet_text()
    (folder / FACTS_FILE).write_text(facts, encoding="utf-8")
    (folder / TEXT_FILE).write_text(article, encoding="utf-8")
    sheet = read_sheet(folder)
    assert isinstance(sheet, Sheet), [str(p) for p in sheet][:5]  # the generated sheet is valid
    assert len(LONG_QUOTE) >= 5000
    assert 290 <= len(TITLE) <= 300
    assert len(summary(1)) >= 3000
    return folder.parent


@pytest.fixture
async def h(make_harness: HarnessFactory, long_seeds: Path) -> Harness:
    harness = await make_harness(long_seeds, search_cooldown_seconds=0)
    text = "\n".join(e["description"] for e in await pages_of(harness, "articles"))
    assert f"`{SLUG}`" in text  # the long sheet was loaded, not refused
    return harness


# --- helpers ---------------------------------------------------------------------------------


def check(message: dict[str, Any], context: str) -> None:
    assert message.get("allowed_mentions") == {"parse": []}, context
    assert len(message.get("content") or "") <= CONTENT_LIMIT, context
    embeds = message.get("embeds") or []
    assert 1 <= len(embeds) <= EMBEDS_PER_MESSAGE, context
    for embed in embeds:
        assert problems(embed) == [], (context, problems(embed))


def one_callback(requests: list[Request], kind: int, context: str) -> dict[str, Any]:
    """The message of the single interaction callback, which must be of ``kind``."""
    callbacks = [r for r in requests if r.is_callback]
    assert len(callbacks) == 1, (context, [(r.method, r.path) for r in requests])
    assert callbacks[0].json["type"] == kind, (context, callbacks[0].json)
    return callbacks[0].message


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["label"]: b for row in message.get("components") or [] for b in row["components"]}


def footer(embed: dict[str, Any]) -> str:
    return str((embed.get("footer") or {}).get("text", ""))


def view_message_id(h: Harness, sent: dict[str, Any]) -> int:
    """The message id discord.py stored the answer's Pager under (the newest if repeated)."""
    store = h.bot._connection._view_store
    found = [mid for mid, view in store._synced_message_views.items()
             if isinstance(view, Pager) and view.index == 0
             and view.embeds[0].to_dict()["description"] == sent["embeds"][0]["description"]
             and view.embeds[0].to_dict().get("title") == sent["embeds"][0].get("title")]
    assert found, "no pager stored for this answer"
    return found[-1]


PAGE_MARK = re.compile(r"page (\d+) of (\d+)(?:, part (\d+) of (\d+))?$")


def place(embed: dict[str, Any]) -> tuple[int, int, int, int]:
    """(page, pages, part, parts) from an embed's footer, e.g. "… page 3 of 8, part 2 of 5".
    An answer read in one page numbers its embeds as pages: (n, N) becomes (1, 1, n, N)."""
    m = PAGE_MARK.search(footer(embed))
    assert m, footer(embed)
    if m[3] is None and "–" not in footer(embed):
        return 1, 1, int(m[1]), int(m[2])
    return int(m[1]), int(m[2]), int(m[3] or 1), int(m[4] or 1)


async def pages_of(h: Harness, command: str, **options: Any) -> list[dict[str, Any]]:
    """Every page of one answer: the first from the command, the rest by clicking Next (each
    page of items fetched when reached, its parts stepped through first)."""
    context = f"/{command} {options}"[:200]
    sent = one_callback(await h.command(command, **options), 4, context)
    check(sent, context)
    first = sent["embeds"][0]
    if not sent.get("components"):
        assert "page " not in footer(first), context  # one page, so no page marker either
        return [first]
    page, pages, part, parts = place(first)
    assert (page, part) == (1, 1), (context, footer(first))
    assert pages * parts > 1, (context, footer(first))
    found = buttons(sent)
    label = f"page 1 of {pages}" + (f", part 1 of {parts}" if pages > 1 and parts > 1 else "") \
        if pages > 1 else f"page 1 of {parts}"
    assert set(found) == {"Previous", label, "Next"}, (context, found)
    assert found["Previous"].get("disabled"), context
    assert not found["Next"].get("disabled"), context
    message = message_payload(sent)
    message["id"] = str(view_message_id(h, sent))
    shown = [first]
    while not buttons(message)["Next"].get("disabled"):
        clicked = await h.click(message, buttons(message)["Next"]["custom_id"])
        edited = one_callback(clicked, 7, f"{context} after {len(shown)}")
        check(edited, f"{context} after {len(shown)}")
        embed = edited["embeds"][0]
        now = place(embed)
        expected = (page, pages, part + 1) if part < parts else (page + 1, pages, 1)
        assert now[:3] == expected, (context, footer(embed))
        page, pages, part, parts = now
        assert embed.get("title") == first.get("title"), context
        shown.append(embed)
        message = {**message, "embeds": edited["embeds"], "components": edited["components"]}
        assert len(shown) < 500, context
    assert (page, part) == (pages, parts), (context, footer(shown[-1]))  # the last page ends it
    assert not buttons(message)["Previous"].get("disabled"), context
    return shown


def joined(pages: list[dict[str, Any]]) -> str:
    """The pages' descriptions put back together: continuation markers out, spacing tidied."""
    text = "\n".join(p["description"] for p in pages)
    return " ".join(text.replace(CONTINUED, " ").replace(CONTINUES, " ").split())


def whole(text: str) -> str:
    """How a sheet text reads in an answer: markdown and mentions escaped, spacing tidied."""
    return " ".join(DISCORD.text(text).split())


def split_marked(pages: list[dict[str, Any]]) -> bool:
    """A line cut across pages is marked at both ends."""
    return any(a["description"].endswith(CONTINUED) and CONTINUES in b["description"]
               for a, b in itertools.pairwise(pages))


# --- every command ---------------------------------------------------------------------------


COMMANDS: list[tuple[str, dict[str, Any]]] = [
    ("positions", {}), ("positions", {"actor": "the chair"}), ("positions", {"topic": "topic 2"}),
    ("positions", {"article": SLUG}), ("quotes", {}), ("quotes", {"speaker": "the chair"}),
    ("quotes", {"contains": "clause 79"}), ("claims", {}), ("claims", {"status": "disputed"}),
    ("claims", {"actor": "Delegate 03"}), ("questions", {}), ("questions", {"status": "answered"}),
    ("questions", {"topic": "topic 1"}), ("timeline", {}), ("timeline", {"article": TITLE}),
    ("who", {"name": "the chair"}), ("who", {"name": "Delegate 01"}), ("search", {"query": "clause"}),
    ("search", {"query": "budget"}), ("source", {"fact_id": f"{SLUG}/q1"}),
    ("source", {"fact_id": "p01"}), ("source", {"fact_id": f"{SLUG}/c1/r30"}),
    ("source", {"fact_id": f"{SLUG}/oq02"}), ("articles", {}), ("help", {}),
    ("brief", {}), ("brief", {"actor": "the chair"}), ("brief", {"topic": "topic 2"}),
    # moderators' commands answer with one page: pages_of checks no later page was dropped
    ("status", {"permissions": MODERATOR}), ("reload", {"permissions": MODERATOR, "dry_run": True}),
    ("reload", {"permissions": MODERATOR, "article": SLUG}),
]


async def test_every_command_stays_within_limits(h: Harness) -> None:
    paged = 0
    for command, options in COMMANDS:
        pages = await pages_of(h, command, **options)
        paged += len(pages) > 1
        for page in pages:
            assert len(page.get("title", "")) <= TITLE_LIMIT
    assert paged >= 10  # most of these answers need several pages
    for message in h.fake.sent_messages():  # every callback and every page edit
        check(message, "sent")


async def test_eighty_positions_are_paged_and_all_there(h: Harness) -> None:
    pages = await pages_of(h, "positions")
    assert len(pages) >= 4
    assert split_marked(pages)  # the 3,000-character summaries are cut with markers
    text = joined(pages)
    for n in range(1, POSITIONS + 1):
        assert text.count(f"`{SLUG}/p{n:02d}`") == 1, n  # every position, once
    for n in (1, 40, POSITIONS):
        assert whole(summary(n)) in text, n  # the long summaries whole, across pages
    assert "budget\\_line\\_1\\_is\\_\\*kept\\*" in text  # escaped, not restyled
    # Paging keeps the stored order: by topic, as the sheet declares them, each in sheet order.
    stored = sorted(range(1, POSITIONS + 1), key=lambda n: n % TOPICS)
    order = [text.index(f"`{SLUG}/p{n:02d}`") for n in stored]
    assert order == sorted(order)
    # Each topic heads its group (again on a page that continues it), not every position.
    assert 1 <= text.count(f"**{whole(topic_name(1))}**") <= len(pages)


async def test_five_thousand_character_quote_is_whole_across_pages(h: Harness) -> None:
    pages = await pages_of(h, "quotes")
    assert len(pages) >= 2
    assert split_marked(pages)  # the cut is marked, never silent
    text = joined(pages)
    assert f"“{whole(LONG_QUOTE)}” — **{whole(CHAIR_NAME)}**, said `{SLUG}/q1`" in text
    assert f"*{whole('What the chair said, ' + 'at length ' * 100)}*" in text
    # /source shows the quote and then the sentence it stands in, both whole.
    text = joined(await pages_of(h, "source", fact_id=f"{SLUG}/q1"))
    assert f"quote `{SLUG}/q1`: {whole(LONG_QUOTE)}" in text
    assert whole(LONG_SENTENCE) in text


async def test_long_claim_and_all_its_responses(h: Harness) -> None:
    text = joined(await pages_of(h, "claims"))
    assert whole(CLAIM) in text
    for n in range(1, RESPONSES + 1):
        assert f"`{SLUG}/c1/r{n}`" in text, n


async def test_a_long_brief_is_paged_not_cut(h: Harness) -> None:
    # Names of thousands of characters: the brief's bounded lines still overflow one embed,
    # so it is shown in parts with the pager, as the other answers are, and nothing is lost.
    pages = await pages_of(h, "brief")
    assert len(pages) > 1
    text = joined(pages)
    assert f"**{whole(topic_name(1))}**" in text
    assert f"`{SLUG}/p03`" in text
    assert f"`{SLUG}/c1`" in text
    assert "**Open questions** (10)" in text
    assert "**Newest quotes** (2)" in text
    # The command that lists the rest names the article whole: a cut slug would find nothing.
    assert f"`/questions status:open article:{SLUG}`" in text


async def test_long_answers_and_profile(h: Harness) -> None:
    text = joined(await pages_of(h, "questions", status="answered"))
    assert text.count(whole(ANSWER)) == QUESTIONS // 2
    text = joined(await pages_of(h, "who", name="the chair"))
    assert f"role: {whole(CHAIR_ROLE)}" in text
    assert f"**{whole(CHAIR_NAME)}** (person) `chair`" in text
    # The chair's first positions as stored: topic by topic (topic-1 holds those n % 3 == 0).
    chairs = [n for n in range(1, POSITIONS + 1) if (n - 1) % (DELEGATES + 1) == 0]
    for n in sorted(chairs, key=lambda n: n % TOPICS)[:3]:
        assert f"`{SLUG}/p{n:02d}`" in text
    text = joined(await pages_of(h, "timeline"))
    for n in range(1, EVENTS + 1):
        assert f"`{SLUG}/t{n:02d}`" in text, n


async def test_long_footer_and_evidence_are_cut_visibly(h: Harness) -> None:
    # The source is shown once, under /source: "Source: “<title>” — <outlet>, <date> [<slug>]"
    # is over 1,500 there, so shortened, with an ellipsis.
    text = footer((await pages_of(h, "source", fact_id=f"{SLUG}/p01"))[0])
    assert text.startswith(f"Source: “{TITLE}” — The Long Wire"), text
    assert "…" in text, text
    pages = await pages_of(h, "positions", actor="the chair")
    # Not under every answer: a list's footer says where the page stands.
    assert footer(pages[0]) == "positions 1–10 of 80 · page 1 of 8, part 1 of 4"
    # Evidence is an excerpt by design: shortened with an ellipsis (/source shows it whole).
    text = joined(pages)
    start = text.index("↳ *“The chair said: “clause 1 of the statement")
    excerpt = text[start:text.index("”*", start) + 2]
    assert excerpt.endswith("…”*"), excerpt
    assert len(excerpt) < 200, excerpt


async def test_titles_over_256_are_shortened_with_an_ellipsis(h: Harness) -> None:
    requests = await h.command("positions", actor=CHAIR_NAME, topic=topic_name(2), article=TITLE)
    embed = one_callback(requests, 4, "long title")["embeds"][0]  # answered, not rejected
    title = embed["title"]
    assert len(title) <= TITLE_LIMIT, title
    assert title.endswith("…"), title
    assert title.startswith("Positions — actor: Chair of Extraordinary Committee Number 1")
    assert f"`{SLUG}/p01`" in embed["description"]  # and the answer itself is there


async def test_many_long_notes_still_fit(h: Harness) -> None:
    # Three corrected names plus a roll-up: four notes of up to 600 characters on every page.
    chair_typo = CHAIR_NAME.replace("Extraordinary", "Extraordinery", 1)
    # Topic names differ only in their number, so two slips keep the others out of reach.
    topic_typo = topic_name(1).replace("sub-question 3", "sub-questoin 3", 1).replace("Topic", "Topci")
    pages = await pages_of(h, "questions", actor=chair_typo, topic=topic_typo,
                           article=TITLE.replace("Committee", "Comittee", 1))
    head = pages[0]["description"].split("\n\n", 1)[0]
    notes = head.split("\n")
    assert len(notes) == 4, notes  # topic, actor and article corrected, and the actor's roll-up
    assert [n.startswith("Showing **") for n in notes] == [True, True, False, True], notes
    assert notes[2].startswith("Chair of Extraordinary Committee Number 1 ")  # "… includes …"
    assert all(len(n) <= 600 and "…" in n for n in notes[:3]), notes  # cut visibly
    assert all(n.count("**") % 2 == 0 for n in notes), notes  # a cut never leaves bold open
    assert "includes" in notes[2], notes  # the roll-up keeps its meaning
    assert all(p["description"].startswith(head) for p in pages)  # the notes head every page
    text = joined(pages)
    for n in range(1, QUESTIONS + 1):
        if n % TOPICS + 1 == 1:
            assert f"`{SLUG}/oq{n:02d}`" in text, n


async def test_pages_stay_with_the_member_who_asked(h: Harness) -> None:
    sent = one_callback(await h.command("positions"), 4, "positions")
    message = message_payload(sent)
    message["id"] = str(view_message_id(h, sent))
    next_id = buttons(sent)["Next"]["custom_id"]
    refused = one_callback(await h.click(message, next_id, user_id=EDITOR_ID), 4, "other member")
    assert refused.get("flags", 0) & EPHEMERAL
    assert "Only the member who asked" in refused["content"]
    turned = one_callback(await h.click(message, next_id), 7, "owner")
    assert place(turned["embeds"][0])[:3] == (1, 8, 2)  # the refusal turned nothing


async def test_private_answers_are_paged_too(h: Harness) -> None:
    sent = one_callback(await h.command("quotes", private=True), 4, "private")
    assert sent.get("flags", 0) & EPHEMERAL
    assert buttons(sent)["Next"]
    assert "Source" not in footer(sent["embeds"][0])  # shown once, under /source


# --- an over-long run of escaped characters ------------------------------------------------

_PAGES_WITH_BACKSLASHES = textwrap.dedent("""
    from bot.embeds import DISCORD, pages, problems
    from bot.render import Block, View
    for run in (100, 1000, 2500, 5000):
        line = "  " + DISCORD.text("\\\\" * run)
        embeds = pages(View("t", (), (Block((line,)),), ""))
        text = "".join(e.description for e in embeds)
        assert text.count("\\\\") >= 2 * run, run
        assert all(problems(e.to_dict()) == [] for e in embeds), run
    print("ok")
""")


def test_a_long_run_of_backslashes_is_paged_not_looped_forever() -> None:
    # A sheet text with a long run of backslashes (each escaped to two) must be paged like any
    # other; an endless loop in the splitter would freeze the bot. Run apart, so it cannot hang us.
    try:
        done = subprocess.run([sys.executable, "-c", _PAGES_WITH_BACKSLASHES], cwd=REPO,
                              capture_output=True, text=True, timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail("bot.embeds.pages() did not finish on a line of escaped backslashes: "
                    "_split_line loops forever")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok", done.stdout


def test_the_limit_check_itself_catches_overflows() -> None:
    # problems() reads the dict discord.py sends, so the checks above cannot pass vacuously.
    embed = discord.Embed(title="t" * 257, description="d" * 4097).set_footer(text="f" * 2049)
    assert problems(json.loads(json.dumps(embed.to_dict()))) == [
        f"title 257 > {TITLE_LIMIT}", "description 4097 > 4096", "footer 2049 > 2048",
        "total 6403 > 6000"]
