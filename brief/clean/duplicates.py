"""One article reached twice becomes one source that lists every place it was found.

The same article turns up more than once in real use: a page and the feed item that links to it, a saved HTML
page and a text copy of it, a wire story republished word for word by several sites. Citing it twice would make
one report look like two independent ones, so copies are merged before numbering.

Two articles are copies when
  - their text is identical (the same article id), or
  - they declare the same canonical URL, or
  - nearly every sentence of the shorter one is in the longer one (a text copy that lost a paragraph, a page
    whose extractor kept one line more), compared on spelling-folded sentences.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Sequence

from brief.clean.text import normalise_for_matching
from brief.records import Article

# Share of the shorter article's sentences that must appear in the longer one.
CONTAINED = 0.8
# Below this many sentences a shared share says little (two one-line items of the same agency bulletin).
MIN_SENTENCES = 3
_LEAST_SHARED = max(1, math.ceil(CONTAINED * MIN_SENTENCES))


def merge_duplicates(articles: Sequence[Article]) -> list[Article]:
    """Articles with copies merged: the first place found is kept, the others listed in ``also_at``.

    Candidates come from indexes (article id, bare URL, and each normalised sentence -> the kept articles that
    hold it), so each article is compared only with those sharing something with it, not with every kept one:
    linear in the input for ordinary news, where few sentences recur across articles. The candidates are a
    superset of the articles ``_same`` can accept, and the first accepted one wins, so the result is exactly
    that of comparing every pair (``merge_duplicates_pairwise``, kept for the tests and the bench).
    """
    merged: list[Article] = []
    keys: list[frozenset[str]] = []
    by_id: dict[str, set[int]] = {}
    by_url: dict[str, set[int]] = {}
    by_sentence: dict[str, list[int]] = {}

    def index(i: int, new_sentences: frozenset[str]) -> None:
        kept = merged[i]
        by_id.setdefault(kept.id, set()).add(i)
        if kept.url:
            by_url.setdefault(_bare_url(kept.url), set()).add(i)
        for sentence in new_sentences:
            by_sentence.setdefault(sentence, []).append(i)

    for article in articles:
        key = frozenset(normalise_for_matching(s) for s in article.sentences)
        candidates: set[int] = set(by_id.get(article.id, ()))
        if article.url:
            candidates |= by_url.get(_bare_url(article.url), set())
        shared: Counter[int] = Counter()
        for sentence in key:
            shared.update(by_sentence.get(sentence, ()))
        # Containment needs CONTAINED of at least MIN_SENTENCES shared; fewer can never pass ``_same``.
        candidates.update(i for i, n in shared.items() if n >= _LEAST_SHARED)
        match = next((i for i in sorted(candidates) if _same(merged[i], keys[i], article, key)), None)
        if match is None:
            merged.append(article)
            keys.append(key)
            index(len(merged) - 1, key)
        else:
            merged[match] = _combine(merged[match], article)
            if len(key) > len(keys[match]):
                added = key - keys[match]
                keys[match] = keys[match] | key
            else:
                added = frozenset()
            index(match, added)
    return merged


def merge_duplicates_pairwise(articles: Sequence[Article]) -> list[Article]:
    """The former all-pairs merge (quadratic): the reference ``merge_duplicates`` must agree with."""
    merged: list[Article] = []
    keys: list[frozenset[str]] = []
    for article in articles:
        key = frozenset(normalise_for_matching(s) for s in article.sentences)
        match = next((i for i, kept in enumerate(merged) if _same(kept, keys[i], article, key)), None)
        if match is None:
            merged.append(article)
            keys.append(key)
        else:
            merged[match] = _combine(merged[match], article)
            keys[match] = keys[match] | key if len(key) > len(keys[match]) else keys[match]
    return merged


def _same(a: Article, a_key: frozenset[str], b: Article, b_key: frozenset[str]) -> bool:
    if a.id == b.id:
        return True
    if a.url and b.url and _bare_url(a.url) == _bare_url(b.url):
        return True
    shorter = min(len(a_key), len(b_key))
    return shorter >= MIN_SENTENCES and len(a_key & b_key) >= CONTAINED * shorter


def _combine(first: Article, copy: Article) -> Article:
    """The fuller text of the two, the first's place, every other place, and any metadata either knows."""
    main = copy if len(copy.sentences) > len(first.sentences) else first
    places = [p for p in (first.location, *first.also_at, copy.location, *copy.also_at) if p != first.location]
    filled = {
        name: getattr(first, name) or getattr(copy, name)
        for name in ("publisher", "title", "date", "url", "byline", "credit")
    }
    return dataclasses.replace(
        main,
        location=first.location,
        also_at=tuple(dict.fromkeys(places)),
        **filled,
    )


def _bare_url(url: str) -> str:
    """A URL without scheme, "www.", fragment, tracking parameters or trailing slash, for comparing.

    The rest of the query stays: many news sites name the article in it (``article.php?id=123``).
    """
    from urllib.parse import parse_qsl, urlencode, urlsplit

    parts = urlsplit(url.strip())
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.startswith("utm_")])
    host = parts.netloc.casefold().removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}" + (f"?{query}" if query else "")
