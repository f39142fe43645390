/*
 * Page-side logic of the console map (app/ui/map_view.py builds the page).
 *
 * Python drives the page through one entry point, window.sasMap.apply(cmdJson),
 * where cmdJson is a JSON string {"seq": int, "op": str, "args": {...}}.  The
 * page talks back through the QWebChannel object "bridge": pageReady(),
 * markerClicked(id) and commandApplied(seq, ok).
 *
 * Every text coming from data (names, labels, slots, phone numbers) is put in
 * the DOM with textContent, never innerHTML, so hostile strings stay inert.
 */
(function () {
  "use strict";

  var FRESHNESS = {
    lt4h: { color: "#2e7d32", label: "Premier créneau libre dans moins de 4 h", short: "< 4 h" },
    lt24h: { color: "#ef6c00", label: "Premier créneau libre dans moins de 24 h", short: "< 24 h" },
    lt72h: { color: "#f9a825", label: "Premier créneau libre dans moins de 72 h", short: "< 72 h" },
    none: { color: "#9e9e9e", label: "Pas de créneau libre sous 72 h", short: "Aucun" }
  };
  var BASE_STYLE = { radius: 7, color: "#263238", weight: 1.5, opacity: 1, fillOpacity: 0.95 };
  var SELECTED_STYLE = { radius: 11, color: "#0d47a1", weight: 3.5 };
  var PATIENT_COLOR = "#c62828";

  var state = {
    map: null, outlines: null, tiles: null, cluster: null, bridge: null,
    markers: new Map(), items: new Map(),
    patient: null, patientLatLng: null, ring: null, radiusKm: null,
    selectedId: null
  };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function freshness(key) { return FRESHNESS[key] || FRESHNESS.none; }

  function buildPopup(item) {
    var root = el("div", "sas-popup");
    root.dataset.effecteurId = item.id;
    root.appendChild(el("div", "sas-popup-name", item.name));
    root.appendChild(el("div", "sas-popup-kind", item.kind_label || item.kind));
    if (item.group_label) { root.appendChild(el("div", "sas-popup-group", "Groupe : " + item.group_label)); }
    root.appendChild(el("div", "sas-popup-fresh", freshness(item.freshness).label));
    if (item.stale) {
      root.appendChild(el("div", "sas-popup-stale", "⚠ Données anciennes : à vérifier avant de réserver"));
    }
    var slots = Array.isArray(item.next_slots) ? item.next_slots : [];
    if (slots.length) {
      root.appendChild(el("div", "sas-popup-title", "Prochains créneaux :"));
      var list = el("ul", "sas-popup-slots");
      slots.forEach(function (slot) { list.appendChild(el("li", null, slot)); });
      root.appendChild(list);
    } else {
      root.appendChild(el("div", "sas-popup-title",
        item.phone ? "Aucun créneau proposé : à appeler (en sus)" : "Aucun créneau proposé"));
    }
    if (item.phone) { root.appendChild(el("div", "sas-popup-phone", "Tél. : " + item.phone)); }
    return root;
  }

  function styleFor(item, selected) {
    var style = Object.assign({}, BASE_STYLE, { fillColor: freshness(item.freshness).color });
    return selected ? Object.assign(style, SELECTED_STYLE) : style;
  }

  function highlight(id) {
    if (state.selectedId !== null && state.markers.has(state.selectedId)) {
      var previous = state.markers.get(state.selectedId);
      previous.setStyle(styleFor(state.items.get(state.selectedId), false));
      previous.setRadius(BASE_STYLE.radius);
    }
    state.selectedId = null;
    var marker = state.markers.get(id);
    if (!marker) { return null; }
    state.selectedId = id;
    marker.setStyle(styleFor(state.items.get(id), true));
    marker.setRadius(SELECTED_STYLE.radius);
    if (marker._map) { marker.bringToFront(); }
    return marker;
  }

  function onMarkerClick(event) {
    var id = event.layer && event.layer.sasId;
    if (id === undefined) { return; }
    highlight(id);
    if (state.bridge) { state.bridge.markerClicked(id); }
  }

  function removeLayer(layer) { if (layer && state.map.hasLayer(layer)) { state.map.removeLayer(layer); } }

  function drawRing() {
    removeLayer(state.ring);
    state.ring = null;
    if (!state.patientLatLng || !(state.radiusKm > 0)) { return; }
    state.ring = L.circle(state.patientLatLng, {
      radius: state.radiusKm * 1000, color: PATIENT_COLOR, weight: 1.5, dashArray: "6 6",
      fill: true, fillOpacity: 0.04, interactive: false
    }).addTo(state.map);
  }

  var handlers = {
    show_patient: function (args) {
      removeLayer(state.patient);
      state.patientLatLng = L.latLng(args.lat, args.lon);
      state.patient = L.circleMarker(state.patientLatLng, {
        radius: 9, color: "#ffffff", weight: 3, fillColor: PATIENT_COLOR, fillOpacity: 1,
        interactive: false, pane: "sasPatient"
      }).addTo(state.map);
      var label = args.label ? "Patient : " + args.label : "Patient";
      state.patient.bindTooltip(el("span", "sas-patient-label", label),
        { permanent: true, direction: "top", offset: [0, -10] });
      drawRing();
    },
    show_radius: function (args) { state.radiusKm = args.km; drawRing(); },
    show_effecteurs: function (args) {
      state.cluster.clearLayers();
      state.markers.clear();
      state.items.clear();
      state.selectedId = null;
      var layers = [];
      args.items.forEach(function (item) {
        var marker = L.circleMarker([item.lat, item.lon], styleFor(item, false));
        marker.sasId = item.id;
        marker.bindPopup(function () { return buildPopup(item); }, { maxWidth: 320 });
        state.markers.set(item.id, marker);
        state.items.set(item.id, item);
        layers.push(marker);
      });
      state.cluster.addLayers(layers);
    },
    select: function (args) {
      var marker = highlight(args.id);
      if (!marker) { console.warn("sasMap: select: unknown effecteur " + args.id); return; }
      state.cluster.zoomToShowLayer(marker, function () {
        marker.bringToFront();
        marker.openPopup();
      });
    },
    fit: function () {
      var bounds = L.latLngBounds([]);
      if (state.patientLatLng) { bounds.extend(state.patientLatLng); }
      if (state.markers.size) { bounds.extend(state.cluster.getBounds()); }
      if (!bounds.isValid() && state.ring) { bounds.extend(state.ring.getBounds()); }
      if (!bounds.isValid()) { return; }
      if (bounds.getNorthEast().equals(bounds.getSouthWest())) {
        state.map.setView(bounds.getCenter(), 13);
      } else {
        state.map.fitBounds(bounds, { padding: [40, 40], maxZoom: 14 });
      }
    },
    clear: function () {
      state.map.closePopup();
      state.cluster.clearLayers();
      state.markers.clear();
      state.items.clear();
      state.selectedId = null;
      removeLayer(state.patient);
      removeLayer(state.ring);
      state.patient = state.ring = state.patientLatLng = state.radiusKm = null;
    }
  };

  // Report after the next paint when the page is visible (two animation
  // frames); hidden pages get no frames, so they report at once.
  function afterPaint(callback) {
    if (document.visibilityState !== "visible") { callback(); return; }
    requestAnimationFrame(function () { requestAnimationFrame(callback); });
  }

  function apply(cmdJson) {
    var cmd = JSON.parse(cmdJson);
    var ok = true;
    try {
      var handler = handlers[cmd.op];
      if (!handler) { throw new Error("unknown command " + cmd.op); }
      handler(cmd.args || {});
    } catch (err) {
      ok = false;
      console.error("sasMap: command " + cmd.op + " failed: " + (err && err.stack || err));
    }
    afterPaint(function () { if (state.bridge) { state.bridge.commandApplied(cmd.seq, ok); } });
    return ok;
  }

  function clusterIcon(cluster) {
    var count = cluster.getChildCount();
    var size = count < 10 ? 30 : count < 100 ? 36 : count < 1000 ? 42 : 48;
    var inner = el("div");
    inner.appendChild(el("span", null, count));
    return L.divIcon({
      html: inner, className: "sas-cluster", iconSize: L.point(size, size)
    });
  }

  function addLegend(map) {
    var legend = L.control({ position: "bottomleft" });
    legend.onAdd = function () {
      var box = el("div", "sas-legend");
      box.appendChild(el("div", "sas-legend-title", "Prochain créneau libre"));
      ["lt4h", "lt24h", "lt72h", "none"].forEach(function (key) {
        var row = el("div", "sas-legend-row");
        var dot = el("span", "sas-legend-dot");
        dot.style.background = FRESHNESS[key].color;
        row.appendChild(dot);
        row.appendChild(el("span", null, FRESHNESS[key].short));
        box.appendChild(row);
      });
      return box;
    };
    legend.addTo(map);
  }

  function init(map, layers) {
    state.map = map;
    state.outlines = layers.outlines || null;
    state.tiles = layers.tiles || null;
    map.attributionControl.setPrefix("Leaflet");
    map.createPane("sasPatient").style.zIndex = 640;
    state.cluster = L.markerClusterGroup({
      showCoverageOnHover: false, maxClusterRadius: 45, iconCreateFunction: clusterIcon,
      animate: false  // deterministic: no command lost to a running animation
    });
    state.cluster.on("click", onMarkerClick);
    map.addLayer(state.cluster);
    addLegend(map);
    if (typeof QWebChannel === "undefined" || typeof qt === "undefined") {
      console.warn("sasMap: no Qt web channel, running without the Python bridge");
      return;
    }
    new QWebChannel(qt.webChannelTransport, function (channel) {
      state.bridge = channel.objects.bridge;
      afterPaint(function () { state.bridge.pageReady(); });  // ready = outlines on screen
    });
  }

  /* Read-only view of the page state, for tests and diagnostics. */
  function inspect() {
    var popup = state.map._popup;
    var open = popup && state.map.hasLayer(popup) ? popup : null;
    var content = open && open._contentNode;
    return {
      zoom: state.map.getZoom(),
      markers: state.cluster.getLayers().length,
      outlines: state.outlines ? state.outlines.getLayers().length : 0,
      tiles: !!state.tiles,
      patient: state.patientLatLng ? [state.patientLatLng.lat, state.patientLatLng.lng] : null,
      radiusKm: state.ring ? state.radiusKm : null,
      selected: state.selectedId,
      popupId: open && open._source ? (open._source.sasId === undefined ? null : open._source.sasId) : null,
      popupText: content ? content.textContent : null
    };
  }

  window.sasMap = {
    init: init, apply: apply, inspect: inspect,
    marker: function (id) { return state.markers.get(id) || null; }
  };
})();
