"""The ``newsbot`` command line: console, one-off questions, fact-sheet check, load and draft."""

from __future__ import annotations

import argparse
import asyncio
import logging
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import __version__
from bot.commands import UsageError, parse
from bot.console import answer_page, every_page, repl
from bot.draft import draft
from bot.render import to_text
from bot.render_admin import reload_view
from bot.runner import StartError, run_bot, setup_logging
from bot.settings import Settings, SettingsError, load_settings
from bot.startup import load_at_start, print_problems
from storage.db import StoreError
from storage.reload import Requester, reload
from storage.sheets import SheetError, read_sheets
from storage.store import Store

log = logging.getLogger("newsbot")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
CONNECT_HINT = ("No DISCORD_TOKEN set, so this is the console over {seeds}. To connect to "
                "Discord, put DISCORD_TOKEN=... in .env (see .env.example) and run again.")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newsbot", description=(
        "A newsroom's fact-sheet bot. With no command: the console (no DISCORD_TOKEN)."))
    p.add_argument("--version", action="version", version=f"newsbot {__version__}")
    sub = p.add_subparsers(dest="command")
    sub.add_parser("console", help="answer slash commands typed here, e.g. /quotes speaker:Trump")
    ask = sub.add_parser("ask", help="answer one command and exit, e.g. newsbot ask '/who Lavrov'")
    ask.add_argument("line", help="the command, as typed in Discord")
    pages = ask.add_mutually_exclusive_group()
    pages.add_argument("--page", type=int, default=1, metavar="N",
                       help="print page N of a long answer (default 1)")
    pages.add_argument("--all", action="store_true",
                       help="print every page of a long answer, one after another")
    check = sub.add_parser("check", help="validate fact sheets; exit 0 when all are valid")
    check.add_argument("path", nargs="?", type=Path,
                       help="seeds folder, article folder or facts.toml (default SEEDS_DIR)")
    load = sub.add_parser("load", help="validate and apply fact sheets to the database")
    load.add_argument("path", nargs="?", type=Path, help="seeds folder (default SEEDS_DIR)")
    load.add_argument("--all", action="store_true",
                      help="reload every article, even those whose files did not change")
    load.add_argument("--dry-run", action="store_true", help="validate and show the diff only")
    drafting = sub.add_parser("draft", help="draft facts.toml for a new article, for an editor "
                                            "to review (needs the draft extra)")
    drafting.add_argument("path", type=Path, help="the article folder (or its article.txt)")
    drafting.add_argument("--force", action="store_true", help="replace an existing facts.toml")
    drafting.add_argument("--stdout", action="store_true",
                          help="print the sheet instead of writing it (the report goes to stderr)")
    sub.add_parser("run", help="connect to Discord (needs DISCORD_TOKEN)")
    sub.add_parser("sync", help="register the slash commands globally, then exit")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    discord_mode = args.command in ("run", "sync") or (args.command is None and
                                                       settings.discord_token is not None)
    if discord_mode:
        return _run_discord(settings, sync_globally=args.command == "sync")
    logging.basicConfig(level=settings.log_level_number, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "check":
            return check(args.path or settings.seeds_dir)
        return asyncio.run(_async_main(args, settings))
    except (StoreError, SheetError) as exc:
        print_problems(exc)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_FAILED


def _run_discord(settings: Settings, sync_globally: bool) -> int:
    setup_logging(settings)
    try:
        print(asyncio.run(run_bot(settings, sync_globally=sync_globally)), file=sys.stderr)
    except StartError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return EXIT_USAGE if not settings.discord_token else EXIT_FAILED
    except StoreError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_OK
    return EXIT_OK


def check(path: Path) -> int:
    try:
        sheets = read_sheets(path)
    except SheetError as exc:
        print_problems(exc)
        return EXIT_FAILED
    facts = sum(len(s.positions) + len(s.quotes) + len(s.claims) + len(s.questions)
                + len(s.timeline) for s in sheets)
    print(f"OK: {len(sheets)} article(s), {facts} facts, every quote and excerpt found verbatim.")
    return EXIT_OK


async def _async_main(args: argparse.Namespace, settings: Settings) -> int:
    async with await Store.open(settings.database_path) as store:
        if args.command == "draft":
            ok = await draft(store, args.path, force=args.force, to_stdout=args.stdout)
            return EXIT_OK if ok else EXIT_FAILED
        if args.command == "load":
            outcome = await reload(store, args.path or settings.seeds_dir, Requester("cli"),
                                   dry_run=args.dry_run, only_changed=not args.all)
            print(to_text(reload_view(outcome)), file=sys.stdout if outcome.ok else sys.stderr)
            return EXIT_OK if outcome.ok else EXIT_FAILED
        await load_at_start(store, settings.seeds_dir, log, terminal=True)
        if args.command == "ask":
            return await _ask(store, args.line, args.page, args.all)
        interactive = sys.stdin.isatty()
        hint = CONNECT_HINT.format(seeds=settings.seeds_dir)
        print(hint + (" Type /help, or quit." if interactive else ""),
              file=sys.stdout if interactive else sys.stderr)
        bad = await repl(store, interactive=interactive)
        return EXIT_FAILED if bad and not interactive else EXIT_OK


async def _ask(store: Store, line: str, page: int, every: bool) -> int:
    try:
        if every:
            async for text in every_page(store, line):
                print(text)
            return EXIT_OK
        command, options = parse(line)
        printed = await answer_page(store, command, options, page)
    except UsageError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(printed.text)
    if printed.page < printed.pages:
        print(f"More: newsbot ask --page {printed.page + 1} (or --all) {shlex.quote(line)}",
              file=sys.stderr)
    return EXIT_OK
