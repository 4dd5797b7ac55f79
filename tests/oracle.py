"""An independent oracle for the checker: a spec, a valid request, and one mistake per rule.

Nothing here comes from ``bridgebot``: the spec is written out by hand, the valid request is
built by hand, and every mistake states on its own the one finding a developer must get
(kind, location and field in the checker's documented notation: ``a.b[0].c`` for JSON bodies,
the parameter name for query, path and header). A mistake shared by the checker and a
generator that reuses the checker's own tables cannot hide here.

Rules covered (one mistake or more each): every JSON Schema keyword the checker honours
(type, enum, const, required, properties, additionalProperties false and as a schema, items,
minItems, maxItems, minLength, maxLength, pattern, minimum, maximum, exclusiveMinimum,
exclusiveMaximum, format date / date-time / email / uuid / uri / ipv4 / ipv6 / int32 / int64,
type lists with null, allOf, anyOf and oneOf picking the best branch, if/then, not,
discriminator with a mapping, readOnly), query / path / header parameters, auth (missing and
sent the wrong way), the Idempotency-Key header, the content type, a broken JSON body, the
method and the path.
"""

from __future__ import annotations

import copy
import json
import shlex
from dataclasses import dataclass
from typing import Any, Callable

HOST = "https://api.oracle.test"
PATH = "/v1/widgets/{widget_id}"
WIDGET = "wd_42"

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Oracle widgets", "version": "1"},
    "servers": [{"url": HOST}],
    "components": {
        "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}},
        "schemas": {
            "Cat": {"type": "object", "additionalProperties": False, "required": ["kind", "lives"],
                    "properties": {"kind": {"type": "string"}, "lives": {"type": "integer"}}},
            "Dog": {"type": "object", "additionalProperties": False, "required": ["kind"],
                    "properties": {"kind": {"type": "string"}, "barks": {"type": "boolean"}}},
            "Circle": {"type": "object", "additionalProperties": False, "required": ["radius"],
                       "properties": {"radius": {"type": "integer"}}},
            "Rect": {"type": "object", "additionalProperties": False, "required": ["width", "height"],
                     "properties": {"width": {"type": "integer"}, "height": {"type": "integer"}}},
            "Widget": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "color", "tags", "id"],
                "properties": {
                    "id": {"type": "string", "readOnly": True},
                    "name": {"type": "string", "minLength": 2, "maxLength": 10},
                    "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
                    "email": {"type": "string", "format": "email"},
                    "day": {"type": "string", "format": "date"},
                    "at": {"type": "string", "format": "date-time"},
                    "uid": {"type": "string", "format": "uuid"},
                    "site": {"type": "string", "format": "uri"},
                    "ip4": {"type": "string", "format": "ipv4"},
                    "ip6": {"type": "string", "format": "ipv6"},
                    "count": {"type": "integer", "format": "int32"},
                    "big": {"type": "integer", "format": "int64"},
                    "price": {"type": "number", "minimum": 0, "exclusiveMaximum": 1000},
                    "ratio": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                    "color": {"type": "string", "enum": ["red", "green"]},
                    "version": {"const": "v1"},
                    "flag": {"type": "boolean"},
                    "note": {"type": ["string", "null"]},
                    "tags": {"type": "array", "minItems": 1, "maxItems": 3, "items": {"type": "string"}},
                    "labels": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 5}},
                    "address": {"allOf": [
                        {"type": "object", "required": ["city"], "properties": {"city": {"type": "string"}}},
                        {"type": "object", "properties": {"zip": {"type": "string", "pattern": "^[0-9]{5}$"}}},
                    ]},
                    "pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                            "discriminator": {"propertyName": "kind", "mapping": {
                                "cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"}}},
                    "shape": {"anyOf": [{"$ref": "#/components/schemas/Circle"},
                                        {"$ref": "#/components/schemas/Rect"}]},
                    "shipping": {
                        "type": "object",
                        "properties": {"method": {"type": "string", "enum": ["standard", "express"]},
                                       "phone": {"type": "string"}},
                        "if": {"properties": {"method": {"const": "express"}}, "required": ["method"]},
                        "then": {"required": ["phone"]},
                    },
                    "fees": {
                        "type": "object",
                        "properties": {"flat": {"type": "integer"}, "percent": {"type": "number"}},
                        "not": {"required": ["flat", "percent"]},
                    },
                },
            },
        },
    },
    "paths": {
        PATH: {
            "post": {
                "operationId": "UpdateWidget",
                "security": [{"key": []}],
                "parameters": [
                    {"name": "widget_id", "in": "path", "required": True,
                     "schema": {"type": "string", "pattern": "^wd_[0-9]+$"}},
                    {"name": "mode", "in": "query", "required": True,
                     "schema": {"type": "string", "enum": ["fast", "safe"]}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                    {"name": "Idempotency-Key", "in": "header", "required": True, "schema": {"type": "string"}},
                ],
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Widget"}}}},
                "responses": {"200": {"description": "ok"}},
            },
        },
    },
}


@dataclass
class Request:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: list[tuple[str, str]]
    body: Any
    #: The body text as sent; None means ``json.dumps(body)``.
    raw_body: str | None = None

    def curl(self) -> str:
        url = HOST + self.path + ("?" + "&".join(f"{k}={v}" for k, v in self.query) if self.query else "")
        parts = ["curl", "-X", self.method, shlex.quote(url)]
        for k, v in self.headers:
            parts += ["-H", shlex.quote(f"{k}: {v}")]
        text = self.raw_body if self.raw_body is not None else json.dumps(self.body)
        parts += ["-d", shlex.quote(text)]
        return " ".join(parts)


def valid_request() -> Request:
    """A request every rule accepts (the optional fields present, so each can be broken)."""
    body = {
        "name": "gadget", "code": "ABC", "email": "dev@example.com", "day": "2026-11-30",
        "at": "2026-11-30T10:00:00Z", "uid": "5c3b1c9e-1111-4a2b-9c3d-0123456789ab",
        "site": "https://example.com/x", "ip4": "10.1.2.3", "ip6": "2001:db8::1",
        "count": 2147483647, "big": 9223372036854775807, "price": 0, "ratio": 1,
        "color": "red", "version": "v1", "flag": True, "note": None, "tags": ["a", "b", "c"],
        "labels": {"env": "prod"}, "address": {"city": "Paris", "zip": "75001"},
        "pet": {"kind": "cat", "lives": 9}, "shape": {"width": 2, "height": 3},
        "shipping": {"method": "express", "phone": "+331"}, "fees": {"flat": 1},
    }
    return Request("POST", f"/v1/widgets/{WIDGET}", [("mode", "fast"), ("limit", "100")],
                   [("X-Api-Key", "$WIDGET_KEY"), ("Idempotency-Key", "5c3b1c9e-2222-4a2b-9c3d-0123456789ab"),
                    ("Content-Type", "application/json")], body)


@dataclass
class Mistake:
    rule: str
    kind: str
    field: str
    change: Callable[[Request], None]
    location: str = "body"


def _body(**changes: Any) -> Callable[[Request], None]:
    def change(r: Request) -> None:
        for dotted, value in changes.items():
            node = r.body
            keys = dotted.split("__")
            for k in keys[:-1]:
                node = node[k]
            if value is _DROP:
                del node[keys[-1]]
            else:
                node[keys[-1]] = value
    return change


_DROP = object()


def _query(name: str, value: str | None, rename: str | None = None) -> Callable[[Request], None]:
    def change(r: Request) -> None:
        out = []
        for k, v in r.query:
            if k != name:
                out.append((k, v))
            elif rename:
                out.append((rename, v))
            elif value is not None:
                out.append((k, value))
        r.query = out
    return change


def _header(name: str, value: str | None, rename: str | None = None) -> Callable[[Request], None]:
    def change(r: Request) -> None:
        out = []
        for k, v in r.headers:
            if k != name:
                out.append((k, v))
            elif rename:
                out.append((rename, value if value is not None else v))
            elif value is not None:
                out.append((k, value))
        r.headers = out
    return change


def _set(attr: str, value: Any) -> Callable[[Request], None]:
    return lambda r: setattr(r, attr, value)


MISTAKES: list[Mistake] = [
    # required, type, unknown fields
    Mistake("required", "missing_required", "name", _body(name=_DROP)),
    Mistake("type string", "wrong_type", "name", _body(name=12)),
    Mistake("type integer (a fraction)", "wrong_type", "count", _body(count=1.5)),
    Mistake("type boolean", "wrong_type", "flag", _body(flag="yes")),
    Mistake("type list with null", "wrong_type", "note", _body(note=5)),
    Mistake("null where not allowed", "wrong_type", "name", _body(name=None)),
    Mistake("additionalProperties false", "unknown_param", "nmae", _body(nmae="x")),
    Mistake("additionalProperties schema", "out_of_range", "labels.env", _body(labels={"env": "production"})),
    # strings
    Mistake("minLength", "out_of_range", "name", _body(name="g")),
    Mistake("maxLength", "out_of_range", "name", _body(name="gadget-gadget")),
    Mistake("pattern", "invalid_format", "code", _body(code="AB1")),
    Mistake("format email", "invalid_format", "email", _body(email="dev.example.com")),
    Mistake("format date", "invalid_format", "day", _body(day="2026-02-30")),
    Mistake("format date-time", "invalid_format", "at", _body(at="2026-11-30 10:00")),
    Mistake("format uuid", "invalid_format", "uid", _body(uid="5c3b1c9e-1111-4a2b-9c3d")),
    Mistake("format uri", "invalid_format", "site", _body(site="example dot com")),
    Mistake("format ipv4", "invalid_format", "ip4", _body(ip4="10.1.2.300")),
    Mistake("format ipv6", "invalid_format", "ip6", _body(ip6="2001:db8::g")),
    # numbers
    Mistake("format int32", "out_of_range", "count", _body(count=2147483648)),
    Mistake("format int64", "out_of_range", "big", _body(big=9223372036854775808)),
    Mistake("minimum", "out_of_range", "price", _body(price=-1)),
    Mistake("exclusiveMaximum", "out_of_range", "price", _body(price=1000)),
    Mistake("exclusiveMinimum", "out_of_range", "ratio", _body(ratio=0)),
    Mistake("maximum", "out_of_range", "ratio", _body(ratio=1.5)),
    # enum, const
    Mistake("enum", "invalid_enum", "color", _body(color="blue")),
    Mistake("const", "invalid_enum", "version", _body(version="v2")),
    # arrays
    Mistake("minItems", "out_of_range", "tags", _body(tags=[])),
    Mistake("maxItems", "out_of_range", "tags", _body(tags=["a", "b", "c", "d"])),
    Mistake("items", "wrong_type", "tags[1]", _body(tags=["a", 5])),
    # allOf
    Mistake("allOf required", "missing_required", "address.city", _body(address={"zip": "75001"})),
    Mistake("allOf member keyword", "invalid_format", "address.zip", _body(address__zip="7500")),
    Mistake("allOf unknown field", "unknown_param", "address.county", _body(address__county="x")),
    # discriminator, oneOf / anyOf
    Mistake("discriminator missing", "missing_required", "pet.kind", _body(pet={"lives": 9})),
    Mistake("discriminator unknown value", "invalid_enum", "pet.kind", _body(pet={"kind": "bird"})),
    Mistake("discriminator picks the branch", "wrong_type", "pet.lives", _body(pet={"kind": "cat", "lives": "x"})),
    Mistake("anyOf best branch (not the first)", "wrong_type", "shape.height",
            _body(shape={"width": 2, "height": "tall"})),
    # conditionals
    Mistake("if/then", "missing_required", "shipping.phone", _body(shipping={"method": "express"})),
    Mistake("not", "unknown_param", "fees.percent", _body(fees={"flat": 1, "percent": 0.5})),
    # readOnly
    Mistake("readOnly sent in a request", "unknown_param", "id", _body(id="wd_1")),
    # parameters
    Mistake("query required", "missing_required", "mode", _query("mode", None), "query"),
    Mistake("query enum", "invalid_enum", "mode", _query("mode", "slow"), "query"),
    Mistake("query maximum", "out_of_range", "limit", _query("limit", "101"), "query"),
    Mistake("query type", "wrong_type", "limit", _query("limit", "ten"), "query"),
    Mistake("query unknown", "unknown_param", "limt", _query("limit", None, rename="limt"), "query"),
    Mistake("path pattern", "invalid_format", "widget_id", _set("path", "/v1/widgets/42"), "path"),
    # headers: auth, idempotency, content type
    Mistake("auth missing", "auth_missing", "X-Api-Key", _header("X-Api-Key", None), "header"),
    Mistake("auth sent the wrong way", "auth_invalid", "Authorization",
            _header("X-Api-Key", "Bearer $WIDGET_KEY", rename="Authorization"), "header"),
    Mistake("idempotency key", "idempotency_key_missing", "Idempotency-Key", _header("Idempotency-Key", None),
            "header"),
    Mistake("content type", "content_type", "Content-Type", _header("Content-Type", "text/plain"), "header"),
    # body, method, path
    Mistake("broken JSON", "malformed_body", "", _set("raw_body", '{"name": "gadget", "color":'), "body"),
    Mistake("method", "wrong_method", "method", _set("method", "GET"), "url"),
    Mistake("path", "unknown_path", "path", _set("path", "/v1/widget/wd_42"), "url"),
]


def mistaken(m: Mistake) -> Request:
    r = copy.deepcopy(valid_request())
    m.change(r)
    return r
