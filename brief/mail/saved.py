"""A saved brief found again for ``brief send``: its ``Brief`` record, which the mail is made from.

    brief send            the latest brief the store keeps (its JSON, read back with ``Brief.from_json``)
    brief send B.json     the JSON brief ``brief make --format json`` wrote
    brief send B.md       the record of that Markdown: the brief the store keeps with exactly this Markdown, else
                          B.json beside it when it renders exactly this Markdown

A Markdown brief with no record anywhere (the store was not writable, the file was edited, or it came from
another machine) is still sent, as the Markdown it is: one plain-text part, no HTML (``Saved.note`` says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from brief.errors import InputError
from brief.mail.message import is_brief, read_text
from brief.records import Brief


@dataclass(frozen=True)
class Saved:
    """A brief to send: its record (``brief``), or only its Markdown (``markdown``) when no record was found."""

    brief: Brief | None
    markdown: str
    eml: Path  # where a dry run writes the message
    note: str | None = None  # why the mail is Markdown-only, for the user


def _from_store(home: Path | None, markdown: str) -> Brief | None:
    """The brief the store keeps with exactly this Markdown (the latest, if a brief was made twice)."""
    from brief.store import Store, db_path

    if home is None or not db_path(home).exists():
        return None
    with Store.open(home) as store:
        found = store.brief_with_markdown(markdown)
    return _record(found.json_text) if found is not None else None


def _record(json_text: str) -> Brief | None:
    try:
        return Brief.from_json(json_text)
    except ValueError:
        return None


def _beside(path: Path, markdown: str) -> Brief | None:
    """The JSON brief beside a Markdown one, when it is the same brief (it renders exactly that Markdown)."""
    from brief import render

    json_path = path.with_suffix(".json")
    if json_path == path or not json_path.is_file():
        return None
    try:
        brief = _record(read_text(json_path))
    except InputError:
        return None
    return brief if brief is not None and render.to_markdown(brief) == markdown else None


def saved_brief(path: Path, home: Path | None) -> Saved:
    """The brief in a saved file (Markdown or JSON) with its record where one exists; InputError if it is no brief."""
    text = read_text(path)
    eml = path.with_suffix(".eml")
    if text.lstrip().startswith("{"):
        try:
            read = Brief.from_json(text)
        except ValueError as err:
            raise InputError(f"{path} is not a brief made by brief: {err}") from None
        from brief import render

        return Saved(read, render.to_markdown(read), eml)
    if not is_brief(text):
        raise InputError(
            f"{path} is not a brief made by brief; a brief starts with its '# ' headline and ends with its"
            " 'Made by brief' footer (or is the JSON brief `brief make --format json` writes)"
        )
    brief = _from_store(home, text) or _beside(path, text)
    if brief is not None:
        return Saved(brief, text, eml)
    note = (
        f"no record of {path} (not in the store, no {path.with_suffix('.json').name} beside it that matches): "
        "sending it as the Markdown it is, plain text only, without the HTML part"
    )
    return Saved(None, text, eml, note)


def latest_brief(home: Path) -> Saved:
    """The latest brief the store holds, and where its .eml goes on a dry run."""
    from brief.store import Store, db_path

    if not db_path(home).exists():
        raise InputError(f"no brief made yet (no store in {home}): give a brief file, or make one with `brief make`")
    with Store.open(home) as store:
        latest = store.latest_brief()
    if latest is None:
        raise InputError("no brief made yet: give a brief file, or make one with `brief make`")
    if latest.output and Path(latest.output).suffix in (".md", ".json"):
        eml = Path(latest.output).with_suffix(".eml")
    else:
        made = latest.made_at.astimezone()
        eml = home / "briefs" / f"brief-{made:%Y-%m-%d-%H%M%S}.eml"
    brief = _record(latest.json_text)
    if brief is None:
        return Saved(None, latest.markdown, eml, "the store's JSON of the latest brief cannot be read: sending its"
                     " Markdown as plain text only, without the HTML part")  # fmt: skip
    return Saved(brief, latest.markdown, eml)
