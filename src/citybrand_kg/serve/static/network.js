/*
 * citybrand-kg network view: an interactive actor–event graph drawn on a <canvas>.
 *
 *   const view = CitybrandNetwork.create(container, {nodes, edges}, options);
 *
 * data.nodes: [{id, label, type, facts?: [[predicate, value], ...], sentences?: [string, ...]}]
 * data.edges: [{source, target, label}]
 * options:    {onSelect(node), typeLabels: {Type: text}}   (view.setTypeLabels(labels) changes them)
 *
 * Without onSelect, clicking a node opens a small built-in panel showing node.facts and
 * node.sentences, so a standalone HTML export can embed this file and its data as they are.
 * Pan: drag the background. Zoom: wheel or the +/- buttons. Drag a node to pin it; double-click
 * to release it. A small force layout (repulsion, springs, gravity) settles the positions.
 * Plain script, no dependencies; it defines window.CitybrandNetwork.
 */
(function (global) {
  "use strict";

  var PALETTE = {
    Event: "#e4572e",
    Organization: "#2e86ab",
    GovernmentBody: "#1d4e89",
    MediaOutlet: "#17a398",
    Place: "#76b041",
    City: "#76b041",
    Country: "#3f7d20",
    Region: "#a1c181",
    Person: "#8e5ea2",
    BrandLabel: "#d7263d",
    SocialMediaAccount: "#f49d37",
    SocialMediaPlatform: "#c97c10",
    CreativeWork: "#b5838d",
    Quantity: "#999999"
  };

  function colorOf(type) {
    return PALETTE[type] || "#7a7a7a";
  }

  function create(container, data, options) {
    options = options || {};
    var state = {
      nodes: [], edges: [], index: {}, scale: 1, offsetX: 0, offsetY: 0,
      hover: null, selected: null, drag: null, pan: null, alpha: 1, frame: 0, labels: true
    };
    var root = document.createElement("div");
    root.className = "cbn-root";
    var canvas = document.createElement("canvas");
    canvas.className = "cbn-canvas";
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", "actor–event network");
    root.appendChild(canvas);
    var legend = document.createElement("div");
    legend.className = "cbn-legend";
    root.appendChild(legend);
    var controls = document.createElement("div");
    controls.className = "cbn-controls";
    root.appendChild(controls);
    var panel = document.createElement("div");
    panel.className = "cbn-panel";
    panel.hidden = true;
    root.appendChild(panel);
    container.appendChild(root);
    var context = canvas.getContext("2d");

    addButton("+", function () { zoomAt(1.25, canvas.clientWidth / 2, canvas.clientHeight / 2); });
    addButton("−", function () { zoomAt(0.8, canvas.clientWidth / 2, canvas.clientHeight / 2); });
    addButton("⤢", function () { fit(); });
    addButton("Aa", function () { state.labels = !state.labels; draw(); });

    function addButton(text, action) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = text;
      button.addEventListener("click", action);
      controls.appendChild(button);
    }

    function setData(next) {
      var previous = state.index;
      state.nodes = (next.nodes || []).map(function (node, position) {
        var old = previous[node.id];
        var angle = position * 2.399963;
        var radius = 30 * Math.sqrt(position + 1);
        return Object.assign({}, node, {
          x: old ? old.x : radius * Math.cos(angle), y: old ? old.y : radius * Math.sin(angle),
          vx: 0, vy: 0, degree: 0, pinned: false
        });
      });
      state.index = {};
      state.nodes.forEach(function (node) { state.index[node.id] = node; });
      state.edges = (next.edges || []).filter(function (edge) {
        return state.index[edge.source] && state.index[edge.target] && edge.source !== edge.target;
      }).map(function (edge) {
        var link = Object.assign({}, edge, { from: state.index[edge.source], to: state.index[edge.target] });
        link.from.degree += 1;
        link.to.degree += 1;
        return link;
      });
      state.nodes.forEach(function (node) { node.radius = 8 + Math.min(16, Math.sqrt(node.degree) * 4); });
      drawLegend();
      state.alpha = 1;
      resize();
      settle(120);
      fit();
      animate();
    }

    function drawLegend() {
      var types = {};
      state.nodes.forEach(function (node) { types[node.type] = (types[node.type] || 0) + 1; });
      legend.textContent = "";
      Object.keys(types).sort().forEach(function (type) {
        var item = document.createElement("span");
        var swatch = document.createElement("i");
        swatch.style.background = colorOf(type);
        item.appendChild(swatch);
        var names = options.typeLabels || {};
        item.appendChild(document.createTextNode((names[type] || type) + " " + types[type]));
        legend.appendChild(item);
      });
    }

    function step() {
      var nodes = state.nodes, count = nodes.length, alpha = state.alpha;
      for (var i = 0; i < count; i++) {
        var a = nodes[i];
        for (var j = i + 1; j < count; j++) {
          var b = nodes[j];
          var dx = a.x - b.x, dy = a.y - b.y;
          var distance2 = dx * dx + dy * dy + 0.01;
          if (distance2 > 250000) continue;
          var force = (900 * alpha) / distance2;
          a.vx += dx * force; a.vy += dy * force;
          b.vx -= dx * force; b.vy -= dy * force;
        }
      }
      state.edges.forEach(function (edge) {
        var dx = edge.to.x - edge.from.x, dy = edge.to.y - edge.from.y;
        var distance = Math.sqrt(dx * dx + dy * dy) + 0.01;
        var pull = ((distance - 70) / distance) * 0.06 * alpha;
        edge.from.vx += dx * pull; edge.from.vy += dy * pull;
        edge.to.vx -= dx * pull; edge.to.vy -= dy * pull;
      });
      nodes.forEach(function (node) {
        node.vx -= node.x * 0.004 * alpha;
        node.vy -= node.y * 0.004 * alpha;
        if (node.pinned || node === (state.drag && state.drag.node)) { node.vx = node.vy = 0; return; }
        node.vx *= 0.6; node.vy *= 0.6;
        node.x += Math.max(-20, Math.min(20, node.vx));
        node.y += Math.max(-20, Math.min(20, node.vy));
      });
      state.alpha = Math.max(0, alpha * 0.985 - 0.0005);
    }

    function settle(rounds) {
      for (var round = 0; round < rounds && state.alpha > 0.05; round++) step();
    }

    function animate() {
      if (state.frame) return;
      function tick() {
        step();
        draw();
        state.frame = state.alpha > 0.01 || state.drag ? global.requestAnimationFrame(tick) : 0;
      }
      state.frame = global.requestAnimationFrame(tick);
    }

    function reheat(value) {
      state.alpha = Math.max(state.alpha, value);
      animate();
    }

    function resize() {
      var ratio = global.devicePixelRatio || 1;
      var width = container.clientWidth || 800, height = container.clientHeight || 560;
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.style.width = width + "px";
      canvas.style.height = height + "px";
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      draw();
    }

    function fit() {
      if (!state.nodes.length) return;
      var xs = state.nodes.map(function (n) { return n.x; }), ys = state.nodes.map(function (n) { return n.y; });
      var minX = Math.min.apply(null, xs), maxX = Math.max.apply(null, xs);
      var minY = Math.min.apply(null, ys), maxY = Math.max.apply(null, ys);
      var width = canvas.clientWidth || 800, height = canvas.clientHeight || 560;
      state.scale = Math.min(2, 0.85 * Math.min(width / (maxX - minX + 80), height / (maxY - minY + 80)));
      state.offsetX = width / 2 - state.scale * (minX + maxX) / 2;
      state.offsetY = height / 2 - state.scale * (minY + maxY) / 2;
      draw();
    }

    function neighbours(node) {
      var found = {};
      if (!node) return found;
      found[node.id] = true;
      state.edges.forEach(function (edge) {
        if (edge.from === node) found[edge.to.id] = true;
        if (edge.to === node) found[edge.from.id] = true;
      });
      return found;
    }

    function draw() {
      var width = canvas.clientWidth, height = canvas.clientHeight;
      context.clearRect(0, 0, width, height);
      context.save();
      context.translate(state.offsetX, state.offsetY);
      context.scale(state.scale, state.scale);
      var focus = state.hover || state.selected;
      var near = neighbours(focus);
      state.edges.forEach(function (edge) { drawEdge(edge, focus, near); });
      state.nodes.forEach(function (node) { drawNode(node, focus, near); });
      if (state.labels || focus) drawLabels(focus, near);
      context.restore();
    }

    /* Labels in order of importance (the focus and its neighbours, then by degree); a label whose
       box would overlap one already drawn is left out, so that no two labels collide. */
    function drawLabels(focus, near) {
      var placed = [];
      var order = state.nodes.slice().sort(function (a, b) {
        var rank = function (n) { return n === focus ? 2 : focus && near[n.id] ? 1 : 0; };
        return rank(b) - rank(a) || b.degree - a.degree || (a.label || "").localeCompare(b.label || "");
      });
      order.forEach(function (node) {
        var box = labelBox(node, focus, near);
        if (!box) return;
        var clash = placed.some(function (other) {
          return box.left < other.right && other.left < box.right && box.top < other.bottom && other.top < box.bottom;
        });
        if (clash && node !== focus) return;
        placed.push(box);
        drawLabel(node, box);
      });
      state.placed = placed;
    }

    function labelFont() {
      var size = Math.max(10, 12 / Math.sqrt(state.scale));
      return { size: size / Math.sqrt(state.scale), css: size / state.scale * Math.sqrt(state.scale) + "px 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif" };
    }

    function labelBox(node, focus, near) {
      if (focus && !near[node.id]) return null;
      if (!focus && state.scale < 0.6 && node.degree < 3) return null;
      var font = labelFont();
      context.font = font.css;
      var width = context.measureText(node.label || node.id).width;
      var y = node.y + node.radius + font.size;
      var pad = 2 / state.scale;
      return { left: node.x - width / 2 - pad, right: node.x + width / 2 + pad, top: y - font.size - pad, bottom: y + pad * 2, y: y };
    }

    function drawEdge(edge, focus, near) {
      var active = focus && (edge.from === focus || edge.to === focus);
      context.globalAlpha = focus && !active ? 0.12 : 0.55;
      context.strokeStyle = active ? "#333" : "#9aa5b1";
      context.lineWidth = (active ? 2 : 1) / state.scale;
      context.beginPath();
      context.moveTo(edge.from.x, edge.from.y);
      context.lineTo(edge.to.x, edge.to.y);
      context.stroke();
      if (active && edge.label) {
        context.globalAlpha = 1;
        context.fillStyle = "#555";
        context.font = 11 / state.scale + "px sans-serif";
        context.fillText(edge.label, (edge.from.x + edge.to.x) / 2, (edge.from.y + edge.to.y) / 2);
      }
      context.globalAlpha = 1;
    }

    function drawNode(node, focus, near) {
      context.globalAlpha = focus && !near[node.id] ? 0.25 : 1;
      context.beginPath();
      context.arc(node.x, node.y, node.radius, 0, 2 * Math.PI);
      context.fillStyle = colorOf(node.type);
      context.fill();
      context.lineWidth = (node === state.selected ? 3 : 1.2) / state.scale;
      context.strokeStyle = node === state.selected ? "#111" : "#fff";
      context.stroke();
      context.globalAlpha = 1;
    }

    function drawLabel(node, box) {
      context.font = labelFont().css;
      context.textAlign = "center";
      context.lineWidth = 3 / state.scale;
      context.strokeStyle = "rgba(255,255,255,0.9)";
      context.strokeText(node.label || node.id, node.x, box.y);
      context.fillStyle = "#222";
      context.fillText(node.label || node.id, node.x, box.y);
    }

    function toWorld(event) {
      var box = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - box.left - state.offsetX) / state.scale,
        y: (event.clientY - box.top - state.offsetY) / state.scale,
        sx: event.clientX - box.left, sy: event.clientY - box.top
      };
    }

    function nodeAt(point) {
      for (var i = state.nodes.length - 1; i >= 0; i--) {
        var node = state.nodes[i];
        var dx = node.x - point.x, dy = node.y - point.y;
        if (dx * dx + dy * dy <= (node.radius + 3) * (node.radius + 3)) return node;
      }
      return null;
    }

    function zoomAt(factor, sx, sy) {
      var next = Math.max(0.1, Math.min(8, state.scale * factor));
      state.offsetX = sx - ((sx - state.offsetX) * next) / state.scale;
      state.offsetY = sy - ((sy - state.offsetY) * next) / state.scale;
      state.scale = next;
      draw();
    }

    canvas.addEventListener("wheel", function (event) {
      event.preventDefault();
      var point = toWorld(event);
      zoomAt(event.deltaY < 0 ? 1.12 : 1 / 1.12, point.sx, point.sy);
    }, { passive: false });

    canvas.addEventListener("pointerdown", function (event) {
      var point = toWorld(event);
      var node = nodeAt(point);
      canvas.setPointerCapture(event.pointerId);
      if (node) state.drag = { node: node, moved: false };
      else state.pan = { x: point.sx, y: point.sy, ox: state.offsetX, oy: state.offsetY, moved: false };
    });

    canvas.addEventListener("pointermove", function (event) {
      var point = toWorld(event);
      if (state.drag) {
        state.drag.node.x = point.x;
        state.drag.node.y = point.y;
        state.drag.moved = true;
        reheat(0.2);
      } else if (state.pan) {
        state.offsetX = state.pan.ox + point.sx - state.pan.x;
        state.offsetY = state.pan.oy + point.sy - state.pan.y;
        state.pan.moved = state.pan.moved || Math.abs(point.sx - state.pan.x) + Math.abs(point.sy - state.pan.y) > 3;
        draw();
      } else {
        var hover = nodeAt(point);
        if (hover !== state.hover) {
          state.hover = hover;
          canvas.style.cursor = hover ? "pointer" : "grab";
          canvas.title = hover ? (hover.label || hover.id) : "";
          draw();
        }
      }
    });

    canvas.addEventListener("pointerup", function () {
      if (state.drag) {
        var node = state.drag.node;
        if (state.drag.moved) node.pinned = true;
        else select(node);
      } else if (state.pan && !state.pan.moved) {
        select(null);
      }
      state.drag = null;
      state.pan = null;
    });

    canvas.addEventListener("dblclick", function (event) {
      var node = nodeAt(toWorld(event));
      if (node) { node.pinned = false; reheat(0.3); }
    });

    function select(node) {
      state.selected = node;
      draw();
      if (options.onSelect) options.onSelect(node);
      else showPanel(node);
    }

    function showPanel(node) {
      panel.textContent = "";
      panel.hidden = !node;
      if (!node) return;
      var title = document.createElement("h3");
      title.textContent = node.label || node.id;
      panel.appendChild(title);
      var list = document.createElement("dl");
      (node.facts || []).forEach(function (fact) {
        var term = document.createElement("dt");
        term.textContent = fact[0];
        var value = document.createElement("dd");
        value.textContent = fact[1];
        list.appendChild(term);
        list.appendChild(value);
      });
      panel.appendChild(list);
      (node.sentences || []).forEach(function (sentence) {
        var quote = document.createElement("blockquote");
        quote.textContent = sentence;
        panel.appendChild(quote);
      });
    }

    function focusOn(id) {
      var node = state.index[id];
      if (!node) return false;
      state.offsetX = canvas.clientWidth / 2 - node.x * state.scale;
      state.offsetY = canvas.clientHeight / 2 - node.y * state.scale;
      select(node);
      return true;
    }

    function search(text) {
      var wanted = (text || "").trim().toLowerCase();
      if (!wanted) return null;
      var match = state.nodes.find(function (node) { return (node.label || "").toLowerCase().indexOf(wanted) >= 0; });
      if (match) focusOn(match.id);
      return match || null;
    }

    var observer = global.ResizeObserver ? new global.ResizeObserver(resize) : null;
    if (observer) observer.observe(container);

    setData(data || { nodes: [], edges: [] });

    return {
      setData: setData,
      setTypeLabels: function (labels) { options.typeLabels = labels; drawLegend(); },
      focus: focusOn,
      search: search,
      fit: fit,
      canvas: canvas,
      stats: function () { return { nodes: state.nodes.length, edges: state.edges.length }; },
      labelBoxes: function () { return (state.placed || []).map(function (b) { return [b.left, b.top, b.right, b.bottom]; }); },
      destroy: function () {
        if (observer) observer.disconnect();
        if (state.frame) global.cancelAnimationFrame(state.frame);
        container.removeChild(root);
      }
    };
  }

  global.CitybrandNetwork = { create: create, colorOf: colorOf, palette: PALETTE };
})(typeof window !== "undefined" ? window : this);
