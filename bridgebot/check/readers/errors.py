"""Find API errors wherever a paste holds them, and read them with the error catalogs (issue 11).

- :func:`errors_in` walks a parsed value (JSON, a JS literal, a Python repr) for error objects
  nested anywhere: Stripe's ``{"error": …}`` with or without the wrapper, ``raw``,
  ``json_body``, ``description`` instead of ``message``, GitHub's ``message`` + ``errors[]``
  (one error per entry), and JSON held in a string (``"error": "{\\"message\\": …}"``).
- :func:`text_errors` finds errors in plain text: catalog message templates, SDK renderings of
  GitHub's ``errors[]`` (go-github, octokit.rb, JetBrains), ``METHOD URL: 422 …`` lines.
- :func:`apply_catalog` reads one error's message and code with the catalogs: kind, field,
  operation named in the text, explanation.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Iterator

from ..catalogs import MessageRule, codes, message_rules, split_fields
from ..model import PastedError
from .prefilter import may_match

#: Nested values deeper than this are not searched for errors.
MAX_WALK_DEPTH = 12
_HTTP = "GET|POST|PUT|PATCH|DELETE|HEAD"
_REQ_ID = re.compile(r"\b(req_[A-Za-z0-9*]+)")


def _s(v: Any) -> str | None:
    if v is None:
        return None
    return v if isinstance(v, str) else json.dumps(v)


def _int(v: Any) -> int | None:
    try:
        return int(v) if v is not None and not isinstance(v, bool) else None
    except (TypeError, ValueError):
        return None


def first_status(*values: Any) -> int | None:
    """The first of ``values`` that is a status number (422 or "422"; a word or true/false is none)."""
    return next((s for s in map(_int, values) if s), None)


def _message(d: dict[str, Any]) -> str | None:
    for key in ("message", "description", "error_description", "detail", "Message"):
        if isinstance(d.get(key), str) and d[key].strip():
            return d[key]
    return None


def _is_entry(d: dict[str, Any]) -> bool:
    """A GitHub errors[] entry: {resource, field, code, message}."""
    return "code" in d and ("resource" in d or "field" in d) and isinstance(d.get("code"), str)


def _looks_error(d: dict[str, Any]) -> bool:
    msg = _message(d)
    if isinstance(d.get("errors"), list) and msg:
        return True
    if msg and ("documentation_url" in d or "param" in d or "doc_url" in d):
        return True
    if msg and isinstance(d.get("type"), str) and d["type"].endswith("error"):
        return True
    return bool(msg and isinstance(d.get("code"), str) and ("type" in d or "param" in d))


def errors_in(value: Any, status: int | None = None, depth: int = 0,
              fallback: Callable[[Any], PastedError | None] | None = None) -> list[PastedError]:
    """Every API error held in ``value`` (one per GitHub errors[] entry).

    ``fallback`` reads a dict in shapes this walker does not know (Bridge's ``source.key``).
    """
    if depth > MAX_WALK_DEPTH:
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("{"):
            try:
                return errors_in(json.loads(text), status, depth + 1, fallback)
            except (ValueError, RecursionError):
                return []
        return []
    if isinstance(value, list):
        out: list[PastedError] = []
        for item in value[:50]:
            out += errors_in(item, status, depth + 1, fallback)
        return out
    if not isinstance(value, dict):
        return []
    code = value.get("code")
    # The first that is a number: {"status": "error", "statusCode": 422, "error": {…}} is a 422.
    status = first_status(value.get("status"), value.get("statusCode"), value.get("status_code"),
                          value.get("http_status"), value.get("httpStatus"),
                          code if isinstance(code, int) else None) or status
    if _is_entry(value):
        return [_entry(value, None, status)]
    msg = _message(value)
    if msg and msg.lstrip().startswith("{"):  # {"code": 422, "message": "{\"message\": …}"}
        nested = errors_in(msg, status, depth + 1, fallback)
        if nested:
            return nested
    if _looks_error(value):
        err = PastedError(status=status, code=_s(value.get("code")) if not isinstance(value.get("code"), int) else None,
                          message=_message(value), param=_s(value.get("param") or value.get("field")),
                          type=_s(value.get("type")), docs_url=_s(value.get("documentation_url")))
        rid = _REQ_ID.search(str(value.get("request_log_url") or value.get("request_id") or ""))
        err.request_id = rid.group(1) if rid else _s(value.get("request_id") or value.get("requestId"))
        entries = [e for e in value.get("errors") or [] if isinstance(e, dict)]
        if entries:
            # As many as a list gives (value[:50] above): the paste keeps its first MAX_ERRORS and
            # says so (cut at 20 here, 25 entries lost 5 without a word).
            return [_entry(e, err, status) for e in entries[:50]]
        nested = [e for k in ("raw", "error", "json_body", "response", "data") for e in
                  errors_in(value.get(k), status, depth + 1, fallback)]
        if nested:  # the inner, rawer error says more (param, code)
            return nested
        return [err]
    held = value.get("error")
    if isinstance(held, str) and held.lstrip().startswith("{"):
        # {"error": "{\"message\": …}"}: the JSON error in the string, not the string as a code.
        nested = errors_in(held, status, depth + 1, fallback)
        if nested:
            return nested
    found = fallback(value) if fallback is not None else None
    if found is not None:
        found.status = found.status or status
        return [found]
    out = []
    # Containers first: an SDK exception's raw/json_body/error, a client's response.data.
    for key in ("error", "raw", "json_body", "jsonBody", "body", "response", "data", "errors", "err", "cause"):
        if key in value:
            out += errors_in(value[key], status, depth + 1, fallback)
            if out:
                return out
    for key, item in value.items():
        if isinstance(item, (dict, list)) or (isinstance(item, str) and item.lstrip().startswith("{")):
            out += errors_in(item, status, depth + 1, fallback)
            if out:
                return out
    return out


def _entry(e: dict[str, Any], parent: PastedError | None, status: int | None) -> PastedError:
    err = PastedError(status=status, code=_s(e.get("code")), message=_s(e.get("message")),
                      param=_s(e.get("field")), type=_s(e.get("resource")))
    if parent is not None:
        err.docs_url = parent.docs_url
        err.request_id = parent.request_id
    if not err.message:
        # {"resource": "Milestone", "field": "title", "code": "missing_field"}: say it in words.
        where = ".".join(x for x in (err.type, err.param) if x)
        err.message = f"{parent.message + ': ' if parent is not None and parent.message else ''}" \
                      f"{where or 'the request'} is {err.code or 'invalid'}"
    return err


# --- plain text -------------------------------------------------------------------------------

#: go-github: POST https://api.github.com/repos/o/r/pulls: 422 Validation Failed [{Resource:… Field:… Code:… Message:…}]
#: (go-github before 2017 printed no Message: [{Resource:Issue Field:title Code:missing_field}])
_GO_ENTRY = re.compile(r"\{Resource:(\w*) Field:(\w*) Code:(\w*)(?: Message:([^}\]]*))?\}")
#: octokit.rb: "Error summary:\n  resource: X\n  code: Y\n  field: Z\n  message: …"
_RB_SUMMARY = re.compile(r"Error summary:((?:\n[ \t]+\w+: [^\n]*)+)")
#: JetBrains: "[Search; q]invalid: The search query contains invalid syntax."
_JB_ENTRY = re.compile(r"\[(\w+); (\w+)\](\w+)(?:: ([^\n<]*))?")
#: "POST https://api.github.com/user/repos: 403 …" (go-github, octokit.rb), "PATCH …: 422 - …"
#: (The port and the path after it form one optional group: ``[^\s:]+(?::\d+)?[^\s:]*`` let the two
#: runs split a long URL every way before failing, 256 ms on a 10,000-character one.)
_METHOD_URL_STATUS = re.compile(rf"\b({_HTTP}) (https?://[^\s:]+(?::\d+[^\s:]*)?): (\d{{3}})\b")


#: A JSON error printed as a quoted string: "{\"message\":\"Validation Failed\", …}"
_QUOTED_JSON = re.compile(r'"\{\\"')


#: PHP's var_dump: array(1) { ["error"]=> array(3) { ["type"]=> string(21) "invalid_request_error" … } }
_VAR_DUMP = re.compile(r"array\(\d+\)\s*\{")
_VAR_DUMP_TOKENS = [
    (re.compile(r"array\(\d+\)\s*\{"), "{"),
    (re.compile(r"\[\s*\"([^\"]*)\"\s*\]\s*=>\s*"), r'"\1": '),
    (re.compile(r"\[\s*(\d+)\s*\]\s*=>\s*"), r'"\1": '),
    (re.compile(r"string\(\d+\)\s*"), ""),
    (re.compile(r"(?:int|float)\((-?[\d.eE+-]+)\)"), r"\1"),
    (re.compile(r"bool\((true|false)\)"), r"\1"),
]


def _php_var_dumps(text: str, free: Any) -> Iterator[tuple[int, int, PastedError]]:
    from ..clientcode import balanced_end
    from .lenient import LenientError, read_value

    for m in _VAR_DUMP.finditer(text):
        if not free(m.start()):
            continue
        end = balanced_end(text, m.end() - 1)
        if end < 0:
            continue
        dump = text[m.start():end]
        for rx, repl in _VAR_DUMP_TOKENS:
            dump = rx.sub(repl, dump)
        try:
            value, _end, _took = read_value(dump, 0)
        except (LenientError, RecursionError):
            continue
        for err in errors_in(value):
            yield m.start(), end, err
        return


def text_errors(text: str, free: Any) -> Iterator[tuple[int, int, PastedError]]:
    """Errors written as text outside the spans already read: ``(start, end, error)``."""
    if "array(" in text:
        yield from _php_var_dumps(text, free)
    decoder = json.JSONDecoder()
    for m in _QUOTED_JSON.finditer(text) if '"{\\"' in text else ():
        if free(m.start()):
            try:
                inner, end = decoder.raw_decode(text, m.start())
            except (ValueError, RecursionError):
                continue
            for err in errors_in(inner):
                yield m.start(), end, err
    for m in _METHOD_URL_STATUS.finditer(text):
        if free(m.start()):
            yield m.start(), m.end(), PastedError(status=int(m.group(3)), method=m.group(1), url=m.group(2))
    for m in _GO_ENTRY.finditer(text) if "{Resource:" in text else ():
        if free(m.start()):
            yield m.start(), m.end(), PastedError(type=m.group(1) or None, param=m.group(2) or None,
                                                  code=m.group(3) or None, message=(m.group(4) or "").strip() or None)
    for m in _RB_SUMMARY.finditer(text) if "Error summary:" in text else ():
        if free(m.start()):
            fields = dict(re.findall(r"\n[ \t]+(\w+): ([^\n]*)", m.group(1)))
            message = re.split(r"\s//\s", fields.get("message", ""))[0].strip() or None
            docs = re.search(r"// See: (\S+)", m.group(1))
            yield m.start(), m.end(), PastedError(type=fields.get("resource"), code=fields.get("code"),
                                                  param=(fields.get("field") or "").split(" //")[0] or None,
                                                  message=message, docs_url=docs.group(1) if docs else None)
    for m in _JB_ENTRY.finditer(text) if "; " in text else ():
        if free(m.start()) and m.group(3) in codes():
            yield m.start(), m.end(), PastedError(type=m.group(1), param=m.group(2), code=m.group(3),
                                                  message=(m.group(4) or "").strip() or None)
    lower = text.lower()
    for rule in message_rules():
        if rule.docs_url is not None or not may_match(rule.pattern, text, lower):
            continue  # (a rule that needs the error's documentation_url is for errors read as data)
        for m in rule.pattern.finditer(text):
            if free(m.start()):
                err = PastedError(message=_sentence(text, m.start(), m.end()))
                _apply_rule(err, rule, m)
                # "Request req_123: …" before it, or "…; request-id: req_123" after it, on its line.
                line_start = text.rfind("\n", 0, m.start()) + 1
                line_end = text.find("\n", m.end())
                rid = _REQ_ID.search(text, line_start, line_end if line_end >= 0 else len(text))
                err.request_id = rid.group(1) if rid else None
                yield m.start(), m.end(), err


def _sentence(text: str, start: int, end: int) -> str:
    """The message around a match: from the start of its line to its end (at most 300 chars)."""
    stop = re.compile(r"\n|`|»|\"\s*$|\"[,}\]]")
    m = stop.search(text, end)
    line_end = m.start() if m else len(text)
    return text[start:min(line_end, start + 300)].strip().strip("`\"'»«")


# --- catalogs ---------------------------------------------------------------------------------

def _apply_rule(err: PastedError, rule: MessageRule, m: re.Match[str]) -> None:
    groups = m.groupdict()
    err.kind = rule.kind or ""
    fields: list[str] = []
    if groups.get("fields"):
        fields = [rule.field_prefix + _field_case(f) for f in split_fields(groups["fields"])]
    elif groups.get("field"):
        fields = [rule.field_prefix + _field_case(groups["field"])]
    elif rule.field:
        fields = [rule.field]
    if fields and (not err.param or (err.type and err.message and err.param.lower() not in err.message.lower())):
        err.param = ",".join(fields)
    if groups.get("method"):
        err.method = groups["method"].upper()
    if groups.get("empty_id"):
        err.empty_id_path = groups["empty_id"]
    if groups.get("path") and not err.url:
        err.url = groups["path"]
    err.explanation = err.explanation or rule.explanation


def _field_case(name: str) -> str:
    name = name.rstrip(".")  # "…: payment_method_configuration. Did you mean…"
    # "Body is too long": the sentence capitalised the field name.
    return name[0].lower() + name[1:] if name[:1].isupper() and name[1:].islower() else name


def apply_catalog(err: PastedError) -> PastedError:
    """Read ``err``'s message with the catalogs' templates (kind, field, operation named)."""
    if err.kind is not None or not err.message:
        return err
    for rule in message_rules():
        m = rule.pattern.search(err.message) if rule.applies(err.docs_url) else None
        if m:
            had_param = err.param
            _apply_rule(err, rule, m)
            if had_param and rule.kind and rule.kind.startswith("auth"):
                err.param = had_param
            return err
    return err
