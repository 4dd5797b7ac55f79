"""The checker against an independent oracle (tests/oracle.py): a valid request gets no finding,
and each mistake gets exactly the one finding the oracle states."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import oracle
from bridgebot.check import SpecSet, check_paste


@pytest.fixture(scope="module")
def specs(tmp_path_factory: pytest.TempPathFactory) -> SpecSet:
    path = tmp_path_factory.mktemp("oracle") / "widgets.json"
    path.write_text(json.dumps(oracle.SPEC))
    return SpecSet.load([path])


def test_the_oracle_imports_nothing_from_bridgebot() -> None:
    tree = ast.parse(Path(oracle.__file__).read_text())
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert names and not [n for n in names if n.split(".")[0] == "bridgebot"]


def test_the_oracle_covers_every_finding_kind_a_request_can_get() -> None:
    kinds = {m.kind for m in oracle.MISTAKES}
    # secret_exposed is covered by tests/test_secrets.py (a key, not a request rule).
    assert kinds == {"missing_required", "wrong_type", "invalid_enum", "invalid_format", "out_of_range",
                     "unknown_param", "unknown_path", "wrong_method", "auth_missing", "auth_invalid",
                     "idempotency_key_missing", "content_type", "malformed_body"}
    assert len(oracle.MISTAKES) == 52
    assert len({m.rule for m in oracle.MISTAKES}) == len(oracle.MISTAKES)


def test_the_valid_request_gets_no_finding(specs: SpecSet) -> None:
    result = check_paste(oracle.valid_request().curl(), specs)
    assert [r.operation.label if r.operation else None for r in result.requests] == [f"POST {oracle.PATH}"]
    assert result.secrets == [] and result.problems == []
    assert [f.message for f in result.findings] == []


@pytest.mark.parametrize("mistake", oracle.MISTAKES, ids=[m.rule for m in oracle.MISTAKES])
def test_each_mistake_gets_exactly_its_finding(specs: SpecSet, mistake: oracle.Mistake) -> None:
    result = check_paste(oracle.mistaken(mistake).curl(), specs)
    assert len(result.requests) == 1, result.to_dict()
    got = [(f.kind, f.location, f.field) for f in result.findings]
    assert got == [(mistake.kind, mistake.location, mistake.field)], [f.message for f in result.findings]
