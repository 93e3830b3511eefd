"""Order the stages: ingest -> clean -> embed -> stories -> select -> translate (only what is printed) -> compose
-> Brief. Records why anything was left out."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from brief import __version__, beat, ingest, models
from brief.clean.duplicates import merge_duplicates
from brief.clean.repeats import clean_documents
from brief.compose import compose
from brief.config import Settings
from brief.errors import ConfigError, InputError, NothingNewError
from brief.glossary import apply_glossary, load_glossary
from brief.ingest.web import WebSettings
from brief.pile import Pile
from brief.records import AlsoNoted, Article, Brief, ModelUse, Section, Skipped
from brief.select import Plan, plan
from brief.stories import find_stories
from brief.translate import Translations, count_texts, readable, translate_texts

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
    memory: ingest.FeedMemory | None = None,
) -> tuple[list[Article], list[Skipped]]:
    """Ingest and clean every input (and every source of a sources file); copies are merged into one article.

    One that fails or has no text is skipped with its reason. ``memory`` (the store) spares feeds' repeat work.
    """
    documents, skipped = ingest.read_inputs(inputs, web=web, memory=memory)
    if sources is not None:
        from brief.ingest.sources import load_sources, read_sources

        found, missed = read_sources(load_sources(sources), web=web, memory=memory)
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
    _inside: list[float] = field(default_factory=list, repr=False)  # time of nested stages, per open stage

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        """Add the time spent inside to ``stage``; a stage timed inside another (a model loaded when translation
        first needs it) counts to itself only."""
        start = time.perf_counter()
        self._inside.append(0.0)
        try:
            yield
        finally:
            elapsed = time.perf_counter() - start
            nested = self._inside.pop()
            self.timings[stage] = round(self.timings.get(stage, 0.0) + elapsed - nested, 3)
            if self._inside:
                self._inside[-1] += elapsed


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
    specs = _model_specs(settings, store)
    glossary = load_glossary(settings.glossary) if settings.glossary is not None else {}
    articles, skipped, left_out = _read(settings, inputs, reporter, store, run_id, stats)
    if all(a.language == "en" for a in articles):
        del specs["translator"]  # nothing to translate, so no translator to fetch
    _find_models(specs, settings, reporter, stats)
    translator = _translator(specs, settings, store, stats, reporter)
    articles, untranslatable = readable(articles, translator)
    skipped += untranslatable
    if not articles:
        raise InputError("no article could be translated: " + "; ".join(s.reason for s in untranslatable))

    # Stories and selection read the originals only; nothing is translated until the page is planned.
    reporter.stage("Finding stories")
    embedder = _wrapped(_backend(specs["embedder"], settings, store, stats), "CachedEmbedder", store)
    with stats.timed("select"):
        pile = Pile(articles, embedder)
        stories = find_stories(pile)
        focused = beat.focus(stories, pile, settings.about, settings.watch, glossary)
    if note := focused.note():
        left_out.append(note)
    page, translations = _plan_and_translate(
        focused.stories, pile, settings.words, translator, reporter, stats, first=focused.first
    )
    translations, placed = apply_glossary(translations, glossary)
    for miss in placed.missed:
        reporter.info(f"glossary: no spelling of {miss}")
    if store is not None and translator is not None:
        stats.counts.update(translator.counts())

    reporter.stage("Composing")
    with stats.timed("compose"):
        summariser = None
        if settings.rewrite:
            summariser = _wrapped(_backend(specs["summariser"], settings, store, stats), "CachedSummariser", store)
        made = compose(page, pile, translations, summariser)
        marked = [replace(s, marks=focused.marks.get(s.story, ())) for s in made.sections]
        sections, also_noted = _previously(marked, list(made.also_noted), store, embedder)
    stats.counts.update(
        articles=len(articles),
        skipped=len(skipped),
        stories=len(stories),
        sections=len(sections),
        embedded=pile.embedded,
        translated=translations.texts,
        translated_from_cache=translations.cached,
        retranslated=translations.retranslated,
        left_out_degenerate=len(translations.failed),
    )
    left_out += _not_printed(translations, page, settings.words)
    used = {"translator": translator, "summariser": summariser, "embedder": embedder}
    _count_models(used, stats)
    dates: list[dt.date | None] = [
        *sorted(day for s in made.sources if (day := pile.by_id[s.article_id].date) is not None)
    ] or [None]
    return Brief(
        title=made.title,
        date_from=dates[0],
        date_to=dates[-1],
        sources=made.sources,
        skipped=tuple(skipped),
        models=tuple(
            ModelUse(kind=kind, name=backend.spec.name, ref=backend.ref, params=dict(backend.spec.params))
            for kind, backend in used.items()
            if backend is not None
        ),
        version=__version__,
        made_at=dt.datetime.now(dt.timezone.utc),
        word_budget=settings.words,
        left_out=tuple(left_out),
        sections=tuple(sections),
        also_noted=tuple(also_noted),
        stories=made.stories,
        translated=translations.texts,
        translated_cached=translations.cached,
    )


# Plans made at most when translations come out degenerate: each leaves out what failed and takes the next text.
PLANS = 4


def _plan_and_translate(
    stories: Sequence[Any],
    pile: Pile,
    words: int,
    translator: Any,
    reporter: Reporter,
    stats: RunStats,
    first: frozenset[str] = frozenset(),
) -> tuple[Plan, Translations]:
    """The page and the English it prints. A text whose English is degenerate even decoded a second time is left
    out: the page is planned again without it (the next fact, headline or event in its place), and only the
    texts the new plan adds are translated."""
    translations = Translations({}, 0)
    avoid: frozenset[str] = frozenset()
    for _ in range(PLANS):
        with stats.timed("select"):
            page = plan(stories, pile, words, first=first, avoid=avoid)
        wanted = [w for w in page.needed(pile) if w not in translations.english and w not in translations.failed]
        if not wanted and avoid:
            break
        reporter.stage("Translating", total=count_texts(wanted))
        with stats.timed("translate"):
            translations = translations.merged(translate_texts(wanted, translator, progress=reporter.advance))
        failed = frozenset(text for _, text in translations.failed)
        if failed <= avoid:
            break
        avoid |= failed
    return page, translations


def _translator(
    specs: dict[str, models.ModelSpec], settings: Settings, store: Store | None, stats: RunStats, reporter: Reporter
) -> Any:
    """The run's translator behind its store cache; None when nothing needs translating."""
    if "translator" not in specs:
        return None
    return _wrapped(_backend(specs["translator"], settings, store, stats, reporter), "CachedTranslator", store)


def _not_printed(translations: Translations, page: Plan, words: int) -> list[str]:
    """The footer's lines for what the page does not print: degenerate translations, stories without room."""
    lines = [_degenerate_note(len(translations.failed))] if translations.failed else []
    return lines + ([_did_not_fit(page.left_out, words)] if page.left_out else [])


def _degenerate_note(count: int) -> str:
    """The footer's line for the texts left out because their translation was degenerate."""
    return (
        f"{count} sentence{'s' if count != 1 else ''} left out: {'its' if count == 1 else 'their'} translation was "
        "degenerate (a loop, or far longer than the original, even decoded again against repetition)"
    )


def _did_not_fit(stories: Sequence[Any], words: int) -> str:
    """The footer's line for the stories the page had no room for."""
    count = sum(len(s.article_ids) for s in stories)
    return (
        f"{len(stories)} more stor{'ies' if len(stories) != 1 else 'y'} ({count} article"
        f"{'s' if count != 1 else ''}) did not fit the {words}-word page"
    )


def _model_specs(settings: Settings, store: Store | None) -> dict[str, models.ModelSpec]:
    """The registry entry of every model the run needs, resolved before any work, so a typo fails at once."""
    registry = models.Registry.load(settings.registry)
    specs = {"translator": registry.get("translator", settings.translator)}
    if settings.rewrite:
        specs["summariser"] = registry.get("summariser", settings.summariser)
    specs["embedder"] = registry.get("embedder", settings.embedder)
    if (settings.new or settings.since is not None) and store is None:
        raise ConfigError("--new and --since need the store, to know what earlier briefs had")
    return specs


def _read(
    settings: Settings,
    inputs: Sequence[str | Path],
    reporter: Reporter,
    store: Store | None,
    run_id: int | None,
    stats: RunStats,
) -> tuple[list[Article], list[Skipped], list[str]]:
    """The articles to brief, the inputs skipped, and why articles that were read are left out."""
    memory = None
    if store is not None:
        from brief.store.feeds import StoreFeedMemory

        memory = StoreFeedMemory(store, new=settings.new, since=settings.since)
    reporter.stage("Reading and cleaning")
    with stats.timed("read"):
        articles, skipped = read_articles(inputs, web=settings.web, sources=settings.sources, memory=memory)
    stats.counts.update(read=len(articles), skipped=len(skipped))
    known = memory.counts["feed_items_known"] if memory is not None else 0
    if memory is not None:
        stats.counts.update(memory.counts)
    reporter.info(f"{len(articles)} article(s) read, {len(skipped)} input(s) skipped")
    if known:
        reporter.info(f"{known} feed item(s) already read were not fetched again")
    if not articles and known:
        raise NothingNewError(f"nothing new to brief: {known} feed item(s) already read were not fetched again")
    if not articles:
        reasons = "; ".join(f"{s.location}: {s.reason}" for s in skipped) or "no inputs given"
        raise InputError(f"no usable article in the input ({reasons})")
    left_out: list[str] = []
    if known:
        plural = known != 1
        left_out.append(f"{known} feed item{'s' if plural else ''} already read {'were' if plural else 'was'} not fetched")
    if store is not None:
        articles = _remembered(articles, settings, store, run_id, stats, left_out)
    articles, note = _newest(articles, settings.max_articles)
    if note:
        left_out.append(note)
    return articles, skipped, left_out


def _remembered(
    articles: list[Article], settings: Settings, store: Store, run_id: int | None, stats: RunStats, left_out: list[str]
) -> list[Article]:
    """The articles the store has not seen (with --new/--since), recorded as seen by this run."""
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
    return articles


def _find_models(specs: dict[str, models.ModelSpec], settings: Settings, reporter: Reporter, stats: RunStats) -> None:
    """Every model the run needs, here or fetched, before the slow work: one message names all that are missing."""
    models.check_available(list(specs.values()), offline=settings.offline)
    with stats.timed("models"):
        for kind, spec in specs.items():
            if spec.needs_files:
                reporter.stage(f"Finding {kind} {spec.name}")
                folder = models.fetch(spec, offline=settings.offline)
                # Fast by default: a model not converted yet (fetched before, or without `brief models pull`) is
                # converted to CTranslate2 once, when it is installed; later runs find the conversion.
                models.convert_once(spec, folder, reporter.stage, reporter.stage)


def _wrapped(backend: Any, wrapper: str, store: Store | None) -> Any:
    """The backend behind its store cache (``brief.models.cache``'s ``wrapper`` class), when there is a store."""
    if store is None:
        return backend
    from brief.models import cache

    return getattr(cache, wrapper)(backend, store)


def _previously(
    sections: list[Section], also_noted: list[AlsoNoted], store: Store | None, embedder: Any
) -> tuple[list[Section], list[AlsoNoted]]:
    """Each section and "also noted" line with the earlier briefs that told its story."""
    if store is None or not (sections or also_noted):
        return sections, also_noted
    from brief.store import previously

    briefs = store.briefs(limit=30)
    for k, section in enumerate(sections):
        texts = [" ".join(s.text for s in section.bottom_line), *(p.text for p in section.points)]
        lines = tuple(dict.fromkeys(p.line() for p in previously(texts, briefs, embedder)))
        sections[k] = replace(section, previously=lines)
    for k, noted in enumerate(also_noted):
        lines = tuple(p.line() for p in previously([noted.text], briefs, embedder))
        also_noted[k] = replace(noted, previously=lines)
    return sections, also_noted


def _count_models(used: dict[str, Any], stats: RunStats) -> None:
    """What the embedder's and the summariser's caches served, and whether each model had to be loaded at all (the
    translator's cache is counted when translation ends)."""
    from brief.models.cache import Deferred

    for kind in ("embedder", "summariser"):  # the store caches, and the embedder's run cache
        if hasattr(used[kind], "counts"):
            stats.counts.update(used[kind].counts())
    for kind, backend in used.items():
        inner = getattr(backend, "inner", None)
        if isinstance(inner, Deferred):
            stats.counts[f"{kind}_loaded"] = int(inner.loaded)


def _backend(
    spec: models.ModelSpec, settings: Settings, store: Store | None, stats: RunStats, reporter: Reporter | None = None
) -> Any:
    """The model of ``spec``: with a store, built only when the cache misses (its ref known before), else now."""
    def build() -> Any:
        with stats.timed("models"):
            return models.load_backend(spec, offline=settings.offline)

    ref = models.expected_ref(spec, offline=settings.offline) if store is not None else None
    if ref is None:
        if reporter is not None:
            reporter.stage(f"Loading {spec.kind} {spec.name}")
        return build()
    from brief.models import registry_languages
    from brief.models.cache import Deferred

    return Deferred(spec, ref, build, registry_languages(spec) if spec.kind == "translator" else None)


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
