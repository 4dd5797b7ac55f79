"""Issue 6, item 5: after a click or a reopen the bot's reply is rebuilt from the check's stored
result, never from the stored question text (cut at 4,000 characters, keys redacted).

Before: Claim and Resolve re-checked the stored text, so the key warning disappeared (the stored
key is redacted, so no longer a key) and a 4.3 KB paste's findings became a plain
acknowledgement (its curl command was past the cut).
"""

from __future__ import annotations

import json

from bridgebot.check import check_paste
from bridgebot.check.stored import dump_result, load_result
from bridgebot.render import render_blocks
from fakeslack import block_action, message_event
from slackapp import ACME, DEV, SPEC

KEY = "sk-live-9a8b7c6d5e4f3a2b1c0d9f2c"
CURL = f"""```
curl -X POST https://api.bridge.xyz/v0/transfers \\
  -H "Api-Key: {KEY}" -H 'Content-Type: application/json' \\
  -d '{{"on_behalf_of": "cust_1", "amount": "10.00", "source": {{"currency": "usd", "payment_rail": "ach"}},
       "destination": {{"currency": "usdcc", "payment_rail": "ethereum", "to_address": "0xabc"}}}}'
```"""
# 4.3 KB: the developer's account of what they tried first, then the paste.
LONG = ("We have been integrating transfers for a week and here is everything we tried so far. " * 48) + "\n" + CURL


def _findings_text(call) -> str:
    blocks = call.args["blocks"]
    return json.dumps([b for b in blocks if b.get("type") == "section"], ensure_ascii=False)


def test_claim_and_resolve_keep_the_findings_and_the_key_warning_of_a_long_paste(bot) -> None:
    assert len(LONG) > 4300
    bot.post_event(message_event(ACME, DEV, LONG, ts="1700000000.000100", team="T_EXT"), event_id="EvLong")
    bot.deliver()
    (first,) = bot.fake.successful_calls("chat.postMessage")
    said = _findings_text(first)
    assert "Did you mean `usdc`?" in said and "sk-live-…9f2c" in said
    ts = first.response["ts"]
    bot.post_form(block_action("bb_claim", "1", SPEC, "T_HOME", ACME, ts))
    bot.deliver()
    claimed = bot.fake.successful_calls("chat.update")[-1]
    assert _findings_text(claimed) == said
    assert f"claimed by <@{SPEC}>" in json.dumps(claimed.args["blocks"])
    bot.post_form(block_action("bb_resolve", "1", SPEC, "T_HOME", ACME, ts))
    bot.deliver()
    resolved = bot.fake.successful_calls("chat.update")[-1]
    assert _findings_text(resolved) == said
    # A customer reply reopens it: the reply is rebuilt again, findings and all.
    bot.post_event(message_event(ACME, DEV, "still failing", ts="1700000100.000100", thread_ts="1700000000.000100",
                                 team="T_EXT"), event_id="EvAgain")
    bot.deliver()
    reopened = bot.fake.successful_calls("chat.update")[-1]
    assert "bb_resolve" in json.dumps(reopened.args["blocks"])  # open again: the buttons are back
    assert _findings_text(reopened) == said
    assert not bot.fake.saw(KEY)


def test_the_stored_result_holds_no_key(bot) -> None:
    bot.post_event(message_event(ACME, DEV, LONG, ts="1700000000.000100", team="T_EXT"), event_id="EvLong")
    bot.deliver()
    (stored,) = bot.rows("SELECT result FROM check_results")
    assert KEY not in stored[0] and "sk-live-…9f2c" in stored[0]


def test_a_stored_result_renders_the_same_reply(bridge_specs) -> None:
    class Thread:
        id, short_id, status, assignee_id, resolved_by = 1, "BB-1", "open", None, None

    pastes = [LONG, '{"error": {"code": "parameter_unknown", "message": "Received unknown parameter: foo", '
                    '"param": "foo", "type": "invalid_request_error"}}',
              "POST /v0/transfers\n{\"amount\": 1}", "hello?"]
    for paste in pastes:
        result = check_paste(paste, bridge_specs)
        back = load_result(dump_result(result))
        assert back is not None
        for r in (result, back):
            r.has = bool(not r.empty)
        assert render_blocks("thread_reply", thread=Thread(), result=back, has_paste=back.has) == \
            render_blocks("thread_reply", thread=Thread(), result=result, has_paste=result.has)
        assert [f.to_dict() for f in back.findings] == [f.to_dict() for f in result.findings]


def test_an_unreadable_stored_result_is_not_used() -> None:
    assert load_result("{}") is None
    assert load_result("not json") is None
    assert load_result(json.dumps({"version": 999})) is None


def test_after_an_edit_a_click_shows_the_edited_paste_s_findings(bot) -> None:
    bot.post_event(message_event(ACME, DEV, LONG, ts="1700000000.000100", team="T_EXT"), event_id="EvLong")
    bot.deliver()
    ts = bot.fake.successful_calls("chat.postMessage")[0].response["ts"]
    fixed = LONG.replace("usdcc", "usdc")
    edit = {"type": "message", "subtype": "message_changed", "channel": ACME, "hidden": True,
            "ts": "1700000050.000100", "event_ts": "1700000050.000100",
            "message": {"type": "message", "user": DEV, "text": fixed, "ts": "1700000000.000100",
                        "edited": {"user": DEV, "ts": "1700000050.000000"}},
            "previous_message": {"type": "message", "user": DEV, "text": LONG, "ts": "1700000000.000100"}}
    assert bot.post_event(edit, event_id="EvEdit")[0] == 200
    bot.deliver()
    bot.post_form(block_action("bb_claim", "1", SPEC, "T_HOME", ACME, ts))
    bot.deliver()
    claimed = _findings_text(bot.fake.successful_calls("chat.update")[-1])
    assert "usdcc" not in claimed and "Idempotency-Key" in claimed and "sk-live-…9f2c" in claimed


def _shown(result) -> dict:
    """Every part of a result a reply can show (DESIGN.md: no body, header or key value)."""
    def op(o):
        return o and (o.spec, o.method, o.path, o.operation_id, o.summary, o.docs_url)

    def findings(fs):
        return [(f.to_dict(), f.suggestions) for f in fs]
    return {
        "requests": [(r.request.method, r.display_url, r.request.source, r.request.notes,
                      op(r.operation), findings(r.findings)) for r in result.requests],
        "errors": [(e.error.status, e.error.code, e.error.message, e.error.param, e.error.request_id, e.error.type,
                    e.error.location, e.error.url, op(e.operation), findings(e.findings), e.explanation)
                   for e in result.errors],
        "secrets": [s.to_dict() for s in result.secrets],
        "problems": result.problems, "hints": result.hints, "incomplete": result.incomplete,
    }


def test_every_part_a_reply_shows_comes_back_from_the_store_and_no_key_does(spec_sets, bridge_specs) -> None:
    import yaml

    from bridgebot.check.bounded import TIMED_OUT, limited_result
    from conftest import PASTES

    results = []
    for path in sorted(PASTES.glob("*.txt")):  # operations, findings, suggestions, errors, keys, problems
        spec = yaml.safe_load(path.with_name(path.stem + ".expect.yaml").read_text())["spec"]
        results.append(check_paste(path.read_text(), spec_sets(spec)))
    for paste in ['{"type": "individual", "first_name": "Ann"}',  # a hint
                  "curl -X POST https://api.bridge.xyz/v0/customers -H 'Api-Key: $K' -d @customer.json",  # a note
                  f"curl 'https://api.bridge.xyz/v0/customers?api_key={KEY}'"]:  # a key in the URL
        results.append(check_paste(paste, bridge_specs))
    results.append(limited_result(CURL, TIMED_OUT))  # not fully checked: said so, key still warned about
    shown = [_shown(r) for r in results]
    for part in ("requests", "errors", "secrets", "problems", "hints", "incomplete"):
        assert any(s[part] for s in shown), f"no sample result has {part}"
    assert any(r[3] for s in shown for r in s["requests"]), "no sample request has notes"
    for result, want in zip(results, shown):
        stored = dump_result(result)
        assert KEY not in stored
        back = load_result(stored)
        assert back is not None and _shown(back) == want
        # The stored key is its redacted form only, so it cannot be recovered from the row.
        assert [s.value for s in back.secrets] == [s.redacted for s in result.secrets]


def test_a_stored_result_of_another_version_or_damaged_is_not_used(bridge_specs) -> None:
    good = json.loads(dump_result(check_paste(CURL, bridge_specs)))
    assert load_result(json.dumps(good)) is not None
    assert load_result(json.dumps({**good, "version": good["version"] + 1})) is None
    for part in ("requests", "errors", "secrets", "problems", "hints"):
        damaged = {k: v for k, v in good.items() if k != part}
        assert load_result(json.dumps(damaged)) is None, part
    assert load_result(json.dumps({**good, "requests": [{"method": "GET"}]})) is None
    assert load_result("[]") is None


def test_a_finding_that_quotes_a_yaml_date_is_stored_and_shown_again(tmp_path) -> None:
    # A YAML spec's unquoted dates (`enum: [2024-01-01, …]`) are dates, not text, once read: the
    # finding that lists them is still stored, and comes back with the same words and values.
    from bridgebot.check import SpecSet

    (tmp_path / "reports.yaml").write_text(
        "openapi: 3.0.3\ninfo: {title: Reports, version: '1'}\nservers: [{url: 'https://api.reports.test'}]\n"
        "paths:\n  /reports:\n    post:\n      requestBody:\n        content:\n          application/json:\n"
        "            schema:\n              type: object\n              properties:\n"
        "                period: {type: string, enum: [2024-01-01, 2024-07-01]}\n"
        "      responses: {'200': {description: ok}}\n")
    specs = SpecSet.load([tmp_path / "reports.yaml"], use_cache=False)
    paste = ("curl https://api.reports.test/reports -H 'Content-Type: application/json' "
             "-d '{\"period\": \"2024-01-02\"}'")
    result = check_paste(paste, specs)
    (finding,) = result.findings
    assert finding.message == ("`period` is `2024-01-02`, which is not one of `2024-01-01`, `2024-07-01`. "
                               "Did you mean `2024-01-01`?")
    stored = dump_result(result)
    assert json.loads(stored)["requests"][0]["findings"][0]["expected"] == ["2024-01-01", "2024-07-01"]
    back = load_result(stored)
    assert back is not None
    assert [(f.kind, f.field, f.message, f.expected, f.actual) for f in back.findings] == [
        ("invalid_enum", "period", finding.message, ["2024-01-01", "2024-07-01"], "2024-01-02")]


def test_a_row_stored_before_suggestions_and_incomplete_were_kept_still_reads(bridge_specs) -> None:
    # Rows written before findings kept their suggestions (and before "incomplete"): the reply is
    # rebuilt with the same findings, without "Did you mean" buttons, and as fully checked.
    result = check_paste(CURL, bridge_specs)
    old = json.loads(dump_result(result))
    for r in old["requests"]:
        for f in r["findings"]:
            f.pop("suggestions")
    del old["incomplete"]
    back = load_result(json.dumps(old))
    assert back is not None and back.incomplete is None
    assert [f.to_dict() for f in back.findings] == [f.to_dict() for f in result.findings]
    assert any(f.suggestions for f in result.findings) and not any(f.suggestions for f in back.findings)


def test_a_row_of_the_wrong_shape_is_not_used(bridge_specs) -> None:
    good = json.loads(dump_result(check_paste(CURL, bridge_specs)))
    for damaged in ({**good, "requests": 5}, {**good, "secrets": [1]}, {**good, "requests": [None]},
                    {**good, "errors": [{"status": 400}]}, {**good, "hints": None}, "null", "3"):
        text = damaged if isinstance(damaged, str) else json.dumps(damaged)
        assert load_result(text) is None, damaged
