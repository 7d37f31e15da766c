"""The page in real headless Chromium: run an example, see rows, open an entity and the network."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.serve.live import LiveServer

CHROMIUM = Path(os.environ.get("CITYBRAND_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Debian's chromium is not installed at {CHROMIUM}"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield page
    context.close()
    assert not errors, errors


def coloured_pixels(page: Any) -> int:
    return page.evaluate(
        """() => {
          const canvas = document.querySelector('#network-stage canvas');
          const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
          let count = 0;
          for (let i = 0; i < data.length; i += 4) {
            const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
            if (a > 0 && (Math.max(r, g, b) - Math.min(r, g, b)) > 40) count++;
          }
          return count;
        }"""
    )


def test_example_query_entity_and_network(live: LiveServer, page: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(live.url)
    page.locator("#example-list button").first.wait_for()
    page.click("button[data-example='event-actors']")
    rows = page.locator("#results tbody tr")
    rows.first.wait_for()
    assert rows.count() >= 5
    assert "杭州文化周" in page.inner_text("#results")
    page.locator("#results a.iri", has_text="event/hangzhou-culture-week").first.click()
    page.locator("#entity blockquote mark").first.wait_for()
    assert "杭州文化周" in page.inner_text("#entity")
    page.screenshot(path=str(ARTIFACTS / "query.png"))
    page.click("#entity .close")

    page.click("#tab-network")
    # A locator wait, not wait_for_function("…"): the page's CSP forbids eval, which a string predicate
    # needs whenever it is not already true at the first check.
    page.locator("#network-status", has_text="节点").wait_for()
    page.fill("#network-search", "文化周")
    page.press("#network-search", "Enter")
    page.locator("#network-entity blockquote").first.wait_for()
    page.wait_for_timeout(1500)
    shot = ARTIFACTS / "network.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 30_000
    assert coloured_pixels(page) > 1_500


def test_language_toggle(live: LiveServer, page: Any) -> None:
    page.goto(live.url)
    page.locator("#example-list button").first.wait_for()
    page.click("#language")
    assert page.inner_text("#tab-network") == "Network"
    assert "Actors of an event" in page.inner_text("#example-list")
    page.click("#language")
    assert page.inner_text("#tab-network") == "关系网络"
