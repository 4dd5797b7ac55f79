"""The playground page in a real browser (headless Chromium, Debian's build, no browser download).

A customer posts a bad curl, sees the bot's reply name the field; a specialist claims the thread
and sees its state change. The screenshot is kept in tests/output/ to look at.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bridgebot.playground.demo import Playground
from conftest import ROOT, STEADY_BUDGET as STEADY

OUTPUT = ROOT / "tests" / "output"
BAD_CURL = """curl -X POST https://api.bridge.xyz/v0/transfers -H "Api-Key: $BRIDGE_KEY" \\
  -H "Idempotency-Key: 7" -H "Content-Type: application/json" \\
  -d '{"amount": "10", "on_behalf_of": "cust_1", "source": {"payment_rail": "ach", "currency": "usd"},
       "destination": {"payment_rail": "ethereum", "currency": "usdcc", "to_address": "0xabc"}}'"""



def _chromium() -> tuple[str, str]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not (browser and driver):
        pytest.skip("headless Chromium is not installed (.ci/run installs Debian's chromium and chromium-driver)")
    pytest.importorskip("selenium", reason="selenium is in the test extras")
    return browser, driver


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver = _chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1500,1000"):
        options.add_argument(arg)
    chrome = webdriver.Chrome(service=Service(executable_path=driver), options=options)
    yield chrome
    chrome.quit()


def test_customer_paste_then_specialist_claim_in_the_page(browser, tmp_path, bridge_specs) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import Select, WebDriverWait

    wait = WebDriverWait(browser, 20)
    with Playground(db_path=tmp_path / "demo.db", specs=bridge_specs, seed=False, check_budget=STEADY) as p:
        browser.get(p.url + "/?as=U_DANA")
        wait.until(EC.text_to_be_present_in_element((By.ID, "channel-title"), "acme-bridge"))
        browser.find_element(By.ID, "text").send_keys(BAD_CURL)
        browser.find_element(By.ID, "send").click()
        # The bot's Block Kit reply, rendered, names the wrong field and offers Claim.
        wait.until(EC.text_to_be_present_in_element((By.ID, "messages"), "destination.currency"))
        assert "Did you mean usdc?" in browser.find_element(By.ID, "messages").text
        assert "open" in browser.find_element(By.ID, "threads").text

        Select(browser.find_element(By.ID, "viewer")).select_by_value("U_SAM")
        wait.until(EC.text_to_be_present_in_element((By.ID, "viewer"), "Sam"))
        # The page re-renders when the state changes: find the button afresh if it was replaced.
        wait.until(lambda b: _click(b, "button[data-action='bb_claim']"))
        wait.until(EC.text_to_be_present_in_element((By.ID, "threads"), "Sam (Bridge support)"))
        wait.until(EC.text_to_be_present_in_element((By.ID, "messages"), "claimed by @Sam (Bridge support)"))
        row = browser.find_element(By.CSS_SELECTOR, "#threads tbody tr").text
        assert "claimed" in row and "Sam (Bridge support)" in row
        OUTPUT.mkdir(exist_ok=True)
        browser.save_screenshot(str(OUTPUT / "playground.png"))
    assert (OUTPUT / "playground.png").stat().st_size > 10_000


def _click(browser, selector: str) -> bool:
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.common.by import By

    try:
        browser.find_element(By.CSS_SELECTOR, selector).click()
        return True
    except (NoSuchElementException, StaleElementReferenceException):
        return False
