"""Score ``--about`` on the labelled beats of tests/eval/beats.yaml: per folder, the share of the stories on the
beat that are kept and of the stories off it that are left out.

    PYTHONPATH=$PWD /work/venv/bin/python tests/beat_eval.py

The cut (``brief.beat.ON_BEAT``) is calibrated on ``CALIBRATION`` only; every other folder is held out.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus_labels import CORPUS, labels  # noqa: E402

BEATS = CORPUS.parent / "beats.yaml"
CALIBRATION = ("d01_kerman-bombing", "d03_jeju-air-crash")


@dataclass(frozen=True)
class BeatScore:
    """One folder's beat: how many labelled stories on it were kept, and off it left out."""

    folder: str
    about: tuple[str, ...]
    on: int
    on_kept: int
    off: int
    off_left: int

    def passed(self, floor: float = 0.9) -> bool:
        """Both shares at or above ``floor``."""
        return self.on_kept >= floor * self.on and self.off_left >= floor * self.off

    def line(self) -> str:
        """One row of the table."""
        role = "calibration" if self.folder in CALIBRATION else "held out"
        return (
            f"{self.folder:<30} {role:<11} {'; '.join(self.about):<12} on kept {self.on_kept}/{self.on}"
            f"  off left out {self.off_left}/{self.off}  {'pass' if self.passed() else 'FAIL'}"
        )


def _units(folder_labels: dict[str, Any]) -> dict[str, str]:
    """File name -> its labelled story id, or its own name for a single."""
    unit = {f: f for f in folder_labels["singles"]}
    for sid, story in folder_labels["stories"].items():
        unit.update({f: sid for f in [*story["files"], *(story.get("html_variants") or [])]})
    return unit


def score_folder(folder: Path, beat: dict[str, Any], embedder: Any) -> BeatScore:
    """Run the stories stage and the beat on one folder, and score what is kept against its labels."""
    from brief.beat import OffBeatError, focus
    from brief.pile import Pile
    from brief.pipeline import read_articles
    from brief.stories import find_stories

    articles, _ = read_articles([str(folder)])
    pile = Pile(articles, embedder)
    stories = find_stories(pile)
    try:
        kept_ids = {i for s in focus(stories, pile, about=beat["about"]).stories for i in s.article_ids}
    except OffBeatError:
        kept_ids = set()
    unit = _units(labels(folder))
    votes: dict[str, list[bool]] = {}
    for article in articles:
        names = {Path(loc).name for loc in (article.location, *article.also_at)}
        for name in names & unit.keys():
            votes.setdefault(unit[name], []).append(article.id in kept_ids)
    kept = {u for u, v in votes.items() if sum(v) * 2 > len(v)}
    on, off = set(beat["on_beat"]), set(beat["off_beat"])
    return BeatScore(folder.name, tuple(beat["about"]), len(on), len(on & kept), len(off), len(off - kept))


def score_beats(embedder: Any = None) -> list[BeatScore]:
    """Every labelled beat, scored (the registry's default embedder unless one is given)."""
    if embedder is None:
        from brief import models

        registry = models.Registry.load(models.packaged_registry())
        embedder = models.load_backend(registry.get("embedder", None), offline=True)
    beats = yaml.safe_load(BEATS.read_text(encoding="utf-8"))
    return [score_folder(CORPUS / name, beat, embedder) for name, folder in beats.items() for beat in folder]


if __name__ == "__main__":
    for result in score_beats():
        print(result.line())
