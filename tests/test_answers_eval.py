"""The evaluation set is well-formed, and suggest() keeps finding its answers (a floor under
the figures benchmarks/answers.py prints; the floor fails when ranking regresses)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bridgebot.answers import DocsIndex, suggest
from bridgebot.answers.index import spec_source
from bridgebot.check import SpecSet
from conftest import ROOT, SHARED_SPECS

EVAL = ROOT / "tests" / "answers_eval"


def test_the_evaluation_set_verifies() -> None:
    if not (SHARED_SPECS / "github-rest.json").exists():
        pytest.skip("the shared specs are not here")
    done = subprocess.run([sys.executable, str(EVAL / "verify.py")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_suggest_finds_most_answers_of_the_evaluation_set() -> None:
    """Each question is asked of its own API's index (as benchmarks/answers.py does); the floor
    is a little under what this measures today (0.838 after the third ranking follow-up, 0.793
    before it: operations only, no checker boosts)."""
    entries = [e for f in sorted(EVAL.glob("*.yaml")) for e in yaml.safe_load(f.read_text())]
    names = sorted({e["spec"] for e in entries})
    paths = [ROOT / "openapi_specs" / n if (ROOT / "openapi_specs" / n).exists() else SHARED_SPECS / n for n in names]
    if not all(p.exists() for p in paths):
        pytest.skip("the shared specs are not here")
    indexes = {}
    for spec in SpecSet.load(paths).specs:
        indexes[spec.name] = DocsIndex(":memory:")
        indexes[spec.name].refresh([spec_source(spec)])
    found_at_3 = 0
    for e in entries:
        spec = Path(e["spec"]).stem
        wanted = {a["operation"] for a in e["answers"] if "operation" in a}
        top = suggest(indexes[spec], e["question"], limit=3, min_confidence=0.0)
        for s in top:
            label = f"{s.operation['method']} {s.operation['path']}"
            if any(label.split(" ")[0] == w.split(" ")[0] and label.endswith(w.split(" ", 1)[1])
                   and label.count("/") - w.count("/") in (0, 1) for w in wanted):
                found_at_3 += 1
                break
    assert found_at_3 / len(entries) >= 0.82, found_at_3 / len(entries)
