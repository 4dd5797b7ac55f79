"""JavaScript and TypeScript SDK calls: stripe-node, octokit (rest, request, github-script), octokat."""

from __future__ import annotations

from typing import Any

import tree_sitter as ts

from ...model import Unresolved
from .base import MAX_DEPTH, Call, Partial, Reader, captures, number, text, unquote_escapes

_CALLS = "(call_expression) @call"
_ASSIGN = """
(variable_declarator name: (identifier) @name value: (_) @value)
(assignment_expression left: (identifier) @name right: (_) @value)
"""


class JavaScriptReader(Reader):
    grammar = "javascript"
    language = "javascript"
    calls_query = _CALLS

    def collect(self, root: ts.Node) -> None:
        names = captures(self.grammar, _ASSIGN, root, "name")
        for name in names:
            parent = name.parent
            value = parent.child_by_field_name("value") or parent.child_by_field_name("right") if parent else None
            if value is not None:
                self.env[text(name)] = value

    def chain(self, node: ts.Node | None, call: Call, depth: int = 0) -> list[str]:
        if node is None or depth > MAX_DEPTH:
            return []
        t = node.type
        if t == "member_expression":
            return self.chain(node.child_by_field_name("object"), call, depth + 1) + \
                [text(node.child_by_field_name("property"))]
        if t == "call_expression":
            inner = self.chain(node.child_by_field_name("function"), call, depth + 1)
            args = node.child_by_field_name("arguments")
            for a in args.named_children if args is not None else []:
                v = self.value(a, depth + 1)
                if not isinstance(v, (dict, list)):
                    call.chain_args.append(v)
            return inner
        if t in ("await_expression", "parenthesized_expression", "non_null_expression"):
            return self.chain(node.named_children[0] if node.named_children else None, call, depth + 1)
        if t == "new_expression":
            return [text(node.child_by_field_name("constructor"))]
        if t in ("identifier", "this", "property_identifier"):
            return [text(node)]
        return []

    def read_call(self, node: ts.Node) -> Call | None:
        fn = node.child_by_field_name("function")
        if fn is None or fn.type != "member_expression":
            return None
        call = Call(0, 0, self.language, [])
        call.names = self.chain(fn, call)
        args = node.child_by_field_name("arguments")
        for a in args.named_children if args is not None else []:
            if a.type == "comment":
                continue
            call.args.append(self.value(a))
        return call

    def value(self, node: ts.Node | None, depth: int = 0) -> Any:
        if node is None or depth > MAX_DEPTH:
            return Unresolved(text(node))
        t = node.type
        if t == "object":
            out: dict[str, Any] = {}
            partial = False
            for child in node.named_children:
                if child.type == "pair":
                    key_node = child.child_by_field_name("key")
                    if key_node is None:
                        continue
                    if key_node.type == "computed_property_name":
                        partial = True
                        continue
                    key = self.value(key_node, depth + 1) if key_node.type == "string" else text(key_node)
                    if child.has_error:  # the grammar recovered around an error: value unknown
                        out[str(key)] = Unresolved(text(child))
                        partial = True
                        continue
                    out[str(key)] = self.value(child.child_by_field_name("value"), depth + 1)
                elif child.type == "shorthand_property_identifier":
                    out[text(child)] = self.var(text(child), depth)
                elif child.type == "spread_element":
                    inner = self.value(child.named_children[0] if child.named_children else None, depth + 1)
                    if isinstance(inner, dict):
                        out.update(inner)
                        partial = partial or isinstance(inner, Partial)
                    else:
                        partial = True
                elif child.type == "method_definition":
                    continue
                elif child.type != "comment":
                    partial = True  # an ERROR inside the literal: keys we could not read
            return Partial(out) if partial else out
        if t == "array":
            return [self.value(c, depth + 1) for c in node.named_children if c.type != "comment"]
        if t == "string":
            return "".join(unquote_escapes(text(c)) if c.type == "escape_sequence" else text(c)
                           for c in node.named_children)
        if t == "template_string":
            if any(c.type == "template_substitution" for c in node.named_children):
                return Unresolved(text(node))
            return text(node)[1:-1]
        if t == "number":
            return number(text(node))
        if t == "true":
            return True
        if t == "false":
            return False
        if t == "null":
            return None
        if t == "undefined":
            return Unresolved("undefined")
        if t == "identifier":
            return self.var(text(node), depth)
        if t == "unary_expression" and text(node).startswith("-"):
            v = self.value(node.named_children[-1], depth + 1)
            return -v if isinstance(v, (int, float)) and not isinstance(v, bool) else Unresolved(text(node))
        if t in ("parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression"):
            return self.value(node.named_children[0] if node.named_children else None, depth + 1)
        return Unresolved(text(node))


class TypeScriptReader(JavaScriptReader):
    grammar = "typescript"
    language = "typescript"
