import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { toHex, utf8 } from '../../common/index.js';
import { sha256Hex } from '../../crypto/index.js';
import type { Contract } from '../../gateway/index.js';
import { layout } from '../../network/index.js';
import { parseBlock, parseEnvelope, privateKeyHash } from '../../protocol/index.js';
import {
  check,
  type DemoContext,
  type DemoOptions,
  type DemoResult,
  errorCode,
  runDemo,
} from './demoRunner.js';

const CHANNEL = 'telecom';
const CONTRACT = 'private-notes';
const COLLECTION = 'telco-ab';

/**
 * Every file under `dir` (recursively) whose raw bytes contain `text`: how anyone can check
 * which nodes' disks hold a secret.
 *
 * @example
 * filesContaining('/data/TelcoC', marker); // [] when TelcoC never received it
 */
export function filesContaining(dir: string, text: string): string[] {
  const needle = Buffer.from(text, 'utf8');
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && readFileSync(p).includes(needle)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

function steps(ctx: DemoContext) {
  const notes = (label: string): Contract => ctx.client(label).network(CHANNEL).contract(CONTRACT);
  const run = randomBytes(4).toString('hex');
  const marker = `CONSORTIA-SECRET-${randomBytes(12).toString('hex')}`;
  const kept = `CONSORTIA-KEPT-${randomBytes(12).toString('hex')}`;
  const id = `note-${run}`;
  const keptId = `kept-${run}`;
  const ref = { collection: COLLECTION, id };
  const dataDir = ctx.network.dataDir;
  const nodes = {
    members: [layout.nodeDir(dataDir, 'TelcoA', 'peer0'), layout.nodeDir(dataDir, 'TelcoB', 'peer0')],
    others: [
      layout.nodeDir(dataDir, 'TelcoC', 'peer0'),
      layout.nodeDir(dataDir, 'Regulator', 'peer0'),
      layout.nodeDir(dataDir, ctx.network.config.orderer.org, ctx.network.config.orderer.nodes[0]!),
    ],
  };
  const show = (p: string) => relative(dataDir, p);
  let putBlock = -1;
  let putTxId = '';
  let valueHash = '';

  return [
    {
      title: 'TelcoA stores a private note for TelcoA and TelcoB (collection telco-ab)',
      async run(log: (line: string) => void) {
        const r = await notes('TelcoA.admin').submit('putNote', {
          arguments: ref,
          transient: new Map([['note', utf8(`Interconnect rate 2026: 0.0042 EUR/min — ${marker}`)]]),
        });
        await ctx.network.settle();
        putBlock = r.blockNumber;
        putTxId = r.transactionId;
        log(`the secret marker stored privately: ${marker}`);
        log(`the text went in transient data, peer to peer to TelcoB; block ${r.blockNumber} holds hashes`);
      },
    },
    {
      title: 'TelcoA and TelcoB read it; TelcoC and the Regulator are refused but can check its hash',
      async run(log: (line: string) => void) {
        for (const label of ['TelcoA.admin', 'TelcoB.admin']) {
          const note = await notes(label).evaluate<{ text: string }>('getNote', { arguments: ref });
          check(note.text.includes(marker), `${label} should read the note`);
          log(`${label.split('.')[0]} reads: ${note.text}`);
        }
        for (const label of ['TelcoC.admin', 'Regulator.admin']) {
          const code = await errorCode(() => notes(label).evaluate('getNote', { arguments: ref }));
          check(
            code === 'NOT_A_COLLECTION_MEMBER',
            `${label} reading should be NOT_A_COLLECTION_MEMBER, not ${code}`,
          );
          log(`${label.split('.')[0]} reading → ${code}`);
        }
        const { valueHash: h } = await notes('Regulator.admin').evaluate<{ valueHash: string }>(
          'getNoteHash',
          {
            arguments: ref,
          },
        );
        const stored = ctx.network
          .peer('TelcoB.peer0')
          .ledger(CHANNEL)
          .getPrivateEntry(CONTRACT, COLLECTION, privateKeyHash(id));
        check(
          stored?.value !== undefined && sha256Hex(stored.value) === h,
          'the hash should match the stored note',
        );
        valueHash = h;
        log(`Regulator sees only SHA-256 ${h.slice(0, 16)}…, which matches TelcoB's copy`);
      },
    },
    {
      title: "The block and the non-members' disks hold hashes only; the members' disks hold the note",
      async run(log: (line: string) => void) {
        const block = parseBlock(ctx.network.peer('TelcoC.peer0').ledger(CHANNEL).getBlock(putBlock)!);
        const tx = block.envelopes.map((e) => parseEnvelope(e)).find((x) => x.txId === putTxId);
        const written =
          tx?.type === 'endorser' ? tx.responsePayload.results?.ns[0]?.collections[0]?.writes[0] : undefined;
        check(
          written !== undefined && toHex(written.valueHash) === valueHash,
          'the block should carry the value hash',
        );
        log(
          `block ${putBlock}: key hash ${toHex(written.keyHash).slice(0, 16)}…, value hash ${valueHash.slice(0, 16)}…`,
        );
        for (const dir of nodes.others) {
          const found = filesContaining(dir, marker);
          check(
            found.length === 0,
            `${show(dir)} must not hold the marker, but ${found.map(show).join(', ')} do`,
          );
          log(`${show(dir)}: marker in no file`);
        }
        for (const dir of nodes.members) {
          const found = filesContaining(dir, marker);
          check(found.length > 0, `member ${show(dir)} should hold the note`);
          log(`${show(dir)}: marker in ${found.map(show).join(', ')}`);
        }
      },
    },
    {
      title: 'TelcoB purges the note (the right to be forgotten): only hashes remain',
      async run(log: (line: string) => void) {
        const r = await notes('TelcoB.admin').submit('purgeNote', { arguments: ref });
        await ctx.network.settle();
        for (const label of ['TelcoA.admin', 'TelcoB.admin']) {
          const code = await errorCode(() => notes(label).evaluate('getNote', { arguments: ref }));
          check(code === 'NOTE_NOT_FOUND', `after the purge ${label} should get NOTE_NOT_FOUND, not ${code}`);
        }
        for (const peer of ctx.network.peers) {
          const e = peer.ledger(CHANNEL).getPrivateEntry(CONTRACT, COLLECTION, privateKeyHash(id));
          check(e === undefined, `${peer.id} still holds the note after the purge`);
        }
        log(`purged in block ${r.blockNumber}; reading it now → NOTE_NOT_FOUND on TelcoA and TelcoB`);
        log(`block ${putBlock} still carries the hashes (value hash ${valueHash.slice(0, 16)}…)`);
      },
    },
    {
      title: "The purge is checked on disk: the marker is in no node's files, members' included",
      async run(log: (line: string) => void) {
        for (const dir of [...nodes.members, ...nodes.others]) {
          const found = filesContaining(dir, marker);
          check(found.length === 0, `${show(dir)} still holds the marker: ${found.map(show).join(', ')}`);
        }
        log(`searched every file of ${[...nodes.members, ...nodes.others].map(show).join(', ')}`);
        log('members erase a purged value in place in their value file (private/values.dat)');
      },
    },
    {
      title: 'TelcoB stores a second note, kept, so its marker can be searched for on disk',
      async run(log: (line: string) => void) {
        await notes('TelcoB.admin').submit('putNote', {
          arguments: { collection: COLLECTION, id: keptId },
          transient: new Map([['note', utf8(`Kept note ${kept}`)]]),
        });
        await ctx.network.settle();
        const holders = [...nodes.members, ...nodes.others].filter(
          (d) => filesContaining(d, kept).length > 0,
        );
        check(
          holders.length === nodes.members.length && nodes.members.every((d) => holders.includes(d)),
          `only the members should hold the kept note, not ${holders.map(show).join(', ')}`,
        );
        log(`kept marker: ${kept}`);
        log(`on disk under ${holders.map(show).join(' and ')} only`);
        log(`search for it yourself: grep -rl ${kept} ${dataDir} (run with --data-dir to keep the network)`);
      },
    },
  ];
}

/**
 * `consortia demo private-data`: a collection shared by TelcoA and TelcoB. It prints the random
 * marker it stores privately, shows that TelcoC and the Regulator cannot read it and that their
 * disks (and the orderer's) never hold it, purges it and checks the purge on every disk. With
 * `dataDir` the network is kept, so anyone can search the orgs' folders for the markers.
 *
 * @example
 * const result = await runPrivateDataDemo({ out: (line) => console.log(line) });
 */
export function runPrivateDataDemo(opts: Readonly<DemoOptions>): Promise<DemoResult> {
  return runDemo(
    {
      name: 'private-data',
      title: 'Private data: a collection of TelcoA and TelcoB, hashes for everyone else',
      steps,
    },
    opts,
  );
}
