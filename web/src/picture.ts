// The national picture view (/api/v1/picture): residents per class per year, the onvoldoende share
// and areas over time, development per city group, the tenure curve when the store has one.
import { api, rowsOf } from "./api";
import { esc, lineChart, stackedBars } from "./charts";
import { num, t } from "./i18n";
import type { Meta } from "./meta";

type Obj = Record<string, unknown>;
const n = (x: unknown): number | null => (x === null || x === undefined || x === "" ? null : Number(x));

export async function renderPicture(meta: Meta): Promise<string> {
  const p = await api<Obj>("/api/v1/picture");
  const years = rowsOf<Obj>(p.years).sort((a, b) => Number(a.year) - Number(b.year));
  const classes = rowsOf<Obj>(p.classes);
  const groups = rowsOf<Obj>(p.groups);
  const regions = rowsOf<Obj>(p.regions);
  let h = `<header class="panel-head"><h2 id="panel-title" tabindex="-1">${t("picture")}</h2></header>`;

  // residents per class per year (stacked)
  const cy = [...new Set(classes.map((r) => Number(r.year)))].sort((a, b) => a - b);
  if (cy.length) {
    h += `<h3>${t("residentsPerClass")}</h3>`;
    h += stackedBars(
      cy.map((y) => ({
        x: y,
        parts: meta.classes.map((c) => {
          const row = classes.find((r) => Number(r.year) === y && Number(r.class) === c.cls);
          return { value: n(row?.residents) ?? 0, color: c.color, name: c.name };
        }),
      })),
      { title: t("residentsPerClass"), fmt: (v) => num(v, 0) },
    );
    h += `<p class="legend-inline">${meta.classes.map((c) => `<span class="key"><span class="swatch" style="background:${c.color}"></span>${esc(c.name)}</span>`).join(" ")}</p>`;
  }
  // onvoldoende share and areas over time
  if (years.length) {
    h += `<h3>${t("onvoldoendeShare")}</h3>`;
    h += lineChart([{ name: t("onvoldoendeShare"), color: "#a50026", points: years.map((r) => ({ x: Number(r.year), y: n(r.onvoldoende_share) })) }], { title: t("onvoldoendeShare"), fmt: (v) => num(v * 100, 1) + "%" });
    h += `<h3>${t("onvoldoendeAreas")}</h3>`;
    h += lineChart([{ name: t("onvoldoendeAreas"), color: "#d73027", points: years.map((r) => ({ x: Number(r.year), y: n(r.onvoldoende_areas) })) }], { title: t("onvoldoendeAreas"), fmt: (v) => num(v, 0) });
    h += `<table class="data" id="picture-years"><thead><tr><th scope="col">${t("year")}</th><th scope="col">${t("residents")}</th><th scope="col">${t("score")}</th><th scope="col">% onv.</th><th scope="col">${t("onvoldoendeAreas")}</th></tr></thead><tbody>`;
    for (const r of years) h += `<tr><th scope="row">${esc(String(r.year))}</th><td class="num">${num(n(r.residents), 0)}</td><td class="num">${num(n(r.mean_score), 3)}</td><td class="num">${num((n(r.onvoldoende_share) ?? NaN) * 100, 1)}</td><td class="num">${num(n(r.onvoldoende_areas), 0)}</td></tr>`;
    h += `</tbody></table>`;
  }
  // development per city group
  if (groups.length) {
    const names = [...new Set(groups.map((r) => String(r.group)))];
    const from = groups[0].from_year, to = groups[0].to_year;
    h += `<h3>${t("developmentPerGroup")}${from ? ` (${esc(String(from))}–${esc(String(to))})` : ""}</h3>`;
    h += `<table class="data" id="picture-groups"><thead><tr><th scope="col">groep</th><th scope="col">${t("startClass")}</th><th scope="col">${t("areas")}</th><th scope="col">${t("meanChange")}</th></tr></thead><tbody>`;
    for (const g of names)
      for (const r of groups.filter((x) => String(x.group) === g)) {
        const sc = n(r.start_class);
        const mc = n(r.mean_change);
        const w = Math.min(80, Math.abs(mc ?? 0) * 2000);
        h += `<tr><th scope="row">${esc(g)}</th><td>${sc === null ? `<em>${t("gap")}</em>` : sc}</td><td class="num">${num(n(r.areas), 0)}</td><td class="num"><span class="bar ${mc !== null && mc < 0 ? "neg" : "pos"}" style="width:${w}px"></span>${num(mc, 4)}</td></tr>`;
      }
    h += `</tbody></table>`;
  }
  // tenure curve, when the store has it
  const tenure = (p.tenure ?? null) as Obj | null;
  h += `<h3>${t("tenure")}</h3>`;
  const pts = tenure ? rowsOf<Obj>(tenure.points ?? tenure.curve ?? tenure) : [];
  if (tenure && pts.length) {
    const bp = n(tenure.breakpoint ?? tenure.turning_point);
    const lo = n(tenure.lower ?? tenure.ci_lower), hi = n(tenure.upper ?? tenure.ci_upper);
    // x: the tenure share (%), y: the fitted segmented line (outcome_mean is the observed mean per bin)
    const keys = Object.keys(pts[0]);
    const xk = keys.includes("share") ? "share" : (keys.find((k) => /share|^x$/.test(k)) ?? "x");
    const yk = keys.includes("fitted") ? "fitted" : (keys.find((k) => /fit|outcome|change|^y$/.test(k) && k !== xk) ?? "y");
    h += lineChart([{ name: t("tenure"), color: "#1f4e79", points: pts.map((r) => ({ x: Number(r[xk]), y: n(r[yk]) })).sort((a, b) => a.x - b.x) }], {
      title: t("tenure"), fmt: (v) => num(v, 3), xfmt: (x) => num(x, 1), id: "tenure-chart",
      ...(lo !== null && hi !== null ? { band: { x0: lo, x1: hi, color: "#fde0c5" } } : {}),
      ...(bp !== null ? { vline: { x: bp, label: `${t("turningPoint")} ${num(bp, 1)}` } } : {}),
    });
    if (bp !== null) {
      const lOpen = tenure.lower_open === true, uOpen = tenure.upper_open === true;
      const conf = n(tenure.confidence_level);
      const sb = n(tenure.slope_before), sa = n(tenure.slope_after);
      h += `<p id="tenure-summary">${esc(t("turningPoint").charAt(0).toUpperCase() + t("turningPoint").slice(1))} <strong>${num(bp, 1)}</strong>`;
      if (lo !== null && hi !== null)
        h += `; ${conf !== null ? `${num(conf * 100, 0)}%-` : ""}${esc(t("tenureInterval"))} [${lOpen ? "&lt;" : ""}${num(lo, 1)} – ${num(hi, 1)}${uOpen ? "&gt;" : ""}]`;
      if (sb !== null && sa !== null) h += `<br>${esc(t("tenureSlopes"))}: ${num(sb, 4)} / ${num(sa, 4)}`;
      h += `</p>`;
      if (lOpen || uOpen) h += `<p class="muted">${esc(t("tenureOpen"))}</p>`;
    }
  } else h += `<p class="muted" id="tenure-missing">${t("tenureMissing")}</p>`;
  if (regions.length) {
    h += `<h3>${t("regions")}</h3><table class="data"><thead><tr><th scope="col">type</th><th scope="col">${t("year")}</th><th scope="col">${t("score")}</th><th scope="col">% onv.</th></tr></thead><tbody>`;
    for (const r of regions) h += `<tr><th scope="row">${esc(String(r.region_type))}</th><td>${esc(String(r.year))}</td><td class="num">${num(n(r.mean_score), 3)}</td><td class="num">${num((n(r.onvoldoende_share) ?? NaN) * 100, 1)}</td></tr>`;
    h += `</tbody></table>`;
  }
  return h;
}
