"""No false alarms: every operation of the real specs, checked with generated requests.

For each operation a valid request is generated from the spec itself (hypothesis-jsonschema on
the raw schemas, see ``tests/generate.py``): it must get zero findings. Then one mutation at a
time (a required field dropped, a wrong type, a bad enum value, a misspelled field, a method
the path does not take) must get exactly the one matching finding.

    python benchmarks/false_alarms.py [--spec FILE]... [--limit N] [--seed S] [--jobs J]

Operations whose schemas cannot be generated within the per-operation budget are counted as
skipped, with the reason; they are not passes.
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

_SPECS = None
_ARGS = None


def _init(specs, args) -> None:  # type: ignore[no-untyped-def]
    global _SPECS, _ARGS
    _SPECS, _ARGS = specs, args


def _run(task: tuple[int, str, str, str]) -> tuple[int, g.OpResult]:
    i, spec_name, method, path = task
    assert _SPECS is not None and _ARGS is not None
    spec = next(s for s in _SPECS.specs if s.name == spec_name)
    op = spec.paths[path][method]
    if time.monotonic() > _ARGS.stop_at:
        return i, g.OpResult(label=f"{method} {op.base_path}{path}", spec=spec_name,
                             skipped="sweep time budget used up")
    return i, g.run_operation(_SPECS, op, seed=_ARGS.seed, budget=_ARGS.budget)


def _short(text: str, n: int = 300) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def report(spec_name: str, results: list[g.OpResult]) -> None:
    ops = len(results)
    generated = [r for r in results if r.skipped is None]
    valid = [(r, req, f) for r in generated for req, f in r.valid]
    clean = [v for v in valid if not v[2]]
    noisy = [v for v in valid if v[2]]
    noisy_ops = {r.label for r, _, _ in noisy}
    print(f"\n=== {spec_name} ===")
    print(f"operations:                 {ops}")
    print(f"generated (>=1 valid req):  {len(generated)}")
    print(f"valid requests checked:     {len(valid)}")
    print(f"  with zero findings:       {len(clean)}")
    print(f"  with findings:            {len(noisy)} (in {len(noisy_ops)} operations)")
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
    print("mutations:                  applied  exact  mismatch")
    by_kind: dict[str, list[tuple[g.OpResult, g.Mutation, object, list]]] = {k: [] for k in g.MUTATION_KINDS}
    for r in generated:
        for m, req, f in r.mutations:
            by_kind[m.kind].append((r, m, req, f))
    mismatches = []
    for kind in g.MUTATION_KINDS:
        rows = by_kind[kind]
        exact = [x for x in rows if g.exact_match(x[1], x[3])]
        bad = [x for x in rows if not g.exact_match(x[1], x[3])]
        mismatches.append((kind, bad))
        print(f"  {kind:24s}  {len(rows):7d}  {len(exact):5d}  {len(bad):8d}")
    for kind, bad in mismatches:
        if not bad:
            continue
        print(f"  first mismatches of {kind}:")
        for r, m, req, findings in bad[:10]:
            print(f"    - {r.label}: {m.description} (expected {m.kind} {m.location}:{m.field})")
            print(f"      {_short(g.as_curl(req))}")
            if not findings:
                print("      → (no findings)")
            for f in findings[:4]:
                print(f"      → {_short(g.finding_text(f), 200)}")
    slow = sorted(results, key=lambda r: -r.seconds)[:3]
    print("slowest operations: " + ", ".join(f"{r.label} {r.seconds:.1f}s" for r in slow))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spec", action="append", help="spec file (default: Stripe 2023-08-16 and GitHub REST)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N operations of each spec")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--budget", type=float, default=8.0, help="seconds to generate one operation's requests")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--max-minutes", type=float, default=14.0,
                    help="stop generating after this long; the rest count as skipped")
    args = ap.parse_args(argv)
    t0 = time.monotonic()
    args.stop_at = t0 + args.max_minutes * 60
    paths = args.spec or [str(p) for p in g.DEFAULT_SPECS]
    specs = g.load_specs(paths)
    for s in specs.specs:
        g.document(s.source)  # parse once, before forking
    tasks = []
    for s in specs.specs:
        ops = sorted(s.operations, key=lambda o: (o.path, o.method))
        if args.limit is not None:
            ops = ops[: args.limit]
        for op in ops:
            tasks.append((len(tasks), s.name, op.method, op.path))
    print(f"sweeping {len(tasks)} operations of {', '.join(s.name for s in specs.specs)} "
          f"(seed {args.seed}, {args.jobs} jobs, {args.budget:g}s per operation)", flush=True)
    results: list[g.OpResult | None] = [None] * len(tasks)
    if args.jobs > 1:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(args.jobs, initializer=_init, initargs=(specs, args)) as pool:
            for i, res in pool.imap_unordered(_run, tasks, chunksize=4):
                results[i] = res
    else:
        _init(specs, args)
        for t in tasks:
            i, res = _run(t)
            results[i] = res
    for s in specs.specs:
        report(s.name, [r for r in results if r is not None and r.spec == s.name])
    print(f"\nelapsed: {time.monotonic() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
