"""Python SDK calls: stripe-python (Customer.create, StripeClient), PyGithub, github3.py."""

from __future__ import annotations

from typing import Any

import tree_sitter as ts

from ...model import Unresolved
from .base import MAX_DEPTH, Call, Partial, Reader, captures, number, text, unquote_escapes

_ASSIGN = "(assignment left: (identifier) @name right: (_) @value)"


class PythonReader(Reader):
    grammar = "python"
    language = "python"
    calls_query = "(call) @call"

    def collect(self, root: ts.Node) -> None:
        for name in captures(self.grammar, _ASSIGN, root, "name"):
            value = name.parent.child_by_field_name("right") if name.parent else None
            if value is not None:
                self.env[text(name)] = value

    def chain(self, node: ts.Node | None, call: Call, depth: int = 0) -> list[str]:
        if node is None or depth > MAX_DEPTH:
            return []
        if node.type == "attribute":
            return self.chain(node.child_by_field_name("object"), call, depth + 1) + \
                [text(node.child_by_field_name("attribute"))]
        if node.type == "call":
            inner = self.chain(node.child_by_field_name("function"), call, depth + 1)
            args = node.child_by_field_name("arguments")
            for a in args.named_children if args is not None else []:
                if a.type != "keyword_argument":
                    v = self.value(a, depth + 1)
                    if not isinstance(v, (dict, list)):
                        call.chain_args.append(v)
            return inner
        if node.type in ("await", "parenthesized_expression"):
            return self.chain(node.named_children[0] if node.named_children else None, call, depth + 1)
        if node.type == "identifier":
            return [text(node)]
        return []

    def read_call(self, node: ts.Node) -> Call | None:
        fn = node.child_by_field_name("function")
        if fn is None or fn.type != "attribute":
            return None
        call = Call(0, 0, self.language, [])
        call.names = self.chain(fn, call)
        args = node.child_by_field_name("arguments")
        for a in args.named_children if args is not None else []:
            if a.type == "keyword_argument":
                call.kwargs[text(a.child_by_field_name("name"))] = self.value(a.child_by_field_name("value"))
            elif a.type == "dictionary_splat":
                inner = self.value(a.named_children[0] if a.named_children else None)
                if isinstance(inner, dict):
                    call.kwargs.update(inner)
                if not isinstance(inner, dict) or isinstance(inner, Partial):
                    call.kwargs["**"] = Unresolved(text(a))  # keys we cannot see
            elif a.type not in ("comment", "list_splat"):
                call.args.append(self.value(a))
        return call

    def value(self, node: ts.Node | None, depth: int = 0) -> Any:
        if node is None or depth > MAX_DEPTH:
            return Unresolved(text(node))
        t = node.type
        if t == "dictionary":
            out: dict[str, Any] = {}
            partial = False
            for child in node.named_children:
                if child.type == "pair":
                    key = self.value(child.child_by_field_name("key"), depth + 1)
                    if isinstance(key, Unresolved) or not isinstance(key, (str, int)):
                        partial = True
                        continue
                    if child.has_error:
                        out[str(key)] = Unresolved(text(child))
                        partial = True
                        continue
                    out[str(key)] = self.value(child.child_by_field_name("value"), depth + 1)
                elif child.type == "dictionary_splat":
                    inner = self.value(child.named_children[0] if child.named_children else None, depth + 1)
                    if isinstance(inner, dict) and not isinstance(inner, Partial):
                        out.update(inner)
                    else:
                        partial = True
                elif child.type != "comment":
                    partial = True
            return Partial(out) if partial else out
        if t in ("list", "tuple"):
            return [self.value(c, depth + 1) for c in node.named_children if c.type != "comment"]
        if t == "string":
            if any(c.type == "interpolation" for c in node.named_children):
                return Unresolved(text(node))
            return "".join(unquote_escapes(text(c)) if c.type == "escape_sequence" else _content(c)
                           for c in node.named_children if c.type in ("string_content", "escape_sequence"))
        if t == "concatenated_string":
            parts = [self.value(c, depth + 1) for c in node.named_children]
            return "".join(parts) if all(isinstance(p, str) and not isinstance(p, Unresolved) for p in parts) \
                else Unresolved(text(node))
        if t in ("integer", "float"):
            return number(text(node))
        if t == "true":
            return True
        if t == "false":
            return False
        if t == "none":
            return None
        if t == "identifier":
            return self.var(text(node), depth)
        if t == "unary_operator" and text(node).startswith("-"):
            v = self.value(node.named_children[-1], depth + 1)
            return -v if isinstance(v, (int, float)) and not isinstance(v, bool) else Unresolved(text(node))
        if t == "parenthesized_expression":
            return self.value(node.named_children[0] if node.named_children else None, depth + 1)
        return Unresolved(text(node))


def _content(node: ts.Node) -> str:
    """A string's text with its escapes decoded: the grammar puts the escape_sequence nodes inside
    string_content (none in a raw string, whose backslashes are its text)."""
    raw = node.text or b""
    out, pos = [], 0
    for e in node.children:
        if e.type == "escape_sequence":
            out.append(raw[pos:e.start_byte - node.start_byte].decode("utf-8", "replace"))
            out.append(unquote_escapes(text(e)))
            pos = e.end_byte - node.start_byte
    out.append(raw[pos:].decode("utf-8", "replace"))
    return "".join(out)
