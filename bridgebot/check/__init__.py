"""The paste checker: read pasted API requests and errors, check them against OpenAPI specs."""

from .checker import check_paste, check_request, render_check_text
from .model import (
    FINDING_KINDS,
    CheckResult,
    ErrorReport,
    Finding,
    OperationRef,
    PastedError,
    PastedRequest,
    RequestReport,
    Secret,
)
from .paste import MAX_PASTE_CHARS, UnreadablePaste, read_paste, unslack
from .specs import SpecError, SpecSet, load_spec

__all__ = [
    "FINDING_KINDS", "MAX_PASTE_CHARS", "CheckResult", "ErrorReport", "Finding", "OperationRef",
    "PastedError", "PastedRequest", "RequestReport", "Secret", "SpecError", "SpecSet",
    "UnreadablePaste", "check_paste", "check_request", "render_check_text", "load_spec", "read_paste", "unslack",
]
