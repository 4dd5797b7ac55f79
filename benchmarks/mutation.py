"""Mutation score per module with mutmut (config in pyproject.toml [tool.mutmut]).

    python benchmarks/mutation.py tracking.outbox check.schema ...   # every mutant, one module at a time
    python benchmarks/mutation.py --sample 120 check.paste desk ...  # a seeded random sample per module
    python benchmarks/mutation.py --report [--sample 120] MODULE...  # scores from the last runs only
    python benchmarks/mutation.py --sample 40 --screen MODULE...     # screen in-process first (below)
    python benchmarks/mutation.py --sample 40 --screen-only MODULE... # the screen alone: lower bounds

A module is a prefix of mutant names: ``check.readers.sdk`` takes every SDK reader. ``--sample N``
runs N mutants drawn at random (``--seed``, default 1) from each module, all of them when it has
fewer, and prints the score with its 95% Wilson interval: the whole of check/ is about 20,000
mutants, 10-20 hours here, while 120 of a module take 5-10 minutes and bound its score to about
plus or minus 6 points. The same seed draws the same sample from the same code.

Each module is run on its own (``mutmut run "bridgebot.MODULE.*"``) under ``nice -n 10``, with
the fast tests listed in pyproject.toml. The score counts killed (and timed-out) mutants over all
mutants less those judged equivalent in benchmarks/mutation_equivalent.txt (one line each:
``mutant_name  # why it cannot be told apart``). A mutant no test reaches counts as surviving.

``--screen`` first runs the sample through benchmarks/mutation_screen.py: one pytest process that
collects the tests and builds the compiled specs once, then runs each mutant's covering tests in
turn (about 1 s a mutant here, against 20-60 s through mutmut under load). A mutant it kills (a
covering test failed under it and passed under the original code right after) counts as killed;
every other goes through mutmut as before, so a survivor is always mutmut's verdict. Its verdicts
are kept in mutants/screen.txt with the hash of the function's text and dropped when it changes.
``--screen-only`` runs no mutmut: what the screen did not kill counts as surviving, so each score is
a lower bound (a survivor may yet be killed by a test slower than the screen's limit).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTMUT = str(Path(sys.executable).with_name("mutmut"))
EQUIVALENT = ROOT / "benchmarks" / "mutation_equivalent.txt"
KILLED = {"killed", "timeout"}


def equivalents() -> dict[str, str]:
    """Mutants judged equivalent by hand: ``name  # reason`` per line."""
    if not EQUIVALENT.exists():
        return {}
    out = {}
    for line in EQUIVALENT.read_text().splitlines():
        name, _, reason = line.partition("#")
        if name.strip():
            out[name.strip()] = reason.strip()
    return out


_SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|WHERE|FROM|ORDER BY|GROUP BY|LIMIT|VALUES|SET|INTO|AND|"
                  r"ON CONFLICT|COALESCE|MIN|COUNT)\b", re.I)
_PYSTR = re.compile(r'"(?:[^"\\]|\\.)*"')


def _is_sql(literal: str) -> bool:
    """A Python string literal that holds SQL text: two SQL words, or one with a parameter or a
    comparison ("chat.update" is not SQL; "failed_at = ? WHERE id = ?" is)."""
    words = len(_SQL.findall(literal))
    return words >= 2 or (words == 1 and ("?" in literal or "=" in literal))


_SOURCES: dict[str, dict[str, list[str]]] = {}


def _functions(module: str) -> dict[str, list[str]]:
    """Every function in mutmut's copy of ``module`` (originals and mutants), as source lines."""
    if module not in _SOURCES:
        import ast

        path = ROOT / "mutants" / (module.replace(".", "/") + ".py")
        if not path.exists():  # a package: check.readers.sdk is check/readers/sdk/__init__.py
            path = ROOT / "mutants" / module.replace(".", "/") / "__init__.py"
        text = path.read_text()
        lines = text.splitlines()
        _SOURCES[module] = {n.name: lines[n.lineno:n.end_lineno] for n in ast.walk(ast.parse(text))
                            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return _SOURCES[module]


def _diff(name: str) -> tuple[list[str], list[str]]:
    """The lines a mutant changed: its body against the original's (read from mutants/)."""
    module, _, func = name.rpartition(".")
    funcs = _functions(module)
    mutant = funcs.get(func, [])
    original = funcs.get(re.sub(r"__mutmut_\d+$", "__mutmut_orig", func), [])
    if len(mutant) != len(original):
        return original, mutant
    pairs = [(a, b) for a, b in zip(original, mutant) if a != b]
    return [a for a, _ in pairs], [b for _, b in pairs]


def judged_equivalent(name: str) -> str | None:
    """A reason when a mutant cannot change behaviour by a rule that holds for every case.

    Only one rule is applied automatically: the case of an SQL statement's text changed while
    every quoted literal in it stays the same (SQLite keywords and identifiers ignore case).
    Every other equivalent is judged by hand in benchmarks/mutation_equivalent.txt.
    """
    minus, plus = _diff(name)
    if len(minus) != len(plus) or not minus:
        return None
    for a, b in zip(minus, plus):
        if a == b:
            continue
        # Only the text of SQL string literals may differ, and only in letter case.
        if _PYSTR.sub('""', a) != _PYSTR.sub('""', b):
            return None
        for x, y in zip(_PYSTR.findall(a), _PYSTR.findall(b)):
            if x == y:
                continue
            if x.lower() != y.lower() or not _is_sql(x):
                return None
            if re.findall(r"'[^']*'", x) != re.findall(r"'[^']*'", y):
                return None
    return "SQL keywords and identifiers ignore case; the quoted literals are unchanged"


def results() -> dict[str, str]:
    out = subprocess.run([MUTMUT, "results", "--all", "true"], cwd=ROOT, capture_output=True, text=True).stdout
    return dict(m.groups() for m in re.finditer(r"^\s+(\S+): (.+)$", out, re.M))


SCREEN = ROOT / "mutants" / "screen.txt"  # the in-process screen's verdicts (benchmarks/mutation_screen.py)


def screen_kills() -> set[str]:
    """Mutants the in-process screen killed while their function's text was what it is today (a
    function mutmut remade since has new mutants under the same names: its old verdicts are void)."""
    return {name for name, verdict in screen_verdicts().items() if verdict == "killed"}


def screen_verdicts() -> dict[str, str]:
    """The screen's last verdict on each mutant (killed, survived, untested) on today's text."""
    if not SCREEN.exists():
        return {}
    today: dict[str, str] = {}
    for meta in (ROOT / "mutants" / "bridgebot").rglob("*.py.meta"):
        made = json.loads(meta.read_text())
        for name in made["exit_code_by_key"]:
            func = name.rsplit("__mutmut_", 1)[0].rpartition(".")[2]
            today[name] = made["hash_by_function_name"].get(func, "")
    verdicts = {}
    for line in SCREEN.read_text().splitlines():
        verdict, name, digest, *_ = line.split(maxsplit=3) + ["", "", ""]
        if verdict in ("killed", "survived", "untested") and today.get(name) == digest:
            verdicts[name] = verdict
    return verdicts


def screen(names: list[str]) -> float:
    """Run the in-process screen over ``names``; the seconds it took. Its kills count as kills
    (a covering test failed under the mutant and passed again under the original right after)."""
    t0 = time.monotonic()
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(names) + "\n")
    env = _env()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [".", env.get("PYTHONPATH")]))
    with (ROOT / "mutants" / "screen.log").open("w") as log:
        subprocess.run(["nice", "-n", "10", sys.executable, str(ROOT / "benchmarks" / "mutation_screen.py"),
                        "@" + f.name, "--out", str(SCREEN)],
                       cwd=ROOT / "mutants", env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
    os.unlink(f.name)
    return time.monotonic() - t0


def mutant_names() -> list[str]:
    """Every mutant mutmut made of today's sources (from the .meta files beside its copies; a file
    whose source is gone, e.g. after a move, is left out)."""
    names = []
    for meta in sorted((ROOT / "mutants" / "bridgebot").rglob("*.py.meta")):
        source = ROOT / meta.relative_to(ROOT / "mutants").with_suffix("")
        if source.exists():
            names += json.loads(meta.read_text()).get("exit_code_by_key", {})
    return sorted(names)


def ensure_mutants() -> None:
    """Make mutmut generate its mutants (and collect its test statistics) without testing any:
    a pattern that matches nothing stops it right after. Needed before a sample can be drawn."""
    subprocess.run(["nice", "-n", "10", MUTMUT, "run", "bridgebot.__only_generate__"], cwd=ROOT, env=_env(),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def refresh_copies() -> None:
    """Bring mutants/ up to date before a sample is drawn.

    mutmut remakes the mutants of a source file that changed, but only when a run starts: a sample
    drawn before that names the old mutants (and counts the old verdicts of a changed function),
    so the mutants are made first. It never refreshes a file it only copies: the tests are copied
    here; a changed Python file it does not mutate stops the run (delete mutants/ and run again).
    """
    copies = ROOT / "mutants"
    for src in (ROOT / "tests").rglob("*"):
        dst = copies / src.relative_to(ROOT)
        if src.is_file() and "__pycache__" not in src.parts and (
                not dst.exists() or dst.stat().st_mtime < src.stat().st_mtime):
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    sources = [p for p in (ROOT / "bridgebot").rglob("*.py") if "__pycache__" not in p.parts]

    def stale() -> list[Path]:
        return [p for p in sources if not (copies / p.relative_to(ROOT)).exists()
                or (copies / p.relative_to(ROOT)).stat().st_mtime < p.stat().st_mtime]

    if stale():
        ensure_mutants()
        if left := stale():
            sys.exit("mutmut does not refresh files it only copies: " + ", ".join(
                str(p.relative_to(ROOT)) for p in left) + " changed; delete mutants/ and run again")


def in_module(name: str, module: str) -> bool:
    return name.startswith(f"bridgebot.{module}.")


def sample(module: str, size: int, seed: int, names: list[str]) -> list[str]:
    """``size`` mutants of ``module`` drawn at random with ``seed`` (all of them when fewer)."""
    mine = [n for n in names if in_module(n, module)]
    if len(mine) <= size:
        return mine
    return sorted(random.Random(f"{seed}:{module}").sample(mine, size))


def wilson(killed: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of a proportion (sound at 0 or n killed, unlike p ± 2σ)."""
    if not n:
        return 0.0, 1.0
    p = killed / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _env() -> dict[str, str]:
    env = {**os.environ,
           "BRIDGEBOT_TEST_CACHE_DIR": os.environ.get("BRIDGEBOT_TEST_CACHE_DIR")
           or str(Path(tempfile.gettempdir()) / "bridgebot-mutation-spec-cache"),
           "BRIDGEBOT_SHARED_SPECS": os.environ.get("BRIDGEBOT_SHARED_SPECS")
           or str((ROOT.parent / "shared" / "specs").resolve()),
           # The fast tests only: no test that starts the app and a local Slack server (conftest.py).
           "BRIDGEBOT_NO_SLACK_SERVER": "1"}
    Path(env["BRIDGEBOT_TEST_CACHE_DIR"]).mkdir(parents=True, exist_ok=True)
    return env


def run(module: str, names: list[str] | None = None, jobs: int = 1) -> float:
    """Run mutmut on every mutant of ``module``, or on ``names`` only; the seconds it took."""
    env = _env()
    t0 = time.monotonic()
    log = ROOT / "mutants" / f"run-{module}.log"  # mutmut's own output, to see why a run stopped
    log.parent.mkdir(exist_ok=True)
    with log.open("w") as out:
        subprocess.run(["nice", "-n", "10", MUTMUT, "run", *(names or [f"bridgebot.{module}.*"]),
                        "--max-children", str(jobs)],
                       cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)
    said = log.read_text(errors="replace")
    for failure in ("failed to collect stats", "Failed to run clean test"):
        if failure in said:
            # A test that fails on the unmutated copy in mutants/ (often a file the copy lacks:
            # add it to also_copy) makes every verdict meaningless: stop, do not score.
            sys.exit(f"mutmut: {failure} (see {log.relative_to(ROOT)}; reproduce with "
                     "MUTANT_UNDER_TEST=stats python -m pytest -x from inside mutants/)")
    return time.monotonic() - t0


def score(module: str, all_results: dict[str, str], equiv: dict[str, str],
          only: list[str] | None = None) -> tuple[str, ...]:
    mine = {k: v for k, v in all_results.items() if in_module(k, module) and (only is None or k in only)}
    counts = Counter(mine.values())
    # A judged equivalent counts as such whether or not it was run (a re-run skips it).
    eq = sum(1 for k, v in mine.items() if k in equiv and v not in KILLED)
    not_run = sum(1 for k, v in mine.items() if v == "not checked" and k not in equiv)
    killed = sum(counts[s] for s in KILLED)
    judged = len(mine) - eq - not_run
    low, high = wilson(killed, judged)
    pct = f"{100 * killed / judged:.1f}% ({100 * low:.0f}-{100 * high:.0f})" if judged else "-"
    survivors = [k for k, v in mine.items() if v not in KILLED and k not in equiv and v != "not checked"]
    return (module, str(len(mine)), str(killed), str(eq), str(len(survivors)), str(not_run), pct)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("modules", nargs="+", help="e.g. tracking.outbox check.schema desk delivery")
    ap.add_argument("--report", action="store_true", help="do not run; report the last results")
    ap.add_argument("--survivors", action="store_true", help="list the surviving non-equivalent mutants")
    ap.add_argument("--sample", type=int, metavar="N", help="N mutants per module drawn at random (all when fewer)")
    ap.add_argument("--seed", type=int, default=1, help="the sample's seed (default 1)")
    ap.add_argument("--jobs", type=int, default=1, help="mutants tested at once (mutmut --max-children)")
    ap.add_argument("--screen", action="store_true",
                    help="screen the sample in one process first (benchmarks/mutation_screen.py, about 1 s a "
                         "mutant); only the mutants it does not kill go through mutmut")
    ap.add_argument("--screen-only", action="store_true",
                    help="screen the sample and run no mutmut: a mutant the screen did not kill counts as "
                         "surviving, so each score is a lower bound")
    args = ap.parse_args()
    took: dict[str, float] = {}
    chosen: dict[str, list[str]] = {}
    if args.sample:
        if not args.report:
            refresh_copies()
        names = mutant_names()
        if not names:
            ensure_mutants()
            names = mutant_names()
        chosen = {m: sample(m, args.sample, args.seed, names) for m in args.modules}
        for module, picked in chosen.items():
            if not picked:
                sys.exit(f"no mutant of bridgebot.{module} (a module of {sorted({n.split('.x')[0] for n in names})})")
    if not args.report and chosen:
        # One mutmut run for every module's sample: each run pays its own stats check, clean
        # test run and forced failure (1-2 minutes here) before the first mutant.
        # A mutant already killed stays killed (tests are only ever added; a changed function's
        # mutants are reset by mutmut itself), so only the rest are run: not yet run, survived, or
        # reached by no test (new tests may reach and kill them now).
        # A mutant judged equivalent (by hand, or by the SQL-case rule, cached) cannot be killed:
        # it is not run again either.
        done, equiv = results(), equivalents()
        cache_file = ROOT / "mutants" / "judged.json"
        auto = json.loads(cache_file.read_text()) if cache_file.exists() else {}
        todo = [n for picked in chosen.values() for n in picked
                if done.get(n) not in KILLED and n not in equiv and not auto.get(n)]
        if todo and (args.screen or args.screen_only):
            took["screen"] = screen(todo)
            kills = screen_kills()
            todo = [n for n in todo if n not in kills]
        if todo and not args.screen_only:
            took["sample"] = run("sample", todo, args.jobs)
    elif not args.report:
        for module in args.modules:
            took[module] = run(module, None, args.jobs)
    res, equiv = results(), equivalents()
    # A mutant mutmut has not run (or ran before the function changed) counts as killed when the
    # screen killed it on today's text; a verdict of mutmut's own stands.
    verdicts = screen_verdicts()
    screened = {n for n, v in verdicts.items() if v == "killed" and res.get(n, "not checked") == "not checked"}
    res.update(dict.fromkeys(screened, "killed"))
    if args.screen_only:  # what the screen did not kill, and mutmut has not run, survives (a lower bound)
        res.update({n: f"{v} (screen)" for n, v in verdicts.items()
                    if v != "killed" and res.get(n, "not checked") == "not checked"})
    if chosen:
        keep = {n for picked in chosen.values() for n in picked}
        res = {k: v for k, v in res.items() if k in keep}
    auto: dict[str, str] = {}
    cache_file = ROOT / "mutants" / "judged.json"  # mutants' text is fixed until mutmut remakes them
    cache = json.loads(cache_file.read_text()) if cache_file.exists() else {}
    for k, v in res.items():
        if v not in KILLED and v != "not checked" and k not in equiv and any(
                k.startswith(f"bridgebot.{m}.") for m in args.modules):
            if k not in cache:
                cache[k] = judged_equivalent(k)
            if cache[k]:
                auto[k] = cache[k]
    if cache_file.parent.exists():
        cache_file.write_text(json.dumps(cache))
    equiv = {**equiv, **auto}
    if chosen:
        print(f"sample: {args.sample} per module, seed {args.seed}; score with its 95% interval"
              + (f"; all modules in one run of {took['sample'] / 60:.1f} minutes" if "sample" in took else "")
              + (f" after a screen of {took['screen'] / 60:.1f} minutes" if "screen" in took else ""))
        if n_screened := len(screened & {n for picked in chosen.values() for n in picked}):
            print(f"({n_screened} of the killed were killed by the in-process screen, not run by mutmut)")
    print("| module | mutants | killed | equivalent | survived | not run | score | minutes |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    totals = [0, 0, 0, 0, 0]  # mutants, killed, equivalent, survived, not run
    for module in args.modules:
        row = score(module, res, equiv)
        minutes = f"{took[module] / 60:.1f}" if module in took else "-"
        print("| " + " | ".join(row) + f" | {minutes} |")
        totals = [t + int(x) for t, x in zip(totals, row[1:6])]
    if len(args.modules) > 1:
        n, killed, eq, _, not_run = totals
        judged = n - eq - not_run
        low, high = wilson(killed, judged)
        pct = f"{100 * killed / judged:.1f}% ({100 * low:.0f}-{100 * high:.0f})" if judged else "-"
        print("| **all** | " + " | ".join(str(x) for x in totals) + f" | {pct} | - |")
    if args.survivors:
        print("\nSurviving, not judged equivalent:")
        for module in args.modules:
            for k, v in sorted(res.items()):
                if k.startswith(f"bridgebot.{module}.") and v not in KILLED and v != "not checked" and k not in equiv:
                    print(f"{k}: {v}")
        print("\nJudged equivalent:")
        for k, reason in sorted(equiv.items()):
            if any(k.startswith(f"bridgebot.{m}.") for m in args.modules) and res.get(k) not in KILLED:
                print(f"{k}  # {reason}")


if __name__ == "__main__":
    main()
