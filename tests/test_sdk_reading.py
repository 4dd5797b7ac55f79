"""What the SDK readers' shared code does with a paste (issue 12, mutation round 9): which SDK a
spec is for, which operation a call's names pick in the name index of a freshly loaded spec (built
on first use, so the session's specs would hide a wrong index), and which blocks of a paste are read."""

from __future__ import annotations

import json

import pytest

from bridgebot.check import check_paste
from bridgebot.check.readers.sdk.index import index_for
from bridgebot.check.specs import SpecSet
from conftest import BRIDGE_SPEC, GITHUB_SPEC, STRIPE_SPEC, _shared


def _ops(text: str, specs: SpecSet) -> list[tuple[str | None, str, str]]:
    """(operation, URL, source) of each SDK call read from ``text``."""
    return [(q.operation.label if q.operation else None, q.request.url, q.request.source)
            for q in check_paste(text, specs).requests if q.request.source.startswith("sdk:")]


def test_github_method_names_from_the_operation_ids_of_a_freshly_loaded_spec() -> None:
    # GitHub's operationIds are category/name: octokit names both (issues.create), PyGithub,
    # octokit.rb and go-github put the resource in the method name (create_issue, get_repo) or in
    # the service (Issues.Create). The index is built on first use and kept on the spec.
    fresh = SpecSet.load([_shared(GITHUB_SPEC)])
    calls = {
        "await octokit.rest.issues.create({owner: 'o', repo: 'r', title: 't'})":
            ("POST /repos/{owner}/{repo}/issues", "https://api.github.com/repos/o/r/issues", "sdk:javascript"),
        "await octokit.rest.issues.listForRepo({owner: 'o', repo: 'r'})":
            ("GET /repos/{owner}/{repo}/issues", "https://api.github.com/repos/o/r/issues", "sdk:javascript"),
        "await octokit.rest.git.createRef({owner: 'o', repo: 'r', ref: 'refs/heads/x', sha: 'abc'})":
            ("POST /repos/{owner}/{repo}/git/refs", "https://api.github.com/repos/o/r/git/refs", "sdk:javascript"),
        # A name several categories share (apps, orgs, repos: listWebhookDeliveries): the category's.
        "await octokit.rest.repos.listWebhookDeliveries(params)":
            ("GET /repos/{owner}/{repo}/hooks/{hook_id}/deliveries",
             "https://api.github.com/repos/{owner}/{repo}/hooks/{hook_id}/deliveries", "sdk:javascript"),
        # A GitHub Enterprise route written with its /api/v3 prefix.
        "await octokit.request('POST /api/v3/repos/{owner}/{repo}/issues', {owner: 'o', repo: 'r', title: 't'})":
            ("POST /repos/{owner}/{repo}/issues", "https://api.github.com/repos/o/r/issues", "sdk:javascript"),
        "```python\ng = Github(token)\nrepo = g.get_repo('o/r')\n```":
            ("GET /repos/{owner}/{repo}", "https://api.github.com/repos/o/r", "sdk:python"),
        "client = Octokit::Client.new(access_token: token)\nclient.create_issue('o/r', 'T')":
            ("POST /repos/{owner}/{repo}/issues", "https://api.github.com/repos/o/r/issues", "sdk:ruby"),
        "```go\n// github\nissue, _, err := client.Issues.Create(ctx, \"o\", \"r\", &github.IssueRequest{Title: github.String(\"t\")})\n```":
            ("POST /repos/{owner}/{repo}/issues", "https://api.github.com/repos/o/r/issues", "sdk:go"),
        # go-github's Repositories and Organizations services are the repos and orgs categories.
        "```go\n// github\nrepo, _, err := client.Repositories.Get(ctx, \"o\", \"r\")\n```":
            ("GET /repos/{owner}/{repo}", "https://api.github.com/repos/o/r", "sdk:go"),
        "```go\n// github\norg, _, err := client.Organizations.Get(ctx, \"octo\")\n```":
            ("GET /orgs/{org}", "https://api.github.com/orgs/octo", "sdk:go"),
    }
    assert {call: _ops(call, fresh) for call in calls} == {call: [want] for call, want in calls.items()}
    spec = fresh.specs[0]
    assert index_for(spec) is index_for(spec)  # built once, then kept on the spec


def test_a_spec_of_no_sdk_beside_the_sdk_specs_is_passed_over() -> None:
    # The bot's own API (no SDK reads it) loaded with Stripe: a Stripe call is still Stripe's.
    specs = SpecSet.load([BRIDGE_SPEC, _shared(STRIPE_SPEC)])
    assert _ops("stripe.customers.create({email: 'a@b.co'})", specs) == [
        ("POST /v1/customers", "https://api.stripe.com/v1/customers", "sdk:javascript")]


def _mini_spec(tmp_path, file_name: str, title: str, slash_ids: int, anonymous_op: bool = False) -> SpecSet:
    """A small spec: POST /v1/widgets (operationId widgets/make when slash_ids, else PostWidgets),
    filler operations up to ``slash_ids`` category/name ids, maybe one operation with no id."""
    ok = {"200": {"description": "ok"}}
    body = {"content": {"application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"}}}}}}
    paths: dict = {"/v1/widgets": {"post": {"operationId": "widgets/make" if slash_ids else "PostWidgets",
                                            "requestBody": body, "responses": ok}}}
    for i in range(slash_ids - 1):
        paths[f"/v1/gadget{i}"] = {"get": {"operationId": f"gadgets/get-{i}", "responses": ok}}
    if anonymous_op:  # no operationId, no version in the path, and a PUT on a sub-collection
        paths["/notes"] = {"post": {"requestBody": body, "responses": ok}}
        paths["/notes/{note}/tags"] = {"put": {"operationId": "PutNoteTags", "requestBody": body, "responses": ok,
                                               "parameters": [{"name": "note", "in": "path", "required": True,
                                                               "schema": {"type": "string"}}]}}
    path = tmp_path / file_name
    path.write_text(json.dumps({"openapi": "3.0.0", "info": {"title": title, "version": "1"}, "paths": paths}))
    return SpecSet.load([path])


@pytest.mark.parametrize("file_name, title, slash_ids, anonymous_op, call, read", [
    # Which SDK a spec is for: its title or its file name says so.
    ("stripe-mini.json", "Payments (test copy)", 0, False, "stripe.widgets.create({name: 'w'})", "POST /v1/widgets"),
    ("payments.json", "Stripe API (test copy)", 0, True, "stripe.widgets.create({name: 'w'})", "POST /v1/widgets"),
    ("payments.json", "Stripe API (test copy)", 0, True, "stripe.notes.create({name: 'w'})", "POST /notes"),
    # More than 10 category/name operationIds: GitHub's naming (widgets/make is widgets.make);
    # 10 or fewer are not GitHub's ids: the names come from the paths alone.
    ("gh-mini.json", "GitHub (test copy)", 11, False, "await octokit.rest.widgets.make({name: 'w'})", "POST /v1/widgets"),
    ("gh-mini.json", "GitHub (test copy)", 10, False, "await octokit.rest.widgets.make({name: 'w'})", None),
])
def test_which_sdk_a_spec_is_for_and_how_its_method_names_are_made(tmp_path, file_name: str, title: str,
                                                                   slash_ids: int, anonymous_op: bool, call: str,
                                                                   read: str | None) -> None:
    specs = _mini_spec(tmp_path, file_name, title, slash_ids, anonymous_op)
    assert [op for op, _url, _src in _ops(call, specs)] == ([read] if read else [])


def test_the_params_type_or_an_import_picks_between_resources_of_one_name_in_a_freshly_loaded_spec() -> None:
    # transaction.List and SessionService name a resource several APIs have (issuing and treasury
    # transactions; billing portal, checkout and financial connections sessions): the params type
    # or the `using` picks, from the index of a spec loaded just now.
    fresh = SpecSet.load([_shared(STRIPE_SPEC)])
    calls = {
        "```go\nc := transaction.List(&stripe.TreasuryTransactionListParams{})\n```": "GET /v1/treasury/transactions",
        "```go\nc := transaction.List(&stripe.IssuingTransactionListParams{})\n```": "GET /v1/issuing/transactions",
        "using Stripe;\nusing Stripe.FinancialConnections;\n\nvar options = new SessionCreateOptions { Permissions = "
        "new List<string> { \"balances\" } };\nvar service = new SessionService();\nvar session = service.Create(options);":
            "POST /v1/financial_connections/sessions",
        "using Stripe;\nusing Stripe.BillingPortal;\n\nvar options = new SessionCreateOptions { Customer = \"cus_1\" };\n"
        "var service = new SessionService();\nvar session = service.Create(options);": "POST /v1/billing_portal/sessions",
        # The resource's words in full, without the version: financial connections' sessions, not
        # the shortest path of every API's sessions; actions after an id under a two-word resource.
        "```js\nawait stripe.financialConnections.sessions.create();\n```": "POST /v1/financial_connections/sessions",
        "```js\nawait stripe.testHelpers.testClocks.advance('clock_1', {frozen_time: 1});\n```":
            "POST /v1/test_helpers/test_clocks/{test_clock}/advance",
        "```js\nawait stripe.treasury.outboundPayments.cancel('obp_1');\n```": "POST /v1/treasury/outbound_payments/{id}/cancel",
        "```js\nawait stripe.invoices.upcoming({customer: 'cus_1'});\n```": "GET /v1/invoices/upcoming",
        # A lone singular path is one object (the account, the balance), not a list of them.
        "```js\nawait stripe.accounts.list();\n```": "GET /v1/accounts",
        "```js\nawait stripe.accounts.retrieve();\n```": "GET /v1/account",
        "```js\nawait stripe.accounts.retrieve('acct_1');\n```": "GET /v1/accounts/{account}",
        "```js\nawait stripe.balance.retrieve();\n```": "GET /v1/balance",
    }
    assert {call: [op for op, _url, _src in _ops(call, fresh)] for call in calls} == {
        call: [op] for call, op in calls.items()}



@pytest.fixture(scope="module")
def both_specs(stripe_specs: SpecSet, github_specs: SpecSet) -> SpecSet:
    return SpecSet([*stripe_specs.specs, *github_specs.specs])


def test_the_code_block_after_a_block_of_output_is_still_read(both_specs: SpecSet) -> None:
    # The versions pasted first in a block of their own (no call in it), the code after it: the
    # code's call is read and checked.
    text = ("Versions:\n```\n$ node --version\nv18.17.0\n$ npm ls stripe\nstripe@14.5.0\n```\nMy code:\n"
            "```js\nawait stripe.customers.create({email: 'a@b.co', descripton: 'vip'});\n```")
    res = check_paste(text, both_specs)
    assert [(q.operation.label if q.operation else None, q.request.source) for q in res.requests] == [
        ("POST /v1/customers", "sdk:javascript")]
    assert [(f.kind, f.field) for f in res.findings] == [("unknown_param", "descripton")]


@pytest.mark.parametrize("text", [
    # Brackets opened and closed before the cut (an object, a list, a call) are not closed again.
    "```js\nconst pi = await stripe.paymentIntents.create({\n  amount: 100,\n  currency: 'usd',\n"
    "  metadata: {order: String(5)},\n  payment_method_types: ['card'],\n  confirm: 'yes',\n",
    # A string on the block's first character ('use strict'), then the call cut off.
    "```js\n'use strict';\nconst pi = await stripe.paymentIntents.create({\n  amount: 100,\n  currency: 'usd',\n"
    "  confirm: 'yes',\n",
    # Strings before the cut: an escaped quote, an empty string, a template literal over two lines.
    "```js\nconst pi = await stripe.paymentIntents.create({\n  amount: 100,\n  currency: 'usd',\n"
    "  description: 'Bob\\'s \\'best\\'',\n  metadata: {a: '', b: `two\nlines`},\n  confirm: 'yes',\n",
    # A name with a capital X (not a quote) before the cut.
    "```js\nconst X_IDEMPOTENCY = 'k1';\nconst pi = await stripe.paymentIntents.create({\n  amount: 100,\n"
    "  currency: 'usd',\n  confirm: 'yes',\n",
])
def test_a_paste_cut_off_mid_call_is_closed_and_its_arguments_checked(both_specs: SpecSet, text: str) -> None:
    res = check_paste(text, both_specs)
    assert [(q.operation.label if q.operation else None, q.request.notes) for q in res.requests] == [
        ("POST /v1/payment_intents", [])]
    assert [(f.kind, f.field) for f in res.findings] == [("wrong_type", "confirm")]
