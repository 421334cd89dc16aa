/** The problems a configuration is rejected with, for exact-text assertions. */
import assert from "node:assert/strict";
import { ConfigContext, parseConfig } from "../../components/config";
import { ConfigError } from "../../components/config-problems";

export function problemsOf(raw: Record<string, string>, ctx: ConfigContext): string[] {
  try {
    parseConfig(raw, ctx);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.problems;
  }
  assert.fail("expected parseConfig to throw");
}
