"""End to end in headless Chromium (Debian's, via Selenium): the API and the portal on loopback, a question
in Arabic answered right-to-left with a route card, Ukrainian interface text, a screenshot of every page.

Screenshots go to ``artifacts/screenshots/`` (not committed). Chromium comes from ``scripts/install_browser.sh``."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.portal.servers import STAFF_TOKEN, portal, writable_api

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "artifacts" / "screenshots"
STRINGS = yaml.safe_load((REPO / "knowledge_base" / "interface.yaml").read_text(encoding="utf-8"))["strings"]
CHROMIUM, DRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
CHAT = 'textarea[data-testid="stChatInputTextArea"]'


@pytest.fixture(scope="module")
def site(kb_index, tmp_path_factory):
    """(API, portal URL) over a copy of the session's index."""
    work = tmp_path_factory.mktemp("portal-e2e")
    with writable_api(kb_index[0].data_dir, work) as api, portal(api.url, work) as url:
        yield api, url


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Headless Chromium; installs Debian's chromium and driver first when they are missing (CI)."""
    if not (CHROMIUM.exists() and DRIVER.exists()):
        subprocess.run(["bash", str(REPO / "scripts" / "install_browser.sh")], check=True, timeout=900)
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1280,1000",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(str(DRIVER)))
    driver.set_page_load_timeout(60)
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def _wait(driver, css: str, timeout: float = 90):
    return WebDriverWait(driver, timeout).until(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))


def _placeholder_is(driver, text: str, timeout: float = 60) -> None:
    WebDriverWait(driver, timeout).until(
        lambda d: d.find_element(By.CSS_SELECTOR, CHAT).get_attribute("placeholder") == text)


def _ask(driver, question: str, answers_before: int) -> None:
    box = _wait(driver, CHAT)
    box.send_keys(question)
    box.send_keys(Keys.ENTER)
    # The answer is streamed, then the page reruns once with the feedback form: wait for that form.
    WebDriverWait(driver, 120).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, '[data-testid="stForm"]')) > answers_before)


def _shot(driver, name: str) -> Path:
    path = SHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 10_000
    return path


def test_arabic_question_is_answered_right_to_left_with_a_route_card(site, browser):
    _, url = site
    browser.get(f"{url}/?lang=ar")
    _placeholder_is(browser, STRINGS["chat_placeholder"]["ar"])
    assert STRINGS["emergency_notice"]["ar"] in browser.find_element(By.TAG_NAME, "body").text
    _ask(browser, "أين يمكنني تعلم اللغة الهولندية؟ أسكن في أنتويرب", 0)
    answer = _wait(browser, ".ww-answer")
    assert answer.get_attribute("dir") == "rtl" and answer.get_attribute("lang") == "ar"
    assert browser.execute_script("return getComputedStyle(arguments[0]).direction", answer) == "rtl"
    assert len(answer.text) > 40
    card = _wait(browser, ".ww-route-card")
    assert card.get_attribute("dir") == "rtl" and card.get_attribute("data-route") in ("registration", "mo", "nt2",
                                                                                        "practice", "none")
    assert card.find_element(By.CSS_SELECTOR, ".ww-route-title").text.strip()
    assert STRINGS["route_card_title"]["ar"] in card.text
    for testid in ("stMainBlockContainer", "stBottomBlockContainer"):  # the page and the chat input
        part = browser.find_element(By.CSS_SELECTOR, f'[data-testid="{testid}"]')
        assert browser.execute_script("return getComputedStyle(arguments[0]).direction", part) == "rtl", testid
    _shot(browser, "chat-ar")
    browser.set_window_size(390, 844)  # a phone: a fresh page, so the sidebar starts collapsed as it would there
    browser.get(f"{url}/?lang=ar")
    _ask(browser, "كم تكلفة دورة اللغة الهولندية؟", 0)
    _wait(browser, ".ww-answer")
    browser.execute_script("window.scrollTo(0, document.body.scrollHeight)")
    assert browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth + 1"), "horizontal scrolling at phone width"
    _shot(browser, "chat-ar-phone")
    browser.set_window_size(1280, 1000)


def test_switching_to_ukrainian_changes_the_interface_text(site, browser):
    _, url = site
    browser.get(f"{url}/")
    _placeholder_is(browser, STRINGS["chat_placeholder"]["nl"])
    picker = _wait(browser, '[data-testid="stSidebar"] [data-testid="stSelectbox"] input')
    picker.click()
    picker.send_keys("Українська")
    picker.send_keys(Keys.ENTER)
    _placeholder_is(browser, STRINGS["chat_placeholder"]["uk"])
    body = browser.find_element(By.TAG_NAME, "body").text
    assert STRINGS["nav_chat"]["uk"] in body and STRINGS["emergency_notice"]["uk"] in body
    assert STRINGS["chat_placeholder"]["nl"] not in body and STRINGS["emergency_notice"]["nl"] not in body
    _ask(browser, "Де я можу практикувати нідерландську мову?", 0)
    answer = _wait(browser, ".ww-answer")
    assert answer.get_attribute("dir") == "ltr" and answer.get_attribute("lang") == "uk"
    _shot(browser, "chat-uk")


def test_guide_and_staff_pages_render_with_screenshots(site, browser):
    _, url = site
    browser.get(f"{url}/guide")
    box = _wait(browser, 'input[aria-label="' + STRINGS["search_label"]["nl"] + '"]')
    box.send_keys("inburgeringsattest")
    box.send_keys(Keys.ENTER)  # submits the form from the keyboard
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".ww-passage"))
    _shot(browser, "guide-search")
    tab = browser.find_elements(By.CSS_SELECTOR, '[role="tab"]')[1]
    tab.click()
    card = _wait(browser, ".ww-route-card")
    assert card.find_element(By.CSS_SELECTOR, ".ww-route-title").text.strip()
    _shot(browser, "guide-route-card")

    browser.get(f"{url}/staff")
    token = _wait(browser, 'input[type="password"]')
    token.send_keys(STAFF_TOKEN)
    token.send_keys(Keys.ENTER)
    _wait(browser, '[data-testid="stDataFrame"]')
    assert STRINGS["logout_button"]["nl"] in browser.find_element(By.TAG_NAME, "body").text
    _shot(browser, "staff")
