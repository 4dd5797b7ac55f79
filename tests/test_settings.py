"""Settings from the environment and the TOML file; clear start-up errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bridgebot.cli import cli
from bridgebot.settings import Settings, SettingsError


def test_defaults_need_no_config_file() -> None:
    s = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"})
    assert s.db_path == "./bridgebot.db"
    assert s.slack_api_url == "https://slack.com/api/"
    assert s.support_channels is None and s.acknowledge_questions and s.thread_prefix == "BB"
    s.require_http()


def test_config_file_is_read(tmp_path: Path) -> None:
    cfg = tmp_path / "bridgebot.toml"
    cfg.write_text('[slack]\nhome_team_id = "T1"\nspecialist_group = "S1"\n'
                   '[support]\nchannels = ["C1", "C2"]\nacknowledge_questions = false\nthread_prefix = "sup"\n'
                   '[customers]\nC1 = "Acme Inc"\n[specs]\npaths = ["specs/x.yaml"]\n')
    s = Settings.from_env({"BRIDGEBOT_CONFIG": str(cfg), "BRIDGEBOT_SLACK_API_URL": "http://127.0.0.1:9/api"})
    assert (s.home_team_id, s.specialist_group, s.support_channels) == ("T1", "S1", ["C1", "C2"])
    assert s.acknowledge_questions is False and s.thread_prefix == "SUP"
    assert s.customers == {"C1": "Acme Inc"}
    assert s.spec_paths == [str(tmp_path / "specs" / "x.yaml")]
    assert s.slack_api_url == "http://127.0.0.1:9/api/"
    assert s.check_budget == 1.0  # the default, when [specs] does not set it


def test_the_check_budget_is_read(tmp_path: Path) -> None:
    cfg = tmp_path / "bridgebot.toml"
    cfg.write_text("[specs]\ncheck_budget = 2.5\n")
    assert Settings.from_env({"BRIDGEBOT_CONFIG": str(cfg)}).check_budget == 2.5


@pytest.mark.parametrize(
    "content, message",
    [
        ("[suport]\nchannels = []\n", "unknown section [suport]"),
        ("[support]\nchanels = []\n", "unknown key 'chanels' in [support]"),
        ("[support]\nchannels = \"C1\"\n", "must be a list of channel ids"),
        ("[support]\nacknowledge_questions = \"no\"\n", "true or false"),
        ("[support\n", "not valid TOML"),
        ("[support]\nthread_prefix = \"B-B\"\n", "1-10 letters"),
        ("[specs]\ncheck_budget = 0\n", "check_budget is the seconds"),
        ("[specs]\ncheck_budget = \"1s\"\n", "a number from 0.1 to 60"),
    ],
)
def test_bad_config_files_say_what_is_wrong(tmp_path: Path, content: str, message: str) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(content)
    with pytest.raises(SettingsError, match=message.replace("[", r"\[").replace("]", r"\]")):
        Settings.from_env({"BRIDGEBOT_CONFIG": str(cfg)})


def test_missing_config_file() -> None:
    with pytest.raises(SettingsError, match="does not exist"):
        Settings.from_env({"BRIDGEBOT_CONFIG": "/nonexistent/bridgebot.toml"})


@pytest.mark.parametrize(
    "env, command, message",
    [
        ({}, "serve", "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are not set"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "serve", "SLACK_SIGNING_SECRET is not set"),
        ({"SLACK_BOT_TOKEN": "xoxp-1", "SLACK_SIGNING_SECRET": "s"}, "serve", "must be a bot token"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "run", "SLACK_APP_TOKEN is not set"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"}, "run", "must be an app-level token"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "BRIDGEBOT_CONFIG": "/nope.toml"}, "serve",
         "does not exist"),
    ],
)
def test_start_up_errors_are_one_clear_line(monkeypatch, env: dict, command: str, message: str) -> None:
    for var in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "BRIDGEBOT_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    result = CliRunner().invoke(cli, [command], env=env)
    assert result.exit_code == 1
    assert message in result.output + result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_a_token_slack_refuses_is_a_start_up_error(fake_slack, tmp_path: Path) -> None:
    fake_slack.error_next("auth.test", "invalid_auth")
    result = CliRunner().invoke(cli, ["serve", "--port", "0"], env={
        "SLACK_BOT_TOKEN": "xoxb-bad", "SLACK_SIGNING_SECRET": "s", "BRIDGEBOT_SLACK_API_URL": fake_slack.base_url,
        "BRIDGEBOT_DB": str(tmp_path / "x.db")})
    assert result.exit_code == 1
    assert "Slack refused the bot token (invalid_auth)" in result.output + result.stderr


def test_desk_settings_are_read(tmp_path: Path) -> None:
    cfg = tmp_path / "bridgebot.toml"
    cfg.write_text('[sla]\nfirst_response = "1h30m"\n[desk]\ntriage_channel = "C0TRIAGE"\nremind_at = 0.5\n'
                   'claim_reaction = ":raising_hand:"\nresolve_reaction = "heavy_check_mark"\n')
    s = Settings.from_env({"BRIDGEBOT_CONFIG": str(cfg)})
    assert (s.first_response_target, s.triage_channel, s.remind_at) == (5400.0, "C0TRIAGE", 0.5)
    assert (s.claim_reaction, s.resolve_reaction) == ("raising_hand", "heavy_check_mark")
    d = Settings()
    assert (d.first_response_target, d.triage_channel, d.remind_at, d.claim_reaction, d.resolve_reaction) == \
        (None, None, 0.8, "eyes", "white_check_mark")


@pytest.mark.parametrize(
    "content, message",
    [
        ('[sla]\nfirst_response = "two hours"\n', '[sla] first_response must be a duration such as "2h"'),
        ("[sla]\nfirst_response = \"soon\"\n", "[sla] first_response must be a duration"),
        ('[sla]\nfirst_response = "0m"\n', "must be longer than zero"),
        ("[sla]\nfirst_reply = \"2h\"\n", "unknown key 'first_reply' in [sla]"),
        ("[desk]\nremind_at = 80\n", "[desk] remind_at must be a fraction"),
        ("[desk]\nremind_at = true\n", "[desk] remind_at must be a fraction"),
        ('[desk]\nclaim_reaction = "👀"\n', "[desk] claim_reaction must be an emoji name"),
        ('[desk]\nclaim_reaction = "eyes"\nresolve_reaction = ":eyes:"\n', "must differ"),
        ('[desk]\ntriage_channel = ""\n', "triage_channel must be a non-empty string"),
    ],
)
def test_bad_desk_settings_say_what_is_wrong(tmp_path: Path, content: str, message: str) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text(content)
    with pytest.raises(SettingsError) as e:
        Settings.from_env({"BRIDGEBOT_CONFIG": str(cfg)})
    assert message in str(e.value)


def test_the_example_config_loads_and_names_every_key() -> None:
    """bridgebot.example.toml is the configuration's documentation: it must stay true."""
    import tomllib

    from bridgebot.settings import _ALLOWED
    from conftest import ROOT

    example = ROOT / "bridgebot.example.toml"
    s = Settings.from_env({"BRIDGEBOT_CONFIG": str(example)})
    assert s.thread_prefix == "BB" and s.first_response_target == 7200.0 and s.remind_at == 0.8
    assert s.retention_text_days == 90 and s.check_budget == 1.0 and s.incident_triage_channel == "C0INCIDENTS"
    data = tomllib.loads(example.read_text())
    for section, keys in _ALLOWED.items():
        assert section in data, section
        assert keys is None or set(data[section]) == keys, (section, keys ^ set(data[section]))
