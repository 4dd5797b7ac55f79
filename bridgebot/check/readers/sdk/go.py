"""Go SDK calls: stripe-go (customer.New(&stripe.CustomerParams{...})), go-github (client.PullRequests.Create)."""

from __future__ import annotations

import re
from typing import Any

import tree_sitter as ts

from ...model import Unresolved
from .rules import rules
from .base import MAX_DEPTH, Call, Options, Partial, Reader, apply_setter, captures, number, text, unquote_escapes

_DECL = """
(short_var_declaration left: (expression_list . (identifier) @name) right: (expression_list . (_) @value))
(assignment_statement left: (expression_list . (identifier) @name) right: (expression_list . (_) @value))
(var_spec name: (identifier) @name value: (expression_list . (_) @value))
"""
_MUTATIONS = "(expression_statement (call_expression function: (selector_expression operand: (identifier) @var field: (field_identifier) @method)) @call)"
_FIELD_SET = "(assignment_statement left: (expression_list . (selector_expression operand: (identifier) @var field: (field_identifier) @field)) right: (expression_list . (_) @value)) @stmt"
_IMPORTS = "(import_spec name: (package_identifier)? @alias path: (_) @path) @spec"
_IMPORT_RE = re.compile(r'(?m)^\s*(?:import\s+)?(?:(\w+)\s+)?"([\w.\-/]+)"\s*$')
_WRAPPERS = {"String", "Int", "Int64", "Float64", "Bool", "Ptr", "Float", "Uint64", "Int32"}
#: Pasted Go is mostly a function body; wrapped so the grammar reads statements.
PREFIX = "package p\nfunc _() {\n"


class GoReader(Reader):
    grammar = "go"
    language = "go"
    calls_query = "(call_expression) @call"

    def collect(self, root: ts.Node) -> None:
        for name in captures(self.grammar, _DECL, root, "name"):
            expr_list = name.parent
            decl = expr_list.parent if expr_list is not None and expr_list.type == "expression_list" else expr_list
            if decl is None:
                continue
            right = decl.child_by_field_name("right") or decl.child_by_field_name("value")
            if right is not None and right.named_children:
                self.env[text(name)] = right.named_children[0]
        for inv in captures(self.grammar, _MUTATIONS, root, "call"):  # the call_expression itself
            fn = inv.child_by_field_name("function")
            if fn is None:
                continue
            var, method = fn.child_by_field_name("operand"), fn.child_by_field_name("field")
            if re.match(r"(Add|Set)", text(method)):
                args = inv.child_by_field_name("arguments")
                self.mutations.setdefault(text(var), []).append(
                    (text(method), list(args.named_children) if args else []))
        for stmt in captures(self.grammar, _FIELD_SET, root, "stmt"):
            left = stmt.child_by_field_name("left").named_children[0]
            right = stmt.child_by_field_name("right").named_children[0]
            var = text(left.child_by_field_name("operand"))
            self.mutations.setdefault(var, []).append(("Set" + text(left.child_by_field_name("field")), [right]))
        # Imports are read from the text: a pasted body is wrapped in a function, where the
        # grammar would not take them.
        for m in _IMPORT_RE.finditer(self.src):
            alias, path = m.group(1), m.group(2)
            sm = re.search(r"stripe-go(?:/v\d+)?/(.+)$", path)
            if sm:
                parts = sm.group(1).split("/")
                self.imports[alias or parts[-1]] = parts

    def chain(self, node: ts.Node | None, call: Call, depth: int = 0) -> list[str]:
        if node is None or depth > MAX_DEPTH:
            return []
        if node.type == "selector_expression":
            return self.chain(node.child_by_field_name("operand"), call, depth + 1) + \
                [text(node.child_by_field_name("field"))]
        if node.type == "identifier":
            name = text(node)
            if name in self.imports:
                return list(self.imports[name])
            return [name]
        if node.type == "call_expression":
            return self.chain(node.child_by_field_name("function"), call, depth + 1)
        return []

    def read_call(self, node: ts.Node) -> Call | None:
        fn = node.child_by_field_name("function")
        if fn is None or fn.type != "selector_expression":
            return None
        call = Call(0, 0, self.language, [])
        call.names = self.chain(fn, call)
        args = node.child_by_field_name("arguments")
        for a in args.named_children if args is not None else []:
            if a.type == "comment":
                continue
            lit = a.named_children[0] if a.type == "unary_expression" and a.named_children else a
            if lit.type == "composite_literal":
                call.hints.append(text(lit.child_by_field_name("type")).split(".")[-1])
            elif lit.type == "identifier" and lit.text is not None:
                bound = self.env.get(text(lit))
                if bound is not None:
                    inner = bound.named_children[0] if bound.type == "unary_expression" and bound.named_children else bound
                    if inner.type == "composite_literal":
                        call.hints.append(text(inner.child_by_field_name("type")).split(".")[-1])
            v = self.value(a)
            if isinstance(v, Unresolved) and re.fullmatch(r"ctx|context\.\w+\(\)|nil", str(v)):
                continue
            if v is None:
                continue
            call.args.append(v)
        return call

    def value(self, node: ts.Node | None, depth: int = 0) -> Any:
        if node is None or depth > MAX_DEPTH:
            return Unresolved(text(node))
        t = node.type
        if t == "unary_expression" and text(node).startswith("&"):
            return self.value(node.named_children[0] if node.named_children else None, depth + 1)
        if t == "unary_expression" and text(node).startswith("-"):
            v = self.value(node.named_children[-1], depth + 1)
            return -v if isinstance(v, (int, float)) and not isinstance(v, bool) else Unresolved(text(node))
        if t == "composite_literal":
            value = self._literal(node.child_by_field_name("body"), depth)
            kind = node.child_by_field_name("type")
            single = (rules().get("go_single_value") or {}).get(text(kind).split(".")[-1])
            if single and isinstance(value, dict) and set(value) == {single}:
                return value[single]
            if value == {} and kind is not None and kind.type in ("slice_type", "array_type"):
                return []
            return value
        if t == "literal_value":
            return self._literal(node, depth)
        if t == "literal_element":
            return self.value(node.named_children[0] if node.named_children else None, depth + 1)
        if t == "call_expression":
            fn = node.child_by_field_name("function")
            name = text(fn.child_by_field_name("field")) if fn is not None and fn.type == "selector_expression" \
                else text(fn)
            args = node.child_by_field_name("arguments")
            vals = [self.value(a, depth + 1) for a in (args.named_children if args else [])]
            if name in _WRAPPERS and len(vals) == 1:
                return vals[0]
            if name in ("StringSlice", "Int64Slice") and len(vals) == 1:
                return vals[0]
            return Unresolved(text(node))
        if t in ("interpreted_string_literal", "raw_string_literal"):
            return "".join(unquote_escapes(text(c)) if c.type == "escape_sequence" else text(c)
                           for c in node.named_children)
        if t in ("int_literal", "float_literal"):
            return number(text(node))
        if t == "true":
            return True
        if t == "false":
            return False
        if t == "nil":
            return None
        if t == "identifier":
            return self.var(text(node), depth)
        if t == "selector_expression":
            return Unresolved(text(node))
        if t == "parenthesized_expression":
            return self.value(node.named_children[0] if node.named_children else None, depth + 1)
        return Unresolved(text(node))

    def _literal(self, body: ts.Node | None, depth: int) -> Any:
        if body is None:
            return {}
        kids = [c for c in body.named_children if c.type != "comment"]
        if kids and all(c.type == "keyed_element" for c in kids):
            out: dict[str, Any] = {}
            for c in kids:
                key_el, val_el = c.named_children[0], c.named_children[-1]
                key_node = key_el.named_children[0] if key_el.named_children else key_el
                key = text(key_node) if key_node.type in ("identifier", "field_identifier") else \
                    self.value(key_node, depth + 1)
                if not isinstance(key, str) or isinstance(key, Unresolved):
                    continue
                out[key] = self.value(val_el, depth + 1)
            embedded = out.pop("Params", None)  # stripe.Params{IdempotencyKey: ...}
            if isinstance(embedded, dict):
                opts = Options({k: v for k, v in embedded.items()})
                if opts:
                    out["__options__"] = opts
            return out
        if not kids:
            return {}
        return [self.value(c, depth + 1) for c in kids]
