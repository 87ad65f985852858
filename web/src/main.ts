// wijkzicht dashboard: the map, the area profile, the national picture, search, login and the
// restricted undermining layer. State lives here; the modules render.
import "maplibre-gl/dist/maplibre-gl.css";
import "./style.css";
import type { FilterSpecification, Map as MlMap, MapGeoJSONFeature } from "maplibre-gl";
import { api, ApiError, getToken, rowsOf, setToken } from "./api";
import { esc } from "./charts";
import { applyI18n, getLang, levelName, num, setLang, t, type Lang } from "./i18n";
import { createMap, dimensionColors, dimensionEdges, fillColor, HOTSPOT_COLORS, loadTileJson, NODATA, RESTRICTED_RAMP, SRC, TILE_LEVELS, type Theme, type TileInfo } from "./map";
import { loadMeta, type Meta } from "./meta";
import { renderPicture } from "./picture";
import { downloadProfile, fetchProfile, renderProfile, type Profile } from "./profile";

type Obj = Record<string, unknown>;
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
const testMode = params.has("test");

interface User {
  name: string;
  role: string;
  gemeenten: string[];
}
const state = {
  level: "buurt",
  year: 0,
  theme: { kind: "total" } as Theme,
  devFrom: 0,
  devTo: 0,
  typology: "",
  hotspot: "",
  selected: null as string | null,
  hovered: null as string | null,
  view: "map" as "map" | "picture" | "profile" | "restricted",
  profile: null as Profile | null,
  user: null as User | null,
  restrictedTable: "",
  restrictedGemeente: "",
  restrictedColumn: "",
  restrictedRows: [] as Obj[],
  restrictedCodes: [] as string[],
  dev: new Map<string, { change: number | null; cls: number | null }>(),
};
let meta: Meta;
let tiles: TileInfo;
let map: MlMap;
let typologies: Obj[] = [];
let hotspotSets: Obj[] = [];

// ---- feature state: remember what was set per (layer, key) so it can be cleared
const stateSets = new Map<string, Set<string>>();
function setStates(layer: string, key: string, values: Map<string, unknown>): void {
  const id = `${layer}/${key}`;
  for (const code of stateSets.get(id) ?? []) map.removeFeatureState({ source: SRC, sourceLayer: layer, id: code }, key);
  for (const [code, v] of values) map.setFeatureState({ source: SRC, sourceLayer: layer, id: code }, { [key]: v });
  stateSets.set(id, new Set(values.keys()));
}

// ---- controls
function option(value: string, label: string): HTMLOptionElement {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = label;
  return o;
}
function fillSelect(sel: HTMLSelectElement, opts: Array<[string, string]>, value: string): void {
  sel.replaceChildren(...opts.map(([v, l]) => option(v, l)));
  sel.value = value;
}
function tileLevels(): string[] {
  return TILE_LEVELS.filter((l) => tiles.layers.size === 0 || tiles.layers.has(l));
}
function populateControls(): void {
  fillSelect($("level"), tileLevels().map((l) => [l, levelName(l)]), state.level);
  const ys = meta.years.map((y) => [String(y), String(y)] as [string, string]);
  fillSelect($("year"), ys, String(state.year));
  fillSelect($("dev-from"), ys, String(state.devFrom));
  fillSelect($("dev-to"), ys, String(state.devTo));
  const themeValue = state.theme.kind === "dimension" ? `dim:${state.theme.key}` : state.theme.kind;
  fillSelect($("theme"), [["total", t("total")], ...meta.dimensions.map((d) => [`dim:${d.key}`, d.name] as [string, string]), ["development", t("development")]], themeValue);
  fillSelect($("typology"), [["", t("none")], ...typologies.map((d) => [String(d.dataset), `${d.rules ?? d.dataset} · ${levelName(String(d.level ?? ""))} ${d.year ?? ""}`] as [string, string])], state.typology);
  fillSelect($("hotspots"), [["", t("none")], ...hotspotSets.map((d) => [String(d.dataset), String(d.dataset)] as [string, string])], state.hotspot);
  $("dev-years").hidden = state.theme.kind !== "development";
  $<HTMLSelectElement>("lang").value = getLang();
}

// ---- the thematic layer
function applyPaint(): void {
  for (const l of TILE_LEVELS) {
    const on = l === state.level;
    for (const prefix of ["fill", "line", "hover"]) if (map.getLayer(`${prefix}-${l}`)) map.setLayoutProperty(`${prefix}-${l}`, "visibility", on ? "visible" : "none");
  }
  map.setPaintProperty(`fill-${state.level}`, "fill-color", fillColor(meta, state.theme, state.year));
  renderLegend();
  updateNote();
}
function renderLegend(): void {
  const items: Array<[string, string]> = [];
  if (state.theme.kind === "total") for (const c of meta.classes) items.push([c.color, c.name]);
  else if (state.theme.kind === "development") for (const c of meta.devClasses) items.push([c.color, c.name]);
  else {
    const e = dimensionEdges(meta), c = dimensionColors(meta);
    c.forEach((col, i) => items.push([col, i === 0 ? `< ${num(e[0], 3)}` : i === c.length - 1 ? `≥ ${num(e[e.length - 1], 3)}` : `${num(e[i - 1], 3)} – ${num(e[i], 3)}`]));
  }
  items.push([NODATA, t("nodata")]);
  let html = items.map(([col, name]) => `<li><span class="swatch" style="background:${col}"></span>${esc(name)}</li>`).join("");
  if (state.hotspot) html += Object.entries(HOTSPOT_COLORS).map(([q, col]) => `<li><span class="swatch" style="background:transparent;border:3px solid ${col}"></span>hotspot ${q}</li>`).join("");
  if (state.typology) html += `<li><span class="swatch" style="background:transparent;border:2px dashed #000"></span>${esc(t("typology"))}</li>`;
  if (state.user && state.restrictedCodes.length && $<HTMLInputElement>("restricted-on").checked)
    html += `<li><span class="swatch" style="background:linear-gradient(90deg,${RESTRICTED_RAMP.join(",")})"></span>${esc(t("restrictedLayer"))}</li>`;
  $("legend-items").innerHTML = html;
}
function updateNote(): void {
  const minz = tiles.layers.get(state.level) ?? 0;
  $("map-note").textContent = map.getZoom() < minz ? t("zoomGrid") : "";
}

async function loadDevelopment(): Promise<void> {
  state.dev.clear();
  if (state.theme.kind !== "development") return setStates(state.level, "dev", new Map());
  const body = await api(`/api/v1/development?level=${state.level}&from=${state.devFrom}&to=${state.devTo}`);
  const vals = new Map<string, unknown>();
  for (const r of rowsOf<Obj>(body)) {
    const cls = (r.development_class ?? r.class ?? null) as number | null;
    state.dev.set(String(r.code), { change: (r.change ?? null) as number | null, cls });
    if (cls !== null) vals.set(String(r.code), Number(cls));
  }
  setStates(state.level, "dev", vals);
}

// ---- overlays
function datasetLevel(d: Obj | undefined): string {
  if (!d) return "";
  if (d.level) return String(d.level);
  const name = String(d.dataset ?? "");
  return TILE_LEVELS.find((l) => name.includes(`_${l}`)) ?? "buurt";
}
async function applyTypology(): Promise<void> {
  for (const l of TILE_LEVELS) map.setLayoutProperty(`typ-${l}`, "visibility", "none");
  for (const l of TILE_LEVELS) setStates(l, "typ", new Map());
  if (!state.typology) return renderLegend();
  const d = typologies.find((x) => x.dataset === state.typology);
  const level = datasetLevel(d);
  const rows = rowsOf<Obj>(await api(`/api/v1/typologies/${encodeURIComponent(state.typology)}`), "designated");
  const vals = new Map<string, unknown>();
  for (const r of rows) if (r.designated !== false && r.designated !== 0) vals.set(String(r.code ?? r.area), true);
  if ((TILE_LEVELS as readonly string[]).includes(level)) {
    setStates(level, "typ", vals);
    map.setLayoutProperty(`typ-${level}`, "visibility", "visible");
  }
  renderLegend();
}
async function applyHotspots(): Promise<void> {
  for (const l of TILE_LEVELS) for (const id of [`hot-casing-${l}`, `hot-${l}`]) map.setLayoutProperty(id, "visibility", "none");
  for (const l of TILE_LEVELS) setStates(l, "hot", new Map());
  if (!state.hotspot) return renderLegend();
  const d = hotspotSets.find((x) => x.dataset === state.hotspot);
  const level = datasetLevel(d);
  let rows: Obj[];
  try {
    rows = rowsOf<Obj>(await api(`/api/v1/hotspots/${encodeURIComponent(state.hotspot)}`));
  } catch (e) {
    // the service may list hotspot results without a path of their own: read the stored dataset as CSV
    if (!(e instanceof ApiError) || e.status !== 404) throw e;
    rows = parseCsv(await (await fetch(`/api/v1/download/${encodeURIComponent(state.hotspot)}.csv`)).text());
  }
  const vals = new Map<string, unknown>();
  for (const r of rows) if (r.significant !== false && r.significant !== 0 && r.significant !== "0" && r.significant !== "false" && r.quadrant) vals.set(String(r.code ?? r.area), String(r.quadrant));
  if ((TILE_LEVELS as readonly string[]).includes(level)) {
    setStates(level, "hot", vals);
    map.setLayoutProperty(`hot-casing-${level}`, "visibility", "visible");
    map.setLayoutProperty(`hot-${level}`, "visibility", "visible");
  }
  renderLegend();
}

/** A small CSV reader (RFC 4180 quotes) into row objects; numbers stay text. */
function parseCsv(text: string): Obj[] {
  const rows: string[][] = [];
  let row: string[] = [], field = "", q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') (field += '"', i++);
      else if (c === '"') q = false;
      else field += c;
    } else if (c === '"') q = true;
    else if (c === ",") (row.push(field), (field = ""));
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      (row = []), (field = "");
    } else field += c;
  }
  if (field || row.length) (row.push(field), rows.push(row));
  const head = rows.shift() ?? [];
  return rows.filter((r) => r.length > 1 || r[0]).map((r) => Object.fromEntries(head.map((h, i) => [h, r[i] ?? ""])));
}

// ---- hover and click
const tooltip = $("tooltip");
function featureText(f: MapGeoJSONFeature): string {
  const p = f.properties as Obj;
  const code = String(p.code ?? f.id ?? "");
  let line = "";
  if (state.theme.kind === "total") {
    const cls = p[`class_${state.year}`] as number | undefined;
    line = cls ? `${meta.classes.find((c) => c.cls === Number(cls))?.name ?? cls} · ${t("score")} ${num(p[`score_${state.year}`] as number)}` : t("nodata");
  } else if (state.theme.kind === "dimension") {
    const v = p[`${state.theme.key}_${state.year}`] as number | undefined;
    line = v === undefined ? t("nodata") : `${meta.dimensions.find((d) => d.key === (state.theme as { key: string }).key)?.name}: ${num(v)}`;
  } else {
    const d = state.dev.get(code);
    line = d && d.cls !== null ? `${meta.devClasses.find((c) => c.cls === d.cls)?.name ?? d.cls} (${num(d.change, 4)})` : t("nodata");
  }
  let rst = "";
  if (state.restrictedCodes.includes(code) && state.level === "buurt") rst = `<br><span class="muted">${esc(t("restrictedLayer"))}</span>`;
  return `<strong>${esc(String(p.name ?? code))}</strong> <span class="code">${esc(code)}</span><br>${esc(line)}${rst}`;
}
function setHover(code: string | null): void {
  if (state.hovered === code) return;
  if (state.hovered) map.setFeatureState({ source: SRC, sourceLayer: state.level, id: state.hovered }, { hover: false });
  state.hovered = code;
  if (code) map.setFeatureState({ source: SRC, sourceLayer: state.level, id: code }, { hover: true });
}
function setSelected(code: string | null): void {
  for (const l of TILE_LEVELS) setStates(l, "selected", new Map());
  state.selected = code;
  if (code) setStates(state.level, "selected", new Map([[code, true]]));
}
function bindMapEvents(): void {
  map.on("mousemove", (e) => {
    const f = map.queryRenderedFeatures(e.point, { layers: [`fill-${state.level}`] })[0];
    if (!f) {
      tooltip.hidden = true;
      setHover(null);
      map.getCanvas().style.cursor = "";
      return;
    }
    setHover(String(f.id ?? (f.properties as Obj).code));
    map.getCanvas().style.cursor = "pointer";
    tooltip.innerHTML = featureText(f);
    tooltip.hidden = false;
    const r = $("map").getBoundingClientRect(), main = document.querySelector("main")!.getBoundingClientRect();
    tooltip.style.left = `${r.left - main.left + e.point.x + 14}px`;
    tooltip.style.top = `${r.top - main.top + e.point.y + 14}px`;
  });
  map.on("mouseout", () => {
    tooltip.hidden = true;
    setHover(null);
  });
  map.on("click", (e) => {
    const f = map.queryRenderedFeatures(e.point, { layers: [`fill-${state.level}`] })[0];
    if (f) void openProfile(String(f.id ?? (f.properties as Obj).code));
  });
  map.on("zoomend", updateNote);
  // keyboard: Enter on the focused map opens the area at its centre
  map.getCanvasContainer().addEventListener("keydown", (e) => {
    if (e.key !== "Enter") return;
    const c = map.project(map.getCenter());
    const f = map.queryRenderedFeatures(c, { layers: [`fill-${state.level}`] })[0];
    if (f) void openProfile(String(f.id ?? (f.properties as Obj).code));
  });
}

// ---- the side panel
const panel = $("panel");
let lastFocus: HTMLElement | null = null;
function showPanel(html: string, view: typeof state.view): void {
  if (panel.hidden) lastFocus = document.activeElement as HTMLElement | null;
  $("panel-body").innerHTML = html;
  panel.hidden = false;
  state.view = view;
  $("btn-picture").setAttribute("aria-pressed", String(view === "picture"));
  map.resize();
  ($("panel-title") ?? panel).focus();
}
function closePanel(): void {
  panel.hidden = true;
  state.view = "map";
  state.profile = null;
  $("btn-picture").setAttribute("aria-pressed", "false");
  setSelected(null);
  map.resize();
  lastFocus?.focus();
}
async function openProfile(code: string, zoom = false): Promise<void> {
  try {
    const p = await fetchProfile(code);
    state.profile = p;
    if ((TILE_LEVELS as readonly string[]).includes(p.level) && p.level !== state.level) {
      state.level = p.level;
      populateControls();
      applyPaint();
      await loadDevelopment();
    }
    showPanel(renderProfile(p, meta, state.year), "profile");
    setSelected(code);
    if (zoom) await zoomTo(p);
  } catch (e) {
    showPanel(`<h2 id="panel-title" tabindex="-1">${t("error")}</h2><p class="error">${esc((e as Error).message)}</p>`, "profile");
  }
}
async function zoomTo(p: Profile): Promise<void> {
  const parentKey: Record<string, string> = { grid: "buurt", buurt: "wijk", wijk: "gemeente", gemeente: "provincie" };
  const parent = p.parents?.[parentKey[p.level] ?? ""] ?? null;
  try {
    const fc = await api<{ features: Array<{ properties: Obj; geometry: { coordinates: unknown } }> }>(`/api/v1/areas?level=${p.level}${parent ? `&parent=${parent}` : ""}&format=geojson`);
    const f = fc.features?.find((x) => String(x.properties.code) === p.code);
    if (!f) return;
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    const walk = (c: unknown): void => {
      if (Array.isArray(c) && typeof c[0] === "number") {
        x0 = Math.min(x0, c[0]); x1 = Math.max(x1, c[0]); y0 = Math.min(y0, c[1] as number); y1 = Math.max(y1, c[1] as number);
      } else if (Array.isArray(c)) c.forEach(walk);
    };
    walk(f.geometry.coordinates);
    if (Number.isFinite(x0)) map.fitBounds([x0, y0, x1, y1], { padding: 60, maxZoom: 15, duration: testMode ? 0 : 800 });
  } catch {
    /* no geometry: the profile is enough */
  }
}
$("panel-body").addEventListener("click", (e) => {
  const el = (e.target as HTMLElement).closest<HTMLElement>("[data-open-code],[data-download]");
  if (!el) return;
  e.preventDefault();
  if (el.dataset.openCode) void openProfile(el.dataset.openCode, true);
  else if (el.dataset.download && state.profile) downloadProfile(state.profile, el.dataset.download as "csv" | "json");
});
$("panel-close").addEventListener("click", closePanel);
$("btn-picture").addEventListener("click", async () => {
  if (state.view === "picture") return closePanel();
  showPanel(`<p>${t("loading")}</p>`, "picture");
  try {
    showPanel(await renderPicture(meta), "picture");
  } catch (e) {
    showPanel(`<h2 id="panel-title" tabindex="-1">${t("error")}</h2><p class="error">${esc((e as Error).message)}</p>`, "picture");
  }
});

// ---- search
const search = $<HTMLInputElement>("search");
const results = $<HTMLUListElement>("search-results");
let searchSeq = 0;
let active = -1;
function showResults(rows: Obj[]): void {
  active = rows.length ? 0 : -1;
  results.innerHTML = rows.length
    ? rows.map((r, i) => `<li role="option" id="sr-${i}" data-code="${esc(String(r.code))}" aria-selected="${i === 0}">${esc(String(r.name ?? r.code))} <span class="code">${esc(String(r.code))}</span> <span class="lvl">${esc(levelName(String(r.level ?? "")))}</span></li>`).join("")
    : `<li role="option" aria-disabled="true">${t("noResults")}</li>`;
  results.hidden = false;
  search.setAttribute("aria-expanded", "true");
  search.setAttribute("aria-activedescendant", active >= 0 ? `sr-${active}` : "");
}
function hideResults(): void {
  results.hidden = true;
  search.setAttribute("aria-expanded", "false");
}
function moveActive(d: number): void {
  const items = [...results.querySelectorAll<HTMLLIElement>("li[data-code]")];
  if (!items.length) return;
  active = (active + d + items.length) % items.length;
  items.forEach((li, i) => li.setAttribute("aria-selected", String(i === active)));
  search.setAttribute("aria-activedescendant", `sr-${active}`);
  items[active].scrollIntoView({ block: "nearest" });
}
function pick(code: string): void {
  hideResults();
  void openProfile(code, true);
}
let searchTimer = 0;
search.addEventListener("input", () => {
  clearTimeout(searchTimer);
  const q = search.value.trim();
  if (q.length < 2) return hideResults();
  searchTimer = window.setTimeout(async () => {
    const seq = ++searchSeq;
    try {
      const rows = rowsOf<Obj>(await api(`/api/v1/search?q=${encodeURIComponent(q)}&limit=10`));
      if (seq === searchSeq) showResults(rows);
    } catch {
      if (seq === searchSeq) showResults([]);
    }
  }, 200);
});
search.addEventListener("keydown", (e) => {
  if (e.key === "ArrowDown") (e.preventDefault(), moveActive(1));
  else if (e.key === "ArrowUp") (e.preventDefault(), moveActive(-1));
  else if (e.key === "Enter") {
    const li = results.querySelector<HTMLLIElement>(`#sr-${active}`);
    if (li?.dataset.code && !results.hidden) (e.preventDefault(), pick(li.dataset.code));
  } else if (e.key === "Escape") {
    // a search still on its way must not open the list again
    clearTimeout(searchTimer);
    searchSeq++;
    hideResults();
  }
});
results.addEventListener("mousedown", (e) => {
  const li = (e.target as HTMLElement).closest<HTMLLIElement>("li[data-code]");
  if (li?.dataset.code) (e.preventDefault(), pick(li.dataset.code));
});
search.addEventListener("blur", () => setTimeout(hideResults, 150));

// ---- login and the restricted layer
const dialog = $<HTMLDialogElement>("login-dialog");
$("btn-login").addEventListener("click", () => {
  $("login-error").textContent = "";
  $<HTMLInputElement>("token").value = "";
  dialog.showModal();
  $("token").focus();
});
$("login-cancel").addEventListener("click", () => dialog.close());
$("login-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const token = $<HTMLInputElement>("token").value.trim();
  setToken(token);
  if (await loadUser()) dialog.close();
  else {
    setToken(null);
    $("login-error").textContent = t("loginFailed");
  }
});
$("btn-logout").addEventListener("click", () => {
  setToken(null);
  state.user = null;
  void clearRestricted();
  renderUser();
});
function renderUser(): void {
  const u = state.user;
  $("user").textContent = u ? `${t("loggedInAs")} ${u.name} (${u.role}${u.gemeenten.length ? `: ${u.gemeenten.join(", ")}` : ""})` : "";
  $("btn-login").hidden = Boolean(u);
  $("btn-logout").hidden = !u;
  $("restricted-controls").hidden = !u || u.role === "public";
}
async function loadUser(): Promise<boolean> {
  if (!getToken()) return false;
  try {
    const me = await api<Obj>("/api/v1/me", { auth: true });
    state.user = { name: String(me.name ?? me.user ?? ""), role: String(me.role ?? "public"), gemeenten: ((me.gemeenten as string[]) ?? []).map(String) };
  } catch {
    state.user = null;
    return false;
  }
  renderUser();
  await loadRestrictedTables();
  return true;
}
async function clearRestricted(): Promise<void> {
  state.restrictedRows = [];
  state.restrictedCodes = [];
  setStates("buurt", "rst", new Map());
  map.setLayoutProperty("restricted", "visibility", "none");
  renderLegend();
  if (state.view === "restricted") closePanel();
}
async function loadRestrictedTables(): Promise<void> {
  const u = state.user;
  if (!u || u.role === "public") return;
  let tables: Obj[] = [];
  try {
    const body = await api(`/api/v1/restricted/tables`, { auth: true });
    tables = rowsOf<Obj>(body, "tables");
    if (!tables.length && body && typeof body === "object" && !Array.isArray(body))
      tables = Object.entries(body as Obj).map(([k, v]) => ({ table: k, columns: v }));
  } catch (e) {
    $("map-note").textContent = `${t("restricted")}: ${(e as Error).message}`;
    return;
  }
  const names = tables.map((x) => String(x.table ?? x.name));
  state.restrictedTable = names.includes("risk_yearly") ? "risk_yearly" : (names[0] ?? "");
  fillSelect($("restricted-table"), names.map((n) => [n, n]), state.restrictedTable);
  let gms = u.gemeenten;
  if (u.role !== "municipal" && !gms.length) {
    const all = rowsOf<Obj>(await api(`/api/v1/areas?level=gemeente`));
    gms = all.map((g) => String(g.code));
  }
  state.restrictedGemeente = gms[0] ?? "";
  fillSelect($("restricted-gemeente"), gms.map((g) => [g, g]), state.restrictedGemeente);
  await loadRestricted();
}
/** The numeric columns of the restricted rows; rates (per 1000, rate, share) first. */
function valueColumns(rows: Obj[]): string[] {
  const keys = rows.length ? Object.keys(rows[0]) : [];
  const numeric = keys.filter((k) => !["year", "level", "area", "code", "name", "gemeente", "fid"].includes(k) && rows.some((r) => typeof r[k] === "number"));
  const rate = (k: string) => /per_1000|rate|share/.test(k);
  return [...numeric.filter(rate), ...numeric.filter((k) => !rate(k))];
}
async function loadRestricted(): Promise<void> {
  if (!state.user || !state.restrictedTable || !state.restrictedGemeente) return;
  let rows: Obj[] = [];
  try {
    rows = rowsOf<Obj>(await api(`/api/v1/restricted/${encodeURIComponent(state.restrictedTable)}?gemeente=${encodeURIComponent(state.restrictedGemeente)}`, { auth: true }));
  } catch (e) {
    $("map-note").textContent = `${t("restricted")}: ${e instanceof ApiError ? e.message : String(e)}`;
    rows = [];
  }
  state.restrictedRows = rows;
  const years = [...new Set(rows.map((r) => Number(r.year)).filter(Number.isFinite))].sort((a, b) => a - b);
  const year = years.includes(state.year) ? state.year : years.at(-1);
  const cols = valueColumns(rows);
  const col = cols.includes(state.restrictedColumn) ? state.restrictedColumn : (cols[0] ?? "");
  state.restrictedColumn = col;
  fillSelect($("restricted-column"), cols.map((c) => [c, c]), col);
  const buurt = rows.filter((r) => String(r.level ?? "buurt") === "buurt" && (year === undefined || Number(r.year) === year));
  const nums = buurt.map((r) => Number(r[col])).filter(Number.isFinite);
  const max = Math.max(1e-12, ...nums);
  const vals = new Map<string, unknown>();
  for (const r of buurt) {
    const v = Number(r[col]);
    vals.set(String(r.area ?? r.code), Number.isFinite(v) && r[col] !== null ? v / max : 0);
  }
  state.restrictedCodes = [...vals.keys()];
  setStates("buurt", "rst", vals);
  map.setLayoutProperty("restricted", "visibility", $<HTMLInputElement>("restricted-on").checked ? "visible" : "none");
  renderLegend();
  showRestrictedTable(rows, year, col);
}
function showRestrictedTable(rows: Obj[], year: number | undefined, col: string): void {
  if (!rows.length) return showPanel(`<h2 id="panel-title" tabindex="-1">${t("restricted")}</h2><p class="muted">${t("restrictedNone")}</p>`, "restricted");
  const cols = Object.keys(rows[0]);
  const shown = rows.filter((r) => year === undefined || Number(r.year) === year);
  let h = `<header class="panel-head"><h2 id="panel-title" tabindex="-1">${t("restricted")}: ${esc(state.restrictedTable)} · ${esc(state.restrictedGemeente)}${year ? ` · ${year}` : ""}</h2><p class="muted">${esc(col)}</p></header>`;
  h += `<div class="scroll-x"><table class="data restricted-table" id="restricted-rows"><thead><tr>${cols.map((c) => `<th scope="col">${esc(c)}</th>`).join("")}</tr></thead><tbody>`;
  for (const r of shown) h += `<tr data-area="${esc(String(r.area ?? ""))}">${cols.map((c) => (r[c] === null ? `<td class="suppressed">${t("suppressed")}</td>` : c === "year" ? `<td>${esc(String(r[c]))}</td>` : typeof r[c] === "number" ? `<td class="num">${num(r[c] as number, Number.isInteger(r[c]) ? 0 : 3)}</td>` : `<td>${esc(String(r[c]))}</td>`)).join("")}</tr>`;
  h += `</tbody></table></div>`;
  showPanel(h, "restricted");
}
$("restricted-on").addEventListener("change", () => {
  map.setLayoutProperty("restricted", "visibility", $<HTMLInputElement>("restricted-on").checked ? "visible" : "none");
  renderLegend();
});
$("restricted-table").addEventListener("change", (e) => {
  state.restrictedTable = (e.target as HTMLSelectElement).value;
  void loadRestricted();
});
$("restricted-column").addEventListener("change", (e) => {
  state.restrictedColumn = (e.target as HTMLSelectElement).value;
  void loadRestricted();
});
$("restricted-gemeente").addEventListener("change", (e) => {
  state.restrictedGemeente = (e.target as HTMLSelectElement).value;
  void loadRestricted();
});

// ---- control events
const noteError = (what: string) => (e: unknown) => {
  $("map-note").textContent = `${what}: ${(e as Error).message}`;
};
$("level").addEventListener("change", async (e) => {
  setSelected(null);
  setHover(null);
  state.level = (e.target as HTMLSelectElement).value;
  applyPaint();
  await loadDevelopment().catch(noteError(t("development")));
});
$("year").addEventListener("change", (e) => {
  state.year = Number((e.target as HTMLSelectElement).value);
  applyPaint();
  if (state.profile) showPanel(renderProfile(state.profile, meta, state.year), "profile");
});
$("theme").addEventListener("change", async (e) => {
  const v = (e.target as HTMLSelectElement).value;
  state.theme = v === "total" ? { kind: "total" } : v === "development" ? { kind: "development" } : { kind: "dimension", key: v.slice(4) };
  $("dev-years").hidden = state.theme.kind !== "development";
  await loadDevelopment().catch(noteError(t("development")));
  applyPaint();
});
for (const id of ["dev-from", "dev-to"])
  $(id).addEventListener("change", async () => {
    state.devFrom = Number($<HTMLSelectElement>("dev-from").value);
    state.devTo = Number($<HTMLSelectElement>("dev-to").value);
    await loadDevelopment().catch(noteError(t("development")));
    applyPaint();
  });
$("typology").addEventListener("change", (e) => {
  state.typology = (e.target as HTMLSelectElement).value;
  $("map-note").textContent = "";
  applyTypology().catch(noteError(t("typology")));
});
$("hotspots").addEventListener("change", (e) => {
  state.hotspot = (e.target as HTMLSelectElement).value;
  $("map-note").textContent = "";
  applyHotspots().catch(noteError(t("hotspots")));
});
$("lang").addEventListener("change", (e) => {
  setLang((e.target as HTMLSelectElement).value as Lang);
  applyI18n();
  populateControls();
  renderLegend();
  renderUser();
  if (state.view === "profile" && state.profile) showPanel(renderProfile(state.profile, meta, state.year), "profile");
  else if (state.view === "picture") $("btn-picture").click(), $("btn-picture").click();
});
document.addEventListener("keydown", (e) => {
  if (e.key !== "Escape" || dialog.open) return;
  if (!results.hidden) hideResults();
  else if (!panel.hidden) closePanel();
  tooltip.hidden = true;
});

// ---- start
async function start(): Promise<void> {
  setLang(getLang());
  applyI18n();
  // everything the map needs is fetched at once (index.html started the calls before the bundle
  // loaded); the overlay lists do not hold up the map
  const guess = loadTileJson("/tiles.json").catch(() => null);
  const lists = Promise.all([
    api("/api/v1/typologies").then((b) => rowsOf<Obj>(b, "typologies")).catch(() => [] as Obj[]),
    api("/api/v1/hotspots").then((b) => rowsOf<Obj>(b, "hotspots")).catch(() => [] as Obj[]),
  ]);
  meta = await loadMeta();
  const sameUrl = new URL(meta.tiles, location.href).href === new URL("/tiles.json", location.href).href;
  tiles = (sameUrl ? await guess : null) ?? (await loadTileJson(meta.tiles));
  state.year = meta.years.at(-1) ?? new Date().getFullYear();
  state.devFrom = meta.years[0] ?? state.year;
  state.devTo = state.year;
  const lv = tileLevels();
  state.level = lv.includes("buurt") ? "buurt" : (lv[0] ?? "buurt");
  // the style carries the chosen level and colours, so the first tiles are laid out once
  map = createMap($("map"), tiles, testMode, { level: state.level, fill: fillColor(meta, state.theme, state.year) });
  performance.mark("wz-map-created");
  // the first idle: every tile of the initial view loaded and drawn with the chosen level's colours
  map.once("idle", () => performance.mark("wz-first-idle"));
  populateControls();
  const loaded = new Promise<void>((r) => map.on("load", () => r()));
  [typologies, hotspotSets] = await lists;
  populateControls();
  await loaded;
  bindMapEvents();
  applyPaint(); // the style already shows this: no change, no new layout
  await loadUser();
  const hash = decodeURIComponent(location.hash.slice(1));
  if (hash) await openProfile(hash, true);
  expose();
}

// ---- a handle for the browser tests and the benchmark (read-only use)
function expose(): void {
  const idle = () => new Promise<void>((r) => { map.once("idle", () => r()); map.triggerRepaint(); });
  (window as unknown as { wz: unknown }).wz = {
    map, state, meta,
    idle,
    /** RGBA of the map canvas at CSS pixel (x, y); needs ?test (preserveDrawingBuffer). */
    pixel(x: number, y: number): number[] {
      const c = map.getCanvas();
      const r = c.width / c.clientWidth;
      const gl = (c.getContext("webgl2") ?? c.getContext("webgl")) as WebGLRenderingContext;
      const out = new Uint8Array(4);
      gl.readPixels(Math.round(x * r), Math.round(c.height - 1 - y * r), 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, out);
      return [...out];
    },
    codeAt(x: number, y: number, layer?: string): string | null {
      const f = map.queryRenderedFeatures([x, y], { layers: [layer ?? `fill-${state.level}`] })[0];
      return f ? String(f.id ?? (f.properties as Obj).code) : null;
    },
    filter: (null as FilterSpecification | null),
  };
  document.body.dataset.ready = "true";
}
start().catch((e) => {
  document.body.dataset.ready = "error";
  $("map-note").textContent = `${t("error")}: ${(e as Error).message}`;
  console.error(e);
});
