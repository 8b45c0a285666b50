import { defineConfig } from "vitest/config";

// Pure logic only: jsdom/happy-dom return null from canvas.getContext("2d"), so anything that
// draws is tested in a real browser (tests/e2e), not here.
export default defineConfig({
  test: {
    include: ["js/**/*.test.ts"],
    environment: "node",
  },
});
