#!/usr/bin/env python
"""Benchmark bridgebot's paste checker against stock openapi-core on real specs.

Measures, side by side, on the Stripe and GitHub specs:

* time until a *new process* is ready to check (warm spec cache), from process start to the
  first paste checked; stock openapi-core both as shipped (``OpenAPI.from_dict`` validates the
  spec) and with ``Config(spec_validator_cls=None)``;
* per-paste latency p50/p99 over a realistic set of pastes (bridgebot: ``check_paste`` on the
  Slack message text, so reading the paste is included; stock: ``unmarshal_request`` on the
  equivalent request, built ahead of time so parsing is *not* included);
* peak RSS of a fresh process with the spec loaded after checking 100 pastes.

Run from the project root with the project's venv:

    .venv/bin/python benchmarks/check.py            # full run, both specs (~3-4 min)
    .venv/bin/python benchmarks/check.py --quick    # smoke run (~30 s)
    .venv/bin/python benchmarks/check.py --spec stripe
    .venv/bin/python benchmarks/check.py --profile  # cProfile check_paste on Stripe

Specs are read from ../shared/specs beside the checkout (override with BRIDGEBOT_BENCH_SPECS); they are never
copied into the project. The spec cache is bridgebot's usual one (BRIDGEBOT_CACHE_DIR or
~/.cache/bridgebot); it is warmed in-process before any fresh process is timed.

Only the standard library is imported at module level, so the RSS child processes that re-run
this file measure bridgebot or openapi-core alone.
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
SPEC_DIR = Path(os.environ.get("BRIDGEBOT_BENCH_SPECS") or Path(__file__).resolve().parents[2] / "shared" / "specs")
SPECS = {
    "stripe": SPEC_DIR / "stripe-2023-08-16.json",
    "github": SPEC_DIR / "github-rest.json",
}

# Targets (bridgebot). None = no target for that cell.
TARGETS: dict[tuple[str, str], tuple[str, float]] = {
    ("stripe", "ready"): ("<=", 0.5),
    ("github", "ready"): ("<=", 2.0),
    ("stripe", "p50"): ("<=", 2.0),
    ("stripe", "p99"): ("<=", 10.0),
    ("stripe", "ratio"): (">=", 7.0),
    ("stripe", "rss"): ("<=", 120.0),
}

STRIPE_KEY = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"  # Stripe's published docs test key
GITHUB_TOKEN = "ghp_" + "x7Kq" * 9  # fake, shaped like a classic PAT


# --- the pastes -------------------------------------------------------------------------------

@dataclass
class Case:
    """One request, rendered both as a Slack message (bridgebot) and as a request object (stock)."""

    label: str
    method: str
    url: str
    expect_ok: bool = True
    headers: list[tuple[str, str]] = field(default_factory=list)
    form: list[tuple[str, str]] | None = None
    json_body: Any = None
    raw_body: str | None = None  # a body sent as typed (e.g. broken JSON)
    user: str | None = None  # curl -u
    get_data: bool = False  # curl -G: the -d pairs go to the query string
    intro: str = "this returns a 400, what am I doing wrong?"
    #: The same request as SDK code (issue 11): bridgebot reads this instead of a curl; stock
    #: gets the request it sends.
    sdk: str | None = None


def stripe_cases() -> list[Case]:
    H = "https://api.stripe.com"
    u = STRIPE_KEY + ":"
    bearer = [("Authorization", f"Bearer {STRIPE_KEY}")]
    env = "$STRIPE_SECRET_KEY:"
    c = [
        # valid
        Case("customer create, nested address + metadata", "POST", f"{H}/v1/customers", user=u,
             form=[("email", "jenny.rosen@example.com"), ("name", "Jenny Rosen"),
                   ("description", "My First Test Customer"), ("address[line1]", "510 Townsend St"),
                   ("address[city]", "San Francisco"), ("address[country]", "US"),
                   ("metadata[order_id]", "6735")]),
        Case("customer create, preferred_locales + expand[]", "POST", f"{H}/v1/customers", user=env,
             form=[("email", "a@example.com"), ("preferred_locales[]", "en"), ("preferred_locales[]", "fr"),
                   ("expand[]", "tax")]),
        Case("payment intent", "POST", f"{H}/v1/payment_intents", user=u,
             form=[("amount", "2000"), ("currency", "usd"), ("payment_method_types[]", "card"),
                   ("metadata[order_id]", "6735")]),
        Case("payment intent, automatic methods", "POST", f"{H}/v1/payment_intents", headers=bearer,
             form=[("amount", "1099"), ("currency", "eur"), ("automatic_payment_methods[enabled]", "true"),
                   ("customer", "cus_NffrFeUfNV2Hib")]),
        Case("subscription, items[0][price]", "POST", f"{H}/v1/subscriptions", user=u,
             form=[("customer", "cus_Na6dX7aXxi11N4"), ("items[0][price]", "price_1MowQULkdIwHu7ixraBm864M"),
                   ("items[0][quantity]", "2"), ("items[1][price]", "price_1MowQVLkdIwHu7ixeRlqHVzs"),
                   ("expand[]", "latest_invoice.payment_intent")]),
        Case("checkout session, line_items", "POST", f"{H}/v1/checkout/sessions", user=u,
             form=[("mode", "payment"), ("success_url", "https://example.com/success"),
                   ("line_items[0][price]", "price_H5ggYwtDq4fbrJ"), ("line_items[0][quantity]", "2")]),
        Case("price, recurring[interval]", "POST", f"{H}/v1/prices", user=env,
             form=[("unit_amount", "2000"), ("currency", "usd"), ("product", "prod_NWjs8kKbJWmuuc"),
                   ("recurring[interval]", "month")]),
        Case("product", "POST", f"{H}/v1/products", user=u,
             form=[("name", "Gold Special"), ("description", "Monthly plan"), ("metadata[tier]", "gold")]),
        Case("customer update, invoice_settings", "POST", f"{H}/v1/customers/cus_NffrFeUfNV2Hib", user=u,
             form=[("invoice_settings[default_payment_method]", "pm_1MqLiJLkdIwHu7ixUEgbFdYF")]),
        Case("refund", "POST", f"{H}/v1/refunds", user=u, form=[("charge", "ch_1NirD82eZvKYlo2CIvbtLWuY"),
                                                                 ("amount", "500")]),
        Case("invoice item", "POST", f"{H}/v1/invoiceitems", user=u,
             form=[("customer", "cus_NeZwdNtLEOXuvB"), ("amount", "2500"), ("currency", "usd"),
                   ("description", "One-time setup fee")]),
        Case("setup intent", "POST", f"{H}/v1/setup_intents", headers=bearer,
             form=[("customer", "cus_NeZwdNtLEOXuvB"), ("payment_method_types[]", "card"),
                   ("usage", "off_session")]),
        Case("webhook endpoint, enabled_events[]", "POST", f"{H}/v1/webhook_endpoints", user=u,
             form=[("url", "https://example.com/my/webhook/endpoint"), ("enabled_events[]", "charge.failed"),
                   ("enabled_events[]", "charge.succeeded")]),
        Case("list customers, query in URL", "GET", f"{H}/v1/customers?limit=3&email=jenny.rosen@example.com",
             user=u),
        Case("list customers, -G created[gte] expand[]", "GET", f"{H}/v1/customers", user=u, get_data=True,
             form=[("limit", "10"), ("created[gte]", "1690000000"), ("expand[]", "data.default_source")]),
        Case("list charges", "GET", f"{H}/v1/charges?customer=cus_NffrFeUfNV2Hib&limit=5", headers=bearer),
        Case("retrieve payment intent, expand[]", "GET",
             f"{H}/v1/payment_intents/pi_3MtwBwLkdIwHu7ix28a3tqPa?expand[]=customer", user=u),
        Case("delete customer", "DELETE", f"{H}/v1/customers/cus_NffrFeUfNV2Hib", user=u),
        Case("list subscriptions", "GET", f"{H}/v1/subscriptions?status=active&price=price_1MowQULkdIwHu7ix",
             user=env),
        Case("balance", "GET", f"{H}/v1/balance", user=u),
        # invalid
        Case("bad enum tax_exempt", "POST", f"{H}/v1/customers", user=u, expect_ok=False,
             form=[("email", "a@example.com"), ("tax_exempt", "sometimes")]),
        Case("unknown field emial", "POST", f"{H}/v1/customers", user=u, expect_ok=False,
             form=[("emial", "a@example.com"), ("name", "Jenny")]),
        Case("amount not an integer", "POST", f"{H}/v1/payment_intents", user=u, expect_ok=False,
             form=[("amount", "twenty"), ("currency", "usd")]),
        Case("amount missing", "POST", f"{H}/v1/payment_intents", user=u, expect_ok=False,
             form=[("currency", "usd"), ("payment_method_types[]", "card")]),
        Case("items[0][quantity]=two", "POST", f"{H}/v1/subscriptions", user=u, expect_ok=False,
             form=[("customer", "cus_Na6dX7aXxi11N4"), ("items[0][price]", "price_1MowQULkdIwHu7ix"),
                   ("items[0][quantity]", "two")]),
        Case("subscription without customer", "POST", f"{H}/v1/subscriptions", user=u, expect_ok=False,
             form=[("items[0][price]", "price_1MowQULkdIwHu7ix")]),
        Case("recurring[interval]=fortnight", "POST", f"{H}/v1/prices", user=u, expect_ok=False,
             form=[("unit_amount", "2000"), ("currency", "usd"), ("product", "prod_NWjs8kKbJWmuuc"),
                   ("recurring[interval]", "fortnight")]),
        Case("limit=abc", "GET", f"{H}/v1/customers?limit=abc", user=u, expect_ok=False),
        Case("checkout mode=payments", "POST", f"{H}/v1/checkout/sessions", user=u, expect_ok=False,
             form=[("mode", "payments"), ("success_url", "https://example.com/success"),
                   ("line_items[0][price]", "price_H5ggYwtDq4fbrJ"), ("line_items[0][quantity]", "1")]),
        Case("confirm=maybe (boolean)", "POST", f"{H}/v1/payment_intents", user=u, expect_ok=False,
             form=[("amount", "2000"), ("currency", "usd"), ("confirm", "maybe")]),
        Case("capture_method enum", "POST", f"{H}/v1/payment_intents", headers=bearer, expect_ok=False,
             form=[("amount", "2000"), ("currency", "usd"), ("capture_method", "later")]),
        Case("unknown path /v1/customer", "POST", f"{H}/v1/customer", user=u, expect_ok=False,
             form=[("email", "a@example.com")]),
        Case("unknown path /v1/customers/{id}/charges", "GET", f"{H}/v1/customers/cus_NffrFeUfNV2Hib/charges",
             user=u, expect_ok=False),
        Case("wrong method PUT customer", "PUT", f"{H}/v1/customers/cus_NffrFeUfNV2Hib", user=u, expect_ok=False,
             form=[("name", "Jenny")]),
        Case("wrong method DELETE charge", "DELETE", f"{H}/v1/charges/ch_1NirD82eZvKYlo2CIvbtLWuY", user=u,
             expect_ok=False),
        Case("no credentials", "POST", f"{H}/v1/customers", expect_ok=False,
             form=[("email", "a@example.com")]),
        Case("metadata as a string + bad address key", "POST", f"{H}/v1/customers", user=u, expect_ok=False,
             form=[("address[city]", "Berlin"), ("address[zip]", "10115"), ("metadata", "order=1")]),
        # SDK calls (issue 11): the same requests as code, read with tree-sitter
        Case("sdk:javascript customer create", "POST", f"{H}/v1/customers", user=u,
             form=[("email", "jenny.rosen@example.com"), ("name", "Jenny Rosen"), ("address[city]", "Berlin"),
                   ("metadata[order_id]", "6735")],
             sdk="const customer = await stripe.customers.create({\n  email: 'jenny.rosen@example.com',\n"
                 "  name: 'Jenny Rosen',\n  address: {city: 'Berlin'},\n  metadata: {order_id: '6735'},\n});"),
        Case("sdk:python payment intent", "POST", f"{H}/v1/payment_intents", user=u,
             form=[("amount", "2000"), ("currency", "usd"), ("automatic_payment_methods[enabled]", "true")],
             sdk="import stripe\nintent = stripe.PaymentIntent.create(\n    amount=2000,\n    currency='usd',\n"
                 "    automatic_payment_methods={'enabled': True},\n)"),
        Case("sdk:ruby checkout session", "POST", f"{H}/v1/checkout/sessions", user=u,
             form=[("mode", "payment"), ("success_url", "https://example.com/ok"),
                   ("line_items[0][price]", "price_123"), ("line_items[0][quantity]", "1")],
             sdk="session = Stripe::Checkout::Session.create({\n  mode: 'payment',\n"
                 "  success_url: 'https://example.com/ok',\n  line_items: [{price: 'price_123', quantity: 1}],\n})"),
        Case("sdk:php invoices all", "GET", f"{H}/v1/invoices?limit=3&customer=cus_123", user=u,
             sdk="$invoices = $stripe->invoices->all(['limit' => 3, 'customer' => 'cus_123']);"),
        Case("sdk:java price builder", "POST", f"{H}/v1/prices", user=u,
             form=[("currency", "usd"), ("unit_amount", "1000"), ("product", "prod_123")],
             sdk="import com.stripe.model.Price;\nPriceCreateParams params = PriceCreateParams.builder()\n"
                 "  .setCurrency(\"usd\")\n  .setUnitAmount(1000L)\n  .setProduct(\"prod_123\")\n  .build();\n"
                 "Price price = Price.create(params);"),
        Case("sdk:csharp customer update", "POST", f"{H}/v1/customers/cus_123", user=u,
             form=[("description", "VIP")],
             sdk="var service = new CustomerService();\nservice.Update(\"cus_123\", new CustomerUpdateOptions "
                 "{ Description = \"VIP\" }); // Stripe.net"),
        Case("sdk:go customer new", "POST", f"{H}/v1/customers", user=u, form=[("email", "a@example.com")],
             sdk='import "github.com/stripe/stripe-go/v76/customer"\n\nc, err := customer.New('
                 '&stripe.CustomerParams{Email: stripe.String("a@example.com")})'),
        Case("sdk:javascript days_until_due=ten", "POST", f"{H}/v1/invoices", user=u, expect_ok=False,
             form=[("customer", "cus_123"), ("days_until_due", "ten")],
             sdk="await stripe.invoices.create({customer: 'cus_123', days_until_due: 'ten'});"),
    ]
    return c


def github_cases() -> list[Case]:
    H = "https://api.github.com"
    auth = [("Accept", "application/vnd.github+json"), ("Authorization", f"Bearer {GITHUB_TOKEN}"),
            ("X-GitHub-Api-Version", "2022-11-28")]
    env = [("Accept", "application/vnd.github+json"), ("Authorization", "Bearer $GITHUB_TOKEN")]
    R = f"{H}/repos/octocat/hello-world"
    c = [
        # valid
        Case("create issue", "POST", f"{R}/issues", headers=auth,
             json_body={"title": "Found a bug", "body": "I am having a problem with this.",
                        "assignees": ["octocat"], "labels": ["bug"]}),
        Case("create pull", "POST", f"{R}/pulls", headers=auth,
             json_body={"title": "Amazing new feature", "body": "Please pull these awesome changes in!",
                        "head": "octocat:new-feature", "base": "master", "draft": True}),
        Case("close issue", "PATCH", f"{R}/issues/42", headers=env,
             json_body={"state": "closed", "state_reason": "completed"}),
        Case("issue comment", "POST", f"{R}/issues/42/comments", headers=auth, json_body={"body": "Me too"}),
        Case("create label", "POST", f"{R}/labels", headers=auth,
             json_body={"name": "bug", "description": "Something is not working", "color": "f29513"}),
        Case("create user repo", "POST", f"{H}/user/repos", headers=auth,
             json_body={"name": "Hello-World", "description": "This is your first repo!",
                        "homepage": "https://github.com", "private": False, "is_template": True}),
        Case("create org repo", "POST", f"{H}/orgs/acme/repos", headers=env,
             json_body={"name": "internal-tools", "visibility": "private", "has_issues": True}),
        Case("create ref", "POST", f"{R}/git/refs", headers=auth,
             json_body={"ref": "refs/heads/featureA", "sha": "aa218f56b14c9653891f9e74264a383fa43fefbd"}),
        Case("workflow dispatch", "POST", f"{R}/actions/workflows/ci.yml/dispatches", headers=auth,
             json_body={"ref": "topic-branch", "inputs": {"name": "Mona the Octocat", "home": "San Francisco"}}),
        Case("create release", "POST", f"{R}/releases", headers=auth,
             json_body={"tag_name": "v1.0.0", "target_commitish": "master", "name": "v1.0.0",
                        "body": "Description of the release", "draft": False, "prerelease": False,
                        "generate_release_notes": False}),
        Case("list issues", "GET", f"{R}/issues?state=open&labels=bug,ui&per_page=50&page=2", headers=auth),
        Case("search repositories", "GET", f"{H}/search/repositories?q=tetris+language:assembly&sort=stars&order=desc",
             headers=auth),
        Case("list pulls", "GET", f"{R}/pulls?state=all&base=main&per_page=100", headers=env),
        Case("get user", "GET", f"{H}/user", headers=auth),
        Case("list commits", "GET", f"{R}/commits?sha=main&since=2024-01-01T00:00:00Z", headers=auth),
        Case("merge pull", "PUT", f"{R}/pulls/7/merge", headers=auth,
             json_body={"commit_title": "Expand enum", "commit_message": "Add a new value", "merge_method": "squash"}),
        Case("list org members", "GET", f"{H}/orgs/acme/members?role=admin&per_page=30", headers=auth),
        Case("delete label", "DELETE", f"{R}/labels/bug", headers=auth),
        Case("put contents", "PUT", f"{R}/contents/README.md", headers=auth,
             json_body={"message": "my commit message", "content": "bXkgbmV3IGZpbGUgY29udGVudHM=",
                        "branch": "main", "committer": {"name": "Monalisa Octocat", "email": "octocat@github.com"}}),
        Case("create hook", "POST", f"{R}/hooks", headers=auth,
             json_body={"name": "web", "active": True, "events": ["push", "pull_request"],
                        "config": {"url": "https://example.com/webhook", "content_type": "json", "insecure_ssl": "0"}}),
        # invalid
        Case("issue without title", "POST", f"{R}/issues", headers=auth, expect_ok=False,
             json_body={"body": "no title here"}),
        Case("issue labels as string", "POST", f"{R}/issues", headers=auth, expect_ok=False,
             json_body={"title": "x", "labels": "bug"}),
        Case("pull without base", "POST", f"{R}/pulls", headers=auth, expect_ok=False,
             json_body={"title": "x", "head": "feature"}),
        Case("issue state=done", "PATCH", f"{R}/issues/42", headers=auth, expect_ok=False,
             json_body={"state": "done"}),
        Case("private=yes", "POST", f"{H}/user/repos", headers=auth, expect_ok=False,
             json_body={"name": "x", "private": "yes"}),
        Case("state=opened (query enum)", "GET", f"{R}/issues?state=opened", headers=auth, expect_ok=False),
        Case("per_page=abc", "GET", f"{R}/issues?per_page=abc", headers=auth, expect_ok=False),
        Case("unknown path /issue", "GET", f"{R}/issue", headers=auth, expect_ok=False),
        Case("wrong method DELETE issue", "DELETE", f"{R}/issues/42", headers=auth, expect_ok=False),
        Case("trailing comma JSON", "POST", f"{R}/labels", headers=auth, expect_ok=False,
             raw_body='{"name": "bug", "color": "f29513",}'),
        Case("search without q", "GET", f"{H}/search/repositories?sort=stars", headers=auth, expect_ok=False),
        Case("release without tag_name", "POST", f"{R}/releases", headers=auth, expect_ok=False,
             json_body={"name": "v1.0.0"}),
        Case("comment body is a number", "POST", f"{R}/issues/42/comments", headers=auth, expect_ok=False,
             json_body={"body": 5}),
        Case("merge_method=fast-forward", "PUT", f"{R}/pulls/7/merge", headers=auth, expect_ok=False,
             json_body={"merge_method": "fast-forward"}),
        Case("unknown path /repo/{o}/{r}", "GET", f"{H}/repo/octocat/hello-world", headers=auth, expect_ok=False),
        Case("create ref without sha", "POST", f"{R}/git/refs", headers=env, expect_ok=False,
             json_body={"ref": "refs/heads/featureA"}),
        # SDK calls (issue 11)
        Case("sdk:javascript octokit issue", "POST", f"{R}/issues", headers=auth,
             json_body={"title": "Found a bug", "labels": ["bug"]},
             sdk="await octokit.rest.issues.create({\n  owner: 'octocat',\n  repo: 'hello-world',\n"
                 "  title: 'Found a bug',\n  labels: ['bug'],\n});"),
        Case("sdk:javascript octokit.request pull", "POST", f"{R}/pulls", headers=auth,
             json_body={"title": "x", "head": "feature", "base": "main"},
             sdk='await octokit.request("POST /repos/{owner}/{repo}/pulls", {\n  owner: "octocat",\n'
                 '  repo: "hello-world",\n  title: "x",\n  head: "feature",\n  base: "main",\n});'),
        Case("sdk:python pygithub pull", "POST", f"{R}/pulls", headers=auth,
             json_body={"title": "x", "head": "feature", "base": "main"},
             sdk="from github import Github\n# repo = Github(token).get_repo(name)\n"
                 "pr = repo.create_pull(title='x', head='feature', base='main')"),
        Case("sdk:go go-github issue labels string", "POST", f"{R}/issues", headers=auth, expect_ok=False,
             json_body={"title": "x", "labels": "bug"},
             sdk='client := github.NewClient(nil)\nissue, _, err := client.Issues.Create(ctx, "octocat", '
                 '"hello-world", &github.IssueRequest{Title: github.String("x"), Labels: github.String("bug")})'),
    ]
    return c


CASES = {"stripe": stripe_cases, "github": github_cases}


def _q(s: str) -> str:
    """Quote an argument the way people do in shell."""
    if re.fullmatch(r"[\w@%+=:,./$-]+", s):
        return s
    if "'" not in s and ("$" in s or '"' in s):
        return "'" + s + "'"
    return '"' + s.replace('"', '\\"') + '"'


def _slack(text: str, url: str) -> str:
    """Escape like Slack delivers message text: HTML entities, URL wrapped in <...>."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    esc = url.replace("&", "&amp;")
    return text.replace(esc, f"<{esc}>", 1)


def paste_text(case: Case) -> str:
    """The Slack message a developer would post for ``case``: a sentence and a curl in a code block."""
    if case.sdk is not None:
        code = case.sdk.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f"{case.intro}\n```{code}```"
    lines = [f"curl {_q(case.url) if '?' in case.url else case.url}"]
    if case.get_data:
        lines[0] = f"curl -G {case.url}"
    elif case.method != "GET" and not (case.method == "POST" and (case.form or case.json_body is not None
                                                                  or case.raw_body)):
        lines.append(f"-X {case.method}")
    if case.user:
        lines.append(f"-u {_q(case.user)}")
    for k, v in case.headers:
        lines.append(f"-H {_q(f'{k}: {v}')}")
    if case.json_body is not None or case.raw_body is not None:
        body = case.raw_body if case.raw_body is not None else json.dumps(case.json_body)
        lines.append('-H "Content-Type: application/json"')
        lines.append(f"-d '{body}'")
    for k, v in case.form or []:
        key = f'"{k}"' if "[" in k else k
        lines.append(f"-d {key}={_q(v)}")
    curl = " \\\n  ".join(lines)
    return _slack(f"{case.intro}\n```{curl}```", case.url)


def stock_parts(case: Case) -> dict[str, Any]:
    """The same request as plain data (what the stock request object is built from)."""
    parts = urlsplit(case.url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    headers = {k: v for k, v in case.headers}
    if case.user:
        headers["Authorization"] = "Basic " + base64.b64encode(case.user.encode()).decode()
    body: str | None = None
    content_type = ""
    if case.get_data:
        query += list(case.form or [])
    elif case.form is not None:
        body, content_type = urlencode(case.form), "application/x-www-form-urlencoded"
    elif case.json_body is not None or case.raw_body is not None:
        body = case.raw_body if case.raw_body is not None else json.dumps(case.json_body)
        content_type = "application/json"
    if content_type:
        headers["Content-Type"] = content_type
    return {"host_url": f"{parts.scheme}://{parts.netloc}", "method": case.method.lower(), "path": parts.path,
            "query": query, "headers": headers, "body": body, "content_type": content_type}


# --- stock openapi-core -----------------------------------------------------------------------

_SEG = re.compile(r"\[([^\[\]]*)\]")


def deep_object_loads(explode: bool, name: str, schema_type: str, location: Any) -> Any:
    """A deepObject style deserializer that reads Stripe's nested forms.

    Replaces openapi-core 0.23.1's ``deep_object_loads``, which raises "not available" unless the
    schema's top-level ``type`` is ``object`` (Stripe's ``anyOf: [object, enum [""]]`` has none)
    and reads one level only. This one reads ``items[0][price]``, ``expand[]``, ``metadata[k]``
    and a plain ``name=value`` (e.g. ``created=123``, ``metadata=``), then lets the caster and the
    schema validator do the rest.
    """
    prefix = name + "["
    items = location.items(multi=True) if hasattr(location, "getlist") else location.items()
    pairs = []
    for key, value in items:
        if key == name:
            return value
        if key.startswith(prefix):
            pairs.append((_SEG.findall(key, len(name)), value))
    if not pairs:
        raise KeyError(name)
    root: dict[str, Any] = {}
    for parts, value in pairs:
        node = root
        for i, part in enumerate(parts):
            if part == "":
                part = str(len(node))  # key[] appends
            if i == len(parts) - 1:
                node[part] = value
            else:
                child = node.setdefault(part, {})
                if not isinstance(child, dict):
                    raise ValueError(f"conflicting keys under {name}")
                node = child

    def listify(n: Any) -> Any:
        if isinstance(n, dict):
            n = {k: listify(v) for k, v in n.items()}
            if n and all(k.isdigit() for k in n):
                return [n[k] for k in sorted(n, key=int)]
        return n

    return listify(root)


def stock_openapi(spec_path: Path, *, validate: bool, deep_fix: bool) -> Any:
    from openapi_core import Config, OpenAPI

    kwargs: dict[str, Any] = {}
    if not validate:
        kwargs["spec_validator_cls"] = None
    if deep_fix:
        from openapi_core.casting.schemas import oas30_write_schema_casters_factory
        from openapi_core.deserializing.styles import StyleDeserializersFactory, style_deserializers

        kwargs["style_deserializers_factory"] = StyleDeserializersFactory(
            oas30_write_schema_casters_factory,
            style_deserializers={**style_deserializers, "deepObject": deep_object_loads},
        )
    with open(spec_path, "rb") as f:
        return OpenAPI.from_dict(json.load(f), config=Config(**kwargs))


class StockRequest:
    """A minimal openapi-core Request (the protocol: host_url, path, method, parameters, body, content_type)."""

    def __init__(self, parts: dict[str, Any]) -> None:
        from openapi_core.datatypes import RequestParameters
        from werkzeug.datastructures import Headers, ImmutableMultiDict

        self.host_url = parts["host_url"]
        self.path = parts["path"]
        self.method = parts["method"]
        self.body = parts["body"].encode() if parts["body"] is not None else None
        self.content_type = parts["content_type"]
        self.parameters = RequestParameters(
            path={}, query=ImmutableMultiDict(parts["query"]), header=Headers(parts["headers"]),
            cookie=ImmutableMultiDict(),
        )


def stock_verdict(result: Any) -> tuple[bool, str]:
    if not result.errors:
        return True, ""
    e = result.errors[0]
    cause = e.__cause__
    return False, f"{type(e).__name__}" + (f" <- {type(cause).__name__}{getattr(cause, 'args', '')}" if cause else "")


# --- fresh-process measurements ----------------------------------------------------------------

BRIDGEBOT_READY = r"""
import time, sys, json, resource
t0 = time.monotonic()
from bridgebot.check import SpecSet, check_paste
t1 = time.monotonic()
s = SpecSet.load([sys.argv[1]])
t2 = time.monotonic()
r = check_paste(sys.argv[2], s)
t3 = time.monotonic()
print(json.dumps({"ready": t3, "start": t0, "import": t1 - t0, "load": t2 - t1, "first": t3 - t2,
                  "requests": len(r.requests)}))
"""

STOCK_READY = r"""
import time, sys, json, resource
t0 = time.monotonic()
from openapi_core import OpenAPI, Config
from openapi_core.testing import MockRequest
t1 = time.monotonic()
cfg = Config(spec_validator_cls=None) if sys.argv[2] == "novalidate" else Config()
api = OpenAPI.from_dict(json.load(open(sys.argv[1], "rb")), config=cfg)
t2 = time.monotonic()
p = json.loads(sys.argv[3])
req = MockRequest(p["host_url"], p["method"], p["path"], args=dict(p["query"]), headers=p["headers"],
                  data=p["body"].encode() if p["body"] is not None else None, content_type=p["content_type"])
res = api.unmarshal_request(req)
t3 = time.monotonic()
try:  # VmHWM: this process's own peak (ru_maxrss would include the parent's size at fork, see measure_rss)
    hwm = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0])
except OSError:
    hwm = None
print(json.dumps({"ready": t3, "start": t0, "import": t1 - t0, "load": t2 - t1, "first": t3 - t2,
                  "rss_kb": hwm}))
"""


def _run_child(args: list[str], timeout: float = 300) -> tuple[float, dict[str, Any]]:
    t0 = time.monotonic()  # CLOCK_MONOTONIC: comparable across processes on one machine
    proc = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"child failed ({' '.join(args[:2])}): {proc.stderr.strip()[-2000:]}")
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    return info["ready"] - t0, info


def ready_bridgebot(spec: str, paste: str, runs: int) -> dict[str, Any]:
    results = [_run_child(["-c", BRIDGEBOT_READY, str(SPECS[spec]), paste]) for _ in range(runs)]
    return _summarize(results)


def ready_stock(spec: str, parts: dict[str, Any], runs: int, validate: bool) -> dict[str, Any]:
    mode = "validate" if validate else "novalidate"
    results = [_run_child(["-c", STOCK_READY, str(SPECS[spec]), mode, json.dumps(parts)]) for _ in range(runs)]
    return _summarize(results)


def _summarize(results: list[tuple[float, dict[str, Any]]]) -> dict[str, Any]:
    out: dict[str, Any] = {"ready": statistics.median(r for r, _ in results), "n": len(results)}
    for k in ("import", "load", "first"):
        out[k] = statistics.median(i[k] for _, i in results)
    out["startup"] = statistics.median(r - (i["import"] + i["load"] + i["first"]) for r, i in results)
    if results[0][1].get("rss_kb"):
        out["rss_mb"] = max(i["rss_kb"] for _, i in results) / 1024
    return out


def rss_child(kind: str, spec: str, n: int = 100) -> None:
    """Child-process entry: load the spec, check ``n`` pastes, print peak RSS (MB)."""
    import resource

    cases = CASES[spec]()
    if kind == "bridgebot":
        from bridgebot.check import SpecSet, check_paste

        s = SpecSet.load([SPECS[spec]])
        texts = [paste_text(c) for c in cases]
        for i in range(n):
            check_paste(texts[i % len(texts)], s)
    else:
        api = stock_openapi(SPECS[spec], validate=False, deep_fix=True)
        reqs = [StockRequest(stock_parts(c)) for c in cases]
        for i in range(n):
            api.unmarshal_request(reqs[i % len(reqs)])
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"rss_mb": rss / 1024 if sys.platform != "darwin" else rss / 1024 / 1024}))


#: Starts the measured process from a small intermediate one. On Linux, ru_maxrss survives
#: execve: a child forked straight from this (large) benchmark process would report this process's
#: size at fork time as its own peak. The intermediate process is small, so its children are not.
_LAUNCHER = "import subprocess, sys; sys.exit(subprocess.call(sys.argv[1:]))"


def measure_rss(kind: str, spec: str) -> float:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--_rss-child", kind, "--spec", spec]
    proc = subprocess.run([sys.executable, "-c", _LAUNCHER, *cmd], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    if proc.returncode != 0:
        raise RuntimeError(f"rss child failed: {proc.stderr.strip()[-2000:]}")
    return float(json.loads(proc.stdout.strip().splitlines()[-1])["rss_mb"])


# --- in-process latency -----------------------------------------------------------------------

def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def latency(spec: str, total: int) -> dict[str, Any]:
    from bridgebot.check import SpecSet, check_paste

    cases = CASES[spec]()
    texts = [paste_text(c) for c in cases]
    spec_set = SpecSet.load([SPECS[spec]])
    rounds = max(1, math.ceil(total / len(cases)))
    pc = time.perf_counter

    # bridgebot: verdicts (ignoring secret_exposed, which every pasted key rightly gets) + warm-up
    bb_ok = []
    for c, t in zip(cases, texts):
        r = check_paste(t, spec_set)
        assert len(r.requests) == 1, (c.label, r.to_dict())
        bb_ok.append(not [f for f in r.findings if f.kind != "secret_exposed"])
    bb_times: list[float] = []
    bb_by_case: list[list[float]] = [[] for _ in cases]
    for _ in range(rounds):
        for i, t in enumerate(texts):
            t0 = pc()
            check_paste(t, spec_set)
            dt = pc() - t0
            bb_times.append(dt)
            bb_by_case[i].append(dt)

    # The same pastes side by side: direct, through the bounded runner (a worker process, as the
    # Slack app checks), and under the CLI's in-process guard (SIGALRM).
    from bridgebot.check.bounded import BoundedChecker, check_inline

    side: dict[str, list[float]] = {"direct": [], "bounded": [], "inline": []}
    with BoundedChecker(spec_set, budget=30.0) as bounded:
        for t in texts:
            assert bounded.check(t).incomplete is None  # warm-up, and the worker gives full results
        for _ in range(max(1, rounds // 2)):
            for t in texts:
                for name, run in (("direct", lambda: check_paste(t, spec_set)), ("bounded", lambda: bounded.check(t)),
                                  ("inline", lambda: check_inline(t, spec_set, 30.0))):
                    t0 = pc()
                    run()
                    side[name].append(pc() - t0)

    # stock as shipped: verdicts only (one pass), to count what it rejects
    shipped = stock_openapi(SPECS[spec], validate=False, deep_fix=False)
    reqs = [StockRequest(stock_parts(c)) for c in cases]
    shipped_ok = [stock_verdict(shipped.unmarshal_request(r)) for r in reqs]
    del shipped

    # stock with the deepObject deserializer: verdicts + warm-up (first-call costs), then timed
    api = stock_openapi(SPECS[spec], validate=False, deep_fix=True)
    st_ok = [stock_verdict(api.unmarshal_request(r)) for r in reqs]
    st_times: list[float] = []
    for _ in range(rounds):
        for r in reqs:
            t0 = pc()
            api.unmarshal_request(r)
            st_times.append(pc() - t0)

    med = [statistics.median(v) for v in bb_by_case]
    slowest = sorted(range(len(cases)), key=lambda i: -med[i])[:3]
    # SDK pastes (issue 11): their check times, and the tree-sitter parse alone.
    from bridgebot.check.readers.sdk import _blocks, detect_language
    from bridgebot.check.readers.sdk.base import parser
    sdk_idx = [i for i, c in enumerate(cases) if c.sdk is not None]
    sdk_times = [t for i in sdk_idx for t in bb_by_case[i]]
    parse_times: list[float] = []
    for i in sdk_idx:
        from bridgebot.check.paste import unslack
        blocks = [b for b in _blocks(unslack(texts[i])) if b[1].strip()]
        _, block, tag = blocks[-1]
        lang = detect_language(block, tag) or "javascript"
        raw = block.encode()
        for _ in range(rounds):
            t0 = pc()
            parser(lang).parse(raw)
            parse_times.append(pc() - t0)
    return {
        "cases": cases, "n_checks": len(bb_times),
        "bb_p50": pct(bb_times, 50) * 1e3, "bb_p99": pct(bb_times, 99) * 1e3,
        "st_p50": pct(st_times, 50) * 1e3, "st_p99": pct(st_times, 99) * 1e3,
        "bb_ok": bb_ok, "st_ok": st_ok, "shipped_ok": shipped_ok,
        "slowest": [(cases[i].label, med[i] * 1e3) for i in slowest],
        "sdk_n": len(sdk_idx),
        "sdk_p50": pct(sdk_times, 50) * 1e3 if sdk_times else None,
        "sdk_p99": pct(sdk_times, 99) * 1e3 if sdk_times else None,
        "parse_p50": pct(parse_times, 50) * 1e3 if parse_times else None,
        "parse_p99": pct(parse_times, 99) * 1e3 if parse_times else None,
        "side": {k: (pct(v, 50) * 1e3, pct(v, 99) * 1e3) for k, v in side.items()},
    }


# --- report -----------------------------------------------------------------------------------

def status(spec: str, key: str, value: float | None) -> str:
    t = TARGETS.get((spec, key))
    if t is None or value is None:
        return ""
    op, limit = t
    ok = value <= limit if op == "<=" else value >= limit
    return "PASS" if ok else "MISS"


def target_text(spec: str, key: str, unit: str) -> str:
    t = TARGETS.get((spec, key))
    if t is None:
        return "-"
    op = "≤" if t[0] == "<=" else "≥"
    return f"{op} {t[1]:g}{unit}"


def fmt_s(x: float | None) -> str:
    return "-" if x is None else (f"{x:.2f} s" if x < 10 else f"{x:.1f} s")


def fmt_ms(x: float) -> str:
    return f"{x:.2f} ms" if x < 10 else f"{x:.1f} ms"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or a == 0:
        return "-"
    return f"{b / a:.1f}×"


def print_table(rows: list[list[str]]) -> None:
    header = ["spec", "metric", "bridgebot", "stock", "ratio", "target", "status"]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join("{:<%d}" % w for w in widths)
    print(line.format(*header))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line.format(*r))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spec", choices=["stripe", "github", "both"], default="both")
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: fewer iterations, skip GitHub's stock validated load (~40 s)")
    ap.add_argument("--profile", action="store_true", help="cProfile bridgebot's check_paste on Stripe and exit")
    ap.add_argument("--_rss-child", dest="rss_child", choices=["bridgebot", "stock"], help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.rss_child:
        rss_child(args.rss_child, args.spec)
        return 0
    if args.profile:
        return profile()

    specs = ["stripe", "github"] if args.spec == "both" else [args.spec]
    missing = [str(SPECS[s]) for s in specs if not SPECS[s].exists()]
    if missing:
        print(f"spec files not found: {', '.join(missing)} (set BRIDGEBOT_BENCH_SPECS)", file=sys.stderr)
        return 2
    ready_runs = 3 if args.quick else 5
    total_checks = 200 if args.quick else 2000

    from bridgebot.check import SpecSet

    started = time.monotonic()
    rows: list[list[str]] = []
    notes: list[str] = []
    for spec in specs:
        cases = CASES[spec]()
        t = time.monotonic()
        SpecSet.load([SPECS[spec]])  # warm the cache (compiles + validates once if it is cold)
        print(f"[{spec}] cache warm ({time.monotonic() - t:.2f} s in-process)",
              file=sys.stderr, flush=True)
        # Latency first: the long stock validation runs below heat the machine up.
        print(f"[{spec}] per-paste latency ({total_checks} checks each)...", file=sys.stderr, flush=True)
        lat = latency(spec, total_checks)
        print(f"[{spec}] peak RSS...", file=sys.stderr, flush=True)
        rss_bb, rss_st = measure_rss("bridgebot", spec), measure_rss("stock", spec)
        print(f"[{spec}] time to ready, fresh processes...", file=sys.stderr, flush=True)
        first = cases[0]
        bb = ready_bridgebot(spec, paste_text(first), ready_runs)
        nv = ready_stock(spec, stock_parts(first), ready_runs, validate=False)
        val_runs = 0 if (args.quick and spec == "github") else (1 if (args.quick or spec == "github") else 3)
        va = ready_stock(spec, stock_parts(first), val_runs, validate=True) if val_runs else None

        vlabel = f"stock validated (n={val_runs})" if val_runs else "stock validated (skipped)"
        rows.append([spec, f"ready, fresh process (median of {bb['n']}) vs {vlabel}",
                     fmt_s(bb["ready"]), fmt_s(va["ready"]) if va else "skipped", ratio(bb["ready"], va and va["ready"]),
                     target_text(spec, "ready", " s"), status(spec, "ready", bb["ready"])])
        rows.append([spec, f"ready vs stock spec_validator_cls=None (n={nv['n']})", fmt_s(bb["ready"]),
                     fmt_s(nv["ready"]), ratio(bb["ready"], nv["ready"]), "", ""])
        ratio50, ratio99 = lat["st_p50"] / lat["bb_p50"], lat["st_p99"] / lat["bb_p99"]
        for q in ("p50", "p99"):
            b, s_ = lat[f"bb_{q}"], lat[f"st_{q}"]
            r = s_ / b
            st = [x for x in (status(spec, q, b), status(spec, "ratio", r)) if x]
            tt = ", ".join(x for x in (target_text(spec, q, " ms"), target_text(spec, "ratio", "×")) if x != "-")
            rows.append([spec, f"per paste {q} ({lat['n_checks']} checks, {len(lat['cases'])} pastes)",
                         fmt_ms(b), fmt_ms(s_), f"{r:.1f}×", tt or "-",
                         ("MISS" if "MISS" in st else "PASS") if st else ""])
        rows.append([spec, "peak RSS, load + 100 checks (stock: no spec validation)", f"{rss_bb:.0f} MB",
                     f"{rss_st:.0f} MB", f"{rss_st / rss_bb:.1f}×", target_text(spec, "rss", " MB"),
                     status(spec, "rss", rss_bb)])

        notes.append(f"{spec}: bridgebot ready = {bb['startup']:.2f} s interpreter start + {bb['import']:.2f} s import "
                     f"+ {bb['load']:.2f} s SpecSet.load (cache) + {bb['first'] * 1e3:.0f} ms first check")
        notes.append(f"{spec}: stock spec_validator_cls=None ready = {nv['startup']:.2f} s start + {nv['import']:.2f} s "
                     f"import + {nv['load']:.2f} s json+from_dict + {nv['first'] * 1e3:.0f} ms first call "
                     "(the lazy first-call cost)")
        if va:
            peak = f"; peak RSS {va['rss_mb']:.0f} MB (VmHWM)" if "rss_mb" in va else ""
            notes.append(f"{spec}: stock validated ready = {va['import']:.2f} s import + {va['load']:.1f} s "
                         f"from_dict (validation) + {va['first'] * 1e3:.0f} ms first call{peak}")
        n = len(lat["cases"])
        exp = [c.expect_ok for c in lat["cases"]]
        agree_bb = sum(a == e for a, e in zip(lat["bb_ok"], exp))
        agree_st = sum(a == e for (a, _), e in zip(lat["st_ok"], exp))
        rejected = [why for (ok, why), e in zip(lat["shipped_ok"], exp) if e and not ok]
        deep_rej = sum("deepObject" in w for w in rejected)
        notes.append(f"{spec}: verdict matches the expected one: bridgebot {agree_bb}/{n}, stock+deepObject fix "
                     f"{agree_st}/{n}; stock as shipped rejects {len(rejected)}/{sum(exp)} valid requests"
                     + (f" ({deep_rej} on deepObject)" if rejected else ""))
        wrong_st = [c.label for (ok, _), c in zip(lat["st_ok"], lat["cases"]) if ok != c.expect_ok]
        wrong_bb = [c.label for ok, c in zip(lat["bb_ok"], lat["cases"]) if ok != c.expect_ok]
        if wrong_bb:
            notes.append(f"{spec}:   bridgebot differs on: {'; '.join(wrong_bb)}")
        if wrong_st:
            notes.append(f"{spec}:   stock+fix differs on: {'; '.join(wrong_st)}")
        s = lat["side"]
        notes.append(f"{spec}: per paste p50/p99 side by side: direct {s['direct'][0]:.2f}/{s['direct'][1]:.2f} ms, "
                     f"bounded runner (worker process, the Slack app) {s['bounded'][0]:.2f}/{s['bounded'][1]:.2f} ms "
                     f"(+{s['bounded'][0] - s['direct'][0]:.2f} ms p50), CLI guard (SIGALRM) "
                     f"{s['inline'][0]:.2f}/{s['inline'][1]:.2f} ms")
        notes.append(f"{spec}: slowest bridgebot pastes (median): "
                     + "; ".join(f"{lbl} {ms:.2f} ms" for lbl, ms in lat["slowest"]))
        if lat.get("sdk_n"):
            notes.append(f"{spec}: {lat['sdk_n']} SDK-code pastes in the mix: check_paste p50 "
                         f"{lat['sdk_p50']:.2f} ms, p99 {lat['sdk_p99']:.2f} ms; of which the tree-sitter parse "
                         f"alone p50 {lat['parse_p50']:.3f} ms, p99 {lat['parse_p99']:.3f} ms")

    print()
    print(f"bridgebot vs stock openapi-core {_stock_version()}, Python {sys.version.split()[0]}"
          f"{' (--quick)' if args.quick else ''}; ratio = stock / bridgebot")
    print_table(rows)
    print()
    print("stock per-paste = unmarshal_request on prebuilt requests, with a deepObject style deserializer "
          "passed via Config(style_deserializers_factory=...) (stock as shipped rejects Stripe's forms)")
    for n_ in notes:
        print("  " + n_)
    print(f"total {time.monotonic() - started:.0f} s")
    return 0


def _stock_version() -> str:
    try:
        from importlib.metadata import version

        return version("openapi-core")
    except Exception:
        return "?"


def profile() -> int:
    import cProfile
    import pstats

    from bridgebot.check import SpecSet, check_paste

    s = SpecSet.load([SPECS["stripe"]])
    texts = [paste_text(c) for c in stripe_cases()]
    for t in texts:
        check_paste(t, s)
    pr = cProfile.Profile()
    pr.enable()
    for _ in range(20):
        for t in texts:
            check_paste(t, s)
    pr.disable()
    st = pstats.Stats(pr)
    here = str(ROOT / "bridgebot" / "check")
    rows = [(v[3], v[2], v[1], k) for k, v in st.stats.items() if k[0].startswith(here)]  # type: ignore[attr-defined]
    total = sum(v[2] for v in st.stats.values())  # type: ignore[attr-defined]
    print(f"cProfile: {20 * len(texts)} check_paste calls on Stripe, total {total:.2f} s (profiled)")
    print(f"{'cumulative':>10} {'own':>8} {'calls':>7}  function")
    for cum, own, calls, (fn, line, name) in sorted(rows, reverse=True)[:15]:
        print(f"{cum:10.3f} {own:8.3f} {calls:7d}  {Path(fn).name}:{line} {name}")
    print("\ntop functions overall by own time:")
    allrows = sorted(((v[2], v[3], k) for k, v in st.stats.items()), reverse=True)[:10]  # type: ignore[attr-defined]
    for own, cum, (fn, line, name) in allrows:
        print(f"{cum:10.3f} {own:8.3f}  {Path(fn).name}:{line} {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
