// The fixture of the browser tests (CTest FIXTURES_SETUP): builds the dashboard, a scored synthetic
// country (synth --scale 0.001, imported with its README's lines, calibrate, score, picture, one
// typology, hot spots of the score on buurten and the grid, the tenure curve, the undermining chain up
// to the published aggregates), its vector tiles and a users file
// with a municipal analyst of one gemeente. Writes WORK/fixture.json for the tests.
// Exit 77 (skipped) when node's dependencies, npm or Chromium are missing.
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { args, CHROMIUM, fail, get, getJson, rowsOf, run, skip, startServer } from "./lib.mjs";

const a = args();
const t0 = Date.now();
const wz = (...argv) => run(a.wijkzicht, argv, { cwd: a.work });
const step = (what) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${what}`);

fs.mkdirSync(a.work, { recursive: true });
fs.rmSync(path.join(a.work, "fixture.json"), { force: true });
// a skipped fixture tells the tests why, so that they skip too
const skipAll = (why) => {
  fs.writeFileSync(path.join(a.work, "fixture.json"), JSON.stringify({ skip: why }));
  skip(why);
};
if (!fs.existsSync(CHROMIUM)) skipAll(`${CHROMIUM} is missing (./scripts/install-deps installs chromium)`);
if (spawnSync("npm", ["--version"]).status !== 0) skipAll("npm is missing");

step("build-web");
run(path.join(a.source, "scripts", "build-web"), []);
if (!fs.existsSync(path.join(a.source, "web", "dist", "index.html"))) fail("web/dist/index.html was not built");

const syn = path.join(a.work, "synth");
const store = path.join(a.work, "store.gpkg");
const key = path.join(syn, "microdata", "pseudonym.key");
const zone = path.join(a.work, "zone.db");
const aggregates = path.join(a.work, "aggregates.gpkg");
// the scored store is kept while the binary and this script are unchanged (a stamp beside it)
const stampFile = path.join(a.work, "store.stamp");
const stamp = [a.wijkzicht, new URL(import.meta.url).pathname].map((f) => { const st = fs.statSync(f); return `${f} ${st.size} ${st.mtimeMs}`; }).join("\n");
if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === stamp && fs.existsSync(store) && fs.existsSync(aggregates)) {
  step("the scored store of an earlier run is reused (same binary, same script)");
} else {
  fs.rmSync(stampFile, { force: true });
  buildStore();
  fs.writeFileSync(stampFile, stamp);
}

function buildStore() {
  for (const f of [store, `${store}.tiles.mbtiles`, path.join(a.work, "zone.db"), path.join(a.work, "aggregates.gpkg"), path.join(a.work, "users.toml")])
    fs.rmSync(f, { force: true, recursive: true });
  fs.rmSync(syn, { force: true, recursive: true });

  step("synth --scale 0.001 --seed 1");
  wz("synth", "--scale", "0.001", "--seed", "1", "--out", syn);
  step("import (the lines of its README)");
  for (const line of fs.readFileSync(path.join(syn, "README.md"), "utf8").split("\n")) {
    if (!line.startsWith("wijkzicht import ")) continue;
    run(a.wijkzicht, [...line.slice("wijkzicht ".length).trim().split(/\s+/), "--store", store], { cwd: syn });
  }
  step("calibrate");
  wz("calibrate", "--store", store, "--out", path.join(a.work, "model_weights.csv"));
  step("score");
  wz("score", "--store", store, "--weights", "model_weights", "--out-dir", path.join(a.work, "scores"));
  step("picture");
  wz("picture", "--store", store, "--level", "buurt", "--out-dir", path.join(a.work, "scores"));
  step("typology lbm2018-type2 buurt 2022");
  wz("typology", "--store", store, "--rules", "lbm2018-type2", "--level", "buurt", "--year", "2022", "--out", path.join(a.work, "typology.csv"));

  // the overlays and the tenure curve of the national picture (overlays.mjs). Hot spots of the score in
  // the last scored year: at scale 0.001 there are 36 scored buurten, none significant after FDR at
  // alpha 0.05 (3 at 0.2), so the buurt run uses --alpha 0.2; the 100 m grid (451 cells, queen
  // contiguity) has significant HH and LL cells at the default 0.05. Both take a few seconds.
  const info = JSON.parse(wz("info", "--store", store, "--json"));
  const scoreYears = (info.datasets.find((d) => d.name === "score_buurt")?.years ?? []).map(Number);
  if (!scoreYears.length) fail("no years in score_buurt");
  const last = Math.max(...scoreYears);
  step(`hotspots buurt ${last} (alpha 0.2), grid ${last}`);
  wz("hotspots", "--store", store, "--level", "buurt", "--year", String(last), "--permutations", "999", "--seed", "1", "--alpha", "0.2");
  wz("hotspots", "--store", store, "--level", "grid", "--year", String(last), "--permutations", "999", "--seed", "1");
  step("analyse tenure (the tenure curve of the national picture)");
  wz("analyse", "tenure", "--store", store);

  // the undermining chain: micro-data into a protected zone, up to the disclosure-controlled aggregates
  step("risk ingest, indicators, network, predict, publish");
  wz("risk", "ingest", "--extracts", path.join(syn, "microdata"), "--key-file", key, "--protected", zone);
  wz("risk", "indicators", "--key-file", key, "--protected", zone, "--store", store);
  wz("risk", "network", "--key-file", key, "--protected", zone);
  wz("risk", "predict", "--key-file", key, "--protected", zone, "--bootstrap", "20");
  wz("risk", "publish", "--key-file", key, "--protected", zone, "--store", store, "--out", aggregates);

}

step("tiles");
wz("tiles", "--store", store);

// users: a municipal analyst of one gemeente and an admin (the tests use the admin only to find a
// gemeente with restricted rows and to read the truth; the dashboard is driven as the analyst)
const users = path.join(a.work, "users.toml");
fs.rmSync(users, { force: true });
// `users add` prints the token alone on standard output (its last line)
const token = (out) => {
  const t = out.trim().split("\n").pop().trim();
  if (!/^\S{16,}$/.test(t)) fail(`no token in the output of users add: ${out}`);
  return t;
};
step("users add");
const admin = token(wz("users", "add", "--users", users, "--name", "admin-test", "--role", "admin"));

// two gemeenten whose buurten have restricted rows: A (the analyst's) and B (another)
step("find two gemeenten with restricted buurt rows");
const fx = { store, users, restricted: aggregates, synth: syn, admin };
const srv = await startServer(a, fx);
let withRows = [];
try {
  const gms = rowsOf(await getJson(`${srv.url}/api/v1/areas?level=gemeente`)).map((g) => String(g.code));
  const tables = rowsOf(await getJson(`${srv.url}/api/v1/restricted/tables`, admin));
  const names = tables.map((x) => String(x.table ?? x.name ?? x));
  fx.table = names.includes("risk_yearly") ? "risk_yearly" : names[0];
  // a gemeente counts when one of its buurten is scored in the latest year (at scale 0.001 a gemeente
  // may have a single buurt without residents)
  const meta = await getJson(`${srv.url}/api/v1/meta`);
  const last = Math.max(...meta.years.map(Number));
  const scored = new Set(rowsOf(await getJson(`${srv.url}/api/v1/scores?level=buurt&year=${last}`)).filter((r) => r.class != null).map((r) => r.code));
  for (const g of gms) {
    const buurten = rowsOf(await getJson(`${srv.url}/api/v1/areas?level=buurt&parent=${g}`)).map((b) => b.code);
    if (!buurten.some((b) => scored.has(b))) continue;
    const r = await get(`${srv.url}/api/v1/restricted/${fx.table}?gemeente=${g}`, admin);
    const rows = rowsOf(r.body).filter((x) => String(x.level) === "buurt");
    if (r.status === 200 && rows.length) withRows.push({ g, n: rows.length });
  }
} finally {
  srv.stop();
}
withRows.sort((x, y) => y.n - x.n);
if (withRows.length < 2) fail(`fewer than two gemeenten with restricted buurt rows: ${JSON.stringify(withRows)}`);
fx.gemeenteA = withRows[0].g;
fx.gemeenteB = withRows[1].g;
step(`users add analyst-a (municipal, ${fx.gemeenteA})`);
fx.analyst = token(wz("users", "add", "--users", users, "--name", "analyst-a", "--role", "municipal", "--gemeente", fx.gemeenteA));
fs.writeFileSync(path.join(a.work, "fixture.json"), JSON.stringify(fx, null, 2));
step(`done: ${path.join(a.work, "fixture.json")}`);
