"""Order the stages: ingest -> clean -> translate -> summarise -> Brief. Records why anything was left out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from brief import __version__, clean, ingest, models
from brief.clean.duplicates import merge_duplicates
from brief.config import Settings
from brief.errors import InputError
from brief.records import Article, Brief, ModelUse, Skipped, SourceEntry, TranslatedArticle
from brief.summarise import summarise
from brief.translate import count_to_translate, translate_articles


class Reporter(Protocol):
    """Where a run tells of its progress (the CLI draws it on stderr)."""

    def stage(self, name: str, total: int | None = None) -> None:
        """A new stage starts; ``total`` units of work if known."""

    def advance(self, amount: int = 1) -> None:
        """Some units of the current stage are done."""

    def info(self, message: str) -> None:
        """A message worth showing with --verbose."""


class SilentReporter:
    """Reports nothing."""

    def stage(self, name: str, total: int | None = None) -> None:
        """Ignore."""

    def advance(self, amount: int = 1) -> None:
        """Ignore."""

    def info(self, message: str) -> None:
        """Ignore."""


def read_articles(inputs: Sequence[str | Path]) -> tuple[list[Article], list[Skipped]]:
    """Ingest and clean every input; one that fails or has no text is skipped with its reason; copies are merged."""
    documents, skipped = ingest.read_inputs(inputs)
    articles: list[Article] = []
    for doc in documents:
        article = clean.clean_document(doc)
        if article.sentences:
            articles.append(article)
        else:
            skipped.append(Skipped(doc.location, "no article text left after removing page boilerplate"))
    return merge_duplicates(articles), skipped


def make(settings: Settings, inputs: Sequence[str | Path], reporter: Reporter | None = None) -> Brief:
    """Make a brief from the inputs."""
    reporter = reporter or SilentReporter()
    registry = models.Registry.load(settings.registry)
    # Resolve every name before any work, so a typo fails at once.
    specs = {"translator": registry.get("translator", settings.translator)}
    if settings.rewrite:
        specs["summariser"] = registry.get("summariser", settings.summariser)
    specs["embedder"] = registry.get("embedder", settings.embedder)

    reporter.stage("Reading and cleaning")
    articles, skipped = read_articles(inputs)
    reporter.info(f"{len(articles)} article(s) read, {len(skipped)} input(s) skipped")
    if not articles:
        reasons = "; ".join(f"{s.location}: {s.reason}" for s in skipped) or "no inputs given"
        raise InputError(f"no usable article in the input ({reasons})")
    if all(a.language == "en" for a in articles):
        del specs["translator"]  # nothing to translate, so no translator to fetch
    # Fetch (or find in the cache) every model before the slow work, so a missing one fails first.
    for kind, spec in specs.items():
        if spec.needs_files:
            reporter.stage(f"Finding {kind} {spec.name}")
            models.fetch(spec, offline=settings.offline)

    translator = None
    if "translator" in specs:
        reporter.stage(f"Loading translator {specs['translator'].name}")
        translator = models.load_backend(specs["translator"], offline=settings.offline)
    reporter.stage("Translating", total=count_to_translate(articles))
    docs, untranslatable = translate_articles(articles, translator, progress=reporter.advance)
    skipped += untranslatable
    if not docs:
        raise InputError("no article could be translated: " + "; ".join(s.reason for s in untranslatable))

    reporter.stage("Summarising")
    embedder = models.load_backend(specs["embedder"], offline=settings.offline)
    summariser = models.load_backend(specs["summariser"], offline=settings.offline) if settings.rewrite else None
    summary = summarise(docs, embedder, summariser, settings.words)

    used = [(translator, "translator"), (summariser, "summariser"), (embedder, "embedder")]
    model_uses = tuple(
        ModelUse(kind=kind, name=backend.spec.name, ref=backend.ref, params=dict(backend.spec.params))
        for backend, kind in used
        if backend is not None
    )
    dates = sorted(d.article.date for d in docs if d.article.date)
    return Brief(
        title=_title(docs, summary.bottom_line[0].cites[0] if summary.bottom_line else 1),
        date_from=dates[0] if dates else None,
        date_to=dates[-1] if dates else None,
        bottom_line=summary.bottom_line,
        points=summary.points,
        sources=tuple(_source_entry(d) for d in docs),
        skipped=tuple(skipped),
        models=model_uses,
        version=__version__,
        made_at=dt.datetime.now(dt.timezone.utc),
        word_budget=settings.words,
    )


def _title(docs: Sequence[TranslatedArticle], lead: int) -> str:
    """The brief's title: the headline of the source the bottom line leads with."""
    doc = next((d for d in docs if d.n == lead), docs[0])
    headline = doc.title_en or (doc.sentences[0].english if doc.sentences else "")
    return f"Brief: {headline}".strip()


def _source_entry(doc: TranslatedArticle) -> SourceEntry:
    article = doc.article
    return SourceEntry(
        n=doc.n,
        article_id=article.id,
        publisher=article.publisher,
        title_en=doc.title_en,
        title_original=article.title,
        language=article.language,
        date=article.date,
        location=article.location,
        url=article.url if article.url != article.location else None,
        also_at=article.also_at,
    )
