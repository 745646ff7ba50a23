import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ConsortiaError } from '../../common/index.js';
import type { ManifestNode } from './distributedManifest.js';
import { readyFilePath } from './nodeFiles.js';

export interface LaunchOptions {
  readonly dataDir: string;
  /** The command that runs the consortia CLI, e.g. `[process.execPath, 'bin/consortia.js']`. */
  readonly cli: readonly string[];
  /** The etcd executable (default `etcd`, Debian's etcd-server). */
  readonly etcdBinary?: string;
  /** Extra environment of the node processes. */
  readonly env?: Readonly<Record<string, string>>;
}

const pidFile = (dataDir: string, id: string) => join(dataDir, 'run', `${id}.pid`);
const logFile = (dataDir: string, id: string) => join(dataDir, 'logs', `${id}.log`);

/** The command line that runs a node of the manifest (absolute paths). */
export function nodeCommand(
  node: ManifestNode,
  opts: Readonly<LaunchOptions>,
): { command: string; args: string[] } {
  const dataDir = resolve(opts.dataDir);
  if (node.kind === 'etcd') {
    const pathFlags = new Set([
      '--data-dir',
      '--cert-file',
      '--key-file',
      '--trusted-ca-file',
      '--peer-cert-file',
      '--peer-key-file',
      '--peer-trusted-ca-file',
    ]);
    const args = node.args.map((a, i) =>
      i > 0 && pathFlags.has(node.args[i - 1]!) && !isAbsolute(a) ? join(dataDir, a) : a,
    );
    return { command: opts.etcdBinary ?? 'etcd', args };
  }
  const [command, ...prefix] = opts.cli;
  return { command: command!, args: [...prefix, 'node', node.kind, '--config', join(dataDir, node.config)] };
}

/** Whether a process with this PID exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The PID recorded for a node, when its process still runs this node's command line. */
export function runningPid(dataDir: string, node: ManifestNode): number | undefined {
  const path = pidFile(dataDir, node.id);
  if (!existsSync(path)) return undefined;
  const pid = Number(readFileSync(path, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  // Guard against a recycled PID: the process must be running this node's command.
  const marker = join(resolve(dataDir), node.kind === 'etcd' ? join('etcd', node.id) : node.config);
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return pid; // no /proc: trust the PID file
  }
  return cmdline.includes(marker) ? pid : undefined;
}

/**
 * Starts a node as a detached process: output goes to `<data-dir>/logs/<node>.log`, the PID to
 * `<data-dir>/run/<node>.pid`. A node already running is left alone. Returns the PID.
 *
 * @example
 * const pid = startNode(manifest.nodes[0], { dataDir, cli: [process.execPath, 'bin/consortia.js'] });
 */
export function startNode(node: ManifestNode, opts: Readonly<LaunchOptions>): number {
  const running = runningPid(opts.dataDir, node);
  if (running) return running;
  mkdirSync(join(opts.dataDir, 'run'), { recursive: true });
  mkdirSync(join(opts.dataDir, 'logs'), { recursive: true });
  rmSync(readyFilePath(join(opts.dataDir, 'run'), node.id), { force: true });
  const { command, args } = nodeCommand(node, opts);
  const out = openSync(logFile(opts.dataDir, node.id), 'a');
  try {
    const child = spawn(command, args, {
      // The caller's directory: the CLI command may load modules (tsx) relative to it.
      cwd: process.cwd(),
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...process.env, ...opts.env },
    });
    if (child.pid === undefined) {
      throw new ConsortiaError(
        'NODE_START_FAILED',
        `could not start ${node.id} (${command}); is it installed?`,
        {
          node: node.id,
        },
      );
    }
    child.on('error', () => undefined);
    child.unref();
    writeFileSync(pidFile(opts.dataDir, node.id), `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(out);
  }
}

/**
 * Stops a node by its recorded PID: `signal` (SIGTERM) first, SIGKILL after `timeoutMs`. Returns
 * whether a process was stopped. Only the PID in `<data-dir>/run/<node>.pid` is signalled.
 */
export async function stopNode(dataDir: string, node: ManifestNode, timeoutMs = 10_000): Promise<boolean> {
  const pid = runningPid(dataDir, node);
  rmSync(readyFilePath(join(dataDir, 'run'), node.id), { force: true });
  if (pid === undefined) {
    rmSync(pidFile(dataDir, node.id), { force: true });
    return false;
  }
  process.kill(pid, 'SIGTERM');
  const until = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  while (isAlive(pid)) await new Promise((r) => setTimeout(r, 20));
  rmSync(pidFile(dataDir, node.id), { force: true });
  return true;
}

/** The last lines of a node's log, for error messages. */
export function logTail(dataDir: string, id: string, lines = 5): string {
  try {
    return readFileSync(logFile(dataDir, id), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Waits until every node wrote its ready file (it serves) and returns their addresses. Fails
 * with NODE_FAILED, quoting its log, when one exits, or NODE_TIMEOUT after `timeoutMs`.
 */
export async function waitReady(
  dataDir: string,
  nodes: readonly ManifestNode[],
  timeoutMs = 60_000,
): Promise<Map<string, string>> {
  const until = Date.now() + timeoutMs;
  const ready = new Map<string, string>();
  while (ready.size < nodes.length) {
    for (const node of nodes) {
      if (ready.has(node.id)) continue;
      const path = readyFilePath(join(dataDir, 'run'), node.id);
      if (existsSync(path)) {
        ready.set(node.id, (JSON.parse(readFileSync(path, 'utf8')) as { address: string }).address);
      } else if (!runningPid(dataDir, node)) {
        throw new ConsortiaError(
          'NODE_FAILED',
          `${node.id} exited while starting; its log ends with:\n${logTail(dataDir, node.id)}`,
          { node: node.id },
        );
      }
    }
    if (ready.size === nodes.length) break;
    if (Date.now() > until) {
      const missing = nodes.filter((n) => !ready.has(n.id)).map((n) => n.id);
      throw new ConsortiaError(
        'NODE_TIMEOUT',
        `${missing.join(', ')} did not become ready within ${timeoutMs} ms`,
        {
          nodes: missing,
        },
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return ready;
}
