"""The checker against an independent request generator, on a fixed sample of the real specs.

``tests/generate.py`` (with ``generate_spec.py``) reads the specs itself and imports nothing from
bridgebot. For a fixed sample of the operations of Bridge (bundled), Stripe 2023-08-16 and
GitHub REST (every ``EVERY[spec]``-th, sorted by path then method, plus a few named ones), a
request generated valid from the spec must get zero findings and be matched to its operation;
then each mutation (one mistake against one rule the checker implements: see ``generate.RULES``)
must get exactly the one finding it states (kind, location, field), and nothing else.

How many mutations of each rule the sample makes is pinned: a generator that silently stops
making one (or a spec that lost it) fails here. A generator failure is a test failure, never a
skip. ``benchmarks/false_alarms.py`` runs the same over every operation.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import generate as g
import generated_check as gc

SEED = 0
#: Generation stops on example counts, not on time (no soft deadlines), so the sample is the
#: same on any machine; this only guards against a schema that would take forever.
BUDGET = 60.0
#: Fewer "every property present" draws than the sweep's 8, to stay well under a minute or two.
RICH_DRAWS = 4
EVERY = {g.BRIDGE: 2, g.STRIPE: 10, g.GITHUB: 10}
SAMPLE_SIZES = {g.BRIDGE: 57, g.STRIPE: 50, g.GITHUB: 127}

NAMED = [
    (g.BRIDGE, "POST", "/transfers"),  # not, if/then, const, required Idempotency-Key
    (g.BRIDGE, "POST", "/customers"),  # a discriminator
    (g.STRIPE, "POST", "/v1/customers"),
    (g.STRIPE, "POST", "/v1/checkout/sessions"),
    (g.STRIPE, "GET", "/v1/charges"),
    (g.GITHUB, "POST", "/repos/{owner}/{repo}/issues"),
    (g.GITHUB, "PATCH", "/repos/{owner}/{repo}"),
    # Were false alarms once: templates differing only in a parameter name; a text/plain body.
    (g.GITHUB, "DELETE", "/orgs/{org}/attestations/{attestation_id}"),
    (g.GITHUB, "POST", "/markdown/raw"),
]

#: Mutations the sample makes, per rule (seed 0). A change here means the generator or a spec
#: changed: look at which rule moved and why before updating the figure. The real specs give no
#: case of const, readOnly, exclusiveMinimum/Maximum, int32/int64, uuid/ipv4/ipv6 or a required
#: header other than Idempotency-Key in a request: those are covered on the keyword spec below.
EXPECTED_RULE_COUNTS = {
    'required': 44,
    'type': 103,
    'enum': 48,
    'additionalProperties': 123,
    'minLength': 7,
    'maxLength': 58,
    'minimum': 12,
    'maximum': 11,
    'minItems': 4,
    'maxItems': 1,
    'pattern': 14,
    'format:date': 4,
    'format:date-time': 6,
    'format:email': 4,
    'format:uri': 3,
    'if/then/else': 2,
    'if/then/else: false': 2,
    'not': 2,
    'discriminator': 1,
    'anyOf/oneOf best branch': 2,
    'required body': 50,
    'Idempotency-Key': 17,
    'security': 107,
    'content type': 77,
    'path': 234,
    'method': 234,
}


def _sample() -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    for spec in g.DEFAULT_SPECS:
        ops = sorted((op.path, op.method) for op in g.load_specs([spec])[0].operations)
        out += [(str(spec), m, p) for p, m in ops[::EVERY[spec]]]
    for spec, m, p in NAMED:
        if (str(spec), m, p) not in out:
            out.append((str(spec), m, p))
    return out


SAMPLE = _sample()


def _id(case: tuple[str, str, str]) -> str:
    spec, method, path = case
    return f"{Path(spec).stem.split('-')[0]}:{method} {path}"


@pytest.fixture(scope="session")
def check() -> g.Checker:
    return gc.checker(gc.load_checker_specs())


_RESULTS: dict[tuple[str, str, str], g.OpResult] = {}


def _result(check: g.Checker, case: tuple[str, str, str]) -> g.OpResult:
    if case not in _RESULTS:
        spec, method, path = case
        _RESULTS[case] = g.run_operation(g.operation(spec, method, path), check, seed=SEED, budget=BUDGET,
                                         soft_deadlines=False, rich_draws=RICH_DRAWS)
    res = _RESULTS[case]
    # A generator failure is a test failure, never a skip: a bug in the generator must not turn
    # the whole sweep into "0 failed".
    assert res.skipped is None, f"could not generate {_id(case)}: {res.skipped}"
    return res


def _explain(m: g.Mutation, req: g.Request, findings: list[Any]) -> str:
    return (f"[{m.rule}] {m.description}: expected exactly {m.kind} {m.location}:{m.field}\n{g.as_curl(req)}\n"
            + ("\n".join(f"  → {g.finding_text(x)}" for x in findings) or "  → (no findings)"))


def test_the_generator_imports_nothing_from_bridgebot() -> None:
    """Read from the source: no module of the generator names bridgebot in an import."""
    for module in ("generate", "generate_spec", "sdk_render"):
        tree = ast.parse((Path(__file__).parent / f"{module}.py").read_text())
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert names and not [n for n in names if n.split(".")[0] == "bridgebot"], module


def test_the_generator_runs_with_bridgebot_unimportable() -> None:
    """And at run time: with ``import bridgebot`` failing, it still reads a spec, draws requests
    and states mutations (a lazy import inside a function would be caught here)."""
    code = f"""
import sys
sys.modules["bridgebot"] = None  # any import of bridgebot now raises ImportError
sys.path.insert(0, {str(Path(__file__).parent)!r})
import generate as g, generate_spec, sdk_render
op = g.operation(g.BRIDGE, "POST", "/transfers")
case = g.build_case(op)
g.generate(case, n=1, budget=60, soft_deadlines=False, rich_draws=1)
ex = g.pick_examples(case)[-1]
ms = g.mutations(case, ex, draw=lambda s: g.draw_value(s))
print(g.as_curl(g.build_request(case, ex)).split()[0], len(ms) > 5, sdk_render.render(op, "stripe", ex, "python") is not None)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PYTHONPATH": ""})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["curl", "True", "True"]


def test_the_sample_is_the_expected_size() -> None:
    """The sweep runs every sampled operation: a spec that lost operations or a broken sampler fails here."""
    for spec, n in SAMPLE_SIZES.items():
        assert len([c for c in SAMPLE if c[0] == str(spec)]) == n, spec
    assert len(SAMPLE) == sum(SAMPLE_SIZES.values())
    assert len(set(SAMPLE)) == len(SAMPLE)


@pytest.mark.parametrize("case", [pytest.param(c, id=_id(c)) for c in SAMPLE])
def test_valid_request_has_no_findings(check: g.Checker, case: tuple[str, str, str]) -> None:
    res = _result(check, case)
    assert res.valid, "no valid request was generated"
    noisy = [(req, f) for req, f, _ in res.valid if f]
    assert not noisy, "\n".join(
        f"{g.as_curl(req)}\n" + "\n".join(f"  → {g.finding_text(x)}" for x in f) for req, f in noisy)
    assert {matched for _, _, matched in res.valid} == {res.label}


@pytest.mark.parametrize("case", [pytest.param(c, id=_id(c)) for c in SAMPLE])
def test_each_mutation_gets_exactly_its_finding(check: g.Checker, case: tuple[str, str, str]) -> None:
    """Every mutation the operation allows (a wrong method and a wrong path always) gets exactly
    the finding it states, and no other."""
    res = _result(check, case)
    rules = {m.rule for m, _, _ in res.mutations}
    assert {"method", "path"} <= rules
    bad = [(m, req, f) for m, req, f in res.mutations if not g.exact_match(m, f)]
    assert not bad, "\n".join(_explain(m, req, f) for m, req, f in bad)


def test_every_rule_ran_as_many_times_as_pinned(check: g.Checker) -> None:
    """How many mutations of each rule the sample made, and that each named its finding exactly."""
    ran: Counter[str] = Counter()
    exact: Counter[str] = Counter()
    for case in SAMPLE:
        for m, _req, f in _result(check, case).mutations:
            ran[m.rule] += 1
            exact[m.rule] += g.exact_match(m, f)
    assert dict(ran) == EXPECTED_RULE_COUNTS
    assert exact == ran
    assert set(ran) <= set(g.RULES)


# --- every rule, on a spec that has them all -------------------------------------------------------

#: Seeds run over the keyword spec (each seed draws other values and picks other sites).
KEYWORD_SEEDS = 3


@pytest.fixture(scope="module")
def keyword_spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The oracle's hand-written spec (tests/oracle.py: every keyword the checker honours), with a
    required header besides Idempotency-Key and a field the ``then`` makes ``false`` (express
    shipping goes to no locker): the generator over it must make every rule's mistake."""
    import copy
    import json

    import oracle

    spec = copy.deepcopy(oracle.SPEC)
    spec["paths"][oracle.PATH]["post"]["parameters"].append(
        {"name": "X-Tenant", "in": "header", "required": True, "schema": {"type": "string"}})
    shipping = spec["components"]["schemas"]["Widget"]["properties"]["shipping"]
    shipping["properties"]["locker"] = {"type": "string"}
    shipping["then"]["properties"] = {"locker": False}
    path = tmp_path_factory.mktemp("keywords") / "keywords.json"
    path.write_text(json.dumps(spec))
    return path


def test_every_rule_on_the_keyword_spec(keyword_spec: Path) -> None:
    import oracle

    check = gc.checker(gc.load_checker_specs([keyword_spec]))
    ran: Counter[str] = Counter()
    bad = []
    for seed in range(KEYWORD_SEEDS):
        res = g.run_operation(g.operation(keyword_spec, "POST", oracle.PATH), check, seed=seed, budget=BUDGET,
                              soft_deadlines=False, rich_draws=RICH_DRAWS)
        assert res.skipped is None, res.skipped
        assert [f for _, f, _ in res.valid] == [[]] * len(res.valid)
        for m, req, f in res.mutations:
            ran[m.rule] += 1
            if not g.exact_match(m, f):
                bad.append(_explain(m, req, f))
    assert not bad, "\n".join(bad)
    assert set(ran) == set(g.RULES), f"no case of {sorted(set(g.RULES) - set(ran))}"
    # One per rule, location and seed: the body's once a seed, those the query has too twice.
    twice = {"required", "additionalProperties", "type", "minimum", "maximum", "enum"}
    assert dict(ran) == {r: (2 if r in twice else 1) * KEYWORD_SEEDS for r in g.RULES}
