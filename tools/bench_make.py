"""`python -m tools.bench`, the end-to-end part: whole `brief make` runs on models of the default shapes.

The issue's headline figures are whole runs, not stages: a brief of 200 articles, and `brief make seeds/` cold and
rerun unchanged. Each is the real command line (`python -m brief make`), run in a fresh home in a process of its
own, with a registry that names random-weight models of the default models' shapes converted to CTranslate2 int8:
the translator at the opus-mt-tc-big-ar-en shape, the summariser at the distilbart-cnn-12-6 shape, and the
registry's own embedder. Random weights rarely stop, so the translator's output is pinned (``max_new_tokens``)
and the summariser runs to its registry limit: both cost what real models cost at those lengths, or a little more.
The rewrites of a random summariser fail the faithfulness check, so the brief is extractive in content; its cost
includes every rewrite tried.

    plan(shape, ..., cache, tiny, progress) the registry and the runs, as jobs for tools.bench's children
    job_make(job)                          (in a child) one `brief make` run: wall, CPU and peak of the command
    job_daily(job)                         (in a child) the daily job three times against a feed on 127.0.0.1:
                                           what each run fetches (new pages only; the feed by a conditional GET)
    job_fetch(job)                         (in a child) a feed and its pages over https, each connection closed
                                           after one answer or kept open, side by side
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from brief.bench import Row, synthesise_articles
from tools import synthetic
from tools.synthetic import REPO, SUMMARISER_NAME, sentence_pool, tests_on_path

# The registry's generation settings of the defaults (models.yaml), with the translator's output pinned.
TRANSLATOR_PARAMS = {"num_beams": 4, "batch_size": 16, "max_input_tokens": 400}
SUMMARISER_PARAMS = {"num_beams": 4, "length_penalty": 1.0, "no_repeat_ngram_size": 3, "min_new_tokens": 8,
                     "max_new_tokens": 60}  # fmt: skip


def plan(
    shape: str,
    out_tokens: int,
    articles: int,
    cache: Path,
    tiny: dict[str, str],
    progress: Callable[[str], None],
) -> list[dict[str, Any]]:
    """The end-to-end runs as child jobs: ``articles`` synthesised articles cold, the seeds cold and again (the same
    home, so from the store), and the daily job against a local feed.

    ``shape`` is the translator's shape; with "tiny" (the tests) the tiny test models stand in for both.
    """
    from brief.models import ctranslate2 as ct2

    if not ct2.available():
        return []
    if shape == "tiny":
        translator, summariser = Path(tiny["marian"]), Path(tiny["bart"])
        summariser_shape = "tiny"
    else:
        progress(f"building the {SUMMARISER_NAME} shape (cached after the first run)")
        translator = synthetic.build_synthetic_marian(shape, cache)
        summariser = synthetic.build_synthetic_bart(cache)
        summariser_shape = SUMMARISER_NAME
    progress("converting both to CTranslate2 int8 (cached after the first run)")
    translator_ct2 = synthetic.convert_in_child(
        "translator", f"synthetic-{shape}", "marian", translator, cache / f"{shape}-ct2-int8"
    )
    summariser_ct2 = synthetic.convert_in_child(
        "summariser", f"synthetic-{summariser_shape}", "seq2seq", summariser, cache / f"{summariser_shape}-ct2-int8"
    )
    registry = cache / f"end-to-end-{shape}.yaml"
    translator_params = {**TRANSLATOR_PARAMS, "model": "marian", "languages": ["ar"], "max_new_tokens": out_tokens}
    registry.write_text(
        "# Written by brief bench: random-weight models of the default shapes, converted to CTranslate2 int8.\n"
        "defaults: {translator: translator, summariser: summariser, embedder: e5-small}\n"
        f"translators:\n  translator: {{backend: ctranslate2, path: {json.dumps(str(translator_ct2))}, "
        f"params: {json.dumps(translator_params)}}}\n"
        f"summarisers:\n  summariser: {{backend: ctranslate2, path: {json.dumps(str(summariser_ct2))}, "
        f"params: {json.dumps({**SUMMARISER_PARAMS, 'model': 'seq2seq'})}}}\n"
        f"embedders:\n  e5-small: {json.dumps(_default_embedder())}\n",
        encoding="utf-8",
    )
    base = {"job": "make", "registry": str(registry), "shape": shape, "summariser": summariser_shape}
    return [
        {**base, "what": f"brief make, {articles} articles, cold", "articles": articles, "home": "pile"},
        {**base, "what": "brief make seeds/, cold", "seeds": True, "home": "seeds"},
        {**base, "what": "brief make seeds/, unchanged rerun", "seeds": True, "home": "seeds"},
        {**base, "job": "daily", "what": f"daily job: a feed of {DAILY_ITEMS} items, then {DAILY_NEW} new, then none",
         "home": "daily"},
        {"job": "fetch", "what": f"reading a feed of {DAILY_ITEMS} items over https, connections closed or kept"},
    ]


DAILY_ITEMS, DAILY_NEW = 20, 5  # 20: the newest items a feed gives a run (WebSettings.max_items)


def job_daily(job: dict[str, Any]) -> list[Any]:
    """(In a child.) The daily job against a feed on 127.0.0.1: `brief make FEED --new`, again once the feed has
    DAILY_NEW more items (only the new pages are fetched), and again unchanged (the feed answers 304, nothing is
    fetched, no brief is made)."""
    tests_on_path()
    from webserver import WebServer

    feed, routes = _news_site(DAILY_ITEMS + DAILY_NEW, seed=23)
    scratch = Path(job["scratch"])
    home = scratch / job["home"]
    env = {**_home_env(home), "BRIEF_ALLOW_PRIVATE": "1"}  # the feed is on 127.0.0.1
    rows = []
    with WebServer(routes, keep_alive=True) as site:  # HTTP/1.1, as news sites answer
        steps = ((DAILY_ITEMS, "first run"), (DAILY_ITEMS + DAILY_NEW, f"{DAILY_NEW} new items"),
                 (DAILY_ITEMS + DAILY_NEW, "nothing new"))  # fmt: skip
        for step, (count, shown) in enumerate(steps):
            feed.shown = count
            before = sum(n for path, n in site.hits.items() if path.startswith("/news/"))
            requests_before, connections_before = sum(site.hits.values()), site.connections
            command = [sys.executable, "-m", "brief", "make", site.url("/rss.xml"), "--new", "--models",
                       job["registry"], "-o", str(scratch / f"daily-{step}.md"), "--max-articles", "100", "-q"]  # fmt: skip
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
            wall = time.perf_counter() - started
            if done.returncode != 0:
                raise RuntimeError(f"brief make exited {done.returncode}: {done.stderr.strip()[-400:]}")
            fetched = sum(n for path, n in site.hits.items() if path.startswith("/news/")) - before
            requests = sum(site.hits.values()) - requests_before
            connections = site.connections - connections_before
            timings, counts = _last_run(_logs(env), env)
            note = (f"feed answered {feed.statuses[-1]}; {fetched} item pages fetched; "
                    f"{counts.get('feed_items_known', 0)} items already in a brief, not fetched; "
                    f"{counts.get('translated', 0)} texts translated; {requests} requests over {connections} "
                    f"connection{'' if connections == 1 else 's'}")  # fmt: skip
            extra = {"timings": timings, "counts": counts, "requests": requests, "connections": connections}
            rows.append(
                Row("end to end", f"daily job, {shown}", job["shape"], TRANSLATOR_PARAMS["num_beams"], fetched,
                          "pages", round(wall, 2), note=note, extra=extra)  # fmt: skip
            )
    return rows


def job_fetch(job: dict[str, Any]) -> list[Any]:
    """(In a child.) A feed and its DAILY_ITEMS item pages read over https from 127.0.0.1, side by side: from a
    server that closes every connection (HTTP/1.0: a TCP and TLS handshake per page, which is what urllib alone
    does with any server) and from one that keeps them open (brief reuses them). Best of three each."""
    import ssl

    from brief.ingest import read_inputs
    from brief.ingest.web import Session, WebSettings

    tests_on_path()
    from webserver import WebServer

    try:
        import trustme  # a test dependency: a throwaway certificate authority
    except ImportError:
        return [Row("web", "reading a feed over https", note='not run: needs trustme (pip install -e ".[test]")')]
    authority = trustme.CA()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    _, routes = _news_site(DAILY_ITEMS, seed=29)
    rows = []
    with authority.cert_pem.tempfile() as ca_file:
        for keep_alive, what in ((False, "connection per request"), (True, "connections kept open")):
            best = None
            with WebServer(routes, tls=context, keep_alive=keep_alive) as site:
                for _ in range(3):
                    settings = WebSettings(ca_file=ca_file, allow_private=True, session=Session())
                    connections, requests = site.connections, sum(site.hits.values())
                    started = time.perf_counter()
                    documents, _ = read_inputs([site.url("/rss.xml")], web=settings)
                    wall = time.perf_counter() - started
                    counted = (site.connections - connections, sum(site.hits.values()) - requests, len(documents))
                    if best is None or wall < best[0]:
                        best = (wall, *counted)
            assert best is not None
            wall, connections, requests, documents = best
            rows.append(Row(
                "web", f"read a feed and its pages over https, {what}", "", None, requests, "requests",
                round(wall, 4), note=f"{requests} requests over {connections} connections; {documents} pages; best of 3",
                extra={"connections": connections, "requests": requests},
            ))  # fmt: skip
    if rows[0].seconds and rows[1].seconds:
        rows[1].note += f"; {rows[0].seconds / rows[1].seconds:.2f}x the pages a second"
    return rows


def _news_site(count: int, *, seed: int) -> tuple[_Feed, dict[str, Any]]:
    """``count`` synthesised articles as pages of a site with an RSS feed at /rss.xml: the feed and the routes."""
    pages = synthesise_articles(sentence_pool(), count, seed=seed)
    feed = _Feed([f"/news/{name.removesuffix('.txt')}.html" for name, _ in pages])
    return feed, {"/rss.xml": feed, **{path: _page(text) for (_, text), path in zip(pages, feed.paths)}}


class _Feed:
    """An RSS feed of the first ``shown`` paths, answering 304 to a request that names its current ETag."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = paths
        self.shown = len(paths)
        self.statuses: list[int] = []

    def __call__(self, handler: Any) -> None:
        etag = f'"items-{self.shown}"'
        if handler.headers.get("If-None-Match") == etag:
            self.statuses.append(304)
            handler.send_response(304)
            handler.send_header("ETag", etag)
            handler.end_headers()
            return
        items = "".join(
            f"<item><title>خبر {n}</title><link>{handler.base}{path}</link>"
            f"<pubDate>{format_datetime(dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc) + dt.timedelta(hours=n))}"
            "</pubDate></item>"
            for n, path in enumerate(self.paths[: self.shown])
        )
        body = f"<rss version='2.0'><channel><title>bench</title>{items}</channel></rss>".encode()
        self.statuses.append(200)
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.send_header("ETag", etag)
        handler.end_headers()
        handler.wfile.write(body)


def _page(text: str) -> Any:
    """An article page: the synthesised article's publisher, headline and paragraphs as HTML."""
    import html

    publisher, headline, *paragraphs = text.strip().split("\n\n")
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    page = (
        f"<html lang='ar' dir='rtl'><head><meta charset='utf-8'><title>{html.escape(headline)}</title>"
        f"<meta property='og:site_name' content='{html.escape(publisher)}'></head><body><header>{html.escape(publisher)}"
        f"</header><article><h1>{html.escape(headline)}</h1>{body}</article></body></html>"
    ).encode()

    def route(handler: Any) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(page)))
        handler.end_headers()
        handler.wfile.write(page)

    return route


def _home_env(home: Path) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"), "BRIEF_HOME": str(home / "brief"), "HF_HUB_OFFLINE": "1",
    }  # fmt: skip


def _logs(env: dict[str, str]) -> str:
    return subprocess.run([sys.executable, "-m", "brief", "logs", "--json", "-n", "1"], capture_output=True,
                          text=True, env=env, check=False).stdout  # fmt: skip


def _default_embedder() -> dict[str, Any]:
    """The packaged registry's default embedder entry, so the runs measure what users run."""
    from brief import models

    spec = models.Registry.load(models.packaged_registry()).get("embedder")
    entry: dict[str, Any] = {"backend": spec.backend, "params": dict(spec.params)}
    if spec.repo:
        entry.update(repo=spec.repo, revision=spec.revision)
    elif spec.path:
        entry["path"] = str(spec.path)
    return entry


def job_make(job: dict[str, Any]) -> list[Any]:
    """(In a child.) One `brief make` through the command line; its wall and CPU time, peak memory and stages."""
    import tempfile

    scratch = Path(job["scratch"])
    env = _home_env(scratch / job["home"])
    if job.get("seeds"):
        inputs, count = REPO / "seeds", len(list((REPO / "seeds").iterdir()))
    else:
        inputs = scratch / "articles"
        if not inputs.is_dir():
            inputs.mkdir()
            for name, text in synthesise_articles(sentence_pool(), job["articles"]):
                (inputs / name).write_text(text, encoding="utf-8")
        count = job["articles"]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "brief.md"
        command = [sys.executable, "-m", "brief", "make", str(inputs), "--models", job["registry"], "-o", str(out),
                   "--max-articles", str(count), "-q"]  # fmt: skip
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        wall = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(f"brief make exited {done.returncode}: {done.stderr.strip()[-400:]}")
        footer = [line for line in out.read_text(encoding="utf-8").splitlines() if "CTranslate2" in line]
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    timings, counts = _last_run(_logs(env), env)
    stages = ", ".join(f"{k} {v:.1f}" for k, v in timings.items() if isinstance(v, (int, float)) and v >= 0.05)
    note = f"stages (s): {stages}" if stages else ""
    if counts.get("translated") is not None:
        note += f"; {counts['translated']} texts translated"
    if not footer:
        note += "; the footer does not name CTranslate2"
    return [
        Row(
            "end to end", job["what"], job["shape"], TRANSLATOR_PARAMS["num_beams"], count, "articles",
            round(wall, 2), round(usage.ru_utime + usage.ru_stime, 1), None, round(usage.ru_maxrss / 1024), note=note,
            extra={"timings": timings, "counts": counts, "summariser": job["summariser"]},
        )  # fmt: skip
    ]


def _last_run(listing: str, env: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The stage timings and counts of the newest run in the store (`brief logs show --json`)."""
    try:
        runs = json.loads(listing)
        run_id = runs[0]["id"] if isinstance(runs, list) else runs["runs"][0]["id"]
    except (ValueError, LookupError, TypeError):
        return {}, {}
    shown = subprocess.run([sys.executable, "-m", "brief", "logs", "show", str(run_id), "--json"],
                           capture_output=True, text=True, env=env, check=False)  # fmt: skip
    try:
        record = json.loads(shown.stdout)
    except ValueError:
        return {}, {}
    return dict(record.get("timings") or {}), dict(record.get("counts") or {})

