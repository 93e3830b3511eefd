"""The cleaning-quality gate: precision and recall of the clean stage over a hand-labelled set of news pages.

``tests/cleaning_gate/pages/<publisher>/`` holds pages in the shapes Arabic (and a few English) news sites really
have: HTML with menus, share bars, cookie and newsletter boxes, comment sections; HTML built only from ``<div>``s;
text dumps from copy-paste, "save as text" and ``lynx -dump``. ``golden/<page>.json`` holds the sentences a
human editor calls the article's text, labelled by hand (see ``cleaning_gate/README.md``).

The whole set goes through ``clean_documents`` at once, so lines a publisher repeats on every page count, and
it goes through once per HTML extractor in ``HTML_EXTRACTORS`` (the default one and the others must all pass).

Scoring, over the whole set:

    precision  share of the sentences the cleaner kept that are golden content
    recall     share of the golden sentences the cleaner kept

Sentences are compared on ``normalise_for_matching`` text as a multiset (a sentence the page really has twice
counts twice). A sentence split differently is still matched: a kept sentence that is several consecutive golden
sentences run together (or a golden sentence kept in consecutive pieces) counts as matched on both sides, so a
different split costs nothing but text that is missing or extra does.

The floors are in ``cleaning_gate/baseline.json``; raise them when the cleaner gets better, never lower them.
Each page must also reach ``PAGE_FLOOR`` on both measures, so one page cannot be sacrificed to the average.
The headline and the publication date are gated too ("title", "date": the share of pages where they match
the golden file); publisher, byline and credit are printed by ``-s`` runs of the report but not gated, since
a page copied as text often does not say them in any form a reader could be sure of.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from brief.clean import HTML_EXTRACTORS, REPEATED, normalise_for_matching
from brief.clean.repeats import clean_documents
from brief.records import Article, RawDocument

GATE = Path(__file__).resolve().parent / "cleaning_gate"
PAGES = sorted(p for p in (GATE / "pages").rglob("*") if p.suffix in {".html", ".txt"})
# Per page: a page where a fifth of the article is lost, or a fifth of what is kept is junk, is a broken page
# even when the set's average looks fine.
PAGE_FLOOR = 0.8
EXTRACTORS = sorted(HTML_EXTRACTORS)
# The floors may only go up; these are where the gate started.
STARTING_FLOORS = {"precision": 0.95, "recall": 0.95}


def _key(sentence: str) -> str:
    return normalise_for_matching(sentence)


@dataclass
class Score:
    """How one page's kept sentences compare with its golden sentences."""

    name: str
    kept: int = 0
    golden: int = 0
    kept_ok: int = 0  # kept sentences that are golden content
    golden_ok: int = 0  # golden sentences that were kept
    extra: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.kept_ok / self.kept if self.kept else 1.0

    @property
    def recall(self) -> float:
        return self.golden_ok / self.golden if self.golden else 1.0


def score(name: str, kept: list[str], golden: list[str]) -> Score:
    """Match kept against golden sentences: exactly as a multiset first, then across a different split."""
    result = Score(name, kept=len(kept), golden=len(golden))
    left_kept = list(kept)
    want = Counter(_key(s) for s in golden)
    unmatched_kept: list[str] = []
    for sentence in left_kept:
        if want[_key(sentence)] > 0:
            want[_key(sentence)] -= 1
            result.kept_ok += 1
            result.golden_ok += 1
        else:
            unmatched_kept.append(sentence)
    unmatched_golden: list[str] = []
    for sentence in golden:
        if want[_key(sentence)] > 0:
            want[_key(sentence)] -= 1
            unmatched_golden.append(sentence)
    kept_ok, golden_ok, extra, missed = _match_splits(unmatched_kept, unmatched_golden)
    result.kept_ok += kept_ok
    result.golden_ok += golden_ok
    result.extra, result.missed = extra, missed
    return result


def _match_splits(kept: list[str], golden: list[str]) -> tuple[int, int, list[str], list[str]]:
    """Match what is left where one side runs several consecutive sentences of the other together."""
    used_k, used_g = [False] * len(kept), [False] * len(golden)
    for many, one, used_many, used_one in ((golden, kept, used_g, used_k), (kept, golden, used_k, used_g)):
        for j, whole in enumerate(one):
            if used_one[j]:
                continue
            target = _key(whole)
            for start in range(len(many)):
                run: list[int] = []
                text = ""
                for i in range(start, len(many)):
                    if used_many[i]:
                        break
                    text = f"{text} {_key(many[i])}".strip()
                    run.append(i)
                    if not target.startswith(text):
                        break
                    if text == target and len(run) > 1:
                        used_one[j] = True
                        for i2 in run:
                            used_many[i2] = True
                        break
                if used_one[j]:
                    break
    return (
        sum(used_k),
        sum(used_g),
        [s for s, u in zip(kept, used_k) if not u],
        [s for s, u in zip(golden, used_g) if not u],
    )


# --- the labelled set through the real stage ----------------------------------------------------------------


def _document(path: Path) -> RawDocument:
    kind = "html" if path.suffix == ".html" else "txt"
    return RawDocument(str(path.relative_to(GATE)), path.read_text(encoding="utf-8"), kind, "utf-8")


def _golden(path: Path) -> dict[str, object]:
    golden = (GATE / "golden" / f"{path.stem}.json").read_text(encoding="utf-8")
    return json.loads(golden)  # type: ignore[no-any-return]


@functools.cache
def _articles(extractor: str) -> dict[str, Article]:
    articles = clean_documents([_document(p) for p in PAGES], html_extractor=extractor)
    return {p.stem: a for p, a in zip(PAGES, articles)}


@functools.cache
def _scores(extractor: str) -> dict[str, Score]:
    golden = {p.stem: _golden(p) for p in PAGES}
    return {
        stem: score(stem, list(article.sentences), list(golden[stem]["sentences"]))  # type: ignore[call-overload]
        for stem, article in _articles(extractor).items()
    }


def _floors() -> dict[str, float]:
    return json.loads((GATE / "baseline.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _report(scores: list[Score], worst: int = 5) -> str:
    """The worst pages with what they missed and what they kept that is not the article's, for a developer."""
    lines = []
    for s in sorted(scores, key=lambda s: min(s.precision, s.recall))[:worst]:
        lines.append(f"\n{s.name}: precision {s.precision:.3f} ({s.kept_ok}/{s.kept}), "
                     f"recall {s.recall:.3f} ({s.golden_ok}/{s.golden})")
        lines += [f"    missed: {m}" for m in s.missed]
        lines += [f"    extra:  {e}" for e in s.extra]
    return "\n".join(lines)


def overall(extractor: str) -> tuple[float, float]:
    """Precision and recall over the whole labelled set."""
    scores = _scores(extractor).values()
    kept, kept_ok = sum(s.kept for s in scores), sum(s.kept_ok for s in scores)
    golden, golden_ok = sum(s.golden for s in scores), sum(s.golden_ok for s in scores)
    return kept_ok / kept, golden_ok / golden


# --- the gate -----------------------------------------------------------------------------------------------


def test_labelled_set_is_big_and_varied_enough() -> None:
    assert len(PAGES) >= 24
    assert all((GATE / "golden" / f"{p.stem}.json").exists() for p in PAGES)
    assert len({p.stem for p in PAGES}) == len(PAGES)  # golden files are named by stem
    publishers = Counter(p.parent.name for p in PAGES)
    assert len(publishers) >= 8
    assert sum(1 for n in publishers.values() if n >= 3) >= 3
    text_dumps = sum(1 for p in PAGES if p.suffix == ".txt")
    assert len(PAGES) / 4 <= text_dumps <= len(PAGES) / 2
    for p in PAGES:
        assert 4 <= len(_golden(p)["sentences"]) <= 15, p.name  # type: ignore[arg-type]


def test_floors_only_go_up() -> None:
    floors = _floors()
    assert all(floors[name] >= start for name, start in STARTING_FLOORS.items())


@pytest.mark.parametrize("extractor", EXTRACTORS)
def test_precision_and_recall_reach_the_baseline(extractor: str) -> None:
    floors = _floors()
    precision, recall = overall(extractor)
    report = _report(list(_scores(extractor).values()))
    print(f"\n{extractor}: precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= floors["precision"], f"precision {precision:.3f} < {floors['precision']}{report}"
    assert recall >= floors["recall"], f"recall {recall:.3f} < {floors['recall']}{report}"


@pytest.mark.parametrize("stem", [p.stem for p in PAGES])
@pytest.mark.parametrize("extractor", EXTRACTORS)
def test_no_page_falls_below_the_page_floor(extractor: str, stem: str) -> None:
    s = _scores(extractor)[stem]
    assert s.precision >= PAGE_FLOOR and s.recall >= PAGE_FLOOR, _report([s])


@pytest.mark.parametrize("extractor", EXTRACTORS)
def test_headline_and_date_reach_the_baseline(extractor: str) -> None:
    wrong: dict[str, list[str]] = {"title": [], "date": [], "publisher": [], "byline": [], "credit": []}
    for path in PAGES:
        article, golden = _articles(extractor)[path.stem], _golden(path)
        got = {
            "title": article.title,
            "date": article.date.isoformat() if article.date else None,
            "publisher": article.publisher,
            "byline": article.byline,
            "credit": article.credit,
        }
        for name in wrong:
            if _key(got[name] or "") != _key(str(golden.get(name) or "")):
                wrong[name].append(f"{path.stem}: {got[name]!r}, labelled {golden.get(name)!r}")
    print("".join(f"\n{name}: {len(PAGES) - len(w)}/{len(PAGES)}" + "".join(f"\n    {x}" for x in w)
                  for name, w in wrong.items()))
    floors = _floors()
    for name in ("title", "date"):
        share = 1 - len(wrong[name]) / len(PAGES)
        detail = "\n".join(wrong[name])
        assert share >= floors[name], f"{name} right on {share:.3f} of pages < {floors[name]}\n{detail}"


def test_repetition_drops_site_furniture_but_not_a_shared_sentence() -> None:
    articles = _articles(EXTRACTORS[0])
    assert any(d.reason == REPEATED for a in articles.values() for d in a.dropped)
    # The three Moroccan pages end with the same stock background sentence: the article's text each time.
    background = "ويعيش المغرب على وقع جفاف متواصل للسنة السادسة على التوالي"
    maghreb = [a for stem, a in articles.items() if stem.startswith("maghreb-")]
    assert len(maghreb) == 3
    assert all(any(s.startswith(background) for s in a.sentences) for a in maghreb)


@pytest.mark.parametrize("extractor", EXTRACTORS)
def test_every_dropped_line_says_why(extractor: str) -> None:
    for article in _articles(extractor).values():
        assert all(d.reason and d.line.strip() for d in article.dropped), article.location


# --- the scorer itself --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kept", "golden", "expected"),
    [
        (["أ.", "ب."], ["أ.", "ب."], (2, 2, [], [])),
        (["أ.", "ج."], ["أ.", "ب."], (1, 1, ["ج."], ["ب."])),
        (["أ. ب.", "ج."], ["أ.", "ب.", "ج."], (2, 3, [], [])),  # kept runs two golden sentences together
        (["أ.", "ب."], ["أ. ب."], (2, 1, [], [])),  # the cleaner split one golden sentence
        (["أ.", "أ."], ["أ."], (1, 1, ["أ."], [])),  # a multiset: a sentence kept twice is one extra
        (["إلى المدرسة."], ["الى المدرسه."], (1, 1, [], [])),  # matched on normalised text
        (["أ. ب."], ["أ.", "ج.", "ب."], (0, 0, ["أ. ب."], ["أ.", "ج.", "ب."])),  # runs must be consecutive
    ],
    ids=["same", "one-wrong", "merged", "split", "multiset", "normalised", "not-consecutive"],
)
def test_score(kept: list[str], golden: list[str], expected: tuple[int, int, list[str], list[str]]) -> None:
    s = score("t", kept, golden)
    assert (s.kept_ok, s.golden_ok, s.extra, s.missed) == expected
