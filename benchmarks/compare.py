"""Two sets of benchmark runs side by side: the figures at one size, each set's range over its
runs, and whether the second set is worse by more than the first set's own spread.

    .venv/bin/python -m benchmarks.compare --size 10000 \\
        --before a/results.json c/results.json --after b/results.json d/results.json

Runs of the two trees should alternate (before, after, before, after) so that both meet the
same moments of a shared machine. A figure counts as worse when the second set's median is
above the first set's by more than the run-to-run noise measured (the larger spread, max -
min, of the two sets) and by more than ``--slack`` of it (none by default): lower is better
for every figure compared.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from statistics import median
from typing import Any

Figure = tuple[str, Callable[[dict[str, Any]], float]]


def _command(group: str, label: str, key: str) -> Callable[[dict[str, Any]], float]:
    def read(run: dict[str, Any]) -> float:
        (entry,) = [c for c in run[group] if c["label"] == label]
        return float(entry[key])
    return read


def figures(run: dict[str, Any]) -> list[Figure]:
    """Every figure the comparison covers, lower is better."""
    out: list[Figure] = [
        ("first load, s", lambda r: float(r["first_load"]["seconds"])),
        ("start-up, s", lambda r: float(r["startup"]["seconds"])),
        ("first answer after start-up, ms", lambda r: float(r["startup"]["first_answer_ms"])),
        ("reload 1 %, s", lambda r: float(r["reload_1pct"]["seconds"])),
        ("reload 1 %: longest stall, ms", lambda r: float(r["reload_1pct"]["max_stall_ms"])),
        ("first answer after a 1 % reload, ms",
         lambda r: float(r["reload_1pct"]["first_answer_after_ms"])),
        ("full reload, s", lambda r: float(r["reload_all"]["seconds"])),
        ("full reload: longest stall, ms", lambda r: float(r["reload_all"]["max_stall_ms"])),
        ("no-op floor p50, ms", lambda r: float(r["noop"]["p50_ms"])),
        ("peak RSS, MB", lambda r: float(max(v for k, v in r.items()
                                              if k.startswith("peak_rss_mb")))),
    ]
    for group in ("commands", "broad"):
        for entry in run[group]:
            for key in ("p50_ms", "p99_ms"):
                out.append((f"{entry['label']} {key.removesuffix('_ms')}, ms",
                            _command(group, entry["label"], key)))
    return out


def compare(before: Sequence[dict[str, Any]], after: Sequence[dict[str, Any]],
            slack: float) -> tuple[list[str], list[str]]:
    """The table's rows (markdown) and the names of the figures that got worse."""
    rows = ["| figure | before (min-max) | after (min-max) | verdict |", "|---|---|---|---|"]
    worse = []
    for name, read in figures(before[0]):
        b = [read(r) for r in before]
        a = [read(r) for r in after]
        noise = max(max(b) - min(b), max(a) - min(a))
        limit = max(median(b) + noise, median(b) * (1 + slack))
        verdict = "worse" if median(a) > limit else "same or better"
        if verdict == "worse":
            worse.append(name)
        rows.append(f"| {name} | {_span(b)} | {_span(a)} | {verdict} |")
    return rows, worse


def _span(values: Sequence[float]) -> str:
    low, high = min(values), max(values)
    digits = 0 if high >= 100 else 1 if high >= 10 else 2
    return f"{low:.{digits}f}-{high:.{digits}f}"


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.compare", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", default="10000")
    p.add_argument("--before", type=Path, nargs="+", required=True)
    p.add_argument("--after", type=Path, nargs="+", required=True)
    p.add_argument("--slack", type=float, default=0.0)
    a = p.parse_args(argv)

    def runs(paths: Sequence[Path]) -> list[dict[str, Any]]:
        return [json.loads(path.read_text())["runs"][a.size] for path in paths]

    rows, worse = compare(runs(a.before), runs(a.after), a.slack)
    print("\n".join(rows))
    print(f"\nworse: {', '.join(worse) if worse else 'none'}")
    return 1 if worse else 0


if __name__ == "__main__":
    raise SystemExit(main())
