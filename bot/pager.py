"""Answers of more than one page: a command's answer read a page at a time, and the buttons
that turn the pages."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.base import NO_PINGS, Interaction, bot_of
from bot.commands import PAGE_SIZE, Command
from bot.embeds import DISCORD, pages
from bot.errors import report
from bot.render import view
from bot.render_brief import brief_view  # noqa: F401 - registers /brief's view with view
from bot.respond import send, within_deadline
from storage.results import Answer, Page

log = logging.getLogger(__name__)

# A page of an answer, rendered: its embeds (one, or several parts when its items are long),
# its number and how many pages the answer has. ``Fetch`` reads page n in a fresh snapshot.
Rendered = tuple[list[discord.Embed], int, int]
Fetch = Callable[[int], Awaitable[Rendered]]

PAGER_TIMEOUT = 600.0  # seconds; under the 15 minutes an interaction token lives


def rendered(result: Answer) -> Rendered:
    """Only the page the answer holds is rendered; the pager fetches the others on demand."""
    return pages(view(result, DISCORD)), *result.position


async def answer(interaction: Interaction, command: Command, private: bool,
                 *values: str | None) -> None:
    """A command as a straight line: options -> query (one page) -> render -> send.
    ``values``: the command's options in the spec's order, as its callback's parameters are
    (tests/bot/test_discord_registration.py holds each callback to that order)."""
    run = command.run
    assert run is not None
    store = bot_of(interaction).store
    given = {o.name: v for o, v in zip(command.options, values, strict=True) if v is not None}

    async def fetch(number: int) -> Rendered:
        return rendered(await run(store, given, Page(number, PAGE_SIZE)))

    embeds, number, total = await within_deadline(interaction, fetch(1), ephemeral=private)
    pager = Pager(interaction, embeds, fetch=fetch, page=number, pages=total) \
        if len(embeds) > 1 or total > 1 else None
    await send(interaction, embed=embeds[0], view=pager, ephemeral=private)


async def send_pages(interaction: Interaction, embeds: list[discord.Embed],
                     ephemeral: bool, files: list[discord.File] | None = None) -> None:
    """One page, or the first page with a pager over the rest (``files`` attached to it)."""
    pager = Pager(interaction, embeds) if len(embeds) > 1 else None
    await send(interaction, embed=embeds[0], view=pager, ephemeral=ephemeral, files=files)


class Pager(discord.ui.View):
    """Previous / next buttons; only the member who asked may page.

    Without ``fetch`` it steps through pre-rendered embeds (help, reload reports, digests).
    With it, it holds only the embeds of the page shown, and reads and renders the next or
    previous page when a button is clicked, in a fresh snapshot: if the facts changed in
    between, the page number is clamped to the answer as it now is and the label follows.
    A page whose items need several embeds is stepped through part by part first.
    """

    def __init__(self, origin: Interaction, embeds: list[discord.Embed], *,
                 fetch: Fetch | None = None, page: int = 1, pages: int = 1,
                 timeout: float = PAGER_TIMEOUT) -> None:
        super().__init__(timeout=timeout)
        self.origin = origin
        self.owner_id = origin.user.id
        self.embeds = embeds  # the parts of the page shown
        self.index = 0        # which part
        self.page = page
        self.pages = pages
        self.fetch = fetch
        self._turning = asyncio.Lock()  # two quick clicks turn two pages, one after the other
        self._sync()

    def _sync(self) -> None:
        self.previous.disabled = self.page <= 1 and self.index == 0
        self.next.disabled = self.page >= self.pages and self.index >= len(self.embeds) - 1
        parts = len(self.embeds)
        if self.pages > 1:
            self.position.label = f"page {self.page} of {self.pages}" + (
                f", part {self.index + 1} of {parts}" if parts > 1 else "")
        else:
            self.position.label = f"page {self.index + 1} of {parts}"

    # discord.py declares the two hooks below for a view of any client, so they keep
    # Interaction[Any]: narrowing it to our bot would break the override (mypy: [override]).
    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            "Only the member who asked can turn these pages; run the command yourself to browse.",
            ephemeral=True, allowed_mentions=NO_PINGS)
        log.info("pager click refused: user %s on interaction %s", interaction.user.id,
                 self.origin.id)
        return False

    async def _turn(self, interaction: Interaction, step: int) -> None:
        if self._turning.locked() and not interaction.response.is_done():
            # Another click is still reading its page: acknowledge this one now, so that the
            # wait cannot run past Discord's 3 s (the edit below then uses the follow-up).
            await interaction.response.defer()
        async with self._turning:
            index = self.index + step
            if 0 <= index < len(self.embeds) or self.fetch is None:
                self.index = max(0, min(index, len(self.embeds) - 1))
            else:
                wanted = max(1, self.page + step)
                self.embeds, self.page, self.pages = await within_deadline(
                    interaction, self.fetch(wanted), ephemeral=False, update=True)
                # Backwards, a page opens on its last part; a clamped page on its first.
                self.index = len(self.embeds) - 1 if step < 0 and self.page == wanted else 0
            self._sync()
            embed = self.embeds[self.index]
            if interaction.response.is_done():  # deferred while the page was read
                await interaction.edit_original_response(embed=embed, view=self,
                                                          allowed_mentions=NO_PINGS)
            else:
                await interaction.response.edit_message(embed=embed, view=self,
                                                        allowed_mentions=NO_PINGS)

    @discord.ui.button(label="Previous", emoji="◀", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: Interaction,
                       button: discord.ui.Button[Pager]) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="page", style=discord.ButtonStyle.secondary, disabled=True)
    async def position(self, interaction: Interaction,
                       button: discord.ui.Button[Pager]) -> None:  # pragma: no cover - disabled
        await interaction.response.defer()

    @discord.ui.button(label="Next", emoji="▶", style=discord.ButtonStyle.primary)
    async def next(self, interaction: Interaction,
                   button: discord.ui.Button[Pager]) -> None:
        await self._turn(interaction, 1)

    async def on_error(self, interaction: discord.Interaction[Any], error: Exception,
                       item: discord.ui.Item[Any]) -> None:
        """A page that could not be read (database busy...) gets the commands' own message."""
        await report(interaction, error)

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        try:
            await self.origin.edit_original_response(view=self)
        except discord.HTTPException as exc:  # message deleted, token expired: nothing to disable
            log.info("could not disable pager buttons on interaction %s: %s", self.origin.id, exc)
