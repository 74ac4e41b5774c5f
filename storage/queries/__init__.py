"""Every question the bot answers, as one async function returning a plain result object.

planner (the statements of a page of facts, composed from parts) -> options (names resolved to
parts) -> items (rows to result objects) -> facts, profile, lookup (the questions).
"""

from storage.queries.brief import brief
from storage.queries.facts import claims, positions, questions, quotes, timeline
from storage.queries.lookup import HIT_END, HIT_START, articles, fact_ids, search, source
from storage.queries.profile import who

__all__ = ["HIT_END", "HIT_START", "articles", "brief", "claims", "fact_ids", "positions", "questions",
           "quotes", "search", "source", "timeline", "who"]
