/**
 * Entry point of the in-cluster kube-proxy benchmark driver: `node kube-proxy-driver-main.ts`
 * (Node ≥ 23.6 runs it by type stripping). Kept apart so importing the driver has no side effects.
 * Exit codes: see main() in kube-proxy-driver.ts.
 */
import { main } from "./kube-proxy-driver.ts";

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`unexpected: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
