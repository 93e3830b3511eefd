"""The store as a run uses it: it only remembers, so a store that fails must not cost the brief.

``TolerantStore`` wraps a ``Store`` with the same interface. What only remembers (recording the run, its
articles and its brief; the translation cache; the earlier briefs behind "previously" lines) turns a
``StoreError`` into one warning, and the rest of the run leaves the store alone (a busy store is waited on
once, not at every step). What ``--new`` and ``--since`` need (which articles were briefed, when each was
first seen) still raises: without it those runs cannot choose, and exit 12.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from brief.errors import StoreError
from brief.store.db import Store


class TolerantStore:
    """A ``Store`` whose remembering fails with one warning (through ``warn``) instead of stopping the run."""

    def __init__(self, store: Store, warn: Callable[[str], None]) -> None:
        self._store = store
        self._warn = warn
        self.failure: str | None = None  # the first error, once the store has failed

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401 - everything else is the store's own
        return getattr(self._store, name)

    def _try(self, default: Any, method: str, *args: Any, **kwargs: Any) -> Any:  # noqa: ANN401
        if self.failure is not None:
            return default
        try:
            return getattr(self._store, method)(*args, **kwargs)
        except StoreError as err:
            self.failure = str(err)
            self._warn(f"{err}; the rest of this run is not recorded (the brief itself is not affected)")
            return default

    def start_run(self, *args: Any, **kwargs: Any) -> int | None:
        """The run's number, or None when the store could not record it."""
        return self._try(None, "start_run", *args, **kwargs)

    def finish_run(self, *args: Any, **kwargs: Any) -> None:
        """Record how the run ended, if the store still works."""
        self._try(None, "finish_run", *args, **kwargs)

    def record_articles(self, *args: Any, **kwargs: Any) -> None:
        """Remember the articles read, if the store still works."""
        self._try(None, "record_articles", *args, **kwargs)

    def record_brief(self, *args: Any, **kwargs: Any) -> int | None:
        """Keep the brief, if the store still works."""
        return self._try(None, "record_brief", *args, **kwargs)

    def briefs(self, *args: Any, **kwargs: Any) -> list[Any]:
        """Earlier briefs (for "previously" lines); none when the store cannot give them."""
        return self._try([], "briefs", *args, **kwargs)

    def cached_translations(self, *args: Any, **kwargs: Any) -> dict[str, str]:
        """Cached translations; none when the store cannot give them."""
        return self._try({}, "cached_translations", *args, **kwargs)

    def save_translations(self, *args: Any, **kwargs: Any) -> None:
        """Cache translations, if the store still works."""
        self._try(None, "save_translations", *args, **kwargs)

    def cached_embeddings(self, *args: Any, **kwargs: Any) -> dict[str, bytes]:
        """Cached vectors; none when the store cannot give them."""
        return self._try({}, "cached_embeddings", *args, **kwargs)

    def save_embeddings(self, *args: Any, **kwargs: Any) -> None:
        """Cache vectors, if the store still works."""
        self._try(None, "save_embeddings", *args, **kwargs)
