"""What every SDK reader shares: the call it reads, the value helpers, and the grammar cache.

A reader parses a code block once with tree-sitter (the grammar wheels work offline and tolerate
partial, broken code: what does not parse becomes an ERROR node and the rest is still read) and
turns every call into a :class:`Call`: the chain of names (``stripe``, ``checkout``, ``sessions``,
``create``), the arguments as data, and hints (type names such as ``CustomerCreateOptions``).
Values the paste computes at run time are :class:`~bridgebot.check.model.Unresolved`; objects
with keys we cannot see (a spread, ``**kwargs``, a constructor's positional arguments) are
:class:`~bridgebot.check.clientcode.PartialDict`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

import tree_sitter as ts

from ...clientcode import PartialDict
from ...model import Unresolved

#: Values nested deeper than this (or variables followed further) are left unresolved.
MAX_DEPTH = 12
#: Calls looked at per code block.
MAX_CALLS = 400


class Options(dict):  # type: ignore[type-arg]
    """Request options (RequestOptions, a second options object): sent as headers."""


@dataclass
class Call:
    start: int
    end: int
    language: str
    #: Receiver chain and method, method last: ["stripe", "checkout", "sessions", "create"].
    names: list[str]
    args: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)
    #: Scalar arguments of calls inside the chain (octokat's repos('owner', 'repo').pulls.create).
    chain_args: list[Any] = field(default_factory=list)
    #: Type names that say which resource this is (CustomerParams, SessionCreateOptions).
    hints: list[str] = field(default_factory=list)
    #: Extra resource words from imports (Go import paths, Java imports): name -> words.
    context: list[str] = field(default_factory=list)
    #: The grammar could not read the arguments (broken quotes): only the name is known.
    unreadable: bool = False


@lru_cache(maxsize=None)
def parser(grammar: str) -> ts.Parser:
    """One parser per grammar, built on first use (importing a grammar wheel costs ~1 ms)."""
    if grammar == "javascript":
        import tree_sitter_javascript as m
        lang = m.language()
    elif grammar == "typescript":
        import tree_sitter_typescript as m
        lang = m.language_typescript()
    elif grammar == "python":
        import tree_sitter_python as m
        lang = m.language()
    elif grammar == "ruby":
        import tree_sitter_ruby as m
        lang = m.language()
    elif grammar == "php":
        import tree_sitter_php as m
        lang = m.language_php_only()
    elif grammar == "java":
        import tree_sitter_java as m
        lang = m.language()
    elif grammar == "csharp":
        import tree_sitter_c_sharp as m
        lang = m.language()
    elif grammar == "go":
        import tree_sitter_go as m
        lang = m.language()
    else:
        raise KeyError(grammar)
    return ts.Parser(ts.Language(lang))


@lru_cache(maxsize=None)
def query(grammar: str, source: str) -> ts.Query:
    return ts.Query(parser(grammar).language, source)


def captures(grammar: str, source: str, node: ts.Node, name: str) -> list[ts.Node]:
    found = ts.QueryCursor(query(grammar, source)).captures(node).get(name, [])
    found.sort(key=lambda n: (n.start_byte, -n.end_byte))  # outer calls first
    return found


def text(node: ts.Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text is not None else ""


@lru_cache(maxsize=8192)
def _words(name: str) -> tuple[str, ...]:
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", name)
    return tuple(w.lower() for w in re.split(r"[^A-Za-z0-9]+", name) if w)


def words(name: str) -> list[str]:
    """camelCase, PascalCase, snake_case, kebab-case and Namespace\\Names split into words."""
    return list(_words(name))


def snake(name: str) -> str:
    """A PascalCase field (Go, C#, Java setters) in the spec's snake_case: SuccessURL -> success_url."""
    if "_" in name or name.islower():
        return name
    return "_".join(words(name))


def singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 2:
        return word[:-1]
    return word


@lru_cache(maxsize=8192)
def norm(name: str) -> str:
    """The comparable form of a name: its words singular, lower case, joined."""
    return "".join(singular(w) for w in words(name))


def unquote_escapes(s: str) -> str:
    if "\\" not in s:
        return s
    return re.sub(r"\\(u[0-9a-fA-F]{4}|.)", _escape, s)


def _escape(m: re.Match[str]) -> str:
    e = m.group(1)
    if e.startswith("u") and len(e) == 5:
        return chr(int(e[1:], 16))
    return {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}.get(e, e)


def number(raw: str) -> Any:
    raw = raw.replace("_", "")
    # Type suffixes (10L, 1.5f, 2m, 3u); a hex literal's d and f are digits (0x1F is 31).
    raw = raw.rstrip("lLuU") if raw.lower().lstrip("-").startswith("0x") else raw.rstrip("lLmMdDfFuU")
    try:
        return int(raw, 0) if not re.search(r"[.eE]", raw) or raw.lower().startswith("0x") else float(raw)
    except ValueError:
        return Unresolved(raw)


class Reader:
    """Shared walk: subclasses give the grammar, the call query and the node readers."""

    grammar = ""
    language = ""
    #: A tree-sitter query whose @call captures every call node.
    calls_query = ""

    def __init__(self, src: str, offset: int = 0, prefix: str = "") -> None:
        self.src = src
        self.prefix = prefix
        self.raw = (prefix + src).encode("utf-8")
        self.ascii = len(self.raw) == len(prefix) + len(src)
        self.offset = offset
        self.tree = parser(self.grammar).parse(self.raw)
        self.env: dict[str, ts.Node] = {}
        #: var -> [(method, [arg nodes])] calls that fill a variable (Java put, Go AddMetadata).
        self.mutations: dict[str, list[tuple[str, list[ts.Node]]]] = {}
        self.types: dict[str, str] = {}
        self.imports: dict[str, list[str]] = {}
        self.collect(self.tree.root_node)

    # -- to override ----------------------------------------------------------------------------
    def collect(self, root: ts.Node) -> None:
        """Fill self.env (variable -> value node), self.types, self.imports, self.mutations."""

    def read_call(self, node: ts.Node) -> Call | None:
        raise NotImplementedError

    def value(self, node: ts.Node | None, depth: int = 0) -> Any:
        raise NotImplementedError

    # -- shared --------------------------------------------------------------------------------
    def char(self, byte: int) -> int:
        byte = max(0, byte - len(self.prefix.encode("utf-8")))
        if self.ascii:
            return self.offset + byte
        return self.offset + len(self.raw[len(self.prefix.encode("utf-8")):][:byte].decode("utf-8", "replace"))

    def calls(self) -> list[Call]:
        out: list[Call] = []
        for node in captures(self.grammar, self.calls_query, self.tree.root_node, "call")[:MAX_CALLS]:
            try:
                call = self.read_call(node)
            except RecursionError:
                call = None
            if call is not None and len(call.names) >= 1:
                call.start, call.end = self.char(node.start_byte), self.char(node.end_byte)
                out.append(call)
        return out

    def var(self, name: str, depth: int, fallback: str | None = None) -> Any:
        """The value bound to ``name`` earlier in the snippet, else Unresolved."""
        node = self.env.get(name)
        if node is not None and depth < MAX_DEPTH:
            value = self.value(node, depth + 1)
        else:
            value = Unresolved(fallback or name)
        muts = self.mutations.get(name)
        if muts and depth < MAX_DEPTH:
            value = self.apply_mutations(value, muts, depth)
        return value

    def apply_mutations(self, value: Any, muts: list[tuple[str, list[ts.Node]]], depth: int) -> Any:
        if isinstance(value, Unresolved) and all(m.lower() in ("add", "addall") for m, _ in muts):
            return value  # list.add(x) on a list made elsewhere: still a value we cannot see, not a map
        target = value if isinstance(value, dict) else PartialDict() if isinstance(value, Unresolved) else None
        if target is None:
            return value
        for method, args in muts:
            vals = [self.value(a, depth + 1) for a in args]
            if method == "putAll" and not (vals and isinstance(vals[0], dict)) and not isinstance(target, PartialDict):
                target = PartialDict(target)  # map.putAll(defaults) made elsewhere: may hold any field
            apply_setter(target, method, vals)
        return target


def apply_setter(target: dict[str, Any], method: str, vals: list[Any]) -> None:
    """Builders' and params' setters: setX(v), addX(v), addAllX(list), putX(k, v), put(k, v)."""
    w = words(method)
    if not w:
        return
    if method in ("put", "Add") and len(vals) == 2 and isinstance(vals[0], str):
        target[vals[0]] = vals[1]
        return
    if method == "putAll" and vals and isinstance(vals[0], dict):
        target.update(vals[0])
        return
    key = "_".join(w[1:])
    if w[0] == "set" and len(w) > 1 and vals:
        if key == "idempotency_key":
            target.setdefault("__options__", Options())["idempotency_key"] = vals[0]
        else:
            target[key] = vals[0]
    elif w[:2] == ["add", "all"] and len(w) > 2 and vals:
        seq = target.setdefault(_list_key("_".join(w[2:])), [])
        if isinstance(seq, list):
            seq.extend(vals[0] if isinstance(vals[0], list) else [vals[0]])
    elif w[0] == "add" and len(w) > 1 and vals:
        if len(vals) == 2 and isinstance(vals[0], str):  # Go params.AddMetadata("k", "v")
            if key in ("extra_param", "extra"):  # C# AddExtraParam("k", v), Go AddExtra("k", "v"): a field as named
                target[vals[0]] = vals[1]
                return
            sub = target.setdefault(key, {})
            if isinstance(sub, dict):
                sub[vals[0]] = vals[1]
            return
        seq = target.setdefault(_list_key(key), [])
        if isinstance(seq, list):
            seq.append(vals[0])
    elif w[:2] == ["put", "all"] and len(w) > 2 and vals and isinstance(vals[0], dict):
        if w[2:] == ["extra", "param"]:  # Java putAllExtraParam(map): fields as named
            target.update(vals[0])
            return
        sub = target.setdefault("_".join(w[2:]), {})
        if isinstance(sub, dict):
            sub.update(vals[0])
    elif w[0] == "put" and len(w) > 1 and len(vals) == 2:
        if key == "extra_param" and isinstance(vals[0], str):
            target[vals[0]] = vals[1]
            return
        sub = target.setdefault(key, {})
        if isinstance(sub, dict) and isinstance(vals[0], str):
            sub[vals[0]] = vals[1]


def _list_key(key: str) -> str:
    """The list field an addX/addAllX setter fills: paymentMethodType -> payment_method_types, but
    every Stripe params class's addExpand fills ``expand`` (singular in the API)."""
    return key if key.endswith("s") or key == "expand" else key + "s"


Partial = PartialDict
ValueReader = Callable[[Any, int], Any]
