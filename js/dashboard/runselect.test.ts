import { describe, expect, it } from "vitest";
import { chosenIndex, runOptions } from "./runselect";

describe("the run selectors", () => {
  const labels = ["l1=5", "l2=5", ""];

  it("list a first option for none, then each run numbered from 1, the chosen one selected", () => {
    const options = runOptions(labels, 1, "the run training now");
    expect(options.map((o) => [o.value, o.text])).toEqual([
      ["", "the run training now"], ["0", "1. l1=5"], ["1", "2. l2=5"], ["2", "3. run 3"],
    ]);
    expect(options.filter((o) => o.selected).map((o) => o.value)).toEqual(["1"]);
  });

  it("select the first option for none or for an index no longer there", () => {
    for (const chosen of [null, undefined, 3, -1]) {
      expect(runOptions(labels, chosen, "none")[0].selected).toBe(true);
    }
  });

  it("give Python the index back, or null", () => {
    expect(chosenIndex("2")).toBe(2);
    expect(chosenIndex("")).toBeNull();
    expect(chosenIndex("x")).toBeNull();
  });
});
