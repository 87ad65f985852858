// Small SVG charts, drawn as strings (no chart library): lines over years, stacked bars, and
// diverging horizontal bars with a reference mark.
const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
export { esc };

export interface Series {
  name: string;
  color: string;
  points: Array<{ x: number; y: number | null; color?: string }>;
  dashed?: boolean;
}

function niceRange(lo: number, hi: number): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  const pad = (hi - lo) * 0.08;
  return [lo - pad, hi + pad];
}

export function lineChart(series: Series[], opts: { title: string; fmt: (v: number) => string; xfmt?: (x: number) => string; id?: string; width?: number; height?: number; band?: { x0: number; x1: number; color: string }; vline?: { x: number; label: string } }): string {
  const W = opts.width ?? 360, H = opts.height ?? 180, L = 48, R = 18, T = 12, B = 26;
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const ys = series.flatMap((s) => s.points.map((p) => p.y).filter((y): y is number => y !== null && Number.isFinite(y)));
  if (!xs.length || !ys.length) return "";
  // the x range covers the points and the vertical line
  const xr = opts.vline && Number.isFinite(opts.vline.x) ? [...xs, opts.vline.x] : xs;
  const [x0, x1] = [Math.min(...xr), Math.max(...xr)];
  const [y0, y1] = niceRange(Math.min(...ys), Math.max(...ys));
  const sx = (x: number) => L + (x1 === x0 ? (W - L - R) / 2 : ((x - x0) / (x1 - x0)) * (W - L - R));
  const sy = (y: number) => T + (1 - (y - y0) / (y1 - y0)) * (H - T - B);
  const xfmt = opts.xfmt ?? ((x: number) => String(x));
  // the band stays inside the plot (an interval may reach beyond the points)
  const clampX = (x: number) => Math.min(W - R, Math.max(L, sx(x)));
  let g = "";
  if (opts.band) g += `<rect class="band" x="${clampX(opts.band.x0)}" y="${T}" width="${Math.max(1, clampX(opts.band.x1) - clampX(opts.band.x0))}" height="${H - T - B}" fill="${opts.band.color}"/>`;
  for (let i = 0; i <= 4; i++) {
    const v = y0 + ((y1 - y0) * i) / 4;
    g += `<line x1="${L}" x2="${W - R}" y1="${sy(v)}" y2="${sy(v)}" stroke="#e3e3e3"/><text x="${L - 4}" y="${sy(v) + 4}" text-anchor="end" font-size="10" fill="#333">${esc(opts.fmt(v))}</text>`;
  }
  const uniqX = [...new Set(xs)].sort((a, b) => a - b);
  const stepX = Math.max(1, Math.ceil(uniqX.length / 8));
  uniqX.forEach((x, i) => {
    if (i % stepX === 0) g += `<text x="${sx(x)}" y="${H - 8}" text-anchor="middle" font-size="10" fill="#333">${esc(xfmt(x))}</text>`;
  });
  if (opts.vline) {
    const vx = sx(opts.vline.x);
    // the label sits right of the line, or left of it in the right third of the plot
    const right = vx > L + ((W - L - R) * 2) / 3;
    g += `<line class="vline" x1="${vx}" x2="${vx}" y1="${T}" y2="${H - B}" stroke="#000" stroke-dasharray="3 2"/><text class="vline-label" x="${right ? vx - 3 : vx + 3}" y="${T + 10}" text-anchor="${right ? "end" : "start"}" font-size="10" fill="#000">${esc(opts.vline.label)}</text>`;
  }
  for (const s of series) {
    const pts = s.points.filter((p) => p.y !== null && Number.isFinite(p.y));
    g += `<g class="series">`;
    if (pts.length > 1) g += `<polyline fill="none" stroke="${s.color}" stroke-width="2" ${s.dashed ? 'stroke-dasharray="5 3"' : ""} points="${pts.map((p) => `${sx(p.x)},${sy(p.y!)}`).join(" ")}"/>`;
    for (const p of pts) g += `<circle cx="${sx(p.x)}" cy="${sy(p.y!)}" r="${s.dashed ? 2.5 : 4}" fill="${p.color ?? s.color}" stroke="#333" stroke-width="0.6"><title>${esc(s.name)} ${esc(xfmt(p.x))}: ${esc(opts.fmt(p.y!))}</title></circle>`;
    g += `</g>`;
  }
  const legend = series.map((s) => `<span class="key"><span class="swatch${s.dashed ? " dashed" : ""}" style="border-color:${s.color};background:${s.dashed ? "transparent" : s.color}"></span>${esc(s.name)}</span>`).join(" ");
  return `<figure class="chart"${opts.id ? ` id="${esc(opts.id)}"` : ""}><svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(opts.title)}">${g}</svg><figcaption>${legend}</figcaption></figure>`;
}

export function stackedBars(rows: Array<{ x: number | string; parts: Array<{ value: number; color: string; name: string }> }>, opts: { title: string; fmt: (v: number) => string; width?: number; height?: number }): string {
  const W = opts.width ?? 360, H = opts.height ?? 200, L = 56, R = 10, T = 10, B = 26;
  const max = Math.max(1e-9, ...rows.map((r) => r.parts.reduce((t, p) => t + (p.value || 0), 0)));
  const bw = (W - L - R) / Math.max(1, rows.length);
  let g = "";
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    const y = T + (1 - v / max) * (H - T - B);
    g += `<line x1="${L}" x2="${W - R}" y1="${y}" y2="${y}" stroke="#e3e3e3"/><text x="${L - 4}" y="${y + 4}" text-anchor="end" font-size="10" fill="#333">${esc(opts.fmt(v))}</text>`;
  }
  rows.forEach((r, i) => {
    let acc = 0;
    const x = L + i * bw + bw * 0.15;
    for (const p of r.parts) {
      const v = p.value || 0;
      const y = T + (1 - (acc + v) / max) * (H - T - B);
      const h = (v / max) * (H - T - B);
      g += `<rect x="${x}" y="${y}" width="${bw * 0.7}" height="${h}" fill="${p.color}"><title>${esc(String(r.x))} ${esc(p.name)}: ${esc(opts.fmt(v))}</title></rect>`;
      acc += v;
    }
    g += `<text x="${x + bw * 0.35}" y="${H - 8}" text-anchor="middle" font-size="10" fill="#333">${esc(String(r.x))}</text>`;
  });
  return `<figure class="chart"><svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(opts.title)}">${g}</svg></figure>`;
}

/** Horizontal diverging bars around zero, each with a reference mark (e.g. the country). */
export function divergingBars(items: Array<{ label: string; value: number | null; ref?: number | null; color: string }>, opts: { title: string; fmt: (v: number) => string; refName: string; width?: number }): string {
  const W = opts.width ?? 360, rowH = 24, L = 120, R = 56, H = items.length * rowH + 8;
  const ext = Math.max(0.05, ...items.flatMap((i) => [Math.abs(i.value ?? 0), Math.abs(i.ref ?? 0)]));
  const cx = L + (W - L - R) / 2;
  const sx = (v: number) => cx + (v / ext) * ((W - L - R) / 2);
  let g = `<line x1="${cx}" x2="${cx}" y1="0" y2="${H}" stroke="#777"/>`;
  items.forEach((it, i) => {
    const y = 4 + i * rowH;
    g += `<text x="${L - 6}" y="${y + 15}" text-anchor="end" font-size="11" fill="#222">${esc(it.label)}</text>`;
    if (it.value !== null && Number.isFinite(it.value)) {
      const x = Math.min(cx, sx(it.value));
      g += `<rect x="${x}" y="${y + 4}" width="${Math.max(1, Math.abs(sx(it.value) - cx))}" height="${rowH - 10}" fill="${it.color}" stroke="#555" stroke-width="0.5"/>`;
      g += `<text x="${W - 4}" y="${y + 15}" text-anchor="end" font-size="11" fill="#222">${esc(opts.fmt(it.value))}</text>`;
    }
    if (it.ref !== null && it.ref !== undefined && Number.isFinite(it.ref)) g += `<line x1="${sx(it.ref)}" x2="${sx(it.ref)}" y1="${y + 1}" y2="${y + rowH - 3}" stroke="#000" stroke-width="2"><title>${esc(opts.refName)}: ${esc(opts.fmt(it.ref))}</title></line>`;
  });
  return `<figure class="chart"><svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(opts.title)}">${g}</svg><figcaption><span class="key"><span class="swatch mark"></span>${esc(opts.refName)}</span></figcaption></figure>`;
}
