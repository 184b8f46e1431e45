"""Does file_search find the passage that answers a question, and how fast?

Generates a corpus deterministically (fixed seed): staff profiles, product sheets and
long city guides, each with distinct facts, plus meeting notes and policies that share
their names and vocabulary but answer nothing. Every fact comes with a question phrased
differently from the sentence that holds it. Documents are chunked as a vector store
does (`auto`: 800 tokens, 400 overlap; and `static` 100/50, where a chunk often lacks the
entity's name) and indexed; a question is a hit at rank k when one of the first k chunks
comes from the right document and contains the answer sentence. Then the median time of
one search at ~200 chunks and at ~20,000 chunks. The same questions with every word
misspelt ("office" -> "officeq") share no word with the corpus, so they measure the
ranking of chunks by alike words (quality on the base corpus, time on both indexes).

    python benchmarks/bench_search.py [--quick] [--json PATH]

`--quick` (CI) checks quality on the base corpus with `auto` chunking and times the small
index only; it exits with 1 when the top-5 hit rate is below TOP5_FLOOR. A full run
always exits with 0.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from fake_assistants._chunks import chunk
from fake_assistants._search import Index

SEED = 7
BASE_UNITS = 30  # a unit: 4 profiles, 2 products, 1 city guide, 2 meeting notes, 1 policy
SMALL_CHUNKS, LARGE_CHUNKS = 200, 20_000
STRATEGIES = {"auto 800/400": (800, 400), "static 100/50": (100, 50)}
# The corpus comes from a fixed seed, so the rate is exact, not noisy: 99.1% when written.
# Below 95% something is broken in the tokenizer, the chunker or the ranking (returning
# every matching chunk in document order scores 10%); tuning the ranking moves it by a
# point or so, which the full run's top-1 rate shows better.
TOP5_FLOOR = 0.95
TIMED_QUERIES = 300
MISSPELT_QUERIES = 50  # timed: each ranks every chunk by likeness, the slow path

# --- the corpus --------------------------------------------------------------------------

SYLLABLES = ["ka", "lo", "mi", "ra", "ven", "tor", "sel", "bri", "an", "del", "qua", "zo"]
SYLLABLES += ["ful", "nim", "or", "esk", "ith", "par", "gal", "um"]
ROLES = ["data analyst", "site engineer", "product designer", "payroll officer", "buyer"]
DEPARTMENTS = ["finance", "logistics", "research", "marketing", "support", "legal"]
LANGUAGES = ["Finnish", "Portuguese", "Korean", "Swahili", "Dutch", "Greek", "Tamil"]
HOBBIES = ["restores old bicycles", "sings in a choir", "keeps bees", "climbs indoors"]
MATERIALS = ["aluminium", "bamboo", "ceramic", "recycled plastic", "steel", "oak"]
CATEGORIES = ["kettle", "desk lamp", "drill", "backpack", "speaker", "bicycle pump"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
COMPANIES = ["Northwind", "Fabrikam", "Contoso"]
CITY_FILLER = [
    "Many towns in the region hold a market at the weekend.",
    "Visitors often confuse the river walk with the older canal path.",
    "The regional council publishes population estimates every spring.",
    "Several mayors of the province were elected on a transport programme.",
    "Historians disagree about when the first bridges in the valley were built.",
    "Trams run every ten minutes during the day and every half hour at night.",
    "The tourist office near the station sells a three-day museum pass.",
    "Cyclists share the embankment with joggers early in the morning.",
    "Local bakeries close early on public holidays.",
    "The winters are long, and the harbour sometimes freezes in February.",
    "A footbridge links the university quarter with the botanical garden.",
    "Guided walks leave from the cathedral square at ten o'clock.",
    "The old town was rebuilt in stone after a fire destroyed its wooden houses.",
    "Ferries cross the lake in summer, weather permitting.",
    "Most shops in the centre open at nine and close at six.",
    "The football club has played in the same stadium for a century.",
    "Street names in the old town recall the guilds that once worked there.",
    "A night bus connects the airport with the central station.",
    "The city library keeps maps of the valley from several centuries.",
    "Parking in the centre is limited to two hours on weekdays.",
]
STAFF_FILLER = [
    "Profiles are reviewed every quarter by the people team.",
    "Office moves are announced on the intranet two weeks ahead.",
    "Phone extensions change when a team moves to another floor.",
    "New hires are paired with a mentor for their first three months.",
]


@dataclass(frozen=True)
class Question:
    doc_id: str
    text: str
    answer: str  # a substring of the answer sentence, unique within its document


@dataclass
class Corpus:
    docs: dict[str, str]
    questions: list[Question]


class Names:
    """Invented names; `unique` ones are drawn once, so no two entities share a name."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def word(self, parts: int) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(parts)).capitalize()

    def person(self) -> str:
        return f"{self.word(2)} {self.word(3)}"

    def unique(self, make: Callable[[], str]) -> str:
        while (name := make()) in self.used:
            pass
        self.used.add(name)
        return name


def profile(rng: random.Random, names: Names, doc_id: str, manager: str) -> tuple[str, Corpus]:
    name, city, company = names.unique(names.person), names.word(2), rng.choice(COMPANIES)
    year, ext, floor = rng.randint(1995, 2024), rng.randint(1000, 9999), rng.randint(2, 30)
    role, department = rng.choice(ROLES), rng.choice(DEPARTMENTS)
    spoken = rng.sample(LANGUAGES, 2)
    codename = names.word(2)
    pronoun = rng.choice(["She", "He", "They"])
    verb = "work" if pronoun == "They" else "works"
    sentences = [
        f"Staff profile: {name}.",
        f"{name} joined {company} in {year} as a {role} in the {department} department.",
        f"{pronoun} {verb} from the {city} office, on floor {floor}.",
        f"{pronoun} {'speak' if pronoun == 'They' else 'speaks'} {spoken[0]} and {spoken[1]}.",
        f"The desk phone extension is {ext}.",
        f"{pronoun} {'report' if pronoun == 'They' else 'reports'} to {manager} and "
        f"{'lead' if pronoun == 'They' else 'leads'} the {codename} initiative.",
        f"Outside work, {name.split()[0]} {rng.choice(HOBBIES)}.",
        *rng.sample(STAFF_FILLER, 2),
    ]
    questions = [
        (f"When did {name} start at {company}?", f"joined {company} in {year}"),
        (f"Which city is {name}'s office in?", f"from the {city} office"),
        (f"What floor does {name} work on?", f"on floor {floor}"),
        (f"What languages does {name} speak?", f"{spoken[0]} and {spoken[1]}"),
        (f"What is {name}'s phone extension?", f"extension is {ext}"),
        (f"Who is {name}'s manager?", f"to {manager}"),
        (f"Which initiative is {name} leading?", f"the {codename} initiative"),
    ]
    return name, document(doc_id, sentences, questions)


def product(rng: random.Random, names: Names, doc_id: str) -> tuple[str, Corpus]:
    title = names.unique(lambda: f"{names.word(3)} {rng.choice(CATEGORIES)}")
    price, weight = rng.randint(19, 900), rng.randint(150, 9000)
    warranty, year, hours = rng.randint(1, 6), rng.randint(2005, 2025), rng.randint(4, 60)
    city, material = names.word(3), rng.choice(MATERIALS)
    sentences = [
        f"Product sheet: the {title}.",
        f"The {title} is made of {material} and sells for {price} euros.",
        f"It weighs {weight} grams and comes with a {warranty}-year warranty.",
        f"The {title} was launched in {year} and is assembled in {city}.",
        f"Its battery lasts {hours} hours on a single charge.",
        "Returns are accepted within thirty days with the original receipt.",
    ]
    questions = [
        (f"How much does the {title} cost?", f"sells for {price} euros"),
        (f"How heavy is the {title}?", f"weighs {weight} grams"),
        (f"How many years of warranty does the {title} have?", f"{warranty}-year warranty"),
        (f"Where is the {title} manufactured?", f"assembled in {city}"),
        (f"What is the {title} made from?", f"made of {material}"),
        (f"How long does the {title}'s battery last on one charge?", f"lasts {hours} hours"),
    ]
    return title, document(doc_id, sentences, questions)


def city_guide(rng: random.Random, names: Names, doc_id: str) -> Corpus:
    """Long enough for several `auto` chunks; facts far apart, filler in between."""
    city, river, twin = names.unique(lambda: names.word(3)), names.word(2), names.word(3)
    founder, mayor = names.person(), names.person()
    founded, elected = rng.randint(900, 1800), rng.randint(2010, 2024)
    people, day = rng.randint(8, 900) * 1000, rng.choice(WEEKDAYS)
    facts = [
        (f"{city} was founded in {founded} by {founder}.", f"When was {city} established?"),
        (f"The {river} river runs through the old town.", f"Which river flows through {city}?"),
        (f"About {people} people live in {city} today.", f"What is the population of {city}?"),
        (f"The mayor, {mayor}, was elected in {elected}.", f"Who is the mayor of {city}?"),
        (f"Its twin town is {twin}.", f"Which town is {city} twinned with?"),
        (f"The main market opens on {day}s.", f"On which day is market day in {city}?"),
    ]
    sentences = [f"City guide: {city}."]
    for fact, _ in facts:
        sentences += [fact, *rng.sample(CITY_FILLER, 12)]
    questions = [(question, fact.rstrip(".")) for fact, question in facts]
    return document(doc_id, sentences, questions)


def meeting(rng: random.Random, people: list[str], products: list[str], doc_id: str) -> Corpus:
    """Names and vocabulary of the facts, and no answer."""
    a, b, c = rng.sample(people, 3)
    item = rng.choice(products)
    sentences = [
        f"Meeting notes, week {rng.randint(1, 52)}. Attendees: {a}, {b} and {c}.",
        f"{a} presented the roadmap for the {item}, including its warranty and price.",
        f"{b} asked which office and floor the team will move to, and who the manager is.",
        f"{c} will follow up on phone extensions and the languages of the support rota.",
        "The market launch and the battery supplier were postponed to the next meeting.",
    ]
    return document(doc_id, sentences, [])


def policy(rng: random.Random, doc_id: str) -> Corpus:
    sentences = [
        f"Policy {rng.randint(100, 999)}: travel and equipment.",
        "Staff who work from another office must book a desk on the right floor.",
        "Every product bought for a team needs its price, weight and warranty on file.",
        "Managers approve trips to a twin town or a market abroad.",
        "Questions about the population of a city belong in the travel guide.",
    ]
    return document(doc_id, sentences, [])


def document(doc_id: str, sentences: list[str], facts: list[tuple[str, str]]) -> Corpus:
    text = " ".join(sentences)
    for _, answer in facts:
        assert text.count(answer) == 1, (doc_id, answer)
    questions = [Question(doc_id, question, answer) for question, answer in facts]
    return Corpus({doc_id: text}, questions)


def generate(units: int, seed: int = SEED) -> Corpus:
    rng = random.Random(seed)
    names = Names(rng)
    corpus = Corpus({}, [])
    people = [names.unique(names.person) for _ in range(8)]  # managers and attendees
    products: list[str] = []
    for unit in range(units):
        staff = [profile(rng, names, f"u{unit}-staff{i}", rng.choice(people)) for i in range(4)]
        goods = [product(rng, names, f"u{unit}-product{i}") for i in range(2)]
        people += [name for name, _ in staff]
        products += [title for title, _ in goods]
        parts = [part for _, part in staff + goods]
        parts.append(city_guide(rng, names, f"u{unit}-city"))
        parts += [meeting(rng, people, products, f"u{unit}-meeting{i}") for i in range(2)]
        parts.append(policy(rng, f"u{unit}-policy"))
        for part in parts:
            corpus.docs.update(part.docs)
            corpus.questions += part.questions
    return corpus


# --- measuring ---------------------------------------------------------------------------


def build(corpus: Corpus, strategy: tuple[int, int], max_chunks: int | None = None) -> Index:
    index = Index()
    for doc_id, text in corpus.docs.items():
        chunks = chunk(text, *strategy)
        if max_chunks is not None and len(index) + len(chunks) > max_chunks:
            break
        index.add(doc_id, chunks)
    return index


def hit_rank(index: Index, question: Question, limit: int = 5) -> int | None:
    for rank, hit in enumerate(index.search(question.text, limit), start=1):
        if hit.doc_id == question.doc_id and question.answer in hit.text:
            return rank
    return None


def quality(index: Index, questions: list[Question]) -> dict[str, float]:
    ranks = [hit_rank(index, question) for question in questions]
    return {
        "questions": len(questions),
        "top1": sum(rank == 1 for rank in ranks) / len(ranks),
        "top5": sum(rank is not None for rank in ranks) / len(ranks),
    }


def misspelt(question: Question) -> Question:
    """The question with a letter added to every word: no word is in the corpus."""
    return Question(
        question.doc_id, re.sub(r"\w+", lambda m: m[0] + "q", question.text), question.answer
    )


def median_ms(index: Index, queries: list[str]) -> float:
    index.search(queries[0])  # the first search after a change computes length norms
    times = []
    for query in queries:
        start = time.perf_counter()
        index.search(query)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def units_for(chunks: int, strategy: tuple[int, int]) -> int:
    """Units whose corpus has about `chunks` chunks, from the base corpus's density."""
    base = build(generate(BASE_UNITS), strategy)
    return max(1, round(chunks * BASE_UNITS / len(base)))


def timed(label: str, make: Callable[[], Index]) -> tuple[Index, float]:
    start = time.perf_counter()
    index = make()
    seconds = time.perf_counter() - start
    print(f"  built {label}: {len(index)} chunks in {seconds:.1f} s", flush=True)
    return index, seconds


def run(quick: bool) -> dict[str, object]:
    base = generate(BASE_UNITS)
    auto = STRATEGIES["auto 800/400"]
    results: dict[str, object] = {"documents": len(base.docs), "questions": len(base.questions)}
    strategies = {"auto 800/400": auto} if quick else STRATEGIES
    for label, strategy in strategies.items():
        index, _ = timed(f"base corpus, {label}", lambda s=strategy: build(base, s))
        results[label] = {"chunks": len(index), **quality(index, base.questions)}
        if strategy == auto:
            wrong = [misspelt(question) for question in base.questions]
            results["misspelt"] = {"chunks": len(index), **quality(index, wrong)}
    queries = [question.text for question in base.questions][:TIMED_QUERIES]
    small, _ = timed("small index", lambda: build(base, auto, SMALL_CHUNKS))
    results["small"] = {
        "chunks": len(small),
        "median_ms": median_ms(small, queries),
        "misspelt_ms": median_ms(small, misspelt_texts(base.questions)),
    }
    if not quick:
        results["large"] = large(auto)
    return results


def large(strategy: tuple[int, int]) -> dict[str, object]:
    corpus = generate(units_for(LARGE_CHUNKS, strategy))
    index, seconds = timed("large index", lambda: build(corpus, strategy))
    sample = random.Random(SEED).sample(corpus.questions, TIMED_QUERIES)
    return {
        "chunks": len(index),
        "build_seconds": seconds,
        "median_ms": median_ms(index, [question.text for question in sample]),
        "misspelt_ms": median_ms(index, misspelt_texts(sample)),
        **quality(index, sample),
    }


def misspelt_texts(questions: list[Question]) -> list[str]:
    return [misspelt(question).text for question in questions[:MISSPELT_QUERIES]]


# --- report ------------------------------------------------------------------------------


def lines(results: dict[str, object]) -> Iterator[str]:
    yield f"corpus: {results['documents']} documents, {results['questions']} questions"
    for label in (*STRATEGIES, "misspelt"):
        if isinstance(row := results.get(label), dict):
            yield (
                f"{label:<14} {row['chunks']:>6} chunks  top-1 {row['top1']:.1%}  "
                f"top-5 {row['top5']:.1%}"
            )
    for size in ("small", "large"):
        if isinstance(row := results.get(size), dict):
            extra = f"  (top-1 {row['top1']:.1%}, top-5 {row['top5']:.1%})" if "top1" in row else ""
            yield f"search, {row['chunks']:>6} chunks: {row['median_ms']:.3f} ms/query{extra}"
            yield f"  misspelt questions (no word in the corpus): {row['misspelt_ms']:.3f} ms/query"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="base corpus only; checks the floor")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    results = run(args.quick)
    for line in lines(results):
        print(line)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(results, out, indent=2)
            out.write("\n")
    auto = results["auto 800/400"]
    assert isinstance(auto, dict)
    if not args.quick:
        return 0
    verdict = "ok" if auto["top5"] >= TOP5_FLOOR else "BELOW THE FLOOR"
    print(f"top-5 hit rate {auto['top5']:.1%}, floor {TOP5_FLOOR:.0%}: {verdict}")
    return 0 if auto["top5"] >= TOP5_FLOOR else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
