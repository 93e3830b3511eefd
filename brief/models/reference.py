"""The ``reference`` translator: English that people wrote, served from a JSON Lines file instead of a model.

A registry entry names the file and the languages it reads::

    translators:
      reference:
        backend: reference
        path: translations.jsonl        # relative to the registry file
        params: {languages: [ar]}       # optional: default, the languages the file holds

Each line of the file is one text and its English, the original under its language code::

    {"ar": "قررت لجنة السياسة النقدية ...", "en": "The Monetary Policy Committee decided ..."}

Texts are matched after whitespace and NFC normalisation only (``cache.normalise_text``), never loosely: a
text the file does not hold is a ``MissingTranslationError`` (exit 5) that names it, never passed through
untranslated. The evaluation sets (``tests/eval/``) use this to score selection and composition on realistic
English without model weights; anyone with human translations can use it the same way. It goes through the
normal registry and translation-cache path; the footer names the file with a hash of its content, so the
cache never serves English from an earlier version of the file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from brief.clean.text import collapse_space
from brief.errors import ModelError
from brief.models.base import ModelSpec, ProgressFn, Translator

ENGLISH = "en"
_SHOWN = 80  # characters of a missing text quoted in the error


class MissingTranslationError(ModelError):
    """The reference translations hold no English for a text the brief needs (exit 5)."""

    def __init__(self, source: Path, language: str, missing: Sequence[str]) -> None:
        self.source, self.language, self.missing = source, language, list(missing)
        first = missing[0] if len(missing[0]) <= _SHOWN else missing[0][:_SHOWN] + "…"
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        super().__init__(
            f"the reference translations in {source} have no English for the {language!r} text "
            f"«{first}»{more}; add a line {{\"{language}\": <text>, \"en\": <English>}} for each"
        )


def load_translations(path: Path) -> dict[tuple[str, str], str]:
    """(language, normalised text) -> English, from a JSON Lines file; a malformed file is a ModelError."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise ModelError(f"reference translations {path} cannot be read: {err}") from None
    table: dict[tuple[str, str], str] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"reference translations {path}, line {number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as err:
            raise ModelError(f"{where}: not JSON ({err.msg})") from None
        if not isinstance(item, dict):
            raise ModelError(f"{where}: expected an object like {{\"ar\": <text>, \"en\": <English>}}")
        originals = {k: v for k, v in item.items() if k != ENGLISH}
        english = item.get(ENGLISH)
        if len(originals) != 1 or not isinstance(english, str) or not english.strip():
            raise ModelError(f"{where}: expected one original under its language code and its English under 'en'")
        ((language, text),) = originals.items()
        if not isinstance(text, str) or not text.strip():
            raise ModelError(f"{where}: the {language!r} text is empty")
        key = (str(language), collapse_space(text))
        english = collapse_space(english)
        if table.get(key, english) != english:
            raise ModelError(f"{where}: a second, different English for a text given earlier: «{text[:_SHOWN]}»")
        table[key] = english
    if not table:
        raise ModelError(f"reference translations {path} hold no translations")
    return table


class ReferenceTranslator(Translator):
    """Serves the English of a translations file; a text it does not hold is an error that names the text."""

    batch_size = 1_000_000  # there is no model: one "batch" is every text
    MARKER = None  # the path is the translations file itself, not a folder holding one
    FILE_WHAT = "translations file"
    CONVERTS_AS = None
    CONVERTED = False

    @classmethod
    def expected_ref(cls, spec: ModelSpec, folder: Path | None) -> str | None:
        """Known only once built (the ref holds a hash of the file's content)."""
        return None

    @classmethod
    def registry_languages(cls, spec: ModelSpec) -> frozenset[str] | None:
        """Only the file knows, unless params.languages says."""
        return None

    def __init__(self, spec: ModelSpec, folder: Path | None) -> None:
        path = folder or spec.path
        if path is None:
            raise ModelError(f"translator {spec.name!r}: the reference backend needs path: <translations.jsonl>")
        self.spec = spec
        self.path = Path(path)
        self.table = load_translations(self.path)
        held = frozenset(language for language, _ in self.table)
        wanted = spec.params.get("languages")
        if wanted is None:
            self.languages = held
        else:
            if isinstance(wanted, str):
                wanted = [wanted]
            if not isinstance(wanted, list) or not all(isinstance(w, str) for w in wanted):
                raise ModelError(f"translator {spec.name!r}: params.languages must be a list of language codes")
            self.languages = frozenset(wanted)
        self.digest = hashlib.sha256(self.path.read_bytes()).hexdigest()[:12]
        self.served = 0  # distinct texts answered, for whoever wants to count

    @property
    def ref(self) -> str:
        """The file and a hash of its content: the footer shows it, and the cache key changes with the file."""
        return f"{self.path} (sha256 {self.digest})"

    def translate_batch(self, texts: Sequence[str], language: str) -> list[str]:
        """The English of each text; every missing text is named in one error."""
        found = [self.table.get((language, collapse_space(t))) for t in texts]
        missing = [t for t, out in zip(texts, found) if out is None]
        if missing:
            raise MissingTranslationError(self.path, language, list(dict.fromkeys(missing)))
        return [out for out in found if out is not None]

    def translate(self, texts: Sequence[str], language: str, progress: ProgressFn | None = None) -> list[str]:
        """Look every text up whole (a human translation is never split)."""
        unique = list(dict.fromkeys(texts))
        english = dict(zip(unique, self.translate_batch(unique, language)))
        self.served += len(unique)
        if progress and unique:
            progress(len(unique))
        return [english[t] for t in texts]

    def split_long(self, text: str) -> list[str]:
        """Never split: the file holds whole texts."""
        return [text]
