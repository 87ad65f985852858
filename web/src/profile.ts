// The area profile panel (/api/v1/profile/{code}).
import { api } from "./api";
import { divergingBars, esc, lineChart } from "./charts";
import { levelName, num, t } from "./i18n";
import type { Meta } from "./meta";

type Obj = Record<string, unknown>;
export interface ProfileScore {
  year: number;
  score: number | null;
  rel: number | null;
  class: number | null;
  class_name?: string | null;
  residents: number | null;
  dimensions: Record<string, number | null>;
}
export interface Profile {
  code: string;
  name: string;
  level: string;
  vintage?: number;
  parents?: Record<string, string | null>;
  parent_names?: Record<string, string | null>;
  years: number[];
  dimensions: string[];
  scores: ProfileScore[];
  country?: Array<{ year: number; score: number | null; dimensions?: Record<string, number | null> }>;
  development?: Array<{ from: number; to: number; change: number | null; class: number | null; class_name?: string | null }>;
  designations?: Array<{ dataset: string; rules?: string; year?: number; designation?: string; reasons?: string }>;
  hotspots?: Array<{ dataset: string; quadrant?: string | null; p?: number | null; significant?: boolean | null }>;
  comparable?: Array<{ code: string; name: string; distance?: number | null; score?: number | null; class?: number | null }>;
}

export const fetchProfile = (code: string): Promise<Profile> => api<Profile>(`/api/v1/profile/${encodeURIComponent(code)}`);

const classColor = (meta: Meta, c: number | null | undefined) => meta.classes.find((k) => k.cls === c)?.color ?? "#d9d9d9";
const className = (meta: Meta, c: number | null | undefined, given?: string | null) => given ?? meta.classes.find((k) => k.cls === c)?.name ?? "–";
/** Black or white text, whichever contrasts more with the background (WCAG relative luminance). */
export function textOn(bg: string): string {
  const lin = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const [r, g, b] = [1, 3, 5].map((i) => lin(parseInt(bg.slice(i, i + 2), 16) / 255));
  const L = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (L + 0.05) / 0.05 >= 1.05 / (L + 0.05) ? "#111111" : "#ffffff";
}
const dimName = (meta: Meta, k: string) => meta.dimensions.find((d) => d.key === k)?.name ?? k;
const v = (x: number | null | undefined) => (x === null || x === undefined ? "" : String(x));

/** A cell with the raw value in data-value (the tests compare it with the API). */
const cell = (field: string, x: number | null | undefined, digits: number) => `<td class="num" data-field="${field}" data-value="${v(x)}">${num(x ?? null, digits)}</td>`;

export function profileCsv(p: Profile): string {
  const dims = p.dimensions ?? [];
  const head = ["code", "name", "level", "year", "score", "rel", "class", "class_name", "residents", ...dims];
  const q = (s: unknown) => (s === null || s === undefined ? "" : /[",\n;]/.test(String(s)) ? `"${String(s).replace(/"/g, '""')}"` : String(s));
  const lines = [head.join(",")];
  for (const s of p.scores) lines.push([p.code, p.name, p.level, s.year, s.score, s.rel, s.class, s.class_name, s.residents, ...dims.map((d) => s.dimensions?.[d])].map(q).join(","));
  return lines.join("\n") + "\n";
}

export function renderProfile(p: Profile, meta: Meta, year: number): string {
  const scores = [...p.scores].sort((a, b) => a.year - b.year);
  const cur = scores.find((s) => s.year === year) ?? scores.at(-1);
  const countryAt = (y: number) => p.country?.find((c) => c.year === y);
  const parents = Object.entries(p.parent_names ?? {})
    .filter(([, n]) => n)
    .map(([k, n]) => `${esc(levelName(k))}: ${esc(String(n))}`)
    .join(" · ");
  let h = `<header class="panel-head"><h2 id="panel-title" tabindex="-1">${esc(p.name)} <span class="code">${esc(p.code)}</span></h2>
    <p class="muted">${esc(levelName(p.level))}${p.vintage ? ` (${p.vintage})` : ""}${parents ? ` · ${t("partOf")} ${parents}` : ""}</p></header>`;
  if (cur) {
    h += `<section class="summary" aria-label="${esc(t("class"))}"><span class="badge" style="background:${classColor(meta, cur.class)};color:${textOn(classColor(meta, cur.class))}" data-field="class" data-value="${v(cur.class)}">${esc(className(meta, cur.class, cur.class_name))}</span>
      <span>${t("score")} ${cur.year}: <strong data-field="score" data-value="${v(cur.score)}">${num(cur.score)}</strong></span></section>`;
  }
  h += `<h3>${t("scoreOverTime")}</h3>`;
  h += lineChart(
    [
      { name: p.name, color: "#1f4e79", points: scores.map((s) => ({ x: s.year, y: s.score, color: classColor(meta, s.class) })) },
      ...(p.country?.length ? [{ name: t("country"), color: "#555555", dashed: true, points: p.country.map((c) => ({ x: c.year, y: c.score })) }] : []),
    ],
    { title: t("scoreOverTime"), fmt: (x) => num(x, 2) },
  );
  h += `<table class="data" id="profile-scores"><caption class="sr-only">${t("scoreOverTime")}</caption><thead><tr><th scope="col">${t("year")}</th><th scope="col">${t("score")}</th><th scope="col">${t("rel")}</th><th scope="col">${t("class")}</th><th scope="col">${t("residents")}</th></tr></thead><tbody>`;
  for (const s of scores) h += `<tr data-year="${s.year}"><th scope="row">${s.year}</th>${cell("score", s.score, 3)}${cell("rel", s.rel, 3)}<td data-field="class" data-value="${v(s.class)}"><span class="dot" style="background:${classColor(meta, s.class)}"></span>${esc(className(meta, s.class, s.class_name))}</td>${cell("residents", s.residents, 0)}</tr>`;
  h += `</tbody></table>`;
  if (cur) {
    const dims = p.dimensions ?? Object.keys(cur.dimensions ?? {});
    h += `<h3>${t("dimensionsAgainst")} (${cur.year})</h3>`;
    h += divergingBars(
      dims.map((d) => {
        const val = cur.dimensions?.[d] ?? null;
        return { label: dimName(meta, d), value: val, ref: countryAt(cur.year)?.dimensions?.[d] ?? null, color: val !== null && val < 0 ? "#d6604d" : "#4393c3" };
      }),
      { title: t("dimensionsAgainst"), fmt: (x) => num(x, 3), refName: t("country") },
    );
    h += `<table class="data" id="profile-dimensions"><thead><tr><th scope="col">${t("dimensions")}</th><th scope="col">${esc(p.name)}</th><th scope="col">${t("country")}</th></tr></thead><tbody>`;
    for (const d of dims) h += `<tr data-dimension="${esc(d)}"><th scope="row">${esc(dimName(meta, d))}</th>${cell(d, cur.dimensions?.[d], 3)}${cell(`country-${d}`, countryAt(cur.year)?.dimensions?.[d], 3)}</tr>`;
    h += `</tbody></table>`;
  }
  h += `<h3>${t("developmentTitle")}</h3>`;
  if (p.development?.length) {
    h += `<ul class="plain" id="profile-development">`;
    for (const d of p.development) {
      const col = meta.devClasses.find((k) => k.cls === d.class)?.color ?? "#d9d9d9";
      h += `<li data-from="${d.from}" data-to="${d.to}"><span class="dot" style="background:${col}"></span>${d.from}–${d.to}: <span data-field="change" data-value="${v(d.change)}">${num(d.change, 4)}</span> · <span data-field="dev-class" data-value="${v(d.class)}">${esc(d.class_name ?? meta.devClasses.find((k) => k.cls === d.class)?.name ?? "–")}</span></li>`;
    }
    h += `</ul>`;
  } else h += `<p class="muted">–</p>`;
  h += `<h3>${t("designations")}</h3>`;
  if (p.designations?.length) {
    h += `<ul class="plain" id="profile-designations">`;
    for (const d of p.designations) h += `<li><strong>${esc(d.designation ?? d.rules ?? d.dataset)}</strong> <span class="muted">(${esc(d.rules ?? d.dataset)}${d.year ? `, ${d.year}` : ""})</span><br>${esc(d.reasons ?? "")}</li>`;
    h += `</ul>`;
  } else h += `<p class="muted">${t("noDesignations")}</p>`;
  h += `<h3>${t("hotspotStatus")}</h3>`;
  if (p.hotspots?.length) {
    h += `<ul class="plain" id="profile-hotspots">`;
    for (const s of p.hotspots) h += `<li>${esc(s.dataset)}: <strong>${esc(s.quadrant ?? "–")}</strong>, p = ${num(s.p ?? null, 3)} (${s.significant ? t("significant") : t("notSignificant")})</li>`;
    h += `</ul>`;
  } else h += `<p class="muted">${t("noHotspots")}</p>`;
  h += `<h3>${t("comparable")}</h3>`;
  if (p.comparable?.length) {
    h += `<ul class="plain" id="profile-comparable">`;
    for (const c of p.comparable) h += `<li><button type="button" class="link" data-open-code="${esc(c.code)}"><span class="dot" style="background:${classColor(meta, c.class)}"></span>${esc(c.name)} <span class="code">${esc(c.code)}</span></button> <span class="muted">${t("score")} ${num(c.score ?? null)}</span></li>`;
    h += `</ul>`;
  } else h += `<p class="muted">–</p>`;
  h += `<h3>${t("download")}</h3><p><a id="dl-csv" href="#" data-download="csv">${esc(p.code)}.csv — ${t("downloadCsv")}</a><br><a id="dl-json" href="#" data-download="json">${esc(p.code)}.json — ${t("downloadJson")}</a></p>`;
  return h;
}

export function downloadProfile(p: Profile, kind: "csv" | "json"): void {
  const blob = kind === "csv" ? new Blob([profileCsv(p)], { type: "text/csv;charset=utf-8" }) : new Blob([JSON.stringify(p, null, 2)], { type: "application/json" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = `${p.code}.${kind}`;
  document.body.appendChild(a);
  a.click();
  setTimeout(() => {
    URL.revokeObjectURL(a.href);
    a.remove();
  }, 1000);
}
export type { Obj };
