"""A real package: the built wheel installs into a fresh venv and works from any directory.

The bundled spec and the reply templates are package data (see setup.py); nothing may be read
from the checkout once installed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from conftest import PASTES, ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """bin/ of a fresh venv with the wheel built from this checkout installed (not editable)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    # Build from a copy, so that nothing the build leaves behind lands in the checkout.
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info",
                                                               "__pycache__", ".pytest_cache", ".hypothesis"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(work / "dist"),
                    str(source)], check=True, capture_output=True)
    wheel = next((work / "dist").glob("bridgebot-*.whl"))
    env_dir = work / "venv"
    venv.create(env_dir, with_pip=True)
    subprocess.run([str(env_dir / "bin" / "pip"), "install", "-q", str(wheel)], check=True, capture_output=True)
    return env_dir / "bin"


def test_installed_wheel_checks_a_paste_from_another_directory(installed: Path, tmp_path: Path) -> None:
    paste = tmp_path / "paste.txt"
    paste.write_bytes((PASTES / "bridge_transfer_curl.txt").read_bytes())
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIDGEBOT_")}
    env["BRIDGEBOT_CACHE_DIR"] = str(tmp_path / "cache")
    proc = subprocess.run([str(installed / "bridgebot"), "check", "--format", "json", "paste.txt"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    result = json.loads(proc.stdout)
    assert result["requests"][0]["operation"]["path"] == "/v0/transfers"
    kinds = {f["kind"] for f in result["requests"][0]["findings"]}
    assert "idempotency_key_missing" in kinds
    # The text output is rendered from the packaged reply templates.
    text = subprocess.run([str(installed / "bridgebot"), "check", "paste.txt"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert "POST /v0/transfers — Create a transfer" in text.stdout


def test_installed_wheel_reads_errors_with_its_packaged_catalogs(installed: Path, tmp_path: Path) -> None:
    # The error catalogs (bridgebot/check/catalogs/*.yaml) are package data: without them an
    # installed bridgebot reads no API's error wording.
    (tmp_path / "paste.txt").write_text("The sandbox answers: Missing Api-Key header\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIDGEBOT_")}
    env["BRIDGEBOT_CACHE_DIR"] = str(tmp_path / "cache")
    proc = subprocess.run([str(installed / "bridgebot"), "check", "--format", "json", "paste.txt"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    result = json.loads(proc.stdout)
    assert [f["kind"] for e in result["errors"] for f in e["findings"]] == ["auth_missing"], proc.stdout


def test_installed_wheel_carries_its_data_not_the_checkout(installed: Path, tmp_path: Path) -> None:
    code = ("import importlib.resources as r, json, bridgebot; "
            "print(json.dumps([bridgebot.__file__, "
            "sorted(p.name for p in r.files('bridgebot.replies').iterdir() if p.name.endswith('.j2')), "
            "sorted(p.name for p in r.files('bridgebot.openapi_specs').iterdir() if p.name.endswith('.yaml'))]))")
    proc = subprocess.run([str(installed / "python"), "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          check=True)
    module, replies, specs = json.loads(proc.stdout)
    assert str(ROOT) not in module
    assert replies == sorted(p.name for p in (ROOT / "replies").glob("*.j2"))
    assert specs == sorted(p.name for p in (ROOT / "openapi_specs").glob("*.yaml"))


def test_bridgebot_specs_names_a_company_spec(installed: Path, tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    shutil.copy(ROOT / "openapi_specs" / "bridge.yaml", tmp_path / "specs" / "acme.yaml")
    env = {**os.environ, "BRIDGEBOT_SPECS": str(tmp_path / "specs"), "BRIDGEBOT_CACHE_DIR": str(tmp_path / "c")}
    proc = subprocess.run([str(installed / "bridgebot"), "specs"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("acme: ")
