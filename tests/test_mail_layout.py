"""The e-mail as people read it: a phone-width HTML part, and a plain-text part that reads left to right.

The HTML of one realistic brief (Arabic publishers, a percent-encoded Arabic URL, local file paths) is compared with
a golden file, ``golden/mail/brief.html``; set UPDATE_GOLDEN=1 to rewrite it after a deliberate change, then
look at it in a browser (``python tests/test_mail_layout.py OUT_DIR`` writes the page and, where chromium is
installed, screenshots at 1000 and 420 px). The plain text is laid out with python-bidi's Unicode Bidirectional
Algorithm, as a reader that takes a paragraph's direction from its first strong letter would.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from brief import mail, render
from brief.cli import app
from brief.records import Brief, BriefSentence, ModelUse, Section, SourceEntry

GOLDEN = Path(__file__).resolve().parent / "golden" / "mail" / "brief.html"
LONG_URL = (
    "https://www.aljazeera.net/news/2025/10/24/"
    "%D8%AA%D8%B1%D9%83%D9%8A%D8%A7-%D9%88%D8%B3%D9%88%D8%B1%D9%8A%D8%A7-%D8%AA%D9%88%D9%82%D8%B9%D8%A7%D9%86-"
    "%D8%A7%D8%AA%D9%81%D8%A7%D9%82%D9%8A%D8%A9-%D8%AF%D9%81%D8%A7%D8%B9-%D9%85%D8%B4%D8%AA%D8%B1%D9%83"
    "%D8%A9-%D9%81%D9%8A-%D8%A3%D9%86%D9%82%D8%B1%D8%A9"
)
LOCAL = "/tmp/pytest-of-ann/pytest-17/test_x0/news/000_3d61aafde4d34402.txt"


def _sentence(text: str, cites: tuple[int, ...]) -> BriefSentence:
    return BriefSentence(text=text, cites=cites, generated=False, support=())


def brief_record() -> Brief:
    return Brief(
        title="Brief: Turkey and Syria sign a defence pact that covers training, air defence and joint exercises",
        date_from=dt.date(2025, 10, 22),
        date_to=dt.date(2025, 10, 24),
        sections=(
            Section(
                "", None, None,
                (_sentence("Turkey and Syria signed a defence pact in Ankara on Thursday.", (1, 2)),),
                (
                    _sentence("The pact covers training, advice and air defence.", (1, 3)),
                    _sentence("Israel said it was watching the agreement closely.", (2,)),
                ),
            ),
        ),
        sources=(
            SourceEntry(1, "a1", "الجزيرة نت", "Turkey and Syria sign a defence agreement",
                        "تركيا وسوريا توقعان اتفاقية دفاع مشتركة في أنقرة", "ar", dt.date(2025, 10, 24),
                        LOCAL, url=LONG_URL),
            SourceEntry(2, "a2", "وكالة أنباء آسيا", "Turkish-Syrian rapprochement", "التقارب التركي السوري", "ar",
                        dt.date(2025, 10, 22), "/home/ann/news/001.html",
                        also_at=("/home/ann/news/copy-of-001.html", "https://asia.example/ar/news/1234")),
            SourceEntry(3, "a3", "Reuters", "Turkey, Syria sign deal", "Turkey, Syria sign deal", "en",
                        dt.date(2025, 10, 23), "https://www.reuters.com/world/middle-east/turkey-syria-sign-deal-2025-10-23/"),
        ),
        skipped=(),
        models=(ModelUse("translator", "opus-mt-tc-big-ar-en", "Helsinki-NLP/opus-mt-tc-big-ar-en@abc123",
                         {"num_beams": 4}),),
        version="9.9.9",
        made_at=dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.timezone.utc),
        word_budget=500,
    )


BRIEF = brief_record()
MARKDOWN = render.to_markdown(BRIEF)


def message_parts(brief: Brief = BRIEF) -> tuple[str, str]:
    message = mail.build_message(brief, sender="brief@example.org", to=["ann@example.org"])
    parsed = BytesParser(policy=policy.default).parsebytes(mail.message_bytes(message))
    plain, rich = parsed.iter_parts()
    return plain.get_content(), rich.get_content()


# --- HTML ---------------------------------------------------------------------------------------------------


def test_html_matches_the_golden_rendering() -> None:
    page = message_parts()[1].replace("\r\n", "\n")
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(page, encoding="utf-8")
    assert page == GOLDEN.read_text(encoding="utf-8")


def test_the_mailed_list_has_no_local_paths_but_the_json_keeps_them() -> None:
    plain, page = message_parts()
    for text in (plain, page):
        assert "/tmp/" not in text and "/home/ann" not in text and ".txt" not in text
    assert "https://asia.example/ar/news/1234" in plain  # a URL it was also found at stays
    assert LOCAL in MARKDOWN  # the saved Markdown and the JSON keep where each source was read from


def test_a_long_url_shows_its_host_and_links_the_whole_address() -> None:
    page = message_parts()[1]
    link = re.search(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', page[page.index("<tr id=\"source-1\""):])
    assert link and link.group(1) == LONG_URL
    assert link.group(2) == "aljazeera.net/news/2025/10/24/…"
    assert "%D8" not in re.sub(r'(href|title)="[^"]*"', "", page)  # no encoded run in the text anyone sees


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://example.org/", "example.org"),
        ("https://www.example.org/a/b?x=1", "example.org/a/b?…"),
        ("http://127.0.0.1:8080/feed.xml", "127.0.0.1:8080/feed.xml"),
        ("https://example.org/" + "a" * 60, "example.org/…"),
    ],
)
def test_short_url(url: str, shown: str) -> None:
    assert mail.html.short_url(url) == shown


def test_citations_link_to_their_source_line() -> None:
    page = message_parts()[1]
    cited = set(re.findall(r'<a href="#source-(\d+)"', page))
    anchors = set(re.findall(r'<tr id="source-(\d+)"', page))
    assert cited == {"1", "2", "3"} and anchors == cited


# --- plain text ---------------------------------------------------------------------------------------------


def _visual(line: str) -> str:
    """The line as a bidi-aware reader lays it out, its direction taken from the text (UBA rules P2-P3)."""
    from bidi import get_display

    return get_display(line)


def test_plain_text_reads_left_to_right_with_the_arabic_isolated() -> None:
    plain = message_parts()[0]
    sources = [line for line in plain.splitlines() if re.match(r"^\u200e?\[\d\]", line)]
    assert len(sources) == 3
    for line in sources:
        shown = _visual(line).lstrip("\u200e")
        # Read left to right: the number first, the English headline before the date, in logical order.
        assert re.match(r"^\[\d\] ", shown), shown
        english = [part for part in line.split(" — ") if re.fullmatch(r"[A-Za-z ,'-]+", part)]
        assert english and all(e in shown for e in english)
    first = sources[0]
    assert "\u2067الجزيرة نت\u2069" in first and first.startswith("\u200e[1] ")


def test_the_arabic_publisher_alone_would_turn_the_line_right_to_left() -> None:
    """The check above can fail: the same line without the isolates and the mark is laid out right to left."""
    plain = message_parts()[0]
    line = next(line for line in plain.splitlines() if "[1]" in line and "الجزيرة" in line)
    bare = re.sub("[\u200e\u2066-\u2069]", "", line)
    assert not re.match(r"^\[1\] ", _visual(bare))


def test_every_arabic_run_of_the_plain_text_is_isolated() -> None:
    section = BRIEF.sections[0]
    arabic = Section("", None, None, (_sentence("نص عربي في سطر وحده", (1,)),), (_sentence("note: كلمة", (2,)),))
    plain = message_parts(Brief(**{**BRIEF.__dict__, "sections": (arabic,)}))[0]
    lines = [line for line in plain.splitlines() if re.search("[\u0600-\u06ff]", line) and "—" not in line]
    assert section.heading is None  # labelled parts, so the sentences stand on lines of their own
    assert lines == ["\u200e\u2067نص عربي في سطر وحده\u2069 [1]", "\u200e- note: \u2067كلمة\u2069 [2]"]


# --- subject ------------------------------------------------------------------------------------------------


def test_the_subject_carries_the_day_the_brief_was_made() -> None:
    message = mail.build_message(BRIEF, sender="brief@example.org", to=["ann@example.org"])
    # The articles are from 22-24 October 2025; the brief was made on 30 November 2026 (06:00 UTC).
    made = dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.timezone.utc).astimezone().date()
    assert message["Subject"].startswith(f"Brief {made.day} {made.strftime('%b')} {made.year}: Turkey and Syria")


def test_the_subject_of_a_mailed_brief_through_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    saved = tmp_path / "brief.md"
    saved.write_text(MARKDOWN, encoding="utf-8")
    saved.with_suffix(".json").write_text(render.to_json(BRIEF), encoding="utf-8")  # its record, beside it
    monkeypatch.setenv("TZ", "UTC")
    result = CliRunner().invoke(app, ["send", str(saved), "--to", "ann@example.org", "--dry-run"])
    assert result.exit_code == 0, result.stderr
    eml = saved.with_suffix(".eml")
    parsed = BytesParser(policy=policy.default).parsebytes(eml.read_bytes())
    assert parsed["Subject"].startswith("Brief 30 Nov 2026: ")


# --- the page in a real browser -----------------------------------------------------------------------------


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def browse(page: Path, out: Path, width: int, *, dump_dom: bool = False) -> str:
    """Run headless Chromium on the page: a screenshot into ``out``, or the DOM after scripts ran."""
    exe = chromium()
    assert exe
    with tempfile.TemporaryDirectory() as profile:
        args = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--user-data-dir={profile}", f"--window-size={width},2000"]
        args += ["--dump-dom", page.as_uri()] if dump_dom else [f"--screenshot={out}", page.as_uri()]
        done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    return done.stdout


LONG_TOKEN = "".join(f"{n:03d}x" for n in range(50))  # 200 characters with no break opportunity


def with_long_token(brief: Brief) -> Brief:
    """The brief with a 200-character unbroken token (a hash, a serial number) inside its first key point."""
    section = brief.sections[0]
    first, *rest = section.points
    point = BriefSentence(first.text.replace(" ", f" {LONG_TOKEN} ", 1), first.cites, first.generated, first.support)
    return Brief(**{**brief.__dict__, "sections": (Section(**{**section.__dict__, "points": (point, *rest)}),)})


def in_webmail(page: str) -> str:
    """The message's body inside a table, as webmail clients lay out a message within their own page."""
    body = re.search(r"<body[^>]*>(.*)</body>", page, re.DOTALL)
    assert body is not None
    return page.replace(body.group(1), f"<table style='width:100%'><tr><td>{body.group(1)}</td></tr></table>")


@pytest.mark.skipif(chromium() is None, reason="chromium is not installed (apt-get install chromium)")
@pytest.mark.parametrize("framed", [False, True], ids=["alone", "in-webmail"])
@pytest.mark.parametrize("token", [False, True], ids=["brief", "200-char-token"])
@pytest.mark.parametrize("width", [420, 1000])
def test_no_horizontal_scroll_in_a_real_browser(tmp_path: Path, width: int, token: bool, framed: bool) -> None:
    """Laid out at ``width`` px, nothing reaches past the right edge, even with a long unbroken token.

    Headless Chromium keeps its window at least 500 px wide, so the page's own root is set to the width instead,
    and every element's right edge is measured after layout.
    """
    page = message_parts(with_long_token(BRIEF) if token else BRIEF)[1]
    assert (LONG_TOKEN in page) == token
    page = in_webmail(page) if framed else page
    probe = (
        f"<script>document.documentElement.style.width = '{width}px';"
        "const right = Math.max(...Array.from(document.querySelectorAll('body *'),"
        " e => e.getBoundingClientRect().right));"
        "document.title = 'right=' + Math.ceil(right);</script>"
    )
    path = tmp_path / "brief.html"
    path.write_text(page.replace("</body>", probe + "</body>"), encoding="utf-8")
    dom = browse(path, tmp_path / "x.png", width, dump_dom=True)
    found = re.search(r"right=(\d+)", dom)
    assert found, dom[:500]
    assert 300 < int(found.group(1)) <= width, found.group()


if __name__ == "__main__":  # write the page and its screenshots to look at
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    out.mkdir(parents=True, exist_ok=True)
    (out / "brief.html").write_text(message_parts()[1], encoding="utf-8")
    (out / "brief.txt").write_text(message_parts()[0], encoding="utf-8")
    for w in (1000, 420):
        browse(out / "brief.html", out / f"brief-{w}.png", w)
        print(out / f"brief-{w}.png")
