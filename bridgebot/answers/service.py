"""The answers service the desk and the CLI use: one index, its sources, and suggest/learn."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .index import DocsIndex, RefreshReport, Source, llms_sources, markdown_sources, spec_source, thread_source
from .suggest import MIN_CONFIDENCE, SuggestContext, Suggestion, suggest

log = logging.getLogger(__name__)


def default_index_path(db_path: str) -> str:
    """``BRIDGEBOT_DOCS_INDEX``, else beside the tracking database (``bridgebot.db`` → ``bridgebot-docs.db``)."""
    env = os.environ.get("BRIDGEBOT_DOCS_INDEX")
    if env:
        return env
    if db_path == ":memory:":
        return ":memory:"
    p = Path(db_path)
    return str(p.with_name(p.stem + "-docs.db"))


@dataclass
class DocSources:
    """Where documentation comes from besides the specs."""

    docs_dir: str | None = None
    docs_base_url: str | None = None
    llms_txt: str | None = None

    def sources(self) -> list[Source]:
        out: list[Source] = []
        if self.docs_dir:
            out += markdown_sources(self.docs_dir, self.docs_base_url)
        if self.llms_txt:
            out += llms_sources(self.llms_txt)
        return out


class Answers:
    def __init__(self, index: DocsIndex, min_confidence: float = MIN_CONFIDENCE) -> None:
        self.index = index
        self.min_confidence = min_confidence

    def refresh(self, specs: Any, docs: DocSources | None = None, answers: list[dict[str, Any]] | None = None,
                prefix: str = "BB", progress: Callable[[Source], None] | None = None) -> RefreshReport:
        """Rebuild what changed: the specs' operations, the pages, and (when given) marked answers."""
        sources = [spec_source(s) for s in specs.specs] if specs is not None else []
        prefixes: tuple[str, ...] = ("spec:",) if specs is not None else ()
        if docs is not None:
            sources += docs.sources()
            prefixes += ("md:", "llms:")
        if answers is not None:
            sources += [thread_source(a["thread_id"], f"{prefix}-{a['thread_id']}", a["question"], a["answer"],
                                      a.get("link")) for a in answers]
            prefixes += ("thread:",)
        return self.index.refresh(sources, prefixes=prefixes, progress=progress)

    def suggest(self, question: str, context: SuggestContext | None = None, limit: int = 3) -> list[Suggestion]:
        return suggest(self.index, question, context, limit=limit, min_confidence=self.min_confidence)

    def best_confidence(self, question: str, context: SuggestContext | None = None) -> float | None:
        """The best candidate's confidence even below the threshold (kept for the gap report)."""
        found = suggest(self.index, question, context, limit=1, min_confidence=0.0)
        return found[0].confidence if found else None

    def learn(self, thread_id: int, short_id: str, question: str, answer: str, link: str | None) -> None:
        """A specialist marked an answer: the next similar question finds it."""
        self.index.refresh([thread_source(thread_id, short_id, question, answer, link)], prefixes=())
