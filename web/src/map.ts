// The map: a style built in code (no external tiles, fonts or glyphs), one vector source from the
// server's /tiles.json, our own boundary layers as background, and the thematic fill of one level.
import maplibregl, { type ExpressionSpecification, type Map as MlMap, type StyleSpecification } from "maplibre-gl";
import type { Meta } from "./meta";
import { t } from "./i18n";
import { takeEarly } from "./api";

export const TILE_LEVELS = ["grid", "buurt", "wijk", "gemeente", "provincie"] as const;
export const SRC = "wz";
export const NODATA = "#d9d9d9";
export const BACKGROUND = "#f4f1ea";
export const LAND = "#ebe7df";
export const RESTRICTED_RAMP = ["#efedf5", "#bcbddc", "#9e9ac8", "#756bb1", "#54278f"];
export const HOTSPOT_COLORS: Record<string, string> = { HH: "#1b7837", LL: "#762a83", HL: "#e08214", LH: "#2166ac" };

export type Theme = { kind: "total" } | { kind: "dimension"; key: string } | { kind: "development" };

export interface TileInfo {
  tiles: string[];
  minzoom: number;
  maxzoom: number;
  bounds?: [number, number, number, number];
  layers: Map<string, number>; // source layer -> minzoom
}

export async function loadTileJson(url: string): Promise<TileInfo> {
  const abs = new URL(url, location.href);
  const pre = abs.origin === location.origin ? takeEarly(abs.pathname + abs.search) : undefined;
  const res = (pre ? await pre.catch(() => null) : null) ?? (await fetch(abs));
  if (!res.ok) throw new Error(`tiles.json: ${res.status}`);
  const tj = (await res.json()) as Record<string, unknown>;
  const tiles = ((tj.tiles as string[]) ?? []).map((t) => decodeURI(new URL(t, abs).href));
  const layers = new Map<string, number>();
  for (const l of (tj.vector_layers as Array<Record<string, unknown>>) ?? []) layers.set(String(l.id), Number(l.minzoom ?? 0));
  const b = tj.bounds as number[] | undefined;
  return {
    tiles,
    minzoom: Number(tj.minzoom ?? 0),
    maxzoom: Number(tj.maxzoom ?? 14),
    bounds: b && b.length === 4 ? [b[0], b[1], b[2], b[3]] : undefined,
    layers,
  };
}

/** What the map shows at start: built into the style so that nothing is re-laid-out after the first load. */
export interface InitialView {
  level: string;
  fill: ExpressionSpecification;
}

/** Below this zoom the white outlines of buurten and grid cells are not drawn (they would only grey the
 *  small areas, and their line geometry costs as much as the fill), nor the hover and selection outline:
 *  a line layer lays out every feature of its tiles even when its width is 0 for all but one, which at
 *  the country view is all 13,000 buurten. Clicking an area flies to it, past this zoom. */
export const FINE_OUTLINE_MINZOOM: Record<string, number> = { buurt: 9, grid: 12 };

export function styleFor(info: TileInfo, init?: InitialView): StyleSpecification {
  const vis = (level: string) => ({ visibility: (init?.level === level ? "visible" : "none") as "visible" | "none" });
  const layers: StyleSpecification["layers"] = [
    { id: "background", type: "background", paint: { "background-color": BACKGROUND } },
    { id: "land", type: "fill", source: SRC, "source-layer": "provincie", paint: { "fill-color": LAND } },
  ];
  for (const level of TILE_LEVELS) {
    layers.push({
      id: `fill-${level}`, type: "fill", source: SRC, "source-layer": level,
      layout: vis(level), paint: { "fill-color": init?.level === level ? init.fill : NODATA, "fill-opacity": 1, "fill-antialias": false },
    });
  }
  layers.push({
    id: "restricted", type: "fill", source: SRC, "source-layer": "buurt", layout: { visibility: "none" },
    paint: {
      "fill-color": ["interpolate", ["linear"], ["coalesce", ["feature-state", "rst"], 0], 0, RESTRICTED_RAMP[0], 0.25, RESTRICTED_RAMP[1], 0.5, RESTRICTED_RAMP[2], 0.75, RESTRICTED_RAMP[3], 1, RESTRICTED_RAMP[4]],
      "fill-opacity": ["case", ["==", ["feature-state", "rst"], null], 0, 0.9],
    },
  });
  for (const level of TILE_LEVELS) {
    layers.push({
      id: `line-${level}`, type: "line", source: SRC, "source-layer": level, layout: vis(level),
      ...(FINE_OUTLINE_MINZOOM[level] ? { minzoom: FINE_OUTLINE_MINZOOM[level] } : {}),
      paint: { "line-color": "#ffffff", "line-width": 0.4, "line-opacity": 0.8 },
    });
  }
  layers.push(
    { id: "outline-gemeente", type: "line", source: SRC, "source-layer": "gemeente", paint: { "line-color": "#8a8580", "line-width": 0.8 } },
    { id: "outline-provincie", type: "line", source: SRC, "source-layer": "provincie", paint: { "line-color": "#4d4a46", "line-width": 1.4 } },
  );
  for (const level of TILE_LEVELS) {
    layers.push({
      id: `typ-${level}`, type: "line", source: SRC, "source-layer": level, layout: { visibility: "none" },
      paint: { "line-color": "#000000", "line-width": 2.5, "line-dasharray": [2, 1], "line-opacity": ["case", ["boolean", ["feature-state", "typ"], false], 1, 0] },
    });
    // a white casing under the hot-spot outline: HH areas lie on the green classes, LL on the red ones
    layers.push({
      id: `hot-casing-${level}`, type: "line", source: SRC, "source-layer": level, layout: { visibility: "none" },
      paint: { "line-color": "#ffffff", "line-width": 6, "line-offset": 3, "line-opacity": ["case", ["==", ["feature-state", "hot"], null], 0, 0.9] },
    });
    layers.push({
      id: `hot-${level}`, type: "line", source: SRC, "source-layer": level, layout: { visibility: "none" },
      paint: {
        "line-color": ["match", ["coalesce", ["feature-state", "hot"], ""], "HH", HOTSPOT_COLORS.HH, "LL", HOTSPOT_COLORS.LL, "HL", HOTSPOT_COLORS.HL, "LH", HOTSPOT_COLORS.LH, "#000000"],
        "line-width": 3, "line-offset": 1.5,
        "line-opacity": ["case", ["==", ["feature-state", "hot"], null], 0, 1],
      },
    });
    layers.push({
      id: `hover-${level}`, type: "line", source: SRC, "source-layer": level, layout: vis(level),
      ...(FINE_OUTLINE_MINZOOM[level] ? { minzoom: FINE_OUTLINE_MINZOOM[level] } : {}),
      paint: {
        "line-color": "#000000",
        "line-width": ["case", ["boolean", ["feature-state", "selected"], false], 3, ["boolean", ["feature-state", "hover"], false], 2, 0],
      },
    });
  }
  return {
    version: 8,
    sources: {
      [SRC]: {
        type: "vector", tiles: info.tiles, minzoom: info.minzoom, maxzoom: info.maxzoom, promoteId: "code",
        ...(info.bounds ? { bounds: info.bounds } : {}),
      },
    },
    layers,
  };
}

/** The fill colour of the thematic layer for a theme and year. */
export function fillColor(meta: Meta, theme: Theme, year: number): ExpressionSpecification {
  if (theme.kind === "total") {
    const m: unknown[] = ["match", ["to-number", ["get", `class_${year}`], 0]];
    for (const c of meta.classes) m.push(c.cls, c.color);
    m.push(NODATA);
    return m as ExpressionSpecification;
  }
  if (theme.kind === "development") {
    const m: unknown[] = ["match", ["coalesce", ["feature-state", "dev"], 0]];
    for (const c of meta.devClasses) m.push(c.cls, c.color);
    m.push(NODATA);
    return m as ExpressionSpecification;
  }
  return dimensionRamp(meta, `${theme.key}_${year}`);
}

/** The edges of the diverging dimension ramp (ascending), from the symmetric bounds. */
export function dimensionEdges(meta: Meta): number[] {
  const b = [...meta.dimBounds].sort((x, y) => x - y);
  return [...b.map((x) => -x).reverse(), ...b];
}

export function dimensionColors(meta: Meta): string[] {
  const n = dimensionEdges(meta).length + 1;
  const cls = meta.classes;
  if (cls.length === n) return cls.map((c) => c.color);
  // a different number of steps: sample the class colours evenly
  return Array.from({ length: n }, (_, i) => cls[Math.round((i * (cls.length - 1)) / (n - 1))]?.color ?? NODATA);
}

function dimensionRamp(meta: Meta, prop: string): ExpressionSpecification {
  const edges = dimensionEdges(meta);
  const colors = dimensionColors(meta);
  const step: unknown[] = ["step", ["to-number", ["get", prop]], colors[0]];
  edges.forEach((e, i) => step.push(e, colors[i + 1]));
  return ["case", ["has", prop], step, NODATA] as unknown as ExpressionSpecification;
}

export function createMap(container: HTMLElement, info: TileInfo, testMode: boolean, init?: InitialView): MlMap {
  const map = new maplibregl.Map({
    container,
    style: styleFor(info, init),
    bounds: info.bounds ?? [3.2, 50.7, 7.3, 53.6],
    fitBoundsOptions: { padding: 20 },
    attributionControl: false,
    canvasContextAttributes: { preserveDrawingBuffer: testMode, antialias: false },
    fadeDuration: testMode ? 0 : 300,
    maxZoom: 17,
    locale: {
      "NavigationControl.ZoomIn": t("zoomIn"), "NavigationControl.ZoomOut": t("zoomOut"),
      "AttributionControl.ToggleAttribution": t("attribution"), "Map.Title": t("mapLabel"),
    },
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-left");
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
  map.addControl(new maplibregl.AttributionControl({ compact: true, customAttribution: "wijkzicht · CBS-grenzen" }));
  return map;
}
