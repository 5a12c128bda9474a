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

from bot.core.unicode import GEORGIAN
from cogs.moderation.georgian import in_cyrillic, national

# Combining marks of Latin, Greek and Cyrillic (accents, zalgo, the breve of й) and characters
# that render as nothing (zero-width, bidi controls, soft hyphen, fillers, tag characters).
# Marks of other scripts are kept: they carry meaning there.
_INVISIBLE_OR_MARK = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\u2800\u3164\ufeff\uffa0\U000e0000-\U000e007f]"
)

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
LEET_CYRILLIC = {"0": "о", "1": "и", "3": "з", "4": "ч", "6": "б", "@": "а", "$": "с"}
# In a Georgian word ("ნაბიჭვ@რო", "ბ0ზი"): the symbols that look like its vowels and ს.
LEET_GEORGIAN = {"0": "ო", "1": "ი", "4": "ა", "@": "ა", "$": "ს", "5": "ს", "!": "ი", "|": "ი"}

MASK = "*"
RLO = "\u202e"
_OVERRIDE = re.compile("\u202e([^\u202c\n]*)\u202c?")

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Paired markup around part of a word: **x**, __x__, *x*, ~~x~~, ||x||, `x`.
_PAIRED = re.compile(r"(\*\*|__|~~|\|\||\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_GLUE = re.compile(r"(?<=[^\W_])[_~`|]+(?=[^\W_])")
# Three or more single letters/digits separated by 1-3 separator characters: f u c k, i.d.i.o.t
_SPACED = re.compile(
    r"(?<![^\W_])[^\W_](?:[\s.\-*_~|`',:;/\\+]{1,3}[^\W_](?![^\W_])){2,}(?![^\W_])"
)
_SPACED_HINT = re.compile(r"(?<![^\W_])[^\W_][\s.\-*_~|`',:;/\\+]{1,3}[^\W_](?![^\W_])")
_SEPARATORS = re.compile(r"[\s.\-*_~|`',:;/\\+]+")
# A word broken by punctuation without spaces: fu.ck, id-iot, st.u.p.i.d, sh'it
_COMPOUND = re.compile(r"[^\W_]+(?:[.\-~|`',:;/\\+]+[^\W_]+)+")
_TOKEN = re.compile(r"[\w@$€|!+*]+")
_CONTRACTION = re.compile(r"['’](re|s|ll|ve|d|t|m|n)\b")
_MASKED = re.compile(r"[^\W_]+(?:\*+[^\W_]+)+")
_EDGE = "!|+*_"
_HAS_DIGIT_OR_SYMBOL = re.compile(r"[\d@$€|!+]")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_SYMBOL_OR_DIGIT = re.compile(r"[\d@$€|!+*]")
_LATIN = re.compile(r"[a-z]")
_OTHER_SCRIPT = re.compile(r"[\u0370-\u052f]")
_CYRILLIC = re.compile(r"[\u0400-\u052f]")
_LOOKALIKE_ONLY = re.compile(r"[іјѕԁһӏԛԝүѵ\u0370-\u03ff]")
_COMPOUND_HINT = re.compile(r"[^\W_][.\-~|`',:;/\\+]+[^\W_]")
_REPEAT = re.compile(r"(.)\1+")


def fold_unicode(text: str) -> str:
    """NFKC, drop invisibles and combining marks, case fold. ASCII text is only lowered."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text))
    return unicodedata.normalize("NFC", _INVISIBLE_OR_MARK.sub("", text)).casefold()


def strip_markup(text: str) -> str:
    """Remove markdown/spoiler markup glued to words, keep the words."""
    previous = None
    while previous != text:
        previous = text
        text = _PAIRED.sub(r"\2", text)
    return _GLUE.sub("", text)


def join_spaced(text: str) -> str:
    """``f u c k`` -> ``fuck``; ``i.d.i.o.t`` -> ``idiot``.

    A one-letter word next to the run ("a", "и", "я") may have been swallowed by it, so the
    run without its first and/or last letter is added at the end of the text as well.
    """
    extras: list[str] = []

    def join(match: re.Match[str]) -> str:
        joined = _SEPARATORS.sub("", match.group(0))
        if len(joined) > 3:
            extras.extend((joined[1:], joined[:-1], joined[1:-1]))
        return joined

    if not _SPACED_HINT.search(text):
        return text
    text = _SPACED.sub(join, text)
    return text + " " + " ".join(extras) if extras else text


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
    georgian = len(GEORGIAN.findall(token))
    if georgian > latin + cyrillic:
        table = LEET_GEORGIAN
    else:
        table = LEET_CYRILLIC if cyrillic > latin else LEET_LATIN
    return "".join(table.get(c, c) for c in token)


def undo_overrides(text: str) -> str:
    """Text between a right-to-left override (U+202E) and its end (U+202C, a line break or the
    end) is shown reversed: ``\u202etoidi\u202c`` displays as "idiot". Read it as shown."""
    return _OVERRIDE.sub(lambda m: m.group(1)[::-1], text)


def tokens(text: str) -> list[str]:
    """Normalized tokens of a message or a stop word (see the module docstring)."""
    if RLO in text:
        text = undo_overrides(text)
    text = join_spaced(fold_unicode(text))
    masked: list[str] = []
    if any(c in text for c in "*_~`|"):
        # "m*therf*cker" reads as markdown italics around "therf": keep the masked word too.
        if MASK in text:
            masked = [m.group(0) for m in _MASKED.finditer(text) if m.group(0).count(MASK) > 1]
        text = strip_markup(text)
    if "'" in text:  # "who're", "it'll": a contraction is two words, never one ("whore")
        text = _CONTRACTION.sub(r" \1", text)
    # The pieces of a word broken by punctuation are kept, and the joined word added after them.
    raw = _TOKEN.findall(text) + masked
    if _COMPOUND_HINT.search(text):
        raw += [_SEPARATORS.sub("", m.group(0)) for m in _COMPOUND.finditer(text)]
    # Most messages need none of the per-token work below: check the whole text once.
    symbols = _SYMBOL_OR_DIGIT.search(text) is not None
    mixed = (
        not text.isascii()
        and _LATIN.search(text) is not None
        and (_OTHER_SCRIPT.search(text) is not None or GEORGIAN.search(text) is not None)
    ) or (GEORGIAN.search(text) is not None and _CYRILLIC.search(text) is not None)
    suspicious = not text.isascii() and _LOOKALIKE_ONLY.search(text) is not None
    if not (symbols or mixed or suspicious or "_" in text):
        return raw
    out = []
    for token in raw:
        if symbols:
            token = token.strip(_EDGE)
            if not token:
                continue
            token = deleet(token)
        if mixed and GEORGIAN.search(token) and _LATIN.search(token):
            token = national(token)  # "ყლe": Georgian letters read as Latin ones
        elif mixed and GEORGIAN.search(token) and _CYRILLIC.search(token):
            token = in_cyrillic(token)  # "ნაბიჭвარო": read in Russian letters
        if mixed or suspicious:
            token = repair_scripts(token)
        if "_" in token:
            token = token.replace("_", "")
        if MASK in token and sum(1 for c in token if c != MASK) < 2:
            continue  # "****" or "f***": too little left to say which word it hides
        if token:
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
