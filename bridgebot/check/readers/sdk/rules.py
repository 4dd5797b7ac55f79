"""The naming rules of each SDK, read once from naming.yaml."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

RULES_FILE = Path(__file__).with_name("naming.yaml")


@lru_cache(maxsize=1)
def rules() -> dict[str, Any]:
    with open(RULES_FILE, encoding="utf-8") as f:
        data = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(data, dict) or "families" not in data:
        raise ValueError(f"{RULES_FILE}: expected a mapping with `families`")
    return data
