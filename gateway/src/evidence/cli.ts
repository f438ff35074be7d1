#!/usr/bin/env tsx
/**
 * verify-evidence: checks an evidence bundle offline — no network, no database, no gateway. It reads files, and
 * loads only Node's crypto, the Fabric protobuf classes and this folder's verifier.
 *
 *   verify-evidence BUNDLE [--checkpoint CHECKPOINT] [--json]
 *   verify-evidence --consistency OLD_CHECKPOINT NEW_CHECKPOINT
 *
 * Exit status: 0 when every step holds, 1 when a step fails, 2 on a usage or file error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { VerificationCache, VerificationError, verifyConsistency } from './chain';
import type { Checkpoint, EvidenceBundle } from './format';
import { EvidenceVerifier, Report } from './verify';

const USAGE =
  'usage: verify-evidence BUNDLE [--checkpoint CHECKPOINT] [--json]\n       verify-evidence --consistency OLD_CHECKPOINT NEW_CHECKPOINT';

/**
 * Paths are the caller's: `npm run verify-evidence` runs in the repository root, and says where it was called from in
 * INIT_CWD.
 */
function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(path.resolve(process.env.INIT_CWD ?? process.cwd(), file), 'utf8')) as T;
}

/** The verifier's report as text, one line per step, for the terminal. */
export function formatReport(report: Report, file: string): string {
  const lines = [`Evidence bundle ${file}`];
  for (const s of report.steps) {
    const mark = s.status === 'passed' ? 'PASS' : s.status === 'failed' ? 'FAIL' : ' -- ';
    lines.push(`[${mark}] (${s.step}) ${s.title}`);
    for (const d of s.details) lines.push(`         ${d}`);
  }
  for (const u of report.unverified) lines.push(`[????] ${u}`);
  lines.push(report.ok ? `VERIFIED — anchored to ${report.anchor}` : `REJECTED at step (${report.failedStep})`);
  if (report.ok && report.unverified.length > 0)
    lines.push("(the lines marked ???? were not checked: they are the exporter's word only)");
  return lines.join('\n');
}

/**
 * `verify-evidence <bundle> [--checkpoint …]`: verifies a bundle offline and prints the report; returns the exit code.
 */
export function main(argv: string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): number {
  try {
    if (argv[0] === '--consistency') {
      if (argv.length !== 3) {
        out(USAGE);
        return 2;
      }
      try {
        const details = verifyConsistency(
          new VerificationCache(),
          readJson<Checkpoint>(argv[1]),
          readJson<Checkpoint>(argv[2]),
        );
        out(`Checkpoint consistency ${argv[1]} → ${argv[2]}`);
        for (const d of details) out(`[PASS] ${d}`);
        out('CONSISTENT — no block up to the old checkpoint was rewritten');
        return 0;
      } catch (err) {
        if (!(err instanceof VerificationError)) throw err;
        out(`[FAIL] ${err.message}`);
        out('INCONSISTENT');
        return 1;
      }
    }
    const positional: string[] = [];
    let checkpointFile: string | undefined;
    let json = false;
    for (let i = 0; i < argv.length; i++) {
      if (argv[i] === '--checkpoint') checkpointFile = argv[++i];
      else if (argv[i] === '--json') json = true;
      else if (argv[i].startsWith('-')) {
        out(USAGE);
        return 2;
      } else positional.push(argv[i]);
    }
    if (positional.length !== 1 || (checkpointFile === undefined && argv.includes('--checkpoint'))) {
      out(USAGE);
      return 2;
    }
    const bundle = readJson<EvidenceBundle>(positional[0]);
    const trusted = checkpointFile ? readJson<Checkpoint>(checkpointFile) : undefined;
    const report = new EvidenceVerifier().verify(bundle, trusted);
    out(json ? JSON.stringify(report, null, 2) : formatReport(report, positional[0]));
    return report.ok ? 0 : 1;
  } catch (err) {
    out(`verify-evidence: ${(err as Error).message}`);
    return 2;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
