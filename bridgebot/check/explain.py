"""Explain a pasted API error: its code and message become a finding, tied to the operation."""

from __future__ import annotations

import re

from .catalogs import CodeInfo, codes, fallback_rules
from .model import LOCATIONS, Finding, PastedError
from .schema import Schema, _close
from .specs import Operation

#: Known error codes (Bridge, Stripe, GitHub) → (finding kind or None, meaning and fix), read from
#: the catalogs in bridgebot/check/catalogs/ (one YAML file per API).
ERROR_CODES: dict[str, tuple[str | None, str]] = {code: (info.kind, info.explanation) for code, info in codes().items()}

#: Wording many APIs share (catalogs/common.yaml), read on an error's message when no API's own
#: template matched it.
_MESSAGE_RULES: list[tuple[re.Pattern[str], str]] = [(r.pattern, r.kind) for r in fallback_rules() if r.kind]


_SAYS_MISSING = re.compile(r"(?i)missing|did not provide|no api.key|not provided|required")
_SAYS_REFUSED = re.compile(r"(?i)invalid|incorrect|expired|revoked|not valid|bad credentials|unauthori[sz]ed")


def explain_error(error: PastedError, operation: Operation | None, request_had_auth: bool | None,
                  api_codes: dict[str, CodeInfo] | None = None) -> tuple[list[Finding], str | None]:
    """Findings for an error response, and a sentence on what it means.

    ``api_codes`` are the codes of the API the error came from (its catalog), read first: a code
    two APIs share (`invalid`) means what that API says.
    """
    code = (error.code or "").strip()
    own = (api_codes or {}).get(code)
    known = (own.kind, own.explanation) if own is not None else ERROR_CODES.get(code)
    explanation = known[1] if known else None
    kind = known[0] if known else None
    # An API error message is a sentence; past 1,000 characters it is a paste, not a message, and
    # `missing .*header` would rescan it from every "missing" (quadratic).
    message = (error.message or "")[:1000]
    if error.kind is not None:
        # An API's own template matched the message (catalogs/<api>.yaml): it is the most precise.
        kind = error.kind or None
        explanation = error.explanation or explanation
        if kind is None:
            return [], explanation
    else:
        by_message = next((k for rx, k in _MESSAGE_RULES if rx.search(message)), None)
        # The message is more precise than a generic code ("invalid_parameters: ... must be one of").
        if by_message and kind in (None, "invalid_format") and not (by_message == "unknown_path" and error.status != 404):
            kind = by_message
    # Anything about the credentials themselves is an auth finding, whatever the code says.
    auth_field = (error.param or "").lower() in ("api-key", "authorization", "x-api-key")
    if error.kind in ("auth_missing", "auth_invalid"):
        pass  # the API's own wording said which (a restricted key "does not have the required permissions")
    elif error.status == 401 or auth_field or kind in ("auth_missing", "auth_invalid"):
        # What the message says decides; then the kind the API gives its code (Stripe's
        # `secret_key_required` is a publishable key sent, not a missing one: its name is no clue);
        # then an unknown code's own words.
        code_kind = known[0] if known is not None and known[0] in ("auth_missing", "auth_invalid") else None
        if _SAYS_MISSING.search(message):
            kind = "auth_missing"
        elif _SAYS_REFUSED.search(message):
            kind = "auth_invalid"
        elif code_kind:
            kind = code_kind
        else:
            kind = "auth_missing" if _SAYS_MISSING.search(code) or (request_had_auth is False and not message) \
                else "auth_invalid"
        if known is None or known[0] in (None, "invalid_format", "missing_required"):
            explanation = ("No API key reached the API: send it in the documented header." if kind == "auth_missing"
                           else "The API refused the key: check it belongs to this environment (sandbox keys "
                                "start sk-test, production keys sk-live), was not rotated, and is sent in the "
                                "documented header.")
    if kind is None and error.status is not None:
        # (A 401 never gets here: the auth branch above has given it its kind.)
        kind = {405: "wrong_method", 415: "content_type"}.get(error.status)
        if error.status == 404 and not code and explanation is None:
            explanation = ("Not found: the path or the object id is wrong, or the object lives in the other "
                           "environment (sandbox vs production).")
    if kind is None:
        return [], explanation
    # The location the API named, when it is one of ours ("body", "query"…); else what the kind implies.
    location = error.location if error.location in LOCATIONS else ("header" if kind.startswith(("auth", "idempotency")) else
                                  "url" if kind in ("unknown_path", "wrong_method") else "body")
    fields = [f.strip() for f in (error.param or "").split(",") if f.strip()] or [
        "Idempotency-Key" if kind == "idempotency_key_missing" else ""]
    findings = []
    for field in fields:
        if kind == "unknown_param" and field and operation is not None and _accepts(operation, field):
            # The API refused it, but this spec version takes it: the versions differ; don't echo it.
            explanation = (f"The API said `{field}` is unknown, but {operation.spec} accepts it for "
                           f"{operation.method} {operation.base_path}{operation.path}: the API version the "
                           "request ran with differs from this spec's (check the Stripe-Version header, the "
                           "account's default version, or the SDK's pinned version).")
            continue
        suggestions: tuple[str, ...] = ()
        text = message or explanation or code or f"HTTP {error.status}"
        if error.empty_id_path and field and operation is not None:
            text = (f"`{field}` was empty: the request went to {error.method} {error.empty_id_path} (nothing after "
                    f"the last slash), so Stripe could not route it to {operation.method} "
                    f"{operation.base_path}{operation.path}. Check the variable that holds the id.")
        if kind == "unknown_param" and field and operation is not None:
            names = _field_names(operation)
            leaf = re.split(r"[.\[\]]+", field.strip("]"))[-1] or field
            close = _close(leaf, sorted(names))
            if close:
                suggestions = tuple(close)
                if "did you mean" not in text.lower():  # Stripe's own message already asks
                    text = f"{text.rstrip('.')}. Did you mean `{close[0]}`?"
        findings.append(Finding(kind=kind, location=location, field=field, message=text,
                                expected=list(suggestions) or None, actual=field or code or None,
                                suggestions=suggestions))
    return findings, explanation


def _accepts(op: Operation, field: str) -> bool:
    """Whether ``field`` (``a.b``, ``a[0][b]``) is a parameter or body property of ``op``."""
    parts = [p for p in re.split(r"[.\[\]]+", field) if p and not p.isdigit()]
    if not parts:
        return False
    if len(parts) == 1 and any(p.name == parts[0] for p in op.params):
        return True
    nodes: list[Schema] = [schema for schema, _ in op.body.values() if schema is not None]
    for part in parts:
        found: list[Schema] = []
        seen: set[int] = set()
        stack = list(nodes)
        while stack and len(seen) < 200:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if node.properties and part in node.properties:
                found.append(node.properties[part])
            stack += [*node.any_of, *node.one_of, *node.all_of]
            if node.items is not None:
                stack.append(node.items)
        if not found:
            return False
        nodes = found
    return True


_NAMES: dict[int, tuple[Operation, frozenset[str]]] = {}


def _field_names(op: Operation) -> frozenset[str]:
    """Every parameter and property name of ``op`` (cached per operation: a paste often names several)."""
    hit = _NAMES.get(id(op))
    if hit is not None and hit[0] is op:
        return hit[1]
    if len(_NAMES) > 512:
        _NAMES.clear()
    names = frozenset(_walk_names(op))
    _NAMES[id(op)] = (op, names)
    return names


def _walk_names(op: Operation) -> set[str]:
    names: set[str] = {p.name for p in op.params}
    seen: set[int] = set()

    def walk(node: Schema | None, depth: int) -> None:
        if node is None or id(node) in seen or depth > 6:
            return
        seen.add(id(node))
        for k, v in (node.properties or {}).items():
            names.add(k)
            walk(v, depth + 1)
        for b in (*node.any_of, *node.one_of, *node.all_of):
            walk(b, depth + 1)
        walk(node.items, depth + 1)

    for schema, _ in op.body.values():
        walk(schema, 0)
    return names
