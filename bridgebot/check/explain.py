"""Explain a pasted API error: its code and message become a finding, tied to the operation."""

from __future__ import annotations

import re

from .model import LOCATIONS, Finding, PastedError
from .schema import Schema, _close
from .specs import Operation

#: Known error codes (Bridge, Stripe, GitHub) → (finding kind or None, what to do).
#: Bridge's come from its docs on transfer errors and idempotency.
ERROR_CODES: dict[str, tuple[str | None, str]] = {
    # Bridge
    "invalid_parameters": ("invalid_format", "A field in the request is invalid; the error's source names it."),
    "invalid_json": ("malformed_body", "The body is not valid JSON: check quotes, commas and that Content-Type is application/json."),
    "required": ("missing_required", "A required field or header is missing."),
    "invalid": ("invalid_format", "A value is not valid for this field."),
    "has_not_accepted_tos": (None, "The customer has not accepted Bridge's Terms of Service: send them a ToS link (POST /v0/customers/tos_links) and retry once accepted."),
    "requires_active_kyc_status": (None, "The customer's KYC is not approved yet: check GET /v0/customers/{customerID} (status, requirements_due) or send a KYC link."),
    "frozen": (None, "The customer or account is frozen; contact Bridge support."),
    "deactivated_external_account": (None, "The external account was deactivated: reactivate it (POST …/external_accounts/{id}/reactivate) or use another."),
    "duplicate_record": (None, "This Idempotency-Key (or record) was already used with other parameters: use a new key for a new request."),
    "not_truly_idempotent": (None, "The same Idempotency-Key was sent with a different body: a retry must send the identical body, a new request needs a new key (keys last 24 h)."),
    "invalid_geographic_location": (None, "The customer's location is not supported for this product."),
    "missing_address_data": ("missing_required", "The customer or external account is missing address data needed for this rail."),
    "cards_endorsement_approval_required": (None, "The customer needs the cards endorsement approved first."),
    "not_allowed": (None, "This rail or feature is not enabled for your account: ask Bridge to enable it."),
    "missing_required_endorsements": (None, "The customer lacks an endorsement this transfer needs (e.g. sepa, spei): request it with a KYC link."),
    "developer_limits_exceeded": (None, "Your developer account's limits would be exceeded by this transfer."),
    "aml_violation": (None, "The transfer was blocked by AML screening; contact Bridge support with the request id."),
    "unexpected": (None, "An unexpected server error: it is safe to retry with the same Idempotency-Key."),
    "not_found": (None, "The object does not exist in this environment: sandbox (sk-test) and production (sk-live) keys see different objects."),
    "bad_customer_request": ("invalid_format", "The customer request is invalid; the message says which field."),
    # Stripe
    "parameter_unknown": ("unknown_param", "Stripe does not know this parameter: check its spelling and nesting."),
    "parameter_missing": ("missing_required", "A required parameter is missing."),
    "parameter_invalid_integer": ("wrong_type", "The parameter must be an integer."),
    "parameter_invalid_empty": ("invalid_format", "The parameter must not be empty."),
    "parameter_invalid_string_empty": ("invalid_format", "The parameter must not be an empty string."),
    "parameters_exclusive": ("invalid_format", "Two parameters that cannot be used together were sent."),
    "idempotency_key_in_use": (None, "Another request with this Idempotency-Key is still in progress: wait and retry."),
    "resource_missing": (None, "The object does not exist (or belongs to another account or mode: test vs live)."),
    "api_key_expired": ("auth_invalid", "The API key has expired: roll a new one."),
    # GitHub
    "missing_field": ("missing_required", "A required field is missing."),
    "already_exists": (None, "Another resource already has this value."),
    "unprocessable": ("invalid_format", "A value could not be processed."),
}

_MESSAGE_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?i)idempotency.key"), "idempotency_key_missing"),
    (re.compile(r"(?i)unknown param|unrecognized (field|param)|not permitted|unpermitted|additional propert"), "unknown_param"),
    (re.compile(r"(?i)missing required|is required|must be set|can't be blank|missing .*header|required param"), "missing_required"),
    (re.compile(r"(?i)must be one of|is not one of|invalid value for|not a valid (choice|option)"), "invalid_enum"),
    (re.compile(r"(?i)invalid (integer|boolean|string|array|object|hash|number)|must be an? (integer|string|number|boolean|array|object)"), "wrong_type"),
    (re.compile(r"(?i)too long|too short|must be (at least|at most|less|greater)|out of range|exceeds"), "out_of_range"),
    (re.compile(r"(?i)invalid json|malformed|could not parse|unexpected token"), "malformed_body"),
    (re.compile(r"(?i)content.type"), "content_type"),
    (re.compile(r"(?i)invalid api.key|api.key .*invalid|bad credentials|invalid (token|credentials)|unauthori[sz]ed"), "auth_invalid"),
    (re.compile(r"(?i)did not provide an api key|missing api-key|no api key|requires authentication"), "auth_missing"),
    (re.compile(r"(?i)not found|no such"), "unknown_path"),
]


def explain_error(error: PastedError, operation: Operation | None, request_had_auth: bool | None) -> tuple[list[Finding], str | None]:
    """Findings for an error response, and a sentence on what it means."""
    code = (error.code or "").strip()
    known = ERROR_CODES.get(code)
    explanation = known[1] if known else None
    kind = known[0] if known else None
    message = error.message or ""
    by_message = next((k for rx, k in _MESSAGE_RULES if rx.search(message)), None)
    # The message is more precise than a generic code ("invalid_parameters: ... must be one of").
    if by_message and kind in (None, "invalid_format") and not (by_message == "unknown_path" and error.status != 404):
        kind = by_message
    # Anything about the credentials themselves is an auth finding, whatever the code says.
    auth_field = (error.param or "").lower() in ("api-key", "authorization", "x-api-key")
    if error.status == 401 or auth_field or kind in ("auth_missing", "auth_invalid"):
        says_missing = re.search(r"(?i)missing|did not provide|no api.key|not provided|required", message + " " + code)
        kind = "auth_missing" if says_missing or (request_had_auth is False and not message) else "auth_invalid"
        if known is None or known[0] in (None, "invalid_format", "missing_required"):
            explanation = ("No API key reached the API: send it in the documented header." if kind == "auth_missing"
                           else "The API refused the key: check it belongs to this environment (sandbox keys "
                                "start sk-test, production keys sk-live), was not rotated, and is sent in the "
                                "documented header.")
    if kind is None and error.status is not None:
        kind = {401: "auth_invalid" if request_had_auth else "auth_missing", 405: "wrong_method",
                415: "content_type"}.get(error.status)
        if error.status == 401 and explanation is None:
            explanation = ("The API key was refused: check it is the right environment's key (sk-test for sandbox, "
                           "sk-live for production) and sent in the documented header."
                           if request_had_auth else "No API key was sent: add the documented auth header.")
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
        suggestions: tuple[str, ...] = ()
        text = message or explanation or code or f"HTTP {error.status}"
        if kind == "unknown_param" and field and operation is not None:
            names = _field_names(operation)
            leaf = re.split(r"[.\[\]]+", field.strip("]"))[-1] or field
            close = _close(leaf, sorted(names))
            if close:
                suggestions = tuple(close)
                text = f"{text.rstrip('.')}. Did you mean `{close[0]}`?"
        findings.append(Finding(kind=kind, location=location, field=field, message=text,
                                expected=list(suggestions) or None, actual=field or code or None,
                                suggestions=suggestions))
    return findings, explanation


def _field_names(op: Operation) -> set[str]:
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
