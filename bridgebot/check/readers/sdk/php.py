"""PHP SDK calls: stripe-php (\\Stripe\\Customer::create, $stripe->customers->create), Laravel facades."""

from __future__ import annotations

from typing import Any

import tree_sitter as ts

from ...model import Unresolved
from .base import MAX_DEPTH, Call, Partial, Reader, captures, number, text, unquote_escapes

_CALLS = "[(member_call_expression) (scoped_call_expression)] @call"
_ASSIGN = "(assignment_expression left: (variable_name) @name right: (_) @value)"


class PhpReader(Reader):
    grammar = "php"
    language = "php"
    calls_query = _CALLS

    def collect(self, root: ts.Node) -> None:
        for name in captures(self.grammar, _ASSIGN, root, "name"):
            value = name.parent.child_by_field_name("right") if name.parent else None
            if value is not None:
                self.env[text(name).lstrip("$")] = value

    def chain(self, node: ts.Node | None, call: Call, depth: int = 0) -> list[str]:
        if node is None or depth > MAX_DEPTH:
            return []
        t = node.type
        if t in ("member_access_expression", "nullsafe_member_access_expression"):
            return self.chain(node.child_by_field_name("object"), call, depth + 1) + \
                [text(node.child_by_field_name("name"))]
        if t in ("member_call_expression", "scoped_call_expression"):
            head = node.child_by_field_name("object") or node.child_by_field_name("scope")
            inner = self.chain(head, call, depth + 1) + [text(node.child_by_field_name("name"))]
            for v in self._args(node, depth + 1):
                if not isinstance(v, (dict, list)):
                    call.chain_args.append(v)
            return inner
        if t == "variable_name":
            return [text(node).lstrip("$")]
        if t in ("qualified_name", "name", "relative_scope"):
            return [p for p in text(node).split("\\") if p]
        return []

    def _args(self, node: ts.Node, depth: int = 0) -> list[Any]:
        args = node.child_by_field_name("arguments")
        out = []
        for a in args.named_children if args is not None else []:
            if a.type == "argument":
                inner = [c for c in a.named_children if c.type != "name"]
                out.append(self.value(inner[-1] if inner else None, depth))
        return out

    def read_call(self, node: ts.Node) -> Call | None:
        head = node.child_by_field_name("object") or node.child_by_field_name("scope")
        call = Call(0, 0, self.language, [])
        call.names = self.chain(head, call) + [text(node.child_by_field_name("name"))]
        # An empty array passed as the params argument is the (empty) params map.
        call.args = [{} if isinstance(a, Unresolved) and a == "[]" else a for a in self._args(node)]
        return call

    def value(self, node: ts.Node | None, depth: int = 0) -> Any:
        if node is None or depth > MAX_DEPTH:
            return Unresolved(text(node))
        t = node.type
        if t == "array_creation_expression":
            elements = [c for c in node.named_children if c.type == "array_element_initializer"]
            keyed = [e for e in elements if len(e.named_children) == 2]
            if elements and len(keyed) == len(elements):
                out: dict[str, Any] = {}
                partial = False
                for e in keyed:
                    key = self.value(e.named_children[0], depth + 1)
                    if isinstance(key, Unresolved) or not isinstance(key, (str, int)):
                        partial = True
                        continue
                    if e.has_error:
                        out[str(key)] = Unresolved(text(e))
                        partial = True
                        continue
                    out[str(key)] = self.value(e.named_children[1], depth + 1)
                return Partial(out) if partial else out
            if not elements:
                return Unresolved("[]")  # PHP's empty array is a list or a map: not judged
            return [self.value(e.named_children[-1], depth + 1) for e in elements]
        if t in ("string", "encapsed_string"):
            if any(c.type in ("variable_name", "member_access_expression", "dynamic_variable_name")
                   for c in node.named_children):
                return Unresolved(text(node))
            return "".join(unquote_escapes(text(c)) if c.type == "escape_sequence" else text(c)
                           for c in node.named_children if c.type in ("string_content", "escape_sequence",
                                                                      "string_value"))
        if t in ("integer", "float"):
            return number(text(node))
        if t == "boolean":
            return text(node).lower() == "true"
        if t == "null":
            return None
        if t == "variable_name":
            return self.var(text(node).lstrip("$"), depth)
        if t == "unary_op_expression" and text(node).startswith("-"):
            v = self.value(node.named_children[-1], depth + 1)
            return -v if isinstance(v, (int, float)) and not isinstance(v, bool) else Unresolved(text(node))
        if t == "parenthesized_expression":
            return self.value(node.named_children[0] if node.named_children else None, depth + 1)
        return Unresolved(text(node))
