"""Decode form-encoded bodies and query strings with nested (deepObject) keys.

``items[0][price]=x&metadata[k]=v&expand[]=a&expand[]=b`` becomes
``{"items": [{"price": "x"}], "metadata": {"k": "v"}, "expand": ["a", "b"]}``, the way
Stripe-style APIs read them. openapi-core decodes deepObject one level deep only
(python-openapi/openapi-core#250), so this is ours.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

from .schema import FormList

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def parse_pairs(text: str) -> list[tuple[str, str]]:
    return parse_qsl(text, keep_blank_values=True)


def decode_form(pairs: list[tuple[str, str]]) -> tuple[dict[str, Any], list[str]]:
    """Nest ``pairs`` by their bracketed keys. Returns the value and keys that could not be read."""
    root: dict[str, Any] = {}
    bad: list[str] = []
    for key, value in pairs:
        m = _KEY.match(key)
        if not m:
            bad.append(key)
            continue
        parts = [m.group(1), *re.findall(r"\[([^\[\]]*)\]", m.group(2))]
        # "a[][]" (a list of lists) has no form syntax: refused before anything of it is stored.
        if "[][]" in m.group(2) or not _put(root, parts, value):
            bad.append(key)
    return _listify(root), bad


def _put(node: dict[str, Any], parts: list[str], value: str) -> bool:
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        # "expand[]": append (the parent holds a list under a marker). An empty part is only ever
        # the one after a name: "[][]" is refused before this.
        nxt_append = not last and parts[i + 1] == ""
        if last:
            if part in node:
                existing = node[part]
                if isinstance(existing, _Repeated):
                    existing.append(value)
                elif isinstance(existing, str):
                    node[part] = _Repeated([existing, value])
                else:
                    return False
            else:
                node[part] = value
            return True
        if nxt_append:
            lst = node.setdefault(part, _Appended())
            if not isinstance(lst, _Appended):
                return False
            if i + 2 == len(parts):
                lst.append(value)
                return True
            # expand[][x]=1 — an object appended per key; start a new one when the key repeats.
            if not lst or not isinstance(lst[-1], dict) or parts[i + 2] in lst[-1]:
                lst.append({})
            return _put(lst[-1], parts[i + 2:], value)
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            return False
        node = child
    return True


class _Repeated(list):  # type: ignore[type-arg]
    """A plain key given more than once (``ids=1&ids=2``)."""


class _Appended(list):  # type: ignore[type-arg]
    """Values given with ``key[]=``."""


def _listify(node: Any) -> Any:
    """Turn dicts keyed only by indexes into lists (keeping the labels the developer used)."""
    if isinstance(node, dict):
        converted = {k: _listify(v) for k, v in node.items()}
        if converted and all(k.isdigit() for k in converted):
            labels = sorted(converted, key=int)
            out = FormList(converted[k] for k in labels)
            out.labels = labels
            return out
        return converted
    if isinstance(node, list):
        return [_listify(v) for v in node]
    return node
