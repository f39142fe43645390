/*
 * Page-side logic of the console map (app/ui/map_view.py builds the page).
 *
 * Python drives the page through one entry point, window.sasMap.apply(cmdJson),
 * where cmdJson is a JSON string {"seq": int, "op": str, "args": {...}}.  The
 * page talks back through the QWebChannel object "bridge": pageReady(),
 * markerClicked(id), placeRequested(lat, lon) (the user dragged the patient or
 * clicked the map: Python asks for confirmation) and commandApplied(seq, ok).
 *
 * What is shown: before a search, the SAMU's territory (its département
 * outlines, fitted) and its effecteurs clustered and coloured by their next free
 * slot; after a search, the results, fitted with the patient and the ring.
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
  var HALO_STYLE = { radius: 16, color: "#0d47a1", weight: 3, fill: false, interactive: false, pane: "sasSelection" };
  var TERRITORY_STYLE = { color: "#37474f", weight: 2.5, opacity: 1, fill: false };
  var PATIENT_COLOR = "#c62828";
  var FIT_OPTIONS = { padding: [30, 30], maxZoom: 15 };

  var state = {
    map: null, outlines: null, tiles: null, cluster: null, clusters: null, bridge: null,
    markers: new Map(), items: new Map(),
    patient: null, patientLatLng: null, patientLabel: "", ring: null, radiusKm: null,
    selectedId: null, halo: null, candidate: null, placing: true,
    territory: [], territoryBounds: null, territoryItems: [], showing: "territory", autoView: null
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
    removeLayer(state.halo);
    state.halo = null;
    var marker = state.markers.get(id);
    if (!marker) { return null; }
    state.selectedId = id;
    marker.setStyle(styleFor(state.items.get(id), true));
    marker.setRadius(SELECTED_STYLE.radius);
    if (marker._map) { marker.bringToFront(); }
    // The halo is outside the cluster layer: the choice shows even while the marker is clustered.
    state.halo = L.circleMarker(marker.getLatLng(), HALO_STYLE).addTo(state.map);
    return marker;
  }

  /* Bring a point into view without losing the patient: extend the view, else pan. */
  function reveal(latlng) {
    var view = state.map.getBounds();
    if (view.contains(latlng)) { return; }
    state.autoView = null;
    if (state.patientLatLng && view.contains(state.patientLatLng)) {
      state.map.fitBounds(view.extend(latlng), { padding: [20, 20] });
    } else {
      state.map.panTo(latlng);
    }
  }

  /* Territory markers cluster widely (hundreds of them); a search's few dozen only when they overlap. */
  function drawItems(items, group) {
    state.map.closePopup();
    state.cluster.clearLayers();
    if (group && group !== state.cluster) {
      state.map.removeLayer(state.cluster);
      state.cluster = group;
      state.map.addLayer(group);
    }
    state.markers.clear();
    state.items.clear();
    state.selectedId = null;
    removeLayer(state.halo);
    state.halo = null;
    var layers = [];
    items.forEach(function (item) {
      var marker = L.circleMarker([item.lat, item.lon], styleFor(item, false));
      marker.sasId = item.id;
      marker.bindPopup(function () { return buildPopup(item); }, { maxWidth: 320 });
      state.markers.set(item.id, marker);
      state.items.set(item.id, item);
      layers.push(marker);
    });
    state.cluster.addLayers(layers);
  }

  function fitTerritory() {
    if (state.territoryBounds) { state.map.fitBounds(state.territoryBounds, { padding: [10, 10] }); }
    state.autoView = "territory";
  }

  function patientIcon(pending) {
    return L.divIcon({
      className: "sas-patient" + (pending ? " sas-patient-pending" : ""),
      html: "<div></div>", iconSize: L.point(22, 22), iconAnchor: L.point(11, 11)
    });
  }

  function requestPlace(latlng) {
    state.candidate = latlng;
    state.patient.setLatLng(latlng);
    state.patient.setIcon(patientIcon(true));
    if (state.bridge) { state.bridge.placeRequested(latlng.lat, latlng.lng); }
  }

  function onMapClick(event) {
    if (!state.patient || !state.placing) { return; }
    requestPlace(event.latlng);
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
      state.candidate = null;
      state.patientLatLng = L.latLng(args.lat, args.lon);
      state.patientLabel = args.label || "";
      state.patient = L.marker(state.patientLatLng, {
        icon: patientIcon(false), draggable: state.placing, keyboard: false, pane: "sasPatient",
        title: "Patient : glisser pour placer l'adresse exacte", autoPan: true
      }).addTo(state.map);
      state.patient.on("dragend", function () { requestPlace(state.patient.getLatLng()); });
      var label = args.label ? "Patient : " + args.label : "Patient";
      state.patient.bindTooltip(el("span", "sas-patient-label", label),
        { permanent: true, direction: "top", offset: [0, -12] });
      drawRing();
      if (!state.map.getBounds().contains(state.patientLatLng)) { state.map.panTo(state.patientLatLng); }
    },
    place_cancel: function () {
      state.candidate = null;
      if (state.patient) {
        state.patient.setLatLng(state.patientLatLng);
        state.patient.setIcon(patientIcon(false));
      }
    },
    set_placing: function (args) {
      state.placing = !!args.enabled;
      if (state.patient && state.patient.dragging) {
        if (state.placing) { state.patient.dragging.enable(); } else { state.patient.dragging.disable(); }
      }
    },
    show_territory: function (args) {
      state.territoryItems = args.items || [];
      if (state.showing === "territory") { drawItems(state.territoryItems, state.clusters.territory); }
    },
    show_radius: function (args) { state.radiusKm = args.km; drawRing(); },
    show_effecteurs: function (args) {
      state.showing = "results";
      drawItems(args.items, state.clusters.results);
    },
    select: function (args) {
      var marker = highlight(args.id);
      if (!marker) { console.warn("sasMap: select: unknown effecteur " + args.id); return; }
      reveal(marker.getLatLng());
    },
    fit: function () {
      // The patient, the whole ring and every result: nothing of the search off-screen.
      var bounds = L.latLngBounds([]);
      if (state.patientLatLng) { bounds.extend(state.patientLatLng); }
      if (state.ring) { bounds.extend(state.ring.getBounds()); }
      if (state.markers.size) { bounds.extend(state.cluster.getBounds()); }
      if (!bounds.isValid()) { fitTerritory(); return; }
      if (bounds.getNorthEast().equals(bounds.getSouthWest())) {
        state.map.setView(bounds.getCenter(), 13);
      } else {
        state.map.fitBounds(bounds, FIT_OPTIONS);
      }
      state.autoView = "fit";
    },
    clear: function () {
      state.showing = "territory";
      drawItems(state.territoryItems, state.clusters.territory);
      removeLayer(state.patient);
      removeLayer(state.ring);
      state.patient = state.ring = state.patientLatLng = state.radiusKm = state.candidate = null;
      fitTerritory();
    }
  };

  // Report after the next paint when the page is visible (two animation
  // frames); hidden pages get no frames, so they report at once.
  function afterPaint(callback) {
    if (document.visibilityState !== "visible") { callback(); return; }
    requestAnimationFrame(function () { requestAnimationFrame(callback); });
  }

  // A page loaded while hidden (the console preloads it before its window shows) reported ready at
  // once; shown, it reports again after its first paint on screen (or after 1 s if it never becomes visible).
  function reportPainted() {
    if (!state.bridge) { return false; }
    var done = false;
    function report() { if (!done) { done = true; state.bridge.pageReady(); } }
    function onVisible() {
      if (document.visibilityState !== "visible") { return; }
      document.removeEventListener("visibilitychange", onVisible);
      afterPaint(report);
    }
    document.addEventListener("visibilitychange", onVisible);
    onVisible();
    setTimeout(report, 1000);
    return true;
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

  var FRESHNESS_ORDER = ["lt4h", "lt24h", "lt72h", "none"];

  /* A cluster takes the colour of its best child: green if one of them has a slot within 4 h. */
  function clusterIcon(cluster) {
    var count = cluster.getChildCount();
    var size = count < 10 ? 30 : count < 100 ? 36 : count < 1000 ? 42 : 48;
    var best = FRESHNESS_ORDER.length - 1;
    cluster.getAllChildMarkers().forEach(function (marker) {
      var item = state.items.get(marker.sasId);
      var rank = item ? FRESHNESS_ORDER.indexOf(item.freshness) : -1;
      if (rank >= 0 && rank < best) { best = rank; }
    });
    var inner = el("div");
    inner.style.background = FRESHNESS[FRESHNESS_ORDER[best]].color;
    inner.dataset.freshness = FRESHNESS_ORDER[best];
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

  /* The SAMU's départements: drawn darker, and their bounds are the opening view. */
  function markTerritory(codes) {
    state.territory = Array.isArray(codes) ? codes.map(String) : [];
    var bounds = L.latLngBounds([]);
    if (state.outlines && state.territory.length) {
      state.outlines.eachLayer(function (layer) {
        var code = layer.feature && layer.feature.properties && String(layer.feature.properties.code);
        if (state.territory.indexOf(code) >= 0) {
          layer.setStyle(TERRITORY_STYLE);
          bounds.extend(layer.getBounds());
        }
      });
    }
    state.territoryBounds = bounds.isValid() ? bounds : null;
    fitTerritory();
  }

  function init(map, layers) {
    state.map = map;
    state.outlines = layers.outlines || null;
    state.tiles = layers.tiles || null;
    map.attributionControl.setPrefix("Leaflet");
    map.createPane("sasSelection").style.zIndex = 630;
    map.createPane("sasPatient").style.zIndex = 640;
    markTerritory(layers.territory);
    map.on("click", onMapClick);
    // A view the page chose (territory, fit) follows the map's size until the user moves it himself.
    map.on("resize", function () {
      if (state.autoView === "territory") { fitTerritory(); } else if (state.autoView === "fit") { handlers.fit(); }
    });
    ["mousedown", "wheel", "touchstart", "keydown"].forEach(function (type) {
      map.getContainer().addEventListener(type, function () { state.autoView = null; }, { passive: true });
    });
    function clusterGroup(radius) {
      var group = L.markerClusterGroup({
        showCoverageOnHover: false, maxClusterRadius: radius, iconCreateFunction: clusterIcon,
        animate: false  // deterministic: no command lost to a running animation
      });
      group.on("click", onMarkerClick);
      return group;
    }
    state.clusters = { territory: clusterGroup(45), results: clusterGroup(14) };
    state.cluster = state.clusters.territory;
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
    var view = state.map.getBounds();
    var clusters = 0, singles = 0;
    state.cluster._featureGroup.eachLayer(function (layer) {
      if (layer instanceof L.MarkerCluster) { clusters += 1; } else { singles += 1; }
    });
    var selected = state.selectedId !== null ? state.markers.get(state.selectedId) : null;
    return {
      zoom: state.map.getZoom(),
      view: [view.getSouth(), view.getWest(), view.getNorth(), view.getEast()],
      markers: state.cluster.getLayers().length,
      clusters: clusters,
      singles: singles,
      showing: state.showing,
      territory: state.territory,
      territoryBounds: state.territoryBounds ? [state.territoryBounds.getSouth(), state.territoryBounds.getWest(),
        state.territoryBounds.getNorth(), state.territoryBounds.getEast()] : null,
      patientInView: state.patientLatLng ? view.contains(state.patientLatLng) : null,
      ringInView: state.ring ? view.contains(state.ring.getBounds()) : null,
      markersInView: state.markers.size ? view.contains(state.cluster.getBounds()) : null,
      selectedInView: selected ? view.contains(selected.getLatLng()) : null,
      halo: state.halo ? [state.halo.getLatLng().lat, state.halo.getLatLng().lng] : null,
      candidate: state.candidate ? [state.candidate.lat, state.candidate.lng] : null,
      patientMarker: state.patient ? [state.patient.getLatLng().lat, state.patient.getLatLng().lng] : null,
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
    init: init, apply: apply, inspect: inspect, reportPainted: reportPainted,
    marker: function (id) { return state.markers.get(id) || null; },
    patient: function () { return state.patient; },
    /* Open an effecteur's popup as a click would (zooming into its cluster): for tests and diagnostics. */
    openPopup: function (id) {
      var marker = state.markers.get(id);
      if (marker) { state.cluster.zoomToShowLayer(marker, function () { marker.openPopup(); }); }
      return !!marker;
    }
  };
})();
