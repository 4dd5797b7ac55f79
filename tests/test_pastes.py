"""Every sample paste in tests/pastes/ gives exactly what its .expect.yaml lists.

A paste is the text of a Slack message (escaped as Slack sends it, where it says so); the
expectation names the spec and lists, in order, every request (operation, method, source,
findings as [kind, field] pairs), every error (operation, status, code, param, request id,
findings), every secret ([kind, location, redacted]) and the operations the paste touched. Every
part is compared exactly and every part must be present in the expect file: a missing finding,
a false alarm, an extra secret and an expect file that forgets a part all fail.
"""

from __future__ import annotations

import json

import pytest
import yaml

from bridgebot.check import check_paste
from conftest import PASTES

CASES = sorted(p.stem for p in PASTES.glob("*.txt"))
PARTS = ("spec", "requests", "errors", "secrets", "operations")


def _pairs(findings) -> list[list[str]]:
    return [[f.kind, f.field] for f in findings]


def test_there_are_sample_pastes_each_with_an_expectation() -> None:
    assert len(CASES) >= 27
    assert sorted(p.name.removesuffix(".expect.yaml") for p in PASTES.glob("*.expect.yaml")) == CASES


@pytest.mark.parametrize("name", CASES)
def test_paste(name: str, spec_sets) -> None:
    expect = yaml.safe_load((PASTES / f"{name}.expect.yaml").read_text())
    missing = [p for p in PARTS if p not in expect]
    assert not missing, f"{name}.expect.yaml must list every part; it lacks {missing}"
    text = (PASTES / f"{name}.txt").read_text()
    result = check_paste(text, spec_sets(expect["spec"]))
    dumped = json.dumps(result.to_dict(), ensure_ascii=False)

    got_requests = [{"operation": r.operation.label if r.operation else None, "method": r.request.method,
                     "source": r.request.source, "findings": _pairs(r.findings)} for r in result.requests]
    want_requests = [{k: w[k] for k in ("operation", "method", "source", "findings")} for w in expect["requests"]]
    assert got_requests == want_requests, dumped
    for got, want in zip(result.requests, expect["requests"]):
        for s in want.get("suggestions", []):
            assert any(s in f.suggestions for f in got.findings), dumped

    got_errors = [{"operation": e.operation.label if e.operation else None, "status": e.error.status,
                   "code": e.error.code, "param": e.error.param, "request_id": e.error.request_id,
                   "findings": _pairs(e.findings)} for e in result.errors]
    want_errors = [{k: w[k] for k in ("operation", "status", "code", "param", "request_id", "findings")}
                   for w in expect["errors"]]
    assert got_errors == want_errors, dumped
    for got, want in zip(result.errors, expect["errors"]):
        for s in want.get("suggestions", []):
            assert any(s in f.suggestions for f in got.findings), dumped
        if "explanation_contains" in want:
            assert want["explanation_contains"] in (got.explanation or ""), dumped

    assert [[s.kind, s.location, s.redacted] for s in result.secrets] == expect["secrets"], dumped
    for secret in result.secrets:
        assert secret.value not in dumped, "a secret leaked into the output"
    assert [o.label for o in result.operations] == expect["operations"], dumped

    problems = expect.get("problems_contain", [])
    assert len(result.problems) == len(problems), result.problems
    for got_problem, want_problem in zip(result.problems, problems):
        assert want_problem in got_problem, result.problems
