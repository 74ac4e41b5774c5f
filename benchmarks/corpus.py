"""A synthetic newsroom archive: N article folders that pass the real validator.

Deterministic for a given (N, seed): the same corpus is generated every time, so runs compare.
Actors come from one shared pool (countries, organisations affiliated with a country, people
affiliated with an organisation or a country) and are picked with a Zipf-like skew, so a few
recur in a large share of the archive, as the big names of a desk do, and most appear a
handful of times. Each article's text is written sentence by sentence from its facts, so every
quote and every evidence excerpt stands verbatim in ``article.txt``.

Per article: 8-15 actors (affiliation chains included), 4-8 topics, 10-14 positions, 2-4
quotes, 1-3 claims with 1-2 responses each, 5-9 questions (about a third answered) and 3-6
timeline events: about 32 facts and 5-6 KB of text.
"""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

GENERATOR_VERSION = 2
MANIFEST = "corpus.json"

_SYLLABLES = ("ka", "lo", "mer", "vin", "dor", "sa", "te", "rin", "bal", "cor", "el", "fa", "gu",
              "han", "is", "jo", "kel", "lu", "mar", "nor", "ov", "pel", "qua", "ros", "sul",
              "tor", "ul", "vek", "wen", "yar", "zan", "bri", "cas", "dru", "ena", "fol", "gar")
_FIRST = ("Ana", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas",
          "Kemal", "Lena", "Marco", "Nadia", "Omar", "Petra", "Quentin", "Rosa", "Sami", "Tara",
          "Umar", "Vera", "Wim", "Xenia", "Yusuf", "Zora", "Alba", "Bruno", "Chloe", "Dmitri",
          "Eva", "Felix", "Gina", "Henrik", "Ida", "Jorge", "Kira", "Luis", "Maya", "Nils",
          "Olga", "Pavel", "Rita", "Stefan", "Tomas", "Ursula", "Viktor", "Wanda", "Yara", "Zeno")
_ORG_KINDS = ("Ministry of Finance", "Ministry of Defence", "Ministry of Health", "Port Authority",
              "Central Bank", "Grain Board", "Energy Agency", "Workers Union", "Chamber of Commerce",
              "Water Council", "Rail Company", "Press Agency", "Election Commission",
              "Supreme Court", "Fisheries Office", "Mining Consortium", "Farmers League",
              "Police Service", "Housing Fund", "Broadcasting Corporation")
_TITLES = ("spokesperson", "director", "chair", "deputy head", "senior adviser", "minister",
           "secretary", "chief negotiator", "analyst", "press officer", "treasurer", "lawyer")
_ADJECTIVES = ("northern", "coastal", "rural", "federal", "regional", "offshore", "municipal",
               "public", "private", "cross-border", "seasonal", "emergency", "long-term",
               "national", "urban", "industrial", "digital", "strategic", "joint", "provincial",
               "annual", "maritime", "upland", "southern", "eastern", "western", "central",
               "renewable", "statutory", "interim")
_NOUNS = ("grain exports", "port expansion", "water rights", "fishing quotas", "fuel subsidies",
          "rail links", "pension reform", "border checks", "mining permits", "housing loans",
          "tax credits", "power grid", "wage talks", "school funding", "bridge repairs",
          "flood defences", "ferry contracts", "hospital budgets", "gas pipelines",
          "trade tariffs", "data rules", "police powers", "election law", "forest logging",
          "bank capital", "media licences", "airport noise", "river dredging", "crop insurance",
          "debt relief", "copper mines", "salt flats", "wind farms", "steel quotas",
          "shipping lanes", "tourist levies", "bus fares", "court fees", "migrant visas",
          "vaccine supply")
_VERBS = ("delay", "approve", "block", "review", "fund", "cancel", "expand", "audit", "renegotiate",
          "suspend", "publish", "extend", "cap", "freeze", "restructure")
_FILLER = ("the plan", "the proposal", "the agreement", "the budget", "the review", "the contract",
           "the inquiry", "the reform", "the ruling", "the tender", "the vote", "the settlement")
_STANCE_VERB = {"supports": "backed", "opposes": "opposed", "mixed": "had doubts about",
                "unclear": "would not be drawn on", "no-comment": "declined to comment on"}
_CUES = ("said", "told reporters", "claimed", "insisted", "warned", "added", "wrote")
_SETTINGS = ("at a press conference on Monday", "in a radio interview", "in a written statement",
             "during a parliamentary hearing", "at the opening of the session", "on Tuesday")
_OUTLETS = ("Harbour Courier", "Valley Times", "Morning Ledger", "Capital Wire", "Coast Herald",
            "Evening Post", "Northern Gazette", "Daily Register", "Plains Observer", "Metro Journal")
_WHEN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "last week", "last month",
         "earlier this year", "in the spring", "two days later")
_RESPONSE_VERB = {"rejects": "rejected", "supports": "supported", "contradicts": "contradicted"}
_STANCES = ("supports", "opposes", "mixed", "unclear", "no-comment")
_CLAIM_STATUSES = ("disputed", "unverified", "confirmed", "false")


@dataclass
class PoolActor:
    key: str
    name: str
    kind: str
    role: str | None
    affiliation: str | None
    aliases: tuple[str, ...] = ()
    intro: str = ""  # how an article introduces them (the actor's evidence)


@dataclass
class PoolTopic:
    key: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass
class Pool:
    actors: dict[str, PoolActor] = field(default_factory=dict)
    people: list[str] = field(default_factory=list)        # keys, most frequent first
    orgs: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    topics: list[PoolTopic] = field(default_factory=list)
    people_weights: list[float] = field(default_factory=list)
    org_weights: list[float] = field(default_factory=list)
    country_weights: list[float] = field(default_factory=list)
    topic_weights: list[float] = field(default_factory=list)


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(syllables))


def _zipf(count: int, exponent: float) -> list[float]:
    return [1.0 / (rank + 1) ** exponent for rank in range(count)]


def pool_sizes(n: int) -> dict[str, int]:
    """The shared pool grows with the archive, slower than it: new names keep appearing."""
    return {"countries": min(60, 6 + n // 50), "orgs": 12 + n // 10, "people": 40 + n // 2,
            "topics": 24 + n // 12}


def build_pool(n: int, seed: int) -> Pool:
    rng = random.Random(f"pool-{seed}")
    sizes = pool_sizes(n)
    pool = Pool()
    used_names: set[str] = set()

    def unique(make: object) -> str:
        for _ in range(1000):
            name = make()  # type: ignore[operator]
            if name not in used_names:
                used_names.add(name)
                return str(name)
        raise RuntimeError("name space exhausted")

    for _ in range(sizes["countries"]):
        name = unique(lambda: _word(rng, 2).capitalize() + rng.choice(("ia", "land", "stan", "a")))
        key = f"{name.lower()}"
        pool.actors[key] = PoolActor(key, name, "country", f"country in the {rng.choice(_ADJECTIVES)} region",
                                     None, aliases=(f"{name} government",), intro=name)
        pool.countries.append(key)
    for i in range(sizes["orgs"]):
        country = rng.choice(pool.countries)
        cname = pool.actors[country].name
        kind = _ORG_KINDS[i % len(_ORG_KINDS)]
        name = unique(lambda kind=kind, cname=cname: f"{cname} {kind}" if rng.random() < 0.5
                      else f"{_word(rng, 2).capitalize()} {kind}")
        key = f"o{i}-{name.lower().replace(' ', '-')}"[:40].rstrip("-")
        acronym = "".join(w[0] for w in name.split() if w[0].isupper())
        pool.actors[key] = PoolActor(key, name, "organisation", f"{kind.lower()} of {cname}",
                                     country, aliases=(acronym + str(i),), intro=f"the {name}")
        pool.orgs.append(key)
    for i in range(sizes["people"]):
        first = rng.choice(_FIRST)
        last = unique(lambda: _word(rng, rng.choice((2, 3))).capitalize())
        name = f"{first} {last}"
        parent = rng.choice(pool.orgs) if rng.random() < 0.8 else rng.choice(pool.countries)
        title = rng.choice(_TITLES)
        parent_name = pool.actors[parent].name
        key = f"p{i}-{last.lower()}"[:40]
        pool.actors[key] = PoolActor(key, name, "person", f"{title} of the {parent_name}", parent,
                                     aliases=(last,), intro=f"{parent_name} {title} {name}")
        pool.people.append(key)
    for i in range(sizes["topics"]):
        noun = _NOUNS[i % len(_NOUNS)]
        adjective = _ADJECTIVES[(i // len(_NOUNS)) % len(_ADJECTIVES)]
        extra = i // (len(_NOUNS) * len(_ADJECTIVES))
        name = f"{adjective} {noun}" + (f" {extra + 1}" if extra else "")
        key = f"t{i}-" + name.replace(" ", "-")
        pool.topics.append(PoolTopic(key[:40].rstrip("-"), name.capitalize(), aliases=(noun,)))
    # Most frequent first: a Zipf-like skew so a few names dominate and most are rare.
    pool.people_weights = _zipf(len(pool.people), 0.8)
    pool.org_weights = _zipf(len(pool.orgs), 0.8)
    pool.country_weights = _zipf(len(pool.countries), 0.8)
    pool.topic_weights = _zipf(len(pool.topics), 0.7)
    return pool


def _toml(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def _clause(rng: random.Random, topic: str) -> str:
    return f"{rng.choice(_FILLER)} on {topic} would {rng.choice(_VERBS)} {_word(rng, 3)} " \
           f"payments by {rng.randint(2, 40)} percent"


class _Sheet:
    def __init__(self) -> None:
        self.sentences: list[str] = []
        self.toml: list[str] = []

    def section(self, header: str, fields: dict[str, object]) -> None:
        self.toml.append(header)
        for key, value in fields.items():
            if value is not None:
                self.toml.append(f"{key} = {_toml(value)}")
        self.toml.append("")


def article(pool: Pool, index: int, seed: int) -> tuple[str, str, str]:
    """(slug, article.txt, facts.toml) of article number ``index``."""
    rng = random.Random(f"article-{seed}-{index}")
    topics: list[PoolTopic] = []
    for topic in rng.choices(pool.topics, weights=pool.topic_weights, k=12):
        if topic not in topics:
            topics.append(topic)
    topics = topics[:rng.randint(4, 8)]
    wanted = rng.randint(8, 15)
    chosen: dict[str, PoolActor] = {}

    def add(key: str) -> None:
        while key and key not in chosen:  # the whole affiliation chain comes along
            chosen[key] = pool.actors[key]
            key = chosen[key].affiliation or ""

    while len(chosen) < wanted:
        roll = rng.random()
        if roll < 0.6:
            add(rng.choices(pool.people, weights=pool.people_weights)[0])
        elif roll < 0.85:
            add(rng.choices(pool.orgs, weights=pool.org_weights)[0])
        else:
            add(rng.choices(pool.countries, weights=pool.country_weights)[0])
    actors = list(chosen.values())
    people = [a for a in actors if a.kind == "person"] or actors
    speakers = people + [a for a in actors if a.kind == "organisation"]
    topic_words = " and ".join(t.name.lower() for t in topics[:2])
    slug = f"a{index:05d}-" + topics[0].aliases[0].replace(" ", "-")
    title = f"{actors[0].name} and {actors[1].name} at odds over {topic_words}"
    published: object = "undated" if rng.random() < 0.03 else \
        date(2020, 1, 1) + timedelta(days=rng.randrange(6 * 365))
    s = _Sheet()
    s.sentences.append(title + ".")
    s.section("[article]", {"slug": slug, "title": title, "outlet": rng.choice(_OUTLETS),
                            "published": published, "language": "en",
                            "url": f"https://news.example.org/{slug}"})
    for a in actors:
        s.sentences.append(f"{a.intro[0].upper()}{a.intro[1:]} took part in the talks on "
                           f"{rng.choice(topics).name.lower()}.")
        s.section("[[actors]]", {"id": a.key, "name": a.name, "kind": a.kind,
                                 "aliases": list(a.aliases), "role": a.role,
                                 "affiliation": a.affiliation,
                                 "evidence": f"{a.intro[0].upper()}{a.intro[1:]} took part"})
    for t in topics:
        s.section("[[topics]]", {"id": t.key, "name": t.name, "aliases": list(t.aliases)})
    orgs = [a for a in actors if a.kind == "organisation"]
    fact = 0
    for _ in range(rng.randint(10, 14)):
        fact += 1
        who, topic, stance = rng.choice(speakers), rng.choice(topics), rng.choice(_STANCES)
        reason = _clause(rng, topic.name.lower())
        sentence = f"{who.name} {_STANCE_VERB[stance]} {topic.name.lower()}, arguing that {reason}."
        s.sentences.append(sentence)
        evidence: object = sentence if rng.random() < 0.7 else \
            [f"{who.name} {_STANCE_VERB[stance]} {topic.name.lower()}", f"arguing that {reason}"]
        via = rng.choice(orgs).key if orgs and rng.random() < 0.1 else None
        s.section("[[positions]]", {"id": f"p{fact}", "actor": who.key, "topic": topic.key,
                                    "stance": stance, "via": via,
                                    "summary": f"{stance.capitalize()} {topic.name.lower()}: "
                                               f"says {reason}.",
                                    "evidence": evidence})
    for _ in range(rng.randint(2, 4)):
        fact += 1
        who, topic, cue = rng.choice(people), rng.choice(topics), rng.choice(_CUES)
        words = f"We will not {rng.choice(_VERBS)} {topic.name.lower()} until {_clause(rng, 'it')}"
        setting = rng.choice(_SETTINGS)
        s.sentences.append(f"“{words},” {who.name} {cue} {setting}.")
        s.section("[[quotes]]", {"id": f"q{fact}", "speaker": who.key, "text": words, "cue": cue,
                                 "topic": topic.key, "setting": setting,
                                 "context": f"On {topic.name.lower()}.",
                                 "evidence": f'"{words}," {who.name} {cue}'})
    for _ in range(rng.randint(1, 3)):
        fact += 1
        who, topic = rng.choice(speakers), rng.choice(topics)
        clause = _clause(rng, topic.name.lower())
        s.sentences.append(f"{who.name} claimed that {clause}.")
        s.section("[[claims]]", {"id": f"c{fact}", "claimant": who.key, "claim": clause.capitalize() + ".",
                                 "status": rng.choice(_CLAIM_STATUSES), "topic": topic.key,
                                 "evidence": f"claimed that {clause}"})
        for _ in range(rng.randint(1, 2)):
            other, response = rng.choice(speakers), rng.choice(tuple(_RESPONSE_VERB))
            reason = _clause(rng, topic.name.lower())
            sentence = f"{other.name} {_RESPONSE_VERB[response]} the claim, saying {reason}."
            s.sentences.append(sentence)
            s.section("[[claims.responses]]", {"actor": other.key, "response": response,
                                               "summary": f"Says {reason}.", "evidence": sentence})
    for _ in range(rng.randint(5, 9)):
        fact += 1
        topic = rng.choice(topics)
        involved = list(dict.fromkeys(a.key for a in rng.sample(actors, rng.randint(1, 3))))
        verb, thing = rng.choice(_VERBS), _word(rng, 3)
        subject = chosen[involved[0]].name
        sentence = f"It is not yet known whether {subject} will {verb} the {thing} plan on " \
                   f"{topic.name.lower()}."
        s.sentences.append(sentence)
        answered = rng.random() < 0.33
        fields: dict[str, object] = {"id": f"oq{fact}",
                                     "question": f"Will {subject} {verb} the {thing} plan?",
                                     "status": "answered" if answered else "open",
                                     "topic": topic.key, "actors": involved, "evidence": sentence}
        if answered:
            answer = f"Officials later confirmed that {subject} would {verb} the {thing} plan " \
                     f"by {rng.choice(_WHEN)}."
            s.sentences.append(answer)
            fields |= {"answer": f"Yes, {subject} will {verb} it.", "answer_evidence": answer}
        s.section("[[questions]]", fields)
    for _ in range(rng.randint(3, 6)):
        fact += 1
        when = rng.choice(_WHEN)
        involved = list(dict.fromkeys(a.key for a in rng.sample(actors, rng.randint(1, 2))))
        event = f"{chosen[involved[0]].name} moved to {rng.choice(_VERBS)} the {_word(rng, 3)} " \
                f"plan on {rng.choice(topics).name.lower()}"
        s.sentences.append(f"On {when}, {event}.")
        day = date(2020, 1, 1) + timedelta(days=rng.randrange(6 * 365)) if rng.random() < 0.5 \
            else None
        s.section("[[timeline]]", {"id": f"t{fact}", "when": when, "date": day,
                                   "event": event + ".", "actors": involved,
                                   "evidence": f"On {when}, {event}"})
    # Paragraphs of a few sentences, as an article reads.
    paragraphs, current = [], []
    for sentence in s.sentences:
        current.append(sentence)
        if len(current) >= rng.randint(3, 6):
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    header = f"# Synthetic fact sheet {index} (benchmarks/corpus.py, seed {seed}).\n\n"
    return slug, "\n".join(paragraphs) + "\n", header + "\n".join(s.toml)


def generate(root: Path, n: int, seed: int = 1) -> Path:
    """Write ``n`` article folders under ``root`` (reused when already generated alike)."""
    manifest = {"version": GENERATOR_VERSION, "articles": n, "seed": seed}
    marker = root / MANIFEST
    if marker.exists() and json.loads(marker.read_text()) == manifest:
        return root
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    pool = build_pool(n, seed)
    for index in range(n):
        slug, text, facts = article(pool, index, seed)
        folder = root / slug
        folder.mkdir()
        (folder / "article.txt").write_text(text, encoding="utf-8")
        (folder / "facts.toml").write_text(facts, encoding="utf-8")
    marker.write_text(json.dumps(manifest))
    return root


def changed_folders(root: Path, fraction: float) -> list[Path]:
    """Every k-th article folder, for a reload that changes ``fraction`` of the archive."""
    folders = sorted(p for p in root.iterdir() if p.is_dir())
    step = max(1, round(1 / fraction))
    return folders[::step]


def edit(folder: Path, round_: int = 1) -> None:
    """An editor's correction: one position's summary reworded (the fact id stays)."""
    path = folder / "facts.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('summary = "', f'summary = "Corrected ({round_}): ', 1),
                    encoding="utf-8")
