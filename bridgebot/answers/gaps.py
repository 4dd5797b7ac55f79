"""The knowledge-gap report: questions with no confident suggestion, grouped by similarity.

Two questions are alike when their search terms (stopwords dropped, identifiers split,
synonyms added) overlap enough (rapidfuzz's token-set ratio); each group is led by its first
question. The docs team reads the biggest groups first.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .text import query_terms

SIMILAR = 60  # token-set ratio (0-100) at which two questions count as the same gap


@dataclass
class Gap:
    terms: list[str]
    questions: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"size": len(self.questions), "terms": self.terms, "example": self.questions[0]["question"],
                "questions": self.questions}


def group_gaps(questions: list[dict[str, Any]], similar: int = SIMILAR) -> list[Gap]:
    """``questions``: dicts with ``question`` (and anything else, e.g. ``thread``)."""
    from rapidfuzz import fuzz

    groups: list[tuple[str, list[dict[str, Any]], Counter[str]]] = []
    for q in questions:
        terms = query_terms(q.get("question") or "")
        key = " ".join(sorted(set(terms)))
        if not key:
            continue
        for lead, members, counts in groups:
            if fuzz.token_set_ratio(key, lead) >= similar:
                members.append(q)
                counts.update(set(terms))
                break
        else:
            groups.append((key, [q], Counter(set(terms))))
    out = [Gap(terms=[t for t, n in counts.most_common(5) if n >= max(1, len(members) // 2)], questions=members)
           for _, members, counts in groups]
    out.sort(key=lambda g: -len(g.questions))
    return out


def render_gaps(gaps: list[Gap], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([g.to_dict() for g in gaps], indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["group", "size", "terms", "thread", "question"])
        for i, g in enumerate(gaps, 1):
            for q in g.questions:
                w.writerow([i, len(g.questions), " ".join(g.terms), q.get("thread", ""), q["question"]])
        return buf.getvalue()
    from ..render import render_text

    return render_text("docs_gaps", gaps=[g.to_dict() for g in gaps])
