"""Text normalization that undoes the usual evasions before stop words are matched.

Applied identically to stop words and to messages:

1. Unicode folding (only for non-ASCII text): NFKC (fullwidth, math letters, ligatures), invisible
   characters removed (zero-width, bidi controls, soft hyphen, fillers), accents and zalgo removed
   (NFD without combining marks), case folded.
2. Markup glued inside words removed (``fu**ck**``, ``||word||``, ``~~w~~``, ``sh_it``, backticks);
   letters spaced out by separators joined (``f u c k``, ``i.d.i.o.t``, ``f-u-c-k``).
3. Leetspeak in tokens that mix letters with digits or symbols (``1d10t``, ``$h1t``, ``@ss``); a
   ``*`` left inside a word is a masked letter (``f*ck``) and handled by the matcher.
4. Look-alike letters: only tokens that **mix** Latin with Cyrillic or Greek are repaired, toward
   the script that makes the token single-script (else the majority), so Russian words are never
   rewritten into English ones. A Cyrillic token that uses non-Russian look-alikes (і ј ѕ ԁ һ …) is
   read as Latin.

The result is a list of tokens; :func:`squash` then folds repeated letters for matching.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Characters that render as nothing: removed everywhere (Cf is handled by category below).
_INVISIBLE_EXTRA = {0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x034F, 0x180E}

# Cyrillic/Greek -> Latin look-alikes (lower case, after casefold).
TO_LATIN = {
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "һ": "h", "ӏ": "l",
    "ԛ": "q", "ԝ": "w", "ү": "y", "ѵ": "v", "ɡ": "g",
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "ϲ": "c", "ј̇": "j",
}  # fmt: skip
# Latin -> Cyrillic look-alikes, for repairing mostly-Cyrillic tokens.
TO_CYRILLIC = {
    "a": "а", "b": "в", "e": "е", "k": "к", "m": "м", "h": "н", "o": "о", "p": "р", "c": "с",
    "t": "т", "y": "у", "x": "х", "u": "и", "n": "п", "r": "г", "3": "з",
}  # fmt: skip
# Non-Russian Cyrillic letters and the Russian letters they stand in for.
CYRILLIC_VARIANTS = {"і": "и", "ѕ": "с", "ԁ": "д", "ӏ": "л", "һ": "н", "ү": "у", "ј": "й"}
# Cyrillic letters that Russian does not use but look Latin: a token with one is an evasion.
_NON_RUSSIAN_LOOKALIKES = frozenset("іјѕԁһӏԛԝүѵ")

LEET_LATIN = {
    "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
    "@": "a", "$": "s", "!": "i", "|": "i", "+": "t", "€": "e",
}  # fmt: skip
LEET_CYRILLIC = {"0": "о", "3": "з", "4": "ч", "6": "б", "@": "а", "$": "с"}

MASK = "*"

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Paired markup around part of a word: **x**, __x__, *x*, ~~x~~, ||x||, `x`.
_PAIRED = re.compile(r"(\*\*|__|~~|\|\||\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_GLUE = re.compile(r"(?<=[^\W_])[_~`|]+(?=[^\W_])")
# Three or more single letters/digits separated by 1-3 separator characters: f u c k, i.d.i.o.t
_SPACED = re.compile(
    r"(?<![^\W_])[^\W_](?:[\s.\-*_~|`',:;/\\+]{1,3}[^\W_](?![^\W_])){2,}(?![^\W_])"
)
_SEPARATORS = re.compile(r"[\s.\-*_~|`',:;/\\+]+")
_TOKEN = re.compile(r"[\w@$€|!+*]+")
_EDGE = "!|+*_"
_HAS_DIGIT_OR_SYMBOL = re.compile(r"[\d@$€|!+]")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_REPEAT = re.compile(r"(.)\1+")


def fold_unicode(text: str) -> str:
    """NFKC, drop invisibles and combining marks, case fold. ASCII text is only lowered."""
    if not _NON_ASCII.search(text):
        return text.lower()
    text = unicodedata.normalize("NFKC", text)
    text = unicodedata.normalize("NFD", text)
    kept = []
    for char in text:
        code = ord(char)
        if code < 0x80:
            kept.append(char)
            continue
        category = unicodedata.category(char)
        if category in ("Mn", "Me", "Cf") or code in _INVISIBLE_EXTRA:
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept)).casefold()


def strip_markup(text: str) -> str:
    """Remove markdown/spoiler markup glued to words, keep the words."""
    previous = None
    while previous != text:
        previous = text
        text = _PAIRED.sub(r"\2", text)
    return _GLUE.sub("", text)


def join_spaced(text: str) -> str:
    """``f u c k`` -> ``fuck``; ``i.d.i.o.t`` -> ``idiot``."""
    return _SPACED.sub(lambda m: _SEPARATORS.sub("", m.group(0)), text)


def _script_counts(token: str) -> tuple[int, int, int]:
    latin = cyrillic = greek = 0
    for char in token:
        if "a" <= char <= "z":
            latin += 1
        elif "\u0400" <= char <= "\u052f":
            cyrillic += 1
        elif "\u0370" <= char <= "\u03ff":
            greek += 1
    return latin, cyrillic, greek


def repair_scripts(token: str) -> str:
    """Repair a token that mixes scripts (or uses non-Russian Cyrillic look-alikes)."""
    latin, cyrillic, greek = _script_counts(token)
    foreign = cyrillic + greek
    if not foreign:
        return token
    if not latin:
        # Single-script Cyrillic/Greek: only an evasion if it uses letters Russian does not have
        # (or is Greek posing as Latin) and every letter has a Latin look-alike.
        if greek or any(c in _NON_RUSSIAN_LOOKALIKES for c in token):
            converted = "".join(TO_LATIN.get(c, c) for c in token)
            if _script_counts(converted)[1:] == (0, 0):
                return converted
            # A Cyrillic word using Ukrainian/other look-alikes: read it in Russian letters.
            return "".join(CYRILLIC_VARIANTS.get(c, c) for c in token)
        return token
    to_latin = "".join(TO_LATIN.get(c, c) for c in token)
    latin_ok = _script_counts(to_latin)[1:] == (0, 0)
    to_cyrillic = "".join(TO_CYRILLIC.get(c, c) for c in token) if not greek else token
    cyrillic_ok = _script_counts(to_cyrillic)[0] == 0 and not greek
    if latin_ok and not cyrillic_ok:
        return to_latin
    if cyrillic_ok and not latin_ok:
        return to_cyrillic
    return to_latin if latin >= cyrillic else to_cyrillic


def deleet(token: str) -> str:
    """Undo leetspeak in a token that mixes letters with digits or symbols."""
    if not (_HAS_LETTER.search(token) and _HAS_DIGIT_OR_SYMBOL.search(token)):
        return token
    latin, cyrillic, _ = _script_counts(token)
    table = LEET_CYRILLIC if cyrillic > latin else LEET_LATIN
    return "".join(table.get(c, c) for c in token)


def tokens(text: str) -> list[str]:
    """Normalized tokens of a message or a stop word (see the module docstring)."""
    text = fold_unicode(text)
    if any(c in text for c in "*_~`|"):
        text = strip_markup(text)
    text = join_spaced(text)
    out = []
    for raw in _TOKEN.findall(text):
        token = raw.strip(_EDGE)
        if not token:
            continue
        token = deleet(token)
        token = repair_scripts(token)
        token = token.replace("_", "")
        if MASK in token and sum(1 for c in token if c != MASK) < 2:
            continue  # "****" or "f***": too little left to say which word it hides
        out.append(token)
    return out


@dataclass(frozen=True, slots=True)
class Squashed:
    """Text with runs of a repeated character folded to one, and the run lengths kept."""

    text: str
    runs: dict[int, int]
    """Position in ``text`` -> run length, only for runs longer than one."""

    def run(self, index: int) -> int:
        return self.runs.get(index, 1)


def squash(text: str) -> Squashed:
    """``fuuuck`` -> ``fuck`` with the run of ``u`` (3) remembered at its position."""
    runs: dict[int, int] = {}
    parts: list[str] = []
    last = 0
    removed = 0
    for match in _REPEAT.finditer(text):
        start, end = match.span()
        parts.append(text[last : start + 1])
        runs[start - removed] = end - start
        removed += end - start - 1
        last = end
    if not runs:
        return Squashed(text, runs)
    parts.append(text[last:])
    return Squashed("".join(parts), runs)


def normalized_text(text: str) -> str:
    """Tokens joined by single spaces, with a space at each end (word boundaries)."""
    return " " + " ".join(tokens(text)) + " "


def light_fold(text: str) -> str:
    """What ``re:`` patterns see: Unicode folded and case folded, punctuation kept."""
    return fold_unicode(text)
