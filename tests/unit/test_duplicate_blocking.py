"""The duplicate scorer compares only the pairs that could be duplicates: the pairs it leaves out are ones
it would never offer (its speed is measured in bench/history_import.py)."""

from __future__ import annotations

import itertools

import pytest

from app.services.review import blocking, similarity
from bench import surveymonkey_history as history


def export(rows: int, seed: int) -> tuple[list[str], list[str]]:
    made = [r for r in history.generate(rows, seed=seed) if r.kind not in ("test", "blank")]
    return [r.cells.get("name", "") for r in made], [r.cells.get("summary", "") for r in made]


@pytest.mark.parametrize("seed", [2017, 3])
def test_the_pairs_found_through_places_are_every_pair_whose_places_agree(seed):
    names, summaries = export(200, seed)
    places = [similarity._places(n, s) for n, s in zip(names, summaries, strict=True)]
    texts = [similarity._text_words(n, s) for n, s in zip(names, summaries, strict=True)]
    among = 150

    first, second = blocking.place_pairs(places, texts, among)

    expected = {
        (i, j)
        for i, j in itertools.combinations(range(len(names)), 2)
        if i < among and (places[i] or places[j]) and places[i] <= texts[j] and places[j] <= texts[i]
    }
    assert set(zip(first.tolist(), second.tolist(), strict=True)) == expected


def test_projects_naming_no_place_find_the_same_pairs_however_many_there_are(monkeypatch):
    names, summaries = export(320, 1)
    names = [" ".join(w for w in n.split() if not w[:1].isupper()) or n for n in names]
    found = similarity.likely_pairs(names, summaries, among=300)

    monkeypatch.setattr(similarity, "ALL_PAIRS_UP_TO", 0)  # through close names and shared rare words

    assert similarity.likely_pairs(names, summaries, among=300) == found
    assert found


def test_the_scores_of_the_pairs_offered_are_those_of_the_scorer_for_one_pair():
    names, summaries = export(320, 2)
    corpus = similarity._tfidf(summaries)

    for pair in similarity.likely_pairs(names, summaries)[:40]:
        assert pair.name_similarity == round(
            similarity.name_similarity(names[pair.first], names[pair.second]), 3
        )
        cosine = similarity._cosine(corpus[pair.first], corpus[pair.second])
        assert pair.summary_similarity == pytest.approx(round(cosine, 3), abs=0.0011)
