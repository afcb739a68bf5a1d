"""A heuristic that flags likely commercial offers for the moderation queue.

Mutual aid is free: prices, currency amounts, phone numbers, links and e-mail
addresses in a post, or words such as "tarif", "devis", "rates", "per hour", are
signs of a business advertising. The heuristic only *flags*: a moderator reads the
post and decides. It errs on the side of flagging; it never hides anything itself.
"""

import re
import unicodedata

__all__ = ["signals"]

_CURRENCY = r"(?:€|eur\b|euros?\b|\$|£|usd\b|gbp\b|dollars?\b|pounds?\b)"
_AMOUNT = r"\d+(?:[.,]\d{1,2})?"

_PATTERNS: dict[str, re.Pattern[str]] = {
    # "15 €", "15€/h", "20 euros", "10 EUR", "$10", "£ 8.50"
    "price": re.compile(
        rf"{_AMOUNT}\s*{_CURRENCY}|(?:€|\$|£)\s*{_AMOUNT}|€\s*/\s*h\b", re.IGNORECASE
    ),
    # 06 12 34 56 78, 06.12.34.56.78, 0612345678, +33 6 12 34 56 78, +44 20 7946 0958
    "phone": re.compile(
        r"(?<![\d+])(?:(?:\+33\s?|0033\s?|0)[1-9](?:[\s.-]?\d{2}){4}"
        r"|\+\d{1,3}(?:[\s.-]?\d){7,12})(?!\d)"
    ),
    "email": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE),
    "link": re.compile(
        r"\bhttps?://|\bwww\.|\b[a-z0-9-]{2,}\.(?:com|fr|net|org|io|eu|shop|biz|co|info)\b",
        re.IGNORECASE,
    ),
    # Matched on the text without accents: "tarif", "paiement", "rémunéré"...
    "words": re.compile(
        r"\b(?:tarifs?|devis|prix|paiements?|payants?|remuneres?|remuneration|facture"
        r"|rates|quotes?|pricing|prices?|per hour|hourly|de l'heure|par heure)\b",
        re.IGNORECASE,
    ),
}


def _without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def signals(*texts: str) -> list[str]:
    """The kinds of commercial signs found in the texts (``price``, ``phone``, ``email``,
    ``link``, ``words``), in that order; empty when none. No promise beyond a hint."""
    text = "\n".join(texts)
    plain = _without_accents(text)
    found = []
    for name, pattern in _PATTERNS.items():
        if pattern.search(plain if name == "words" else text):
            found.append(name)
    return found
