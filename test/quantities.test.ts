import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cpuQuantity, memoryMiB, memoryQuantity, parseCpuMilli, parseMemoryMiB } from "../components/quantities";

describe("parseCpuMilli", () => {
  const cases: [unknown, number | undefined][] = [
    ["500m", 500], ["0.5", 500], ["2", 2000], [1, 1000], ["1.5", 1500], ["100m", 100],
    ["-1", undefined], ["0.0005", undefined], ["1.5m", undefined], ["abc", undefined], ["", undefined], [true, undefined], [undefined, undefined],
  ];
  for (const [input, expected] of cases) it(`${JSON.stringify(input)} → ${expected}`, () => assert.equal(parseCpuMilli(input), expected));
});

describe("parseMemoryMiB", () => {
  const cases: [unknown, number | undefined][] = [
    ["256Mi", 256], ["1Gi", 1024], ["268435456", 256], ["1048576k", 1000], ["1000k", undefined], ["1024Ki", 1], ["2Ti", 2 * 1024 * 1024],
    ["0.5Gi", 512], ["-64Mi", undefined], ["64MB", undefined], ["100M", undefined], [64, undefined],
  ];
  for (const [input, expected] of cases) it(`${JSON.stringify(input)} → ${expected}`, () => assert.equal(parseMemoryMiB(input), expected));
});

describe("quantity rendering", () => {
  it("renders whole millicores and MiB", () => {
    assert.equal(cpuQuantity(500), "500m");
    assert.equal(memoryQuantity(256), "256Mi");
  });
});

describe("memoryMiB", () => {
  it("reads the metrics API's memory quantities", () => {
    assert.equal(memoryMiB("4Mi"), 4);
    assert.equal(memoryMiB("3276Ki"), 3.19921875);
    assert.equal(memoryMiB("1Gi"), 1024);
    assert.equal(memoryMiB("1048576"), 1);
    assert.equal(memoryMiB("12Mb"), undefined);
  });
});
