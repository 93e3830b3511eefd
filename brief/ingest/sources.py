"""The sources file: named places to read news from regularly, each a folder, a file, a page or a feed.

    sources:
      - name: aljazeera
        feed: https://www.aljazeera.net/aljazeerarss/...
        publisher: الجزيرة نت     # optional: goes on every article from here, over what the page says
        limit: 10                 # optional, feeds and folders: the newest 10
      - name: saved
        folder: ~/news/today      # relative paths are relative to the sources file's folder
      - name: intranet
        feed: http://news.internal/rss.xml
        allow_private: true       # optional, url and feed: its items and redirects may be internal addresses

Loading validates the whole file and says what is wrong where; reading a source that fails gives
``Skipped`` entries naming the source, and the other sources go on.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

from brief.errors import ConfigError
from brief.ingest import FeedMemory, files, read_url
from brief.ingest.files import DEFAULT_MAX_BYTES, SUFFIX_KINDS
from brief.ingest.web import WebSettings, is_url
from brief.records import RawDocument, Skipped
from brief.urls import redact

SOURCE_KINDS = ("folder", "file", "url", "feed")
SOURCE_KEYS = ("name", *SOURCE_KINDS, "publisher", "limit", "allow_private")
_EXAMPLE = "sources:\n  - name: aljazeera\n    feed: https://www.aljazeera.net/...\n  - name: saved\n    folder: ~/news"


@dataclass(frozen=True)
class Source:
    """One named place to read from."""

    name: str
    kind: str  # "folder", "file", "url" or "feed"
    where: str  # the address, or the path with ~ expanded and made relative to the sources file's folder
    publisher: str | None = None  # wins over what the pages say
    limit: int | None = None  # feeds, pages that turn out to be feeds, and folders: the newest N
    allow_private: bool = False  # url and feed: items and redirects may reach internal addresses too

    def describe(self) -> str:
        """``kind where``, as shown to the user."""
        return f"{self.kind} {redact(self.where)}"


@dataclass(frozen=True)
class SourceReport:
    """What reading one source gives right now."""

    source: Source
    documents: int
    skipped: tuple[Skipped, ...]
    seconds: float

    @property
    def ok(self) -> bool:
        """Whether the source yields at least one document."""
        return self.documents > 0


def load_sources(path: str | os.PathLike[str]) -> list[Source]:
    """Read and validate a sources file; raise ConfigError naming the source and the problem."""
    import yaml

    path = Path(path).expanduser()
    from brief.userfiles import load_yaml, read_user_file

    text = read_user_file(path, what="sources file")  # a regular file of at most 1 MB: no FIFO, no /dev/zero
    try:
        data = load_yaml(text)  # aliases refused: a few lines of them expand past any memory
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err)
        raise ConfigError(f"sources file {path} is not valid YAML{where}: {problem}") from None
    if not isinstance(data, dict) or "sources" not in data:
        raise ConfigError(f"sources file {path} must be a mapping with a 'sources:' list, for example:\n{_EXAMPLE}")
    extra = sorted(str(key) for key in data if key != "sources")
    if extra:
        raise ConfigError(f"sources file {path}: unknown key {extra[0]!r} at the top; valid: sources")
    entries = data["sources"]
    if not isinstance(entries, list):
        raise ConfigError(f"sources file {path}: 'sources' must be a list (items start with '- '), not {_kind_of(entries)}")
    if not entries:
        raise ConfigError(f"sources file {path} lists no sources")
    sources: list[Source] = []
    first: dict[str, int] = {}
    for n, entry in enumerate(entries, 1):
        source = _source(entry, n, path.parent)
        if source.name in first:
            raise ConfigError(f"source {source.name!r} (#{n}): duplicate name; source #{first[source.name]} has it too")
        first[source.name] = n
        sources.append(source)
    return sources


def read_sources(
    sources: Sequence[Source],
    *,
    web: WebSettings | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    memory: FeedMemory | None = None,
) -> tuple[list[RawDocument], list[Skipped]]:
    """Read every source in order; what fails is Skipped with the source's name in the reason."""
    web = web or WebSettings(max_bytes=max_bytes)
    documents: list[RawDocument] = []
    skipped: list[Skipped] = []
    try:
        for source in sources:
            found, missed = read_source(source, web=web, max_bytes=max_bytes, memory=memory)
            documents.extend(found)
            skipped.extend(missed)
    finally:
        web.session.pool.close()  # the connections kept open between the sources' pages
    return documents, skipped


def read_source(
    source: Source,
    *,
    web: WebSettings | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    memory: FeedMemory | None = None,
) -> tuple[list[RawDocument], list[Skipped]]:
    """Read one source: its documents (with the source's publisher) and what was skipped, naming the source."""
    web = web or WebSettings(max_bytes=max_bytes)
    if source.allow_private and not web.allow_private:
        web = dataclasses.replace(web, allow_private=True)
    if source.kind in ("url", "feed"):
        documents, skipped = read_url(
            source.where, web, limit=source.limit, feed_only=source.kind == "feed", memory=memory
        )
    elif source.kind == "file" and not files.has_text_suffix(Path(source.where)):
        # The suffix rule of folders, by the link's target too: a credentials file named by mistake (or through a
        # "creds.txt" symlink) must not end up in a mailed brief.
        documents, skipped = [], [Skipped(source.where, f"not a {_suffixes()} file (a file: source must be one)")]
    elif source.kind == "folder" and source.limit is not None:
        documents, skipped = _newest_in_folder(source.where, source.limit, max_bytes)
    else:
        documents, skipped = files.read_inputs([source.where], max_bytes=max_bytes)
    if source.publisher:
        documents = [dataclasses.replace(doc, publisher=source.publisher) for doc in documents]
    skipped = [Skipped(s.location, f"{s.reason} (source {source.name})") for s in skipped]
    return documents, skipped


def check_source(
    source: Source, *, web: WebSettings | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> SourceReport:
    """Read one source now and report how many documents it gives, what it skipped and how long it took."""
    started = time.monotonic()
    documents, skipped = read_source(source, web=web, max_bytes=max_bytes)
    return SourceReport(source, len(documents), tuple(skipped), time.monotonic() - started)


def check_sources(
    sources: Sequence[Source],
    web: WebSettings | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    starting: Callable[[int, Source], None] | None = None,
) -> list[SourceReport]:
    """Check every source in order (see ``check_source``); ``starting(n, source)`` is told before each (from 1)."""
    web = web or WebSettings(max_bytes=max_bytes)
    reports = []
    try:
        for n, source in enumerate(sources, 1):
            if starting is not None:
                starting(n, source)
            reports.append(check_source(source, web=web, max_bytes=max_bytes))
        return reports
    finally:
        web.session.pool.close()


def _newest_in_folder(folder: str, limit: int, max_bytes: int) -> tuple[list[RawDocument], list[Skipped]]:
    """The ``limit`` most recently modified readable files of a folder, read in the folder's usual (path) order."""
    root = Path(folder)
    if not root.is_dir():
        return files.read_inputs([folder], max_bytes=max_bytes)  # gives the usual "not found" and the like
    # The folder walk read_inputs uses (sorted, hidden files out, symlink loops entered once).
    found, problems = files.walk(root)
    skipped = [Skipped(os.path.join(folder, str(rel)), why) for rel, why in problems]
    if not found and not problems:
        return [], [Skipped(folder, "no .txt, .md or .html files in folder")]

    def modified(rel: PurePath) -> float:
        try:
            return (root / rel).stat().st_mtime
        except OSError:
            return float("-inf")  # vanished: reading it will say so, if it is chosen at all

    newest = set(sorted(found, key=modified, reverse=True)[:limit])
    chosen = [os.path.join(folder, str(rel)) for rel in found if rel in newest]
    documents, missed = files.read_inputs(chosen, max_bytes=max_bytes)
    return documents, skipped + missed


def _source(entry: object, n: int, base: Path) -> Source:
    if not isinstance(entry, dict):
        raise ConfigError(
            f"source #{n}: expected a mapping with a name and one of {_one_of()}, not {_kind_of(entry)}"
        )
    name = _source_name(entry, n)
    label = f"source {name!r}"
    unknown = sorted(str(key) for key in entry if key not in SOURCE_KEYS)
    if unknown:
        raise ConfigError(f"{label}: unknown key {unknown[0]!r}; valid keys: {', '.join(sorted(SOURCE_KEYS))}")
    kind, where = _source_where(entry, label, base)
    publisher = entry.get("publisher")
    if publisher is not None and (not isinstance(publisher, str) or not publisher.strip()):
        raise ConfigError(f"{label}: publisher must be a non-empty text, not {publisher!r}")
    limit = _source_limit(entry, label, kind)
    allow_private = entry.get("allow_private", False)
    if not isinstance(allow_private, bool):
        raise ConfigError(f"{label}: allow_private must be true or false, not {allow_private!r}")
    if allow_private and kind not in ("url", "feed"):
        raise ConfigError(f"{label}: allow_private is for url: and feed: sources, not a {kind}")
    return Source(
        name=name,
        kind=kind,
        where=where,
        publisher=publisher.strip() if publisher else None,
        limit=limit,
        allow_private=allow_private,
    )


def _source_name(entry: dict[object, object], n: int) -> str:
    """The source's name, stripped; refused when missing or blank."""
    name = entry.get("name")
    if name is None:
        raise ConfigError(f"source #{n}: missing 'name'")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"source #{n}: 'name' must be a non-empty text, not {name!r}")
    return name.strip()


def _source_where(entry: dict[object, object], label: str, base: Path) -> tuple[str, str]:
    """The source's one kind and where it is: an address for url/feed, a normalised path (from base) otherwise."""
    kinds = [kind for kind in SOURCE_KINDS if kind in entry]
    if not kinds:
        raise ConfigError(f"{label}: needs one of {_one_of()}")
    if len(kinds) > 1:
        raise ConfigError(f"{label}: has both {kinds[0]} and {kinds[1]}; give exactly one of {_one_of()}")
    kind = kinds[0]
    value = entry[kind]
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{label}: {kind} must be a non-empty text, not {value!r}")
    value = value.strip()
    if kind in ("url", "feed"):
        if not is_url(value):
            raise ConfigError(f"{label}: {kind} {value!r} is not an http:// or https:// address")
        return kind, value
    if is_url(value):
        raise ConfigError(f"{label}: {kind} {value!r} is a web address; use url: or feed: for it")
    return kind, os.path.normpath(base / Path(value).expanduser())  # absolute stays; "cfg/../news" is "news"


def _source_limit(entry: dict[object, object], label: str, kind: str) -> int | None:
    """How many items the source may give (None: no limit); a single file takes none."""
    limit = entry.get("limit")
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ConfigError(f"{label}: limit must be a whole number of at least 1, not {limit!r}")
    if kind == "file":
        raise ConfigError(f"{label}: limit is for feeds, pages that are feeds, and folders, not a single file")
    return limit


def _suffixes() -> str:
    names = sorted(SUFFIX_KINDS)
    return ", ".join(names[:-1]) + f" or {names[-1]}"


def _one_of() -> str:
    return ", ".join(SOURCE_KINDS[:-1]) + f" or {SOURCE_KINDS[-1]}"


def _kind_of(value: object) -> str:
    if value is None:
        return "nothing"
    names: dict[type, str] = {dict: "a mapping", list: "a list", str: "a text"}
    return names.get(type(value), type(value).__name__)
