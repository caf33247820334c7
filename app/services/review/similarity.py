"""Possible duplicates: the same joint project described by more than one of its partners, whoever sent it.

Two organisations often report one project, each in their own words and each naming itself as the lead
("Kent and Medway co-responding" from the police, "Co-responding in Kent & Medway" from fire and rescue). One
scorer, used by the import check (a file's rows with each other and with the records) and by the review
queue, compares names and summaries only, never organisations:

- names with rapidfuzz (the mean of its token-set and token-sort ratios, after stop words are taken out, so
  that word order, "&" and "project" do not matter);
- summaries by TF-IDF cosine, the weights learnt from the texts being compared, so that words every project
  uses ("firefighters", "partners") count for little and a project's own words ("Hindlip", "defibrillators",
  "section 136") for much. Written here in a few lines of NumPy rather than with scikit-learn (a 40 MB
  dependency for one vectoriser).

Only pairs that could be duplicates are scored (blocking.py): two projects whose names each name a place
the other never mentions are two projects, so checking 5,000 rows scores a few hundred thousand pairs found
through an index of places, a whole array at a time, rather than twelve million.

Thresholds were tuned on the labelled exports of bench/surveymonkey_history.py (pairs and triples of
reworded duplicates, and look-alikes of the same town and theme): precision and recall are in bench/README.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz

from app.services.review import blocking

# A pair is a likely duplicate when the names are close, the summaries share much rare wording, or both
# are fairly close.
NAME_ALONE = 0.85
SUMMARY_ALONE = 0.5
NAME_WITH_SUMMARY = 0.6
SUMMARY_WITH_NAME = 0.35
NAME_WEIGHT = 0.5  # ranking: name and summary count alike
# A word in more than this share of the summaries is too common to suggest a pair on its own.
COMMON_SHARE = 0.05
SMALL_CORPUS = 20
# Projects naming no place are compared all against all up to this many, else through close names and
# shared rare words.
ALL_PAIRS_UP_TO = 600

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
_INNER_JOINER = re.compile(rf"(?<=[a-z0-9]){_JOINER}(?=[a-z0-9])")
_PLAIN_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Candidate:
    key: str  # e.g. "submission:12" or "record:4": opaque here, for the caller to find the project again
    organisation_ids: frozenset[int]  # the owning organisation plus its named partners (for the reason only)
    name: str
    summary: str


@dataclass(frozen=True)
class Match:
    candidate: Candidate
    name_similarity: float  # 0..1
    summary_similarity: float  # 0..1
    shared_organisations: frozenset[int]
    reason: str  # for a reviewer, e.g. "A similar name and a similar summary"

    @property
    def score(self) -> float:
        return NAME_WEIGHT * self.name_similarity + (1 - NAME_WEIGHT) * self.summary_similarity


@dataclass(frozen=True)
class Pair:
    first: int  # positions in the list compared
    second: int
    name_similarity: float
    summary_similarity: float

    @property
    def score(self) -> float:
        return NAME_WEIGHT * self.name_similarity + (1 - NAME_WEIGHT) * self.summary_similarity


def is_likely(name: float, summary: float) -> bool:
    return (
        name >= NAME_ALONE
        or summary >= SUMMARY_ALONE
        or (name >= NAME_WITH_SUMMARY and summary >= SUMMARY_WITH_NAME)
    )


def likely_pairs(names: Sequence[str], summaries: Sequence[str], *, among: int | None = None) -> list[Pair]:
    """The likely duplicate pairs of a list of projects, best first. With `among`, only pairs that include
    one of the first `among` projects (the file's rows, compared with each other and with the records that
    follow them); the rest are not compared with each other."""
    count = len(names)
    if count < 2:
        return []
    among = count if among is None else among
    processed = [_name_text(name) for name in names]
    vectors = blocking.SparseVectors(_tfidf(summaries))
    places = [_places(name, summary) for name, summary in zip(names, summaries, strict=True)]
    texts = [_text_words(name, summary) for name, summary in zip(names, summaries, strict=True)]
    common = max(20, int(COMMON_SHARE * count))
    # Only pairs in which neither names a place (or thing) the other never mentions: others are two
    # projects alike. Of those, the candidates are as they always were: names whose token-set ratio (never
    # below the score used) reaches the bar, or summaries whose rare shared words reach half of theirs.
    placeless = [i for i, found in enumerate(places) if not found]
    if len(placeless) <= ALL_PAIRS_UP_TO:
        unplaced = blocking.all_pairs(placeless, among)
    else:
        unplaced = blocking.merge(
            blocking.close_names(processed, placeless, among, NAME_WITH_SUMMARY * 100),
            blocking.shared_words(vectors, placeless, among, common),
            count=count,
        )
    first, second = blocking.merge(blocking.place_pairs(places, texts, among), unplaced, count=count)
    token_set = blocking.token_set(processed, (first, second))
    rare = vectors.products((first, second), most_frequent=common)
    keep = (token_set >= NAME_WITH_SUMMARY * 100) | (rare >= SUMMARY_WITH_NAME / 2)
    first, second, token_set = first[keep], second[keep], token_set[keep]
    unnamed = np.array([not text for text in processed])
    named = ~(unnamed[first] | unnamed[second])
    name = (token_set + blocking.token_sort(processed, (first, second))) / 200 * named
    summary = vectors.products((first, second))
    likely = (
        (name >= NAME_ALONE)
        | (summary >= SUMMARY_ALONE)
        | ((name >= NAME_WITH_SUMMARY) & (summary >= SUMMARY_WITH_NAME))
    )
    pairs = [
        Pair(int(i), int(j), round(float(n), 3), round(float(s), 3))
        for i, j, n, s in zip(first[likely], second[likely], name[likely], summary[likely], strict=True)
    ]
    pairs.sort(key=lambda p: (-p.score, p.first, p.second))
    return pairs


def possible_duplicates(subject: Candidate, others: Iterable[Candidate], *, limit: int = 5) -> list[Match]:
    """The candidates whose name or summary is likely the same project as `subject`'s, whatever
    organisations they name, best first, at most `limit` of them."""
    if limit <= 0:
        return []
    others = [o for o in others if o.key != subject.key]
    pairs = likely_pairs(
        [subject.name, *(o.name for o in others)], [subject.summary, *(o.summary for o in others)], among=1
    )
    matches = []
    for pair in pairs:
        other = others[pair.second - 1]
        shared = subject.organisation_ids & other.organisation_ids
        reason = _reason(shared, pair.name_similarity, pair.summary_similarity)
        matches.append(Match(other, pair.name_similarity, pair.summary_similarity, frozenset(shared), reason))
    matches.sort(key=lambda match: (-match.score, match.candidate.key))
    return matches[:limit]


def words(text: str) -> list[str]:
    """The words of some text that say which project it is: lower case, without punctuation or stop words,
    "&" read as "and", plurals made singular."""
    return list(_words(text))


@lru_cache(maxsize=20_000)  # the review queue compares the same records' texts again and again
def _words(text: str) -> tuple[str, ...]:
    stems = (_stem(word) for word in _raw_words(text))
    return tuple(word for word in stems if word not in STOP_WORDS)


def name_similarity(first: str, second: str) -> float:
    return _name_scorer(_name_text(first), _name_text(second)) / 100


def summary_similarity(first: str, second: str, corpus: Sequence[str] = ()) -> float:
    """TF-IDF cosine of two summaries, the weights from `corpus` with the two (alone, every shared word
    weighs the same)."""
    vectors = _tfidf([first, second, *corpus])
    return round(_cosine(vectors[0], vectors[1]), 3)


_PROPER = re.compile(r"\b[A-Z][a-z]+(?:[-'][A-Za-z]+)*\b")
_GENERIC = frozenset(
    [
        "Joint",
        "Shared",
        "Combined",
        "Tri",
        "Blue",
        "Light",
        "Emergency",
        "Services",
        "Service",
        "Fire",
        "Police",
        "Ambulance",
        "Rescue",
        "Project",
        "Pilot",
        "Scheme",
        "Programme",
        "Team",
        "Hub",
        "Station",
        "Centre",
        "Headquarters",
        "Collaboration",
        "Partnership",
        "Safe",
        "Well",
    ]
)


_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+)([A-Z][a-z]+(?:[-'][A-Za-z]+)*)")


@lru_cache(maxsize=20_000)
def _places(name: str, summary: str) -> frozenset[str]:
    """The names of places (and other proper nouns) in a project's name: capitalised words that are not the
    usual words of project names, and not merely the first word of the name, unless the summary writes them
    capitalised too mid-sentence ("Harrogate falls team ... in Harrogate"). Two projects that each name a
    place the other never mentions are two projects, however alike their wording."""
    words_in_name = _PROPER.findall(name)
    first = words_in_name[0] if words_in_name and name.lstrip().startswith(words_in_name[0]) else None
    sentence_starts = set(_SENTENCE_START.findall(summary))
    in_summary = set(_PROPER.findall(summary)) - sentence_starts
    found = set()
    for word in words_in_name:
        if word in _GENERIC or word.lower() in STOP_WORDS or len(word) < 3:
            continue
        if word == first and word not in in_summary:
            continue
        found.add(_JOINER_RE.sub("", word.lower()))
    return frozenset(found)


def _name_text(name: str) -> str:
    return " ".join(words(name))


def _name_scorer(
    first: str,
    second: str,
    *,
    processor: Callable[[str], str] | None = None,
    score_cutoff: float | None = None,
) -> float:
    if not first or not second:
        return 0.0
    score = (fuzz.token_set_ratio(first, second) + fuzz.token_sort_ratio(first, second)) / 2
    return score if score_cutoff is None or score >= score_cutoff else 0.0


@lru_cache(maxsize=20_000)
def _text_words(name: str, summary: str) -> frozenset[str]:
    return frozenset(_raw_words(f"{name} {summary}"))


def _raw_words(text: str) -> list[str]:
    # "&" needs no reading as "and": both only separate words ("and" is a stop word).
    # A hyphen or apostrophe inside a word joins it ("co-responding" is "coresponding"); elsewhere it only
    # separates words, as a space does.
    return _PLAIN_WORD.findall(_INNER_JOINER.sub("", text.lower()))


def _stem(word: str) -> str:
    """Plurals to singular, roughly: enough that "stations" meets "station" and "facilities" "facility"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us")):
        return word[:-1]
    return word


STOP_WORDS = frozenset(_stem(word) for word in _STOP_WORDS.split())  # as words() sees them


def _tfidf(texts: Sequence[str]) -> list[dict[str, float]]:
    """Each text as unit-length TF-IDF weights (sublinear term frequency, smoothed IDF)."""
    counts = [Counter(_words(text)) for text in texts]
    frequency: Counter[str] = Counter()
    for count in counts:
        frequency.update(count.keys())
    total = len(texts)
    if total < SMALL_CORPUS:  # too few texts to learn which words are common: every word weighs the same
        idf = dict.fromkeys(frequency, 1.0)
    else:
        idf = {word: math.log((1 + total) / (1 + df)) + 1 for word, df in frequency.items()}
    vectors = []
    for count in counts:
        weights = {word: (1 + math.log(n)) * idf[word] for word, n in count.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vectors.append({word: w / norm for word, w in weights.items()})
    return vectors


def _cosine(first: dict[str, float], second: dict[str, float]) -> float:
    if len(first) > len(second):
        first, second = second, first
    return min(1.0, sum(w * second[word] for word, w in first.items() if word in second))


def _reason(shared: frozenset[int], name: float, summary: float) -> str:
    similar_name = name >= NAME_WITH_SUMMARY
    similar_summary = summary >= SUMMARY_WITH_NAME
    name_words = "The same name" if name == 1.0 else "A similar name"
    if similar_name and similar_summary:
        text = f"{name_words} and a similar summary"
    elif similar_name:
        text = name_words
    else:
        text = "A similar summary"
    if shared:
        count = len(shared)
        return f"{text}; {count} organisation{'s' if count != 1 else ''} in common"
    return f"{text}; no organisation in common"
