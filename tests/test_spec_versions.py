"""Which version of an API's spec a paste is checked against, when several are loaded (issue 11)."""

from __future__ import annotations

import json

import pytest

from bridgebot.check.readers.versions import pick_version
from bridgebot.check.specs import SpecSet, load_spec


def _specs(tmp_path, names: list[str]) -> SpecSet:
    """One small spec per name ("acme-2023-06-01"), titled by the part before the date, loaded in
    the order given (the loader's order is not the versions' order)."""
    specs = []
    for name in names:
        title = name.split("-")[0].capitalize()
        doc = {"openapi": "3.0.3", "info": {"title": title, "version": "1"},
               "servers": [{"url": f"https://api.{title.lower()}.test"}],
               "paths": {"/v1/users": {"get": {"responses": {"200": {"description": "ok"}}}}}}
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(doc))
        specs.append(load_spec(path, use_cache=False))
    return SpecSet(specs)


def _picked(text: str, specs: SpecSet) -> tuple[list[str], list[str]]:
    narrowed, notes = pick_version(text, specs)
    return [s.name for s in narrowed.specs], sorted(notes.values())


NEWEST_FIRST = ["acme-2024-03-01", "acme-2023-06-01", "acme-2022-01-15"]


@pytest.mark.parametrize("text, chosen", [
    ("curl https://api.acme.test/v1/users", "acme-2024-03-01"),  # no pin: the newest
    ("-H 'Stripe-Version: 2023-09-01'", "acme-2023-06-01"),  # the newest not newer than the pin
    ("-H 'Stripe-Version: 2023-06-01'", "acme-2023-06-01"),  # the pin names a loaded version
    ("-H 'Stripe-Version: 2024-12-01'", "acme-2024-03-01"),
    ("-H 'Stripe-Version: 2020-08-27'", "acme-2022-01-15"),  # older than all: the oldest
])
def test_the_version_is_picked_by_date_not_by_load_order(tmp_path, text: str, chosen: str) -> None:
    names, _notes = _picked(text, _specs(tmp_path, NEWEST_FIRST))
    assert names == [chosen]


def test_each_api_with_several_versions_keeps_one(tmp_path) -> None:
    specs = _specs(tmp_path, ["acme-2023-06-01", "acme-2024-03-01", "zeta-2021-01-01", "zeta-2022-02-02",
                              "solo-2020-01-01"])
    assert _picked("apiVersion: '2023-07-01'", specs) == (
        ["acme-2023-06-01", "zeta-2022-02-02", "solo-2020-01-01"],
        ["Checked against Acme 2023-06-01 (the paste names API version 2023-07-01).",
         "Checked against Zeta 2022-02-02 (the paste names API version 2023-07-01)."])
