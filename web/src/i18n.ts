// A small dictionary: Dutch by default, English as an option (kept in localStorage).
export type Lang = "nl" | "en";

const nl = {
  title: "wijkzicht — leefbaarheid",
  toMap: "Naar de kaart",
  zoomIn: "Inzoomen",
  zoomOut: "Uitzoomen",
  attribution: "Bronvermelding",
  mapLabel: "Kaart",
  search: "Zoek op naam, code of postcode",
  searchLabel: "Zoeken",
  noResults: "Niets gevonden",
  level: "Niveau",
  year: "Jaar",
  theme: "Kaartbeeld",
  total: "Totaalscore",
  development: "Ontwikkeling",
  from: "Van",
  to: "Tot",
  overlays: "Lagen",
  typology: "Typologie",
  hotspots: "Hotspots",
  none: "geen",
  restrictedLayer: "Ondermijning (afgeschermd)",
  picture: "Landelijk beeld",
  map: "Kaart",
  login: "Inloggen",
  logout: "Uitloggen",
  token: "Toegangstoken",
  cancel: "Annuleren",
  loggedInAs: "Ingelogd als",
  loginFailed: "Inloggen mislukt: token onbekend of verlopen",
  close: "Sluiten",
  legend: "Legenda",
  nodata: "geen gegevens",
  zoomGrid: "Zoom verder in om de 100 m-cellen te zien",
  profile: "Gebiedsprofiel",
  scoreOverTime: "Score door de tijd",
  country: "Nederland",
  dimensions: "Dimensies",
  dimensionsAgainst: "Dimensies tegen Nederland",
  class: "Klasse",
  score: "Score",
  rel: "Relatief",
  residents: "Inwoners",
  developmentTitle: "Ontwikkeling",
  designations: "Aanwijzingen (typologie)",
  noDesignations: "Niet aangewezen",
  hotspotStatus: "Hotspotstatus",
  noHotspots: "Geen hotspotresultaten",
  significant: "significant",
  notSignificant: "niet significant",
  comparable: "Vergelijkbare gebieden",
  download: "Download",
  downloadCsv: "gegevens (CSV)",
  downloadJson: "gegevens (JSON)",
  partOf: "Ligt in",
  residentsPerClass: "Inwoners per klasse",
  onvoldoendeShare: "Aandeel inwoners in onvoldoende (klasse 1–3)",
  onvoldoendeAreas: "Onvoldoende gebieden",
  developmentPerGroup: "Ontwikkeling per stedengroep",
  gap: "inhaalslag (zwak − sterk)",
  tenure: "Eigendomscurve",
  tenureMissing: "Geen eigendomscurve in deze store",
  turningPoint: "omslagpunt",
  tenureInterval: "interval",
  tenureOpen: "< of >: het interval reikt tot de rand van het doorzochte bereik",
  tenureSlopes: "helling voor / na het omslagpunt (per procentpunt)",
  regions: "Regio's tegen Nederland",
  restricted: "Afgeschermde gegevens",
  restrictedTable: "Tabel",
  restrictedGemeente: "Gemeente",
  restrictedColumn: "Kenmerk",
  restrictedNone: "Geen afgeschermde gegevens voor uw account",
  suppressed: "onderdrukt",
  language: "Taal",
  loading: "Laden…",
  error: "Fout",
  change: "Verandering",
  area: "Gebied",
  value: "Waarde",
  startClass: "Startklasse",
  meanChange: "Gem. verandering",
  areas: "Gebieden",
  all: "alle",
  levels: { grid: "100 m-cellen", buurt: "Buurten", wijk: "Wijken", gemeente: "Gemeenten", corop_plus: "COROP-plus", corop: "COROP", provincie: "Provincies", nederland: "Nederland", pc4: "Postcode" } as Record<string, string>,
};
type Dict = typeof nl;
const en: Dict = {
  title: "wijkzicht — liveability",
  toMap: "Skip to the map",
  zoomIn: "Zoom in",
  zoomOut: "Zoom out",
  attribution: "Attribution",
  mapLabel: "Map",
  search: "Search by name, code or postcode",
  searchLabel: "Search",
  noResults: "Nothing found",
  level: "Level",
  year: "Year",
  theme: "Map theme",
  total: "Total score",
  development: "Development",
  from: "From",
  to: "To",
  overlays: "Layers",
  typology: "Typology",
  hotspots: "Hotspots",
  none: "none",
  restrictedLayer: "Undermining (restricted)",
  picture: "National picture",
  map: "Map",
  login: "Log in",
  logout: "Log out",
  token: "Access token",
  cancel: "Cancel",
  loggedInAs: "Logged in as",
  loginFailed: "Login failed: unknown or expired token",
  close: "Close",
  legend: "Legend",
  nodata: "no data",
  zoomGrid: "Zoom in further to see the 100 m cells",
  profile: "Area profile",
  scoreOverTime: "Score over time",
  country: "The Netherlands",
  dimensions: "Dimensions",
  dimensionsAgainst: "Dimensions against the country",
  class: "Class",
  score: "Score",
  rel: "Relative",
  residents: "Residents",
  developmentTitle: "Development",
  designations: "Designations (typology)",
  noDesignations: "Not designated",
  hotspotStatus: "Hotspot status",
  noHotspots: "No hotspot results",
  significant: "significant",
  notSignificant: "not significant",
  comparable: "Comparable areas",
  download: "Download",
  downloadCsv: "data (CSV)",
  downloadJson: "data (JSON)",
  partOf: "Part of",
  residentsPerClass: "Residents per class",
  onvoldoendeShare: "Share of residents in onvoldoende (classes 1–3)",
  onvoldoendeAreas: "Onvoldoende areas",
  developmentPerGroup: "Development per city group",
  gap: "catching up (weak − strong)",
  tenure: "Tenure curve",
  tenureMissing: "No tenure curve in this store",
  turningPoint: "turning point",
  tenureInterval: "interval",
  tenureOpen: "< or >: the interval reaches the edge of the searched range",
  tenureSlopes: "slope before / after the turning point (per percentage point)",
  regions: "Regions against the country",
  restricted: "Restricted data",
  restrictedTable: "Table",
  restrictedGemeente: "Municipality",
  restrictedColumn: "Measure",
  restrictedNone: "No restricted data for your account",
  suppressed: "suppressed",
  language: "Language",
  loading: "Loading…",
  error: "Error",
  change: "Change",
  area: "Area",
  value: "Value",
  startClass: "Start class",
  meanChange: "Mean change",
  areas: "Areas",
  all: "all",
  levels: { grid: "100 m cells", buurt: "Neighbourhoods", wijk: "Districts", gemeente: "Municipalities", corop_plus: "COROP-plus", corop: "COROP", provincie: "Provinces", nederland: "The Netherlands", pc4: "Postcode" },
};

export type Key = Exclude<keyof Dict, "levels">;
let lang: Lang = (localStorage.getItem("wz-lang") as Lang) === "en" ? "en" : "nl";
const dicts: Record<Lang, Dict> = { nl, en };

export const getLang = (): Lang => lang;
export function setLang(l: Lang): void {
  lang = l;
  localStorage.setItem("wz-lang", l);
  document.documentElement.lang = l;
}
export const t = (k: Key): string => dicts[lang][k];
export const levelName = (l: string): string => dicts[lang].levels[l] ?? l;

/** Numbers in the UI's locale (decimal comma in Dutch). */
export function num(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  return new Intl.NumberFormat(lang === "nl" ? "nl-NL" : "en-GB", {
    minimumFractionDigits: digits, maximumFractionDigits: digits,
  }).format(v);
}

/** Applies the dictionary to every element with data-i18n (text) or data-i18n-attr ("attr:key"). */
export function applyI18n(root: ParentNode = document): void {
  root.querySelectorAll<HTMLElement>("[data-i18n]").forEach((el) => {
    el.textContent = t(el.dataset.i18n as Key);
  });
  root.querySelectorAll<HTMLElement>("[data-i18n-attr]").forEach((el) => {
    for (const pair of (el.dataset.i18nAttr ?? "").split(";")) {
      const [attr, key] = pair.split(":");
      if (attr && key) el.setAttribute(attr, t(key as Key));
    }
  });
  document.title = t("title");
}
