"""Organisations named as people type them, matched to the directory without guessing.

A name matches when, read the way people mean it, it is exactly one organisation's name or one of its other
names (the aliases and former names kept in the organisations seed data and edited by administrators):
"&" is "and", "the" and "Service(s)", "NHS (Foundation) Trust" and "University" say nothing, "Constabulary"
is "Police", and "Office of the Police and Crime Commissioner for Kent" is "Kent Police and Crime
Commissioner". A name that matches nothing, or more than one organisation, is not matched: the closest real
organisations are offered (rapidfuzz), for a person to choose one or keep the name as given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process, utils

CANDIDATES = 3
CANDIDATE_CUTOFF = 60  # rapidfuzz's 0..100: below this a name is not offered at all

_PUNCTUATION = re.compile(r"[^\w\s]")
_NOISE = {"the", "service", "services", "nhs", "foundation", "trust", "university", "force", "hq"}
_PCC = [
    re.compile(r"^(?:office of )?(?:the )?police and crime commissioner (?:for|of) (?P<area>.+)$"),
    re.compile(r"^(?:office of )?(?:the )?police fire and crime commissioner (?:for|of) (?P<area>.+)$"),
    re.compile(r"^o?pcc (?:for|of) (?P<area>.+)$"),
    re.compile(r"^(?P<area>.+?) o?pcc$"),
    re.compile(r"^(?P<area>.+?) office of (?:the )?police and crime commissioner$"),
]


@dataclass(frozen=True)
class Known:
    """An organisation as matching sees it."""

    id: int
    name: str
    sector: str
    aliases: tuple[str, ...] = ()


def name_key(name: str) -> str:
    """A name read the way people mean it: "The Kent Fire & Rescue Services" is "kent fire and rescue"."""
    text = name.casefold().replace("\u00a0", " ").replace("&", " and ").replace("'", "").replace("\u2019", "")
    text = text.replace("-", " ")
    words = [w for w in _PUNCTUATION.sub(" ", text).split() if w not in _NOISE]
    joined = " ".join(words)
    joined = re.sub(r"\bconstabulary\b", "police", joined)
    joined = re.sub(r"\bfrs\b", "fire and rescue", joined)
    joined = re.sub(r"\bfire rescue\b", "fire and rescue", joined)
    for pattern in _PCC:
        if match := pattern.match(joined):
            return f"{match.group('area')} police and crime commissioner"
    return joined.replace("police fire and crime commissioner", "police and crime commissioner")


class OrganisationMatcher:
    """Finds organisations by name, alias or former name; offers the closest when none matches."""

    def __init__(self, organisations: Iterable[Known]):
        self.organisations = {o.id: o for o in organisations}
        self._by_key: dict[str, set[int]] = {}
        self._choices: list[str] = []
        self._choice_ids: list[int] = []
        for organisation in self.organisations.values():
            for name in (organisation.name, *organisation.aliases):
                key = name_key(name)
                if not key:
                    continue
                self._by_key.setdefault(key, set()).add(organisation.id)
                self._choices.append(utils.default_process(name))
                self._choice_ids.append(organisation.id)
        self._cache: dict[str, Known | None] = {}

    def find(self, name: str) -> Known | None:
        """The one organisation this name means, or None (no organisation, or more than one)."""
        if name in self._cache:
            return self._cache[name]
        ids = self._by_key.get(name_key(name), set())
        found = self.organisations[next(iter(ids))] if len(ids) == 1 else None
        self._cache[name] = found
        return found

    def candidates(self, name: str, limit: int = CANDIDATES) -> list[Known]:
        """The organisations closest to a name that matched none, best first: never a match, an offer."""
        query = utils.default_process(name)
        if not query:
            return []
        scored = process.extract(
            query, self._choices, scorer=fuzz.WRatio, limit=limit * 6, score_cutoff=CANDIDATE_CUTOFF
        )
        seen: list[Known] = []
        for _choice, _score, index in scored:
            organisation = self.organisations[self._choice_ids[index]]
            if organisation not in seen:
                seen.append(organisation)
            if len(seen) == limit:
                break
        return seen


def known_from(options: Sequence[Any], aliases: dict[int, Sequence[str]]) -> list[Known]:
    """Organisation picker options (id, name, sector) with each one's other names."""
    return [Known(o.id, o.name, o.sector, tuple(aliases.get(o.id, ()))) for o in options]
