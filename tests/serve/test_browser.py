"""The page in real headless Chromium: run an example, see rows, open an entity and the network."""

from __future__ import annotations

import os
import re
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


@pytest.mark.parametrize(("address", "locale", "tab"), [
    ("?lang=en", "zh-CN", "Network"),
    ("?lang=zh", "en-US", "关系网络"),
    ("", "en-GB", "Network"),
    ("", "zh-TW", "关系网络"),
], ids=["address en", "address zh", "browser en", "browser zh"])
def test_the_language_comes_from_the_address_or_the_browser(live: LiveServer, browser: Any, address: str, locale: str, tab: str) -> None:
    context = browser.new_context(locale=locale)
    try:
        page = context.new_page()
        page.goto(live.url + address)
        page.locator("#example-list button").first.wait_for()
        assert page.inner_text("#tab-network") == tab
    finally:
        context.close()


def _network_counts(text: str) -> tuple[int, int]:
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    return numbers[0], numbers[-1]


def test_the_toggle_re_renders_every_part(live: LiveServer, page: Any) -> None:
    page.goto(live.url + "?lang=zh")
    page.locator("#example-list button").first.wait_for()
    page.click("button[data-example='event-actors']")
    page.locator("#results tbody tr").first.wait_for()
    page.click("#tab-network")
    page.locator("#network-status", has_text="节点").wait_for()
    chinese_counts = _network_counts(page.inner_text("#network-status"))
    page.fill("#network-search", "文化周")
    page.press("#network-search", "Enter")
    page.locator("#network-entity h4", has_text="出处句子").wait_for()

    page.click("#language")
    page.locator("#network-status", has_text="nodes").wait_for()
    assert _network_counts(page.inner_text("#network-status")) == chinese_counts
    page.locator("#network-entity h4", has_text="Source sentences").wait_for()
    legend = page.inner_text(".cbn-legend")
    assert "Event" in legend and "活动" not in legend, legend
    facts = page.inner_text("#network-entity table")
    assert "organizer" in facts or "partner" in facts, facts
    for raw in ("BrandLabel", "cbo:", "GovernmentBody", "MediaOutlet"):
        assert raw not in legend and raw not in facts, raw
    assert "rows" in page.inner_text("#status") or "ms" in page.inner_text("#status")
    assert "行" not in page.inner_text("#status")


def test_the_page_counts_the_network_as_analyze_does(live: LiveServer, page: Any) -> None:
    from citybrand_kg.export.network import analyze
    from citybrand_kg.rdf.files import read_graph
    from tests.serve.live import GRAPH

    report = analyze(read_graph(GRAPH))
    page.goto(live.url + "?lang=en")
    page.locator("#example-list button").first.wait_for()
    page.click("#tab-network")
    page.locator("#network-status", has_text="nodes").wait_for()
    status = page.inner_text("#network-status")
    assert _network_counts(status) == (report.nodes, report.links), (status, report)
    assert f"{report.actors} actors" in status and f"{report.events} events" in status
