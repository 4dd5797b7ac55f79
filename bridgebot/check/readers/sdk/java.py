"""Java SDK calls: stripe-java (Price.create(params) with a Map or a builder), hub4j."""

from __future__ import annotations

import re
from typing import Any

import tree_sitter as ts

from ...model import Unresolved
from .base import MAX_DEPTH, Call, Options, Partial, Reader, apply_setter, captures, number, text, unquote_escapes

_DECL = """
(local_variable_declaration type: (_) @type declarator: (variable_declarator name: (identifier) @name value: (_) @value))
(assignment_expression left: (identifier) @name right: (_) @value)
"""
_MUTATIONS = "(expression_statement (method_invocation object: (identifier) @var name: (identifier) @method) @call)"
_IMPORTS = "(import_declaration (scoped_identifier) @path)"
_WRAPPERS = {"valueOf", "asList", "of", "singletonList", "singletonMap"}


class JavaReader(Reader):
    grammar = "java"
    language = "java"
    calls_query = "(method_invocation) @call"

    def collect(self, root: ts.Node) -> None:
        for name in captures(self.grammar, _DECL, root, "name"):
            parent = name.parent
            if parent is None:
                continue
            if parent.type == "variable_declarator":
                value = parent.child_by_field_name("value")
                decl = parent.parent
                type_node = decl.child_by_field_name("type") if decl is not None else None
                if type_node is not None:
                    self.types[text(name)] = text(type_node)
            else:
                value = parent.child_by_field_name("right")
            if value is not None:
                self.env[text(name)] = value
        for node in captures(self.grammar, _MUTATIONS, root, "call"):
            var, method = node.child_by_field_name("object"), node.child_by_field_name("name")
            args = node.child_by_field_name("arguments")
            if re.match(r"(put|add|set)", text(method)):
                self.mutations.setdefault(text(var), []).append(
                    (text(method), list(args.named_children) if args is not None else []))
        for path in captures(self.grammar, _IMPORTS, root, "path"):
            parts = text(path).split(".")
            self.imports[parts[-1]] = parts[:-1]

    def chain(self, node: ts.Node | None, call: Call, depth: int = 0) -> list[str]:
        if node is None or depth > MAX_DEPTH:
            return []
        t = node.type
        if t == "field_access":
            return self.chain(node.child_by_field_name("object"), call, depth + 1) + \
                [text(node.child_by_field_name("field"))]
        if t == "method_invocation":
            return self.chain(node.child_by_field_name("object"), call, depth + 1) + \
                [text(node.child_by_field_name("name"))]
        if t == "identifier":
            name = text(node)
            if name in self.types:
                call.hints.append(self.types[name])
            return [name]
        if t == "object_creation_expression":
            return [text(node.child_by_field_name("type"))]
        return []

    def read_call(self, node: ts.Node) -> Call | None:
        obj = node.child_by_field_name("object")
        if obj is None:
            return None
        call = Call(0, 0, self.language, [])
        call.names = self.chain(obj, call) + [text(node.child_by_field_name("name"))]
        head = call.names[0] if call.names else ""
        if head in self.imports:
            call.context.extend(self.imports[head])
        args = node.child_by_field_name("arguments")
        for a in args.named_children if args is not None else []:
            if a.type == "identifier" and text(a) in self.types:
                call.hints.append(self.types[text(a)])
            call.args.append(self.value(a))
        return call

    def _builder(self, node: ts.Node, depth: int) -> Any:
        """X.builder().setA(1).addB(c).build() -> {"a": 1, "bs": [c]} (the root type as a hint)."""
        steps: list[tuple[str, list[ts.Node]]] = []
        cur: ts.Node | None = node.child_by_field_name("object")
        while cur is not None and cur.type == "method_invocation" and text(cur.child_by_field_name("name")) != "builder":
            args = cur.child_by_field_name("arguments")
            steps.append((text(cur.child_by_field_name("name")), list(args.named_children) if args else []))
            cur = cur.child_by_field_name("object")
        if cur is None or cur.type != "method_invocation":
            return Unresolved(text(node))
        out: dict[str, Any] = {}
        for method, args in reversed(steps):
            apply_setter(out, method, [self.value(a, depth + 1) for a in args])
        if set(out) == {"__options__"}:  # RequestOptions.builder().setIdempotencyKey(k).build()
            return out["__options__"]
        return out

    def value(self, node: ts.Node | None, depth: int = 0) -> Any:
        if node is None or depth > MAX_DEPTH:
            return Unresolved(text(node))
        t = node.type
        if t == "method_invocation":
            name = text(node.child_by_field_name("name"))
            if name == "build":
                return self._builder(node, depth)
            args = node.child_by_field_name("arguments")
            vals = [self.value(a, depth + 1) for a in (args.named_children if args else [])]
            if name in _WRAPPERS:
                if name in ("asList", "of", "singletonList") and not (name == "of" and text(node).startswith("Map")):
                    return vals
                return vals[0] if len(vals) == 1 else Unresolved(text(node))
            return Unresolved(text(node))
        if t == "object_creation_expression":
            type_name = text(node.child_by_field_name("type"))
            if type_name.startswith(("HashMap", "Map", "LinkedHashMap", "TreeMap")):
                return {}
            if type_name.startswith(("ArrayList", "List", "LinkedList")):
                return []
            if type_name == "RequestOptions":
                return Options()
            return Unresolved(text(node))
        if t == "field_access":
            field = text(node.child_by_field_name("field"))
            return field.lower() if re.fullmatch(r"[A-Z][A-Z0-9_]*", field) else Unresolved(text(node))
        if t == "string_literal":
            return "".join(unquote_escapes(text(c)) if c.type == "escape_sequence" else text(c)
                           for c in node.named_children)
        if t in ("decimal_integer_literal", "decimal_floating_point_literal", "hex_integer_literal"):
            return number(text(node))
        if t == "true":
            return True
        if t == "false":
            return False
        if t == "null_literal":
            return None
        if t == "identifier":
            return self.var(text(node), depth)
        if t == "unary_expression" and text(node).startswith("-"):
            v = self.value(node.named_children[-1], depth + 1)
            return -v if isinstance(v, (int, float)) and not isinstance(v, bool) else Unresolved(text(node))
        if t in ("parenthesized_expression", "cast_expression"):
            return self.value(node.named_children[-1] if node.named_children else None, depth + 1)
        return Unresolved(text(node))
