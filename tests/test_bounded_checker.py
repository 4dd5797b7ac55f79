"""Issue 6, item 2: no paste can crash or stall the checker.

The poison paste (an axios body nested 500 deep) raised RecursionError; the pastes below made a
regular expression backtrack for seconds to minutes. Each is checked here under a time budget
and must come back *fully* checked (not cut off by the budget): behaviour, not wall-clock time.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bridgebot.check import check_paste, render_check_text
from bridgebot.check.bounded import BoundedChecker, check_inline
from conftest import BRIDGE_SPEC, WORST_CASE_BUDGET

CUSTOMERS = "https://api.bridge.xyz/v0/customers"
#: Issue 6's poison paste: 2 KB, nested 500 deep.
POISON = f"axios.post('{CUSTOMERS}', " + "{a:" * 500 + "1" + "}" * 500 + ")"


def test_the_poison_paste_is_read_and_its_body_reported_too_deep(bridge_specs) -> None:
    result = check_paste(POISON, bridge_specs)
    (report,) = result.requests
    assert report.operation is not None and report.operation.label == "POST /v0/customers"
    deep = [f for f in report.findings if f.kind == "malformed_body"]
    assert deep and "nested more than 64 levels" in deep[0].message


@pytest.mark.parametrize("paste", [
    f"requests.post('{CUSTOMERS}', json=" + "{'a': " * 300 + "1" + "}" * 300 + ")",
    f"fetch('{CUSTOMERS}', {{method: 'POST', body: JSON.stringify(" + "[" * 400 + "]" * 400 + ")})",
    f"const body = {'{a:' * 400}1{'}' * 400}\naxios.post('{CUSTOMERS}', body)",
    f"POST /v0/customers\n{'[' * 5000}{']' * 5000}",
], ids=["python-json", "fetch-stringify", "js-variable", "bare-json"])
def test_other_deep_bodies_are_reported_not_raised(bridge_specs, paste: str) -> None:
    result = check_paste(paste, bridge_specs)
    assert result.incomplete is None
    assert any(f.kind == "malformed_body" for f in result.findings)


def test_the_poison_paste_at_the_command_line_is_a_finding_not_a_traceback(tmp_path) -> None:
    paste = tmp_path / "poison.txt"
    paste.write_text(POISON)
    run = subprocess.run([sys.executable, "-m", "bridgebot", "check", "--spec", str(BRIDGE_SPEC), "--format", "json",
                          str(paste)], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in run.stderr
    assert run.returncode == 1, run.stderr
    findings = json.loads(run.stdout)["requests"][0]["findings"]
    assert any("nested more than 64 levels" in f["message"] for f in findings)


#: Pastes that made a reader's regular expression backtrack (old time on a shared 2-core box).
SLOW_PASTES = {
    # clientcode._assignments: 14.6 s (issue 6); > 10 s measured here.
    "fetch then 2,000 blank lines": f"fetch('{CUSTOMERS}')" + "\n" * 2000,
    # clientcode._assignments: 45 s (issue 6).
    "axios.get then 1,000 lines of four spaces": f"axios.get('{CUSTOMERS}')" + "\n    " * 1000,
    # paste.unslack links: 1.9 s.
    "4,000 unclosed Slack links": f"curl {CUSTOMERS}\n" + "<http://a|" * 4000,
    # paste._prose_curl / _command_extent on every "curl" word of a 40,000-character line: 17.9 s
    # (found by the fuzz run after the merges).
    "8,000 curl words on one line": f"curl {CUSTOMERS}\n" + "curl it " * 5000,
    # clientcode PHP variables `([^;]+);`: 2.2 s.
    "PHP: 10,000 `$a=` and no semicolon": f"curl_setopt($ch, CURLOPT_URL, '{CUSTOMERS}');\n" + "$a=" * 10000,
    # schema email format: 4.5 s.
    "a 30 KB email value": f"curl {CUSTOMERS} -H 'Api-Key: k' -H 'Idempotency-Key: 1' --json "
                           "'{\"type\":\"individual\",\"email\":\"a@" + "b." * 15000 + " \"}'",
    # explain `missing .*header`: 0.9 s.
    "an error message of 4,000 `missing`": '{"code": "bad", "message": "' + "missing " * 4000 + '"}',
    # paste: "is this JSON a variable's value?" searched from every `$` of the line: 4.1 s (fuzz run).
    "JSON after a 10,000-character run of `$`": f"requests.post('{CUSTOMERS}', json=body)\n" + "$" * 10000
                                                 + ': {"a": 1}',
    # catalog templates that start with a captured run, e.g. `(?P<field>\w+) must be set`, tried from
    # every letter of a 40,000-character word: 3 s in all (fuzz run, seed 216).
    "catalog phrases after a 40,000-letter word": "x must be set; y is too long; z wasn't supplied; "
                                                  "a is not a permitted key; b not included in the list\n"
                                                  + "a" * 40000,
    # errors._METHOD_URL_STATUS: the port and the path split a long URL every way: 256 ms (seed 18).
    "POST and a 20,000-character URL with no status": f"curl {CUSTOMERS}\nPOST https://api.github.com/"
                                                      + "(" * 20000,
    # paste._follows_request: two blank runs around an optional `+ curl` echo split a long gap
    # every way: 2.8 s (fuzz run, seed 203132).
    "JSON after a curl, 10,000 blank lines and a `+` line": f"curl {CUSTOMERS}\n" + "\t \n" * 10000
                                                            + "+ x\n" + '{"a": 1}',
    # paste: a line longer than 1,000 characters of quoted "curl" words measured to its end for each
    # of the 100 places read: 1.1 s on 200 KB (fuzz seed 302739, 232 ms at 40,000 characters).
    "200 KB line of `curl 'it'`": f"curl {CUSTOMERS}\n" + "curl 'it' " * 20000,
    # secrets: the line before each key rescanned: 0.4 s.
    "1,200 keys on one line": " ".join(f"sk-live-{i:024d}" for i in range(1200)),
    # lenient: a value followed by more text on its line is looked at for unescaped inner quotes,
    # at most 500 characters along the line.
    "a literal of 8,000 lines of quoted values followed by text": '{"code": "invalid", "message": "bad"}\n{\n'
                                                                   + ' m: "a" 1 "b"\n' * 8000 + "}",
}


#: The same against Stripe's spec, whose SDK calls are read: the language of a block is guessed from
#: cheap signs (sdk._SIGNS), some of which ran a quantifier from every character of a long run.
STRIPE_CALL = "stripe.customers.create({email: 'a@b.co'})\n"
SLOW_SDK_PASTES = {
    # `\w+\s*=\s*\w+[\w.]*\(` (Python's sign) and `\w+:\s*['"]` (Ruby's) from every letter: 14 s.
    "an SDK call and a 40,000-letter word": STRIPE_CALL + "x" * 40000,
    # `^\s*from` / `^\s*end` run from each line start across every blank line after it: 12 s.
    "an SDK call and 40,000 blank lines": STRIPE_CALL + "\n" * 40000,
    # C#'s `new X[\w.<>, ]*\s*\{` split a run of spaces two ways.
    "an SDK call and `new A` before 40,000 spaces": STRIPE_CALL + "new A" + " " * 40000,
    # A traceback's frames, each read on its own (at most 100).
    "an SDK call in 4,000 traceback frames": 'File "a.py", line 1, in x\n    stripe.Customer.create(\n' * 4000,
}


@pytest.mark.parametrize("paste", SLOW_PASTES.values(), ids=SLOW_PASTES.keys())
def test_worst_case_pastes_are_checked_fully_within_the_budget(bridge_specs, paste: str) -> None:
    result = check_inline(paste, bridge_specs, budget=WORST_CASE_BUDGET)
    assert result.incomplete is None, "the check was cut off by its budget"
    assert result.requests or result.errors or result.secrets


@pytest.mark.parametrize("paste", SLOW_SDK_PASTES.values(), ids=SLOW_SDK_PASTES.keys())
def test_worst_case_sdk_pastes_are_checked_fully_within_the_budget(stripe_specs, paste: str) -> None:
    result = check_inline(paste, stripe_specs, budget=WORST_CASE_BUDGET)
    assert result.incomplete is None, "the check was cut off by its budget"
    assert result.requests


def test_a_paste_past_the_budget_says_so_keeps_its_key_warning_and_the_worker_is_replaced(bridge_specs) -> None:
    key = "sk-live-0123456789abcdef0123456789ab"
    # 20 requests checked, hundreds read: far more than a 0.1 ms budget.
    big = f"curl {CUSTOMERS} -H 'Api-Key: {key}'\n" + f"curl {CUSTOMERS}/c_1 -H 'Api-Key: $K'\n" * 600
    with BoundedChecker(bridge_specs, budget=0.0001) as checker:
        first_worker = checker._idle[0].process.pid
        result = checker.check(big)
        assert result.incomplete == "timeout"
        assert [s.redacted for s in result.secrets] == ["sk-live-…89ab"]
        assert not result.ok
        checker.budget = 30.0
        again = checker.check(f"curl {CUSTOMERS} -H 'Api-Key: $K'")
        assert again.incomplete is None and again.requests[0].operation is not None
        assert checker._idle[0].process.pid != first_worker  # the stuck worker was killed


def test_a_worker_that_died_is_replaced(bridge_specs) -> None:
    with BoundedChecker(bridge_specs, budget=30.0) as checker:
        checker._idle[0].process.kill()
        checker._idle[0].process.wait()
        result = checker.check(f"curl {CUSTOMERS} -H 'Api-Key: $K'")
        assert result.incomplete is None and result.requests[0].operation is not None
        assert checker._workers == 1  # the dead worker is counted out and its replacement in: max_workers holds


def test_the_text_report_says_a_paste_could_not_be_fully_checked(bridge_specs) -> None:
    from bridgebot.check import render_check_text

    result = check_inline(f"curl {CUSTOMERS} -H 'Api-Key: $K'\n" * 600, bridge_specs, budget=0.0001)
    assert result.incomplete == "timeout" and not result.ok
    assert "could not fully check this message" in render_check_text(result)


# --- over Slack -----------------------------------------------------------------------------------

def test_the_poison_paste_over_slack_opens_a_thread_with_a_reply(bot) -> None:
    from fakeslack import message_event
    from slackapp import ACME, DEV

    status, _ = bot.post_event(message_event(ACME, DEV, POISON, ts="1700000000.000100", team="T_EXT"), event_id="EvP")
    assert status == 200
    bot.deliver()
    assert bot.rows("SELECT status FROM threads") == [("open",)]
    (reply,) = bot.fake.successful_calls("chat.postMessage")
    assert "nested more than 64 levels" in json.dumps(reply.args["blocks"])


def test_a_paste_past_the_budget_over_slack_opens_its_thread_and_says_it_was_not_fully_checked(
        fake_slack, tmp_path, bridge_specs) -> None:
    from fakeslack import message_event
    from slackapp import ACME, DEV, start

    running, stop = start(fake_slack, tmp_path, bridge_specs, check_budget=0.0001)
    try:
        key = "sk-live-0123456789abcdef0123456789ab"
        big = f"curl {CUSTOMERS} -H 'Api-Key: {key}'\n" + f"curl {CUSTOMERS}/c_1 -H 'Api-Key: $K'\n" * 600
        status, _ = running.post_event(message_event(ACME, DEV, big, ts="1700000000.000100", team="T_EXT"),
                                       event_id="EvBig")
        assert status == 200
        running.deliver()
        assert running.rows("SELECT status FROM threads") == [("open",)]
        (reply,) = fake_slack.successful_calls("chat.postMessage")
        blocks = json.dumps(reply.args["blocks"])
        assert "could not fully check this message" in blocks
        assert "bb_claim" in blocks  # a thread like any other
        warnings = fake_slack.successful_calls("chat.postEphemeral")
        assert len(warnings) == 1 and "sk-live-…89ab" in warnings[0].args["text"]
        assert not fake_slack.saw(key)
    finally:
        stop()


def test_more_callers_than_workers_wait_their_turn_and_all_get_full_results(bridge_specs) -> None:
    import threading

    results: list = []
    with BoundedChecker(bridge_specs, budget=30.0, max_workers=2) as checker:
        def ask(i: int) -> None:
            results.append(checker.check(f"curl {CUSTOMERS}/c_{i} -H 'Api-Key: $K'"))
        threads = [threading.Thread(target=ask, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert checker._workers <= 2
    assert len(results) == 8
    assert all(r.incomplete is None and r.requests[0].operation is not None for r in results)


def test_the_cli_guard_is_not_swallowed_by_the_checker_s_own_error_handling(bridge_specs, monkeypatch, caplog) -> None:
    import time

    from bridgebot.check import checker

    def stuck(req, specs):  # a request whose check never ends (only the budget's alarm stops it)
        time.sleep(30)

    monkeypatch.setattr(checker, "check_request", stuck)
    paste = f"curl {CUSTOMERS} -H 'Api-Key: $K'"
    with caplog.at_level("WARNING", logger="bridgebot.check.bounded"):
        result = check_inline(paste, bridge_specs, budget=0.05)
    assert result.incomplete == "timeout"
    assert [r.getMessage() for r in caplog.records] == [
        f"a paste of {len(paste)} characters was not fully checked within 0.1 s"]


# --- the worker's side, driven in this process --------------------------------------------------
# The worker runs as `python -m bridgebot.check.bounded`; `serve` is its protocol, driven here over
# pipes so that a broken worker fails a test in this process (mutmut cannot see into the child).

@pytest.fixture
def served(bridge_specs):
    """Run the worker's protocol in a thread; yield a function that asks it about one paste."""
    import pickle
    import threading
    from multiprocessing import Pipe

    from bridgebot.check import bounded

    worker_in, to_worker = Pipe(duplex=False)
    from_worker, worker_out = Pipe(duplex=False)
    thread = threading.Thread(target=bounded.serve, args=(worker_in, worker_out), daemon=True)
    thread.start()
    to_worker.send_bytes(pickle.dumps(bridge_specs, protocol=pickle.HIGHEST_PROTOCOL))
    assert from_worker.poll(60) and from_worker.recv() == ("ready", None)

    def ask(raw):
        if raw is None:  # the parent went away: the worker stops
            to_worker.close()
            thread.join(60)
            return thread.is_alive()
        to_worker.send(raw)
        for _ in range(600):  # at most a minute, and no longer once the worker is gone
            if from_worker.poll(0.1):
                return from_worker.recv()
            assert thread.is_alive(), "the worker died"
        raise AssertionError("the worker did not answer")
    yield ask
    to_worker.close()


def test_the_worker_answers_a_paste_with_its_full_result_and_binary_input_with_why(served, bridge_specs) -> None:
    paste = f"curl {CUSTOMERS} -H 'Api-Key: $K'"
    status, result = served(paste)
    assert status == "ok"
    assert result.incomplete is None
    assert [r.operation.label for r in result.requests] == ["GET /v0/customers"]
    assert render_check_text(result) == render_check_text(check_paste(paste, bridge_specs))
    assert served(b"\x00\x01binary") == ("unreadable", "this is binary data, not text: paste the request or error as text")
    assert served(None) is False  # input closed: the worker's loop ends


def test_a_crash_in_the_worker_is_an_error_reply_logged_by_its_kind_not_its_text(served, monkeypatch, caplog) -> None:
    import threading

    from bridgebot.check import bounded

    key = "sk-live-0123456789abcdef0123456789ab"
    paste = f"curl {CUSTOMERS} -H 'Api-Key: {key}'"

    def crash(raw, specs):
        raise RuntimeError(f"could not read {raw}")

    monkeypatch.setattr(bounded, "check_paste", crash)
    with caplog.at_level("ERROR", logger="bridgebot.check.bounded"):
        assert served(paste) == ("error", None)
        # A result that cannot be sent back (here a lock) is an error reply too, not a dead worker.
        monkeypatch.setattr(bounded, "check_paste", lambda raw, specs: threading.Lock())
        assert served(paste + " ") == ("error", None)
    assert [r.getMessage() for r in caplog.records] == [
        f"checking a paste of {len(paste)} characters failed: RuntimeError",
        f"could not send back the result of a paste of {len(paste) + 1} characters: TypeError"]
    assert key not in caplog.text


def test_a_worker_that_cannot_start_leaves_room_for_the_next(bridge_specs, monkeypatch, caplog) -> None:
    import threading

    from bridgebot.check import bounded

    paste = f"curl {CUSTOMERS} -H 'Api-Key: $K'"
    real = sys.executable
    monkeypatch.setattr(bounded.sys, "executable", "/nonexistent/python")
    with caplog.at_level("ERROR", logger="bridgebot.check.bounded"):
        checker = BoundedChecker(bridge_specs, budget=30.0, max_workers=1)  # its first worker fails to start
    # The log says why, in the system's words (here: no such program).
    assert [r.getMessage() for r in caplog.records] == [
        "could not start a checker worker: [Errno 2] No such file or directory: '/nonexistent/python'"]
    try:
        answers: list = []
        asking = threading.Thread(target=lambda: answers.append(checker.check(paste)), daemon=True)
        asking.start()
        asking.join(60)
        # Not a wait for a worker that will never come: the caller is told the paste was not checked.
        assert [a.incomplete for a in answers] == ["error"]
        monkeypatch.setattr(bounded.sys, "executable", real)
        result = checker.check(paste)
        assert result.incomplete is None and result.requests[0].operation is not None
        assert checker._workers == 1  # the failed starts are not counted against max_workers
    finally:
        checker.close()


def test_a_crash_in_the_command_line_check_is_a_result_with_the_key_warning_not_a_traceback(
        bridge_specs, monkeypatch, caplog) -> None:
    from bridgebot.check import bounded

    key = "sk-live-0123456789abcdef0123456789ab"
    paste = f"curl {CUSTOMERS} -H 'Api-Key: {key}'"

    def crash(raw, specs):  # a bug in the checker, whose message quotes the paste
        raise RuntimeError(f"could not read {raw}")

    monkeypatch.setattr(bounded, "check_paste", crash)
    with caplog.at_level("ERROR", logger="bridgebot.check.bounded"):
        result = check_inline(paste, bridge_specs, budget=30.0)
    assert result.incomplete == "error" and not result.ok
    assert [s.redacted for s in result.secrets] == ["sk-live-…89ab"]  # the key is still warned about
    assert "could not fully check this message" in render_check_text(result)
    assert [r.getMessage() for r in caplog.records] == [
        f"checking a paste of {len(paste)} characters failed: RuntimeError"]
    assert key not in caplog.text


def test_the_worker_process_reads_stdin_answers_on_stdout_and_sends_stray_output_to_stderr(
        bridge_specs, monkeypatch, capfd) -> None:
    """`python -m bridgebot.check.bounded` runs worker_main; it is run here in this process (on the
    main thread, its stdin and stdout swapped for pipes, as _Worker gives it) so that a broken entry
    point fails a test (mutmut cannot see into the child)."""
    import os
    import pickle
    import signal
    import threading
    from multiprocessing.connection import Connection

    from bridgebot.check import bounded

    paste = f"curl {CUSTOMERS} -H 'Api-Key: $K'"
    real_check = bounded.check_paste

    def chatty(raw, specs):  # a library that prints while it checks (straight to fd 1, as print does there)
        os.write(1, b"a stray line from a library\n")
        return real_check(raw, specs)

    monkeypatch.setattr(bounded, "check_paste", chatty)
    saved = {fd: os.dup(fd) for fd in (0, 1)}
    sigint = signal.getsignal(signal.SIGINT)
    in_r, in_w = os.pipe()
    out_r, out_w = os.pipe()
    os.dup2(in_r, 0)
    os.dup2(out_w, 1)
    os.close(in_r)
    os.close(out_w)
    to_worker = Connection(in_w, readable=False)
    from_worker = Connection(out_r, writable=False)
    replies: list = []

    def parent() -> None:  # what BoundedChecker does over the worker's stdin and stdout
        try:
            to_worker.send_bytes(pickle.dumps(bridge_specs, protocol=pickle.HIGHEST_PROTOCOL))
            for raw in (None, paste, b"\x00\x01binary", paste):
                if raw is not None:
                    to_worker.send(raw)
                if not from_worker.poll(60):
                    return
                replies.append(from_worker.recv())
        except (EOFError, OSError, pickle.UnpicklingError) as e:
            replies.append(("broken", type(e).__name__))
        finally:
            to_worker.close()  # the parent goes away: the worker's loop ends

    asking = threading.Thread(target=parent, daemon=True)
    asking.start()
    try:
        bounded.worker_main()  # returns once its input is closed
        ignored = signal.getsignal(signal.SIGINT)
    finally:
        for fd, copy in saved.items():
            os.dup2(copy, fd)
            os.close(copy)
        signal.signal(signal.SIGINT, sigint)
        asking.join(60)
        from_worker.close()
    assert [status for status, _ in replies] == ["ready", "ok", "unreadable", "ok"]
    assert render_check_text(replies[1][1]) == render_check_text(check_paste(paste, bridge_specs))
    assert replies[2][1] == "this is binary data, not text: paste the request or error as text"
    assert "a stray line from a library" in capfd.readouterr().err  # on stderr, not in the protocol
    assert ignored == signal.SIG_IGN  # Ctrl-C in the terminal is the parent's to handle


# --- workers that fail: what the caller gets, what the log says ----------------------------------

def _fake_python(tmp_path, monkeypatch, script: str) -> None:
    """Start the checker's workers from ``script`` (an executable) instead of this Python."""
    import os

    from bridgebot.check import bounded

    fake = tmp_path / "fake-python"
    fake.write_text(script)
    os.chmod(fake, 0o755)
    monkeypatch.setattr(bounded.sys, "executable", str(fake))


def test_a_worker_that_exits_before_it_is_ready_is_logged_and_the_paste_said_not_checked(
        bridge_specs, monkeypatch, tmp_path, caplog) -> None:
    # It reads its input (so the specs go through) but closes its output at once: never "ready".
    _fake_python(tmp_path, monkeypatch, "#!/bin/sh\nexec >&-\nexec cat >/dev/null\n")
    key = "sk-live-0123456789abcdef0123456789ab"
    with caplog.at_level("ERROR", logger="bridgebot.check.bounded"):
        with BoundedChecker(bridge_specs, budget=30.0, max_workers=1) as checker:  # its first worker fails
            result = checker.check(f"curl {CUSTOMERS} -H 'Api-Key: {key}'")  # so does the next
    assert result.incomplete == "error" and [s.redacted for s in result.secrets] == ["sk-live-…89ab"]
    assert [r.getMessage() for r in caplog.records] == ["a checker worker did not start within 60 s"] * 2


def test_a_worker_that_dies_during_a_check_is_logged_and_the_paste_said_not_checked(
        bridge_specs, monkeypatch, tmp_path, caplog) -> None:
    import re

    # A worker that gets ready, then dies on its first paste (killed, out of memory…).
    _fake_python(tmp_path, monkeypatch, f"#!{sys.executable}\n" + (
        "import os\n"
        "from multiprocessing.connection import Connection\n"
        "conn_in, conn_out = Connection(os.dup(0), writable=False), Connection(os.dup(1), readable=False)\n"
        "conn_in.recv_bytes()\n"
        "conn_out.send(('ready', None))\n"
        "conn_in.recv_bytes()\n"
        "os._exit(1)\n"))
    key = "sk-live-0123456789abcdef0123456789ab"
    paste = f"curl {CUSTOMERS} -H 'Api-Key: {key}'"
    with caplog.at_level("ERROR", logger="bridgebot.check.bounded"):
        with BoundedChecker(bridge_specs, budget=30.0, max_workers=1) as checker:
            result = checker.check(paste)
    assert result.incomplete == "error" and [s.redacted for s in result.secrets] == ["sk-live-…89ab"]
    died = [r.getMessage() for r in caplog.records if "died" in r.getMessage()]
    assert len(died) == 1
    assert re.fullmatch(rf"a checker worker died on a paste of {len(paste)} characters after \d+\.\d\d s: restarted",
                        died[0])
    assert key not in caplog.text


def test_a_paste_after_the_checker_is_closed_is_said_not_checked(bridge_specs) -> None:
    checker = BoundedChecker(bridge_specs, budget=30.0, max_workers=1)
    checker.close()
    result = checker.check(f"curl {CUSTOMERS} -H 'Api-Key: $K'")  # a message arriving while the bot stops
    assert result.incomplete == "error"  # not a new worker started (and left running) to check it


#: A worker that gets ready, then answers every paste with its own script's last lines (below).
_FAKE_WORKER = (
    "import os\n"
    "from multiprocessing.connection import Connection\n"
    "conn_in, conn_out = Connection(os.dup(0), writable=False), Connection(os.dup(1), readable=False)\n"
    "conn_in.recv_bytes()\n"
    "conn_out.send(('ready', None))\n"
    "while True:\n"
    "    try:\n"
    "        conn_in.recv_bytes()\n"
    "    except EOFError:\n"
    "        break\n")


def test_the_worker_runs_the_code_of_the_tree_the_bot_was_loaded_from(bridge_specs, monkeypatch, tmp_path) -> None:
    """Not whatever `bridgebot` a fresh Python would import (another installed version): the tree
    holding this bounded.py, here a stand-in whose worker answers every paste with its own words."""
    from bridgebot.check import bounded
    from bridgebot.check.paste import UnreadablePaste

    tree = tmp_path / "tree"
    (tree / "bridgebot" / "check").mkdir(parents=True)
    (tree / "bridgebot" / "__init__.py").write_text("")
    (tree / "bridgebot" / "check" / "__init__.py").write_text("")
    (tree / "bridgebot" / "check" / "bounded.py").write_text(
        _FAKE_WORKER + "    conn_out.send(('unreadable', 'answered by the worker of ' + os.path.basename(os.path.dirname(os.path.dirname(__import__('bridgebot').__file__)))))\n")
    monkeypatch.setattr(bounded, "__file__", str(tree / "bridgebot" / "check" / "bounded.py"))
    monkeypatch.chdir(tmp_path)  # not the checkout: only the tree's path can lead the worker there
    with BoundedChecker(bridge_specs, budget=30.0, max_workers=1) as checker:
        with pytest.raises(UnreadablePaste, match="^answered by the worker of tree$"):
            checker.check(f"curl {CUSTOMERS} -H 'Api-Key: $K'")


def test_a_crash_the_worker_reports_is_said_not_checked_with_the_key_warning_and_the_worker_kept(
        bridge_specs, monkeypatch, tmp_path) -> None:
    # The worker's own check crashed (serve() answers ("error", None)): the worker itself is fine.
    _fake_python(tmp_path, monkeypatch, f"#!{sys.executable}\n" + _FAKE_WORKER + "    conn_out.send(('error', None))\n")
    key = "sk-live-0123456789abcdef0123456789ab"
    with BoundedChecker(bridge_specs, budget=30.0, max_workers=1) as checker:
        worker = checker._idle[0].process.pid
        result = checker.check(f"curl {CUSTOMERS} -H 'Api-Key: {key}'")
        assert result.incomplete == "error" and not result.ok
        assert [s.redacted for s in result.secrets] == ["sk-live-…89ab"]
        assert "could not fully check this message" in render_check_text(result)
        again = checker.check(f"curl {CUSTOMERS} -H 'Api-Key: $K'")
        assert again.incomplete == "error" and again.secrets == []
        assert [w.process.pid for w in checker._idle] == [worker]  # kept, not killed and replaced


def test_a_worker_that_will_not_die_is_left_behind_and_the_paste_still_answered(
        bridge_specs, monkeypatch, tmp_path, caplog) -> None:
    """A worker past its budget that outlives its kill (stuck in the kernel, where SIGKILL waits):
    the caller still gets its answer, not an exception, and the worker's input is closed so that
    it ends once it can. Here the kill is made to do nothing, and the worker never answers."""
    import os
    import signal
    import threading

    from bridgebot.check import bounded

    _fake_python(tmp_path, monkeypatch, f"#!{sys.executable}\n" + _FAKE_WORKER)  # never answers a paste
    monkeypatch.setattr(bounded, "KILL_WAIT", 0.01)  # the worker cannot exit: it still has its input
    key = "sk-live-0123456789abcdef0123456789ab"
    checker = BoundedChecker(bridge_specs, budget=0.01, max_workers=1)
    stuck = checker._idle[0].process
    stuck.kill = lambda: None  # type: ignore[method-assign]
    answers: list = []
    paste = f"curl {CUSTOMERS} -H 'Api-Key: {key}'"
    asking = threading.Thread(target=lambda: answers.append(checker.check(paste)), daemon=True)
    try:
        with caplog.at_level("WARNING", logger="bridgebot.check.bounded"):
            asking.start()
            asking.join(60)
            assert not asking.is_alive(), "the caller waited for a worker that cannot exit"
        assert [(a.incomplete, [s.redacted for s in a.secrets]) for a in answers] == [("timeout", ["sk-live-…89ab"])]
        assert [r.getMessage() for r in caplog.records][:2] == [
            f"a paste of {len(paste)} characters was not fully checked within 0.0 s: worker restarted",
            f"a killed checker worker (pid {stuck.pid}) did not exit within 0 s: left to the system"]
        assert stuck.wait(60) == 0  # its input closed: it ended by itself
    finally:
        if stuck.poll() is None:
            os.kill(stuck.pid, signal.SIGKILL)
            stuck.wait(60)
        asking.join(60)
        checker.close()


def test_callers_past_max_workers_wait_for_a_worker_instead_of_starting_more(bridge_specs, monkeypatch, tmp_path) -> None:
    """Each worker holds a copy of the specs: max_workers=1 means one process, however many callers.
    The fake worker answers a paste only when the test lets it (one line on a FIFO per answer), so
    the second caller is seen waiting while the first holds the only worker: no timing involved."""
    import os
    import threading
    import time

    from bridgebot.check.paste import UnreadablePaste

    starts, gate = tmp_path / "starts", tmp_path / "gate"
    os.mkfifo(gate)
    _fake_python(tmp_path, monkeypatch, f"#!{sys.executable}\n" + _FAKE_WORKER.replace(
        "conn_in.recv_bytes()\n", f"open({str(starts)!r}, 'a').write('started\\n')\nconn_in.recv_bytes()\n", 1)
        + f"    gate = globals().get('gate') or open({str(gate)!r})\n"
        + "    gate.readline()\n"
        + "    conn_out.send(('unreadable', 'answered'))\n")
    answers: list = []

    def ask() -> None:
        try:
            checker.check(f"curl {CUSTOMERS} -H 'Api-Key: $K'")
        except UnreadablePaste as e:
            answers.append(str(e))

    def until(done) -> None:  # polls an event that happens whatever the timing; a minute at most
        deadline = time.monotonic() + 60
        while not done():
            assert time.monotonic() < deadline, "never happened"
            time.sleep(0.01)

    with BoundedChecker(bridge_specs, budget=60.0, max_workers=1) as checker:
        first, second = threading.Thread(target=ask, daemon=True), threading.Thread(target=ask, daemon=True)
        first.start()
        until(lambda: not checker._idle)  # the first caller holds the only worker
        second.start()
        until(lambda: checker._cond._waiters or starts.read_text().count("started") > 1)  # type: ignore[attr-defined]
        with open(gate, "w") as g:  # let the worker(s) answer both pastes
            g.write("go\ngo\n")
        first.join(60)
        second.join(60)
        assert answers == ["answered", "answered"]
        assert starts.read_text() == "started\n"  # one process, taken in turn
