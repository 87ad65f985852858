import { defineConfig } from "vite";

// Static files for `wijkzicht serve` (web/dist at /). Everything is bundled: no external scripts,
// fonts or CSS. The dev server proxies the API to a running service (or tests/mock-server.mjs).
const target = process.env.WZ_API ?? "http://127.0.0.1:8765";
export default defineConfig({
  base: "/",
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 1500, sourcemap: false },
  server: { proxy: { "/api": target, "/tiles": target, "/tiles.json": target } },
});
