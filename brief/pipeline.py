"""Order the stages: ingest -> clean -> translate -> summarise -> Brief. Records why anything was left out."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from brief import __version__, ingest, models
from brief.clean.duplicates import merge_duplicates
from brief.clean.repeats import clean_documents
from brief.config import Settings
from brief.embed import CachingEmbedder
from brief.errors import ConfigError, InputError, NothingNewError
from brief.ingest.web import WebSettings
from brief.records import Article, Brief, ModelUse, Skipped, SourceEntry, TranslatedArticle
from brief.summarise import summarise
from brief.translate import count_to_translate, translate_articles

if TYPE_CHECKING:
    from brief.store import Store


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


def read_articles(
    inputs: Sequence[str | Path],
    *,
    web: WebSettings | None = None,
    sources: Path | None = None,
) -> tuple[list[Article], list[Skipped]]:
    """Ingest and clean every input (and every source of a sources file); copies are merged into one article.

    One that fails or has no text is skipped with its reason.
    """
    documents, skipped = ingest.read_inputs(inputs, web=web)
    if sources is not None:
        from brief.ingest.sources import load_sources, read_sources

        found, missed = read_sources(load_sources(sources), web=web)
        documents += found
        skipped += missed
    articles: list[Article] = []
    for doc, article in zip(documents, clean_documents(documents)):
        if article.sentences:
            articles.append(article)
        else:
            skipped.append(Skipped(doc.location, "no article text left after removing page boilerplate"))
    return merge_duplicates(articles), skipped


@dataclass
class RunStats:
    """What a run counted and how long each stage took, for the store's run record."""

    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        """Add the time spent inside to ``stage``."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] = round(self.timings.get(stage, 0.0) + time.perf_counter() - start, 3)


def make(
    settings: Settings,
    inputs: Sequence[str | Path],
    reporter: Reporter | None = None,
    *,
    store: Store | None = None,
    run_id: int | None = None,
    stats: RunStats | None = None,
) -> Brief:
    """Make a brief from the inputs (and the settings' sources file).

    With a ``store``: articles are recorded as seen (under ``run_id``), translations are cached, ``settings.new``
    and ``settings.since`` leave out what earlier briefs had, and a story that continues gets a "previously" line.
    """
    reporter = reporter or SilentReporter()
    stats = stats if stats is not None else RunStats()
    registry = models.Registry.load(settings.registry)
    # Resolve every name before any work, so a typo fails at once.
    specs = {"translator": registry.get("translator", settings.translator)}
    if settings.rewrite:
        specs["summariser"] = registry.get("summariser", settings.summariser)
    specs["embedder"] = registry.get("embedder", settings.embedder)
    if (settings.new or settings.since is not None) and store is None:
        raise ConfigError("--new and --since need the store, to know what earlier briefs had")

    reporter.stage("Reading and cleaning")
    with stats.timed("read"):
        articles, skipped = read_articles(inputs, web=settings.web, sources=settings.sources)
    stats.counts.update(read=len(articles), skipped=len(skipped))
    reporter.info(f"{len(articles)} article(s) read, {len(skipped)} input(s) skipped")
    if not articles:
        reasons = "; ".join(f"{s.location}: {s.reason}" for s in skipped) or "no inputs given"
        raise InputError(f"no usable article in the input ({reasons})")
    left_out: list[str] = []
    if store is not None:
        from brief.store import select_new

        if settings.new or settings.since is not None:
            articles, gone = select_new(articles, store, new=settings.new, since=settings.since)
            stats.counts["left_out"] = gone.count
            if note := gone.describe():
                left_out.append(note)
        if run_id is not None:
            store.record_articles(articles, run_id)
        if not articles:
            raise NothingNewError(f"nothing new to brief: {left_out[0] if left_out else 'no articles'}")
    articles, note = _newest(articles, settings.max_articles)
    if note:
        left_out.append(note)
    if all(a.language == "en" for a in articles):
        del specs["translator"]  # nothing to translate, so no translator to fetch
    # Fetch (or find in the cache) every model before the slow work, so a missing one fails first.
    with stats.timed("models"):
        for kind, spec in specs.items():
            if spec.needs_files:
                reporter.stage(f"Finding {kind} {spec.name}")
                models.fetch(spec, offline=settings.offline)

    translator = cached = None
    if "translator" in specs:
        reporter.stage(f"Loading translator {specs['translator'].name}")
        with stats.timed("models"):
            translator = models.load_backend(specs["translator"], offline=settings.offline)
        if store is not None:
            from brief.cache import CachedTranslator

            translator = cached = CachedTranslator(translator, store)
    reporter.stage("Translating", total=count_to_translate(articles))
    with stats.timed("translate"):
        docs, untranslatable = translate_articles(articles, translator, progress=reporter.advance)
    if cached is not None:
        stats.counts.update(cached.counts())
    skipped += untranslatable
    if not docs:
        raise InputError("no article could be translated: " + "; ".join(s.reason for s in untranslatable))

    reporter.stage("Summarising")
    with stats.timed("models"):  # model loading is a stage of its own in the run's timings
        embedder = models.load_backend(specs["embedder"], offline=settings.offline)
        summariser = models.load_backend(specs["summariser"], offline=settings.offline) if settings.rewrite else None
    with stats.timed("summarise"):
        summary = summarise(docs, embedder, summariser, settings.words)
        earlier: tuple[str, ...] = ()
        if store is not None:
            from brief.store import previously

            texts = [" ".join(s.text for s in summary.bottom_line), *(p.text for p in summary.points)]
            earlier = tuple(p.line() for p in previously(texts, store.briefs(limit=30), embedder))
    stats.counts.update(articles=len(docs), skipped=len(skipped))
    if isinstance(embedder, CachingEmbedder):
        stats.counts.update(embedder.counts())

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
        previously=earlier,
        left_out=tuple(left_out),
    )


def _newest(articles: list[Article], limit: int) -> tuple[list[Article], str | None]:
    """At most ``limit`` articles, the newest by date (undated ones after dated), kept in input order."""
    if len(articles) <= limit:
        return articles, None
    def age(i: int) -> tuple[bool, int, int]:
        day = articles[i].date
        return (day is None, -(day or dt.date.min).toordinal(), i)

    keep = set(sorted(range(len(articles)), key=age)[:limit])
    extra = len(articles) - limit
    note = f"{extra} older article{'s' if extra != 1 else ''} left out (at most {limit} per brief; see --max-articles)"
    return [a for i, a in enumerate(articles) if i in keep], note


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
