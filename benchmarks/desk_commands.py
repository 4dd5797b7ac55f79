#!/usr/bin/env python
"""/bridge answer times while a burst of message events is being processed.

    python benchmarks/desk_commands.py [--events 400] [--concurrency 16] [--lookup-ms 200] [--commands 40]

Starts `bridgebot serve --threads 4` as a real process against a local fake Slack Web API whose
conversations.info answers after --lookup-ms (a slow Slack), so the event workers are busy.
Times /bridge queue and /bridge claim (signed slash commands over HTTP) first on an idle server,
then while --events message events are posted with --concurrency connections, and prints
p50 / p99 / max for both, side by side. Slack gives a command 3 seconds.
"""

from __future__ import annotations

import argparse
import json
import os
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

from fakeslack import FakeSlack, event_callback, message_event, signed_post, slash_command  # noqa: E402

SECRET = "benchmark-signing-secret"


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=400)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--lookup-ms", type=int, default=200)
    ap.add_argument("--commands", type=int, default=40)
    args = ap.parse_args()

    with FakeSlack() as fake, tempfile.TemporaryDirectory() as tmp:
        fake.add_team("T_EXT", "Acme")
        fake.add_user("U_DEV", team_id="T_EXT")
        fake.add_user("U_SPEC", team_id="T_HOME")
        for c in range(args.events):
            fake.add_channel(f"C{c:04d}", f"cust-{c}", is_ext_shared=True, connected_team_ids=["T_HOME", "T_EXT"])
        original = fake._api_conversations_info

        def slow_lookup(call):  # every event is in a new channel: one slow lookup each
            time.sleep(args.lookup_ms / 1000)
            with fake._lock:
                return original(call)

        fake.set_handler("conversations.info", slow_lookup)
        port = _free_port()
        env = {**os.environ, "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SECRET,
               "BRIDGEBOT_DB": str(Path(tmp) / "desk.db"), "BRIDGEBOT_SLACK_API_URL": fake.base_url}
        exe = Path(sys.executable).with_name("bridgebot")
        cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "bridgebot"]
        proc = subprocess.Popen([*cmd, "serve", "--port", str(port), "--threads", "4"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_up(url, proc)

            def command(i: int) -> float:
                text = "queue" if i % 2 == 0 else f"claim BB-{i}"
                body = slash_command("/bridge", text, "U_SPEC", "T_HOME", "C0000", response_url=fake.hook_url("b"))
                t = time.perf_counter()
                status, _, answer = signed_post(url + "/slack/events", body, SECRET,
                                                content_type="application/x-www-form-urlencoded", timeout=30)
                elapsed = (time.perf_counter() - t) * 1000
                assert status == 200 and json.loads(answer)["text"], answer
                return elapsed

            idle = [command(i) for i in range(args.commands)]

            event_ms: list[float] = []
            lock = threading.Lock()

            def send(i: int) -> None:
                event = message_event(f"C{i:04d}", "U_DEV", "POST /v0/transfers {\"amount\": 1}",
                                      ts=f"17{i:08d}.000100", team="T_EXT")
                t = time.perf_counter()
                signed_post(url + "/slack/events", json.dumps(event_callback(event)), SECRET, timeout=120)
                with lock:
                    event_ms.append((time.perf_counter() - t) * 1000)

            busy: list[float] = []
            with ThreadPoolExecutor(args.concurrency) as pool:
                futures = [pool.submit(send, i) for i in range(args.events)]
                time.sleep(0.5)  # let the burst fill the event workers
                for i in range(args.commands):
                    busy.append(command(1000 + i))
                    time.sleep(0.05)
                still_busy = sum(1 for f in futures if not f.done())
                for f in futures:
                    f.result()
        finally:
            proc.terminate()
            proc.wait(10)

    print(f"/bridge over HTTP into `bridgebot serve --threads 4` (2 more threads for interactive requests); "
          f"Slack lookups take {args.lookup_ms} ms. Timings on a shared machine: noisy, compare side by side.")
    print(f"{'':<28}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    print(f"{'idle server':<28}{pct(idle, 50):>10.1f}{pct(idle, 99):>10.1f}{max(idle):>10.1f}")
    print(f"{'during the event burst':<28}{pct(busy, 50):>10.1f}{pct(busy, 99):>10.1f}{max(busy):>10.1f}")
    print(f"event requests: {len(event_ms)} answered, p50 {pct(event_ms, 50):.0f} ms, max {max(event_ms):.0f} ms; "
          f"{still_busy} still in flight after the last command")
    print("Slack's limit for a command's answer: 3000 ms")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(url: str, proc: subprocess.Popen) -> None:
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1).read()
            return
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                raise RuntimeError("bridgebot serve did not start")
            time.sleep(0.1)


if __name__ == "__main__":
    main()
