"""Pictures: SVG and PNG saved under test-artifacts/, non-trivial, with readable Chinese labels."""

from __future__ import annotations

import re
import shutil
import struct
import zlib
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import RDF, RDFS

from citybrand_kg.export.layout import place, text_width
from citybrand_kg.export.pictures import CLASS_COLOURS, graph_view, render_html, render_png, render_svg
from tests.kg_samples import artifact, mini_graph

SVG = "{http://www.w3.org/2000/svg}"
CJK = re.compile(r"[\u4e00-\u9fff]")
HAS_CHROMIUM = any(shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome"))
NETWORK_JS = Path(__file__).parents[2] / "src" / "citybrand_kg" / "serve" / "static" / "network.js"


def large_graph(events: int = 70) -> Graph:
    """About 120 entities with Chinese labels of varied length, for legibility at scale."""
    cbo, cbr = Namespace("https://w3id.org/citybrand-kg/ontology#"), Namespace("https://w3id.org/citybrand-kg/resource/")
    syllables = "杭州文化旅游国际论坛博览会动漫电影节海外传播媒体峰会西湖运河亚运品牌城市交流展演"
    graph = Graph()

    def entity(kind: str, number: int) -> object:
        iri = cbr[f"{kind.lower()}/{number}"]
        label = "".join(syllables[(number * 7 + k * 3 + len(kind)) % len(syllables)] for k in range(2 + number % 8))
        graph.add((iri, RDF.type, cbo[kind]))
        graph.add((iri, RDFS.label, Literal(label, lang="zh")))
        return iri

    places = [entity("Country", n) for n in range(15)] + [entity("City", n) for n in range(6)]
    media = [entity("MediaOutlet", n) for n in range(20)] + [entity("Organization", n) for n in range(10)]
    for n in range(events):
        event = entity("Event", n)
        graph.add((event, cbo.location, places[(n * 5) % len(places)]))
        graph.add((event, cbo.partner, media[(n * 7) % len(media)]))
    return graph


def svg_facts(path: Path) -> tuple[int, int, int]:
    """(distinct fill colours of circles, text elements with Chinese, all text elements)."""
    root = ElementTree.parse(path).getroot()
    fills = {c.get("fill") for c in root.iter(f"{SVG}circle")}
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    return len(fills), sum(1 for t in texts if CJK.search(t)), len(texts)


def png_pixels(path: Path) -> tuple[int, int, Counter[tuple[int, ...]]]:
    """Width, height and colour histogram of an 8-bit RGB/RGBA, non-interlaced PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks, header = 8, [], b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind, body = data[position + 4:position + 8], data[position + 8:position + 8 + length]
        header = body if kind == b"IHDR" else header
        chunks += [body] if kind == b"IDAT" else []
        position += 12 + length
    width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour_type in (2, 6) and interlace == 0
    channels = 4 if colour_type == 6 else 3
    raw, stride = zlib.decompress(b"".join(chunks)), width * channels
    previous, counts = bytearray(stride), Counter()
    for row in range(height):
        kind, line = raw[row * (stride + 1)], bytearray(raw[row * (stride + 1) + 1:(row + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        counts.update(tuple(line[i:i + 3]) for i in range(0, stride, channels * 4))  # every 4th pixel
        previous = line
    return width, height, counts


def boxes_overlap(graph: Graph) -> int:
    view = graph_view(graph)
    placement = place(view["nodes"], view["edges"])
    boxes = []
    for node in view["nodes"]:
        x, y = placement.centres[node["id"]]
        half = max(text_width(node["label"], placement.font_size), 2 * placement.radii[node["id"]]) / 2
        boxes.append((x - half, y - placement.radii[node["id"]], x + half,
                      y + placement.radii[node["id"]] + 1.3 * placement.font_size))
    return sum(1 for i, a in enumerate(boxes) for b in boxes[i + 1:]
               if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])


def test_svg_of_the_fixture_is_coloured_and_labelled_in_chinese() -> None:
    out = render_svg(mini_graph(), artifact("mini_network.svg"))
    colours, chinese, _ = svg_facts(out)
    assert colours >= 6 and chinese >= 15


def test_svg_of_the_seed_graph(seed_graph: Graph) -> None:
    out = render_svg(seed_graph, artifact("seed_network.svg"))
    colours, chinese, _ = svg_facts(out)
    assert out.stat().st_size > 5000 and colours >= 4 and chinese >= 10
    everything = render_svg(seed_graph, artifact("seed_entities.svg"), scope="entities")
    assert svg_facts(everything)[1] > chinese


def test_labels_do_not_overlap_even_with_many_nodes() -> None:
    big = large_graph()
    assert len(graph_view(big)["nodes"]) >= 120
    assert boxes_overlap(mini_graph()) == 0 and boxes_overlap(big) == 0
    render_svg(big, artifact("large_network.svg"))


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(not HAS_CHROMIUM, reason="PNG needs Chromium (Debian packages chromium, fonts-noto-cjk)")
@pytest.mark.parametrize("name", ["mini", "seed", "large"])
def test_png_is_non_trivial(name: str, request: pytest.FixtureRequest) -> None:
    graph = {"mini": mini_graph, "large": large_graph}.get(name, lambda: request.getfixturevalue("seed_graph"))()
    out = render_png(graph, artifact(f"{name}_network.png"))
    width, height, counts = png_pixels(out)
    assert width >= 500 and height >= 300 and out.stat().st_size > 20_000
    common = [colour for colour, seen in counts.items() if seen >= 5]
    assert len(common) >= 10  # node classes, edges, anti-aliased text
    dark = sum(seen for colour, seen in counts.items() if max(colour) < 90)
    assert dark > 300  # label text is drawn


def test_html_is_standalone() -> None:
    out = render_html(mini_graph(), artifact("mini_network.html"))
    page = out.read_text(encoding="utf-8")
    assert "新华社" in page and "亚运城市行" in page
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=|https?://[^\"']+\.(js|css)", page)
    if NETWORK_JS.exists():
        assert "CitybrandNetwork.create" in page and NETWORK_JS.read_text(encoding="utf-8")[:200] in page
    else:
        assert "<svg" in page


@pytest.mark.skipif(not NETWORK_JS.exists(), reason="the server's network view is not there")
def test_picture_colours_match_the_server_view() -> None:
    palette = dict(re.findall(r'(\w+): "(#[0-9a-fA-F]{6})"', NETWORK_JS.read_text(encoding="utf-8")))
    for cls, colour in palette.items():
        assert CLASS_COLOURS.get(cls, colour).lower() == colour.lower(), cls


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian's chromium is not installed")
@pytest.mark.parametrize(("width", "height"), [(1400, 1000), (800, 600)])
def test_the_html_network_fits_the_window(width: int, height: int) -> None:
    """No scrollbars, and the zoom buttons inside the window."""
    from playwright.sync_api import sync_playwright

    out = render_html(large_graph(), artifact("large_network.html"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(out.as_uri())
            page.locator(".cbn-controls button").first.wait_for()
            sizes = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight, innerWidth, innerHeight]")
            assert sizes[0] <= sizes[2] and sizes[1] <= sizes[3], sizes
            for button in page.locator(".cbn-controls button").all():
                box = button.bounding_box()
                assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= width and 0 <= box["y"] and box["y"] + box["height"] <= height
            page.wait_for_timeout(500)
            boxes = page.evaluate("() => window.citybrandView.labelBoxes()")
            assert len(boxes) > 10
            for i, (left, top, right, bottom) in enumerate(boxes):
                for other in boxes[i + 1:]:
                    assert not (left < other[2] and other[0] < right and top < other[3] and other[1] < bottom), (boxes[i], other)
        finally:
            browser.close()
