"""No false alarms, on a deterministic sample of the real specs' operations.

For every 10th operation of Stripe 2023-08-16 and GitHub REST (sorted by path, then method),
plus a few named ones, requests generated valid from the spec itself (``generate.py``) must get
zero findings, and each single mutation exactly the one matching finding.
``benchmarks/false_alarms.py`` runs the same over every operation.
"""

from __future__ import annotations

from typing import Any

import pytest

import generate as g

SEED = 0
#: Generation stops on example counts, not on time (no soft deadlines), so the sample is the
#: same on any machine; this only guards against a schema that would take forever.
BUDGET = 60.0
#: Fewer "every property present" draws than the sweep's 8, to stay well under a minute.
RICH_DRAWS = 4
EVERY = 10

NAMED = [
    (g.STRIPE, "POST", "/v1/customers"),
    (g.STRIPE, "POST", "/v1/checkout/sessions"),
    (g.STRIPE, "GET", "/v1/charges"),
    (g.GITHUB, "POST", "/repos/{owner}/{repo}/issues"),
    (g.GITHUB, "PATCH", "/repos/{owner}/{repo}"),
    # Were false alarms once: templates differing only in a parameter name; a text/plain body.
    (g.GITHUB, "DELETE", "/orgs/{org}/attestations/{attestation_id}"),
    (g.GITHUB, "POST", "/markdown/raw"),
]


def _sample() -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    for spec in g.DEFAULT_SPECS:
        doc = g.document(spec)
        ops = sorted((path, method.upper()) for path, item in doc["paths"].items()
                     for method in item if method in g.HTTP_METHODS)
        out += [(str(spec), m, p) for p, m in ops[::EVERY]]
    for spec, m, p in NAMED:
        if (str(spec), m, p) not in out:
            out.append((str(spec), m, p))
    return out


SAMPLE = _sample()


def _id(case: tuple[str, str, str]) -> str:
    spec, method, path = case
    return f"{'stripe' if 'stripe' in spec else 'github'}:{method} {path}"


@pytest.fixture(scope="session")
def specs() -> Any:
    return g.load_specs()


@pytest.fixture(scope="session")
def results(specs: Any) -> dict[tuple[str, str, str], g.OpResult]:
    return {}


def _result(specs: Any, results: dict[tuple[str, str, str], g.OpResult], case: tuple[str, str, str]) -> g.OpResult:
    if case not in results:
        _spec, method, path = case
        op = next(o for o in g.all_operations(specs) if o.method == method and o.path == path
                  and g.spec_path_of(specs, o) == case[0])
        results[case] = g.run_operation(specs, op, seed=SEED, budget=BUDGET, soft_deadlines=False,
                                        rich_draws=RICH_DRAWS)
    res = results[case]
    # A generator failure is a test failure, never a skip: a bug in the generator must not turn
    # the whole sweep into "0 failed".
    assert res.skipped is None, f"could not generate {_id(case)}: {res.skipped}"
    return res


def test_the_sample_is_the_expected_size() -> None:
    """The sweep runs every sampled operation: a spec that lost operations or a broken sampler fails here."""
    assert len(SAMPLE) == 177
    assert len(set(SAMPLE)) == len(SAMPLE)


@pytest.mark.parametrize("case", [pytest.param(c, id=_id(c)) for c in SAMPLE])
def test_valid_request_has_no_findings(specs: Any, results: Any, case: tuple[str, str, str]) -> None:
    res = _result(specs, results, case)
    assert res.valid, "no valid request was generated"
    noisy = [(req, f) for req, f in res.valid if f]
    assert not noisy, "\n".join(
        f"{g.as_curl(req)}\n" + "\n".join(f"  → {g.finding_text(x)}" for x in f) for req, f in noisy)


@pytest.mark.parametrize("case", [pytest.param(c, id=_id(c)) for c in SAMPLE])
def test_each_mutation_gets_exactly_its_finding(specs: Any, results: Any, case: tuple[str, str, str]) -> None:
    """Every mutation the operation allows (a wrong method always) gets exactly the matching finding."""
    res = _result(specs, results, case)
    assert any(m.kind == "wrong_method" for m, _, _ in res.mutations)
    bad = [(m, req, f) for m, req, f in res.mutations if not g.exact_match(m, f)]
    assert not bad, "\n".join(
        f"{m.description}: expected exactly {m.kind} {m.location}:{m.field}\n{g.as_curl(req)}\n"
        + ("\n".join(f"  → {g.finding_text(x)}" for x in f) or "  → (no findings)") for m, req, f in bad)
