// The web view's one page: a Leaflet map of the site, tracks and truth, and the run's health beside it.

/// The page `/` serves. It loads only what the server serves (Leaflet from `/leaflet/`, tiles from
/// `/tiles/` when there are any) and opens `/ws`, whose snapshots (``LiveSnapshot``) it draws.
///
/// Everything a peer can name (a source, a sensor, a drone id) reaches the page as text only: labels
/// and tables are built with `textContent`, never `innerHTML`, so a source named `<script>` is shown,
/// not run.
enum LiveViewPage {
    static let html = #"""
<!DOCTYPE html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Haechi live</title>
<link rel="stylesheet" href="/leaflet/leaflet.css">
<style>
  html, body { margin: 0; height: 100%; font: 13px/1.35 "Noto Sans KR", "NanumGothic", "DejaVu Sans", sans-serif; background: #0e1621; color: #dde3ea; }
  #app { display: flex; height: 100%; }
  #map { flex: 1; background: #0e1621; }
  .leaflet-container { background: #0e1621; }
  #panel { width: 380px; overflow-y: auto; padding: 10px 12px; box-sizing: border-box; border-left: 1px solid #26313d; }
  h1 { font-size: 15px; margin: 0 0 4px; }
  .muted { color: #8a96a3; }
  #connection { font-weight: bold; }
  #connection.up { color: #5cc98a; } #connection.down { color: #e0564f; }
  .counts { display: grid; grid-template-columns: 150px 1fr; gap: 2px 10px; margin: 8px 0; }
  .counts span { overflow-wrap: anywhere; }
  #alarms { margin: 8px 0; }
  .alarm { background: #5a1d1d; border-left: 4px solid #e0564f; padding: 3px 6px; margin: 2px 0; font-weight: bold; }
  .alarm.silent { background: #4a3b12; border-left-color: #e0b84f; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: right; padding: 2px 4px; border-bottom: 1px solid #26313d; white-space: nowrap; }
  th:first-child, td:first-child { text-align: left; max-width: 140px; overflow: hidden; text-overflow: ellipsis; }
  tr.stale td { color: #ff8a80; }
  .legend span { display: inline-block; margin-right: 10px; }
  .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 4px; vertical-align: middle; }
  .haechi-label { background: rgba(14, 22, 33, 0.8); color: #dde3ea; border: none; box-shadow: none; font-size: 11px; padding: 1px 4px; }
  .haechi-label::before { display: none; }
  .haechi-label-truth { color: #5cc98a; background: rgba(14, 22, 33, 0.6); }
  .haechi-ring-label { color: #8a96a3; font-size: 10px; white-space: nowrap; }
</style>
</head>
<body>
<div id="app">
  <div id="map"></div>
  <div id="panel">
    <h1 id="title">Haechi</h1>
    <div><span id="connection" class="down">연결 중 · connecting</span> <span id="mode" class="muted"></span></div>
    <div id="clock" class="muted"></div>
    <div class="legend muted">
      <span><i class="swatch" style="background:#ff9f1c"></i>트랙 tracks</span>
      <span><i class="swatch" style="background:#5cc98a"></i>실측 truth</span>
      <span><i class="swatch" style="background:#3fa7d6"></i>센서 sensors</span>
    </div>
    <div id="alarms"></div>
    <div class="counts">
      <span class="muted">프레임 frames</span><span id="frames">–</span>
      <span class="muted">트랙 tracks now</span><span id="tracks-now">–</span>
      <span class="muted">확정 누계 confirmed</span><span id="tracks-confirmed">–</span>
      <span class="muted">드론 drones</span><span id="drones">–</span>
      <span class="muted">기록 recording</span><span id="recording">–</span>
      <span class="muted">여유 공간 free disk</span><span id="free">–</span>
    </div>
    <table>
      <thead><tr><th>소스<br>source</th><th>초당<br>/s</th><th>최근<br>last</th><th>오류<br>bad</th><th>공백<br>gaps</th><th>손실<br>missing</th></tr></thead>
      <tbody id="sources"></tbody>
    </table>
  </div>
</div>
<script src="/leaflet/leaflet.js"></script>
<script>
"use strict";
const TRACK = "#ff9f1c", TRUTH = "#5cc98a", SENSOR = "#3fa7d6";
const map = L.map("map", { zoomControl: true, attributionControl: false, preferCanvas: false }).setView([0, 0], 2);
// One pane per kind, in a fixed order (rings under coverage under sensors under truth under tracks),
// so that redrawing the site never covers what moves.
for (const [name, z] of [["rings", 410], ["coverage", 420], ["sensors", 430], ["truth", 440], ["tracks", 450]]) {
  map.createPane(name).style.zIndex = z;
}
const layers = {
  rings: L.layerGroup().addTo(map), sensors: L.layerGroup().addTo(map),
  truth: L.layerGroup().addTo(map), tracks: L.layerGroup().addTo(map)
};
const drawn = { tracks: new Map(), truth: new Map(), sites: "", tiles: false, fitted: false };
window.haechi = { snapshots: 0, last: null };

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}
function label(lines) {
  const box = el("div");
  for (const line of lines) box.appendChild(el("div", line));
  return box;
}
function bytes(n) {
  if (n === null || n === undefined) return "–";
  const units = ["B", "kB", "MB", "GB", "TB"]; let v = n, u = 0;
  while (v >= 1000 && u < units.length - 1) { v /= 1000; u++; }
  return u === 0 ? n + " B" : v.toFixed(1) + " " + units[u];
}
function offset(lat, lon, north, east) {
  return [lat + north / 111320, lon + east / (111320 * Math.cos(lat * Math.PI / 180))];
}
function niceStep(x) {
  const p = Math.pow(10, Math.floor(Math.log10(Math.max(x, 1))));
  for (const m of [1, 2, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}
function drawSite(snap) {
  if (snap.tiles && !drawn.tiles) {
    L.tileLayer("/tiles/{z}/{x}/{y}.png", { maxZoom: 19 }).addTo(map).bringToBack();
    drawn.tiles = true;
  }
  const key = JSON.stringify([snap.site, snap.sensors]);
  if (key === drawn.sites) return;
  drawn.sites = key;
  layers.rings.clearLayers(); layers.sensors.clearLayers();
  const origin = [snap.site.lat, snap.site.lon];
  let reach = 1000;
  for (const s of snap.sensors) {
    reach = Math.max(reach, map.distance(origin, [s.lat, s.lon]) + (s.max_range_m || 0));
    if (s.max_range_m) {
      L.circle([s.lat, s.lon], { radius: s.max_range_m, pane: "coverage", className: "haechi-coverage", color: SENSOR, weight: 1, opacity: 0.5,
                                 fillOpacity: 0.05, interactive: false }).addTo(layers.sensors);
    }
    L.circleMarker([s.lat, s.lon], { radius: 6, pane: "sensors", className: "haechi-sensor", color: SENSOR, fillColor: SENSOR, fillOpacity: 1 })
      .bindTooltip(label([s.id, s.kind + " · " + s.measures + (s.max_range_m ? " · " + (s.max_range_m / 1000).toFixed(1) + " km" : "")]),
                   { className: "haechi-label", direction: "right" })
      .addTo(layers.sensors);
  }
  const step = niceStep(reach / 4);
  for (let r = step, n = 0; r <= reach * 1.01 && n < 12; r += step, n++) {
    L.circle(origin, { radius: r, pane: "rings", className: "haechi-ring", color: "#56606b", weight: 1, dashArray: "4 6", fill: false, interactive: false })
      .addTo(layers.rings);
    const tag = el("span", r >= 1000 ? (r / 1000) + " km" : r + " m");
    L.marker(offset(origin[0], origin[1], r, 0), { interactive: false, pane: "rings",
      icon: L.divIcon({ className: "haechi-ring-label", html: tag.outerHTML, iconSize: null }) }).addTo(layers.rings);
  }
  L.circleMarker(origin, { radius: 3, pane: "rings", color: "#8a96a3", fillOpacity: 1, interactive: false }).addTo(layers.rings);
  if (!drawn.fitted) { map.fitBounds(L.latLng(origin).toBounds(2 * reach)); drawn.fitted = true; }
}
// A number with `digits` decimals, or "–" when the snapshot left it out.
function fixed(x, digits) { return typeof x === "number" && isFinite(x) ? x.toFixed(digits) : "–"; }
function describe(kind, m) {
  const name = kind === "track" ? "T" + m.id : m.id;
  const motion = fixed(m.speed, 1) + " m/s" + (typeof m.heading === "number" ? " · " + fixed(m.heading, 0) + "°" : "");
  const sigma = typeof m.sigma_h_m === "number" ? " · ±" + fixed(m.sigma_h_m, 0) + " m" : "";
  return [name, motion + sigma, fixed(m.alt, 0) + " m"];
}
function drawMovers(kind, list, store, layer, colour) {
  const pane = kind === "track" ? "tracks" : "truth";
  const seen = new Set();
  for (const m of list) {
    seen.add(m.id);
    const here = [m.lat, m.lon];
    // Where it will be in 10 s (here, when the velocity is unknown).
    const ahead = typeof m.vel_n === "number" ? offset(m.lat, m.lon, m.vel_n * 10, m.vel_e * 10) : here;
    let g = store.get(m.id);
    if (!g) {
      g = {
        trail: L.polyline(m.history, { pane: pane, className: "haechi-" + kind + "-trail", color: colour, weight: 2, opacity: 0.7,
                                       dashArray: kind === "truth" ? "2 5" : null, interactive: false }).addTo(layer),
        lead: L.polyline([here, ahead], { pane: pane, className: "haechi-" + kind + "-velocity", color: colour, weight: 2, interactive: false }).addTo(layer),
        dot: L.circleMarker(here, { pane: pane, radius: kind === "track" ? 6 : 4, className: "haechi-" + kind, color: colour, fillColor: colour,
                                    fillOpacity: 0.9 })
               .bindTooltip(label(describe(kind, m)), { permanent: true, direction: kind === "track" ? "right" : "left",
                                                        className: "haechi-label haechi-label-" + kind, offset: kind === "track" ? [6, 0] : [-6, 0] })
               .addTo(layer)
      };
      store.set(m.id, g);
    } else {
      g.trail.setLatLngs(m.history); g.lead.setLatLngs([here, ahead]); g.dot.setLatLng(here);
      g.dot.setTooltipContent(label(describe(kind, m)));
    }
  }
  for (const [id, g] of store) {
    if (seen.has(id)) continue;
    layer.removeLayer(g.trail); layer.removeLayer(g.lead); layer.removeLayer(g.dot);
    store.delete(id);
  }
}
// Each alarm in Korean first, then as the server words it (STALE, SILENT, TRUTH FLAGGED).
function alarmLabel(alarm) {
  if (alarm.startsWith("STALE")) return "수신 중단";
  if (alarm.startsWith("SILENT")) return "미수신 센서";
  if (alarm.startsWith("TRUTH")) return "실측 이상";
  return "경보";
}
function drawPanel(snap) {
  document.getElementById("title").textContent = "Haechi · " + (snap.site.name || "site");
  document.getElementById("mode").textContent = snap.mode === "replay" ? "재생 · replay" : "실시간 · live";
  const date = new Date(snap.now / 1e6);   // a recording's times are whatever its file says: shown only when a date
  const when = snap.now && isFinite(date.getTime()) ? date.toISOString().replace("T", " ").slice(0, 19) + " UTC" : "";
  document.getElementById("clock").textContent = when + " · " + Math.floor(snap.elapsed_s) + " s";
  document.getElementById("frames").textContent = snap.frames_received;
  document.getElementById("tracks-now").textContent = snap.tracks_now ?? snap.tracks.length;
  document.getElementById("tracks-confirmed").textContent = snap.tracks_confirmed ?? "–";
  document.getElementById("drones").textContent = snap.truth.length;
  document.getElementById("recording").textContent = snap.recording ? snap.recording.path + " · " + bytes(snap.recording.bytes) : "off";
  document.getElementById("free").textContent = snap.recording ? bytes(snap.recording.free_bytes) : "–";
  const alarms = document.getElementById("alarms");
  alarms.replaceChildren(...snap.alarms.map(a => el("div", alarmLabel(a) + " · " + a, "alarm" + (a.startsWith("SILENT") ? " silent" : ""))));
  const rows = snap.sources.map(s => {
    const tr = el("tr", null, s.stale ? "stale" : "");
    tr.appendChild(el("td", s.source));
    tr.appendChild(el("td", s.rate_hz === null || s.rate_hz === undefined ? "–" : s.rate_hz.toFixed(0)));
    tr.appendChild(el("td", s.age_s === null || s.age_s === undefined ? "–" : s.age_s.toFixed(1) + " s"));
    tr.appendChild(el("td", s.malformed));
    tr.appendChild(el("td", s.gaps));
    tr.appendChild(el("td", s.missing));
    tr.title = Object.entries(s.malformed_by_reason).map(([k, v]) => k + ": " + v).join(", ");
    return tr;
  });
  document.getElementById("sources").replaceChildren(...rows);
}
// Each part drawn on its own: one that fails (a value no peer should send) leaves the others live.
function attempt(part, draw) {
  try { draw(); } catch (error) { console.error("haechi: drawing the " + part + " failed", error); }
}
function render(snap) {
  if (snap.version !== 1) return;
  attempt("site", () => drawSite(snap));
  attempt("truth", () => drawMovers("truth", snap.truth, drawn.truth, layers.truth, TRUTH));
  attempt("tracks", () => drawMovers("track", snap.tracks, drawn.tracks, layers.tracks, TRACK));
  attempt("panel", () => drawPanel(snap));
  window.haechi.snapshots += 1;
  window.haechi.last = snap;
}
function connect() {
  const status = document.getElementById("connection");
  const socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
  socket.onopen = () => { status.textContent = "연결됨 · connected"; status.className = "up"; };
  socket.onmessage = (event) => render(JSON.parse(event.data));
  socket.onclose = () => {
    status.textContent = "연결 끊김 · disconnected"; status.className = "down";
    setTimeout(connect, 1000);
  };
}
connect();
</script>
</body>
</html>
"""#
}
