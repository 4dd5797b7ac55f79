"""The thread's life as one state machine: every transition, every refusal, and the claim race."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bridgebot.tracking import Refusal, Store, TrackingError, events_of, open_thread, state_of, transition
from bridgebot.tracking.threads import TRANSITIONS, get_thread
from bridgebot.tracking.threads import thread_by_ts as th_by_ts


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "bb.db")


def _in_state(db, state: str, ts: str = "100.1"):
    t = open_thread(db, channel_id="C1", thread_ts=ts, author_id="U_DEV", opened_at=100.0, customer_team_id="T_EXT",
                    text="help")
    if state in ("claimed", "resolved"):
        transition(db, t, "claim", by="U_A", at=101.0)
    if state == "resolved":
        transition(db, t, "resolve", by="U_A", at=102.0)
    assert state_of(t) == state
    return t


# (state, action, by, assignee) → (state after, event (kind, from, to), stored assignee)
ALLOWED = [
    ("open", "claim", "U_B", None, "claimed", ("claimed", None, "U_B"), "U_B"),
    ("open", "assign", "U_B", "U_C", "claimed", ("assigned", None, "U_C"), "U_C"),
    ("open", "resolve", "U_B", None, "resolved", ("resolved", "open", "resolved"), None),
    ("claimed", "assign", "U_B", "U_C", "claimed", ("assigned", "U_A", "U_C"), "U_C"),
    ("claimed", "release", "U_B", None, "open", ("released", "U_A", None), None),
    ("claimed", "resolve", "U_B", None, "resolved", ("resolved", "open", "resolved"), "U_A"),
    ("resolved", "reopen", "U_B", None, "claimed", ("reopened", "resolved", "open"), "U_A"),  # back to its holder
]


@pytest.mark.parametrize("state, action, by, assignee, after, event, holder", ALLOWED,
                         ids=[f"{a[0]}-{a[1]}" for a in ALLOWED])
def test_every_allowed_transition_changes_the_thread_and_records_who_when_from_to(
        store, state, action, by, assignee, after, event, holder) -> None:
    with store.transaction() as db:
        t = _in_state(db, state)
        assert transition(db, t, action, by=by, at=200.0, assignee_id=assignee) == after
        stored = get_thread(db, t.id)
        last = events_of(db, t.id)[-1]
    assert state_of(stored) == after and stored.assignee_id == holder
    assert t == stored, "the caller's thread is brought up to date: it equals the stored row, field for field"
    assert (last["kind"], last["from_value"], last["to_value"]) == event
    assert (last["actor_id"], last["at"]) == (by, 200.0)
    if after == "resolved":
        assert (stored.resolved_at, stored.resolved_by) == (200.0, by)
    if action == "reopen":
        assert (stored.resolved_at, stored.resolved_by) == (None, None)


def test_the_table_lists_exactly_the_allowed_transitions() -> None:
    assert {(a[0], a[1]) for a in ALLOWED} == set(TRANSITIONS)


# Everything not in the table is refused with a reason that says why (and who holds it).
REFUSED = [
    ("open", "release", "U_B", None, "not_claimed", "not claimed by anyone"),
    ("open", "reopen", "U_B", None, "not_resolved", "not resolved"),
    ("claimed", "claim", "U_B", None, "held_by", "already claimed by <@U_A>"),
    ("claimed", "claim", "U_A", None, "already_yours", "already yours"),
    ("claimed", "assign", "U_B", "U_A", "already_assignee", "already assigned to <@U_A>"),
    ("claimed", "reopen", "U_B", None, "not_resolved", "not resolved"),
    ("resolved", "claim", "U_B", None, "resolved", "is resolved"),
    ("resolved", "assign", "U_B", "U_C", "resolved", "is resolved"),
    ("resolved", "release", "U_B", None, "resolved", "is resolved"),
    ("resolved", "resolve", "U_B", None, "already_resolved", "already resolved (by <@U_A>)"),
]


@pytest.mark.parametrize("state, action, by, assignee, reason, words", REFUSED,
                         ids=[f"{r[0]}-{r[1]}-{r[4]}" for r in REFUSED])
def test_every_impossible_change_is_refused_with_a_clear_answer_and_changes_nothing(
        store, state, action, by, assignee, reason, words) -> None:
    with store.transaction() as db:
        t = _in_state(db, state)
        before = (get_thread(db, t.id), len(events_of(db, t.id)))
        with pytest.raises(Refusal) as e:
            transition(db, t, action, by=by, at=200.0, assignee_id=assignee)
        after = (get_thread(db, t.id), len(events_of(db, t.id)))
    assert e.value.reason == reason
    assert words in str(e.value) and "BB-1" in str(e.value)
    assert after == before


def test_unknown_actions_and_assign_without_a_person_are_errors(store) -> None:
    with store.transaction() as db:
        t = _in_state(db, "open")
        with pytest.raises(TrackingError, match="unknown action 'snooze'"):
            transition(db, t, "snooze", by="U_A", at=1.0)
        with pytest.raises(TrackingError, match="assign needs the person"):
            transition(db, t, "assign", by="U_A", at=1.0)


def test_a_stale_thread_object_is_read_again_before_deciding(store) -> None:
    with store.transaction() as db:
        t = _in_state(db, "open")
        stale = get_thread(db, t.id)
        transition(db, t, "claim", by="U_A", at=1.0)
        with pytest.raises(Refusal, match="already claimed by <@U_A>"):
            transition(db, stale, "claim", by="U_B", at=2.0)
        assert stale.assignee_id == "U_A"  # brought up to date


@pytest.mark.parametrize("rounds", [25])
def test_two_specialists_claiming_at_the_same_moment_exactly_one_wins(tmp_path: Path, rounds: int) -> None:
    """Eight threads (each with its own connection, as separate processes would have) claim the
    same thread at once, released by a barrier; repeated over several threads."""
    path = tmp_path / "race.db"
    with Store(path).transaction() as db:
        for i in range(rounds):
            _in_state(db, "open", ts=f"{i}.1")
    people = [f"U_{n}" for n in range(8)]
    outcomes: dict[int, list[tuple[str, str]]] = {i + 1: [] for i in range(rounds)}
    lock = threading.Lock()

    def specialist(user: str, barrier: threading.Barrier, thread_id: int) -> None:
        store = Store(path)
        barrier.wait()
        try:
            with store.transaction() as db:
                t = get_thread(db, thread_id)
                transition(db, t, "claim", by=user, at=1.0)
            result = ("won", user)
        except Refusal as e:
            result = ("lost", str(e))
        with lock:
            outcomes[thread_id].append(result)

    for thread_id in outcomes:
        barrier = threading.Barrier(len(people))
        workers = [threading.Thread(target=specialist, args=(u, barrier, thread_id)) for u in people]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    store = Store(path)
    for thread_id, results in outcomes.items():
        winners = [who for kind, who in results if kind == "won"]
        assert len(winners) == 1, results
        losers = [msg for kind, msg in results if kind == "lost"]
        assert len(losers) == len(people) - 1
        assert all(f"already claimed by <@{winners[0]}>" in msg for msg in losers)  # told who won
        assert get_thread(store.db, thread_id).assignee_id == winners[0]
        claims = [e for e in events_of(store.db, thread_id) if e["kind"] == "claimed"]
        assert [e["to_value"] for e in claims] == winners


def test_a_thread_found_by_its_slack_timestamp_has_the_default_id_prefix(store) -> None:
    with store.transaction() as db:
        t = open_thread(db, channel_id="C1", thread_ts="100.1", author_id="U_DEV", opened_at=100.0,
                        customer_team_id="T_EXT", text="help")
        found = th_by_ts(db, "C1", "100.1")
    assert found is not None and found.short_id == t.short_id == f"BB-{t.id}"
