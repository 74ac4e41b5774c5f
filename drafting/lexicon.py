"""The words the attribution rules look for: verbs of speech and belief, pronouns, the nouns
that describe a person. One place, so the rules and the actor finder agree."""

from __future__ import annotations

from spacy.tokens import Token

from drafting.excerpts import vocabulary

SPEECH_VERBS = vocabulary("""
say tell add claim assert state argue insist note explain write tweet declare announce warn
suggest conclude reply respond recall acknowledge admit ask answer complain predict promise vow
emphasize emphasise stress quip joke remark observe comment report testify describe deny contend
maintain allege concede boast proclaim urge pledge charge accuse counter retort mention post
lament muse shout yell scream whisper cry continue caution confirm reiterate reveal disclose
brag grumble mutter agree disagree object protest point thunder blast slam hit fire criticize
criticise praise call dismiss reject indicate signal believe think feel hope fear expect
read chant echo mouth tout decry refer portray dub label brand deem term characterize
characterise mock exclaim speak plead bark grouse beam ponder lecture snap fume rail gripe gush
interject interrupt marvel wonder chide scold tease vent rant preach intone thank apologize
apologise quote retaliate beg demand insult taunt scoff sneer recount credit blame
""")
# Verbs whose clause is a claim reported in indirect speech (a subset, plus verbs of belief
# and knowledge that PolNeAR also counts as attributions).
CLAIM_VERBS = vocabulary("""
say tell claim assert state argue insist note explain write tweet declare announce warn suggest
conclude reply respond acknowledge admit predict promise vow emphasize emphasise stress remark
report testify deny contend maintain allege concede boast proclaim pledge charge accuse counter
mention reveal disclose confirm reiterate indicate signal believe think feel hope fear expect
know say argue add recall agree complain point show find estimate project predict
""")
# Subjects the parser sometimes gives a speech verb that are never its speaker.
NOT_SPEAKERS = frozenset(("headline", "title", "latest", "update", "transcript", "excerpt"))
RELATIVE = frozenset(("who", "that", "which"))
PERSON_PRONOUNS = {"he": "he", "him": "he", "she": "she", "her": "she"}
GROUP_PRONOUNS = {"they", "them", "it", "we"}
# Heads of descriptions that stand for a person ("the spokesman said").
PERSON_NOUNS = vocabulary("""
spokesman spokeswoman spokesperson official candidate nominee senator governor president minister
secretary mogul billionaire businessman businesswoman lawmaker congressman congresswoman mayor
chairman chairwoman director adviser advisor aide strategist manager leader chief executive
ambassador diplomat analyst expert professor lawyer attorney judge general commander officer
spokesperson representative member democrat republican frontrunner front-runner challenger
incumbent host anchor reporter author economist pollster founder ceo source tycoon magnate mogul
star actor actress singer pastor reverend activist businessman entrepreneur billionaire
millionaire developer veteran spokesperson commentator columnist editor writer historian
scientist researcher doctor physician nurse teacher student worker farmer resident voter
supporter critic opponent rival ally friend wife husband mother father son daughter brother
sister organizer organiser protester witness victim official operative surrogate staffer
""")
# Plural and collective nouns for people who speak ("officials said", "aides say").
GROUP_NOUNS = vocabulary("""
official aide source critic supporter voter resident people analyst expert observer lawmaker
legislator democrat republican conservative liberal leader member staff protester activist
organizer organiser insider adviser advisor operative strategist donor delegate
""")
# Nouns for organisations that speak ("the campaign said", "the newspaper reported").
ORG_NOUNS = vocabulary("""
campaign committee newspaper paper network agency administration department ministry government
party group company firm organization organisation union council court office board
association commission bureau outlet station channel magazine website team
""")



# Present-tense cues the tagger sometimes reads as plural nouns ("“...,” Okafor notes.").
MISTAGGED = vocabulary("""says notes adds writes explains warns recalls argues insists continues
concludes observes admits agrees tweets""")


def is_cue(token: Token) -> bool:
    """A verb that reports speech: one of SPEECH_VERBS, or "went on" ("“...,” Trump went on")."""
    if token.pos_ in ("NOUN", "PROPN") and token.lower_ in MISTAGGED:
        return True
    if token.pos_ not in ("VERB", "AUX"):
        return False
    if token.lemma_ in SPEECH_VERBS:
        return True
    particles = {c.lower_ for c in token.children if c.dep_ in ("prt", "advmod")}
    if token.lemma_ == "put" and any(c.dep_ == "dobj" and c.lower_ == "it" for c in token.children):
        return True  # "as Okafor put it: “...”"
    return (token.lemma_ == "go" and "on" in particles) or (
        token.lemma_ in ("shoot", "fire", "hit", "push", "strike") and "back" in particles)


__all__ = [
    "CLAIM_VERBS",
    "GROUP_NOUNS",
    "GROUP_PRONOUNS",
    "NOT_SPEAKERS",
    "ORG_NOUNS",
    "PERSON_NOUNS",
    "PERSON_PRONOUNS",
    "RELATIVE",
    "SPEECH_VERBS",
    "is_cue",
]
