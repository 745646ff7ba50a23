import { ConsortiaError, toConsortiaError, utf8 } from '../../common/index.js';
import { sha256Hex } from '../../crypto/index.js';
import {
  type Contract,
  connect,
  decryptJson,
  decryptWithKey,
  encryptForCertificates,
} from '../../gateway/index.js';
import type { WalletIdentity } from '../../network/index.js';
import {
  check,
  type DemoContext,
  type DemoOptions,
  type DemoResult,
  type DemoScriptStep,
  runDemo,
} from './demoRunner.js';

const CHANNEL = 'telecom';
const CONTRACT = 'number-portability';
const ORGS = ['Regulator', 'TelcoA', 'TelcoB', 'TelcoC'] as const;
type Org = (typeof ORGS)[number];

interface NumberRecord {
  number: string;
  carrier: string;
  openRequestId: string | null;
}
interface PortRequest {
  requestId: string;
  number: string;
  donor: string;
  recipient: string;
  status: string;
  contractHash: string;
  encryptedCustomerData: string;
  reason: string | null;
}
interface OpenRequest {
  requestId: string;
  number: string;
  donor: string;
  recipient: string;
  ageHours: number;
}
interface HistoryRow {
  txId: string;
  timestamp: string;
  carrier: string | null;
  openRequestId: string | null;
}

/** Runs `fn` and returns the code of the error it throws (undefined when it does not throw). */
async function errorCode(fn: () => unknown): Promise<{ code: string; message: string } | undefined> {
  try {
    await fn();
    return undefined;
  } catch (err) {
    const e = toConsortiaError(err);
    return { code: e.code, message: e.message };
  }
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * `consortia demo number-portability`: the seed's story on an embedded network, step by step,
 * through the SDK: the regulator registers numbers, TelcoB asks for one with encrypted customer
 * data, TelcoA reads and confirms it (TelcoC cannot read it), a port is rejected, two carriers
 * race for one number in one block (one wins, the other is MVCC_READ_CONFLICT), and the
 * regulator reads its SLA report and the number's history. Every step checks what it shows.
 *
 * @example
 * const r = await runNumberPortabilityDemo({ out: (line) => process.stdout.write(`${line}\n`) });
 * if (r.failed > 0) process.exitCode = 1;
 */
export function runNumberPortabilityDemo(opts: Readonly<DemoOptions>): Promise<DemoResult> {
  return runDemo({ name: 'number-portability', title: 'Number portability', steps: buildSteps }, opts);
}

function buildSteps({ network, gateway }: DemoContext): DemoScriptStep[] {
  const ids = new Map<Org, WalletIdentity>(ORGS.map((o) => [o, network.identity(`${o}.admin`)]));
  const id = (org: Org) => ids.get(org)!;
  const contract = (org: Org): Contract =>
    connect({
      identity: { mspId: id(org).mspId, credentials: id(org).certDer },
      signer: id(org).signer,
      gateway,
    })
      .network(CHANNEL)
      .contract(CONTRACT);
  // Each org's encryption key is its admin's certificate here; in production an org publishes one.
  const encryptionCert = (org: Org) => id(org).certPem;
  const evaluate = <T>(org: Org, fn: string, args: Record<string, unknown>) =>
    contract(org).evaluate<T>(fn, { arguments: args });
  const submit = <T>(org: Org, fn: string, args: Record<string, unknown>) =>
    contract(org).submit<T>(fn, { arguments: args });

  const customer = { name: 'John Doe', birthDate: '1960-01-01', address: 'Example Street 1, 10115 Berlin' };
  const signedContract = utf8(
    'Porting contract\nCustomer: John Doe, born 1960-01-01\nMoves his number from TelcoA to TelcoB.\nSigned: John Doe, TelcoB\n',
  );
  let numbers: string[] = [];
  const tx: Record<string, string> = {};
  let portId = '';
  let raceWinner = '';

  const steps: DemoScriptStep[] = [
    {
      title: 'The regulator registers numbers, owned by TelcoA',
      async run(log) {
        numbers = await freshNumbers((n) => evaluate('Regulator', 'getNumber', { number: n }));
        const regs = await Promise.all(
          numbers.map((n) =>
            submit<NumberRecord>('Regulator', 'registerNumber', { number: n, carrier: 'TelcoA' }),
          ),
        );
        tx.register = regs[0]!.transactionId;
        for (const [i, n] of numbers.entries()) {
          const rec = await evaluate<NumberRecord>('TelcoC', 'getNumber', { number: n });
          check(rec.carrier === 'TelcoA', `${n} should belong to TelcoA, not ${rec.carrier}`);
          log(`${n} → TelcoA (block ${regs[i]!.blockNumber})`);
        }
      },
    },
    {
      title: 'TelcoB requests a port, customer data encrypted for TelcoA and TelcoB',
      async run(log) {
        const number = numbers[0]!;
        const contractHash = sha256Hex(signedContract);
        const encryptedCustomerData = encryptForCertificates(
          [encryptionCert('TelcoA'), encryptionCert('TelcoB')],
          customer,
        );
        const r = await submit<{ requestId: string }>('TelcoB', 'requestPort', {
          number,
          encryptedCustomerData,
          contractHash,
        });
        portId = r.result.requestId;
        tx.request = r.transactionId;
        check(/^pr-[0-9a-f]{16}$/.test(portId), `requestPort returned no request id (${portId})`);
        const req = await evaluate<PortRequest>('Regulator', 'getRequest', { requestId: portId });
        check(
          req.status === 'open' && req.donor === 'TelcoA' && req.recipient === 'TelcoB',
          `request ${portId} should be open from TelcoA to TelcoB`,
        );
        check(req.contractHash === contractHash, 'the stored contract hash differs from the one sent');
        log(`request ${portId} for ${number} (block ${r.blockNumber})`);
        log(`customer data: ${encryptedCustomerData.length} base64 characters of ciphertext on the ledger`);
        log(`contractHash: ${contractHash.slice(0, 16)}… (the signed contract itself stays off the ledger)`);
      },
    },
    {
      title: 'TelcoA decrypts the customer data; TelcoC cannot',
      async run(log) {
        const asA = await evaluate<PortRequest>('TelcoA', 'getRequest', { requestId: portId });
        const seen = decryptJson<typeof customer>(id('TelcoA').privateKey, asA.encryptedCustomerData);
        check(seen.name === customer.name, `TelcoA decrypted the name '${seen.name}'`);
        log(`TelcoA reads: ${seen.name}, born ${seen.birthDate}, ${seen.address}`);
        const asC = await evaluate<PortRequest>('TelcoC', 'getRequest', { requestId: portId });
        const err = await errorCode(() => decryptWithKey(id('TelcoC').privateKey, asC.encryptedCustomerData));
        check(
          err?.code === 'NOT_A_RECIPIENT',
          `TelcoC's decryption should fail with NOT_A_RECIPIENT, got ${err?.code ?? 'plaintext'}`,
        );
        log(`TelcoC reads the same ciphertext and fails: ${err.code} (${err.message})`);
      },
    },
    {
      title: 'TelcoA confirms, and the number moves to TelcoB',
      async run(log) {
        const number = numbers[0]!;
        const r = await submit('TelcoA', 'confirmPort', { requestId: portId });
        tx.confirm = r.transactionId;
        const rec = await evaluate<NumberRecord>('Regulator', 'getNumber', { number });
        check(rec.carrier === 'TelcoB', `${number} should now belong to TelcoB, not ${rec.carrier}`);
        check(rec.openRequestId === null, `${number} should have no open request`);
        log(`getNumber ${number}: carrier ${rec.carrier} (block ${r.blockNumber})`);
      },
    },
    {
      title: 'TelcoC requests another number; TelcoA rejects it with a reason',
      async run(log) {
        const number = numbers[1]!;
        const reason = 'the customer name does not match our records';
        const r = await submit<{ requestId: string }>('TelcoC', 'requestPort', {
          number,
          encryptedCustomerData: encryptForCertificates(
            [encryptionCert('TelcoA'), encryptionCert('TelcoC')],
            {
              ...customer,
              name: 'Jane Roe',
            },
          ),
          contractHash: sha256Hex(utf8('another signed contract')),
        });
        const requestId = r.result.requestId;
        await submit('TelcoA', 'rejectPort', { requestId, reason });
        const req = await evaluate<PortRequest>('TelcoC', 'getRequest', { requestId });
        check(req.status === 'rejected' && req.reason === reason, `request ${requestId} should be rejected`);
        const rec = await evaluate<NumberRecord>('TelcoC', 'getNumber', { number });
        check(rec.carrier === 'TelcoA' && rec.openRequestId === null, `${number} should stay with TelcoA`);
        log(`request ${requestId} for ${number}: ${req.status}, reason "${req.reason}"`);
        log(`${number} stays with ${rec.carrier}`);
      },
    },
    {
      title: 'TelcoB and TelcoC request the same number in the same block: one wins',
      async run(log) {
        const number = numbers[2]!;
        const args = (org: Org) => ({
          number,
          encryptedCustomerData: encryptForCertificates(
            [encryptionCert('TelcoA'), encryptionCert(org)],
            customer,
          ),
          contractHash: sha256Hex(utf8(`signed contract with ${org}`)),
        });
        const racers = ['TelcoB', 'TelcoC'] as const;
        // Endorse both first (each against the same committed state), then order both at once.
        const endorsed = [];
        for (const org of racers) {
          const p = contract(org).newProposal('requestPort', { arguments: args(org) });
          endorsed.push(await p.endorse(await id(org).signer(p.bytes)));
        }
        const commits = await Promise.all(
          endorsed.map(async (t, i) => t.submit(await id(racers[i]!).signer(t.bytes))),
        );
        const statuses = await Promise.all(commits.map((c) => c.status()));
        for (const [i, s] of statuses.entries()) {
          log(`${racers[i]}: ${s.validationCodeName} in block ${s.blockNumber}`);
        }
        check(
          statuses[0]!.blockNumber === statuses[1]!.blockNumber,
          `both requests should be in one block, got blocks ${statuses.map((s) => s.blockNumber).join(' and ')}`,
        );
        const codes = statuses.map((s) => s.validationCodeName).sort();
        check(
          codes[0] === 'MVCC_READ_CONFLICT' && codes[1] === 'VALID',
          `expected one VALID and one MVCC_READ_CONFLICT, got ${codes.join(', ')}`,
        );
        const w = statuses.findIndex((s) => s.validationCodeName === 'VALID');
        raceWinner = (endorsed[w]!.result as { requestId: string }).requestId;
        const rec = await evaluate<NumberRecord>('Regulator', 'getNumber', { number });
        check(rec.openRequestId === raceWinner, `${number} should carry the winner's request ${raceWinner}`);
        log(`${racers[w]} wins with request ${raceWinner}; the other read a version that the winner changed`);
      },
    },
    {
      title: "The regulator's SLA report lists the open request",
      async run(log) {
        const open = await evaluate<OpenRequest[]>('Regulator', 'openRequests', {});
        const ids = open.map((r) => r.requestId);
        check(ids.includes(raceWinner), `the report should list ${raceWinner}`);
        check(!ids.includes(portId), `the confirmed request ${portId} should not be listed`);
        for (const r of open)
          log(`${r.requestId}  ${r.number}  ${r.donor} → ${r.recipient}  ${r.ageHours} h open`);
        const denied = await errorCode(() => evaluate('TelcoA', 'openRequests', {}));
        check(
          denied?.code === 'NOT_REGULATOR',
          `TelcoA should get NOT_REGULATOR, got ${denied?.code ?? 'the report'}`,
        );
        log(`TelcoA asking for the report gets ${denied.code}`);
      },
    },
    {
      title: "The number's history",
      async run(log) {
        const number = numbers[0]!;
        const rows = await evaluate<HistoryRow[]>('TelcoC', 'numberHistory', { number });
        check(
          rows.map((r) => r.carrier).join(',') === 'TelcoA,TelcoA,TelcoB',
          `history of ${number} should show TelcoA, TelcoA, TelcoB, got ${rows.map((r) => r.carrier).join(', ')}`,
        );
        check(
          rows.map((r) => r.txId).join(',') === [tx.register, tx.request, tx.confirm].join(','),
          'history should list the register, request and confirm transactions',
        );
        const what = ['registered', `port ${portId} requested`, 'port confirmed'];
        for (const line of table([
          ['tx', 'time (UTC)', 'carrier', 'change'],
          ...rows.map((r, i) => [r.txId.slice(0, 12), r.timestamp, r.carrier ?? '-', what[i] ?? '']),
        ])) {
          log(line);
        }
      },
    },
  ];

  return steps;
}

/**
 * Three numbers nobody registered yet: +4915112340000.. on a fresh network; later runs on a
 * kept data dir move on to the next free series.
 */
async function freshNumbers(getNumber: (n: string) => Promise<unknown>): Promise<string[]> {
  for (let series = 0; series < 1000; series++) {
    const candidates = [0, 1, 2].map((i) => `+49151${12_340_000 + series * 10 + i}`);
    const errs = await Promise.all(candidates.map((n) => errorCode(() => getNumber(n))));
    if (errs.every((e) => e?.code === 'UNKNOWN_NUMBER')) return candidates;
    const other = errs.find((e) => e !== undefined && e.code !== 'UNKNOWN_NUMBER');
    if (other) throw new ConsortiaError(other.code, other.message);
  }
  throw new ConsortiaError(
    'DEMO_NO_NUMBERS',
    'every demo number is taken in this data dir; use a fresh --data-dir',
  );
}
