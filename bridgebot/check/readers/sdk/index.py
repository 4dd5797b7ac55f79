"""The name -> operation index of one compiled spec, derived from the spec alone.

Stripe-style specs (no GitHub ids) are indexed by their paths: the literal segments are the
resource (``/v1/checkout/sessions`` -> ``checkout``, ``session``) and the path's shape gives the
verb (collection POST = create, GET = list; item GET = retrieve, POST = update, DELETE = delete;
a literal after an id is an action such as ``pay`` or a sub-collection such as ``sources``,
giving ``createSource``/``listSources``). Specs whose operationIds are GitHub's
``category/name`` are indexed by category and name (``issues/create`` -> ``issues.create``,
and ``createIssue`` for SDKs that put the resource in the method name).

Built once per compiled spec, on first use, and kept on the spec object (not in its pickle).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...specs import CompiledSpec, Operation
from .base import norm, words
from .rules import rules


@dataclass
class Index:
    family: str
    #: (resource words, method word) -> operations
    by_key: dict[tuple[tuple[str, ...], str], list[Operation]] = field(default_factory=dict)
    #: (last resource word, method word) -> operations (Java/Go/.NET name only the last word)
    by_last: dict[tuple[str, str], list[Operation]] = field(default_factory=dict)
    #: operation -> its resource words (for ranking by context words)
    resource: dict[int, tuple[str, ...]] = field(default_factory=dict)
    #: template (without base path) -> method -> operation, for octokit.request("POST /x")
    templates: dict[str, dict[str, Operation]] = field(default_factory=dict)

    def add(self, res: tuple[str, ...], method: str, op: Operation) -> None:
        bucket = self.by_key.setdefault((res, method), [])
        if all(o is not op for o in bucket):  # identity: Operation's == compares whole schemas
            bucket.append(op)
        if res:
            last = self.by_last.setdefault((res[-1], method), [])
            if all(o is not op for o in last):
                last.append(op)
        self.resource.setdefault(id(op), res)


def family_of(spec: CompiledSpec) -> str | None:
    title = spec.title.lower()
    for name, fam in rules()["families"].items():
        if fam["title"] in title or fam["title"] in spec.name.lower():
            return name
    return None


def index_for(spec: CompiledSpec) -> Index | None:
    cached = spec.__dict__.get("_sdk_index", False)
    if cached is not False:
        return cached
    family = family_of(spec)
    idx = None
    if family is not None:
        idx = Index(family)
        github_ids = sum(1 for op in spec.operations if op.operation_id and "/" in op.operation_id)
        for op in spec.operations:
            idx.templates.setdefault(op.path, {})[op.method] = op
            if github_ids > 10 and op.operation_id and "/" in op.operation_id:
                _index_by_id(idx, op)
            else:
                _index_by_path(idx, op, family)
    spec.__dict__["_sdk_index"] = idx
    return idx


def _index_by_id(idx: Index, op: Operation) -> None:
    category, name = op.operation_id.split("/", 1)  # type: ignore[union-attr]
    cat = norm(category)
    method = norm(name)
    idx.add((cat,), method, op)
    # PyGithub, octokit.rb, go-github: the resource in the method name (create_issue, get_repo).
    w = words(name)
    idx.add((), norm(name) + cat if len(w) == 1 else method, op)


#: Verbs for a sub-resource after an id (customers/{id}/discount): retrieveDiscount, deleteDiscount.
_SUB_VERBS = {"GET": ("list",), "POST": ("create",)}
_SINGLETON_VERBS = {"GET": ("retrieve",), "POST": ("update",), "DELETE": ("delete",)}


def _index_by_path(idx: Index, op: Operation, family: str) -> None:
    crud = rules()["families"][family]["crud"]
    segs = [s for s in op.path.split("/") if s]
    if segs and re.fullmatch(r"v\d+", segs[0]):
        segs = segs[1:]
    if not segs:
        return
    is_param = [s.startswith("{") for s in segs]
    literals = tuple(norm(s) for s, p in zip(segs, is_param) if not p)
    if not literals:
        return
    # A lone singular segment (/v1/account, /v1/balance) is one object, not a collection:
    # accounts.retrieve() is GET /v1/account, accounts.list() GET /v1/accounts.
    singleton = len(segs) == 1 and not segs[0].endswith("s")
    shape = "item" if is_param[-1] or singleton else "collection"
    verbs = [v for v, (m, sh) in crud.items() if m == op.method and sh == shape]
    if not (len(segs) >= 2 and not is_param[-1] and is_param[-2]):
        for verb in verbs:
            idx.add(literals, verb, op)
    if len(segs) >= 2 and not is_param[-1]:
        last = literals[-1]
        if is_param[-2]:
            # After an id: an action (invoices/{id}/pay), a sub-collection (customers/{id}/sources:
            # createSource, listSources) or a singleton (customers/{id}/discount: deleteDiscount).
            plural = segs[-1].endswith("s")
            if op.method == "POST":
                idx.add(literals[:-1], last, op)
            for verb in (_SUB_VERBS if plural else _SINGLETON_VERBS).get(op.method, ()):
                idx.add(literals[:-1], verb + last, op)
        else:
            # After a literal: customers/search, invoices/upcoming.
            idx.add(literals[:-1], last, op)
            for verb in verbs:
                idx.add(literals[:-1], verb + last, op)
    if len(literals) >= 2 and is_param[-1] and len(segs) >= 3 and is_param[-3]:
        # customers/{customer}/sources/{id}: retrieveSource, updateSource, deleteSource
        for verb in verbs:
            idx.add(literals[:-1], verb + literals[-1], op)
