"""Real-world Slack pastes the reader and checker already get right (second, adversarial pass).

Each case is a message as a developer would post it (Slack-escaped where it says so). The
expectation is the request(s) read, the operation matched and the findings as (kind, field)
pairs, compared exactly: a missed finding and a false alarm both fail. Cases that are read
wrongly today are not here; they are listed in the test pass's report.
"""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from click.testing import CliRunner

from bridgebot.check import check_paste
from bridgebot.check.checker import render_check_text
from bridgebot.cli import cli
from conftest import BRIDGE_SPEC

IDEM = "4f8e1c7a-2b1d-4d0e-9a55-0c6b3f1e2d77"
VALID_TRANSFER = (
    '{"on_behalf_of":"cust_abc","amount":"25.00",'
    '"source":{"currency":"usdc","payment_rail":"ethereum","from_address":"0x1234"},'
    '"destination":{"currency":"usd","payment_rail":"ach","external_account_id":"ea_789"}}'
)


def pairs(findings) -> list[tuple[str, str]]:
    return sorted((f.kind, f.field) for f in findings)


def label(report) -> str | None:
    return report.operation.label if report.operation else None


def no_secret_leaks(result) -> None:
    dumped = json.dumps(result.to_dict(), ensure_ascii=False) + render_check_text(result)
    for s in result.secrets:
        assert s.value not in dumped, f"secret {s.redacted} leaked"


def one_request(result):
    assert len(result.requests) == 1, result.to_dict()
    return result.requests[0]


# --- curl as the tools export it ----------------------------------------------------------------

def test_chrome_devtools_copy_as_curl_bash(bridge_specs) -> None:
    text = (
        "```bash\n"
        "curl 'https://api.sandbox.bridge.xyz/v0/transfers' \\\n"
        "  -H 'accept: */*' \\\n"
        "  -H 'accept-language: en-US,en;q=0.9' \\\n"
        "  -H 'api-key: $BRIDGE_KEY' \\\n"
        "  -H 'content-type: application/json' \\\n"
        f"  -H 'idempotency-key: {IDEM}' \\\n"
        "  -H 'origin: https://app.example.com' \\\n"
        "  -H 'sec-ch-ua: \"Chromium\";v=\"124\", \"Google Chrome\";v=\"124\"' \\\n"
        f"  --data-raw $'{VALID_TRANSFER}' \\\n"
        "  --compressed\n"
        "```"
    )
    r = one_request(check_paste(text, bridge_specs))
    assert (r.request.method, r.request.url) == ("POST", "https://api.sandbox.bridge.xyz/v0/transfers")
    assert r.request.header("accept") == "*/*"
    assert label(r) == "POST /v0/transfers"
    assert pairs(r.findings) == []


def test_chrome_ansi_c_body_escapes_are_decoded(bridge_specs) -> None:
    text = (
        "curl 'https://api.bridge.xyz/v0/customers' -H 'api-key: K' -H 'idempotency-key: 1' "
        "-H 'content-type: application/json' "
        "--data-raw $'{\"type\":\"individual\",\"first_name\":\"Jos\\u00e9\",\"last_name\":\"O\\'Brien\"}'"
    )
    r = one_request(check_paste(text, bridge_specs))
    assert json.loads(r.request.body) == {"type": "individual", "first_name": "José", "last_name": "O'Brien"}
    assert pairs(r.findings) == []


def test_postman_curl_export(bridge_specs) -> None:
    text = (
        "curl --location 'https://api.sandbox.bridge.xyz/v0/transfers' \\\n"
        "--header 'Api-Key: $BRIDGE_KEY' \\\n"
        f"--header 'Idempotency-Key: {IDEM}' \\\n"
        "--header 'Content-Type: application/json' \\\n"
        f"--data '{VALID_TRANSFER}'"
    )
    r = one_request(check_paste(text, bridge_specs))
    assert label(r) == "POST /v0/transfers" and r.request.source == "curl"
    assert pairs(r.findings) == []


def test_postman_get_with_slack_escaped_query(bridge_specs) -> None:
    text = "curl --location 'https://api.bridge.xyz/v0/customers?limit=10&amp;starting_after=cust_1' --header 'Api-Key: $K'"
    r = one_request(check_paste(text, bridge_specs))
    assert r.request.url == "https://api.bridge.xyz/v0/customers?limit=10&starting_after=cust_1"
    assert label(r) == "GET /v0/customers"
    assert pairs(r.findings) == []


def test_windows_cmd_caret_continuations_and_escaped_quotes(bridge_specs) -> None:
    body = VALID_TRANSFER.replace('"', '\\"')
    text = (
        'curl -X POST "https://api.sandbox.bridge.xyz/v0/transfers" ^\n'
        '  -H "Api-Key: %BRIDGE_API_KEY%" ^\n'
        f'  -H "Idempotency-Key: {IDEM}" ^\n'
        '  -H "Content-Type: application/json" ^\n'
        f'  -d "{body}"'
    )
    result = check_paste(text, bridge_specs)
    r = one_request(result)
    assert json.loads(r.request.body)["amount"] == "25.00"
    assert label(r) == "POST /v0/transfers"
    assert pairs(r.findings) == []
    assert result.secrets == []  # %BRIDGE_API_KEY% is a placeholder, not a key


def test_powershell_backtick_continuations_read_every_line(bridge_specs) -> None:
    text = (
        'curl.exe -X POST "https://api.bridge.xyz/v0/customers" `\n'
        '  -H "Api-Key: $BRIDGE_KEY" `\n'
        '  -H "Idempotency-Key: 1" `\n'
        '  -H "Content-Type: application/json" `\n'
        "  -d '{\"type\":\"individual\"}'"
    )
    r = one_request(check_paste(text, bridge_specs))
    assert r.request.header("idempotency-key") == "1" and r.request.header("content-type") == "application/json"
    assert label(r) == "POST /v0/customers"
    assert pairs(r.findings) == []


def test_api_key_header_without_space_after_colon(bridge_specs) -> None:
    r = one_request(check_paste('curl https://api.bridge.xyz/v0/customers -H "Api-Key:$KEY"', bridge_specs))
    assert r.request.header("api-key") == "$KEY"
    assert pairs(r.findings) == []


def test_live_key_without_space_is_found_and_redacted(bridge_specs) -> None:
    text = 'curl https://api.bridge.xyz/v0/customers -H "Api-Key:sk-live-abcdef1234567890"'
    result = check_paste(text, bridge_specs)
    assert [s.redacted for s in result.secrets] == ["sk-live-…7890"]
    assert pairs(one_request(result).findings) == [("secret_exposed", "Api-Key")]
    no_secret_leaks(result)


@pytest.mark.parametrize(
    "text, url",
    [
        ('curl <https://api.bridge.xyz/v0/customers|https://api.bridge.xyz/v0/customers> -H "Api-Key: $K"',
         "https://api.bridge.xyz/v0/customers"),
        # Slack shortens the label; the target is what was typed.
        ("curl '<https://api.bridge.xyz/v0/customers?limit=5&amp;starting_after=c_1|api.bridge.xyz/v0/customers?limit=5&amp;st…>'"
         " -H 'Api-Key: $K'", "https://api.bridge.xyz/v0/customers?limit=5&starting_after=c_1"),
    ],
)
def test_slack_autolinked_url_inside_curl(bridge_specs, text: str, url: str) -> None:
    r = one_request(check_paste(text, bridge_specs))
    assert r.request.url == url
    assert label(r) == "GET /v0/customers"
    assert pairs(r.findings) == []


def test_escaped_query_out_of_range_limit(bridge_specs) -> None:
    text = 'curl "https://api.bridge.xyz/v0/transfers?limit=500&amp;starting_after=tr_1" -H "Api-Key: $KEY"'
    r = one_request(check_paste(text, bridge_specs))
    assert label(r) == "GET /v0/transfers"
    assert pairs(r.findings) == [("out_of_range", "limit")]


def test_get_with_data_and_G_reports_misspelt_query(bridge_specs) -> None:
    text = "curl -G https://api.bridge.xyz/v0/customers -H 'Api-Key: $K' -d limit=5 -d strating_after=x"
    r = one_request(check_paste(text, bridge_specs))
    assert pairs(r.findings) == [("unknown_param", "strating_after")]
    assert "starting_after" in r.findings[0].suggestions


def test_smart_quotes_outside_code_block(bridge_specs) -> None:
    text = ("curl -X POST https://api.bridge.xyz/v0/customers -H \u201cApi-Key: $KEY\u201d "
            "-H \u2018Idempotency-Key: abc\u2019 -H 'Content-Type: application/json' "
            "-d \u2018{\u201ctype\u201d: \u201cindividual\u201d, \u201cfirst_name\u201d: \u201cJo\u201d}\u2019")
    r = one_request(check_paste(text, bridge_specs))
    assert json.loads(r.request.body) == {"type": "individual", "first_name": "Jo"}
    assert pairs(r.findings) == []


def test_whole_command_in_one_line_code_fence(bridge_specs) -> None:
    text = ("```curl -X POST https://api.bridge.xyz/v0/customers -H 'Api-Key: $K' -H 'Idempotency-Key: x' "
            "-H 'Content-Type: application/json' -d '{\"type\":\"individual\"}'```")
    r = one_request(check_paste(text, bridge_specs))
    assert r.request.body == '{"type":"individual"}'
    assert pairs(r.findings) == []


@pytest.mark.parametrize("url", [
    "https://api.bridge.xyz/v0/customers/",
    "https://api.bridge.xyz:443/v0/customers",
    "https://API.Bridge.xyz/v0/customers",
    "https://api.sandbox.bridge.xyz/v0/customers",
])
def test_url_spellings_route_to_the_same_operation(bridge_specs, url: str) -> None:
    r = one_request(check_paste(f"curl {url} -H 'Api-Key: $K'", bridge_specs))
    assert label(r) == "GET /v0/customers"
    assert pairs(r.findings) == []


def test_method_not_taken_by_path(bridge_specs) -> None:
    text = ("curl -X PATCH https://api.bridge.xyz/v0/customers/cust_1 -H 'Api-Key: $K' "
            "-H 'Content-Type: application/json' -d '{\"first_name\":\"Jo\"}'")
    r = one_request(check_paste(text, bridge_specs))
    assert pairs(r.findings) == [("wrong_method", "method")]
    assert "PUT" in r.findings[0].message


def test_json_body_without_content_type_is_form_encoded_by_curl(bridge_specs) -> None:
    text = ("curl -X POST https://api.bridge.xyz/v0/customers -H 'Api-Key: $K' -H 'Idempotency-Key: x' "
            "-d '{\"type\":\"individual\"}'")
    r = one_request(check_paste(text, bridge_specs))
    assert pairs(r.findings) == [("content_type", "Content-Type")]


def test_key_in_query_string_is_redacted_everywhere(bridge_specs) -> None:
    text = "curl 'https://api.bridge.xyz/v0/customers?api_key=sk-live-abcdef1234567890abcd&amp;limit=5'"
    result = check_paste(text, bridge_specs)
    r = one_request(result)
    assert pairs(r.findings) == [("auth_missing", "Api-Key"), ("secret_exposed", "api_key"),
                                 ("unknown_param", "api_key")]
    assert "sk-live-…abcd" in r.to_dict()["url"]
    no_secret_leaks(result)


# --- raw HTTP -----------------------------------------------------------------------------------

def test_raw_http_with_json_body(bridge_specs) -> None:
    text = ("POST /v0/transfers HTTP/1.1\nHost: api.bridge.xyz\nApi-Key: $KEY\n"
            f"Idempotency-Key: {IDEM}\nContent-Type: application/json\n\n{VALID_TRANSFER}\n")
    r = one_request(check_paste(text, bridge_specs))
    assert (r.request.source, r.request.url) == ("http", "https://api.bridge.xyz/v0/transfers")
    assert pairs(r.findings) == []


# --- several pastes in one message --------------------------------------------------------------

def test_three_requests_and_an_error_keep_order_and_pairing(bridge_specs) -> None:
    text = (
        "first one works:\n```\ncurl https://api.bridge.xyz/v0/customers -H 'Api-Key: $K'\n```\n"
        "second fails:\n```\ncurl -X POST https://api.bridge.xyz/v0/customers/cust_1/external_accounts "
        "-H 'Api-Key: $K' -H 'Content-Type: application/json' -d '{\"currency\":\"usd\",\"account_type\":\"us\"}'\n```\n"
        "```\n{\"code\":\"invalid_parameters\",\"message\":\"Idempotency-Key header is required\"}\n```\n"
        "and third:\n```\ncurl -X DELETE https://api.bridge.xyz/v0/transfer/tr_1 -H 'Api-Key: $K'\n```\n"
    )
    result = check_paste(text, bridge_specs)
    assert [label(r) for r in result.requests] == [
        "GET /v0/customers", "POST /v0/customers/{customerID}/external_accounts", None]
    assert pairs(result.requests[0].findings) == []
    assert pairs(result.requests[1].findings) == [
        ("idempotency_key_missing", "Idempotency-Key"), ("missing_required", "account"),
        ("missing_required", "account_owner_name")]
    assert pairs(result.requests[2].findings) == [("unknown_path", "path")]
    assert "/v0/transfers/{transferID}" in result.requests[2].findings[0].suggestions
    (err,) = result.errors
    assert label(err) == "POST /v0/customers/{customerID}/external_accounts"


def test_request_then_pretty_printed_error_with_status_and_request_id(bridge_specs) -> None:
    text = (
        "Here's my request:\n```\n"
        "curl -i -X POST https://api.sandbox.bridge.xyz/v0/customers/cust_123/external_accounts \\\n"
        '  -H "Api-Key: $BRIDGE_API_KEY" \\\n'
        '  -H "Idempotency-Key: $(uuidgen)" \\\n'
        '  -H "Content-Type: application/json" \\\n'
        "  -d '{\"currency\":\"usd\",\"account_type\":\"us\",\"account_owner_name\":\"Jo\",\"account\":"
        "{\"account_number\":\"1234\",\"routing_number\":\"021000021\",\"checking_or_savings\":\"checkings\"}}'\n"
        "```\nand the response:\n```\nHTTP/2 400\ncontent-type: application/json\n"
        "x-request-id: 7f3c2a10-aaaa-bbbb-cccc-1234567890ab\n\n"
        "{\n  \"code\": \"invalid_parameters\",\n"
        "  \"message\": \"account.checking_or_savings must be one of checking, savings\",\n"
        "  \"source\": {\n    \"location\": \"body\",\n    \"key\": \"account.checking_or_savings\"\n  }\n}\n```"
    )
    result = check_paste(text, bridge_specs)
    r = one_request(result)
    assert pairs(r.findings) == [("invalid_enum", "account.checking_or_savings")]
    assert "checking" in r.findings[0].suggestions
    (err,) = result.errors
    assert (err.error.status, err.error.code, err.error.request_id) == (
        400, "invalid_parameters", "7f3c2a10-aaaa-bbbb-cccc-1234567890ab")
    assert label(err) == "POST /v0/customers/{customerID}/external_accounts"
    assert pairs(err.findings) == [("invalid_enum", "account.checking_or_savings")]


def test_python_requests_code_and_http_error(bridge_specs) -> None:
    text = (
        "```python\nimport requests\n"
        'r = requests.get("https://api.bridge.xyz/v0/customers", '
        'headers={"Authorization": "Bearer sk-live-abcdef1234567890abcd"})\nr.raise_for_status()\n```\n'
        "```\nrequests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: "
        "https://api.bridge.xyz/v0/customers\n```"
    )
    result = check_paste(text, bridge_specs)
    r = one_request(result)
    assert pairs(r.findings) == [("auth_invalid", "Authorization"), ("secret_exposed", "Authorization")]
    (err,) = result.errors
    assert err.error.status == 401 and label(err) == "GET /v0/customers"
    assert [f.kind for f in err.findings] == ["auth_invalid"]
    no_secret_leaks(result)


def test_json_body_with_endpoint_named_after_it(bridge_specs) -> None:
    text = (
        "```\n{\"on_behalf_of\":\"cust_abc\",\"amount\":10,\"source\":{\"currency\":\"usdc\",\"payment_rail\":"
        "\"ethereum\"},\"destination\":{\"currency\":\"usd\",\"payment_rail\":\"ach\",\"external_account_id\":"
        "\"ea_789\"}}\n```\nthat's the body I send to POST /v0/transfers"
    )
    r = one_request(check_paste(text, bridge_specs))
    assert (r.request.source, label(r)) == ("json", "POST /v0/transfers")
    assert pairs(r.findings) == [("wrong_type", "amount")]


def test_body_then_endpoint_then_error(bridge_specs) -> None:
    text = (
        "```json\n{\"type\":\"individual\"}\n```\nto POST /v0/customers returns\n"
        "```json\n{\"code\":\"invalid_parameters\",\"message\":\"first_name is required\","
        "\"source\":{\"location\":\"body\",\"key\":\"first_name\"}}\n```"
    )
    result = check_paste(text, bridge_specs)
    assert pairs(one_request(result).findings) == []
    (err,) = result.errors
    assert label(err) == "POST /v0/customers"
    assert pairs(err.findings) == [("missing_required", "first_name")]


def test_slack_escaped_ampersand_in_error_message(bridge_specs) -> None:
    text = ('{"code":"invalid_parameters","message":"first_name &amp; last_name must be set",'
            '"source":{"location":"body","key":"first_name"}}')
    (err,) = check_paste(text, bridge_specs).errors
    assert err.error.message == "first_name & last_name must be set"
    assert pairs(err.findings) == [("missing_required", "first_name")]


# --- malformed JSON bodies -----------------------------------------------------------------------

def test_trailing_comma_in_curl_body_names_the_position(bridge_specs) -> None:
    text = (
        "```\ncurl -X POST https://api.bridge.xyz/v0/customers -H 'Api-Key: $K' -H 'Idempotency-Key: 1' "
        "-H 'Content-Type: application/json' -d '{\n  \"type\": \"individual\",\n  \"first_name\": \"Jo\",\n}'\n```"
    )
    r = one_request(check_paste(text, bridge_specs))
    assert pairs(r.findings) == [("malformed_body", "")]
    assert "line 4 column 1" in r.findings[0].message


def test_trailing_comma_in_json_with_endpoint_names_the_position(bridge_specs) -> None:
    text = "POST /v0/customers\n```json\n{\n  \"type\": \"individual\",\n  \"first_name\": \"Jo\",\n}\n```"
    r = one_request(check_paste(text, bridge_specs))
    assert label(r) == "POST /v0/customers"
    assert pairs(r.findings) == [("malformed_body", "")]
    assert "line 4 column 1" in r.findings[0].message


# --- client code --------------------------------------------------------------------------------

def test_fetch_with_template_literal_path_variable(bridge_specs) -> None:
    text = (
        "```js\nconst res = await fetch(`https://api.bridge.xyz/v0/customers/${customerId}/external_accounts`, {\n"
        "  method: 'POST',\n"
        "  headers: { 'Api-Key': apiKey, 'Content-Type': 'application/json', 'Idempotency-Key': uuid() },\n"
        "  body: JSON.stringify({ currency: 'usd', account_type: 'us', account_owner_name: 'Jo', "
        "account: { account_number: '123', routing_number: '021000021' } }),\n});\n```"
    )
    r = one_request(check_paste(text, bridge_specs))
    assert label(r) == "POST /v0/customers/{customerID}/external_accounts"
    assert pairs(r.findings) == []


def test_fetch_string_body_without_content_type(bridge_specs) -> None:
    text = ("```js\nawait fetch('https://api.bridge.xyz/v0/customers', { method: 'POST', headers: "
            "{ 'Api-Key': key, 'Idempotency-Key': id }, body: JSON.stringify({ type: 'individual' }) })\n```")
    r = one_request(check_paste(text, bridge_specs))
    assert pairs(r.findings) == [("content_type", "Content-Type")]


def test_fetch_template_literal_missing_version_prefix(bridge_specs) -> None:
    text = "```js\nconst res = await fetch(`https://api.bridge.xyz/customers/${id}`, { headers: { 'Api-Key': key } });\n```"
    r = one_request(check_paste(text, bridge_specs))
    assert pairs(r.findings) == [("unknown_path", "path")]
    assert "/v0/customers/" in r.findings[0].message


@pytest.mark.parametrize(
    "text",
    [
        # HTTPie
        "http POST api.bridge.xyz/v0/transfers Api-Key:sk-live-abcdef1234567890 amount=10 on_behalf_of=cust_1",
        # Go net/http
        "```go\njsonStr := []byte(`{\"amount\":\"10.00\",\"on_behalf_of\":\"cust_1\"}`)\n"
        "req, err := http.NewRequest(\"POST\", \"https://api.bridge.xyz/v0/transfers\", bytes.NewBuffer(jsonStr))\n"
        "req.Header.Set(\"Api-Key\", \"sk-live-abcdef1234567890\")\n```",
    ],
    ids=["httpie", "go"],
)
def test_unsupported_clients_fail_gracefully_but_keys_are_still_caught(bridge_specs, text: str) -> None:
    result = check_paste(text, bridge_specs)
    assert result.requests == [] and result.errors == []
    assert len(result.problems) == 1 and "can't read yet" in result.problems[0]  # said, never silent
    assert [s.redacted for s in result.secrets] == ["sk-live-…7890"]
    no_secret_leaks(result)


# --- prose, non-ASCII and size ------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "what does GET /v0/customers return?",
    "hey, quick q: POST /v0/transfers keeps giving me 401, any idea?",
    "is https://api.bridge.xyz/v0/customers paginated?",
])
def test_prose_mentioning_an_endpoint_is_not_a_paste(bridge_specs, text: str) -> None:
    result = check_paste(text, bridge_specs)
    assert (result.requests, result.errors, result.problems) == ([], [], [])


def test_emoji_and_non_ascii_values(bridge_specs) -> None:
    text = ("curl -X POST https://api.bridge.xyz/v0/customers -H 'Api-Key: $K' -H 'Idempotency-Key: 9c1' "
            "-H 'Content-Type: application/json' "
            "-d '{\"type\":\"individual\",\"first_name\":\"José 🚀\",\"last_name\":\"Müller\"}' 🙏 please help")
    r = one_request(check_paste(text, bridge_specs))
    assert json.loads(r.request.body)["first_name"] == "José 🚀"
    assert pairs(r.findings) == []


def test_non_ascii_json_body_with_endpoint(bridge_specs) -> None:
    text = "POST /v0/customers ✅\n```\n{\"type\":\"individual\",\"first_name\":\"Zoë\",\"last_name\":\"日本\"}\n```"
    r = one_request(check_paste(text, bridge_specs))
    assert label(r) == "POST /v0/customers" and pairs(r.findings) == []


def test_message_at_slacks_40000_character_cap(bridge_specs) -> None:
    log = 'INFO something happened at 12:00:00 [worker-1] {"event": "tick", "n": 1}\n' * 520
    curl = ("curl -X POST https://api.bridge.xyz/v0/customers -H 'Api-Key: $K' -H 'Idempotency-Key: x' "
            "-H 'Content-Type: application/json' -d '{\"type\":\"individual\",\"first_name\":5}'\n")
    text = ("log dump:\n```\n" + log + "```\n" + curl)
    assert 35_000 < len(text) <= 40_000
    started = time.perf_counter()
    result = check_paste(text, bridge_specs)
    assert time.perf_counter() - started < 5
    r = one_request(result)
    assert pairs(r.findings) == [("wrong_type", "first_name")]


# --- Stripe and GitHub --------------------------------------------------------------------------

def test_stripe_postman_data_urlencode(stripe_specs) -> None:
    text = (
        "curl --location 'https://api.stripe.com/v1/customers' \\\n"
        "--header 'Content-Type: application/x-www-form-urlencoded' \\\n"
        "--header 'Authorization: Bearer sk_test_4eC39HqLyjWDarjtT1zdp7dc' \\\n"
        "--data-urlencode 'email=jenny@example.com' \\\n"
        "--data-urlencode 'metadata[order_id]=6735' \\\n"
        "--data-urlencode 'invoice_settings[default_payment_methd]=pm_1'"
    )
    result = check_paste(text, stripe_specs)
    r = one_request(result)
    assert label(r) == "POST /v1/customers"
    assert pairs(r.findings) == [("secret_exposed", "Authorization"),
                                 ("unknown_param", "invoice_settings[default_payment_methd]")]
    typo = next(f for f in r.findings if f.kind == "unknown_param")
    assert "default_payment_method" in typo.suggestions
    assert "`invoice_settings[default_payment_method]`" in typo.message
    no_secret_leaks(result)


def test_stripe_get_with_G_and_bracketed_query(stripe_specs) -> None:
    text = "curl -G https://api.stripe.com/v1/charges -u $STRIPE_KEY: -d limit=3 -d 'expand[]=data.customer' -d created[gte]=1690000000"
    r = one_request(check_paste(text, stripe_specs))
    assert label(r) == "GET /v1/charges"
    assert pairs(r.findings) == []


def test_github_issue_with_typo_and_wrong_type(github_specs) -> None:
    text = ("curl -X POST -H \"Authorization: Bearer $GH_TOKEN\" -H 'Content-Type: application/json' "
            "https://api.github.com/repos/o/r/issues -d '{\"titel\":\"x\",\"labels\":\"bug\"}'")
    r = one_request(check_paste(text, github_specs))
    assert label(r) == "POST /repos/{owner}/{repo}/issues"
    assert pairs(r.findings) == [("missing_required", "title"), ("unknown_param", "titel"), ("wrong_type", "labels")]


# --- the command line on an unsupported paste ---------------------------------------------------

def test_cli_unsupported_paste_gives_empty_json_and_says_so() -> None:
    paste = "```go\nreq, _ := http.NewRequest(http.MethodGet, \"https://api.bridge.xyz/v0/customers\", nil)\n```"
    out = CliRunner().invoke(cli, ["check", "--spec", str(BRIDGE_SPEC), "--format", "json", "-"], input=paste)
    assert out.exit_code == 1, out.output  # nothing checked, and the report says why (issue 11)
    data = json.loads(out.stdout)
    assert (data["requests"], data["errors"], data["secrets"]) == ([], [], [])
    assert "Go net/http" in data["problems"][0]


def _split_top_char_by_char(expr: str, sep: str) -> list[str]:
    """The reference: split at a top-level ``sep``, one character at a time."""
    parts, cur, depth, i, n = [], [], 0, 0, len(expr)
    while i < n:
        c = expr[i]
        if c in "'\"`":
            j = i + 1
            while j < n and expr[j] != c:
                j += 2 if expr[j] == "\\" else 1
            cur.append(expr[i:j + 1])
            i = j + 1
            continue
        depth += (c in "([{") - (c in ")]}")
        if c == sep and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(c)
        i += 1
    parts.append("".join(cur).strip())
    return [p for p in parts if p]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab ,+()[]{}'\"`\\\n", max_size=40), st.sampled_from([",", "+"]))
def test_split_top_splits_like_reading_one_character_at_a_time(expr: str, sep: str) -> None:
    from bridgebot.check.clientcode import split_top

    assert split_top(expr, sep) == _split_top_char_by_char(expr, sep)


def test_a_php_array_nested_past_the_readers_depth_is_checked_not_a_bug_report(bridge_specs) -> None:
    # Found by the fuzz run: past six levels the PHP reader's "unknown" marker leaked into the body
    # value, and describing it crashed the check ("that's a bug on our side").
    paste = ("$ch = curl_init();\n"
             "curl_setopt($ch, CURLOPT_URL, 'https://api.bridge.xyz/v0/customers');\n"
             "curl_setopt($ch, CURLOPT_HTTPHEADER, ['Api-Key: ' . $key, 'Idempotency-Key: ' . $idem]);\n"
             "curl_setopt($ch, CURLOPT_POSTFIELDS, json_encode(['type' => 'individual', 'email' => "
             "['a' => ['b' => ['c' => ['d' => ['e' => ['f' => 1]]]]]]]));\n")
    result = check_paste(paste, bridge_specs)
    assert result.problems == []
    (report,) = result.requests
    assert [(f.kind, f.field) for f in report.findings if f.kind == "wrong_type"] == [("wrong_type", "email")]


def test_fetch_body_whose_last_field_is_an_array_is_checked(bridge_specs) -> None:
    # `endorsements: ['sepa', 'pix']})`: the array closes right before the object does; the
    # object after it is still read (and the next bracket not skipped), so the bad value is found.
    text = ("```js\nawait fetch('https://api.bridge.xyz/v0/customers', { method: 'POST', headers: "
            "{ 'Api-Key': key, 'Idempotency-Key': id, 'Content-Type': 'application/json' },\n"
            "  body: JSON.stringify({ type: 'individual', first_name: 'Jo', last_name: 'Li', email: 'jo@x.co', "
            "endorsements: ['sepa', 'pix']}) })\n```")
    r = one_request(check_paste(text, bridge_specs))
    assert label(r) == "POST /v0/customers"
    assert pairs(r.findings) == [("invalid_enum", "endorsements[1]")]
    assert json.loads(r.request.body)["endorsements"] == ["sepa", "pix"]


@pytest.mark.parametrize("content_type, findings", [
    ("['application/json']", []),
    ("['text/plain']", [("content_type", "Content-Type")]),
])
def test_guzzle_header_given_as_an_array_is_read_as_its_value(bridge_specs, content_type: str, findings) -> None:
    # PSR-7 lets a Guzzle header be a list of values: the value is still what was written.
    text = ("$response = $client->request('POST', 'https://api.bridge.xyz/v0/customers', [\n"
            f"    'headers' => ['Api-Key' => $apiKey, 'Idempotency-Key' => $uuid, 'Content-Type' => {content_type}],\n"
            "    'json' => ['type' => 'individual', 'first_name' => 'Jo', 'last_name' => 'Li', 'email' => 'jo@x.co'],\n"
            "]);")
    r = one_request(check_paste(text, bridge_specs))
    assert (label(r), r.request.source) == ("POST /v0/customers", "guzzle")
    assert pairs(r.findings) == findings
    if findings:
        assert "text/plain" in r.findings[0].message


# --- which version of a spec ---------------------------------------------------------------------

def _acme(version: str) -> dict:
    """A small API whose two versions differ: `nickname` only exists from 2024-01-01."""
    props = {"email": {"type": "string"}}
    if version >= "2024-01-01":
        props["nickname"] = {"type": "string"}
    return {"openapi": "3.0.3", "info": {"title": "Acme", "version": version},
            "servers": [{"url": "https://api.acme.test"}],
            "paths": {"/v1/users": {"post": {"requestBody": {"content": {"application/json": {
                "schema": {"type": "object", "properties": props, "additionalProperties": False}}}},
                "responses": {"200": {"description": "ok"}}}}}}


def _load_acme(tmp_path, layout: dict[str, str | None]):
    from bridgebot.check.specs import SpecSet

    paths = []
    for rel, version in layout.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        doc = _acme(version or "2024-01-01")
        path.write_text(json.dumps(doc))
        paths.append(path)
    return SpecSet.load(paths, use_cache=False)


CALL = ("curl -X POST https://api.acme.test/v1/users -H 'Content-Type: application/json' "
        "-d '{\"email\": \"a@b.co\", \"nickname\": \"jo\"}'")


def test_spec_versions_kept_in_dated_folders_are_told_apart(tmp_path) -> None:
    # Two versions of one API in folders named by date (the file names carry no date): the newest
    # is used unless the paste names a version, and the reply says which.
    specs = _load_acme(tmp_path, {"2023-06-01/acme.json": "2023-06-01", "2024-03-01/acme.json": "2024-03-01"})
    result = check_paste(CALL, specs)
    (r,) = result.requests
    assert pairs(r.findings) == []
    assert [h for h in result.hints if h.startswith("Checked against")] == [
        "Checked against Acme 2024-03-01 (the newest loaded; the paste names no API version)."]
    result = check_paste(CALL + " -H 'Stripe-Version: 2023-09-01'", specs)
    (r,) = result.requests
    assert pairs(r.findings) == [("unknown_param", "nickname")]
    assert [h for h in result.hints if h.startswith("Checked against")] == [
        "Checked against Acme 2023-06-01 (the paste names API version 2023-09-01)."]


def test_spec_versions_without_a_date_are_all_kept_and_no_version_is_claimed(tmp_path) -> None:
    # One of the two copies names no date anywhere: no version can be picked, none is named.
    specs = _load_acme(tmp_path, {"acme-2023-06-01.json": "2023-06-01", "acme-latest.json": None})
    result = check_paste(CALL, specs)
    assert [r.operation.label for r in result.requests] == ["POST /v1/users"]
    assert not [h for h in result.hints if "Checked against" in h]


def test_a_bare_body_with_exactly_the_required_fields_is_checked_against_its_operation(bridge_specs) -> None:
    # on_behalf_of, source and destination are all POST /v0/transfers requires, and no other
    # operation takes them: that is enough to check the body (amount is optional).
    text = ('Getting a 400 with this body:\n```\n{"on_behalf_of": "cust_1", "source": {"payment_rail": "ach", '
            '"currency": "usd"}, "destination": {"payment_rail": "ethereum", "currency": "usdx", '
            '"to_address": "0xabc"}}\n```')
    result = check_paste(text, bridge_specs)
    r = one_request(result)
    assert (label(r), r.evidence) == ("POST /v0/transfers", "body_fields")
    assert pairs(r.findings) == [("invalid_enum", "destination.currency")]
    assert result.hints == []


@pytest.mark.parametrize("body, findings", [
    ("json_encode(['type' => 'individual', 'first_name' => 'Jo', 'last_name' => 'Li', 'email' => 5])",
     [("wrong_type", "email")]),
    ("json_encode($data)", []),      # built elsewhere: sent, not judged
    ("$payload", []),
    ("'{\"type\": \"individual\"'", [("malformed_body", "")]),
])
def test_guzzle_body_option_is_the_body_sent(bridge_specs, body: str, findings) -> None:
    # 'body' => json_encode([...]) is how most Guzzle code sends JSON: the body is that array's JSON
    # (it was read as no body at all: "needs a request body").
    text = ("$response = $client->request('POST', 'https://api.bridge.xyz/v0/customers', [\n"
            "    'headers' => ['Api-Key' => $apiKey, 'Idempotency-Key' => $uuid, 'Content-Type' => 'application/json'],\n"
            f"    'body' => {body},\n]);")
    r = one_request(check_paste(text, bridge_specs))
    assert (label(r), r.request.source) == ("POST /v0/customers", "guzzle")
    assert pairs(r.findings) == findings


def test_guzzle_url_in_double_quotes_with_a_variable_base_is_read(bridge_specs) -> None:
    # "$base/v0/customers": PHP fills in $base at run time; the path still names the endpoint.
    text = ("$response = $client->request('POST', \"$base/v0/customers\", ['headers' => ['Api-Key' => $k, "
            "'Idempotency-Key' => $i], 'json' => ['type' => 'individual', 'email' => 5]]);")
    r = one_request(check_paste(text, bridge_specs))
    assert (label(r), r.request.source) == ("POST /v0/customers", "guzzle")
    assert pairs(r.findings) == [("wrong_type", "email")]


def test_a_node_error_object_holding_a_circular_reference_is_read(bridge_specs) -> None:
    # console.log of an error object whose request is a circular reference (`<ref *1>`): not JSON
    # nor a literal the lenient reader takes, read as a JavaScript object; the error is still explained.
    text = ("console.log(err.response.data) prints:\n{\n  code: 'invalid_parameters',\n"
            "  message: 'source is required',\n  source: { location: 'body', key: 'source' },\n"
            "  request: <ref *1> ClientRequest { method: 'POST', path: '/v0/customers', res: [IncomingMessage] }\n}")
    (error,) = check_paste(text, bridge_specs).errors
    assert (error.error.code, error.error.message) == ("invalid_parameters", "source is required")
    assert pairs(error.findings) == [("missing_required", "source")]


@pytest.mark.parametrize("inner, code, message", [
    ({"message": "Missing required param: amount."}, None, "Missing required param: amount."),
    ({"code": "resource_missing"}, "resource_missing", None),
    ({"message": "No such customer: 'cus_1'", "type": "invalid_request_error"}, None, "No such customer: 'cus_1'"),
])
def test_an_error_object_with_any_of_message_code_or_type_is_an_error(stripe_specs, inner, code, message) -> None:
    # {"error": {...}} (Stripe's shape) with only some of its fields is still the API's error.
    result = check_paste(json.dumps({"error": inner}), stripe_specs)
    assert [(e.error.code, e.error.message) for e in result.errors] == [(code, message)]


@pytest.mark.parametrize("before", ["The response was\n", "GET https://api.bridge.xyz/v0/customers returns\n"])
def test_unreadable_json_without_a_body_endpoint_is_reported_not_sent(before: str) -> None:
    # Broken JSON with no endpoint near it, or next to a GET (a response): a problem, not a request.
    from bridgebot.check.paste import read_paste

    paste = read_paste(before + '{"count": 1 "data": ]}')
    assert paste.requests == []
    assert paste.problems == ["The JSON on line 2 could not be read: Expecting ',' delimiter at line 1 column 13 of the JSON."]


def test_guzzle_calls_without_options_or_after_an_unreadable_call_are_read(bridge_specs) -> None:
    # A call with the URL alone; a `->request($psr)` of one argument and a call never closed before
    # the next: each of those is passed over and the calls after it are still read.
    text = ("$res = $client->get('https://api.bridge.xyz/v0/customers');\n"
            "$res = $this->request($psrRequest);\n"
            "$res = $client->post('https://api.bridge.xyz/v0/customers', ['json' => $payload\n"
            "$res = $client->get('https://api.bridge.xyz/v0/wallets', ['headers' => ['Api-Key' => $key]]);")
    result = check_paste(text, bridge_specs)
    assert [(label(r), pairs(r.findings)) for r in result.requests] == [
        ("GET /v0/customers", [("auth_missing", "Api-Key")]), ("GET /v0/wallets", [])]


def test_guzzle_headers_from_a_variable_are_not_claimed_missing(bridge_specs) -> None:
    text = ("$client->post('https://api.bridge.xyz/v0/customers', ['headers' => $headers, 'json' => "
            "['type' => 'individual', 'first_name' => 'Ann', 'last_name' => 'Lee', 'email' => 5]]);")
    r = one_request(check_paste(text, bridge_specs))
    assert pairs(r.findings) == [("wrong_type", "email")]


def test_guzzle_json_holding_a_json_encoded_value_is_checked(bridge_specs) -> None:
    # 'meta' => json_encode([...]) inside 'json': a string the API receives; the request is read and checked.
    text = ("$client->post('https://api.bridge.xyz/v0/customers', ['headers' => ['Api-Key' => $k, "
            "'Idempotency-Key' => $i], 'json' => ['type' => 'individual', 'first_name' => 'Ann', "
            "'last_name' => 'Lee', 'email' => 5, 'metadata' => json_encode(['a' => 1])]]);")
    r = one_request(check_paste(text, bridge_specs))
    assert (label(r), pairs(r.findings)) == ("POST /v0/customers", [("unknown_param", "metadata"), ("wrong_type", "email")])


def test_guzzle_form_params_are_sent_as_a_form(tmp_path) -> None:
    # form_params: the string values as a form, with the Content-Type Guzzle sets (the spec's
    # Content-Type header parameter is one OpenAPI says to ignore: the body's media type rules).
    from bridgebot.check import SpecSet

    form = "application/x-www-form-urlencoded"
    doc = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "servers": [{"url": "https://api.t.test"}],
           "paths": {"/things": {"post": {
               "parameters": [{"name": "Content-Type", "in": "header", "required": True,
                               "schema": {"type": "string", "enum": [form]}}],
               "requestBody": {"content": {form: {"schema": {"type": "object", "additionalProperties": False,
                                                             "properties": {"email": {"type": "string"},
                                                                            "name": {"type": "string"}}}}}},
               "responses": {"200": {"description": "ok"}}}}}}
    (tmp_path / "t.json").write_text(json.dumps(doc))
    specs = SpecSet.load([tmp_path / "t.json"])
    ok = "$client->post('https://api.t.test/things', ['form_params' => ['email' => 'a@b.co', 'name' => 'A B']]);"
    bad = "$client->post('https://api.t.test/things', ['form_params' => ['emial' => 'a@b.co']]);"
    assert one_request(check_paste(ok, specs)).findings == []
    assert pairs(one_request(check_paste(bad, specs)).findings) == [("unknown_param", "emial")]


# --- PHP curl: curl_setopt_array, and a body known only at run time ------------------------------

PHP_HEADERS = "['Api-Key: ' . $key, 'Idempotency-Key: ' . $idem, 'Content-Type: application/json']"


@pytest.mark.parametrize("text, operation, findings", [
    # Every option in one curl_setopt_array call: URL, method, headers and body all read.
    ("$ch = curl_init();\ncurl_setopt_array($ch, [\n"
     "    CURLOPT_URL => 'https://api.bridge.xyz/v0/customers/cust_1',\n"
     "    CURLOPT_CUSTOMREQUEST => 'PUT',\n"
     f"    CURLOPT_HTTPHEADER => {PHP_HEADERS},\n"
     "    CURLOPT_POSTFIELDS => json_encode(['email' => 5]),\n]);\n$out = curl_exec($ch);",
     "PUT /v0/customers/{customerID}", [("wrong_type", "email")]),
    # The array() spelling, then the body set by its own curl_setopt: POST.
    ("$ch = curl_init();\ncurl_setopt_array($ch, array(CURLOPT_URL => 'https://api.bridge.xyz/v0/customers', "
     "CURLOPT_RETURNTRANSFER => true, CURLOPT_HTTPHEADER => array('Api-Key: ' . $key, 'Idempotency-Key: ' . $idem, "
     "'Content-Type: application/json')));\ncurl_setopt($ch, CURLOPT_POSTFIELDS, json_encode(['type' => 'individual', "
     "'first_name' => 'Jo', 'last_name' => 'Li', 'email' => 5]));",
     "POST /v0/customers", [("wrong_type", "email")]),
])
def test_php_curl_setopt_array_options_are_read(bridge_specs, text: str, operation: str, findings) -> None:
    r = one_request(check_paste(text, bridge_specs))
    assert (label(r), r.request.source) == (operation, "php")
    assert r.request.header("api-key") == "$key"
    assert pairs(r.findings) == findings


@pytest.mark.parametrize("postfields, findings", [
    ("json_encode(['type' => 'individual', 'first_name' => 'Jo', 'last_name' => 'Li', 'email' => 5])",
     [("wrong_type", "email")]),
    ("'{\"type\": \"individual\", \"first_name\": \"Jo\", \"last_name\": \"Li\", \"email\": 5}'",
     [("wrong_type", "email")]),
    ("'{\"type\": \"individual\"'", [("malformed_body", "")]),
    # Made elsewhere: sent, not judged (a variable or a call was "not JSON": a false alarm).
    ("json_encode($data)", []),
    ("$payload", []),
    ("buildBody($customer)", []),
    # A chain of variables longer than the reader follows ends in a value known only at run time.
    ("$p1;\n$p1 = $p2; $p2 = $p3; $p3 = $p4; $p4 = $p5; $p5 = json_encode($body)", []),
])
def test_php_curl_postfields_known_only_at_run_time_are_not_judged(bridge_specs, postfields: str, findings) -> None:
    text = ("$ch = curl_init();\ncurl_setopt($ch, CURLOPT_URL, 'https://api.bridge.xyz/v0/customers');\n"
            f"curl_setopt($ch, CURLOPT_HTTPHEADER, {PHP_HEADERS});\n"
            f"curl_setopt($ch, CURLOPT_POSTFIELDS, {postfields});")
    r = one_request(check_paste(text, bridge_specs))
    assert (label(r), r.request.method) == ("POST /v0/customers", "POST")
    assert pairs(r.findings) == findings


def test_php_json_encode_of_a_variable_chain_past_the_readers_depth_is_sent_not_judged(bridge_specs) -> None:
    # json_encode($p1) where $p1 only reaches its array past the depth the reader follows (five
    # variables): the body is sent as written and not judged (not a "bug on our side" reply).
    text = ("$p1 = $p2; $p2 = $p3; $p3 = $p4; $p4 = $p5; $p5 = $p6; $p6 = ['email' => 5];\n$ch = curl_init();\n"
            "curl_setopt($ch, CURLOPT_URL, 'https://api.bridge.xyz/v0/customers');\n"
            f"curl_setopt($ch, CURLOPT_HTTPHEADER, {PHP_HEADERS});\n"
            "curl_setopt($ch, CURLOPT_POSTFIELDS, json_encode($p1));")
    result = check_paste(text, bridge_specs)
    r = one_request(result)
    assert (label(r), r.request.method, r.request.body) == ("POST /v0/customers", "POST", "json_encode($p1)")
    assert (pairs(r.findings), result.findings) == ([], [])


# --- JavaScript literals: escapes, and the nesting limit's boundary -------------------------------

JS_HEADERS = "{'Api-Key': key, 'Idempotency-Key': id, 'Content-Type': 'application/json'}"


def test_js_string_escapes_in_a_json_body_are_read_as_the_characters_they_stand_for(bridge_specs) -> None:
    # A pretty-printed JSON string in single quotes: \n, \t and \r are whitespace to JSON; read as
    # the letters n, t and r the body was "not valid JSON".
    text = ("fetch('https://api.bridge.xyz/v0/customers', {method: 'POST', headers: " + JS_HEADERS +
            r""", body: '{\n\t"type": "individual",\r\n\t"first_name": "Jos\u00e9",\n\t"last_name": "O\'Li",\n"""
            r"""\t"email": 5\n}'})""")
    r = one_request(check_paste(text, bridge_specs))
    assert (json.loads(r.request.body)["first_name"], json.loads(r.request.body)["last_name"]) == ("José", "O'Li")
    assert (label(r), pairs(r.findings)) == ("POST /v0/customers", [("wrong_type", "email")])


def _nested(levels: int) -> str:
    """An object literal ``levels`` deep: {"a": {"a": … {}}}."""
    return '{"a": ' * (levels - 1) + "{}" + "}" * (levels - 1)


_DEEP_CALLS = {
    "axios": "axios.post('https://api.bridge.xyz/v0/customers', {{type: 'individual', first_name: 'Jo', "
             "last_name: 'Li', email: 5, metadata: {deep}}}, {{headers: " + JS_HEADERS.replace("{", "{{").replace("}", "}}") + "}})",
    "fetch": "fetch('https://api.bridge.xyz/v0/customers', {{method: 'POST', headers: "
             + JS_HEADERS.replace("{", "{{").replace("}", "}}") + ", body: JSON.stringify({{type: 'individual', "
             "first_name: 'Jo', last_name: 'Li', email: 5, metadata: {deep}}})}})",
    "requests": "requests.post('https://api.bridge.xyz/v0/customers', headers="
                + JS_HEADERS.replace("{", "{{").replace("}", "}}") + ", json={{'type': 'individual', "
                "'first_name': 'Jo', 'last_name': 'Li', 'email': 5, 'metadata': {deep}}})",
}


@pytest.mark.parametrize("client", sorted(_DEEP_CALLS))
def test_a_body_exactly_as_deep_as_the_limit_is_checked_one_level_more_is_not(bridge_specs, client: str) -> None:
    from bridgebot.check.clientcode import MAX_NESTING

    # The body object is level 1, so metadata holds MAX_NESTING - 1 more levels: read and checked.
    at_limit = one_request(check_paste(_DEEP_CALLS[client].format(deep=_nested(MAX_NESTING - 1)), bridge_specs))
    assert (label(at_limit), at_limit.request.source) == ("POST /v0/customers", client)
    assert pairs(at_limit.findings) == [("unknown_param", "metadata"), ("wrong_type", "email")]
    # One level more: not read, and said so.
    past = one_request(check_paste(_DEEP_CALLS[client].format(deep=_nested(MAX_NESTING)), bridge_specs))
    assert [f.message for f in past.findings] == [
        f"The body is nested more than {MAX_NESTING} levels deep, so it was not checked: no API body is that deep."]


@pytest.mark.parametrize("call, url, findings", [
    # params= become the query (lists repeated), after a query the URL already has; params made
    # elsewhere leave the URL as written.
    ("requests.get('https://api.bridge.xyz/v0/customers', headers={'Api-Key': key}, "
     "params={'limit': 1000, 'starting_after': ['cust_1']})",
     "https://api.bridge.xyz/v0/customers?limit=1000&starting_after=cust_1", [("out_of_range", "limit")]),
    ("httpx.get('https://api.bridge.xyz/v0/customers?ending_before=cust_9', headers={'Api-Key': key}, "
     "params={'limit': 1000})",
     "https://api.bridge.xyz/v0/customers?ending_before=cust_9&limit=1000", [("out_of_range", "limit")]),
    ("requests.get('https://api.bridge.xyz/v0/customers', headers={'Api-Key': key}, params=query)",
     "https://api.bridge.xyz/v0/customers", []),
])
def test_python_client_params_are_the_query_sent(bridge_specs, call: str, url: str, findings) -> None:
    (q,) = check_paste(call, bridge_specs).requests
    assert (q.request.url, q.operation.label if q.operation else None) == (url, "GET /v0/customers")
    assert [(f.kind, f.field) for f in q.findings] == findings


# --- client code: every way of giving a body, and the literals inside it -------------------------

def _read(text: str, specs) -> tuple:
    r = one_request(check_paste(text, specs))
    return (r.request.source, r.request.method, label(r), r.request.header("content-type"),
            sorted((f.kind, f.field, f.actual) for f in r.findings))


_PI = "https://api.stripe.com/v1/payment_intents"


@pytest.mark.parametrize("text, read", [
    # requests.request(method, url, …); a dict as data= is a form (bools as requests writes them).
    (f"requests.request('POST', '{_PI}', auth=(key, ''), data={{'amount': 'ten', 'currency': 'usd', 'confirm': True}})",
     ("requests", "POST", "POST /v1/payment_intents", "application/x-www-form-urlencoded",
      [("wrong_type", "amount", "ten"), ("wrong_type", "confirm", "True")])),
    (f"requests.post('{_PI}', auth=(key, ''), data={{'amount': -5, 'currency': 'usd', 'confirm': False}})",
     ("requests", "POST", "POST /v1/payment_intents", "application/x-www-form-urlencoded",
      [("wrong_type", "confirm", "False")])),
    # A string or bytes as data= / content= is the body as written, with no Content-Type.
    (f"requests.post('{_PI}', auth=(key, ''), data='amount=ten&currency=usd')",
     ("requests", "POST", "POST /v1/payment_intents", None,
      [("content_type", "Content-Type", None), ("wrong_type", "amount", "ten")])),
    (f"requests.post('{_PI}', auth=(key, ''), data=b'amount=ten&currency=usd')",
     ("requests", "POST", "POST /v1/payment_intents", None,
      [("content_type", "Content-Type", None), ("wrong_type", "amount", "ten")])),
    (f"httpx.post('{_PI}', auth=(key, ''), content=b'amount=ten&currency=usd')",
     ("httpx", "POST", "POST /v1/payment_intents", None,
      [("content_type", "Content-Type", None), ("wrong_type", "amount", "ten")])),
    # Made elsewhere: sent (so not "needs a body"), value not judged.
    (f"httpx.post('{_PI}', auth=(key, ''), content=payload)",
     ("httpx", "POST", "POST /v1/payment_intents", None, [("content_type", "Content-Type", None)])),
    (f"requests.post('{_PI}', auth=(key, ''), data=payload)",
     ("requests", "POST", "POST /v1/payment_intents", None, [("content_type", "Content-Type", None)])),    # requests.request with the method and the URL bound to names earlier in the snippet.
    (f"URL = '{_PI}'\nrequests.request('POST', URL, auth=(key, ''), data={{'amount': 'ten', 'currency': 'usd'}})",
     ("requests", "POST", "POST /v1/payment_intents", "application/x-www-form-urlencoded",
      [("wrong_type", "amount", "ten")])),
    (f"VERB = 'post'\nURL = '{_PI}'\nrequests.request(VERB, URL, auth=(key, ''), data={{'amount': 'ten', 'currency': 'usd'}})",
     ("requests", "POST", "POST /v1/payment_intents", "application/x-www-form-urlencoded",
      [("wrong_type", "amount", "ten")])),
    (f"URL = '{_PI}'\nrequests.post(url=URL, auth=(key, ''), data={{'amount': 'ten', 'currency': 'usd'}})",
     ("requests", "POST", "POST /v1/payment_intents", "application/x-www-form-urlencoded",
      [("wrong_type", "amount", "ten")])),
])
def test_python_client_bodies_by_data_and_content(stripe_specs, text: str, read) -> None:
    assert _read(text, stripe_specs) == read


_BC = "https://api.bridge.xyz/v0/customers"
_PYH = "{'Api-Key': key, 'Idempotency-Key': idem}"
_JSH = "{'Api-Key': key, 'Idempotency-Key': idem, 'Content-Type': 'application/json'}"
_PHPH = "['Api-Key: ' . $key, 'Idempotency-Key: ' . $idem, 'Content-Type: application/json']"
_PERSON = "'type': 'individual', 'first_name': 'Jo', 'last_name': 'Li'"


@pytest.mark.parametrize("text, read", [
    # Python: json.dumps(...) assigned earlier and sent as data= (no Content-Type: said so); a
    # headers dict spread into another; True, None and -5 as JSON's true, null and -5.
    (f"body = json.dumps({{{_PERSON}, 'email': 5}})\nrequests.post('{_BC}', headers={_PYH}, data=body)",
     ("requests", "POST", "POST /v0/customers", None, [("content_type", "Content-Type", None), ("wrong_type", "email", 5)])),
    (f"requests.post('{_BC}', headers={{**{_PYH}, 'Content-Type': 'application/json'}}, "
     f"data=json.dumps({{{_PERSON}, 'email': -5}}))",
     ("requests", "POST", "POST /v0/customers", "application/json", [("wrong_type", "email", -5)])),
    (f"requests.post('{_BC}', headers={_PYH}, json={{{_PERSON}, 'email': True}})",
     ("requests", "POST", "POST /v0/customers", "application/json", [("wrong_type", "email", True)])),
    (f"requests.post('{_BC}', headers={_PYH}, json={{{_PERSON}, 'email': None}})",
     ("requests", "POST", "POST /v0/customers", "application/json", [("wrong_type", "email", None)])),
    # A key named at run time is not a field called by the variable's name; one bound in the
    # snippet is the field it names.
    (f"requests.post('{_BC}', headers={_PYH}, json={{{_PERSON}, FIELD: 'x', 'email': 5}})",
     ("requests", "POST", "POST /v0/customers", "application/json", [("wrong_type", "email", 5)])),
    (f"FIELD = 'email'\nrequests.post('{_BC}', headers={_PYH}, json={{{_PERSON}, FIELD: 5}})",
     ("requests", "POST", "POST /v0/customers", "application/json", [("wrong_type", "email", 5)])),
    # JavaScript: shorthand {email} from a const, true/false/null, a string + a variable, a computed key.
    (f"const email = 'a@b.co';\nfetch('{_BC}', {{method: 'POST', headers: {_JSH}, body: JSON.stringify("
     f"{{{_PERSON}, email, signed_agreement_id: true}})}})",
     ("fetch", "POST", "POST /v0/customers", "application/json", [("wrong_type", "signed_agreement_id", True)])),
    (f"fetch('{_BC}', {{method: 'POST', headers: {_JSH}, body: JSON.stringify({{{_PERSON}, email: false, "
     f"[field]: null}})}})",
     ("fetch", "POST", "POST /v0/customers", "application/json", [("wrong_type", "email", False)])),
    (f"fetch('{_BC}', {{method: 'POST', headers: {_JSH}, body: JSON.stringify({{'type': 'individual', "
     f"'first_name': 'Jo' + suffix, 'last_name': 'Li', email: null}})}})",
     ("fetch", "POST", "POST /v0/customers", "application/json", [("wrong_type", "email", None)])),
    # PHP: CURLOPT_POST, and false / null / TRUE as JSON's false, null and true.
    (f"curl_setopt($ch, CURLOPT_URL, '{_BC}');\ncurl_setopt($ch, CURLOPT_POST, true);\n"
     f"curl_setopt($ch, CURLOPT_HTTPHEADER, {_PHPH});\ncurl_setopt($ch, CURLOPT_POSTFIELDS, json_encode([{_PERSON.replace(': ', ' => ')}, "
     "'email' => false, 'phone' => null, 'x' => TRUE]));",
     ("php", "POST", "POST /v0/customers", "application/json",
      [("unknown_param", "x", "x"), ("wrong_type", "email", False), ("wrong_type", "phone", None)])),
    # A lower-case CURLOPT_CUSTOMREQUEST is the method; with no body set, the body is missing.
    (f"curl_setopt($ch, CURLOPT_URL, '{_BC}');\ncurl_setopt($ch, CURLOPT_CUSTOMREQUEST, 'post');\n"
     f"curl_setopt($ch, CURLOPT_HTTPHEADER, {_PHPH});",
     ("php", "POST", "POST /v0/customers", "application/json", [("missing_required", "", None)])),
])
def test_client_code_literals_are_read_as_the_values_they_are(bridge_specs, text: str, read) -> None:
    assert _read(text, bridge_specs) == read


@pytest.mark.parametrize("text, read", [
    # Calls with no arguments, no readable URL, a config without url, a request() with only a
    # method, or never closed: passed over; the readable call among them is read.
    ("fetch();\naxios();\naxios({method: 'post'});\naxios.get();\naxios.get(base);\nfetch(url);\n"
     "fetch('https://api.bridge.xyz/v0/customers', {headers: {'Api-Key': k}})\n"
     "fetch('https://api.bridge.xyz/v0/wallets', {",
     [("fetch", "GET /v0/customers")]),
    ("requests.request('GET')\nrequests.get()\nrequests.post(url)\n"
     "requests.get('https://api.bridge.xyz/v0/customers', headers={'Api-Key': k})\n"
     "requests.post('https://api.bridge.xyz/v0/wallets'",
     [("requests", "GET /v0/customers")]),
    # PHP: a curl_setopt never closed is left out (here the body: a GET); no CURLOPT_URL, no request.
    ("curl_setopt($ch, CURLOPT_HTTPHEADER, ['Api-Key: k']);\n"
     "curl_setopt($ch, CURLOPT_URL, 'https://api.bridge.xyz/v0/customers');\n"
     "curl_setopt($ch, CURLOPT_POSTFIELDS, json_encode(['a' => 1])",
     [("php", "GET /v0/customers")]),
    ("curl_setopt($ch, CURLOPT_POST, 1);\ncurl_setopt($ch, CURLOPT_POSTFIELDS, $body);", []),
])
def test_client_calls_that_cannot_be_read_are_passed_over(bridge_specs, text: str, read) -> None:
    result = check_paste(text, bridge_specs)
    assert [(r.request.source, label(r)) for r in result.requests] == read
    assert all(pairs(r.findings) == [] for r in result.requests)


_RUN_TIME_NOTE = "the fetch options are computed at run time"
_NO_ENDPOINT_NOTE = ("the base URL is computed at run time and the path matches no endpoint, so I could not tell "
                     "which endpoint this is")


@pytest.mark.parametrize("text, label_, findings, notes", [
    # Headers we can see all of: a missing Api-Key is claimed. Headers or options made at run time
    # (a variable, a spread, a config object, a session's defaults) may hold it: not claimed.
    ("fetch('https://api.bridge.xyz/v0/customers', {headers: {'Accept': 'application/json'}})",
     "GET /v0/customers", [("auth_missing", "Api-Key")], []),
    ("fetch('https://api.bridge.xyz/v0/customers', options)", "GET /v0/customers", [], [_RUN_TIME_NOTE]),
    ("fetch('https://api.bridge.xyz/v0/customers', {})", "GET /v0/customers", [("auth_missing", "Api-Key")], []),
    ("fetch('https://api.bridge.xyz/v0/customers', {headers: myHeaders})", "GET /v0/customers", [], []),
    ("fetch('https://api.bridge.xyz/v0/customers', {...defaults, headers: {'Accept': 'application/json'}})",
     "GET /v0/customers", [], []),
    ("fetch('https://api.bridge.xyz/v0/customers', {headers: {...auth, 'Accept': 'application/json'}})",
     "GET /v0/customers", [], []),
    ("axios.get('https://api.bridge.xyz/v0/customers', {headers: {'Accept': 'application/json'}})",
     "GET /v0/customers", [("auth_missing", "Api-Key")], []),
    ("axios.get('https://api.bridge.xyz/v0/customers', {...cfg, headers: {'Accept': 'application/json'}})",
     "GET /v0/customers", [], []),
    ("axios.get('https://api.bridge.xyz/v0/customers', config)", "GET /v0/customers", [], []),  # was auth_missing
    ("requests.get('https://api.bridge.xyz/v0/customers', headers={'Accept': 'application/json'})",
     "GET /v0/customers", [("auth_missing", "Api-Key")], []),
    ("session.get('https://api.bridge.xyz/v0/customers', headers={'Accept': 'application/json'})",
     "GET /v0/customers", [], []),
    ("requests.get('https://api.bridge.xyz/v0/customers', headers=HEADERS)", "GET /v0/customers", [], []),
    # A base URL made at run time: the path still names the endpoint, or it is said that none matches.
    ("fetch(`${BASE}/v0/customers`, {headers: {'Accept': 'application/json'}})",
     "GET /v0/customers", [("auth_missing", "Api-Key")], []),
    ("requests.get(f'{BASE}/v0/customers', headers={'Api-Key': k})", "GET /v0/customers", [], []),
    ("fetch(BASE + '/v0/customerz', {headers: {'Api-Key': k}})", None, [], [_NO_ENDPOINT_NOTE]),
])
def test_client_code_headers_and_urls_made_at_run_time(bridge_specs, text: str, label_, findings, notes) -> None:
    r = one_request(check_paste(text, bridge_specs))
    assert (r.request.method, label(r), pairs(r.findings), r.request.notes) == ("GET", label_, findings, notes)


_CAP_URL = "https://api.bridge.xyz/v0/customers"


@pytest.mark.parametrize("unread, read", [
    ("fetch(u);\n", f"fetch('{_CAP_URL}')"),
    ("axios.get(u);\n", f"axios.get('{_CAP_URL}')"),
    ("requests.get(u)\n", f"requests.get('{_CAP_URL}')"),
    ("curl_setopt($ch, CURLOPT_TIMEOUT, 5);\n", f"curl_setopt($ch, CURLOPT_URL, '{_CAP_URL}');"),
])
def test_only_the_first_50_calls_of_each_kind_are_read(unread: str, read: str) -> None:
    from bridgebot.check.clientcode import MAX_CALLS, find_code_requests

    assert MAX_CALLS == 50
    assert [r.url for _, _, r in find_code_requests(unread * 49 + read)] == [_CAP_URL]
    assert list(find_code_requests(unread * 50 + read)) == []  # the 51st call is past the cap


_PERSON_JS = "type: 'individual', first_name: 'Jo', last_name: 'Li', email: 5, residential_address: addr, endorsements: e"
_PERSON_PY = ("'type': 'individual', 'first_name': 'Jo', 'last_name': 'Li', 'email': 5, 'residential_address': addr, "
              "'endorsements': e")


@pytest.mark.parametrize("text", [
    f"const url = '{_BC}';\nfetch(url, {{method: 'POST', headers: {_JSH}, body: JSON.stringify({{{_PERSON_JS}}})}})",
    f"const url = '{_BC}';\naxios.post(url, {{{_PERSON_JS}}}, {{headers: {_JSH}}})",
    f"url = '{_BC}'\nrequests.post(url, headers={_PYH}, json={{{_PERSON_PY}}})",
])
def test_a_url_bound_earlier_is_read_and_body_values_known_only_at_run_time_are_not_judged(bridge_specs, text) -> None:
    # The URL comes from the assignment above the call; `addr` and `e` are run-time values (an
    # object and a list in the spec): only the literal 5 is judged.
    r = one_request(check_paste(text, bridge_specs))
    assert (r.request.url, label(r), pairs(r.findings)) == (_BC, "POST /v0/customers", [("wrong_type", "email")])


@pytest.mark.parametrize("text, url", [
    # A Python f-string bound earlier is the URL called: read in full when it names no variable...
    (f"url = f'{_BC}'\nrequests.get(url, headers={{'Accept': 'application/json'}})", _BC),
    (f'url = f"{_BC}"\nrequests.get(url, headers={{"Accept": "application/json"}})', _BC),
    # ...and with its base made at run time, the path still names the endpoint.
    ("url = f'{BASE}/v0/customers'\nrequests.get(url, headers={'Accept': 'application/json'})", "{var}/v0/customers"),
])
def test_a_python_f_string_url_bound_earlier_is_the_url_called(bridge_specs, text: str, url: str) -> None:
    r = one_request(check_paste(text, bridge_specs))
    assert (r.request.url, label(r), pairs(r.findings)) == (url, "GET /v0/customers", [("auth_missing", "Api-Key")])


@pytest.mark.parametrize("header, findings", [
    # A header is split at its first colon: a value holding colons is still the Api-Key's value.
    ("'Api-Key: sk:test:abc'", [("secret_exposed", "Api-Key")]),
    ("'Api-Key:k'", []),  # no space after the colon: still the Api-Key header
    ("'Accept: application/json'", [("auth_missing", "Api-Key")]),
])
def test_php_curl_headers_are_split_at_their_first_colon(bridge_specs, header: str, findings) -> None:
    text = (f"curl_setopt($ch, CURLOPT_URL, '{_CAP_URL}');\n"
            f"curl_setopt($ch, CURLOPT_HTTPHEADER, [{header}, 'X-Trace: a:b']);")
    r = one_request(check_paste(text, bridge_specs))
    assert (label(r), pairs(r.findings)) == ("GET /v0/customers", findings)


@pytest.mark.parametrize("computed", ["'Jo' + suffix", "'Jo' ? a : b", "'Jo' ?? nick", "'Jo' || nick", "'Jo' && nick"])
def test_a_js_field_that_starts_with_a_string_but_is_an_expression_is_a_run_time_value(bridge_specs, computed) -> None:
    # `'Jo' ? a : b`, `'Jo' ?? nick`...: a value known only at run time; the rest of the body is still judged.
    text = (f"fetch('{_BC}', {{method: 'POST', headers: {{'Api-Key': k, 'Content-Type': 'application/json', "
            f"'Idempotency-Key': idem}}, body: JSON.stringify({{type: 'individual', first_name: {computed}, "
            "last_name: 'Li', email: 5})})")
    r = one_request(check_paste(text, bridge_specs))
    assert (label(r), pairs(r.findings)) == ("POST /v0/customers", [("wrong_type", "email")])


@pytest.mark.parametrize("links, url", [
    (1, _CAP_URL),
    (2, "{var}/v0/customers"),  # each `'' + name` costs two of the reader's five levels: not followed
    (6, "{var}/v0/customers"),
])
def test_a_js_url_built_by_a_chain_of_concatenations_is_followed_only_so_far(bridge_specs, links: int, url: str) -> None:
    lines = ["const p0 = 'https://api.bridge.xyz';"] + [f"const p{k} = '' + p{k - 1};" for k in range(1, links + 1)]
    text = "\n".join(lines) + f"\nfetch(p{links} + '/v0/customers', {{headers: {{'Api-Key': k}}}})"
    r = one_request(check_paste(text, bridge_specs))
    assert (r.request.url, label(r), pairs(r.findings)) == (url, "GET /v0/customers", [])


@pytest.mark.parametrize("headers, findings", [
    # Headers from a variable or call the paste does not show may hold the key: not claimed missing,
    # as for fetch, axios, requests and Guzzle...
    ("$headers", []),
    ("get_headers()", []),
    ("[$auth, 'Accept: application/json']", []),
    ("['Api-Key: ' . $key]", []),
    # ...but a literal list without it is all there is, whatever its values.
    ("['Accept: application/json']", [("auth_missing", "Api-Key")]),
    ("['X-Trace: ' . $id]", [("auth_missing", "Api-Key")]),
])
def test_php_curl_headers_made_at_run_time_are_not_claimed_missing(bridge_specs, headers: str, findings) -> None:
    for text in (f"curl_setopt($ch, CURLOPT_URL, '{_CAP_URL}');\ncurl_setopt($ch, CURLOPT_HTTPHEADER, {headers});",
                 f"curl_setopt_array($ch, [CURLOPT_URL => '{_CAP_URL}', CURLOPT_HTTPHEADER => {headers}]);"):
        r = one_request(check_paste(text, bridge_specs))
        assert (label(r), pairs(r.findings)) == ("GET /v0/customers", findings), text


def test_php_curl_without_a_header_option_sends_none_and_headers_after_a_run_time_one_are_read(bridge_specs) -> None:
    base = f"curl_setopt($ch, CURLOPT_URL, '{_CAP_URL}');\n"
    r = one_request(check_paste(base, bridge_specs))
    assert pairs(r.findings) == [("auth_missing", "Api-Key")]
    body = ("curl_setopt($ch, CURLOPT_POSTFIELDS, json_encode(['type' => 'individual', 'first_name' => 'Jo', "
            "'last_name' => 'Li', 'email' => 5]));")
    text = base + f"curl_setopt($ch, CURLOPT_HTTPHEADER, [$auth, 'Content-Type: application/json']);\n{body}"
    r = one_request(check_paste(text, bridge_specs))
    assert (r.request.header("content-type"), label(r), pairs(r.findings)) == (
        "application/json", "POST /v0/customers", [("wrong_type", "email")])
