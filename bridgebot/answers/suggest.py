"""``suggest(question, context)``: the documents most likely to answer a developer's question.

BM25 (FTS5) finds candidates for the question's terms (SDK names and identifiers split, synonyms
added, typos corrected against the index's own words); what the checker found in the same
message (the operation, an error code, a field) boosts the documents that name it. Each
suggestion gets a confidence in [0, 1]: the share of the question's information (IDF-weighted)
the document holds, raised when the checker's operation is the document. Below the threshold
nothing is suggested: no guess is better than a wrong page.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, NamedTuple

from .index import DocsIndex
from .text import query_terms, split_identifier, stopwords, without_phrases, word_data

#: Below this confidence a suggestion is not shown. On tests/answers_eval (benchmarks/answers.py, 2026-11-30)
#: 0.35 showed something for 76% of questions, right 79% of the time after the third ranking follow-up
#: (77% and 75% after the second, 74% and 66% before it); on the tuning half 0.45 showed something for 51%, right 76% of the
#: time, and 0.25 for 88%, right 65% (measured before that follow-up).
MIN_CONFIDENCE = 0.35
CANDIDATES = 40
MAX_TERMS = 20
RARE_SHARE = 0.025  # full-text search only for terms in at most this share of documents
RARE_TERMS = 8
TITLE_SHARE = 0.075  # title search for terms in at most this share of documents (speed: 9.7 → 6.3 ms CPU at 10k docs)
COMMON_SHARE = 1.0  # a term in more than this share of documents says little
# Below these document counts every term is searched (titles) or searched in the full text: the
# shares above exist for speed in a large index; in a small one (one API's 100-1,300 operations)
# they dropped the question's main words ("customer", "repositories") from the search.
TITLE_MIN_DF = 750
RARE_MIN_DF = 250
PATH_WEIGHT = 3.0
TITLE_WEIGHT = 1.0
BM25_WEIGHT = 1.0
COVERAGE_WEIGHT = 2.0
#: Added when the operation's HTTP method is one the question's verb implies ("list" → GET,
#: "remove" → DELETE: ``verb_methods`` in words.yaml).
VERB_WEIGHT = 0.5
#: Added on top when the operation's last path resource is also what that verb acts on: "delete
#: the merged branch" → a DELETE of ``…/branches/{branch}``, not any DELETE.
VERB_OBJECT_WEIGHT = 1.0
#: Added on top of that when the verb changes or removes something that exists (it implies DELETE,
#: PATCH or PUT: "cancel", "update", "remove") and the operation acts on one object (its path ends in
#: a parameter): "cancel the subscription" is about one subscription, not the collection a new one
#: is created in.
INSTANCE_WEIGHT = 0.5
#: How many words after a verb may name its object ("list all the private repos").
OBJECT_WORDS = 3
#: A legacy operation's replacement (the operation its reference says to use instead: POST /v1/charges
#: → POST /v1/payment_intents, GitHub's /teams/{team_id} → /orgs/{org}/teams/{team_slug}) ranks at
#: least this little below it, and is as confident: the developer asking about the old call is shown
#: the new one too. None turns this off.
REPLACEMENT_GAP: float | None = 0.01
#: Added when the document names a field, parameter or error code the question writes whole
#: (``cancel_at_period_end``, ``commit_message``): the exact name beats words that merely recur.
NAME_WEIGHT = 1.0
#: Added to a GET of a collection whose last path word is the thing a question asks the list of:
#: "which countries does it accept", "what currencies are supported" → ``GET /lists/countries``.
LIST_WEIGHT = 1.0


def _stem(word: str) -> str:
    """A crude stem for title matching (FTS5's porter stemmer does the real search):
    plurals and -ing/-ed, and -ence/-ency as one ("idempotence", "idempotency")."""
    for suffix in ("ency", "ence", "ies", "es", "s", "ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + {"ies": "y", "ency": "enc", "ence": "enc"}.get(suffix, "")
    return word


_WORDS_CACHE: dict[str, frozenset[str]] = {}


def _title_slug(title: str) -> str:
    """The document's own title as a docs anchor spells it, with underscores for the query's
    hyphens: "GET /orgs/{org}/repos — List organization repositories" →
    ``list_organization_repositories``; a page section "Webhooks › Verifying signatures" →
    ``verifying_signatures``."""
    own = title.split(" — ", 1)[1] if " — " in title else title.split("›")[-1]
    return "_".join(re.findall(r"[a-z0-9]+", own.lower()))


def _doc_words(doc: dict[str, Any]) -> frozenset[str]:
    """A document's words, crudely stemmed (cached by key and text: documents recur across questions)."""
    key = doc["key"] + "\0" + str(len(doc["text"] or ""))
    words = _WORDS_CACHE.get(key)
    if words is None:
        raw = re.findall(r"[a-z0-9_]+", f"{doc['title']} {doc['terms']} {doc['text']}".lower())
        words = frozenset(w for r in set(raw) for w in (r, _stem(r))) | {_title_slug(doc["title"])}
        if len(_WORDS_CACHE) > 20000:
            _WORDS_CACHE.clear()
        _WORDS_CACHE[key] = words
    return words


def _snippet(text: str, stems: list[str], width: int = 160) -> str:
    """The window of a document's text around its first word the question shares (the FTS5
    snippet() function costs a MATCH per document: 1.5 ms of a 6 ms search)."""
    text = text.split("\n")[0] if "\n" in text[:2000] else text
    lowered = text.lower()
    found = [i for i in (re.search(r"\b" + re.escape(s), lowered) for s in stems if len(s) > 2) if i]
    start = min((m.start() for m in found), default=0)
    begin = max(0, start - width // 3)
    if begin:
        begin = lowered.find(" ", begin) + 1 or begin
    out = text[begin:begin + width].strip()
    return ("…" if begin else "") + out + ("…" if begin + width < len(text) else "")


_TITLE_CACHE: dict[str, frozenset[str]] = {}


def _title_words(title: str) -> frozenset[str]:
    words = _TITLE_CACHE.get(title)
    if words is None:
        words = frozenset(_stem(w) for w in re.findall(r"[a-z0-9]+", title.lower()))
        if len(_TITLE_CACHE) > 20000:
            _TITLE_CACHE.clear()
        _TITLE_CACHE[title] = words
    return words


def _title_coverage(title: str, stems: dict[str, str], weights: dict[str, float]) -> float:
    """The weight of the question's terms the title names (an operation's title is its summary)."""
    words = _title_words(title)
    return sum(w for t, w in weights.items() if stems[t] in words)


_PATH_CACHE: dict[str, tuple[str, ...]] = {}
_STOP = stopwords()


def _path_words(path: str) -> tuple[str, ...]:
    """The words of an operation's path outside its parameters and version prefix, stemmed:
    ``/repos/{owner}/{repo}/hooks/{hook_id}/pings`` → (repo, hook, ping). A page heading (no
    leading slash) loses its stopwords: "Choosing a rail for SEPA" → (choos, rail, sepa)."""
    words = _PATH_CACHE.get(path)
    if words is None:
        found = []
        for seg in re.split(r"[/\s]+", path):
            if not seg or seg.startswith("{") or re.fullmatch(r"v\d+", seg):
                continue
            for token in re.findall(r"[A-Za-z][A-Za-z0-9_-]*", seg):
                found += [_stem(w) for w in split_identifier(token)
                          if not w.isdigit() and not (path[:1] != "/" and w in _STOP)]
        words = tuple(found)
        if len(_PATH_CACHE) > 20000:
            _PATH_CACHE.clear()
        _PATH_CACHE[path] = words
    return words


def _path_coverage(path: str, asked: frozenset[str], prefixes: frozenset[str]) -> float:
    """The share of the path's words the question names (a word matches a question word it
    starts or that starts it, from 3 letters: ``repos`` ~ repository, ``orgs`` ~ organization).
    Of two operations that hold the question's words, the one whose path adds nothing the
    question did not ask for (``/hooks``, not ``/hooks/{id}/pings``) is the likelier answer."""
    words = _path_words(path)
    if not words:
        return 0.0
    hits = 0
    for w in words:
        if w in asked or (len(w) >= 3 and (w in prefixes or any(w[:k] in asked for k in range(3, len(w))))):
            hits += 1
    return hits / len(words)


@dataclass
class SuggestContext:
    """What the checker found in the same message."""

    operations: list[str] = field(default_factory=list)  # "POST /v0/transfers"
    error_codes: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)

    @classmethod
    def from_check(cls, result: Any) -> "SuggestContext":
        """From a :class:`bridgebot.check.CheckResult` (or None)."""
        if result is None:
            return cls()
        ops = [op.label for op in result.operations]
        codes = [e.error.code for e in result.errors if e.error.code]
        fields = [f.field for f in result.findings if f.field and f.kind != "secret_exposed"]
        return cls(operations=ops, error_codes=codes, fields=fields)

    @property
    def empty(self) -> bool:
        return not (self.operations or self.error_codes or self.fields)


@dataclass
class Suggestion:
    title: str
    url: str | None
    snippet: str
    confidence: float
    score: float
    kind: str
    key: str
    operation: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The shape of ``bridgebot docs search --format json`` (DESIGN.md)."""
        return {"title": self.title, "url": self.url, "operation": self.operation,
                "score": round(self.score, 4), "snippet": self.snippet}


#: A reranker takes the question and the candidates (dicts with title/text) and returns a
#: similarity per candidate in [-1, 1]. See benchmarks/answers.py for the one measured.
Reranker = Callable[[str, list[dict[str, Any]]], list[float]]


_VERB_WORD = re.compile(r"[a-z]+")


def _verb_words(question: str) -> list[str]:
    """The question's words, lower case, each phrase of words.yaml replaced by what it means."""
    return _VERB_WORD.findall(without_phrases(question or "").lower())


def implied_methods(question: str, words: list[str] | None = None) -> frozenset[str]:
    """The HTTP methods the question's verbs imply: "how do I list …" → {GET}; "remove" →
    {DELETE}. Empty when the question names no verb of ``verb_methods`` (words.yaml). ``words``:
    the question already split by ``_verb_words`` (suggest() splits it once for both verb rules)."""
    table: dict[str, list[str]] = word_data().get("verb_methods", {})  # type: ignore[assignment]
    out: set[str] = set()
    for w in _verb_words(question) if words is None else words:
        out.update(m.upper() for m in table.get(w, []))
    return frozenset(out)


_ALLOWED = r"(?:accept|accepts|accepted|support|supports|supported|allow|allows|allowed|available|valid)"
#: "which countries … accept", "what kinds of events … supported", "what are the supported currencies",
#: "list of allowed values": the noun is what the developer wants the list of.
_ASKS_LIST = (
    re.compile(r"\b(?:which|what)\s+(?:kinds?\s+of\s+|types?\s+of\s+|sorts?\s+of\s+)?([a-z][a-z_]+)\b"
               r"[^.?!]{0,60}?\b" + _ALLOWED + r"\b"),
    re.compile(r"\b(?:which|what)\s+(?:are|is)\s+the\s+" + _ALLOWED + r"\s+([a-z][a-z_]+)\b"),
    re.compile(r"\blist\s+of\s+(?:the\s+|all\s+)?" + _ALLOWED + r"\s+([a-z][a-z_]+)\b"),
)


def asked_lists(question: str) -> frozenset[str]:
    """The stemmed nouns a question asks the list of ("which countries does bridge accept" →
    {country}); empty when it asks for no list."""
    text = (question or "").lower()
    out = set()
    for pattern in _ASKS_LIST:
        for m in pattern.finditer(text):
            word = m.group(1)
            if word not in _STOP:
                out.add(_stem(word))
    return frozenset(out)


def _lists(path: str | None, method: str | None, wanted: frozenset[str]) -> bool:
    """Whether the operation is a GET of a collection named by one of ``wanted`` (stems)."""
    if not wanted or not path or (method or "").upper() != "GET":
        return False
    last = path.rstrip("/").rsplit("/", 1)[-1]
    if not last or last.startswith("{"):
        return False
    return any(_stem(w) in wanted for w in split_identifier(last))


#: The words before a verb that make it the developer's own task ("how to delete", "I want to
#: list", "can we cancel", "also remove"), not what something else did ("it shows", "the API lists").
_ASKING = frozenset("to i we can do how please also just then and or you".split())


_ON_ONE = frozenset({"DELETE", "PATCH", "PUT"})


class VerbObjects(NamedTuple):
    """Per HTTP method the question's verbs imply, the stemmed words those verbs act on."""

    acted_on: dict[str, frozenset[str]]
    #: The same for the verbs that change or remove something that exists (imply DELETE, PATCH or PUT).
    existing: dict[str, frozenset[str]]


def verb_objects(question: str, words: list[str] | None = None) -> VerbObjects:
    """What the question's verbs act on: the first ``OBJECT_WORDS`` words after each verb that
    are not stopwords ("how do I delete the merged branch" → DELETE: {merg, branch}). Only a
    verb that starts the question or follows a word of ``_ASKING`` counts: the developer's
    task, not what the app did ("it shows no such price")."""
    table: dict[str, list[str]] = word_data().get("verb_methods", {})  # type: ignore[assignment]
    words = _verb_words(question) if words is None else words
    acted_on: dict[str, set[str]] = {}
    existing: dict[str, set[str]] = {}
    for i, w in enumerate(words):
        methods = {m.upper() for m in table.get(w, [])}
        if not methods or (i and words[i - 1] not in _ASKING):
            continue
        objects = {_stem(x) for x in [x for x in words[i + 1:i + 1 + OBJECT_WORDS * 3]
                                      if x not in _STOP and len(x) > 1][:OBJECT_WORDS]}
        for m in methods:
            acted_on.setdefault(m, set()).update(objects)
            if methods & _ON_ONE:
                existing.setdefault(m, set()).update(objects)
    return VerbObjects({m: frozenset(o) for m, o in acted_on.items()},
                       {m: frozenset(o) for m, o in existing.items()})


_RESOURCE_CACHE: dict[str, str] = {}


def _last_resource(path: str) -> str:
    """The stemmed head noun of a path's last segment outside parameters (a compound's last
    word): ``/repos/{owner}/{repo}/collaborators/{username}`` → collaborator,
    ``…/deployment-branch-policies/{id}`` → policy, ``/user/public_emails`` → email."""
    found = _RESOURCE_CACHE.get(path)
    if found is None:
        found = ""
        for seg in reversed(path.split("/")):
            if seg and not seg.startswith("{") and not re.fullmatch(r"v\d+", seg):
                words = [w for w in split_identifier(seg) if not w.isdigit()]
                found = _stem(words[-1]) if words else ""
                break
        if len(_RESOURCE_CACHE) > 20000:
            _RESOURCE_CACHE.clear()
        _RESOURCE_CACHE[path] = found
    return found


def _names_object(path: str, objects: frozenset[str]) -> bool:
    """Whether the path's last resource is one of ``objects`` (a word matches one it starts or
    that starts it, from 3 letters: ``repo`` ~ repository)."""
    w = _last_resource(path)
    return bool(w) and any(w == o or (min(len(w), len(o)) >= 3 and (w.startswith(o) or o.startswith(w)))
                           for o in objects)


def _with_replacements(scored: list[tuple[float, float, dict[str, Any]]]) -> list[tuple[float, float, dict[str, Any]]]:
    """Each legacy candidate's replacement raised to just below it (score and confidence)."""
    if not any(c.get("replaced_by") for _, _, c in scored):
        return scored
    at = {c["key"]: i for i, (_, _, c) in enumerate(scored)}
    out = list(scored)
    for score, confidence, c in scored:
        i = at.get(c.get("replaced_by") or "")
        if i is not None and i != at[c["key"]]:
            s2, conf2, new = out[i]
            out[i] = (max(s2, score - (REPLACEMENT_GAP or 0.0)), max(conf2, confidence), new)
    return out


def prepare_terms(index: DocsIndex, question: str) -> list[str]:
    """The question's search terms, with typos the index does not know replaced by its words."""
    terms = []
    for t in query_terms(question):
        if index.knows(t):
            terms.append(t)
            continue
        fixed = index.correct(t)
        if fixed and fixed not in terms:
            terms.append(fixed)
    return terms + _joined_names(index, terms)


def _joined_names(index: DocsIndex, terms: list[str]) -> list[str]:
    """Neighbouring words joined as the specs name operations and fields: "list all customers"
    → ``listcustomers`` (the operationId ``listCustomers``, indexed whole), "customer list" (an
    SDK's order) → ``listcustomer`` too. Only the joins some document holds are kept: the
    spec's own names are the developer-to-spec vocabulary."""
    verbs = word_data()["sdk_verbs"]
    out: list[str] = []
    plain = [t for t in terms if t.isalpha()]
    for a, b in zip(plain, plain[1:]):
        joins = [a + b] + ([b + a] if b in verbs else [])
        for j in joins:
            if j not in out and j not in terms and index.knows(j):
                out.append(j)
    for a, b, c in zip(plain, plain[1:], plain[2:]):
        j = a + b + c
        if j not in out and index.knows(j):
            out.append(j)
    return out


def suggest(index: DocsIndex, question: str, context: SuggestContext | None = None, *, limit: int = 3,
            min_confidence: float = MIN_CONFIDENCE, boosts: bool = True, reranker: Reranker | None = None,
            kinds: Iterable[str] | None = None) -> list[Suggestion]:
    """The best ``limit`` documents for ``question``, best first; [] when none is confident."""
    context = context or SuggestContext()
    terms = prepare_terms(index, question)
    if boosts:
        for code in context.error_codes:
            if code.lower() not in terms:
                terms.append(code.lower())
    if not terms:
        return []
    total = max(index.count(), 1)
    # The informative terms: known to the index, not in most documents, the rarest first (at
    # most MAX_TERMS). A long question's common words only slow the search and blur the ranking.
    dfs = {t: index.document_frequency(t) for t in terms}
    informative = [t for t in terms if 0 < dfs[t] <= max(COMMON_SHARE * total, 3)]
    informative = sorted(informative, key=lambda t: dfs[t])[:MAX_TERMS]
    if not informative:
        return []
    terms = [t for t in terms if t in informative]  # the question's order, for snippets
    # Every term against titles and keywords (short posting lists); only the rare terms against
    # the full text, where a common word would make SQLite score most of the index.
    by_title = index.search_titles([t for t in terms if dfs[t] <= max(TITLE_SHARE * total, TITLE_MIN_DF)]
                                    or terms[:1], CANDIDATES)
    rare = sorted([t for t in terms if dfs[t] <= max(RARE_SHARE * total, RARE_MIN_DF)], key=lambda t: dfs[t])[:RARE_TERMS]
    by_text = index.search_raw(rare, CANDIDATES) if rare else []
    best_title = max((c["score"] for c in by_title), default=0.0) or 1.0
    best_text = max((c["score"] for c in by_text), default=0.0) or 1.0
    merged: dict[int, dict[str, Any]] = {}
    for c in by_title:
        merged[c["id"]] = {**c, "score": c["score"] / best_title}
    for c in by_text:
        if c["id"] in merged:
            merged[c["id"]]["score"] += c["score"] / best_text
        else:
            merged[c["id"]] = {**c, "score": c["score"] / best_text}
    candidates = list(merged.values())
    if boosts and context.operations:
        # The checker's operation is a candidate even when the question's words miss it.
        seen = {c["id"] for c in candidates}
        candidates += [d for d in index.operation_docs(context.operations) if d["id"] not in seen]
    if kinds is not None:
        wanted = set(kinds)
        candidates = [c for c in candidates if c["kind"] in wanted]
    if not candidates:
        return []
    if REPLACEMENT_GAP is not None:
        # A legacy operation's replacement is a candidate whenever the legacy one is.
        seen_keys = {c["key"] for c in candidates}
        missing = sorted({c["replaced_by"] for c in candidates if c.get("replaced_by")} - seen_keys)
        candidates += [d for d in index.docs_by_key(missing) if kinds is None or d["kind"] in wanted]
    ids = [c["id"] for c in candidates]
    # IDF-weighted coverage: how much of what the question says each candidate holds.
    weights: dict[str, float] = {}
    for t in terms:
        weights[t] = math.log(1 + total / (1 + dfs[t]))
    all_weight = sum(weights.values()) or 1.0
    stems = {t: _stem(t) for t in weights}
    asked = frozenset(stems.values()) | frozenset(weights)
    prefixes = frozenset(a[:k] for a in asked for k in range(3, len(a) + 1))  # for _path_coverage
    best_bm25 = max(c["score"] for c in candidates) or 1.0
    ops = {o.upper() for o in context.operations} if boosts else set()
    codes = {c.lower() for c in context.error_codes} if boosts else set()
    fields = {f.split("[")[0].split(".")[0].lower() for f in context.fields} if boosts else set()
    verb_words = _verb_words(question)
    methods = implied_methods(question, verb_words)
    objects = verb_objects(question, verb_words) if methods else VerbObjects({}, {})
    names = [t for t in terms if "_" in t.strip("_")]
    lists = asked_lists(question)
    scored = []
    for c in candidates:
        words = _doc_words(c)
        coverage = sum(w for t, w in weights.items() if stems[t] in words or t in words) / all_weight
        in_title = _title_coverage(c["title"], stems, weights) / all_weight
        score = BM25_WEIGHT * c["score"] / best_bm25 + COVERAGE_WEIGHT * coverage + TITLE_WEIGHT * in_title
        if c["path"]:
            score += PATH_WEIGHT * _path_coverage(c["path"], asked, prefixes)
        elif c["kind"] == "page":
            # A page's own heading plays the part of an operation's path.
            score += PATH_WEIGHT * _path_coverage(c["title"].split("›")[-1], asked, prefixes)
        if methods and c["method"] and c["method"].upper() in methods:
            score += VERB_WEIGHT
            acted_on = objects.acted_on.get(c["method"].upper())
            if acted_on and c["path"] and _names_object(c["path"], acted_on):
                score += VERB_OBJECT_WEIGHT
                existing = objects.existing.get(c["method"].upper())
                if existing and c["path"].endswith("}") and _names_object(c["path"], existing):
                    score += INSTANCE_WEIGHT
        if names and any(n in words for n in names):
            score += NAME_WEIGHT
        if lists and _lists(c["path"], c["method"], lists):
            score += LIST_WEIGHT
        confidence = coverage
        label = f"{c['method']} {c['path']}".upper() if c["method"] else None
        haystack = f"{c['terms']} {c['text']}".lower() if codes or fields else ""
        if label and label in ops:
            score += 2.0  # the operation the developer is calling outranks any word match
            confidence = max(confidence, 0.9)
        if codes and any(code in haystack for code in codes):
            score += 0.5
            confidence = min(1.0, confidence + 0.15)
        if fields and any(f and f in haystack for f in fields):
            score += 0.2
        if c["kind"] == "thread":
            score += 0.1  # a specialist's own answer to a similar question
        scored.append((score, confidence, c))
    if reranker is not None:
        sims = reranker(question, [c for _, _, c in scored])
        scored = [(s + 1.5 * sim, conf, c) for (s, conf, c), sim in zip(scored, sims)]
    if REPLACEMENT_GAP is not None:
        scored = _with_replacements(scored)
    scored.sort(key=lambda x: -x[0])
    out = []
    for score, confidence, c in scored[:limit]:
        if confidence < min_confidence:
            continue
        op = {"method": c["method"], "path": c["path"]} if c["method"] else None
        snippet = _snippet(c["text"] or "", [stems.get(t, t) for t in weights]) if c["kind"] != "thread" else ""
        if c["kind"] == "thread":
            snippet = (c["text"] or "").split("\n\nQuestion:")[0][:200]
        out.append(Suggestion(title=c["title"], url=c["url"], snippet=snippet.replace("\n", " ")[:240],
                              confidence=round(confidence, 3), score=score, kind=c["kind"], key=c["key"],
                              operation=op))
    return out
