"""Render a generated example as an SDK call in each language (issue 11, generated SDK calls).

Kept apart from tests/generate.py (which draws the examples): this only writes code. Names
follow each SDK's naming rule from the operation's path (Stripe) or its ``category/name``
operationId (GitHub), the way the SDKs themselves are generated.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: An operation: anything with ``method``, ``path`` and ``operation_id`` (the generator's own
#: ``generate_spec.Op``, or the checker's); nothing is imported from bridgebot here.
Operation = Any

LANGUAGES = ("javascript", "python", "ruby", "php", "java", "csharp", "go")
_CRUD = {("POST", "collection"): "create", ("GET", "collection"): "list", ("GET", "item"): "retrieve",
         ("POST", "item"): "update", ("DELETE", "item"): "delete"}


def _w(name: str) -> list[str]:
    return [w for w in re.split(r"[^A-Za-z0-9]+", name) if w]


def camel(ws: list[str]) -> str:
    return ws[0].lower() + "".join(w[:1].upper() + w[1:].lower() for w in ws[1:]) if ws else ""


def pascal(ws: list[str]) -> str:
    return "".join(w[:1].upper() + w[1:].lower() for w in ws)


def singular(w: str) -> str:
    if w.endswith("ies"):
        return w[:-3] + "y"
    if w.endswith("sses"):
        return w[:-2]
    if w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def stripe_names(op: Operation) -> tuple[list[str], list[str]] | None:
    """(resource segments, method words) of a Stripe-style path, or None when it has no SDK name."""
    segs = [s for s in op.path.strip("/").split("/") if s]
    if segs and re.fullmatch(r"v\d+", segs[0]):
        segs = segs[1:]
    params = [s.startswith("{") for s in segs]
    literals = [s for s, p in zip(segs, params) if not p]
    if not literals:
        return None
    shape = "item" if params[-1] else "collection"
    verb = _CRUD.get((op.method, shape))
    if len(segs) >= 2 and not params[-1] and params[-2]:
        # an action or sub-collection after an id: invoices/{id}/pay, customers/{id}/sources
        last = literals[-1]
        if op.method == "DELETE":
            return literals[:-1], ["delete"] + _w(last)
        if op.method == "GET":
            return literals[:-1], (["list"] if last.endswith("s") else ["retrieve"]) + _w(last)
        return literals[:-1], (["create"] + _w(last) if last.endswith("s") else _w(last))
    if len(segs) >= 3 and params[-1] and params[-3] and verb:
        return literals[:-1], [verb] + _w(singular(literals[-1]))
    if verb is None:
        if len(literals) >= 2 and not params[-1]:
            return literals[:-1], _w(literals[-1])
        return None
    return literals, [verb]


# --- literals ------------------------------------------------------------------------------------

def js(v: Any) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {js(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(js(x) for x in v) + "]"
    return json.dumps(v, ensure_ascii=False)


def py(v: Any) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {py(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(py(x) for x in v) + "]"
    return {True: "True", False: "False", None: "None"}.get(v, None) if v is None or isinstance(v, bool) \
        else json.dumps(v, ensure_ascii=False)


def rb(v: Any) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))} => {rb(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(rb(x) for x in v) + "]"
    return "nil" if v is None else json.dumps(v, ensure_ascii=False)


def php(v: Any) -> str:
    if isinstance(v, dict):
        return "[" + ", ".join(f"{json.dumps(str(k))} => {php(x)}" for k, x in v.items()) + "]"
    if isinstance(v, list):
        return "[" + ", ".join(php(x) for x in v) + "]"
    return "null" if v is None else json.dumps(v, ensure_ascii=False)


def cs(v: Any) -> str:
    if isinstance(v, dict):
        return "new Dictionary<string, object> { " + ", ".join(
            f"{{ {json.dumps(str(k))}, {cs(x)} }}" for k, x in v.items()) + " }"
    if isinstance(v, list):
        return "new List<object> { " + ", ".join(cs(x) for x in v) + " }"
    if isinstance(v, bool):
        return "true" if v else "false"
    return "null" if v is None else json.dumps(v, ensure_ascii=False)


def go(v: Any, top: bool = False) -> str:
    if isinstance(v, dict):
        return "map[string]interface{}{" + ", ".join(f"{json.dumps(str(k))}: {go(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[]interface{}{" + ", ".join(go(x) for x in v) + "}"
    if v is None:
        return "nil"
    if isinstance(v, bool):
        return f"stripe.Bool({'true' if v else 'false'})"
    if isinstance(v, int):
        return f"stripe.Int64({v})"
    if isinstance(v, float):
        return f"stripe.Float64({v!r})"
    return f"stripe.String({json.dumps(v, ensure_ascii=False)})"


def java_params(params: dict[str, Any], lines: list[str], counter: list[int]) -> str:
    counter[0] += 1
    name = f"p{counter[0]}"
    lines.append(f"Map<String, Object> {name} = new HashMap<>();")
    for k, v in params.items():
        lines.append(f"{name}.put({json.dumps(str(k))}, {java(v, lines, counter)});")
    return name


def java(v: Any, lines: list[str], counter: list[int]) -> str:
    if isinstance(v, dict):
        return java_params(v, lines, counter)
    if isinstance(v, list):
        return "Arrays.asList(" + ", ".join(java(x, lines, counter) for x in v) + ")"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return f"{v}L"
    return "null" if v is None else json.dumps(v, ensure_ascii=False)


# --- calls ---------------------------------------------------------------------------------------

def render(op: Operation, family: str, example: dict[str, Any], language: str) -> str | None:
    """The SDK call for ``example`` (keys path, query, body) in ``language``; None if unnamed."""
    path_names = re.findall(r"\{([^}]+)\}", op.path)
    ids = [str(example["path"].get(n, "x")) for n in path_names]
    params: dict[str, Any] = dict(example.get("query") or {})
    body = example.get("body")
    if isinstance(body, dict):
        params.update(body)
    elif body is not None:
        return None
    # An empty body still goes as an (empty) params object.
    has = bool(params) or isinstance(body, dict)
    if family == "stripe":
        names = stripe_names(op)
        if names is None:
            return None
        res, verb = names
        return _stripe(res, verb, ids, params, language, has)
    if not op.operation_id or "/" not in op.operation_id:
        return None
    category, name = op.operation_id.split("/", 1)
    return _github(category, _w(name), path_names, ids, params, language, has)


def _stripe(res: list[str], verb: list[str], ids: list[str], params: dict[str, Any], lang: str, has: bool) -> str:
    q = [json.dumps(i) for i in ids]
    if lang == "javascript":
        chain = ".".join(camel(_w(r)) for r in res)
        return f"const r = await stripe.{chain}.{camel(verb)}({', '.join(q + ([js(params)] if has else []))});"
    if lang == "python":
        chain = ".".join([*(r for r in res[:-1]), pascal(_w(singular(res[-1])))])
        m = "_".join(["modify" if verb[0] == "update" else verb[0], *verb[1:]])
        kw = [f"{k}={py(v)}" for k, v in params.items() if re.fullmatch(r"[A-Za-z_]\w*", k)]
        if len(kw) != len(params):
            kw = [f"**{py(params)}"]
        return f"import stripe\nr = stripe.{chain}.{m}({', '.join(q + kw)})"
    if lang == "ruby":
        chain = "::".join(["Stripe", *(pascal(_w(r)) for r in res[:-1]), pascal(_w(singular(res[-1])))])
        return f"r = {chain}.{'_'.join(verb)}({', '.join(q + ([rb(params)] if has else []))})"
    if lang == "php":
        chain = "->".join(camel(_w(r)) for r in res)
        return f"$r = $stripe->{chain}->{camel(verb)}({', '.join(q + ([php(params)] if has else []))});"
    if lang == "java":
        lines: list[str] = []
        arg = java_params(params, lines, [0]) if has else None
        chain = ".".join(f"{camel(_w(r))}()" for r in res)
        lines.append(f"// com.stripe.StripeClient\nvar r = stripeClient.{chain}.{camel(verb)}({', '.join(q + ([arg] if arg else []))});")
        return "\n".join(lines)
    if lang == "csharp":
        svc = ".".join(["Stripe", *(pascal(_w(r)) for r in res[:-1]), pascal(_w(singular(res[-1]))) + "Service"])
        m = pascal(["get" if verb[0] == "retrieve" else verb[0], *verb[1:]])
        opts = "new Options { " + ", ".join(f"{pascal(_w(k)) or k} = {cs(v)}" for k, v in params.items()) + " }" \
            if has else None
        return f"var r = new {svc}().{m}({', '.join(q + ([opts] if opts else []))});"
    if lang == "go":
        pkg = singular(res[-1]).replace("_", "")
        path = "/".join([*res[:-1], pkg])
        go_verb = {"create": "New", "retrieve": "Get", "update": "Update", "delete": "Del", "list": "List"}
        m = go_verb.get(verb[0], pascal(verb[:1])) + pascal(verb[1:])
        typ = pascal([w for r in res[:-1] for w in _w(r)] + _w(singular(res[-1]))) + "Params"
        body = f"&stripe.{typ}{{" + ", ".join(f"{pascal(_w(k)) or k}: {go(v)}" for k, v in params.items()) + "}"
        return (f'import "github.com/stripe/stripe-go/v76/{path}"\n'
                f"r, err := {pkg}.{m}({', '.join(q + [body])})")
    raise KeyError(lang)


def _github(category: str, name: list[str], path_names: list[str], ids: list[str], params: dict[str, Any],
            lang: str, has: bool) -> str:
    # octokit-style: one object; a name in both the path and the body takes the path's value
    # (octokit fills the URL from it and leaves it out of the body).
    allp = {**params, **dict(zip(path_names, ids))}
    if lang == "javascript":
        return f"const r = await octokit.rest.{camel(_w(category))}.{camel(name)}({js(allp)});"
    q = [json.dumps(i) for i in ids]
    if lang == "python":
        kw = [f"{k}={py(v)}" for k, v in allp.items() if re.fullmatch(r"[A-Za-z_]\w*", k) and k not in ("from", "class", "type")]
        if len(kw) != len(allp):
            kw = [f"**{py(allp)}"]
        return f"from githubkit import GitHub\nr = github.rest.{category.replace('-', '_')}.{'_'.join(name)}({', '.join(kw)})"
    if lang == "ruby":
        return f"r = octokit.{category.replace('-', '_')}.{'_'.join(name)}({', '.join(q + ([rb(params)] if has else []))})"
    if lang == "php":
        return f"$r = $github->{camel(_w(category))}->{camel(name)}({', '.join(q + ([php(params)] if has else []))});"
    if lang == "java":
        lines: list[str] = []
        arg = java_params(params, lines, [0]) if has else None
        lines.append(f"// github\nvar r = github.{camel(_w(category))}().{camel(name)}({', '.join(q + ([arg] if arg else []))});")
        return "\n".join(lines)
    if lang == "csharp":
        opts = "new Options { " + ", ".join(f"{pascal(_w(k)) or k} = {cs(v)}" for k, v in params.items()) + " }" \
            if has else None
        return f"var r = await github.{pascal(_w(category))}.{pascal(name)}({', '.join(q + ([opts] if opts else []))});"
    if lang == "go":
        body = "&github.Request{" + ", ".join(f"{pascal(_w(k)) or k}: {go(v)}" for k, v in params.items()) + "}"
        return "client := github.NewClient(nil)\n" + f"r, _, err := client.{pascal(_w(category))}.{pascal(name)}({', '.join(['ctx', *q] + ([body] if has else []))})"
    raise KeyError(lang)
