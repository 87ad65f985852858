// The service's API (docs/api.md), with the bearer token kept in sessionStorage.
export class ApiError extends Error {
  constructor(public status: number, public kind: string, message: string) {
    super(message);
  }
}

const TOKEN_KEY = "wz-token";
export const getToken = (): string | null => sessionStorage.getItem(TOKEN_KEY);
export const setToken = (t: string | null): void => {
  if (t) sessionStorage.setItem(TOKEN_KEY, t);
  else sessionStorage.removeItem(TOKEN_KEY);
};

/** Responses that index.html started fetching before the bundle loaded (public start-up calls only);
 *  each is used once. */
const early = ((globalThis as { __wzEarly?: Record<string, Promise<Response>> }).__wzEarly ?? {}) as Record<string, Promise<Response> | undefined>;
export function takeEarly(path: string): Promise<Response> | undefined {
  const p = early[path];
  delete early[path];
  return p;
}

export async function api<T = unknown>(path: string, opts: { auth?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  const token = getToken();
  if (opts.auth && token) headers.Authorization = `Bearer ${token}`;
  const pre = opts.auth ? undefined : takeEarly(path);
  const res = (pre ? await pre.catch(() => null) : null) ?? (await fetch(path, { headers, cache: opts.auth ? "no-store" : "default" }));
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    const e = (body as { error?: { kind?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, e?.kind ?? "http", e?.message ?? `${res.status} ${res.statusText}`);
  }
  return body as T;
}

/** Lists come either as a bare array or wrapped ({rows: [...]}, {areas: [...]}, …). */
export function rowsOf<T = Record<string, unknown>>(body: unknown, ...keys: string[]): T[] {
  if (Array.isArray(body)) return body as T[];
  if (body && typeof body === "object") {
    const o = body as Record<string, unknown>;
    for (const k of [...keys, "rows", "items", "results", "data", "areas", "features"]) {
      if (Array.isArray(o[k])) return o[k] as T[];
    }
  }
  return [];
}
