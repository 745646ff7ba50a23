import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConsortiaError, toConsortiaError } from '../../common/index.js';
import { connect, type Gateway, GatewayService } from '../../gateway/index.js';
import { EmbeddedNetwork } from '../../network/index.js';

/** One step of a demo run. */
export interface DemoStep {
  readonly number: number;
  readonly title: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  /** Why it failed (`CODE: message`). */
  readonly error?: string;
}

/** The outcome of a demo run. */
export interface DemoResult {
  readonly passed: number;
  readonly failed: number;
  readonly steps: readonly DemoStep[];
  /** Where the network ran (already removed unless `dataDir` was given). */
  readonly dataDir: string;
}

export interface DemoOptions {
  /** Keep the network here (a new or existing Consortia data dir); default a temp dir, removed at the end. */
  readonly dataDir?: string;
  /** Receives each line of output. */
  readonly out: (line: string) => void;
}

/** What a demo's steps get: the network, a gateway, and SDK clients by wallet label. */
export interface DemoContext {
  readonly network: EmbeddedNetwork;
  readonly gateway: GatewayService;
  client(label: string): Gateway;
}

/** One step of a demo script: a title and the work, which logs details and throws on a failed check. */
export interface DemoScriptStep {
  readonly title: string;
  run(log: (line: string) => void): Promise<void>;
}

export interface DemoScript {
  readonly name: string;
  readonly title: string;
  steps(ctx: DemoContext): readonly DemoScriptStep[];
}

/** Thrown by a step when what it observed is not what the story expects. */
export function check(ok: boolean, what: string): asserts ok {
  if (!ok) throw new ConsortiaError('DEMO_CHECK_FAILED', what);
}

/** Runs `fn` and returns the code of the error it throws (undefined when it does not throw). */
export async function errorCode(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
    return undefined;
  } catch (err) {
    return toConsortiaError(err).code;
  }
}

/**
 * Runs a demo script on a fresh embedded network (or in `dataDir`), printing numbered ✓/✗
 * steps and a summary line; later steps are skipped once one fails, since each builds on the
 * ones before. The network is stopped, and a temporary data dir removed, at the end.
 */
export async function runDemo(script: DemoScript, opts: Readonly<DemoOptions>): Promise<DemoResult> {
  const { out } = opts;
  const keep = opts.dataDir !== undefined;
  const dataDir = keep ? resolve(opts.dataDir!) : mkdtempSync(join(tmpdir(), 'consortia-demo-'));
  let network: EmbeddedNetwork;
  try {
    network = await EmbeddedNetwork.start({ dataDir });
  } catch (err) {
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  out(`${script.title} on ${keep ? 'an embedded network in' : 'a fresh embedded network in'} ${dataDir}`);
  try {
    const gateway = new GatewayService({
      peers: network.peerHandles(),
      orderers: network.ordererHandles(),
      commitTimeoutMs: 15_000,
    });
    const ctx: DemoContext = {
      network,
      gateway,
      client(label) {
        const id = network.identity(label);
        return connect({
          identity: { mspId: id.mspId, credentials: id.certDer },
          signer: id.signer,
          gateway,
        });
      },
    };
    const results: DemoStep[] = [];
    let failedBefore = false;
    for (const [i, step] of script.steps(ctx).entries()) {
      const number = i + 1;
      if (failedBefore) {
        out(`- ${number}. ${step.title} (skipped)`);
        results.push({ number, title: step.title, status: 'skipped' });
        continue;
      }
      const details: string[] = [];
      try {
        await step.run((line) => details.push(line));
        out(`✓ ${number}. ${step.title}`);
        for (const d of details) out(`     ${d}`);
        results.push({ number, title: step.title, status: 'passed' });
      } catch (err) {
        const e = toConsortiaError(err);
        out(`✗ ${number}. ${step.title}`);
        for (const d of details) out(`     ${d}`);
        out(`     error ${e.code}: ${e.message}`);
        results.push({ number, title: step.title, status: 'failed', error: `${e.code}: ${e.message}` });
        failedBefore = true;
      }
    }
    const passed = results.filter((s) => s.status === 'passed').length;
    const failed = results.filter((s) => s.status === 'failed').length;
    const firstFailed = results.find((s) => s.status === 'failed');
    out('');
    out(
      `demo ${script.name}: ${passed}/${results.length} steps passed${firstFailed ? `; step ${firstFailed.number} failed: ${firstFailed.error}` : ''}`,
    );
    if (keep)
      out(`the network's data is kept in ${dataDir} (audit it with: consortia verify --data-dir ${dataDir})`);
    return { passed, failed, steps: results, dataDir };
  } finally {
    await network.stop();
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
}
