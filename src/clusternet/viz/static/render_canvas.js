// The canvas renderer of clusternet.to_html: vis-network (inlined before this file, from pyvis).
//
// It registers window.clusternetRenderers.canvas(host), which app.js calls once with the page
// data and the callbacks of the side panel; what it returns is the renderer interface written at
// the top of app.js, the same for render_webgl.js. Everything else (legend, search, filter,
// sliders, downloads, window.clusternet) lives in app.js.
// This comment block (the leading // lines) is left out of the page.

(function () {
  "use strict";
  var renderers = window.clusternetRenderers = window.clusternetRenderers || {};
  renderers.canvas = function (host) {
    var data = host.data, edgeArrays = host.edges;
    var FADED = host.faded;
    var nodes = new vis.DataSet(data.nodes.map(function (n) {
      var item = {id: n.id, label: n.label, color: paintColor(n.color), size: n.size};
      if (n.x !== undefined) { item.x = n.x; item.y = n.y; }
      return item;
    }));
    var edgeItems = new Array(edgeArrays.count);
    for (var i = 0; i < edgeArrays.count; i++) {
      var item = {id: i, from: edgeArrays.source[i], to: edgeArrays.target[i]};
      if (edgeArrays.width && !isNaN(edgeArrays.width[i])) item.width = edgeArrays.width[i];
      edgeItems[i] = item;
    }
    var edges = new vis.DataSet(edgeItems);
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
    host.marks.datasets = performance.now();
    var network = new vis.Network(host.container, {nodes: nodes, edges: edges}, options);
    host.marks.network = performance.now();

    function paintColor(color) {
      return {background: color, border: color, highlight: {background: color, border: "#000"},
        hover: {background: color, border: "#000"}};
    }
    // The leading labels keep about 13 screen pixels whatever the zoom (their font grows as the
    // view zooms out), except those whose box would overlap a more prominent one's at this
    // zoom: they follow vis-network's scaling and its drawThreshold like every other label, so
    // that the names at the centre of a dense network do not pile up (the WebGL view does the
    // same). host.leading is most prominent first, so the first one is always labelled.
    var labelled = [];
    function sizeLeadingLabels() {
      var size = Math.max(14, 13 / network.getScale());
      var at = network.getPositions(host.leading), boxes = [], updates = [];
      labelled = [];
      host.leading.forEach(function (id) {
        var p = network.canvasToDOM(at[id]);
        var half = 3.6 * Math.min(String(data.nodes[id].label).length, 40) + 4;
        var box = [p.x - half, p.y - 10, p.x + half, p.y + 22];  // vis-network writes under the dot
        var free = boxes.every(function (b) { return box[2] < b[0] || box[0] > b[2] || box[3] < b[1] || box[1] > b[3]; });
        if (free) { boxes.push(box); labelled.push(id); }
        updates.push({id: id, font: {size: free ? size : 14}});
      });
      nodes.update(updates);
    }
    network.once("afterDrawing", function () {
      sizeLeadingLabels();
      host.drawn();
    });
    network.on("zoom", function () { sizeLeadingLabels(); host.moved(); });
    network.on("dragStart", host.moved);
    network.on("hoverNode", function (p) { host.hoverNode(p.node, p.pointer.DOM.x, p.pointer.DOM.y); });
    network.on("hoverEdge", function (p) { host.hoverEdge(p.edge, p.pointer.DOM.x, p.pointer.DOM.y); });
    network.on("blurNode", function (p) { host.blurNode(p.node); });
    network.on("blurEdge", function (p) { host.blurEdge(p.edge); });
    network.on("click", function (p) {
      if (p.nodes.length) host.clickNode(p.nodes[0]);
      else if (p.edges.length) host.clickEdge(p.edges[0]);
      else host.clickStage();
    });

    var nodeShown = null, edgeShown = null;
    return {
      internals: {network: network, nodes: nodes, edges: edges, labelled: function () { return labelled.slice(); }},
      positions: function () {
        var at = network.getPositions(), out = new Array(data.nodes.length);
        for (var i = 0; i < out.length; i++) out[i] = [at[i].x, at[i].y];
        return out;
      },
      toScreen: function (i) { return network.canvasToDOM(network.getPositions([i])[i]); },
      radius: function (i) { return data.nodes[i].size * network.getScale(); },
      show: function (nodeMask, edgeMask) {
        var nodeUpdates = [], edgeUpdates = [];
        for (var i = 0; i < nodeMask.length; i++) {
          if (!nodeShown || nodeShown[i] !== nodeMask[i]) nodeUpdates.push({id: i, hidden: !nodeMask[i]});
        }
        for (var j = 0; j < edgeMask.length; j++) {
          if (!edgeShown || edgeShown[j] !== edgeMask[j]) edgeUpdates.push({id: j, hidden: !edgeMask[j]});
        }
        nodeShown = nodeMask.slice();
        edgeShown = edgeMask.slice();
        if (nodeUpdates.length) nodes.update(nodeUpdates);
        if (edgeUpdates.length) edges.update(edgeUpdates);
      },
      fade: function (keep) {
        nodes.update(data.nodes.map(function (n) {
          return {id: n.id, color: paintColor(!keep || keep[n.id] ? n.color : FADED)};
        }));
      },
      select: function (ids) {
        if (ids.length) network.selectNodes(ids); else network.unselectAll();
      },
      fit: function (ids) { network.fit({nodes: ids.slice(0, 200), animation: false}); },
      snapshot: function () {
        var source = host.container.querySelector("canvas");
        var out = host.blankCanvas(source.width, source.height);
        out.context.drawImage(source, 0, 0);
        return out.canvas;
      },
      scale: function () { return network.getScale(); },
      physics: function (on) { network.setOptions({physics: {enabled: on}}); }
    };
  };
})();
