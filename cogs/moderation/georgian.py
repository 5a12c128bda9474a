"""Georgian stop words however members write them: Mkhedruli (ქართული), Mtavruli (folded to
Mkhedruli by case folding), or Latin letters — the national transliteration (``sh``, ``ch``,
``dz``, ``gh``, ``kh``, ``ts``) and the chat spellings that follow the Georgian keyboard
(``w`` for წ, ``q`` for ქ, ``x`` for ხ, ``3`` for ძ, ``S``/``C``/``Z``/``R``/``T``/``J`` for
შ/ჩ/ძ/ღ/თ/ჟ, which case folding makes ``s``/``c``/``z``/``r``/``t``/``j``).

Older members and Russian keyboards write Georgian in Russian letters (``набичвари``): each
entry also has a few of those spellings (the Russian practical transcription first).

Messages are never rewritten from Latin or Cyrillic into Georgian (ordinary words stay what
they are); instead each Georgian entry of a list also matches its other spellings, as whole
entries of the same kind. A token that mixes Georgian and Latin letters (``ყლe``) is read
with the Georgian letters in national transliteration, one mixing Georgian and Russian letters
in Russian ones, so it meets those spellings.
"""

from __future__ import annotations

import itertools

from bot.core.unicode import GEORGIAN

# Every letter's spellings, the national transliteration (without its apostrophes, which
# tokens drop) first, then the keyboard and chat ones.
SPELLINGS: dict[str, tuple[str, ...]] = {
    "ა": ("a",), "ბ": ("b",), "გ": ("g",), "დ": ("d",), "ე": ("e",), "ვ": ("v",),
    "ზ": ("z",), "თ": ("t", "th"), "ი": ("i",), "კ": ("k",), "ლ": ("l",), "მ": ("m",),
    "ნ": ("n",), "ო": ("o",), "პ": ("p",), "ჟ": ("zh", "j"), "რ": ("r",), "ს": ("s",),
    "ტ": ("t",), "უ": ("u",), "ფ": ("p", "f", "ph"), "ქ": ("k", "q", "kh"),
    "ღ": ("gh", "r", "g"), "ყ": ("q", "y"), "შ": ("sh", "s"), "ჩ": ("ch", "c"),
    "ც": ("ts", "c"), "ძ": ("dz", "z", "3"), "წ": ("ts", "w", "c"), "ჭ": ("ch", "w"),
    "ხ": ("kh", "x"), "ჯ": ("j", "dj"), "ჰ": ("h",),
}  # fmt: skip
NATIONAL = {letter: spellings[0] for letter, spellings in SPELLINGS.items()}
CYRILLIC: dict[str, tuple[str, ...]] = {
    "ა": ("а",), "ბ": ("б",), "გ": ("г",), "დ": ("д",), "ე": ("е", "э"), "ვ": ("в",),
    "ზ": ("з",), "თ": ("т",), "ი": ("и",), "კ": ("к",), "ლ": ("л",), "მ": ("м",),
    "ნ": ("н",), "ო": ("о",), "პ": ("п",), "ჟ": ("ж",), "რ": ("р",), "ს": ("с",),
    "ტ": ("т",), "უ": ("у",), "ფ": ("п", "ф"), "ქ": ("к",), "ღ": ("г", "гх"), "ყ": ("к", "х"),
    "შ": ("ш",), "ჩ": ("ч",), "ც": ("ц",), "ძ": ("дз", "з"), "წ": ("ц",), "ჭ": ("ч",),
    "ხ": ("х",), "ჯ": ("дж",), "ჰ": ("х",),
}  # fmt: skip
"""Georgian in Russian letters, as older members and Russian keyboards write it (the
Russian practical transcription first)."""
MOST_CYRILLIC = 8
CHAT = NATIONAL | {"ფ": "f", "ქ": "q", "ყ": "y", "ც": "c", "ძ": "z", "წ": "w", "ხ": "x", "ჟ": "j"}
"""One common chat spelling per letter (the keyboard's where it differs from the national)."""

MOST_SPELLINGS = 64
"""Latin spellings kept per entry (the national one first, then the commonest mixes)."""


MIN_STEM = 7
"""Letters a Georgian stem entry (``ნაბიჭვარ*``) needs to keep its Latin and Russian-letter
spellings as stems. A shorter stem is the start of ordinary words in other languages
(``boz*``: Bozeman; ``trak*``: traktori; ``кле*``: клей), so its spellings are whole words:
the stem with each common ending (``bozi``, ``bozebi``, ``bozze``, ``traki``)."""
MIN_RUSSIAN_STEM = 5
MOST_PER_FORM = 6
"""Latin spellings kept per generated form of a short stem (Russian-letter ones: 2)."""
# Endings that make the whole words of a short stem: a regular noun's paradigm as simplemma's
# lexicon gives it (კაცი after a consonant, ხე after a vowel, with its genitive ხ-ის written
# after ი for stems such as ყლი*), and the verb endings of the shipped verb stems (მოტყნ-ავს,
# ტყნავ-დნენ). Forms no one writes only cost an entry.
_NOUN = (
    "ი", "ო", "ს", "სა", "მა", "ის", "ისა", "ით", "ითა", "ითურთ", "ად", "ადა", "ზე", "ში",
    "თან", "იდან", "ივით", "ამდე", "ისთვის", "ისგან", "ისადმი", "ისებრ", "ისკენ", "თ",
    "თა", "ნი", "ნო", "ები", "ებო", "ებს", "ებსა", "ებმა", "ების", "ებისა", "ებით",
    "ებითა", "ებითურთ", "ებად", "ებადა", "ებზე", "ებში", "ებთან", "ებიდან", "ებივით",
    "ებამდე", "ებისთვის", "ებისგან", "ებისადმი", "ებისებრ", "ებისკენ",
)  # fmt: skip
_VERB = (
    "ა", "ავ", "ავა", "ავდა", "ავდე", "ავდეთ", "ავდეს", "ავდი", "ავდით", "ავდნენ", "ავენ",
    "ავთ", "ავს", "ათ", "ან", "ას", "ეს", "ვა", "და", "დე", "დეთ", "დეს", "დი", "დით",
    "დნენ", "ენ",
)  # fmt: skip
AFTER_CONSONANT = _NOUN + _VERB
AFTER_VOWEL = (
    "", "ს", "სა", "მ", "ო", "ვ", "დ", "და", "ზე", "ში", "სთან", "მდე", "სავით", "თ", "თა",
    "ნი", "ნო", "დან", "თურთ", "სადმი", "სგან", "სებრ", "სთვის", "სკენ", "ები", "ებო",
    "ებს", "ებსა", "ებმა", "ების", "ებისა", "ებით", "ებითა", "ებითურთ", "ებად", "ებადა",
    "ებზე", "ებში", "ებთან", "ებიდან", "ებივით", "ებამდე", "ებისთვის", "ებისგან",
    "ებისადმი", "ებისებრ", "ებისკენ",
)  # fmt: skip
_VOWELS = frozenset("აეიოუ")


def other_spellings(word: str, *, stem: bool) -> list[tuple[str, bool]]:
    """Each way to write ``word`` in Latin or Russian letters, and whether it stays a stem.
    A short stem gives whole words (its forms); a long one, stems."""
    if stem and len(word) < MIN_STEM:
        endings = AFTER_VOWEL if word[-1:] in _VOWELS else AFTER_CONSONANT
        forms = [word + ending for ending in endings]
        return [(spelling, False) for spelling in _few_spellings(forms, len(word))]
    return [(s, stem) for s in latin_spellings(word) + cyrillic_spellings(word)]


def declined(word: str) -> list[str]:
    """The other forms of a Georgian noun written as a whole-word entry in its dictionary
    form, so that ``სულელი`` also catches ``სულელო!`` and ``სულელებს``: a final ი is the
    nominative of a consonant stem, another final vowel belongs to the stem (ხე, ყლე)."""
    if len(word) < 3 or " " in word or word[-1] not in _VOWELS:
        return []
    stem, endings = (word[:-1], _NOUN) if word.endswith("ი") else (word, AFTER_VOWEL)
    return [stem + ending for ending in endings if stem + ending != word]


def form_spellings(forms: list[str]) -> list[str]:
    """A few Latin and Russian-letter spellings of each declined form, as whole words."""
    return _few_spellings(forms, min(map(len, forms), default=0))


def _few_spellings(forms: list[str], stem_length: int) -> list[str]:
    # Russian is full of short words: a stem under five letters gets no Russian-letter forms
    # (ყლემ would be клем, ყლი* клим).
    in_russian = 2 if stem_length >= MIN_RUSSIAN_STEM else 0
    found: dict[str, None] = {}
    for form in forms:
        for spelling in latin_spellings(form, MOST_PER_FORM) + cyrillic_spellings(
            form, in_russian
        ):
            found.setdefault(spelling, None)
    return list(found)


def has_georgian(text: str) -> bool:
    return GEORGIAN.search(text) is not None


def national(token: str) -> str:
    """Georgian letters in the national transliteration; other characters unchanged."""
    return "".join(NATIONAL.get(c, c) for c in token)


def in_cyrillic(token: str) -> str:
    """Georgian letters in their first Russian-letter spelling; other characters unchanged."""
    return "".join(CYRILLIC.get(c, (c,))[0] for c in token)


def chat_spelling(token: str) -> str:
    """Georgian letters as chat often writes them (``ra xdeba``, ``gamarjoba``)."""
    return "".join(CHAT.get(c, c) for c in token)


def latin_spellings(word: str, most: int = MOST_SPELLINGS) -> list[str]:
    """The Latin ways to write ``word`` (Georgian letters; spaces and Latin kept), without
    repeats, the national one first; at most ``most``. Each letter's first choices come
    before its rarer ones, so a long word keeps its likeliest spellings."""
    return _spellings(word, SPELLINGS, most)


def cyrillic_spellings(word: str, most: int = MOST_CYRILLIC) -> list[str]:
    """The Russian-letter ways to write ``word`` (``ნაბიჭვარი`` → ``набичвари``), the
    practical transcription first; at most ``most``."""
    return _spellings(word, CYRILLIC, most)


def _spellings(word: str, table: dict[str, tuple[str, ...]], most: int) -> list[str]:
    if most <= 0:
        return []
    choices = [table.get(c, (c,)) for c in word]
    found: dict[str, None] = {}
    # Rank by how many letters use a non-national spelling, fewest first.
    for changed in range(len(choices) + 1):
        for picks in _picks(choices, changed):
            found.setdefault("".join(picks), None)
            if len(found) >= most:
                return list(found)
    return list(found)


def _picks(choices: list[tuple[str, ...]], changed: int) -> itertools.chain[tuple[str, ...]]:
    """Every spelling with exactly ``changed`` letters not in their first (national) form."""
    ambiguous = [i for i, options in enumerate(choices) if len(options) > 1]

    def spellings() -> itertools.chain[tuple[str, ...]]:
        def at(positions: tuple[int, ...]) -> itertools.product[tuple[str, ...]]:
            pools = [
                options[1:] if i in positions else options[:1] for i, options in enumerate(choices)
            ]
            return itertools.product(*pools)

        return itertools.chain.from_iterable(
            at(positions) for positions in itertools.combinations(ambiguous, changed)
        )

    return spellings()
