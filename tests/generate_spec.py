"""Read OpenAPI 3.0/3.1 documents for the request generator, without bridgebot.

Written from the OpenAPI Specification (3.0.3 and 3.1.0) and JSON Schema, not from the checker's
spec loader, so that a mistake in the checker's reading of a spec is not shared by the generator
(``tests/test_generated_requests.py`` asserts that nothing here or in ``generate.py`` imports
bridgebot):

* a document is YAML or JSON (YAML timestamps stay strings: ``'2025-11-25'`` is text in OpenAPI);
* ``$ref`` is a JSON Pointer into the same document (RFC 6901: ``~1`` is ``/``, ``~0`` is ``~``);
* an operation's parameters are the path item's, overridden by the operation's own of the same
  ``name`` + ``in`` (OpenAPI "Path Item Object": "can be overridden at the operation level");
* security is the operation's ``security`` if it has one (``[]`` = none), else the document's;
  each requirement object is one alternative whose schemes must all be present, and an empty one
  ``{}`` makes authentication optional;
* a server URL may hold ``{variables}`` (their ``default``) and be relative.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

#: The operation keys of an OpenAPI path item.
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class _Loader(yaml.SafeLoader):
    """YAML 1.1 without timestamps: OpenAPI dates such as ``version: 2025-11-25`` are strings."""


_Loader.yaml_implicit_resolvers = {
    k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_document(path: str | Path) -> dict[str, Any]:
    text = Path(path).read_text(encoding="utf-8")
    if str(path).endswith(".json"):
        return json.loads(text)
    return yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)


def lookup(doc: dict[str, Any], ref: str) -> Any:
    """The node a local ``$ref`` points at (JSON Pointer, RFC 6901)."""
    if not ref.startswith("#"):
        raise ValueError(f"only local $ref is supported: {ref}")
    node: Any = doc
    for part in ref[2:].split("/") if ref != "#" else []:
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def deref(doc: dict[str, Any], obj: Any) -> Any:
    """Follow ``$ref`` until a node that is not a reference (parameters, bodies, schemes...)."""
    for _ in range(50):
        if isinstance(obj, dict) and "$ref" in obj:
            obj = lookup(doc, obj["$ref"])
        else:
            break
    return obj


@dataclass
class Server:
    host: str
    base_path: str
    description: str = ""


@dataclass
class Scheme:
    """One security scheme object (OpenAPI "Security Scheme Object")."""

    name: str
    type: str  # apiKey, http, oauth2, openIdConnect, mutualTLS
    location: str | None = None  # apiKey: header, query, cookie
    param_name: str | None = None  # apiKey: the header/query/cookie name
    scheme: str | None = None  # http: basic, bearer, ...


@dataclass
class Op:
    """One operation of one document: method (upper case) + path template, with its raw parts."""

    spec: "Spec" = field(repr=False)
    method: str
    path: str
    operation_id: str | None
    #: (in, name) -> parameter object (dereferenced), path item's overridden by the operation's
    params: dict[tuple[str, str], dict[str, Any]]
    #: The requestBody object (dereferenced), or None
    request_body: dict[str, Any] | None
    #: Alternatives, each a list of schemes that must all be sent; [] = no auth needed
    security: list[list[Scheme]]
    #: Some alternative needs nothing (an empty requirement ``{}``)
    auth_optional: bool
    raw: dict[str, Any] = field(repr=False, default_factory=dict)

    @property
    def base_path(self) -> str:
        return self.spec.server.base_path

    @property
    def host(self) -> str:
        return self.spec.server.host

    @property
    def label(self) -> str:
        return f"{self.method} {self.base_path}{self.path}"


@dataclass
class Spec:
    source: str
    doc: dict[str, Any] = field(repr=False)
    servers: list[Server]
    operations: list[Op] = field(default_factory=list, repr=False)
    _multi: set[str] | None = field(default=None, repr=False)

    @property
    def version(self) -> str:
        return str(self.doc.get("openapi", ""))

    @property
    def server(self) -> Server:
        """The server requests are sent to: the sandbox when the spec has one (the generated key is
        a test key, which a production host of such an API refuses), else the first."""
        for s in self.servers:
            if "sandbox" in s.host or "sandbox" in s.description.lower():
                return s
        return self.servers[0]

    def templates_matching(self, path: str) -> list[str]:
        """Every path template of the document a concrete path (below the base path) fits. A last
        parameter marked ``x-multi-segment: true`` (GitHub's ``{path}``, ``{ref}``) may hold slashes."""
        return [t for t in self.doc.get("paths") or {}
                if template_regex(t, t in self.multi_segment).fullmatch(path)]

    @property
    def multi_segment(self) -> set[str]:
        if self._multi is None:
            self._multi = set()
            for op in self.operations:
                names = re.findall(r"\{([^}/]+)\}$", op.path)
                p = op.params.get(("path", names[0])) if names else None
                if p is not None and p.get("x-multi-segment") is True:
                    self._multi.add(op.path)
        return self._multi

    def methods_for(self, path: str) -> set[str]:
        """The methods any template matching ``path`` takes (upper case)."""
        out: set[str] = set()
        for t in self.templates_matching(path):
            item = deref(self.doc, self.doc["paths"][t])
            out |= {m.upper() for m in item if m in HTTP_METHODS}
        return out


@lru_cache(maxsize=None)
def template_regex(template: str, multi_segment_last: bool = False) -> re.Pattern[str]:
    """A path template as a regex: each ``{name}`` is one non-empty segment part (OpenAPI: a path
    parameter's value holds no unescaped ``/``), except a last one that may hold several."""
    out, pos = "", 0
    found = list(re.finditer(r"\{[^}/]+\}", template))
    for i, m in enumerate(found):
        last = i == len(found) - 1 and m.end() == len(template)
        out += re.escape(template[pos:m.start()]) + (".+" if last and multi_segment_last else "[^/]+")
        pos = m.end()
    return re.compile(out + re.escape(template[pos:]))


def _servers(doc: dict[str, Any]) -> list[Server]:
    out = []
    for s in doc.get("servers") or [{"url": "/"}]:
        url = s.get("url") or "/"
        for name, var in (s.get("variables") or {}).items():
            url = url.replace("{" + name + "}", str(var.get("default", "")))
        parts = urlsplit(url)
        out.append(Server(host=parts.netloc or "api.example.com", base_path=parts.path.rstrip("/"),
                          description=str(s.get("description") or "")))
    return out


def _schemes(doc: dict[str, Any]) -> dict[str, Scheme]:
    out = {}
    for name, raw in ((doc.get("components") or {}).get("securitySchemes") or {}).items():
        raw = deref(doc, raw)
        out[name] = Scheme(name=name, type=raw.get("type", ""), location=raw.get("in"),
                           param_name=raw.get("name"), scheme=(raw.get("scheme") or "").lower() or None)
    return out


@lru_cache(maxsize=None)
def load(path: str) -> Spec:
    """The document at ``path`` with its operations (cached per path)."""
    doc = read_document(path)
    spec = Spec(source=str(path), doc=doc, servers=_servers(doc))
    schemes = _schemes(doc)
    top_security = doc.get("security") or []
    for template, item in (doc.get("paths") or {}).items():
        item = deref(doc, item)
        shared = [deref(doc, p) for p in item.get("parameters") or []]
        for method, raw in item.items():
            if method not in HTTP_METHODS or not isinstance(raw, dict):
                continue
            params: dict[tuple[str, str], dict[str, Any]] = {}
            for p in [*shared, *(deref(doc, p) for p in raw.get("parameters") or [])]:
                params[(p["in"], p["name"])] = p
            requirements = raw["security"] if "security" in raw else top_security
            alternatives = [[schemes[n] for n in req if n in schemes] for req in requirements]
            body = deref(doc, raw.get("requestBody"))
            spec.operations.append(Op(
                spec=spec, method=method.upper(), path=template, operation_id=raw.get("operationId"),
                params=params, request_body=body if isinstance(body, dict) else None,
                security=[a for a in alternatives if a], auth_optional=any(not a for a in alternatives),
                raw=raw))
    return spec
