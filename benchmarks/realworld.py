"""How today's checker reads real pastes: the corpus in tests/realworld/ (see its README.md).

    python benchmarks/realworld.py [--api stripe|github|bridge] [--form FORM] [--show missed|noisy|crash|all]

For every case it runs ``bridgebot.check.check_paste`` with the spec the case names, then
prints, per API and per paste form:

- **named**: expected {kind, field} pairs found among the checker's findings (a field of
  ``null`` in the expectation means the kind alone is judged); also per paste (all named);
- **quiet**: pastes judged valid that got no finding at all;
- **operation**: pastes that show their operation for which the checker found it;
- **crash / exit 2**: an exception out of ``check_paste``, an exception it caught and logged
  ("that's a bug on our side"), or ``UnreadablePaste`` (the CLI's exit 2) on text.

and the overall figures against the targets of issue 11 (>= 90% named, >= 95% quiet,
>= 90% operation). Fields are compared after dropping list indices and turning brackets into
dots (``items[0][price]`` == ``items.price``), case-sensitively.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bridgebot.check import SpecSet, UnreadablePaste, check_paste  # noqa: E402

CORPUS = ROOT / "tests" / "realworld"
SHARED_SPECS = Path(os.environ.get("BRIDGEBOT_SHARED_SPECS") or ROOT.parent / "shared" / "specs")
TARGETS = {"named": 0.90, "quiet": 0.95, "operation": 0.90}
#: Text the checker puts in ``problems`` when it caught an exception of its own.
INTERNAL_ERROR = "that's a bug on our side"


def spec_path(name: str) -> Path:
    """The file behind a case's ``spec:`` (bridge.yaml is bundled, the others are shared)."""
    return ROOT / "openapi_specs" / name if name == "bridge.yaml" else SHARED_SPECS / name


def norm_field(value: str | None) -> str | None:
    if value is None:
        return None
    text = re.sub(r"\[(\d*)\]", lambda m: "" if m.group(1) or m.group(0) == "[]" else m.group(0), value.strip())
    text = re.sub(r"\[([^\]]+)\]", r".\1", text)
    return re.sub(r"\.{2,}", ".", text).lstrip(".")


@dataclass
class Case:
    name: str
    text: str
    expect: dict[str, Any]

    @property
    def api(self) -> str:
        return self.expect["api"]

    @property
    def form(self) -> str:
        return self.expect["form"]

    @property
    def valid(self) -> bool:
        return self.expect["expected"] == "valid"


def load_cases(corpus: Path = CORPUS) -> list[Case]:
    cases = []
    for path in sorted(corpus.glob("*.expect.yaml")):
        name = path.name[: -len(".expect.yaml")]
        txt = corpus / f"{name}.txt"
        cases.append(Case(name, txt.read_text(encoding="utf-8") if txt.exists() else "",
                          yaml.safe_load(path.read_text(encoding="utf-8"))))
    return cases


@dataclass
class Outcome:
    case: Case
    crash: str | None = None
    named: list[bool] = field(default_factory=list)
    quiet: bool | None = None
    operation: bool | None = None
    findings: list[tuple[str, str]] = field(default_factory=list)
    operations: list[str] = field(default_factory=list)


def run_case(case: Case, specs: SpecSet) -> Outcome:
    out = Outcome(case)
    try:
        result = check_paste(case.text, specs)
    except UnreadablePaste as e:
        out.crash = f"exit 2: {e}"
        return out
    except Exception as e:  # noqa: BLE001 - a crash is what this counts
        out.crash = f"{type(e).__name__}: {e}"
        return out
    if any(INTERNAL_ERROR in p for p in result.problems):
        out.crash = "caught internally: " + next(p for p in result.problems if INTERNAL_ERROR in p)
    found = [(f.kind, f.field) for f in result.findings]
    out.findings = found
    out.operations = [op.label for op in result.operations]
    if case.valid:
        out.quiet = not found
    else:
        for want in case.expect["expected"]:
            wf = norm_field(want.get("field"))
            out.named.append(any(k == want["kind"] and (wf is None or norm_field(f) == wf) for k, f in found))
    if case.expect.get("operation"):
        out.operation = case.expect["operation"] in out.operations
    return out


def _pct(n: int, d: int) -> str:
    return f"{n}/{d} = {100 * n / d:5.1f}%" if d else "-"


def summarize(outcomes: list[Outcome]) -> dict[str, tuple[int, int]]:
    named = [x for o in outcomes for x in o.named]
    pastes = [o for o in outcomes if o.named]
    quiet = [o.quiet for o in outcomes if o.quiet is not None]
    ops = [o.operation for o in outcomes if o.operation is not None]
    return {
        "cases": (len(outcomes), len(outcomes)),
        "named": (sum(named), len(named)),
        "pastes_all_named": (sum(all(o.named) for o in pastes), len(pastes)),
        "quiet": (sum(quiet), len(quiet)),
        "operation": (sum(ops), len(ops)),
        "crash": (sum(o.crash is not None for o in outcomes), len(outcomes)),
    }


def print_table(title: str, groups: dict[str, list[Outcome]]) -> None:
    print(f"\n{title}")
    head = f"{'':<24} {'cases':>5}  {'named (findings)':>20}  {'all named (pastes)':>20}  {'quiet':>18}  {'operation':>18}  {'crash/exit2':>11}"
    print(head)
    print("-" * len(head))
    for key in sorted(groups):
        s = summarize(groups[key])
        print(f"{key:<24} {s['cases'][0]:>5}  {_pct(*s['named']):>20}  {_pct(*s['pastes_all_named']):>20}  "
              f"{_pct(*s['quiet']):>18}  {_pct(*s['operation']):>18}  {s['crash'][0]:>11}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--api")
    ap.add_argument("--form")
    ap.add_argument("--show", choices=["missed", "noisy", "crash", "all"], help="list the cases behind the figures")
    ap.add_argument("--timing", action="store_true",
                    help="also time check_paste per case (median of 5) and print p50/p99/max per API")
    args = ap.parse_args(argv)
    logging.disable(logging.CRITICAL)  # the checker logs the exceptions it catches; they are counted, not printed

    cases = [c for c in load_cases() if (not args.api or c.api == args.api) and (not args.form or c.form == args.form)]
    spec_sets: dict[str, SpecSet] = {}
    outcomes = []
    for case in cases:
        name = case.expect["spec"]
        if name not in spec_sets:
            spec_sets[name] = SpecSet.load([spec_path(name)])
        outcomes.append(run_case(case, spec_sets[name]))

    by_api: dict[str, list[Outcome]] = defaultdict(list)
    by_form: dict[str, list[Outcome]] = defaultdict(list)
    by_api_form: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_api[o.case.api].append(o)
        by_form[o.case.form].append(o)
        by_api_form[f"{o.case.api}/{o.case.form}"].append(o)
    print(f"realworld corpus: {len(outcomes)} cases from {CORPUS.relative_to(ROOT)}")
    print_table("per API", by_api)
    print_table("per form", by_form)
    print_table("per API and form", by_api_form)

    total = summarize(outcomes)
    print("\noverall against issue 11's targets")
    for key, target in TARGETS.items():
        n, d = total[key]
        rate = n / d if d else 0.0
        print(f"  {key:<10} {_pct(n, d):>20}   target >= {target:.0%}   {'met' if rate >= target else 'NOT met'}")
    print(f"  {'crash/exit2':<10} {total['crash'][0]:>20}   target 0   {'met' if not total['crash'][0] else 'NOT met'}")

    if args.timing:
        _print_timing(cases, spec_sets)

    if args.show:
        print()
        for o in outcomes:
            missed = o.named and not all(o.named)
            noisy = o.quiet is False
            if args.show == "all" or (args.show == "missed" and (missed or o.operation is False)) \
                    or (args.show == "noisy" and noisy) or (args.show == "crash" and o.crash):
                want = o.case.expect["expected"]
                print(f"- {o.case.name}: want {want if o.case.valid else [(w['kind'], w.get('field')) for w in want]}"
                      f" op={o.case.expect.get('operation')} | got {o.findings} ops={o.operations}"
                      + (f" | CRASH {o.crash}" if o.crash else ""))
    return 0


def _print_timing(cases: list[Case], spec_sets: dict[str, SpecSet]) -> None:
    """Per-paste time of check_paste (median of 5 runs per case), per API: p50, p99, the slowest."""
    import time

    times: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for case in cases:
        specs = spec_sets[case.expect["spec"]]
        runs = []
        for _ in range(5):
            t0 = time.perf_counter()
            try:
                check_paste(case.text, specs)
            except Exception:  # noqa: BLE001 - counted above as a crash
                pass
            runs.append(time.perf_counter() - t0)
        times[case.api].append((sorted(runs)[2], case.name))
    print("\nper-paste time (median of 5 runs each; a shared machine: noisy)")
    for api in sorted(times):
        ts = sorted(times[api])
        p = lambda q: ts[min(len(ts) - 1, int(q * len(ts)))][0] * 1000  # noqa: E731
        print(f"  {api:<8} p50 {p(0.5):6.2f} ms   p99 {p(0.99):6.2f} ms   max {ts[-1][0] * 1000:6.2f} ms ({ts[-1][1]})")


if __name__ == "__main__":
    sys.exit(main())
