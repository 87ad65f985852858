// Search finds an area by name and by code (/api/v1/search), keyboard only: type, arrow, Enter opens
// the profile of the chosen area and zooms the map to it.
import { args, check, getJson, idle, interiorPoint, launch, loadFixture, openDashboard, playwright, rowsOf, screenshot, startServer, summary } from "./lib.mjs";

const a = args();
const pw = playwright(a.source);
const fx = loadFixture(a);
const srv = await startServer(a, fx);
const browser = await launch(pw);
const errors = [];
try {
  const buurten = rowsOf(await getJson(`${srv.url}/api/v1/areas?level=buurt&parent=${fx.gemeenteA}`));
  const names = new Map();
  for (const b of buurten) names.set(b.name, (names.get(b.name) ?? 0) + 1);
  const target = buurten.find((b) => b.name && names.get(b.name) === 1 && b.name.length >= 4) ?? buurten[0];
  const page = await openDashboard(browser, srv.url, errors);
  const zoom0 = await page.evaluate(() => window.wz.map.getZoom());
  const feat = (await getJson(`${srv.url}/api/v1/areas?level=buurt&parent=${fx.gemeenteA}&format=geojson`)).features.find((f) => f.properties.code === target.code);
  const inner = interiorPoint(feat.geometry);

  // by name, reached with the keyboard from the page's start
  await page.focus("#search");
  await page.keyboard.type(target.name);
  await page.waitForSelector("#search-results li[data-code]");
  const codes = await page.locator("#search-results li[data-code]").evaluateAll((els) => els.map((e) => e.dataset.code));
  check(codes.includes(target.code), `searching "${target.name}" lists ${target.code}`, JSON.stringify(codes));
  const api = rowsOf(await getJson(`${srv.url}/api/v1/search?q=${encodeURIComponent(target.name)}&limit=10`)).map((r) => r.code);
  check(JSON.stringify(codes) === JSON.stringify(api), "the list is the API's, in its order", JSON.stringify(api));
  await screenshot(page, a, "search-name");
  for (let i = 0; i < codes.indexOf(target.code); i++) await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.waitForFunction((c) => document.getElementById("panel-title")?.textContent.includes(c), target.code);
  check(true, `Enter opens the profile of ${target.code}`);
  // the profile shows before the zoom (that waits for the area's geometry): wait for the camera to move
  await page.waitForFunction((z0) => window.wz.map.getZoom() > z0 + 0.01, zoom0, { timeout: 20000 }).catch(() => null);
  await idle(page);
  const view = await page.evaluate(([x, y]) => ({ zoom: window.wz.map.getZoom(), inside: window.wz.map.getBounds().contains([x, y]) }), [inner.x, inner.y]);
  check(view.zoom > zoom0 && view.inside, `the map zoomed in (${zoom0.toFixed(1)} → ${view.zoom.toFixed(1)}) to the area`, JSON.stringify(view));

  // by code
  await page.fill("#search", "");
  await page.focus("#search");
  await page.keyboard.type(target.code);
  await page.waitForFunction((c) => document.querySelector("#search-results li[data-code]")?.dataset.code === c, target.code, { timeout: 10000 }).catch(() => null);
  const first = await page.locator("#search-results li[data-code]").first().getAttribute("data-code");
  check(first === target.code, `searching the code ${target.code} lists it first`, String(first));
  await screenshot(page, a, "search-code");
  await page.keyboard.press("Escape");
  check(await page.locator("#search-results").isHidden(), "Escape closes the list");

  // the gemeente by code (another level)
  await page.fill("#search", fx.gemeenteA);
  await page.waitForFunction((c) => [...document.querySelectorAll("#search-results li[data-code]")].some((e) => e.dataset.code === c), fx.gemeenteA, { timeout: 10000 }).catch(() => null);
  check(await page.locator(`#search-results li[data-code="${fx.gemeenteA}"]`).count() === 1, `searching ${fx.gemeenteA} finds the gemeente`);

  // nothing
  await page.fill("#search", "zzqqxx");
  await page.waitForSelector("#search-results li[aria-disabled]");
  check(await page.locator("#search-results li[data-code]").count() === 0, "a nonsense text finds nothing and says so");
  check(errors.length === 0, "no errors in the page", errors.join("; "));
} finally {
  await browser.close();
  srv.stop();
}
summary();
