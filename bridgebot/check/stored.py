"""A check's result as JSON to store with its thread, and back, so a reply can be rebuilt after a
click or a reopen exactly as it was first said (issue 6: rebuilt from the stored, truncated and
redacted question text, the findings and the key warning were lost).

Only what a reply shows is kept: no request body, header or credential value. The result is
already redacted by the checker; secrets keep only their redacted form.
"""

from __future__ import annotations

import json
from typing import Any

from .model import CheckResult, ErrorReport, Finding, OperationRef, PastedError, PastedRequest, RequestReport, Secret

#: Bumped when the stored shape changes; an unknown version is not read (the reply then has no
#: findings rather than wrong ones).
VERSION = 1


def dump_result(result: CheckResult) -> str:
    data = {
        "version": VERSION,
        "requests": [{
            "method": r.request.method,
            "url": r.display_url or r.request.url,
            "source": r.request.source,
            "notes": list(r.request.notes),
            "operation": _op(r.operation),
            "findings": [_finding(f) for f in r.findings],
        } for r in result.requests],
        "errors": [{
            "status": e.error.status, "code": e.error.code, "message": e.error.message, "param": e.error.param,
            "request_id": e.error.request_id, "type": e.error.type, "location": e.error.location,
            "url": e.error.url, "operation": _op(e.operation), "findings": [_finding(f) for f in e.findings],
            "explanation": e.explanation,
        } for e in result.errors],
        "secrets": [{"kind": s.kind, "location": s.location, "redacted": s.redacted} for s in result.secrets],
        "problems": list(result.problems),
        "hints": list(result.hints),
        "incomplete": result.incomplete,
    }
    return json.dumps(data, ensure_ascii=False, default=str)


def load_result(text: str) -> CheckResult | None:
    """The stored result; None if it cannot be read (another version, a damaged row)."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("version") != VERSION:
            return None
        return CheckResult(
            requests=[RequestReport(
                request=PastedRequest(method=r["method"], url=r["url"], source=r["source"], notes=list(r["notes"])),
                operation=_op_back(r["operation"]), findings=[_finding_back(f) for f in r["findings"]],
                display_url=r["url"],
            ) for r in data["requests"]],
            errors=[ErrorReport(
                error=PastedError(status=e["status"], code=e["code"], message=e["message"], param=e["param"],
                                  request_id=e["request_id"], type=e["type"], location=e["location"], url=e["url"]),
                operation=_op_back(e["operation"]), findings=[_finding_back(f) for f in e["findings"]],
                explanation=e["explanation"],
            ) for e in data["errors"]],
            # The value is the redacted form: the clear value is never stored.
            secrets=[Secret(kind=s["kind"], location=s["location"], redacted=s["redacted"], value=s["redacted"])
                     for s in data["secrets"]],
            problems=list(data["problems"]),
            hints=list(data["hints"]),
            incomplete=data.get("incomplete"),
        )
    except (ValueError, KeyError, TypeError):
        return None


def _op(op: OperationRef | None) -> dict[str, Any] | None:
    if op is None:
        return None
    return {"spec": op.spec, "method": op.method, "path": op.path, "operation_id": op.operation_id,
            "summary": op.summary, "docs_url": op.docs_url}


def _op_back(data: dict[str, Any] | None) -> OperationRef | None:
    return OperationRef(**data) if data else None


def _finding(f: Finding) -> dict[str, Any]:
    return {**f.to_dict(), "suggestions": list(f.suggestions)}


def _finding_back(data: dict[str, Any]) -> Finding:
    return Finding(kind=data["kind"], location=data["location"], field=data["field"], message=data["message"],
                   expected=data["expected"], actual=data["actual"], suggestions=tuple(data.get("suggestions", ())))
