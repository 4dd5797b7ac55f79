"""`/bridge` without Slack: parse_command, thread references, and the dispatcher over a real desk
(SQLite) with a stub directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridgebot.check import SpecSet
from bridgebot.commands import SUBCOMMANDS, Caller, Command, CommandError, dispatch, parse_command, \
    parse_thread_ref, parse_user
from bridgebot.desk import Channel, SupportDesk
from bridgebot.settings import Settings
from bridgebot.tracking import Store, events_of, open_thread
from bridgebot.tracking.threads import get_thread, notes_of


@pytest.mark.parametrize("text, expected", [
    ("", Command("")),
    ("   ", Command("")),
    ("queue", Command("queue")),
    ("  CLAIM   BB-42 ", Command("claim", ["BB-42"], "BB-42")),
    ("assign BB-42 <@U123|ana>", Command("assign", ["BB-42", "<@U123|ana>"], "BB-42 <@U123|ana>")),
    ("note 42 call them\nback tomorrow", Command("note", ["42", "call", "them", "back", "tomorrow"],
                                                 "42 call them\nback tomorrow")),
])
def test_parse_command(text: str, expected: Command) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize("token, id, channel, ts", [
    ("BB-42", 42, None, None),
    ("bb-42", 42, None, None),
    ("42", 42, None, None),
    ("#42", 42, None, None),
    ("https://bridge.slack.com/archives/C0ACME/p1700000000000100", None, "C0ACME", "1700000000.000100"),
    ("<https://bridge.slack.com/archives/C0ACME/p1700000000000100>", None, "C0ACME", "1700000000.000100"),
    ("<https://bridge.slack.com/archives/C0ACME/p1700000000000100|link>", None, "C0ACME", "1700000000.000100"),
    # A link to a reply inside the thread names the thread.
    ("https://acme-corp.slack.com/archives/C0ACME/p1700000500000200?thread_ts=1700000000.000100&cid=C0ACME",
     None, "C0ACME", "1700000000.000100"),
])
def test_a_thread_is_named_by_id_number_or_permalink(token: str, id, channel, ts) -> None:
    ref = parse_thread_ref(token, "BB")
    assert (ref.id, ref.channel_id, ref.ts) == (id, channel, ts)
    if "thread_ts" in token:
        assert ref.message_ts == "1700000500.000200"  # the reply itself, for subcommands that need it


@pytest.mark.parametrize("token", ["XX-42", "BB-", "BB-4x", "forty-two", "https://example.com/archives/C1/p1",
                                   "https://bridge.slack.com/archives/C0ACME/p17000", "<@U123>"])
def test_bad_thread_ids_get_a_helpful_message(token: str) -> None:
    with pytest.raises(CommandError) as e:
        parse_thread_ref(token, "BB")
    assert "is not a thread" in str(e.value) and "`BB-42`" in str(e.value) and "link" in str(e.value)


@pytest.mark.parametrize("token, user", [("<@U123|ana>", "U123"), ("<@W0ABC>", "W0ABC"), ("U0SPEC", "U0SPEC")])
def test_parse_user(token: str, user: str) -> None:
    assert parse_user(token) == user


def test_parse_user_refuses_plain_names() -> None:
    with pytest.raises(CommandError, match="is not a person"):
        parse_user("@ana")


class StubDirectory:
    bot_user_id = "U_BOT"
    bot_id = "B_BOT"

    def is_internal(self, user_id: str, team_id: str | None) -> bool:
        return user_id.startswith("U_SPEC")

    def channel(self, channel_id: str) -> Channel:
        return Channel(channel_id, is_support=channel_id.startswith("C_SHARED"))

    def customer_name(self, team_id, channel_id):
        return None


@pytest.fixture
def desk(tmp_path: Path) -> SupportDesk:
    settings = Settings(db_path=str(tmp_path / "bb.db"), first_response_target=3600.0, triage_channel="C_TRIAGE")
    store = Store(settings.db_path)
    now = [2000.0]
    d = SupportDesk(store, SpecSet([]), StubDirectory(), settings, clock=lambda: now[0])
    with store.transaction() as db:
        for i, ts in enumerate(("1000.000100", "1500.000100")):
            open_thread(db, channel_id="C_SHARED", thread_ts=ts, author_id="U_DEV", opened_at=float(ts),
                        customer_team_id="T_EXT", text=f"question {i}")
    return d


ME = Caller("U_SPEC", None, "C_SHARED")


def run(desk: SupportDesk, text: str, caller: Caller = ME) -> str:
    return dispatch(desk, caller, text).text


def test_help_lists_every_subcommand(desk) -> None:
    for text in ("", "help"):
        answer = run(desk, text)
        assert all(f"`/bridge {name}" in answer for name in SUBCOMMANDS)
    assert run(desk, "help claim").count("/bridge ") == 2  # its usage, and "/bridge help"


def test_an_unknown_subcommand_lists_what_is_possible(desk) -> None:
    answer = run(desk, "clam BB-1")
    assert "`/bridge` has no `clam`" in answer
    assert all(f"`/bridge {name}" in answer for name in SUBCOMMANDS)


@pytest.mark.parametrize("text, words", [
    ("claim", "Almost: `/bridge claim BB-42`"),
    ("claim BB-x", "`BB-x` is not a thread"),
    ("claim 99", "There is no thread BB-99"),
    ("assign BB-1", "Almost: `/bridge assign"),
    ("assign BB-1 ana", "`ana` is not a person"),
    ("assign BB-1 <@U_DEV|dev>", "<@U_DEV> is not on the support team"),
    ("note BB-1", "Almost: `/bridge note"),
    ("claim https://bridge.slack.com/archives/C_SHARED/p1999999999000100", "not a tracked thread"),
])
def test_bad_input_gets_a_clear_answer_and_changes_nothing(desk, text: str, words: str) -> None:
    assert words in run(desk, text)
    assert [e["kind"] for e in events_of(desk.store.db, 1)] == ["opened"]


def test_claim_by_id_and_by_permalink_then_the_queue_and_mine(desk) -> None:
    assert "You claimed BB-1" in run(desk, "claim BB-1")
    assert "You claimed BB-2" in run(desk, "claim https://bridge.slack.com/archives/C_SHARED/p1500000100")
    assert "The queue is empty" in run(desk, "queue")
    mine = run(desk, "mine")
    assert mine.index("BB-1") < mine.index("BB-2")
    assert "already claimed by <@U_SPEC>" in run(desk, "claim 1", Caller("U_SPEC2", None, "C_SHARED"))


def test_queue_shows_customer_age_and_time_left_oldest_first(desk) -> None:
    desk.store.db.execute("INSERT INTO customer_orgs (team_id, name) VALUES ('T_EXT', 'Acme Inc')")
    answer = run(desk, "queue")
    first, second = answer.index("*BB-1*"), answer.index("*BB-2*")
    assert first < second
    # now = 2000: BB-1 waited 1000 s of a 3600 s target, BB-2 500 s.
    assert "Acme Inc" in answer and "waiting 16m" in answer and "43m left to first response" in answer


def test_every_action_by_an_external_is_refused_and_changes_nothing(desk) -> None:
    external = Caller("U_DEV", "T_EXT", "C_SHARED")
    for text in ["queue", "mine", "help", "claim BB-1", "assign BB-1 <@U_SPEC>", "release BB-1", "resolve BB-1",
                 "reopen BB-1", "note BB-1 hello", "nonsense"]:
        answer = run(desk, text, external)
        assert "`/bridge` is for the support team" in answer, text
        assert "BB-" not in answer
    assert [e["kind"] for e in events_of(desk.store.db, 1)] == ["opened"]
    assert notes_of(desk.store.db, 1) == []
    assert desk.store.db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == 0


def test_a_note_is_stored_redacted_and_posted_only_to_the_triage_channel(desk) -> None:
    answer = run(desk, "note BB-1 they use key sk-live-9a8b7c6d5e4f3a2b1c0d9f2c, call back")
    assert "Note saved on BB-1 and posted in <#C_TRIAGE>" in answer
    (note,) = notes_of(desk.store.db, 1)
    assert "sk-live-9a8b7c6d5e4f3a2b1c0d9f2c" not in note["text"] and "call back" in note["text"]
    posts = desk.store.db.execute("SELECT method, payload FROM outbox").fetchall()
    assert len(posts) == 1 and posts[0][0] == "chat.postMessage" and '"channel": "C_TRIAGE"' in posts[0][1]
    assert "C_SHARED\"" not in posts[0][1].replace("<#C_SHARED>", "")


def test_a_triage_channel_that_is_a_shared_channel_never_gets_notes(desk) -> None:
    desk.settings.triage_channel = "C_SHARED_OOPS"
    assert "posted in" not in run(desk, "note BB-1 internal only")
    assert desk.store.db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == 0
    assert len(notes_of(desk.store.db, 1)) == 1


def test_assign_release_resolve_reopen(desk) -> None:
    assert "now assigned to <@U_SPEC2>" in run(desk, "assign BB-1 <@U_SPEC2|ana>")
    assert "You released BB-1" in run(desk, "release BB-1")
    assert "not claimed by anyone" in run(desk, "release BB-1")
    assert "BB-1 is resolved" in run(desk, "resolve 1")
    assert "already resolved (by <@U_SPEC>)" in run(desk, "resolve 1")
    assert "BB-1 is open again" in run(desk, "reopen bb-1")
    kinds = [e["kind"] for e in events_of(desk.store.db, 1)]
    assert kinds == ["opened", "assigned", "released", "resolved", "reopened"]
    assert get_thread(desk.store.db, 1).status == "open"


def test_a_subcommand_added_to_the_table_is_dispatched_and_in_help(desk, monkeypatch) -> None:
    from bridgebot.commands import Subcommand
    from bridgebot.desk import Answer

    monkeypatch.setitem(SUBCOMMANDS, "ping", Subcommand(lambda d, c, cmd: Answer(f"pong {cmd.args}"),
                                                        help="bridge_help_queue"))
    assert run(desk, "ping a b") == "pong ['a', 'b']"
