// The plan's map (Leaflet, packaged): each route in its colour with numbered stops,
// packing houses labelled. The background is plain by default (no network needed);
// OpenStreetMap tiles are offered in the layer button only when the browser is online.
(function () {
  "use strict";
  var el = document.getElementById("map");
  var dataEl = document.getElementById("map-data");
  if (!el || !dataEl || !window.L) return;
  var data = JSON.parse(dataEl.textContent);
  var map = L.map(el, { preferCanvas: false, zoomSnap: 0.25 });
  var plain = L.layerGroup();  // no tiles: the routes on the page's own background
  plain.addTo(map);
  var bases = { "—": plain };
  if (navigator.onLine) {
    bases["OpenStreetMap"] = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 18, attribution: "&copy; OpenStreetMap contributors" });
  }
  var overlays = {};
  var bounds = [];
  data.routes.forEach(function (r) {
    var group = L.layerGroup();
    var line = r.stops.map(function (s) { return [s.lat, s.lon]; });
    L.polyline(line, { color: r.color, weight: 3, opacity: 0.85 }).bindTooltip(r.vehicle_id).addTo(group);
    r.stops.forEach(function (s) {
      if (s.kind === "start" || s.kind === "end") return;
      bounds.push([s.lat, s.lon]);
      var icon = L.divIcon({ className: "", iconSize: [22, 22], iconAnchor: [11, 11],
        html: '<div class="num-marker ' + s.kind + '" style="--c:' + r.color + '">' + s.n + "</div>" });
      var text = r.vehicle_id + " · " + s.n + " · " + s.arrival + " · " + s.name +
        (s.lots.length ? " · " + s.lots.join(", ") : "") + (s.done ? " ✔" : "");
      L.marker([s.lat, s.lon], { icon: icon, keyboard: true, title: text }).bindTooltip(text).addTo(group);
    });
    group.addTo(map);
    overlays[r.vehicle_id] = group;
  });
  data.packing_houses.forEach(function (p) {
    bounds.push([p.lat, p.lon]);
    L.marker([p.lat, p.lon], { icon: L.divIcon({ className: "ph-marker", html: p.name, iconAnchor: [0, 0] }) })
      .addTo(map);
  });
  L.control.layers(bases, {}, { collapsed: true }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
  if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20] }); } else { map.setView([21.4, 106.6], 10); }

  // Per-driver filter: the check boxes beside each route.
  document.querySelectorAll(".route-toggle").forEach(function (box) {
    box.addEventListener("change", function () {
      var g = overlays[box.dataset.vehicle];
      if (!g) return;
      if (box.checked) { g.addTo(map); } else { map.removeLayer(g); }
    });
  });
})();
