"""Run requests made by ``tests/generate.py`` through bridgebot's checker.

The generator imports nothing from bridgebot (so a mistake in the checker's reading of a spec
is not shared by it); this is the one place the two meet: a generated request becomes a
``PastedRequest`` (as if pasted as a curl command) and the checker's report becomes
(the operation it matched, its findings).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import generate as g
from bridgebot.check.checker import check_request
from bridgebot.check.model import Finding, PastedRequest
from bridgebot.check.specs import SpecSet


def load_checker_specs(paths: tuple[str | Path, ...] | list[str | Path] = g.DEFAULT_SPECS) -> SpecSet:
    return SpecSet.load([str(p) for p in paths])


def pasted(req: g.Request) -> PastedRequest:
    return PastedRequest(method=req.method, url=req.url, headers=list(req.headers), body=req.body,
                         form_fields=req.form_fields, source="curl", basic_auth=req.basic_auth)


def checker(specs: SpecSet) -> g.Checker:
    def check(req: g.Request) -> tuple[str | None, list[Finding]]:
        report = check_request(pasted(req), specs)
        op = report.operation
        return (f"{op.method} {op.path}" if op else None), report.findings
    return check


def checker_ops(specs: SpecSet) -> dict[tuple[str, str, str], Any]:
    """The checker's operations by (spec file, method, template): to find the generator's twin."""
    return {(s.source, op.method, op.path): op for s in specs.specs for op in s.operations}
