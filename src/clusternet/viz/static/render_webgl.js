// The WebGL renderer of clusternet.to_html: sigma.js 3 on a graphology graph (both inlined
// before this file, from static/vendor/; see its README.md).
//
// It registers window.clusternetRenderers.webgl(host), which app.js calls once with the page
// data and the callbacks of the side panel; what it returns is the renderer interface written at
// the top of app.js, the same as render_canvas.js. Node i is graphology node "i" and edge i is
// edge "i". Sigma's y axis points up, the page data's down, so y is turned over here and back in
// positions().
// This comment block (the leading // lines) is left out of the page.

(function () {
  "use strict";
  var renderers = window.clusternetRenderers = window.clusternetRenderers || {};
  renderers.webgl = function (host) {
    var data = host.data, edgeArrays = host.edges, container = host.container;
    var n = data.nodes.length, m = edgeArrays.count;
    var FADED = host.faded;
    // Many edges: 1-pixel GL lines instead of rectangles, lighter, hidden while the camera
    // moves, and at rest at most EDGE_BUDGET of them drawn (the strongest first, more as the
    // reader zooms in). Software WebGL (SwiftShader, what a machine without a GPU has) fills
    // some 10^7 line pixels a second: the 433,508 ties of the H2020 page took 6 to 9 s a frame,
    // and the next frame of a pan waited for it.
    var MANY = 50000, EDGE_BUDGET = 40000;
    var many = m > MANY;
    // Many nodes: sigma's point program (one vertex a node) instead of its instanced circles,
    // which software WebGL draws one instance at a time (25,793 nodes: 750 ms a pass against
    // 70 ms, and sigma draws them twice a frame, for the picture and for picking).
    var POINTS = 2000;
    var graph = new graphology.Graph({type: data.directed ? "directed" : "undirected",
      multi: data.multigraph, allowSelfLoops: true});
    // Node radius on screen: the page pixels vis-network would show when fitting the whole
    // layout, but never below a fifth (25,000 nodes would be specks).
    var frame = container.getBoundingClientRect();
    var shrink = Math.max(0.2, Math.min(1, Math.min(frame.width || 800, frame.height || 600) / (2.2 * data.scale)));
    for (var i = 0; i < n; i++) {
      var node = data.nodes[i];
      graph.addNode(String(i), {x: node.x || 0, y: -(node.y || 0), size: node.size * shrink,
        color: node.color, label: node.label});
    }
    // Edge colours are opaque (sigma 3 draws no edge whose colour has an alpha channel in
    // software WebGL): the page's edge colour mixed with white as vis-network's opacity would.
    // An edge between two nodes of one colour (one community, one country) takes a light tint
    // of it, so that the groups a colour marks show in the edges too.
    var HEX = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i;
    var rgb = HEX.exec(data.edgeColor);
    var opacity = many ? 0.3 : 0.45;
    function mixed(hex, share) {
      return "rgb(" + [1, 2, 3].map(function (k) {
        return Math.round(255 - share * (255 - parseInt(hex[k], 16)));
      }).join(",") + ")";
    }
    var edgeColor = rgb ? mixed(rgb, opacity) : data.edgeColor;
    var tints = {};
    function tint(color) {
      if (!(color in tints)) {
        var hex = HEX.exec(color);
        tints[color] = hex ? mixed(hex, opacity) : null;
      }
      return tints[color];
    }
    var widthScale = many ? 0.5 : 0.6;
    // Edges enter the graph strongest first (edge i keeps the key "i"), so that sigma's buffer
    // holds them in that order and the budget below draws a prefix of it.
    var order = new Uint32Array(m);
    for (var e = 0; e < m; e++) order[e] = e;
    if (many && edgeArrays.weight) {
      var weight = edgeArrays.weight;
      order.sort(function (a, b) {
        var wa = isNaN(weight[a]) ? -Infinity : weight[a], wb = isNaN(weight[b]) ? -Infinity : weight[b];
        return (wb - wa) || (a - b);
      });
    }
    for (var k = 0; k < m; k++) {
      var id = order[k], attributes = {};
      if (edgeArrays.width && !isNaN(edgeArrays.width[id])) attributes.size = edgeArrays.width[id] * widthScale;
      var from = data.nodes[edgeArrays.source[id]].color;
      if (from === data.nodes[edgeArrays.target[id]].color && tint(from)) attributes.color = tint(from);
      graph.addEdgeWithKey(String(id), String(edgeArrays.source[id]), String(edgeArrays.target[id]), attributes);
    }
    host.marks.datasets = performance.now();

    var nodeShown = null, edgeShown = null, keep = null, focus = null, selected = {};
    // The leading labels shown: those of host.leading (most prominent first) whose boxes do not
    // overlap a more prominent one's at the current zoom, so that they never pile up.
    var leading = {};
    function nodeReducer(key, attributes) {
      var i = +key, out = {};
      for (var name in attributes) out[name] = attributes[name];
      if (nodeShown && !nodeShown[i]) out.hidden = true;
      if (keep && !keep[i]) { out.color = FADED; out.label = null; out.zIndex = 0; }
      else if (leading[i]) { out.forceLabel = true; out.zIndex = 1; }
      if (selected[i]) { out.highlighted = true; out.forceLabel = true; }
      return out;
    }
    function edgeReducer(key, attributes) {
      var i = +key;
      if ((edgeShown && !edgeShown[i]) ||
          (focus !== null && edgeArrays.source[i] !== focus && edgeArrays.target[i] !== focus)) {
        return {hidden: true};
      }
      if (focus !== null) {
        var out = {};
        for (var name in attributes) out[name] = attributes[name];
        out.color = "#555";
        return out;
      }
      return attributes;
    }
    var settings = {
      allowInvalidContainer: true,
      defaultEdgeColor: edgeColor,
      defaultEdgeType: data.directed && !many ? "arrow" : "line",
      hideEdgesOnMove: many || data.large,
      hideLabelsOnMove: false,
      renderEdgeLabels: false,
      enableEdgeEvents: m <= MANY,
      labelFont: "system-ui, Arial, sans-serif",
      labelSize: 13,
      labelWeight: "normal",
      labelColor: {color: "#222"},
      // Other labels appear as the reader zooms in and their nodes grow past 8 screen pixels.
      labelRenderedSizeThreshold: 8,
      labelDensity: 0.5,
      zIndex: true,
      minCameraRatio: 0.005,
      maxCameraRatio: 4,
      stagePadding: 20,
      nodeReducer: nodeReducer,
      edgeReducer: edgeReducer
    };
    // At rest, the edges drawn are the first `drawnSlots` of sigma's buffer: the EDGE_BUDGET
    // strongest of those shown, at every zoom (zoomed in, the lines that cross the view are
    // longer, so more edges would cost more line pixels, not fewer), and every edge of a clicked
    // node (the others are hidden, so they cost nothing).
    var drawnSlots = m;
    function budget() {
      if (!many) return;
      var wanted = focus !== null ? m : Math.min(m, EDGE_BUDGET);
      var slots = 0, shown = 0;
      for (; slots < m && shown < wanted; slots++) if (!edgeShown || edgeShown[order[slots]]) shown++;
      drawnSlots = focus !== null ? m : slots;
      host.edgesDrawn(focus !== null ? null : shown);
    }
    if (many) {
      // Sigma uploads its whole buffer on every frame: only the prefix drawn goes up (the 433,508
      // edges of H2020 are 14 MB, and a rest frame waited seconds for them on a loaded machine).
      var BudgetLine = class extends Sigma.rendering.EdgeLineProgram {
        render(params) {
          var all = this.verticesCount, full = this.array;
          this.verticesCount = Math.min(all, 2 * drawnSlots);
          this.array = full.subarray(0, this.verticesCount * this.ATTRIBUTES_ITEMS_COUNT);
          try {
            super.render(params);
          } finally {
            this.verticesCount = all;
            this.array = full;
          }
        }
      };
      settings.edgeProgramClasses = {line: BudgetLine};
    }
    if (n > POINTS) settings.nodeProgramClasses = {circle: Sigma.rendering.NodePointProgram};
    var state = {labelled: []};
    budget();
    var renderer = new Sigma(graph, container, settings);
    host.marks.network = performance.now();
    // The constructor has drawn the first frame; it is on screen at the next animation frame.
    requestAnimationFrame(function () { host.drawn(); });

    renderer.on("enterNode", function (p) { host.hoverNode(+p.node, p.event.x, p.event.y); });
    renderer.on("leaveNode", function (p) { host.blurNode(+p.node); });
    renderer.on("enterEdge", function (p) { host.hoverEdge(+p.edge, p.event.x, p.event.y); });
    renderer.on("leaveEdge", function (p) { host.blurEdge(+p.edge); });
    renderer.on("clickNode", function (p) { host.clickNode(+p.node); });
    renderer.on("clickEdge", function (p) { host.clickEdge(+p.edge); });
    renderer.on("clickStage", function () { host.clickStage(); });
    var camera = renderer.getCamera();
    camera.on("updated", host.moved);
    if (many) {
      // Sigma hides the edges while the camera is animated; with many edges they also stay
      // hidden until the view has been still for 300 ms, so that a gesture of several wheel
      // steps or drags queues one full redraw at its end (software WebGL takes most of a second
      // for 400,000 edges) instead of one per pause.
      var lastMove = 0, animated = camera.isAnimated.bind(camera), settle = null;
      camera.isAnimated = function () { return animated() || performance.now() - lastMove < 300; };
      camera.on("updated", function () {
        lastMove = performance.now();
        clearTimeout(settle);
        settle = setTimeout(function () { renderer.scheduleRender(); }, 320);
      });
    }
    function declutter() {
      var boxes = [], next = {}, changed = [];
      host.leading.forEach(function (id) {
        var a = graph.getNodeAttributes(String(id));
        var at = renderer.graphToViewport({x: a.x, y: a.y});
        var box = [at.x, at.y - 9, at.x + 12 + 7 * Math.min(a.label.length, 40), at.y + 9];
        var free = boxes.every(function (b) { return box[2] < b[0] || box[0] > b[2] || box[3] < b[1] || box[1] > b[3]; });
        if (free) { boxes.push(box); next[id] = true; }
      });
      host.leading.forEach(function (id) { if (!!next[id] !== !!leading[id]) changed.push(String(id)); });
      leading = next;
      state.labelled = host.leading.filter(function (id) { return next[id]; });
      if (changed.length) renderer.refresh({partialGraph: {nodes: changed}, skipIndexation: true, schedule: true});
    }
    var pending = false;
    camera.on("updated", function () {
      if (pending) return;
      pending = true;
      requestAnimationFrame(function () { pending = false; declutter(); });
    });
    declutter();
    // Sigma measures its container once; follow the window and the side panel.
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        var size = renderer.getDimensions();
        if (size.width !== container.offsetWidth || size.height !== container.offsetHeight) {
          renderer.resize();
          renderer.refresh();
        }
      }).observe(container);
    }

    return {
      internals: {sigma: renderer, graph: graph, labelled: function () { return state.labelled; }},
      positions: function () {
        var out = new Array(n);
        for (var i = 0; i < n; i++) {
          var a = graph.getNodeAttributes(String(i));
          out[i] = [a.x, -a.y];
        }
        return out;
      },
      toScreen: function (i) {
        var a = graph.getNodeAttributes(String(i));
        return renderer.graphToViewport({x: a.x, y: a.y});
      },
      radius: function (i) {
        var shown = renderer.getNodeDisplayData(String(i));
        return shown ? renderer.scaleSize(shown.size) : 0;
      },
      show: function (nodeMask, edgeMask) {
        nodeShown = nodeMask.slice();
        edgeShown = edgeMask.slice();
        budget();
        renderer.refresh();
      },
      fade: function (kept, id) {
        keep = kept;
        focus = kept ? id : null;
        budget();
        renderer.refresh();
      },
      select: function (ids) {
        selected = {};
        ids.forEach(function (i) { selected[i] = true; });
        renderer.refresh();
      },
      fit: function (ids) {
        if (!ids.length) return;
        var low = [Infinity, Infinity], high = [-Infinity, -Infinity];
        ids.forEach(function (i) {
          var shown = renderer.getNodeDisplayData(String(i));
          if (!shown) return;
          low = [Math.min(low[0], shown.x), Math.min(low[1], shown.y)];
          high = [Math.max(high[0], shown.x), Math.max(high[1], shown.y)];
        });
        if (low[0] === Infinity) return;
        var ratio = Math.max(high[0] - low[0], high[1] - low[1]) * 1.3;
        camera.setState({x: (low[0] + high[0]) / 2, y: (low[1] + high[1]) / 2,
          ratio: Math.min(1, Math.max(0.02, ratio))});
      },
      snapshot: function () {
        // A WebGL canvas keeps its pixels only until the frame is composited, so draw now and
        // copy every layer in the same task, bottom to top.
        renderer.render();
        var layers = renderer.getCanvases();
        var base = layers.nodes || container.querySelector("canvas");
        var out = host.blankCanvas(base.width, base.height);
        ["edges", "edgeLabels", "nodes", "labels", "hovers", "hoverNodes"].forEach(function (name) {
          if (layers[name]) out.context.drawImage(layers[name], 0, 0, base.width, base.height);
        });
        return out.canvas;
      },
      scale: function () { return 1 / camera.getState().ratio; },
      physics: null
    };
  };
})();
