"""The manifest, the listeners, the templates and the docs agree with each other."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from bridgebot.check import CheckResult, check_paste
from bridgebot.cli import cli
from bridgebot.listeners.actions import BUTTONS
from bridgebot.listeners.events import SUBSCRIBED
from bridgebot.render import MAX_BLOCKS, MAX_SECTION_TEXT, REPLIES_DIR, render_blocks, render_text
from bridgebot.tracking import TrackedThread
from conftest import PASTES, ROOT

MANIFEST = yaml.safe_load((ROOT / "app_manifest.yml").read_text())


def test_manifest_events_and_listeners_match_both_ways() -> None:
    bot_events = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    assert bot_events == set(SUBSCRIBED)


def test_manifest_scopes_cover_the_events_and_calls_and_no_more() -> None:
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    needed = {"channels:history", "groups:history", "channels:read", "groups:read", "chat:write", "users:read",
              "team:read", "usergroups:read"}
    assert scopes == needed
    # Every Web API method the code calls is covered by those scopes.
    code = "\n".join(p.read_text() for p in (ROOT / "bridgebot").rglob("*.py"))
    called = set(re.findall(r"client\.(\w+)\(", code)) | set(re.findall(r'method="(chat\.\w+)"', code))
    method_scopes = {"auth_test": None, "users_info": "users:read", "conversations_info": "channels:read",
                     "team_info": "team:read", "usergroups_users_list": "usergroups:read", "api_call": None,
                     "chat.postMessage": "chat:write", "chat.update": "chat:write", "chat.postEphemeral": "chat:write"}
    assert called <= set(method_scopes), called - set(method_scopes)
    assert {s for s in method_scopes.values() if s} <= scopes


def test_interactivity_is_on_and_every_rendered_button_has_a_listener(bridge_specs) -> None:
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True
    # Imports as is (Socket Mode); the README says what to change for HTTP mode.
    assert MANIFEST["settings"]["socket_mode_enabled"] is True
    assert "request_url: https://<your host>/slack/events" in (ROOT / "README.md").read_text()
    seen = set()
    for assignee in (None, "U1"):
        thread = TrackedThread(id=7, channel_id="C", thread_ts="1.1", author_id="U", opened_at=1.0,
                               assignee_id=assignee)
        blocks = render_blocks("thread_reply", thread=thread, result=None, has_paste=False)
        seen |= {e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]}
    assert seen == set(BUTTONS)


def _sample_contexts(bridge_specs) -> list[tuple[str, dict]]:
    thread = TrackedThread(id=42, channel_id="C1", thread_ts="1.1", author_id="U1", opened_at=1.0)
    resolved = TrackedThread(id=43, channel_id="C1", thread_ts="1.2", author_id="U1", opened_at=1.0,
                             status="resolved", resolved_by="U2")
    results = [check_paste((PASTES / name).read_text(), bridge_specs)
               for name in ("bridge_transfer_curl.txt", "bridge_error_only.txt", "bridge_unbalanced_quote.txt")]
    # A paste with far more findings than a message can hold.
    many = "POST /v0/transfers\n" + json.dumps({f"unknown_field_{i}": "x" * 200 for i in range(200)})
    results.append(check_paste(many, bridge_specs))
    secrets = results[0].secrets
    # Pastes that could not be fully checked (issue 6: past the time budget, or a checker bug).
    results += [CheckResult(secrets=secrets, incomplete=reason) for reason in ("timeout", "error")]
    out = [("thread_reply", {"thread": t, "result": r, "has_paste": True}) for t in (thread, resolved)
           for r in results]
    out += [("thread_reply", {"thread": thread, "result": None, "has_paste": False}),
            ("thread_reply", {"thread": thread, "result": CheckResult(), "has_paste": False}),
            ("secret_warning", {"secrets": secrets, "thread": thread}),
            ("refuse_external", {"action": "claim"}), ("refuse_external", {"action": "resolve"}),
            ("click_error", {"message": "BB-42 is already claimed by <@U2>."})]
    return out


def test_every_template_renders_within_block_kit_limits(bridge_specs) -> None:
    rendered = set()
    for name, context in _sample_contexts(bridge_specs):
        if (REPLIES_DIR / f"{name}.json.j2").exists():
            blocks = render_blocks(name, **context)
            assert 0 < len(blocks) <= MAX_BLOCKS
            for b in blocks:
                text = (b.get("text") or {}).get("text", "")
                assert len(text) <= MAX_SECTION_TEXT
                for el in b.get("elements", []):
                    if el.get("type") == "button":
                        assert len(el["text"]["text"]) <= 75 and len(el["value"]) <= 2000
        text = render_text(name, **context)
        assert text.strip() and "{{" not in text and "{%" not in text
        rendered.add(name)
    templates = {p.name.split(".")[0] for p in REPLIES_DIR.glob("*.j2") if not p.name.startswith("_")}
    assert templates - {"check"} == rendered


def test_a_key_in_the_paste_never_reaches_a_rendered_reply(bridge_specs) -> None:
    for name, context in _sample_contexts(bridge_specs):
        out = render_text(name, **context)
        if (REPLIES_DIR / f"{name}.json.j2").exists():
            out += json.dumps(render_blocks(name, **context))
        assert "sk-live-9a8b7c6d5e4f3a2b1c0d9f2c" not in out


def test_user_text_cannot_ping_the_channel(bridge_specs) -> None:
    result = check_paste('POST /v0/kyc_links\n{"type": "<!channel> hi", "email": "a@b.co"}', bridge_specs)
    thread = TrackedThread(id=1, channel_id="C", thread_ts="1.1", author_id="U", opened_at=1.0)
    blocks = json.dumps(render_blocks("thread_reply", thread=thread, result=result, has_paste=True))
    assert "<!channel>" not in blocks and "&lt;!channel&gt;" in blocks


@pytest.mark.parametrize("command", ["check", "specs", "serve", "run"])
def test_every_command_has_help_and_is_in_the_readme(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output
    assert f"bridgebot {command}" in (ROOT / "README.md").read_text()


def test_readme_starts_with_the_two_fresh_machine_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)\n```", readme, re.S)
    assert "bridgebot" in blocks[0] and "pytest" in blocks[1]
    ci = (ROOT / ".ci" / "run").read_text()
    assert blocks[1].strip() in ci
