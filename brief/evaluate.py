"""The evaluation harness: make a brief from each evaluation set and score it against the set's gold file.

An evaluation set is a folder of Arabic articles with three more files (``tests/eval/README.md``):

    gold.yaml          its stories (which files), 8 key facts per story as Arabic substrings, the singles, the
                       disagreements between sources, the timeline events and the groups of name spellings
    translations.jsonl human English for every headline and sentence (the ``reference`` translator serves it)
    models.yaml        a registry whose default translator is that file and whose embedder is e5-small

Each set goes through the real pipeline (``pipeline.make``: extractive, a fresh store so translations go
through the cache path) and is scored from the brief's JSON, read by ``BriefView`` in today's flat shape
(``bottom_line`` + ``points``, one section) or in the ``sections`` shape of issue 9. The scores, and which way
is better (``DIRECTIONS``):

    facts.<story>        key facts of a multi-publisher story a printed sentence's support contains    higher
                         (or the sentence a timeline line is written from)
    mixed_sections       sections whose printed sentences come from two or more stories                 lower
    singles_in_story     single-article stories with a sentence inside a story's section                lower
    unsupported          numbers, names and month/day names printed that their support's English lacks  lower
    near_duplicates      pairs of printed sentences where one restates the other                         lower
    uncited              printed sentences, timeline and also-noted lines that cite no source           lower
    title_masthead       1 when the title is a publisher's masthead rather than a headline               lower
    timeline.<story>     gold timeline events a section's timeline shows (date and source)              higher
    disagreements        gold disagreements flagged with a citation of each side                         higher
    name_variants_left   name groups printed in two or more spellings                                     lower
    texts_translated     texts sent to the translator (``translated.texts``, else the cache's count)     lower
    words, sections      for information

``brief eval`` (``brief.cli.eval``) prints the table, ``--json`` the details,
and ``--update-baseline`` pins the scores in ``tests/eval/baseline.json``; ``tests/test_evaluate.py`` fails
when a score moves the wrong way.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from brief.clean import normalise_for_matching
from brief.clean.text import collapse_space
from brief.errors import ConfigError, InputError
from brief.words import MONTHS_AND_DAYS, NUMBER

DEFAULT_SETS = Path("tests") / "eval"
BASELINE_NAME = "baseline.json"
GOLD_NAME = "gold.yaml"
DEFAULT_WORDS = 500

HIGHER, LOWER, INFO = "higher", "lower", "info"
# Score name (or its prefix before the first ".") -> which way is better.
DIRECTIONS = {
    "facts": HIGHER,
    "timeline": HIGHER,
    "disagreements": HIGHER,
    "mixed_sections": LOWER,
    "singles_in_story": LOWER,
    "unsupported": LOWER,
    "near_duplicates": LOWER,
    "uncited": LOWER,
    "title_masthead": LOWER,
    "name_variants_left": LOWER,
    "texts_translated": LOWER,
    "words": INFO,
    "sections": INFO,
}

# Two printed sentences are near-duplicates when this share of the shorter one's content words is in the other
# (in English, or in the Arabic of the sentences they print).
DUPLICATE_CONTAINED = 0.8
MIN_DUPLICATE_WORDS = 4
_WORD = re.compile(r"[A-Za-zÀ-ÿĀ-ž][A-Za-zÀ-ÿĀ-ž'’-]*")
_AR_WORD = re.compile(r"\w+")
_CITE = re.compile(r"\[(\d+)\]")
# Words written with a capital that are not names (sentence openers, titles, common words in headlines).
_NOT_NAMES = {
    "the", "a", "an", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as", "is",
    "are", "was", "were", "be", "been", "has", "have", "had", "that", "this", "these", "those", "it", "its", "he",
    "she", "they", "their", "his", "her", "we", "our", "which", "who", "will", "would", "also", "after", "before",
    "over", "under", "about", "than", "more", "most", "some", "any", "all", "no", "not", "there", "here", "if",
    "when", "while", "since", "until", "into", "out", "up", "down", "one", "two", "three", "four", "five", "ten",
    "said", "says", "mr", "ms", "dr", "al", "el", "bin", "ad", "ah", "am", "pm",
}  # fmt: skip
_EN_STOP = _NOT_NAMES | {"said", "would", "could", "can", "per", "cent", "percent", "its", "them", "then"}


# --- the gold file ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    """A multi-publisher story of a set: its files and key facts (each fact: alternative Arabic substrings)."""

    id: str
    files: tuple[str, ...]
    facts: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Disagreement:
    """Two or more sources giving different values for one thing: value -> the files that give it."""

    story: str
    what: str
    values: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Event:
    """A dated event of a story's timeline: ISO date (day or month precision) and the files that report it."""

    story: str
    date: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class NameGroup:
    """The spellings one name has in the reference translations of different articles."""

    arabic: str
    variants: tuple[str, ...]


@dataclass(frozen=True)
class Gold:
    """One evaluation set's gold file."""

    name: str
    folder: Path
    stories: tuple[Story, ...]
    singles: tuple[str, ...]
    disagreements: tuple[Disagreement, ...] = ()
    timeline: tuple[Event, ...] = ()
    names: tuple[NameGroup, ...] = ()

    def story_of(self, file: str) -> str:
        """The story id of a file; a single article is a story of its own, ``single:<file>``."""
        for story in self.stories:
            if file in story.files:
                return story.id
        return f"single:{file}"


def load_gold(folder: Path) -> Gold:
    """Read and check ``<folder>/gold.yaml``; a mistake is a ConfigError that says where."""
    path = folder / GOLD_NAME
    if not path.is_file():
        raise InputError(f"{folder} is not an evaluation set: it has no {GOLD_NAME}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise ConfigError(f"{path} cannot be read: {err}") from None
    if not isinstance(data, dict) or not isinstance(data.get("stories"), dict):
        raise ConfigError(f"{path}: expected a mapping with 'stories' (story id -> files and facts)")
    present = {p.name for p in folder.iterdir() if p.is_file()}

    def files(value: Any, where: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(f, str) for f in value):
            raise ConfigError(f"{path}: {where} must be a list of file names")
        for f in value:
            if f not in present:
                raise ConfigError(f"{path}: {where} names {f!r}, which is not in {folder}")
        return tuple(value)

    stories = _gold_stories(data["stories"], path, files)
    singles = files(data.get("singles") or [], "singles")
    ids = {s.id for s in stories}
    disagreements = _gold_disagreements(data.get("disagreements") or [], path, ids, files)
    events = _gold_timeline(data.get("timeline") or {}, path, ids, files)
    names = _gold_names(data.get("names") or [], path)
    return Gold(folder.name, folder, tuple(stories), singles, tuple(disagreements), tuple(events), tuple(names))


# A checker of one list of file names in gold.yaml: (the value, where it is, for the message) -> the names.
_Files = Callable[[Any, str], tuple[str, ...]]


def _gold_stories(raw_stories: dict[Any, Any], path: Path, files: _Files) -> list[Story]:
    """gold.yaml's stories: each with its files and facts (a fact is a substring or a list of alternatives)."""
    stories = []
    for sid, raw in raw_stories.items():
        if not isinstance(raw, dict):
            raise ConfigError(f"{path}: story {sid!r} must have files and facts")
        facts = []
        for fact in raw.get("facts") or []:
            alternatives = [fact] if isinstance(fact, str) else fact
            if not (isinstance(alternatives, list) and alternatives and all(isinstance(a, str) for a in alternatives)):
                raise ConfigError(f"{path}: story {sid!r}: a fact is an Arabic substring or a list of them")
            facts.append(tuple(alternatives))
        stories.append(Story(str(sid), files(raw.get("files"), f"story {sid!r} files"), tuple(facts)))
    return stories


def _gold_disagreements(raw_list: list[Any], path: Path, ids: set[str], files: _Files) -> list[Disagreement]:
    """gold.yaml's disagreements: a known story and two or more values, each with the files that say it."""
    disagreements = []
    for k, raw in enumerate(raw_list):
        if raw.get("story") not in ids or len(raw.get("values") or []) < 2:
            raise ConfigError(f"{path}: disagreement {k + 1} needs a known story and two or more values")
        values = tuple((str(v["value"]), files(v.get("files"), f"disagreement {k + 1} files")) for v in raw["values"])
        disagreements.append(Disagreement(raw["story"], str(raw.get("what", "")), values))
    return disagreements


def _gold_timeline(raw_timeline: dict[Any, Any], path: Path, ids: set[str], files: _Files) -> list[Event]:
    """gold.yaml's timeline: per known story, dated events (YYYY-MM or YYYY-MM-DD) with their files."""
    events = []
    for sid, raw_events in raw_timeline.items():
        if sid not in ids:
            raise ConfigError(f"{path}: timeline of unknown story {sid!r}")
        for raw in raw_events:
            date = str(raw.get("date", ""))
            if not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", date):
                raise ConfigError(f"{path}: timeline date {date!r} is not YYYY-MM or YYYY-MM-DD")
            events.append(Event(sid, date, files(raw.get("files"), f"timeline event {date} files")))
    return events


def _gold_names(raw_names: list[Any], path: Path) -> list[NameGroup]:
    """gold.yaml's name groups: an Arabic name and two or more spellings of it."""
    names = []
    for raw in raw_names:
        variants = raw.get("variants") if isinstance(raw, dict) else None
        if not isinstance(variants, list) or len(variants) < 2:
            raise ConfigError(f"{path}: a name group needs two or more variants")
        names.append(NameGroup(str(raw.get("arabic", "")), tuple(str(v) for v in variants)))
    return names


def _is_set(folder: Path) -> bool:
    from brief.evaluate_corpus import is_corpus_folder

    return (folder / GOLD_NAME).is_file() or is_corpus_folder(folder)


def find_sets(paths: Sequence[Path]) -> list[Path]:
    """Evaluation set folders: each path is a set (gold.yaml, or a corpus folder's labels.yaml) or a folder of them.

    ``tests/eval`` itself lists the five sets only: its corpus folders are scored when named
    (``tests/eval/corpus``), so the held-out half is never scored by accident.
    """
    found: list[Path] = []
    for path in paths:
        if _is_set(path):
            found.append(path)
        elif path.is_dir():
            found += sorted(p for p in path.iterdir() if _is_set(p))
        else:
            raise InputError(f"{path}: not found")
    if not found:
        raise InputError(f"no evaluation sets (folders with {GOLD_NAME} or labels.yaml) in {', '.join(map(str, paths))}")
    return found


# --- the brief's JSON, in either shape ----------------------------------------------------------------------


@dataclass
class Section:
    """One story's part of a brief (today's flat brief is one section)."""

    heading: str | None
    sentences: list[dict[str, Any]]
    timeline: list[dict[str, Any]] = field(default_factory=list)
    differences: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class BriefView:
    """What the scores read from a brief's JSON: today's flat shape or the sections shape of issue 9."""

    title: str
    sections: list[Section]
    also_noted: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    words: int
    translated: int | None  # translated.texts, when the brief says

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BriefView:
        """Read the brief's JSON: its sections' sentences, timelines and differences."""
        sections = [
            Section(
                heading=s.get("heading"),
                sentences=[*(s.get("bottom_line") or []), *(s.get("points") or [])],
                timeline=list(s.get("timeline") or []),
                differences=list(s.get("differences") or []),
            )
            for s in data.get("sections") or []
        ]
        translated = data.get("translated")
        return cls(
            title=str(data.get("title") or ""),
            sections=sections,
            also_noted=list(data.get("also_noted") or []),
            sources=list(data.get("sources") or []),
            words=int(data.get("words") or 0),
            translated=int(translated["texts"]) if isinstance(translated, dict) and "texts" in translated else None,
        )

    def printed(self) -> list[dict[str, Any]]:
        """Every sentence the brief prints, section by section."""
        return [s for section in self.sections for s in section.sentences]

    def english(self) -> list[str]:
        """Every English text the brief shows: title, headings, sentences, timeline, differences, sources."""
        texts = [self.title]
        for section in self.sections:
            texts += [section.heading or ""] + [s.get("text", "") for s in section.sentences]
            texts += [e.get("text", "") for e in section.timeline] + [d.get("text", "") for d in section.differences]
        texts += [a.get("text", "") for a in self.also_noted]
        texts += [s.get("title_en") or "" for s in self.sources]
        return [t for t in texts if t]


# --- scoring ------------------------------------------------------------------------------------------------


@dataclass
class SetResult:
    """One set's scores, with the details behind them."""

    name: str
    scores: dict[str, int]
    details: dict[str, Any]
    seconds: float

    @property
    def corpus(self) -> bool:
        """A labelled morning folder's result (``evaluate_corpus``), scored on other measures than a set's."""
        return bool(self.details.get("corpus"))

    def to_json(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return {"set": self.name, "scores": self.scores, "details": self.details, "seconds": round(self.seconds, 1)}


def _norm(text: str) -> str:
    return normalise_for_matching(text)


def _content(words: Iterable[str]) -> set[str]:
    return {w for w in (w.lower() for w in words) if len(w) > 2 and w not in _EN_STOP}


def _contained(a: set[str], b: set[str]) -> float:
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    # Under this many content words a shared share says little ("Signed." and any sentence with "signed").
    return len(shorter & longer) / len(shorter) if len(shorter) >= MIN_DUPLICATE_WORDS else 0.0


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "").rstrip(".") for n in NUMBER.findall(text)}


class Scorer:
    """Scores one brief of one set; knows the set's files, articles and reference English."""

    def __init__(self, gold: Gold, view: BriefView, articles: Sequence[Any], english: Mapping[str, str]) -> None:
        self.gold, self.view = gold, view
        self.english = english  # collapse_space(original) -> reference English
        # Source number -> the set's file names it stands for (a merged copy stands for several).
        self.files_of: dict[int, set[str]] = {}
        for s in view.sources:
            names = {Path(s.get("location") or "").name, *(Path(p).name for p in s.get("also_at") or [])}
            self.files_of[int(s["n"])] = {n for n in names if n}
        self.sentence_by_id: dict[str, tuple[set[str], str]] = {}
        for article in articles:
            names = {Path(article.location).name, *(Path(p).name for p in article.also_at)}
            for i, sentence in enumerate(article.sentences):
                self.sentence_by_id[f"{article.id}:{i}"] = (names, sentence)

    def support_files(self, sentence: Mapping[str, Any]) -> set[str]:
        """The set's files behind a printed sentence (its support's sources)."""
        out: set[str] = set()
        for sup in sentence.get("support") or []:
            if "source" in sup:
                out |= self.files_of.get(int(sup["source"]), set())
            elif sup.get("sentence_id") in self.sentence_by_id:
                out |= self.sentence_by_id[sup["sentence_id"]][0]
        return out

    def stories_of(self, sentence: Mapping[str, Any]) -> set[str]:
        return {self.gold.story_of(f) for f in self.support_files(sentence)}

    # -- the scores --

    def facts(self) -> tuple[dict[str, int], dict[str, list[str]]]:
        """Per story, how many key facts a printed sentence's support (or a timeline line's sentence) contains."""
        supports = [_norm(sup.get("original") or "") for s in self.view.printed() for sup in s.get("support") or []]
        # A dated key point is printed as a timeline line instead: the sentence it is written from counts.
        supports += [
            _norm(self.sentence_by_id[str(e.get("sentence_id"))][1])
            for section in self.view.sections
            for e in section.timeline
            if str(e.get("sentence_id")) in self.sentence_by_id
        ]
        covered: dict[str, int] = {}
        missed: dict[str, list[str]] = {}
        for story in self.gold.stories:
            hits = [any(_norm(alt) in text for alt in fact for text in supports) for fact in story.facts]
            covered[story.id] = sum(hits)
            missed[story.id] = [fact[0] for fact, hit in zip(story.facts, hits) if not hit]
        return covered, missed

    def mixed_sections(self) -> list[list[str]]:
        """The stories of each section that prints sentences of more than one story."""
        mixed = []
        for section in self.view.sections:
            stories = sorted({st for s in section.sentences for st in self.stories_of(s)})
            if len(stories) > 1:
                mixed.append(stories)
        return mixed

    def singles_in_story(self) -> list[str]:
        """Single articles with a sentence printed inside a story's section."""
        singles = set(self.gold.singles)
        placed: set[str] = set()
        for section in self.view.sections:
            stories = [st for s in section.sentences for st in self.stories_of(s) if not st.startswith("single:")]
            if not stories and len(self.view.sections) > 1:
                continue  # a section of its own for a single article is not "inside a story"
            placed |= {f for s in section.sentences for f in self.support_files(s) if f in singles}
        return sorted(placed)

    def _name_ok(self, word: str, support_text: str) -> bool:
        """A capitalised word is backed when its support has it, or has another spelling of its name group."""
        if re.search(rf"\b{re.escape(word)}\b", support_text, re.IGNORECASE):
            return True
        for group in self.gold.names:
            if any(re.search(rf"\b{re.escape(word)}\b", v, re.IGNORECASE) for v in group.variants) and any(
                re.search(rf"(?<!\w){re.escape(v)}(?!\w)", support_text, re.IGNORECASE) for v in group.variants
            ):
                return True
        return False

    def unsupported_in(self, text: str, support_text: str) -> list[str]:
        """Numbers, names and month/day names in ``text`` that ``support_text`` does not have."""
        problems = [f"number {n}" for n in sorted(_numbers(text) - _numbers(support_text))]
        support_words = {w.lower() for w in _WORD.findall(support_text)}
        for k, word in enumerate(_WORD.findall(text)):
            lower = word.lower()
            if lower in MONTHS_AND_DAYS:
                if lower not in support_words:
                    problems.append(f"date {word}")
            elif word[0].isupper() and lower not in _NOT_NAMES and k > 0 and not self._name_ok(word, support_text):
                problems.append(f"name {word}")
        return problems

    def unsupported(self) -> list[str]:
        """Every unsupported number, name or date printed, as 'what: in «sentence»'."""
        found = []
        for s in self.view.printed():
            support = " ".join(sup.get("english") or "" for sup in s.get("support") or [])
            found += [f"{p}: «{s.get('text', '')[:70]}»" for p in self.unsupported_in(s.get("text", ""), support)]
        for section in self.view.sections:
            for event in section.timeline:
                source = self.sentence_by_id.get(str(event.get("sentence_id")))
                support = self.english.get(collapse_space(source[1]), "") if source else ""
                day = _event_day(event)
                # The line may name its own date ("13 August 2026 — ..."): the date field backs that.
                backing = f"{support} {day.day} {day.year} {day:%B %A}" if day else support
                text = str(event.get("text", ""))
                found += [f"{p}: timeline «{text[:70]}»" for p in self.unsupported_in(text, backing)]
            for diff in section.differences:
                known = [self.sentence_by_id[str(i)][1] for i in diff.get("sentence_ids") or []
                         if str(i) in self.sentence_by_id]  # fmt: skip
                if not known:  # without the sentences it names there is nothing to check the figures against
                    continue
                support = " ".join(self.english.get(collapse_space(original), "") for original in known)
                text = _CITE.sub(" ", str(diff.get("text", "")))
                found += [f"number {n}: difference «{text[:70]}»" for n in sorted(_numbers(text) - _numbers(support))]
        return found

    def uncited(self) -> list[str]:
        """Printed sentences, timeline lines and also-noted lines that cite no source."""
        lines = [s.get("text", "") for s in self.view.printed() if not s.get("cites")]
        lines += [e.get("text", "") for section in self.view.sections for e in section.timeline if not e.get("cites")]
        lines += [a.get("text", "") for a in self.view.also_noted if not a.get("cites")]
        return [str(line)[:70] for line in lines]

    def near_duplicates(self) -> list[tuple[str, str]]:
        """Pairs of printed sentences where one restates the other (English or the Arabic they print)."""
        printed = self.view.printed()
        english = [_content(_WORD.findall(s.get("text", "")) + NUMBER.findall(s.get("text", ""))) for s in printed]
        arabic = []
        for s in printed:
            support = s.get("support") or []
            lead = _norm(support[0].get("original") or "") if support else ""
            arabic.append({w for w in _AR_WORD.findall(lead) if len(w) > 2})
        pairs = []
        for i in range(len(printed)):
            for j in range(i + 1, len(printed)):
                if (
                    _contained(english[i], english[j]) >= DUPLICATE_CONTAINED
                    or _contained(arabic[i], arabic[j]) >= DUPLICATE_CONTAINED
                ):
                    pairs.append((printed[i].get("text", "")[:60], printed[j].get("text", "")[:60]))
        return pairs

    def title_masthead(self, mastheads: Iterable[str]) -> bool:
        """True when the title is (or is made of) a publisher's masthead instead of a headline."""
        title = re.sub(r"^Brief:\s*", "", self.view.title).strip().casefold()
        return any(m and title == m.casefold() for m in mastheads)

    def timeline(self) -> tuple[dict[str, int], list[str]]:
        """Per story with gold events, how many a section's timeline shows (same date, a source reporting it)."""
        shown: list[tuple[str, set[str]]] = []
        for section in self.view.sections:
            for item in section.timeline:
                files: set[str] = set()
                for n in item.get("cites") or []:
                    files |= self.files_of.get(int(n), set())
                if str(item.get("sentence_id")) in self.sentence_by_id:
                    files |= self.sentence_by_id[str(item.get("sentence_id"))][0]
                shown.append((str(item.get("date") or ""), files))
        found: dict[str, int] = {}
        missed: list[str] = []
        for event in self.gold.timeline:
            hit = any(date.startswith(event.date) and files & set(event.files) for date, files in shown)
            found[event.story] = found.get(event.story, 0) + hit
            if not hit:
                missed.append(f"{event.story} {event.date}")
        return found, missed

    def disagreements(self) -> tuple[int, list[str]]:
        """How many gold disagreements a section flags with a citation of each side; and those missed."""
        flagged_sets: list[list[set[str]]] = []
        for section in self.view.sections:
            for diff in section.differences:
                sides = []
                for value in diff.get("values") or []:
                    files: set[str] = set()
                    for n in value.get("cites") or []:
                        files |= self.files_of.get(int(n), set())
                    sides.append(files)
                if not sides:  # only the text: "5 km [3] vs 30 km [4]"
                    for part in re.split(r"\bvs\.?\b", str(diff.get("text", ""))):
                        files = set()
                        for n in _CITE.findall(part):
                            files |= self.files_of.get(int(n), set())
                        sides.append(files)
                flagged_sets.append(sides)
        count, missed = 0, []
        for gold in self.gold.disagreements:
            gold_sides = [set(files) for _, files in gold.values]
            hit = any(
                any(a & ga for a in sides) and any(b & gb for b in sides)
                for sides in flagged_sets
                for x, ga in enumerate(gold_sides)
                for gb in gold_sides[x + 1 :]
            )
            count += hit
            if not hit:
                missed.append(f"{gold.story}: {gold.what}")
        return count, missed

    def name_variants_left(self) -> list[str]:
        """Name groups the brief prints in two or more spellings."""
        text = "\n".join(self.view.english())
        left = []
        for group in self.gold.names:
            seen = {
                v.casefold() for v in group.variants if re.search(rf"(?<!\w){re.escape(v)}(?!\w)", text, re.IGNORECASE)
            }
            if len(seen) > 1:
                left.append(" / ".join(sorted(seen)))
        return left


def _event_day(event: Mapping[str, Any]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(event.get("date"))[:10])
    except ValueError:
        return None


def score(gold: Gold, data: Mapping[str, Any], articles: Sequence[Any], english: Mapping[str, str],
          translated: int | None = None) -> tuple[dict[str, int], dict[str, Any]]:
    """The scores of one brief (its JSON as a dict) against a set's gold, and the details behind them."""
    view = BriefView.from_json(data)
    scorer = Scorer(gold, view, articles, english)
    covered, missed = scorer.facts()
    timeline, timeline_missed = scorer.timeline()
    disagreements, disagreements_missed = scorer.disagreements()
    mixed = scorer.mixed_sections()
    singles = scorer.singles_in_story()
    unsupported = scorer.unsupported()
    duplicates = scorer.near_duplicates()
    uncited = scorer.uncited()
    variants = scorer.name_variants_left()
    mastheads = [english.get(collapse_space(m), "") for m in _mastheads(gold.folder)]
    masthead = scorer.title_masthead(mastheads)
    scores: dict[str, int] = {f"facts.{sid}": n for sid, n in covered.items()}
    scores.update({f"timeline.{sid}": n for sid, n in timeline.items()})
    scores.update(
        disagreements=disagreements,
        mixed_sections=len(mixed),
        singles_in_story=len(singles),
        unsupported=len(unsupported),
        near_duplicates=len(duplicates),
        uncited=len(uncited),
        title_masthead=int(masthead),
        name_variants_left=len(variants),
        texts_translated=view.translated if view.translated is not None else int(translated or 0),
        words=view.words,
        sections=len(view.sections),
    )
    details = {
        "facts_total": {s.id: len(s.facts) for s in gold.stories},
        "facts_missed": missed,
        "timeline_total": {sid: sum(e.story == sid for e in gold.timeline) for sid in timeline},
        "timeline_missed": timeline_missed,
        "disagreements_total": len(gold.disagreements),
        "disagreements_missed": disagreements_missed,
        "mixed_sections": mixed,
        "singles_in_story": singles,
        "unsupported": unsupported,
        "near_duplicates": duplicates,
        "uncited": uncited,
        "name_variants_left": variants,
        "title": view.title,
    }
    return scores, details


def _mastheads(folder: Path) -> list[str]:
    """The first line of every article of a set: where a text dump names its publisher."""
    heads = []
    for path in sorted(folder.iterdir()):
        if path.suffix in {".txt", ".md"}:
            first = next((line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()), "")
            heads.append(first.strip())
    return heads


# --- running a set through the real pipeline ----------------------------------------------------------------


def run_set(folder: Path, *, words: int = DEFAULT_WORDS) -> SetResult:
    """Make the set's brief with the real pipeline (reference translator, e5-small, extractive) and score it.

    A corpus folder (``labels.yaml``) is made and scored by ``evaluate_corpus.run_folder``.
    """
    from brief import evaluate_corpus, pipeline, render
    from brief.config import Settings
    from brief.models.reference import load_translations
    from brief.store import Store

    if evaluate_corpus.is_corpus_folder(folder):
        scores, details, seconds = evaluate_corpus.run_folder(folder, words=words)
        return SetResult(folder.name, scores, details, seconds)
    gold = load_gold(folder)
    registry = folder / "models.yaml"
    if not registry.is_file():
        raise ConfigError(f"evaluation set {folder} has no models.yaml (a registry with the reference translator)")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="brief-eval-") as home:
        settings = Settings(registry=registry, rewrite=False, words=words, home=Path(home), inputs=(str(folder),))
        stats = pipeline.RunStats()
        with Store.open(Path(home)) as store:  # a fresh store: translations go through the cache path
            made = pipeline.make(settings, [str(folder)], store=store, stats=stats)
        data = json.loads(render.to_json(made))
    seconds = time.perf_counter() - start
    articles, _ = pipeline.read_articles([str(folder)])
    translations = folder / "translations.jsonl"
    english = {text: en for (_, text), en in load_translations(translations).items()} if translations.is_file() else {}
    translated = stats.counts.get("cache_hits", 0) + stats.counts.get("cache_misses", 0)
    scores, details = score(gold, data, articles, english, translated)
    return SetResult(gold.name, scores, details, seconds)


def combine(folders: Sequence[Path], into: Path) -> Path:
    """Write one evaluation set holding every article of ``folders`` (their gold and translations merged).

    A brief of many stories at once: how selection scales, and how many texts a bigger pile costs to translate.
    """
    into.mkdir(parents=True, exist_ok=True)
    gold: dict[str, Any] = {"stories": {}, "singles": [], "disagreements": [], "timeline": {}, "names": []}
    lines: list[str] = []
    for folder in folders:
        data = yaml.safe_load((folder / GOLD_NAME).read_text(encoding="utf-8"))
        load_gold(folder)  # checked as a set of its own first
        for path in sorted(folder.iterdir()):
            if path.suffix in {".txt", ".md", ".html", ".htm"}:
                if (into / path.name).exists():
                    raise ConfigError(f"cannot combine the sets: two have an article called {path.name}")
                (into / path.name).write_bytes(path.read_bytes())
        for key in ("stories", "timeline"):
            for sid, value in (data.get(key) or {}).items():
                if sid in gold[key]:
                    raise ConfigError(f"cannot combine the sets: two have a story called {sid!r}")
                gold[key][sid] = value
        for key in ("singles", "disagreements", "names"):
            gold[key] += data.get(key) or []
        lines += (folder / "translations.jsonl").read_text(encoding="utf-8").splitlines()
    (into / GOLD_NAME).write_text(yaml.safe_dump(gold, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (into / "translations.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (into / "models.yaml").write_bytes((folders[0] / "models.yaml").read_bytes())
    return into


# --- baseline -----------------------------------------------------------------------------------------------


def direction(name: str) -> str:
    """Which way a score is better: 'higher', 'lower' or 'info' (a set's scores, then a corpus folder's)."""
    from brief.evaluate_corpus import DIRECTIONS as CORPUS

    both = {**CORPUS, **DIRECTIONS}
    return both.get(name, both.get(name.split(".")[0], INFO))


def baseline_for(given: Path, folders: Sequence[Path]) -> Path:
    """Where the pinned scores are: the nearest baseline.json in or above the folder of sets (the corpus folders'
    is tests/eval's, beside the five sets'); else beside the sets."""
    start = given if given not in folders else given.parent
    for folder in [start, *start.parents]:
        if (folder / BASELINE_NAME).is_file():
            return folder / BASELINE_NAME
    return start / BASELINE_NAME


# What ``brief eval -v`` lists for a corpus folder.
CORPUS_DETAILS = ("stories_merged", "stories_split", "single_source_sections", "heading_other_story",
                  "weight3_missing", "thin_stories", "false_differences", "rising_as_conflict", "differences_missed",
                  "one_source_wrong", "undated_shown_date", "wrong_dates", "also_noted_not_lead", "beats")  # fmt: skip


def load_baseline(path: Path) -> dict[str, dict[str, int]]:
    """Set name -> pinned scores ({} when there is no baseline yet)."""
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ConfigError(f"baseline {path} cannot be read: {err}") from None
    return dict(data.get("sets") or {})


def regressions(results: Sequence[SetResult], baseline: Mapping[str, Mapping[str, int]]) -> list[str]:
    """Scores that moved the wrong way against the baseline, one line each."""
    out = []
    for result in results:
        pinned = baseline.get(result.name)
        if pinned is None:
            continue
        for name, old in pinned.items():
            new = result.scores.get(name)
            way = direction(name)
            if new is None and way != INFO:
                out.append(f"{result.name}: {name} is no longer scored (was {old})")
            elif new is not None and ((way == HIGHER and new < old) or (way == LOWER and new > old)):
                out.append(f"{result.name}: {name} {old} -> {new} ({way} is better)")
    return out


def baseline_json(
    results: Sequence[SetResult], words: int, pinned: Mapping[str, Mapping[str, int]] | None = None
) -> str:
    """The baseline file's text: the scores of every set (those not scored now keep ``pinned``'s), and directions."""
    sets = {name: dict(scores) for name, scores in (pinned or {}).items()}
    sets.update({r.name: dict(sorted(r.scores.items())) for r in results})
    names = sorted({n for scores in sets.values() for n in scores})
    data = {
        "note": "Pinned by `brief eval --update-baseline`; tests/test_evaluate.py fails when a score moves the "
        "wrong way. Re-pin only when a change makes the briefs better.",
        "words": words,
        "directions": {n: direction(n) for n in names},
        "sets": dict(sorted(sets.items())),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# --- the table ----------------------------------------------------------------------------------------------

COLUMNS = [
    ("facts", "facts"),
    ("mixed_sections", "mixed"),
    ("singles_in_story", "singles in"),
    ("unsupported", "unsupp."),
    ("near_duplicates", "near-dup"),
    ("uncited", "uncited"),
    ("title_masthead", "masthead"),
    ("timeline", "timeline"),
    ("disagreements", "disagree"),
    ("name_variants_left", "variants"),
    ("texts_translated", "translated"),
    ("words", "words"),
]


def _cell(result: SetResult, key: str) -> str:
    s, d = result.scores, result.details
    if key in ("facts", "timeline"):
        per_story = {name.partition(".")[2]: n for name, n in s.items() if name.startswith(f"{key}.")}
        shown = [f"{sid} {n}/{d[key + '_total'][sid]}" if key == "facts" else f"{n}/{d[key + '_total'][sid]}"
                 for sid, n in per_story.items()]  # fmt: skip
        return " ".join(shown) or "-"
    if key == "disagreements":
        return f"{s['disagreements']}/{d['disagreements_total']}"
    return str(s.get(key, "-"))


def table(results: Sequence[SetResult]) -> str:
    """The scores as plain-text tables: the sets' (one row per set and a total row), then the corpus folders'."""
    from brief import evaluate_corpus

    sets = [r for r in results if not r.corpus]
    folders = [(r.name, r.scores, r.details) for r in results if r.corpus]
    parts = [_sets_table(sets)] if sets else []
    if folders:
        parts.append(evaluate_corpus.table(folders))
    return "\n\n".join(parts)


def _sets_table(results: Sequence[SetResult]) -> str:
    header = ["set", *(label for _, label in COLUMNS)]
    rows = [[r.name, *(_cell(r, key) for key, _ in COLUMNS)] for r in results]
    rows.append(_all_row(results))
    return _aligned([header, *rows])


def _all_row(results: Sequence[SetResult]) -> list[str]:
    """The sets table's last row: every column summed over the sets (facts and timeline as found/total)."""
    covered = sum(v for r in results for k, v in r.scores.items() if k.startswith("facts."))
    total = sum(sum(r.details["facts_total"].values()) for r in results)
    per_story = [v for r in results for k, v in r.scores.items() if k.startswith("facts.")]
    sums = {key: sum(r.scores.get(key, 0) for r in results) for key, _ in COLUMNS}
    found = sum(v for r in results for k, v in r.scores.items() if k.startswith("timeline."))
    events = sum(sum(r.details["timeline_total"].values()) for r in results)
    return [
        "all", f"{covered}/{total} (min {min(per_story, default=0)})", *(str(sums[k]) for k, _ in COLUMNS[1:7]),
        f"{found}/{events}", f"{sums['disagreements']}/{sum(r.details['disagreements_total'] for r in results)}",
        str(sums["name_variants_left"]), str(sums["texts_translated"]), str(sums["words"]),
    ]  # fmt: skip


def _aligned(rows: Sequence[Sequence[str]]) -> str:
    """Rows as text columns, each as wide as its widest cell, with a rule under the first (the header)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


# The "Done when" of issues 9 and 11, as checks on the scores: (what, score prefix, test of one value).
TARGETS: tuple[tuple[str, str, Any], ...] = (
    ("at least 7 of 8 key facts per story", "facts.", lambda n: n >= 7),
    ("0 mixed sections", "mixed_sections", lambda n: n == 0),
    ("singles only under Also noted", "singles_in_story", lambda n: n == 0),
    ("0 unsupported numbers, names, dates", "unsupported", lambda n: n == 0),
    ("every line cited", "uncited", lambda n: n == 0),
    ("the title a real headline", "title_masthead", lambda n: n == 0),
    ("at most 60 texts translated", "texts_translated", lambda n: n <= 60),
    ("one spelling per name", "name_variants_left", lambda n: n == 0),
)


def targets(results: Sequence[SetResult]) -> list[dict[str, Any]]:
    """How far the briefs are from the issues' acceptance: per target, how many scores meet it, and which miss.

    The sets are held to issues 9 and 11, the corpus folders to issue 17.
    """
    from brief import evaluate_corpus

    folders = [(r.name, r.scores, r.details) for r in results if r.corpus]
    results = [r for r in results if not r.corpus]
    out = evaluate_corpus.targets(folders) if folders else []
    if not results:
        return out
    for what, prefix, ok in TARGETS:
        scored = [(r.name, name, n) for r in results for name, n in r.scores.items()
                  if name == prefix or (prefix.endswith(".") and name.startswith(prefix))]  # fmt: skip
        missed = [f"{set_name} {name.removeprefix(prefix) or name} {n}" for set_name, name, n in scored if not ok(n)]
        out.append({"target": what, "met": len(scored) - len(missed), "of": len(scored), "missed": missed})
    flagged = sum(r.scores.get("disagreements", 0) for r in results)
    out.append({"target": "a disagreement printed with both citations", "met": int(flagged > 0), "of": 1,
                "missed": [] if flagged else ["none flagged in any set"]})  # fmt: skip
    return out


def targets_text(results: Sequence[SetResult]) -> str:
    """The targets as lines under the table."""
    lines = ["Targets (issues 9 and 11 for the sets, 17 for the corpus folders):"]
    for t in targets(results):
        mark = "ok " if t["met"] == t["of"] else "-- "
        lines.append(f"  {mark}{t['target']}: {t['met']}/{t['of']}")
    return "\n".join(lines)
