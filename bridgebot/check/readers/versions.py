"""Pick the spec version a paste was written against (issue 11).

When several versions of one API's spec are loaded (``../shared/specs`` holds Stripe
2022-04-12 and 2023-08-16), the paste's ``Stripe-Version`` header, an SDK's pinned API version
(``apiVersion: '2022-11-15'``, ``stripe.api_version = …``, ``Stripe::setApiVersion(…)``) or a
version in the error text decides: the newest loaded version not newer than the one named (the
oldest when all are newer). Without a pin, the newest. The report says which was used.
"""

from __future__ import annotations

import re

from ..specs import CompiledSpec, SpecSet

_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")
_PIN = re.compile(r"(?i)(?:stripe[-_ ]?version|api[-_ ]?version|setApiVersion)[\"'`]?\s*(?:[:=(,]|=>|\s)\s*"
                  r"[\"'`]?(\d{4}-\d{2}-\d{2})")


def spec_date(spec: CompiledSpec) -> str | None:
    m = _DATE.search(spec.name) or _DATE.search(spec.source or "")
    return m.group(1) if m else None


def pick_version(text: str, specs: SpecSet) -> tuple[SpecSet, dict[str, str]]:
    """``specs`` narrowed to one version per API, and per chosen spec name a sentence saying
    which version was used and why (empty when only one version of each API is loaded)."""
    groups: dict[str, list[CompiledSpec]] = {}
    for spec in specs.specs:
        groups.setdefault(spec.title, []).append(spec)
    several = {t: g for t, g in groups.items() if len(g) > 1 and all(spec_date(s) for s in g)}
    if not several:
        return specs, {}
    m = _PIN.search(text)
    pinned = m.group(1) if m else None
    drop: set[int] = set()
    notes: dict[str, str] = {}
    for title, group in several.items():
        ordered = sorted(group, key=lambda s: spec_date(s) or "")
        if pinned:
            older = [s for s in ordered if (spec_date(s) or "") <= pinned]
            chosen = older[-1] if older else ordered[0]
            why = f"the paste names API version {pinned}"
        else:
            chosen = ordered[-1]
            why = "the newest loaded; the paste names no API version"
        drop |= {id(s) for s in group if s is not chosen}
        notes[chosen.name] = f"Checked against {title} {spec_date(chosen)} ({why})."
    return SpecSet([s for s in specs.specs if id(s) not in drop]), notes
