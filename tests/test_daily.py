"""The daily brief in the inbox, end to end (issue 4): only new articles, the store, the lock, email via real SMTP.

Each test runs the real CLI in-process on the seeds with the tiny models, a store in its own BRIEF_HOME, and
(where mail is sent) an aiosmtpd server on 127.0.0.1. Runs are extractive (no summariser) to stay fast; the
abstractive path is covered in test_cli.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import html as html_text
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cli_runner import brief
from brief.mail import for_mail, isolate_plain
from smtpserver import closed_port, smtp_server

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def mailed(markdown: str) -> str:
    """The plain-text part a brief is mailed as."""
    return isolate_plain(for_mail(markdown))


def cited_locations(markdown: str) -> list[str]:
    """The location of each numbered source of a Markdown brief."""
    sources = markdown.split("## Sources", 1)[1].split("\n---", 1)[0]
    return [line.split(" — ")[-1] for line in sources.splitlines() if line.startswith("[")]


def test_two_new_runs_on_a_growing_folder_brief_only_what_is_new(home: Path, tmp_path: Path) -> None:
    news = tmp_path / "news"
    news.mkdir()
    for seed in SEED_FILES[:3]:
        shutil.copy(seed, news)

    first = brief("make", news, "--new", "--extractive", "-o", tmp_path / "monday.md", "-q")
    assert first.exit_code == 0, first.stderr
    monday = (tmp_path / "monday.md").read_text(encoding="utf-8")
    assert sorted(Path(p).name for p in cited_locations(monday)) == [p.name for p in SEED_FILES[:3]]

    for seed in SEED_FILES[3:]:
        shutil.copy(seed, news)
    second = brief("make", news, "--new", "--extractive", "-o", tmp_path / "tuesday.md", "-q")
    assert second.exit_code == 0, second.stderr
    tuesday = (tmp_path / "tuesday.md").read_text(encoding="utf-8")
    assert sorted(Path(p).name for p in cited_locations(tuesday)) == [p.name for p in SEED_FILES[3:]]
    assert "3 articles already briefed were left out" in tuesday

    logs = brief("logs")
    assert logs.exit_code == 0, logs.stderr
    runs = [line for line in logs.stdout.splitlines() if "tuesday.md" in line or "monday.md" in line]
    assert len(runs) == 2 and all(" ok" in line for line in runs), logs.stdout

    quiet_morning = brief("make", news, "--new", "--extractive", "-o", tmp_path / "wednesday.md")
    assert quiet_morning.exit_code == 0
    assert "nothing new to brief: 5 articles already briefed were left out; no brief made" in quiet_morning.stderr
    assert not (tmp_path / "wednesday.md").exists()


MONDAY = (
    "Turkey and Syria agree on a military training centre\n\n"
    "Turkey and Syria agreed on Monday to set up a joint military training centre near Damascus. "
    "The Turkish defence ministry said the centre would train Syrian officers in air defence. "
    "Officials from both countries met in Ankara for two days of talks on border security.\n"
)
TUESDAY_SAME_STORY = (
    "Work starts on the Turkish-Syrian training centre\n\n"
    "Turkish engineers began work on Tuesday on the joint military training centre near Damascus agreed with Syria. "
    "The Turkish defence ministry said the first Syrian officers would start air defence training next month. "
    "Ankara and Damascus also set up a committee on border security.\n"
)
TUESDAY_OTHER_STORY = (
    "Egypt raises fuel prices\n\n"
    "Egypt raised the price of petrol and diesel by up to 15 percent on Tuesday, the petroleum ministry said. "
    "The increase is the third this year as the government cuts subsidies under an IMF programme. "
    "Taxi drivers in Cairo said they would have to raise fares.\n"
)


def test_a_story_that_continues_points_back_to_the_earlier_brief(home: Path, tmp_path: Path) -> None:
    news = tmp_path / "news"
    news.mkdir()
    (news / "monday.txt").write_text(MONDAY, encoding="utf-8")
    assert brief("make", news, "--new", "--extractive", "-o", tmp_path / "monday.md", "-q").exit_code == 0
    backdate_briefs(home, days=1)  # "previously" is for earlier days' briefs
    (news / "tuesday-training.txt").write_text(TUESDAY_SAME_STORY, encoding="utf-8")
    (news / "tuesday-fuel.txt").write_text(TUESDAY_OTHER_STORY, encoding="utf-8")

    result = brief("make", news, "--new", "--extractive", "-o", tmp_path / "tuesday.md", "-q")

    assert result.exit_code == 0, result.stderr
    tuesday = (tmp_path / "tuesday.md").read_text(encoding="utf-8")
    # Two unrelated single articles and no story with two publishers: each gets a section, the training one the line.
    previously = [line.strip() for line in tuesday.splitlines() if line.strip().startswith("*Previously (")]
    assert len(previously) == 1, tuesday
    assert "training centre near Damascus" in previously[0]
    assert "1 article already briefed was left out" in tuesday


def backdate_briefs(home: Path, days: int) -> None:
    """Move every stored brief ``days`` earlier, as if it had been made then."""
    import sqlite3

    from brief.store import db_path

    with sqlite3.connect(db_path(home)) as conn:
        rows = conn.execute("SELECT id, made_at FROM briefs").fetchall()
        for brief_id, made_at in rows:
            moved = dt.datetime.fromisoformat(made_at) - dt.timedelta(days=days)
            conn.execute("UPDATE briefs SET made_at = ? WHERE id = ?", (moved.isoformat(), brief_id))
    conn.close()


def test_a_rerun_the_same_day_does_not_quote_itself(home: Path, tmp_path: Path) -> None:
    news = tmp_path / "news"
    news.mkdir()
    (news / "monday.txt").write_text(MONDAY, encoding="utf-8")
    outputs = [tmp_path / f"run{i}.md" for i in range(3)]
    for output in outputs:
        result = brief("make", news, "--extractive", "--words", "150", "-o", output, "-q")
        assert result.exit_code == 0, result.stderr
    texts = [o.read_text(encoding="utf-8") for o in outputs]
    assert all("Previously" not in text for text in texts), texts[-1]
    # The same brief each time: nothing piles up, and the key points keep their place in the budget.
    assert texts[2].split("---")[0] == texts[0].split("---")[0]
    assert any(line.startswith("- ") for line in texts[2].split("## Sources")[0].splitlines())  # key points


def test_a_second_run_takes_its_translations_from_the_cache(home: Path, tmp_path: Path) -> None:
    for name in ("one.md", "two.md"):
        result = brief("make", SEED_FILES[0], "--extractive", "-o", tmp_path / name, "-q")
        assert result.exit_code == 0, result.stderr
    shown = brief("logs", "show", "2")
    assert shown.exit_code == 0, shown.stderr
    assert re.search(r"cache misses:\s+0\b", shown.stdout) and re.search(r"cache hits:\s+[1-9]", shown.stdout)
    # Cached translations are the same translations (the second brief also points back to the first).
    one, two = ((tmp_path / name).read_text(encoding="utf-8").split("---")[0] for name in ("one.md", "two.md"))
    assert one == "\n".join(line for line in two.split("\n") if not line.startswith("*Previously")).replace("\n\n\n", "\n\n")


def test_the_brief_is_emailed_as_markdown_and_html_through_real_smtp(home: Path, tmp_path: Path) -> None:
    with smtp_server() as server:
        result = brief(
            "make", SEEDS, "--extractive", "-o", tmp_path / "brief.md", "--email", "reader@example.org",
            env=server.env(),
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        (received,) = server.received
    markdown = (tmp_path / "brief.md").read_text(encoding="utf-8")
    message = received.message
    assert list(received.rcpt_tos) == ["reader@example.org"]
    assert message.get_content_type() == "multipart/alternative"
    plain, html = message.get_payload()
    # The Markdown as mailed: local paths left out of the source list, Arabic runs direction-isolated.
    assert plain.get_content_type() == "text/plain" and plain.get_content() == mailed(markdown)
    assert html.get_content_type() == "text/html"
    rendered = html.get_content()
    title = re.sub(r"\\(.)", r"\1", markdown.splitlines()[0].removeprefix("# "))  # render.escape undone
    assert html_text.escape(title.split(":")[0]) in rendered and "[1]" in rendered and 'dir="rtl"' in rendered
    assert str(message["Subject"]).startswith("Brief ")


def test_with_the_mail_server_down_the_brief_is_still_saved_and_the_exit_code_says_why(
    home: Path, tmp_path: Path
) -> None:
    env = {
        "BRIEF_SMTP_HOST": "127.0.0.1",
        "BRIEF_SMTP_PORT": str(closed_port()),
        "BRIEF_SMTP_SECURITY": "none",
        "BRIEF_SMTP_FROM": "brief@example.org",
        "BRIEF_SMTP_RETRIES": "1",
        "BRIEF_SMTP_BACKOFF": "0.01",
    }
    result = brief("make", SEEDS, "--extractive", "--email", "reader@example.org", "-q", env=env)
    assert result.exit_code == 8, result.stderr
    saved = sorted((home / "briefs").glob("brief-*.md"))
    assert len(saved) == 1 and saved[0].read_text(encoding="utf-8").startswith("# ")
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("brief: error: could not send") and f"brief send {saved[0]} --to reader@example.org" in line
    assert "Traceback" not in result.stderr

    # Later, with a server up, the saved brief is resent as it is.
    with smtp_server() as server:
        resent = brief("send", saved[0], "--to", "reader@example.org", env=server.env())
        assert resent.exit_code == 0, resent.stderr
        assert server.received[0].message.get_payload()[0].get_content() == mailed(saved[0].read_text(encoding="utf-8"))


def test_dry_run_writes_the_message_next_to_the_brief(home: Path, tmp_path: Path) -> None:
    env = {"BRIEF_SMTP_HOST": "127.0.0.1", "BRIEF_SMTP_PORT": str(closed_port()), "BRIEF_SMTP_FROM": "b@example.org"}
    result = brief(
        "make", SEED_FILES[0], "--extractive", "-o", tmp_path / "b.md", "--email", "r@example.org", "--dry-run",
        env=env,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    message = email.message_from_bytes((tmp_path / "b.eml").read_bytes(), policy=email.policy.default)
    assert message.get_payload()[0].get_content() == mailed((tmp_path / "b.md").read_text(encoding="utf-8"))


def test_a_second_run_while_one_is_going_exits_at_once_with_the_lock_code(home: Path, tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable, "-c",
            textwrap.dedent(f"""
                import sys, time
                from pathlib import Path
                from brief.lock import run_lock
                with run_lock(Path({str(home)!r})):
                    print("held", flush=True)
                    time.sleep(30)
            """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        result = brief("make", SEEDS, "-o", tmp_path / "b.md")
        assert result.exit_code == 9
        assert "another brief run (pid" in result.stderr and "this one did nothing" in result.stderr
        assert not (tmp_path / "b.md").exists()
    finally:
        holder.kill()
        holder.wait()
    # With the holder gone, the lock is free again.
    assert brief("make", SEED_FILES[0], "--extractive", "-o", tmp_path / "b.md", "-q").exit_code == 0


def test_a_profile_gives_the_inputs_output_folder_and_settings(home: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        textwrap.dedent(f"""
            [profiles.morning]
            inputs = [{str(SEED_FILES[0])!r}]
            output_dir = "briefs"
            extractive = true
            words = 120
            new = true
        """),
        encoding="utf-8",
    )
    result = brief("make", "--profile", "morning", "-q", env={"BRIEF_CONFIG": str(config)})
    assert result.exit_code == 0, result.stderr
    (written,) = (tmp_path / "briefs").glob("brief-*.md")
    text = written.read_text(encoding="utf-8")
    assert "budget 120 words" in text and "extractive: every sentence is a source sentence" in text


def test_a_json_brief_is_mailed_as_markdown_kept_beside_it(home: Path, tmp_path: Path) -> None:
    env = {"BRIEF_SMTP_HOST": "127.0.0.1", "BRIEF_SMTP_PORT": str(closed_port()), "BRIEF_SMTP_FROM": "b@example.org",
           "BRIEF_SMTP_RETRIES": "0", "BRIEF_SMTP_BACKOFF": "0.01", "BRIEF_SMTP_SECURITY": "none"}  # fmt: skip
    result = brief(
        "make", SEED_FILES[0], "--extractive", "--format", "json", "-o", tmp_path / "b.json",
        "--email", "r@example.org", "-q", env=env,
    )  # fmt: skip
    assert result.exit_code == 8
    assert (tmp_path / "b.json").read_text(encoding="utf-8").startswith("{")
    assert (tmp_path / "b.md").read_text(encoding="utf-8").startswith("# ")
    assert f"brief send {tmp_path / 'b.md'} --to r@example.org" in result.stderr


def test_the_daily_profile_with_a_beat_a_watch_list_and_a_glossary_is_mailed(home: Path, tmp_path: Path) -> None:
    """The profile the scheduler runs (``brief make --profile morning``) with about, watch and glossary set."""
    (tmp_path / "glossary.yaml").write_text("تركيا: Türkiye\nسوريا: Syria\n", encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(
        textwrap.dedent(
            f"""\
            [profiles.morning]
            inputs = ["{SEEDS}"]
            output_dir = "{tmp_path / 'briefs'}"
            email = ["reader@example.org"]
            extractive = true
            about = ["تركيا وسوريا"]
            watch = ["تركيا"]
            glossary = "glossary.yaml"
            """
        ),
        encoding="utf-8",
    )
    with smtp_server() as server:
        result = brief("make", "--profile", "morning", "-q", env={"BRIEF_CONFIG": str(config), **server.env()})
        assert result.exit_code == 0, result.stderr
        (received,) = server.received
    (saved,) = (tmp_path / "briefs").glob("brief-*.md")
    markdown = saved.read_text(encoding="utf-8")
    # The first section is the watched one, marked: the lead section, whose heading is the page's title (no H2).
    assert "*Watched: تركيا*" in markdown.split("\n## ", 1)[0]
    plain = received.message.get_payload()[0].get_content()
    assert "Watched: " in plain and plain == mailed(markdown)
    shown = brief("config", "show", "--profile", "morning", env={"BRIEF_CONFIG": str(config)})
    assert 'about = ["تركيا وسوريا"]' in shown.stdout and "glossary = " in shown.stdout, shown.stdout
