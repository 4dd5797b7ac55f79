"""Read SDK calls out of a paste and turn each into the request it sends.

``find_sdk_requests(text, specs)`` yields ``(start, end, PastedRequest)`` like the other readers;
the request's ``source`` is ``sdk:<language>``. Which operation a call is comes from the spec
(:mod:`.index`) and each SDK's naming rules (``naming.yaml``); the call's arguments become path,
query and body parameters, and request options (an idempotency key) headers. Values known only
at run time stay :class:`~bridgebot.check.model.Unresolved`, so they are never judged.
"""

from __future__ import annotations

import itertools
import json
import re
from typing import TYPE_CHECKING, Any, Iterator
from urllib.parse import quote

from ...clientcode import PartialDict
from ...model import PastedRequest, Unresolved
from .base import Call, Options, Reader, norm, snake, words
from .csharp import CSharpReader
from .go import PREFIX as GO_PREFIX
from .go import GoReader
from .index import Index, index_for
from .java import JavaReader
from .javascript import JavaScriptReader, TypeScriptReader
from .php import PhpReader
from .python import PythonReader
from .rules import rules
from .ruby import RubyReader

if TYPE_CHECKING:
    from ...specs import CompiledSpec, Operation, SpecSet

READERS: dict[str, type[Reader]] = {
    "javascript": JavaScriptReader, "typescript": TypeScriptReader, "python": PythonReader,
    "ruby": RubyReader, "php": PhpReader, "java": JavaReader, "csharp": CSharpReader, "go": GoReader,
}
_FENCE_LANG = {
    "js": "javascript", "javascript": "javascript", "node": "javascript", "jsx": "javascript",
    "ts": "typescript", "typescript": "typescript", "tsx": "typescript",
    "py": "python", "python": "python", "python3": "python", "rb": "ruby", "ruby": "ruby",
    "php": "php", "java": "java", "kotlin": None, "cs": "csharp", "csharp": "csharp", "c#": "csharp",
    "go": "go", "golang": "go",
}
#: Cheap signs of each language, tried in order when a block names none. Linear on hostile text:
#: ``^[ \t]*`` (not ``^\s*``, which runs across every following blank line), ``(?<!\w)`` before a
#: leading ``\w+``, no two quantifiers in a row over the same characters.
_SIGNS: list[tuple[str, re.Pattern[str]]] = [
    ("python", re.compile(r"^[ \t]*from\s+[\w.]+\s+import\s|^[ \t]*import\s+[\w.]+[ \t]*$|^[ \t]*def\s+\w+\(.*\):", re.M)),
    ("ruby", re.compile(r"\b(?:Stripe|Octokit)::")),
    ("php", re.compile(r"<\?php|\$\w+\s*->|\\Stripe\\|\$\w+\s*=\s*(?:\[|array\()")),
    ("go", re.compile(r":=|&stripe\.\w+Params|\bfunc\s+\w*\(|&github\.\w+\{|\bstripe\.String\(|\bpackage\s+\w+")),
    ("csharp", re.compile(r"\bnew\s+\w+(?:Service|Options)\s*[({]|\bvar\s+\w+\s*=\s*new\b|\bawait\s+\w+\.\w+Async\(|\busing\s+Stripe|\bnew\s+GitHubClient\b|\bnew\s+New\w+\(|\bnew\s+[A-Z][\w.<>, \t\r\n]*\{\s*(?:\w+\s*=[^=>]|\}|\{)")),
    ("java", re.compile(r"\.builder\(\)|\bMap<|\bimport\s+com\.stripe|\bnew\s+HashMap\b|\bString\s+\w+\s*=|\bpublic\s+static\b")),
    ("ruby", re.compile(r"\bStripe::|\bOctokit::|\bdo\s*\|\w+\||^[ \t]*end[ \t]*$|\brequire\s+['\"]|(?<!\w)\w+:\s*['\"][^'\"]*['\"]\s*\)\s*$|=>", re.M)),
    ("typescript", re.compile(r"\bconst\s+\w+\s*:\s*\w|\binterface\s+\w+|\bas\s+const\b|:\s*Stripe\.")),
    ("javascript", re.compile(r"\b(?:const|let|var)\s+\w|\bawait\s|\brequire\(|=>|\boctokit\b|\bgithub\.rest\.|\(\{\s*\w+\s*:")),
    ("python", re.compile(r"\bimport\s+\w+|\bdef\s+\w+\(|(?<!\w)\w+\s*=\s*\w[\w.]*\(\w+=|\bNone\b|\bTrue\b|^[ \t]*#|[(,]\s*\w+=[^=]", re.M)),
]
#: Receivers that are the client, never a resource.
_CTX = re.compile(r"ctx|context\.\w+\(\)")


def detect_language(block: str, tag: str | None = None) -> str | None:
    if tag is not None:
        lang = _FENCE_LANG.get(tag.lower())
        if lang is not None or tag.lower() in _FENCE_LANG:
            return lang
    for lang, pattern in _SIGNS:
        if pattern.search(block):
            return lang
    return None


_INLINE_TICKS = re.compile(r"(?m)^[ \t]*`(?=[\w$\\]+(?:\.|->|::))|(?<=[);])`[ \t]*$")


def closed(block: str) -> str:
    """A cut-off paste with its open brackets closed (quotes respected), so the call still parses."""
    stack: list[str] = []
    pairs = {"(": ")", "[": "]", "{": "}"}
    i, n = 0, len(block)
    while i < n:
        c = block[i]
        if c in "'\"`":
            j = block.find(c, i + 1)
            while j > 0 and block[j - 1] == "\\":
                j = block.find(c, j + 1)
            if j < 0 or (c != "`" and "\n" in block[i:j]):
                return block  # an unclosed string: leave it to the grammar
            i = j + 1
            continue
        if c in pairs:
            stack.append(pairs[c])
        elif c in ")]}":
            if not stack or stack[-1] != c:
                return block
            stack.pop()
        i += 1
    return block + "".join(reversed(stack)) if stack and len(stack) <= 12 else block


def _blocks(text: str) -> Iterator[tuple[int, str, str | None]]:
    """Fenced code blocks (with their language tag); the whole text when there are none."""
    parts = text.split("```")
    if len(parts) < 2:
        # `stripe.customers.create({...});` as Slack inline code: the backticks are not code.
        yield 0, _INLINE_TICKS.sub(" ", text), None
        return
    pos = 0
    for i, part in enumerate(parts):
        if i % 2 == 1:
            m = re.match(r"[ \t]*([\w#+-]*)[ \t]*\n", part)
            tag = m.group(1) if m and m.group(1) else None
            skip = m.end() if m else 0
            yield pos + skip, part[skip:], tag
        pos += len(part) + 3


def find_sdk_requests(text: str, specs: "SpecSet") -> Iterator[tuple[int, int, PastedRequest]]:
    families = {name for name, fam in rules()["families"].items()
                if any(re.search(m, text, re.I) for m in fam["markers"])}
    if not families:
        return
    anonymous = _anonymous_clients(text, families)
    for start, end, req in _find_sdk_requests(text, specs, families):
        spec_family = next((f for f in families if f in anonymous and _same_family(req, f)), None)
        if spec_family is not None and req.method != "GET":
            req.anonymous_client = anonymous[spec_family]
        yield start, end, req


def _anonymous_clients(text: str, families: set[str]) -> dict[str, str]:
    """Per SDK family, the client construction that carries no credentials, when the paste gives
    that client none anywhere (naming.yaml's ``anonymous_client`` and ``credentials``)."""
    out: dict[str, str] = {}
    for name in families:
        fam = rules()["families"][name]
        if not fam.get("anonymous_client"):
            continue
        m = re.search(fam["anonymous_client"], text, re.I)
        if m and not re.search(fam.get("credentials") or r"(?!)", text, re.I):
            out[name] = " ".join(m.group(0).split())
    return out


def _same_family(req: PastedRequest, family: str) -> bool:
    return rules()["families"][family]["title"] in req.url


def _find_sdk_requests(text: str, specs: "SpecSet", families: set[str]) -> Iterator[tuple[int, int, PastedRequest]]:
    indexes: list[tuple["CompiledSpec", Index]] | None = None
    for offset, block, tag in _blocks(text):
        if not re.search(r"[\w\]\)]\s*(?:\.|->|::)\s*[\w$]+\s*\(|\.\w+\s+\w+:", block):
            continue
        if indexes is None:  # built on the first paste that holds a call (then kept on the spec)
            indexes = [(spec, idx) for spec in specs.specs if (idx := index_for(spec)) is not None]
        if not indexes:
            return
        frames = list(itertools.islice(_FRAME.finditer(block), _MAX_FRAMES)) if 'File "' in block else []
        if frames:
            # A Python traceback: each frame's code line is one line of the caller's code, often cut
            # mid-call ("source = stripe.checkout.Session.create("). Read each on its own, so the
            # call does not swallow the exception below it as its arguments.
            for line_start, code in _frame_code(block, frames):
                if closed(code) != code:  # cut mid-call: its arguments are on lines not shown
                    yield from _read_names(code, offset + line_start, "python", indexes, families, [])
                else:
                    yield from _read_block(code, offset + line_start, "python", indexes, families)
            block = block[:frames[0].start()]
            if not re.search(r"[\w\]\)]\s*(?:\.|->|::)\s*[\w$]+\s*\(", block):
                continue
        lang = detect_language(block, tag)
        # No sign of a language: a bare chain such as stripe.customers.create("x") reads the same
        # in several; try JavaScript, then Python.
        for candidate in [lang] if lang else (["javascript", "python"] if tag is None else []):
            found_any = False
            for item in _read_block(block, offset, candidate, indexes, families):
                found_any = True
                yield item
            if found_any:
                break


#: A frame of a Python traceback, maybe behind a log prefix (``app-1  |   File "…", line 72, in post``).
#: ``[^\n"]*?`` stops at the line's end or first quote: linear over a long line.
_FRAME = re.compile(r'(?m)^(?P<prefix>[^\n"]{0,200}?)File "(?P<file>[^"\n]{1,500})", line \d+')
_MAX_FRAMES = 100
#: Frames in installed packages are the SDK's own code, not the caller's.
_LIBRARY_FRAME = re.compile(r"site-packages|dist-packages|[/\\]lib[/\\]python\d")


def _frame_code(block: str, frames: list[re.Match[str]]) -> Iterator[tuple[int, str]]:
    """The code line under each of the caller's frames: ``(offset in block, code)``."""
    for m in frames:
        if _LIBRARY_FRAME.search(m.group("file")):
            continue
        start = block.find("\n", m.end())
        if start < 0:
            continue
        start += 1
        end = block.find("\n", start)
        end = len(block) if end < 0 else end
        prefix = m.group("prefix").rstrip()
        if prefix and block.startswith(prefix, start):
            start += len(prefix)  # the log prefix repeats on the code line
        while start < end and block[start] in " \t":
            start += 1
        if start < end and not block.startswith("File \"", start):
            yield start, block[start:end]


def _read_block(block: str, offset: int, lang: str, indexes: list[tuple["CompiledSpec", Index]],
                families: set[str]) -> Iterator[tuple[int, int, PastedRequest]]:
    reader_cls = READERS[lang]
    block = closed(block)
    prefix = GO_PREFIX if lang == "go" and not re.search(r"^\s*package\s", block, re.M) else ""
    if prefix and not re.search(r"^\s*func\s", block, re.M):
        reader = reader_cls(block + "\n}", offset, prefix)
    else:
        reader = reader_cls(block, offset, "" if not prefix else "package p\n")
    seen: list[tuple[int, int]] = []
    for call in reader.calls():
        if any(a <= call.start and call.end <= b for a, b in seen):
            continue  # an argument of a call already read (a builder inside create())
        found = resolve(call, indexes, families)
        if found is None:
            continue
        spec, op = found
        seen.append((call.start, call.end))
        yield call.start, call.end, build_request(call, spec, op, indexes)
    if reader.tree.root_node.has_error:
        # Code too broken for the grammar (unclosed quotes): the call's name still says which
        # operation it is; its arguments are left unknown.
        yield from _read_names(block, offset, lang, indexes, families, seen)


def _read_names(block: str, offset: int, lang: str, indexes: list[tuple["CompiledSpec", Index]],
                families: set[str], seen: list[tuple[int, int]]) -> Iterator[tuple[int, int, PastedRequest]]:
    """The calls in ``block`` read by their names only, their arguments left unknown."""
    for m in _CHAIN.finditer(block):
        start = offset + m.start(1)
        if any(a <= start < b for a, b in seen):
            continue
        names = [n for n in re.split(r"\.|->|::|\\", m.group(1)) if n]
        call = Call(start, start + len(m.group(0)), lang, names, unreadable=True)
        found = resolve(call, indexes, families)
        if found is not None:
            seen.append((call.start, call.end))
            yield call.start, call.end, build_request(call, found[0], found[1], indexes)


_CHAIN = re.compile(r"(?<![\w$.>:\\])((?:[$\\]?[A-Za-z_]\w*(?:\(\))?(?:\.|->|::|\\))+[A-Za-z_]\w*)\s*\(")


# --- which operation ------------------------------------------------------------------------

def _method_keys(name: str, family: str) -> list[str]:
    fam = rules()["families"][family]
    w = words(name)
    if not w:
        return []
    aliases = fam.get("aliases") or {}
    rest = "".join(w[1:])
    rest_norm = aliases.get(rest, aliases.get(norm(rest), norm(rest))) if rest else ""
    keys = []
    verb = (fam.get("verbs") or {}).get(w[0])
    if verb:
        keys.append(verb + rest_norm)
    keys.append(norm(w[0]) + rest_norm)
    keys.append(norm(name))
    return list(dict.fromkeys(keys))


def _resource_words(names: list[str], family: str) -> list[str]:
    fam = rules()["families"][family]
    aliases = fam.get("aliases") or {}
    receivers = set(rules()["receivers"])
    out = []
    for n in names:
        n = n.lstrip("$@\\")
        if re.match(r"get[A-Z]", n):
            n = n[3:]  # Laravel facades: Stripe::getCharge()->create
        if not n or n.lower() in receivers:
            continue
        w = words(n)
        if len(w) > 1 and w[-1] in rules().get("client_suffixes", ()):
            n = "_".join(w[:-1])  # issuesClient -> issues
        k = norm(n)
        out.append(aliases.get(k, k))
    return out


def resolve(call: Call, indexes: list[tuple["CompiledSpec", Index]],
            families: set[str]) -> tuple["CompiledSpec", "Operation"] | None:
    if len(call.names) < 2:
        return None
    # The async variant calls the same endpoint: Stripe.net's CreateAsync, stripe-python's create_async.
    method = re.sub(r"(?<=[a-z0-9])(?:Async|_async)$", "", call.names[-1])
    # octokit.request("POST /repos/{owner}/{repo}/issues", {...})
    if method == "request" and call.args and isinstance(call.args[0], str) and not isinstance(call.args[0], Unresolved):
        m = re.match(r"\s*([A-Z]+)\s+(/\S*)", call.args[0])
        if m:
            for spec, idx in indexes:
                if idx.family not in families:
                    continue
                path = m.group(2).split("?")[0]
                for candidate in (path, re.sub(r"^/api/v3", "", path)):
                    op = idx.templates.get(candidate, {}).get(m.group(1))
                    if op is not None:
                        return spec, op
                match = spec.match_path(path)
                if match is not None:
                    op = spec.paths[match[0]].get(m.group(1))
                    if op is not None:
                        return spec, op
        return None
    best: tuple[tuple[Any, ...], "CompiledSpec", "Operation"] | None = None
    for spec, idx in indexes:
        if idx.family not in families:
            continue
        res = _resource_words(call.names[:-1], idx.family)
        context = {norm(w) for c in call.context for w in [c]} | \
            {norm(w) for h in call.hints for w in words(h) if w not in ("params", "options", "create", "update",
                                                                          "list", "get", "delete", "new")}
        keys = _method_keys(method, idx.family)
        for i in range(len(res) + 1):
            suffix = tuple(res[i:])
            hits: list["Operation"] = []
            # octokat's repos(o, r).labels.create -> issues/create-label: the resource in the name.
            tried = keys + [k + res[-1] for k in keys] if not suffix and res else keys
            for key in tried:
                hits += idx.by_key.get((suffix, key), [])
                if len(suffix) == 1:
                    hits += idx.by_last.get((suffix[0], key), [])
            if not hits:
                continue
            for op in {id(o): o for o in hits}.values():
                op_res = idx.resource.get(id(op), ())
                score = (len(suffix), len(context & set(op_res)), _fit(op, call), _arity(op, call),
                         -len(op_res), -len(op.path))
                if best is None or score > best[0]:
                    best = (score, spec, op)
            break
    return (best[1], best[2]) if best else None


def _arity(op: "Operation", call: Call) -> int:
    """How well the positional values match the path's parameters (retrieve(id) vs list())."""
    given = len(call.chain_args) + sum(1 for a in call.args if not isinstance(a, (dict, list)))
    return -abs(op.path.count("{") - given)


def _given_keys(call: Call) -> set[str]:
    keys: set[str] = set(call.kwargs)
    for a in call.args:
        if isinstance(a, dict):
            keys |= {snake(str(k)) for k in a}
    return keys


def _fit(op: "Operation", call: Call) -> int:
    keys = _given_keys(call)
    if not keys:
        return 0
    known = {p.name for p in op.params}
    for schema, _ in op.body.values():
        if schema is not None:
            known |= set(schema.all_props or schema.properties or ())
    return sum(1 for k in keys if k in known) - sum(1 for k in keys if k not in known)


# --- the request ---------------------------------------------------------------------------

def build_request(call: Call, spec: "CompiledSpec", op: "Operation",
                  indexes: list[tuple["CompiledSpec", Index]]) -> PastedRequest:
    family = next(idx.family for s, idx in indexes if s is spec)
    fam = rules()["families"][family]
    option_names: dict[str, Any] = {norm(k): v for k, v in (fam.get("options") or {}).items()}
    path_names = re.findall(r"\{([^}]+)\}", op.path)
    path_values: dict[str, Any] = {}
    params: dict[str, Any] = {}
    partial = False
    params_unknown: Unresolved | None = None
    headers: list[tuple[str, str]] = []
    notes: list[str] = []

    def take_options(opts: dict[str, Any]) -> None:
        for k, v in opts.items():
            target = option_names.get(norm(str(k)), "")
            if target == "headers" and isinstance(v, dict):
                headers.extend((str(hk), str(hv)) for hk, hv in v.items())
            elif target:
                headers.append((target, str(v)))

    scalars: list[Any] = list(call.chain_args)
    method_request = call.names[-1] == "request" and call.args and isinstance(call.args[0], str)
    args = call.args[1:] if method_request else call.args
    dicts = 0
    for a in args:
        if isinstance(a, Options):
            take_options(a)
        elif isinstance(a, dict):
            if dicts == 0:
                params.update(a)
                partial = partial or isinstance(a, PartialDict)
            else:
                take_options(a)
            dicts += 1
        elif isinstance(a, list):
            partial = True
        else:
            scalars.append(a)
    declared = _body_props(op) | {p.name for p in op.params}
    for k, v in call.kwargs.items():
        if k == "**":
            partial = True
        elif norm(k) in option_names and k not in declared and option_names[norm(k)] != "headers":
            take_options({k: v})
        else:
            params[k] = v
    opts = params.pop("__options__", None)
    if isinstance(opts, dict):
        take_options(opts)
    # Positional values fill the path parameters in order; "owner/repo" fills both.
    body_props = _body_props(op)
    named = {snake(str(k)) for k in params} | {str(k) for k in params}
    todo = [n for n in path_names if n not in named or n in body_props]
    if todo[:2] == ["owner", "repo"] and _on_repository_object(call, family, scalars):
        todo = todo[2:]  # PyGithub's repo.create_issue(title, ...): the object holds owner and repo
    extra: list[Any] = []
    for v in scalars:
        if not todo:
            extra.append(v)
            continue
        if len(todo) >= 2 and todo[:2] == ["owner", "repo"] and isinstance(v, str) and "/" in v:
            path_values["owner"], path_values["repo"] = v.split("/", 1)
            todo = todo[2:]
            continue
        if len(todo) >= 2 and todo[:2] == ["owner", "repo"] and isinstance(v, Unresolved) and \
                re.search(r"repo|full_?name|slug|nwo", str(v), re.I) and len(scalars) < len(path_names):
            todo = todo[2:]
            continue
        path_values[todo.pop(0)] = v
    for v in extra:
        if isinstance(v, Unresolved) and dicts == 0 and not params and re.search(
                r"param|option|opt|arg|data|body|payload|request|attr|input", str(v), re.I):
            params_unknown = v  # Price.create(params): a params object we cannot see
        elif v is not None:
            partial = True  # positional fields (octokit.rb, Octokit.net ctor): names unknown
    # Split the named parameters by where the spec puts them.
    by_name = {p.name: p for p in op.params}
    by_norm = {norm(p.name): p for p in op.params}
    query: dict[str, Any] = {}
    body: dict[str, Any] = {}
    for k, v in params.items():
        key = str(k)
        p = by_name.get(key) or by_name.get(snake(key)) or by_norm.get(norm(key))
        in_body = key in body_props or snake(key) in body_props
        if p is not None and p.location == "path" and not (p.name in path_values and in_body):
            path_values[p.name] = v  # (a path name already given positionally is the body field)
        elif p is not None and p.location == "query" and not (op.body and key in _body_props(op)):
            query[p.name] = v
        elif p is not None and p.location == "header":
            headers.append((p.name, str(v)))
        elif norm(key) in option_names and option_names[norm(key)] == "headers" and isinstance(v, dict):
            headers.extend((str(hk), str(hv)) for hk, hv in v.items())
        elif norm(key) in option_names and family == "github":
            continue  # octokit's request/mediaType options
        else:
            body[key] = v
    schema = _body_schema(op)
    if schema is not None:
        body = _fix_keys(body, schema)
    elif not op.body and body:  # no body: what is left can only be (unknown) query parameters
        for k, v in body.items():
            query[snake(k)] = v
        body = {}
    path = op.path
    for name in path_names:
        v = path_values.get(name)
        if v is not None and not isinstance(v, (Unresolved, dict, list)):
            path = path.replace("{" + name + "}", quote(str(v), safe=""))
    server = spec.servers[0] if spec.servers else None
    host = (server.host if server and server.host else "api.example.com")
    url = f"https://{host}{op.base_path}{path}"
    media = list(op.body)
    ctype = next((m for m in media if "json" in m), media[0] if media else None)
    if ctype:
        headers.insert(0, ("Content-Type", ctype))
    body_value: Any = None
    body_text: str | None = None
    if call.unreadable:
        notes.append("the call's arguments could not be read (broken quotes or brackets), so they are not checked")
        if op.body:
            body_value, body_text = Unresolved("..."), "..."
        req = PastedRequest(method=op.method, url=url, headers=headers, body=body_text, source=f"sdk:{call.language}",
                            notes=notes, body_value=body_value, headers_known=False)
        return req
    if params_unknown is not None and op.body:
        body_value, body_text = params_unknown, str(params_unknown)
        notes.append(f"the parameters are in `{params_unknown}`, which is built outside this paste")
    elif op.body and (body or partial or dicts or call.kwargs):
        # A params object was passed (even one left empty once the path values are taken out):
        # the SDK sends it as the body.
        body_value = PartialDict(body) if partial else body
        body_text = json.dumps(body, default=str, ensure_ascii=False)
    if partial:
        notes.append("some arguments are positional or computed, so their field names are not checked")
    req = PastedRequest(method=op.method, url=url, headers=headers, body=body_text, source=f"sdk:{call.language}",
                        notes=notes, body_value=body_value, headers_known=False)
    req.query_value = _fix_keys(query, None) if query else None  # type: ignore[attr-defined]
    return req


def _on_repository_object(call: Call, family: str, scalars: list[Any]) -> bool:
    """A Python GitHub call on a repository object (PyGithub's ``repo.create_issue(title)``,
    ``repo.get_label("bug")``), not on the client (``g.get_repo("o/r")``, ``gh.create_issue(o, r, t)``):
    its positional values are the method's own, not the owner and repository."""
    if call.language != "python" or family != "github" or len(call.names) < 2:
        return False
    receiver = call.names[-2].lstrip("$@").lower()
    if receiver in rules()["receivers"] or not re.fullmatch(r"[a-z]+(?:_[a-z]+)+", call.names[-1]):
        return False
    first = scalars[0] if scalars else None
    return not (isinstance(first, str) and not isinstance(first, Unresolved) and "/" in first)


def _body_schema(op: "Operation") -> Any:
    for media, (schema, _) in op.body.items():
        if schema is not None:
            return schema
    return None


def _body_props(op: "Operation") -> set[str]:
    s = _body_schema(op)
    return set((s.all_props or s.properties or ())) if s is not None else set()


def _fix_keys(value: Any, schema: Any, depth: int = 0) -> Any:
    """PascalCase/camelCase keys (Go, C#, Java setters) to the spec's names, by the schema."""
    if depth > 20:
        return value
    if isinstance(value, list):
        items = getattr(schema, "items", None) if schema is not None else None
        if items is None and schema is not None:
            items = next((b.items for b in (*schema.any_of, *schema.one_of) if b.items is not None), None)
        return [_fix_keys(v, items, depth + 1) for v in value]
    if not isinstance(value, dict) or isinstance(value, Unresolved):
        return value
    props: dict[str, Any] = {}
    if schema is not None:
        for s in (schema, *schema.any_of, *schema.one_of, *schema.all_of):
            props.update(s.properties or {})
    lookup = {norm(k): k for k in props}
    out = PartialDict() if isinstance(value, PartialDict) else {}
    for k, v in value.items():
        key = str(k)
        if key not in props and key[:1].isupper():
            # Go/C# PascalCase fields; camelCase and snake_case keys are kept as written.
            key = lookup.get(norm(key)) or lookup.get(norm(key) + "s") or snake(key)
        out[key] = _fix_keys(v, props.get(key), depth + 1)
    return out


__all__ = ["find_sdk_requests", "detect_language", "resolve", "build_request", "READERS"]
