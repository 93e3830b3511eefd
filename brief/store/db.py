"""The store itself: ``Store`` opens ``<home>/brief.db`` and reads and writes runs, articles, briefs and
translations; rows become the records of ``records.py``, and every SQLite error a ``StoreError``.

The file is in WAL mode, so ``brief logs`` can read while a scheduled run writes; writers wait out each
other's short transactions (busy timeout) rather than fail.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from brief.errors import InputError, StoreError
from brief.records import Article, Brief, ModelUse
from brief.store.records import BriefRecord, RunRecord
from brief.store.schema import migrate
from brief.urls import redact

if TYPE_CHECKING:
    from brief.ingest.web import Response

DB_NAME = "brief.db"
# Days a sentence's vector is kept in the embedding cache (about 1.5 KB each).
EMBEDDINGS_KEPT_DAYS = 60
STATUSES = ("ok", "partial", "failed")
RUNNING = "running"  # a run that has started and not (yet, or ever: it was killed) finished


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
        """Record that a run has started; return its number. Passwords in addresses (user:pw@) are not kept."""
        inputs = [redact(str(i)) for i in inputs]
        argv = [redact(str(a)) for a in argv]
        with self._write("record the start of a run") as conn:
            cursor = conn.execute(
                "INSERT INTO runs (started, inputs, profile, argv) VALUES (?, ?, ?, ?)",
                (_iso(now), _dumps(inputs), profile, _dumps(argv)),
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
                    redact(error) if error is not None else None,  # a message may quote an address
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

    def known_links(
        self, links: Sequence[str], *, briefed: bool, seen_before: dt.datetime | None = None
    ) -> set[str]:
        """Those links (article locations or final addresses) of articles already briefed (with ``briefed``), or
        first seen before ``seen_before``: what ``--new``/``--since`` would leave out, known before fetching."""
        if not links or (not briefed and seen_before is None):
            return set()
        cutoff = _iso(seen_before) if seen_before is not None else None
        with self._guard("read which feed items were already read"):
            rows = self._conn.execute(
                """WITH wanted(link) AS (SELECT value FROM json_each(?)),
                   found(link, article_id) AS (
                       SELECT l.location, l.article_id FROM article_locations l JOIN wanted w ON l.location = w.link
                       UNION SELECT a.url, a.id FROM articles a JOIN wanted w ON a.url = w.link)
                   SELECT DISTINCT f.link FROM found f JOIN articles a ON a.id = f.article_id
                   WHERE (? AND EXISTS (SELECT 1 FROM brief_articles b WHERE b.article_id = a.id))
                      OR (? IS NOT NULL AND a.first_seen < ?)""",
                (_dumps(list(links)), int(briefed), cutoff, cutoff),
            ).fetchall()
        return {row[0] for row in rows}

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
                    _dumps([s.text.strip() for s in (brief.sections[0].bottom_line if brief.sections else ())]),
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

    def brief_with_markdown(self, markdown: str) -> BriefRecord | None:
        """The latest brief kept with exactly this Markdown (how ``brief send FILE`` finds a saved brief's record)."""
        with self._guard("find a brief"):
            row = self._conn.execute(
                "SELECT * FROM briefs WHERE markdown = ? ORDER BY made_at DESC, id DESC LIMIT 1", (markdown,)
            ).fetchone()
            return self._brief_record(row) if row is not None else None

    def latest_brief(self) -> BriefRecord | None:
        """The brief made last, or None when none has been made yet."""
        found = self.briefs(limit=1)
        return found[0] if found else None

    # -- feeds --

    def cached_feed(self, url: str) -> Response | None:
        """A feed's last answer (body and validators) as the store kept it, or None."""
        from brief.ingest.web import Response

        with self._guard("read a feed's last answer"):
            row = self._conn.execute(
                "SELECT final_url, etag, last_modified, content_type, charset, body FROM feeds WHERE url = ?", (url,)
            ).fetchone()
        if row is None or not isinstance(row[5], bytes):
            return None  # a copy that is not bytes (a TEXT body) is damaged: the feed is fetched in full again
        return Response(
            url=row[0], status=200, content_type=row[3], charset=row[4], body=bytes(row[5]), etag=row[1],
            last_modified=row[2],
        )

    def remember_feed(self, url: str, response: Response, *, now: dt.datetime | None = None) -> None:
        """Keep a feed's answer, for a conditional GET next time."""
        with self._write("remember a feed's answer") as conn:
            conn.execute(
                "INSERT OR REPLACE INTO feeds (url, final_url, etag, last_modified, content_type, charset, body,"
                " fetched) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (url, response.url, response.etag, response.last_modified, response.content_type, response.charset,
                 response.body, _iso(now)),
            )

    # -- translation cache --

    def cached_translations(self, keys: Sequence[str]) -> dict[str, str]:
        """The cached English for those keys that have one."""
        with self._guard("read the translation cache"):
            rows = self._conn.execute(
                "SELECT key, english FROM translations WHERE key IN (SELECT value FROM json_each(?))",
                (_dumps(list(keys)),),
            ).fetchall()
        # A row that is not text (a blob, NULL) is damaged: left out, so the text is translated again and replaced.
        return {row[0]: row[1] for row in rows if isinstance(row[1], str)}

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

    # -- embedding cache --

    def cached_embeddings(self, keys: Sequence[str]) -> dict[str, bytes]:
        """The cached vectors (float32 bytes) for those keys that have one."""
        with self._guard("read the embedding cache"):
            rows = self._conn.execute(
                "SELECT key, vector FROM embeddings WHERE key IN (SELECT value FROM json_each(?))",
                (_dumps(list(keys)),),
            ).fetchall()
        # A vector stored as TEXT is damaged: left out, so it is embedded again and replaced. Its bytes are
        # checked where their shape is known (``CachedEmbedder``).
        return {row[0]: row[1] for row in rows if isinstance(row[1], bytes)}

    def save_embeddings(self, entries: Mapping[str, bytes], *, model: str, now: dt.datetime | None = None) -> None:
        """Add vectors to the cache (key -> float32 bytes), and drop those older than EMBEDDINGS_KEPT_DAYS: 1.5 KB
        a sentence adds up over a year of daily briefs, and an old story's sentences rarely come back (when they
        do, they are embedded again)."""
        when = _iso(now)
        oldest = _iso(_utc(now or dt.datetime.now(dt.timezone.utc)) - dt.timedelta(days=EMBEDDINGS_KEPT_DAYS))
        with self._write("write the embedding cache") as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO embeddings (key, vector, model, created) VALUES (?, ?, ?, ?)",
                [(key, vector, model, when) for key, vector in entries.items()],
            )
            conn.execute("DELETE FROM embeddings WHERE created < ?", (oldest,))

    # -- internals --

    @contextmanager
    def _guard(self, what: str) -> Iterator[None]:
        """Turn any SQLite failure inside into a StoreError that says what was being done, and where."""
        try:
            yield
        except sqlite3.Error as err:
            raise _store_error(self.path, what, err) from None
        except (ValueError, TypeError, KeyError, IndexError) as err:
            # A row the store cannot read back (bad JSON, a bad date, a missing column): damaged, not a bug.
            raise StoreError(
                f"the store {self.path} has a damaged row and could not {what} ({type(err).__name__}: "
                f"{str(err)[:120]}); move the file aside and brief will start a new one"
            ) from None

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
