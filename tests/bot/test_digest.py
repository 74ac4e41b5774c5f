"""The daily digest, driven by an injected clock: no test sleeps or waits for real time."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.digest import DigestJob
from storage.digest import DigestConfig, save_config
from tests.bot.conftest import HarnessFactory
from tests.discord_fakes import CHANNEL_ID, EDITOR_ID, GUILD_ID, Channel, Harness, Request
from tests.factory import Clock

MANAGE_GUILD = 0x20
EPHEMERAL = 64
OTHER_GUILD = 1100000000000000002
OTHER_CHANNEL = 1200000000000000002
GONE_CHANNEL = 1200000000000000099


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def job(h: Harness) -> DigestJob:
    cog: Any = h.bot.get_cog("Digest")
    assert isinstance(cog.job, DigestJob)
    return cog.job


def posts(requests: list[Request], channel: int = CHANNEL_ID) -> list[dict[str, Any]]:
    return [r.json for r in requests
            if r.method == "POST" and r.path == f"/channels/{channel}/messages"]


def digest_text(messages: list[dict[str, Any]]) -> str:
    return "\n".join(f"{e.get('title', '')}\n{e.get('description', '')}"
                     for m in messages for e in m.get("embeds", []))


async def tick(h: Harness, at: datetime) -> list[Request]:
    start = len(h.fake.requests)
    await job(h).tick(at)
    return h.fake.since(start)


async def configure(h: Harness, time: str, timezone: str, guild: int = GUILD_ID,
                    channel: int = CHANNEL_ID, skip_empty: bool = False) -> None:
    await save_config(h.bot.store, DigestConfig(guild, channel, time, timezone, skip_empty),
                      EDITOR_ID)


async def mod(h: Harness, path: str, **options: Any) -> list[Request]:
    return await h.command(path, user_id=EDITOR_ID, permissions=MANAGE_GUILD | 0x80000000,
                           **options)


def reply(requests: list[Request]) -> str:
    texts = [r.message.get("content") or "" for r in requests
             if (r.is_callback and r.json["type"] == 4) or r.path.startswith("/webhooks/")]
    assert texts, [(r.method, r.path) for r in requests]
    return texts[-1]


@pytest.fixture
def clock() -> Clock:
    return Clock(utc("2026-11-25T10:00:00"))


@pytest.fixture
async def h(make_harness: HarnessFactory, seeds: Path, clock: Clock) -> Harness:
    return await make_harness(seeds, clock=clock)


async def test_setup_validates_and_proves_it_can_post(h: Harness) -> None:
    assert "not a time" in reply(await mod(h, "digest setup", channel=Channel(CHANNEL_ID),
                                           time="25:00", timezone="Europe/Paris"))
    assert "not a time zone" in reply(await mod(h, "digest setup", channel=Channel(CHANNEL_ID),
                                                time="08:00", timezone="Mars/Olympus_Mons"))
    h.fake.fail[f"/channels/{CHANNEL_ID}/messages"] = (403, {"message": "Missing Permissions",
                                                            "code": 50013})
    refused = reply(await mod(h, "digest setup", channel=Channel(CHANNEL_ID), time="08:00",
                              timezone="Europe/Paris"))
    assert "can't post" in refused
    assert "Send Messages" in refused
    h.fake.fail.clear()
    requests = await mod(h, "digest setup", channel=Channel(CHANNEL_ID), time="8:00",
                         timezone="Europe/Paris")
    confirmation = posts(requests)
    assert len(confirmation) == 1
    assert "08:00 Europe/Paris" in confirmation[0]["content"]
    answer = reply(requests)
    assert answer.startswith("✅")
    assert "Next: 2026-11-26 08:00 CET (2026-11-26 07:00 UTC)" in answer
    settings = reply(await mod(h, "digest settings"))
    assert "at 08:00 Europe/Paris" in settings
    assert "2026-11-26 07:00 UTC" in settings


async def test_non_moderator_cannot_set_up_but_can_preview(h: Harness) -> None:
    refused = reply(await h.command("digest setup", channel=Channel(CHANNEL_ID), time="08:00",
                                    timezone="UTC"))
    assert "Only moderators" in refused
    requests = await h.command("digest preview")
    (callback,) = [r for r in requests if r.is_callback]
    assert callback.message["flags"] & EPHEMERAL
    text = digest_text([callback.message])
    assert "Still open (13)" in text
    # The seed has no headline: its first line is not passed off as one.
    assert "🆕 No headline (it opens “Russia had some strong words for the U.S. media.”)" in text
    assert "kremlin-peacekeepers/oq1" in text
    assert "Still disputed (1)" in text
    assert "kremlin-peacekeepers/c1" in text


async def test_timezone_autocomplete(h: Harness) -> None:
    choices = await h.autocomplete("digest setup", "timezone", user_id=EDITOR_ID, timezone="paris")
    assert choices[0]["value"] == "Europe/Paris"
    assert len(await h.autocomplete("digest setup", "timezone", user_id=EDITOR_ID, timezone="")) > 3


async def test_posts_once_at_the_local_time(h: Harness) -> None:
    await configure(h, "08:00", "Europe/Paris")
    assert posts(await tick(h, utc("2026-11-26T06:59:00"))) == []
    sent = posts(await tick(h, utc("2026-11-26T07:00:00")))
    assert len(sent) == 1
    assert "Daily digest — 2026-11-26" in digest_text(sent)
    assert sent[0]["allowed_mentions"] == {"parse": []}
    assert posts(await tick(h, utc("2026-11-26T07:01:00"))) == []
    assert len(posts(await tick(h, utc("2026-11-27T07:00:30")))) == 1  # and the next day


async def test_spring_forward_day(h: Harness, clock: Clock) -> None:
    # 02:30 does not exist in New York on 2026-03-08: posted at 03:30 EDT (07:30 UTC), once.
    clock.now = utc("2026-03-07T12:00:00")
    await configure(h, "02:30", "America/New_York")
    assert posts(await tick(h, utc("2026-03-08T07:29:00"))) == []
    assert len(posts(await tick(h, utc("2026-03-08T07:30:00")))) == 1
    assert posts(await tick(h, utc("2026-03-08T08:30:00"))) == []
    assert len(posts(await tick(h, utc("2026-03-09T06:30:00")))) == 1  # 02:30 EDT next day


async def test_fall_back_day(h: Harness, clock: Clock) -> None:
    # 01:30 happens twice in New York on 2026-11-01: the first (EDT, 05:30 UTC) posts, the second
    # (EST, 06:30 UTC) does not.
    clock.now = utc("2026-10-31T12:00:00")
    await configure(h, "01:30", "America/New_York")
    assert posts(await tick(h, utc("2026-11-01T05:29:00"))) == []
    assert len(posts(await tick(h, utc("2026-11-01T05:30:00")))) == 1
    assert posts(await tick(h, utc("2026-11-01T06:30:00"))) == []
    assert len(posts(await tick(h, utc("2026-11-02T06:30:00")))) == 1  # 01:30 EST next day


async def test_catch_up_within_grace_only(h: Harness) -> None:
    await configure(h, "08:00", "UTC")
    # Down at 08:00, back at 10:30: within the 180-minute grace, posted late, once.
    assert len(posts(await tick(h, utc("2026-11-26T10:30:00")))) == 1
    assert posts(await tick(h, utc("2026-11-26T10:31:00"))) == []
    # The next day the bot only comes back at 11:01: past the grace, nothing is posted.
    assert posts(await tick(h, utc("2026-11-27T11:01:00"))) == []


async def test_grace_window_across_midnight(h: Harness) -> None:
    await configure(h, "23:30", "UTC")
    assert len(posts(await tick(h, utc("2026-11-27T00:45:00")))) == 1  # yesterday's, late
    assert posts(await tick(h, utc("2026-11-27T00:46:00"))) == []


async def test_no_double_post_across_a_restart(make_harness: HarnessFactory, seeds: Path,
                                              tmp_path: Path, clock: Clock) -> None:
    database = tmp_path / "shared.sqlite3"
    first = await make_harness(seeds, clock=clock, database_path=database)
    await configure(first, "08:00", "UTC")
    assert len(posts(await tick(first, utc("2026-11-26T08:00:00")))) == 1
    await first.bot.close()
    second = await make_harness(seeds, clock=clock, database_path=database)
    assert posts(await tick(second, utc("2026-11-26T08:05:00"))) == []


async def test_change_summary_after_a_reload(h: Harness, seeds: Path) -> None:
    await configure(h, "08:00", "UTC")
    facts = seeds / "kremlin-peacekeepers" / "facts.toml"
    sheet = facts.read_text()
    p7 = 'id = "p7"\nactor = "putin"\ntopic = "peacekeepers"\nstance = "unclear"'  # p5 is "unclear" too
    assert sheet.count(p7) == 1
    sheet = sheet.replace(p7, p7.replace('"unclear"', '"opposes"'))  # p7: Putin on peacekeepers
    oq3 = 'id = "oq3"\n' + next(line for line in sheet.splitlines()
                                 if line.startswith('question = "Will Putin and Trump'))
    assert sheet.count(oq3 + '\nstatus = "open"') == 1
    sheet = sheet.replace(oq3 + '\nstatus = "open"', oq3 + '''
status = "answered"
answer = "Only once US-Russia relations improve, Putin suggested."
answer_evidence = "future conversations would be possible if US-Russia relations improved"''')
    sheet += '''
[[quotes]]
id = "q3"
speaker = "lavrov"
text = "unacceptable"
cue = "called it"
evidence = "would remain “unacceptable” to Russia"
'''
    facts.write_text(sheet)
    await h.bot.store.load(seeds)
    text = digest_text(posts(await tick(h, utc("2026-11-26T08:00:00"))))
    assert "Updated articles" in text
    assert "`kremlin-peacekeepers`" in text
    assert "unclear → **opposes** `kremlin-peacekeepers/p7`" in text
    assert "💬 added: “unacceptable” `kremlin-peacekeepers/q3`" in text
    assert "answered: Will Putin and Trump hold detailed talks" in text
    assert "`kremlin-peacekeepers/oq3`" in text
    assert "Still open (12)" in text  # oq3 is no longer open
    # The next digest covers only what changed after this one.
    nothing = digest_text(posts(await tick(h, utc("2026-11-27T08:00:00"))))
    assert "Nothing changed since the previous digest." in nothing
    assert "p7" not in nothing


async def test_skip_empty_days(h: Harness) -> None:
    await configure(h, "08:00", "UTC", skip_empty=True)
    assert posts(await tick(h, utc("2026-11-26T08:00:00"))) == []
    assert posts(await tick(h, utc("2026-11-26T08:01:00"))) == []  # recorded as done


async def test_deleted_channel_is_logged_and_other_guild_served(
        h: Harness, caplog: pytest.LogCaptureFixture) -> None:
    h.fake.channels[OTHER_CHANNEL] = OTHER_GUILD
    await configure(h, "08:00", "UTC", guild=GUILD_ID, channel=GONE_CHANNEL)
    await configure(h, "08:00", "UTC", guild=OTHER_GUILD, channel=OTHER_CHANNEL)
    with caplog.at_level(logging.WARNING):
        requests = await tick(h, utc("2026-11-26T08:00:00"))
    assert len(posts(requests, OTHER_CHANNEL)) == 1
    assert len(posts(requests, GONE_CHANNEL)) == 1  # tried, and Discord said 404
    failure = h.bot.job_failures[f"digest for guild {GUILD_ID}"]
    assert f"channel {GONE_CHANNEL} no longer exists" in failure
    assert any(str(GUILD_ID) in r.getMessage() for r in caplog.records)
    status = await mod(h, "status")
    assert "no longer exists" in "\n".join(
        e.get("description", "") for r in status if r.is_callback for e in r.message["embeds"])
    # Retried on the next run; once the channel is back, it posts and the failure clears.
    h.fake.channels[GONE_CHANNEL] = GUILD_ID
    assert len(posts(await tick(h, utc("2026-11-26T08:01:00")), GONE_CHANNEL)) == 1
    assert f"digest for guild {GUILD_ID}" not in h.bot.job_failures


async def test_now_counts_as_today_and_off_stops(h: Harness) -> None:
    assert "No daily digest" in reply(await mod(h, "digest now"))
    await configure(h, "08:00", "UTC")
    h.bot.clock.now = utc("2026-11-26T06:00:00")  # type: ignore[attr-defined]
    requests = await mod(h, "digest now")
    assert len(posts(requests)) == 1
    assert "Posted in" in reply(requests)
    assert posts(await tick(h, utc("2026-11-26T08:00:00"))) == []  # today's is done
    assert "turned off" in reply(await mod(h, "digest off"))
    assert posts(await tick(h, utc("2026-11-27T08:00:00"))) == []


async def test_environment_default_and_override(make_harness: HarnessFactory, seeds: Path,
                                                clock: Clock) -> None:
    h = await make_harness(seeds, clock=clock, digest_channel_id=CHANNEL_ID, digest_time="09:15",
                           digest_timezone="Europe/Berlin")
    assert len(posts(await tick(h, utc("2026-11-26T08:15:00")))) == 1  # 09:15 CET
    await configure(h, "18:00", "Europe/Berlin")  # the guild's own setting wins
    assert posts(await tick(h, utc("2026-11-27T08:15:00"))) == []
    assert len(posts(await tick(h, utc("2026-11-27T17:00:00")))) == 1


async def test_a_failure_reading_settings_never_kills_the_loop(
        h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(*args: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("bot.digest.all_configs", broken)
    assert await job(h).tick(utc("2026-11-26T08:00:00")) == []
    assert "disk on fire" in h.bot.job_failures["digest settings"]


async def test_a_long_digest_is_split_not_cut(h: Harness, seeds: Path) -> None:
    from tests.factory import write_sheet

    write_sheet(seeds / "long", "long-article", positions=40, summary_words=40, stance="supports")
    await h.bot.store.load(seeds)
    await configure(h, "08:00", "UTC")
    write_sheet(seeds / "long", "long-article", positions=40, summary_words=40, stance="opposes")
    await h.bot.store.load(seeds)
    sent = posts(await tick(h, utc("2026-11-26T08:00:00")))
    embeds = [e for m in sent for e in m["embeds"]]
    assert len(embeds) > 1  # several pages, each within the limits (checked at teardown)
    text = digest_text(sent)
    for i in range(1, 41):
        assert f"supports → **opposes** `long-article/p{i}`" in text


@pytest.mark.parametrize("value", ["**25:00** @everyone", "<@&123> 08:00", "x" * 5000, "🙂\0"])
async def test_hostile_setup_values_are_refused_safely(h: Harness, value: str) -> None:
    for options in ({"time": value, "timezone": "UTC"}, {"time": "08:00", "timezone": value}):
        requests = await mod(h, "digest setup", channel=Channel(CHANNEL_ID), **options)
        text = reply(requests)
        assert "**25:00**" not in text
        assert "@everyone" not in text  # escaped: a zero-width space follows the @
        assert len(text) < 400
        assert posts(requests) == []  # refused before anything is posted to the channel


async def test_non_moderators_are_refused_every_moderator_command(h: Harness) -> None:
    for path in ("status", "digest off", "digest settings", "digest now"):
        assert "Only moderators" in reply(await h.command(path)), path


def announced(answer: str) -> datetime:
    """The UTC instant after "Next:" in a /digest setup or settings answer."""
    match = re.search(r"Next: .*?\((\d{4}-\d\d-\d\d \d\d:\d\d) UTC\)", answer)
    assert match, answer
    return utc(match.group(1).replace(" ", "T"))


async def first_post_after(h: Harness, start: datetime, until: datetime,
                           channel: int = CHANNEL_ID) -> datetime | None:
    """Ticks every minute from ``start`` to ``until``, as the loop does; the first that posts."""
    at = start
    while at <= until:
        if posts(await tick(h, at), channel):
            return at
        at += timedelta(minutes=1)
    return None


# Set up at 08:00 Europe/Paris (07:00 UTC), on 2026-11-26: before the time, exactly at it, in
# the catch-up window, at its last minute, and after it.
@pytest.mark.parametrize(("set_up_at", "next_day"), [
    ("2026-11-26T06:00:00", "2026-11-26"),
    ("2026-11-26T07:00:00", "2026-11-26"),
    ("2026-11-26T08:00:00", "2026-11-27"),
    ("2026-11-26T10:00:00", "2026-11-27"),
    ("2026-11-26T12:00:00", "2026-11-27"),
])
async def test_setup_announces_the_digest_it_posts(h: Harness, clock: Clock, set_up_at: str,
                                                   next_day: str) -> None:
    clock.now = utc(set_up_at)
    answer = reply(await mod(h, "digest setup", channel=Channel(CHANNEL_ID), time="08:00",
                             timezone="Europe/Paris"))
    promised = announced(answer)
    assert promised == utc(f"{next_day}T07:00:00")
    assert announced(reply(await mod(h, "digest settings"))) == promised
    # Nothing before the announced minute, then that day's digest at it.
    start = clock.now
    assert await first_post_after(h, start, promised - timedelta(minutes=1)) is None
    assert f"Daily digest — {next_day}" in digest_text(posts(await tick(h, promised)))


async def moved_to(h: Harness, clock: Clock, at: str, time: str) -> datetime:
    """A moderator moves the Paris digest to ``time`` at the instant ``at``: the instant the
    bot announces, checked to be the first at which it posts."""
    clock.now = utc(at)
    answer = reply(await mod(h, "digest setup", channel=Channel(CHANNEL_ID), time=time,
                             timezone="Europe/Paris"))
    promised = announced(answer)
    assert await first_post_after(h, clock.now, promised) == promised
    return promised


async def test_a_new_time_on_a_day_already_posted_starts_tomorrow(h: Harness,
                                                                   clock: Clock) -> None:
    await configure(h, "08:00", "Europe/Paris")
    assert len(posts(await tick(h, utc("2026-11-26T07:00:00")))) == 1
    # 09:00 in Paris; moved to 10:00, later today
    assert await moved_to(h, clock, "2026-11-26T08:00:00", "10:00") == utc("2026-11-27T09:00:00")


async def test_a_new_time_later_today_posts_today(h: Harness, clock: Clock) -> None:
    await configure(h, "08:00", "Europe/Paris")
    # 07:00 in Paris; moved from 08:00 to 07:30
    assert await moved_to(h, clock, "2026-11-26T06:00:00", "07:30") == utc("2026-11-26T06:30:00")


async def test_re_enabled_after_the_time_starts_tomorrow(h: Harness, clock: Clock) -> None:
    await configure(h, "08:00", "UTC")
    clock.now = utc("2026-11-26T06:00:00")
    assert "turned off" in reply(await mod(h, "digest off"))
    assert posts(await tick(h, utc("2026-11-26T08:00:00"))) == []
    clock.now = utc("2026-11-26T08:30:00")
    answer = reply(await mod(h, "digest setup", channel=Channel(CHANNEL_ID), time="08:00",
                             timezone="UTC"))
    assert announced(answer) == utc("2026-11-27T08:00:00")
    assert await first_post_after(h, clock.now, utc("2026-11-27T08:00:00")) == utc(
        "2026-11-27T08:00:00")


async def test_a_missed_digest_is_announced_and_kept_when_only_the_channel_changes(
        h: Harness, clock: Clock) -> None:
    # Set up the day before; the bot was down at 08:00 today and is back at 09:00.
    await configure(h, "08:00", "UTC")
    h.fake.channels[OTHER_CHANNEL] = GUILD_ID
    clock.now = utc("2026-11-26T09:00:00")
    settings = reply(await mod(h, "digest settings"))
    assert announced(settings) == utc("2026-11-26T08:00:00")
    assert "missed while the bot was down" in settings
    answer = reply(await mod(h, "digest setup", channel=Channel(OTHER_CHANNEL), time="08:00",
                             timezone="UTC"))
    assert announced(answer) == utc("2026-11-26T08:00:00")
    sent = posts(await tick(h, clock.now), OTHER_CHANNEL)
    assert "Daily digest — 2026-11-26" in digest_text(sent)
    assert "missed" not in reply(await mod(h, "digest settings"))
    assert announced(reply(await mod(h, "digest settings"))) == utc("2026-11-27T08:00:00")


async def test_now_after_midnight_counts_as_yesterdays_missed_digest(h: Harness,
                                                                     clock: Clock) -> None:
    await configure(h, "23:30", "UTC")
    h.fake.fail[f"/channels/{CHANNEL_ID}/messages"] = (403, {"message": "Missing Permissions",
                                                            "code": 50013})
    assert (await job(h).tick(utc("2026-11-26T23:30:00")))[0].error  # will retry
    h.fake.fail.clear()
    clock.now = utc("2026-11-27T00:15:00")  # permissions fixed; yesterday's grace still runs
    sent = posts(await mod(h, "digest now"))
    assert "Daily digest — 2026-11-26" in digest_text(sent)
    assert await first_post_after(h, clock.now, utc("2026-11-27T23:29:00")) is None
    assert "Daily digest — 2026-11-27" in digest_text(posts(await tick(h, utc(
        "2026-11-27T23:30:00"))))


async def test_a_setup_a_moment_after_the_time_starts_tomorrow(h: Harness, clock: Clock) -> None:
    clock.now = utc("2026-11-26T08:00:00").replace(microsecond=400_000)
    answer = reply(await mod(h, "digest setup", channel=Channel(CHANNEL_ID), time="08:00",
                             timezone="UTC"))
    assert announced(answer) == utc("2026-11-27T08:00:00")
    assert await first_post_after(h, utc("2026-11-26T08:00:00"),
                                  utc("2026-11-27T07:59:00")) is None
