"""The deliverer against a stub Slack client, on a manual clock: what is sent, kept, given up."""

from __future__ import annotations

from pathlib import Path

import pytest
from slack_sdk.errors import SlackApiError

from bridgebot.delivery import SETTLE_AFTER_NO_ANSWER, Deliverer
from bridgebot.tracking import Store, outbox


class Response(dict):
    status_code = 200


class StubSlack:
    """Answers api_call from a script: an exception to raise or a response to return."""

    def __init__(self) -> None:
        self.script: list[object] = []
        self.calls: list[tuple[str, dict]] = []

    def api_call(self, method: str, json: dict) -> Response:
        self.calls.append((method, json))
        step = self.script.pop(0) if self.script else Response(ok=True, ts="1700000001.000200")
        if isinstance(step, BaseException):
            raise step
        return step  # type: ignore[return-value]

    # Before retrying a post that may have reached Slack, the deliverer looks for it (issue 6):
    # this Slack never has it, so the retry posts.
    def conversations_history(self, **kw: object) -> Response:
        return Response(ok=True, messages=[], response_metadata={})

    conversations_replies = conversations_history


def slack_error(error: str) -> SlackApiError:
    r = Response(ok=False, error=error)
    r.status_code = 400
    return SlackApiError(error, r)


@pytest.fixture
def setup(tmp_path: Path):
    store = Store(tmp_path / "bb.db")
    now = [1000.0]
    slack = StubSlack()
    with store.transaction() as db:
        db.execute("INSERT INTO threads (channel_id, thread_ts, author_id, opened_at) VALUES ('C1', '1.1', 'U', 1)")
        outbox.enqueue(db, method="chat.postMessage", payload={"channel": "C1", "text": "hi"}, at=now[0], thread_id=1)
    return store, slack, now, Deliverer(store, slack, clock=lambda: now[0])  # type: ignore[arg-type]


def status(store: Store) -> list[tuple]:
    return [tuple(r) for r in store.db.execute("SELECT method, status, attempts, next_attempt_at FROM outbox ORDER BY id")]


def test_a_sent_reply_records_its_ts_and_an_update_uses_it(setup) -> None:
    store, slack, now, d = setup
    assert d.deliver_due() == 1
    assert store.db.execute("SELECT bot_reply_ts FROM threads").fetchone()[0] == "1700000001.000200"
    with store.transaction() as db:
        outbox.enqueue(db, method="chat.update", payload={"channel": "C1", "text": "new"}, at=now[0], thread_id=1)
    assert d.deliver_due() == 1
    assert slack.calls[-1] == ("chat.update", {"channel": "C1", "text": "new", "ts": "1700000001.000200"})
    assert [s[1] for s in status(store)] == ["sent", "sent"]


def test_an_error_no_retry_can_fix_is_given_up_at_once(setup) -> None:
    store, slack, now, d = setup
    slack.script = [slack_error("channel_not_found")]
    assert d.deliver_due() == 0
    assert status(store) == [("chat.postMessage", "failed", 1, 1001.0)]


@pytest.mark.parametrize("failure, due", [(slack_error("internal_error"), 1001.0),
                                           # No answer at all: the post may have reached Slack, so it is
                                           # looked up, after giving Slack time to finish it.
                                           (OSError("connection reset"), 1000.0 + SETTLE_AFTER_NO_ANSWER)],
                         ids=["slack error", "network error"])
def test_a_transient_failure_is_kept_and_retried_when_due(setup, failure, due) -> None:
    store, slack, now, d = setup
    slack.script = [failure]
    assert d.deliver_due() == 0
    assert status(store) == [("chat.postMessage", "pending", 1, due)]
    assert d.deliver_due() == 0 and len(slack.calls) == 1  # not due yet
    now[0] = due
    assert d.deliver_due() == 1
    assert status(store) == [("chat.postMessage", "sent", 2, due)]


def test_housekeeping_forgets_old_event_ids(setup) -> None:
    from bridgebot.delivery import EVENT_MEMORY
    from bridgebot.tracking.threads import mark_event_seen

    store, slack, now, d = setup
    with store.transaction() as db:
        mark_event_seen(db, "old", "message", now[0] - EVENT_MEMORY - 1)
        mark_event_seen(db, "new", "message", now[0] - 10)
    assert d.housekeeping() == 1
    assert [r[0] for r in store.db.execute("SELECT event_id FROM slack_events")] == ["new"]
