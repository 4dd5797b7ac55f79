"""Compiled JSON Schemas (OpenAPI 3.0 and 3.1 dialects) and the walker that checks values.

Why not validate with jsonschema/openapi-core per request: the checker must say *which field*
is wrong in the developer's own notation (``items[1][price]``, ``destination.currency``), pick
the branch of an ``anyOf`` the developer meant, cast form-encoded strings per schema, report
unknown fields with did-you-mean even where a schema leaves ``additionalProperties`` out, and
do all of it in well under a millisecond. Schemas are compiled once into plain objects with
``$ref`` resolved (cycles kept as shared nodes), which pickle into the spec cache.
"""

from __future__ import annotations

import difflib
import ipaddress
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable

from .model import ElidedDict, Finding, Unresolved

MAX_DEPTH = 64


class Schema:
    __slots__ = (
        "types", "nullable", "enum", "const", "has_const", "properties", "required", "additional",
        "items", "any_of", "one_of", "all_of", "format", "minimum", "maximum", "exclusive_minimum",
        "exclusive_maximum", "min_length", "max_length", "pattern", "min_items", "max_items",
        "discriminator", "read_only", "all_props", "free_form", "if_", "then", "else_", "not_",
        "never", "__weakref__",
    )

    def __init__(self) -> None:
        self.types: frozenset[str] | None = None
        self.nullable = False
        self.enum: tuple[Any, ...] | None = None
        self.const: Any = None
        self.has_const = False
        self.properties: dict[str, Schema] | None = None
        self.required: tuple[str, ...] = ()
        #: None = not said; False = forbidden; True = allowed; Schema = allowed with that schema.
        self.additional: bool | Schema | None = None
        self.items: Schema | None = None
        self.any_of: tuple[Schema, ...] = ()
        self.one_of: tuple[Schema, ...] = ()
        self.all_of: tuple[Schema, ...] = ()
        self.format: str | None = None
        self.minimum: float | None = None
        self.maximum: float | None = None
        self.exclusive_minimum: float | None = None
        self.exclusive_maximum: float | None = None
        self.min_length: int | None = None
        self.max_length: int | None = None
        self.pattern: str | None = None
        self.min_items: int | None = None
        self.max_items: int | None = None
        #: (property name, {value: branch}) when the spec gives a discriminator.
        self.discriminator: tuple[str, dict[str, Schema]] | None = None
        self.read_only = False
        #: Property names of this schema and its allOf members (for unknown-field checks).
        self.all_props: frozenset[str] | None = None
        #: The object takes any keys (additionalProperties true/schema, or no properties at all).
        self.free_form = True
        #: Conditional rules (if/then/else) and exclusions (not), e.g. "not both fee kinds".
        self.if_: Schema | None = None
        self.then: Schema | None = None
        self.else_: Schema | None = None
        self.not_: Schema | None = None
        #: The schema ``false``: no value is valid (``then: {properties: {x: false}}`` = don't send x).
        self.never = False

    def __getstate__(self) -> tuple[Any, ...]:
        return tuple(getattr(self, s) for s in self.__slots__[:-1])

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(self.__slots__[:-1], state):
            setattr(self, name, value)


# --- compiling --------------------------------------------------------------------------------

class SchemaCompiler:
    """Compiles schemas of one spec document, sharing nodes for the same ``$ref``."""

    def __init__(self, document: dict[str, Any], openapi_version: str) -> None:
        self.document = document
        self.v31 = openapi_version.startswith("3.1")
        self._by_ref: dict[str, Schema] = {}
        self._by_id: dict[int, Schema] = {}

    def resolve(self, obj: Any, depth: int = 0) -> Any:
        """Follow a ``$ref`` (any object in the document, not only schemas)."""
        while isinstance(obj, dict) and "$ref" in obj and depth < 50:
            obj = self._lookup(obj["$ref"])
            depth += 1
        return obj

    def _lookup(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            raise ValueError(f"external $ref not supported: {ref}")
        node: Any = self.document
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            node = node[int(part)] if isinstance(node, list) else node[part]
        return node

    def compile(self, raw: Any) -> Schema:
        if isinstance(raw, dict) and "$ref" in raw and (not self.v31 or len(raw) == 1):
            ref = raw["$ref"]
            if ref in self._by_ref:
                return self._by_ref[ref]
            node = Schema()
            self._by_ref[ref] = node
            self._fill(node, self._lookup(ref))
            return node
        if isinstance(raw, dict) and id(raw) in self._by_id:
            return self._by_id[id(raw)]
        node = Schema()
        if isinstance(raw, dict):
            self._by_id[id(raw)] = node
        self._fill(node, raw)
        return node

    def _fill(self, node: Schema, raw: Any) -> None:
        if raw is False:
            node.never = True
            return
        if raw is True or raw is None or not isinstance(raw, dict):
            return
        if "$ref" in raw:  # 3.1 allows siblings next to $ref: treat the ref as an allOf member
            raw = {**raw}
            ref = raw.pop("$ref")
            raw["allOf"] = [{"$ref": ref}, *raw.get("allOf", [])]
        t = raw.get("type")
        if isinstance(t, str):
            node.types = frozenset([t])
        elif isinstance(t, list):
            node.types = frozenset(t)
        if node.types and "null" in node.types:
            node.nullable = True
        if raw.get("nullable") is True:
            node.nullable = True
        if "enum" in raw and isinstance(raw["enum"], list):
            values = raw["enum"]
            if None in values:
                node.nullable = True
            node.enum = tuple(v for v in values if v is not None) or None
        if "const" in raw:
            node.has_const, node.const = True, raw["const"]
        node.format = raw.get("format")
        for key, attr in (("minimum", "minimum"), ("maximum", "maximum")):
            if isinstance(raw.get(key), (int, float)):
                setattr(node, attr, raw[key])
        for key, attr, bound in (("exclusiveMinimum", "exclusive_minimum", "minimum"),
                                 ("exclusiveMaximum", "exclusive_maximum", "maximum")):
            v = raw.get(key)
            if v is True and getattr(node, bound) is not None:  # 3.0 boolean form
                setattr(node, attr, getattr(node, bound))
                setattr(node, bound, None)
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                setattr(node, attr, v)
        node.min_length = raw.get("minLength")
        node.max_length = raw.get("maxLength")
        node.pattern = raw.get("pattern")
        node.min_items = raw.get("minItems")
        node.max_items = raw.get("maxItems")
        node.read_only = bool(raw.get("readOnly"))
        if isinstance(raw.get("properties"), dict):
            node.properties = {k: self.compile(v) for k, v in raw["properties"].items()}
        if isinstance(raw.get("required"), list):
            node.required = tuple(r for r in raw["required"] if isinstance(r, str))
        ap = raw.get("additionalProperties")
        if ap is False:
            node.additional = False
        elif ap is True or ap == {}:
            node.additional = True
        elif isinstance(ap, dict):
            node.additional = self.compile(ap)
        if "items" in raw and isinstance(raw["items"], dict):
            node.items = self.compile(raw["items"])
        for key, attr in (("anyOf", "any_of"), ("oneOf", "one_of"), ("allOf", "all_of")):
            if isinstance(raw.get(key), list):
                setattr(node, attr, tuple(self.compile(s) for s in raw[key]))
        for key, attr in (("if", "if_"), ("then", "then"), ("else", "else_"), ("not", "not_")):
            if isinstance(raw.get(key), dict):
                setattr(node, attr, self.compile(raw[key]))
        disc = raw.get("discriminator")
        if isinstance(disc, dict) and isinstance(disc.get("propertyName"), str):
            branches = node.one_of or node.any_of
            mapping: dict[str, Schema] = {}
            for value, ref in (disc.get("mapping") or {}).items():
                mapping[value] = self.compile({"$ref": ref})
            if not mapping:
                for ref_raw, branch in zip(raw.get("oneOf") or raw.get("anyOf") or [], branches):
                    if isinstance(ref_raw, dict) and "$ref" in ref_raw:
                        mapping[ref_raw["$ref"].rsplit("/", 1)[-1]] = branch
            node.discriminator = (disc["propertyName"], mapping)
        if node.types is None and (node.properties is not None or "additionalProperties" in raw):
            node.types = frozenset(["object"])
        self._finish(node, raw)

    def _finish(self, node: Schema, raw: dict[str, Any]) -> None:
        props = set(node.properties or ())
        free = node.additional not in (None, False)
        for i, _member in enumerate(node.all_of):
            members = raw.get("allOf") or []
            member_raw = self.resolve(members[i]) if i < len(members) else None
            if isinstance(member_raw, dict):
                props |= _props_of(self, member_raw)
                if member_raw.get("additionalProperties") not in (None, False):
                    free = True
        if not props and node.additional is None:
            free = True  # no declared properties at all: a free-form object
        node.all_props = frozenset(props)
        node.free_form = free


def _props_of(compiler: SchemaCompiler, raw: dict[str, Any], depth: int = 0) -> set[str]:
    out = set((raw.get("properties") or {}).keys())
    if depth < 10:
        for m in raw.get("allOf") or []:
            r = compiler.resolve(m)
            if isinstance(r, dict):
                out |= _props_of(compiler, r, depth + 1)
    return out


# --- checking ---------------------------------------------------------------------------------

@dataclass
class CheckContext:
    """How to read and name values: ``form`` values are strings to cast; names differ by style."""

    location: str
    form: bool = False
    #: "json" names fields a.b[0].c; "form" names them a[b][0][c].
    style: str = "json"
    findings: list[Finding] = field(default_factory=list)

    def name(self, path: tuple[Any, ...]) -> str:
        if not path:
            return ""
        if self.style == "form":
            head, rest = str(path[0]), path[1:]
            return head + "".join(f"[{p}]" for p in rest)
        out = ""
        for p in path:
            if isinstance(p, int):
                out += f"[{p}]"
            elif re.fullmatch(r"[A-Za-z_$][\w$-]*", str(p)):
                out += ("." if out else "") + str(p)
            else:
                out += f"[{json.dumps(p)}]"
        return out

    def add(self, kind: str, path: tuple[Any, ...], message: str, expected: Any = None,
            actual: Any = None, suggestions: tuple[str, ...] = ()) -> None:
        self.findings.append(Finding(kind=kind, location=self.location, field=self.name(path),
                                     message=message, expected=expected, actual=actual,
                                     suggestions=suggestions))

    def fork(self) -> "CheckContext":
        return CheckContext(location=self.location, form=self.form, style=self.style)


class FormList(list):  # type: ignore[type-arg]
    """A list decoded from form keys (``items[0]``, ``items[1]``), remembering the labels used."""

    labels: list[str]


def check(node: Schema, value: Any, ctx: CheckContext, path: tuple[Any, ...] = (), extra_ok: bool = False) -> None:
    """Check ``value`` against ``node``, adding findings to ``ctx``."""
    if len(path) > MAX_DEPTH:
        ctx.add("malformed_body", path, f"`{ctx.name(path)}` is nested too deeply to check")
        return
    if isinstance(value, Unresolved):
        return  # computed at run time in the pasted code: nothing to check
    if node.never:
        # JSON Schema `false`: a field the spec says must not be sent (here, or in this case)
        ctx.add("unknown_param", path, f"`{ctx.name(path)}` must not be sent here.", expected=None,
                actual=path[-1] if path else None)
        return
    if value is None:
        if not (node.nullable or _no_type_constraint(node)):
            ctx.add("wrong_type", path, f"`{ctx.name(path)}` must not be null; expected {describe(node)}",
                    expected=describe(node), actual=None)
        return
    if node.discriminator and isinstance(value, dict):
        _check_discriminated(node, value, ctx, path)
        return
    branches = node.one_of or node.any_of
    if branches:
        _check_branches(node, branches, value, ctx, path)
    for member in node.all_of:
        check(member, value, ctx, path, extra_ok=True)
    if node.if_ is not None or node.not_ is not None:
        _check_conditionals(node, value, ctx, path)
    value = _cast_or_report(node, value, ctx, path)
    if value is _BAD:
        return
    if node.enum is not None and value not in node.enum and not _enum_loose_match(node.enum, value):
        allowed = [v for v in node.enum]
        close = _close(str(value), [str(v) for v in allowed])
        shown = ", ".join(f"`{v}`" for v in allowed[:12]) + (", …" if len(allowed) > 12 else "")
        hint = f" Did you mean `{close[0]}`?" if close else ""
        ctx.add("invalid_enum", path, f"`{ctx.name(path)}` is `{_short(value)}`, which is not one of {shown}.{hint}",
                expected=allowed, actual=value, suggestions=tuple(close))
        return
    if node.has_const and value != node.const:
        ctx.add("invalid_enum", path, f"`{ctx.name(path)}` must be `{node.const}`, not `{_short(value)}`.",
                expected=[node.const], actual=value)
        return
    if isinstance(value, str):
        _check_string(node, value, ctx, path)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        _check_number(node, value, ctx, path)
    elif isinstance(value, dict):
        _check_object(node, value, ctx, path, extra_ok)
    elif isinstance(value, list):
        _check_array(node, value, ctx, path)


_BAD = object()
_TYPE_NAMES = {"string": "a string", "integer": "an integer", "number": "a number", "boolean": "a boolean",
               "object": "an object", "array": "an array", "null": "null"}


def _no_type_constraint(node: Schema) -> bool:
    return node.types is None and node.enum is None and not node.any_of and not node.one_of and not node.has_const


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "null"


def _type_ok(types: frozenset[str], value: Any) -> bool:
    t = _json_type(value)
    return t in types or (t == "integer" and "number" in types)


def _cast_or_report(node: Schema, value: Any, ctx: CheckContext, path: tuple[Any, ...]) -> Any:
    types = node.types
    if not types or _type_ok(types, value):
        return value
    if ctx.form and isinstance(value, str):
        cast = _cast_form(types, value)
        if cast is not _BAD:
            return cast
    exp = " or ".join(_TYPE_NAMES.get(t, t) for t in sorted(types - {"null"})) or "null"
    hint = ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and types == {"string"} and (
        node.pattern and "0-9" in node.pattern or (node.format or "").startswith("decimal")
    ):
        hint = f' Send it as a string: `"{value}"`.'
    elif ctx.form and isinstance(value, str) and "array" in types:
        hint = f" Send a list as `{ctx.name(path)}[]=…` (or `{ctx.name(path)}[0]=…`)."
    elif ctx.form and isinstance(value, str) and "object" in types:
        hint = f" Send its fields as `{ctx.name(path)}[key]=…`."
    ctx.add("wrong_type", path, f"`{ctx.name(path)}` must be {exp}, got {_describe_value(value)}.{hint}",
            expected=exp, actual=value)
    return _BAD


def _cast_form(types: frozenset[str], value: str) -> Any:
    if "integer" in types and re.fullmatch(r"-?\d+", value):
        return int(value)
    if "number" in types and re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", value):
        return float(value)
    if "boolean" in types and value in ("true", "false"):
        return value == "true"
    if "null" in types and value == "":
        return None
    return _BAD


def _enum_loose_match(enum: tuple[Any, ...], value: Any) -> bool:
    # A form value "1" against enum [1] (form values are strings on the wire).
    return isinstance(value, (int, float, bool)) and str(value).lower() in {str(v).lower() for v in enum}


def _describe_value(value: Any) -> str:
    return f"{_TYPE_NAMES.get(_json_type(value), 'a value')} `{_short(value)}`"


def _short(value: Any, limit: int = 60) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(node: Schema) -> str:
    if node.enum is not None:
        return "one of " + ", ".join(str(v) for v in node.enum[:8]) + (", …" if len(node.enum) > 8 else "")
    if node.types:
        return " or ".join(sorted(node.types - {"null"})) or "null"
    branches = node.one_of or node.any_of
    if branches:
        return " or ".join(dict.fromkeys(describe(b) for b in branches))
    if node.all_of:
        return describe(node.all_of[0])
    return "any value"


def _close(word: str, candidates: list[str], n: int = 3) -> list[str]:
    if not candidates:
        return []
    lower = {c.lower(): c for c in candidates}
    if word.lower() in lower and lower[word.lower()] != word:
        return [lower[word.lower()]]
    return difflib.get_close_matches(word, candidates, n=n, cutoff=0.6)


def _check_string(node: Schema, value: str, ctx: CheckContext, path: tuple[Any, ...]) -> None:
    name = ctx.name(path)
    if node.min_length is not None and len(value) < node.min_length:
        what = "must not be empty" if node.min_length == 1 else f"must be at least {node.min_length} characters"
        ctx.add("out_of_range", path, f"`{name}` {what} (got {len(value)}).",
                expected=f"length >= {node.min_length}", actual=len(value))
    if node.max_length is not None and len(value) > node.max_length:
        ctx.add("out_of_range", path, f"`{name}` must be at most {node.max_length} characters (got {len(value)}).",
                expected=f"length <= {node.max_length}", actual=len(value))
    if node.pattern is not None:
        rx = _regex(node.pattern)
        if rx is not None and not rx.search(value):
            ctx.add("invalid_format", path, f"`{name}` is `{_short(value)}`, which does not match `{node.pattern}`.",
                    expected=node.pattern, actual=value)
            return
    if node.format:
        checker = FORMATS.get(node.format)
        if checker is not None and not checker(value):
            ctx.add("invalid_format", path,
                    f"`{name}` is `{_short(value)}`, which is not a valid {FORMAT_WORDS.get(node.format, node.format)}.",
                    expected=node.format, actual=value)


def _check_number(node: Schema, value: float, ctx: CheckContext, path: tuple[Any, ...]) -> None:
    name = ctx.name(path)
    if node.types and "integer" in node.types and "number" not in node.types and isinstance(value, float) \
            and not value.is_integer():
        ctx.add("wrong_type", path, f"`{name}` must be an integer, got `{value}`.", expected="integer", actual=value)
        return
    checks = (
        (node.minimum, lambda b: value < b, ">="), (node.maximum, lambda b: value > b, "<="),
        (node.exclusive_minimum, lambda b: value <= b, ">"), (node.exclusive_maximum, lambda b: value >= b, "<"),
    )
    for bound, bad, op in checks:
        if bound is not None and bad(bound):
            ctx.add("out_of_range", path, f"`{name}` must be {op} {bound} (got {value}).",
                    expected=f"{op} {bound}", actual=value)
            return
    fmt = node.format
    if fmt in ("int32", "int64"):
        limit = 2**31 if fmt == "int32" else 2**63
        if not -limit <= value < limit:
            ctx.add("out_of_range", path, f"`{name}` does not fit in {fmt} (got {value}).", expected=fmt, actual=value)


def _check_object(node: Schema, value: dict[str, Any], ctx: CheckContext, path: tuple[Any, ...], extra_ok: bool) -> None:
    props = node.properties or {}
    # An object with keys we cannot see (a spread, positional SDK arguments, an elision): don't
    # claim missing.
    for req in () if getattr(value, "keys_unknown", False) else node.required:
        if req not in value and not isinstance(value, ElidedDict):
            sub = props.get(req)
            if sub is not None and sub.read_only:
                continue  # readOnly: required in responses only (OpenAPI), never sent in a request
            ctx.add("missing_required", (*path, req),
                    f"`{ctx.name((*path, req))}` is required but missing"
                    + (f" (expected {describe(sub)})." if sub is not None else "."),
                    expected=describe(sub) if sub is not None else None, actual=None)
    known = node.all_props or frozenset(props)
    for key, item in value.items():
        sub = props.get(key)
        if sub is not None and sub.read_only:
            # The API sets it and refuses (or silently drops) it in a request: a field not to send.
            ctx.add("unknown_param", (*path, key),
                    f"`{ctx.name((*path, key))}` is read-only: the API sets it, so don't send it.",
                    expected=None, actual=key)
        elif sub is not None:
            check(sub, item, ctx, (*path, key))
        elif key in known:
            continue  # declared by an allOf member, checked there
        elif isinstance(node.additional, Schema):
            check(node.additional, item, ctx, (*path, key))
        elif not (extra_ok or node.free_form):
            close = _close(key, sorted(known))
            hint = f" Did you mean `{ctx.name((*path, close[0]))}`?" if close else ""
            where = f" in `{ctx.name(path)}`" if path else ""
            ctx.add("unknown_param", (*path, key), f"Unknown field `{ctx.name((*path, key))}`{where}.{hint}",
                    expected=close or None, actual=key, suggestions=tuple(close))


def _check_array(node: Schema, value: list[Any], ctx: CheckContext, path: tuple[Any, ...]) -> None:
    name = ctx.name(path)
    if node.min_items is not None and len(value) < node.min_items:
        ctx.add("out_of_range", path, f"`{name}` needs at least {node.min_items} item(s) (got {len(value)}).",
                expected=f"items >= {node.min_items}", actual=len(value))
    if node.max_items is not None and len(value) > node.max_items:
        ctx.add("out_of_range", path, f"`{name}` takes at most {node.max_items} item(s) (got {len(value)}).",
                expected=f"items <= {node.max_items}", actual=len(value))
    if node.items is not None:
        labels = getattr(value, "labels", None)
        for i, item in enumerate(value):
            check(node.items, item, ctx, (*path, labels[i] if labels else i))


def _branch_types(node: Schema, depth: int = 0) -> frozenset[str] | None:
    """The JSON types a schema can accept, or None when it does not say."""
    if node.types is not None:
        return node.types | ({"null"} if node.nullable else set())
    if node.enum is not None:
        return frozenset(_json_type(v) for v in node.enum)
    if node.has_const:
        return frozenset([_json_type(node.const)])
    branches = node.one_of or node.any_of
    if branches and depth < 10:
        out: set[str] = set()
        for b in branches:
            t = _branch_types(b, depth + 1)
            if t is None:
                return None
            out |= t
        return frozenset(out)
    if node.all_of and depth < 10:
        for m in node.all_of:
            t = _branch_types(m, depth + 1)
            if t is not None:
                return t
    return None


def _compatible(node: Schema, value: Any, form: bool) -> bool:
    types = _branch_types(node)
    if types is None:
        return True
    if _type_ok(types, value):
        return True
    return form and isinstance(value, str) and _cast_form(types, value) is not _BAD


def _check_branches(node: Schema, branches: tuple[Schema, ...], value: Any, ctx: CheckContext,
                    path: tuple[Any, ...]) -> None:
    candidates = [b for b in branches if _compatible(b, value, ctx.form)]
    if not candidates:
        expected = " or ".join(dict.fromkeys(describe(b) for b in branches))
        ctx.add("wrong_type", path, f"`{ctx.name(path)}` must be {expected}, got {_describe_value(value)}.",
                expected=expected, actual=value)
        return
    best: list[Finding] | None = None
    best_score = 0.0
    for b in candidates:
        sub = ctx.fork()
        check(b, value, sub, path)
        if not sub.findings:
            return
        score = len(sub.findings)
        if isinstance(value, dict) and b.properties:
            score -= 2 * sum(1 for k in value if k in b.properties)
        if best is None or score < best_score:
            best, best_score = sub.findings, score
    ctx.findings.extend(best or [])


def _passes(node: Schema, value: Any, ctx: CheckContext, path: tuple[Any, ...]) -> bool:
    sub = ctx.fork()
    check(node, value, sub, path, extra_ok=True)
    return not sub.findings


def _check_conditionals(node: Schema, value: Any, ctx: CheckContext, path: tuple[Any, ...]) -> None:
    if isinstance(value, ElidedDict):
        return  # keys were left out of the paste: which branch applies is unknown
    if node.if_ is not None:
        branch = node.then if _passes(node.if_, value, ctx, path) else node.else_
        if branch is not None:
            check(branch, value, ctx, path, extra_ok=True)
    if node.not_ is not None and _passes(node.not_, value, ctx, path):
        together = [k for k in node.not_.required if isinstance(value, dict) and k in value]
        if len(together) >= 2:
            last = together[-1]
            others = ", ".join(f"`{ctx.name((*path, k))}`" for k in together[:-1])
            ctx.add("unknown_param", (*path, last),
                    f"`{ctx.name((*path, last))}` cannot be sent together with {others}: send only one.",
                    expected=f"only one of {', '.join(together)}", actual=last)
        elif len(together) == 1:
            ctx.add("unknown_param", (*path, together[0]),
                    f"`{ctx.name((*path, together[0]))}` must not be sent here.", expected=None, actual=together[0])
        else:
            ctx.add("invalid_format", path, f"`{ctx.name(path) or 'the body'}` has a value this field does not allow.",
                    expected=None, actual=value if not isinstance(value, (dict, list)) else None)


def _check_discriminated(node: Schema, value: dict[str, Any], ctx: CheckContext, path: tuple[Any, ...]) -> None:
    prop, mapping = node.discriminator  # type: ignore[misc]
    if prop not in value:
        ctx.add("missing_required", (*path, prop),
                f"`{ctx.name((*path, prop))}` is required: it says which kind of object this is "
                f"({', '.join(mapping)}).", expected=list(mapping), actual=None)
        return
    branch = mapping.get(str(value[prop]))
    if branch is None:
        close = _close(str(value[prop]), list(mapping))
        hint = f" Did you mean `{close[0]}`?" if close else ""
        ctx.add("invalid_enum", (*path, prop),
                f"`{ctx.name((*path, prop))}` is `{_short(value[prop])}`, which is not one of "
                f"{', '.join(f'`{k}`' for k in mapping)}.{hint}",
                expected=list(mapping), actual=value[prop], suggestions=tuple(close))
        return
    check(branch, value, ctx, path)


# --- formats ----------------------------------------------------------------------------------

_REGEX_CACHE: dict[str, re.Pattern[str] | None] = {}


def _regex(pattern: str) -> re.Pattern[str] | None:
    if pattern not in _REGEX_CACHE:
        try:
            # ECMA-262 \d etc. are ASCII-only.
            _REGEX_CACHE[pattern] = re.compile(pattern, re.ASCII)
        except re.error:
            _REGEX_CACHE[pattern] = None
    return _REGEX_CACHE[pattern]


_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_EMAIL = re.compile(r"^[^@\s]+@([^@\s]+)$")


def _email_ok(v: str) -> bool:
    # A dot with something on both sides of it in the domain. Checked by hand: the regex
    # `[^@\s]+\.[^@\s]+` let two quantifiers compete for the same characters (quadratic).
    m = _EMAIL.match(v)
    return bool(m) and "." in m.group(1)[1:-1]
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$")


def _date_ok(v: str) -> bool:
    try:
        date.fromisoformat(v)
        return len(v) == 10
    except ValueError:
        return False


def _date_time_ok(v: str) -> bool:
    if not _DATE_TIME.match(v):
        return False
    try:
        datetime.fromisoformat(v.replace("z", "Z").replace("Z", "+00:00"))
        return True
    except ValueError:
        return False


def _ip_ok(version: int) -> Callable[[str], bool]:
    def ok(v: str) -> bool:
        try:
            return ipaddress.ip_address(v).version == version
        except ValueError:
            return False
    return ok


FORMATS: dict[str, Callable[[str], bool]] = {
    "date": _date_ok,
    "date-time": _date_time_ok,
    "email": _email_ok,
    "uuid": lambda v: bool(_UUID.match(v)),
    "uri": lambda v: bool(_URI.match(v)),
    "ipv4": _ip_ok(4),
    "ipv6": _ip_ok(6),
}
FORMAT_WORDS = {"date": "date (YYYY-MM-DD)", "date-time": "date-time (ISO 8601, e.g. 2024-05-01T12:00:00Z)",
                "email": "email address", "uuid": "UUID", "uri": "URL", "ipv4": "IPv4 address",
                "ipv6": "IPv6 address"}
