"""Text handling for FAQ matching: normalization, word stems, and "does this look like a question".

Works on any script: English and Russian words are stemmed (Snowball), words of other scripts are
kept as they are, so matching degrades to exact words and character n-grams instead of breaking.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

import snowballstemmer  # type: ignore[import-untyped]

from cogs.faq import cues

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-z]")
_URL = re.compile(r"https?://\S+|<[@#!&][^>]*>|@\w+")

# Scripts written without spaces between words (CJK, Thai, ...): one "word" can be a sentence.
_UNSPACED = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_EN_STEMMER = snowballstemmer.stemmer("english")
_RU_STEMMER = snowballstemmer.stemmer("russian")

# Function words that carry no topic. Kept short on purpose: "not", "can", "why" and the like stay,
# they change what is asked.
STOPWORDS = frozenset(
    """
    a an the i me my mine we us our you your yours he him his she her it its they them their
    this that these those is am are was were be been being do does did done have has had having
    will would shall should may might must of to in on at by for from with about as into onto
    over under up down out off so too very just also and or but if then than there here some any
    please hi hello hey guys thanks thank pls plz ok okay u ur im i'm it's i've what's there's
    что это как ли а и в во на к ко с со у о об от до по за из для же бы то та те тот эта этот
    эти мне меня мой моя мои моё я ты вы мы он она они его её их нам вам вас нас им ну вот уже
    ещё еще тут там здесь очень просто пожалуйста привет спасибо ребята всем кто-нибудь
    """.split()  # noqa: SIM905
)

_QUESTION_STARTS = frozenset(
    """
    how what why where when who whom whose which can could would will should shall is are am do
    does did have has may might must any anyone anybody somebody someone whats wheres hows whos
    isnt arent dont doesnt cant cannot wont как что почему зачем где когда кто какой какая какое
    какие каким куда откуда сколько чей чья можно нельзя ли есть подскажите подскажи скажите
    скажи объясните помогите помоги кто-нибудь дайте дай покажите покажи расскажите расскажи
    give show tell explain
    რა როგორ სად როდის რატომ ვინ რომელი რომელ რამდენი საიდან სადამდე ხომ განა ნუთუ
    შეიძლება შემიძლია შეგიძლიათ შეგიძლია მითხარით მითხარი მიკარნახეთ ამიხსენით დამეხმარეთ
    rogor ratom rodis romeli ramdeni saidan sheidzleba
    """.split()  # noqa: SIM905
)
# Question words that make a question later in a sentence when a verb of asking follows them
# ("i see one channel, how do i ...", "not sure where to find it"), not in "that's how it goes".
_INTERROGATIVES = frozenset("how why where what".split())  # noqa: SIM905
_ASKING_VERBS = frozenset("do does did can could should would will is are to".split())  # noqa: SIM905
# Russian ones ask when an infinitive follows (", как об этом сообщить"), not in "я знаю, где это".
_RU_INTERROGATIVES = frozenset("как где куда откуда когда почему зачем".split())  # noqa: SIM905
_INFINITIVE_ENDINGS = ("ть", "ться", "ти", "чь")
# Words a question may follow and still "start" ("hi, is there...", "so how do i...", "а где...").
_LEAD_INS = frozenset(
    """
    hi hey hello yo so and also but ok okay guys folks pls please sorry btw um hmm quick
    привет а и но так ну ребята народ слушайте извините кстати всем
    გამარჯობა სალამი ბიჭებო ხალხო მეგობრებო და ანუ ბოდიში აბა
    """.split()  # noqa: SIM905
)
# Words that make a statement a request for help ("i forgot my password", "не могу войти").
_HELP_WORDS = frozenset(
    """
    help cant cannot can't couldn't unable stuck lost forgot broken error problem issue wrong
    trouble fails failed doesn't doesnt won't wont not need want wondering tell explain
    помогите помощь помочь нельзя забыл забыла потерял потеряла ошибка проблема сломалось хочу
    нужно надо подскажите вылетает
    დახმარება დამეხმარეთ მიშველეთ პრობლემა შეცდომა დამავიწყდა დავკარგე მჭირდება
    """.split()  # noqa: SIM905
)

_HELP_PHRASES = ("не могу", "не работает", "не получается", "не приходит", "how to",
                 "не открывается", "не загружается", "не запускается", "not working",
                 "არ მუშაობს", "არ იხსნება", "არ მოდის", "ვერ ვპოულობ", "ვერ ვიპოვე",
                 "ვერ შევდივარ", "ვერ შევედი", "ar mushaobs")  # fmt: skip
# Word beginnings of a problem report ("the app keeps crashing", "игра вылетает"): a member
# describing a problem is asking for help even without a question mark.
_PROBLEM_PREFIXES = (
    "crash", "freez", "froze", "glitch", "bug", "error", "fail", "broke", "stuck", "lag",
    "закрыва", "краш", "вылет", "завис", "тормоз", "глюч", "ошибк", "слома", "баг",
    "შეცდომ", "გაიჭედ", "გათიშ",
)  # fmt: skip


def fold(text: str) -> str:
    """Compatibility-normalized, case-folded text without accents; ё is е."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c) or c == "\u0306")
    return unicodedata.normalize("NFC", kept)


def words(text: str) -> list[str]:
    """The folded words of ``text``, without links and mentions."""
    return [w.replace("’", "'") for w in _WORD.findall(fold(_URL.sub(" ", text)))]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball stem for English and Russian words; other words unchanged."""
    if _CYRILLIC.search(word):
        return str(_RU_STEMMER.stemWord(word))
    if _LATIN.search(word):
        return str(_EN_STEMMER.stemWord(word.replace("'", "")))
    return word


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry the topic (function words dropped unless nothing is left)."""
    all_words = words(text)
    kept = [w for w in all_words if w not in STOPWORDS] or all_words
    return [stem(w) for w in kept]


def looks_like_question(text: str) -> bool:
    """A question or a request for help, not chat: "?", a question word first, or a help phrase."""
    stripped = text.strip()
    if not stripped or stripped.startswith(("/", "!")):
        return False
    found = words(stripped)
    if len(found) < 2 and not (found and _UNSPACED.search(found[0]) and len(found[0]) >= 4):
        return False  # "question?", "ok?": too little to match on
    if "?" in stripped or "？" in stripped:
        return True
    bare = [w.split("'")[0] for w in found]
    start = 0
    while start < len(bare) - 1 and bare[start] in _LEAD_INS:
        start += 1
    if bare[start] in _QUESTION_STARTS:
        return True
    if bare[-1] in _INTERROGATIVES:
        return True  # "..., how" / "..., why"
    if any(
        word in _INTERROGATIVES and following in _ASKING_VERBS
        for word, following in itertools.pairwise(bare)
    ):
        return True
    for n, word in enumerate(bare[:-1]):
        if word in _RU_INTERROGATIVES and any(
            w.endswith(_INFINITIVE_ENDINGS) for w in bare[n + 1 :]
        ):
            return True
    joined = " ".join(found)
    if not _HELP_WORDS.isdisjoint(found) or any(p in joined for p in _HELP_PHRASES):
        return True
    if any(word.startswith(_PROBLEM_PREFIXES) for word in found):
        return True
    return cues.asks(" ".join(stripped.casefold().split()))
