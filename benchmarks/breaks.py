"""One-line breaks of the code, each with the test that must catch it (benchmarks/mutation.md).

    python benchmarks/breaks.py            # apply each break in a scratch copy, run its test, report
    python benchmarks/breaks.py --list     # print the table only

Every break is applied to a scratch copy of the checkout (never to the working tree), its named
test is run there with ``-x``, and the break counts as caught only when that test fails; the
same test must pass on the unbroken copy first.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# (area, file, exact old text (unique in the file), new text, test node id, what the break does)
BREAKS: list[tuple[str, str, str, str, str, str]] = [
    # --- tracking ---
    ("tracking", "bridgebot/tracking/threads.py", "[event_id, type, at])\n    return cur.rowcount == 1",
     "[event_id, type, at])\n    return True",
     "tests/test_behaviours.py::test_event_ids_are_remembered_then_forgotten", "event-id dedupe off (always new)"),
    ("tracking", "bridgebot/tracking/threads.py", 'cur = db.execute("DELETE FROM slack_events WHERE received_at < ?"',
     'cur = db.execute("DELETE FROM slack_events WHERE received_at > ?"',
     "tests/test_behaviours.py::test_event_ids_are_remembered_then_forgotten", "forgets the new event ids, keeps the old"),
    ("tracking", "bridgebot/tracking/threads.py", '        db.execute("UPDATE channels SET id = ? WHERE id = ?", [new_id, old_id])',
     "        pass", "tests/test_desk.py::test_a_renamed_channel_keeps_its_threads_and_its_row",
     "channel_id_changed leaves the channels table alone"),
    ("tracking", "bridgebot/tracking/threads.py",
     '        changed = _guarded(db, "assignee_id = NULL, claimed_at = NULL", [], guard)',
     "        changed = True", "tests/test_desk.py::test_release_gives_the_thread_back_and_updates_the_reply", "release does nothing"),
    ("tracking", "bridgebot/tracking/threads.py", '            transition(db, thread, "reopen", by=user_id, at=at)',
     "            pass", "tests/test_desk.py::test_a_customer_reopening_a_resolved_thread_updates_the_bots_reply",
     "a customer reply does not reopen a resolved thread"),
    ("tracking", "bridgebot/tracking/outbox.py", 'status = "failed" if permanent else "pending"',
     'status = "failed" if permanent or attempts >= len(BACKOFF) else "pending"',
     "tests/test_behaviours.py::test_outbox_backoff_never_gives_up_and_permanent_errors_stop",
     "a passing error given up after 9 attempts (replaces the attempt-limit row: by design the outbox never gives up, issue 6)"),
    ("tracking", "bridgebot/tracking/outbox.py", 'status = "failed" if permanent else "pending"',
     'status = "pending"',
     "tests/test_deliverer_stub.py::test_an_error_no_retry_can_fix_is_given_up_at_once", "a permanent error is retried"),
    ("tracking", "bridgebot/tracking/outbox.py", "    delay = max(BACKOFF[min(attempts - 1, len(BACKOFF) - 1)], min(retry_after or 0.0, BACKOFF[-1]), settle or 0.0)",
     "    delay = 0",
     "tests/test_deliverer_stub.py::test_a_transient_failure_is_kept_and_retried_when_due", "no backoff between attempts"),
    ("tracking", "bridgebot/tracking/outbox.py", '"WHERE status = \'pending\' AND next_attempt_at <= ? ORDER BY id LIMIT ?"',
     '"WHERE status = \'pending\' AND next_attempt_at <= ? ORDER BY id DESC LIMIT ?"',
     "tests/test_behaviours.py::test_outbox_items_come_back_as_queued_oldest_first_fifty_at_a_time",
     "replies delivered newest first (an update before its post)"),
    ("tracking", "bridgebot/tracking/outbox.py", "return OutboxItem(id=r[0], thread_id=r[1],",
     "return OutboxItem(id=r[0], thread_id=None,",
     "tests/test_deliverer_stub.py::test_a_sent_reply_records_its_ts_and_an_update_uses_it",
     "outbox items lose their thread (the reply ts is never recorded)"),
    # --- desk ---
    ("desk", "bridgebot/desk.py", "-> str:\n    text = redact(text, secrets) if secrets else text", "-> str:\n    pass",
     "tests/test_desk.py::test_an_edit_that_adds_a_key_warns_the_author_privately_and_stores_it_redacted",
     "a pasted key stored in clear text"),
    ("desk", "bridgebot/desk.py",
     "    return text if len(text) <= MAX_STORED_TEXT else text[: MAX_STORED_TEXT - 1] + \"…\"", "    return text",
     "tests/test_desk.py::test_the_stored_question_is_cut_to_length", "stored text not cut to length"),
    ("desk", "bridgebot/desk.py", '            if "reopened" in caused:', "            if False:",
     "tests/test_desk.py::test_a_customer_reopening_a_resolved_thread_updates_the_bots_reply",
     "a reopen does not update the bot's reply"),
    ("desk", "bridgebot/desk.py", "        if pending is not None:", "        if False:",
     "tests/test_desk.py::test_a_claim_while_the_first_reply_is_queued_rewrites_it_instead_of_posting_another",
     "a claim while the first reply is queued adds a second post"),
    ("desk", "bridgebot/desk.py", """            if found:
                outbox.enqueue(db, method="chat.postEphemeral", thread_id""", """            if False:
                outbox.enqueue(db, method="chat.postEphemeral", thread_id""",
     "tests/test_desk.py::test_an_edit_that_adds_a_key_warns_the_author_privately_and_stores_it_redacted",
     "an edit that adds a key gives no warning"),
    ("desk", "bridgebot/desk.py", """            if not th.mark_event_seen(db, event_id, "message", self.clock()):
                return Outcome("duplicate")
            thread = th.thread_by_ts(db, msg.channel_id""", """            if False:
                return Outcome("duplicate")
            thread = th.thread_by_ts(db, msg.channel_id""", "tests/test_desk.py::test_a_redelivered_event_is_handled_once",
     "a redelivered reply is handled again (a second key warning)"),
    ("desk", "bridgebot/desk.py", """            if not th.mark_event_seen(db, event_id, "message_changed", self.clock()):""",
     """            if False:""", "tests/test_desk.py::test_a_redelivered_event_is_handled_once",
     "a redelivered edit is re-checked again (a second update)"),
    ("desk", "bridgebot/desk.py", "        if not self.directory.is_internal(user_id, team_id):\n            if dedupe_id is not None:",
     "        if False:\n            if dedupe_id is not None:",
     "tests/test_desk.py::test_an_external_click_changes_nothing", "externals can claim threads"),
    # --- delivery ---
    ("delivery", "bridgebot/delivery.py", "self._retry(item, error, permanent=error in PERMANENT, retry_after",
     "self._retry(item, error, permanent=False, retry_after",
     "tests/test_deliverer_stub.py::test_an_error_no_retry_can_fix_is_given_up_at_once", "no error treated as permanent"),
    ("delivery", "bridgebot/delivery.py", '            self._retry(item, f"{e.__class__.__name__}: {e}", settle=settle)',
     '            self._retry(item, f"{e.__class__.__name__}: {e}", settle=settle, permanent=True)',
     "tests/test_deliverer_stub.py::test_a_transient_failure_is_kept_and_retried_when_due", "network errors give up at once"),
    ("delivery", "bridgebot/delivery.py", "                set_bot_reply(db, item.thread_id, ts)", "                pass",
     "tests/test_deliverer_stub.py::test_a_sent_reply_records_its_ts_and_an_update_uses_it",
     "the bot's reply ts is never recorded (updates go nowhere)"),
    ("delivery", "bridgebot/delivery.py", "            forgotten = forget_events_before(db, now - EVENT_MEMORY)",
     "            forgotten = forget_events_before(db, now)",
     "tests/test_deliverer_stub.py::test_housekeeping_forgets_old_event_ids", "housekeeping forgets events still in Slack's retry window"),
    # --- checker ---
    ("check", "bridgebot/check/checker.py", "        findings = findings[:MAX_FINDINGS_PER_REQUEST]", "        pass",
     "tests/test_behaviours.py::test_findings_per_request_are_capped", "no cap on findings"),
    ("check", "bridgebot/check/checker.py", "        except Exception:  # one odd paste", "        except ZeroDivisionError:  # one odd paste",
     "tests/test_behaviours.py::test_a_crash_in_one_requests_check_is_contained", "a crash in one request's check is not contained"),
    ("check", "bridgebot/check/checker.py", "        return [_redact_value(x, secrets, seen, depth + 1) for x in v]", "        return v",
     "tests/test_behaviours.py::test_reader_notes_are_redacted", "request notes (lists of text) not redacted"),
    ("check", "bridgebot/check/schema.py", "    if node.min_items is not None and len(value) < node.min_items:", "    if False:",
     "tests/test_oracle.py::test_each_mistake_gets_exactly_its_finding[minItems]", "minItems unchecked"),
    ("check", "bridgebot/check/schema.py", "    if node.max_items is not None and len(value) > node.max_items:", "    if False:",
     "tests/test_oracle.py::test_each_mistake_gets_exactly_its_finding[maxItems]", "maxItems unchecked"),
    ("check", "bridgebot/check/schema.py", "    if node.max_length is not None and len(value) > node.max_length:", "    if False:",
     "tests/test_oracle.py::test_each_mistake_gets_exactly_its_finding[maxLength]", "maxLength unchecked"),
    ("check", "bridgebot/check/schema.py", '        limit = 2**31 if fmt == "int32" else 2**63', "        limit = 2**63",
     "tests/test_oracle.py::test_each_mistake_gets_exactly_its_finding[format int32]", "int32 range unchecked"),
    ("check", "bridgebot/check/schema.py", "        if not -limit <= value < limit:", "        if False:",
     "tests/test_oracle.py::test_each_mistake_gets_exactly_its_finding[format int64]", "int32/int64 ranges unchecked"),
    ("check", "bridgebot/check/schema.py", "        branch = node.then if _passes(node.if_, value, ctx, path) else node.else_",
     "        branch = node.else_", "tests/test_oracle.py::test_each_mistake_gets_exactly_its_finding[if/then]", "if/then unchecked"),
    ("check", "bridgebot/check/schema.py", "    if node.not_ is not None and _passes(node.not_, value, ctx, path):",
     "    if False:", "tests/test_oracle.py::test_each_mistake_gets_exactly_its_finding[not]", "not unchecked"),
    ("check", "bridgebot/check/schema.py", "    branch = mapping.get(str(value[prop]))",
     "    branch = mapping.get(str(value[prop])) or next(iter(mapping.values()))",
     "tests/test_oracle.py::test_each_mistake_gets_exactly_its_finding[discriminator unknown value]",
     "an unknown discriminator value takes the first branch"),
    ("check", "bridgebot/check/schema.py", "        if best is None or score < best_score:", "        if best is None:",
     "tests/test_oracle.py::test_each_mistake_gets_exactly_its_finding[anyOf best branch (not the first)]",
     "anyOf/oneOf takes the first branch instead of the best"),
    ("check", "bridgebot/check/schema.py", "        if sub is not None and sub.read_only:\n            # The API", "        if False:\n            # The API",
     "tests/test_oracle.py::test_each_mistake_gets_exactly_its_finding[readOnly sent in a request]",
     "readOnly fields sent in a request not flagged"),
    ("check", "bridgebot/check/schema.py", '    return bool(m) and "." in m.group(1)[1:-1]', "    return True",
     "tests/test_oracle.py::test_each_mistake_gets_exactly_its_finding[format email]", "email format unchecked"),
    ("check", "bridgebot/check/checker.py", "                if p is op.idempotency_param:", "                if False:",
     "tests/test_oracle.py::test_each_mistake_gets_exactly_its_finding[idempotency key]",
     "a missing Idempotency-Key reported as a plain missing header"),
    ("check", "bridgebot/check/checker.py", "    if _has_any_auth(req):", "    if False:",
     "tests/test_oracle.py::test_each_mistake_gets_exactly_its_finding[auth sent the wrong way]",
     "a key sent the wrong way reported as missing"),
    ("check", "bridgebot/check/checker.py", "                    sep = None if p.explode else _DELIMITERS.get(p.style)",
     "                    sep = None", "tests/test_behaviours.py::test_query_arrays_follow_the_parameters_style_and_explode",
     "explode: false query arrays not split"),
    ("check", "bridgebot/check/clientcode.py", '        known = known and m.group(1) in ("requests", "httpx")', "        pass",
     "tests/test_behaviours.py::test_session_headers_are_not_taken_as_fully_known", "session headers taken as fully known"),
    ("check", "bridgebot/check/clientcode.py", "            url += (\"&\" if \"?\" in url else \"?\") + urlencode(params)\n",
     "            pass\n", "tests/test_behaviours.py::test_axios_params_become_the_query", "axios params dropped"),
    ("check", "bridgebot/check/clientcode.py", '                basic = f"{auth[0]}:{auth[1]}"', "                pass",
     "tests/test_behaviours.py::test_a_requests_auth_tuple_is_basic_auth", "a requests auth= tuple dropped"),
    ("check", "bridgebot/check/clientcode.py", "        method = custom.upper()", "        pass",
     "tests/test_behaviours.py::test_php_custom_request_sets_the_method", "PHP CURLOPT_CUSTOMREQUEST ignored"),
    ("check", "bridgebot/check/model.py", "        if self.location not in LOCATIONS:", "        if False:",
     "tests/test_behaviours.py::test_a_finding_has_one_of_the_documented_locations", "findings with any location accepted"),
    ("check", "bridgebot/cli.py", 'exit 2."""\n\n    exit_code = 2', 'exit 2."""\n\n    exit_code = 1',
     "tests/test_cli_check.py::test_unreadable_file_and_missing_spec_exit_2", "an unreadable spec exits 1, not 2"),
    # --- added with issue 6's outbox (no attempt limit): what replaced the limit ---
    ("tracking", "bridgebot/tracking/outbox.py", "min(retry_after or 0.0, BACKOFF[-1])", "0.0",
     "tests/test_delivery.py::test_a_rate_limited_reply_waits_as_long_as_slack_asks", "Slack's Retry-After not honoured"),
    ("tracking", "bridgebot/tracking/outbox.py", "min(retry_after or 0.0, BACKOFF[-1])", "(retry_after or 0.0)",
     "tests/test_delivery.py::test_backoff_is_capped_at_a_few_minutes", "a Retry-After of an hour waits an hour (no cap)"),
]


def scratch_copy() -> Path:
    dest = Path(tempfile.mkdtemp(prefix="bridgebot-breaks-")) / "checkout"
    dest.mkdir()
    for name in ("bridgebot", "tests", "openapi_specs", "replies"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "app_manifest.yml", "README.md"):
        shutil.copy(ROOT / name, dest / name)
    return dest


def run_test(copy: Path, node: str) -> int:
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1",
           "BRIDGEBOT_SHARED_SPECS": os.environ.get("BRIDGEBOT_SHARED_SPECS")
           or str((ROOT.parent / "shared" / "specs").resolve())}
    return subprocess.run(["nice", "-n", "10", sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", node],
                          cwd=copy, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--list", action="store_true", help="print the table without running anything")
    ap.add_argument("--no-baseline", action="store_true",
                    help="skip running each test unbroken first (the full suite already shows they pass)")
    ap.add_argument("--from", dest="start", type=int, default=1, help="start at this break number")
    ap.add_argument("--to", dest="stop", type=int, default=10**6, help="stop after this break number")
    args = ap.parse_args()
    print("| # | area | break | caught by | result |")
    print("| ---: | --- | --- | --- | --- |")
    copy = None if args.list else scratch_copy()
    caught = 0
    try:
        for i, (area, file, old, new, node, what) in enumerate(BREAKS, 1):
            result = "-"
            if i < args.start or i > args.stop:
                continue
            if copy is not None:
                path = copy / file
                text = path.read_text()
                assert text.count(old) == 1, f"break {i}: {old!r} is not unique in {file}"
                if not args.no_baseline and run_test(copy, node) != 0:
                    result = "TEST FAILS UNBROKEN"
                else:
                    path.write_text(text.replace(old, new))
                    try:
                        result = "caught" if run_test(copy, node) != 0 else "NOT CAUGHT"
                    finally:
                        path.write_text(text)
                caught += result == "caught"
            print(f"| {i} | {area} | {what} (`{file.split('/')[-1]}`) | `{node.removeprefix('tests/')}` | {result} |", flush=True)
    finally:
        if copy is not None:
            shutil.rmtree(copy.parent, ignore_errors=True)
    if copy is not None:
        print(f"\n{caught} of {len(BREAKS)} breaks caught")


if __name__ == "__main__":
    main()
