// Shared helpers of the browser tests: arguments, skipping, the server, Chromium, checks and
// screenshots. The tests drive Debian's /usr/bin/chromium through playwright-core (a devDependency
// of web/), headless, against a real `wijkzicht serve` on a synthetic country (see setup.mjs).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { createRequire } from "node:module";

export const SKIP = 77;
export const CHROMIUM = process.env.WZ_CHROMIUM ?? "/usr/bin/chromium";

export function args() {
  const out = {};
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) if (a[i].startsWith("--")) out[a[i].slice(2)] = a[i + 1] && !a[i + 1].startsWith("--") ? a[++i] : "true";
  for (const k of ["wijkzicht", "source", "work"]) {
    if (!out[k]) fail(`missing --${k}`);
    out[k] = path.resolve(out[k]);
  }
  out.artefacts = path.resolve(out.artefacts ?? path.join(out.work, "artefacts"));
  return out;
}

export function skip(why) {
  console.log(`SKIP: ${why}`);
  process.exit(SKIP);
}
export function fail(why) {
  console.error(`FAIL: ${why}`);
  process.exit(1);
}

/** playwright-core from web/node_modules; skip when Chromium or the module is missing. */
export function playwright(source) {
  if (!fs.existsSync(CHROMIUM)) skip(`${CHROMIUM} is missing (./scripts/install-deps installs chromium)`);
  const req = createRequire(path.join(source, "web", "package.json"));
  try {
    return req("playwright-core");
  } catch {
    skip("playwright-core is not installed in web/node_modules (run ./scripts/build-web)");
  }
}

export function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { encoding: "utf8", maxBuffer: 64 << 20, ...opts });
  if (r.status !== 0) fail(`${path.basename(cmd)} ${argv.join(" ")}: ${r.error ? r.error.message : `exit ${r.status ?? r.signal}`}\n${r.stderr ?? ""}${r.stdout ?? ""}`);
  return r.stdout;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts `wijkzicht serve` on a free port; resolves when /api/v1/health answers. */
export async function startServer(a, fx) {
  const port = await freePort();
  if (process.env.WZ_BROWSER_MOCK) {
    // development only: web/tests/mock-server.mjs instead of the real service (CTest never sets this)
    const child = spawn(process.execPath, [path.join(a.source, "web", "tests", "mock-server.mjs"), "--port", String(port)], { stdio: "ignore" });
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      try { if ((await fetch(`${url}/api/v1/health`)).ok) break; } catch { /* not yet */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    return { url, stop: () => child.kill("SIGTERM"), child };
  }
  const argv = ["serve", "--store", fx.store, "--users", fx.users, "--port", String(port), "--web", path.join(a.source, "web", "dist")];
  if (fx.restricted) argv.push("--restricted", fx.restricted);
  const log = fs.openSync(path.join(a.work, `serve-${process.pid}.log`), "w");
  const child = spawn(a.wijkzicht, argv.filter((x) => x !== null), { stdio: ["ignore", log, log] });
  const url = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) fail(`wijkzicht serve exited with ${child.exitCode}: ${fs.readFileSync(path.join(a.work, `serve-${process.pid}.log`), "utf8")}`);
    try {
      const r = await fetch(`${url}/api/v1/health`);
      if (r.ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() - t0 > 60000) fail("wijkzicht serve did not answer within 60 s");
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, stop: () => child.kill("SIGTERM"), child };
}

export async function get(url, token) {
  const r = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  const text = await r.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: r.status, body };
}
export async function getJson(url, token) {
  const r = await get(url, token);
  if (r.status !== 200) fail(`GET ${url}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
export const rowsOf = (b) => (Array.isArray(b) ? b : (b?.rows ?? b?.items ?? b?.results ?? b?.tables ?? b?.data ?? b?.areas ?? b?.features ?? []));

/** Chromium, headless, software GL (SwiftShader): the same pixels on every machine. */
export async function launch(pw) {
  return pw.chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--use-gl=angle", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-gpu-vsync"],
  });
}

/** Opens the dashboard in test mode and waits until the map is idle. */
export async function openDashboard(browser, url, errors) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && errors.push(`console: ${m.text()}`));
  await page.goto(`${url}/?test`);
  await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 60000 });
  const ready = await page.evaluate(() => document.body.dataset.ready);
  if (ready !== "true") fail(`the dashboard did not start: ${await page.textContent("#map-note")} ${errors.join("; ")}`);
  await idle(page);
  return page;
}
export const idle = (page) => page.evaluate(() => window.wz.idle());

/** Checks that count: each prints one line; `summary()` prints "N passed, N failed" and exits. */
let passed = 0;
let failed = 0;
export function check(ok, what, detail = "") {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "ok  " : "FAIL"} ${what}${!ok && detail ? `: ${detail}` : ""}`);
  return ok;
}
export function summary() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed || !passed ? 1 : 0);
}

export async function screenshot(page, a, name) {
  fs.mkdirSync(a.artefacts, { recursive: true });
  const file = path.join(a.artefacts, `${name}.png`);
  await page.screenshot({ path: file });
  console.log(`screenshot ${file}`);
}

export function loadFixture(a) {
  if (process.env.WZ_BROWSER_MOCK) return { analyst: "analyst-a", admin: "admin", gemeenteA: "GM0001", gemeenteB: "GM0003", table: "risk_yearly" };
  const f = path.join(a.work, "fixture.json");
  if (!fs.existsSync(f)) fail(`${f} is missing: the fixture test (browser_setup) did not run`);
  const fx = JSON.parse(fs.readFileSync(f, "utf8"));
  if (fx.skip) skip(fx.skip);
  return fx;
}

// ---- geometry: a point well inside a (multi)polygon, for reading the pixel of an area
function inRing(x, y, ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i], [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
function segDist(x, y, [x1, y1], [x2, y2]) {
  const dx = x2 - x1, dy = y2 - y1;
  const t = dx || dy ? Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy))) : 0;
  return Math.hypot(x - x1 - t * dx, y - y1 - t * dy);
}
/** The grid point (40 x 40 over the bounding box) inside the polygon farthest from its edges. */
export function interiorPoint(geometry) {
  const polys = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  let best = null;
  for (const poly of polys) {
    const xs = poly[0].map((p) => p[0]), ys = poly[0].map((p) => p[1]);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    for (let i = 1; i < 40; i++)
      for (let j = 1; j < 40; j++) {
        const x = x0 + ((x1 - x0) * i) / 40, y = y0 + ((y1 - y0) * j) / 40;
        if (!inRing(x, y, poly[0]) || poly.slice(1).some((h) => inRing(x, y, h))) continue;
        let d = Infinity;
        for (const ring of poly) for (let k = 1; k < ring.length; k++) d = Math.min(d, segDist(x, y, ring[k - 1], ring[k]));
        if (!best || d > best.d) best = { x, y, d };
      }
  }
  return best;
}
export function bbox(geometry) {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === "number") {
      x0 = Math.min(x0, c[0]); x1 = Math.max(x1, c[0]); y0 = Math.min(y0, c[1]); y1 = Math.max(y1, c[1]);
    } else c.forEach(walk);
  };
  walk(geometry.coordinates);
  return [x0, y0, x1, y1];
}

/** Frames the area on the map and returns the CSS pixel of its interior point and the RGBA there. */
export async function pixelOfArea(page, feature) {
  const pt = interiorPoint(feature.geometry);
  if (!pt) fail(`no interior point for ${feature.properties.code}`);
  const bb = bbox(feature.geometry);
  // A profile opened just before may still move the camera to its own area once that area's geometry
  // arrives (slow under load): frame again until the view holds still with the point inside.
  for (let attempt = 0; attempt < 5; attempt++) {
    await page.evaluate((bb) => window.wz.map.fitBounds(bb, { padding: 150, duration: 0, maxZoom: 16 }), bb);
    await idle(page);
    const before = await page.evaluate(() => window.wz.map.getCenter().toArray().join());
    await new Promise((r) => setTimeout(r, 300));
    await idle(page);
    const still = await page.evaluate(
      ([c, x, y]) => window.wz.map.getCenter().toArray().join() === c && window.wz.map.getBounds().contains([x, y]),
      [before, pt.x, pt.y]);
    if (still) break;
  }
  return page.evaluate(([x, y]) => {
    const p = window.wz.map.project([x, y]);
    return { x: p.x, y: p.y, rgba: window.wz.pixel(p.x, p.y), code: window.wz.codeAt(p.x, p.y) };
  }, [pt.x, pt.y]);
}

export const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
export const near = (rgba, h, tol = 3) => hex(h).every((v, i) => Math.abs(v - rgba[i]) <= tol);
export const rgbText = (rgba) => `rgb(${rgba.slice(0, 3).join(",")})`;

/** Classes and colours from /api/v1/meta (as the dashboard reads them). */
export function classesOf(meta) {
  const c = meta.classes;
  if (Array.isArray(c)) return c.map((x, i) => ({ cls: Number(x.class ?? x.cls ?? x.value ?? i + 1), name: x.name, color: x.color ?? x.colour }));
  return (c.names ?? []).map((n, i) => ({ cls: i + 1, name: n, color: (c.colors ?? c.colours)[i] }));
}
