#!/usr/bin/env python
"""Faults against a real `bridgebot serve` process and a local fake Slack that injects them.

    python benchmarks/faults.py [--case all|outage|flaky|kill|busy|latency] [--outage-seconds 600]
                                [--questions 200] [--burst 1000] [--kills 5] [--hang-seconds 30]
                                [--latency-seconds 60]

Cases (issue 6):
  outage   Slack's lookups (conversations.info, users.info, team.info) fail for --outage-seconds while
           --questions questions arrive on uncached channels; afterwards every question must be
           answered exactly once.
  flaky    30% of Web API calls answer 429, 500, or hang --hang-seconds (the hung call is then carried
           out, as Slack may do); every reply posted exactly once, every event acked within 3 s.
  kill     kill -9 at a random moment during a burst of --burst events, --kills times, restarting each
           time and redelivering what was not acked (as Slack does): nothing lost, nothing doubled.
  busy     a second process holds SQLite's write lock for 1 s out of every 2 while events arrive:
           no "database is locked" reaches a user, every event acked, every question answered.
  latency  10 questions/s over 20 channels for --latency-seconds with every API call taking 100 ms:
           question-to-reply-posted p50/p99 (target p99 <= 1 s).
"Exactly once" is counted on the fake's stored messages (what a user would see), not on calls.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fakeslack import Call, FakeSlack, event_callback, message_event, signed_post  # noqa: E402

SECRET = "faults-signing-secret"
QUESTION = ("```curl -X POST https://api.bridge.xyz/v0/transfers -H 'Api-Key: $K' -H 'Content-Type: application/json' "
            "-d '{\"on_behalf_of\": \"c1\", \"amount\": 10, \"source\": {\"currency\": \"usd\", \"payment_rail\": "
            "\"ach\"}, \"destination\": {\"currency\": \"usdcc\", \"payment_rail\": \"ethereum\", "
            "\"to_address\": \"0x1\"}}'``` question {n}")
LOOKUPS = {"conversations.info", "users.info", "team.info", "usergroups.users.list"}


class FaultySlack(FakeSlack):
    """The fake Web API with switchable faults: a lookup outage, a share of failing calls, latency."""

    def __init__(self) -> None:
        super().__init__()
        self.outage = False
        self.fault_rate = 0.0
        self.hang_seconds = 30.0
        self.delay = 0.0
        self.rng = random.Random(11)
        self.injected: dict[str, int] = {}
        self.posted_at: dict[tuple[str, str], float] = {}

    def start(self) -> "FaultySlack":
        super().start()
        assert self._server is not None
        self._server.handle_error = lambda *a: None  # type: ignore[method-assign]  # clients that gave up
        return self

    def _count(self, what: str) -> None:
        with self._lock:
            self.injected[what] = self.injected.get(what, 0) + 1

    def _answer(self, call: Call) -> tuple[int, dict[str, Any]]:
        if self.delay:
            time.sleep(self.delay)
        if call.method == "auth.test":
            return super()._answer(call)
        if self.outage and call.method in LOOKUPS:
            self._count("outage 500")
            return 500, {"ok": False, "error": "internal_error"}
        if self.fault_rate and self.rng.random() < self.fault_rate:
            kind = self.rng.choice(["429", "500", "hang"])
            self._count(kind)
            if kind == "429":
                return 429, {"ok": False, "error": "ratelimited"}
            if kind == "500":
                return 500, {"ok": False, "error": "internal_error"}
            time.sleep(self.hang_seconds)  # then carry it out, as Slack may after the client gave up
        status, body = super()._answer(call)
        if call.method == "chat.postMessage" and body.get("ok"):
            with self._lock:
                self.posted_at.setdefault((call.args["channel"], call.args.get("thread_ts") or ""), time.time())
        return status, body

    def replies_per_thread(self) -> dict[tuple[str, str], int]:
        out: dict[tuple[str, str], int] = {}
        with self._lock:
            for (channel, _), m in self.messages.items():
                if m.get("bot_id") and m.get("thread_ts"):
                    key = (channel, m["thread_ts"])
                    out[key] = out.get(key, 0) + 1
        return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Bot:
    def __init__(self, fake: FakeSlack, db: Path) -> None:
        self.fake, self.db, self.port = fake, db, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> None:
        env = {**os.environ, "SLACK_BOT_TOKEN": "xoxb-faults", "SLACK_SIGNING_SECRET": SECRET,
               "BRIDGEBOT_DB": str(self.db), "BRIDGEBOT_SLACK_API_URL": self.fake.base_url}
        env.pop("BRIDGEBOT_CONFIG", None)
        exe = Path(sys.executable).with_name("bridgebot")
        cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "bridgebot"]
        self.proc = subprocess.Popen([*cmd, "serve", "--port", str(self.port), "--threads", "8"], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 90
        while True:
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1).read()
                return
            except OSError:
                if time.time() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("bridgebot serve did not start")
                time.sleep(0.1)

    def kill9(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
            self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill9()
            self.proc = None

    def send(self, body: str) -> tuple[int, float]:
        t = time.perf_counter()
        try:
            status, _, _ = signed_post(self.url + "/slack/events", body, SECRET, timeout=10)
        except OSError:
            status = 0
        return status, time.perf_counter() - t

    def count(self, sql: str) -> int:
        conn = sqlite3.connect(self.db, timeout=30)
        try:
            return int(conn.execute(sql).fetchone()[0])
        finally:
            conn.close()

    def wait_answered(self, n: int, timeout: float) -> float:
        start = time.time()
        while time.time() - start < timeout:
            if len(self.fake.replies_per_thread()) >= n and \
                    self.count("SELECT COUNT(*) FROM outbox WHERE status = 'pending'") == 0 and \
                    self.count("SELECT COUNT(*) FROM inbox WHERE status = 'pending'") == 0:
                break
            time.sleep(0.25)
        return time.time() - start


def questions(fake: FakeSlack, n: int, channels: int, prefix: str) -> list[tuple[str, str, str]]:
    """(event body, channel, ts) for n questions over fresh (uncached) channels."""
    fake.add_team("T_EXT", "Acme")
    fake.add_user("U_DEV", team_id="T_EXT")
    out = []
    for c in range(channels):
        fake.add_channel(f"C{prefix}{c:03d}", f"{prefix}-{c}", is_ext_shared=True, connected_team_ids=["T_HOME", "T_EXT"])
    for i in range(n):
        ch, ts = f"C{prefix}{i % channels:03d}", f"{1800000000 + i}.{abs(hash(prefix)) % 1000000:06d}"
        event = message_event(ch, "U_DEV", QUESTION.replace("{n}", str(i)), ts=ts, team="T_EXT")
        fake.add_message(ch, ts, event["text"], "U_DEV")
        out.append((json.dumps(event_callback(event, event_id=f"Ev{prefix}{i:05d}")), ch, ts))
    return out


def verdict(per_thread: dict[tuple[str, str], int], expected: int) -> tuple[int, int]:
    lost = expected - len(per_thread)
    doubled = sum(v - 1 for v in per_thread.values() if v > 1)
    return lost, doubled


def case_outage(args: argparse.Namespace, tmp: Path) -> None:
    with FaultySlack() as fake:
        bot = Bot(fake, tmp / "outage.db")
        bot.start()
        try:
            qs = questions(fake, args.questions, 20, "O")
            fake.outage = True
            start = time.time()
            acks = [bot.send(body) for body, _, _ in qs]
            left = args.outage_seconds - (time.time() - start)
            if left > 0:
                time.sleep(left)
            fake.outage = False
            answered_after = bot.wait_answered(args.questions, timeout=900)
            lost, doubled = verdict(fake.replies_per_thread(), args.questions)
            print(f"outage: {args.questions} questions on 20 uncached channels during a {args.outage_seconds:.0f} s "
                  f"lookup outage ({fake.injected.get('outage 500', 0)} lookups failed); acks "
                  f"{sum(1 for s, _ in acks if s == 200)}/{len(acks)} 200, max {max(t for _, t in acks) * 1000:.0f} ms; "
                  f"all answered {answered_after:.1f} s after it ended; lost {lost}, doubled {doubled} "
                  f"{'PASS' if lost == doubled == 0 else 'MISS'}")
        finally:
            bot.stop()


def edit_of(channel: str, ts: str, n: int, prefix: str) -> str:
    """A message_changed event fixing the question's paste (usdcc → usdc): our reply must follow."""
    text = QUESTION.replace("{n}", str(n))
    event = {"type": "message", "subtype": "message_changed", "channel": channel, "hidden": True,
             "ts": f"{float(ts) + 1:.6f}", "event_ts": f"{float(ts) + 1:.6f}",
             "message": {"type": "message", "user": "U_DEV", "text": text.replace("usdcc", "usdc"), "ts": ts},
             "previous_message": {"type": "message", "user": "U_DEV", "text": text, "ts": ts}}
    return json.dumps(event_callback(event, event_id=f"EvEdit{prefix}{n:05d}"))


def case_flaky(args: argparse.Namespace, tmp: Path) -> None:
    with FaultySlack() as fake:
        fake.hang_seconds = args.hang_seconds
        bot = Bot(fake, tmp / "flaky.db")
        bot.start()
        try:
            qs = questions(fake, args.questions, 20, "F")
            edits = [(edit_of(ch, ts, i, "F"), ch, ts) for i, (_, ch, ts) in enumerate(qs) if i % 2 == 0]
            fake.fault_rate = 0.30
            with ThreadPoolExecutor(8) as pool:
                acks = list(pool.map(lambda q: bot.send(q[0]), qs))
                acks += list(pool.map(lambda q: bot.send(q[0]), edits))
            answered_after = bot.wait_answered(args.questions, timeout=1800)
            fake.fault_rate = 0.0
            lost, doubled = verdict(fake.replies_per_thread(), args.questions)
            slow = sum(1 for s, t in acks if s != 200 or t > 3)
            # In order within each thread: the edit's update landed on the posted reply, after it.
            with fake._lock:
                stale = sum(1 for _, ch, ts in edits for (c, _), m in fake.messages.items()
                            if c == ch and m.get("thread_ts") == ts and m.get("bot_id")
                            and "usdcc" in json.dumps(m.get("blocks")))
            print(f"flaky: {args.questions} questions + {len(edits)} edits, 30% of Web API calls faulty "
                  f"{dict(fake.injected)} (hang {args.hang_seconds:.0f} s); acks within 3 s: {len(acks) - slow}/"
                  f"{len(acks)} (max {max(t for _, t in acks) * 1000:.0f} ms); all answered after "
                  f"{answered_after:.1f} s; lost {lost}, doubled {doubled}, replies not showing their edit {stale} "
                  f"{'PASS' if lost == doubled == slow == stale == 0 else 'MISS'}")
        finally:
            bot.stop()


def case_kill(args: argparse.Namespace, tmp: Path) -> None:
    rng = random.Random(5)
    for round_ in range(args.kills):
        with FaultySlack() as fake:
            fake.delay = 0.02  # replies lag behind the burst, so the kill finds posts in flight
            bot = Bot(fake, tmp / f"kill{round_}.db")
            bot.start()
            qs = questions(fake, args.burst, 50, f"K{round_}")
            unacked: list[str] = []
            kill_after = rng.randrange(1, args.burst)
            lock = threading.Lock()
            acked = [0]
            killed = threading.Event()

            def send(q: tuple[str, str, str]) -> None:
                status = bot.send(q[0])[0] if not killed.is_set() else 0
                with lock:
                    if status != 200:
                        unacked.append(q[0])
                        return
                    acked[0] += 1
                    if acked[0] == kill_after:
                        bot.kill9()  # kill -9 mid-burst, with replies being posted
                        killed.set()

            with ThreadPoolExecutor(8) as pool:
                list(pool.map(send, qs))
            in_flight = bot.count("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
            waiting = bot.count("SELECT COUNT(*) FROM inbox WHERE status = 'pending'")
            bot.start()  # restart on the same database; Slack redelivers what got no 200
            with ThreadPoolExecutor(8) as pool:
                list(pool.map(bot.send, unacked))
            answered_after = bot.wait_answered(args.burst, timeout=600)
            lost, doubled = verdict(fake.replies_per_thread(), args.burst)
            threads = bot.count("SELECT COUNT(*) FROM threads")
            lookups = len(fake.calls("conversations.replies"))
            bot.stop()
            print(f"kill -9 #{round_ + 1}: after {kill_after} of {args.burst} events acked ({waiting} events and "
                  f"{in_flight} replies still queued); {len(unacked)} redelivered after restart; {lookups} posts "
                  f"looked up before a retry; threads {threads}; answered "
                  f"{answered_after:.1f} s after restart; lost {lost}, doubled {doubled} "
                  f"{'PASS' if lost == doubled == 0 and threads == args.burst else 'MISS'}")


def case_busy(args: argparse.Namespace, tmp: Path) -> None:
    with FaultySlack() as fake:
        bot = Bot(fake, tmp / "busy.db")
        bot.start()
        stop = threading.Event()
        held = [0]

        def second_writer() -> None:
            conn = sqlite3.connect(bot.db, timeout=60, isolation_level=None)
            while not stop.is_set():
                conn.execute("BEGIN IMMEDIATE")
                time.sleep(1.0)
                conn.execute("COMMIT")
                held[0] += 1
                time.sleep(1.0)
            conn.close()

        try:
            qs = questions(fake, args.questions, 20, "B")
            writer = threading.Thread(target=second_writer, daemon=True)
            writer.start()
            acks = []
            for body, _, _ in qs:
                acks.append(bot.send(body))
                time.sleep(0.05)
            answered_after = bot.wait_answered(args.questions, timeout=300)
            stop.set()
            writer.join(5)
            lost, doubled = verdict(fake.replies_per_thread(), args.questions)
            locked = sum(1 for c in fake.calls() if "locked" in json.dumps(c.args))
            bad = sum(1 for s, _ in acks if s != 200)
            print(f"busy: {args.questions} questions while a second writer held the lock {held[0]} times for 1 s; "
                  f"non-200 acks {bad} (max {max(t for _, t in acks) * 1000:.0f} ms); 'locked' in anything sent to "
                  f"Slack: {locked}; answered after {answered_after:.1f} s; lost {lost}, doubled {doubled} "
                  f"{'PASS' if lost == doubled == locked == bad == 0 else 'MISS'}")
        finally:
            stop.set()
            bot.stop()


def case_latency(args: argparse.Namespace, tmp: Path) -> None:
    with FaultySlack() as fake:
        bot = Bot(fake, tmp / "latency.db")
        bot.start()
        try:
            n = int(10 * args.latency_seconds)
            qs = questions(fake, n, 20, "L")
            fake.delay = 0.1
            sent_at: dict[tuple[str, str], float] = {}
            start = time.time()
            with ThreadPoolExecutor(8) as pool:
                for i, (body, ch, ts) in enumerate(qs):
                    target = start + i / 10.0
                    time.sleep(max(0.0, target - time.time()))
                    sent_at[(ch, ts)] = time.time()
                    pool.submit(bot.send, body)
            bot.wait_answered(n, timeout=300)
            waits = sorted(fake.posted_at[k] - t for k, t in sent_at.items() if k in fake.posted_at)

            def pct(p: float) -> float:
                return waits[max(0, int(round(p / 100 * len(waits))) - 1)]

            print(f"latency: {n} questions at 10/s over 20 channels, every API call 100 ms; replies {len(waits)}/{n}; "
                  f"question to reply posted p50 {pct(50):.2f} s, p99 {pct(99):.2f} s, max {waits[-1]:.2f} s "
                  f"{'PASS' if pct(99) <= 1.0 and len(waits) == n else 'MISS'}")
        finally:
            bot.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--case", default="all", choices=["all", "outage", "flaky", "kill", "busy", "latency"])
    ap.add_argument("--outage-seconds", type=float, default=600.0)
    ap.add_argument("--questions", type=int, default=200)
    ap.add_argument("--burst", type=int, default=1000)
    ap.add_argument("--kills", type=int, default=5)
    ap.add_argument("--hang-seconds", type=float, default=30.0)
    ap.add_argument("--latency-seconds", type=float, default=60.0)
    args = ap.parse_args()
    cases = {"outage": case_outage, "flaky": case_flaky, "kill": case_kill, "busy": case_busy,
             "latency": case_latency}
    with tempfile.TemporaryDirectory() as tmp:
        for name, run in cases.items():
            if args.case in ("all", name):
                run(args, Path(tmp))


if __name__ == "__main__":
    main()
