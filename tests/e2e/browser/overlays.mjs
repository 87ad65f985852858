// The hot-spot overlay and the tenure curve of the national picture.
// (a) For every hot-spot dataset of /api/v1/hotspots (the fixture stores one of buurten and one of the
//     100 m grid), choosing it in the selector #hotspots gives exactly the areas whose row in
//     /api/v1/hotspots/{dataset} has significant = 1 the feature state "hot" = their quadrant (every other
//     area of the dataset none, and nothing left on the other levels), shows only that level's hot-spot
//     layer, and lists the hot-spot quadrants in the legend; on buurten the outline is painted in the
//     legend's colour of the quadrant just inside a significant buurt's edge, and not inside a
//     non-significant one.
// (b) The national picture draws the tenure curve of /api/v1/picture: one point per tenure.points entry,
//     placed at (share, fitted), the turning point line at tenure.breakpoint with the label in the page's
//     number format, the interval band from tenure.lower to tenure.upper, and the summary with the
//     interval and its open ends.
// (c) Keyboard: Tab reaches #hotspots, and the arrow keys choose a dataset that is then drawn.
import { args, check, getJson, idle, launch, loadFixture, near, openDashboard, playwright, rgbText, rowsOf, screenshot, startServer, summary } from "./lib.mjs";

const a = args();
const pw = playwright(a.source);
const fx = loadFixture(a);
const srv = await startServer(a, fx);
const browser = await launch(pw);
const errors = [];
const LEVELS = ["grid", "buurt", "wijk", "gemeente", "provincie"];

/** Chooses a hot-spot dataset of a level (or "" for none) and waits until it is applied and the map idle. */
async function chooseHotspots(page, dataset, level, how = () => page.selectOption("#hotspots", dataset)) {
  await how();
  // applyHotspots shows the layer hot-<level> after it has set the feature states (and hides all at once for none)
  await page
    .waitForFunction(([ds, level, levels]) => window.wz.state.hotspot === ds && levels.every((l) => (window.wz.map.getLayoutProperty(`hot-${l}`, "visibility") === "visible") === (l === level)), [dataset, level, LEVELS], { timeout: 30000 })
    .catch(() => console.log(`     (${dataset || "none"} was not applied within 30 s)`));
  await idle(page);
}

/** The "hot" feature state of each code on a level (null when none). */
const hotStates = (page, level, codes) =>
  page.evaluate(([level, codes]) => codes.map((id) => window.wz.map.getFeatureState({ source: "wz", sourceLayer: level, id })?.hot ?? null), [level, codes]);

/** Legend entries "hotspot Q" with the border colour of their swatch (#rrggbb). */
const hotLegend = (page) =>
  page.$$eval("#legend-items li", (lis) =>
    lis
      .filter((li) => /hotspot/i.test(li.textContent))
      .map((li) => {
        const sw = li.querySelector(".swatch");
        const m = (sw ? getComputedStyle(sw).borderTopColor : "").match(/\d+/g) ?? [];
        return { text: li.textContent.trim(), color: "#" + m.slice(0, 3).map((v) => Number(v).toString(16).padStart(2, "0")).join("") };
      }),
  );

/**
 * Frames a buurt and reads the pixel just inside the middle of its longest boundary edge (where the
 * hot-spot outline, 3 px wide with an inset of 1.5 px, is drawn) and one farther inside (the fill).
 */
async function edgePixels(page, feature) {
  const polys = feature.geometry.type === "Polygon" ? [feature.geometry.coordinates] : feature.geometry.coordinates;
  let bb = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of polys) for (const [x, y] of p[0]) bb = [Math.min(bb[0], x), Math.min(bb[1], y), Math.max(bb[2], x), Math.max(bb[3], y)];
  await page.evaluate((bb) => window.wz.map.fitBounds(bb, { padding: 150, duration: 0, maxZoom: 16 }), bb);
  await idle(page);
  return page.evaluate(([rings, code]) => {
    const m = window.wz.map;
    let best = null;
    for (const ring of rings) {
      const pts = ring.map((c) => m.project(c));
      for (let i = 1; i < pts.length; i++) {
        const len = Math.hypot(pts[i].x - pts[i - 1].x, pts[i].y - pts[i - 1].y);
        if (!best || len > best.len) best = { len, p: pts[i - 1], q: pts[i] };
      }
    }
    const mx = (best.p.x + best.q.x) / 2, my = (best.p.y + best.q.y) / 2;
    const nx = -(best.q.y - best.p.y) / best.len, ny = (best.q.x - best.p.x) / best.len;
    // the inward normal: the side where the buurt is, 8 px in
    const s = window.wz.codeAt(mx + 8 * nx, my + 8 * ny) === code ? 1 : -1;
    const at = (d) => ({ x: mx + s * d * nx, y: my + s * d * ny });
    const line = at(1.5), fill = at(8);
    return { edge: best.len, inside: window.wz.codeAt(fill.x, fill.y) === code, line: window.wz.pixel(line.x, line.y), fill: window.wz.pixel(fill.x, fill.y) };
  }, [polys.map((p) => p[0]), feature.properties.code]);
}

try {
  // ---------------------------------------------------------------- (a) the hot-spot overlay
  const listBody = await getJson(`${srv.url}/api/v1/hotspots`);
  const sets = Array.isArray(listBody?.hotspots) ? listBody.hotspots : rowsOf(listBody);
  const byLevel = new Map(sets.map((d) => [String(d.level), d]));
  check(byLevel.has("buurt") && byLevel.has("grid"), "/api/v1/hotspots lists a buurt and a grid dataset", JSON.stringify(sets.map((d) => [d.dataset, d.level])));
  check(sets.every((d) => Number(d.significant) > 0), "every listed dataset has areas significant after FDR", JSON.stringify(sets.map((d) => [d.dataset, d.significant])));

  const page = await openDashboard(browser, srv.url, errors);
  const options = await page.$$eval("#hotspots option", (os) => os.map((o) => o.value));
  check(sets.every((d) => options.includes(String(d.dataset))) && options.includes(""), "the selector #hotspots offers none and every listed dataset", JSON.stringify(options));

  const buurtFeats = (await getJson(`${srv.url}/api/v1/areas?level=buurt&format=geojson`)).features;
  const truth = new Map(); // dataset -> { level, rows, sig }
  for (const d of [byLevel.get("buurt"), byLevel.get("grid")].filter(Boolean)) {
    const ds = String(d.dataset);
    const level = String(d.level);
    const body = await getJson(`${srv.url}/api/v1/hotspots/${encodeURIComponent(ds)}`);
    const rows = rowsOf(body);
    const sig = rows.filter((r) => Number(r.significant) === 1);
    truth.set(ds, { level, rows, sig });
    check(rows.length > 0 && sig.length === Number(d.significant), `${ds}: ${sig.length} rows with significant = 1, as the list says (${d.significant})`);
    check(sig.every((r) => ["HH", "LL", "HL", "LH"].includes(r.quadrant) && r.cluster === r.quadrant), `${ds}: every significant row has a quadrant (its cluster)`);
    const only = rowsOf(await getJson(`${srv.url}/api/v1/hotspots/${encodeURIComponent(ds)}?significant=true`)).map((r) => r.code).sort();
    check(JSON.stringify(only) === JSON.stringify(sig.map((r) => r.code).sort()), `${ds}: ?significant=true returns the same ${sig.length} areas`);

    await chooseHotspots(page, ds, level);
    check((await page.evaluate(() => window.wz.state.hotspot)) === ds, `${ds}: chosen in #hotspots`);
    const codes = rows.map((r) => String(r.code));
    const got = await hotStates(page, level, codes);
    const wrong = rows.map((r, i) => ({ code: r.code, want: Number(r.significant) === 1 ? r.quadrant : null, got: got[i] })).filter((x) => x.want !== x.got);
    check(wrong.length === 0, `${ds}: exactly the ${sig.length} significant ${level} areas carry their quadrant in feature state "hot" (of ${rows.length})`, JSON.stringify(wrong.slice(0, 8)));
    const quads = [...new Set(sig.map((r) => r.quadrant))].sort();
    console.log(`     ${ds}: ${sig.length} significant (${quads.map((q) => `${q} ${sig.filter((r) => r.quadrant === q).length}`).join(", ")})`);
    const vis = await page.evaluate((ls) => Object.fromEntries(ls.map((l) => [l, window.wz.map.getLayoutProperty(`hot-${l}`, "visibility") ?? "visible"])), LEVELS);
    check(Object.entries(vis).every(([l, v]) => (l === level) === (v === "visible")), `${ds}: only the layer hot-${level} is shown`, JSON.stringify(vis));
    // nothing of the other dataset is left behind on the other level
    for (const [other, o] of truth) {
      if (other === ds) continue;
      const left = (await hotStates(page, o.level, o.sig.map((r) => String(r.code)))).filter((v) => v !== null);
      check(left.length === 0, `${ds}: no "hot" state left of ${other} on ${o.level}`, `${left.length} left`);
    }
    const legend = await hotLegend(page);
    check(["HH", "LL", "HL", "LH"].every((q) => legend.some((e) => e.text.includes(q))), `${ds}: the legend shows the hot-spot quadrants`, JSON.stringify(legend));
    const colour = new Map(legend.map((e) => [e.text.match(/\b(HH|LL|HL|LH)\b/)?.[1], e.color]));
    check(new Set(colour.values()).size === 4, `${ds}: four distinct legend colours`, JSON.stringify([...colour]));
    await screenshot(page, a, `overlay-${level}`);

    if (level === "buurt") {
      // the outline as drawn: the legend's colour just inside each significant buurt, not inside a non-significant one
      for (const r of sig.slice(0, 4)) {
        const f = buurtFeats.find((x) => x.properties.code === r.code);
        if (!check(Boolean(f), `${r.code}: geometry in /api/v1/areas`)) continue;
        const px = await edgePixels(page, f);
        check(px.inside && px.edge > 40, `${r.code}: an edge of ${px.edge.toFixed(0)} px to read`);
        check(near(px.line, colour.get(r.quadrant), 8), `${r.code} (${r.quadrant}) is outlined in ${colour.get(r.quadrant)}`, rgbText(px.line));
        check(!near(px.fill, colour.get(r.quadrant), 8), `${r.code}: its fill is not the outline colour`, rgbText(px.fill));
      }
      await screenshot(page, a, "overlay-buurt-significant");
      const ns = rows.find((r) => Number(r.significant) === 0 && r.quadrant && buurtFeats.some((x) => x.properties.code === r.code));
      if (check(Boolean(ns), "a non-significant buurt with a quadrant")) {
        const px = await edgePixels(page, buurtFeats.find((x) => x.properties.code === ns.code));
        check(px.inside && [...colour.values()].every((c) => !near(px.line, c, 8)), `${ns.code} (${ns.quadrant}, not significant) has no hot-spot outline`, rgbText(px.line));
      }
    }
  }
  // none: every state and layer gone
  await chooseHotspots(page, "", null);
  for (const [ds, o] of truth) {
    const left = (await hotStates(page, o.level, o.sig.map((r) => String(r.code)))).filter((v) => v !== null);
    check(left.length === 0, `none: the states of ${ds} are cleared`, `${left.length} left`);
  }
  check((await hotLegend(page)).length === 0, "none: no hot-spot entries in the legend");

  // ---------------------------------------------------------------- (b) the tenure curve
  const tenure = (await getJson(`${srv.url}/api/v1/picture`)).tenure;
  const pts = (tenure?.points ?? []).map((p) => ({ share: Number(p.share), fitted: Number(p.fitted), mean: Number(p.outcome_mean) })).sort((x, y) => x.share - y.share);
  const bp = Number(tenure?.breakpoint);
  if (check(pts.length >= 3 && Number.isFinite(bp), "/api/v1/picture has a tenure curve with a breakpoint", JSON.stringify(tenure)?.slice(0, 300))) {
    await page.click("#btn-picture");
    await page.waitForSelector("#tenure-chart", { timeout: 30000 });
    const lang = await page.evaluate(() => document.documentElement.lang || "nl");
    const fmt = (v, d) => new Intl.NumberFormat(lang === "en" ? "en-GB" : "nl-NL", { minimumFractionDigits: d, maximumFractionDigits: d }).format(v);
    const word = lang === "en" ? "turning point" : "omslagpunt";
    const drawn = await page.$eval("#tenure-chart svg", (svg) => ({
      circles: [...svg.querySelectorAll("circle")].map((c) => ({ cx: Number(c.getAttribute("cx")), cy: Number(c.getAttribute("cy")) })),
      vline: (() => { const l = svg.querySelector("line.vline"); return l ? Number(l.getAttribute("x1")) : null; })(),
      label: svg.querySelector("text.vline-label")?.textContent ?? null,
      band: (() => { const b = svg.querySelector("rect.band"); return b ? { x: Number(b.getAttribute("x")), w: Number(b.getAttribute("width")) } : null; })(),
    }));
    check(drawn.circles.length === pts.length, `the tenure chart plots ${pts.length} points (tenure.points.length)`, `${drawn.circles.length}`);
    check(drawn.label === `${word} ${fmt(bp, 1)}`, `the turning point is labelled "${word} ${fmt(bp, 1)}" (tenure.breakpoint ${bp})`, JSON.stringify(drawn.label));
    // the positions: x linear in the share, y linear in the fitted value (not the observed mean)
    const c = [...drawn.circles].sort((p, q) => p.cx - q.cx);
    if (c.length === pts.length && pts.length >= 3) {
      const sx = (s) => c[0].cx + ((s - pts[0].share) / (pts.at(-1).share - pts[0].share)) * (c.at(-1).cx - c[0].cx);
      const iy = pts.reduce((k, p, i) => (p.fitted > pts[k].fitted ? i : k), 0), jy = pts.reduce((k, p, i) => (p.fitted < pts[k].fitted ? i : k), 0);
      const sy = (v) => c[iy].cy + ((v - pts[iy].fitted) / (pts[jy].fitted - pts[iy].fitted)) * (c[jy].cy - c[iy].cy);
      const offX = pts.map((p, i) => Math.abs(sx(p.share) - c[i].cx));
      const offY = pts.map((p, i) => Math.abs(sy(p.fitted) - c[i].cy));
      check(Math.max(...offX) < 0.05, "the points lie at their share on the x axis", offX.map((v) => v.toFixed(2)).join(" "));
      check(Math.max(...offY) < 0.05 && c[iy].cy < c[jy].cy, "the points lie at their fitted value on the y axis (higher is up)", offY.map((v) => v.toFixed(2)).join(" "));
      check(drawn.vline !== null && Math.abs(drawn.vline - sx(bp)) < 0.05, `the turning point line is drawn at share ${fmt(bp, 1)}`, `${drawn.vline} vs ${sx(bp)}`);
      const lo = Number(tenure.lower), hi = Number(tenure.upper);
      if (Number.isFinite(lo) && Number.isFinite(hi)) {
        const [L, R] = [Math.min(c[0].cx, sx(bp)), Math.max(c.at(-1).cx, sx(bp))];
        const clamp = (x) => Math.min(R, Math.max(L, x));
        const want = { x: clamp(sx(lo)), w: clamp(sx(hi)) - clamp(sx(lo)) };
        check(drawn.band && Math.abs(drawn.band.x - want.x) < 0.05 && Math.abs(drawn.band.w - want.w) < 0.05, `the interval band spans ${fmt(lo, 1)} – ${fmt(hi, 1)}`, JSON.stringify([drawn.band, want]));
        check(lo <= bp && bp <= hi, `the breakpoint ${bp} lies in its interval`);
        const text = (await page.textContent("#tenure-summary")) ?? "";
        const interval = `[${tenure.lower_open ? "<" : ""}${fmt(lo, 1)} – ${fmt(hi, 1)}${tenure.upper_open ? ">" : ""}]`;
        check(text.includes(fmt(bp, 1)) && text.includes(interval), `the summary gives the turning point and the interval ${interval}`, text);
      }
    }
    await page.$eval("#tenure-chart", (e) => e.scrollIntoView({ block: "center" }));
    await screenshot(page, a, "picture-tenure");
  }
  await page.close();

  // ---------------------------------------------------------------- (c) the keyboard
  const kb = await openDashboard(browser, srv.url, errors);
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await kb.keyboard.press("Tab");
    reached = (await kb.evaluate(() => document.activeElement?.id)) === "hotspots";
  }
  if (check(reached, "Tab reaches the hot-spot selector #hotspots")) {
    const first = options.find((o) => o !== "");
    await chooseHotspots(kb, first, truth.get(first)?.level, () => kb.keyboard.press("ArrowDown"));
    check((await kb.inputValue("#hotspots")) === first, `ArrowDown chooses ${first}`, await kb.inputValue("#hotspots"));
    const o = truth.get(first);
    if (o) {
      const got = await hotStates(kb, o.level, o.sig.map((r) => String(r.code)));
      check(got.every((v, i) => v === o.sig[i].quadrant), `${first} is drawn after choosing it with the keyboard (${o.sig.length} areas)`);
    }
    await screenshot(kb, a, "overlay-keyboard");
  }
  check(errors.length === 0, "no errors in the page", errors.join("; "));
} finally {
  await browser.close();
  srv.stop();
}
summary();
