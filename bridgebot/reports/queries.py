"""Premade SQL for investigations: named, documented ``.sql`` files in ``reports/queries/``.

Each file starts with ``-- title:`` and ``-- description:`` lines; ``:name`` placeholders are its
parameters. The same files are Datasette canned queries (``queries/metadata.yml``, built by
:func:`datasette_metadata`), so a lead can run them from ``bridgebot sql`` or in a browser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

QUERIES_DIR = Path(__file__).with_name("queries")
_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


class QueryError(ValueError):
    """An unknown query name or a missing / unknown parameter."""


@dataclass
class Query:
    name: str
    title: str
    description: str
    sql: str

    @property
    def body(self) -> str:
        """The SQL without its header comments."""
        return "\n".join(line for line in self.sql.splitlines() if not line.lstrip().startswith("--")).strip()

    @property
    def params(self) -> list[str]:
        body = "\n".join(line for line in self.sql.splitlines() if not line.lstrip().startswith("--"))
        body = re.sub(r"'[^']*'", "''", body)  # not inside string literals ('%02d:00')
        return list(dict.fromkeys(_PARAM.findall(body)))


def load(path: Path) -> Query:
    text = path.read_text()
    meta = dict(re.findall(r"^--\s*(title|description):\s*(.+)$", text, re.M))
    return Query(name=path.stem, title=meta.get("title", path.stem), description=meta.get("description", ""),
                 sql=text.strip())


def all_queries() -> dict[str, Query]:
    return {p.stem: load(p) for p in sorted(QUERIES_DIR.glob("*.sql"))}


def get(name: str) -> Query:
    queries = all_queries()
    if name not in queries:
        raise QueryError(f"no premade query {name!r}; there are: {', '.join(queries)}")
    return queries[name]


def run(db: sqlite_utils.Database, name: str, params: dict[str, str]) -> tuple[list[str], list[tuple[Any, ...]]]:
    query = get(name)
    missing = [p for p in query.params if p not in params]
    if missing:
        raise QueryError(f"{name} needs " + " ".join(f"--param {p}=…" for p in missing))
    unknown = sorted(set(params) - set(query.params))
    if unknown:
        takes = ", ".join(query.params) or "no parameters"
        raise QueryError(f"{name} has no parameter {unknown[0]!r} (it takes {takes})")
    cur = db.execute(query.sql, {p: params[p] for p in query.params})
    return [d[0] for d in cur.description], cur.fetchall()


def datasette_metadata(database: str = "bridgebot") -> dict[str, Any]:
    return {"title": "bridgebot support threads",
            "databases": {database: {"queries": {
                q.name: {"title": q.title, "description": q.description, "sql": q.body}
                for q in all_queries().values()}}}}


def datasette_metadata_yaml(database: str = "bridgebot") -> str:
    import yaml

    class _Dumper(yaml.SafeDumper):
        pass

    def _str(dumper: yaml.SafeDumper, value: str) -> Any:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)

    _Dumper.add_representer(str, _str)
    return ("# Datasette canned queries, generated from the .sql files beside this file\n"
            "# (bridgebot sql --datasette-metadata > bridgebot/reports/queries/metadata.yml).\n"
            "# Open the database with them:  datasette bridgebot.db --metadata bridgebot/reports/queries/metadata.yml\n"
            + yaml.dump(datasette_metadata(database), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000))
