"""Generate valid requests for spec operations, and requests with exactly one mistake.

Shared by ``tests/test_generated_requests.py`` and ``benchmarks/false_alarms.py``.

A valid request is drawn with hypothesis-jsonschema from the *raw* schemas of the spec document
(not the checker's compiled ones), prepared so that what is generated is what the API accepts
and what a developer would paste:

* ``$ref`` inlined; a recursive ``$ref`` is cut (an optional property or branch that recurses is
  left out; a required one makes the operation "could not generate");
* ``allOf`` members merged into one object (so ``additionalProperties: false`` can be added to
  the merged object without making the conjunction unsatisfiable);
* ``additionalProperties: false`` added to objects that declare properties and say nothing
  about extra keys (the checker reports undeclared fields, so valid examples must not invent
  keys); free-form maps get short ``[a-z_]`` key names;
* OpenAPI 3.0 ``nullable: true`` becomes a type list with ``"null"`` (JSON bodies only: a form
  has no way to send null);
* only the formats the checker itself validates are kept (``uuid`` gets a strategy, ``int32``/
  ``int64`` become bounds); ECMA-262 ``\\d``/``\\w`` in patterns are made ASCII;
* form bodies (Stripe) cannot carry empty arrays or objects, so those get ``minItems``/
  ``minProperties`` 1 (an optional one that can only be empty is left out).

Form bodies and queries are encoded the way Stripe documents them: ``a[b][c]=v``,
``a[0][x]=v`` for arrays of objects, ``a[]=v`` for arrays of scalars, ``true``/``false``.
"""

from __future__ import annotations

import copy
import json
import os
import random
import re
import signal
import sys
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote

from bridgebot.check.checker import check_request
from bridgebot.check.model import Finding, PastedRequest
from bridgebot.check.specs import Operation, SpecSet

#: The large real specs live in ../shared/specs beside the checkout (BRIDGEBOT_SHARED_SPECS overrides).
SPEC_DIR = Path(os.environ.get("BRIDGEBOT_SHARED_SPECS") or Path(__file__).resolve().parents[2] / "shared" / "specs")
STRIPE = SPEC_DIR / "stripe-2023-08-16.json"
GITHUB = SPEC_DIR / "github-rest.json"
DEFAULT_SPECS = (STRIPE, GITHUB)

#: The operation keys of an OpenAPI path item (written out here, not taken from the checker).
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

#: A Stripe-looking test key (the checker's auth check only needs a credential of the right kind).
TEST_KEY = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"

_KEEP = {
    "type", "enum", "const", "properties", "required", "additionalProperties", "items", "anyOf",
    "oneOf", "allOf", "not", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "multipleOf", "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems",
    "minProperties", "maxProperties", "format", "nullable", "discriminator",
}
_MAP_KEYS = "^[a-z][a-z_]{0,9}$"
#: String formats whose values are generated as such (written out here, not taken from the checker,
#: so a format the checker gets wrong is not shared by the generator).
CHECKED_FORMATS = frozenset({"date", "date-time", "email", "uuid", "uri", "ipv4", "ipv6"})


class CannotGenerate(Exception):
    """The operation's schemas cannot be turned into a valid example (the reason is the message)."""


class _Timeout(BaseException):
    pass


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise CannotGenerate when the block runs longer than ``seconds`` (main thread only)."""
    if not seconds:
        yield
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise _Timeout()

    old = signal.signal(signal.SIGALRM, on_alarm)
    old_hook = sys.unraisablehook

    def quiet(u: Any) -> None:  # the alarm landing in a gc callback is "ignored": say nothing
        if not isinstance(u.exc_value, _Timeout):
            old_hook(u)

    sys.unraisablehook = quiet
    # Repeat: an alarm that lands in a gc callback is swallowed ("Exception ignored in ...").
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.25)
    try:
        yield
    except _Timeout:
        raise CannotGenerate(f"timed out after {seconds:g}s") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        sys.unraisablehook = old_hook


# --- spec documents -----------------------------------------------------------------------------

_DOCS: dict[str, dict[str, Any]] = {}


def document(spec_path: str | Path) -> dict[str, Any]:
    key = str(spec_path)
    if key not in _DOCS:
        _DOCS[key] = json.loads(Path(spec_path).read_text())
    return _DOCS[key]


def load_specs(paths: tuple[str | Path, ...] | list[str | Path] = DEFAULT_SPECS) -> SpecSet:
    return SpecSet.load([str(p) for p in paths])


def spec_path_of(specs: SpecSet, op: Operation) -> str:
    for s in specs.specs:
        if s.name == op.spec:
            return s.source
    raise KeyError(op.spec)


def _lookup(doc: dict[str, Any], ref: str) -> Any:
    node: Any = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _deref(doc: dict[str, Any], obj: Any) -> Any:
    for _ in range(50):
        if isinstance(obj, dict) and "$ref" in obj:
            obj = _lookup(doc, obj["$ref"])
        else:
            break
    return obj


# --- preparing schemas for hypothesis-jsonschema ----------------------------------------------

class _Drop(Exception):
    """This (sub)schema cannot be generated: recursive, or cannot be sent in this encoding."""


def _ascii_pattern(p: str) -> str:
    """ECMA-262 ``\\d``/``\\w`` are ASCII-only; Python's are Unicode."""
    out, i, in_class = [], 0, False
    while i < len(p):
        c = p[i]
        if c == "\\" and i + 1 < len(p):
            nxt = p[i + 1]
            if nxt == "d":
                out.append("0-9" if in_class else "[0-9]")
            elif nxt == "w":
                out.append("A-Za-z0-9_" if in_class else "[A-Za-z0-9_]")
            else:
                out.append(p[i:i + 2])
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
        elif c == "]" and in_class:
            in_class = False
        out.append(c)
        i += 1
    return "".join(out)


class Preparer:
    """Turns a raw OpenAPI 3.0 schema into a self-contained JSON Schema that generates valid values."""

    def __init__(self, doc: dict[str, Any], mode: str) -> None:
        self.doc = doc
        self.mode = mode  # "json" or "form"
        self.max_depth = 14

    def prepare(self, raw: Any, root: bool = False) -> Any:
        """``root``: a form body, which may be empty (then nothing is sent)."""
        try:
            out = self._prep(raw, (), 0)
        except _Drop as e:
            raise CannotGenerate(str(e)) from None
        if root and self.mode == "form" and isinstance(out, dict):
            out.pop("minProperties", None)
        if root and self.mode == "json" and isinstance(out, dict) and isinstance(out.get("type"), list):
            # a body that is JSON `null` is not what anyone sends
            rest = [t for t in out["type"] if t != "null"]
            out["type"] = rest[0] if len(rest) == 1 else rest
        return out

    def _prep(self, raw: Any, stack: tuple[str, ...], depth: int, in_allof: bool = False) -> Any:
        while isinstance(raw, dict) and "$ref" in raw:
            ref = raw["$ref"]
            if ref in stack:
                raise _Drop(f"recursive schema {ref}")
            stack = (*stack, ref)
            raw = _lookup(self.doc, ref)
        if depth > self.max_depth:
            raise _Drop("schema nested too deeply")
        if raw is True or raw is None:
            raw = {}
        if raw is False:
            raise _Drop("schema is false")
        if not isinstance(raw, dict):
            return raw
        form = self.mode == "form"
        out: dict[str, Any] = {}
        for k, v in raw.items():
            if k not in _KEEP:
                continue
            out[k] = v
        nullable = bool(out.pop("nullable", False))
        disc = out.pop("discriminator", None)
        t = out.get("type")
        types = [t] if isinstance(t, str) else list(t) if isinstance(t, list) else None
        if types is not None:
            if form:
                types = [x for x in types if x != "null"]
                if not types:
                    raise _Drop("null cannot be sent in a form")
            elif nullable and "null" not in types:
                types.append("null")
            out["type"] = types[0] if len(types) == 1 else types
        if "enum" in out and form:
            out["enum"] = [v for v in out["enum"] if v is not None]
            if not out["enum"]:
                raise _Drop("null cannot be sent in a form")
        # 3.0 boolean exclusive bounds → numbers
        for ex, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
            if out.get(ex) is True and bound in out:
                out[ex] = out.pop(bound)
            elif isinstance(out.get(ex), bool):
                out.pop(ex)
        fmt = out.get("format")
        if fmt in ("int32", "int64"):
            lim = 2**31 if fmt == "int32" else 2**63
            out["minimum"] = max(out.get("minimum", -lim), -lim)
            out["maximum"] = min(out.get("maximum", lim - 1), lim - 1)
            out.pop("format")
        elif fmt is not None and fmt not in CHECKED_FORMATS:
            out.pop("format")
        if isinstance(out.get("pattern"), str):
            out["pattern"] = _ascii_pattern(out["pattern"])
        # objects
        if isinstance(out.get("properties"), dict):
            props = {}
            required = list(out.get("required") or [])
            for name, sub in out["properties"].items():
                if isinstance(_deref(self.doc, sub), dict) and _deref(self.doc, sub).get("readOnly") is True:
                    # readOnly: set by the API, never sent in a request (the checker flags it)
                    if name in required:
                        required.remove(name)
                        out["required"] = required
                    continue
                try:
                    props[name] = self._prep(sub, stack, depth + 1)
                except _Drop as e:
                    if name in required:
                        raise _Drop(f"required `{name}`: {e}") from None
            out["properties"] = props
        ap = out.get("additionalProperties")
        if isinstance(ap, dict):
            try:
                out["additionalProperties"] = self._prep(ap, stack, depth + 1)
            except _Drop:
                out["additionalProperties"] = False
        for key in ("anyOf", "oneOf"):
            if isinstance(out.get(key), list):
                branches = []
                for b in out[key]:
                    try:
                        branches.append(self._prep(b, stack, depth + 1))
                    except _Drop as e:
                        last = e
                if not branches:
                    raise _Drop(f"no {key} branch can be generated ({last})")
                out[key] = branches
        if isinstance(out.get("not"), dict):
            try:
                out["not"] = self._prep(out["not"], stack, depth + 1)
            except _Drop:
                out.pop("not")
        if isinstance(out.get("items"), dict):
            try:
                out["items"] = self._prep(out["items"], stack, depth + 1)
            except _Drop as e:
                if (out.get("minItems") or 0) > 0 or form:
                    raise
                out.pop("items")
                out["maxItems"] = 0
        if isinstance(out.get("allOf"), list):
            members = [self._prep(m, stack, depth + 1, in_allof=True) for m in out.pop("allOf")]
            for m in members:
                out = _merge(out, m)
        if "type" not in out and ("properties" in out or "additionalProperties" in out):
            out["type"] = "object"  # what the author means (and what the checker assumes)
        is_object = out.get("type") == "object" or (isinstance(out.get("type"), list) and "object" in out["type"])
        has_props = bool(out.get("properties"))
        branched = bool(out.get("anyOf") or out.get("oneOf"))
        if not in_allof and is_object:
            if has_props and "additionalProperties" not in out:
                out["additionalProperties"] = False
            elif not has_props and "additionalProperties" not in out and not branched:
                # free-form: anything goes for the checker; keep it small and encodable
                out["additionalProperties"] = {"type": "string", "maxLength": 12, "x-bb-free": True} if form else {
                    "type": ["string", "integer", "boolean"], "x-bb-free": True}
            if out.get("additionalProperties") not in (None, False):
                out.setdefault("propertyNames", {"pattern": _MAP_KEYS})
                out["maxProperties"] = min(out.get("maxProperties", 3), max(3, len(out.get("required") or [])
                                                                            + len(out.get("properties") or {})))
            if form:
                if not has_props and out.get("additionalProperties") is False:
                    if depth == 0:
                        out["maxProperties"] = 0  # a form body that takes no fields: send none
                    else:
                        raise _Drop("an empty object cannot be sent in a form")
                else:
                    out["minProperties"] = max(1, out.get("minProperties", 0))
        is_array = out.get("type") == "array" or (isinstance(out.get("type"), list) and "array" in out["type"])
        if form and is_array:
            if out.get("maxItems") == 0:
                raise _Drop("an empty array cannot be sent in a form")
            out["minItems"] = max(1, out.get("minItems", 0))
        if disc and isinstance(disc, dict):
            out["x-bb-discriminator"] = disc.get("propertyName")
        return out


def _merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for k, v in b.items():
        if k == "properties":
            props = dict(out.get("properties") or {})
            for name, sub in v.items():
                props[name] = {"allOf": [props[name], sub], "x-bb-conflict": True} if name in props and \
                    props[name] != sub else sub
            out["properties"] = props
        elif k == "required":
            out["required"] = list(dict.fromkeys([*(out.get("required") or []), *v]))
        elif k == "type" and "type" in out and out["type"] != v:
            ta = set([out["type"]] if isinstance(out["type"], str) else out["type"])
            tb = set([v] if isinstance(v, str) else v)
            both = ta & tb
            if not both:
                raise _Drop("allOf members disagree on the type")
            out["type"] = sorted(both)[0] if len(both) == 1 else sorted(both)
        elif k not in out or out[k] == v:
            out[k] = v
        else:
            out.setdefault("allOf", []).append({k: v})
            out["x-bb-conflict"] = True
    return out


# --- generation ---------------------------------------------------------------------------------

def _custom_formats() -> dict[str, Any]:
    from hypothesis import strategies as st
    return {"uuid": st.uuids().map(str)}


@dataclass
class Part:
    """One generated part of a request (the query as one object, the body) with its schema."""

    location: str  # "query" or "body"
    style: str  # "form", "json", "multipart", "raw"
    schema: Any
    #: query: param name → (style, explode)
    encodings: dict[str, tuple[str, bool]] = field(default_factory=dict)


@dataclass
class Case:
    """Everything needed to build (and mutate) requests for one operation."""

    spec_name: str
    op: Operation
    host: str
    base_path: str
    path_schema: dict[str, Any]
    header_schema: dict[str, Any]
    query: Part
    body: Part | None
    content_type: str | None
    auth: dict[str, Any]
    #: Form arrays of scalars as ``a[0]=v`` (else ``a[]=v``).
    indexed_arrays: bool = False
    #: Generated values: dicts with keys path, header, query, body
    examples: list[dict[str, Any]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.op.method} {self.op.base_path}{self.op.path}"


def _raw_op(doc: dict[str, Any], op: Operation) -> tuple[dict[str, Any], list[Any]]:
    item = _deref(doc, doc["paths"][op.path])
    return item[op.method.lower()], list(item.get("parameters") or [])


def _preferred_media(content: dict[str, Any]) -> str:
    keys = list(content)
    for want in ("application/json", "application/x-www-form-urlencoded"):
        if want in keys:
            return want
    for k in keys:
        if "json" in k:
            return k
    return keys[0]


_PATH_VALUE = "^id[0-9]{2,5}$"


def build_case(specs: SpecSet, op: Operation, seed: int = 0) -> Case:
    """Prepare the schemas of ``op`` (raises CannotGenerate). ``seed`` picks the auth alternative
    and how form arrays of scalars are written (``a[]=`` or ``a[0]=``)."""
    rng = random.Random(zlib.crc32(f"{seed}:{op.method} {op.path}".encode()))
    spec = next(s for s in specs.specs if s.name == op.spec)
    doc = document(spec.source)
    raw, shared = _raw_op(doc, op)
    server = spec.servers[0]
    params: dict[tuple[str, str], Any] = {}
    for p in [*shared, *(raw.get("parameters") or [])]:
        p = _deref(doc, p)
        params[(p["in"], p["name"])] = p
    auth = _auth_for(op, rng)
    indexed = rng.random() < 0.5
    json_prep = Preparer(doc, "json")
    form_prep = Preparer(doc, "form")
    path_props, path_req = {}, []
    header_props, header_req = {}, []
    query_props, query_req, encodings = {}, [], {}
    for (loc, name), p in params.items():
        schema = p.get("schema")
        if schema is None and isinstance(p.get("content"), dict) and p["content"]:
            schema = next(iter(p["content"].values())).get("schema")
        if schema is None:
            schema = {"type": "string"}
        required = bool(p.get("required")) or loc == "path"
        if loc == "path":
            s = form_prep.prepare(schema)
            if s.get("type") in ("string", None) and not ({"pattern", "enum", "format", "const"} & set(s)) \
                    and not s.get("anyOf") and not s.get("oneOf"):
                if (s.get("maxLength") or 99) >= 7 and (s.get("minLength") or 0) <= 4:
                    s = {**s, "type": "string", "pattern": _PATH_VALUE}
            elif s.get("type") == "string":
                s.setdefault("minLength", 1)
            path_props[name] = s
            path_req.append(name)
        elif loc == "header":
            if not required:
                continue
            if name.lower() == "idempotency-key":
                header_props[name] = {"type": "string", "format": "uuid"}
            else:
                s = form_prep.prepare(schema)
                if s.get("type") in ("string", None) and not ({"pattern", "enum", "format", "const"} & set(s)):
                    s = {**s, "type": "string", "pattern": "^[a-z][a-z0-9]{3,10}$"}
                header_props[name] = s
            header_req.append(name)
        elif loc == "query":
            if any(sc.location == "query" and sc.param_name == name for alt in auth["schemes"] for sc in alt):
                continue
            try:
                query_props[name] = form_prep.prepare(schema)
            except CannotGenerate:
                if required:
                    raise
                continue
            if required:
                query_req.append(name)
            style = p.get("style") or "form"
            encodings[name] = (style, bool(p.get("explode", style == "form")))
    query_schema = {"type": "object", "properties": query_props, "required": query_req,
                    "additionalProperties": False}
    body = None
    content_type = None
    rb = _deref(doc, raw.get("requestBody"))
    if isinstance(rb, dict) and rb.get("content"):
        content_type = _preferred_media(rb["content"])
        media = rb["content"][content_type] or {}
        if "json" in content_type:
            style = "json"
        elif content_type == "application/x-www-form-urlencoded":
            style = "form"
        elif content_type.startswith("multipart/"):
            style = "multipart"
        else:
            style = "raw"
        schema = media.get("schema") or {}
        prepared = (form_prep if style in ("form", "multipart") else json_prep).prepare(schema, root=True)
        if style in ("form", "multipart") and rb.get("required"):
            prepared["minProperties"] = max(1, prepared.get("minProperties", 0))
        if style == "raw" and prepared.get("type") in (None, "string"):
            prepared = {**prepared, "type": "string", "minLength": max(1, prepared.get("minLength", 0))}
            prepared.pop("format", None)
        body = Part("body", style, prepared)
    return Case(spec_name=op.spec, op=op, host=server.host or "api.example.com", base_path=op.base_path,
                path_schema={"type": "object", "properties": path_props, "required": path_req,
                             "additionalProperties": False},
                header_schema={"type": "object", "properties": header_props, "required": header_req,
                               "additionalProperties": False},
                query=Part("query", "form", query_schema, encodings), body=body, content_type=content_type,
                auth=auth, indexed_arrays=indexed)


def richify(schema: Any, levels: int = 2) -> Any:
    """The same schema with every property required in the top ``levels`` object levels."""
    if not isinstance(schema, dict) or levels <= 0:
        return schema
    out = dict(schema)
    props = out.get("properties")
    if isinstance(props, dict) and props:
        out["properties"] = {k: richify(v, levels - 1) for k, v in props.items()}
        out["required"] = list(props)
        if "maxProperties" in out:
            out["maxProperties"] = max(out["maxProperties"], len(props))
    for key in ("anyOf", "oneOf"):
        if isinstance(out.get(key), list):
            out[key] = [richify(b, levels) for b in out[key]]
    if isinstance(out.get("items"), dict):
        out["items"] = richify(out["items"], levels)
    return out


def _draw(strategy: Any, n: int, seed: int, deadline: float) -> list[Any]:
    from hypothesis import HealthCheck, Phase, find, settings
    from hypothesis.errors import NoSuchExample

    seen: list[Any] = []

    def enough(x: Any) -> bool:
        seen.append(copy.deepcopy(x))
        return len(seen) >= n or time.monotonic() > deadline

    try:
        find(strategy, enough, settings=settings(
            database=None, max_examples=max(50, n * 10), phases=[Phase.generate], deadline=None,
            suppress_health_check=list(HealthCheck)), random=random.Random(seed))
    except NoSuchExample:
        pass
    return seen


def generate(case: Case, seed: int = 0, n: int = 3, budget: float | None = 10.0,
             soft_deadlines: bool = True, rich_draws: int = 8) -> list[dict[str, Any]]:
    """Draw examples: up to ``n`` from the schemas as they are (the first is hypothesis' simplest),
    then one where every property of the top two levels is present. Raises CannotGenerate.

    ``budget`` is a hard limit (past it, what was drawn is kept, or CannotGenerate). With
    ``soft_deadlines`` drawing also stops early at 40% / 90% of it, which bounds the time but makes
    the examples of slow operations depend on the machine's speed; without, only counts decide.
    """
    import warnings

    from hypothesis import strategies as st
    from hypothesis.errors import HypothesisException
    from hypothesis_jsonschema import from_schema

    start = time.monotonic()
    total = budget if (budget and soft_deadlines) else 1e9
    examples: list[dict[str, Any]] = []
    errors: list[str] = []
    formats = _custom_formats()

    def strategy(rich: bool) -> Any:
        q = richify(case.query.schema) if rich else case.query.schema
        b = (richify(case.body.schema) if rich else case.body.schema) if case.body else None
        return st.fixed_dictionaries({
            "path": from_schema(case.path_schema, custom_formats=formats),
            "header": from_schema(case.header_schema, custom_formats=formats),
            "query": from_schema(q, custom_formats=formats),
            "body": from_schema(b, custom_formats=formats) if case.body else st.none(),
        })

    try:
        with time_limit(budget), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for rich, count, share in ((False, n, 0.4), (True, rich_draws, 0.9)):
                try:
                    got = _draw(strategy(rich), count, seed, start + total * share)
                except (HypothesisException, RecursionError, ValueError, TypeError, KeyError, re.error) as e:
                    text = str(e).splitlines()[0][:120] if str(e) else ""
                    errors.append(f"{e.__class__.__name__}: {text}")
                    continue
                if rich and len(got) > 1:
                    # the first rich examples have only empty strings and zeros
                    got = [max(got[1:], key=lambda e: (nontrivial(e), leaf_count(e)))]
                examples += got
    except CannotGenerate as e:  # out of time: keep what was drawn
        if not examples:
            raise CannotGenerate(f"{e} ({errors[0]})" if errors else str(e)) from None
    if not examples:
        raise CannotGenerate(errors[0] if errors else "hypothesis found no example")
    case.examples = examples
    return examples


def leaf_count(value: Any) -> int:
    if isinstance(value, dict):
        return sum(leaf_count(v) for v in value.values()) + 1
    if isinstance(value, list):
        return sum(leaf_count(v) for v in value) + 1
    return 1


def nontrivial(value: Any) -> int:
    """How many values are not empty strings, zeros or false."""
    if isinstance(value, dict):
        return sum(nontrivial(v) for v in value.values())
    if isinstance(value, list):
        return sum(nontrivial(v) for v in value)
    return 0 if value in ("", 0, False, None) else 1


def pick_examples(case: Case) -> list[dict[str, Any]]:
    """The simplest example and the richest one, without duplicates."""
    ex = case.examples
    if not ex:
        return []
    rich = max(ex, key=lambda e: (nontrivial(e), leaf_count(e)))
    return [ex[0]] if rich == ex[0] else [ex[0], rich]


# --- auth ---------------------------------------------------------------------------------------

def _auth_for(op: Operation, rng: random.Random | None = None) -> dict[str, Any]:
    """Headers / basic auth / query pairs that satisfy one alternative of ``op.security``."""
    out: dict[str, Any] = {"headers": [], "basic": None, "query": [], "schemes": op.security}
    if not op.security:
        return out
    alt = rng.choice(op.security) if rng else op.security[0]
    for s in alt:
        if s.type == "apiKey" and s.location == "header":
            out["headers"].append((s.param_name, TEST_KEY))
        elif s.type == "apiKey" and s.location == "query":
            out["query"].append((s.param_name, TEST_KEY))
        elif s.type == "apiKey" and s.location == "cookie":
            out["headers"].append(("Cookie", f"{s.param_name}={TEST_KEY}"))
        elif s.type == "http" and s.scheme == "basic":
            out["basic"] = TEST_KEY + ":"
        elif s.type == "http":
            out["headers"].append(("Authorization", f"Bearer {TEST_KEY}"))
        else:  # oauth2, openIdConnect
            out["headers"].append(("Authorization", f"Bearer {TEST_KEY}"))
    return out


# --- encoding -----------------------------------------------------------------------------------

def scalar_text(v: Any) -> str:
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)
    return str(v)


def form_pairs(key: str, value: Any, indexed: bool = False) -> list[tuple[str, str]]:
    """Stripe's encoding: ``a[b][c]=v``, ``a[0][x]=v``, ``a[]=v`` (or ``a[0]=v``) for arrays of scalars."""
    if isinstance(value, dict):
        out = []
        for k, v in value.items():
            out += form_pairs(f"{key}[{k}]", v, indexed)
        return out
    if isinstance(value, list):
        if not indexed and all(not isinstance(v, (dict, list)) for v in value):
            return [(f"{key}[]", scalar_text(v)) for v in value]
        out = []
        for i, v in enumerate(value):
            out += form_pairs(f"{key}[{i}]", v, indexed)
        return out
    return [(key, scalar_text(value))]


def encode_pairs(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{quote(k, safe='[]')}={quote(v, safe='')}" for k, v in pairs)


def query_pairs(case: Case, query: dict[str, Any], aliases: dict[str, str] | None = None) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for name, value in query.items():
        style, explode = case.query.encodings.get((aliases or {}).get(name, name), ("form", True))
        if style == "deepObject" or (isinstance(value, (dict, list)) and style not in ("form", "spaceDelimited",
                                                                                          "pipeDelimited")):
            out += form_pairs(name, value, case.indexed_arrays)
        elif isinstance(value, list):
            if explode and style == "form":
                out += [(name, scalar_text(v)) for v in value]
            else:
                sep = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(style, ",")
                out.append((name, sep.join(scalar_text(v) for v in value)))
        elif isinstance(value, dict):
            if explode:
                out += [(k, scalar_text(v)) for k, v in value.items()]
            else:
                out.append((name, ",".join(f"{k},{scalar_text(v)}" for k, v in value.items())))
        else:
            out.append((name, scalar_text(value)))
    return out


def build_request(case: Case, example: dict[str, Any], method: str | None = None,
                  aliases: dict[str, str] | None = None) -> PastedRequest:
    path = case.op.path
    for name, value in example["path"].items():
        path = path.replace("{" + name + "}", quote(scalar_text(value), safe=""))
    pairs = query_pairs(case, example["query"], aliases) + list(case.auth["query"])
    url = f"https://{case.host}{case.base_path}{path}" + (f"?{encode_pairs(pairs)}" if pairs else "")
    headers: list[tuple[str, str]] = list(case.auth["headers"])
    for name, value in example["header"].items():
        headers.append((name, scalar_text(value)))
    body: str | None = None
    form_fields = None
    source = "curl"
    if case.body is not None and example["body"] is not None:
        b = example["body"]
        style = case.body.style
        if style == "json":
            body = json.dumps(b, ensure_ascii=False)
            headers.append(("Content-Type", case.content_type or "application/json"))
        elif style == "form":
            pairs = []
            for k, v in (b or {}).items():
                pairs += form_pairs(k, v, case.indexed_arrays)
            if pairs:
                body = encode_pairs(pairs)
                headers.append(("Content-Type", case.content_type or "application/x-www-form-urlencoded"))
        elif style == "multipart":
            pairs = []
            for k, v in (b or {}).items():
                pairs += form_pairs(k, v, case.indexed_arrays)
            form_fields = pairs
        else:
            body = b if isinstance(b, str) else json.dumps(b)
            headers.append(("Content-Type", case.content_type or "text/plain"))
    return PastedRequest(method=method or case.op.method, url=url, headers=headers, body=body,
                         form_fields=form_fields, source=source, basic_auth=case.auth["basic"])


def as_curl(req: PastedRequest) -> str:
    parts = ["curl"]
    if req.method != "GET":
        parts.append(f"-X {req.method}")
    parts.append(_sh(req.url))
    if req.basic_auth:
        parts.append(f"-u {_sh(req.basic_auth)}")
    for k, v in req.headers:
        parts.append(f"-H {_sh(f'{k}: {v}')}")
    if req.body is not None:
        parts.append(f"-d {_sh(req.body)}")
    for k, v in req.form_fields or []:
        parts.append(f"-F {_sh(f'{k}={v}')}")
    return " ".join(parts)


def _sh(s: str) -> str:
    return "'" + s.replace("'", "'\\''") + "'"


# --- walking generated values with their schemas (mutation sites) ------------------------------

def field_name(style: str, path: tuple[Any, ...]) -> str:
    """The checker's notation: forms ``a[b][0][c]``, JSON ``a.b[0].c``."""
    if not path:
        return ""
    if style != "json":
        return str(path[0]) + "".join(f"[{p}]" for p in path[1:])
    out = ""
    for p in path:
        if isinstance(p, int):
            out += f"[{p}]"
        elif re.fullmatch(r"[A-Za-z_$][\w$-]*", str(p)):
            out += ("." if out else "") + str(p)
        else:
            out += f"[{json.dumps(p)}]"
    return out


def _json_type(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "integer" if v.is_integer() else "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, dict):
        return "object"
    return "array"


def _wire_types(v: Any, form: bool) -> set[str]:
    """The JSON types the checker may read ``v`` as (a form scalar is a string that may cast)."""
    t = _json_type(v)
    if not form or t in ("object", "array"):
        return {t, "number"} if t == "integer" else {t}
    s = scalar_text(v)
    out = {"string"}
    if re.fullmatch(r"-?\d+", s):
        out |= {"integer", "number"}
    if re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", s):
        out.add("number")
    if s in ("true", "false"):
        out.add("boolean")
    if s == "":
        out.add("null")
    return out


def _schema_types(s: Any, depth: int = 0) -> set[str] | None:
    if not isinstance(s, dict):
        return None
    t = s.get("type")
    if t is not None:
        ts = {t} if isinstance(t, str) else set(t)
        return ts | ({"number"} if "integer" in ts else set())
    if "enum" in s:
        return {_json_type(v) for v in s["enum"]}
    if "const" in s:
        return {_json_type(s["const"])}
    br = s.get("anyOf") or s.get("oneOf")
    if br and depth < 10:
        out: set[str] = set()
        for b in br:
            bt = _schema_types(b, depth + 1)
            if bt is None:
                return None
            out |= bt
        return out
    if "properties" in s:
        return {"object"}
    return None


@dataclass
class Site:
    path: tuple[Any, ...]
    schema: dict[str, Any]
    value: Any
    parent: Any  # the containing dict/list, or None for the root
    #: Reached through an anyOf/oneOf picked by this value's type (a new type may pick another).
    via_branch: bool = False


def walk(schema: Any, value: Any, form: bool, path: tuple[Any, ...] = (), parent: Any = None,
         via_branch: bool = False, query: bool = False) -> Iterator[Site]:
    """Positions in ``value`` where one change has one predictable finding."""
    if not isinstance(schema, dict) or schema.get("x-bb-conflict") or schema.get("allOf") or schema.get("not"):
        return
    branches = schema.get("anyOf") or schema.get("oneOf")
    if branches:
        if {"properties", "items", "enum", "type", "const"} & set(schema):
            return
        if not isinstance(value, (dict, list)):
            # a scalar: the mutations look at all branches (see _branch_union)
            yield Site(path, schema, value, parent, True)
            return
        wire = _wire_types(value, form)
        if query and len(path) == 1 and isinstance(value, list) and len(value) == 1:
            wire |= _wire_types(value[0], form)  # `k=v` is both a list of one and a scalar
        compatible = [b for b in branches
                      if (_schema_types(b) is None) or (_schema_types(b) & wire)]
        if len(compatible) != 1:
            return
        yield from walk(compatible[0], value, form, path, parent, via_branch=True, query=query)
        return
    yield Site(path, schema, value, parent, via_branch)
    if isinstance(value, dict):
        props = schema.get("properties") or {}
        ap = schema.get("additionalProperties")
        for k, v in value.items():
            # keys of a free-form object take anything (the schema given to hypothesis is ours)
            sub = props.get(k, ap if isinstance(ap, dict) and not ap.get("x-bb-free") else None)
            if sub is not None:
                yield from walk(sub, v, form, (*path, k), value, query=query)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, v in enumerate(value):
            yield from walk(schema["items"], v, form, (*path, i), value, query=query)


# --- mutations ------------------------------------------------------------------------------------

MUTATION_KINDS = ("missing_required", "wrong_type", "invalid_enum", "unknown_param", "wrong_method")


@dataclass
class Mutation:
    kind: str
    location: str
    field: str
    description: str
    example: dict[str, Any]
    method: str | None = None
    #: For unknown_param: the field the checker should suggest.
    suggest: str | None = None
    #: Misspelled query name → the parameter whose encoding it keeps.
    aliases: dict[str, str] = field(default_factory=dict)


def _set_in(root: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    node: Any = root
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value


def _del_in(root: dict[str, Any], path: tuple[Any, ...]) -> None:
    node: Any = root
    for p in path[:-1]:
        node = node[p]
    del node[path[-1]]


def _swap(name: str, taken: set[str]) -> str | None:
    if len(name) < 4:
        return None
    mid = len(name) // 2 - 1
    for i in [mid, *range(1, len(name) - 1)]:
        if i + 1 >= len(name) or name[i] == name[i + 1] or not (name[i].isalpha() and name[i + 1].isalpha()):
            continue
        out = name[:i] + name[i + 1] + name[i] + name[i + 2:]
        if out not in taken:
            return out
    return None


def _short_repr(v: Any, n: int = 40) -> str:
    r = repr(v)
    return r if len(r) <= n else r[: n - 1] + "…"


def _branch_union(branches: list[Any]) -> set[str] | None:
    out: set[str] = set()
    for b in branches:
        t = _schema_types(b)
        if t is None:
            return None
        out |= t
    return out


def _string_enum(schema: Any) -> bool:
    """A schema that only takes some strings (so any other string is an invalid_enum)."""
    if not isinstance(schema, dict) or not schema.get("enum"):
        return False
    if not all(isinstance(v, str) for v in schema["enum"] if v is not None):
        return False
    return _single_type(schema) in (None, "string")


def _single_type(schema: dict[str, Any]) -> str | None:
    t = schema.get("type")
    if isinstance(t, list):
        rest = [x for x in t if x != "null"]
        t = rest[0] if len(rest) == 1 else None
    return t if isinstance(t, str) else None


def mutations(case: Case, example: dict[str, Any], seed: int = 0, methods: list[str] | None = None) -> list[Mutation]:
    """One mutation per kind and location (body, query) where the spec allows one, chosen by ``seed``."""
    rng = random.Random(zlib.crc32(f"{seed}:{case.label}".encode()))
    out: list[Mutation] = []
    parts = [("query", case.query, example["query"])]
    if case.body is not None and case.body.style in ("json", "form", "multipart") and isinstance(example["body"], dict):
        parts.append(("body", case.body, example["body"]))
    for loc, part, value in parts:
        form = part.style != "json"
        style = "json" if part.style == "json" else "form"
        sites = list(walk(part.schema, value, form, query=loc == "query"))
        objects = [s for s in sites if isinstance(s.value, dict)]
        leaves = [s for s in sites if not isinstance(s.value, (dict, list))]

        def mutated(path: tuple[Any, ...], new: Any = None, delete: bool = False, rename: str | None = None) -> dict[str, Any]:
            ex = copy.deepcopy(example)
            if delete:
                _del_in(ex[loc], path)
            elif rename is not None:
                node: Any = ex[loc]
                for p in path[:-1]:
                    node = node[p]
                node[rename] = node.pop(path[-1])
            else:
                _set_in(ex[loc], path, new)
            return ex

        # missing_required
        cands = []
        for s in objects:
            disc = s.schema.get("x-bb-discriminator")
            for r in s.schema.get("required") or []:
                if r not in s.value or r == disc:
                    continue
                if form and len(s.value) < 2 and (s.path or loc == "body"):
                    continue  # the object would vanish from the form
                cands.append((*s.path, r))
        if cands:
            p = rng.choice(cands)
            out.append(Mutation("missing_required", loc, field_name(style, p), f"dropped {field_name(style, p)}",
                                mutated(p, delete=True)))
        # wrong_type
        cands = []
        for s in leaves:
            if not s.path or "enum" in s.schema or "const" in s.schema:
                continue
            branches = s.schema.get("anyOf") or s.schema.get("oneOf")
            if branches:
                union = _branch_union(branches)
                if union is None:
                    continue
                if form:
                    if "string" not in union:
                        cands.append((s, "abc"))
                    continue
                new = next((v for v in (True, "abc", 12345) if not _wire_types(v, False) & union), None)
                if new is not None:
                    cands.append((s, new))
                continue
            if s.via_branch:
                continue
            t = _single_type(s.schema)
            if t in ("integer", "number", "boolean"):
                cands.append((s, "abc" if form else ("abc" if t != "boolean" else "true")))
            elif t == "string" and not form:
                cands.append((s, 12345))
            elif t == "string" and loc == "body" and isinstance(s.parent, dict):
                cands.append((s, {"x": "1"}))  # `name[x]=1`: an object where a string goes
        if cands:
            s, new = rng.choice(cands)
            out.append(Mutation("wrong_type", loc, field_name(style, s.path),
                                f"{field_name(style, s.path)}: {_short_repr(s.value)} -> {new!r}",
                                mutated(s.path, new)))
        # invalid_enum
        cands = []
        for s in leaves:
            if not s.path:
                continue
            branches = s.schema.get("anyOf") or s.schema.get("oneOf")
            alts = branches if branches else [s.schema]
            if not all(_string_enum(b) for b in alts) or (s.via_branch and not branches):
                continue
            cands.append(s)
        if cands:
            s = rng.choice(cands)
            new = "zz_not_a_value"
            out.append(Mutation("invalid_enum", loc, field_name(style, s.path),
                                f"{field_name(style, s.path)}: {_short_repr(s.value)} -> {new!r}",
                                mutated(s.path, new)))
        # unknown_param (misspelled optional field)
        cands = []
        for s in objects:
            props = s.schema.get("properties") or {}
            if not props or s.schema.get("additionalProperties") not in (None, False):
                continue
            required = set(s.schema.get("required") or [])
            for k in s.value:
                if k in required or k not in props:
                    continue
                bad = _swap(k, set(props) | set(s.value))
                if bad is not None:
                    cands.append((s, k, bad))
        if cands:
            s, k, bad = rng.choice(cands)
            out.append(Mutation("unknown_param", loc, field_name(style, (*s.path, bad)),
                                f"{field_name(style, (*s.path, k))} misspelled as {bad}",
                                mutated((*s.path, k), rename=bad), suggest=k,
                                aliases={bad: k} if loc == "query" and not s.path else {}))
    # wrong_method
    spec_methods = set(methods or [case.op.method])
    for m in ("GET", "POST", "DELETE", "PATCH", "PUT"):
        if m not in spec_methods:
            out.append(Mutation("wrong_method", "url", "method", f"{case.op.method} -> {m}", example, method=m))
            break
    return out


# --- evaluation -----------------------------------------------------------------------------------

def exact_match(m: Mutation, findings: list[Finding]) -> bool:
    if len(findings) != 1:
        return False
    f = findings[0]
    if f.kind != m.kind or f.field != m.field:
        return False
    if m.suggest is not None and m.suggest not in f.suggestions:
        return False
    return True


@dataclass
class OpResult:
    label: str
    spec: str
    skipped: str | None = None
    valid: list[tuple[PastedRequest, list[Finding]]] = field(default_factory=list)
    mutations: list[tuple[Mutation, PastedRequest, list[Finding]]] = field(default_factory=list)
    seconds: float = 0.0


def run_operation(specs: SpecSet, op: Operation, seed: int = 0, budget: float | None = 10.0,
                  soft_deadlines: bool = True, rich_draws: int = 8) -> OpResult:
    t0 = time.monotonic()
    res = OpResult(label=f"{op.method} {op.base_path}{op.path}", spec=op.spec)
    try:
        case = build_case(specs, op, seed)
        generate(case, seed=seed, budget=budget, soft_deadlines=soft_deadlines, rich_draws=rich_draws)
    except CannotGenerate as e:
        res.skipped = str(e)
        res.seconds = time.monotonic() - t0
        return res
    picked = pick_examples(case)
    for ex in picked:
        req = build_request(case, ex)
        res.valid.append((req, check_request(req, specs).findings))
    if not res.valid[-1][1]:  # mutate only a request the checker accepts
        ex = picked[-1]
        spec = next(s for s in specs.specs if s.name == op.spec)
        for m in mutations(case, ex, seed, methods=[m for t in spec.siblings.get(op.path, [op.path]) for m in spec.paths[t]]):
            req = build_request(case, m.example, method=m.method, aliases=m.aliases)
            res.mutations.append((m, req, check_request(req, specs).findings))
    res.seconds = time.monotonic() - t0
    return res


def finding_text(f: Finding) -> str:
    extra = f" (suggests {', '.join(f.suggestions)})" if f.suggestions else ""
    return f"{f.kind} {f.location}:{f.field or '-'}{extra} — {f.message}"


def all_operations(specs: SpecSet) -> list[Operation]:
    return [op for s in specs.specs for op in s.operations]


def find_operation(specs: SpecSet, method: str, path: str) -> Operation:
    for op in all_operations(specs):
        if op.method == method and op.base_path + op.path == path:
            return op
    raise KeyError(f"{method} {path}")
