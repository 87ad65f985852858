// Logging in as a municipal analyst of gemeente A shows A's restricted undermining layer and table,
// and nothing of gemeente B: the table lists only A's areas with the API's values, the restricted
// layer covers A's buurten (feature state and pixels) and not B's, B is not offered, and the service
// refuses B for this token. Before logging in nothing restricted is shown; logging out removes it.
import { args, check, classesOf, get, getJson, launch, loadFixture, near, openDashboard, pixelOfArea, playwright, rgbText, rowsOf, screenshot, startServer, summary } from "./lib.mjs";

const a = args();
const pw = playwright(a.source);
const fx = loadFixture(a);
const srv = await startServer(a, fx);
const browser = await launch(pw);
const errors = [];
try {
  const meta = await getJson(`${srv.url}/api/v1/meta`);
  const classes = classesOf(meta);
  const last = Math.max(...meta.years.map(Number));
  const scores = new Map(rowsOf(await getJson(`${srv.url}/api/v1/scores?level=buurt&year=${last}`)).map((r) => [r.code, r]));
  const me = await getJson(`${srv.url}/api/v1/me`, fx.analyst);
  check(me.role === "municipal" && JSON.stringify(me.gemeenten) === JSON.stringify([fx.gemeenteA]), `the analyst is municipal for ${fx.gemeenteA}`, JSON.stringify(me));
  const rowsA = rowsOf(await getJson(`${srv.url}/api/v1/restricted/${fx.table}?gemeente=${fx.gemeenteA}`, fx.analyst));
  const denied = await get(`${srv.url}/api/v1/restricted/${fx.table}?gemeente=${fx.gemeenteB}`, fx.analyst);
  check(denied.status === 403, `the service refuses ${fx.gemeenteB} to the analyst (403)`, String(denied.status));
  const buurtA = new Set(rowsOf(await getJson(`${srv.url}/api/v1/areas?level=buurt&parent=${fx.gemeenteA}`)).map((b) => b.code));
  const featsA = (await getJson(`${srv.url}/api/v1/areas?level=buurt&parent=${fx.gemeenteA}&format=geojson`)).features;
  const featsB = (await getJson(`${srv.url}/api/v1/areas?level=buurt&parent=${fx.gemeenteB}&format=geojson`)).features;

  const page = await openDashboard(browser, srv.url, errors);
  check(await page.locator("#restricted-controls").isHidden(), "before logging in no restricted controls are shown");
  // log in with the keyboard: the button, the token, Enter
  await page.focus("#btn-login");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#login-dialog[open]");
  await page.keyboard.type("not-a-valid-token");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.getElementById("login-error").textContent.length > 0);
  check(true, "a wrong token is refused with a message");
  await page.fill("#token", fx.analyst);
  await page.keyboard.press("Enter");
  await page.waitForSelector("#restricted-rows");
  await page.evaluate(() => window.wz.idle());
  check((await page.textContent("#user")).includes("analyst-a"), "the header names the user", await page.textContent("#user"));
  check(await page.evaluate(() => sessionStorage.getItem("wz-token")) === fx.analyst, "the token is kept in sessionStorage");
  const offered = await page.locator("#restricted-gemeente option").evaluateAll((els) => els.map((e) => e.value));
  check(JSON.stringify(offered) === JSON.stringify([fx.gemeenteA]), `only ${fx.gemeenteA} is offered`, JSON.stringify(offered));

  // the table: A's areas only, the API's rows of the shown year
  const areas = await page.locator("#restricted-rows tbody tr").evaluateAll((els) => els.map((e) => e.dataset.area));
  const years = [...new Set(rowsA.map((r) => Number(r.year)))].sort((x, y) => x - y);
  const year = years.includes(last) ? last : years.at(-1);
  const want = rowsA.filter((r) => Number(r.year) === year).map((r) => String(r.area));
  check(areas.length > 0 && JSON.stringify(areas) === JSON.stringify(want), `the table lists the API's ${want.length} rows of ${year}`, JSON.stringify(areas.slice(0, 5)));
  const featB = new Set(featsB.map((f) => f.properties.code));
  check(areas.every((c) => !featB.has(c) && c !== fx.gemeenteB), `no area of ${fx.gemeenteB} in the table`);
  check(areas.filter((c) => c.startsWith("BU")).every((c) => buurtA.has(c)), `every buurt in the table lies in ${fx.gemeenteA}`);
  await screenshot(page, a, "restricted-table");

  // the layer: feature state on A's buurten with rows, none on B's; pixels differ from the class colour on A only
  const stateOf = (code) => page.evaluate((c) => window.wz.map.getFeatureState({ source: "wz", sourceLayer: "buurt", id: c }).rst ?? null, code);
  const withRows = new Set(rowsA.filter((r) => String(r.level) === "buurt" && Number(r.year) === year).map((r) => String(r.area)));
  const fA = featsA.find((f) => withRows.has(f.properties.code) && scores.get(f.properties.code)?.class);
  const fB = featsB.find((f) => scores.get(f.properties.code)?.class);
  await page.click("#panel-close");
  if (check(Boolean(fA), `a scored buurt of ${fx.gemeenteA} with restricted rows`)) {
    check((await stateOf(fA.properties.code)) !== null, `${fA.properties.code} carries the restricted value`);
    const px = await pixelOfArea(page, fA);
    const cls = classes.find((c) => c.cls === scores.get(fA.properties.code).class).color;
    check(px.code === fA.properties.code && !near(px.rgba, cls, 10), `${fA.properties.code} is drawn by the restricted layer, not in its class colour ${cls}`, rgbText(px.rgba));
    await screenshot(page, a, "restricted-layer-A");
  }
  if (check(Boolean(fB), `a scored buurt of ${fx.gemeenteB}`)) {
    check((await stateOf(fB.properties.code)) === null, `${fB.properties.code} (of ${fx.gemeenteB}) carries no restricted value`);
    const px = await pixelOfArea(page, fB);
    const cls = classes.find((c) => c.cls === scores.get(fB.properties.code).class).color;
    check(px.code === fB.properties.code && near(px.rgba, cls), `${fB.properties.code} of ${fx.gemeenteB} shows only its class colour ${cls}`, rgbText(px.rgba));
    await screenshot(page, a, "restricted-layer-B");
  }
  // log out: the layer and the state go
  await page.click("#btn-logout");
  await page.evaluate(() => window.wz.idle());
  if (fA) check((await stateOf(fA.properties.code)) === null, "logging out removes the restricted values");
  check(await page.evaluate(() => sessionStorage.getItem("wz-token")) === null, "logging out forgets the token");
  const unexpected = errors.filter((e) => !/status of 401/.test(e)); // the wrong token's 401 is expected
  check(unexpected.length === 0, "no errors in the page", unexpected.join("; "));
} finally {
  await browser.close();
  srv.stop();
}
summary();
