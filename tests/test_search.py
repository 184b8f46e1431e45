"""BM25 ranking over chunks, then the rest by resemblance: what file_search finds, in
which order, with which scores."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fake_assistants._chunks import chunk
from fake_assistants._search import MATCHED, Hit, Index, search_many, terms

HANDBOOK = {
    "leave.md": "Annual leave: every employee gets 25 days of paid holiday a year. Unused "
    "days can be carried over until March. Sick leave is separate and needs a doctor's "
    "note after three days.",
    "expenses.md": "Expenses: submit receipts within 30 days. Travel by train is "
    "preferred over flights for trips under four hours. Hotel costs are capped at 150 "
    "euros a night in most cities.",
    "security.md": "Security: badges must be worn at all times in the office. Lost badges "
    "are replaced at reception. Laptops lock after five minutes and disks are encrypted.",
    "office.md": "Office life: the office opens at 7 and closes at 20. Parking spaces in "
    "the office garage are assigned by lottery each January. The office canteen serves "
    "lunch from 12 to 14.",
    "onboarding.md": "Onboarding: new employees meet their mentor on the first day. The "
    "office tour takes an hour. Accounts for email and the office wiki are ready on day one.",
}


def handbook(*names: str) -> Index:
    index = Index()
    for name in names or HANDBOOK:
        index.add(name, chunk(HANDBOOK[name]))
    return index


def ranked(index: Index, query: str) -> list[str]:
    return [hit.doc_id for hit in index.search(query)]


def matching(index: Index, query: str) -> list[Hit]:
    """The hits that hold a word of the query (BM25 matches)."""
    return [hit for hit in index.search(query) if hit.score > MATCHED]


# --- ranking -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("How many holiday days do I get per year?", "leave.md"),
        ("Can I fly or should I take the train?", "expenses.md"),
        ("Where do I get new badges?", "security.md"),
        ("How are parking spaces in the office handed out?", "office.md"),
        ("Who do new employees meet first?", "onboarding.md"),
        ("RECEIPTS deadline", "expenses.md"),
    ],
)
def test_the_document_that_answers_ranks_first(question: str, answer: str) -> None:
    assert ranked(handbook(), question)[0] == answer


def test_rare_words_outweigh_common_ones() -> None:
    index = Index()
    index.add("rules", ["office hours, office rules, office keys: the office handbook"])
    index.add("menu", ["the canteen menu changes weekly"])
    for item in ("chairs", "plants", "printers"):
        index.add(item, [f"office {item}"])
    # "office" in 5 chunks, 4 times in one; "canteen" in one: idf decides
    assert ranked(index, "office canteen")[0] == "menu"


def test_the_chunk_holding_the_answer_ranks_first_within_a_long_document() -> None:
    filler = "The committee met again and reviewed the usual quarterly items. " * 30
    text = f"{filler} The boiler room code is 4417. {filler} Fire drills are in May. {filler}"
    index = Index()
    index.add("facilities.txt", chunk(text, max_tokens=100, overlap=50))
    best = index.search("what is the code for the boiler room")[0]
    assert "boiler room code is 4417" in best.text
    assert best.chunk_index > 0


def test_more_occurrences_score_higher_and_longer_chunks_lower() -> None:
    index = Index()
    index.add("once", ["ferry timetable and other notes"])
    index.add("twice", ["ferry ferry timetable notes"])
    index.add("long", ["ferry timetable " + "with many other words about little " * 5])
    index.add("other", ["nothing relevant here at all"])
    assert ranked(index, "ferry") == ["twice", "once", "long", "other"]
    assert [hit.doc_id for hit in matching(index, "ferry")] == ["twice", "once", "long"]


def test_case_and_punctuation_do_not_matter() -> None:
    index = Index()
    index.add("a", ["The Quarterly-Report, final."])
    assert ranked(index, "quarterly report?") == ["a"]
    assert ranked(index, "QUARTERLY") == ["a"]


@pytest.mark.parametrize("query", ["", "   ", "?!", "what is it that they have", "zebra"])
def test_no_matching_words_still_finds_the_nearest_chunks(query: str) -> None:
    """As the service's vector search with its default threshold 0: every chunk is
    somewhere near, so a search finds chunks whenever there are any."""
    hits = handbook().search(query)
    assert [hit.doc_id for hit in hits] == list(HANDBOOK)  # nothing alike: document order
    assert {hit.score for hit in hits} == {0.0}
    assert handbook().search(query, score_threshold=0.01) == []


def test_matches_come_first_then_chunks_with_alike_words() -> None:
    index = handbook()
    hits = index.search("badge analysis", limit=50)
    assert hits[0].doc_id == "security.md"  # "badges": no word of the query
    assert 0 < hits[0].score < MATCHED
    assert all(hit.score == 0 for hit in hits[1:])
    # a BM25 match outranks any resemblance
    index.add("audit.md", ["The yearly analysis of the budget."])
    assert ranked(index, "badge analysis")[:2] == ["audit.md", "security.md"]


def test_alike_words_rank_by_likeness() -> None:
    index = Index()
    index.add("far", ["the parking garage"])
    index.add("near", ["employees park at the back"])
    index.add("none", ["lunch is at noon"])
    hits = index.search("parked")
    assert [hit.doc_id for hit in hits] == ["near", "far", "none"]
    assert MATCHED > hits[0].score > hits[1].score > hits[2].score == 0


def test_an_empty_index_finds_nothing() -> None:
    index = Index()
    assert len(index) == 0
    assert index.search("anything") == []
    index.add("empty.txt", [])
    assert len(index) == 0
    assert index.search("anything") == []


def test_stop_words_and_punctuation_are_not_terms() -> None:
    assert terms("What's the BEST way, to Zürich_2?") == ["best", "way", "zürich_2"]


# --- scores ------------------------------------------------------------------------------


def test_scores_are_in_zero_one_and_descending() -> None:
    hits = handbook().search("office employees days badges parking", limit=50)
    assert len(hits) == 5
    assert all(MATCHED < hit.score < 1 for hit in hits)
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_an_average_chunk_holding_each_query_word_once_scores_three_quarters() -> None:
    index = Index()
    index.add("fruit", ["apple banana", "cherry grape"])
    assert index.search("apple")[0].score == pytest.approx(0.75)
    assert index.search("apple banana")[0].score == pytest.approx(0.75)
    # a query word in no chunk counts against the match
    assert index.search("apple kiwi")[0].score < 0.75


def test_score_threshold_filters() -> None:
    index = handbook()
    scores = [hit.score for hit in index.search("office parking lottery")]
    middle = (scores[0] + scores[1]) / 2
    assert [hit.score for hit in index.search("office parking lottery", 20, middle)] == [scores[0]]
    assert index.search("office parking lottery", score_threshold=scores[0]) == [
        index.search("office parking lottery")[0]
    ]
    assert index.search("office parking lottery", score_threshold=1.0) == []


def test_limit() -> None:
    index = handbook()
    assert len(index.search("office", limit=2)) == 2
    assert index.search("office", limit=0) == []
    assert index.search("office", limit=2) == index.search("office")[:2]
    with pytest.raises(ValueError, match="limit"):
        index.search("office", limit=-1)


def test_two_builds_give_identical_results() -> None:
    query = "office badges days"
    assert handbook().search(query) == handbook().search(query)


def test_ties_follow_document_order_then_chunk_order() -> None:
    index = Index()
    index.add("b", ["same words here", "unrelated", "same words here"])
    index.add("a", ["same words here"])
    hits = matching(index, "same words")
    assert [(hit.doc_id, hit.chunk_index) for hit in hits] == [("b", 0), ("b", 2), ("a", 0)]
    assert len({hit.score for hit in hits}) == 1
    rest = index.search("zebra")
    assert [(hit.doc_id, hit.chunk_index) for hit in rest] == [
        ("b", 0),
        ("b", 1),
        ("b", 2),
        ("a", 0),
    ]


def test_hits_carry_the_chunk_text() -> None:
    index = Index()
    index.add("doc", ["first part: alpacas", "second part: llamas!"])  # same length
    assert matching(index, "llamas") == [
        Hit(doc_id="doc", chunk_index=1, text="second part: llamas!", score=pytest.approx(0.75))
    ]


# --- changes -----------------------------------------------------------------------------


def test_remove_is_as_if_never_added() -> None:
    index = handbook()
    index.remove("office.md")
    rebuilt = handbook("leave.md", "expenses.md", "security.md", "onboarding.md")
    assert len(index) == len(rebuilt) == 4
    for query in ("office parking", "badges", "employees days", "canteen"):
        assert index.search(query) == rebuilt.search(query)
    assert matching(index, "canteen lottery") == []


def test_remove_of_an_unknown_document_does_nothing() -> None:
    index = handbook()
    index.remove("nope.md")
    assert len(index) == 5


def test_adding_a_document_again_replaces_it_and_moves_it_last() -> None:
    index = Index()
    index.add("a", ["tie word", "old text about walruses"])
    index.add("b", ["tie word"])
    index.add("a", ["tie word"])
    assert len(index) == 2
    assert {hit.score for hit in index.search("walruses")} == {0.0}
    assert ranked(index, "tie") == ["b", "a"]


def test_scores_follow_changes_to_the_corpus() -> None:
    index = Index()
    index.add("a", ["kiwi orchard spring"])
    index.add("b", ["apple harvest autumn"])
    assert index.search("kiwi")[0].score == pytest.approx(0.75)  # average length
    index.add("c", ["a much longer chunk " * 10 + "kiwi"])  # "a" is now shorter than average
    assert [hit.doc_id for hit in matching(index, "kiwi")] == ["a", "c"]
    assert index.search("kiwi")[0].score > 0.76
    index.remove("c")
    assert index.search("kiwi")[0].score == pytest.approx(0.75)


@given(
    st.lists(
        st.tuples(
            st.sampled_from("abcdef"), st.lists(st.sampled_from("xyz uvw rst qq"), max_size=4)
        ),
        max_size=12,
    ),
    st.sampled_from(["xyz", "uvw rst", "qq xyz uvw"]),
)
def test_incremental_changes_match_a_fresh_build(
    changes: list[tuple[str, list[str]]], query: str
) -> None:
    """Adds (empty chunk lists meaning removes) applied one by one give the same hits as
    one build of what is left, in the order it was last added."""
    index, final = Index(), {}
    for doc_id, words in changes:
        if words:
            index.add(doc_id, [" ".join(words)])
            final.pop(doc_id, None)
            final[doc_id] = [" ".join(words)]
        else:
            index.remove(doc_id)
            final.pop(doc_id, None)
    fresh = Index()
    for doc_id, chunks in final.items():
        fresh.add(doc_id, chunks)
    assert index.search(query) == fresh.search(query)
    assert len(index) == len(fresh)


# --- several stores ----------------------------------------------------------------------


def test_search_many_merges_by_score() -> None:
    policies, minutes = handbook(), Index()
    minutes.add("minutes.txt", ["We talked about the parking lottery and the office garage."])
    hits = search_many([policies, minutes], "parking lottery garage", limit=3)
    assert [hit.doc_id for hit in hits][:2] == ["minutes.txt", "office.md"]
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert hits[0] == minutes.search("parking lottery garage")[0]


def test_search_many_limit_threshold_and_tie_order() -> None:
    first, second = Index(), Index()
    first.add("one", ["shared text"])
    second.add("two", ["shared text"])
    assert [hit.doc_id for hit in search_many([second, first], "shared")] == ["two", "one"]
    assert [hit.doc_id for hit in search_many([first, second], "shared", limit=1)] == ["one"]
    assert search_many([first, second], "shared", score_threshold=0.9) == []
    assert search_many([], "shared") == []


def test_alike_word_scores_are_the_same_in_every_process() -> None:
    """Trigram sets iterate in an order that changes with PYTHONHASHSEED; the scores
    must not."""
    script = (
        "from fake_assistants._search import Index\n"
        "index = Index()\n"
        "index.add('a', ['parking garage for employees', 'the parked cars and the park'])\n"
        "index.add('b', ['badges at reception', 'employee parks'])\n"
        "hits = index.search('parked employee badge')\n"
        "print([(hit.doc_id, hit.chunk_index, hit.score) for hit in hits])\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1
