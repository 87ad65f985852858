// Clicking a buurt on the map opens its profile, and the numbers shown equal /api/v1/profile/{code}
// (per year: score, rel, class, residents; the dimensions of the year against the country; the
// development; the comparable areas) and the buurt's row of /api/v1/scores. Escape closes it; a
// comparable area opens its own profile; the profile's CSV download holds the same numbers.
import fs from "node:fs";
import { args, check, getJson, launch, loadFixture, openDashboard, pixelOfArea, playwright, rowsOf, screenshot, startServer, summary } from "./lib.mjs";

const a = args();
const pw = playwright(a.source);
const fx = loadFixture(a);
const srv = await startServer(a, fx);
const browser = await launch(pw);
const errors = [];
const same = (shown, api) => (api === null || api === undefined ? shown === "" : shown !== "" && Number(shown) === Number(api));
const nl = (v, d) => new Intl.NumberFormat("nl-NL", { minimumFractionDigits: d, maximumFractionDigits: d }).format(v);
try {
  const meta = await getJson(`${srv.url}/api/v1/meta`);
  const last = Math.max(...meta.years.map(Number));
  const scores = new Map(rowsOf(await getJson(`${srv.url}/api/v1/scores?level=buurt&year=${last}`)).map((r) => [r.code, r]));
  const feats = (await getJson(`${srv.url}/api/v1/areas?level=buurt&parent=${fx.gemeenteA}&format=geojson`)).features;
  // the most populous scored buurt of the gemeente
  const f = feats.filter((x) => scores.get(x.properties.code)?.score != null).sort((x, y) => (scores.get(y.properties.code).residents ?? 0) - (scores.get(x.properties.code).residents ?? 0))[0];
  if (!check(Boolean(f), `a scored buurt in ${fx.gemeenteA}`)) summary();
  const code = f.properties.code;
  const prof = await getJson(`${srv.url}/api/v1/profile/${code}`);

  const page = await openDashboard(browser, srv.url, errors);
  const px = await pixelOfArea(page, f);
  check(px.code === code, `the pixel (${Math.round(px.x)}, ${Math.round(px.y)}) lies in ${code}`, String(px.code));
  await page.mouse.move(px.x + (await page.locator("#map").boundingBox()).x, px.y + (await page.locator("#map").boundingBox()).y);
  await page.waitForSelector("#tooltip:not([hidden])");
  check((await page.textContent("#tooltip")).includes(code), "hovering shows the buurt's code in the tooltip", await page.textContent("#tooltip"));
  await page.mouse.click(px.x + (await page.locator("#map").boundingBox()).x, px.y + (await page.locator("#map").boundingBox()).y);
  await page.waitForSelector("#profile-scores");
  await screenshot(page, a, "profile");
  const title = await page.textContent("#panel-title");
  check(title.includes(prof.name) && title.includes(code), `the profile's title names ${prof.name} ${code}`, title);

  // per year: score, rel, class, residents
  for (const s of prof.scores) {
    const row = page.locator(`#profile-scores tr[data-year="${s.year}"]`);
    for (const k of ["score", "rel", "class", "residents"]) {
      const shown = await row.locator(`[data-field="${k}"]`).getAttribute("data-value");
      check(same(shown, s[k]), `${s.year} ${k}: shown ${shown}, API ${s[k]}`);
    }
    if (s.score !== null) {
      const text = (await row.locator('[data-field="score"]').textContent()).trim();
      check(text === nl(s.score, 3), `${s.year} score is written ${nl(s.score, 3)}`, text);
    }
  }
  const sc = scores.get(code);
  const shownLast = await page.locator(`#profile-scores tr[data-year="${last}"] [data-field="score"]`).getAttribute("data-value");
  check(Number(shownLast) === Number(sc.score), `${last} score equals /api/v1/scores (${sc.score})`, shownLast);
  // the dimensions of the latest year against the country
  const cur = prof.scores.find((s) => s.year === last);
  const ctry = (prof.country ?? []).find((c) => c.year === last);
  for (const d of prof.dimensions) {
    const shown = await page.locator(`#profile-dimensions [data-field="${d}"]`).getAttribute("data-value");
    check(same(shown, cur.dimensions[d]), `dimension ${d}: shown ${shown}, API ${cur.dimensions[d]}`);
    check(same(shown, sc[d]), `dimension ${d} equals /api/v1/scores (${sc[d]})`);
    const c = await page.locator(`#profile-dimensions [data-field="country-${d}"]`).getAttribute("data-value");
    check(same(c, ctry?.dimensions?.[d]), `country ${d}: shown ${c}, API ${ctry?.dimensions?.[d]}`);
  }
  // development
  for (const d of prof.development ?? []) {
    const li = page.locator(`#profile-development li[data-from="${d.from}"][data-to="${d.to}"]`);
    check(same(await li.locator('[data-field="change"]').getAttribute("data-value"), d.change), `development ${d.from}–${d.to} change ${d.change}`);
    check(same(await li.locator('[data-field="dev-class"]').getAttribute("data-value"), d.class), `development ${d.from}–${d.to} class ${d.class}`);
  }
  // comparable areas, in the API's order
  const shownCodes = await page.locator("#profile-comparable [data-open-code]").evaluateAll((els) => els.map((e) => e.dataset.openCode));
  check(JSON.stringify(shownCodes) === JSON.stringify((prof.comparable ?? []).map((c) => c.code)), "comparable areas as in the API", JSON.stringify(shownCodes));
  // designations and hotspots: as many as the API has
  check((await page.locator("#profile-designations li").count()) === (prof.designations ?? []).length, `${(prof.designations ?? []).length} designations`);
  check((await page.locator("#profile-hotspots li").count()) === (prof.hotspots ?? []).length, `${(prof.hotspots ?? []).length} hotspot results`);

  // download: the CSV holds the API's scores
  const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#dl-csv")]);
  const csv = fs.readFileSync(await dl.path(), "utf8").trim().split("\n");
  const head = csv[0].split(",");
  const lastRow = csv.slice(1).map((l) => l.split(",")).find((r) => Number(r[head.indexOf("year")]) === last);
  check(Boolean(lastRow) && Number(lastRow[head.indexOf("score")]) === Number(cur.score), `the CSV download holds the ${last} score ${cur.score}`, String(lastRow));

  // a comparable area opens its profile; Escape closes the panel
  if (shownCodes.length) {
    await page.click(`#profile-comparable [data-open-code="${shownCodes[0]}"]`);
    await page.waitForFunction((c) => document.getElementById("panel-title")?.textContent.includes(c), shownCodes[0]);
    check(true, `the comparable area ${shownCodes[0]} opens its profile`);
  }
  await page.keyboard.press("Escape");
  check(await page.locator("#panel").isHidden(), "Escape closes the profile");

  // English: the same numbers with a decimal point
  await page.selectOption("#lang", "en");
  const px2 = await pixelOfArea(page, f); // the comparable area moved the map: frame the buurt again
  await page.mouse.click(px2.x + (await page.locator("#map").boundingBox()).x, px2.y + (await page.locator("#map").boundingBox()).y);
  await page.waitForSelector("#profile-scores");
  const en = (await page.locator(`#profile-scores tr[data-year="${last}"] [data-field="score"]`).textContent()).trim();
  check(en === cur.score.toFixed(3), `in English the score is written ${cur.score.toFixed(3)}`, en);
  check((await page.textContent("#panel h3")).trim() === "Score over time", "in English the headings are English");
  await screenshot(page, a, "profile-en");
  check(errors.length === 0, "no errors in the page", errors.join("; "));
} finally {
  await browser.close();
  srv.stop();
}
summary();
