"""Say what was not understood (issue 11): text that looks like an API call in a form the
checker cannot read gets one line saying so, never silence.

Each form is a name and a pattern; a match outside everything already read (and not read by
another reader) becomes a line in the report's ``problems``.
"""

from __future__ import annotations

import re
from typing import Callable

from .prefilter import may_match

#: (what it is, pattern). Patterns are anchored on the call itself, not on prose.
UNREAD_FORMS: list[tuple[str, re.Pattern[str]]] = [
    ("an HTTPie command", re.compile(r"(?m)^[ \t$>]*(?:https?|http|xh)[ \t]+(?:-[\w-]+[ \t]+)*(?:GET|POST|PUT|PATCH|DELETE)[ \t]+\S+")),
    ("a Guzzle call (PHP)", re.compile(r"->\s*(?:request|requestAsync)\(\s*['\"](?:GET|POST|PUT|PATCH|DELETE)['\"]"
                                       r"|\$\w*client->\s*(?:get|post|put|patch|delete)(?:Async)?\(\s*['\"]", re.I)),
    ("Go net/http code", re.compile(r"\bhttp\.(?:NewRequest(?:WithContext)?|Post|Get|PostForm)\(")),
    ("a Java HTTP client call", re.compile(r"\bHttpRequest\.newBuilder\(|\bnew\s+(?:HttpPost|HttpGet|HttpPut|Request\.Builder)\(")),
    ("a .NET HttpClient call", re.compile(r"\.\s*(?:PostAsync|GetAsync|PutAsync|SendAsync|PostAsJsonAsync)\(")),
    ("a Ruby Net::HTTP call", re.compile(r"\bNet::HTTP::(?:Post|Get|Put|Patch|Delete)\.new\(")),
    ("a screenshot", re.compile(r"(?i)\b(?:screenshot|screen shot)\b|!\[[^\]]*\]\([^)]+\.(?:png|jpe?g|gif)\)")),
]


def unread_lines(text: str, is_free: Callable[[int], bool]) -> list[str]:
    """One line per form seen but not read, naming its line in the paste."""
    out: list[str] = []
    lower = text.lower()
    for what, pattern in UNREAD_FORMS:
        if not may_match(pattern, text, lower):
            continue
        m = next((m for m in pattern.finditer(text) if is_free(m.start())), None)
        if m is None:
            continue
        line = text.count("\n", 0, m.start()) + 1
        if what == "a screenshot":
            out.append(f"There is {what} on line {line}: I can't read images; paste the request or error as text.")
        else:
            out.append(f"Line {line} looks like {what}, which I can't read yet: nothing in it was checked. "
                       "Paste the request as curl (or the raw HTTP) to have it checked.")
    return out
