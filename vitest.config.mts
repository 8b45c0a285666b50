// .mts: package.json has no "type": "module" (the .venv inside the repo would inherit it and
// break the Node scripts JupyterLab runs from site-packages), so ESM config files say so by name.
import { defineConfig } from "vitest/config";

// Pure logic only: jsdom/happy-dom return null from canvas.getContext("2d"), so anything that
// draws is tested in a real browser (tests/e2e), not here.
export default defineConfig({
  test: {
    include: ["js/**/*.test.ts"],
    environment: "node",
  },
});
