"""The operation behind a pasted error, and the evidence for it (issue 11).

An error names its operation in many ways: a method and URL anywhere in the text (an exception,
a log line, an SDK's debug output, ``method: 'POST', url: '…'`` in a printed request), GitHub's
``documentation_url`` (its anchor names almost exactly one operation: the spec's externalDocs),
a GitHub Enterprise host (``https://HOST/api/v3/…``), or the fields of a body that fit only one
operation. Each way is named in the report (``evidence``) so a reader can judge it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..catalogs import catalogs
from ..model import Unresolved
from ..specs import CompiledSpec, Operation, SpecSet, _split_url

_HTTP = "GET|POST|PUT|PATCH|DELETE"
#: "POST https://api.github.com/user/repos", "Requesting POST api.stripe.com/v1/customers"
_METHOD_URL = re.compile(rf"\b({_HTTP})\b:?\s+[`'\"]?((?:https?://|(?:[\w-]+\.)+(?:com|xyz|io|net|org)/)[^\s`'\"<>|)\]]+)")
#: "POST /v1/customers" (a path alone; the spec's base path or none)
_METHOD_PATH = re.compile(rf"(?<![\w/])({_HTTP})\s+(/[\w{{}}/.~%-]*[\w}}])")
#: method: 'POST' … url: 'https://…' (a printed request object, JSON or JS)
_METHOD_KEY = re.compile(r"[\"']?method[\"']?\s*[:=]>?\s*[\"'](get|post|put|patch|delete|GET|POST|PUT|PATCH|DELETE)[\"']")
_URL_KEY = re.compile(r"[\"']?url[\"']?\s*[:=]>?\s*[\"'](https?://[^\"'\s]+)[\"']")
#: An API URL shown without its method ("Github query : https://api.github.com/search/code?q=…")
_BARE_API_URL = re.compile(r"(?<![\w/])https?://(?:api\.[\w.-]+|[\w.-]+/api/v3)/[^\s\"'`<>)\]|]+")
_DOCS = re.compile(r"https?://(?:docs\.github\.com|developer\.github\.com)/[^\s\"'`<>)]*#[\w-]+")

#: The evidence names (their words for people are in replies/check.txt.j2):
#: request, error_text, method_and_url, request_object, documentation_url, enterprise_host,
#: body_fields, nearest_request, url_single_method.


@dataclass(frozen=True)
class Mention:
    pos: int
    method: str
    url: str
    evidence: str


def mentions(text: str) -> list[Mention]:
    """Every method + URL the text shows, in order."""
    out: list[Mention] = []
    for m in _METHOD_URL.finditer(text):
        url = m.group(2).rstrip(".,:;")
        out.append(Mention(m.start(), m.group(1), url if "://" in url else "https://" + url, "method_and_url"))
    for m in _METHOD_PATH.finditer(text):
        out.append(Mention(m.start(), m.group(1), m.group(2), "method_and_url"))
    for m in _METHOD_KEY.finditer(text):
        window = text[max(0, m.start() - 600):m.end() + 600]
        urls = list(_URL_KEY.finditer(window))
        if urls:
            here = m.start() - max(0, m.start() - 600)
            url = min(urls, key=lambda u: abs(u.start() - here)).group(1)
            out.append(Mention(m.start(), m.group(1).upper(), url, "request_object"))
    out.sort(key=lambda x: x.pos)
    return out


def bare_urls(text: str) -> list[Mention]:
    """API URLs shown without a method (used only when the path takes a single method)."""
    return [Mention(m.start(), "", m.group(0).rstrip(".,:;"), "url_single_method") for m in _BARE_API_URL.finditer(text)]


def single_method_operation(specs: SpecSet, url: str) -> Operation | None:
    """The operation of ``url`` when its path takes exactly one method (GET /search/code)."""
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        op, _via = route(specs, method, url)
        if op is not None:
            methods = next((m for spec in specs.specs for t, m in spec.paths.items()
                            if op in m.values()), {})
            return op if len(methods) == 1 else None
    return None


def docs_urls(text: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group(0)) for m in _DOCS.finditer(text)]


def route(specs: SpecSet, method: str, url: str) -> tuple[Operation | None, str | None]:
    """The operation ``method url`` reaches, and the evidence ("enterprise_host" when the URL is
    an Enterprise Server one, ``/api/v3/…``)."""
    if "{var}" in url or isinstance(url, Unresolved):
        return None, None
    op = _match(specs, method, url)
    if op is not None:
        return op, None
    for cat in catalogs():
        base = cat.enterprise_base_path
        if base and base in url:
            path = url.split(base, 1)[1] or "/"
            for spec in specs.specs:
                if cat.hosts & spec.hosts:
                    found = spec.match_path(path.split("?")[0])
                    if found and method in spec.paths[found[0]]:
                        return spec.paths[found[0]][method], "enterprise_host"
    return None, None


def _match(specs: SpecSet, method: str, url: str) -> Operation | None:
    """SpecSet.route without the did-you-mean search it makes on a miss (a mention that is not an
    operation is common here, and that search costs milliseconds on GitHub's spec)."""
    host, path = _split_url(url)
    candidates = [s for s in specs.specs if host and host in s.hosts] or specs.specs
    for spec in candidates:
        for server in sorted(spec.servers, key=lambda s: -len(s.base_path)):
            if server.base_path and not (path == server.base_path or path.startswith(server.base_path + "/")):
                continue
            rest = path[len(server.base_path):] or "/"
            found = spec.match_path(rest) or spec.match_multi_segment(rest)
            if found:
                return specs._with_method(spec, found[0], found[1], method.upper(), server.base_path).operation
    return None


def empty_id_operation(specs: SpecSet, method: str, path: str) -> tuple[Operation | None, str | None]:
    """``GET /v1/customers/`` (an empty id): the operation with one more path parameter, and its name."""
    op = _match(specs, method, path.rstrip("/") + "/x")
    if op is None:
        return None, None
    names = re.findall(r"\{([^}]+)\}", op.path)
    return op, names[-1] if names else None


def _anchor_index(spec: CompiledSpec) -> dict[str, list[Operation]]:
    """The spec's operations by the anchor of their documentation URL, kept on the spec itself
    (an index kept by ``id(spec)`` served a freed spec's operations to the next spec given its id)."""
    index = spec.__dict__.get("_anchors")
    if index is None:
        index = {}
        for op in spec.operations:
            if op.docs_url and "#" in op.docs_url:
                index.setdefault(op.docs_url.rsplit("#", 1)[1], []).append(op)
        spec.__dict__["_anchors"] = index
    return index


def _doc_words(url: str) -> list[str]:
    # Left out: the language, "rest", a version ("2.20", "enterprise-server@3.10", "enterprise-cloud@latest").
    path = urlsplit(url).path
    return [w for w in re.split(r"[/]", path) if w and w not in ("rest", "v3", "reference", "en", "enterprise")
            and not re.fullmatch(r"[\d.]+|enterprise-\w+|[\w-]+@[\w.-]+", w)]


def docs_operation(specs: SpecSet, url: str) -> Operation | None:
    """The operation a GitHub ``documentation_url`` names by its anchor (None when it names several)."""
    anchor = url.rsplit("#", 1)[1] if "#" in url else ""
    if not anchor:
        return None
    found: list[Operation] = []
    for spec in specs.specs:
        found += _anchor_index(spec).get(anchor, [])
    if len(found) > 1:  # the same anchor on several pages: the page path decides
        words = _doc_words(url)
        same = [op for op in found if op.docs_url and _doc_words(op.docs_url)[:len(words)] == words]
        found = same or [op for op in found if op.docs_url and words and _doc_words(op.docs_url)[:1] == words[:1]]
    return found[0] if len(found) == 1 else None


def body_operation(specs: SpecSet, body: Any) -> Operation | None:
    """The one operation whose JSON body takes every key of ``body`` and whose required keys it has."""
    if not isinstance(body, dict) or len(body) < 2:
        return None
    keys = frozenset(k for k in body if isinstance(k, str))
    fits: list[Operation] = []
    for spec in specs.specs:
        table = spec.__dict__.get("_body_fields")  # kept on the spec, as _anchor_index's
        if table is None:
            table = []
            for op in spec.operations:
                for schema, _enc in op.body.values():
                    if schema is not None and schema.properties:
                        table.append((op, frozenset(schema.properties), frozenset(schema.required)))
                        break
            spec.__dict__["_body_fields"] = table
        fits += [op for op, props, required in table if keys <= props and required <= keys]
        if len(fits) > 1:
            return None
    return fits[0] if len(fits) == 1 else None
