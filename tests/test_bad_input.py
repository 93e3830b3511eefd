"""Bad input never crashes (issue 3, point 9), and one failing source never sinks the brief (point 2).

Every bad input goes through the real CLI: ``brief inspect`` says why it was skipped, ``brief make`` lists it in
the brief's footer with exit 7 while the good input is briefed, no traceback is printed, and nothing the user
gave is changed on disk. Web inputs come from a real HTTP server on 127.0.0.1 (tests/webserver.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cli_runner import brief
from webserver import WebServer, hang, news_routes, redirect, reply

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
GOOD_SEED = sorted(SEEDS.glob("*.txt"))[0]
ALL_BOILERPLATE = """<!doctype html><html dir="rtl" lang="ar"><head><title>الرئيسية</title></head><body>
<nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/a">أخبار</a></li><li><a href="/b">رياضة</a></li></ul></nav>
<div class="share">شارك الخبر: فيسبوك | تويتر | واتساب</div>
<aside><h3>الأكثر قراءة</h3><ul><li><a href="/1">عنوان أول</a></li><li><a href="/2">عنوان ثان</a></li></ul></aside>
<footer>جميع الحقوق محفوظة © 2025 موقع الأخبار</footer></body></html>"""


def snapshot(root: Path) -> dict[str, tuple[str, int]]:
    """Every file under root (symlinks not followed) with its SHA-256 and modification time."""
    found = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            if path.is_symlink():
                found[str(path)] = (os.readlink(path), 0)
            else:
                found[str(path)] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    return found


def empty_file(root: Path) -> tuple[str, str]:
    (root / "empty.txt").write_bytes(b"")
    return str(root / "empty.txt"), "empty file"


def binary_file(root: Path) -> tuple[str, str]:
    (root / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    return str(root / "photo.txt"), "binary file"


def fifty_megabytes(root: Path) -> tuple[str, str]:
    with (root / "huge.txt").open("wb") as handle:
        line = ("خبر " * 25 + "\n").encode("utf-8")
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            handle.write(line)
    return str(root / "huge.txt"), "too large"


def truncated_html(root: Path) -> tuple[str, str]:
    page = (Path(__file__).parent / "fixtures" / "web" / "economy.html").read_bytes()
    # Cut mid-tag, mid-character, after the first paragraph. (Cut at a third, only the headline is left: that
    # "survived" only while the cut character made the page decode as mojibake, which no longer happens.)
    (root / "cut.html").write_bytes(page[: len(page) * 2 // 3] + b"<div><p>\xd8")
    return str(root / "cut.html"), ""  # enough text survives: it is read, not skipped


def undecodable(root: Path) -> tuple[str, str]:
    (root / "latin.txt").write_bytes("Café crème brûlée, déjà vu, naïve".encode("latin-1"))
    return str(root / "latin.txt"), "undecodable"


def symlink_loop(root: Path) -> tuple[str, str]:
    folder = root / "loop"
    folder.mkdir()
    (folder / "inner").symlink_to(folder, target_is_directory=True)
    return str(folder), "no .txt, .md or .html files in folder"


def all_boilerplate(root: Path) -> tuple[str, str]:
    (root / "furniture.html").write_text(ALL_BOILERPLATE, encoding="utf-8")
    return str(root / "furniture.html"), "no article text left after removing page boilerplate"


def missing(root: Path) -> tuple[str, str]:
    return str(root / "no-such-file.txt"), "not found"


BAD_FILES: list[Callable[[Path], tuple[str, str]]] = [
    empty_file, binary_file, fifty_megabytes, truncated_html, undecodable, symlink_loop, all_boilerplate, missing,
]  # fmt: skip


@pytest.fixture(scope="module")
def site() -> Iterator[WebServer]:
    """The news site of the web fixtures, plus a page that never answers and an all-boilerplate page."""
    routes = news_routes()
    routes["/hangs"] = hang(30)
    routes["/furniture"] = reply(ALL_BOILERPLATE.encode("utf-8"))
    with WebServer(routes) as server:
        yield server


@pytest.mark.parametrize("bad", BAD_FILES, ids=lambda f: f.__name__)
def test_inspect_says_why_a_bad_file_is_skipped_and_changes_nothing(tmp_path: Path, bad: Callable) -> None:
    location, reason = bad(tmp_path)
    before = snapshot(tmp_path)

    result = brief("inspect", "--json", location)

    assert "Traceback" not in result.stderr + result.stdout
    assert snapshot(tmp_path) == before
    items = json.loads(result.stdout)
    if reason:
        assert result.exit_code == 3
        assert [item["path"] for item in items] == [location]
        assert reason in items[0]["skipped"]
    else:
        assert result.exit_code == 0 and items[0]["sentences"]


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/hangs", "timed out"),
        ("/empty.xml", "feed has no items"),
        ("/furniture", "no article text left"),
        ("/missing", "HTTP 404"),
    ],
)
def test_inspect_says_why_a_bad_address_is_skipped(site: WebServer, path: str, reason: str) -> None:
    started = time.monotonic()
    result = brief("inspect", "--json", "--timeout", "0.5", site.url(path))
    assert time.monotonic() - started < 10  # a hanging server costs the deadline, not forever
    assert result.exit_code == 3, result.stderr
    (item,) = json.loads(result.stdout)
    assert reason in item["skipped"]


def test_a_folder_of_5000_files_is_read(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(5000):
        (folder / f"{i:04d}.txt").write_text(
            f"خبر رقم {i}\n\nقال المسؤول في المدينة رقم {i} إن الاجتماع انتهى دون اتفاق على الموعد الجديد. "
            f"وأضاف أن اللجنة ستجتمع مجددا الأسبوع المقبل لبحث {i} بندا.\n",
            encoding="utf-8",
        )
    result = brief("inspect", "--json", folder)
    assert result.exit_code == 0, result.stderr
    items = json.loads(result.stdout)
    assert len(items) == 5000 and all(item["sentences"] for item in items)


def test_make_briefs_the_good_input_and_lists_every_bad_one_in_the_footer(
    tiny_registry: Path, tmp_path: Path, site: WebServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEF_MODELS", str(tiny_registry))
    bad = tmp_path / "bad"
    bad.mkdir()
    expected = [make(bad) for make in BAD_FILES if make is not truncated_html]
    expected += [(site.url("/hangs"), "timed out"), (site.url("/empty.xml"), "feed has no items")]
    good = tmp_path / "good.txt"
    shutil.copy(GOOD_SEED, good)
    (tmp_path / "out").mkdir()  # -o makes no folders
    before = snapshot(tmp_path)

    result = brief(
        "make", good, *(location for location, _ in expected), "--extractive", "--timeout", "0.5",
        "-o", tmp_path / "out" / "brief.md",
    )  # fmt: skip

    assert result.exit_code == 7, result.stderr
    assert "Traceback" not in result.stderr
    text = (tmp_path / "out" / "brief.md").read_text(encoding="utf-8")
    assert text.count("\n[") == 1  # one source: the good one
    footer = text.split("**Skipped", 1)[1]
    for location, reason in expected:
        assert f"- {location} — " in footer and reason in footer.split(f"- {location} — ", 1)[1].split("\n")[0]
    after = snapshot(tmp_path)
    assert {k: v for k, v in after.items() if "/out/" not in k} == before


def test_make_mixes_folders_files_pages_feeds_and_a_sources_file(
    tiny_registry: Path, tmp_path: Path, site: WebServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEF_MODELS", str(tiny_registry))
    folder = tmp_path / "saved"
    folder.mkdir()
    seeds = sorted(SEEDS.glob("*.txt"))
    shutil.copy(seeds[1], folder)
    archive = tmp_path / "archive"
    archive.mkdir()
    shutil.copy(seeds[3], archive)
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        f"sources:\n"
        f"  - name: atom\n    feed: {site.url('/atom.xml')}\n    limit: 1\n"
        f"  - name: archive\n    folder: archive\n    publisher: Archive Desk\n"
        f"  - name: dead\n    url: {site.url('/hangs')}\n",
        encoding="utf-8",
    )

    result = brief(
        "make", folder, seeds[2], site.url("/news/storm"), site.url("/rss.xml"), "--sources", sources,
        "--extractive", "--timeout", "0.5", "-o", tmp_path / "brief.md",
    )  # fmt: skip

    assert result.exit_code == 7, result.stderr
    text = (tmp_path / "brief.md").read_text(encoding="utf-8")
    source_lines = [line for line in text.split("## Sources")[1].split("\n---")[0].splitlines() if line.startswith("[")]
    joined = "\n".join(source_lines)
    assert str(folder / seeds[1].name) in joined and str(seeds[2]) in joined
    assert site.url("/news/storm") in joined
    assert site.url("/news/economy") in joined  # the atom feed's newest item (the RSS feed has it too: one source)
    assert "] Archive Desk — " in joined  # the sources file names this folder's publisher
    assert len(source_lines) >= 6
    footer = text.split("**Skipped", 1)[1]
    assert site.url("/news/gone") in footer and "HTTP 404" in footer
    assert site.url("/hangs") in footer and "(source dead)" in footer


# --- issue 19: what a server or a publisher may send --------------------------------------------------------


def zero_dated_feed(base: str) -> bytes:
    """An RSS feed whose first item carries a CMS's "no date" (0000-00-00), the second a real one."""
    return (
        "<rss version='2.0'><channel><title>x</title>"
        f"<item><title>خبر بلا تاريخ</title><link>{base}/news/water</link><pubDate>0000-00-00T00:00:00Z</pubDate></item>"
        f"<item><title>خبر</title><link>{base}/news/storm</link><pubDate>Sun, 16 Mar 2025 08:00:00 GMT</pubDate></item>"
        "</channel></rss>"
    ).encode()


@pytest.fixture(scope="module")
def odd_site() -> Iterator[WebServer]:
    """The news site, plus feeds and pages with the oddities publishers really send."""
    routes = news_routes()
    routes["/zero.xml"] = reply(zero_dated_feed, content_type="application/rss+xml")
    routes["/to-passwd"] = redirect("file:///etc/passwd", status=302)
    routes["/not-modified"] = reply(b"", status=304, content_type=None)
    with WebServer(routes) as server:
        yield server


def test_a_zero_dated_feed_item_is_undated_and_loses_nothing(
    tiny_registry: Path, tmp_path: Path, odd_site: WebServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEF_MODELS", str(tiny_registry))
    monkeypatch.setenv("BRIEF_HOME", str(tmp_path / "home"))
    good = tmp_path / "good.txt"
    shutil.copy(GOOD_SEED, good)
    feed = odd_site.url("/zero.xml")

    made = brief("make", good, feed, "--extractive", "-o", tmp_path / "brief.md", "-q")
    inspected = brief("inspect", "--json", feed)
    (tmp_path / "sources.yaml").write_text(f"sources:\n  - name: zero\n    feed: {feed}\n", encoding="utf-8")
    checked = brief("sources", "check", tmp_path / "sources.yaml")

    assert made.exit_code == 0, made.stderr
    assert (tmp_path / "brief.md").read_text(encoding="utf-8").count("\n[") == 3  # the file and both items
    assert inspected.exit_code == 0, inspected.stderr
    items = {item["path"]: item for item in json.loads(inspected.stdout)}
    assert items[odd_site.url("/news/water")]["date"] == "2025-03-11"  # the page's own date, not year -1
    assert items[odd_site.url("/news/storm")]["date"] == "2025-03-16"
    assert checked.exit_code == 0, checked.stderr


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/to-passwd", "redirected to scheme file: (file:///etc/passwd), which brief does not follow (only http: and https:)"),
        ("/not-modified", "HTTP 304 Not Modified to a request that was not conditional (a server fault)"),
    ],
    ids=["redirect-to-file", "304-unasked"],
)
def test_inspect_gives_the_real_reason_for_an_odd_answer(odd_site: WebServer, path: str, reason: str) -> None:
    result = brief("inspect", "--json", odd_site.url(path))

    assert result.exit_code == 3, result.stderr
    (item,) = json.loads(result.stdout)
    assert item["skipped"] == reason


def unpunctuated_line(length: int) -> str:
    words = ["كلمة", "خبر", "المدينة", "الحكومة", "قال", "اليوم", "الوزير", "مصر", "الأردن", "اجتماع"]
    return " ".join(words[(i * 7) % len(words)] for i in range(length // 5))[:length]


@pytest.mark.parametrize(
    "line",
    [unpunctuated_line(200_000), "«" * 20_000 + "ب" * 20_000],
    ids=["200000-chars-no-punctuation", "20000-unclosed-quotes"],
)
def test_a_hostile_line_is_split_in_linear_time_into_sentences_of_bounded_length(tmp_path: Path, line: str) -> None:
    (tmp_path / "line.txt").write_text(line + "\n", encoding="utf-8")
    started = time.monotonic()

    result = brief("inspect", "--json", tmp_path / "line.txt")

    assert time.monotonic() - started < 15  # was quadratic: minutes
    assert result.exit_code == 0, result.stderr
    (item,) = json.loads(result.stdout)
    assert max(len(s) for s in item["sentences"]) <= 1000
    letters = sum(ch.isalnum() for ch in line)
    assert sum(ch.isalnum() for s in item["sentences"] for ch in s) == letters  # cut, never lost


def test_a_text_cut_inside_a_utf8_character_loses_only_that_character(tmp_path: Path) -> None:
    text = (Path(__file__).parent / "fixtures" / "text" / "ar.txt").read_text(encoding="utf-8").rstrip() + " الجديدة"
    data = text.encode("utf-8")[:-1]  # a truncated download: the last letter's second byte never came
    (tmp_path / "cut.txt").write_bytes(data)

    result = brief("inspect", "--json", tmp_path / "cut.txt")

    assert result.exit_code == 0, result.stderr
    (item,) = json.loads(result.stdout)
    sentences = " ".join(item["sentences"])
    assert sentences.endswith("الجديد")  # the whole text as written, minus the cut letter
    assert "وقعت تركيا وسوريا اتفاقية أمنية" in sentences  # not a cp1256 re-decode of every sentence
