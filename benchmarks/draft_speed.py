"""Drafting speed and memory, in a process of its own (so peak RSS is the drafter's alone):

    .venv/bin/python -m benchmarks.draft_speed        (prints one JSON object)

The articles are built from the project's own fixtures (tests/drafting/fixtures), repeated to
about 1,000 and 50,000 words.
"""

from __future__ import annotations

import json
import resource
import statistics
import time
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "drafting" / "fixtures"
RUNS = 5


def article_of(words: int) -> str:
    """Fixture paragraphs (headlines left out) repeated until the text has ``words`` words."""
    paragraphs: list[str] = []
    for path in sorted(FIXTURES.glob("*/article.txt")):
        paragraphs += [p for p in path.read_text(encoding="utf-8").split("\n")[1:] if p.strip()]
    out: list[str] = ["Drafting speed test article"]
    count = 0
    while count < words:
        for p in paragraphs:
            out.append(p)
            count += len(p.split())
            if count >= words:
                break
    return "\n".join(out) + "\n"


def main() -> None:
    from drafting.engine import draft_text
    from drafting.nlp import load_pipeline, pipeline_name

    started = time.perf_counter()
    nlp = load_pipeline()
    load_s = time.perf_counter() - started
    small = article_of(1000)
    draft_text(small, nlp=nlp)  # warm-up: first-call allocations are not the steady state
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        draft_text(small, nlp=nlp)
        times.append(time.perf_counter() - started)
    large = article_of(50_000)
    started = time.perf_counter()
    big = draft_text(large, nlp=nlp)
    large_s = time.perf_counter() - started
    print(json.dumps({
        "pipeline": pipeline_name(),
        "load_s": load_s,
        "words_small": len(small.split()),
        "draft_small_median_s": statistics.median(times),
        "draft_small_max_s": max(times),
        "words_large": len(large.split()),
        "draft_large_s": large_s,
        "large_quotes": len(big.draft.quotes),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
