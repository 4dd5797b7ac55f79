"""Every sample paste in tests/pastes/ gives exactly the findings its .expect.yaml lists.

A paste is the text of a Slack message (escaped as Slack sends it, where it says so); the
expectation names the spec, and for each request and error the operation matched and the
findings as [kind, field] pairs. The comparison is exact: a missing finding and a false alarm
both fail.
"""

from __future__ import annotations

import json

import pytest
import yaml

from bridgebot.check import check_paste
from conftest import PASTES

CASES = sorted(p.stem for p in PASTES.glob("*.txt"))


def _pairs(findings) -> list[tuple[str, str]]:
    return sorted((f.kind, f.field) for f in findings)


@pytest.mark.parametrize("name", CASES)
def test_paste(name: str, spec_sets) -> None:
    expect = yaml.safe_load((PASTES / f"{name}.expect.yaml").read_text())
    text = (PASTES / f"{name}.txt").read_text()
    result = check_paste(text, spec_sets(expect["spec"]))
    dumped = json.dumps(result.to_dict(), ensure_ascii=False)

    if "requests" in expect:
        assert len(result.requests) == len(expect["requests"]), dumped
        for got, want in zip(result.requests, expect["requests"]):
            assert (got.operation.label if got.operation else None) == want["operation"], dumped
            assert got.request.source == want["source"]
            assert _pairs(got.findings) == sorted(tuple(f) for f in want["findings"]), dumped
            for s in want.get("suggestions", []):
                assert any(s in f.suggestions for f in got.findings), dumped
    if "errors" in expect:
        assert len(result.errors) == len(expect["errors"]), dumped
        for got, want in zip(result.errors, expect["errors"]):
            for key in ("status", "code", "request_id"):
                if key in want:
                    assert getattr(got.error, key) == want[key], dumped
            if "operation" in want:
                assert (got.operation.label if got.operation else None) == want["operation"], dumped
            assert _pairs(got.findings) == sorted(tuple(f) for f in want["findings"]), dumped
            for s in want.get("suggestions", []):
                assert any(s in f.suggestions for f in got.findings), dumped
            if "explanation_contains" in want:
                assert want["explanation_contains"] in (got.explanation or ""), dumped
    for redacted in expect.get("secrets", []):
        assert redacted in [s.redacted for s in result.secrets], dumped
    for secret in result.secrets:
        assert secret.value not in dumped, "a secret leaked into the output"
    for problem in expect.get("problems_contain", []):
        assert any(problem in p for p in result.problems), dumped
