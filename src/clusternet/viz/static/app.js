// The interactive network page of clusternet.to_html (src/clusternet/viz/_html.py inlines this
// file, allowed by its SHA-256 hash in the page's Content-Security-Policy).
//
// Its input is the JSON of <script id="cn-data">, whose shape is written down as TypedDicts in
// src/clusternet/viz/_page_data.py and in docs/pictures.md ("The page's data contract"); the test
// tests/test_web_assets.py checks that the page emits exactly those keys. Change all three together.
//
// Every name reaches the page through textContent or the canvas, never through innerHTML.
// This comment block (the leading // lines) is left out of the page.

(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("cn-data").textContent);
  var state = window.clusternet = {ready: false, drawn: false, drawnAt: null, marks: {parsed: performance.now()}};
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function attributeTable(columns, values) {
    var table = el("table", null, "attributes");
    for (var i = 0; i < columns.length; i++) {
      if (values[i] === "") continue;
      var row = el("tr");
      row.appendChild(el("th", columns[i]));
      row.appendChild(el("td", values[i]));
      table.appendChild(row);
    }
    return table;
  }
  function nodeInfo(id) {
    var box = el("div");
    box.appendChild(el("strong", data.nodes[id].label));
    box.appendChild(attributeTable(data.nodeColumns, data.nodeValues[id]));
    return box;
  }
  function edgeInfo(id) {
    var edge = data.edges[id], box = el("div");
    box.appendChild(el("strong", data.nodes[edge.from].label + (data.directed ? " \u2192 " : " \u2014 ") + data.nodes[edge.to].label));
    box.appendChild(attributeTable(data.edgeColumns, data.edgeValues[id]));
    return box;
  }

  // Legend
  var legend = document.getElementById("legend");
  if (data.legend.title) legend.appendChild(el("h2", "Colour: " + data.legend.title));
  data.legend.entries.forEach(function (entry) {
    var row = el("div", null, "legend-row");
    var swatch = el("span", null, "swatch");
    swatch.style.background = entry.color;
    row.appendChild(swatch);
    row.appendChild(el("span", entry.label));
    row.appendChild(el("span", entry.count, "count"));
    legend.appendChild(row);
  });
  if (data.legend.continuous) {
    var bar = el("div", null, "gradient");
    bar.style.background = "linear-gradient(to right," + data.legend.continuous.colors.join(",") + ")";
    legend.appendChild(bar);
    var ends = el("div", null, "ends");
    ends.appendChild(el("span", data.legend.continuous.low));
    ends.appendChild(el("span", data.legend.continuous.high));
    legend.appendChild(ends);
  }
  if (data.legend.size) legend.appendChild(el("p", "Node area: " + data.legend.size));
  legend.appendChild(el("p", data.nodes.length + " nodes, " + data.edges.length + " edges", "count"));
  if (data.description) legend.appendChild(el("p", data.description, "count"));

  // Labels: the most prominent nodes (by size, then degree) get a large font, so they stay
  // readable at every zoom; vis-network hides the other labels until the reader zooms in
  // (drawThreshold below), so names do not pile up on a network seen whole.
  var degree = data.nodes.map(function () { return 0; });
  data.edges.forEach(function (e) { degree[e.from]++; degree[e.to]++; });
  var LEADING = Math.min(30, Math.ceil(data.nodes.length * 0.05));
  var leading = {};
  data.nodes.map(function (n, i) { return i; })
    .sort(function (a, b) { return (data.nodes[b].size - data.nodes[a].size) || (degree[b] - degree[a]) || (a - b); })
    .slice(0, LEADING).forEach(function (i) { leading[data.nodes[i].id] = true; });
  state.leading = Object.keys(leading).map(Number);

  // Network
  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    var item = {id: n.id, label: n.label, color: {background: n.color, border: n.color,
      highlight: {background: n.color, border: "#000"}, hover: {background: n.color, border: "#000"}},
      size: n.size};
    if (n.x !== undefined) { item.x = n.x; item.y = n.y; }
    return item;
  }));
  var edges = new vis.DataSet(data.edges.map(function (e, i) {
    var item = {id: i, from: e.from, to: e.to};
    if (e.width !== undefined) item.width = e.width;
    return item;
  }));
  var options = {
    // The border has the fill's colour, so width 0 looks the same and skips 10,000 strokes;
    // a plain font keeps the per-node option cloning cheap on large graphs.
    nodes: {shape: "dot", borderWidth: 0, borderWidthSelected: 2, scaling: {label: {drawThreshold: 9}},
      font: data.large ? {size: 14} : {size: 14, face: "system-ui, Arial, sans-serif", strokeWidth: 3, strokeColor: "#fff"}},
    edges: {color: {color: data.edgeColor, opacity: 0.45, highlight: "#333", hover: "#333"},
      smooth: false, arrows: {to: {enabled: data.directed, scaleFactor: 0.5}}, selectionWidth: 1.5},
    physics: {enabled: data.physics, solver: "forceAtlas2Based", stabilization: {enabled: false}},
    layout: {improvedLayout: false, randomSeed: 0},
    interaction: {hover: true, tooltipDelay: 100, hideEdgesOnDrag: data.large, hideEdgesOnZoom: data.large}
  };
  state.marks.datasets = performance.now();
  var container = document.getElementById("network");
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, options);
  state.marks.network = performance.now();
  state.network = network;
  state.nodes = nodes;
  state.edges = edges;
  // The test contract: what a browser test may read without knowing vis-network. Keys are the
  // node positions in the page data (PageData.nodes); coordinates are the layout's, in page pixels.
  state.nodeCount = data.nodes.length;
  state.edgeCount = data.edges.length;
  state.positions = function () {
    var at = network.getPositions(), out = {};
    Object.keys(at).forEach(function (id) { out[id] = [at[id].x, at[id].y]; });
    return out;
  };
  state.colors = function () {
    var out = {};
    data.nodes.forEach(function (n) { out[n.id] = n.color; });
    return out;
  };
  network.once("afterDrawing", function () {
    state.drawn = true;
    state.drawnAt = performance.now();
    sizeLeadingLabels();
  });
  // The leading labels keep about 13 screen pixels whatever the zoom (their font grows as the
  // view zooms out); the others follow vis-network's scaling and its drawThreshold.
  function sizeLeadingLabels() {
    var size = Math.max(14, 13 / network.getScale());
    nodes.update(state.leading.map(function (id) { return {id: id, font: {size: size}}; }));
  }
  network.on("zoom", sizeLeadingLabels);

  // Tooltips and details
  var tooltip = document.getElementById("tooltip");
  function showTooltip(content, pointer) {
    tooltip.replaceChildren(content);
    // vis-network empties its container, so the tooltip lives outside it, placed in page pixels.
    var frame = container.getBoundingClientRect();
    tooltip.style.left = (frame.left + pointer.DOM.x + 14) + "px";
    tooltip.style.top = (frame.top + pointer.DOM.y + 14) + "px";
    tooltip.style.display = "block";
  }
  function hideTooltip() { tooltip.style.display = "none"; }
  network.on("hoverNode", function (p) { showTooltip(nodeInfo(p.node), p.pointer); });
  network.on("hoverEdge", function (p) { showTooltip(edgeInfo(p.edge), p.pointer); });
  network.on("blurNode", hideTooltip);
  network.on("blurEdge", hideTooltip);
  network.on("dragStart", hideTooltip);
  network.on("zoom", hideTooltip);
  var details = document.getElementById("details");
  network.on("click", function (p) {
    if (p.nodes.length) details.replaceChildren(nodeInfo(p.nodes[0]));
    else if (p.edges.length) details.replaceChildren(edgeInfo(p.edges[0]));
    highlight(p.nodes.length ? p.nodes[0] : null);
  });

  // A clicked node and its neighbours keep their colours, the rest fade; a click on empty
  // space brings every colour back.
  var FADED = "#E4E4E4";
  var faded = false;
  function paint(n, color) {
    return {id: n.id, color: {background: color, border: color,
      highlight: {background: color, border: "#000"}, hover: {background: color, border: "#000"}}};
  }
  function highlight(id) {
    if (id === null) {
      if (faded) nodes.update(data.nodes.map(function (n) { return paint(n, n.color); }));
      faded = false;
      return;
    }
    var keep = {};
    keep[id] = true;
    network.getConnectedNodes(id).forEach(function (other) { keep[other] = true; });
    nodes.update(data.nodes.map(function (n) { return paint(n, keep[n.id] ? n.color : FADED); }));
    faded = true;
  }
  state.highlight = highlight;

  // Search by name (case and accents ignored)
  var status = document.getElementById("status");
  var folded = data.nodes.map(function (n) { return fold(n.label); });
  document.getElementById("search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var query = fold(document.getElementById("search").value.trim());
    if (!query) { network.unselectAll(); status.textContent = ""; return; }
    var found = [];
    for (var i = 0; i < folded.length; i++) if (folded[i].indexOf(query) !== -1) found.push(i);
    network.selectNodes(found);
    status.textContent = found.length + (found.length === 1 ? " match" : " matches") + filterNote();
    if (found.length) {
      network.fit({nodes: found.slice(0, 200), animation: false});
      details.replaceChildren(nodeInfo(found[0]));
    }
  });

  // Filter by attribute
  var attributeSelect = document.getElementById("filter-attribute");
  var valueSelect = document.getElementById("filter-value");
  Object.keys(data.filters).forEach(function (name) {
    var option = el("option", name);
    option.value = name;
    attributeSelect.appendChild(option);
  });
  function applyFilter() {
    var name = attributeSelect.value, value = valueSelect.value;
    var column = data.nodeColumns.indexOf(name);
    var updates = data.nodes.map(function (n, i) {
      return {id: i, hidden: !!name && value !== "" && data.nodeValues[i][column] !== value};
    });
    nodes.update(updates);
    shown = updates.filter(function (u) { return !u.hidden; }).length;
    status.textContent = filterNote().replace(/^; /, "");
  }
  var shown = data.nodes.length;
  function filterNote() {
    return shown < data.nodes.length ? "; " + shown + " of " + data.nodes.length + " nodes shown" : "";
  }
  attributeSelect.addEventListener("change", function () {
    valueSelect.replaceChildren(el("option", "all"));
    valueSelect.firstChild.value = "";
    var values = data.filters[attributeSelect.value] || [];
    values.forEach(function (v) { var option = el("option", v); option.value = v; valueSelect.appendChild(option); });
    valueSelect.disabled = !values.length;
    applyFilter();
  });
  valueSelect.addEventListener("change", applyFilter);

  // Physics on demand
  var physicsBox = document.getElementById("physics");
  physicsBox.checked = data.physics;
  physicsBox.addEventListener("change", function () {
    network.setOptions({physics: {enabled: physicsBox.checked}});
  });
  state.ready = true;
})();
