"""No false alarms, and every mistake named: every operation of the real specs, checked with
generated requests.

For each operation a valid request is generated from the spec itself by a generator that
imports nothing from bridgebot (``tests/generate.py``, ``tests/generate_spec.py``:
hypothesis-jsonschema on the raw schemas): it must get zero findings. Then one mutation at a
time, one per rule the checker implements (``generate.RULES``: each JSON Schema keyword, the
formats, if/then/else, not, the discriminator, the best anyOf/oneOf branch, readOnly, a
required header or body, Idempotency-Key, auth, content type, path, method) must get exactly
the one finding it states. Prints, per spec and rule, how many ran and how many were exact.

    python benchmarks/false_alarms.py [--spec FILE]... [--limit N] [--seed S] [--jobs J]

Specs: Bridge (bundled), Stripe 2023-08-16 and GitHub REST by default. Operations whose schemas
cannot be generated within the per-operation budget are counted as skipped, with the reason;
they are not passes.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import generate as g  # noqa: E402
import generated_check as gc  # noqa: E402

_CHECK = None
_ARGS = None


def _init(check, args) -> None:  # type: ignore[no-untyped-def]
    global _CHECK, _ARGS
    _CHECK, _ARGS = check, args


def _run(task: tuple[int, str, str, str]) -> tuple[int, g.OpResult]:
    i, source, method, path = task
    assert _CHECK is not None and _ARGS is not None
    op = g.operation(source, method, path)
    if time.monotonic() > _ARGS.stop_at:
        return i, g.OpResult(label=op.label, spec=source, skipped="sweep time budget used up")
    return i, g.run_operation(op, _CHECK, seed=_ARGS.seed, budget=_ARGS.budget)


def _short(text: str, n: int = 300) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def report(spec_name: str, results: list[g.OpResult]) -> None:
    ops = len(results)
    generated = [r for r in results if r.skipped is None]
    valid = [(r, req, f) for r in generated for req, f, _ in r.valid]
    elsewhere = [(r, matched) for r in generated for _, _, matched in r.valid if matched != r.label]
    clean = [v for v in valid if not v[2]]
    noisy = [v for v in valid if v[2]]
    noisy_ops = {r.label for r, _, _ in noisy}
    print(f"\n=== {spec_name} ===")
    print(f"operations:                 {ops}")
    print(f"generated (>=1 valid req):  {len(generated)}")
    print(f"valid requests checked:     {len(valid)}")
    print(f"  with zero findings:       {len(clean)}")
    print(f"  with findings:            {len(noisy)} (in {len(noisy_ops)} operations)")
    print(f"  matched to another op:    {len(elsewhere)}")
    for r, matched in elsewhere[:10]:
        print(f"    - {r.label} -> {matched}")
    for r, req, findings in noisy[:20]:
        print(f"    - {r.label}")
        print(f"      {_short(g.as_curl(req))}")
        for f in findings[:4]:
            print(f"      → {_short(g.finding_text(f), 200)}")
    skipped = Counter(r.skipped for r in results if r.skipped is not None)
    print(f"skipped (could not generate): {sum(skipped.values())}")
    for reason, n in skipped.most_common(12):
        labels = [r.label for r in results if r.skipped == reason]
        print(f"    {n:4d}  {_short(reason, 110)}")
        print(f"          e.g. {', '.join(labels[:3])}")
    print(f"mutations:  {'rule':26s} {'finding kind':24s} applied  exact  mismatch")
    by_rule: dict[str, list[tuple[g.OpResult, g.Mutation, object, list]]] = {k: [] for k in g.RULES}
    for r in generated:
        for m, req, f in r.mutations:
            by_rule[m.rule].append((r, m, req, f))
    mismatches = []
    for rule, kind in g.RULES.items():
        rows = by_rule[rule]
        exact = [x for x in rows if g.exact_match(x[1], x[3])]
        bad = [x for x in rows if not g.exact_match(x[1], x[3])]
        mismatches.append((rule, bad))
        TOTALS[rule][0] += len(rows)
        TOTALS[rule][1] += len(exact)
        print(f"            {rule:26s} {kind:24s} {len(rows):7d}  {len(exact):5d}  {len(bad):8d}")
    for rule, bad in mismatches:
        if not bad:
            continue
        print(f"  first mismatches of {rule}:")
        for r, m, req, findings in bad[:10]:
            print(f"    - {r.label}: {m.description} (expected {m.kind} {m.location}:{m.field})")
            print(f"      {_short(g.as_curl(req))}")
            if not findings:
                print("      → (no findings)")
            for f in findings[:4]:
                print(f"      → {_short(g.finding_text(f), 200)}")
    slow = sorted(results, key=lambda r: -r.seconds)[:3]
    print("slowest operations: " + ", ".join(f"{r.label} {r.seconds:.1f}s" for r in slow))


TOTALS: dict[str, list[int]] = {rule: [0, 0] for rule in g.RULES}


def _keyword_results(args: argparse.Namespace) -> list[g.OpResult]:
    """The keyword spec of tests/test_generated_requests.py, once per seed."""
    import copy
    import json
    import tempfile

    import oracle

    spec = copy.deepcopy(oracle.SPEC)
    spec["paths"][oracle.PATH]["post"]["parameters"].append(
        {"name": "X-Tenant", "in": "header", "required": True, "schema": {"type": "string"}})
    shipping = spec["components"]["schemas"]["Widget"]["properties"]["shipping"]
    shipping["properties"]["locker"] = {"type": "string"}
    shipping["then"]["properties"] = {"locker": False}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "keywords.json"
        path.write_text(json.dumps(spec))
        check = gc.checker(gc.load_checker_specs([path]))
        op = g.operation(path, "POST", oracle.PATH)
        return [g.run_operation(op, check, seed=seed, budget=args.budget) for seed in range(args.keyword_seeds)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spec", action="append", help="spec file (default: Stripe 2023-08-16 and GitHub REST)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N operations of each spec")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--budget", type=float, default=8.0, help="seconds to generate one operation's requests")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--max-minutes", type=float, default=14.0,
                    help="stop generating after this long; the rest count as skipped")
    ap.add_argument("--keyword-seeds", type=int, default=20,
                    help="seeds to run over the keyword spec (tests/oracle.py's, which has every keyword the "
                         "real specs lack in requests); 0 = none")
    args = ap.parse_args(argv)
    t0 = time.monotonic()
    args.stop_at = t0 + args.max_minutes * 60
    paths = args.spec or [str(p) for p in g.DEFAULT_SPECS]
    specs = g.load_specs(paths)  # the generator's own reading, parsed once before forking
    check = gc.checker(gc.load_checker_specs(paths))
    tasks = []
    for s in specs:
        ops = sorted(s.operations, key=lambda o: (o.path, o.method))
        if args.limit is not None:
            ops = ops[: args.limit]
        for op in ops:
            tasks.append((len(tasks), s.source, op.method, op.path))
    print(f"sweeping {len(tasks)} operations of {', '.join(Path(s.source).name for s in specs)} "
          f"(seed {args.seed}, {args.jobs} jobs, {args.budget:g}s per operation)", flush=True)
    results: list[g.OpResult | None] = [None] * len(tasks)
    if args.jobs > 1:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(args.jobs, initializer=_init, initargs=(check, args)) as pool:
            for i, res in pool.imap_unordered(_run, tasks, chunksize=4):
                results[i] = res
    else:
        _init(check, args)
        for t in tasks:
            i, res = _run(t)
            results[i] = res
    for s in specs:
        report(Path(s.source).name, [r for r in results if r is not None and r.spec == s.source])
    if args.keyword_seeds:
        report("keywords (tests/oracle.py spec)", _keyword_results(args))
    print("\n=== all specs: mutations per rule (applied / exact) ===")
    for rule, (n, exact) in TOTALS.items():
        print(f"  {rule:26s} {g.RULES[rule]:24s} {n:7d}  {exact:5d}")
    print(f"\nelapsed: {time.monotonic() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
