"""Ruby SDK calls: stripe-ruby (Stripe::Customer.create), octokit.rb (client.create_pull_request)."""

from __future__ import annotations

from typing import Any

import tree_sitter as ts

from ...model import Unresolved
from .base import MAX_DEPTH, Call, Partial, Reader, captures, number, text, unquote_escapes

_ASSIGN = "(assignment left: [(identifier) (instance_variable)] @name right: (_) @value)"


class RubyReader(Reader):
    grammar = "ruby"
    language = "ruby"
    calls_query = "(call) @call"

    def collect(self, root: ts.Node) -> None:
        for name in captures(self.grammar, _ASSIGN, root, "name"):
            value = name.parent.child_by_field_name("right") if name.parent else None
            if value is not None:
                self.env[text(name)] = value

    def chain(self, node: ts.Node | None, call: Call, depth: int = 0) -> list[str]:
        if node is None or depth > MAX_DEPTH:
            return []
        t = node.type
        if t == "scope_resolution":
            return self.chain(node.child_by_field_name("scope"), call, depth + 1) + \
                [text(node.child_by_field_name("name"))]
        if t == "call":
            inner = self.chain(node.child_by_field_name("receiver"), call, depth + 1) + \
                [text(node.child_by_field_name("method"))]
            args = node.child_by_field_name("arguments")
            for a in args.named_children if args is not None else []:
                v = self.value(a, depth + 1)
                if not isinstance(v, (dict, list)):
                    call.chain_args.append(v)
            return inner
        if t in ("identifier", "constant", "instance_variable", "self"):
            return [text(node).lstrip("@")]
        if t == "parenthesized_statements" and node.named_children:
            return self.chain(node.named_children[0], call, depth + 1)
        return []

    def read_call(self, node: ts.Node) -> Call | None:
        receiver = node.child_by_field_name("receiver")
        method = node.child_by_field_name("method")
        if receiver is None or method is None:
            return None
        call = Call(0, 0, self.language, [])
        call.names = self.chain(receiver, call) + [text(method)]
        args = node.child_by_field_name("arguments")
        bare: dict[str, Any] = {}
        for a in args.named_children if args is not None else []:
            if a.type == "pair":
                key = self._key(a.child_by_field_name("key"))
                if key is not None:
                    bare[key] = self.value(a.child_by_field_name("value"))
            elif a.type == "hash_splat_argument":
                bare = Partial(bare)
            elif a.type not in ("comment", "block_argument"):
                call.args.append(self.value(a))
        if bare or isinstance(bare, Partial):  # `create(**opts)` alone: keys we cannot see, not no body
            call.args.append(bare)  # keyword arguments without braces: one hash
        return call

    def _key(self, node: ts.Node | None) -> str | None:
        if node is None:
            return None
        if node.type == "hash_key_symbol":
            return text(node)
        if node.type == "simple_symbol":
            return text(node).lstrip(":")
        v = self.value(node)
        return v if isinstance(v, str) and not isinstance(v, Unresolved) else None

    def value(self, node: ts.Node | None, depth: int = 0) -> Any:
        if node is None or depth > MAX_DEPTH:
            return Unresolved(text(node))
        t = node.type
        if t == "hash":
            out: dict[str, Any] = {}
            partial = False
            for child in node.named_children:
                if child.type == "pair":
                    key = self._key(child.child_by_field_name("key"))
                    if key is None:
                        partial = True
                        continue
                    if child.has_error:
                        out[key] = Unresolved(text(child))
                        partial = True
                        continue
                    out[key] = self.value(child.child_by_field_name("value"), depth + 1)
                elif child.type != "comment":
                    partial = True
            return Partial(out) if partial else out
        if t == "array":
            return [self.value(c, depth + 1) for c in node.named_children if c.type != "comment"]
        if t == "string":
            if any(c.type == "interpolation" for c in node.named_children):
                return Unresolved(text(node))
            return "".join(unquote_escapes(text(c)) if c.type == "escape_sequence" else text(c)
                           for c in node.named_children)
        if t == "simple_symbol":
            return text(node).lstrip(":")
        if t in ("integer", "float"):
            return number(text(node))
        if t == "true":
            return True
        if t == "false":
            return False
        if t == "nil":
            return None
        if t in ("identifier", "instance_variable"):
            return self.var(text(node), depth)
        if t == "unary" and text(node).startswith("-"):
            v = self.value(node.named_children[-1], depth + 1)
            return -v if isinstance(v, (int, float)) and not isinstance(v, bool) else Unresolved(text(node))
        return Unresolved(text(node))
