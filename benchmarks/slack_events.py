#!/usr/bin/env python
"""Slack event processing: per-event cost in-process, then a burst into `bridgebot serve`.

    python benchmarks/slack_events.py [--events 1000] [--channels 50] [--concurrency 8] [--spec FILE]

Part 1 times our own processing of one message event (read the paste, check it, store the
thread, render the reply into the outbox) on the Stripe spec, without Slack in the loop.
Part 2 starts `bridgebot serve` as a real process against a local fake Slack Web API, posts a
burst of signed message events over HTTP (some delivered twice, as Slack's retries are), waits
until every reply is posted, and counts threads, replies, duplicates and losses.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fakeslack import FakeSlack, event_callback, message_event, signed_post  # noqa: E402

from bridgebot.check import SpecSet  # noqa: E402
from bridgebot.desk import Channel, Message, SupportDesk  # noqa: E402
from bridgebot.settings import Settings  # noqa: E402
from bridgebot.tracking import Store  # noqa: E402

STRIPE = ROOT.parent / "shared" / "specs" / "stripe-2023-08-16.json"
SECRET = "benchmark-signing-secret"

STRIPE_PASTES = [
    "Getting an error on this:\n```curl https://api.stripe.com/v1/customers -u $KEY: -d emial=a@b.co "
    "-d \"address[city]=Paris\" -d \"metadata[k]=v\" -d balance=abc```",
    "```curl https://api.stripe.com/v1/subscriptions -u $KEY: -d customer=cus_1 -d \"items[0][price]=p_1\" "
    "-d \"items[1][price]=p_2\" -d \"items[1][quantity]=two\" -d collection_method=send_invoce```",
    "```curl -G https://api.stripe.com/v1/charges -u $KEY: -d \"created[gte]=1680000000\" -d limit=abc```",
    "```curl https://api.stripe.com/v1/payment_intents -u $KEY: -d amount=2000 -d currency=usd "
    "-d \"payment_method_types[]=card\"```\nand got\n"
    "{\"error\": {\"code\": \"parameter_unknown\", \"message\": \"Received unknown parameter: foo\", \"param\": \"foo\"}}",
    "How do I list all charges for a customer created last week?",
]
BRIDGE_PASTES = [
    "```curl -X POST https://api.bridge.xyz/v0/transfers -H 'Api-Key: $K' -H 'Content-Type: application/json' "
    "-d '{\"on_behalf_of\": \"c1\", \"amount\": 10, \"source\": {\"currency\": \"usd\", \"payment_rail\": \"ach\"}, "
    "\"destination\": {\"currency\": \"usdcc\", \"payment_rail\": \"ethereum\", \"to_address\": \"0x1\"}}'```",
    "How long does an ACH payout from a liquidation address take?",
    "```curl https://api.bridge.xyz/v0/customer/abc/virtual_account -H 'Api-Key: $K'```",
]


class StubDirectory:
    """Directory answers as they are after the first (cached) lookup: no Slack calls."""

    bot_user_id = "U_BOT"
    bot_id = "B_BOT"

    def is_internal(self, user_id: str, team_id: str | None) -> bool:
        return team_id == "T_HOME"

    def channel(self, channel_id: str) -> Channel:
        return Channel(id=channel_id, is_support=True, customer_team_id="T_EXT")

    def customer_name(self, team_id: str | None, channel_id: str) -> str | None:
        return "Acme"


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def part1(spec: Path, n: int) -> dict[str, float]:
    specs = SpecSet.load([spec])
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        desk = SupportDesk(store, specs, StubDirectory(), Settings())
        times = []
        for i in range(n):
            msg = Message(channel_id=f"C{i % 50}", ts=f"1700{i:06d}.000100", user_id="U_DEV",
                          text=STRIPE_PASTES[i % len(STRIPE_PASTES)], team_id="T_EXT")
            t = time.perf_counter()
            outcome = desk.handle_message(f"Ev{i}", msg)
            times.append((time.perf_counter() - t) * 1000)
            assert outcome.action == "opened", outcome
    return {"p50": statistics.median(times), "p99": pct(times, 99), "max": max(times), "n": n}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def part2(n_events: int, n_channels: int, concurrency: int, dup_rate: float) -> dict[str, object]:
    rng = random.Random(7)
    with FakeSlack() as fake, tempfile.TemporaryDirectory() as tmp:
        fake.add_team("T_EXT", "Acme")
        for c in range(n_channels):
            fake.add_channel(f"C{c:03d}", f"cust-{c}", is_ext_shared=True, connected_team_ids=["T_HOME", "T_EXT"])
        for u in range(20):
            fake.add_user(f"U_DEV{u}", team_id="T_EXT")
        port = free_port()
        db = Path(tmp) / "burst.db"
        env = {**os.environ, "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SECRET,
               "BRIDGEBOT_DB": str(db), "BRIDGEBOT_SLACK_API_URL": fake.base_url}
        exe = Path(sys.executable).with_name("bridgebot")
        cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "bridgebot"]
        proc = subprocess.Popen([*cmd, "serve", "--port", str(port), "--threads", "8"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.time() + 60
            while True:
                try:
                    urllib.request.urlopen(url + "/healthz", timeout=1).read()
                    break
                except OSError:
                    if time.time() > deadline or proc.poll() is not None:
                        raise RuntimeError("bridgebot serve did not start: " + (proc.stderr.read() if proc.stderr else ""))
                    time.sleep(0.1)
            deliveries = []
            for i in range(n_events):
                ts = f"1700{i:06d}.000200"
                event = message_event(f"C{i % n_channels:03d}", f"U_DEV{i % 20}",
                                      BRIDGE_PASTES[i % len(BRIDGE_PASTES)], ts=ts, team="T_EXT")
                body = json.dumps(event_callback(event, event_id=f"EvB{i:05d}"))
                deliveries.append(body)
                if rng.random() < dup_rate:
                    deliveries.append(body)  # Slack's retry of the same event
            rng.shuffle(deliveries)
            latencies: list[float] = []
            statuses: dict[int, int] = {}
            lock = threading.Lock()

            def send(body: str) -> None:
                t = time.perf_counter()
                status, _, _ = signed_post(url + "/slack/events", body, SECRET, timeout=30)
                with lock:
                    latencies.append((time.perf_counter() - t) * 1000)
                    statuses[status] = statuses.get(status, 0) + 1

            start = time.perf_counter()
            with ThreadPoolExecutor(concurrency) as pool:
                list(pool.map(send, deliveries))
            sent_s = time.perf_counter() - start
            # Wait until every reply is posted.
            deadline = time.time() + 120
            while time.time() < deadline:
                conn = sqlite3.connect(db)
                pending = conn.execute("SELECT COUNT(*) FROM outbox WHERE status = 'pending'").fetchone()[0]
                conn.close()
                if pending == 0:
                    break
                time.sleep(0.2)
            drained_s = time.perf_counter() - start
            conn = sqlite3.connect(db)
            threads = conn.execute("SELECT COUNT(*) FROM threads").fetchone()[0]
            failed = conn.execute("SELECT COUNT(*) FROM outbox WHERE status != 'sent'").fetchone()[0]
            conn.close()
            posts = fake.successful_calls("chat.postMessage")
            per_thread: dict[tuple[str, str], int] = {}
            for c in posts:
                key = (c.args["channel"], c.args.get("thread_ts"))
                per_thread[key] = per_thread.get(key, 0) + 1
            duplicates = sum(v - 1 for v in per_thread.values() if v > 1)
            lost = n_events - len(per_thread)
            return {"deliveries": len(deliveries), "retried": len(deliveries) - n_events, "statuses": statuses,
                    "threads": threads, "replies": len(posts), "duplicates": duplicates, "lost": lost,
                    "not_sent": failed, "send_s": sent_s, "drained_s": drained_s,
                    "http_p50": statistics.median(latencies), "http_p99": pct(latencies, 99)}
        finally:
            proc.terminate()
            proc.wait(10)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=1000)
    ap.add_argument("--channels", type=int, default=50)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--per-event", type=int, default=1000, help="events timed in part 1")
    ap.add_argument("--duplicates", type=float, default=0.1, help="share of events delivered twice")
    ap.add_argument("--spec", type=Path, default=STRIPE)
    args = ap.parse_args()

    r1 = part1(args.spec, args.per_event)
    print(f"Part 1: our processing per message event on {args.spec.name} (read, check, store, render), "
          f"{r1['n']} events")
    print(f"  p50 {r1['p50']:.2f} ms   p99 {r1['p99']:.2f} ms   max {r1['max']:.2f} ms   "
          f"target p99 <= 50 ms: {'PASS' if r1['p99'] <= 50 else 'MISS'}")
    r2 = part2(args.events, args.channels, args.concurrency, args.duplicates)
    print(f"Part 2: burst of {args.events} message events over {args.channels} channels into `bridgebot serve` "
          f"({r2['deliveries']} deliveries incl. {r2['retried']} redelivered, {args.concurrency} concurrent senders)")
    print(f"  HTTP statuses {r2['statuses']}; response p50 {r2['http_p50']:.1f} ms, p99 {r2['http_p99']:.1f} ms")
    print(f"  sent in {r2['send_s']:.1f} s ({r2['deliveries'] / r2['send_s']:.0f} deliveries/s); "
          f"all replies posted after {r2['drained_s']:.1f} s")
    print(f"  threads {r2['threads']}   replies {r2['replies']}   duplicates {r2['duplicates']}   "
          f"lost {r2['lost']}   outbox not sent {r2['not_sent']}   "
          f"{'PASS' if r2['threads'] == args.events and r2['duplicates'] == 0 and r2['lost'] == 0 else 'MISS'}")


if __name__ == "__main__":
    main()
