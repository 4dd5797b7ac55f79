"""Read requests out of pasted client code: JavaScript fetch/axios, Python requests/httpx, PHP curl.

This is not an interpreter. It reads the literal parts developers paste (URLs, method names,
header and body literals, and variables assigned a literal earlier in the same snippet) and
leaves anything computed at run time out, saying so in the request's notes.
"""

from __future__ import annotations

import ast
import itertools
import json
import re
import threading
from typing import Any, Iterator
from urllib.parse import urlencode

from .model import PastedRequest, Unresolved

_METHODS = ("get", "post", "put", "patch", "delete", "head", "options")


def find_code_requests(text: str) -> Iterator[tuple[int, int, PastedRequest]]:
    """Yield ``(start, end, request)`` for every client call found in ``text``."""
    yield from _fetch_calls(text)
    yield from _axios_calls(text)
    yield from _python_calls(text)
    yield from _php_curl(text)


# --- generic scanning -------------------------------------------------------------------------

#: A pasted call or literal longer than this is not read (and an unclosed one costs no more).
MAX_SPAN = 20_000
#: Calls of one kind looked at per message.
MAX_CALLS = 50


# A bracket, or a whole quoted string (an unclosed one runs to the end): the scanner below jumps
# from one to the next in C instead of stepping through every character in Python.
_BRACKET_OR_STRING = re.compile(r"""[()\[\]{}]|'(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?|`(?:[^`\\]|\\.)*`?""", re.S)
_PAIRS = {"(": ")", "[": "]", "{": "}"}
_memo = threading.local()


def balanced_end(text: str, start: int) -> int:
    """Index just past the bracket closing the one at ``start``; -1 if it never closes (or only
    past :data:`MAX_SPAN` characters).

    Quotes (', ", `) are respected so brackets inside strings do not count. Every bracket a scan
    passes is remembered for the same text, so the calls on ``fetch(fetch(fetch(…`` or on a run of
    unclosed brackets cost one pass in all, not one pass each (that was quadratic).
    """
    entries: list[tuple[str, dict[int, int]]] = getattr(_memo, "entries", None) or []
    _memo.entries = entries
    known = next((k for t, k in entries if t is text), None)
    if known is None:  # a few texts at once: the message, and the literals read out of it
        known = {}
        entries.insert(0, (text, known))
        del entries[4:]
    if start not in known:
        _scan(text, start, known)
    end = known[start]
    return end if 0 <= end - start <= MAX_SPAN else -1


def _scan(text: str, start: int, known: dict[int, int]) -> None:
    """Match brackets from ``start`` until its own closes, one does not match, or the text ends;
    record the end (or -1) of every opening bracket passed."""
    stack: list[tuple[str, int]] = [(_PAIRS[text[start]], start)]
    pos = start + 1
    while True:
        m = _BRACKET_OR_STRING.search(text, pos)
        if m is None:
            break
        c, at = m.group()[0], m.start()
        pos = m.end()
        if c in _PAIRS:
            end = known.get(at)
            if end is None:
                stack.append((_PAIRS[c], at))
            elif end < 0:
                break  # known never to close: neither does anything around it
            else:
                pos = end  # already matched: jump past it
        elif c in ")]}":
            closer, opened = stack.pop()
            if c != closer:
                known[opened] = -1
                break
            known[opened] = pos
            if not stack:
                return
    for _, opened in stack:  # unclosed (or closed by the wrong bracket)
        known[opened] = -1


def split_args(inner: str) -> list[str]:
    """Split call arguments at top-level commas."""
    return split_top(inner, ",")


_UNRESOLVED = object()
#: Object/array literals nested deeper than this are not read (no API body is this deep, and
#: reading them recursively would exhaust Python's stack: issue 6's poison paste).
MAX_NESTING = 64


class TooDeep(ValueError):
    """A literal nested more than :data:`MAX_NESTING` levels deep."""


#: What a reader returns for a literal nested too deep to read.
TOO_DEEP = object()
TOO_DEEP_MESSAGE = f"the body is nested more than {MAX_NESTING} levels deep"


def js_value(expr: str, env: dict[str, str], depth: int = 0) -> Any:
    """Read a JavaScript literal; identifiers bound earlier in the snippet are followed."""
    parser = _JsParser(expr.strip().rstrip(";"), env, depth)
    try:
        value = parser.value()
    except TooDeep:
        return TOO_DEEP
    except (ValueError, IndexError):
        return _UNRESOLVED
    return value


class _JsParser:
    """A tolerant reader for JS object/array literals: anything it can't know becomes Unresolved."""

    def __init__(self, text: str, env: dict[str, str], depth: int) -> None:
        self.s, self.i, self.env, self.depth = text, 0, env, depth
        self.nesting = 0

    def ws(self) -> None:
        while self.i < len(self.s):
            if self.s[self.i] in " \t\r\n":
                self.i += 1
            elif self.s.startswith("//", self.i):
                nl = self.s.find("\n", self.i)
                self.i = len(self.s) if nl < 0 else nl
            elif self.s.startswith("/*", self.i):
                end = self.s.find("*/", self.i)
                self.i = len(self.s) if end < 0 else end + 2
            else:
                break

    def value(self) -> Any:
        self.ws()
        c = self.s[self.i]
        if c in "{[":
            self.nesting += 1
            if self.nesting > MAX_NESTING:
                raise TooDeep(TOO_DEEP_MESSAGE)
            value = self.obj() if c == "{" else self.arr()
            self.nesting -= 1
            return value
        if c in "'\"`":
            start, text = self.i, self.string()
            rest = self.s[self.i:self.i + 200].lstrip()
            if rest[:1] in ("+", "?", "|", "&"):  # "Bearer " + key: an expression, not a string
                self.i = start
                return self.expression()
            return text
        return self.expression()

    def obj(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        self.i += 1
        while True:
            self.ws()
            if self.s[self.i] == "}":
                self.i += 1
                return out
            if self.s.startswith("...", self.i):
                self.i += 3
                spread = self.expression()
                if isinstance(spread, dict):
                    out.update(spread)
                    if isinstance(spread, PartialDict):
                        out = PartialDict(out)
                else:
                    out = PartialDict(out)  # a spread of something we can't see: keys unknown
            else:
                if self.s[self.i] in "'\"`":
                    key = str(self.string())
                elif self.s[self.i] == "[":
                    end = balanced_end(self.s, self.i)
                    key, self.i = Unresolved(self.s[self.i:end]), end
                else:
                    m = re.compile(r"[\w$]+").match(self.s, self.i)
                    if not m:
                        raise ValueError("bad key")
                    key, self.i = m.group(0), m.end()
                self.ws()
                if self.s[self.i] == ":":
                    self.i += 1
                    value = self.value()
                    if isinstance(key, Unresolved):  # [field]: a key named at run time, not a field "[field]"
                        out = PartialDict(out)
                    else:
                        out[key] = value
                else:  # shorthand { amount }
                    out[key] = self._ident(key)
            self.ws()
            if self.s[self.i] == ",":
                self.i += 1

    def arr(self) -> list[Any]:
        out: list[Any] = []
        self.i += 1
        while True:
            self.ws()
            if self.s[self.i] == "]":
                self.i += 1
                return out
            out.append(self.value())
            self.ws()
            if self.s[self.i] == ",":
                self.i += 1

    def string(self) -> str:
        q = self.s[self.i]
        j = self.i + 1
        buf: list[str] = []
        while self.s[j] != q:
            if self.s[j] == "\\":
                nxt = self.s[j + 1]
                if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", self.s[j + 2:j + 6]):  # \u00e9
                    buf.append(chr(int(self.s[j + 2:j + 6], 16)))
                    j += 6
                    continue
                buf.append({"n": "\n", "t": "\t", "r": "\r"}.get(nxt, nxt))
                j += 2
                continue
            buf.append(self.s[j])
            j += 1
        self.i = j + 1
        text = "".join(buf)
        if q == "`" and "${" in text:
            known = True

            def sub(m: re.Match[str]) -> str:
                nonlocal known
                value = self._ident(m.group(1).strip()) if re.fullmatch(r"\s*[A-Za-z_$][\w$]*\s*", m.group(1)) else None
                if isinstance(value, str) and not isinstance(value, Unresolved):
                    return value
                known = False
                return "{var}"
            text = re.sub(r"\$\{([^{}]*)\}", sub, text)  # [^{}]: an unclosed ${ scans no further than the next brace
            return text if known else Unresolved(text)
        return text

    def expression(self) -> Any:
        """Scan to the end of an expression (a top-level , } ] or the end) and read it."""
        start, depth = self.i, 0
        while self.i < len(self.s):
            # Only quotes, brackets and commas matter: jump to the next one in C.
            stop = _EXPRESSION_STOP.search(self.s, self.i)
            if stop is None:
                self.i = len(self.s)
                break
            self.i = stop.start()
            c = self.s[self.i]
            if c in "'\"`":
                self.string()
                continue
            if c in "([{":
                depth += 1
            elif c in ")]}":
                if depth == 0:
                    break
                depth -= 1
            elif c == "," and depth == 0:
                break
            self.i += 1
        expr = self.s[start:self.i].strip()
        if re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", expr):
            return json.loads(expr)
        if expr in ("true", "false"):
            return expr == "true"
        if expr in ("null", "undefined"):
            return None
        if expr.startswith("JSON.stringify(") and balanced_end(expr, len("JSON.stringify")) == len(expr):
            # JSON.stringify(x) or JSON.stringify(x, null, 2): read with the top-level splitter, not
            # a lazy regex (`(.*?)\s*` was quadratic on long runs of spaces).
            args = split_args(expr[len("JSON.stringify("):-1])
            inner = js_value(args[0], self.env, self.depth + 1) if args else _UNRESOLVED
            if inner is TOO_DEEP:
                raise TooDeep(TOO_DEEP_MESSAGE)
            return Unresolved(expr) if inner is _UNRESOLVED else _Stringified(inner)
        if re.fullmatch(r"[A-Za-z_$][\w$]*", expr):
            return self._ident(expr)
        parts = split_top(expr, "+")
        if len(parts) > 1:  # BASE_URL + '/customers'
            values = [js_value(p, self.env, self.depth + 1) for p in parts]
            if all(isinstance(v, str) for v in values):
                joined = "".join("{var}" if isinstance(v, Unresolved) else v for v in values)
                return Unresolved(joined) if any(isinstance(v, Unresolved) for v in values) else joined
        return Unresolved(expr)

    def _ident(self, name: str) -> Any:
        if name in self.env and self.depth < 5:
            rest = {k: v for k, v in self.env.items() if k != name}
            value = js_value(self.env[name], rest, self.depth + 1)
            if value is TOO_DEEP:
                raise TooDeep(TOO_DEEP_MESSAGE)
            return Unresolved(name) if value is _UNRESOLVED else value
        return Unresolved(name)


class PartialDict(dict):  # type: ignore[type-arg]
    """An object literal with a spread we could not resolve: more keys exist than we see."""

    keys_unknown = True


_EXPRESSION_STOP = re.compile(r"[,'\"`()\[\]{}]")
_SPLIT_TOKENS: dict[str, re.Pattern[str]] = {}


def split_top(expr: str, sep: str) -> list[str]:
    """Split at a top-level operator character (outside strings and brackets).

    A string, a bracket or the separator is found by one regular expression, in C: a Python loop
    over every character cost 1 s on a paste of fifty nested ``fetch(`` calls (fuzz seed 302851).
    """
    tokens = _SPLIT_TOKENS.get(sep)
    if tokens is None:
        tokens = _SPLIT_TOKENS[sep] = re.compile(
            r"""'(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?|`(?:[^`\\]|\\.)*`?|[()\[\]{}]|""" + re.escape(sep), re.S)
    parts, segment, depth = [], 0, 0
    for m in tokens.finditer(expr):
        c = m.group()
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == sep and depth == 0:
            parts.append(expr[segment:m.start()].strip())
            segment = m.end()
    parts.append(expr[segment:].strip())
    return [p for p in parts if p]


class _Stringified:
    """``JSON.stringify(x)``: the body is x, sent as a string."""

    def __init__(self, value: Any) -> None:
        self.value = value


def _nested(value: Any) -> Any:
    """A body's value with each ``JSON.stringify(x)`` / ``json.dumps(x)`` inside it as the string it
    is, x's JSON (``metadata: JSON.stringify({...})``), known only if all of x is."""
    if isinstance(value, _Stringified):
        inner = _nested(value.value)
        text = json.dumps(inner, default=str)
        return Unresolved(text) if _unknown_inside(inner) else text
    if isinstance(value, dict):
        out = {k: _nested(v) for k, v in value.items()}
        return PartialDict(out) if isinstance(value, PartialDict) else out
    if isinstance(value, (list, tuple)):
        return type(value)(_nested(v) for v in value)
    return value


def _unknown_inside(value: Any) -> bool:
    if isinstance(value, Unresolved) or isinstance(value, PartialDict):
        return True
    if isinstance(value, dict):
        return any(_unknown_inside(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_unknown_inside(v) for v in value)
    return False


def py_value(expr: str, env: dict[str, str], depth: int = 0) -> Any:
    """Read a Python literal; names bound earlier in the snippet are followed."""
    try:
        tree = ast.parse(expr.strip(), mode="eval").body
    except (SyntaxError, RecursionError, MemoryError):  # CPython's parser refuses deep nesting itself
        return TOO_DEEP if _nesting(expr) > MAX_NESTING else _UNRESOLVED
    if _nesting(expr) > MAX_NESTING:
        return TOO_DEEP
    try:
        return _py(tree, env, depth)
    except RecursionError:  # `a + a + … + a` a thousand long nests without brackets (fuzz run)
        return _UNRESOLVED


def _nesting(expr: str) -> int:
    """How deep brackets nest in ``expr`` (strings skipped): a linear scan, no recursion."""
    deepest = level = 0
    i, n = 0, len(expr)
    while i < n:
        c = expr[i]
        if c in "'\"`":
            j = i + 1
            while j < n and expr[j] != c:
                j += 2 if expr[j] == "\\" else 1
            i = j + 1
            continue
        if c in "([{":
            level += 1
            deepest = max(deepest, level)
        elif c in ")]}":
            level -= 1
        i += 1
    return deepest


def _py(node: ast.AST, env: dict[str, str], depth: int) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Dict):
        out: dict[str, Any] = {}
        partial = False
        for k, v in zip(node.keys, node.values):
            if k is None:  # **spread
                spread = _py(v, env, depth)
                if isinstance(spread, dict):
                    out.update(spread)
                partial = partial or not isinstance(spread, dict) or isinstance(spread, PartialDict)
                continue
            key = _py(k, env, depth)
            if isinstance(key, Unresolved):  # {field: 1}: a key named at run time, not a field "field"
                partial = True
                continue
            out[key if isinstance(key, str) else str(key)] = _py(v, env, depth)
        return PartialDict(out) if partial else out
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        items = [_py(e, env, depth) for e in node.elts]
        return tuple(items) if isinstance(node, ast.Tuple) else items
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        return -node.operand.value  # type: ignore[operator]
    if isinstance(node, ast.Name):  # (True, False and None are ast.Constant)
        if node.id in env and depth < 5:
            value = py_value(env[node.id], {k: v for k, v in env.items() if k != node.id}, depth + 1)
            return Unresolved(node.id) if value is _UNRESOLVED or value is TOO_DEEP else value
        return Unresolved(node.id)
    if isinstance(node, ast.JoinedStr):
        parts = [str(v.value) if isinstance(v, ast.Constant) else "{var}" for v in node.values]
        return Unresolved("".join(parts))
    if isinstance(node, ast.Call) and ast.unparse(node.func) == "json.dumps" and node.args:
        inner = _py(node.args[0], env, depth)
        return _Stringified(inner)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _py(node.left, env, depth), _py(node.right, env, depth)
        if isinstance(left, str) and isinstance(right, str):
            return Unresolved(left + right) if isinstance(left, Unresolved) or isinstance(right, Unresolved) \
                else left + right
    return Unresolved(ast.unparse(node))


def _assignments(text: str, python: bool) -> dict[str, str]:
    """Variables assigned a literal in the snippet: ``const body = {...}``, ``payload = {...}``."""
    env: dict[str, str] = {}
    # Horizontal whitespace only before the `=`: `^\s*…\s*` let both runs span blank lines, which
    # made this cubic (2,000 blank lines after a fetch took 14.6 s; issue 6).
    pattern = r"(?m)^[ \t]*(?:(?:const|let|var)[ \t]+)?([A-Za-z_$][\w$]*)[ \t]*=\s*(?![=>])"
    for m in itertools.islice(re.finditer(pattern, text), 200):
        start = m.end()
        if start >= len(text):
            continue
        c = text[start]
        if c in "{[(":
            end = balanced_end(text, start)
            if end > 0:
                env[m.group(1)] = text[start:end]
        elif c in "'\"`" or (python and c == "f"):
            line_end = text.find("\n", start)
            env[m.group(1)] = text[start:line_end if line_end >= 0 else len(text)].strip().rstrip(";")
        elif python and text.startswith("json.dumps(", start):
            end = balanced_end(text, start + len("json.dumps"))
            if end > 0:
                env[m.group(1)] = text[start:end]
    return env


def _headers_of(value: Any) -> tuple[list[tuple[str, str]], bool]:
    """The headers, and whether we see all of them."""
    if isinstance(value, dict):
        return [(str(k), "" if v is None else str(v)) for k, v in value.items()], not isinstance(value, PartialDict)
    return [], value is None


def _headers_arg(value: Any, given: bool) -> tuple[list[tuple[str, str]], bool]:
    """Headers from a call argument: absent (known: none), a literal, or computed (unknown)."""
    if not given:
        return [], True
    headers, known = _headers_of(value)
    return headers, known and isinstance(value, dict)


def _body_of(value: Any, objects_as_json: bool) -> tuple[str | None, str | None, Any]:
    """(body text, content type it implies, body value) for a body read from code."""
    if value is _UNRESOLVED or value is None or value is TOO_DEEP:
        return None, None, None
    if isinstance(value, _Stringified):
        inner = _nested(value.value)
        return json.dumps(inner, default=str), None, inner
    if isinstance(value, Unresolved):
        return str(value), None, value
    if isinstance(value, str):
        return value, None, None
    if isinstance(value, (dict, list)):
        value = _nested(value)
        return json.dumps(value, default=str), "application/json" if objects_as_json else None, value
    return None, None, None


def _with_content_type(headers: list[tuple[str, str]], ctype: str | None) -> list[tuple[str, str]]:
    if ctype and not any(k.lower() == "content-type" for k, _ in headers):
        headers = [*headers, ("Content-Type", ctype)]
    return headers


def _url(value: Any) -> str | None:
    return value if isinstance(value, str) and value and "/" in value else None


def _partial(url: str) -> bool:
    """A URL whose base is computed at run time: `{var}/customers`, `$BASE/customers`."""
    return not re.match(r"^(https?://[^{$/]+|/)", url)


# --- JavaScript -------------------------------------------------------------------------------

def _fetch_calls(text: str) -> Iterator[tuple[int, int, PastedRequest]]:
    env: dict[str, str] | None = None
    for m in itertools.islice(re.finditer(r"\bfetch\s*\(", text), MAX_CALLS):
        open_at = m.end() - 1
        end = balanced_end(text, open_at)
        if end < 0:
            continue
        env = env if env is not None else _assignments(text, python=False)
        args = split_args(text[open_at + 1:end - 1])
        if not args:
            continue
        url = _url(js_value(args[0], env))
        if not url:
            continue
        raw_opts = js_value(args[1], env) if len(args) > 1 else {}
        opts = raw_opts if isinstance(raw_opts, dict) else {}
        # `{}` written out is options known to be empty, not options made at run time.
        notes = ([] if len(args) < 2 or opts or raw_opts is TOO_DEEP or type(raw_opts) is dict
                 else ["the fetch options are computed at run time"])
        headers, known = _headers_arg(opts.get("headers"), "headers" in opts)
        known = known and isinstance(raw_opts, dict) and not isinstance(raw_opts, PartialDict)
        body, _ctype, value = _body_of(opts.get("body"), objects_as_json=False)
        yield m.start(), end, PastedRequest(
            method=str(opts.get("method", "GET")).upper(), url=url,
            # fetch sends a string body as text/plain unless told otherwise: a real mistake.
            headers=_with_content_type(headers, "text/plain;charset=UTF-8" if body is not None else None),
            body=body, body_value=value, source="fetch", notes=notes, headers_known=known, url_partial=_partial(url),
            body_error=TOO_DEEP_MESSAGE if TOO_DEEP in (raw_opts, opts.get("body")) else None,
        )


def _axios_calls(text: str) -> Iterator[tuple[int, int, PastedRequest]]:
    env: dict[str, str] | None = None
    for m in itertools.islice(
            re.finditer(r"\baxios(?:\.(get|post|put|patch|delete|head|options|request))?\s*\(", text), MAX_CALLS):
        open_at = m.end() - 1
        end = balanced_end(text, open_at)
        if end < 0:
            continue
        env = env if env is not None else _assignments(text, python=False)
        args = split_args(text[open_at + 1:end - 1])
        if not args:
            continue
        verb = m.group(1)
        if verb in (None, "request"):
            cfg = js_value(args[0], env)
            if not isinstance(cfg, dict) or not _url(cfg.get("url")):
                continue
            method, url, data, config = str(cfg.get("method", "get")).upper(), cfg["url"], cfg.get("data"), cfg
        else:
            url = _url(js_value(args[0], env))
            if not url:
                continue
            method = verb.upper()
            has_data = verb in ("post", "put", "patch")
            data = js_value(args[1], env) if has_data and len(args) > 1 else None
            config_arg = args[2] if has_data and len(args) > 2 else (args[1] if not has_data and len(args) > 1 else None)
            config = js_value(config_arg, env) if config_arg else {}
            config = config if isinstance(config, dict) else PartialDict()  # made elsewhere: may hold headers
        headers, known = _headers_arg(config.get("headers"), "headers" in config)
        known = known and not isinstance(config, PartialDict)
        params = config.get("params")
        if isinstance(params, dict) and params:
            url += ("&" if "?" in url else "?") + urlencode(params)
        # axios sends objects as JSON and sets the header itself.
        body, ctype, value = _body_of(data, objects_as_json=True)
        yield m.start(), end, PastedRequest(
            method=method, url=url, body=body,
            headers=_with_content_type(headers, "application/json" if data is TOO_DEEP else ctype),
            body_value=value, source="axios", headers_known=known, url_partial=_partial(url),
            body_error=TOO_DEEP_MESSAGE if data is TOO_DEEP else None,
        )


# --- Python -----------------------------------------------------------------------------------

def _python_calls(text: str) -> Iterator[tuple[int, int, PastedRequest]]:
    env: dict[str, str] | None = None
    pattern = r"\b(requests|httpx|client|session|s)\.(get|post|put|patch|delete|head|options|request)\s*\("
    for m in itertools.islice(re.finditer(pattern, text), MAX_CALLS):
        open_at = m.end() - 1
        end = balanced_end(text, open_at)
        if end < 0:
            continue
        env = env if env is not None else _assignments(text, python=True)
        args = split_args(text[open_at + 1:end - 1])
        positional = [a for a in args if not re.match(r"^[A-Za-z_]\w*\s*=[^=]", a)]
        kwargs = dict(
            (k.strip(), v) for k, v in (a.split("=", 1) for a in args if re.match(r"^[A-Za-z_]\w*\s*=[^=]", a))
        )
        verb = m.group(2)
        if verb == "request":
            if len(positional) < 2:
                continue
            method = str(py_value(positional[0], env)).upper()
            url = _url(py_value(positional[1], env))
        else:
            method = verb.upper()
            url = _url(py_value(positional[0], env)) if positional else _url(py_value(kwargs.get("url", "''"), env))
        if not url:
            continue
        headers, known = _headers_arg(py_value(kwargs["headers"], env) if "headers" in kwargs else None,
                                      "headers" in kwargs)
        # A client or session object may carry default headers we can't see, and so may `**kwargs`.
        known = known and m.group(1) in ("requests", "httpx") and not any(a.startswith("**") for a in args)
        body: str | None = None
        ctype: str | None = None
        value: Any = None
        too_deep = False
        if "json" in kwargs:
            data = py_value(kwargs["json"], env)
            too_deep = data is TOO_DEEP
            body, ctype, value = _body_of(data, objects_as_json=True)
            ctype = "application/json" if body is not None or too_deep else None
        elif "data" in kwargs:
            data = py_value(kwargs["data"], env)
            too_deep = data is TOO_DEEP
            if isinstance(data, dict):
                body, ctype = urlencode(_nested(data), doseq=True), "application/x-www-form-urlencoded"
            else:
                body, _, value = _body_of(data.decode() if isinstance(data, bytes) else data, objects_as_json=False)
        elif "content" in kwargs:
            data = py_value(kwargs["content"], env)
            body, _, value = _body_of(data.decode() if isinstance(data, bytes) else data, objects_as_json=False)
        if "params" in kwargs:
            params = py_value(kwargs["params"], env)
            if isinstance(params, dict) and params:
                url += ("&" if "?" in url else "?") + urlencode(params, doseq=True)
        basic = None
        if "auth" in kwargs:
            auth = py_value(kwargs["auth"], env)
            if isinstance(auth, tuple) and len(auth) == 2:
                basic = f"{auth[0]}:{auth[1]}"
        yield m.start(), end, PastedRequest(
            method=method, url=url, headers=_with_content_type(headers, ctype), body=body, body_value=value,
            source=m.group(1) if m.group(1) in ("requests", "httpx") else "requests", basic_auth=basic,
            headers_known=known, url_partial=_partial(url), body_error=TOO_DEEP_MESSAGE if too_deep else None,
        )


# --- PHP --------------------------------------------------------------------------------------

def _php_curl(text: str) -> Iterator[tuple[int, int, PastedRequest]]:
    calls = list(itertools.islice(re.finditer(r"curl_setopt(?:_array)?\s*\(", text), MAX_CALLS))
    if not calls:
        return
    opts: dict[str, str] = {}
    first, last = calls[0].start(), calls[0].start()
    for m in calls:
        open_at = m.end() - 1
        end = balanced_end(text, open_at)
        if end < 0:
            continue
        last = end
        args = split_args(text[open_at + 1:end - 1])
        if m.group(0).startswith("curl_setopt_array") and len(args) >= 2:
            for pair in split_args(_php_array_inner(args[1])):
                k, _, v = pair.partition("=>")
                opts[k.strip()] = v.strip()
        elif len(args) >= 3:
            opts[args[1].strip()] = args[2]
    env = _php_assignments(text)
    url = _php_value(opts.get("CURLOPT_URL", ""), env)
    if not isinstance(url, str) or not url:
        return
    method = "GET"
    if "CURLOPT_POST" in opts:
        method = "POST"
    custom = _php_value(opts.get("CURLOPT_CUSTOMREQUEST", ""), env)
    notes: list[str] = []
    if isinstance(custom, Unresolved) and custom:  # CURLOPT_CUSTOMREQUEST, $method: not a method named "$METHOD"
        notes.append("the method is computed at run time")
    elif isinstance(custom, str) and custom:
        method = custom.upper()
    headers: list[tuple[str, str]] = []
    hv = _php_value(opts.get("CURLOPT_HTTPHEADER", ""), env)
    # Headers from a variable or call not bound in the paste ($headers, get_headers()), or a list
    # item that is one ([$auth]): they may hold the key, so missing auth is not claimed.
    headers_known = "CURLOPT_HTTPHEADER" not in opts or isinstance(hv, list)
    if isinstance(hv, list):
        for h in hv:
            if isinstance(h, Unresolved) and ":" not in h:
                headers_known = False
                continue
            name, _, val = str(h).partition(":")
            headers.append((name.strip(), val.strip()))
    body = None
    value: Any = None
    if "CURLOPT_POSTFIELDS" in opts:
        bv = _php_value(opts["CURLOPT_POSTFIELDS"], env)
        if isinstance(bv, _Stringified):
            body, value = json.dumps(bv.value, default=str), bv.value
        elif isinstance(bv, str):  # a variable or a call (Unresolved): sent, value known only at run time
            body, value = bv, (bv if isinstance(bv, Unresolved) else None)
        elif isinstance(bv, dict):
            body = urlencode(bv)
        if method == "GET":
            method = "POST"
    yield first, last, PastedRequest(method=method, url=url, headers=headers, body=body, body_value=value,
                                     source="php", headers_known=headers_known, notes=notes)


def _php_assignments(text: str) -> dict[str, str]:
    """``$name = value;`` pairs. Each value runs to the next `;`, found with one ``find``: the regex
    ``([^;]+);`` rescanned the rest of the text from every ``$x =`` when no `;` followed (quadratic)."""
    env: dict[str, str] = {}
    start = re.compile(r"\$(\w+)\s*=\s*")
    pos = 0
    while True:
        m = start.search(text, pos)
        if not m:
            return env
        end = text.find(";", m.end())
        if end < 0:
            return env
        if end > m.end():
            env[m.group(1)] = text[m.end():end]
        pos = end + 1


def _php_array_inner(expr: str) -> str:
    expr = expr.strip()
    if expr.startswith("[") and expr.endswith("]"):
        return expr[1:-1]
    m = re.fullmatch(r"array\s*\((.*)\)", expr, re.S)
    return m.group(1) if m else expr


_PHP_ESCAPES = {"'": re.compile(r"\\([\\'])"), '"': re.compile(r'\\([\\"$nrt])')}
_PHP_ESCAPED = {"n": "\n", "r": "\r", "t": "\t"}


def _php_value(expr: str, env: dict[str, str], depth: int = 0, nesting: int = 0) -> Any:
    """Read a PHP literal. ``depth`` counts variables followed (``$a = $b; $b = $a;`` ends there);
    ``nesting`` counts arrays and calls around ``expr`` (a body is as deep as the API makes it)."""
    expr = expr.strip()
    if depth > 5 or nesting > MAX_NESTING:
        return _UNRESOLVED
    m = re.fullmatch(r"json_encode\((.*)\)", expr, re.S)
    if m:
        value = _php_value(m.group(1), env, depth, nesting + 1)
        if isinstance(value, _Stringified):  # json_encode(json_encode(...)): a JSON string of JSON
            value = value.value if isinstance(value.value, Unresolved) else json.dumps(value.value)
        return Unresolved(expr) if value is _UNRESOLVED else _Stringified(value)
    m = re.fullmatch(r"\$(\w+)", expr)
    if m:
        return _php_value(env[m.group(1)], env, depth + 1, nesting) if m.group(1) in env else Unresolved(expr)
    if expr.startswith(("[", "array")):
        items = split_args(_php_array_inner(expr))
        def item(part: str) -> Any:  # past a limit: a value known only at run time
            value = _php_value(part, env, depth, nesting + 1)
            if isinstance(value, _Stringified):  # 'metadata' => json_encode([...]): a string of JSON
                inner = value.value
                return Unresolved(part.strip()) if isinstance(inner, Unresolved) else json.dumps(inner, default=str)
            return Unresolved(part.strip()) if value is _UNRESOLVED else value

        if any("=>" in it for it in items):
            out: dict[str, Any] = {}
            for it in items:
                k, _, v = it.partition("=>")
                out[str(item(k))] = item(v)
            return out
        return [item(it) for it in items]
    q = expr[:1]
    if q in ("'", '"') and expr.endswith(q) and len(expr) >= 2 and not re.search(rf"(?<!\\){q}", expr[1:-1]):
        text = re.sub(r"(?<!\\)\{?\$\w+\}?", "{var}", expr[1:-1]) if q == '"' else expr[1:-1]
        return _PHP_ESCAPES[q].sub(lambda e: _PHP_ESCAPED.get(e.group(1), e.group(1)), text)
    if expr.lower() in ("true", "false"):  # PHP's constants are case-insensitive: TRUE, False
        return expr.lower() == "true"
    if re.fullmatch(r"-?\d+(\.\d+)?", expr):
        return json.loads(expr)
    parts = split_top(expr, ".")
    if len(parts) > 1:  # "Api-Key: " . $key
        values = [_php_value(x, env, depth, nesting + 1) for x in parts]
        joined = "".join(str(x) if x is not _UNRESOLVED else "{var}" for x in values)
        if all(isinstance(x, str) and not isinstance(x, Unresolved) for x in values):
            return joined  # 'https://api.x.test' . '/v1/things': every part known
        return Unresolved(joined)
    if expr.lower() == "null":
        return None
    return Unresolved(expr)
