"""A daily job that does not redo its work (issue 10, item 5), through the real CLI against a feed on 127.0.0.1.

The second run of `brief make FEED --new` asks for the feed conditionally (its ETag, and Last-Modified) and gets
304, reads the items from the feed the store kept, and fetches none of the item pages an earlier brief already
had. `brief logs show` gives the counts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli_runner import brief
from webserver import Handler, WebServer, news_routes

PAGES = ("/news/water", "/news/economy", "/news/storm")
ETAG = '"feed-v1"'
MODIFIED = "Sun, 16 Mar 2025 08:00:00 GMT"


def feed_body(base: str, paths: tuple[str, ...]) -> bytes:
    items = "".join(
        f"<item><title>خبر {n}</title><link>{base}{path}</link><pubDate>Sun, {10 + n} Mar 2025 08:00:00 GMT</pubDate>"
        "</item>"
        for n, path in enumerate(paths)
    )
    return f"<rss version='2.0'><channel><title>x</title>{items}</channel></rss>".encode()


class ConditionalFeed:
    """A feed that answers 304 to a request naming its current ETag; ``paths`` may grow between runs."""

    def __init__(self, paths: tuple[str, ...]) -> None:
        self.paths = paths
        self.etag = ETAG
        self.statuses: list[int] = []

    def __call__(self, handler: Handler) -> None:
        if handler.headers.get("If-None-Match") == self.etag:
            self.statuses.append(304)
            handler.send_response(304)
            handler.send_header("ETag", self.etag)
            handler.end_headers()
            return
        body = feed_body(handler.base, self.paths)
        self.statuses.append(200)
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.send_header("ETag", self.etag)
        handler.send_header("Last-Modified", MODIFIED)
        handler.end_headers()
        handler.wfile.write(body)


@pytest.fixture
def site() -> Iterator[WebServer]:
    with WebServer(news_routes()) as running:
        yield running


def counts(run: int) -> dict[str, str]:
    shown = brief("logs", "show", str(run))
    assert shown.exit_code == 0, shown.stderr
    return dict(re.findall(r"(feeds not modified|feed items known): (\d+)", shown.stdout))


def test_a_second_run_gets_304_and_fetches_no_item_page_again(home: Path, site: WebServer, tmp_path: Path) -> None:
    feed = ConditionalFeed(PAGES[:2])
    site.routes["/rss.xml"] = feed
    first = brief("make", site.url("/rss.xml"), "--new", "--extractive", "-o", tmp_path / "one.md", "-q")
    assert first.exit_code == 0, first.stderr
    assert [site.hits[p] for p in PAGES[:2]] == [1, 1]

    second = brief("make", site.url("/rss.xml"), "--new", "--extractive", "-o", tmp_path / "two.md", "-q")
    assert second.exit_code == 0, second.stderr  # nothing new: no brief, and that is no failure
    assert not (tmp_path / "two.md").exists()
    assert feed.statuses == [200, 304]
    assert [site.hits[p] for p in PAGES[:2]] == [1, 1]  # no item page fetched again
    sent = [headers for path, headers in site.requests if path == "/rss.xml"][1]
    assert (sent["If-None-Match"], sent["If-Modified-Since"]) == (ETAG, MODIFIED)
    assert counts(2) == {"feeds not modified": "1", "feed items known": "2"}

    # The feed changes: a new item is fetched and briefed, the two known ones still are not fetched.
    feed.paths, feed.etag = PAGES, '"feed-v2"'
    third = brief("make", site.url("/rss.xml"), "--new", "--extractive", "--format", "json", "-o", tmp_path / "3.json")
    assert third.exit_code == 0, third.stderr
    assert feed.statuses == [200, 304, 200]
    assert [site.hits[p] for p in PAGES] == [1, 1, 1]
    made = json.loads((tmp_path / "3.json").read_text(encoding="utf-8"))
    assert [s["location"] for s in made["sources"]] == [site.url("/news/storm")]
    assert counts(3) == {"feed items known": "2"}


def test_without_new_every_item_is_fetched_but_the_feed_is_still_conditional(site: WebServer, tmp_path: Path) -> None:
    from brief.ingest import WebSettings, read_inputs
    from brief.store import Store
    from brief.store.feeds import StoreFeedMemory

    feed = ConditionalFeed(PAGES[:2])
    site.routes["/rss.xml"] = feed
    with Store.open(tmp_path) as store:
        for _ in range(2):
            memory = StoreFeedMemory(store, new=False, since=None)
            documents, skipped = read_inputs([site.url("/rss.xml")], web=WebSettings(timeout=2), memory=memory)
            assert ([d.location for d in documents], skipped) == ([site.url(p) for p in reversed(PAGES[:2])], [])
    assert feed.statuses == [200, 304]
    assert dict(memory.counts) == {"feeds_not_modified": 1}
    assert [site.hits[p] for p in PAGES[:2]] == [2, 2]  # a plain run reads what the feed has, as before


# --- a feed copy the store kept that cannot be trusted (issue 19, cases 6, 13 and 14) ------------------------------


def _oversized(row: tuple[bytes, str]) -> tuple[object, object]:
    body, etag = row
    return body + b" " * (20 * 1024 * 1024 + 1), etag  # past the 20 MB limit every body is held to


DAMAGED_COPIES = {
    "text-body": lambda row: (row[0].decode("utf-8"), row[1]),
    "over-20-mb": _oversized,
    "bad-etag": lambda row: (row[0], '"feed-v1"\n\u00e9'),
}


@pytest.mark.parametrize("damage", DAMAGED_COPIES, ids=list(DAMAGED_COPIES))
def test_a_feed_copy_that_cannot_be_used_is_fetched_again_in_full(
    home: Path, site: WebServer, tmp_path: Path, damage: str
) -> None:
    import sqlite3

    feed = ConditionalFeed(PAGES[:2])
    site.routes["/rss.xml"] = feed
    first = brief("make", site.url("/rss.xml"), "--extractive", "-o", tmp_path / "one.md", "-q")
    assert first.exit_code == 0, first.stderr
    with sqlite3.connect(home / "brief.db") as conn:
        row = conn.execute("SELECT body, etag FROM feeds").fetchone()
        conn.execute("UPDATE feeds SET body = ?, etag = ?", DAMAGED_COPIES[damage](row))

    second = brief("make", site.url("/rss.xml"), "--extractive", "-o", tmp_path / "two.md", "-q")

    assert second.exit_code == 0, second.stderr
    assert (tmp_path / "two.md").read_text(encoding="utf-8").count("\n[") == 2  # both items, as the first time
    assert feed.statuses == [200, 200]  # asked in full: the damaged copy was not used
    with sqlite3.connect(home / "brief.db") as conn:  # and a good copy kept in its place
        assert conn.execute("SELECT typeof(body), length(body), etag FROM feeds").fetchone() == ("blob", len(row[0]), ETAG)
