"""Read requests out of pasted client code: JavaScript fetch/axios, Python requests/httpx, PHP curl.

This is not an interpreter. It reads the literal parts developers paste (URLs, method names,
header and body literals, and variables assigned a literal earlier in the same snippet) and
leaves anything computed at run time out, saying so in the request's notes.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any, Iterator

import json5

from .model import PastedRequest

_METHODS = ("get", "post", "put", "patch", "delete", "head", "options")


def find_code_requests(text: str) -> Iterator[tuple[int, int, PastedRequest]]:
    """Yield ``(start, end, request)`` for every client call found in ``text``."""
    yield from _fetch_calls(text)
    yield from _axios_calls(text)
    yield from _python_calls(text)
    yield from _php_curl(text)


# --- generic scanning -------------------------------------------------------------------------

def balanced_end(text: str, start: int) -> int:
    """Index just past the bracket closing the one at ``start``; -1 if it never closes.

    Quotes (', ", `) are respected so brackets inside strings do not count.
    """
    pairs = {"(": ")", "[": "]", "{": "}"}
    stack = [pairs[text[start]]]
    i, n = start + 1, len(text)
    while i < n:
        c = text[i]
        if c in "'\"`":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if c in pairs:
            stack.append(pairs[c])
        elif c in ")]}":
            if c != stack[-1]:
                return -1
            stack.pop()
            if not stack:
                return i + 1
        i += 1
    return -1


def split_args(inner: str) -> list[str]:
    """Split call arguments at top-level commas."""
    args, depth, cur, i, n = [], 0, [], 0, len(inner)
    while i < n:
        c = inner[i]
        if c in "'\"`":
            j = i + 1
            while j < n and inner[j] != c:
                j += 2 if inner[j] == "\\" else 1
            cur.append(inner[i:j + 1])
            i = j + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        if c == "," and depth == 0:
            args.append("".join(cur).strip())
            cur = []
        else:
            cur.append(c)
        i += 1
    if "".join(cur).strip():
        args.append("".join(cur).strip())
    return args


_UNRESOLVED = object()


def js_value(expr: str, env: dict[str, str]) -> Any:
    """Evaluate a JavaScript literal (or a variable bound to one, or JSON.stringify(literal))."""
    expr = expr.strip().rstrip(";")
    m = re.fullmatch(r"JSON\.stringify\(\s*(.*?)\s*(?:,\s*null\s*,\s*\d+\s*)?\)", expr, re.S)
    if m:
        value = js_value(m.group(1), env)
        return _UNRESOLVED if value is _UNRESOLVED else json.dumps(value)
    if re.fullmatch(r"[A-Za-z_$][\w$]*", expr):
        if expr in env:
            return js_value(env[expr], {k: v for k, v in env.items() if k != expr})
        return _UNRESOLVED
    if expr.startswith("`") and expr.endswith("`") and "${" not in expr:
        return expr[1:-1]
    if expr.startswith("`") and expr.endswith("`"):
        # A template with ${...}: keep the literal parts so the URL path still routes.
        return re.sub(r"\$\{[^}]*\}", "{var}", expr[1:-1])
    # Shorthand properties ({ amount, currency }) can't be known: leave them out.
    try:
        return json5.loads(_resolve_shorthand(expr, env))
    except Exception:
        return _UNRESOLVED


def _resolve_shorthand(expr: str, env: dict[str, str]) -> str:
    # `headers: headers` or `body: payload` inside an object literal.
    def sub(m: re.Match[str]) -> str:
        name = m.group(2)
        return m.group(1) + (env[name] if name in env else m.group(0)[len(m.group(1)):])
    return re.sub(r"(:\s*)([A-Za-z_$][\w$]*)(?=\s*[,}\n])", sub, expr)


def py_value(expr: str, env: dict[str, str]) -> Any:
    expr = expr.strip()
    m = re.fullmatch(r"json\.dumps\(\s*(.*)\s*\)", expr, re.S)
    if m:
        value = py_value(m.group(1), env)
        return _UNRESOLVED if value is _UNRESOLVED else json.dumps(value)
    if re.fullmatch(r"[A-Za-z_]\w*", expr):
        if expr in env:
            return py_value(env[expr], {k: v for k, v in env.items() if k != expr})
        return _UNRESOLVED
    m = re.fullmatch(r"f(['\"])(.*)\1", expr, re.S)
    if m:
        return re.sub(r"\{[^}]*\}", "{var}", m.group(2))
    try:
        return ast.literal_eval(expr)
    except Exception:
        return _UNRESOLVED


def _assignments(text: str, python: bool) -> dict[str, str]:
    """Variables assigned a literal in the snippet: ``const body = {...}``, ``payload = {...}``."""
    env: dict[str, str] = {}
    pattern = r"(?m)^\s*(?:const|let|var)?\s*([A-Za-z_$][\w$]*)\s*=\s*(?![=>])"
    for m in re.finditer(pattern, text):
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


def _headers_of(value: Any) -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [(str(k), "" if v is None else str(v)) for k, v in value.items()]
    return []


def _body_text(value: Any, default_json: bool) -> tuple[str | None, str | None]:
    """(body, content type it implies)."""
    if value is _UNRESOLVED or value is None:
        return None, None
    if isinstance(value, str):
        return value, None
    if default_json:
        return json.dumps(value), "application/json"
    return json.dumps(value), "application/json"


def _with_content_type(headers: list[tuple[str, str]], ctype: str | None) -> list[tuple[str, str]]:
    if ctype and not any(k.lower() == "content-type" for k, _ in headers):
        headers = [*headers, ("Content-Type", ctype)]
    return headers


def _url(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


# --- JavaScript -------------------------------------------------------------------------------

def _fetch_calls(text: str) -> Iterator[tuple[int, int, PastedRequest]]:
    env: dict[str, str] | None = None
    for m in re.finditer(r"\bfetch\s*\(", text):
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
        opts = js_value(args[1], env) if len(args) > 1 else {}
        opts = opts if isinstance(opts, dict) else {}
        notes = [] if len(args) < 2 or opts else ["the fetch options are computed at run time"]
        headers = _headers_of(opts.get("headers"))
        body, ctype = _body_text(opts.get("body"), default_json=True)
        if body is None and len(args) > 1 and re.search(r"\bbody\s*:", args[1]):
            body_expr = re.search(r"\bbody\s*:\s*(.+?)(?:,\s*\n|\n\s*}|$)", args[1], re.S)
            if body_expr:
                body, ctype = _body_text(js_value(body_expr.group(1), env), default_json=True)
        yield m.start(), end, PastedRequest(
            method=str(opts.get("method", "GET")).upper(), url=url,
            # fetch sends a string body as text/plain unless told otherwise: a real mistake.
            headers=_with_content_type(headers, "text/plain;charset=UTF-8" if body is not None else None),
            body=body, source="fetch", notes=notes,
        )


def _axios_calls(text: str) -> Iterator[tuple[int, int, PastedRequest]]:
    env: dict[str, str] | None = None
    for m in re.finditer(r"\baxios(?:\.(get|post|put|patch|delete|head|options|request))?\s*\(", text):
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
            config_arg = args[2] if has_data else (args[1] if len(args) > 1 else None)
            config = js_value(config_arg, env) if config_arg else {}
            config = config if isinstance(config, dict) else {}
        headers = _headers_of(config.get("headers"))
        params = config.get("params")
        if isinstance(params, dict) and params:
            from urllib.parse import urlencode
            url += ("&" if "?" in url else "?") + urlencode(params)
        body, ctype = _body_text(data, default_json=True)
        # axios sends objects as JSON (and sets the header itself).
        yield m.start(), end, PastedRequest(
            method=method, url=url, headers=_with_content_type(headers, ctype), body=body, source="axios",
        )


# --- Python -----------------------------------------------------------------------------------

def _python_calls(text: str) -> Iterator[tuple[int, int, PastedRequest]]:
    env: dict[str, str] | None = None
    pattern = r"\b(requests|httpx|client|session|s)\.(get|post|put|patch|delete|head|options|request)\s*\("
    for m in re.finditer(pattern, text):
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
        headers = _headers_of(py_value(kwargs["headers"], env)) if "headers" in kwargs else []
        body: str | None = None
        ctype: str | None = None
        if "json" in kwargs:
            value = py_value(kwargs["json"], env)
            if value is not _UNRESOLVED:
                body, ctype = json.dumps(value), "application/json"
        elif "data" in kwargs:
            value = py_value(kwargs["data"], env)
            if isinstance(value, dict):
                from urllib.parse import urlencode
                body, ctype = urlencode(value, doseq=True), "application/x-www-form-urlencoded"
            elif isinstance(value, (str, bytes)):
                body = value.decode() if isinstance(value, bytes) else value
        elif "content" in kwargs:
            value = py_value(kwargs["content"], env)
            if isinstance(value, (str, bytes)):
                body = value.decode() if isinstance(value, bytes) else value
        if "params" in kwargs:
            params = py_value(kwargs["params"], env)
            if isinstance(params, dict) and params:
                from urllib.parse import urlencode
                url += ("&" if "?" in url else "?") + urlencode(params, doseq=True)
        basic = None
        if "auth" in kwargs:
            auth = py_value(kwargs["auth"], env)
            if isinstance(auth, tuple) and len(auth) == 2:
                basic = f"{auth[0]}:{auth[1]}"
        yield m.start(), end, PastedRequest(
            method=method, url=url, headers=_with_content_type(headers, ctype), body=body,
            source=m.group(1) if m.group(1) in ("requests", "httpx") else "requests", basic_auth=basic,
        )


# --- PHP --------------------------------------------------------------------------------------

def _php_curl(text: str) -> Iterator[tuple[int, int, PastedRequest]]:
    calls = list(re.finditer(r"curl_setopt(?:_array)?\s*\(", text))
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
    env = {m.group(1): m.group(2) for m in re.finditer(r"\$(\w+)\s*=\s*([^;]+);", text)}
    url = _php_value(opts.get("CURLOPT_URL", ""), env)
    if not isinstance(url, str) or not url:
        return
    method = "GET"
    if "CURLOPT_POST" in opts:
        method = "POST"
    custom = _php_value(opts.get("CURLOPT_CUSTOMREQUEST", ""), env)
    if isinstance(custom, str) and custom:
        method = custom.upper()
    headers: list[tuple[str, str]] = []
    hv = _php_value(opts.get("CURLOPT_HTTPHEADER", ""), env)
    if isinstance(hv, list):
        for h in hv:
            name, _, val = str(h).partition(":")
            headers.append((name.strip(), val.strip()))
    body = None
    if "CURLOPT_POSTFIELDS" in opts:
        bv = _php_value(opts["CURLOPT_POSTFIELDS"], env)
        if isinstance(bv, str):
            body = bv
        elif isinstance(bv, dict):
            from urllib.parse import urlencode
            body = urlencode(bv)
        if method == "GET":
            method = "POST"
    yield first, last, PastedRequest(method=method, url=url, headers=headers, body=body, source="php")


def _php_array_inner(expr: str) -> str:
    expr = expr.strip()
    if expr.startswith("[") and expr.endswith("]"):
        return expr[1:-1]
    m = re.fullmatch(r"array\s*\((.*)\)", expr, re.S)
    return m.group(1) if m else expr


def _php_value(expr: str, env: dict[str, str], depth: int = 0) -> Any:
    expr = expr.strip()
    if depth > 5:
        return _UNRESOLVED
    m = re.fullmatch(r"json_encode\((.*)\)", expr, re.S)
    if m:
        value = _php_value(m.group(1), env, depth + 1)
        return _UNRESOLVED if value is _UNRESOLVED else json.dumps(value)
    m = re.fullmatch(r"\$(\w+)", expr)
    if m:
        return _php_value(env[m.group(1)], env, depth + 1) if m.group(1) in env else _UNRESOLVED
    if (expr.startswith("'") and expr.endswith("'")) or (expr.startswith('"') and expr.endswith('"')):
        return re.sub(r"\{?\$\w+\}?", "{var}", expr[1:-1]) if expr[0] == '"' else expr[1:-1]
    if expr.startswith(("[", "array")):
        items = split_args(_php_array_inner(expr))
        if any("=>" in it for it in items):
            out: dict[str, Any] = {}
            for it in items:
                k, _, v = it.partition("=>")
                out[str(_php_value(k, env, depth + 1))] = _php_value(v, env, depth + 1)
            return out
        return [_php_value(it, env, depth + 1) for it in items]
    if expr in ("true", "false"):
        return expr == "true"
    if re.fullmatch(r"-?\d+(\.\d+)?", expr):
        return json.loads(expr)
    if expr.lower() == "null":
        return None
    return _UNRESOLVED
