"""The documentation index: SQLite FTS5 (through sqlite-utils) over operations, pages and answers.

Three kinds of document, each from a *source* whose content hash is kept, so a refresh only
rewrites what changed:

- ``operation``: every operation of a loaded spec (summary, description, operationId, tags,
  parameter and body field names, its docs link). Source ``spec:<name>``.
- ``page``: a section of a Markdown page (split by heading), from a folder (source
  ``md:<relative path>``) or from a docs site's ``llms.txt`` (source ``llms:<page url>``).
- ``thread``: a resolved question and the answer a specialist marked, secrets redacted (source
  ``thread:<id>``).

The index is derived data: it lives in its own SQLite file (``BRIDGEBOT_DOCS_INDEX``, default
beside the tracking database) so a rebuild never holds the tracking database's write lock and
the file can be deleted and rebuilt at will; the marked answers themselves live in the tracking
database (migration m006_answers).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import sqlite_utils

from .text import index_terms, split_identifier

#: Bump when what is indexed per document changes: every source is then rebuilt once.
INDEX_VERSION = "4"
#: BM25 column weights: the full-text search (title, terms, text) and the title search (title, terms).
TEXT_WEIGHTS = (10.0, 4.0, 1.0)
TITLE_WEIGHTS = (3.0, 1.0)
_PARAM = re.compile(r"\{[^}/]*\}")
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


class IndexError_(ValueError):
    """A source cannot be indexed (unreadable folder, unreachable llms.txt); the message says why."""


@dataclass
class Doc:
    key: str
    kind: str  # operation, page, thread
    title: str
    text: str
    url: str | None = None
    spec: str | None = None
    method: str | None = None
    path: str | None = None
    terms: str = ""  # operationId, tags, field names, error codes: split as well as whole
    replaced_by: str | None = None  # a legacy operation: the key of the one its reference says to use

    def row(self, source: str) -> dict[str, Any]:
        return {"key": self.key, "source": source, "kind": self.kind, "title": self.title,
                "url": self.url, "spec": self.spec, "method": self.method, "path": self.path,
                "terms": (self.terms + " " + index_terms(self.title + " " + self.terms)).strip(),
                "text": self.text + "\n" + index_terms(self.text), "replaced_by": self.replaced_by}


@dataclass
class Source:
    """One unit of refresh: its key, a content hash, and how to make its documents."""

    key: str
    digest: str
    docs: Callable[[], list[Doc]]


@dataclass
class RefreshReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    documents: int = 0


class DocsIndex:
    """One index file. Readers share one connection per thread; writes are short transactions."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._local = threading.local()
        self._vocab: list[str] | None = None
        self._fixes: dict[str, str | None] = {}
        self._df: dict[str, int] = {}
        self._memory: sqlite_utils.Database | None = None
        if self.path == ":memory:":
            import sqlite3

            # One shared in-memory database (tests, benchmarks); the app's worker threads may read it.
            self._memory = sqlite_utils.Database(sqlite3.connect(":memory:", check_same_thread=False))
        else:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._ensure_schema()

    @property
    def db(self) -> sqlite_utils.Database:
        if self._memory is not None:
            return self._memory
        db = getattr(self._local, "db", None)
        if db is None:
            import sqlite3
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA busy_timeout=30000")
            db = sqlite_utils.Database(conn)
            self._local.db = db
        return db

    def _ensure_schema(self) -> None:
        db = self.db
        if "doc_titles" in db.table_names():
            if "replaced_by" not in db["docs"].columns_dict:
                # An index from before legacy operations named their replacement: rebuild every source.
                db["docs"].add_column("replaced_by", str)
                db.execute("DELETE FROM sources")
            return
        db["sources"].create({"key": str, "digest": str, "documents": int}, pk="key", if_not_exists=True)
        db["docs"].create({"id": int, "key": str, "source": str, "kind": str, "title": str, "url": str,
                           "spec": str, "method": str, "path": str, "terms": str, "text": str, "replaced_by": str},
                          pk="id", not_null={"key", "source", "kind", "title"}, if_not_exists=True)
        db["docs"].create_index(["key"], unique=True, if_not_exists=True)
        db["docs"].create_index(["source"], if_not_exists=True)
        # Porter stemming makes "subscriptions" meet "subscription"; triggers keep the FTS
        # table in step with every insert and delete.
        db["docs"].enable_fts(["title", "terms", "text"], tokenize="porter", create_triggers=True)
        db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS docs_fts_vocab USING fts5vocab(docs_fts, 'row')")
        db["words"].create({"word": str, "n": int}, pk="word", if_not_exists=True)
        # Titles and keywords alone, in their own FTS table: their posting lists are short, so
        # every word of a question can be searched there fast; the full text is searched only
        # for the question's rare words (see suggest()).
        db["doc_titles"].create({"id": int, "title": str, "terms": str}, pk="id", if_not_exists=True)
        db["doc_titles"].enable_fts(["title", "terms"], tokenize="porter", create_triggers=True)
        db.execute("DELETE FROM sources")  # an index from before doc_titles: rebuild every source

    # --- writing ---------------------------------------------------------------------------

    def refresh(self, sources: Iterable[Source], *, prefixes: tuple[str, ...] | None = None,
                progress: Callable[[Source], None] | None = None) -> RefreshReport:
        """Bring the index in line with ``sources``: rebuild the changed ones, drop the ones no
        longer given (only among ``prefixes`` when given, e.g. ``("spec:",)``)."""
        report = RefreshReport()
        sources = list(sources)
        known = {r["key"]: r["digest"] for r in self.db["sources"].rows}
        wanted = set()
        for src in sources:
            wanted.add(src.key)
            digest = INDEX_VERSION + ":" + src.digest
            if known.get(src.key) == digest:
                report.unchanged += 1
            else:
                docs = src.docs()
                self._replace(src.key, digest, docs)
                (report.updated if src.key in known else report.added).append(src.key)
            if progress:
                progress(src)
        for key in known:
            if key not in wanted and (prefixes is None or key.startswith(prefixes)):
                self.remove_source(key)
                report.removed.append(key)
        report.documents = self.count()
        return report

    def _replace(self, source: str, digest: str, docs: list[Doc]) -> None:
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("DELETE FROM doc_titles WHERE id IN (SELECT id FROM docs WHERE source = ?)", [source])
            db.execute("DELETE FROM docs WHERE source = ?", [source])
            rows = {d.key: d.row(source) for d in docs}  # one document per key
            db["docs"].insert_all(rows.values(), replace=True, batch_size=500)
            # The title search leaves out path parameters: "{secret_name}" made every secret's
            # sub-resource answer a question that said "name".
            db.conn.executemany("INSERT INTO doc_titles (id, title, terms) VALUES (?, ?, ?)",
                                [(i, _PARAM.sub(" ", t), k) for i, t, k in
                                 db.execute("SELECT id, title, terms FROM docs WHERE source = ?", [source])])
            db["sources"].insert({"key": source, "digest": digest, "documents": len(rows)}, replace=True)
            self._add_words(db, rows.values())
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._vocab = None
        self._df = {}

    def remove_source(self, source: str) -> None:
        db = self.db
        with db.conn:
            db.execute("DELETE FROM doc_titles WHERE id IN (SELECT id FROM docs WHERE source = ?)", [source])
            db.execute("DELETE FROM docs WHERE source = ?", [source])
            db.execute("DELETE FROM sources WHERE key = ?", [source])
        self._vocab = None
        self._df = {}

    @staticmethod
    def _add_words(db: sqlite_utils.Database, rows: Iterable[dict[str, Any]]) -> None:
        """The index's own words, unstemmed, for correcting typos in questions."""
        counts: dict[str, int] = {}
        for r in rows:
            for w in set(re.findall(r"[a-z][a-z0-9_]{2,40}", f"{r['title']} {r['terms']} {r['text']}".lower())):
                counts[w] = counts.get(w, 0) + 1
        db.conn.executemany("INSERT INTO words (word, n) VALUES (?, ?) ON CONFLICT(word) DO UPDATE SET n = n + excluded.n",
                       list(counts.items()))

    # --- reading ---------------------------------------------------------------------------

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM docs").fetchone()[0])

    def vocabulary(self) -> list[str]:
        if self._vocab is None:
            # Most frequent first: of two equally close words, a typo most likely meant the common one.
            self._vocab = [r[0] for r in self.db.execute("SELECT word FROM words ORDER BY n DESC, word")]
            self._fixes = {}
        return self._vocab

    def knows(self, term: str) -> bool:
        """Whether some document holds the term (after stemming)."""
        return self.document_frequency(term) > 0

    def correct(self, term: str) -> str | None:
        """The index's word closest to a misspelt one (``subscripton`` → ``subscription``).

        One edit (a transposition counts as one) for words of 6 letters or more, two from 9: an
        unknown short word is more often a plain English word the specs do not use ("long",
        "heard", "down") than a typo, and correcting it to a spec word ("log", "head", "don")
        sends the search astray."""
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        if len(term) < 6 or not term.isalpha():
            return None
        vocab = self.vocabulary()
        if term in self._fixes:
            return self._fixes[term]
        limit = 2 if len(term) >= 9 else 1
        match = process.extractOne(term, vocab, scorer=OSA.distance, score_cutoff=limit)
        # A typo keeps its first letter far more often than not; this stops "mechanism" → "merchandise".
        fixed = match[0] if match and match[0][0] == term[0] else None
        if len(self._fixes) > 10000:
            self._fixes.clear()
        self._fixes[term] = fixed
        return fixed

    def document_frequency(self, term: str) -> int:
        """How many documents hold the term (cached until the index changes)."""
        n = self._df.get(term)
        if n is None:
            n = int(self.db.execute("SELECT count(*) FROM docs_fts WHERE docs_fts MATCH ?",
                                    [_quote(term)]).fetchone()[0])
            if len(self._df) > 50000:
                self._df.clear()
            self._df[term] = n
        return n

    def search_raw(self, terms: list[str], limit: int = 50) -> list[dict[str, Any]]:
        """BM25 over title (weight 10), terms (4) and text (1): the ``limit`` best documents."""
        return self._bm25("docs_fts", TEXT_WEIGHTS, terms, limit)

    def search_titles(self, terms: list[str], limit: int = 50) -> list[dict[str, Any]]:
        """BM25 over titles (weight 3) and keywords (1) only: fast for any number of words."""
        return self._bm25("doc_titles_fts", TITLE_WEIGHTS, terms, limit)

    def _bm25(self, table: str, weights: Any, terms: list[str], limit: int) -> list[dict[str, Any]]:
        """The ``limit`` best documents of one FTS table for any of ``terms``, best first."""
        if not terms:
            return []
        query = " OR ".join(_quote(t) for t in terms)
        # Rank inside the FTS table first, then join only the best: joining every match to its
        # row before sorting read every matching document's text (4x slower at 10,000 documents).
        cur = self.db.execute(
            "SELECT docs.id, docs.key, docs.kind, docs.title, docs.url, docs.spec, docs.method, docs.path, "
            "docs.terms, docs.text, docs.replaced_by, best.score "
            f"FROM (SELECT rowid, -bm25({table}, {_weights(weights)}) AS score "
            f"FROM {table} WHERE {table} MATCH ? ORDER BY score DESC LIMIT ?) AS best "
            "JOIN docs ON docs.id = best.rowid ORDER BY best.score DESC", [query, limit])
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]

    def snippet(self, doc_id: int, terms: list[str]) -> str:
        """The part of a document's text around the question's words."""
        row = self.db.execute("SELECT snippet(docs_fts, 2, '', '', '…', 24) FROM docs_fts "
                              "WHERE docs_fts MATCH ? AND rowid = ?",
                              [" OR ".join(_quote(t) for t in terms), doc_id]).fetchone()
        return row[0] if row and row[0] else ""

    def operation_docs(self, labels: list[str]) -> list[dict[str, Any]]:
        """The documents of operations named like the checker names them ("POST /v0/transfers")."""
        out = []
        for label in labels:
            method, _, path = label.partition(" ")
            cur = self.db.execute("SELECT id, key, kind, title, url, spec, method, path, terms, text, replaced_by, "
                                  "0.0 AS score FROM docs WHERE method = ? AND path = ?", [method.upper(), path])
            cols = [d[0] for d in cur.description]
            out += [dict(zip(cols, r)) for r in cur.fetchall()]
        return out

    def docs_by_key(self, keys: list[str]) -> list[dict[str, Any]]:
        """The documents of ``keys`` (as the searches return them, score 0)."""
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        cur = self.db.execute("SELECT id, key, kind, title, url, spec, method, path, terms, text, replaced_by, "
                              f"0.0 AS score FROM docs WHERE key IN ({marks})", list(keys))
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]

    def matching(self, term: str, ids: list[int]) -> set[int]:
        """Which of ``ids`` hold ``term``."""
        if not ids:
            return set()
        marks = ",".join("?" * len(ids))
        cur = self.db.execute(f"SELECT rowid FROM docs_fts WHERE docs_fts MATCH ? AND rowid IN ({marks})",
                              [_quote(term), *ids])
        return {r[0] for r in cur.fetchall()}

    def all_docs(self) -> Iterator[dict[str, Any]]:
        yield from self.db["docs"].rows


def _weights(weights: tuple[float, ...]) -> str:
    return ", ".join(f"{float(w)!r}" for w in weights)


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def digest_bytes(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode() if isinstance(p, str) else p)
        h.update(b"\0")
    return h.hexdigest()


# --- operations ------------------------------------------------------------------------------

def spec_source(spec: Any) -> Source:
    """The operations of a compiled spec (:class:`bridgebot.check.specs.CompiledSpec`)."""
    path = Path(spec.source) if spec.source else None
    data = path.read_bytes() if path and path.exists() else json.dumps(sorted(spec.paths)).encode()
    return Source(key=f"spec:{spec.name}", digest=digest_bytes(data), docs=lambda: operation_docs(spec, data))


def operation_docs(spec: Any, data: bytes) -> list[Doc]:
    from ..check.specs import parse_document

    try:
        raw = parse_document(data, spec.source or spec.name)
    except Exception:
        raw = {}
    resolver = _Resolver(raw)
    docs = []
    links: dict[int, str] = {}
    raw_paths = raw.get("paths") or {}
    for template, methods in spec.paths.items():
        item = resolver.resolve(raw_paths.get(template) or {})
        for method, op in methods.items():
            raw_op = resolver.resolve(item.get(method.lower()) or {}) if isinstance(item, dict) else {}
            link = _replacement_link(raw_op)
            if link:
                links[len(docs)] = link
            docs.append(_operation_doc(spec.name, op, raw_op, resolver))
    for i, link in links.items():
        docs[i].replaced_by = _resolve_replacement(docs[i], link, docs)
    return docs


#: What a reference says of a legacy operation: "Use the Payment Intents API … instead", "It
#: replaces the Plans API", GitHub's "closing down … We recommend … use the [Get a team by name]".
_LEGACY = re.compile(r"\binstead\s+of\s+(?:using\s+)?this\s+(?:method|endpoint|operation)\b"
                     r"|\breplaces\s+the\s+[\w\s]{1,40}?\bAPI\b"
                     r"|\b(?:endpoint|route|operation|method)\b[^.]{0,40}\bclosing\s+down\b"
                     r"|\bthis\s+(?:endpoint|method)\s+is\s+deprecated\b", re.IGNORECASE)
_LINK = re.compile(r"\]\(([^)\s]+)\)|href=\"([^\"]+)\"")


def _replacement_link(raw_op: dict[str, Any]) -> str | None:
    """The link a legacy operation's description (``deprecated: true``, or its text says to use
    something else instead) tells the reader to use instead; None otherwise."""
    description = str(raw_op.get("description") or "")
    if not (raw_op.get("deprecated") or _LEGACY.search(description)):
        return None
    for m in _LINK.finditer(description[:600]):  # a notice opens the description
        # The link the text tells the reader to use ("use the [Get a team by name](…)"), not any link.
        if re.search(r"\b(?:use|using|recommend\w*|migrat\w*)\b", description[max(0, m.start() - 80):m.start()], re.I):
            return m.group(1) or m.group(2)
    return None


def _slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


def _resolve_replacement(doc: Doc, link: str, docs: list[Doc]) -> str | None:
    """The key of the operation a legacy one's link names: the operation whose docs anchor or
    title is the link's anchor (``#get-a-team-by-name``), else the same method on the resource
    the link names (``/docs/api/payment_intents``, ``#prices``: POST /v1/charges →
    POST /v1/payment_intents)."""
    base, _, anchor = link.partition("#")
    if anchor:
        for d in docs:
            own = d.title.split(" — ", 1)[1] if " — " in d.title else ""
            if d is not doc and ((d.url or "").endswith("#" + anchor) or (own and _slug(own) == anchor)):
                return d.key
    resource = anchor or base.rstrip("/").rsplit("/", 1)[-1]
    if not re.fullmatch(r"[a-z][a-z0-9_]*", resource or ""):
        return None
    same = [d for d in docs if d is not doc and d.method == doc.method and d.path
            and d.path.rstrip("/").rsplit("/", 1)[-1] == resource]
    return min(same, key=lambda d: len(d.path or "")).key if same else None


def _operation_doc(spec_name: str, op: Any, raw_op: dict[str, Any], resolver: "_Resolver") -> Doc:
    description = _plain(raw_op.get("description") or "")
    summary = op.summary or raw_op.get("summary") or _first_sentence(description)
    tags = [str(t) for t in raw_op.get("tags") or []]
    params = [p.name for p in op.params]
    body_fields = sorted(_body_fields(raw_op, resolver))
    codes = sorted(_error_codes(raw_op, resolver))
    path = op.base_path + op.path  # as the checker names it (OperationRef.path): /v0/transfers
    label = f"{op.method} {path}"
    title = f"{label} — {summary}" if summary else label
    terms = " ".join([op.operation_id or "", *split_identifier(op.operation_id or ""), *tags,
                      *params, *body_fields, *codes, " ".join(_path_words(op.path))])
    text = " ".join(x for x in [summary, description[:2000],
                                ("Parameters: " + ", ".join(params + body_fields)) if params or body_fields else "",
                                ("Errors: " + ", ".join(codes)) if codes else ""] if x)
    return Doc(key=f"op:{spec_name}:{label}", kind="operation", title=title, text=text, url=op.docs_url,
               spec=spec_name, method=op.method, path=path, terms=terms)


def _first_sentence(text: str, limit: int = 80) -> str:
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0].rstrip(".")
    return first if len(first) <= limit else first[: limit - 1].rsplit(" ", 1)[0] + "…"


def _path_words(path: str) -> list[str]:
    return [w for seg in path.split("/") if seg and not seg.startswith("{") for w in split_identifier(seg)]


def _plain(markdown: str) -> str:
    text = re.sub(r"<[^>]+>", " ", markdown)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


class _Resolver:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def resolve(self, node: Any, depth: int = 0) -> Any:
        while isinstance(node, dict) and "$ref" in node and depth < 20:
            ref = str(node["$ref"])
            if not ref.startswith("#/"):
                return {}
            target: Any = self.document
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                target = target.get(part) if isinstance(target, dict) else None
            node, depth = target or {}, depth + 1
        return node if node is not None else {}


def _body_fields(raw_op: dict[str, Any], resolver: _Resolver) -> set[str]:
    """Top-level (and one level nested) property names of the request body."""
    out: set[str] = set()
    body = resolver.resolve(raw_op.get("requestBody") or {})
    for media in (body.get("content") or {}).values() if isinstance(body, dict) else []:
        schema = resolver.resolve((media or {}).get("schema") or {})
        for name, sub in _properties(schema, resolver).items():
            out.add(name)
            for inner in _properties(resolver.resolve(sub), resolver):
                out.add(f"{name}.{inner}")
    return out


def _properties(schema: Any, resolver: _Resolver, depth: int = 0) -> dict[str, Any]:
    if not isinstance(schema, dict) or depth > 3:
        return {}
    props = dict(schema.get("properties") or {})
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key) or []:
            props.update(_properties(resolver.resolve(sub), resolver, depth + 1))
    return props


def _error_codes(raw_op: dict[str, Any], resolver: _Resolver) -> set[str]:
    """Error codes an operation's responses name (enum of a `code` field, or in examples)."""
    found: set[str] = set()
    for status, resp in (raw_op.get("responses") or {}).items():
        if str(status).startswith("2"):
            continue
        text = json.dumps(resolver.resolve(resp))[:20000]
        found.update(re.findall(r'"code":\s*"([a-z][a-z0-9_]{3,60})"', text))
    return found


# --- Markdown pages ------------------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def split_markdown(text: str) -> list[tuple[str, str, str]]:
    """Sections of a Markdown page: (heading path, anchor, body), split at #, ## and ###
    headings outside code fences. Text before the first heading belongs to the page title."""
    sections: list[tuple[list[str], list[str]]] = []
    path: list[str] = []
    lines: list[str] = []
    in_fence = False
    for line in text.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        m = None if in_fence else _HEADING.match(line)
        if m:
            if lines and any(x.strip() for x in lines) or (path and not sections):
                sections.append((list(path), lines))
            level = len(m.group(1))
            path = path[: level - 1] + [""] * max(0, level - 1 - len(path)) + [m.group(2).strip()]
            lines = []
        else:
            lines.append(line)
    if lines and any(x.strip() for x in lines) or path:
        sections.append((list(path), lines))
    out = []
    for heads, body in sections:
        heads = [h for h in heads if h]
        title = " › ".join(heads) if heads else ""
        anchor = _anchor(heads[-1]) if heads else ""
        out.append((title, anchor, "\n".join(body).strip()))
    return out


def _anchor(heading: str) -> str:
    """GitHub-style anchor for a heading."""
    h = re.sub(r"[^\w\- ]", "", heading.lower()).strip()
    return re.sub(r" ", "-", h)


def page_docs(name: str, text: str, url: str | None) -> list[Doc]:
    docs = []
    page_title = name
    m = re.search(r"^#\s+(.+)$", text, re.M)
    if m:
        page_title = m.group(1).strip()
    for i, (title, anchor, body) in enumerate(split_markdown(text)):
        if not body and not title:
            continue
        full_title = title or page_title
        if title and not title.startswith(page_title):
            full_title = f"{page_title} › {title}"
        link = (f"{url}#{anchor}" if anchor and i else url) if url else None
        docs.append(Doc(key=f"page:{name}#{anchor or i}:{i}", kind="page", title=full_title,
                        text=_plain(body)[:6000], url=link))
    return docs


def markdown_sources(folder: str | Path, base_url: str | None = None) -> list[Source]:
    """One source per Markdown file under ``folder``; links are ``base_url`` + the file's path
    (without ``.md``) when given, else the file's path relative to the folder."""
    root = Path(folder)
    if not root.is_dir():
        raise IndexError_(f"docs folder {folder} does not exist or is not a folder")
    out = []
    for file in sorted(root.rglob("*.md")):
        rel = file.relative_to(root).as_posix()
        data = file.read_bytes()
        url = (base_url.rstrip("/") + "/" + rel[:-3]) if base_url else rel
        text = data.decode("utf-8", errors="replace")
        out.append(Source(key=f"md:{rel}", digest=digest_bytes(data, url),
                          docs=lambda rel=rel, text=text, url=url: page_docs(rel, text, url)))
    return out


_LLMS_LINK = re.compile(r"^\s*[-*]\s*\[([^\]]+)\]\(([^)\s]+)\)(?::\s*(.*))?$")


def llms_sources(url: str, session: Any = None, timeout: float = 20.0) -> list[Source]:
    """A docs site's ``llms.txt`` index (llmstxt.org): every linked page becomes a source.

    Pages are fetched with requests; the link's description is indexed with the page."""
    import requests

    http = session or requests.Session()
    try:
        index = http.get(url, timeout=timeout)
        index.raise_for_status()
    except requests.RequestException as e:
        raise IndexError_(f"cannot read {url}: {e}") from None
    out = []
    from urllib.parse import urljoin

    for line in index.text.splitlines():
        m = _LLMS_LINK.match(line)
        if not m:
            continue
        title, link, about = m.group(1), urljoin(url, m.group(2)), m.group(3) or ""
        try:
            page = http.get(link, timeout=timeout)
            page.raise_for_status()
        except requests.RequestException as e:
            raise IndexError_(f"cannot read {link} (listed in {url}): {e}") from None
        text = page.text
        if not re.search(r"^#\s", text, re.M):
            text = f"# {title}\n\n{text}"
        human = re.sub(r"\.md$", "", link)
        out.append(Source(key=f"llms:{link}", digest=digest_bytes(text, about),
                          docs=lambda text=text, human=human, about=about, link=link:
                          _with_about(page_docs(link, text, human), about)))
    return out


def _with_about(docs: list[Doc], about: str) -> list[Doc]:
    if about and docs:
        docs[0].terms = (docs[0].terms + " " + about).strip()
    return docs


# --- resolved threads ------------------------------------------------------------------------

def thread_doc(thread_id: int, short_id: str, question: str, answer: str, link: str | None) -> Doc:
    first = re.sub(r"\s+", " ", question).strip()
    title = f"{short_id}: {first[:90]}{'…' if len(first) > 90 else ''}"
    return Doc(key=f"thread:{thread_id}", kind="thread", title=title, url=link,
               text=f"{answer}\n\nQuestion: {question}", terms="")


def thread_source(thread_id: int, short_id: str, question: str, answer: str, link: str | None) -> Source:
    return Source(key=f"thread:{thread_id}", digest=digest_bytes(question, answer, link or ""),
                  docs=lambda: [thread_doc(thread_id, short_id, question, answer, link)])
