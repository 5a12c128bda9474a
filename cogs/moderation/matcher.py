"""Stop-word matching over normalized text with one Aho-Corasick automaton.

Entry forms (Discord AutoMod semantics): ``word`` whole word, ``word*`` prefix, ``*word`` suffix,
``*word*`` anywhere, a line with spaces is a phrase, ``re:PATTERN`` a regular expression run with
a time limit. Repeated letters are folded on both sides and verified afterwards, so ``fuuuck``
matches ``fuck`` but ``as`` never matches ``ass`` and ``meeting`` never matches ``meting``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any

import ahocorasick
import re2

from cogs.moderation.normalize import MASK, Squashed, light_fold, squash, tokens

log = logging.getLogger(__name__)


def _re2_options() -> Any:
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False  # a bad pattern is reported by check, not on stderr
    return options


RE2_OPTIONS = _re2_options()
"""``re:`` entries run on RE2: time linear in the message, so no pattern can stall the bot
(no catastrophic backtracking), at the price of look-arounds and back-references."""


RARELY_DOUBLED = frozenset("aiuyhjkqvwxауыэюяжшщчхцй")
"""Letters that ordinary English and Russian words almost never double."""


class Kind(StrEnum):
    WHOLE = "whole"
    PREFIX = "prefix"
    SUFFIX = "suffix"
    ANYWHERE = "anywhere"
    REGEX = "regex"


class EntryError(ValueError):
    """An entry that cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of a stop-word or allow list."""

    list: str
    text: str
    file: str
    line: int
    kind: Kind
    plain: str = ""
    """Normalized form, tokens joined by single spaces (empty for regex entries)."""
    key: str = ""
    """``plain`` with repeated letters folded: what the automaton looks for."""
    runs: tuple[int, ...] = ()
    pattern: Any = field(default=None, compare=False)
    """The compiled RE2 pattern of a ``re:`` entry."""

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def parse_entry(list_name: str, text: str, file: str, line: int) -> Entry:
    """Build an entry from a list line; raises ``EntryError`` with the reason."""
    raw = text.strip()
    if raw.startswith("re:"):
        source = raw[3:].strip()
        if not source:
            raise EntryError("'re:' needs a pattern after it")
        try:
            pattern = re2.compile(source, options=RE2_OPTIONS)
        except re2.error as exc:
            reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else exc
            raise EntryError(
                f"bad regular expression: {reason} (RE2 syntax: no look-arounds or"
                " back-references, so no pattern can stall the bot)"
            ) from None
        if pattern.fullmatch(""):
            raise EntryError("this regular expression matches empty text, so everything")
        return Entry(list_name, raw, file, line, Kind.REGEX, pattern=pattern)
    starts, ends = raw.startswith("*"), raw.endswith("*")
    core = raw.strip("*").strip()
    if MASK in core:
        raise EntryError("'*' may only start or end an entry (word*, *word, *word*)")
    kind = (
        Kind.ANYWHERE if starts and ends
        else Kind.PREFIX if ends
        else Kind.SUFFIX if starts
        else Kind.WHOLE
    )  # fmt: skip
    plain = " ".join(tokens(core))
    if not plain:
        raise EntryError(f"{raw!r} has no letters or digits to match")
    if len(plain) > 100:
        raise EntryError("entries are at most 100 characters")
    squashed = squash(plain)
    runs = tuple(squashed.run(i) for i in range(len(squashed.text)))
    return Entry(list_name, raw, file, line, kind, plain, squashed.text, runs)


MAX_SCAN_CHARS = 8192
"""What moderation reads of one message (linear cost; above every platform's maximum)."""


@dataclass(frozen=True, slots=True)
class Hit:
    """A stop word found in a message."""

    entry: Entry
    matched: str
    """The normalized text that matched."""


@dataclass(slots=True)
class Scan:
    """The result of scanning one message."""

    normalized: str
    hits: list[Hit]

    @property
    def flagged(self) -> bool:
        return bool(self.hits)


class Matcher:
    """All stop-word lists of a rule set, compiled once; :meth:`scan` is the hot path."""

    def __init__(self, entries: Iterable[Entry], allow: Iterable[Entry] = ()) -> None:
        self.entries = list(entries)
        self._automaton = _build([e for e in self.entries if e.kind is not Kind.REGEX])
        self._regexes = [e for e in self.entries if e.kind is Kind.REGEX]
        self._allow = list(allow)
        self._allow_automaton = _build([e for e in self._allow if e.kind is not Kind.REGEX])
        # For masked words (f*ck): every one-word entry, by the length of its normalized form.
        self._by_length: dict[int, list[Entry]] = {}
        for entry in self.entries:
            if entry.kind is not Kind.REGEX and " " not in entry.plain:
                self._by_length.setdefault(len(entry.plain), []).append(entry)

    def scan(self, text: str, lists: Sequence[str] | None = None) -> Scan:
        """Every stop word in ``text`` (limited to ``lists`` when given), allow lists applied.

        The first ``MAX_SCAN_CHARS`` characters are read: more than any platform allows in one
        message (Telegram 4,096, Discord 4,000), so only the console could send longer ones.
        """
        words = tokens(text[:MAX_SCAN_CHARS])
        normalized = " " + " ".join(words) + " "
        squashed = squash(normalized)
        hits: list[Hit] = []
        seen: set[int] = set()
        if self._automaton is not None:
            for end, candidates in self._automaton.iter(squashed.text):
                for entry in candidates:
                    if id(entry) in seen or (lists is not None and entry.list not in lists):
                        continue
                    start = end - len(entry.key) + 1
                    if _fits(entry, squashed, start, end) and not self._allowed(
                        entry.list, squashed, start, end
                    ):
                        seen.add(id(entry))
                        hits.append(Hit(entry, _unsquash(squashed, start, end)))
        if MASK in normalized:
            for word in words:
                if MASK in word:
                    hits.extend(self._masked(word, lists, seen))
        if self._regexes:
            folded = light_fold(text)
            for entry in self._regexes:
                if lists is not None and entry.list not in lists:
                    continue
                found = _search(entry, folded)
                if found:
                    hits.append(Hit(entry, found))
        return Scan(normalized.strip(), hits)

    def _allowed(self, list_name: str, squashed: Squashed, start: int, end: int) -> bool:
        """An allow entry that matches in the same word(s) as the hit and overlaps it wins."""
        if self._allow_automaton is None:
            return False
        text = squashed.text
        word_start = text.rfind(" ", 0, start)
        word_end = text.find(" ", end + 1)
        for allow_end, candidates in self._allow_automaton.iter(text, word_start, word_end + 1):
            for allow in candidates:
                if allow.list != list_name:
                    continue
                allow_start = allow_end - len(allow.key) + 1
                if (
                    allow_start <= end
                    and start <= allow_end
                    and _fits(allow, squashed, allow_start, allow_end)
                ):
                    return True
        return False

    def _masked(self, word: str, lists: Sequence[str] | None, seen: set[int]) -> list[Hit]:
        """``f*ck``, ``m*therf*cker``, ``ид*от``: each ``*`` hides one letter, for every entry
        form: a whole-word entry covers the word, a prefix entry its start, a suffix entry its
        end, an anywhere entry any part of it (the part must hold a ``*``: unmasked parts were
        matched already). The allow list applies to the word with its masks filled in."""
        found = []
        size = len(word)
        for length, entries in self._by_length.items():
            if length > size or length < 2:
                continue
            for entry in entries:
                if id(entry) in seen or (lists is not None and entry.list not in lists):
                    continue
                kind = entry.kind
                if kind is Kind.WHOLE:
                    starts = [0] if length == size else []
                elif kind is Kind.PREFIX:
                    starts = [0]
                elif kind is Kind.SUFFIX:
                    starts = [size - length]
                else:
                    starts = list(range(size - length + 1))
                for start in starts:
                    part = word[start : start + length]
                    if MASK in part and _mask_pattern(part).fullmatch(entry.plain):
                        filled = word[:start] + entry.plain + word[start + length :]
                        if not self._allowed_word(entry.list, filled.replace(MASK, "?")):
                            seen.add(id(entry))
                            found.append(Hit(entry, word))
                        break
        return found

    def _allowed_word(self, list_name: str, word: str) -> bool:
        """An allow entry matches the word (for masked words, with the masks filled in)."""
        if self._allow_automaton is None:
            return False
        squashed = squash(f" {word} ")
        for end, candidates in self._allow_automaton.iter(squashed.text):
            for allow in candidates:
                start = end - len(allow.key) + 1
                if allow.list == list_name and _fits(allow, squashed, start, end):
                    return True
        return False


def _build(entries: Sequence[Entry]) -> ahocorasick.Automaton | None:
    if not entries:
        return None
    automaton = ahocorasick.Automaton()
    grouped: dict[str, list[Entry]] = {}
    for entry in entries:
        grouped.setdefault(entry.key, []).append(entry)
    for key, group in grouped.items():
        automaton.add_word(key, tuple(group))
    automaton.make_automaton()
    return automaton


def _fits(entry: Entry, squashed: Squashed, start: int, end: int) -> bool:
    text = squashed.text
    if entry.kind in (Kind.WHOLE, Kind.PREFIX) and text[start - 1] != " ":
        return False
    if entry.kind in (Kind.WHOLE, Kind.SUFFIX) and text[end + 1] != " ":
        return False
    runs = squashed.runs
    if not runs:
        return all(run == 1 for run in entry.runs)
    last = len(entry.runs) - 1
    open_end = entry.kind in (Kind.PREFIX, Kind.ANYWHERE)
    open_start = entry.kind in (Kind.SUFFIX, Kind.ANYWHERE)
    for offset, wanted in enumerate(entry.runs):
        got = runs.get(start + offset, 1)
        if got == wanted or (got >= 3 and got > wanted):
            continue  # three or more is deliberate stretching
        if got > wanted and ((offset == last and open_end) or (offset == 0 and open_start)):
            continue  # "ебан*" in "ебанный": the second н belongs to the rest of the word
        # A double letter stands in for a single one only where words rarely double it,
        # so "fuuck" matches "fuck" but "meeting" never matches "meting".
        if not (got == 2 and wanted == 1 and text[start + offset] in RARELY_DOUBLED):
            return False
    return True


def _unsquash(squashed: Squashed, start: int, end: int) -> str:
    return "".join(squashed.text[i] * squashed.run(i) for i in range(start, end + 1))


@lru_cache(maxsize=1024)
def _mask_pattern(part: str) -> re.Pattern[str]:
    return re.compile("".join("." if c == MASK else re.escape(c) for c in part))


def _search(entry: Entry, text: str) -> str | None:
    assert entry.pattern is not None
    match = entry.pattern.search(text)
    return str(match.group(0)) if match else None
