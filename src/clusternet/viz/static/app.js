// The interactive network page of clusternet.to_html (src/clusternet/viz/_html.py inlines this
// file last, after the drawing library and its renderer, static/render_canvas.js or
// render_webgl.js; each script is allowed by its SHA-256 hash in the page's Content-Security-Policy).
//
// Its input is the JSON of <script id="cn-data">, whose shape is written down as TypedDicts in
// src/clusternet/viz/_page_data.py and in docs/pictures.md ("The page's data contract"); the test
// tests/test_web_assets.py checks that the page emits exactly those keys. Change all three together.
//
// The renderer interface: window.clusternetRenderers[data.renderer](host) draws the network and
// returns {internals, positions(), toScreen(i), radius(i), show(nodeMask, edgeMask), fade(keep, id),
// select(ids), fit(ids), snapshot(), scale(), physics(on) or null}; host carries the data, the
// unpacked edges, the leading labels, blankCanvas(width, height) and the callbacks below
// (hoverNode, clickNode, ..., edgesDrawn, drawn).
// Node i of the page data is node i of every renderer, edge i edge i.
//
// Every name reaches the page through textContent, SVG text nodes or the canvas, never through innerHTML.
// This comment block (the leading // lines) is left out of the page.

(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("cn-data").textContent);
  var state = window.clusternet = {ready: false, drawn: false, drawnAt: null, renderer: data.renderer,
    marks: {parsed: performance.now()}};
  var FADED = "#E4E4E4";
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  // Base64 of little-endian bytes (PageEdges) as a typed array.
  function unpack(text, Type) {
    if (text === null || text === undefined) return null;
    if (Uint8Array.fromBase64) return new Type(Uint8Array.fromBase64(text).buffer);
    var binary = atob(text), bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return new Type(bytes.buffer);
  }
  var nodeCount = data.nodes.length, edgeTotal = data.edges.count;
  var edges = {
    count: edgeTotal,
    source: unpack(data.edges.source, Uint32Array),
    target: unpack(data.edges.target, Uint32Array),
    width: unpack(data.edges.width, Float32Array),
    weight: unpack(data.edges.weight, Float64Array)
  };
  var years = data.edges.years ? {offsets: unpack(data.edges.years.offsets, Uint32Array),
    values: unpack(data.edges.years.values, Int32Array)} : null;
  var edgeCodes = data.edgeValues.map(function () { return null; });
  state.marks.unpacked = performance.now();

  // Neighbours of every node, both directions (compressed rows).
  var degree = new Uint32Array(nodeCount);
  for (var e = 0; e < edgeTotal; e++) { degree[edges.source[e]]++; degree[edges.target[e]]++; }
  var start = new Uint32Array(nodeCount + 1);
  for (var v = 0; v < nodeCount; v++) start[v + 1] = start[v] + degree[v];
  var neighbour = new Uint32Array(start[nodeCount]), fill = start.slice(0, nodeCount);
  for (e = 0; e < edgeTotal; e++) {
    neighbour[fill[edges.source[e]]++] = edges.target[e];
    neighbour[fill[edges.target[e]]++] = edges.source[e];
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
  function edgeText(column, id) {
    if (!edgeCodes[column]) edgeCodes[column] = unpack(data.edgeValues[column].codes, Uint32Array);
    return data.edgeValues[column].texts[edgeCodes[column][id]];
  }
  function edgeInfo(id) {
    var box = el("div");
    box.appendChild(el("strong", data.nodes[edges.source[id]].label + (data.directed ? " \u2192 " : " \u2014 ") +
      data.nodes[edges.target[id]].label));
    box.appendChild(attributeTable(data.edgeColumns, data.edgeColumns.map(function (_, c) { return edgeText(c, id); })));
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
  legend.appendChild(el("p", nodeCount + " nodes, " + edgeTotal + " edges", "count"));
  // A renderer that draws only some of the edges at rest (WebGL with many edges) says how many.
  var drawnNote = el("p", null, "count");
  drawnNote.id = "edges-drawn";
  legend.appendChild(drawnNote);
  if (data.description) legend.appendChild(el("p", data.description, "count"));

  // Labels: the most prominent nodes (by size, then degree) keep a readable label at every zoom;
  // the renderer shows the others as the reader zooms in, so names do not pile up.
  var LEADING = Math.min(30, Math.ceil(nodeCount * 0.05));
  var order = data.nodes.map(function (n, i) { return i; });
  order.sort(function (a, b) { return (data.nodes[b].size - data.nodes[a].size) || (degree[b] - degree[a]) || (a - b); });
  state.leading = order.slice(0, LEADING).map(function (i) { return data.nodes[i].id; });

  // Tooltips and details
  var container = document.getElementById("network");
  var tooltip = document.getElementById("tooltip");
  var details = document.getElementById("details");
  var tooltipFor = null;
  function showTooltip(content, x, y, what) {
    tooltipFor = what;
    tooltip.replaceChildren(content);
    // The renderers fill their container, so the tooltip lives outside it, placed in page pixels.
    var frame = container.getBoundingClientRect();
    tooltip.style.left = (frame.left + x + 14) + "px";
    tooltip.style.top = (frame.top + y + 14) + "px";
    tooltip.style.display = "block";
  }
  function hideTooltip() { tooltip.style.display = "none"; tooltipFor = null; }

  var view = null;
  var host = {
    data: data, edges: edges, container: container, leading: state.leading, faded: FADED, marks: state.marks,
    // A white canvas of the given size and its 2D context: what the renderers' PNG snapshot
    // draws their layers on.
    blankCanvas: function (width, height) {
      var canvas = document.createElement("canvas");
      canvas.width = width;
      canvas.height = height;
      var context = canvas.getContext("2d");
      context.fillStyle = "#fff";
      context.fillRect(0, 0, width, height);
      return {canvas: canvas, context: context};
    },
    hoverNode: function (id, x, y) { showTooltip(nodeInfo(id), x, y, "node " + id); },
    hoverEdge: function (id, x, y) { showTooltip(edgeInfo(id), x, y, "edge " + id); },
    // Leaving an edge as the pointer enters a node must not hide the node's tooltip.
    blurNode: function (id) { if (tooltipFor === "node " + id) hideTooltip(); },
    blurEdge: function (id) { if (tooltipFor === "edge " + id) hideTooltip(); },
    moved: hideTooltip,
    clickNode: function (id) { details.replaceChildren(nodeInfo(id)); highlight(id); },
    clickEdge: function (id) { details.replaceChildren(edgeInfo(id)); highlight(null); },
    clickStage: function () { highlight(null); },
    // count: the edges drawn when the view rests, of those shown (null: all of them).
    edgesDrawn: function (count) {
      state.edgesDrawn = count === null ? state.edgeCount : count;
      drawnNote.textContent = count === null || count >= state.edgeCount ? "" :
        "Edges drawn: the " + count + (edges.weight ? " strongest" : " first") + " of the " + state.edgeCount +
        " shown (a click on a node draws all of its edges)";
    },
    drawn: function () {
      if (state.drawn) return;
      state.drawn = true;
      state.drawnAt = performance.now();
    }
  };
  // The test contract: what a browser test may read without knowing the renderer. Keys are the
  // node positions in the page data (PageData.nodes); positions are the layout's coordinates
  // (clusternet.layout_positions), colours the palette's. nodeCount and edgeCount count what is
  // shown (filter and sliders applied).
  state.nodeCount = nodeCount;
  state.edgeCount = edgeTotal;
  state.edgesDrawn = edgeTotal;  // edges drawn at rest: fewer when the renderer says so (host.edgesDrawn)
  state.positions = function () {
    var at = view.positions(), out = {};
    for (var i = 0; i < at.length; i++) out[data.nodes[i].id] = [at[i][0] / data.scale, -at[i][1] / data.scale];
    return out;
  };
  state.colors = function () {
    var out = {};
    data.nodes.forEach(function (n) { out[n.id] = n.color; });
    return out;
  };

  // A clicked node and its neighbours keep their colours, the rest fade; a click on empty
  // space brings every colour back.
  var kept = null, focusId = null;
  function highlight(id) {
    focusId = id;
    if (id === null) {
      if (kept) view.fade(null, null);
      kept = null;
      return;
    }
    kept = new Uint8Array(nodeCount);
    kept[id] = 1;
    for (var k = start[id]; k < start[id + 1]; k++) kept[neighbour[k]] = 1;
    view.fade(kept, id);
  }
  state.highlight = highlight;

  // What is shown: the filter hides nodes (and their edges), the sliders hide edges.
  var status = document.getElementById("status");
  var nodeMask = new Uint8Array(nodeCount).fill(1), edgeMask = new Uint8Array(edgeTotal).fill(1);
  var filterColumn = -1, filterValue = "", minWeight = null, yearRange = null;
  function applyVisibility() {
    var shownNodes = 0, shownEdges = 0;
    for (var i = 0; i < nodeCount; i++) {
      nodeMask[i] = filterColumn < 0 || data.nodeValues[i][filterColumn] === filterValue ? 1 : 0;
      shownNodes += nodeMask[i];
    }
    for (var j = 0; j < edgeTotal; j++) {
      var ok = nodeMask[edges.source[j]] && nodeMask[edges.target[j]];
      if (ok && minWeight !== null) ok = edges.weight[j] >= minWeight;  // NaN (no weight) fails
      if (ok && yearRange !== null) {
        ok = false;
        for (var k = years.offsets[j]; k < years.offsets[j + 1]; k++) {
          if (years.values[k] >= yearRange[0] && years.values[k] <= yearRange[1]) { ok = true; break; }
        }
      }
      edgeMask[j] = ok ? 1 : 0;
      shownEdges += edgeMask[j];
    }
    state.nodeCount = shownNodes;
    state.edgeCount = shownEdges;
    state.edgesDrawn = shownEdges;
    view.show(nodeMask, edgeMask);
    state.minWeight = minWeight;
    state.yearRange = yearRange;
    status.textContent = shownNote().replace(/^; /, "");
  }
  function shownNote() {
    var note = "";
    if (state.nodeCount < nodeCount) note += "; " + state.nodeCount + " of " + nodeCount + " nodes shown";
    if (minWeight !== null || yearRange !== null) note += "; " + state.edgeCount + " of " + edgeTotal + " edges shown";
    return note;
  }

  // Search by name (case and accents ignored)
  var folded = data.nodes.map(function (n) { return fold(n.label); });
  document.getElementById("search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var query = fold(document.getElementById("search").value.trim());
    if (!query) { view.select([]); status.textContent = shownNote().replace(/^; /, ""); return; }
    var found = [];
    for (var i = 0; i < folded.length; i++) if (folded[i].indexOf(query) !== -1) found.push(i);
    view.select(found);
    status.textContent = found.length + (found.length === 1 ? " match" : " matches") + shownNote();
    if (found.length) {
      view.fit(found);
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
    var name = attributeSelect.value;
    filterValue = valueSelect.value;
    filterColumn = name && filterValue !== "" ? data.nodeColumns.indexOf(name) : -1;
    applyVisibility();
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

  // Minimum weight: the slider steps through the distinct weights (at most 200 steps, at
  // quantiles beyond), its first step shows every edge.
  var thresholds = [];
  if (edges.weight) {
    var sorted = Float64Array.from(edges.weight).filter(function (w) { return !isNaN(w); }).sort();
    var distinct = [];
    for (var s = 0; s < sorted.length; s++) if (!s || sorted[s] !== sorted[s - 1]) distinct.push(sorted[s]);
    if (distinct.length > 200) {
      var picked = [];
      for (var q = 0; q < 200; q++) {
        var value = sorted[Math.floor(q * (sorted.length - 1) / 199)];
        if (!picked.length || picked[picked.length - 1] !== value) picked.push(value);
      }
      distinct = picked;
    }
    if (distinct.length > 1) thresholds = distinct;
  }
  state.weightSteps = thresholds;
  var weightSlider = document.getElementById("min-weight"), weightOutput = document.getElementById("min-weight-value");
  function short(x) { return String(Number(x.toPrecision(4))); }
  if (thresholds.length) {
    document.getElementById("weight-control").hidden = false;
    weightSlider.max = String(thresholds.length - 1);
    weightSlider.value = "0";
    weightOutput.textContent = "\u2265 " + short(thresholds[0]);
    weightSlider.addEventListener("input", function () {
      var step = +weightSlider.value;
      minWeight = step > 0 ? thresholds[step] : null;
      weightOutput.textContent = "\u2265 " + short(thresholds[step]);
      applyVisibility();
    });
  }

  // Years: ties shown when one of their years lies in the range (all ties at the full range).
  if (years && years.values.length) {
    var low = Infinity, high = -Infinity;
    for (var y = 0; y < years.values.length; y++) {
      low = Math.min(low, years.values[y]);
      high = Math.max(high, years.values[y]);
    }
    var fromSlider = document.getElementById("year-from"), toSlider = document.getElementById("year-to");
    var yearOutput = document.getElementById("year-value");
    [fromSlider, toSlider].forEach(function (slider) { slider.min = String(low); slider.max = String(high); });
    fromSlider.value = String(low);
    toSlider.value = String(high);
    yearOutput.textContent = low + "\u2013" + high;
    state.yearSpan = [low, high];
    if (high > low) document.getElementById("year-control").hidden = false;
    var onYears = function (event) {
      var a = +fromSlider.value, b = +toSlider.value;
      if (a > b) {
        if (event && event.target === fromSlider) { toSlider.value = String(a); b = a; }
        else { fromSlider.value = String(b); a = b; }
      }
      yearOutput.textContent = a + "\u2013" + b;
      yearRange = a === low && b === high ? null : [a, b];
      applyVisibility();
    };
    fromSlider.addEventListener("input", onYears);
    toSlider.addEventListener("input", onYears);
  }

  // Downloads of the current view: PNG from the renderer's pixels, SVG built from positions.
  function save(blob, name) {
    var link = el("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
  }
  function fileName(extension) {
    var title = document.title.replace(/[^\w\u00C0-\u024F-]+/g, "_").replace(/^_+|_+$/g, "");
    return (title || "network") + "." + extension;
  }
  document.getElementById("download-png").addEventListener("click", function () {
    view.snapshot().toBlob(function (blob) { save(blob, fileName("png")); }, "image/png");
  });
  var SVG = "http://www.w3.org/2000/svg";
  function svgElement(tag, attributes) {
    var node = document.createElementNS(SVG, tag);
    for (var key in attributes) node.setAttribute(key, attributes[key]);
    return node;
  }
  function buildSvg() {
    var frame = container.getBoundingClientRect(), width = Math.round(frame.width), height = Math.round(frame.height);
    var svg = svgElement("svg", {xmlns: SVG, width: width, height: height, viewBox: "0 0 " + width + " " + height});
    svg.appendChild(svgElement("rect", {width: width, height: height, fill: "#fff"}));
    var at = new Array(nodeCount), inside = new Uint8Array(nodeCount);
    for (var i = 0; i < nodeCount; i++) {
      if (!nodeMask[i]) continue;
      at[i] = view.toScreen(i);
      inside[i] = at[i].x >= 0 && at[i].y >= 0 && at[i].x <= width && at[i].y <= height ? 1 : 0;
    }
    // Edges as text (numbers only): 100,000s of line elements through the DOM take seconds.
    var lines = [];
    for (var j = 0; j < edgeTotal; j++) {
      var a = edges.source[j], b = edges.target[j];
      if (!edgeMask[j] || !(inside[a] || inside[b])) continue;
      if (kept && a !== focusId && b !== focusId && data.renderer === "webgl") continue;  // as drawn
      var stroke = edges.width && !isNaN(edges.width[j]) ? (edges.width[j] / 2).toFixed(2) : "1";
      lines.push('<line x1="' + at[a].x.toFixed(1) + '" y1="' + at[a].y.toFixed(1) + '" x2="' + at[b].x.toFixed(1) +
        '" y2="' + at[b].y.toFixed(1) + '" stroke-width="' + stroke + '"/>');
    }
    svg.appendChild(svgElement("g", {id: "cn-edges", stroke: data.edgeColor,
      "stroke-opacity": edgeTotal > 50000 ? 0.12 : 0.45, fill: "none"}));
    var dots = svgElement("g", {}), labels = svgElement("g", {"font-family": "system-ui, Arial, sans-serif", "font-size": 13, fill: "#222"});
    for (i = 0; i < nodeCount; i++) {
      if (!nodeMask[i] || !inside[i]) continue;
      var r = Math.max(0.5, view.radius(i));
      dots.appendChild(svgElement("circle", {cx: at[i].x.toFixed(1), cy: at[i].y.toFixed(1), r: r.toFixed(2),
        fill: kept && !kept[i] ? FADED : data.nodes[i].color}));
    }
    state.leading.forEach(function (id) {
      if (!nodeMask[id] || !inside[id] || (kept && !kept[id])) return;
      var text = svgElement("text", {x: (at[id].x + view.radius(id) + 2).toFixed(1), y: (at[id].y + 4).toFixed(1)});
      text.textContent = data.nodes[id].label;
      labels.appendChild(text);
    });
    svg.appendChild(dots);
    svg.appendChild(labels);
    var text = new XMLSerializer().serializeToString(svg);
    var slot = text.indexOf('id="cn-edges"');
    var close = text.indexOf("/>", slot);
    return text.slice(0, close) + ">" + lines.join("") + "</g>" + text.slice(close + 2);
  }
  state.svg = buildSvg;
  document.getElementById("download-svg").addEventListener("click", function () {
    save(new Blob([buildSvg()], {type: "image/svg+xml"}), fileName("svg"));
  });

  // The renderer last: the header has its final height (sliders shown or not), so the drawing
  // area it measures is the one it keeps.
  view = window.clusternetRenderers[data.renderer](host);
  Object.keys(view.internals).forEach(function (key) { state[key] = view.internals[key]; });

  state.toScreen = view.toScreen;
  state.scale = view.scale;

  // Physics on demand (the canvas renderer only)
  var physicsBox = document.getElementById("physics");
  if (view.physics) {
    physicsBox.checked = data.physics;
    physicsBox.addEventListener("change", function () { view.physics(physicsBox.checked); });
  } else {
    document.getElementById("physics-control").hidden = true;
  }
  state.ready = true;
})();
