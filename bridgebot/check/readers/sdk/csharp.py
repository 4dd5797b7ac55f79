"""C# SDK calls: stripe-dotnet (new CustomerService().Create(new CustomerCreateOptions {...})), Octokit.net."""

from __future__ import annotations

import re
from typing import Any

import tree_sitter as ts

from ...model import Unresolved
from .base import MAX_DEPTH, Call, Options, Partial, Reader, apply_setter, captures, number, text, unquote_escapes

_DECL = """
(variable_declarator name: (identifier) @name)
(assignment_expression left: (identifier) @name right: (_) @value)
"""
_MUTATIONS = "(expression_statement (invocation_expression function: (member_access_expression expression: (identifier) @var name: (identifier) @method)) @call)"
_USING = "(using_directive (qualified_name) @ns)"


class CSharpReader(Reader):
    grammar = "csharp"
    language = "csharp"
    calls_query = "(invocation_expression) @call"

    def collect(self, root: ts.Node) -> None:
        for name in captures(self.grammar, _DECL, root, "name"):
            parent = name.parent
            if parent is None:
                continue
            if parent.type == "variable_declarator":
                value = next((c for c in parent.named_children if c != name and c.type != "identifier"
                              or (c.type == "identifier" and c.start_byte > name.start_byte)), None)
            else:
                value = parent.child_by_field_name("right")
            if value is not None:
                self.env[text(name)] = value
                if value.type == "object_creation_expression":
                    self.types[text(name)] = text(value.child_by_field_name("type"))
        for inv in captures(self.grammar, _MUTATIONS, root, "call"):  # the invocation_expression itself
            fn = inv.child_by_field_name("function")
            if fn is None:
                continue
            var, method = fn.child_by_field_name("expression"), fn.child_by_field_name("name")
            args = inv.child_by_field_name("arguments")
            if re.match(r"(Add|Set|Put)", text(method)):
                vals = [a.named_children[-1] for a in (args.named_children if args else []) if a.named_children]
                self.mutations.setdefault(text(var), []).append((text(method), vals))
        for ns in captures(self.grammar, _USING, root, "ns"):
            self.imports.setdefault("*", []).extend(text(ns).split(".")[1:])

    def chain(self, node: ts.Node | None, call: Call, depth: int = 0) -> list[str]:
        if node is None or depth > MAX_DEPTH:
            return []
        t = node.type
        if t == "member_access_expression":
            return self.chain(node.child_by_field_name("expression"), call, depth + 1) + \
                [text(node.child_by_field_name("name"))]
        if t == "identifier":
            name = text(node)
            if name in self.types:
                return self._service(self.types[name], call)
            return [name]
        if t == "object_creation_expression":
            return self._service(text(node.child_by_field_name("type")), call)
        if t == "parenthesized_expression" and node.named_children:
            return self.chain(node.named_children[0], call, depth + 1)
        if t == "await_expression" and node.named_children:
            return self.chain(node.named_children[0], call, depth + 1)
        if t == "invocation_expression":
            return self.chain(node.child_by_field_name("function"), call, depth + 1)
        return []

    @staticmethod
    def _service(type_name: str, call: Call) -> list[str]:
        """Stripe.Checkout.SessionService -> ["Checkout", "Session"]."""
        parts = type_name.split(".")
        if parts[0] == "Stripe":
            parts = parts[1:]
        if parts and parts[-1].endswith("Service"):
            parts[-1] = parts[-1][: -len("Service")]
        return parts

    def read_call(self, node: ts.Node) -> Call | None:
        fn = node.child_by_field_name("function")
        if fn is None or fn.type != "member_access_expression":
            return None
        call = Call(0, 0, self.language, [])
        call.names = self.chain(fn, call)
        call.context.extend(self.imports.get("*", []))
        args = node.child_by_field_name("arguments")
        for a in args.named_children if args is not None else []:
            if a.type != "argument" or not a.named_children:
                continue
            inner = a.named_children[-1]
            if inner.type == "object_creation_expression":
                call.hints.append(text(inner.child_by_field_name("type")))
            elif inner.type == "identifier" and text(inner) in self.types:
                call.hints.append(self.types[text(inner)])
            # A named argument (options: ..., id: ...) names the method's parameter, not a field
            # of the request: taken in the order written, like a positional one.
            call.args.append(self.value(inner))
        return call

    def value(self, node: ts.Node | None, depth: int = 0) -> Any:
        if node is None or depth > MAX_DEPTH:
            return Unresolved(text(node))
        t = node.type
        if t == "object_creation_expression":
            type_name = text(node.child_by_field_name("type"))
            init = node.child_by_field_name("initializer")
            args = node.child_by_field_name("arguments")
            if init is None:
                if type_name.startswith(("Dictionary", "List")) and (args is None or not args.named_children):
                    return {} if type_name.startswith("Dictionary") else []
                if type_name == "RequestOptions":
                    return Options()
                return Partial() if args is not None and args.named_children else \
                    (Options() if type_name.endswith("RequestOptions") else {})
            out = self._initializer(init, depth)
            if out == [] and not type_name.startswith(("List", "IList")):
                out = {}  # new Dictionary<string, object> { } / new XOptions { }
            if type_name.endswith("RequestOptions") and isinstance(out, dict):
                return Options(out)
            if isinstance(out, dict) and args is not None and args.named_children:
                return Partial(out)  # constructor arguments: fields we cannot name
            return out
        if t in ("implicit_object_creation_expression", "anonymous_object_creation_expression"):
            init = node.child_by_field_name("initializer") or next(
                (c for c in node.named_children if c.type == "initializer_expression"), None)
            return self._initializer(init, depth) if init is not None else Unresolved(text(node))
        if t in ("array_creation_expression", "implicit_array_creation_expression", "collection_expression"):
            init = next((c for c in node.named_children if c.type == "initializer_expression"), None)
            return self._initializer(init, depth) if init is not None else \
                [self.value(c, depth + 1) for c in node.named_children if c.type != "comment"]
        if t == "initializer_expression":
            return self._initializer(node, depth)
        if t in ("collection_element", "expression_element"):  # an item of [1, 2] (C# 12)
            return self.value(node.named_children[0] if node.named_children else None, depth + 1)
        if t == "string_literal":
            return "".join(unquote_escapes(text(c)) if c.type == "escape_sequence" else text(c)
                           for c in node.named_children)
        if t == "verbatim_string_literal":
            return text(node)[2:-1]
        if t in ("integer_literal", "real_literal"):
            return number(text(node))
        if t == "boolean_literal":
            return text(node) == "true"
        if t == "null_literal":
            return None
        if t == "identifier":
            return self.var(text(node), depth)
        if t == "member_access_expression":
            # An enum member, e.g. CheckoutSessionMode.Payment? Stripe.net takes strings; leave it.
            return Unresolved(text(node))
        if t == "prefix_unary_expression" and text(node).startswith("-"):
            v = self.value(node.named_children[-1], depth + 1)
            return -v if isinstance(v, (int, float)) and not isinstance(v, bool) else Unresolved(text(node))
        if t in ("parenthesized_expression", "cast_expression"):
            return self.value(node.named_children[-1] if node.named_children else None, depth + 1)
        return Unresolved(text(node))

    def _initializer(self, init: ts.Node, depth: int) -> Any:
        kids = [c for c in init.named_children if c.type != "comment"]
        if kids and all(c.type == "assignment_expression" for c in kids):
            out: dict[str, Any] = {}
            for c in kids:
                left = c.child_by_field_name("left")
                if left is not None and left.type == "element_binding_expression":
                    # new Dictionary<string, string> { ["order"] = "6735" }: the key is in the brackets
                    arg = next((a for a in left.named_children if a.type == "argument" and a.named_children), None)
                    key = self.value(arg.named_children[-1], depth + 1) if arg is not None else None
                    if isinstance(key, str) and not isinstance(key, Unresolved):
                        out[key] = self.value(c.child_by_field_name("right"), depth + 1)
                    continue
                if left is not None and left.type == "element_access_expression":
                    continue
                out[text(left)] = self.value(c.child_by_field_name("right"), depth + 1)
            return out
        if kids and all(c.type == "initializer_expression" and len(c.named_children) == 2 for c in kids):
            out = {}
            for c in kids:
                key = self.value(c.named_children[0], depth + 1)
                if isinstance(key, str) and not isinstance(key, Unresolved):
                    out[key] = self.value(c.named_children[1], depth + 1)
            return out
        return [self.value(c, depth + 1) for c in kids]
