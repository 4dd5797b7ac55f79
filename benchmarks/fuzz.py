#!/usr/bin/env python
"""Fuzz the paste checker: generated and mutated pastes up to Slack's 40,000 characters.

    nice -n 10 .venv/bin/python benchmarks/fuzz.py                 # 100,000 cases (the target)
    nice -n 10 .venv/bin/python benchmarks/fuzz.py -n 5000 --seed 7
    nice -n 10 .venv/bin/python benchmarks/fuzz.py --minutes 20    # stop early, report what ran

Each case (tests/fuzzpastes.py) carries planted keys. The check runs in this process with no
guard, so any exception counts (and so does a crash the checker contained and logged); then every output is scanned for the planted keys: the JSON of
`check --format json`, the text report, the Slack reply (blocks and fallback text), the key
warning and the result stored with the thread. Targets (issue 6): no exception, no key in any
output, each check <= 100 ms at p99.9. Times are per check_paste call on one core, printed as wall
and as CPU time; the target is judged on CPU time, which a shared machine's load does not inflate. Failing cases are written to --save.
"""

from __future__ import annotations

import argparse
import logging
import random
import signal
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import fuzzpastes  # noqa: E402

from bridgebot.check import SpecSet, UnreadablePaste, check_paste  # noqa: E402
from fuzzpastes import outputs  # noqa: E402


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=100_000, help="cases to run (default 100,000)")
    ap.add_argument("--seed", type=int, default=1, help="first case's seed; case i uses seed+i")
    ap.add_argument("--spec", action="append", help="spec file(s); default openapi_specs/bridge.yaml")
    ap.add_argument("--minutes", type=float, default=0, help="stop after this long (0: no limit)")
    ap.add_argument("--save", default=str(ROOT / "benchmarks" / "fuzz-failures"), help="where failing cases go")
    args = ap.parse_args()

    specs = SpecSet.load(args.spec or [ROOT / "openapi_specs" / "bridge.yaml"])
    save = Path(args.save)
    times: list[tuple[float, int, int]] = []  # (wall ms, chars, seed)
    cpu: list[float] = []  # the same checks' CPU ms: what the check costs, whatever the load
    exceptions: list[int] = []
    # A crash inside one request's check is contained (the reply says "a bug on our side") and
    # logged: it counts as an exception of the fuzz run all the same.
    contained: list[logging.LogRecord] = []

    class Catch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.exc_info:
                contained.append(record)

    logging.getLogger("bridgebot").addHandler(Catch(logging.ERROR))
    logging.getLogger("bridgebot").propagate = False
    leaks: list[int] = []
    unreadable = 0
    started = time.monotonic()
    deadline = started + args.minutes * 60 if args.minutes else None
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))  # stop early, still report
    for i in range(args.n):
        if stop:
            break
        seed = args.seed + i
        text, secrets = fuzzpastes.paste(random.Random(seed))
        t, c = time.perf_counter(), time.process_time()
        try:
            result = check_paste(text, specs)
        except UnreadablePaste:
            unreadable += 1
            continue
        except BaseException as e:  # noqa: BLE001 — every exception is a finding of the fuzz run
            if isinstance(e, KeyboardInterrupt):
                raise
            exceptions.append(seed)
            save.mkdir(parents=True, exist_ok=True)
            (save / f"exception-{seed}.txt").write_text(text)
            (save / f"exception-{seed}.traceback").write_text(traceback.format_exc())
            continue
        if contained:
            exceptions.append(seed)
            save.mkdir(parents=True, exist_ok=True)
            (save / f"exception-{seed}.txt").write_text(text)
            (save / f"exception-{seed}.traceback").write_text(
                "".join(traceback.format_exception(*contained[0].exc_info)))
            contained.clear()
        times.append(((time.perf_counter() - t) * 1000, len(text), seed))
        cpu.append((time.process_time() - c) * 1000)
        shown = outputs(result)
        if any(s in shown for s in secrets):
            leaks.append(seed)
            save.mkdir(parents=True, exist_ok=True)
            (save / f"leak-{seed}.txt").write_text(text)
        if (i + 1) % 5000 == 0:
            print(f"  {i + 1:,} cases, {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
        if deadline and time.monotonic() > deadline:
            break
    ms = [m for m, _, _ in times]
    big = [m for m, n, _ in times if n > 10_000]
    ran = len(times) + len(exceptions) + unreadable
    print(f"cases run            {ran:,} of {args.n:,} (seeds {args.seed}..{args.seed + ran - 1}), "
          f"{time.monotonic() - started:.0f} s wall")
    print(f"sizes                median {pct([n for _, n, _ in times], 50):,.0f} chars, "
          f"{sum(1 for _, n, _ in times if n > 10_000):,} over 10,000, max {max((n for _, n, _ in times), default=0):,}")
    print(f"exceptions           {len(exceptions)}  {exceptions[:10]}")
    print(f"keys in an output    {len(leaks)}  {leaks[:10]}")
    print(f"unreadable (refused) {unreadable}")
    print(f"check ms (all)       p50 {pct(ms, 50):.2f}  p99 {pct(ms, 99):.2f}  p99.9 {pct(ms, 99.9):.2f}  "
          f"max {max(ms, default=0):.1f}")
    print(f"check CPU ms (all)   p50 {pct(cpu, 50):.2f}  p99 {pct(cpu, 99):.2f}  p99.9 {pct(cpu, 99.9):.2f}  "
          f"max {max(cpu, default=0):.1f}")
    print(f"check ms (>10k chars) p50 {pct(big, 50):.2f}  p99 {pct(big, 99):.2f}  p99.9 {pct(big, 99.9):.2f}")
    slowest = sorted(zip(cpu, times), reverse=True)[:8]
    print("slowest (CPU)        " + ", ".join(f"{c:.0f} ms ({n:,} chars, seed {s})" for c, (_, n, s) in slowest))
    # The target is on the check's cost: CPU time, which the other jobs of a shared machine do
    # not inflate (wall time is printed above for comparison).
    ok = not exceptions and not leaks and pct(cpu, 99.9) <= 100
    print(f"target: no exception, no key, CPU p99.9 <= 100 ms: {'PASS' if ok else 'MISS'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
