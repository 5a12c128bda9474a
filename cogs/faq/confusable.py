"""FAQ entries too alike to tell apart, found before members run into them.

Leave one out: each phrasing of an entry is compared with the entry's other phrasings and with
every other entry's. When another entry's phrasing is nearly the same question (a cosine of
0.93 or more: "My card hasn't been delivered yet" and "My transfer hasn't arrived yet") and as
close as the entry's own phrasings (within the answer margin), a member asking in those words
gets "A or B?" at best: the two entries need phrasings that tell them apart. Diverse phrasings
of one entry are not a finding. Uses the semantic model when installed (vectors from the
embedding cache), else content-word overlap (0.6 or more).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cogs.faq import semantic
from cogs.faq.entries import FaqEntry, FaqLibrary
from cogs.faq.language import content_stems
from cogs.faq.matcher import MARGINS

NEARLY_SAME = {"semantic": 0.93, "lexical": 0.6}
"""How alike two phrasings of different entries must be to be a finding at all: E5 puts
rewordings of one question at 0.93-0.98 and different questions on one topic at 0.88-0.92."""


@dataclass(frozen=True, slots=True)
class Confusable:
    entry: str
    other: str
    phrasing: str
    """A phrasing of ``entry``..."""
    closest: str
    """...closer (or as close) to this phrasing of ``other`` as to its own entry's."""
    path: Path


def confusable_pairs(entries: Sequence[FaqEntry]) -> list[Confusable]:
    """One finding per unordered pair of entries (the closest call), in file order."""
    items = [(e, q) for e in entries for q in e.questions]
    if len(items) < 2:
        return []
    if semantic.available():
        vectors = semantic.embed([q for _, q in items])
        similarity = (vectors @ vectors.T).tolist()
        margin, floor = MARGINS["semantic"], NEARLY_SAME["semantic"]
    else:
        stems = [set(content_stems(q)) for _, q in items]
        similarity = [[_jaccard(a, b) for b in stems] for a in stems]
        margin, floor = 0.0, NEARLY_SAME["lexical"]
    found: dict[tuple[str, str], tuple[float, Confusable]] = {}
    for i, (entry, phrasing) in enumerate(items):
        own = [similarity[i][j] for j, (e, _) in enumerate(items) if e.id == entry.id and j != i]
        if not own:
            continue
        best_own = max(own)
        for j, (other, text) in enumerate(items):
            if other.id == entry.id:
                continue
            lead = similarity[i][j] - best_own
            if similarity[i][j] >= floor and lead > -margin:
                key = (min(entry.id, other.id), max(entry.id, other.id))
                if key not in found or lead > found[key][0]:
                    found[key] = (lead, Confusable(entry.id, other.id, phrasing, text, entry.path))
    return [finding for _, finding in sorted(found.values(), key=lambda f: str(f[1].path))]


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def advise_folder(folder: Path) -> list[str]:
    """``check``'s warnings for an FAQ folder."""
    entries = FaqLibrary(folder).reload(force=True).entries
    return [
        f"{c.path}: {c.entry} and {c.other} are confusable: “{c.phrasing}” is as close to"
        f" {c.other}'s “{c.closest}” as to its own entry; add phrasings that tell them apart"
        for c in confusable_pairs(entries)
    ]
