// The export hosts' bundle (static/export.js, format "iife" with the global name nnwExport):
// Python inlines it into the page export_html writes and into each module export_esm writes,
// then calls startPage() or moduleHost({...}) with the state it filled in.
export { startPage, runPage } from "./page";
export { moduleHost } from "./module";
