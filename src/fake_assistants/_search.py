"""Ranked search over chunks: what a vector store's file_search finds.

Okapi BM25 (k1=1.2, b=0.75) over an inverted index, written here rather than taken from
a library. `rank_bm25` is unmaintained (last release 2022), needs numpy and scores every
chunk in a Python loop per query term (~29 ms a query at 20,000 chunks). `bm25s` is
maintained and fast (~0.3 ms a query at 20,000 chunks of benchmarks/bench_search.py) but
needs numpy (~70 MB installed, compiled) in a test fake that needs no compiled code so
far, imports numba, scipy and tqdm whenever they are installed, and can only re-index the
whole corpus after any change. Here adds and removes cost the chunks changed, a query
costs the postings of its terms (~2 ms at 20,000 chunks, ~0.06 ms at 200), and the
arithmetic is plain float64 in a fixed order, so results are the same in every process.

The service's search is a vector search whose default `score_threshold` is 0: it always
returns the nearest chunks, even ones sharing no word with the question. So BM25 ranks
first, and every other chunk follows, ranked by how closely its words resemble the
question's (the Dice coefficient of their character trigrams, so "badge" is near
"badges" and "analyst" near "analysis"); a chunk resembling nothing scores 0.

Scores are in [0, 1]. A BM25 match's ratio `r` (BM25 divided by the score of an
average-length chunk holding every query term once) maps onto (0.2, 1) so that such a
chunk scores 0.75, near what the service reports for a good match; the rest, scored the
same way with resembling words in place of the query's, map onto [0, 0.2).
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import count, islice

from ._default_reply import _TOKEN  # the regex behind count_tokens: one tokenizer for all

K1 = 1.2
B = 0.75
MATCHED = 0.2  # BM25 matches score above this; chunks sharing no query word, below
_KNEE = 0.25 / (0.75 - MATCHED)  # so that a ratio of 1 scores 0.75
RESEMBLANCE = 0.4  # the least trigram Dice coefficient of two words called alike
ALIKE_WORDS = 5  # the most alike words that stand in for a query word
# NLTK's English stop words, as split into words here ("don't" is "don", "t"; "won" is
# kept, as it is also a verb). They carry no content, and dropping them raised the
# benchmark's top-1 rate from 80% to 90%; stripping plurals did not help, so words are
# only case-folded (benchmarks/README.md).
STOP_WORDS = frozenset(  # a string, as a list literal would take 150 lines
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will
    just don should now d ll m o re ve y ain aren couldn didn doesn hadn hasn haven isn ma
    mightn mustn needn shan shouldn wasn weren wouldn""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class Hit:
    doc_id: str
    chunk_index: int
    text: str
    score: float  # in [0, 1], higher is better


@dataclass(frozen=True, slots=True)
class _Chunk:
    doc_id: str
    index: int
    text: str
    terms: Counter[str]
    length: int  # words


def terms(text: str) -> list[str]:
    """The words of `text` as count_tokens splits it, case-folded, without punctuation
    and stop words."""
    tokens = _TOKEN.findall(text.casefold())
    return [token for token in tokens if _is_word(token) and token not in STOP_WORDS]


def _is_word(token: str) -> bool:
    return token[0].isalnum() or token[0] == "_"  # what `\w` matches


class Index:
    """The chunks of one vector store's files. Not locked: callers hold the store's lock."""

    def __init__(self) -> None:
        self._chunks: dict[int, _Chunk] = {}  # by slot; slots grow, so order is insertion
        self._slots: dict[str, list[int]] = {}  # by document
        self._postings: dict[str, dict[int, int]] = {}  # term -> slot -> term frequency
        self._words = 0  # total length, for the average
        self._next_slot = count()
        self._norms: dict[int, float] | None = None  # per slot; depends on the average length
        self._gram_terms: dict[str, list[str]] | None = None  # trigram -> terms holding it

    def __len__(self) -> int:
        return len(self._chunks)

    def add(self, doc_id: str, chunks: Sequence[str]) -> None:
        """Indexes a document's chunks; a document already present is replaced (and
        counts as added now, for the order of ties)."""
        self.remove(doc_id)
        slots = self._slots[doc_id] = []
        for position, text in enumerate(chunks):
            words = terms(text)
            stored = _Chunk(doc_id, position, text, Counter(words), len(words))
            slot = next(self._next_slot)
            self._chunks[slot] = stored
            slots.append(slot)
            self._words += stored.length
            for term, frequency in stored.terms.items():
                self._postings.setdefault(term, {})[slot] = frequency
        self._norms = self._gram_terms = None

    def remove(self, doc_id: str) -> None:
        """Forgets a document's chunks; an unknown id is a no-op."""
        for slot in self._slots.pop(doc_id, ()):
            stored = self._chunks.pop(slot)
            self._words -= stored.length
            for term in stored.terms:
                postings = self._postings[term]
                del postings[slot]
                if not postings:
                    del self._postings[term]
        self._norms = self._gram_terms = None

    def search(self, query: str, limit: int = 20, score_threshold: float = 0.0) -> list[Hit]:
        """The best `limit` chunks for `query` with a score of at least
        `score_threshold`, best first: the BM25 matches, then the other chunks by how
        their words resemble the query's. Ties in document order, then chunk order."""
        if limit < 0:
            raise ValueError(f"limit must be >= 0, got {limit}")
        wanted = list(dict.fromkeys(terms(query)))  # distinct, in query order: same sums
        ideal = sum(self._idf(term) for term in wanted)
        scores = self._bm25(wanted)
        best = heapq.nsmallest(limit, scores.items(), key=_best_first)
        ranked = [(slot, _matched(score / ideal)) for slot, score in best]
        if len(ranked) < limit and score_threshold < MATCHED:
            ranked += self._nearest_rest(wanted, ideal, scores, limit - len(ranked))
        return [self._hit(slot, score) for slot, score in ranked if score >= score_threshold]

    def _nearest_rest(
        self, wanted: list[str], ideal: float, matched: dict[int, float], limit: int
    ) -> list[tuple[int, float]]:
        """The best `limit` chunks outside `matched`, scored in [0, MATCHED): those with
        alike words by likeness, then the others (score 0) in order."""
        alike = self._resemblance(wanted)
        scored = [
            (slot, _resembling(value / ideal))
            for slot, value in alike.items()
            if slot not in matched
        ]
        best = heapq.nsmallest(limit, scored, key=_best_first)
        if len(best) < limit:
            others = (s for s in self._chunks if s not in matched and s not in alike)
            best += [(slot, 0.0) for slot in islice(others, limit - len(best))]
        return best

    def _resemblance(self, wanted: Iterable[str]) -> dict[int, float]:
        """BM25 with each query term replaced by the chunk's most alike word (weighted by
        their likeness), for chunks holding such words."""
        norms = self._lengths_normalised()
        scores: dict[int, float] = {}
        for term in wanted:
            best: dict[int, float] = {}
            for other, likeness in self._alike(term):
                weight = likeness * self._idf(other)
                for slot, frequency in self._postings[other].items():
                    value = weight * frequency * (K1 + 1) / (frequency + norms[slot])
                    if value > best.get(slot, 0.0):
                        best[slot] = value
            for slot, value in best.items():
                scores[slot] = scores.get(slot, 0.0) + value
        return scores

    def _alike(self, term: str) -> list[tuple[str, float]]:
        """The ALIKE_WORDS indexed words other than `term` whose trigrams most resemble
        its trigrams, with their Dice coefficient (which bounds the cost of a search)."""
        if self._gram_terms is None:
            self._gram_terms = {}
            for known in self._postings:
                for gram in _grams(known):
                    self._gram_terms.setdefault(gram, []).append(known)
        own = _grams(term)
        shared = Counter(other for gram in own for other in self._gram_terms.get(gram, ()))
        likes = (
            (other, 2 * common / (len(own) + len(_grams(other))))
            for other, common in shared.items()
        )
        alike = [
            (other, likeness)
            for other, likeness in likes
            if other != term and likeness >= RESEMBLANCE
        ]
        return heapq.nsmallest(ALIKE_WORDS, alike, key=lambda item: (-item[1], item[0]))

    def _bm25(self, wanted: Iterable[str]) -> dict[int, float]:
        norms = self._lengths_normalised()
        scores: dict[int, float] = {}
        for term in wanted:
            postings = self._postings.get(term)
            if not postings:
                continue
            idf = self._idf(term)
            for slot, frequency in postings.items():
                weight = idf * frequency * (K1 + 1) / (frequency + norms[slot])
                scores[slot] = scores.get(slot, 0.0) + weight
        return scores

    def _idf(self, term: str) -> float:
        """Lucene's BM25 idf, never negative; a term in no chunk gets the highest."""
        containing = len(self._postings.get(term, ()))
        return math.log(1 + (len(self._chunks) - containing + 0.5) / (containing + 0.5))

    def _lengths_normalised(self) -> dict[int, float]:
        """K1 * (1 - B + B * length / average length) per slot, computed once per change."""
        if self._norms is None:
            average = self._words / len(self._chunks) if self._chunks else 0.0
            scale = B / average if average else 0.0
            self._norms = {
                slot: K1 * (1 - B + scale * stored.length) for slot, stored in self._chunks.items()
            }
        return self._norms

    def _hit(self, slot: int, score: float) -> Hit:
        stored = self._chunks[slot]
        return Hit(stored.doc_id, stored.index, stored.text, score)


def search_many(
    indexes: Sequence[Index], query: str, limit: int = 20, score_threshold: float = 0.0
) -> list[Hit]:
    """The best `limit` hits of several indexes (a run's vector stores), by score; ties
    keep the order of `indexes`, then each index's own order."""
    hits = [hit for index in indexes for hit in index.search(query, limit, score_threshold)]
    return sorted(hits, key=lambda hit: -hit.score)[:limit]


def _best_first(item: tuple[int, float]) -> tuple[float, int]:
    return -item[1], item[0]


def _matched(ratio: float) -> float:
    """(0, inf) onto (MATCHED, 1), increasing; 1 -> 0.75."""
    return MATCHED + (1 - MATCHED) * ratio / (ratio + _KNEE)


def _resembling(ratio: float) -> float:
    """[0, inf) onto [0, MATCHED), increasing."""
    return MATCHED * ratio / (ratio + _KNEE)


@lru_cache(maxsize=65_536)
def _grams(word: str) -> frozenset[str]:
    """The character trigrams of a word, its ends marked: "kiwi" -> #ki kiw iwi wi#."""
    padded = f"#{word}#"
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))
