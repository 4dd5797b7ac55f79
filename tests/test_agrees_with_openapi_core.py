"""On JSON APIs openapi-core judges well, our verdict agrees with it request for request.

openapi-core is the reference implementation of OpenAPI request validation; we don't call it per
paste (13–22 ms a request, and wrong on Stripe-style forms: see ../shared/OPENAPI_CORE_NOTES.md),
but where it is right, we must say the same: valid when it says valid, a finding when it finds one.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
import yaml
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest

from bridgebot.check import PastedRequest, check_request
from conftest import BRIDGE_SPEC

KEY = {"Api-Key": "$BRIDGE_API_KEY", "Idempotency-Key": "5b1f7a2e-0c1d-4f8e-9a55-1d2e3f4a5b6c"}
TRANSFER = {"on_behalf_of": "cust_1", "amount": "10.00",
            "source": {"currency": "usd", "payment_rail": "ach", "external_account_id": "ea_1"},
            "destination": {"currency": "usdc", "payment_rail": "ethereum", "to_address": "0xabc"}}

CASES = [
    ("valid transfer", "POST", "/v0/transfers", TRANSFER, KEY),
    ("amount as number", "POST", "/v0/transfers", {**TRANSFER, "amount": 10}, KEY),
    ("bad enum", "POST", "/v0/transfers", {**TRANSFER, "destination": {**TRANSFER["destination"], "currency": "usdd"}}, KEY),
    ("unknown field", "POST", "/v0/transfers", {**TRANSFER, "ammount": "1"}, KEY),
    ("missing required", "POST", "/v0/transfers", {k: v for k, v in TRANSFER.items() if k != "source"}, KEY),
    ("no idempotency key", "POST", "/v0/transfers", TRANSFER, {"Api-Key": KEY["Api-Key"]}),
    ("no auth", "POST", "/v0/transfers", TRANSFER, {"Idempotency-Key": KEY["Idempotency-Key"]}),
    ("valid wallet", "POST", "/v0/customers/abc123/wallets", {"chain": "base"}, KEY),
    ("wallet bad chain", "POST", "/v0/customers/abc123/wallets", {"chain": "tron"}, KEY),
    ("valid kyc link", "POST", "/v0/kyc_links", {"email": "a@b.co", "type": "individual"}, KEY),
    ("kyc bad email", "POST", "/v0/kyc_links", {"email": "nope", "type": "individual"}, KEY),
    ("valid list", "GET", "/v0/customers?limit=50", None, {"Api-Key": KEY["Api-Key"]}),
    ("limit too big", "GET", "/v0/customers?limit=500", None, {"Api-Key": KEY["Api-Key"]}),
    ("limit not a number", "GET", "/v0/customers?limit=ten", None, {"Api-Key": KEY["Api-Key"]}),
    ("valid webhook", "POST", "/v0/webhooks", {"url": "https://x.io/h", "event_epoch": "webhook_creation"}, KEY),
    ("webhook missing url", "POST", "/v0/webhooks", {"event_epoch": "webhook_creation"}, KEY),
    ("valid fees", "POST", "/v0/developer/fees", {"default_liquidation_address_fee_percent": "0.5"}, KEY),
]


@pytest.fixture(scope="module")
def openapi() -> OpenAPI:
    return OpenAPI.from_dict(yaml.safe_load(BRIDGE_SPEC.read_text()))


@pytest.mark.parametrize("name, method, path, body, headers", CASES, ids=[c[0] for c in CASES])
def test_same_verdict_as_openapi_core(openapi: OpenAPI, bridge_specs, name, method, path, body, headers) -> None:
    url = "https://api.bridge.xyz" + path
    data = json.dumps(body) if body is not None else None
    all_headers = {**headers, **({"Content-Type": "application/json"} if data else {})}
    parts = urlsplit(url)
    stock = openapi.unmarshal_request(MockRequest(
        "https://api.bridge.xyz", method.lower(), parts.path, args=dict(p.split("=") for p in parts.query.split("&"))
        if parts.query else None, headers=all_headers, data=data, content_type="application/json" if data else None))
    ours = check_request(PastedRequest(method, url, list(all_headers.items()), data), bridge_specs)
    stock_ok = not stock.errors
    ours_ok = not ours.findings
    assert ours.operation is not None
    assert ours_ok == stock_ok, (name, [f.message for f in ours.findings], [repr(e) for e in stock.errors])
    assert ours_ok == name.startswith("valid")
