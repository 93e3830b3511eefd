"""Tests for the sources file (brief.ingest.sources) and ``brief sources check`` (brief.cli.sources)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from brief.cli import app
from brief.errors import ConfigError
from brief.ingest.sources import Source, check_sources, load_sources, read_sources
from brief.ingest.web import WebSettings
from brief.records import Skipped
from webserver import WEB_FIXTURES, WebServer, news_routes

FAST = WebSettings(timeout=0.5, retries=0, backoff=0.01, deadline=3.0)
PUBLISHER = "الجزيرة نت"


@pytest.fixture
def server() -> Iterator[WebServer]:
    """The fixture news site on 127.0.0.1."""
    with WebServer(news_routes()) as running:
        yield running


def write(folder: Path, text: str, name: str = "sources.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def saved_folder(root: Path) -> Path:
    """A folder of three saved pages, modified one minute apart: storm newest, water oldest."""
    folder = root / "saved"
    folder.mkdir(parents=True)
    for age, name in enumerate(["storm", "economy", "water"]):
        path = folder / f"{name}.html"
        path.write_bytes((WEB_FIXTURES / f"{name}.html").read_bytes())
        os.utime(path, (1_700_000_000 - 60 * age, 1_700_000_000 - 60 * age))
    return folder


# --- loading -------------------------------------------------------------------------------------------------------


def test_load_sources_reads_every_kind(tmp_path: Path, isolated_environment: Path) -> None:
    (tmp_path / "conf").mkdir()
    path = write(
        tmp_path / "conf",
        f"""\
sources:
  - name: aljazeera
    feed: https://www.aljazeera.net/aljazeerarss/a7c186be-1baa-4bd4-9d80-a84db769f779/73d0e1b4-532f-45ef-b135-bfdff8b8cab9
    publisher: {PUBLISHER}
    limit: 10
  - name: saved
    folder: news/today
  - name: home
    folder: ~/news
  - name: one
    file: /srv/article.html
  - name: page
    url: https://example.org/news/1
""",
    )
    sources = load_sources(path)
    assert sources == [
        Source(
            "aljazeera",
            "feed",
            "https://www.aljazeera.net/aljazeerarss/a7c186be-1baa-4bd4-9d80-a84db769f779/73d0e1b4-532f-45ef-b135-bfdff8b8cab9",
            PUBLISHER,
            10,
        ),
        Source("saved", "folder", str(tmp_path / "conf" / "news" / "today")),  # beside the sources file
        Source("home", "folder", str(isolated_environment / "news")),
        Source("one", "file", "/srv/article.html"),
        Source("page", "url", "https://example.org/news/1"),
    ]


VALID_KEYS = "valid keys: allow_private, feed, file, folder, limit, name, publisher, url"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sources: [unclosed\n", r"is not valid YAML at line 2, column 1"),
        ("- name: a\n  url: https://x.org\n", r"must be a mapping with a 'sources:' list"),
        ("feeds:\n  - name: a\n", r"must be a mapping with a 'sources:' list"),
        ("", r"must be a mapping with a 'sources:' list"),
        ("sources:\n  - name: a\n    url: https://x.org\nextra: 1\n", r"unknown key 'extra' at the top; valid: sources"),
        ("sources: https://x.org\n", r"'sources' must be a list .* not a text"),
        ("sources: []\n", r"lists no sources"),
        ("sources:\n  - https://x.org\n", r"source #1: expected a mapping with a name and one of folder, file, url or feed"),
        ("sources:\n  - url: https://x.org\n", r"source #1: missing 'name'"),
        ("sources:\n  - name: ''\n    url: https://x.org\n", r"source #1: 'name' must be a non-empty text"),
        (
            "sources:\n  - name: a\n    url: https://x.org\n  - name: a\n    folder: x\n",
            r"source 'a' \(#2\): duplicate name; source #1 has it too",
        ),
        ("sources:\n  - name: a\n    feeed: https://x.org\n", rf"source 'a': unknown key 'feeed'; {VALID_KEYS}$"),
        (
            "sources:\n  - name: a\n    url: https://x.org\n    feed: https://x.org/rss\n",
            r"source 'a': has both url and feed; give exactly one of folder, file, url or feed",
        ),
        ("sources:\n  - name: a\n    publisher: x\n", r"source 'a': needs one of folder, file, url or feed"),
        ("sources:\n  - name: a\n    url: www.x.org\n", r"source 'a': url 'www.x.org' is not an http:// or https:// address"),
        ("sources:\n  - name: a\n    folder: https://x.org\n", r"source 'a': folder 'https://x.org' is a web address"),
        ("sources:\n  - name: a\n    file: ''\n", r"source 'a': file must be a non-empty text"),
        ("sources:\n  - name: a\n    url: https://x.org\n    limit: 0\n", r"source 'a': limit must be a whole number of at least 1, not 0"),
        ("sources:\n  - name: a\n    url: https://x.org\n    limit: -3\n", r"limit must be a whole number of at least 1, not -3"),
        ("sources:\n  - name: a\n    url: https://x.org\n    limit: '10'\n", r"limit must be a whole number of at least 1, not '10'"),
        ("sources:\n  - name: a\n    url: https://x.org\n    limit: 2.5\n", r"limit must be a whole number of at least 1, not 2.5"),
        ("sources:\n  - name: a\n    url: https://x.org\n    limit: true\n", r"limit must be a whole number of at least 1, not True"),
        ("sources:\n  - name: a\n    file: a.html\n    limit: 3\n", r"source 'a': limit is for feeds, pages that are feeds, and folders"),
        ("sources:\n  - name: a\n    url: https://x.org\n    publisher: ''\n", r"source 'a': publisher must be a non-empty text"),
    ],
    ids=[
        "not-yaml", "a-list", "no-sources-key", "empty-file", "unknown-top-key", "sources-not-a-list", "no-sources",
        "entry-not-a-mapping", "missing-name", "empty-name", "duplicate-name", "unknown-key", "url-and-feed",
        "no-kind", "url-not-http", "folder-is-url", "empty-file-path", "limit-zero", "limit-negative",
        "limit-text", "limit-float", "limit-bool", "limit-on-file", "empty-publisher",
    ],
)
def test_invalid_sources_files_say_what_and_where(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=message):
        load_sources(path)


def test_a_missing_sources_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"sources file .*nope.yaml not found"):
        load_sources(tmp_path / "nope.yaml")


def test_a_sources_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_bytes("sources:\n  - name: أخبار\n    folder: x\n".encode("cp1256"))
    with pytest.raises(ConfigError, match="is not UTF-8 text"):
        load_sources(path)


# --- reading -------------------------------------------------------------------------------------------------------


def test_read_sources_in_order_with_publishers(server: WebServer, tmp_path: Path) -> None:
    saved_folder(tmp_path)
    single = tmp_path / "single.txt"
    single.write_text("قالت الوزارة إن الاجتماع انتهى دون اتفاق.", encoding="utf-8")
    path = write(
        tmp_path,
        f"""\
sources:
  - name: site
    feed: {server.url("/atom.xml")}
    publisher: {PUBLISHER}
  - name: saved
    folder: saved
  - name: one
    file: single.txt
    publisher: وكالة الأنباء
  - name: page
    url: {server.url("/news/storm")}
""",
    )
    documents, skipped = read_sources(load_sources(path), web=FAST)
    assert skipped == []
    assert [(d.location, d.publisher) for d in documents] == [
        (server.url("/news/economy"), PUBLISHER),
        (server.url("/news/water"), PUBLISHER),
        (str(tmp_path / "saved" / "economy.html"), None),
        (str(tmp_path / "saved" / "storm.html"), None),
        (str(tmp_path / "saved" / "water.html"), None),
        (str(single), "وكالة الأنباء"),
        (server.url("/news/storm"), None),
    ]
    assert documents[0].title == "المركزي المصري يثبت الفائدة"  # the feed's hints survive the publisher


def test_failing_sources_are_skipped_naming_the_source(server: WebServer, tmp_path: Path) -> None:
    sources = [
        Source("gone", "url", server.url("/missing")),
        Source("nothing-here", "folder", str(tmp_path / "nope")),
        Source("page-as-feed", "feed", server.url("/news/water")),
        Source("ok", "url", server.url("/news/water")),
        Source("rss", "feed", server.url("/rss.xml")),
    ]
    documents, skipped = read_sources(sources, web=FAST)
    assert [d.location for d in documents] == [
        server.url("/news/water"),
        server.url("/news/storm"),
        server.url("/news/economy"),
        server.url("/news/water"),
        server.url("/rss.xml") + " (item 5)",
    ]
    assert skipped == [
        Skipped(server.url("/missing"), "HTTP 404 Not Found (source gone)"),
        Skipped(str(tmp_path / "nope"), "not found (source nothing-here)"),
        Skipped(server.url("/news/water"), "not a feed (text/html); for a page, use url: instead of feed: (source page-as-feed)"),
        Skipped(server.url("/news/gone"), "HTTP 404 Not Found (source rss)"),
    ]


@pytest.mark.parametrize(
    ("limit", "expected"),
    [(1, ["storm.html"]), (2, ["economy.html", "storm.html"]), (None, ["economy.html", "storm.html", "water.html"])],
)
def test_a_folder_limit_keeps_the_newest_files(tmp_path: Path, limit: int | None, expected: list[str]) -> None:
    folder = saved_folder(tmp_path)
    documents, skipped = read_sources([Source("saved", "folder", str(folder), limit=limit)], web=FAST)
    assert skipped == []
    assert [Path(d.location).name for d in documents] == expected


def test_an_empty_folder_with_a_limit(tmp_path: Path) -> None:
    documents, skipped = read_sources([Source("empty", "folder", str(tmp_path), limit=3)], web=FAST)
    assert (documents, skipped) == ([], [Skipped(str(tmp_path), "no .txt, .md or .html files in folder (source empty)")])


def test_a_feed_limit(server: WebServer) -> None:
    documents, skipped = read_sources([Source("rss", "feed", server.url("/rss.xml"), limit=2)], web=FAST)
    assert ([d.location for d in documents], skipped) == ([server.url("/news/storm"), server.url("/news/economy")], [])


def test_check_sources_reports_each_source(server: WebServer, tmp_path: Path) -> None:
    sources = [
        Source("rss", "feed", server.url("/rss.xml")),
        Source("empty", "feed", server.url("/empty.xml")),
        Source("saved", "folder", str(saved_folder(tmp_path))),
    ]
    reports = check_sources(sources, FAST)
    assert [(r.source.name, r.documents, len(r.skipped), r.ok) for r in reports] == [
        ("rss", 4, 1, True),
        ("empty", 0, 1, False),
        ("saved", 3, 0, True),
    ]
    assert reports[1].skipped == (Skipped(server.url("/empty.xml"), "feed has no items (source empty)"),)
    assert all(0 <= r.seconds < 3 for r in reports)


# --- brief sources check -------------------------------------------------------------------------------------------


def run_check(path: Path, *extra: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["sources", "check", str(path), "--timeout", "0.5", *extra])
    return result.exit_code, result.stdout, result.stderr


def test_cli_check_all_good(server: WebServer, tmp_path: Path) -> None:
    saved_folder(tmp_path)
    path = write(tmp_path, f"sources:\n  - name: rss\n    feed: {server.url('/atom.xml')}\n  - name: saved\n    folder: saved\n")
    code, out, err = run_check(path)
    assert code == 0, err
    assert "rss" in out and "saved" in out and "ok" in out
    assert "FAILED" not in out
    assert "[1/2] rss" in err  # progress goes to stderr


def test_cli_check_quiet_prints_no_progress(server: WebServer, tmp_path: Path) -> None:
    path = write(tmp_path, f"sources:\n  - name: rss\n    feed: {server.url('/atom.xml')}\n")
    code, out, err = run_check(path, "--quiet")
    assert (code, err) == (0, "")
    assert "rss" in out


def test_cli_check_some_failed(server: WebServer, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"sources:\n  - name: rss\n    feed: {server.url('/rss.xml')}\n  - name: dead\n    url: {server.url('/dead')}\n",
    )
    code, out, err = run_check(path)
    assert code == 7
    assert "FAILED" in out
    assert f"skipped {server.url('/dead')}: HTTP 404 Not Found (source dead)" in out
    assert f"skipped {server.url('/news/gone')}: HTTP 404 Not Found (source rss)" in out
    assert "1 of 2 sources gave no document: dead" in err


def test_cli_check_nothing_works(server: WebServer, tmp_path: Path) -> None:
    path = write(tmp_path, f"sources:\n  - name: empty\n    feed: {server.url('/empty.xml')}\n  - name: gone\n    folder: gone\n")
    code, out, err = run_check(path)
    assert code == 3
    assert "brief: error: no source gave a document (2 checked)" in err
    assert "feed has no items (source empty)" in out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sources:\n  - name: a\n    url: https://x.org\n    feed: https://x.org/rss\n", "has both url and feed"),
        ("sources: [\n", "is not valid YAML"),
    ],
)
def test_cli_check_invalid_file(tmp_path: Path, text: str, message: str) -> None:
    code, out, err = run_check(write(tmp_path, text))
    assert code == 4
    assert out == ""
    assert err.startswith("brief: error: ") and message in err
    assert "Traceback" not in err


def test_cli_check_missing_file(tmp_path: Path) -> None:
    code, _, err = run_check(tmp_path / "nope.yaml")
    assert code == 4
    assert "not found" in err


def test_cli_check_refuses_a_zero_timeout(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["sources", "check", str(tmp_path / "x.yaml"), "--timeout", "0"])
    assert result.exit_code == 2


def test_source_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Source("a", "url", "https://x.org").name = "b"  # type: ignore[misc]


# --- what a sources file may read (issue 8, item 8) -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["credentials.env", "id_rsa", "notes.json"])
def test_a_file_source_obeys_the_suffix_rules_of_folders(tmp_path: Path, name: str) -> None:
    secret = tmp_path / name
    secret.write_text("AWS_SECRET_ACCESS_KEY=قالت الوزارة إن الاجتماع انتهى باتفاق شامل بين الطرفين.\n", encoding="utf-8")
    (tmp_path / "news.txt").write_text("قالت الوزارة إن الاجتماع انتهى باتفاق شامل بين الطرفين.\n", encoding="utf-8")
    sources = write(tmp_path, f"sources:\n  - name: oops\n    file: {name}\n  - name: news\n    file: news.txt\n")
    result = CliRunner().invoke(app, ["inspect", "--sources", str(sources)])
    assert result.exit_code == 7, result.stderr
    assert "AWS_SECRET_ACCESS_KEY" not in result.stdout
    assert f"not a .htm, .html, .md or .txt file (a file: source must be one) (source oops)" in result.stdout
    assert str(tmp_path / "news.txt") in result.stdout


@pytest.mark.parametrize("entry", ["file: creds.txt", "folder: notes"], ids=["file-source", "in-a-folder"])
def test_a_symlink_is_checked_by_its_targets_suffix_not_its_name(tmp_path: Path, entry: str) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    secret = notes / "credentials"  # inside the folder, so only the suffix rule stands in the way
    secret.write_text("AWS_SECRET_ACCESS_KEY=قالت الوزارة إن الاجتماع انتهى باتفاق شامل بين الطرفين.\n", encoding="utf-8")
    (tmp_path / "creds.txt").symlink_to(secret)
    (notes / "creds.txt").symlink_to(secret)
    (tmp_path / "news.txt").write_text("قالت الوزارة إن الاجتماع انتهى باتفاق شامل بين الطرفين.\n", encoding="utf-8")
    sources = write(tmp_path, f"sources:\n  - name: oops\n    {entry}\n  - name: news\n    file: news.txt\n")

    result = CliRunner().invoke(app, ["inspect", "--sources", str(sources)])

    assert "AWS_SECRET_ACCESS_KEY" not in result.stdout
    assert str(tmp_path / "news.txt") in result.stdout
    assert result.exit_code == 7, result.stdout  # the source gave nothing: skipped, and said


def test_a_file_source_with_a_known_suffix_is_read_whatever_its_case(tmp_path: Path) -> None:
    (tmp_path / "NEWS.TXT").write_text("قالت الوزارة إن الاجتماع انتهى باتفاق شامل بين الطرفين.\n", encoding="utf-8")
    sources = write(tmp_path, "sources:\n  - name: news\n    file: NEWS.TXT\n")
    assert CliRunner().invoke(app, ["inspect", "--sources", str(sources)]).exit_code == 0


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("folder: x\n    allow_private: true", "allow_private is for url: and feed: sources, not a folder"),
        ("feed: http://x/rss\n    allow_private: yes please", "allow_private must be true or false"),
    ],
)
def test_allow_private_is_checked(tmp_path: Path, entry: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_sources(write(tmp_path, f"sources:\n  - name: s\n    {entry}\n"))
