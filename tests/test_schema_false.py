"""JSON Schema ``false`` (no value is valid) where a spec uses it: a field that must not be sent.

Found by the independent request generator (tests/generate.py, rule "if/then/else: false"):
Bridge's CryptoReturnPolicyInput says, with ``if strategy = refund_to_sender then
{properties: {refund_destination_address: false, ...}}``, that the refund destination fields go
only with the ``static_address`` strategy; the checker compiled ``false`` as "anything" and said
nothing.
"""

from __future__ import annotations

import pytest

from bridgebot.check import SpecSet, check_paste

from conftest import BRIDGE_SPEC

URL = "https://api.sandbox.bridge.xyz/v0/crypto_return_policies"


@pytest.fixture(scope="module")
def bridge() -> SpecSet:
    return SpecSet.load([BRIDGE_SPEC])


def _findings(specs: SpecSet, body: str) -> list[tuple[str, str, str]]:
    text = (f"curl -X POST {URL} -H 'Api-Key: $BRIDGE_KEY' "
            "-H 'Idempotency-Key: 3b241101-e2bb-4255-8caf-4136c566a96f' "
            f"-H 'Content-Type: application/json' -d '{body}'")
    (req,) = check_paste(text, specs).requests
    return [(f.kind, f.location, f.field) for f in req.findings]


def test_a_field_the_applicable_then_makes_false_is_named(bridge: SpecSet) -> None:
    body = '{"strategy": "refund_to_sender", "refund_destination_chain": "base"}'
    assert _findings(bridge, body) == [("unknown_param", "body", "refund_destination_chain")]


def test_the_same_field_where_the_condition_does_not_hold_is_fine(bridge: SpecSet) -> None:
    body = '{"strategy": "static_address", "refund_destination_chain": "base"}'
    assert _findings(bridge, body) == []
    assert _findings(bridge, '{"strategy": "refund_to_sender"}') == []
