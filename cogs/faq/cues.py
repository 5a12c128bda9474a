"""Cues that a message asks for something, in the languages communities write in.

Kept apart from the English/Russian grammar in ``language.py``: each line is one language's
question words, polite requests, wanting and needing, imperative verbs a member addresses to
the bot, and problem reports. They are matched on the case-folded text with its accents (so
Spanish "qué" is a question and "que" is not). A cue only lets a message reach the matcher:
the FAQ still answers only when an entry matches it with confidence.
"""

from __future__ import annotations

import re

# A question word or asking verb that opens the message (after a greeting).
_QUESTION_WORDS = [
    # Spanish, Portuguese, Italian, French, German, Ukrainian, Georgian
    "cómo", "qué", "por qué", "porqué", "cuándo", "dónde", "cuál", "cuáles", "cuánto", "cuánta",
    "cuántos", "quién", "puedo", "se puede", "hay alguna", "alguien sabe",
    "quando", "onde", "qual", "quanto", "quem", "posso", "pode", "por que", "alguém",
    "perché", "dove", "quale", "quanto", "chi", "qualcuno",
    "comment", "pourquoi", "quand", "où", "quel", "quelle", "combien", "est-ce", "puis-je",
    "peut-on", "quelqu'un",
    "wie", "warum", "wann", "wo", "welche", "welcher", "wer", "kann", "können", "gibt es",
    "weiß jemand",
    "як", "чому", "де", "коли", "скільки", "хто", "чи",
    "როგორ", "რატომ", "სად", "როდის", "რა", "ვინ", "შეიძლება", "რამდენი",
]  # fmt: skip

# Asking politely or saying what one wants or needs, anywhere in the message.
_REQUESTS = [
    "please", "pls", "plz", "i want", "i need", "i'd like", "i would like", "can you",
    "could you", "is it possible",
    "пожалуйста", "пж", "плиз", "можете", "можно ли", "нужна", "нужен", "нужны",
    "por favor", "quiero", "quisiera", "necesito", "me gustaría", "podrían", "pueden",
    "quero", "preciso", "gostaria",
    "per favore", "vorrei", "voglio", "ho bisogno",
    "s'il vous plaît", "s'il te plaît", "je veux", "je voudrais", "j'ai besoin",
    "bitte", "ich möchte", "ich brauche", "ich will",
    "будь ласка", "потрібно", "треба",
    "გთხოვთ", "გთხოვ", "მინდა", "მჭირდება",
]  # fmt: skip

# A message that starts with one of these verbs is an instruction to the bot or the team
# ("cancel my subscription", "raise my credit limit").
_IMPERATIVES = [
    "raise", "increase", "lower", "set", "make", "send", "cancel", "close", "freeze", "unfreeze",
    "lock", "unlock", "block", "unblock", "order", "change", "reset", "update", "delete",
    "remove", "add", "open", "transfer", "pay", "refund", "activate", "deactivate", "upgrade",
    "downgrade", "stop", "enable", "disable", "verify", "fix", "export", "download", "restore",
    "recover", "replace", "renew", "unsubscribe", "subscribe",
    "заблокируйте", "разблокируйте", "заморозьте", "разморозьте", "удалите", "отмените",
    "закройте", "пришлите", "отправьте", "поменяйте", "смените", "сбросьте", "верните",
    "пополните", "переведите", "включите", "отключите", "восстановите", "оформите",
    "cambiar", "cancelar", "cerrar", "bloquear", "desbloquear", "recuperar", "eliminar",
    "cancela", "cancelen", "cierra", "cierren", "bloquea", "bloqueen", "envía", "envíen",
    "cambia", "cambien", "elimina", "borra", "devuelvan", "activa", "desactiva",
    "cancele", "feche", "bloqueie", "envie", "mude", "apague", "ative",
    "annulez", "fermez", "bloquez", "envoyez", "changez", "supprimez", "remboursez",
    "kündigen", "sperren", "entsperren", "schicken", "ändern", "löschen",
    "скасуйте", "заблокуйте", "видаліть", "надішліть", "змініть",
]  # fmt: skip

# A problem being reported ("my card got declined", "no me llega el código").
_PROBLEMS = [
    "declin", "refus", "reject", "bounc", "not arriv", "hasn't arrived", "never arriv",
    "didn't arrive", "didn't receive", "not receiv", "not getting", "doesn't work",
    "still waiting", "pending", "don't remember", "can't remember",
    "does not work", "isn't working", "keeps crashing", "charged twice", "was charged",
    "не приходит", "не пришл", "не пришёл", "не пришел", "не проходит", "списал",
    "не работает", "отклон", "заблокир", "списали", "не могу", "не получается",
    "no funciona", "olvid", "pendiente", "no me llega", "no llega", "no puedo", "rechaz",
    "bloquead", "falló",
    "se cierra", "no carga",
    "não funciona", "não chega", "não consigo", "recusad", "bloquead",
    "non funziona", "non riesco", "bloccat", "rifiutat",
    "ne marche pas", "ne fonctionne pas", "n'arrive pas", "je n'arrive", "bloqué", "refusé",
    "funktioniert nicht", "geht nicht", "kommt nicht", "abgelehnt", "gesperrt",
    "не працює", "не приходить", "не можу",
    "არ მუშაობს", "ვერ ",
]  # fmt: skip


def _alternation(items: list[str]) -> str:
    return "|".join(re.escape(item) for item in sorted(set(items), key=len, reverse=True))


_LEAD = r"(?:(?:hi|hey|hello|hola|oi|ciao|salut|bonjour|hallo|привет|привіт|გამარჯობა)[\s,!.:]+)?"
_OPENS_WITH_QUESTION = re.compile(rf"^{_LEAD}(?:{_alternation(_QUESTION_WORDS)})(?![\w'-])")
_OPENS_WITH_IMPERATIVE = re.compile(rf"^{_LEAD}(?:{_alternation(_IMPERATIVES)})(?![\w'-])")
_REQUEST = re.compile(rf"(?<![\w'-])(?:{_alternation(_REQUESTS)})(?![\w'-])")
_PROBLEM = re.compile(rf"(?<![\w'-])(?:{_alternation(_PROBLEMS)})")


def asks(text: str) -> bool:
    """Whether the case-folded ``text`` carries a question, request or problem-report cue."""
    return bool(
        _OPENS_WITH_QUESTION.search(text)
        or _OPENS_WITH_IMPERATIVE.search(text)
        or _REQUEST.search(text)
        or _PROBLEM.search(text)
    )
