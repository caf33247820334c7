"""Possible duplicates: the same joint project described by more than one of its partners.

Two organisations often report one project, each in their own words ("Kent and Medway co-responding" from the
police, "Co-responding in Kent & Medway" from fire and rescue). A reviewer is shown the projects that share an
organisation with the one in front of them and have a similar name or summary, best first. Pure functions: the
caller turns submissions and records into Candidates.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

# Thresholds, tuned on the realistic pairs in tests/unit/test_similarity.py. Partners who work together often
# run several projects in the same place, so a shared place name must not be enough ("Kent and Medway
# co-responding" and "Kent and Medway community safety" score 0.62 on name): a name alone matches only when
# it is close, a summary alone only when much of its wording is shared (different projects by the same
# partners reached 0.35, the same project told by each partner 0.55 and up), and a fairly close name needs a
# summary that backs it up. The same project is sometimes named quite differently ("Hindlip Park HQ move",
# "Shared headquarters at Hindlip": 0.36), which is why the summary can match on its own.
NAME_ALONE = 0.8
SUMMARY_ALONE = 0.45
NAME_WITH_SUMMARY = 0.7
SUMMARY_WITH_NAME = 0.3

# Ranking: the name says more than the summary, whose wording differs more between partners.
NAME_WEIGHT = 0.6

# Words that say nothing about which project this is: ordinary English, and the words every project in this
# service uses about itself and its partners ("joint", "service", "police").
_STOP_WORDS = """
    a about across after all also am an and any are as at be been before being between both but by can could
    did do does during each either for from further had has have having he her here his how i if in into is it
    its itself just may me more most much my new no nor not now of off on once one only or other our out over
    own per same she should so some such than that the their them then there these they this those through to
    too under until up upon us very via was we were what when where which while who whom why will with within
    would yet you your
    project scheme pilot programme initiative collaboration collaborative partnership partner joint shared
    combined work working together service police fire rescue ambulance constabulary force authority
    emergency organisation frs nhs trust
"""

# A word may have hyphens and apostrophes inside it, which are dropped: "co-responding" is "coresponding".
_JOINER = r"[-\u2010\u2011'\u2019]"  # hyphens and apostrophes, typed or typographic
_WORD = re.compile(rf"[a-z0-9]+(?:{_JOINER}[a-z0-9]+)*")
_JOINER_RE = re.compile(_JOINER)


@dataclass(frozen=True)
class Candidate:
    key: str  # e.g. "submission:12" or "record:4": opaque here, for the caller to find the project again
    organisation_ids: frozenset[int]  # the owning organisation plus its named partners
    name: str
    summary: str


@dataclass(frozen=True)
class Match:
    candidate: Candidate
    name_similarity: float  # 0..1
    summary_similarity: float  # 0..1
    shared_organisations: frozenset[int]
    reason: str  # for a reviewer, e.g. "Same organisations (2 in common) and a similar name"

    @property
    def score(self) -> float:
        return NAME_WEIGHT * self.name_similarity + (1 - NAME_WEIGHT) * self.summary_similarity


def possible_duplicates(subject: Candidate, others: Iterable[Candidate], *, limit: int = 5) -> list[Match]:
    """The candidates that share an organisation with `subject` and have a similar name or summary, best
    first, at most `limit` of them."""
    if limit <= 0:
        return []
    name = _Name(subject.name)
    summary = _word_counts(subject.summary)
    matches = []
    for other in others:
        shared = subject.organisation_ids & other.organisation_ids
        if not shared or other.key == subject.key:
            continue
        summary_similarity = _cosine(summary, _word_counts(other.summary))
        name_needed = _name_needed(summary_similarity)
        name_similarity = name.similarity(_Name(other.name), at_least=name_needed)
        if name_similarity >= name_needed:
            reason = _reason(subject, other, shared, name_similarity, summary_similarity)
            matches.append(Match(other, name_similarity, summary_similarity, frozenset(shared), reason))
    matches.sort(key=lambda match: (-match.score, -len(match.shared_organisations), match.candidate.key))
    return matches[:limit]


def words(text: str) -> list[str]:
    """The words of some text that say which project it is: lower case, without punctuation or stop words,
    "&" read as "and", plurals made singular."""
    stems = (_stem(word) for word in _raw_words(text))
    return [word for word in stems if word not in STOP_WORDS]


def name_similarity(first: str, second: str) -> float:
    return _Name(first).similarity(_Name(second))


def summary_similarity(first: str, second: str) -> float:
    return _cosine(_word_counts(first), _word_counts(second))


def _name_needed(summary: float) -> float:
    """How similar the names must be for a match, given how similar the summaries are."""
    if summary >= SUMMARY_ALONE:
        return 0.0
    return NAME_WITH_SUMMARY if summary >= SUMMARY_WITH_NAME else NAME_ALONE


def _raw_words(text: str) -> list[str]:
    # "&" needs no reading as "and": both only separate words ("and" is a stop word).
    return [_JOINER_RE.sub("", word) for word in _WORD.findall(text.lower())]


def _stem(word: str) -> str:
    """Plurals to singular, roughly: enough that "stations" meets "station" and "facilities" "facility"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us")):
        return word[:-1]
    return word


STOP_WORDS = frozenset(_stem(word) for word in _STOP_WORDS.split())  # as words() sees them


class _Name:
    """A project name read once, to compare with many."""

    __slots__ = ("_matchers", "in_order", "sorted", "tokens")

    def __init__(self, text: str) -> None:
        found = words(text)
        self.tokens = frozenset(found)
        self.in_order = " ".join(found)
        self.sorted = " ".join(sorted(self.tokens))
        self._matchers: tuple[SequenceMatcher[str], SequenceMatcher[str]] | None = None

    def similarity(self, other: _Name, *, at_least: float = 0.0) -> float:
        """The best of word overlap and spelling likeness (in the names' own order and word-sorted, so that
        "Medway co-responding" and "co-responding in Medway" agree). When the answer is below `at_least`, it
        may be an underestimate: the slow spelling comparison is skipped when it cannot reach that."""
        if not self.tokens or not other.tokens:
            return 0.0
        best = len(self.tokens & other.tokens) / len(self.tokens | other.tokens)
        if self._matchers is None:
            # SequenceMatcher prepares its second sequence once, for all the names compared with this one.
            self._matchers = (
                SequenceMatcher(None, b=self.in_order, autojunk=False),
                SequenceMatcher(None, b=self.sorted, autojunk=False),
            )
        for matcher, text in zip(self._matchers, (other.in_order, other.sorted), strict=True):
            matcher.set_seq1(text)
            floor = max(best, at_least)  # below this, the spelling changes nothing
            if floor < 1.0 and matcher.real_quick_ratio() >= floor and matcher.quick_ratio() >= floor:
                best = max(best, matcher.ratio())
        return best


def _word_counts(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for word, count in Counter(_raw_words(text)).items():  # each different word stemmed once
        stem = _stem(word)
        if stem not in STOP_WORDS:
            counts[stem] += count
    return counts


def _cosine(first: Counter[str], second: Counter[str]) -> float:
    if not first or not second:
        return 0.0
    if len(first) > len(second):
        first, second = second, first
    dot = sum(count * second[word] for word, count in first.items() if word in second)
    if not dot:
        return 0.0
    norms = math.sqrt(sum(c * c for c in first.values())) * math.sqrt(sum(c * c for c in second.values()))
    return min(1.0, dot / norms)


def _reason(subject: Candidate, other: Candidate, shared: frozenset[int], name: float, summary: float) -> str:
    count = len(shared)
    if subject.organisation_ids == other.organisation_ids:
        organisations = f"Same organisations ({count} in common)"
    else:
        organisations = f"{count} organisation{'s' if count != 1 else ''} in common"
    similar_name = name >= NAME_WITH_SUMMARY
    similar_summary = summary >= SUMMARY_WITH_NAME
    name_words = "the same name" if name == 1.0 else "a similar name"
    if similar_name and similar_summary:
        text = f"{name_words} and a similar summary"
    elif similar_name:
        text = name_words
    else:
        text = "a similar summary"
    return f"{organisations}, {text}" if " and " in text else f"{organisations} and {text}"
