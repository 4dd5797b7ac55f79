"""A lenient reader for JSON as developers paste it (issue 11).

Pasted bodies and errors are often not JSON: elided (``...``, ``…``, ``[...]``), cut off, printed
by a console as a JS object literal (unquoted keys, single quotes, trailing or missing commas),
a Python repr (``u'…'``, ``None``, ``True``), PHP/Ruby ``=>`` hashes. One pass over the text
(:func:`_normalize`) turns these into JSON5, which ``pyjson5`` (Cython, ~4 µs for a small
object; the pure-Python ``json5`` takes ~4 ms for the same) decodes. ``partial-json-parser``
was measured for cut-off ends too, but it reads strict JSON only, so closing the open brackets
is done in the same pass.

What was left out stays unknown: an elided value becomes :class:`~bridgebot.check.model.Unresolved`
(never checked), an object with keys left out an :class:`~bridgebot.check.model.ElidedDict`
(its required keys are not claimed missing).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pyjson5

from ..model import ElidedDict, Unresolved

_ELIDED = "\u0000elided"
_ELIDED_KEY = "\u0000elided-keys"
_RAW = "\u0000raw:"
#: Longest text read as one value (a pasted error or body; a log is cut here).
MAX_LENIENT_CHARS = 32 * 1024
_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
_NUMBER = re.compile(r"-?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+)")
#: What Node's util.inspect prints for a value it does not show (nested past its depth, a
#: function, a cycle, an accessor): `[Object]`, `[Array]`, `[Function: f]`, `[Circular *1]`...
_INSPECT_LEFT_OUT = re.compile(r"Object|Array|(?:Async)?Function(?:[: ].*)?|class .*|Circular \*\d+|Getter(?:/Setter)?|Setter")
_WORDS = {"None": "null", "null": "null", "nil": "null", "True": "true", "true": "true",
          "False": "false", "false": "false", "NaN": "null"}


class LenientError(ValueError):
    """Text that even the lenient reader cannot read as a value; the message says where."""


def read_value(text: str, start: int, stop: int | None = None) -> tuple[Any, int, set[str]]:
    """Read the value starting at ``text[start]`` (``{`` or ``[``).

    Returns ``(value, end, liberties)``: what was not JSON, among ``elided`` (``...``),
    ``cut_off`` (the text ends inside the value) and ``literal`` (JS or Python literal syntax:
    quotes, keys, commas, words); empty for plain JSON. Raises :class:`LenientError` when even
    the lenient reading fails.
    """
    try:
        value, end = json.JSONDecoder().raw_decode(text, start)
        return value, end, set()
    except json.JSONDecodeError:
        pass
    limit = min(len(text), stop if stop is not None else len(text))
    stop = min(limit, start + MAX_LENIENT_CHARS)
    liberties: set[str] = set()
    out, end = _normalize(text, start, stop, liberties)
    if "cut_off" in liberties and stop < limit:
        raise LenientError("too long to read leniently")  # not cut off by the paste, by our cap
    try:
        value = pyjson5.decode(out)
    except pyjson5.Json5ExtraData as e:
        value = e.result
    except Exception as e:  # noqa: BLE001 - pyjson5 raises several kinds
        raise LenientError(str(e).split(" near ")[0]) from None
    return _restore(value), end, liberties


def _normalize(s: str, i: int, n: int, liberties: set[str]) -> tuple[str, int]:
    """JSON5 text for the value at ``s[i]`` and the index just past it; adds to ``liberties``."""
    out: list[str] = []
    stack: list[str] = []  # "{" or "["
    #: per open container: what the next token is ("key", "value", "sep" after a value/key)
    expect: list[str] = []
    while i < n:
        c = s[i]
        if c in " \t\r\n":
            i += 1
            continue
        if c == "#" or s.startswith("//", i):
            liberties.add("literal")
            nl = s.find("\n", i)
            i = n if nl < 0 else nl
            continue
        if s.startswith("...", i) or c == "\u2026":
            # An elision: "...", "…", as an item, a value, or a whole container "[...]".
            liberties.add("elided")
            i += 3 if c == "." else 1
            while i < n and s[i] in ".\u2026":
                i += 1
            if not stack:
                raise LenientError("only an elision")
            if stack[-1] == "{" and expect[-1] != "value":
                _emit_key(out, expect, f'"{_ELIDED_KEY}"')
                out.append(":")
                expect[-1] = "value"
                _emit_value(out, expect, "0")
            else:
                _emit_value(out, expect, f'"{_ELIDED}"')
            continue
        if c in "{[":
            if stack and expect[-1] == "sep":
                out.append(",")
                expect[-1] = "key" if stack[-1] == "{" else "value"
            if stack and stack[-1] == "{" and expect[-1] == "key":
                raise LenientError("an object where a key should be")
            out.append(c)
            stack.append(c)
            expect.append("key" if c == "{" else "value")
            i += 1
            continue
        if c in "}]":
            if not stack:
                break
            want = "}" if stack[-1] == "{" else "]"
            if c != want:
                raise LenientError(f"`{c}` closes a `{stack[-1]}`")
            if out and out[-1] == ":":
                out.append(f'"{_ELIDED}"')
            out.append(c)
            stack.pop()
            expect.pop()
            i += 1
            if not stack:
                return "".join(out), i
            expect[-1] = "sep"
            continue
        if not stack:
            break
        if c == ",":
            if expect[-1] == "sep":
                out.append(",")
            else:
                liberties.add("literal")  # a doubled or leading comma
            expect[-1] = "key" if stack[-1] == "{" else "value"
            i += 1
            j = i
            while j < n and s[j] in " \t\r\n":
                j += 1
            if j < n and s[j] in "}]":
                liberties.add("literal")  # a trailing comma
            continue
        if c in ":=" and stack[-1] == "{":
            if c == "=" and not s.startswith("=>", i):
                raise LenientError("`=` in an object")
            out.append(":")
            if c == "=":
                liberties.add("literal")
            expect[-1] = "value"
            i += 2 if c == "=" else 1
            continue
        if c in "\"'" or (c in "uUbBrR" and i + 1 < n and s[i + 1] in "\"'"):
            raw = c in "rR"
            if c not in "\"'":
                liberties.add("literal")
                i += 1
                c = s[i]
            j = i + 1
            while j < n and s[j] != c:
                if s[j] == "\n" and c == "'":
                    break
                j += 2 if s[j] == "\\" else 1
            if j >= n:  # cut off inside a string: its value is unknown
                liberties.add("cut_off")
                token = f'"{_ELIDED}"'
                i = n
            else:
                token = s[i:j + 1]
                if c == "'":
                    liberties.add("literal")
                    token = json.dumps(_single_quoted(s[i + 1:j], raw))
                last = _unescaped_end(s, j, c) if not (stack[-1] == "{" and expect[-1] in ("key", "sep")) else None
                if last is not None:
                    # message: "Invalid val: ["1", "2"] must be…": quotes printed unescaped inside
                    # a value; it runs to the last quote of its line.
                    liberties.add("literal")
                    token = json.dumps(s[i + 1:last])
                    j = last
                i = j + 1
            if stack[-1] == "{" and expect[-1] in ("key", "sep"):
                _emit_key(out, expect, token)
            else:
                _emit_value(out, expect, token)
            continue
        m = _NUMBER.match(s, i)
        if m and m.end() > i:
            _emit_key(out, expect, json.dumps(m.group(0))) if stack[-1] == "{" and expect[-1] in ("key", "sep") \
                else _emit_value(out, expect, m.group(0).rstrip(".") or "0")
            i = m.end()
            continue
        m = _IDENT.match(s, i)
        if m:
            word = m.group(0)
            i = m.end()
            if stack[-1] == "{" and expect[-1] in ("key", "sep"):
                liberties.add("literal")
                _emit_key(out, expect, json.dumps(word))
                continue
            if word not in ("true", "false", "null"):
                liberties.add("literal")
            if word in _WORDS:
                _emit_value(out, expect, _WORDS[word])
                continue
            # A value computed elsewhere (a variable, a call, Some("…")): present, value unknown,
            # its text kept (an error's message may be inside it).
            depth, start = 0, m.start()
            while i < n and (depth or s[i] not in ",}]\n"):
                depth += s[i] in "([{"
                depth -= s[i] in ")]}" and depth > 0
                i += 1
            _emit_value(out, expect, json.dumps(_RAW + s[start:i].strip()))
            continue
        if c == "(" or c == ")":
            raise LenientError("a call, not a literal")
        raise LenientError(f"unexpected `{c}`")
    if not stack:
        raise LenientError("no value")
    liberties.add("cut_off")
    # Cut off: close what is open; an open object has keys left out.
    if out and out[-1] == ":":
        out.append(f'"{_ELIDED}"')
    elif expect[-1] == "colon":
        out.pop()  # a key cut off before its value
    while stack:
        top = stack.pop()
        expect.pop()
        if top == "{":
            out.append(("" if out[-1] in ",{" else ",") + f'"{_ELIDED_KEY}":0}}')
        else:
            out.append("]")
    return "".join(out), n


_KEY_AHEAD = re.compile(r"""(?:[A-Za-z_$][\w$]{0,200}|"[^"\n]{0,200}"|'[^'\n]{0,200}')[ \t]*(?:[:=]|$)""", re.M)
#: How far along its line a value's unescaped inner quotes are looked for (keeps it linear).
_QUOTE_LOOK = 500


def _single_quoted(body: str, raw: bool) -> str:
    """The text of a single-quoted JS or Python string: its escapes read as those languages do
    (``'it\\n'`` holds a newline), a raw string's kept; quotes unescaped either way."""
    if not raw and "\\" in body:
        try:
            value = pyjson5.decode("'" + body + "'")  # JSON5's strings are JS's
        except Exception:  # noqa: BLE001 - an escape JS does not know: read it as written
            value = None
        if isinstance(value, str):
            return value
    return body.replace("\\'", "'").replace('\\"', '"')


def _unescaped_end(s: str, j: int, quote: str) -> int | None:
    """Where a string value that seemed to close at ``s[j]`` really ends, when what follows on
    its line is more text and a last quote that closes the line (``"a ["1", "2"] b"``), else None."""
    k = j + 1
    while k < len(s) and s[k] in " \t":
        k += 1
    if k >= len(s) or s[k] in ",}]:\r\n#/" or _KEY_AHEAD.match(s, k):
        return None  # (the next key of a one-line literal that misses its commas: `{a: "x" b: "y"}`)
    line_end = s.find("\n", k, k + _QUOTE_LOOK)
    if line_end < 0:
        return None
    last = s.rfind(quote, k, line_end)
    if last < 0 or s[last + 1:line_end].strip(" \t\r,}]"):
        return None
    return last


def _emit_key(out: list[str], expect: list[str], token: str) -> None:
    if expect[-1] == "sep":
        out.append(",")  # a missing comma between members (a console's printout)
    out.append(token)
    expect[-1] = "colon"


def _emit_value(out: list[str], expect: list[str], token: str) -> None:
    if expect[-1] == "sep":
        out.append(",")
    elif expect[-1] == "colon":
        raise LenientError("a key without `:`")
    out.append(token)
    expect[-1] = "sep"


def _restore(value: Any) -> Any:
    if isinstance(value, dict):
        elided = value.pop(_ELIDED_KEY, None) is not None
        items = {k: _restore(v) for k, v in value.items()}
        return ElidedDict(items) if elided else items
    if isinstance(value, list):
        if value == [_ELIDED]:
            return Unresolved("[…]")
        if (len(value) == 1 and isinstance(value[0], str) and value[0].startswith(_RAW)
                and _INSPECT_LEFT_OUT.fullmatch(value[0][len(_RAW):])):
            return Unresolved(f"[{value[0][len(_RAW):]}]")  # left out by the console, not a list
        return [_restore(v) for v in value if v != _ELIDED]
    if value == _ELIDED:
        return Unresolved("…")
    if isinstance(value, str) and value.startswith(_RAW):
        return Unresolved(value[len(_RAW):])
    return value
