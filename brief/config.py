"""Settings, resolved once (flag > BRIEF_* environment > defaults) and passed down as one object.

This is the only module that reads the environment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from brief.errors import ConfigError
from brief.models import packaged_registry

DEFAULT_WORDS = 500
_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know, decided before it starts."""

    registry: Path
    translator: str | None = None  # None: the registry's default
    summariser: str | None = None
    embedder: str | None = None
    words: int = DEFAULT_WORDS
    rewrite: bool = True  # False: extractive only, no summariser model
    offline: bool = False


def resolve(
    env: Mapping[str, str],
    *,
    models: Path | None = None,
    translator: str | None = None,
    summariser: str | None = None,
    words: int = DEFAULT_WORDS,
    rewrite: bool = True,
) -> Settings:
    """Build the settings from the command line's values and the environment."""
    if words < 50:
        raise ConfigError(f"--words {words} is too small for a brief; use at least 50")
    registry = models or (Path(env["BRIEF_MODELS"]) if env.get("BRIEF_MODELS") else packaged_registry())
    offline = any(env.get(name, "").strip().lower() in _TRUE for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))
    return Settings(
        registry=registry.expanduser(),
        translator=translator,
        summariser=summariser,
        words=words,
        rewrite=rewrite,
        offline=offline,
    )
