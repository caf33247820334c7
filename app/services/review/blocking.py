"""Which pairs of projects the duplicate scorer compares, and their scores, without comparing every pair.

Two projects whose names each name a place (or other proper noun) that the other never mentions are never
offered as a pair (similarity.py). So only pairs that pass that test are scored: the rows whose text mentions
a project's rarest place are found through an inverted index, and the test is then made in NumPy for all of
those pairs at once. Projects naming no place at all are compared with each other as before (all against
all, natively). The scores of the pairs found (the names by rapidfuzz's native scorers, the summaries as
sparse TF-IDF products) are worked out a whole array at a time: checking 5,000 rows compares a few hundred
thousand pairs rather than twelve million, and no pair is scored in a Python loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from rapidfuzz import fuzz, process

Pairs = tuple[np.ndarray, np.ndarray]  # (first, second) positions, first < second
BLOCK = 500  # rows whose names are compared with all the others at once


def place_pairs(places: Sequence[frozenset[str]], texts: Sequence[frozenset[str]], among: int) -> Pairs:
    """Every pair (first < second, first < among) in which at least one project names a place, and each
    project's places are all words of the other's text."""
    count = len(places)
    vocabulary: dict[str, int] = {}
    for found in places:
        for word in found:
            vocabulary.setdefault(word, len(vocabulary))
    size = max(len(vocabulary), 1)
    # Which place words each text holds, as sorted keys row * size + word.
    has = np.array(
        sorted(i * size + vocabulary[w] for i, text in enumerate(texts) for w in text if w in vocabulary),
        dtype=np.int64,
    )
    holders = np.bincount(has % size, minlength=size) if len(has) else np.zeros(size, dtype=np.int64)
    by_word = has[np.argsort(has % size, kind="stable")] // size  # rows holding each word, word by word
    starts = np.concatenate(([0], np.cumsum(holders)))
    widest = max((len(found) for found in places), default=0)
    padded = np.full((count, max(widest, 1)), -1, dtype=np.int64)
    rarest: dict[int, list[int]] = {}  # a place word -> the rows for which it is the rarest place named
    for row, found in enumerate(places):
        ids = sorted(vocabulary[w] for w in found)
        padded[row, : len(ids)] = ids
        if ids:
            rarest.setdefault(min(ids, key=lambda w: (holders[w], w)), []).append(row)
    firsts, seconds = [], []
    for place, rows in rarest.items():
        others = by_word[starts[place] : starts[place + 1]]
        firsts.append(np.repeat(np.array(rows, dtype=np.int64), len(others)))
        seconds.append(np.tile(others, len(rows)))
    if not firsts:
        return _empty()
    first, second = np.concatenate(firsts), np.concatenate(seconds)
    first, second = np.minimum(first, second), np.maximum(first, second)
    keep = (first != second) & (first < among)
    first, second = first[keep], second[keep]
    for slot in range(padded.shape[1]):
        keep = _holds(has, size, second, padded[first, slot]) & _holds(has, size, first, padded[second, slot])
        first, second = first[keep], second[keep]
    return _unique(first, second, count)


def all_pairs(rows: Sequence[int], among: int) -> Pairs:
    """Every pair of the given rows (first < second, first < among)."""
    ids = np.array(sorted(rows), dtype=np.int64)
    a, b = np.triu_indices(len(ids), k=1)
    first, second = ids[a], ids[b]
    keep = first < among
    return first[keep], second[keep]


def name_scores(processed: Sequence[str], pairs: Pairs, scorer: Callable[..., float]) -> np.ndarray:
    """A rapidfuzz scorer (0..100) of each pair's processed names, natively."""
    first, second = pairs
    if not len(first):
        return np.zeros(0)
    return process.cpdist(
        [processed[i] for i in first],
        [processed[j] for j in second],
        scorer=scorer,
        dtype=np.float64,
        workers=-1,
    )


def token_set(processed: Sequence[str], pairs: Pairs) -> np.ndarray:
    return name_scores(processed, pairs, fuzz.token_set_ratio)


def token_sort(processed: Sequence[str], pairs: Pairs) -> np.ndarray:
    return name_scores(processed, pairs, fuzz.token_sort_ratio)


class SparseVectors:
    """Unit-length TF-IDF vectors (word -> weight dicts) as sorted arrays, for products of many pairs."""

    def __init__(self, vectors: Sequence[dict[str, float]]):
        vocabulary: dict[str, int] = {}
        for vector in vectors:
            for word in vector:
                vocabulary.setdefault(word, len(vocabulary))
        self.size = max(len(vocabulary), 1)
        self.frequency = np.zeros(self.size, dtype=np.int64)
        lengths: list[int] = []
        words: list[int] = []
        weights: list[float] = []
        for vector in vectors:
            entries = sorted((vocabulary[w], x) for w, x in vector.items())
            lengths.append(len(entries))
            words.extend(w for w, _ in entries)
            weights.extend(x for _, x in entries)
        self.words = np.array(words, dtype=np.int64)
        self.weights = np.array(weights, dtype=np.float64)
        np.add.at(self.frequency, self.words, 1)
        self.starts = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        self._rare: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def products(self, pairs: Pairs, *, most_frequent: int | None = None) -> np.ndarray:
        """Each pair's dot product; with `most_frequent`, counting only words in at most that many texts."""
        first, second = pairs
        if not len(first):
            return np.zeros(0)
        arrays = self._arrays(most_frequent)
        keys_a, weights_a, pair_a = _expand(arrays, first, self.size)
        keys_b, weights_b, _ = _expand(arrays, second, self.size)
        if not len(keys_a) or not len(keys_b):
            return np.zeros(len(first))
        # Both key arrays are sorted (pair by pair, each text's words in order): match them by search.
        places = np.minimum(np.searchsorted(keys_b, keys_a), len(keys_b) - 1)
        matched = keys_b[places] == keys_a
        products = weights_a[matched] * weights_b[places[matched]]
        total = np.bincount(pair_a[matched], weights=products, minlength=len(first))
        return np.minimum(total, 1.0)

    def _arrays(self, most_frequent: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(starts, words, weights), with only the words in at most `most_frequent` texts if given."""
        if most_frequent is None:
            return self.starts, self.words, self.weights
        if most_frequent not in self._rare:
            keep = self.frequency[self.words] <= most_frequent
            kept = np.concatenate(([0], np.cumsum(keep))).astype(np.int64)
            self._rare[most_frequent] = (kept[self.starts], self.words[keep], self.weights[keep])
        return self._rare[most_frequent]


def _expand(arrays: tuple[np.ndarray, ...], rows: np.ndarray, size: int) -> tuple[np.ndarray, ...]:
    """The entries of the given rows' vectors, one after another: (pair * size + word, weight, pair)."""
    starts, words, weights = arrays
    lengths = starts[rows + 1] - starts[rows]
    pair = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
    offsets = np.arange(len(pair), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    entries = np.repeat(starts[rows], lengths) + offsets
    return pair * size + words[entries], weights[entries], pair


def close_names(processed: Sequence[str], rows: Sequence[int], among: int, at_least: float) -> Pairs:
    """The pairs of the given rows (first < second, first < among) whose names' token-set ratio reaches
    `at_least` (0..100), all against all, natively, a block of rows at a time."""
    ids = np.array(sorted(rows), dtype=np.int64)
    texts = [processed[i] for i in ids]
    leading = int(np.count_nonzero(ids < among))
    firsts, seconds = [], []
    for start in range(0, leading, BLOCK):
        scores = process.cdist(
            texts[start : min(start + BLOCK, leading)],
            texts[start:],
            scorer=fuzz.token_set_ratio,
            score_cutoff=at_least,
            dtype=np.uint8,
            workers=-1,
        )
        a, b = np.nonzero(scores)
        keep = a < b
        firsts.append(ids[a[keep] + start])
        seconds.append(ids[b[keep] + start])
    if not firsts:
        return _empty()
    return np.concatenate(firsts), np.concatenate(seconds)


def shared_words(vectors: SparseVectors, rows: Sequence[int], among: int, most_frequent: int) -> Pairs:
    """The pairs of the given rows (first < second, first < among) whose texts share a word found in at
    most `most_frequent` texts."""
    chosen = np.array(sorted(rows), dtype=np.int64)
    lengths = vectors.starts[chosen + 1] - vectors.starts[chosen]
    owners = np.repeat(chosen, lengths)
    offsets = np.arange(len(owners), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    words = vectors.words[np.repeat(vectors.starts[chosen], lengths) + offsets]
    keep = vectors.frequency[words] <= most_frequent
    owners, words = owners[keep], words[keep]
    order = np.argsort(words, kind="stable")
    owners, words = owners[order], words[order]
    bounds = np.flatnonzero(np.diff(words)) + 1
    firsts, seconds = [], []
    for group in np.split(owners, bounds):
        if len(group) > 1:
            a, b = np.triu_indices(len(group), k=1)
            keep = group[a] < among
            firsts.append(group[a][keep])
            seconds.append(group[b][keep])
    if not firsts:
        return _empty()
    return np.concatenate(firsts), np.concatenate(seconds)


def merge(*found: Pairs, count: int) -> Pairs:
    firsts = [f for f, _ in found if len(f)]
    if not firsts:
        return _empty()
    seconds = [s for f, s in found if len(f)]
    return _unique(np.concatenate(firsts), np.concatenate(seconds), count)


def _holds(has: np.ndarray, size: int, rows: np.ndarray, words: np.ndarray) -> np.ndarray:
    """Whether each row's text holds each word (a word of -1: nothing to hold, so yes)."""
    if not len(has):
        return words < 0
    keys = rows * size + words
    places = np.minimum(np.searchsorted(has, keys), len(has) - 1)
    held: np.ndarray = (words < 0) | (has[places] == keys)
    return held


def _unique(first: np.ndarray, second: np.ndarray, count: int) -> Pairs:
    keys = np.unique(first.astype(np.int64) * max(count, 1) + second)
    return keys // max(count, 1), keys % max(count, 1)


def _empty() -> Pairs:
    return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
