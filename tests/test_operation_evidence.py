"""The operation behind each request and error, said with its evidence (issue 11); the spec
version picked from the paste; the forms not understood said so; the false alarms of issue 11."""

from __future__ import annotations

import json

import pytest

from bridgebot.check import SpecSet, check_paste, render_check_text
from conftest import SHARED_SPECS


def _one_error(result):
    (err,) = result.errors
    return err


@pytest.mark.parametrize("text,label,evidence", [
    ("error creating issue: POST https://api.github.com/repos/org/repo/issues: 422 Validation Failed "
     "[{Resource:Issue Field:assignees Code:invalid Message:}]", "POST /repos/{owner}/{repo}/issues", "error_text"),
    ('{"message":"Invalid request.\\n\\n\\"sha\\" wasn\'t supplied.",'
     '"documentation_url":"https://docs.github.com/rest/repos/contents#create-or-update-file-contents"}',
     "PUT /repos/{owner}/{repo}/contents/{path}", "documentation_url"),
    ("Octokit::UnprocessableEntity: POST https://github.example.com/api/v3/repos/o/r/statuses/HEAD: 422 - "
     "Validation Failed\nError summary:\n  resource: Status\n  code: custom\n  field: sha\n"
     "  message: sha must be a 40 character SHA1", "POST /repos/{owner}/{repo}/statuses/{sha}", "enterprise_host"),
    ("RequestError [HttpError]: Validation Failed: {\"resource\":\"Issue\",\"code\":\"custom\",\"field\":\"title\","
     "\"message\":\"title is too long\"}\n  request: {\n    method: 'POST',\n"
     "    url: 'https://api.github.com/repos/o/r/issues',\n  }", "POST /repos/{owner}/{repo}/issues", "request_object"),
    # An Enterprise URL whose query holds the base path again (a code search for "/api/v3").
    ("GET https://github.example.com/api/v3/search/code?q=/api/v3: 422 Validation Failed "
     "[{Resource:Search Field:q Code:invalid Message:}]", "GET /search/code", "enterprise_host"),
])
def test_github_errors_name_their_operation_and_evidence(github_specs, text: str, label: str, evidence: str) -> None:
    err = _one_error(check_paste(text, github_specs))
    assert err.findings, err
    assert (err.operation.label, err.evidence) == (label, evidence)
    data = err.to_dict()
    assert data["operation"]["evidence"] == evidence


@pytest.mark.parametrize("text,kind,field", [
    ("Stripe error: Received unknown parameter: metdata; request-id: req_AbC123", "unknown_param", "metdata"),
    ('{"type": "invalid_request_error", "description": "Missing required param: currency.", "param": "currency"}',
     "missing_required", "currency"),
    ("StripeInvalidRequestError: x\n  raw: {\n    code: 'parameter_invalid_integer',\n    message: 'Invalid integer: 1.5',"
     "\n    param: 'amount',\n    type: 'invalid_request_error'\n  }", "wrong_type", "amount"),
    ('{"json_body": {"error": {"code": "parameter_missing", "message": "Missing required param: email.", '
     '"param": "email", "type": "invalid_request_error"}}, "http_status": 400}', "missing_required", "email"),
])
def test_stripe_errors_in_any_shape(stripe_specs, text: str, kind: str, field: str) -> None:
    err = _one_error(check_paste(text, stripe_specs))
    assert [(f.kind, f.field) for f in err.findings] == [(kind, field)]
    if "req_AbC123" in text:
        assert err.error.request_id == "req_AbC123"


def test_an_error_nothing_ties_to_an_operation_says_so(stripe_specs) -> None:
    result = check_paste("We get `Received unknown parameter: billingCycleAnchor` from Stripe.", stripe_specs)
    err = _one_error(result)
    assert [(f.kind, f.field) for f in err.findings] == [("unknown_param", "billingCycleAnchor")]
    assert err.operation is None and err.to_dict()["operation"] is None
    assert "no operation" in render_check_text(result)


def test_stripe_empty_id_names_the_path_parameter_and_operation(stripe_specs) -> None:
    text = ("Stripe::InvalidRequestError: Unrecognized request URL (POST: /v1/subscriptions/). If you are trying "
            "to list objects, remove the trailing slash.")
    err = _one_error(check_paste(text, stripe_specs))
    assert [(f.kind, f.field) for f in err.findings] == [("missing_required", "subscription_exposed_id")]
    assert err.operation.label == "POST /v1/subscriptions/{subscription_exposed_id}" and err.evidence == "error_text"
    assert "Unrecognized request URL" in render_check_text(check_paste(text, stripe_specs))


def test_a_bare_body_is_checked_when_its_fields_fit_one_operation(bridge_specs, github_specs) -> None:
    text = ('I send this:\n```\n{"on_behalf_of": "c", "amount": "1", "source": {"payment_rail": "ach", '
            '"currency": "usd"}, "destination": {"payment_rail": "ach", "currency": "usdx"}}\n```')
    result = check_paste(text, bridge_specs)
    (req,) = result.requests
    assert req.operation.label == "POST /v0/transfers" and req.evidence == "body_fields"
    assert [(f.kind, f.field) for f in req.findings] == [("invalid_enum", "destination.currency")]
    assert result.hints == []
    # Fields that fit two operations (create and update a release): no guess, the hint stays.
    text = 'I send this:\n```\n{"tag_name": "v1.0", "target_commitish": "main", "draft": "no"}\n```'
    result = check_paste(text, github_specs)
    assert result.requests == [] and "no endpoint near it" in result.hints[0]


@pytest.fixture(scope="module")
def two_stripes() -> SpecSet:
    paths = [SHARED_SPECS / "stripe-2022-04-12.json", SHARED_SPECS / "stripe-2023-08-16.json"]
    if not all(p.exists() for p in paths):
        pytest.skip("the two Stripe specs live in ../shared/specs")
    return SpecSet.load(paths)


@pytest.mark.parametrize("extra,version", [
    ("", "2023-08-16"),
    (' -H "Stripe-Version: 2022-11-15"', "2022-04-12"),
    (' -H "Stripe-Version: 2023-10-16"', "2023-08-16"),
    (' -H "Stripe-Version: 2020-08-27"', "2022-04-12"),
])
def test_the_spec_version_follows_the_paste(two_stripes, extra: str, version: str) -> None:
    text = f"curl https://api.stripe.com/v1/customers -u \"$KEY:\"{extra} -d email=a@b.co"
    result = check_paste(text, two_stripes)
    (req,) = result.requests
    assert req.operation.spec == f"stripe-{version}"
    assert any(f"Stripe API {version}" in h for h in result.hints)


def test_one_loaded_version_is_used_without_a_word(stripe_specs) -> None:
    # Only one Stripe version loaded: the paste's pin changes nothing, and no line says which version.
    text = 'curl https://api.stripe.com/v1/customers -u "$KEY:" -H "Stripe-Version: 2022-11-15" -d email=a@b.co'
    result = check_paste(text, stripe_specs)
    (req,) = result.requests
    assert req.operation.spec == "stripe-2023-08-16"
    assert not any("Stripe API" in h or "Checked against" in h for h in result.hints), result.hints


def test_an_sdk_pin_picks_the_version(two_stripes) -> None:
    text = ("const stripe = new Stripe(key, { apiVersion: '2022-08-01' });\n"
            "Error: Unrecognized request URL (GET: /v1/customers/).")
    err = _one_error(check_paste(text, two_stripes))
    assert err.operation.spec == "stripe-2022-04-12"


@pytest.mark.parametrize("text,what", [
    ("http POST api.github.com/user/repos name=x Authorization:'token abc'", "HTTPie"),
    ("$resp = $client->request('POST', $this->endpoint('kyc'), ['json' => ['type' => 'x']]);", "Guzzle"),
    ('req, _ := http.NewRequest("GET", url, nil)', "Go net/http"),
])
def test_a_call_that_cannot_be_read_gets_one_line(bridge_specs, text: str, what: str) -> None:
    result = check_paste(text, bridge_specs)
    lines = [p for p in result.problems if what in p]
    assert len(lines) == 1 and "can't read" in lines[0]


def test_a_guzzle_call_is_read(bridge_specs) -> None:
    text = ("$resp = $client->post('https://api.sandbox.bridge.xyz/v0/kyc_links', [\n"
            "    'headers' => ['Api-Key' => getenv('KEY'), 'Idempotency-Key' => (string) Str::uuid()],\n"
            "    'json' => ['full_name' => 'Acme', 'email' => 'a@b.co', 'type' => 'business', 'customer_type' => 'x'],\n]);")
    result = check_paste(text, bridge_specs)
    (req,) = result.requests
    assert req.request.source == "guzzle" and req.operation.label == "POST /v0/kyc_links"
    assert [(f.kind, f.field) for f in req.findings] == [("unknown_param", "customer_type")]
    assert result.problems == []


def test_an_unknown_param_the_spec_accepts_is_not_echoed(stripe_specs) -> None:
    text = ("curl https://api.stripe.com/v1/customers -u \"$KEY:\" -d email=a@b.co\n"
            '{"error": {"code": "parameter_unknown", "message": "Received unknown parameter: email", "param": "email"}}')
    err = _one_error(check_paste(text, stripe_specs))
    assert err.findings == [] and "accepts it" in err.explanation
    text = text.replace("email", "emial")
    err = _one_error(check_paste(text, stripe_specs))
    assert [(f.kind, f.field) for f in err.findings] == [("unknown_param", "emial")]


def test_github_takes_json_without_content_type_bridge_does_not(github_specs, bridge_specs) -> None:
    gh = "curl -H 'Authorization: token x' -d '{\"name\": \"r\"}' https://api.github.com/user/repos"
    assert check_paste(gh, github_specs).findings == []
    br = ("curl -X POST https://api.bridge.xyz/v0/customers -H 'Api-Key: k' -H 'Idempotency-Key: i' "
          "-d '{\"type\": \"individual\", \"first_name\": \"Ann\", \"last_name\": \"Bo\", \"email\": \"a@b.co\"}'")
    assert [f.kind for f in check_paste(br, bridge_specs).findings] == ["content_type"]


def test_an_idempotency_option_counts_as_the_header(bridge_specs) -> None:
    code = ("await axios.post('https://api.bridge.xyz/v0/customers', {type: 'individual'}, "
            "{headers: {'Api-Key': key}%s})")
    with_option = check_paste(code % ", idempotencyKey: uuid()", bridge_specs).findings
    without = check_paste(code % "", bridge_specs).findings
    assert "idempotency_key_missing" in [f.kind for f in without]
    assert "idempotency_key_missing" not in [f.kind for f in with_option]


def test_a_curls_printed_response_is_not_a_second_request(github_specs) -> None:
    text = "```\n$ curl -H 'Accept: application/vnd.github+json' https://api.github.com/repos/o/r/releases\n[\n\n]\n```"
    result = check_paste(text, github_specs)
    assert [r.operation.label for r in result.requests] == ["GET /repos/{owner}/{repo}/releases"]
    assert result.findings == []


def test_a_broken_continuation_is_not_routed_to_root(github_specs) -> None:
    text = ("curl -i -H 'Authorization: token x' \\\n  -d '{\"title\": \"New\"}' \\    "
            "https://api.github.com/repos/o/r/issues")
    (req,) = check_paste(text, github_specs).requests
    assert req.operation.label == "POST /repos/{owner}/{repo}/issues"


def test_lowercase_method_in_fetch_with_computed_auth(stripe_specs) -> None:
    text = ('fetch("https://api.stripe.com/v1/tokens", {\n  method: "post",\n  headers: {\n'
            '    "Content-Type": "application/x-www-form-urlencoded",\n    Authorization: "Bearer " + key\n  },\n'
            '  body: formBody\n});')
    (req,) = check_paste(text, stripe_specs).requests
    assert req.operation.label == "POST /v1/tokens" and req.findings == []


def test_json_output_carries_evidence(bridge_specs) -> None:
    text = "curl https://api.bridge.xyz/v0/customers -H 'Api-Key: k'"
    data = json.loads(json.dumps(check_paste(text, bridge_specs).to_dict()))
    assert data["requests"][0]["operation"]["evidence"] == "request"


def test_the_request_printed_in_an_axios_error_is_checked(bridge_specs) -> None:
    text = ("AxiosError: Request failed with status code 400\n    at settle (/app/axios.cjs:1966:12) {\n"
            "  code: 'ERR_BAD_REQUEST',\n  config: {\n    method: 'post',\n"
            "    url: 'https://api.sandbox.bridge.xyz/v0/customers/c1/virtual_accounts',\n"
            "    data: '{\"source\":{\"currency\":\"usd\"},\"destination\":{\"currency\":\"usdc\",\"payment_rail\":\"base\","
            "\"address\":\"0x4a\",\"network\":\"base\"}}',\n"
            "    headers: { 'Api-Key': '[redacted]', 'Idempotency-Key': 'k1' }\n  },\n"
            "  response: {\n    status: 400,\n    data: { code: 'invalid_parameters', message: 'Invalid parameters', "
            "source: { location: 'body', key: 'destination.network' } }\n  }\n}")
    result = check_paste(text, bridge_specs)
    (req,) = result.requests
    assert req.request.source == "printed"
    assert req.operation.label == "POST /v0/customers/{customerID}/virtual_accounts"
    assert ("unknown_param", "destination.network") in [(f.kind, f.field) for f in req.findings]
    (err,) = result.errors
    assert err.operation.label == req.operation.label and err.evidence == "nearest_request"


@pytest.mark.parametrize("method,url,label", [
    ("PUT", "https://api.github.com/repos/o/r/contents/docs/guide/a.md", "PUT /repos/{owner}/{repo}/contents/{path}"),
    ("PATCH", "https://api.github.com/repos/o/r/git/refs/heads/main", "PATCH /repos/{owner}/{repo}/git/refs/{ref}"),
])
def test_a_multi_segment_parameter_takes_slashes(github_specs, method: str, url: str, label: str) -> None:
    body = " -d '{\"message\": \"m\", \"content\": \"aGk=\"}'" if method == "PUT" else " -d '{\"sha\": \"" + "a" * 40 + "\"}'"
    (req,) = check_paste(f"curl -X {method} -H 'Authorization: token x' {url}{body}", github_specs).requests
    assert req.operation.label == label and req.findings == []
    # Only where the spec says so (x-multi-segment): an issue number takes no slash.
    (req,) = check_paste("curl -H 'Authorization: token x' https://api.github.com/repos/o/r/issues/1/x/y",
                         github_specs).requests
    assert req.operation is None and [f.kind for f in req.findings] == ["unknown_path"]


def test_a_code_two_apis_share_means_what_the_errors_api_says(github_specs, bridge_specs) -> None:
    gh = ('{"message": "Validation Failed", "errors": [{"resource": "PullRequest", "field": "head", "code": "invalid"}], '
          '"documentation_url": "https://docs.github.com/rest/pulls/pulls#create-a-pull-request"}')
    err = _one_error(check_paste(gh, github_specs))
    assert "branch exists" in err.explanation
    br = 'POST /v0/customers\n```\n{"code": "invalid", "message": "bad value", "source": {"location": "body", "key": "email"}}\n```'
    err = _one_error(check_paste(br, bridge_specs))
    assert "branch" not in (err.explanation or "")


# --- the method and URL an error's text shows around it (readers/operations.py) -------------------

_METDATA = "\n12:00:02 ERROR Stripe error: Received unknown parameter: metdata"


@pytest.mark.parametrize("log", [
    "12:00:01 DEBUG Requesting POST api.stripe.com/v1/customers",        # a host without its scheme
    "12:00:01 DEBUG stripe: POST https://api.stripe.com/v1/customers.",  # a full URL ending a sentence
    "12:00:01 DEBUG Request: POST /v1/customers (attempt 1)",            # a path alone
])
def test_a_method_and_url_in_a_log_names_the_errors_operation(stripe_specs, log: str) -> None:
    result = check_paste(log + _METDATA, stripe_specs)
    assert result.requests == []  # a log line, not a request to check
    err = _one_error(result)
    assert (err.operation.label, err.evidence) == ("POST /v1/customers", "method_and_url")
    assert [(f.kind, f.field) for f in err.findings] == [("unknown_param", "metdata")]
    assert "a method and URL in the text" in render_check_text(result)


def test_a_printed_request_object_takes_its_own_url_not_a_neighbours(github_specs) -> None:
    # Two calls printed one after the other (each within the other's reach), then the error of the
    # second: its method goes with the URL printed next to it, not with the first URL in the text.
    text = ("first call ok: { method: 'GET', url: 'https://api.github.com/repos/o/r' }\n"
            "second call: { method: 'POST', url: 'https://api.github.com/repos/o/r/issues' }\n"
            "RequestError [HttpError]: Validation Failed: {\"resource\":\"Issue\",\"code\":\"custom\","
            "\"field\":\"title\",\"message\":\"title is too long\"}")
    result = check_paste(text, github_specs)
    err = _one_error(result)
    assert (err.operation.label, err.evidence) == ("POST /repos/{owner}/{repo}/issues", "request_object")
    assert "the method and URL of a printed request object" in render_check_text(result)


@pytest.mark.parametrize("url,label", [
    # The anchor is on four pages (actions, agents, codespaces, dependabot): the page decides.
    ("https://docs.github.com/rest/agents/secrets#list-organization-secrets", "GET /orgs/{org}/agents/secrets"),
    ("https://docs.github.com/en/enterprise-server@3.10/rest/actions/secrets#list-organization-secrets",
     "GET /orgs/{org}/actions/secrets"),
    # The spec links the old page (rest/reference/dependabot) and the error today's
    # (rest/dependabot/secrets): the same first word still picks it.
    ("https://docs.github.com/rest/dependabot/secrets#create-or-update-an-organization-secret",
     "PUT /orgs/{org}/dependabot/secrets/{secret_name}"),
    ("https://docs.github.com/rest/actions/secrets#create-or-update-an-organization-secret",
     "PUT /orgs/{org}/actions/secrets/{secret_name}"),
    # Versions and languages in the page path are not part of it.
    ("https://docs.github.com/en/enterprise-cloud@latest/rest/agents/secrets#list-organization-secrets",
     "GET /orgs/{org}/agents/secrets"),
    ("https://developer.github.com/enterprise/2.20/v3/dependabot/secrets#create-or-update-an-organization-secret",
     "PUT /orgs/{org}/dependabot/secrets/{secret_name}"),
    ("https://docs.github.com/en/rest/reference/actions#create-or-update-an-organization-secret",
     "PUT /orgs/{org}/actions/secrets/{secret_name}"),
    # A page none of them is on: no guess.
    ("https://docs.github.com/rest/orgs/orgs#list-organization-secrets", None),
    ("https://docs.github.com/rest#list-organization-secrets", None),
])
def test_a_documentation_anchor_on_several_pages_is_read_by_its_page(github_specs, url: str, label) -> None:
    err = _one_error(check_paste(f'{{"message": "Bad credentials", "documentation_url": "{url}"}}', github_specs))
    if label is None:
        assert err.operation is None and err.evidence is None
    else:
        assert (err.operation.label, err.evidence) == (label, "documentation_url")


def test_an_api_v3_url_on_another_host_is_not_an_enterprise_server(bridge_specs, github_specs) -> None:
    # /api/v3/ is GitHub Enterprise's base path, but many APIs use it: only GitHub's own spec is
    # tried on what follows it, never another API's (Bridge has a GET /customers).
    error = ('\n12:00:02 ERROR {"code": "invalid_parameters", "message": "bad", '
             '"source": {"location": "body", "key": "email"}}')
    err = _one_error(check_paste("12:00:01 DEBUG GET https://erp.acme.test/api/v3/customers" + error, bridge_specs))
    assert err.operation is None and err.evidence is None
    both = SpecSet([*bridge_specs.specs, *github_specs.specs])
    err = _one_error(check_paste("12:00:01 DEBUG POST https://erp.acme.test/api/v3/repos/o/r/issues" + error, both))
    assert (err.operation.label, err.evidence) == ("POST /repos/{owner}/{repo}/issues", "enterprise_host")


def test_each_loaded_spec_is_read_by_its_own_operations(tmp_path, monkeypatch) -> None:
    # The documentation anchors and body fields are indexed once per spec. CPython gives a freed
    # object's id to the next one, so an index kept by id() served a reloaded spec the operations
    # of the one before it; here every object gets the same id, as after such a reuse.
    from bridgebot.check.readers import operations

    monkeypatch.setattr(operations, "id", lambda _obj: 1, raising=False)
    for path in ("/alpha", "/beta"):
        ok = {"200": {"description": "ok"}}
        doc = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "servers": [{"url": "https://api.t.test"}],
               "paths": {path: {"post": {
                   "externalDocs": {"url": "https://docs.github.com/rest/things/things#make-a-thing"},
                   "requestBody": {"content": {"application/json": {"schema": {
                       "type": "object", "properties": {"name": {"type": "string"}, "size": {"type": "integer"}}}}}},
                   "responses": ok}},
                   # No page, a page without an anchor, and an anchor after a second "#": the last one counts.
                   path + "/plain": {"get": {"responses": ok}},
                   path + "/page": {"get": {"externalDocs": {"url": "https://docs.github.com/rest/things"},
                                            "responses": ok}},
                   path + "/old": {"get": {"externalDocs": {"url": "https://docs.github.com/rest/old#v1#get-old"},
                                           "responses": ok}}}}
        (tmp_path / "things.json").write_text(json.dumps(doc))
        specs = SpecSet.load([tmp_path / "things.json"], use_cache=False)
        err = _one_error(check_paste('{"message": "Problems parsing JSON", '
                                    '"documentation_url": "https://docs.github.com/rest/things/things#make-a-thing"}',
                                    specs))
        assert (err.operation.label, err.evidence) == (f"POST {path}", "documentation_url")
        err = _one_error(check_paste('{"message": "Gone", "documentation_url": "https://docs.github.com/rest/old#v1#get-old"}',
                                    specs))
        assert (err.operation.label, err.evidence) == (f"GET {path}/old", "documentation_url")
        (req,) = check_paste('I send this:\n```\n{"name": "a", "size": "big"}\n```', specs).requests
        assert (req.operation.label, req.evidence) == (f"POST {path}", "body_fields")
        assert [(f.kind, f.field) for f in req.findings] == [("wrong_type", "size")]


@pytest.mark.parametrize("line,label", [
    ("Github query : https://api.github.com/search/code?q=foo+in:file", "GET /search/code"),  # takes GET only
    ("Github call : https://api.github.com/repos/o/r/issues", None),  # GET and POST: no guess
])
def test_an_api_url_shown_without_its_method_names_an_operation_only_if_its_path_takes_one(
        github_specs, line: str, label) -> None:
    error = ('\n{"message":"Validation Failed","errors":[{"resource":"Search","field":"q","code":"invalid"}],'
             '"documentation_url":"https://docs.github.com/v3/search/"}')
    err = _one_error(check_paste(line + error, github_specs))
    if label is None:
        assert err.operation is None and err.evidence is None
    else:
        assert (err.operation.label, err.evidence) == (label, "url_single_method")
        assert [(f.kind, f.field) for f in err.findings] == [("invalid_format", "q")]


@pytest.mark.parametrize("log,label", [
    # The last method and URL before the error, whichever way each is written.
    ("12:00:01 DEBUG Request: POST /v1/customers (attempt 1)\n"
     "12:00:02 DEBUG stripe: GET https://api.stripe.com/v1/charges?limit=3" + _METDATA, "GET /v1/charges"),
    ("12:00:01 DEBUG stripe: GET https://api.stripe.com/v1/charges?limit=3\n"
     "12:00:02 DEBUG Request: POST /v1/customers (attempt 1)" + _METDATA, "POST /v1/customers"),
    # None before it: the first after it.
    (_METDATA.strip() + "\n12:00:03 DEBUG stripe: POST https://api.stripe.com/v1/customers\n"
     "12:00:04 DEBUG stripe: GET https://api.stripe.com/v1/charges", "POST /v1/customers"),
])
def test_the_method_and_url_nearest_before_the_error_names_it(stripe_specs, log: str, label: str) -> None:
    err = _one_error(check_paste(log, stripe_specs))
    assert (err.operation.label, err.evidence) == (label, "method_and_url")


@pytest.mark.parametrize("body,label", [
    ('{"email": "a@b.co", "type": "individual"}', "POST /v0/kyc_links"),  # exactly its required fields
    ('{"email": "a@b.co", "full_name": "A"}', None),  # kyc_links without its required `type`: no guess
    ('{"on_behalf_of": "cust_1"}', None),  # one field fits too many bodies to tell
])
def test_a_bare_body_names_the_one_operation_whose_fields_it_fits(bridge_specs, body: str, label) -> None:
    result = check_paste(f"I send this:\n```\n{body}\n```", bridge_specs)
    if label is None:
        assert result.requests == [] and "no endpoint near it" in result.hints[0]
    else:
        (req,) = result.requests
        assert (req.operation.label, req.evidence, req.findings) == (label, "body_fields", [])
        assert result.hints == []


def test_an_empty_id_is_the_last_path_parameter(stripe_specs) -> None:
    text = "Stripe::InvalidRequestError: Unrecognized request URL (GET: /v1/customers/cus_1/sources/)."
    err = _one_error(check_paste(text, stripe_specs))
    assert (err.operation.label, err.evidence) == ("GET /v1/customers/{customer}/sources/{id}", "error_text")
    assert [(f.kind, f.field, f.location) for f in err.findings] == [("missing_required", "id", "path")]


@pytest.mark.parametrize("log,label,evidence", [
    # Each API's URL routed in its own spec, under its base path (Bridge's /v0).
    ("POST https://api.bridge.xyz/v0/transfers", "POST /v0/transfers", "method_and_url"),
    ("PUT https://api.github.com/repos/o/r/contents/docs/guide/a.md", "PUT /repos/{owner}/{repo}/contents/{path}",
     "method_and_url"),
    # An Enterprise Server URL: GitHub's path after /api/v3, with the method it takes.
    ("POST https://github.example.com/api/v3/repos/o/r/issues", "POST /repos/{owner}/{repo}/issues", "enterprise_host"),
    ("GET https://github.example.com/api/v3", "GET /", "enterprise_host"),
    ("GET https://api.github.com/repos/acme/X", "GET /repos/{owner}/{repo}", "method_and_url"),  # a repo named X
    ("DELETE https://github.example.com/api/v3/repos/o/r/issues", None, None),  # no DELETE there
    ("GET https://github.example.com/api/v3/no/such/thing", None, None),
])
def test_a_logged_method_and_url_is_routed_in_its_own_api(bridge_specs, stripe_specs, github_specs,
                                                          log: str, label, evidence) -> None:
    every = SpecSet([*bridge_specs.specs, *stripe_specs.specs, *github_specs.specs])
    error = ('\n12:00:02 ERROR {"message": "Validation Failed", "errors": [{"resource": "Issue", "field": "title", '
             '"code": "missing_field"}]}' if "github" in log else
             '\n12:00:02 ERROR {"code": "invalid_parameters", "message": "bad", '
             '"source": {"location": "body", "key": "amount"}}')
    err = _one_error(check_paste("12:00:01 DEBUG " + log + error, every))
    assert (err.operation.label if err.operation else None, err.evidence) == (label, evidence)


@pytest.mark.parametrize("url,label", [
    ("https://api.github.com/markdown", "POST /markdown"),  # the one method of each path, whichever it is
    ("https://api.github.com/installation/token", "DELETE /installation/token"),
    ("https://api.github.com/user/email/visibility", "PATCH /user/email/visibility"),
    ("https://github.example.com/api/v3/search/code?q=x", "GET /search/code"),  # an Enterprise Server URL
    ("https://github.example.com/api/v3/markdown", "POST /markdown"),
    ("https://github.example.com/api/v3/installation/token", "DELETE /installation/token"),
    ("https://github.example.com/api/v3/user/email/visibility", "PATCH /user/email/visibility"),
    ("https://github.example.com/api/v3/orgs/acme/codespaces/access", "PUT /orgs/{org}/codespaces/access"),
    ("https://api.github.com/users/X", "GET /users/{username}"),  # a one-letter name is the user, not cut
])
def test_a_bare_api_url_of_a_one_method_path_names_it(github_specs, url: str, label: str) -> None:
    # The URL ends a clause ("…/markdown: failed"): the colon is not part of it.
    text = f'GitHub call to {url}: failed\n{{"message": "Bad", "documentation_url": "https://docs.github.com/rest"}}'
    err = _one_error(check_paste(text, github_specs))
    assert (err.operation.label, err.evidence) == (label, "url_single_method")


def test_the_host_decides_between_apis_that_share_a_path(tmp_path) -> None:
    # Two APIs with the same path: a logged URL is routed in the spec of its own host, whether
    # the log shows its scheme or not.
    paths = []
    for name in ("alpha", "beta"):
        doc = {"openapi": "3.0.3", "info": {"title": name, "version": "1"},
               "servers": [{"url": f"https://api.{name}.io"}],
               "paths": {"/v1/things": {"post": {"responses": {"200": {"description": "ok"}}}}}}
        paths.append(tmp_path / f"{name}.json")
        paths[-1].write_text(json.dumps(doc))
    specs = SpecSet.load(paths, use_cache=False)
    for log in ("DEBUG POST https://api.beta.io/v1/things", "DEBUG POST api.beta.io/v1/things"):
        err = _one_error(check_paste(log + "\nERROR Received unknown parameter: colour", specs))
        assert (err.operation.spec, err.operation.label, err.evidence) == ("beta", "POST /v1/things", "method_and_url")


def test_a_printed_request_object_far_into_a_log_takes_its_own_url(github_specs) -> None:
    # As the two-call test above, past the first 600 characters of the paste, with each URL
    # printed before its method: the method still takes the URL nearest to it.
    pad = "".join(f"12:00:{i:02d} INFO polling the queue, nothing new\n" for i in range(16))
    text = (pad + "call: { url: 'https://api.github.com/repos/o/r/issues', method: 'POST' }\n"
            "RequestError [HttpError]: Validation Failed: {\"resource\":\"Issue\",\"code\":\"custom\","
            "\"field\":\"title\",\"message\":\"title is too long\"}\n"
            "retrying with: { url: 'https://api.github.com/repos/o/r', method: 'GET' }")
    assert len(pad) > 600
    err = _one_error(check_paste(text, github_specs))
    assert (err.operation.label, err.evidence) == ("POST /repos/{owner}/{repo}/issues", "request_object")


def test_the_json_output_of_a_request_its_error_and_its_key_exactly(bridge_specs) -> None:
    text = ("curl -X POST 'https://api.bridge.xyz/v0/customers?api_key=sk-live-4f3a2b1c0d9e8f7a6b5c' "
            "-H 'Idempotency-Key: k1' -H 'Content-Type: application/json' -d '{\"type\": \"individual\", "
            "\"first_name\": \"Ann\", \"last_name\": \"Bo\", \"email\": \"a@b.co\", \"emial\": 1}'\n"
            'HTTP/1.1 400\n{"code": "invalid_parameters", "message": "Invalid parameters", '
            '"source": {"location": "body", "key": "emial"}}')
    key = "sk-live-…6b5c"
    op = {"spec": "bridge", "method": "POST", "path": "/v0/customers", "operation_id": "createCustomer"}
    assert json.loads(json.dumps(check_paste(text, bridge_specs).to_dict())) == {
        "requests": [{
            "method": "POST", "url": f"https://api.bridge.xyz/v0/customers?api_key={key}", "source": "curl",
            "operation": {**op, "evidence": "request"},
            "findings": [
                {"kind": "secret_exposed", "location": "query", "field": "api_key",
                 "message": f"A live key ({key}) is visible in this message: rotate it now and delete the message; "
                            "a key pasted in a shared channel is compromised.",
                 "expected": "no credentials in shared channels", "actual": key},
                {"kind": "unknown_param", "location": "query", "field": "api_key",
                 "message": "Unknown query parameter `api_key`.", "expected": None, "actual": "api_key"},
                {"kind": "auth_missing", "location": "header", "field": "Api-Key",
                 "message": "No credentials: this endpoint needs an `Api-Key` header.",
                 "expected": ["an `Api-Key` header"], "actual": None},
                {"kind": "unknown_param", "location": "body", "field": "emial",
                 "message": "Unknown field `emial`. Did you mean `email`?", "expected": ["email"], "actual": "emial"},
            ]}],
        "errors": [{
            "status": 400, "code": "invalid_parameters", "message": "Invalid parameters", "param": "emial",
            "operation": {**op, "evidence": "nearest_request"},
            "findings": [{"kind": "invalid_format", "location": "body", "field": "emial",
                          "message": "Invalid parameters", "expected": None, "actual": "emial"}],
            "explanation": "A field in the request is invalid. The error's source names the field; fix its value."}],
        "secrets": [{"kind": "bridge_live_key", "location": "query", "redacted": key}],
        "problems": [], "hints": [], "incomplete": None,
    }


@pytest.mark.parametrize("body,label", [
    ('{"url": "https://acme.io/hook", "event_epoch": "webhook_creation", "event_categories": ["customer"]}',
     "POST /v0/webhooks"),
    # Every field the update takes, and no other operation's required ones.
    ('{"url": "https://acme.io/hook", "status": "disabled", "event_categories": ["customer"]}',
     "PUT /v0/webhooks/{webhookID}"),
])
def test_a_bare_body_is_matched_across_every_loaded_api(bridge_specs, stripe_specs, github_specs, body: str,
                                                        label: str) -> None:
    every = SpecSet([*bridge_specs.specs, *stripe_specs.specs, *github_specs.specs])
    (req,) = check_paste(f"I send this:\n```\n{body}\n```", every).requests
    assert (req.operation.label, req.evidence) == (label, "body_fields")


def test_a_request_object_whose_url_opens_the_paste_is_read() -> None:
    """An axios-style config pasted on its own: the url key is the paste's first character."""
    from bridgebot.check.readers.operations import mentions

    text = "url: 'https://api.github.com/repos/o/r/issues',\nmethod: 'POST',\nstatus: 422"
    assert [(m.pos, m.method, m.url, m.evidence) for m in mentions(text)] == [
        (text.index("method"), "POST", "https://api.github.com/repos/o/r/issues", "request_object")]


def test_a_documentation_anchor_is_found_whatever_spec_comes_after_it(bridge_specs, github_specs) -> None:
    # The anchor is looked up in every loaded spec; a later spec without it (Bridge's) keeps GitHub's hit.
    both = SpecSet([*github_specs.specs, *bridge_specs.specs])
    err = _one_error(check_paste('{"message": "Invalid request.", "documentation_url": '
                                 '"https://docs.github.com/rest/pulls/pulls#create-a-pull-request"}', both))
    assert (err.operation.label, err.evidence) == ("POST /repos/{owner}/{repo}/pulls", "documentation_url")
