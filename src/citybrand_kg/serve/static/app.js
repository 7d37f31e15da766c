/* citybrand-kg page: query editor, results table, entity facts and the network view. */
(function () {
  "use strict";

  var TEXT = {
    zh: {
      title: "城市品牌知识图谱", tabQuery: "查询", tabNetwork: "关系网络", examples: "示例查询", run: "运行",
      addPrefixes: "插入前缀", hint: "Ctrl+Enter 运行 · 点击链接查看实体", searchNode: "查找节点…",
      clickNode: "点击节点查看事实与出处句子", running: "查询中…", rows: "{n} 行 · {ms} 毫秒",
      truncated: "结果已截断为前 {n} 行（服务器上限）", triples: "{n} 个三元组 · {ms} 毫秒",
      yes: "是", no: "否", noRows: "没有结果", facts: "事实", sources: "出处句子", noSources: "没有记录出处",
      outgoing: "→", incoming: "←", close: "关闭", stats: "{quads} 个三元组 · {graphs} 个文档图",
      network: "{nodes} 个节点（{actors} 个行动者、{events} 个活动、{brands} 个品牌标签）· {links} 条关系",
      networkCut: "（只显示前 {n} 条关系）", loading: "加载中…", language: "English"
    },
    en: {
      title: "City Brand Knowledge Graph", tabQuery: "Query", tabNetwork: "Network", examples: "Example queries",
      run: "Run", addPrefixes: "Add prefixes", hint: "Ctrl+Enter runs · click a link to see the entity",
      searchNode: "Find a node…", clickNode: "Click a node to see its facts and source sentences",
      running: "Running…", rows: "{n} rows · {ms} ms", truncated: "Results cut to the first {n} rows (server limit)",
      triples: "{n} triples · {ms} ms", yes: "yes", no: "no", noRows: "No results", facts: "Facts",
      sources: "Source sentences", noSources: "No recorded source", outgoing: "→", incoming: "←", close: "Close",
      stats: "{quads} triples · {graphs} document graphs",
      network: "{nodes} nodes ({actors} actors, {events} events, {brands} brand labels) · {links} links",
      networkCut: " (the first {n} links only)", loading: "Loading…", language: "中文"
    }
  };

  var CBO = "https://w3id.org/citybrand-kg/ontology#";
  var state = { language: "zh", catalogue: null, network: null, networkLoaded: false, networkRows: null,
    example: null, rerender: null, shown: {} };

  function t(key, values) {
    var text = TEXT[state.language][key];
    if (text === undefined) text = TEXT.zh[key];
    Object.keys(values || {}).forEach(function (name) { text = text.replace("{" + name + "}", values[name]); });
    return text;
  }

  function $(id) { return document.getElementById(id); }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  /* The language: ?lang= in the address, else the last choice on this browser, else the browser's own. */
  function initialLanguage() {
    var asked = new URLSearchParams(window.location.search).get("lang");
    if (asked) return /^zh/i.test(asked) ? "zh" : "en";
    var stored = window.localStorage.getItem("citybrand-kg-language");
    if (stored === "zh" || stored === "en") return stored;
    var preferred = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || "zh"];
    return /^zh/i.test(preferred[0] || "") ? "zh" : "en";
  }

  /* Re-render every part in the current language: static text, examples, statistics, the results
     status, the open entity panels and the network (legend, labels of links, status). */
  function applyLanguage() {
    document.documentElement.lang = state.language === "zh" ? "zh-CN" : "en";
    document.querySelectorAll("[data-i18n]").forEach(function (node) { node.textContent = t(node.dataset.i18n); });
    document.querySelectorAll("[data-i18n-placeholder]").forEach(function (node) {
      node.placeholder = t(node.dataset.i18nPlaceholder);
    });
    $("language").textContent = t("language");
    renderExamples();
    loadStats();
    if (state.rerender) state.rerender();
    if (state.shown.entity && !$("entity").hidden) showEntity(state.shown.entity, $("entity"), true);
    if (state.shown["network-entity"]) showEntity(state.shown["network-entity"], $("network-entity"), false);
    if (state.network && state.networkRows) {
      state.network.setTypeLabels(typeLabels());
      state.network.setData(networkData(state.networkRows));
      showNetworkStatus();
    }
  }

  /* The name of a class or property in the current language (from the ontology's labels). */
  function termName(iri) {
    var names = (state.catalogue && state.catalogue.terms && state.catalogue.terms[iri]) || {};
    return names[state.language] || names.zh || compact(iri);
  }

  function typeLabels() {
    var labels = {};
    Object.keys((state.catalogue && state.catalogue.kinds) || {}).forEach(function (name) {
      labels[name] = termName(CBO + name);
    });
    return labels;
  }

  function compact(iri) {
    var prefixes = (state.catalogue && state.catalogue.prefixes) || {};
    var best = null;
    Object.keys(prefixes).forEach(function (name) {
      var base = prefixes[name];
      if (iri.indexOf(base) === 0 && (!best || base.length > prefixes[best].length)) best = name;
    });
    return best ? best + ":" + iri.slice(prefixes[best].length) : iri;
  }

  function localName(iri) {
    return iri.replace(/^.*[#/]/, "");
  }

  function sparql(query, accept) {
    var body = new URLSearchParams();
    body.set("query", query);
    return fetch("/sparql", {
      method: "POST", body: body,
      headers: { "Accept": accept || "application/sparql-results+json" }
    }).then(function (response) {
      return response.text().then(function (text) {
        if (!response.ok) throw new Error(response.status + " " + text);
        return { text: text, type: response.headers.get("content-type") || "",
          truncated: response.headers.get("x-sparql-truncated") === "true",
          maxRows: response.headers.get("x-sparql-max-rows") };
      });
    });
  }

  function select(query) {
    return sparql(query).then(function (answer) { return JSON.parse(answer.text).results.bindings; });
  }

  /* ---------- query tab ---------- */

  function renderExamples() {
    var list = $("example-list");
    list.textContent = "";
    if (!state.catalogue) return;
    state.catalogue.examples.forEach(function (example) {
      var button = element("button", example.key === state.example ? "active" : "",
        state.language === "zh" ? example.title_zh : example.title_en);
      button.type = "button";
      button.dataset.example = example.key;
      button.addEventListener("click", function () {
        state.example = example.key;
        $("editor").value = example.sparql;
        renderExamples();
        runQuery();
      });
      list.appendChild(button);
    });
  }

  function runQuery() {
    var query = $("editor").value;
    var status = $("status");
    var started = performance.now();
    status.className = "";
    status.textContent = t("running");
    $("run").disabled = true;
    updateDownloads(query);
    state.rerender = null;
    sparql(query, "application/sparql-results+json, application/n-triples;q=0.9").then(function (answer) {
      var ms = Math.round(performance.now() - started);
      state.rerender = answer.type.indexOf("application/n-triples") === 0
        ? function () { renderTriples(answer, ms); }
        : function () { renderResults(JSON.parse(answer.text), answer, ms); };
      state.rerender();
    }).catch(function (error) {
      status.className = "error";
      status.textContent = error.message;
      $("results").textContent = "";
    }).then(function () { $("run").disabled = false; });
  }

  function updateDownloads(query) {
    ["csv", "json"].forEach(function (format) {
      $("download-" + format).href = "/sparql?format=" + format + "&query=" + encodeURIComponent(query);
    });
  }

  function setStatus(count, key, answer, ms) {
    var status = $("status");
    status.textContent = t(key, { n: count, ms: ms });
    status.className = "";
    if (answer.truncated) {
      status.className = "warning";
      status.textContent += " — " + t("truncated", { n: answer.maxRows });
    }
  }

  function renderResults(document_, answer, ms) {
    var target = $("results");
    target.textContent = "";
    if (typeof document_.boolean === "boolean") {
      $("status").textContent = (document_.boolean ? t("yes") : t("no")) + " · " + ms + " ms";
      return;
    }
    var variables = document_.head.vars, rows = document_.results.bindings;
    setStatus(rows.length, "rows", answer, ms);
    target.appendChild(table(variables, rows.map(function (row) {
      return variables.map(function (name) { return row[name]; });
    })));
  }

  function renderTriples(answer, ms) {
    var rows = answer.text.split("\n").filter(Boolean).map(parseNTriple).filter(Boolean);
    setStatus(rows.length, "triples", answer, ms);
    $("results").textContent = "";
    $("results").appendChild(table(["subject", "predicate", "object"], rows));
  }

  function parseNTriple(line) {
    var term = /\s*(<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@[\w-]+|\^\^<[^>]*>)?)/g;
    var terms = [], match;
    while ((match = term.exec(line)) && terms.length < 3) terms.push(toBinding(match[1]));
    return terms.length === 3 ? terms : null;
  }

  function toBinding(text) {
    if (text[0] === "<") return { type: "uri", value: text.slice(1, -1) };
    if (text[0] === "_") return { type: "bnode", value: text.slice(2) };
    var parts = /^"((?:[^"\\]|\\.)*)"(?:@([\w-]+)|\^\^<([^>]*)>)?$/.exec(text);
    var value = JSON.parse('"' + parts[1] + '"');
    var binding = { type: "literal", value: value };
    if (parts[2]) binding["xml:lang"] = parts[2];
    if (parts[3]) binding.datatype = parts[3];
    return binding;
  }

  function table(headings, rows) {
    if (!rows.length) return element("div", "empty", t("noRows"));
    var grid = element("table");
    var head = grid.createTHead().insertRow();
    headings.forEach(function (name) { head.appendChild(element("th", "", name)); });
    var body = grid.createTBody();
    rows.forEach(function (row) {
      var line = body.insertRow();
      row.forEach(function (binding) { line.appendChild(cell(binding)); });
    });
    return grid;
  }

  function cell(binding) {
    var td = element("td");
    if (!binding) return td;
    if (binding.type === "uri") {
      td.appendChild(iriLink(binding.value, compact(binding.value)));
    } else if (binding.type === "bnode") {
      td.textContent = "_:" + binding.value;
    } else {
      td.appendChild(document.createTextNode(binding.value));
      if (binding["xml:lang"]) td.appendChild(element("span", "lang", "@" + binding["xml:lang"]));
      else if (binding.datatype) {
        var numeric = /#(integer|decimal|double|float|int|long|nonNegativeInteger)$/.test(binding.datatype);
        if (numeric) td.className = "num";
        else td.appendChild(element("span", "datatype", compact(binding.datatype)));
      }
    }
    return td;
  }

  function iriLink(iri, text) {
    var link = element("a", "iri", text);
    link.href = iri;
    link.title = iri;
    link.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey) return;
      event.preventDefault();
      showEntity(iri, $("entity"), true);
    });
    return link;
  }

  /* ---------- entity facts and sources ---------- */

  function fill(template, iri) {
    return template.split("{iri}").join(iri.replace(/[<>"{}|\\^`\s]/g, ""));
  }

  function showEntity(iri, target, drawer) {
    state.shown[target.id] = iri;
    target.hidden = false;
    target.textContent = "";
    target.appendChild(element("p", "empty", t("loading")));
    var templates = state.catalogue.templates;
    Promise.all([select(fill(templates.facts, iri)), select(fill(templates.sources, iri))]).then(function (answers) {
      renderEntity(target, iri, answers[0], answers[1], drawer);
    }).catch(function (error) {
      target.textContent = "";
      target.appendChild(element("p", "error", error.message));
    });
  }

  function renderEntity(target, iri, facts, sources, drawer) {
    target.textContent = "";
    if (drawer) {
      var close = element("button", "close", "×");
      close.type = "button";
      close.title = t("close");
      close.addEventListener("click", function () { target.hidden = true; });
      target.appendChild(close);
    }
    var labels = facts.filter(function (row) { return localName(row.predicate.value) === "label" && row.direction.value === "out"; });
    var label = pickLabel(labels.map(function (row) { return row.value; })) || compact(iri);
    target.appendChild(element("h3", "", label));
    target.appendChild(iriLine(iri));
    var types = element("div", "types");
    facts.forEach(function (row) {
      if (row.direction.value === "out" && localName(row.predicate.value) === "type") {
        types.appendChild(element("span", "", termName(row.value.value)));
      }
    });
    target.appendChild(types);
    target.appendChild(element("h4", "", t("sources")));
    renderSources(target, sources, labels.map(function (row) { return row.value.value; }));
    target.appendChild(element("h4", "", t("facts")));
    target.appendChild(factTable(facts));
  }

  function iriLine(iri) {
    var line = element("div", "iri-line");
    var link = element("a", "", iri);
    link.href = iri;
    link.target = "_blank";
    link.rel = "noopener";
    line.appendChild(link);
    return line;
  }

  function pickLabel(values) {
    var wanted = state.language === "zh" ? "zh" : "en";
    var match = values.find(function (value) { return value["xml:lang"] === wanted; }) || values[0];
    return match ? match.value : null;
  }

  function renderSources(target, sources, labels) {
    if (!sources.length) { target.appendChild(element("p", "empty", t("noSources"))); return; }
    groupSentences(sources).forEach(function (group) {
      var quote = element("blockquote");
      highlight(quote, group.text, labels);
      quote.appendChild(element("cite", "", [group.source].concat(group.predicates).join(" · ")));
      target.appendChild(quote);
    });
  }

  function groupSentences(sources) {
    var groups = [], bySentence = {};
    sources.forEach(function (row) {
      var key = row.sentence.value, group = bySentence[key];
      if (!group) {
        group = { text: row.text.value, predicates: [],
          source: row.source ? row.source.value : compact(row.document.value) };
        bySentence[key] = group;
        groups.push(group);
      }
      var name = row.predicate ? termName(row.predicate.value) : null;
      if (name && group.predicates.indexOf(name) < 0) group.predicates.push(name);
    });
    return groups;
  }

  function highlight(target, text, labels) {
    var needle = labels.filter(function (label) { return label && text.indexOf(label) >= 0; })[0];
    if (!needle) { target.appendChild(document.createTextNode(text)); return; }
    var parts = text.split(needle);
    parts.forEach(function (part, index) {
      if (index) target.appendChild(element("mark", "", needle));
      target.appendChild(document.createTextNode(part));
    });
  }

  function factTable(facts) {
    var grid = element("table");
    var body = grid.createTBody();
    facts.forEach(function (row) {
      if (localName(row.predicate.value) === "isString") return;
      var line = body.insertRow();
      var arrow = row.direction.value === "out" ? t("outgoing") : t("incoming");
      line.appendChild(element("td", "", arrow + " " + termName(row.predicate.value)));
      var value = row.value;
      var known = value.type === "uri" && state.catalogue.terms[value.value];
      if (value.type === "uri" && (row.valueLabel || known)) {
        var td = element("td");
        td.appendChild(iriLink(value.value, row.valueLabel ? row.valueLabel.value : termName(value.value)));
        line.appendChild(td);
      } else {
        line.appendChild(cell(value));
      }
    });
    return grid;
  }

  /* ---------- network tab ---------- */

  function openTab(name) {
    var network = name === "network";
    $("query-tab").hidden = network;
    $("network-tab").hidden = !network;
    $("tab-query").setAttribute("aria-selected", String(!network));
    $("tab-network").setAttribute("aria-selected", String(network));
    if (network && !state.networkLoaded) loadNetwork();
  }

  function loadNetwork() {
    state.networkLoaded = true;
    $("network-status").textContent = t("loading");
    select(state.catalogue.templates.network).then(function (rows) {
      state.networkRows = rows;
      state.network = window.CitybrandNetwork.create($("network-stage"), networkData(rows), {
        typeLabels: typeLabels(),
        onSelect: function (node) {
          if (node) showEntity(node.id, $("network-entity"), false);
        }
      });
      showNetworkStatus();
    }).catch(function (error) {
      state.networkLoaded = false;
      $("network-status").textContent = error.message;
    });
  }

  /* Nodes and links as `analyze` counts them: the same classes, one link per subject–predicate–object. */
  function showNetworkStatus() {
    var data = networkData(state.networkRows || []), kinds = state.catalogue.kinds, counts = { actor: 0, event: 0, brand: 0 };
    data.nodes.forEach(function (node) { counts[kinds[node.type]] = (counts[kinds[node.type]] || 0) + 1; });
    var text = t("network", { nodes: data.nodes.length, actors: counts.actor, events: counts.event, brands: counts.brand,
      links: data.edges.length });
    if ((state.networkRows || []).length >= state.catalogue.network_limit) text += t("networkCut", { n: data.edges.length });
    $("network-status").textContent = text;
  }

  var GENERAL_TYPES = { Place: true, Organization: true };

  function networkData(rows) {
    var nodes = {}, edges = [], seen = {};
    function addNode(binding, labelBinding, typeBinding) {
      var id = binding.value, type = localName(typeBinding.value);
      if (!nodes[id]) {
        nodes[id] = { id: id, label: labelBinding ? labelBinding.value : compact(id), type: type };
      } else if (GENERAL_TYPES[nodes[id].type] && !GENERAL_TYPES[type]) {
        nodes[id].type = type;  // the most specific class names the node (City rather than Place)
      }
    }
    rows.forEach(function (row) {
      addNode(row.source, row.sourceLabel, row.sourceType);
      addNode(row.target, row.targetLabel, row.targetType);
      var key = row.source.value + " " + row.predicate.value + " " + row.target.value;
      if (seen[key]) return;
      seen[key] = true;
      edges.push({ source: row.source.value, target: row.target.value, label: termName(row.predicate.value) });
    });
    return { nodes: Object.keys(nodes).map(function (id) { return nodes[id]; }), edges: edges };
  }

  /* ---------- start ---------- */

  function loadStats() {
    fetch("/api/stats").then(function (response) { return response.json(); }).then(function (stats) {
      $("stats").textContent = t("stats", { quads: stats.quads.toLocaleString(), graphs: stats.named_graphs });
    }).catch(function () { $("stats").textContent = ""; });
  }

  function start() {
    state.language = initialLanguage();
    $("language").addEventListener("click", function () {
      state.language = state.language === "zh" ? "en" : "zh";
      localStorage.setItem("citybrand-kg-language", state.language);
      applyLanguage();
    });
    $("run").addEventListener("click", runQuery);
    $("prefixes").addEventListener("click", function () {
      var lines = Object.keys(state.catalogue.prefixes).map(function (name) {
        return "PREFIX " + name + ": <" + state.catalogue.prefixes[name] + ">";
      });
      $("editor").value = lines.join("\n") + "\n\n" + $("editor").value.replace(/^(PREFIX[^\n]*\n)+\n?/i, "");
    });
    $("editor").addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); runQuery(); }
    });
    $("tab-query").addEventListener("click", function () { openTab("query"); });
    $("tab-network").addEventListener("click", function () { openTab("network"); });
    $("network-search").addEventListener("change", function (event) {
      if (state.network) state.network.search(event.target.value);
    });
    fetch("/api/catalogue").then(function (response) { return response.json(); }).then(function (catalogue) {
      state.catalogue = catalogue;
      state.example = catalogue.examples[0].key;
      $("editor").value = catalogue.examples[0].sparql;
      applyLanguage();
    });
  }

  document.addEventListener("DOMContentLoaded", start);
})();
