"""How developers write, turned into search terms.

``PaymentIntent.create`` → payment intent create; ``subscriptions.del`` → subscriptions delete
cancel; ``payment_rail`` → payment rail; ``requires_active_kyc_status`` keeps the whole code too.
Plural and singular are left to FTS5's porter stemmer; typos are corrected against the index's
own vocabulary (:meth:`DocsIndex.correct`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

_WORDS_FILE = Path(__file__).with_name("words.yaml")


@lru_cache(maxsize=1)
def word_data() -> dict[str, dict[str, list[str]] | list[str]]:
    """``words.yaml``: stopwords, SDK verbs and developer synonyms (data, not code)."""
    data = yaml.safe_load(_WORDS_FILE.read_text())
    return data


def stopwords() -> frozenset[str]:
    return frozenset(str(word_data()["stopwords"]).split())


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[._/-][A-Za-z0-9]+)*|\d{3}")
_CODE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
#: A docs anchor or slug written in a question: ``#list-organization-repositories``, ``create-a-tree``
#: (three words or more, lower case: ``X-Webhook-Signature`` is a header, not a slug).
_SLUG = re.compile(r"(?<![A-Za-z0-9])[a-z]+(?:-[a-z]+){2,}(?![A-Za-z0-9])")


def split_identifier(word: str) -> list[str]:
    """``PaymentIntent`` → [payment, intent]; ``payment_rail`` → [payment, rail]; ``v0`` stays."""
    parts: list[str] = []
    for piece in re.split(r"[._/\-]+", word):
        if re.fullmatch(r"[A-Z]{2,}s", piece):  # PRs, IDs, URLs: a plural acronym, not P + Rs
            parts.append(piece.lower())
            continue
        parts += [p.lower() for p in _CAMEL.split(piece) if p]
    return parts


def index_terms(text: str) -> str:
    """Extra words to index beside a text: every identifier split into its parts, so
    ``paymentIntent`` and ``payment_intent`` and "payment intent" all meet."""
    out: list[str] = []
    for raw in set(_TOKEN.findall(text or "")):
        parts = split_identifier(raw)
        if len(parts) > 1 or _CAMEL.search(raw):
            out.extend(parts)
    return " ".join(out)


@lru_cache(maxsize=1)
def _phrases() -> list[tuple[re.Pattern[str], list[str]]]:
    """``phrases`` of words.yaml as patterns: "turn * off" matches "turn the account off" (``*``
    stands for up to three words)."""
    out = []
    for phrase, terms in (word_data().get("phrases") or {}).items():
        parts = [r"(?:\w+\W+){0,3}?" if w == "*" else re.escape(w) + r"\W+" for w in str(phrase).split()]
        pattern = r"\b" + "".join(parts)
        pattern = pattern[: -len(r"\W+")] + r"\b" if pattern.endswith(r"\W+") else pattern
        out.append((re.compile(pattern, re.IGNORECASE), [str(t) for t in terms]))
    return out


def without_phrases(question: str) -> str:
    """The question with each phrase of words.yaml replaced by what it means: "how do I get rid
    of it" → "how do I  delete  it" (so "get" in "get rid of" is not read as a GET)."""
    for pattern, terms in _phrases():
        question = pattern.sub(lambda m, t=terms: f" {' '.join(t)} ", question)
    return question


def query_terms(question: str) -> list[str]:
    """The words of a question worth searching for, SDK names and synonyms expanded, in order,
    without duplicates. Error codes (``resource_missing``) are kept whole as well as split."""
    words = word_data()
    verbs: dict[str, list[str]] = words["sdk_verbs"]  # type: ignore[assignment]
    synonyms: dict[str, list[str]] = words["synonyms"]  # type: ignore[assignment]
    stop = stopwords()
    out: list[str] = []

    def add(term: str) -> None:
        term = term.lower()
        if term and term not in stop and term not in out and (len(term) > 1 or term.isdigit()):
            out.append(term)

    for raw in _TOKEN.findall(question or ""):
        parts = split_identifier(raw)
        is_call = "." in raw and len(parts) >= 2
        if _CODE.match(raw):
            add(raw)  # an error code or field name, whole
        for slug in _SLUG.findall(raw) if "-" in raw else ():
            add(slug.replace("-", "_"))  # a docs anchor: the title it is made of (see suggest._doc_words)
        for i, part in enumerate(parts):
            if is_call and i == len(parts) - 1 and part in verbs:
                # The SDK method's verb: `subscriptions.del` means "delete/cancel a subscription".
                add(part)
                for v in verbs[part]:
                    add(v)
                continue
            add(part)
            for s in synonyms.get(part, []):
                add(s)
    for pattern, terms in _phrases():
        if pattern.search(question or ""):
            for t in terms:
                add(t)
    return out
