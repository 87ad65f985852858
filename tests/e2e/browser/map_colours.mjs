// The map shows buurten in the right colours: for buurten of the country (one per class), the pixel at the
// buurt's interior point equals the colour of its class in /api/v1/scores (classes and colours from
// /api/v1/meta); switching the year repaints to that year's class, switching to a dimension repaints
// to the dimension's diverging ramp (the symmetric dimension classes of METHODS.md).
import { args, check, classesOf, getJson, launch, loadFixture, near, openDashboard, pixelOfArea, playwright, rgbText, rowsOf, screenshot, startServer, summary, idle } from "./lib.mjs";

const a = args();
const pw = playwright(a.source);
const fx = loadFixture(a);
const srv = await startServer(a, fx);
const browser = await launch(pw);
const errors = [];
try {
  const meta = await getJson(`${srv.url}/api/v1/meta`);
  const classes = classesOf(meta);
  check(classes.length === 9 && classes.every((c) => /^#[0-9a-f]{6}$/i.test(c.color)), "meta: nine classes with #rrggbb colours", JSON.stringify(classes));
  const colorOf = (cls) => classes.find((c) => c.cls === Number(cls))?.color;
  const years = (meta.years ?? []).map(Number).sort((x, y) => x - y);
  const last = years.at(-1), first = years[0];
  const scoresLast = new Map(rowsOf(await getJson(`${srv.url}/api/v1/scores?level=buurt&year=${last}`)).map((r) => [r.code, r]));
  const scoresFirst = new Map(rowsOf(await getJson(`${srv.url}/api/v1/scores?level=buurt&year=${first}`)).map((r) => [r.code, r]));
  const feats = (await getJson(`${srv.url}/api/v1/areas?level=buurt&format=geojson`)).features;
  check(feats.length > 0, "areas geojson: the buurten of the country");

  const page = await openDashboard(browser, srv.url, errors);
  check((await page.inputValue("#level")) === "buurt", "the map opens on buurten");
  check((await page.inputValue("#year")) === String(last), `the map opens on the latest year ${last}`);
  await screenshot(page, a, "map-country");

  // up to six buurten with a class in the latest year, of as many different classes as there are
  const scored = feats.filter((f) => scoresLast.get(f.properties.code)?.class);
  const byClass = new Map();
  for (const f of scored) if (!byClass.has(scoresLast.get(f.properties.code).class)) byClass.set(scoresLast.get(f.properties.code).class, f);
  const sample = [...byClass.values(), ...scored].filter((f, i, all) => all.indexOf(f) === i).slice(0, 6);
  check(sample.length >= 3, `at least three scored buurten to read (${sample.length})`);
  for (const f of sample) {
    const code = f.properties.code;
    const want = colorOf(scoresLast.get(code).class);
    const px = await pixelOfArea(page, f);
    check(px.code === code, `pixel of ${code} lies in ${code}`, `it lies in ${px.code}`);
    check(near(px.rgba, want), `${code} (class ${scoresLast.get(code).class}, ${last}) is drawn in ${want}`, rgbText(px.rgba));
  }
  await screenshot(page, a, "map-gemeente-classes");

  // switching the year: a buurt whose class differs between the first and the last year
  const changed = scored.find((f) => scoresFirst.get(f.properties.code)?.class && scoresFirst.get(f.properties.code).class !== scoresLast.get(f.properties.code).class)
    ?? feats.find((f) => scoresFirst.get(f.properties.code)?.class);
  if (check(Boolean(changed), "a buurt with a class in the first year")) {
    const code = changed.properties.code;
    const before = await pixelOfArea(page, changed);
    await page.selectOption("#year", String(first));
    await idle(page);
    const after = await pixelOfArea(page, changed);
    const want = colorOf(scoresFirst.get(code).class);
    check(near(after.rgba, want), `after switching to ${first}, ${code} (class ${scoresFirst.get(code).class}) is drawn in ${want}`, rgbText(after.rgba));
    if (scoresFirst.get(code).class !== scoresLast.get(code).class) check(!near(before.rgba, want), `${code}'s paint changed with the year`, `${rgbText(before.rgba)} → ${rgbText(after.rgba)}`);
    await screenshot(page, a, `map-year-${first}`);
    await page.selectOption("#year", String(last));
  }

  // switching to a dimension: the diverging ramp of the symmetric dimension classes
  const dims = (meta.dimensions ?? []).map((d) => (typeof d === "string" ? d : d.key ?? d.code));
  const dim = dims.includes("vei") ? "vei" : dims[0];
  const bounds = meta.dimension_classes?.symmetric_bounds ?? meta.dimension_bounds ?? [0.0392, 0.0784, 0.1568, 0.2352];
  const dimClass = (d) => {
    const k = bounds.filter((b) => Math.abs(d) > b).length; // |d| <= b0: class 5, etc.
    return d < 0 ? 5 - k : 5 + k;
  };
  await page.selectOption("#theme", `dim:${dim}`);
  await idle(page);
  let checkedDims = 0;
  const seenDimClasses = new Set();
  for (const f of scored) {
    const d = scoresLast.get(f.properties.code)[dim];
    if (d === null || d === undefined) continue;
    const cls = dimClass(d);
    if (seenDimClasses.has(cls) && checkedDims >= 2) continue;
    // stay clear of the class edges (a rounding of the tile's value must not flip the class)
    if (bounds.some((b) => Math.abs(Math.abs(d) - b) < 1e-4)) continue;
    seenDimClasses.add(cls);
    const px = await pixelOfArea(page, f);
    check(near(px.rgba, colorOf(cls)), `dimension ${dim}: ${f.properties.code} (${d}, class ${cls}) is drawn in ${colorOf(cls)}`, rgbText(px.rgba));
    if (++checkedDims >= 4) break;
  }
  check(checkedDims >= 1, `at least one buurt with a ${dim} score was read`);
  await screenshot(page, a, `map-dimension-${dim}`);

  // development between the first and the last year: joined by feature state from /api/v1/development
  const dev = new Map(rowsOf(await getJson(`${srv.url}/api/v1/development?level=buurt&from=${first}&to=${last}`)).map((r) => [r.code, r]));
  const devClasses = Array.isArray(meta.development_classes) ? meta.development_classes : null;
  await page.selectOption("#theme", "development");
  await page.selectOption("#dev-from", String(first));
  await page.selectOption("#dev-to", String(last));
  await idle(page);
  const withDev = feats.find((f) => (dev.get(f.properties.code)?.development_class ?? dev.get(f.properties.code)?.class) != null);
  if (devClasses && withDev) {
    const r = dev.get(withDev.properties.code);
    const cls = Number(r.development_class ?? r.class);
    const want = devClasses.find((c, i) => Number(c.class ?? c.cls ?? i + 1) === cls)?.color;
    const px = await pixelOfArea(page, withDev);
    check(near(px.rgba, want), `development ${first}–${last}: ${withDev.properties.code} (class ${cls}) is drawn in ${want}`, rgbText(px.rgba));
    await screenshot(page, a, "map-development");
  } else check(false, "development classes in meta and a buurt with a development class");
  check(errors.length === 0, "no errors in the page", errors.join("; "));
} finally {
  await browser.close();
  srv.stop();
}
summary();
