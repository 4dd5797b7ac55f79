#!/usr/bin/env python
"""Time the checker on hostile input: every case must answer (a finding or a clear message) in <= 1 s.

    python benchmarks/bad_input.py

Each case runs `bridgebot check` in-process through the CLI, as a user's paste would, and prints
the wall time, the exit code and the first line of the message; then, side by side, the time of
the same paste through the bounded runner the Slack app uses (a worker process, 1 s budget), and
whether that check came back complete.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from bridgebot.check import SpecSet, UnreadablePaste
from bridgebot.check.bounded import BoundedChecker
from bridgebot.cli import cli

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "openapi_specs" / "bridge.yaml"
LIMIT = 256 * 1024


def cases() -> list[tuple[str, bytes]]:
    big_json = json.dumps({f"field_{i}": {"nested": [i, str(i) * 10]} for i in range(4000)}, indent=2)
    under = "POST /v0/transfers\n```\n" + big_json[: LIMIT - 40] + "\n```"
    return [
        ("1 MB of text", ("curl https://api.bridge.xyz/v0/transfers -d 'x' " + "a" * (1024 * 1024)).encode()),
        ("1 MB of binary", bytes(range(256)) * 4096),
        ("256 KB truncated JSON body", under.encode()),
        ("256 KB of '{' lines", ("POST /v0/transfers\n" + "{\n" * (LIMIT // 2 - 20)).encode()),
        ("deeply nested JSON (100k levels)", ("POST /v0/transfers\n" + "[" * 100_000 + "]" * 100_000)[:LIMIT].encode()),
        ("curl with an unbalanced quote and 200 KB", ("curl -d '" + "x" * 200_000).encode()),
        ("5,000 curl commands", ("curl https://api.bridge.xyz/v0/wallets -H 'Api-Key: $K'\n" * 5000)[:LIMIT].encode()),
        # Issue 6: the poison paste (RecursionError) and the backtracking regexes (14.6 s, 45 s).
        ("axios body nested 500 deep (2 KB)",
         ("axios.post('https://api.bridge.xyz/v0/customers', " + "{a:" * 500 + "1" + "}" * 500 + ")").encode()),
        ("fetch + 2,000 blank lines", ("fetch('https://api.bridge.xyz/v0/customers')" + "\n" * 2000).encode()),
        ("axios.get + 1,000 lines of 4 spaces",
         ("axios.get('https://api.bridge.xyz/v0/customers')" + "\n    " * 1000).encode()),
        ("log dump: 1,500 raw HTTP requests (40 KB)",
         ("GET /v0/customers HTTP/1.1\nHost: api.bridge.xyz\n\n" * 1500)[:40000].encode()),
        # Issue 11's lenient reader: every line a JS-ish object that never closes.
        ("250 KB of JS-literal log lines", ("log: { a: 1, b: 'x', c: [1, 2], d: { e: 'f' }\n" * 6000)[:LIMIT - 10].encode()),
        ("250 KB of elided JSON", ('{"a": 1, ...\n' * 20000)[:LIMIT - 10].encode()),
    ] + [(name[:45], text.encode()) for name, text in _worst_case_pastes().items()]


def _worst_case_pastes() -> dict[str, str]:
    """The worst-case pastes tests/test_bounded_checker.py checks against a generous budget (5 s, not
    the app's 1 s: tests do not time the machine); their times are measured here."""
    sys.path.insert(0, str(ROOT / "tests"))
    from test_bounded_checker import SLOW_PASTES

    return SLOW_PASTES


def main() -> None:
    runner = CliRunner()
    bounded = BoundedChecker(SpecSet.load([SPEC]), budget=1.0)
    print(f"{'case':45} {'CLI s':>7}  exit  {'worker s':>8}  {'worker':8}  message")
    worst = 0.0
    for name, data in cases():
        t = time.perf_counter()
        result = runner.invoke(cli, ["check", "--spec", str(SPEC), "--format", "json", "-"], input=data)
        dt = time.perf_counter() - t
        worst = max(worst, dt)
        if result.exit_code == 2:
            msg = (result.stderr.strip().splitlines() or [""])[0]
        else:
            out = json.loads(result.stdout)
            msg = f"{len(out['requests'])} request(s) read" + (f"; {out['problems'][0]}" if out["problems"] else "")
        assert "Traceback" not in result.output + result.stderr, name
        t = time.perf_counter()
        try:
            verdict = "partial" if bounded.check(data).incomplete else "complete"
        except UnreadablePaste:
            verdict = "refused"
        wt = time.perf_counter() - t
        worst = max(worst, wt)
        print(f"{name:45} {dt:7.3f}  {result.exit_code:>4}  {wt:8.3f}  {verdict:8}  {msg[:70]}")
    bounded.close()
    print(f"worst {worst:.3f} s — target <= 1 s: {'PASS' if worst <= 1 else 'MISS'}")


if __name__ == "__main__":
    main()
