"""The glossary: a house spelling for names and terms (``--glossary FILE``), Arabic -> the English to print.

The file is YAML, one entry a line::

    أحمد الشرع: Ahmed al-Sharaa
    قسد: SDF
    كرمان: Kerman

Every translated text (sentence, heading, source title) whose Arabic holds a term gets the glossary's English in
place of the translator's spelling of it. Only the name is replaced: the translator's spelling is found by the
alignment ``brief.names`` makes between an Arabic word and a Latin spelling (their consonant skeletons:
الشرع and "Al-Shara'a" are both sh-r-'), run over the capitalised words of the English, one word per Arabic word
of the term. A term the English has no such spelling of (an acronym, "QSD" for قسد) is left as the translator wrote
it, and counted (``Applied.missed``, shown with --verbose).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from brief.clean import normalise_for_matching
from brief.errors import ConfigError
from brief.names import fold, renders
from brief.userfiles import load_yaml, quote, read_user_file

# A capitalised word of English, with a fused or spaced article ("al-Sharaa", "Al Sharaa") and an apostrophe.
_NAME = re.compile(r"\b(?:[Aa]l|[Ee]l)[-‐ ]?[A-Z][\w'’]*|\b[A-Z][\w'’]*")  # "Jaber-Nassib" is two names
_PREFIXES = "\u0648\u0628\u0644\u0641\u0643"  # و ب ل ف ك, attached before a word


def load_glossary(path: str | Path) -> dict[str, str]:
    """The glossary file as {Arabic term: English}; ConfigError naming the line of an empty, duplicate or alias entry."""
    text = read_user_file(path, what="glossary")
    return parse_glossary(text, str(path))


def parse_glossary(text: str, where: str = "glossary") -> dict[str, str]:
    """Parse glossary YAML text (see the module docstring); ``where`` names it in errors."""
    import yaml

    try:
        load_yaml(text)  # refuses aliases, with the line
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err)
        raise ConfigError(f"{where}{line}: {problem}") from None
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError(f"{where}: a glossary is one 'Arabic term: English' entry a line, not {node.tag.rsplit(':', 1)[-1]}")
    terms: dict[str, str] = {}
    seen: dict[str, int] = {}
    for key, value in node.value:
        line = key.start_mark.line + 1
        term, english = _scalar(key), _scalar(value)
        if not term or not english:
            raise ConfigError(f"{where} line {line}: an empty entry ({quote(term)}: {quote(english)}); give both the term and its English")
        folded = normalise_for_matching(term)
        if folded in seen:
            raise ConfigError(f"{where} line {line}: {quote(term)} is already given on line {seen[folded]}")
        seen[folded] = line
        terms[term] = english
    return terms


def _scalar(node: Any) -> str:
    import yaml

    return str(node.value).strip() if isinstance(node, yaml.ScalarNode) else ""


def folded(text: str) -> str:
    """``text`` folded for whole-word matching (``holds_folded``): spelling normalised, a space at each end."""
    return " " + normalise_for_matching(text) + " "


def holds_folded(text: str, term: str) -> bool:
    """True when ``text`` (from ``folded``) holds the already-folded ``term`` as whole words; و ب ل ف ك may stand
    attached before it."""
    return bool(term and re.search(rf"(?<![^\s{_PREFIXES}]){re.escape(term)}(?!\w)", text))


def holds(text: str, term: str) -> bool:
    """True when Arabic ``text`` holds ``term`` as whole words (spelling folded; و ب ل ف ك may stand before it)."""
    return holds_folded(folded(text), normalise_for_matching(term))


def terms_in(text: str, glossary: Mapping[str, str]) -> list[str]:
    """The glossary's terms ``text`` holds, in the glossary's order (the text folded once)."""
    padded = folded(text)
    return [term for term in glossary if holds_folded(padded, normalise_for_matching(term))]


def _spans(english: str, term: str) -> list[tuple[int, int]]:
    """Where ``english`` spells ``term``: a run of capitalised words, one rendering each Arabic word of it."""
    words = [w for w in normalise_for_matching(term).split() if w]
    found = list(_NAME.finditer(english))
    spans = []
    k = 0
    while k + len(words) <= len(found):
        run = found[k : k + len(words)]
        joined = all(english[a.end() : b.start()] == " " for a, b in zip(run, run[1:]))
        if joined and all(renders(w, m.group(0)) for w, m in zip(words, run)):
            spans.append((run[0].start(), run[-1].end()))
            k += len(words)
        else:
            k += 1
    return spans


def place(
    english: str, original: str, glossary: Mapping[str, str], held: Sequence[str] | None = None
) -> tuple[str, list[str]]:
    """``english`` with the glossary's English for each term ``original`` holds (``held``, when the caller has
    them already); and the terms not found in it."""
    missed = []
    for term in terms_in(original, glossary) if held is None else held:
        wanted = glossary[term]
        spans = _spans(english, term)
        already = fold(wanted) and re.search(rf"(?<!\w){re.escape(wanted)}(?!\w)", english)
        if not spans and not already:
            missed.append(term)
        for start, end in reversed(spans):
            english = english[:start] + wanted + english[end:]
    return english, missed


@dataclass
class Applied:
    """What the glossary did to one run's translations."""

    texts: int = 0  # translated texts whose original holds a term
    missed: list[str] = field(default_factory=list)  # "term in: English" where no spelling of it was found


def apply_glossary(translations: Any, glossary: Mapping[str, str]) -> tuple[Any, Applied]:
    """The translations (``brief.translate.Translations``) with the glossary's spellings placed."""
    done = Applied()
    if not glossary:
        return translations, done
    english = {}
    for key, text in translations.english.items():
        held = terms_in(key[1], glossary)
        done.texts += 1 if held else 0
        english[key], missed = place(text, key[1], glossary, held)
        done.missed += [f"{term} in: {text}" for term in missed]
    return replace(translations, english=english), done
