"""Pictures of a citybrand-kg graph: standalone HTML, SVG and PNG, coloured by class, labelled in Chinese.

Public functions (``scope`` is ``"network"`` or ``"entities"``, see :func:`graph_view`)::

    graph_view(graph: Graph, *, scope: str = "network") -> dict   # {"nodes": [...], "edges": [...]}
    render_html(graph: Graph, out: str | Path, *, scope: str = "network") -> Path
    render_svg(graph: Graph, out: str | Path, *, scope: str = "network") -> Path
    render_png(graph: Graph, out: str | Path, *, scope: str = "network", browser: str | None = None) -> Path
    svg_document(graph: Graph, *, scope: str = "network") -> str

By default the pictures show the server page's network: the actor–event relations
(``organizer``, ``partner``, ``location``, ``country``, ``platform``, ``brandOf``) and the
entities they link; ``scope="entities"`` shows every entity except quantities. One colour per
class (:data:`CLASS_COLOURS`, the server view's palette), one per relation. Nodes are placed by
:mod:`citybrand_kg.export.layout` (spring layout with a fixed seed, then labels pushed apart until none
overlap), so the same graph gives the same picture. Labels are the Chinese ``rdfs:label``; the
SVG asks for a CJK font (Noto Sans CJK SC, Source Han Sans, WenQuanYi, Microsoft YaHei, PingFang).

The HTML page is self-contained and works offline: it inlines the server's network view
(``serve/static/network.js`` and ``network.css``) and the graph's JSON, so it is the same view
as the server's page; without those files it inlines the SVG with pan and zoom. PNG is the SVG
rasterised by headless Chromium (Debian packages ``chromium`` and ``fonts-noto-cjk``);
``browser`` or the ``CITYBRAND_CHROMIUM`` variable name another Chromium or Chrome binary.
"""

from __future__ import annotations

import html
import json
import logging
import os
import shutil
import subprocess
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

from rdflib import Graph

from citybrand_kg.atomic import write_bytes, write_text
from citybrand_kg.errors import CitybrandError
from citybrand_kg.export.layout import Placement, place
from citybrand_kg.export.network import PREDICATES
from citybrand_kg.export.tables import EntityRow, RelationRow, entity_rows, relation_rows
from citybrand_kg.rdf.namespaces import ITSRDF, NIF

logger = logging.getLogger(__name__)

CLASS_COLOURS: dict[str, str] = {
    "Event": "#e4572e", "Organization": "#2e86ab", "GovernmentBody": "#1d4e89", "MediaOutlet": "#17a398",
    "Place": "#76b041", "City": "#76b041", "Country": "#3f7d20", "Region": "#a1c181", "Person": "#8e5ea2",
    "BrandLabel": "#d7263d", "SocialMediaAccount": "#f49d37", "SocialMediaPlatform": "#c97c10",
    "CreativeWork": "#b5838d", "Quantity": "#999999",
    "Reply": "#5c6b7a", "Document": "#5c6b7a", "Proposal": "#9aa5b1",
}
"""The server view's palette (``serve/static/network.js``), plus documents and proposals."""
OTHER_COLOUR = "#7a7a7a"
PREDICATE_COLOURS: dict[str, str] = {
    "location": "#34d399", "country": "#059669", "organizer": "#f87171", "partner": "#fb923c",
    "platform": "#a78bfa", "brandOf": "#facc15", "measure": "#cbd5e1", "issuedBy": "#93c5fd",
    "addressee": "#fda4af", "respondsTo": "#d1d5db", "proposer": "#fda4af", "submittedTo": "#93c5fd",
}
OTHER_EDGE_COLOUR = "#cbd5e1"
FONT_FAMILY = ("'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', "
               "'Microsoft YaHei', 'PingFang SC', sans-serif")


def graph_view(graph: Graph, *, scope: str = "network") -> dict[str, list[dict[str, Any]]]:
    """The data of the network view: ``{"nodes": [...], "edges": [...]}``.

    ``scope="network"`` (the server page's view): the relations ``cbo:organizer``, ``partner``,
    ``location``, ``country``, ``platform``, ``brandOf`` and the entities they link;
    ``scope="entities"``: every entity but quantities, and every relation between them.
    Nodes carry ``id``, ``label``, ``label_en``, ``type`` (class), ``colour``, ``facts``
    (``[[name, value], …]``) and ``sentences`` (up to five that mention it); edges carry
    ``source``, ``target``, ``label`` (predicate local name) and ``colour``.
    """
    if scope not in ("network", "entities"):
        raise ValueError(f"unknown picture scope {scope!r}; choose network or entities")
    rows = {row.iri: row for row in entity_rows(graph) if row.cls != "Quantity"}
    relations = [r for r in relation_rows(graph)
                 if r.subject in rows and r.object in rows and r.subject != r.object
                 and (scope == "entities" or r.predicate in PREDICATES)]
    shown = set(rows) if scope == "entities" else {e for r in relations for e in (r.subject, r.object)}
    sentences = _sentences_by_entity(graph)
    nodes = [_view_node(rows[iri], relations, rows, sentences.get(iri, [])) for iri in sorted(shown)]
    edges = [{"source": r.subject, "target": r.object, "label": r.name,
              "colour": PREDICATE_COLOURS.get(r.name, OTHER_EDGE_COLOUR)} for r in relations]
    return {"nodes": nodes, "edges": edges}


def _view_node(row: EntityRow, relations: list[RelationRow], rows: dict[str, EntityRow],
               sentences: list[str]) -> dict[str, Any]:
    facts = [["class", row.cls]]
    facts += [["label@en", row.label_en]] if row.label_en else []
    facts += [["altLabel", f"{text}@{lang}" if lang else text] for lang, text in row.alt_labels]
    facts += [["wikidata", row.wikidata]] if row.wikidata else []
    facts += [[name, value] for name, value in row.attributes]
    facts += [[r.name, rows[r.object].label] for r in relations if r.subject == row.iri]
    facts += [[f"← {r.name}", rows[r.subject].label] for r in relations if r.object == row.iri]
    return {"id": row.iri, "label": row.label, "label_en": row.label_en, "type": row.cls,
            "colour": CLASS_COLOURS.get(row.cls, OTHER_COLOUR), "facts": facts, "sentences": sentences[:5]}


def _sentences_by_entity(graph: Graph) -> dict[str, list[str]]:
    found: dict[str, set[str]] = {}
    for mention, entity in graph.subject_objects(ITSRDF.taIdentRef):
        for sentence in graph.objects(mention, NIF.sentence):
            text = graph.value(sentence, NIF.anchorOf)
            if text is not None:
                found.setdefault(str(entity), set()).add(str(text))
    return {entity: sorted(texts, key=lambda t: (len(t), t)) for entity, texts in found.items()}


def svg_document(graph: Graph, *, scope: str = "network") -> str:
    view = graph_view(graph, scope=scope)
    return _svg(view, place(view["nodes"], view["edges"]))


def render_svg(graph: Graph, out: str | Path, *, scope: str = "network") -> Path:
    return write_text(Path(out), svg_document(graph, scope=scope))


def render_html(graph: Graph, out: str | Path, *, scope: str = "network") -> Path:
    view = graph_view(graph, scope=scope)
    assets = _network_assets()
    if assets is not None:
        page = _html_with_script(view, *assets)
    else:
        page = _html_with_svg(_svg(view, place(view["nodes"], view["edges"])))
    return write_text(Path(out), page)


def render_png(graph: Graph, out: str | Path, *, scope: str = "network", browser: str | None = None) -> Path:
    binary = _find_browser(browser)
    view = graph_view(graph, scope=scope)
    placement = place(view["nodes"], view["edges"])
    page = ("<!doctype html><meta charset='utf-8'><style>html,body{margin:0;padding:0;background:#fff}"
            "svg{display:block}</style>" + _svg(view, placement))
    with tempfile.TemporaryDirectory(prefix="citybrand-png-") as folder:
        source = Path(folder) / "picture.html"
        source.write_text(page, encoding="utf-8")
        shot = Path(folder) / "picture.png"
        _screenshot(binary, source, shot, placement.width, placement.height, folder)
        return write_bytes(Path(out), shot.read_bytes())


def _find_browser(browser: str | None) -> str:
    for candidate in (browser, os.environ.get("CITYBRAND_CHROMIUM"), "chromium", "chromium-browser",
                      "google-chrome", "google-chrome-stable"):
        if candidate and (found := shutil.which(candidate)):
            return found
    raise CitybrandError("PNG output needs Chromium (Debian: apt-get install chromium fonts-noto-cjk); "
                         "write an SVG instead or name a browser with CITYBRAND_CHROMIUM.")


def _screenshot(binary: str, source: Path, target: Path, width: int, height: int, profile: str) -> None:
    command = [
        binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--mute-audio",
        "--no-first-run", "--disable-extensions", "--force-device-scale-factor=1",
        f"--user-data-dir={profile}", f"--window-size={width},{height}",
        f"--screenshot={target}", source.as_uri(),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CitybrandError(f"{binary}: could not rasterise the picture ({exc}).") from exc
    if done.returncode != 0 or not target.exists() or target.stat().st_size == 0:
        detail = " ".join(done.stderr.split())[-300:]
        raise CitybrandError(f"{binary}: could not rasterise the picture (exit {done.returncode}: {detail}).")


def _network_assets() -> tuple[str, str] | None:
    """The server's network view script and its style sheet, when the package has them."""
    folder = resources.files("citybrand_kg").joinpath("serve").joinpath("static")
    script, style = folder.joinpath("network.js"), folder.joinpath("network.css")
    if not script.is_file():
        return None
    return script.read_text(encoding="utf-8"), style.read_text(encoding="utf-8") if style.is_file() else ""


def _svg(view: dict[str, list[dict[str, Any]]], placement: Placement) -> str:
    nodes = {node["id"]: node for node in view["nodes"]}
    out = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" width="{placement.width}" height="{placement.height}" '
         f'viewBox="0 0 {placement.width} {placement.height}" font-family="{FONT_FAMILY}">'),
        f'<rect width="{placement.width}" height="{placement.height}" fill="#ffffff"/>',
        '<g class="edges" stroke-width="1.8">',
    ]
    for edge in view["edges"]:
        (x1, y1), (x2, y2) = placement.centres[edge["source"]], placement.centres[edge["target"]]
        out.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{edge["colour"]}">'
                   f'<title>{_esc(edge["label"])}</title></line>')
    out.append('</g><g class="nodes">')
    for iri, node in nodes.items():
        x, y = placement.centres[iri]
        radius = placement.radii[iri]
        title = _esc(" · ".join(filter(None, [node["label"], node["label_en"], node["type"]])))
        out.append(f'<g class="node" data-class="{_esc(node["type"])}"><title>{title}</title>'
                   f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{node["colour"]}" '
                   'stroke="#ffffff" stroke-width="1.5"/>'
                   f'<text x="{x:.1f}" y="{y + radius + placement.font_size:.1f}" text-anchor="middle" '
                   f'font-size="{placement.font_size}" fill="#111827" stroke="#ffffff" stroke-width="3" '
                   f'stroke-linejoin="round" paint-order="stroke">{_esc(node["label"])}</text></g>')
    out.append("</g>")
    out += _legend(view, placement)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _legend(view: dict[str, list[dict[str, Any]]], placement: Placement) -> list[str]:
    classes = sorted({node["type"] for node in view["nodes"]})
    predicates = sorted({edge["label"] for edge in view["edges"]})
    size = placement.font_size
    out = [f'<g class="legend" font-size="{size}" fill="#111827">']
    y = size + 8
    for cls in classes:
        out.append(f'<circle cx="{14}" cy="{y - size / 3:.1f}" r="6" fill="{CLASS_COLOURS.get(cls, OTHER_COLOUR)}"/>'
                   f'<text x="26" y="{y:.1f}">{_esc(cls)}</text>')
        y += size + 6
    for predicate in predicates:
        colour = PREDICATE_COLOURS.get(predicate, OTHER_EDGE_COLOUR)
        out.append(f'<line x1="6" y1="{y - size / 3:.1f}" x2="22" y2="{y - size / 3:.1f}" stroke="{colour}" '
                   f'stroke-width="3"/><text x="26" y="{y:.1f}">{_esc(predicate)}</text>')
        y += size + 6
    out.append("</g>")
    return out


def _html_with_svg(svg: str) -> str:
    return (
        "<!doctype html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<title>citybrand-kg network</title>\n<style>\n"
        "html,body{margin:0;height:100%;background:#fff;overflow:hidden}"
        "#view{width:100%;height:100%;cursor:grab}#view svg{width:100%;height:100%}"
        ".node:hover circle{stroke:#111827;stroke-width:3}"
        "</style>\n</head>\n<body>\n<div id=\"view\">\n" + svg + "</div>\n<script>\n" + _PAN_ZOOM + "</script>\n"
        "</body>\n</html>\n"
    )


def _html_with_script(view: dict[str, list[dict[str, Any]]], script: str, style: str) -> str:
    data = json.dumps(view, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    return (
        "<!doctype html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<title>citybrand-kg network</title>\n<style>\nhtml,body{margin:0;height:100%;overflow:hidden}"
        "#network{position:fixed;inset:0}\n" + style.replace("</style", "<\\/style") + "\n</style>\n"
        "</head>\n<body>\n<div id=\"network\"></div>\n"
        f"<script id=\"network-data\" type=\"application/json\">{data}</script>\n"
        "<script>\n" + script.replace("</script", "<\\/script") + "\n</script>\n"
        "<script>\n" + _BOOT + "</script>\n</body>\n</html>\n"
    )


def _esc(text: str) -> str:
    return html.escape(str(text), quote=True)


_PAN_ZOOM = """(function () {
  var box = document.getElementById('view'), svg = box.querySelector('svg');
  var vb = svg.viewBox.baseVal, drag = null;
  box.addEventListener('wheel', function (e) {
    e.preventDefault();
    var k = e.deltaY < 0 ? 0.85 : 1 / 0.85, r = svg.getBoundingClientRect();
    var px = vb.x + (e.clientX - r.left) / r.width * vb.width, py = vb.y + (e.clientY - r.top) / r.height * vb.height;
    vb.x = px - (px - vb.x) * k; vb.y = py - (py - vb.y) * k; vb.width *= k; vb.height *= k;
  }, {passive: false});
  box.addEventListener('mousedown', function (e) { drag = [e.clientX, e.clientY]; box.style.cursor = 'grabbing'; });
  window.addEventListener('mouseup', function () { drag = null; box.style.cursor = 'grab'; });
  window.addEventListener('mousemove', function (e) {
    if (!drag) return;
    var r = svg.getBoundingClientRect();
    vb.x -= (e.clientX - drag[0]) * vb.width / r.width; vb.y -= (e.clientY - drag[1]) * vb.height / r.height;
    drag = [e.clientX, e.clientY];
  });
})();
"""

_BOOT = """(function () {
  var data = JSON.parse(document.getElementById('network-data').textContent);
  window.citybrandView = CitybrandNetwork.create(document.getElementById('network'), data, {});
})();
"""
