"""Check the answers_eval YAML files: they parse, every entry has the fields,
every operation exists in the named spec, no source is from a held-out repo.

Run from the checkout: .venv/bin/python tests/answers_eval/verify.py
"""
import json
import pathlib
import re
import sys

import yaml

HERE = pathlib.Path(__file__).resolve().parent
CHECKOUT = HERE.parent.parent
SPEC_DIRS = [CHECKOUT.parent / "shared" / "specs", CHECKOUT / "openapi_specs"]
HELDOUT = CHECKOUT.parent / "shared" / "HELDOUT_SOURCES.txt"
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def load_spec(name):
    for d in SPEC_DIRS:
        p = d / name
        if p.exists():
            text = p.read_text()
            return json.loads(text) if name.endswith(".json") else yaml.safe_load(text)
    raise SystemExit(f"spec not found: {name}")


def operations(spec):
    return {
        f"{m.upper()} {path}"
        for path, item in spec["paths"].items()
        for m in item
        if m in METHODS
    }


def heldout():
    out = []
    if HELDOUT.exists():
        for line in HELDOUT.read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                out.append(line.lower())
    return out


def github_repo(url):
    m = re.match(r"https?://github\.com/([^/]+)/([^/#?]+)", url)
    return (m.group(1).lower(), m.group(2).lower()) if m else None


def main():
    specs, problems, counts = {}, [], {}
    held = heldout()
    ids = set()
    for f in sorted(HERE.glob("*.yaml")):
        entries = yaml.safe_load(f.read_text())
        if not isinstance(entries, list):
            problems.append(f"{f.name}: not a list")
            continue
        real = written = 0
        for e in entries:
            eid = e.get("id")
            where = f"{f.name}:{eid}"
            for key in ("id", "question", "source", "spec", "answers", "why"):
                if not e.get(key):
                    problems.append(f"{where}: missing {key}")
            if eid in ids:
                problems.append(f"{where}: duplicate id")
            ids.add(eid)
            if len(str(e.get("question", ""))) > 450:
                problems.append(f"{where}: question longer than 450 chars")
            src = str(e.get("source", ""))
            if src == "written":
                written += 1
            else:
                real += 1
                if not src.startswith("http"):
                    problems.append(f"{where}: source is neither URL nor 'written'")
                gr = github_repo(src)
                if gr:
                    owner, name = gr
                    for h in held:
                        ho, _, hn = h.partition("/")
                        if ho == owner and (hn == "*" or hn == name):
                            problems.append(f"{where}: source from held-out {h}")
            spec_name = e.get("spec")
            if spec_name not in specs:
                specs[spec_name] = operations(load_spec(spec_name))
            for a in e.get("answers") or []:
                if "operation" in a:
                    if a["operation"] not in specs[spec_name]:
                        problems.append(f"{where}: no operation {a['operation']!r} in {spec_name}")
                elif "page" not in a:
                    problems.append(f"{where}: answer without operation/page: {a}")
        counts[f.name] = (len(entries), real, written)
    for name, (n, r, w) in counts.items():
        print(f"{name}: {n} entries ({r} real, {w} written)")
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
