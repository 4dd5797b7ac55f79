"""The domain objects of the paste checker: pasted requests and errors, findings, secrets.

Everything here is plain data with a ``to_dict`` that matches the JSON contract of
``bridgebot check --format json`` (see DESIGN.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: The fixed vocabulary of finding kinds (DESIGN.md). Nothing else is ever emitted.
FINDING_KINDS = (
    "missing_required",
    "wrong_type",
    "invalid_enum",
    "invalid_format",
    "out_of_range",
    "unknown_param",
    "unknown_path",
    "wrong_method",
    "auth_missing",
    "auth_invalid",
    "idempotency_key_missing",
    "content_type",
    "malformed_body",
    "secret_exposed",
)

#: Where a finding sits in the request (DESIGN.md). Nothing else is ever emitted.
LOCATIONS = ("path", "query", "header", "body", "url")


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a paste, in words a developer understands."""

    kind: str
    location: str
    field: str
    message: str
    expected: Any = None
    actual: Any = None
    #: Close matches for a misspelled field, path or value (best first).
    suggestions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in FINDING_KINDS:
            raise ValueError(f"unknown finding kind {self.kind!r}")
        if self.location not in LOCATIONS:
            raise ValueError(f"unknown finding location {self.location!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "location": self.location,
            "field": self.field,
            "message": self.message,
            "expected": self.expected,
            "actual": self.actual,
        }


class Unresolved(str):
    """A value pasted code computes at run time (a variable, a call): present, value unknown.

    A header set from ``process.env.KEY`` counts as sent; a field set from a variable is not
    type-checked.
    """


@dataclass
class PastedRequest:
    """An HTTP request read out of a paste (curl, raw HTTP, JSON + endpoint, client code)."""

    method: str
    url: str
    #: Headers in the order written; names keep the developer's spelling.
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: str | None = None
    #: Multipart fields (curl -F), when the body was given as a form.
    form_fields: list[tuple[str, str]] | None = None
    #: Where it came from: curl, http, json, fetch, axios, requests, httpx, php.
    source: str = "curl"
    #: Basic-auth credentials given out of band (curl -u, requests auth=(...)).
    basic_auth: str | None = None
    #: Notes from the reader (e.g. a body read from a file we cannot see).
    notes: list[str] = field(default_factory=list)
    #: A body that the reader saw but could not parse (e.g. truncated JSON).
    body_error: str | None = None
    #: The body as data already read from client code (may hold Unresolved values); when set,
    #: the checker uses it instead of parsing ``body``.
    body_value: Any = None
    #: False when some headers are computed at run time (``...baseHeaders``, ``get_headers()``):
    #: then missing auth or required headers are not claimed.
    headers_known: bool = True
    #: True when the base URL is computed at run time (``${BASE}/customers``): route by path only.
    url_partial: bool = False
    #: Query parameters already read from SDK code (may hold Unresolved values); checked as data
    #: beside any query string in ``url``.
    query_value: dict[str, Any] | None = None
    #: What showed that the SDK client sending this request was built without credentials (e.g.
    #: ``new GitHubClient(new ProductHeaderValue("app"))``); None when nothing did.
    anonymous_client: str | None = None

    def header(self, name: str) -> str | None:
        lname = name.lower()
        for key, value in reversed(self.headers):
            if key.lower() == lname:
                return value
        return None

    @property
    def content_type(self) -> str | None:
        value = self.header("content-type")
        if value is not None:
            return value.split(";")[0].strip().lower() or None
        if self.form_fields is not None:
            return "multipart/form-data"
        return None


@dataclass
class PastedError:
    """An API error response read out of a paste."""

    status: int | None = None
    code: str | None = None
    message: str | None = None
    param: str | None = None
    request_id: str | None = None
    type: str | None = None
    #: The location the API named (body, query, header, path), when it did.
    location: str | None = None
    #: The URL the error names (e.g. requests' "400 Client Error ... for url: ...").
    url: str | None = None
    #: Read from an error catalog (issue 11): the finding kind the text means, "" when it means
    #: nothing in the request is wrong (an object in the other mode, a name already taken).
    kind: str | None = None
    #: The method the error text names with its URL ("Unrecognized request URL (GET: /v1/x/)").
    method: str | None = None
    #: GitHub's documentation_url: its anchor names the operation.
    docs_url: str | None = None
    #: What the catalog says this error means and how to fix it.
    explanation: str | None = None
    #: The path of an empty id ("GET: /v1/customers/"): the missing path parameter is the field.
    empty_id_path: str | None = None


@dataclass(frozen=True)
class Secret:
    """A credential found in a paste. ``value`` never leaves the process."""

    kind: str
    location: str
    redacted: str
    value: str = field(repr=False, compare=False)
    #: Other spellings of ``value`` in the paste (percent-encoded, ``\u``-escaped, Slack-escaped):
    #: redacted wherever they appear too.
    forms: tuple[str, ...] = field(default=(), repr=False, compare=False)
    #: Where it was written (``Api-Key``, ``api_key``, ``-u``), when the paste names it.
    field_name: str | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "location": self.location, "redacted": self.redacted}


@dataclass(frozen=True)
class OperationRef:
    """The spec operation a request or error was matched to."""

    spec: str
    method: str
    path: str
    operation_id: str | None
    summary: str | None = None
    docs_url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "spec": self.spec,
            "method": self.method,
            "path": self.path,
            "operation_id": self.operation_id,
        }

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


def _op_dict(op: OperationRef | None, evidence: str | None) -> dict[str, Any] | None:
    if op is None:
        return None
    out = op.to_dict()
    if evidence:
        out["evidence"] = evidence
    return out


@dataclass
class RequestReport:
    request: PastedRequest
    operation: OperationRef | None
    findings: list[Finding]
    #: The request's URL with any secret redacted (what every output shows).
    display_url: str = ""
    #: What tied the operation to it (issue 11): "request", "body_fields", …
    evidence: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.request.method,
            "url": self.display_url or self.request.url,
            "source": self.request.source,
            "operation": _op_dict(self.operation, self.evidence),
            "findings": [f.to_dict() for f in self.findings],
        }


@dataclass
class ErrorReport:
    error: PastedError
    operation: OperationRef | None
    findings: list[Finding]
    #: A sentence on what this error code means and what to do, when we know the code.
    explanation: str | None = None
    #: What tied the operation to the error (readers/operations.py EVIDENCE), or None.
    evidence: str | None = None

    def to_dict(self) -> dict[str, Any]:
        e = self.error
        return {
            "status": e.status,
            "code": e.code,
            "message": e.message,
            "param": e.param,
            "operation": _op_dict(self.operation, self.evidence),
            "findings": [f.to_dict() for f in self.findings],
            "explanation": self.explanation,
        }


@dataclass
class CheckResult:
    """Everything the checker says about one paste."""

    requests: list[RequestReport] = field(default_factory=list)
    errors: list[ErrorReport] = field(default_factory=list)
    secrets: list[Secret] = field(default_factory=list)
    #: Parts that looked like a request or error but could not be read (e.g. an unbalanced quote).
    problems: list[str] = field(default_factory=list)
    #: Hints for the developer (e.g. name the endpoint of a bare JSON body).
    hints: list[str] = field(default_factory=list)
    #: Why the paste could not be fully checked ("timeout", "error"; see check/bounded.py), else None.
    incomplete: str | None = None

    @property
    def findings(self) -> list[Finding]:
        out: list[Finding] = []
        for r in self.requests:
            out.extend(r.findings)
        for e in self.errors:
            out.extend(e.findings)
        if self.secrets and not any(f.kind == "secret_exposed" for f in out):
            # A key pasted outside any request still counts.
            out.extend(secret_finding(s) for s in self.secrets)
        return out

    @property
    def ok(self) -> bool:
        return not self.findings and not self.incomplete

    @property
    def operations(self) -> list[OperationRef]:
        seen: dict[tuple[str, str, str], OperationRef] = {}
        for op in [*(r.operation for r in self.requests), *(e.operation for e in self.errors)]:
            if op is not None:
                seen.setdefault((op.spec, op.method, op.path), op)
        return list(seen.values())

    @property
    def empty(self) -> bool:
        return not (self.requests or self.errors or self.secrets or self.incomplete)

    def to_dict(self) -> dict[str, Any]:
        return {
            "requests": [r.to_dict() for r in self.requests],
            "errors": [e.to_dict() for e in self.errors],
            "secrets": [s.to_dict() for s in self.secrets],
            "problems": list(self.problems),
            "hints": list(self.hints),
            "incomplete": self.incomplete,
        }


def secret_finding(secret: Secret) -> Finding:
    live = "live" in secret.kind or "live" in secret.value
    test = "test" in secret.kind or "_test_" in secret.value or "-test-" in secret.value
    what = "A live key" if live else "A test key" if test else "A credential"
    advice = ("rotate it now and delete the message; a key pasted in a shared channel is compromised."
              if not test else "rotate it and delete the message: even a test key gives access to your test data.")
    return Finding(
        kind="secret_exposed",
        location=secret.location,
        field=secret.field_name or secret.kind,
        message=f"{what} ({secret.redacted}) is visible in this message: {advice}",
        expected="no credentials in shared channels",
        actual=secret.redacted,
    )


class ElidedDict(dict):  # type: ignore[type-arg]
    """An object pasted with keys left out (``...``, ``…``): its required keys are not claimed missing."""
