#!/usr/bin/env node
// Dashboard benchmark (issue 15): in headless Chromium (Debian's, SwiftShader WebGL, 1280x800),
//  1. first render: navigation start → the map's first `idle` with all buurten of the country drawn
//     (performance marks set by the dashboard), over --runs fresh browser contexts (no cache);
//  2. panning the 100 m grid of a province: the map at zoom --zoom inside the province's bounds, level
//     `grid`, --pans animated pans of 300 px; frame times from requestAnimationFrame; then the same pans
//     with every layer but the background hidden: the frame times of the browser alone (the floor).
// Usage: node bench/dashboard.mjs --url http://127.0.0.1:PORT [--runs 5] [--province PV26] [--zoom 12]
//        [--pans 20] [--json out.json] [--query "?k=v"]   (--pans 0: first render only)
// Needs a running `wijkzicht serve` with tiles (`wijkzicht tiles`) and web/dist built.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const argv = process.argv.slice(2);
const opt = (k, d) => { const i = argv.indexOf(`--${k}`); return i >= 0 ? argv[i + 1] : d; };
const url = opt("url");
if (!url) { console.error("usage: node bench/dashboard.mjs --url http://127.0.0.1:PORT [--runs 5] [--province CODE] [--zoom 12] [--pans 20]"); process.exit(2); }
const runs = Number(opt("runs", "5")), zoom = Number(opt("zoom", "12")), pans = Number(opt("pans", "20")), query = opt("query", "");
const require = createRequire(path.join(path.dirname(new URL(import.meta.url).pathname), "..", "web", "package.json"));
const { chromium } = require("playwright-core");
const browser = await chromium.launch({ executablePath: process.env.WZ_CHROMIUM ?? "/usr/bin/chromium", headless: true,
  args: ["--no-sandbox", "--use-gl=angle", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-gpu-vsync"] });
const q = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const meta = await (await fetch(`${url}/api/v1/meta`)).json();
const nBuurten = (meta.levels ?? []).find((l) => l.level === "buurt")?.areas ?? (meta.levels ?? []).find((l) => l.level === "buurt")?.count ?? null;
const out = { url, buurten: nBuurten, first_render: [], pan: null, chromium: browser.version(), cores: (await import("node:os")).cpus().length };

for (let r = 0; r < runs; r++) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  await page.goto(`${url}/${query}`);
  await page.waitForFunction(() => performance.getEntriesByName("wz-first-idle").length > 0 && window.wz, null, { timeout: 120000 });
  const m = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const ids = new Set(window.wz.map.queryRenderedFeatures({ layers: ["fill-buurt"] }).map((f) => f.id));
    return { idle_ms: performance.getEntriesByName("wz-first-idle")[0].startTime, map_created_ms: performance.getEntriesByName("wz-map-created")[0].startTime,
      dom_ms: nav.domContentLoadedEventEnd, buurten_drawn: ids.size };
  });
  out.first_render.push(m);
  console.log(`first render ${r + 1}: idle at ${m.idle_ms.toFixed(0)} ms (map created at ${m.map_created_ms.toFixed(0)} ms), ${m.buurten_drawn} buurten drawn`);
  await ctx.close();
}

// panning the grid of a province
if (pans > 0) {
const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
const page = await ctx.newPage();
await page.goto(`${url}/${query}`);
await page.waitForFunction(() => window.wz, null, { timeout: 120000 });
const provs = (await (await fetch(`${url}/api/v1/areas?level=provincie&format=geojson`)).json()).features;
const prov = provs.find((f) => f.properties.code === opt("province", "")) ?? provs[0];
let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
const walk = (c) => { if (typeof c[0] === "number") { x0 = Math.min(x0, c[0]); x1 = Math.max(x1, c[0]); y0 = Math.min(y0, c[1]); y1 = Math.max(y1, c[1]); } else c.forEach(walk); };
walk(prov.geometry.coordinates);
await page.selectOption("#level", "grid");
const panFrames = async (page, emptyMap) => page.evaluate(async ({ bb, zoom, pans, emptyMap }) => {
  const map = window.wz.map;
  const idle = () => new Promise((r) => { map.once("idle", r); map.triggerRepaint(); });
  map.jumpTo({ center: [bb[0] + (bb[2] - bb[0]) * 0.3, (bb[1] + bb[3]) / 2], zoom });
  await idle();
  // The floor: the same pans with every layer but the background hidden (what the browser costs alone).
  if (emptyMap) for (const l of map.getStyle().layers) if (l.id !== "background") map.setLayoutProperty(l.id, "visibility", "none");
  await idle();
  const frames = [];
  let last = performance.now(), on = true;
  const tick = (t) => { frames.push(t - last); last = t; if (on) requestAnimationFrame(tick); };
  requestAnimationFrame((t) => { last = t; requestAnimationFrame(tick); });
  const t0 = performance.now();
  for (let i = 0; i < pans; i++) {
    map.panBy([i % 4 < 2 ? 300 : -150, i % 2 ? 120 : -100], { duration: 500 });
    await new Promise((r) => map.once("moveend", r));
  }
  await idle();
  on = false;
  const cells = emptyMap ? 0 : map.queryRenderedFeatures({ layers: ["fill-grid"] }).length;
  return { frames, ms: performance.now() - t0, cells };
}, { bb: [x0, y0, x1, y1], zoom, pans, emptyMap });
const pan = await panFrames(page, false);
out.pan = { province: prov.properties.code, zoom, pans, frames: pan.frames.length, seconds: pan.ms / 1000, cells_drawn_at_end: pan.cells,
  p50_ms: q(pan.frames, 0.5), p95_ms: q(pan.frames, 0.95), p99_ms: q(pan.frames, 0.99), max_ms: Math.max(...pan.frames), over_50ms: pan.frames.filter((f) => f > 50).length };
console.log(`pan ${out.pan.province} z${zoom}: ${out.pan.frames} frames in ${out.pan.seconds.toFixed(1)} s, p50 ${out.pan.p50_ms.toFixed(1)} ms, p95 ${out.pan.p95_ms.toFixed(1)} ms, max ${out.pan.max_ms.toFixed(1)} ms, ${out.pan.over_50ms} over 50 ms; ${pan.cells} cells drawn at the end`);
const floor = await panFrames(page, true);
out.pan_empty_map = { frames: floor.frames.length, p50_ms: q(floor.frames, 0.5), p95_ms: q(floor.frames, 0.95),
  max_ms: Math.max(...floor.frames), over_50ms: floor.frames.filter((f) => f > 50).length };
console.log(`the same pans with only the background drawn (the browser's floor): ${out.pan_empty_map.frames} frames, p50 ${out.pan_empty_map.p50_ms.toFixed(1)} ms, p95 ${out.pan_empty_map.p95_ms.toFixed(1)} ms, max ${out.pan_empty_map.max_ms.toFixed(1)} ms, ${out.pan_empty_map.over_50ms} over 50 ms`);
}
const idles = out.first_render.map((r) => r.idle_ms);
console.log(`first render: median ${q(idles, 0.5).toFixed(0)} ms, max ${Math.max(...idles).toFixed(0)} ms over ${runs} runs (${nBuurten} buurten in the store)`);
if (opt("json")) fs.writeFileSync(opt("json"), JSON.stringify(out, null, 2));
await browser.close();
