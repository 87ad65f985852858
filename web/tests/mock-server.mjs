// Development-only mock of the wijkzicht service (docs/api.md): a tiny made-up country of rectangles,
// its answers computed in memory and its vector tiles made once with GDAL's MVT driver (ogr2ogr).
// Usage: node tests/mock-server.mjs [--port 8765] [--dist dist]
// Tokens: "analyst-a" (municipal, GM0001), "analyst-b" (municipal, GM0003), "admin" (admin).
// The committed browser tests run against the real `wijkzicht serve`, never against this.
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { execFileSync } from "node:child_process";

const arg = (n, d) => { const i = process.argv.indexOf(n); return i > 0 ? process.argv[i + 1] : d; };
const port = Number(arg("--port", "8765"));
const dist = path.resolve(arg("--dist", path.join(path.dirname(new URL(import.meta.url).pathname), "..", "dist")));

const YEARS = [2012, 2014, 2016, 2018, 2020, 2022];
const DIMS = ["won", "bev", "vrz", "vei", "fys"];
const CLASS_NAMES = ["zeer onvoldoende", "ruim onvoldoende", "onvoldoende", "zwak", "voldoende",
  "ruim voldoende", "goed", "zeer goed", "uitstekend"];
const CLASS_COLORS = ["#a50026", "#d73027", "#f46d43", "#fdae61", "#fee08b", "#d9ef8b", "#a6d96a", "#66bd63", "#1a9850"];
const DEV_NAMES = ["zeer sterke achteruitgang", "sterke achteruitgang", "achteruitgang", "lichte achteruitgang",
  "geen verandering", "lichte vooruitgang", "vooruitgang", "sterke vooruitgang", "zeer sterke vooruitgang"];
const DEV_COLORS = ["#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#e0e0e0", "#d1e5f0", "#92c5de", "#4393c3", "#2166ac"];
const EDGES = [-0.428, -0.354, -0.2815, -0.164, -0.103, 0.010, 0.0896, 0.168];

// --- the made-up country: 2 provinces x 2 gemeenten x 2 wijken x 3 buurten, rectangles near Utrecht
const areas = [];
let seed = 7;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
function add(level, code, name, box, parents) {
  const a = { level, code, name, box, parents, scores: {} };
  for (const y of YEARS) {
    const rel = (rnd() - 0.5) * 0.8;
    const d = {};
    for (const k of DIMS) d[k] = Math.round((rnd() - 0.5) * 0.3 * 1000) / 1000;
    const cls = 1 + EDGES.filter((e) => e <= rel).length;
    a.scores[y] = { score: Math.round((4.1 + rel) * 1000) / 1000, rel: Math.round(rel * 1000) / 1000, cls, d, residents: Math.round(rnd() * 3000) };
  }
  areas.push(a);
  return a;
}
const names = ["Noorderhaven", "Zuiderveld", "Oosterwold", "Westerbroek"];
let g = 0;
for (let p = 0; p < 2; p++) {
  const px = 4.8 + p * 0.8;
  const pv = add("provincie", `PV2${p}`, `Provincie ${p + 1}`, [px, 51.9, px + 0.8, 52.5], {});
  for (let gi = 0; gi < 2; gi++, g++) {
    const gx = px + gi * 0.4;
    const gm = add("gemeente", `GM000${g + 1}`, names[g], [gx, 51.9, gx + 0.4, 52.5], { provincie: pv.code });
    for (let w = 0; w < 2; w++) {
      const wy = 51.9 + w * 0.3;
      const wk = add("wijk", `WK000${g + 1}0${w}`, `${names[g]} wijk ${w + 1}`, [gx, wy, gx + 0.4, wy + 0.3],
        { gemeente: gm.code, provincie: pv.code });
      for (let b = 0; b < 3; b++) {
        const bx = gx + (b * 0.4) / 3;
        add("buurt", `BU000${g + 1}0${w}0${b}`, `${names[g]} buurt ${w * 3 + b + 1}`, [bx, wy, bx + 0.4 / 3, wy + 0.3],
          { wijk: wk.code, gemeente: gm.code, provincie: pv.code });
      }
    }
  }
}
const byCode = new Map(areas.map((a) => [a.code, a]));
const ring = (b) => [[[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]], [b[0], b[1]]]];
function feature(a) {
  const props = { code: a.code, name: a.name };
  for (const y of YEARS) {
    const s = a.scores[y];
    props[`score_${y}`] = s.score; props[`class_${y}`] = s.cls;
    for (const k of DIMS) props[`${k}_${y}`] = s.d[k];
  }
  return { type: "Feature", properties: props, geometry: { type: "Polygon", coordinates: ring(a.box) } };
}

// --- tiles, made once into a cache directory
const tileDir = path.join(os.tmpdir(), "wz-mock-tiles");
if (!fs.existsSync(path.join(tileDir, "metadata.json"))) {
  const src = fs.mkdtempSync(path.join(os.tmpdir(), "wz-mock-src-"));
  let vrt = "<OGRVRTDataSource>";
  for (const level of ["provincie", "gemeente", "wijk", "buurt"]) {
    fs.writeFileSync(path.join(src, `${level}.geojson`), JSON.stringify({ type: "FeatureCollection",
      features: areas.filter((a) => a.level === level).map(feature) }));
    vrt += `<OGRVRTLayer name="${level}"><SrcDataSource>${path.join(src, level + ".geojson")}</SrcDataSource><SrcLayer>${level}</SrcLayer></OGRVRTLayer>`;
  }
  fs.writeFileSync(path.join(src, "all.vrt"), vrt + "</OGRVRTDataSource>");
  fs.rmSync(tileDir, { recursive: true, force: true });
  execFileSync("ogr2ogr", ["-f", "MVT", tileDir, path.join(src, "all.vrt"), "-dsco", "MINZOOM=0", "-dsco", "MAXZOOM=12"]);
}

const USERS = { "analyst-a": { name: "analyst-a", role: "municipal", gemeenten: ["GM0001"] },
  "analyst-b": { name: "analyst-b", role: "municipal", gemeenten: ["GM0003"] }, admin: { name: "admin", role: "admin", gemeenten: [] } };

function scoresRow(a, y) {
  const s = a.scores[y];
  return { code: a.code, name: a.name, score: s.score, rel: s.rel, ...s.d, class: s.cls, residents: s.residents };
}
function devClass(ch) { return 1 + [-0.267, -0.2, -0.133, -0.067, 0.067, 0.133, 0.2, 0.267].filter((e) => e <= ch).length; }
function profile(a) {
  const latest = a.scores[YEARS.at(-1)];
  const same = areas.filter((b) => b.level === a.level && b.code !== a.code).map((b) => {
    const s = b.scores[YEARS.at(-1)];
    const dist = Math.sqrt(DIMS.reduce((t, k) => t + (s.d[k] - latest.d[k]) ** 2, 0));
    return { code: b.code, name: b.name, distance: Math.round(dist * 1e4) / 1e4, score: s.score, class: s.cls };
  }).sort((x, y) => x.distance - y.distance).slice(0, 5);
  const change = Math.round((a.scores[2022].rel - a.scores[2012].rel) * 1e4) / 1e4;
  return {
    code: a.code, name: a.name, level: a.level, vintage: 2022, parents: a.parents,
    parent_names: Object.fromEntries(Object.entries(a.parents).map(([k, v]) => [k, byCode.get(v)?.name ?? null])),
    years: YEARS, dimensions: DIMS,
    scores: YEARS.map((y) => ({ year: y, score: a.scores[y].score, rel: a.scores[y].rel, class: a.scores[y].cls,
      class_name: CLASS_NAMES[a.scores[y].cls - 1], residents: a.scores[y].residents, dimensions: a.scores[y].d })),
    country: YEARS.map((y) => ({ year: y, score: 4.1, dimensions: Object.fromEntries(DIMS.map((k) => [k, 0])) })),
    development: [{ from: 2012, to: 2022, change, class: devClass(change), class_name: DEV_NAMES[devClass(change) - 1] }],
    designations: a.level === "buurt" && latest.cls <= 4 ? [{ dataset: "typology_lbm2018_type2_buurt_2022", rules: "lbm2018-type2",
      year: 2022, designation: "type 2", reasons: "klasse ≤ 4 in 2022; vei < -0.05" }] : [],
    hotspots: a.level === "buurt" ? [{ dataset: "hotspots_score_buurt_2022", quadrant: latest.cls <= 4 ? "LL" : "HH", p: 0.01, significant: latest.cls <= 3 }] : [],
    comparable: same,
  };
}

function send(res, status, body, headers = {}) {
  const json = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", ...headers });
  res.end(json);
}
const err = (res, status, kind, message) => send(res, status, { error: { kind, message } });

const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  const p = url.pathname;
  const q = (k) => url.searchParams.get(k);
  const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
  const user = USERS[token];
  let m;
  if (p === "/api/v1/health") return send(res, 200, { status: "ok" });
  if (p === "/api/v1/meta") return send(res, 200, {
    levels: ["provincie", "gemeente", "wijk", "buurt"].map((l) => ({ level: l, vintage: 2022, years: YEARS, areas: areas.filter((a) => a.level === l).length, scores: true, dimensions: DIMS })),
    dimensions: DIMS.map((k) => ({ key: k, name: { won: "Woningvoorraad", bev: "Bewoners", vrz: "Voorzieningen", vei: "Veiligheid", fys: "Fysieke omgeving" }[k] })),
    classes: CLASS_NAMES.map((n, i) => ({ class: i + 1, name: n, color: CLASS_COLORS[i] })),
    development_classes: DEV_NAMES.map((n, i) => ({ class: i + 1, name: n, color: DEV_COLORS[i] })),
    years: YEARS, tiles: { tilejson: "/tiles.json", url: "/tiles/{z}/{x}/{y}.pbf", minzoom: 0, maxzoom: 12 }, restricted: true });
  if (p === "/tiles.json") return send(res, 200, { tilejson: "3.0.0", tiles: [`http://${req.headers.host}/tiles/{z}/{x}/{y}.pbf`],
    minzoom: 0, maxzoom: 12, bounds: [4.8, 51.9, 6.4, 52.5], vector_layers: ["provincie", "gemeente", "wijk", "buurt", "grid"].map((id) => ({ id, fields: {} })) });
  if ((m = p.match(/^\/tiles\/(\d+)\/(\d+)\/(\d+)\.pbf$/))) {
    const f = path.join(tileDir, m[1], m[2], `${m[3]}.pbf`);
    if (!fs.existsSync(f)) { res.writeHead(204); return res.end(); }
    res.writeHead(200, { "Content-Type": "application/x-protobuf", "Content-Encoding": "gzip" });
    return res.end(fs.readFileSync(f));
  }
  if (p === "/api/v1/areas") {
    const list = areas.filter((a) => a.level === q("level") && (!q("parent") || Object.values(a.parents).includes(q("parent"))));
    if (q("format") === "geojson") return send(res, 200, { type: "FeatureCollection", features: list.map(feature) });
    return send(res, 200, { level: q("level"), vintage: 2022, total: list.length, offset: 0, areas: list.map((a) => ({ code: a.code, name: a.name, level: a.level, parents: a.parents })) });
  }
  if ((m = p.match(/^\/api\/v1\/areas\/(\w+)$/))) {
    const a = byCode.get(m[1]); if (!a) return err(res, 404, "not_found", "no such area");
    return send(res, 200, { code: a.code, name: a.name, level: a.level, vintage: 2022, parents: a.parents });
  }
  if (p === "/api/v1/scores") {
    const y = Number(q("year"));
    if (!YEARS.includes(y)) return err(res, 400, "bad_input", "no such year");
    return send(res, 200, { level: q("level"), year: y, dimensions: DIMS, rows: areas.filter((a) => a.level === q("level")).map((a) => scoresRow(a, y)) });
  }
  if (p === "/api/v1/development") {
    const f = Number(q("from")), t = Number(q("to"));
    return send(res, 200, { level: q("level"), from: f, to: t, rows: areas.filter((a) => a.level === q("level")).map((a) => {
      const ch = Math.round((a.scores[t].rel - a.scores[f].rel) * 1e4) / 1e4;
      return { code: a.code, name: a.name, change: ch, development_class: devClass(ch) };
    }) });
  }
  if ((m = p.match(/^\/api\/v1\/profile\/(\w+)$/))) {
    const a = byCode.get(m[1]); if (!a) return err(res, 404, "not_found", "no such area");
    return send(res, 200, profile(a));
  }
  if (p === "/api/v1/picture") return send(res, 200, {
    years: YEARS.map((y, i) => ({ year: y, residents: 100000, mean_score: 4.1 + i * 0.01, onvoldoende_share: 0.06 - i * 0.004,
      onvoldoende_areas: 20 - i, areas_populated: 24, change_mean_score: i ? 0.01 : null, driver: i ? "vei" : "" })),
    classes: YEARS.flatMap((y) => CLASS_NAMES.map((n, c) => ({ year: y, class: c + 1, name: n, residents: 1000 * (5 - Math.abs(c - 5)) + 100 * y % 7, share: 0.1 }))),
    groups: ["G4", "G40", "overig"].flatMap((gname, gi) => [null, 3, 5, 7].map((s) => ({ group: gname, start_class: s, areas: 5, mean_start_score: 4.0, mean_change: 0.01 * (gi + 1) * (s ? 1 : -1), from_year: 2012, to_year: 2022 }))),
    regions: [] });
  if (p === "/api/v1/typologies") return send(res, 200, { typologies: [{ dataset: "typology_lbm2018_type2_buurt_2022", rules: "lbm2018-type2", level: "buurt", year: 2022, designated: 3 }] });
  if ((m = p.match(/^\/api\/v1\/typologies\/(\w+)$/))) return send(res, 200, { dataset: m[1], meta: {}, rows: areas.filter((a) => a.level === "buurt" && a.scores[2022].cls <= 4)
    .map((a) => ({ code: a.code, designated: 1, reasons: "klasse ≤ 4" })) });
  if (p === "/api/v1/hotspots") return send(res, 200, { hotspots: [{ dataset: "hotspots_score_buurt_2022", level: "buurt", areas: 24 }] });
  if ((m = p.match(/^\/api\/v1\/hotspots\/(\w+)$/))) return send(res, 200, areas.filter((a) => a.level === "buurt")
    .map((a) => ({ code: a.code, quadrant: a.scores[2022].cls <= 4 ? "LL" : "HH", p: 0.01, significant: a.scores[2022].cls <= 3 || a.scores[2022].cls >= 8 })));
  if (p === "/api/v1/search") {
    const t = (q("q") ?? "").toLowerCase();
    return send(res, 200, { q: q("q"), results: areas.filter((a) => a.code.toLowerCase().includes(t) || a.name.toLowerCase().includes(t))
      .slice(0, Number(q("limit") ?? 10)).map((a) => ({ code: a.code, name: a.name, level: a.level })) });
  }
  if (p.startsWith("/api/v1/me") || p.startsWith("/api/v1/restricted")) {
    if (!user) return err(res, 401, "unauthenticated", "a valid token is needed");
    if (p === "/api/v1/me") return send(res, 200, user);
    if (p === "/api/v1/restricted/tables") return send(res, 200, { tables: [{ table: "risk_yearly", columns: ["level", "area", "year", "cases", "cases_per_1000_residents"] }] });
    const gm = q("gemeente");
    if (gm && user.role === "municipal" && !user.gemeenten.includes(gm)) return err(res, 403, "forbidden", "not your gemeente");
    const gms = gm ? [gm] : user.gemeenten;
    return send(res, 200, { table: "risk_yearly", gemeente: gm, rows: areas.filter((a) => a.level === "buurt" && gms.includes(a.parents.gemeente)).map((a, i) => ({
      level: "buurt", area: a.code, year: 2022, cases: i % 3 === 0 ? null : 10 + i, cases_per_1000_residents: 0.01 * (i + 1) })) }, { "Cache-Control": "private, no-store" });
  }
  if (p.startsWith("/api/")) return err(res, 404, "not_found", "no such path");
  // static files of the built dashboard
  const file = path.join(dist, p === "/" ? "index.html" : p);
  if (file.startsWith(dist) && fs.existsSync(file) && fs.statSync(file).isFile()) {
    const type = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml" }[path.extname(file)] ?? "application/octet-stream";
    res.writeHead(200, { "Content-Type": type }); return res.end(fs.readFileSync(file));
  }
  err(res, 404, "not_found", "no such path");
});
server.listen(port, "127.0.0.1", () => console.log(`mock on http://127.0.0.1:${server.address().port}/`));
void zlib;
