"""The store as a feed memory (``brief.ingest.FeedMemory``): a daily job does not redo its work.

A feed is fetched conditionally (its last ETag / Last-Modified, kept in the ``feeds`` table; a 304 reads the
kept body), and with ``--new`` or ``--since`` the items whose link an earlier run already read, and that the
same rule would leave out anyway, are not fetched at all. What it saved is counted for the run's record
(``brief logs show``): ``feeds_not_modified`` and ``feed_items_known``.

The store only remembers: if it fails here, the feed is simply fetched in full.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from brief.errors import StoreError
from brief.store.db import Store, _utc

if TYPE_CHECKING:
    from brief.ingest.web import Response


class StoreFeedMemory:
    """Feed answers and already-read links from the store, under the run's ``--new``/``--since``."""

    def __init__(
        self, store: Store, *, new: bool, since: dt.timedelta | None, now: dt.datetime | None = None
    ) -> None:
        self.store = store
        self.new = new
        self.cutoff = _utc(now or dt.datetime.now(dt.timezone.utc)) - since if since is not None else None
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def cached_feed(self, url: str) -> Response | None:
        """The feed's last answer, or None (also when the store cannot say)."""
        try:
            return self.store.cached_feed(url)
        except StoreError:
            return None

    def remember_feed(self, url: str, response: Response) -> None:
        """Keep the feed's answer; a store that cannot keep it only costs a full fetch next time."""
        try:
            self.store.remember_feed(url, response)
        except StoreError:
            pass

    def known_links(self, links: Sequence[str]) -> set[str]:
        """Links --new or --since would leave out: already briefed, or first seen before the cutoff."""
        try:
            return self.store.known_links(links, briefed=self.new, seen_before=self.cutoff)
        except StoreError:
            return set()

    def count(self, name: str, amount: int = 1) -> None:
        """Add to a count for the run's record."""
        with self._lock:
            self.counts[name] += amount
