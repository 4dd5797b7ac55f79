"""The docs index and suggest(): how developers write, what the checker found, when to say nothing."""

from __future__ import annotations

import json

import pytest
import responses
from click.testing import CliRunner

from bridgebot.answers import Answers, DocSources, DocsIndex, SuggestContext, group_gaps, render_gaps, suggest
from bridgebot.answers.index import Doc, IndexError_, Source, llms_sources, markdown_sources, spec_source, split_markdown
from bridgebot.answers.suggest import implied_methods, verb_objects
from bridgebot.answers.text import query_terms, word_data
from bridgebot.check import SpecSet
from bridgebot.cli import cli
from conftest import BRIDGE_SPEC, ROOT

GUIDE = """# Payouts guide

Intro text about payouts.

## Choosing a rail for SEPA

Use the `sepa` payment rail for EUR payouts to an IBAN.

```
## not a heading inside code
```

### Cut-off times

SEPA payouts sent before 14:00 CET settle the same day.
"""


@pytest.fixture(scope="module")
def answers(bridge_specs, tmp_path_factory) -> Answers:
    docs = tmp_path_factory.mktemp("docs")
    (docs / "payouts.md").write_text(GUIDE)
    a = Answers(DocsIndex(":memory:"))
    a.refresh(bridge_specs, DocSources(str(docs), "https://docs.example.com"))
    return a


def titles(found) -> list[str]:
    return [s.title for s in found]


@pytest.mark.parametrize("question, expected", [
    ("stripe.subscriptions.del", ["subscriptions", "del", "delete", "cancel"]),
    ("PaymentIntent.create fails", ["payment", "intent", "create", "post", "fails"]),
    ("what is liquidationAddress vs liquidation_address", ["liquidation", "address", "vs", "liquidation_address"]),
    ("got requires_active_kyc_status", ["requires_active_kyc_status", "requires", "active", "kyc", "kyc_link", "status"]),
])
def test_query_terms_split_sdk_names_and_identifiers(question: str, expected: list[str]) -> None:
    assert query_terms(question) == expected


def test_every_word_list_entry_changes_some_question() -> None:
    data = word_data()
    for word in str(data["stopwords"]).split():
        assert word not in query_terms(f"{word} transfer"), word
    for verb, meaning in data["sdk_verbs"].items():
        assert set(meaning) <= set(query_terms(f"client.things.{verb}()")), verb
    for word, meaning in data["synonyms"].items():
        assert set(meaning) <= set(query_terms(word)), word
    for phrase, meaning in data["phrases"].items():
        written = phrase.replace("*", "the bank account")
        assert set(meaning) <= set(query_terms(f"how do I {written}")), phrase
    for verb, methods in data["verb_methods"].items():
        assert implied_methods(f"how do I {verb} it") == {m.upper() for m in methods}, verb


def test_phrases_match_with_words_between_but_not_across_a_sentence() -> None:
    assert {"reactivate", "enable"} <= set(query_terms("can I turn the bank account back on"))
    assert {"deactivate", "disable"} <= set(query_terms("how do I shut the card off?"))
    # Up to three words between: a "turn" and an "off" far apart are not one phrase.
    assert "deactivate" not in set(query_terms("turn left at the corner, the office is just off the main road"))
    # "get rid of" means delete, so its "get" is not read as an HTTP GET.
    assert implied_methods("how do I get rid of a webhook") == {"DELETE"}
    assert implied_methods("is the office dog friendly") == frozenset()


@pytest.mark.parametrize("question, expected", [
    # A developer's words for what the reference calls reactivate / an HTTP status's meaning.
    ("can I turn the external account back on?", "POST /v0/customers/{customerID}/external_accounts/{externalAccountID}/reactivate"),
    ("I keep getting a 401", "API reference › Authentication"),
    # The verb picks the method among one resource's operations: add → POST, not GET.
    ("how do I add a transfer", "POST /v0/transfers —"),
    ("how do I add a kyc link", "POST /v0/kyc_links —"),
    # A field written whole names the operation that takes it.
    ("how do I use destination_blockchain_memo?", "POST /v0/customers/{customerID}/liquidation_addresses —"),
])
def test_developer_words_verbs_and_field_names_pick_the_first_suggestion(question: str, expected: str, bridge_specs) -> None:
    a = Answers(DocsIndex(":memory:"))
    a.refresh(bridge_specs, DocSources(str(ROOT / "docs" / "bridge"), "https://apidocs.bridge.xyz"))
    found = suggest(a.index, question, min_confidence=0)
    assert found and found[0].title.startswith(expected), titles(found)


@pytest.mark.parametrize("question, expected", [
    ("How do I create a liquidation address?", "POST /v0/customers/{customerID}/liquidation_addresses"),
    ("how do i create liquidation adress", "POST /v0/customers/{customerID}/liquidation_addresses"),  # typo
    ("liquidation addresses for a customer", "GET /v0/customers/{customerID}/liquidation_addresses"),  # plural
    ("which rail do I use for a SEPA payout?", "Payouts guide › Choosing a rail for SEPA"),
    ("when is the SEPA cut-off time", "Payouts guide › Choosing a rail for SEPA › Cut-off times"),
])
def test_suggest_finds_the_answer_in_the_top_three(answers: Answers, question: str, expected: str) -> None:
    found = answers.suggest(question)
    assert any(t.startswith(expected) for t in titles(found)), titles(found)
    assert all(0 < s.confidence <= 1 and s.snippet for s in found)


def test_the_operation_a_question_names_comes_before_its_sub_resources(answers: Answers) -> None:
    # "list all customers" is the operationId listCustomers, not the customer's virtual accounts.
    assert titles(answers.suggest("list all customers"))[0].startswith("GET /v0/customers —")
    # The path adds nothing the question did not ask for: /webhooks, not /webhooks/{id}/send.
    assert "POST /v0/webhooks — Create a webhook endpoint" in titles(answers.suggest("how to add a webhook"))[:2]


def test_typos_are_fixed_but_plain_words_are_not_bent(answers: Answers) -> None:
    index = answers.index
    assert index.correct("adress") == "address" and index.correct("custommer") == "customer"
    assert index.correct("transfrer") == "transfer"
    # Short or plain English words the specs do not use stay as they are ("heard" is not "head").
    assert index.correct("heard") is None and index.correct("long") is None and index.correct("down") is None


def test_a_page_section_links_to_its_heading(answers: Answers) -> None:
    (top, *_) = answers.suggest("when is the SEPA cut-off time")
    assert top.url == "https://docs.example.com/payouts#cut-off-times"


def test_nothing_is_suggested_when_unsure(answers: Answers) -> None:
    assert answers.suggest("is the office dog friendly on fridays?") == []
    assert answers.suggest("hello?") == []


def test_what_the_checker_found_moves_its_operation_first(answers: Answers) -> None:
    question = "this keeps failing, what am I doing wrong"
    assert answers.suggest(question) == []
    context = SuggestContext(operations=["POST /v0/transfers"], error_codes=["invalid_parameters"])
    boosted = answers.suggest(question, context)
    assert boosted and boosted[0].title.startswith("POST /v0/transfers")
    plain = suggest(answers.index, "transfer amount field", min_confidence=0)
    with_field = suggest(answers.index, "transfer amount field",
                         SuggestContext(operations=["POST /v0/transfers"]), min_confidence=0)
    assert with_field[0].title.startswith("POST /v0/transfers")
    assert titles(plain) != titles(with_field) or plain[0].score < with_field[0].score


def op_doc(method: str, path: str, summary: str, text: str = "", terms: str = "") -> Doc:
    """An operation document as the index makes it from a spec, for a hand-built index."""
    return Doc(key=f"op:t:{method} {path}", kind="operation", title=f"{method} {path} — {summary}",
               text=f"{summary} {text}".strip(), spec="t", method=method, path=path, terms=terms)


def tiny_index(*docs: Doc) -> DocsIndex:
    index = DocsIndex(":memory:")
    index.refresh([Source("t", "1", lambda: list(docs))])
    return index


def test_which_things_it_accepts_asks_for_the_list_of_them() -> None:
    # The customer operations hold more of the question's words, but "which countries does it
    # accept" asks for the list of countries: the GET whose last path word is "countries".
    about = ("Accepts the customer's addresses: the residential address and the country and subdivision "
             "codes (ISO 3166-2) of each address.")
    index = tiny_index(
        op_doc("GET", "/v0/lists/countries", "Get countries", "Returns the supported values."),
        op_doc("POST", "/v0/customers", "Create a customer", about, "address country subdivision"),
        op_doc("PUT", "/v0/customers/{customerID}", "Update a customer", about, "address country subdivision"),
        op_doc("GET", "/v0/lists/occupations", "Get occupations"))
    question = "Which countries + subdivision codes does bridge accept for addresses?"
    assert titles(suggest(index, question, min_confidence=0))[0].startswith("GET /v0/lists/countries")
    # The same words without asking for a list leave the customer operations first.
    assert titles(suggest(index, "subdivision codes of the countries for addresses",
                          min_confidence=0))[0].startswith("POST /v0/customers")


def test_the_verb_acts_on_the_operations_last_resource() -> None:
    # Both are DELETEs; the reviewers one holds more of the question's words ("pull request"),
    # but "delete a branch" deletes the operation whose last path resource is branches.
    index = tiny_index(
        op_doc("DELETE", "/repos/{owner}/{repo}/git/refs/{ref}", "Delete a reference"),
        op_doc("DELETE", "/repos/{owner}/{repo}/branches/{branch}", "Remove a branch", "Removes it from the repository."),
        op_doc("DELETE", "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",
               "Remove requested reviewers from a pull request", "Removes review requests from a pull request."),
        op_doc("GET", "/repos/{owner}/{repo}/branches", "List branches"))
    found = suggest(index, "how can I delete a branch once the pull request that merged it is closed?", min_confidence=0)
    assert titles(found)[0].endswith("Remove a branch"), titles(found)
    # Only the developer's own task has an object: not what the app did ("it shows …").
    assert verb_objects("how can I delete the merged branch?").acted_on == {"DELETE": {"merg", "branch"}}
    assert verb_objects("when I click continue it shows No such price").acted_on == {}


def test_the_object_is_the_last_resource_s_head_noun() -> None:
    # "deployment-branch-policies" are policies, not branches: deleting a merged branch is about
    # the branch itself, then its reference, before the policy that names branches.
    index = tiny_index(
        op_doc("DELETE", "/repos/{owner}/{repo}/git/refs/{ref}", "Delete a reference",
               "Deletes a merged branch or a tag: its reference."),
        op_doc("DELETE", "/repos/{owner}/{repo}/branches/{branch}", "Remove a branch", "Removes it from the repository."),
        op_doc("DELETE", "/repos/{owner}/{repo}/environments/{name}/deployment-branch-policies/{branch_policy_id}",
               "Delete a deployment branch policy", "Deletes a deployment branch policy for an environment."),
        op_doc("GET", "/repos/{owner}/{repo}/branches", "List branches"))
    found = suggest(index, "how do I delete a merged branch?", min_confidence=0)
    assert [t.split(" — ")[1] for t in titles(found)][:2] == ["Remove a branch", "Delete a reference"], titles(found)


def test_a_verb_that_changes_something_picks_the_operation_on_one_of_them() -> None:
    # Both POSTs take cancel_at_period_end and the create says more about cancelling, but
    # "cancel the subscription" acts on one that exists: the update of /subscriptions/{id}.
    index = tiny_index(
        op_doc("POST", "/v1/subscriptions", "Create a subscription",
               "Creates a subscription. To cancel it at the end of the period, set cancel_at_period_end.",
               "cancel_at_period_end"),
        op_doc("POST", "/v1/subscriptions/{id}", "Update a subscription",
               "Updates an existing subscription to match the parameters given: items, proration behavior, billing "
               "thresholds, collection method, default payment method, metadata and cancel_at_period_end.",
               "cancel_at_period_end"),
        op_doc("GET", "/v1/subscriptions", "List subscriptions"),
        op_doc("GET", "/v1/customers/{customer}", "Retrieve a customer", "The customer's subscriptions."))
    found = suggest(index, "how do I cancel the subscription at the end of the period?", min_confidence=0)
    assert titles(found)[:2] == ["POST /v1/subscriptions/{id} — Update a subscription",
                                 "POST /v1/subscriptions — Create a subscription"], titles(found)
    # A verb that makes something new keeps the collection first.
    found = suggest(index, "how do I create a subscription that ends at the end of the period?", min_confidence=0)
    assert titles(found)[0] == "POST /v1/subscriptions — Create a subscription", titles(found)


def test_a_docs_anchor_in_the_question_names_its_operation() -> None:
    # Developers paste docs links (and GitHub's errors carry a documentation_url): the anchor is
    # the operation's title, whatever else the question says.
    index = tiny_index(
        op_doc("GET", "/repositories", "List public repositories",
               "Lists all public repositories, private repos not listed."),
        op_doc("GET", "/user/repos", "List repositories for the authenticated user", "Private and public repositories."),
        op_doc("GET", "/orgs/{org}/repos", "List organization repositories", "Lists repositories for the organization."),
        op_doc("GET", "/orgs/{org}", "Get an organization"))
    question = ("listing all private repos gives nothing, only public repositories. Which method is this "
                "call (list-organization-repositories)?")
    found = suggest(index, question, min_confidence=0)
    assert titles(found)[0].startswith("GET /orgs/{org}/repos"), titles(found)
    # The title the anchor spells counts as a word the operation holds: the most confident too.
    assert found[0].confidence == max(s.confidence for s in found), [(s.title, s.confidence) for s in found]
    assert "list_organization_repositories" in query_terms("see docs.github.com/rest/repos#list-organization-repositories")
    # A capitalised header name is not an anchor.
    assert not any("_" in t for t in query_terms("the X-Webhook-Signature header"))


LEGACY_SPEC = """\
openapi: 3.0.0
info: {title: Pay, version: "1"}
servers: [{url: "https://api.pay.example/v1"}]
paths:
  /charges:
    post:
      summary: Create a charge
      description: >-
        Use the <a href="/docs/api/payment_intents">Payment Intents API</a> to initiate a new payment
        instead of using this method.
      responses: {"200": {description: ok}}
    get:
      summary: List charges
      description: Returns the charges you created, newest first.
      responses: {"200": {description: ok}}
  /charges/{charge}/capture:
    post:
      summary: Capture a charge
      description: Captures the payment of an uncaptured charge.
      parameters: [{name: charge, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
  /payment_intents:
    post:
      summary: Create a PaymentIntent
      description: Creates a PaymentIntent object.
      responses: {"200": {description: ok}}
  /teams/{team_id}:
    get:
      summary: Get a team (Legacy)
      deprecated: true
      description: >-
        This endpoint route is closing down. We recommend migrating your existing code to use the
        [Get a team by name](https://docs.pay.example/rest/teams#get-a-team-by-name) endpoint.
      parameters: [{name: team_id, in: path, required: true, schema: {type: integer}}]
      responses: {"200": {description: ok}}
  /orgs/{org}/teams/{team_slug}:
    get:
      summary: Get a team by name
      description: Gets a team using the team's slug.
      parameters:
        - {name: org, in: path, required: true, schema: {type: string}}
        - {name: team_slug, in: path, required: true, schema: {type: string}}
      responses: {"200": {description: ok}}
  /refunds:
    post:
      summary: Create a refund
      description: >-
        Refunds a charge. To refund part of it, see the
        [partial refunds](https://docs.pay.example/refunds#partial) guide instead.
      responses: {"200": {description: ok}}
"""


@pytest.fixture
def legacy_specs(tmp_path) -> SpecSet:
    (tmp_path / "legacy.yaml").write_text(LEGACY_SPEC)
    return SpecSet.load([tmp_path / "legacy.yaml"], use_cache=False)


def test_a_legacy_operation_names_the_one_its_reference_says_to_use(legacy_specs) -> None:
    replaced = {d.key.split(":", 2)[2]: d.replaced_by for d in spec_source(legacy_specs.specs[0]).docs()}
    # "Use the Payment Intents API … instead of using this method": the same method on that resource.
    assert replaced["POST /v1/charges"] == "op:legacy:POST /v1/payment_intents"
    # deprecated, "use the [Get a team by name](…#get-a-team-by-name)": the operation that anchor names.
    assert replaced["GET /v1/teams/{team_id}"] == "op:legacy:GET /v1/orgs/{org}/teams/{team_slug}"
    # A guide linked with "instead" from an operation that is not legacy replaces nothing.
    assert replaced["POST /v1/refunds"] is None and replaced["POST /v1/payment_intents"] is None


def test_a_legacy_operation_is_suggested_with_its_replacement(legacy_specs) -> None:
    index = DocsIndex(":memory:")
    index.refresh([spec_source(legacy_specs.specs[0])])
    found = suggest(index, "how do I create a charge and capture it later?", min_confidence=0)
    # The charge calls hold the question's words; the PaymentIntent the reference now points to
    # follows the legacy create, as confident as it.
    assert titles(found) == ["POST /v1/charges/{charge}/capture — Capture a charge",
                             "POST /v1/charges — Create a charge",
                             "POST /v1/payment_intents — Create a PaymentIntent"], titles(found)
    assert found[2].confidence == found[1].confidence
    found = suggest(index, "get the team by its id", min_confidence=0)
    assert titles(found)[:2] == ["GET /v1/teams/{team_id} — Get a team (Legacy)",
                                 "GET /v1/orgs/{org}/teams/{team_slug} — Get a team by name"], titles(found)


def test_an_index_from_before_replacements_is_rebuilt_once(legacy_specs, tmp_path) -> None:
    first = DocsIndex(tmp_path / "index.db")
    first.refresh([spec_source(legacy_specs.specs[0])])
    first.db.execute("ALTER TABLE docs DROP COLUMN replaced_by")  # as an older bridgebot wrote it
    again = DocsIndex(tmp_path / "index.db")
    report = again.refresh([spec_source(legacy_specs.specs[0])])
    assert report.added == ["spec:legacy"] and report.unchanged == 0 and again.count() == 7
    found = suggest(again, "how do I create a charge", min_confidence=0)
    assert "POST /v1/payment_intents — Create a PaymentIntent" in titles(found)


def test_markdown_is_split_by_heading_outside_code() -> None:
    sections = split_markdown(GUIDE)
    assert [t for t, _, _ in sections] == ["Payouts guide", "Payouts guide › Choosing a rail for SEPA",
                                           "Payouts guide › Choosing a rail for SEPA › Cut-off times"]
    assert "## not a heading" in sections[1][2]
    assert sections[2][1] == "cut-off-times"


def test_only_what_changed_is_rebuilt(bridge_specs, tmp_path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# Fees\n\nTransfer fees are 1%.\n")
    (docs / "b.md").write_text("# Limits\n\nDaily limits apply.\n")
    a = Answers(DocsIndex(tmp_path / "index.db"))
    first = a.refresh(bridge_specs, DocSources(str(docs)))
    assert sorted(first.added) == ["md:a.md", "md:b.md", "spec:bridge"]
    (docs / "a.md").write_text("# Fees\n\nTransfer fees are 2% on weekends.\n")
    (docs / "b.md").unlink()
    second = Answers(DocsIndex(tmp_path / "index.db")).refresh(bridge_specs, DocSources(str(docs)))
    assert second.updated == ["md:a.md"] and second.removed == ["md:b.md"] and second.unchanged == 1
    assert any("weekends" in s.snippet for s in a.suggest("transfer fees on weekends"))
    assert a.suggest("daily limits") == [] or all("Limits" not in s.title for s in a.suggest("daily limits"))


@pytest.mark.parametrize("question, page", [
    ("how do I verify the X-Webhook-Signature header", "platform/additional-information/webhooks/signature"),
    ("is the idempotency key needed on GET requests", "api-reference/introduction/idempotence"),
    ("what is the sandbox base url", "api-reference"),
])
def test_the_shipped_bridge_pages_answer_what_the_spec_cannot(bridge_specs, question: str, page: str) -> None:
    a = Answers(DocsIndex(":memory:"))
    a.refresh(bridge_specs, DocSources(str(ROOT / "docs" / "bridge"), "https://apidocs.bridge.xyz"))
    links = [s.url.split("#")[0] for s in a.suggest(question)]
    assert f"https://apidocs.bridge.xyz/{page}" in links, links


def test_a_missing_docs_folder_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(IndexError_, match="does not exist"):
        markdown_sources(tmp_path / "nope")


@responses.activate
def test_llms_txt_pages_are_fetched_and_indexed(bridge_specs) -> None:
    responses.get("https://docs.example.com/llms.txt", body=(
        "# Example\n\n> Docs\n\n## Guides\n\n- [Webhooks](https://docs.example.com/webhooks.md): verify signatures\n"
        "- [Fees](/fees.md)\n"))
    responses.get("https://docs.example.com/webhooks.md", body="# Webhooks\n\n## Verifying signatures\n\n"
                                                                "Compute an HMAC of the raw body with your webhook secret.\n")
    responses.get("https://docs.example.com/fees.md", body="Transfers cost 1%.\n")
    sources = llms_sources("https://docs.example.com/llms.txt")
    assert [s.key for s in sources] == ["llms:https://docs.example.com/webhooks.md", "llms:https://docs.example.com/fees.md"]
    a = Answers(DocsIndex(":memory:"))
    a.index.refresh(sources)
    (top, *_) = a.suggest("how do I verify the webhook signature HMAC")
    assert top.title == "Webhooks › Verifying signatures"
    assert top.url == "https://docs.example.com/webhooks#verifying-signatures"


@responses.activate
def test_an_unreachable_llms_txt_is_a_clear_error() -> None:
    responses.get("https://docs.example.com/llms.txt", status=503)
    with pytest.raises(IndexError_, match="cannot read https://docs.example.com/llms.txt"):
        llms_sources("https://docs.example.com/llms.txt")


def test_gaps_group_alike_questions() -> None:
    questions = [{"thread": "BB-1", "question": "What are the fees for SEPA payouts?"},
                 {"thread": "BB-2", "question": "How do I enable two factor auth on the dashboard?"},
                 {"thread": "BB-3", "question": "fees for sepa payouts?"},
                 {"thread": "BB-4", "question": "thanks"}]
    gaps = group_gaps(questions)
    assert [[q["thread"] for q in g.questions] for g in gaps] == [["BB-1", "BB-3"], ["BB-2"]]
    assert "fees" in gaps[0].terms
    as_json = json.loads(render_gaps(gaps, "json"))
    assert as_json[0]["size"] == 2
    assert render_gaps(gaps, "csv").splitlines()[0] == "group,size,terms,thread,question"
    assert "BB-3" in render_gaps(gaps, "table")


def test_cli_docs_search_json_is_the_documented_shape(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("BRIDGEBOT_DB", str(tmp_path / "bridgebot.db"))
    result = CliRunner().invoke(cli, ["docs", "search", "create a liquidation address", "--spec", str(BRIDGE_SPEC),
                                      "--format", "json", "--limit", "2", "--index", str(tmp_path / "i.db")])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert 1 <= len(found) <= 2
    assert set(found[0]) == {"title", "url", "operation", "score", "snippet"}
    assert found[0]["operation"] == {"method": "POST", "path": "/v0/customers/{customerID}/liquidation_addresses"}
    text = CliRunner().invoke(cli, ["docs", "search", "office dog", "--spec", str(BRIDGE_SPEC),
                                    "--index", str(tmp_path / "i.db")])
    assert "No confident suggestion" in text.output


def test_cli_docs_index_reports_what_changed(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("BRIDGEBOT_DB", str(tmp_path / "bridgebot.db"))
    args = ["docs", "index", "--spec", str(BRIDGE_SPEC), "--index", str(tmp_path / "i.db")]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0 and "1 sources added" in first.output and "+ spec:bridge" in first.output
    second = CliRunner().invoke(cli, args)
    assert "0 sources added, 0 updated, 0 removed, 1 unchanged" in second.output
    bad = CliRunner().invoke(cli, [*args, "--docs", str(tmp_path / "missing")])
    assert bad.exit_code != 0


def test_cli_docs_gaps_needs_a_database(tmp_path) -> None:
    result = CliRunner().invoke(cli, ["docs", "gaps", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "no tracking database" in result.output


def test_cli_docs_gaps_lists_questions_without_a_confident_suggestion(tmp_path) -> None:
    from bridgebot.answers.store import record_suggestions
    from bridgebot.tracking import Store, open_thread

    db_path = tmp_path / "bb.db"
    store = Store(db_path)
    with store.transaction() as db:
        for i, (q, found) in enumerate([("fees for sepa payouts?", []), ("What are SEPA payout fees", []),
                                        ("create a transfer", [{"title": "POST /transfers"}])]):
            t = open_thread(db, channel_id="C", thread_ts=f"1.{i}", author_id="U", opened_at=1.0 + i,
                            customer_team_id=None, text=q)
            record_suggestions(db, t, q, found, 0.2 if not found else 0.9, at=1.0 + i)
    result = CliRunner().invoke(cli, ["docs", "gaps", "--db", str(db_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    (gap,) = json.loads(result.output)
    assert [q["thread"] for q in gap["questions"]] == ["BB-1", "BB-2"]
    assert ROOT  # the README documents the command (test_consistency)


@pytest.mark.parametrize("toml, message", [
    ('[answers]\nmin_confidence = 2', "min_confidence must be a number between 0 and 1"),
    ('[answers]\nllms_txt = "docs.example.com/llms.txt"', "llms_txt must be an http(s) URL"),
    ('[answers]\nanswered_resolves = "yes"', "answered_resolves must be true or false"),
    ('[answers]\nsuggestions = true', "unknown key 'suggestions' in [answers]"),
])
def test_bad_answers_settings_say_what_is_wrong(tmp_path, toml: str, message: str) -> None:
    from bridgebot.settings import Settings, SettingsError

    config = tmp_path / "bridgebot.toml"
    config.write_text(toml)
    import re

    with pytest.raises(SettingsError, match=re.escape(message)):
        Settings.from_env({"BRIDGEBOT_CONFIG": str(config)})


def test_answers_settings_resolve_paths_beside_the_config(tmp_path) -> None:
    from bridgebot.settings import Settings

    config = tmp_path / "bridgebot.toml"
    config.write_text('[answers]\ndocs_dir = "docs"\nindex_path = "idx.db"\nmin_confidence = 0.5\n'
                      'answered_resolves = false\nescalation_channel = "C_ESC"\n')
    s = Settings.from_env({"BRIDGEBOT_CONFIG": str(config)})
    assert s.docs_dir == str(tmp_path / "docs") and s.docs_index_path == str(tmp_path / "idx.db")
    assert (s.min_confidence, s.answered_resolves, s.escalation_channel) == (0.5, False, "C_ESC")
