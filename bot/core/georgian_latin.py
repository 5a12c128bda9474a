"""Georgian written in Latin letters ("rogor aghvadgino paroli?"), as members type it on phones
and keyboards without the Georgian layout: telling it from English, and reading it back in
Georgian letters so the FAQ can match it against Georgian phrasings.

Detection is deliberately cautious: a message is Georgian only when it has Georgian function
words and no English ones, so an English question is never rewritten.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Georgian words as chat writes them: question words, copulas, pronouns, common verbs and
# greetings. One strong word is enough (a long one also as the start of a word:
# gushin-deli); the short ones, which other languages share ("ara", "sad", "ver"), count only
# in twos, as do words with endings English hardly has (-shi, -ebi, -eba).
STRONG = _words(
    "rogor ratom rodis romeli ramdeni ramden xom aris minda gvinda gaqvt gaqvs maqvs aqvs "
    "shemidzlia shegidzliat sheidzleba sheidzleboda gamarjoba gagimarjos madloba gmadlobt "
    "kargi cudi xalxo bichebo gogoebo magram ukve exla axla dghes xval gushin chemi sheni "
    "tqveni chveni unda isev kidev vici sadaa xart vart arian ragaca vigaca sadme rodesme "
    "aravin arafer tqven chven ravi"
)
WEAK = _words(
    "ra vin ara ar ari am rom jer aq iq es egre ase ver ici icit ras visi sad var xar shen "
    "rato vqna vqnat"
)
# English words that never occur in Georgian chat; one of them and the message stays English.
ENGLISH = _words(
    "the a an is are was were do does did how what why when where who which can could would "
    "should will i you my your me we our it its this that these those to of and or in on at "
    "for with from by be been have has not no yes get got there here please thanks hi hello "
    "there's it's i'm don't can't"
)
_STRONG_STEMS = frozenset(word for word in STRONG if len(word) >= 6)
_ENDING = re.compile(r"^[a-z]{3,}(?:shi|ebi|eba|ebs|ebze|ebshi)$")
_WORD = re.compile(r"[a-z']+")
_TWO = {"sh": "შ", "ch": "ჩ", "ts": "ც", "dz": "ძ", "zh": "ჟ", "gh": "ღ", "kh": "ხ"}
# One letter each: the keyboard's where chat follows it (q ქ, w წ, x ხ, y ყ, c ც, 3 ძ), the
# plain consonants for t, k, p (ტ, კ, პ; თ, ქ, ფ are written th, q, f or the same letter).
_ONE = dict(zip("abgdevzticklmnoprsufqwxyjh3", "აბგდევზტიცკლმნოპრსუფქწხყჯჰძ", strict=True))


def looks_georgian(text: str) -> bool:
    """Latin-letter text that reads as Georgian: a Georgian function word, no English one."""
    if not text.isascii():
        return False
    words = _WORD.findall(text.lower())
    if not words or any(word in ENGLISH for word in words):
        return False
    if any(word in STRONG or word[:6] in _STRONG_STEMS for word in words):
        return True
    return sum(word in WEAK or _ENDING.match(word) is not None for word in words) >= 2


def to_mkhedruli(text: str) -> str:
    """Latin letters read as Georgian (digraphs first); anything else unchanged."""
    lower, out, i = text.lower(), [], 0
    while i < len(lower):
        pair = lower[i : i + 2]
        if pair in _TWO:
            out.append(_TWO[pair])
            i += 2
            continue
        out.append(_ONE.get(lower[i], text[i]))
        i += 1
    return "".join(out)
