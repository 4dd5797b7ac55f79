"""Error catalogs as data: one YAML file per API in this folder (issue 11).

A company adding its API adds ``<api>.yaml`` here, no code: its error codes (kind, meaning,
fix), the message templates that name a finding kind and capture the field (and the operation
where the text names one), and flags about what the API accepts. ``common.yaml`` holds the
wording many APIs share, used only on the message of an error already read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..model import FINDING_KINDS

HERE = Path(__file__).resolve().parent
#: libyaml's safe loader when present (~10x faster to start), else PyYAML's own.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CatalogError(ValueError):
    """A catalog file is not well formed; the message names the file and entry."""


@dataclass(frozen=True)
class CodeInfo:
    kind: str | None
    meaning: str
    fix: str

    @property
    def explanation(self) -> str:
        return f"{self.meaning} {self.fix}".strip()


@dataclass(frozen=True)
class MessageRule:
    api: str
    pattern: re.Pattern[str]
    kind: str | None
    #: The field when the text implies it without naming it ("Amount must be at least…").
    field: str | None = None
    field_prefix: str = ""
    meaning: str | None = None
    fix: str | None = None
    samples: tuple[dict[str, Any], ...] = ()
    #: Read only on an error whose documentation_url this matches (GitHub's bare "Not Found" says
    #: which 404 it is by the page it links to); such a rule is never tried on free text.
    docs_url: re.Pattern[str] | None = None

    @property
    def explanation(self) -> str | None:
        return f"{self.meaning} {self.fix or ''}".strip() if self.meaning else None

    def applies(self, docs_url: str | None) -> bool:
        return self.docs_url is None or (docs_url is not None and self.docs_url.search(docs_url) is not None)


@dataclass(frozen=True)
class Catalog:
    api: str
    hosts: frozenset[str]
    codes: dict[str, CodeInfo]
    messages: tuple[MessageRule, ...]
    fallback: tuple[MessageRule, ...] = ()
    json_without_content_type: bool = False
    enterprise_base_path: str | None = None
    source: str = ""


def _kind(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if value not in FINDING_KINDS:
        raise CatalogError(f"{where}: unknown finding kind {value!r} (one of {', '.join(FINDING_KINDS)} or null)")
    return str(value)


#: A template that starts with a captured run (``(?P<field>\w+) must be set``), maybe after optional
#: quotes or a backslash: ``(\\?"?)`` ``(?P<name>`` ``\w`` or ``[class]`` ``+``.
_LEADING_RUN = re.compile(r'^((?:\(\?[aiLmsux]+\))?(?:\\\\\?|\\?"\?)*)(\(\?P<\w+>)(\\w|\[(?:\\.|[^\]\\])+\])([+*])')


def linear(pattern: str) -> str:
    r"""``pattern`` with a guard that keeps it linear on long runs of its leading characters.

    ``(?P<field>\w+) must be set`` searched over a 40,000-character word tries every position of
    the word, and from each one runs ``\w+`` to its end: 40,000²/2 steps, about half a second
    (found by the fuzz run). A match can only begin where the run begins, since a match that
    begins inside a run could begin earlier, so ``(?<!\w)`` in front finds the same matches in
    linear time. Catalog authors write templates as they read; the loader adds the guard.
    """
    m = _LEADING_RUN.match(pattern)
    if not m:
        return pattern
    prefix, group, cls, quant = m.groups()
    return f"{prefix}(?<!{cls}){group}{cls}{quant}{pattern[m.end():]}"


def _rules(api: str, raw: Any, where: str) -> tuple[MessageRule, ...]:
    out = []
    for i, entry in enumerate(raw or []):
        at = f"{where} entry {i + 1}"
        if not isinstance(entry, dict) or "pattern" not in entry or "kind" not in entry:
            raise CatalogError(f"{at}: needs `pattern` and `kind`")
        try:
            rx = re.compile(linear(entry["pattern"]))
        except re.error as e:
            raise CatalogError(f"{at}: bad pattern: {e}") from None
        try:
            docs = re.compile(entry["docs_url"]) if entry.get("docs_url") else None
        except re.error as e:
            raise CatalogError(f"{at}: bad docs_url pattern: {e}") from None
        if not entry.get("samples"):
            raise CatalogError(f"{at}: needs at least one sample")
        out.append(MessageRule(api=api, pattern=rx, kind=_kind(entry["kind"], at), field=entry.get("field"),
                               field_prefix=entry.get("field_prefix") or "", meaning=entry.get("meaning"),
                               fix=entry.get("fix"), samples=tuple(entry["samples"]), docs_url=docs))
    return tuple(out)


def load_catalog(path: Path) -> Catalog:
    where = path.name
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as e:
        raise CatalogError(f"{where}: not valid YAML: {e}") from None
    if not isinstance(data, dict) or not data.get("api"):
        raise CatalogError(f"{where}: needs an `api:` name")
    api = str(data["api"])
    codes = {}
    for code, info in (data.get("codes") or {}).items():
        if not isinstance(info, dict) or "kind" not in info or not info.get("meaning"):
            raise CatalogError(f"{where} code {code}: needs `kind` and `meaning`")
        codes[str(code)] = CodeInfo(_kind(info["kind"], f"{where} code {code}"), str(info["meaning"]),
                                    str(info.get("fix") or ""))
    return Catalog(api=api, hosts=frozenset(data.get("hosts") or ()), codes=codes,
                   messages=_rules(api, data.get("messages"), where),
                   fallback=_rules(api, data.get("fallback"), where),
                   json_without_content_type=bool(data.get("json_without_content_type")),
                   enterprise_base_path=data.get("enterprise_base_path"), source=str(path))


@lru_cache(maxsize=4)
def catalogs(folder: Path = HERE) -> tuple[Catalog, ...]:
    """Every catalog in ``folder``, per-API ones first (sorted by name), ``common`` last."""
    files = sorted(folder.glob("*.yaml"), key=lambda p: (p.stem == "common", p.stem))
    return tuple(load_catalog(p) for p in files)


@lru_cache(maxsize=4)
def codes(folder: Path = HERE) -> dict[str, CodeInfo]:
    """Every known error code; where two APIs share a code, the first catalog's reading wins."""
    out: dict[str, CodeInfo] = {}
    for cat in catalogs(folder):
        for code, info in cat.codes.items():
            out.setdefault(code, info)
    return out


@lru_cache(maxsize=4)
def message_rules(folder: Path = HERE) -> tuple[MessageRule, ...]:
    return tuple(r for cat in catalogs(folder) for r in cat.messages)


@lru_cache(maxsize=4)
def fallback_rules(folder: Path = HERE) -> tuple[MessageRule, ...]:
    return tuple(r for cat in catalogs(folder) for r in cat.fallback)


def catalog_for_host(host: str | None, folder: Path = HERE) -> Catalog | None:
    if not host:
        return None
    return next((c for c in catalogs(folder) if host in c.hosts), None)


def split_fields(text: str) -> list[str]:
    """``a, b, or c`` / ``"a", "b"`` / ``a and b`` → the names."""
    parts = re.split(r",\s*(?:or |and )?|\s+(?:or|and)\s+", text)
    return [p.strip().strip("\"'`") for p in parts if p.strip().strip("\"'`")]
