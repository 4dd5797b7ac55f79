"""Screen many mutants fast, in one pytest process: a first pass before mutmut's own verdicts.

    cd mutants && python ../benchmarks/mutation_screen.py 'bridgebot.check.curl.x_parse_curl__mutmut_*' \
        --out /tmp/curl.screen [--tests tests/test_curl.py ...] [--max-test-seconds 2]

mutmut runs each mutant in a forked pytest run: 20-60 s a mutant on this 2-core machine once the
tests are collected and the session fixtures (the compiled specs) are built again. This screen
collects the tests once, builds the fixtures once, and then, for each mutant, sets
``MUTANT_UNDER_TEST`` (mutmut's trampolines read it at every call) and runs the tests that cover
the mutated function (mutmut-stats.json), fastest first, until one fails: about a second a mutant.

What it says is a screen, not a score: ``killed`` means a covering test failed under the mutant and
passed again right after under the original code (when it does not, the fixtures and caches are
built afresh and the test asked again, original then mutant: state a mutant left behind, like an
index kept on a session's spec, makes no kill; the screen stops if the original still fails); ``survived`` means every covering test that ran passed. A survivor may still be killed by a
test the screen left out (slower than ``--max-test-seconds`` in the clean run, or failing there) or
by state it shares with other tests: confirm survivors with mutmut (``benchmarks/mutation.py``) or a
plain ``MUTANT_UNDER_TEST=NAME python -m pytest`` run before judging one equivalent. A mutant that
runs past ``--timeout`` seconds is stopped and counted killed, as mutmut counts a timeout.

Run it from inside ``mutants/`` (where mutmut made the copies and its stats) with the environment
``benchmarks/mutation.py`` gives mutmut: BRIDGEBOT_NO_SLACK_SERVER=1, BRIDGEBOT_SHARED_SPECS,
BRIDGEBOT_TEST_CACHE_DIR. A test file written after mutmut's stats run (so not in
mutmut-stats.json) is collected when named in ``--tests``, and its tests are run against every
mutant screened. Results are appended to ``--out`` one line a mutant
(``killed NAME HASH TEST`` / ``survived NAME HASH`` / ``untested NAME HASH``, HASH
being mutmut's hash of the function's text); a second run skips the names
already there, so a long screen can be stopped and resumed.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import signal
import sys
import time
import tomllib
from pathlib import Path

import pytest


class MutantTimeout(Exception):
    """Raised in the test by SIGALRM when a mutant runs too long (an endless loop)."""


def _on_alarm(signum, frame):  # noqa: ARG001
    raise MutantTimeout("the mutant ran past the screen's timeout")


def mutant_names(root: Path) -> dict[str, str]:
    """Every mutant mutmut made, with the hash of its function's text as mutmut recorded it (a
    verdict holds only while the function is unchanged), from the .meta files beside its copies."""
    names: dict[str, str] = {}
    for meta in sorted((root / "bridgebot").rglob("*.py.meta")):
        made = json.loads(meta.read_text())
        for name in made["exit_code_by_key"]:
            names[name] = made["hash_by_function_name"].get(function_of(name).rpartition(".")[2], "-")
    return names


def function_of(mutant: str) -> str:
    """``bridgebot.m.x_f__mutmut_3`` -> ``bridgebot.m.x_f``: the key of mutmut-stats.json."""
    return mutant.rsplit("__mutmut_", 1)[0]


class Screen:
    """A pytest plugin that replaces the test loop with the screen."""

    def __init__(self, mutants: dict[str, str], covering: dict[str, list[str]], known: set[str], out: Path,
                 max_test_seconds: float, timeout: float):
        self.mutants = mutants
        self.covering = covering
        self.known = known  # every test mutmut's stats run saw
        self.new_tests: list[str] = []
        self.timeout_now = timeout
        self.out = out
        self.max_test_seconds = max_test_seconds
        self.timeout = timeout

    def _run(self, item: pytest.Item, timeout: float) -> bool:
        """Run one test (setup, call, teardown); True when it passed or skipped.

        Fixtures wider than the test (the session's compiled specs, a module's) are kept: the test
        is torn down to its parent only, and what the next test does not share is torn down just
        before it runs (runtestprotocol with nextitem=None would rebuild the specs every time)."""
        from _pytest.runner import runtestprotocol

        item.session._setupstate.teardown_exact(item)
        self.timeout_now = timeout
        try:
            reports = runtestprotocol(item, nextitem=item.parent, log=False)
        except Exception:  # noqa: BLE001 - pytest itself failed on what the mutant did (a report it
            # could not write): the test did not pass; start the next one from fresh fixtures.
            self._reset(item.session)
            return False
        return not any(r.failed for r in reports)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_setup(self, item: pytest.Item):
        return (yield from self._timed())

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item):
        return (yield from self._timed())

    def _timed(self):
        """Stop a setup or a test that runs too long (an endless loop): a repeating alarm, so code
        that swallows the first exception is interrupted again, and only while the test's own code
        runs (never while pytest writes its report)."""
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, self.timeout_now, 1.0)
        try:
            return (yield)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)

    @staticmethod
    def _reset(session: pytest.Session) -> None:
        """Tear every fixture down (the next test builds its session fixtures again) and empty the
        package's lru caches: state that outlived the mutant which computed it."""
        session._setupstate.teardown_exact(None)
        for module_name, module in list(sys.modules.items()):
            if module_name.startswith("bridgebot") and module is not None:
                for value in list(vars(module).values()):
                    if callable(getattr(value, "cache_clear", None)):
                        value.cache_clear()

    @staticmethod
    def _set(name: str) -> None:
        os.environ["MUTANT_UNDER_TEST"] = name
        try:
            from mutmut.mutation.trampoline import set_mutant_under_test
        except ImportError:  # another mutmut 3.x: the environment variable is all it reads
            return
        set_mutant_under_test(name)

    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        items = {item.nodeid: item for item in session.items}
        self.new_tests = [nid for nid in items if nid not in self.known]
        if self.new_tests:
            print(f"{len(self.new_tests)} tests are not in mutmut-stats.json (newer than it): "
                  "each is run against every mutant", file=sys.stderr)
        done = set()
        if self.out.exists():
            # A verdict on the function's text of today, not a poisoned run's.
            for line in self.out.read_text().splitlines():
                verdict, name, digest, *_ = line.split(maxsplit=3) + ["", "", ""]
                if verdict != "poisoned" and self.mutants.get(name) == digest:
                    done.add(name)
        clean_time: dict[str, float] = {}
        clean_ok: dict[str, bool] = {}

        def clean(nid: str) -> bool:
            """The test passes on the original code (measured once; its time too)."""
            if nid not in clean_ok:
                self._set("")
                t0 = time.monotonic()
                clean_ok[nid] = self._run(items[nid], self.timeout)
                clean_time[nid] = time.monotonic() - t0
            return clean_ok[nid]

        with self.out.open("a") as out:
            for k, (name, digest) in enumerate(self.mutants.items(), 1):
                if name in done:
                    continue
                tests = [nid for nid in self.covering.get(function_of(name), ()) if nid in items]
                # Tests newer than mutmut's stats (written since) may cover it too: run them all.
                tests += [nid for nid in self.new_tests if nid not in tests]
                tests = [nid for nid in tests if clean(nid) and clean_time[nid] <= self.max_test_seconds]
                tests.sort(key=lambda nid: clean_time[nid])
                verdict = f"untested {name} {digest}"
                if tests:
                    verdict = f"survived {name} {digest}"
                    for nid in tests:
                        self._set(name)
                        passed = self._run(items[nid], self.timeout)
                        self._set("")
                        if not passed and not self._run(items[nid], self.timeout):
                            # The test fails on the original code now: the mutant left state behind
                            # (a cache, an index kept on a session's spec). Build every fixture and
                            # cache afresh, then ask again: original, then mutant.
                            self._reset(session)
                            if not self._run(items[nid], self.timeout):
                                out.write(f"poisoned {name} {digest} {nid}\n")
                                out.flush()
                                print(f"stopped: {nid} fails on the original code after {name}, even with "
                                      "fresh fixtures and caches", file=sys.stderr)
                                return True
                            self._set(name)
                            passed = self._run(items[nid], self.timeout)
                            self._set("")
                            self._reset(session)  # what the mutant computed and kept is not kept
                        if not passed:
                            verdict = f"killed {name} {digest} {nid}"
                            break
                out.write(verdict + "\n")
                out.flush()
                print(f"[{k}/{len(self.mutants)}] {verdict}", file=sys.stderr, flush=True)
        return True


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("patterns", nargs="+", help="mutant names or fnmatch patterns, or @FILE of names")
    ap.add_argument("--out", type=Path, required=True, help="results, appended (a re-run resumes)")
    ap.add_argument("--tests", nargs="*",
                    help="test files to collect (default: mutmut's test selection in pyproject.toml); "
                         "a test not in mutmut-stats.json (written since) is run against every mutant")
    ap.add_argument("-k", dest="keyword", help="pytest -k expression to narrow the tests")
    ap.add_argument("--max-test-seconds", type=float, default=2.0,
                    help="leave out tests slower than this in the clean run (default 2)")
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds before a test under a mutant is stopped")
    args = ap.parse_args()
    root = Path.cwd()
    stats = root / "mutmut-stats.json"
    if not stats.exists():
        sys.exit("run from inside mutants/, after mutmut made its stats (benchmarks/mutation.py does)")
    recorded = json.loads(stats.read_text())
    covering = recorded["tests_by_mangled_function_name"]
    known = set(recorded["duration_by_test"])
    every = mutant_names(root)
    wanted: list[str] = []
    for pattern in args.patterns:
        if pattern.startswith("@"):
            wanted.extend(line.split()[0] for line in Path(pattern[1:]).read_text().splitlines() if line.strip())
        else:
            wanted.extend(fnmatch.filter(every, pattern))
    wanted = {name: every[name] for name in dict.fromkeys(wanted) if name in every}
    if not wanted:
        sys.exit("no mutant matches " + " ".join(args.patterns))
    print(f"screening {len(wanted)} mutants", file=sys.stderr)
    tests = args.tests or tomllib.loads((root / "pyproject.toml").read_text())["tool"]["mutmut"][
        "pytest_add_cli_args_test_selection"]
    pytest_args = ["-q", "-p", "no:randomly", "-p", "no:cacheprovider", *tests]
    if args.keyword:
        pytest_args += ["-k", args.keyword]
    os.environ.setdefault("BRIDGEBOT_NO_SLACK_SERVER", "1")
    screen = Screen(wanted, covering, known, args.out, args.max_test_seconds, args.timeout)
    pytest.main(pytest_args, plugins=[screen])
    return 0


if __name__ == "__main__":
    sys.exit(main())
