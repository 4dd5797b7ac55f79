"""Generate valid requests for spec operations, and requests with exactly one mistake.

Shared by ``tests/test_generated_requests.py``, ``tests/test_sdk_calls.py`` and the benchmarks
``false_alarms.py`` and ``sdk_calls.py``.

An independent oracle: this module and ``generate_spec.py`` (its spec reading) import nothing
from ``bridgebot`` (a test checks the source and runs it with bridgebot unimportable). The spec
is read, values are drawn per format and fields are named from the OpenAPI and JSON Schema
standards and the spec text; the checker is reached only through ``tests/generated_check.py``.

A valid request is drawn with hypothesis-jsonschema from the *raw* schemas of the spec document,
prepared so that what is generated is what the API accepts and what a developer would paste:

* ``$ref`` inlined (3.1: a ``$ref`` with sibling keywords is an ``allOf`` of both); a recursive
  ``$ref`` is cut (an optional property or branch that recurses is left out; a required one
  makes the operation "could not generate");
* ``allOf`` members merged into one object (so ``additionalProperties: false`` can be added to
  the merged object without making the conjunction unsatisfiable);
* ``additionalProperties: false`` added to objects that declare properties and say nothing
  about extra keys (the checker reports undeclared fields, so valid examples must not invent
  keys), but never inside ``if``/``then``/``else``/``not``; free-form maps get short ``[a-z_]``
  key names;
* OpenAPI 3.0 ``nullable: true`` becomes a type list with ``"null"`` (JSON bodies only: a form
  has no way to send null);
* readOnly properties are left out (OpenAPI: not sent in a request) and remembered for the
  readOnly mistake; a discriminator's property gets the values its mapping (or the branch's
  schema name) gives;
* formats: date, date-time, email, uri, ipv4, ipv6 are drawn by hypothesis-jsonschema, uuid by
  ``uuids()``; ``int32``/``int64`` become their signed ranges; other formats (Stripe's
  ``unix-time``, GitHub's ``uri-template``) only name a type; ECMA-262 ``\\d``/``\\w`` in
  patterns are made ASCII;
* ``not: {required: [...]}`` and "one of these field groups" ``oneOf``s are taken out for
  hypothesis (they made it take a minute) and the examples repaired and validated afterwards;
* form bodies (Stripe) cannot carry empty arrays or objects, so those get ``minItems``/
  ``minProperties`` 1 (an optional one that can only be empty is left out).

Form bodies and queries are encoded the way Stripe documents them: ``a[b][c]=v``,
``a[0][x]=v`` for arrays of objects, ``a[]=v`` for arrays of scalars, ``true``/``false``.

Mistakes (``mutations``): one per rule of ``RULES`` and location, each stating the one finding
(kind, location, field) the checker must give; see ``RULES`` for the list.
"""

from __future__ import annotations

import copy
import json
import math
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
from typing import Any, Callable, Iterator
from urllib.parse import quote

import generate_spec as gs

#: The large real specs live in ../shared/specs beside the checkout (BRIDGEBOT_SHARED_SPECS overrides).
SPEC_DIR = Path(os.environ.get("BRIDGEBOT_SHARED_SPECS") or Path(__file__).resolve().parents[2] / "shared" / "specs")
STRIPE = SPEC_DIR / "stripe-2023-08-16.json"
GITHUB = SPEC_DIR / "github-rest.json"
#: The bundled Bridge spec (OpenAPI 3.1: const, if/then, not, a discriminator, uuid, Idempotency-Key).
BRIDGE = Path(__file__).resolve().parents[1] / "openapi_specs" / "bridge.yaml"
DEFAULT_SPECS = (BRIDGE, STRIPE, GITHUB)

HTTP_METHODS = gs.HTTP_METHODS
Operation = gs.Op

#: A test key of the shape both Stripe (``sk_test_``) and Bridge (``sk-test``) document.
TEST_KEY = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"

_KEEP = {
    "type", "enum", "const", "properties", "required", "additionalProperties", "items", "anyOf",
    "oneOf", "allOf", "not", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "multipleOf", "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems",
    "minProperties", "maxProperties", "format", "nullable", "discriminator", "if", "then", "else",
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

def document(spec_path: str | Path) -> dict[str, Any]:
    return gs.load(str(spec_path)).doc


def load_specs(paths: tuple[str | Path, ...] | list[str | Path] = DEFAULT_SPECS) -> list[gs.Spec]:
    """The generator's own reading of the specs (``generate_spec.py``), not the checker's."""
    return [gs.load(str(p)) for p in paths]


def spec_path_of(specs: Any, op: gs.Op) -> str:
    return op.spec.source


def _lookup(doc: dict[str, Any], ref: str) -> Any:
    return gs.lookup(doc, ref)


def _deref(doc: dict[str, Any], obj: Any) -> Any:
    return gs.deref(doc, obj)


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
        self.loose = 0

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
        if isinstance(raw, dict) and "$ref" in raw and set(raw) & (_KEEP - {"$ref"}):
            # OpenAPI 3.1 (JSON Schema 2020-12): a $ref beside other keywords applies both
            raw = {"allOf": [{"$ref": raw["$ref"]}, {k: v for k, v in raw.items() if k != "$ref"}]}
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
        bounds = {k: out[k] for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
                  if isinstance(out.get(k), (int, float)) and not isinstance(out.get(k), bool)}
        if bounds:
            out["x-bb-bounds"] = bounds  # the spec's own bounds (int32/int64 add more below)
        if "const" in out and form and out["const"] is None:
            raise _Drop("null cannot be sent in a form")
        fmt = out.get("format")
        if fmt in ("int32", "int64"):
            # OpenAPI data types: int32 is a signed 32-bit integer, int64 a signed 64-bit one
            lim = 2**31 if fmt == "int32" else 2**63
            out["minimum"] = max(out.get("minimum", -lim), -lim)
            out["maximum"] = min(out.get("maximum", lim - 1), lim - 1)
            out["x-bb-format"] = out.pop("format")
        elif fmt is not None and fmt not in CHECKED_FORMATS:
            out.pop("format")
        if isinstance(out.get("pattern"), str):
            out["pattern"] = _ascii_pattern(out["pattern"])
        # objects
        if isinstance(out.get("properties"), dict):
            props = {}
            required = list(out.get("required") or [])
            read_only = {}
            for name, sub in out["properties"].items():
                if sub is False:
                    props[name] = False  # a property that must not be sent (JSON Schema `false`)
                    continue
                if isinstance(_deref(self.doc, sub), dict) and _deref(self.doc, sub).get("readOnly") is True:
                    # readOnly (OpenAPI): "SHOULD NOT be sent as part of the request"; a required
                    # readOnly property is required in responses only
                    if name in required:
                        required.remove(name)
                        out["required"] = required
                    read_only[name] = _json_type_of_schema(_deref(self.doc, sub))
                    continue
                try:
                    props[name] = self._prep(sub, stack, depth + 1)
                except _Drop as e:
                    if name in required:
                        raise _Drop(f"required `{name}`: {e}") from None
            out["properties"] = props
            if read_only:
                out["x-bb-readonly"] = read_only
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
        for key in ("not", "if", "then", "else"):
            if isinstance(out.get(key), dict):
                # a condition constrains only what it names: no closing of its objects, no
                # free-form key rules (at any depth)
                self.loose += 1
                try:
                    out[key] = self._prep(out[key], stack, depth + 1, in_allof=True)
                except _Drop:
                    out.pop(key)
                finally:
                    self.loose -= 1
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
        if not in_allof and not self.loose and is_object:
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
        if disc and isinstance(disc, dict) and isinstance(disc.get("propertyName"), str):
            self._discriminate(raw, out, disc)
        return out

    def _discriminate(self, raw: dict[str, Any], out: dict[str, Any], disc: dict[str, Any]) -> None:
        """OpenAPI "Discriminator Object": the property's value names the branch, by ``mapping``
        (value -> $ref) or else by the name of the branch's schema (the last part of its $ref)."""
        prop = disc["propertyName"]
        key = "oneOf" if raw.get("oneOf") else "anyOf"
        refs = [b.get("$ref") if isinstance(b, dict) else None for b in raw.get(key) or []]
        values: dict[int, list[str]] = {}
        if disc.get("mapping"):
            for value, ref in disc["mapping"].items():
                if ref in refs:
                    values.setdefault(refs.index(ref), []).append(value)
        else:
            for i, ref in enumerate(refs):
                if ref:
                    values.setdefault(i, []).append(ref.rsplit("/", 1)[-1])
        branches = out.get(key) or []
        if len(branches) != len(refs):
            return  # a branch was left out: the mapping by position no longer holds
        for i, b in enumerate(branches):
            if i in values and isinstance(b, dict):
                props = dict(b.get("properties") or {})
                props[prop] = {"type": "string", "enum": values[i], "x-bb-disc": True}
                b["properties"] = props
                b["required"] = list(dict.fromkeys([*(b.get("required") or []), prop]))
        out["x-bb-discriminator"] = {"property": prop, "values": sorted(v for vs in values.values() for v in vs),
                                     "key": key, "branches": {v: i for i, vs in values.items() for v in vs}}


def _json_type_of_schema(s: dict[str, Any]) -> str:
    t = s.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), None)
    return t if isinstance(t, str) else "string"


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
        elif k == "x-bb-readonly":
            out[k] = {**(out.get(k) or {}), **v}
        elif k in ("if", "then", "else") and "if" in out and "if" in b and out.get("if") != b["if"]:
            if k == "if":  # a second condition: kept whole, beside the first
                out.setdefault("allOf", []).append({c: b[c] for c in ("if", "then", "else") if c in b})
                out["x-bb-conflict"] = True
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


def build_case(op: Operation, seed: int = 0) -> Case:
    """Prepare the schemas of ``op`` (raises CannotGenerate). ``seed`` picks the auth alternative
    and how form arrays of scalars are written (``a[]=`` or ``a[0]=``)."""
    rng = random.Random(zlib.crc32(f"{seed}:{op.method} {op.path}".encode()))
    doc = op.spec.doc
    params = op.params
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
            if any(sc.location == "query" and sc.param_name == name for alt in op.security for sc in alt):
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
    rb = op.request_body
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
    return Case(spec_name=op.spec.source, op=op, host=op.host, base_path=op.base_path,
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
            "query": from_schema(_strip_nots(q)[0], custom_formats=formats),
            "body": from_schema(_strip_nots(b)[0], custom_formats=formats) if case.body else st.none(),
        })

    try:
        with time_limit(budget), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for rich, count, share in ((False, n, 0.4), (True, rich_draws, 0.9)):
                try:
                    got = [e for e in _draw(strategy(rich), count, seed, start + total * share)
                           if _repaired(case, e)]
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


_MAPS = ("properties", "patternProperties", "$defs", "definitions", "x-bb-readonly", "x-bb-bounds",
         "x-bb-discriminator")


def _strip_nots(schema: Any) -> tuple[Any, bool]:
    """The schema without its "not all of these together" rules (``not: {required: [...]}``), which
    make hypothesis-jsonschema very slow (a minute for Bridge's POST /transfers); the examples are
    repaired for them afterwards (``_repair``). Returns (schema, whether any was taken out)."""
    changed = False

    def go(s: Any) -> Any:
        nonlocal changed
        if isinstance(s, list):
            return [go(x) for x in s]
        if not isinstance(s, dict):
            return s
        out = {}
        for k, v in s.items():
            if k == "not" and _only_required(v):
                changed = True
            elif k in ("oneOf", "anyOf") and isinstance(v, list) and v and all(_only_required(b) for b in v) \
                    and isinstance(s.get("properties"), dict):
                changed = True  # "one of these fields": as slow; repaired the same way
            elif k in _MAPS and isinstance(v, dict):
                out[k] = {name: go(sub) for name, sub in v.items()}
            else:
                out[k] = go(v)
        return out

    return go(schema), changed


def _repair(schema: Any, value: Any, depth: int = 0) -> None:
    """Leave out the last optional field of each group a ``not: {required: [...]}`` forbids together
    (in the object itself, or in the ``then``/``else`` that applies to it)."""
    if not isinstance(schema, dict) or depth > 40:
        return
    if isinstance(value, dict):
        groups = [schema.get("not")]
        if isinstance(schema.get("if"), dict):
            groups.append((schema.get("then" if is_valid(schema["if"], value) else "else") or {}).get("not"))
        for n in groups:
            if _only_required(n) and n["required"] and all(k in value for k in n["required"]):
                optional = [k for k in n["required"] if k not in (schema.get("required") or [])]
                if optional:
                    del value[optional[-1]]
        one = schema.get("oneOf")
        if isinstance(one, list) and one and all(_only_required(b) for b in one):
            # exactly one group of fields: keep the first complete one, drop the others' fields
            full = [b["required"] for b in one if all(k in value for k in b["required"])]
            keep = set(full[0]) if full else set()
            for group in full[1:]:
                for k in group:
                    if k not in keep and k not in (schema.get("required") or []):
                        value.pop(k, None)
        props = schema.get("properties") or {}
        for k, v in value.items():
            if k in props:
                _repair(props[k], v, depth + 1)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for v in value:
            _repair(schema["items"], v, depth + 1)


def _repaired(case: Case, example: dict[str, Any]) -> bool:
    """Repair ``example`` for the rules taken out by ``_strip_nots``; False when it still breaks them."""
    for key, part in (("query", case.query), ("body", case.body)):
        if part is None or not _strip_nots(part.schema)[1]:
            continue
        _repair(part.schema, example[key])
        if not is_valid(part.schema, example[key]):
            return False
    return True


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
    key = test_key(op.spec)
    for s in alt:
        if s.type == "apiKey" and s.location == "header":
            out["headers"].append((s.param_name, key))
        elif s.type == "apiKey" and s.location == "query":
            out["query"].append((s.param_name, key))
        elif s.type == "apiKey" and s.location == "cookie":
            out["headers"].append(("Cookie", f"{s.param_name}={key}"))
        elif s.type == "http" and s.scheme == "basic":
            out["basic"] = key + ":"
        elif s.type == "http":  # bearer (RFC 6750) and other HTTP schemes: Authorization
            out["headers"].append(("Authorization", f"Bearer {key}"))
        else:  # oauth2, openIdConnect: a bearer token
            out["headers"].append(("Authorization", f"Bearer {key}"))
    return out


def test_key(spec: gs.Spec) -> str:
    """A sandbox key in the spelling the spec's own text gives (Bridge: ``sk-test…``)."""
    text = json.dumps(spec.doc.get("info") or {}) + json.dumps(spec.doc.get("servers") or [])
    return TEST_KEY.replace("_", "-", 2) if "sk-test" in text else TEST_KEY


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


@dataclass
class Request:
    """A generated HTTP request, as a developer would paste it (the checker's adapter turns it
    into its own type: see tests/generated_check.py)."""

    method: str
    url: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: str | None = None
    #: multipart fields (curl -F)
    form_fields: list[tuple[str, str]] | None = None
    basic_auth: str | None = None


def build_request(case: Case, example: dict[str, Any], method: str | None = None,
                  aliases: dict[str, str] | None = None, drop_auth: bool = False,
                  drop_headers: tuple[str, ...] = (), content_type: str | None = None,
                  path_override: str | None = None) -> Request:
    """``drop_auth``/``drop_headers``/``content_type``/``path_override``: the request-level mistakes."""
    path = case.op.path
    for name, value in example["path"].items():
        path = path.replace("{" + name + "}", quote(scalar_text(value), safe=""))
    if path_override is not None:
        path = path_override
    pairs = query_pairs(case, example["query"], aliases) + ([] if drop_auth else list(case.auth["query"]))
    url = f"https://{case.host}{case.base_path}{path}" + (f"?{encode_pairs(pairs)}" if pairs else "")
    headers: list[tuple[str, str]] = [] if drop_auth else list(case.auth["headers"])
    for name, value in example["header"].items():
        if name not in drop_headers:
            headers.append((name, scalar_text(value)))
    body: str | None = None
    form_fields = None
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
    if content_type is not None:
        headers = [(k, content_type if k.lower() == "content-type" else v) for k, v in headers]
    return Request(method=method or case.op.method, url=url, headers=headers, body=body,
                   form_fields=form_fields, basic_auth=None if drop_auth else case.auth["basic"])


def as_curl(req: Request) -> str:
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
    #: Inside an anyOf/oneOf branch picked among several of the value's type by which one the
    #: value is valid against: (path of that value, the branches). The checker must find the
    #: branch that fits best, not the first one.
    chosen: tuple[tuple[Any, ...], list[Any], int] | None = None


def _only_required(s: Any) -> bool:
    """A ``not`` that only says "not all of these together"."""
    return isinstance(s, dict) and set(s) <= {"required"} and isinstance(s.get("required"), list)


def is_valid(schema: Any, value: Any) -> bool:
    """JSON Schema validity (the ``jsonschema`` library, draft 2020-12), for prepared schemas."""
    from jsonschema import Draft202012Validator

    try:
        return Draft202012Validator(schema).is_valid(value)
    except Exception:  # an odd pattern python's re cannot compile: not decidable here
        return False


def walk(schema: Any, value: Any, form: bool, path: tuple[Any, ...] = (), parent: Any = None,
         via_branch: bool = False, query: bool = False,
         chosen: tuple[tuple[Any, ...], list[Any], int] | None = None) -> Iterator[Site]:
    """Positions in ``value`` where one change has one predictable finding."""
    if not isinstance(schema, dict) or schema.get("x-bb-conflict") or schema.get("allOf"):
        return
    if "not" in schema and not _only_required(schema["not"]):
        return
    disc = schema.get("x-bb-discriminator")
    if disc and isinstance(value, dict):
        yield Site(path, schema, value, parent, via_branch, chosen)
        i = disc["branches"].get(value.get(disc["property"]))
        if i is not None:
            yield from walk(schema[disc["key"]][i], value, form, path, parent, query=query, chosen=chosen)
        return
    branches = schema.get("anyOf") or schema.get("oneOf")
    if branches:
        if {"properties", "items", "enum", "type", "const"} & set(schema):
            return
        if not isinstance(value, (dict, list)):
            # a scalar: the mutations look at all branches (see _branch_union)
            yield Site(path, schema, value, parent, True, chosen)
            return
        wire = _wire_types(value, form)
        if query and len(path) == 1 and isinstance(value, list) and len(value) == 1:
            wire |= _wire_types(value[0], form)  # `k=v` is both a list of one and a scalar
        compatible = [b for b in branches
                      if (_schema_types(b) is None) or (_schema_types(b) & wire)]
        if len(compatible) == 1:
            yield from walk(compatible[0], value, form, path, parent, via_branch=True, query=query, chosen=chosen)
        elif isinstance(value, dict) and not form and chosen is None:
            fits = [b for b in compatible if is_valid(b, value)]
            if len(fits) == 1:
                yield from walk(fits[0], value, form, path, parent, via_branch=True, query=query,
                                chosen=(path, compatible, compatible.index(fits[0])))
        return
    yield Site(path, schema, value, parent, via_branch, chosen)
    if isinstance(value, dict):
        props = schema.get("properties") or {}
        ap = schema.get("additionalProperties")
        for k, v in value.items():
            # keys of a free-form object take anything (the schema given to hypothesis is ours)
            sub = props.get(k, ap if isinstance(ap, dict) and not ap.get("x-bb-free") else None)
            if sub is not None:
                yield from walk(sub, v, form, (*path, k), value, query=query, chosen=chosen)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, v in enumerate(value):
            yield from walk(schema["items"], v, form, (*path, i), value, query=query, chosen=chosen)


# --- mutations ------------------------------------------------------------------------------------

#: Every rule the checker implements, with the finding kind a mistake against it must get.
#: Schema rules apply to the query and the body; the rest to the request as a whole.
RULES: dict[str, str] = {
    "required": "missing_required",
    "type": "wrong_type",
    "enum": "invalid_enum",
    "const": "invalid_enum",
    "additionalProperties": "unknown_param",
    "readOnly": "unknown_param",
    "minLength": "out_of_range",
    "maxLength": "out_of_range",
    "minimum": "out_of_range",
    "maximum": "out_of_range",
    "exclusiveMinimum": "out_of_range",
    "exclusiveMaximum": "out_of_range",
    "minItems": "out_of_range",
    "maxItems": "out_of_range",
    "format:int32": "out_of_range",
    "format:int64": "out_of_range",
    "pattern": "invalid_format",
    "format:date": "invalid_format",
    "format:date-time": "invalid_format",
    "format:email": "invalid_format",
    "format:uuid": "invalid_format",
    "format:uri": "invalid_format",
    "format:ipv4": "invalid_format",
    "format:ipv6": "invalid_format",
    "if/then/else": "missing_required",
    "if/then/else: false": "unknown_param",
    "not": "unknown_param",
    "discriminator": "invalid_enum",
    "anyOf/oneOf best branch": "(the branch's own)",
    "required header": "missing_required",
    "required body": "missing_required",
    "Idempotency-Key": "idempotency_key_missing",
    "security": "auth_missing",
    "content type": "content_type",
    "path": "unknown_path",
    "method": "wrong_method",
}
#: The five kinds of mistake the generator made before (kept for the SDK-call renderers).
CLASSIC_RULES = ("required", "type", "enum", "additionalProperties", "method")
MUTATION_KINDS = tuple(dict.fromkeys(k for k in RULES.values() if not k.startswith("(")))

#: A value that breaks each string format, per the standard that defines it (and nothing else:
#: short, no spaces in a place a pattern might mind). RFC 3339 full-date / date-time,
#: RFC 5321 mailbox, RFC 4122 UUID, RFC 3986 URI (a scheme is required), RFC 791 / 4291 addresses.
BAD_FORMATS = {
    "date": "2024-02-30",
    "date-time": "2024-05-01T25:00:00Z",
    "email": "jane.example.com",
    "uuid": "3b241101-e2bb-4255-8caf-4136c566a96",
    "uri": "example.com/path",
    "ipv4": "256.1.1.1",
    "ipv6": "12345::1",
}
#: Strings tried, in order, for a value that does not match a pattern.
_PATTERN_MISSES = ("!", "zz zz", "!!!!!!!!!!", "A", "a", "Zz9_-", "-", "0")


@dataclass
class Mutation:
    rule: str
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
    drop_auth: bool = False
    drop_headers: tuple[str, ...] = ()
    content_type: str | None = None
    path_override: str | None = None


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


def _get_in(root: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        root = root[p]
    return root


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
    if not isinstance(schema, dict) or not schema.get("enum") or schema.get("x-bb-disc"):
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


def _leaf_schema(s: Site, form: bool) -> dict[str, Any] | None:
    """The one schema a scalar is checked against: its own, or the only branch of its type."""
    branches = s.schema.get("anyOf") or s.schema.get("oneOf")
    if not branches:
        return s.schema
    wire = _wire_types(s.value, form)
    fit = [b for b in branches if _schema_types(b) is None or _schema_types(b) & wire]
    return fit[0] if len(fit) == 1 and isinstance(fit[0], dict) and not fit[0].get("anyOf") \
        and not fit[0].get("oneOf") and not fit[0].get("allOf") else None


def _same_branch(s: Site, new: Any, form: bool, leaf: dict[str, Any]) -> bool:
    """``new`` is read against the same single branch as the old value (or there are no branches)."""
    branches = s.schema.get("anyOf") or s.schema.get("oneOf")
    if not branches:
        return True
    wire = _wire_types(new, form)
    fit = [b for b in branches if _schema_types(b) is None or _schema_types(b) & wire]
    return fit == [leaf]


def _fits_length(schema: dict[str, Any], text: str) -> bool:
    return schema.get("minLength", 0) <= len(text) <= schema.get("maxLength", 10**9)


def _pattern_miss(pattern: str, schema: dict[str, Any], form: bool) -> str | None:
    """A short string the ECMA-262 pattern does not match anywhere (patterns are not anchored)."""
    try:
        rx = re.compile(_ascii_pattern(pattern))
    except re.error:
        return None
    for c in _PATTERN_MISSES:
        if form and re.fullmatch(r"-?\d+", c):
            continue
        if _fits_length(schema, c) and not rx.search(c):
            return c
    return None


def _scalar_rules(s: Site, leaf: dict[str, Any], form: bool) -> list[tuple[str, Any, str]]:
    """(rule, new value, what) for each single-keyword mistake this scalar allows."""
    out: list[tuple[str, Any, str]] = []
    v = s.value
    plain = not ({"enum", "const", "pattern", "format"} & set(leaf))
    t = _single_type(leaf)
    if isinstance(v, str) and t in (None, "string") and "enum" not in leaf and "const" not in leaf:
        lo, hi = leaf.get("minLength"), leaf.get("maxLength")
        if plain and isinstance(lo, int) and lo >= (2 if form else 1):
            out.append(("minLength", "a" * (lo - 1), f"{lo - 1} characters, minLength {lo}"))
        if plain and isinstance(hi, int) and hi < 6000:
            out.append(("maxLength", "a" * (hi + 1), f"{hi + 1} characters, maxLength {hi}"))
        if isinstance(leaf.get("pattern"), str) and "format" not in leaf:
            miss = _pattern_miss(leaf["pattern"], leaf, form)
            if miss is not None:
                out.append(("pattern", miss, f"{miss!r} against /{leaf['pattern']}/"))
        fmt = leaf.get("format")
        if fmt in BAD_FORMATS and "pattern" not in leaf and _fits_length(leaf, BAD_FORMATS[fmt]):
            out.append((f"format:{fmt}", BAD_FORMATS[fmt], f"{BAD_FORMATS[fmt]!r} is no {fmt}"))
    if isinstance(v, (int, float)) and not isinstance(v, bool) and t in ("integer", "number") \
            and "enum" not in leaf and "const" not in leaf and "multipleOf" not in leaf:
        bounds = leaf.get("x-bb-bounds") or {}
        integer = t == "integer"
        if "minimum" in bounds:
            b = bounds["minimum"]
            out.append(("minimum", math.ceil(b) - 1 if integer else b - 1, f"below minimum {b}"))
        if "maximum" in bounds:
            b = bounds["maximum"]
            out.append(("maximum", math.floor(b) + 1 if integer else b + 1, f"above maximum {b}"))
        if "exclusiveMinimum" in bounds:
            b = bounds["exclusiveMinimum"]
            new = b if not integer or float(b).is_integer() else math.floor(b)
            out.append(("exclusiveMinimum", int(new) if integer else new, f"not above exclusiveMinimum {b}"))
        if "exclusiveMaximum" in bounds:
            b = bounds["exclusiveMaximum"]
            new = b if not integer or float(b).is_integer() else math.ceil(b)
            out.append(("exclusiveMaximum", int(new) if integer else new, f"not below exclusiveMaximum {b}"))
        fmt = leaf.get("x-bb-format")
        if fmt in ("int32", "int64") and integer and not bounds:
            out.append((f"format:{fmt}", 2**31 if fmt == "int32" else 2**63, f"does not fit {fmt}"))
    if "const" in leaf and not leaf.get("x-bb-disc"):
        c = leaf["const"]
        new = "zz_not_a_value" if isinstance(c, str) else (not c) if isinstance(c, bool) else \
            c + 1 if isinstance(c, (int, float)) else None
        if new is not None:
            out.append(("const", new, f"{_short_repr(v)} -> {new!r}, const {c!r}"))
    return out


def mutations(case: Case, example: dict[str, Any], seed: int = 0, rules: tuple[str, ...] | None = None,
              draw: Callable[[Any], Any] | None = None) -> list[Mutation]:
    """At most one mutation per rule and location (query, body, the request), chosen by ``seed``.

    Each states the one finding the checker must give. ``rules`` limits the rules tried;
    ``draw(schema)`` gives a valid value of a schema (for ``not``: the field to add)."""
    rng = random.Random(zlib.crc32(f"{seed}:{case.label}".encode()))
    want = set(rules or RULES)
    out: list[Mutation] = []

    def add(rule: str, kind: str, loc: str, fld: str, what: str, ex: dict[str, Any], **kw: Any) -> None:
        out.append(Mutation(rule, kind, loc, fld, what, ex, **kw))

    parts = [("query", case.query, example["query"])]
    if case.body is not None and case.body.style in ("json", "form", "multipart") and isinstance(example["body"], dict):
        parts.append(("body", case.body, example["body"]))
    for loc, part, value in parts:
        form = part.style != "json"
        style = "json" if part.style == "json" else "form"
        sites = list(walk(part.schema, value, form, query=loc == "query"))

        def name(path: tuple[Any, ...]) -> str:
            return field_name(style, path)

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

        def still_wrong(s: Site, ex: dict[str, Any]) -> bool:
            """Under a branch picked by validity: the changed value fits no branch at all."""
            if s.chosen is None:
                return True
            root, branches, _ = s.chosen
            v = _get_in(ex[loc], root)
            return not any(is_valid(b, v) for b in branches)

        # Candidates per rule: (site, expected field path, mutated example, description, extra)
        cands: dict[str, list[tuple[Site, tuple[Any, ...], dict[str, Any], str, dict[str, Any]]]] = {}

        def cand(rule: str, s: Site, fpath: tuple[Any, ...], ex: dict[str, Any], what: str, **kw: Any) -> None:
            cands.setdefault(rule, []).append((s, fpath, ex, what, kw))

        objects = [s for s in sites if isinstance(s.value, dict)]
        leaves = [s for s in sites if not isinstance(s.value, (dict, list)) and s.path]
        arrays = [s for s in sites if isinstance(s.value, list) and s.path]
        for s in objects:
            disc = s.schema.get("x-bb-discriminator")
            disc_prop = disc["property"] if disc else None
            # required
            for r in s.schema.get("required") or []:
                if r not in s.value or r == disc_prop:
                    continue
                if form and len(s.value) < 2 and (s.path or loc == "body"):
                    continue  # the object would vanish from the form
                cand("required", s, (*s.path, r), mutated((*s.path, r), delete=True), f"dropped {name((*s.path, r))}")
            # additionalProperties: a misspelled optional field
            props = s.schema.get("properties") or {}
            if props and s.schema.get("additionalProperties") in (None, False):
                required = set(s.schema.get("required") or [])
                for k in s.value:
                    if k in required or k not in props or k == disc_prop:
                        continue
                    bad = _swap(k, set(props) | set(s.value) | set(s.schema.get("x-bb-readonly") or {}))
                    if bad is not None:
                        cand("additionalProperties", s, (*s.path, bad), mutated((*s.path, k), rename=bad),
                             f"{name((*s.path, k))} misspelled as {bad}", suggest=k,
                             aliases={bad: k} if loc == "query" and not s.path else {})
            # readOnly: a field the API sets, sent in a request
            for k, t in (s.schema.get("x-bb-readonly") or {}).items():
                if k not in s.value:
                    new = {"integer": 1, "number": 1, "boolean": True}.get(t, "x")
                    cand("readOnly", s, (*s.path, k), mutated((*s.path, k), new), f"sent readOnly {name((*s.path, k))}")
            # discriminator: a value that names no branch
            if disc and disc_prop in s.value:
                cand("discriminator", s, (*s.path, disc_prop), mutated((*s.path, disc_prop), "zz_unknown_kind"),
                     f"{name((*s.path, disc_prop))}: {s.value[disc_prop]!r} -> 'zz_unknown_kind'")
            # if/then/else: the branch that applies requires a field; leave it out (the `if` made
            # true first through its const properties when it does not hold: `then` is the case
            # a developer forgets)
            cond = s.schema.get("if")
            if isinstance(cond, dict) and not form:
                forced = {k: sub["const"] for k, sub in (cond.get("properties") or {}).items()
                          if isinstance(sub, dict) and "const" in sub and k in props}
                obj = dict(s.value) if is_valid(cond, s.value) else {**s.value, **forced}
                holds = is_valid(cond, obj)
                branch = s.schema.get("then" if holds else "else") or {}
                obj = {k: v for k, v in obj.items() if (branch.get("properties") or {}).get(k) is not False}
                for r in branch.get("required") or []:
                    if r in (s.schema.get("required") or []) or r not in props:
                        continue
                    try:
                        full = obj if r in obj else {**obj, r: draw(props[r])} if draw else None
                    except CannotGenerate:
                        continue
                    if full is None or not is_valid(s.schema, full):
                        continue
                    wrong = {k: v for k, v in full.items() if k != r}
                    if is_valid(cond, wrong) != holds:
                        continue
                    ex = copy.deepcopy(example)
                    if s.path:
                        _set_in(ex[loc], s.path, wrong)
                    else:
                        ex[loc] = wrong
                    cand("if/then/else", s, (*s.path, r), ex,
                         f"left out {name((*s.path, r))}, required by the {'then' if holds else 'else'}"
                         + (f" (with {forced})" if forced and obj != s.value else ""))
            # if/then/else with a property whose schema is `false`: a field not to send in that case
            # (the `if` made true first through its const properties when it does not hold)
            cond = s.schema.get("if")
            if isinstance(cond, dict) and not form and draw is not None:
                forced = {k: sub["const"] for k, sub in (cond.get("properties") or {}).items()
                          if isinstance(sub, dict) and "const" in sub and k in props}
                obj = {**s.value, **forced} if not is_valid(cond, s.value) else dict(s.value)
                branch = s.schema.get("then" if is_valid(cond, obj) else "else") or {}
                forbidden = [k for k, sub in (branch.get("properties") or {}).items() if sub is False and k in props]
                base = {k: v for k, v in obj.items() if k not in forbidden}
                if forbidden and is_valid(s.schema, base):
                    for k in forbidden:
                        try:
                            extra = obj[k] if k in obj else draw(props[k])
                        except CannotGenerate:
                            continue
                        ex = copy.deepcopy(example)
                        if s.path:
                            _set_in(ex[loc], s.path, {**base, k: extra})
                        else:
                            ex[loc] = {**base, k: extra}
                        cand("if/then/else: false", s, (*s.path, k), ex,
                             f"sent {name((*s.path, k))}, which the applicable then/else makes `false`"
                             + (f" (with {forced})" if forced and obj != s.value else ""))
            # not: fields that must not go together (or at all, under a then/else)
            nots = []
            if _only_required(s.schema.get("not")):
                nots.append(s.schema["not"]["required"])
            if isinstance(s.schema.get("if"), dict) and not form:
                branch = s.schema.get("then" if is_valid(s.schema["if"], s.value) else "else") or {}
                if _only_required(branch.get("not")):
                    nots.append(branch["not"]["required"])
            for together in nots:
                absent = [k for k in together if k not in s.value]
                if not absent or draw is None or not all(k in props for k in absent):
                    continue
                ex = copy.deepcopy(example)
                try:
                    for k in absent:
                        _get_in(ex[loc], s.path)[k] = draw(props[k])
                except CannotGenerate:
                    continue
                cand("not", s, (*s.path, together[-1]), ex, f"sent {', '.join(together)} together"
                     if len(together) > 1 else f"sent {together[0]} where it must not be")
        for s in arrays:
            lo, hi = s.schema.get("minItems"), s.schema.get("maxItems")
            if isinstance(lo, int) and lo >= (2 if form else 1) and len(s.value) >= lo:
                cand("minItems", s, s.path, mutated(s.path, s.value[: lo - 1]), f"{lo - 1} items, minItems {lo}")
            if isinstance(hi, int) and hi <= 50 and s.value and not s.schema.get("uniqueItems"):
                more = s.value + [copy.deepcopy(s.value[-1]) for _ in range(hi + 1 - len(s.value))]
                cand("maxItems", s, s.path, mutated(s.path, more), f"{hi + 1} items, maxItems {hi}")
        for s in leaves:
            if s.schema.get("x-bb-disc"):
                continue  # the discriminator rule's
            # type
            branches = s.schema.get("anyOf") or s.schema.get("oneOf")
            new: Any = None
            if "enum" in s.schema or "const" in s.schema:
                pass
            elif branches:
                union = _branch_union(branches)
                if union is not None:
                    if form:
                        new = "abc" if "string" not in union else None
                    else:
                        new = next((x for x in (True, "abc", 12345) if not _wire_types(x, False) & union), None)
            elif not s.via_branch:
                t = _single_type(s.schema)
                if t in ("integer", "number", "boolean"):
                    new = "abc" if form else ("abc" if t != "boolean" else "true")
                elif t == "string" and not form:
                    new = 12345
                elif t == "string" and loc == "body" and isinstance(s.parent, dict):
                    new = {"x": "1"}  # `name[x]=1`: an object where a string goes
            if new is not None:
                cand("type", s, s.path, mutated(s.path, new), f"{name(s.path)}: {_short_repr(s.value)} -> {new!r}")
            # enum
            alts = branches if branches else [s.schema]
            if all(_string_enum(b) for b in alts) and not (s.via_branch and not branches):
                cand("enum", s, s.path, mutated(s.path, "zz_not_a_value"),
                     f"{name(s.path)}: {_short_repr(s.value)} -> 'zz_not_a_value'")
            # one keyword each: lengths, bounds, pattern, formats, const
            leaf = _leaf_schema(s, form)
            if leaf is None:
                continue
            for rule, new, what in _scalar_rules(s, leaf, form):
                if _same_branch(s, new, form, leaf):
                    cand(rule, s, s.path, mutated(s.path, new), f"{name(s.path)}: {what}")
        for rule, rows in cands.items():
            if rule not in want:
                continue
            plain = [r for r in rows if r[0].chosen is None]
            if plain:
                s, fpath, ex, what, kw = rng.choice(plain)
                add(rule, RULES[rule], loc, name(fpath), what, ex, **kw)
        if "anyOf/oneOf best branch" in want:
            # A mistake inside the branch the value was meant for, which is not the only one of its
            # type: the finding must be the one from that branch.
            rows = [(rule, r) for rule, rs in cands.items() if rule in ("required", "type", "enum", "minLength",
                                                                         "maxLength", "pattern", "minimum", "maximum")
                    for r in rs if r[0].chosen is not None and still_wrong(r[0], r[2])]
            # a branch after the first where there is one: a checker that takes the first
            # branch of the value's type instead of the best one gets these wrong
            later = [(rule, r) for rule, r in rows if r[0].chosen[2] > 0]  # type: ignore[index]
            rows = later or rows
            if rows:
                rule, (s, fpath, ex, what, kw) = rng.choice(rows)
                add("anyOf/oneOf best branch", RULES[rule], loc, name(fpath), f"in a branch: {what}", ex, **kw)
    out += _request_mutations(case, example, rng, want)
    return out


def concrete_path(case: Case, example: dict[str, Any]) -> str:
    path = case.op.path
    for name, value in example["path"].items():
        path = path.replace("{" + name + "}", quote(scalar_text(value), safe=""))
    return path


def _request_mutations(case: Case, example: dict[str, Any], rng: random.Random, want: set[str]) -> list[Mutation]:
    op = case.op
    out: list[Mutation] = []
    path = concrete_path(case, example)
    if "method" in want:
        taken = op.spec.methods_for(path)
        for m in ("GET", "POST", "DELETE", "PATCH", "PUT"):
            if m not in taken:
                out.append(Mutation("method", "wrong_method", "url", "method", f"{op.method} -> {m}", example, method=m))
                break
    if "path" in want:
        segs = path.split("/")
        literal = [i for i, seg in enumerate(op.path.split("/")) if seg and "{" not in seg]
        for i in reversed(literal):
            bad = _swap(segs[i], set())
            if bad is None:
                continue
            new = "/".join([*segs[:i], bad, *segs[i + 1:]])
            if not op.spec.templates_matching(new):
                out.append(Mutation("path", "unknown_path", "url", "path", f"{segs[i]} misspelled as {bad}",
                                    example, path_override=new))
                break
        else:
            new = path.rstrip("/") + "/zz_nowhere"  # no literal segment to misspell (GET /)
            if not op.spec.templates_matching(new):
                out.append(Mutation("path", "unknown_path", "url", "path", f"{new} added to", example,
                                    path_override=new))
    if "security" in want and op.security and not op.auth_optional:
        first = op.security[0][0]
        header = first.param_name if first.type == "apiKey" and first.param_name else "Authorization"
        out.append(Mutation("security", "auth_missing", "header", header, "no credentials", example, drop_auth=True))
    required_headers = [n for (where, n), p in op.params.items() if where == "header" and p.get("required")]
    idem = [n for n in required_headers if n.lower() == "idempotency-key"]
    if "Idempotency-Key" in want and idem:
        out.append(Mutation("Idempotency-Key", "idempotency_key_missing", "header", idem[0],
                            f"no {idem[0]} header", example, drop_headers=(idem[0],)))
    others = [n for n in required_headers if n.lower() != "idempotency-key" and n in example["header"]]
    if "required header" in want and others:
        h = rng.choice(others)
        out.append(Mutation("required header", "missing_required", "header", h, f"no {h} header", example,
                            drop_headers=(h,)))
    body = case.body
    sent = body is not None and example["body"] not in (None, {}, "") and body.style in ("json", "form", "raw")
    if "content type" in want and sent and case.content_type:
        accepted = list((op.request_body or {}).get("content") or {})
        if not any(a in ("*/*", "text/*", "text/plain") for a in accepted) and body.style != "raw":
            out.append(Mutation("content type", "content_type", "header", "Content-Type",
                                f"{case.content_type} body sent as text/plain", example, content_type="text/plain"))
    if "required body" in want and sent and (op.request_body or {}).get("required"):
        out.append(Mutation("required body", "missing_required", "body", "", "no body",
                            {**copy.deepcopy(example), "body": None}))
    return out


# --- evaluation -----------------------------------------------------------------------------------

def exact_match(m: Mutation, findings: list[Any]) -> bool:
    """The checker gave exactly the stated finding: one, of the kind, at the location and field."""
    if len(findings) != 1:
        return False
    f = findings[0]
    if f.kind != m.kind or f.field != m.field or f.location != m.location:
        return False
    if m.suggest is not None and m.suggest not in f.suggestions:
        return False
    return True


#: What the sweep needs from the checker: a request in, (the operation it matched as
#: ``"METHOD /path"`` or None, the findings) out. Provided by tests/generated_check.py.
Checker = Callable[[Request], tuple[str | None, list[Any]]]


@dataclass
class OpResult:
    label: str
    spec: str
    skipped: str | None = None
    #: (request, findings, the operation the checker matched)
    valid: list[tuple[Request, list[Any], str | None]] = field(default_factory=list)
    mutations: list[tuple[Mutation, Request, list[Any]]] = field(default_factory=list)
    seconds: float = 0.0


def draw_value(schema: Any, seed: int = 0, budget: float = 5.0) -> Any:
    """One valid value of a prepared schema (raises CannotGenerate)."""
    from hypothesis_jsonschema import from_schema

    got = _draw(from_schema(schema, custom_formats=_custom_formats()), 2, seed, time.monotonic() + budget)
    if not got:
        raise CannotGenerate("no value")
    return got[-1]


def run_operation(op: Operation, check: Checker, seed: int = 0, budget: float | None = 10.0,
                  soft_deadlines: bool = True, rich_draws: int = 8,
                  rules: tuple[str, ...] | None = None) -> OpResult:
    t0 = time.monotonic()
    res = OpResult(label=op.label, spec=op.spec.source)
    try:
        case = build_case(op, seed)
        generate(case, seed=seed, budget=budget, soft_deadlines=soft_deadlines, rich_draws=rich_draws)
    except CannotGenerate as e:
        res.skipped = str(e)
        res.seconds = time.monotonic() - t0
        return res
    picked = pick_examples(case)
    for ex in picked:
        req = build_request(case, ex)
        matched, findings = check(req)
        res.valid.append((req, findings, matched))
    if not res.valid[-1][1]:  # mutate only a request the checker accepts
        ex = picked[-1]
        for m in mutations(case, ex, seed, rules=rules, draw=lambda s: draw_value(s, seed)):
            req = build_request(case, m.example, method=m.method, aliases=m.aliases, drop_auth=m.drop_auth,
                                drop_headers=m.drop_headers, content_type=m.content_type,
                                path_override=m.path_override)
            res.mutations.append((m, req, check(req)[1]))
    res.seconds = time.monotonic() - t0
    return res


def finding_text(f: Any) -> str:
    extra = f" (suggests {', '.join(f.suggestions)})" if f.suggestions else ""
    return f"{f.kind} {f.location}:{f.field or '-'}{extra} — {f.message}"


def all_operations(specs: list[gs.Spec]) -> list[Operation]:
    return [op for s in specs for op in s.operations]


def find_operation(specs: list[gs.Spec], method: str, path: str) -> Operation:
    for op in all_operations(specs):
        if op.method == method and op.base_path + op.path == path:
            return op
    raise KeyError(f"{method} {path}")


def operation(spec_path: str | Path, method: str, path: str) -> Operation:
    """The generator's own operation ``method path`` (template, without base path) of a spec file."""
    for op in gs.load(str(spec_path)).operations:
        if op.method == method.upper() and op.path == path:
            return op
    raise KeyError(f"{method} {path} in {spec_path}")
