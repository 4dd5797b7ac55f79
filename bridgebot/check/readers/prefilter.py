"""A cheap test before a regular expression: the longest literal every match must contain.

The catalogs hold ~50 message templates; running each over every paste costs ~0.3 ms on a
plain curl. ``needle in text`` first skips almost all of them.
"""

from __future__ import annotations

import re
from functools import lru_cache

try:  # Python 3.11+
    from re import _parser as sre_parse  # type: ignore[attr-defined]
    from re._constants import LITERAL, SUBPATTERN  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older Pythons
    import sre_parse  # type: ignore[no-redef]
    from sre_constants import LITERAL, SUBPATTERN  # type: ignore[no-redef]


@lru_cache(maxsize=512)
def needle(pattern: re.Pattern[str]) -> str | None:
    """The longest literal run at the top level of ``pattern`` (lower-cased when the pattern
    ignores case), or None when there is none worth testing (shorter than 4 characters)."""
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - any doubt: no prefilter
        return None
    best, run = "", []
    items = list(parsed)
    # A pattern that is one group: look inside it.
    while len(items) == 1 and items[0][0] is SUBPATTERN:
        items = list(items[0][1][-1])
    for op, arg in items:
        if op is LITERAL:
            run.append(chr(arg))
        else:
            best = max(best, "".join(run), key=len)
            run = []
    best = max(best, "".join(run), key=len)
    if len(best) < 4:
        return None
    return best.lower() if pattern.flags & re.IGNORECASE else best


_HINTS: dict[re.Pattern[str], tuple[str | None, bool]] = {}


def may_match(pattern: re.Pattern[str], text: str, lower: str | None = None) -> bool:
    hint = _HINTS.get(pattern)
    if hint is None:
        hint = _HINTS[pattern] = (needle(pattern), bool(pattern.flags & re.IGNORECASE))
    n, icase = hint
    if n is None:
        return True
    if icase:
        return n in (lower if lower is not None else text.lower())
    return n in text
