// /api/v1/meta, normalised: the store's years, dimensions, the nine classes (names and colours) and
// the development classes. Tolerant of the small variations a JSON writer may choose.
import { api } from "./api";

export interface ClassDef {
  cls: number;
  name: string;
  color: string;
}
export interface Dimension {
  key: string;
  name: string;
}
export interface Meta {
  years: number[];
  levels: string[];
  dimensions: Dimension[];
  classes: ClassDef[];
  devClasses: ClassDef[];
  dimBounds: number[]; // symmetric bounds of the dimension classes (|d| <= b[0] is the middle class)
  tiles: string;
  restricted: boolean;
  raw: Record<string, unknown>;
}

type Obj = Record<string, unknown>;
const DEFAULT_DIM_BOUNDS = [0.0392, 0.0784, 0.1568, 0.2352];

function classList(v: unknown): ClassDef[] {
  if (!v) return [];
  if (Array.isArray(v)) {
    return v
      .map((c, i) => {
        if (typeof c === "string") return { cls: i + 1, name: c, color: "#999999" };
        const o = c as Obj;
        const cls = Number(o.class ?? o.cls ?? o.value ?? o.id ?? o.code ?? i + 1);
        return { cls, name: String(o.name ?? o.label ?? cls), color: String(o.color ?? o.colour ?? "#999999") };
      })
      .sort((a, b) => a.cls - b.cls);
  }
  if (typeof v === "object") {
    const o = v as Obj;
    if (Array.isArray(o.classes)) return classList(o.classes);
    const names = (o.names ?? []) as string[];
    const colors = (o.colors ?? o.colours ?? []) as string[];
    return names.map((n, i) => ({ cls: i + 1, name: n, color: colors[i] ?? "#999999" }));
  }
  return [];
}

export async function loadMeta(): Promise<Meta> {
  const m = await api<Obj>("/api/v1/meta");
  const levelsRaw = m.levels;
  let levels: string[] = [];
  let years: number[] = Array.isArray(m.years) ? (m.years as number[]).map(Number) : [];
  if (Array.isArray(levelsRaw)) {
    levels = levelsRaw.map((l) => (typeof l === "string" ? l : String((l as Obj).level ?? (l as Obj).name)));
    if (!years.length)
      for (const l of levelsRaw) if (l && typeof l === "object" && Array.isArray((l as Obj).years)) years.push(...((l as Obj).years as number[]));
  } else if (levelsRaw && typeof levelsRaw === "object") {
    levels = Object.keys(levelsRaw);
    if (!years.length)
      for (const l of Object.values(levelsRaw as Obj)) if (l && typeof l === "object" && Array.isArray((l as Obj).years)) years.push(...((l as Obj).years as number[]));
  }
  years = [...new Set(years)].sort((a, b) => a - b);
  const dims = (Array.isArray(m.dimensions) ? m.dimensions : []).map((d) =>
    typeof d === "string" ? { key: d, name: d } : { key: String((d as Obj).key ?? (d as Obj).code), name: String((d as Obj).name ?? (d as Obj).key) },
  );
  const dc = (m.dimension_classes ?? {}) as Obj;
  const bounds = Array.isArray(dc.symmetric_bounds) ? (dc.symmetric_bounds as number[]) : Array.isArray(m.dimension_bounds) ? (m.dimension_bounds as number[]) : DEFAULT_DIM_BOUNDS;
  const tilesRaw = m.tiles ?? m.tile_source ?? "/tiles.json";
  const tiles = typeof tilesRaw === "string" ? tilesRaw : String((tilesRaw as Obj | null)?.tilejson ?? "/tiles.json");
  return {
    years,
    levels,
    dimensions: dims,
    classes: classList(m.classes),
    devClasses: classList(m.development_classes ?? m.development),
    dimBounds: bounds,
    tiles: tiles || "/tiles.json",
    restricted: Boolean(m.restricted ?? false),
    raw: m,
  };
}
