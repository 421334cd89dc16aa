/**
 * Offline analysis of kube-proxy logs: `npm run kube-proxy:parse -- [options] <file>...`
 * One log file per node ("-" for stdin; the node is named after the file). Prints the same
 * `kubeProxy` result JSON the stack produces on stdout, with a kernel comparison for several files;
 * lines it cannot use are skipped and counted (summary on stderr), never fatal.
 *
 * Exit codes: 0 result printed; 1 a file could not be read; 2 bad arguments (usage on stderr).
 * Options: see KUBE_PROXY_PARSE_USAGE in components/kube-proxy-cli.ts (`--help`).
 */
import { readFile } from "node:fs/promises";
import { runParseCli } from "../components/kube-proxy-cli";

async function readInput(file: string): Promise<string> {
  if (file !== "-") return readFile(file, "utf8");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

void runParseCli(process.argv.slice(2), readInput).then(({ code, stdout, stderr }) => {
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  process.exitCode = code;
});
