"""Suggest the documentation that answers a developer's question, and learn from marked answers.

No Slack here: the desk and the CLI call :class:`Answers` (index + suggest + learn), the store
functions (suggestions, choices, marked answers in the tracking database) and the gap report.
"""

from .gaps import group_gaps, render_gaps
from .index import DocsIndex, IndexError_, RefreshReport, Source
from .service import Answers, DocSources, default_index_path
from .store import AnswerError, MarkedAnswer, mark_answer, record_choice, record_suggestions, suggestions_of
from .suggest import MIN_CONFIDENCE, SuggestContext, Suggestion, suggest

__all__ = [
    "AnswerError", "Answers", "DocSources", "DocsIndex", "IndexError_", "MIN_CONFIDENCE", "MarkedAnswer",
    "RefreshReport", "Source", "SuggestContext", "Suggestion", "default_index_path", "group_gaps", "mark_answer",
    "record_choice", "record_suggestions", "render_gaps", "suggest", "suggestions_of",
]
