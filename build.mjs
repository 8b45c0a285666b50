// Bundle every js/<name>/widget.ts into src/nnwidgets/static/<name>.js (ESM, as anywidget
// loads it) and js/<name>/styles.css into static/<name>.css. Widgets are found by listing
// js/, so a new widget directory needs no change here. `--watch` rebuilds on change.
// Also js/export/host.ts into static/export.js: the hosts of exported pages and modules, as a
// script defining `nnwExport`, which Python inlines into what export_html / export_esm write.
import * as esbuild from "esbuild";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(fileURLToPath(import.meta.url));
const jsDir = join(root, "js");
const outdir = join(root, "src", "nnwidgets", "static");
const watch = process.argv.includes("--watch");

const widgets = readdirSync(jsDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(jsDir, d.name, "widget.ts")))
  .map((d) => d.name)
  .sort();
if (widgets.length === 0) {
  console.error(`build.mjs: no js/*/widget.ts found under ${jsDir}`);
  process.exit(1);
}

// Both entries of a widget share the output name <name>; esbuild adds .js or .css. (So a
// widget.ts must not `import "./styles.css"` as well: that would emit a second <name>.css.)
const entryPoints = [];
for (const name of widgets) {
  entryPoints.push({ in: join(jsDir, name, "widget.ts"), out: name });
  const css = join(jsDir, name, "styles.css");
  if (existsSync(css)) entryPoints.push({ in: css, out: name });
}

mkdirSync(outdir, { recursive: true });
const options = {
  entryPoints,
  outdir,
  bundle: true,
  format: "esm",
  target: "es2020",
  platform: "browser",
  minify: false,
  sourcemap: false,
  logLevel: "info",
  loader: { ".css": "css" },
};

// An IIFE, not a module: inlined into a <script type="module"> or an ES module, its one
// top-level `var nnwExport` stays local to that script or module.
const exportHost = {
  entryPoints: [{ in: join(jsDir, "export", "host.ts"), out: "export" }],
  outdir,
  bundle: true,
  format: "iife",
  globalName: "nnwExport",
  target: "es2020",
  platform: "browser",
  minify: false,
  sourcemap: false,
  logLevel: "info",
};

if (watch) {
  for (const o of [options, exportHost]) await (await esbuild.context(o)).watch();
  console.log(`watching ${widgets.join(", ")}, export`);
} else {
  await Promise.all([esbuild.build(options), esbuild.build(exportHost)]);
  console.log(`built ${widgets.join(", ")}, export into ${outdir}`);
}
