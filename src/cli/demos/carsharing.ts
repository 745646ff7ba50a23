import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, type KeyPair } from '../../crypto/index.js';
import type { Contract } from '../../gateway/index.js';
import { layout } from '../../network/index.js';
import {
  customerId,
  type KmRecord,
  kmRecordHash,
  openKmRecord,
  type SignedKmRecord,
  sealKmRecord,
  signKmRecord,
  verifyKmRecord,
} from './carsharingRecords.js';
import {
  check,
  type DemoContext,
  type DemoOptions,
  type DemoResult,
  errorCode,
  runDemo,
} from './demoRunner.js';

const CHANNEL = 'telecom';
const CONTRACT = 'carsharing';
const PROVIDER = 'TelcoA';

interface Published {
  readonly provider: string;
  readonly customer: string;
  readonly month: string;
  readonly recordHash: string;
  readonly ciphertext: string;
}

function steps(ctx: DemoContext) {
  const cars = (label: string): Contract => ctx.client(label).network(CHANNEL).contract(CONTRACT);
  const provider = ctx.network.identity(`${PROVIDER}.admin`);
  const rootPem = (org: string) =>
    readFileSync(join(layout.caDir(ctx.network.dataDir, org), 'ca-cert.pem'), 'utf8');
  // Customers are not consortium members: each has its own key pair, and is known on chain by its hash.
  const alice: KeyPair = generateKeyPair();
  const bob: KeyPair = generateKeyPair();
  const aliceId = customerId(alice.publicKey);
  const bobId = customerId(bob.publicKey);
  const plan: KmRecord[] = [
    { provider: PROVIDER, customer: aliceId, month: '2025-03', vehicle: 'EV-1042', km: 412, trips: 17 },
    { provider: PROVIDER, customer: aliceId, month: '2025-04', vehicle: 'EV-1042', km: 388, trips: 15 },
    { provider: PROVIDER, customer: bobId, month: '2025-03', vehicle: 'EV-2210', km: 1290, trips: 41 },
  ];
  let aliceRecords: SignedKmRecord[] = [];

  return [
    {
      title: `${PROVIDER}, the car-sharing provider, signs monthly km records and publishes each encrypted to its customer`,
      async run(log: (line: string) => void) {
        const providerKey = new X509Certificate(provider.certPem).publicKey;
        const customerKey = (c: string) => (c === aliceId ? alice.publicKey : bob.publicKey);
        for (const record of plan) {
          const signed = signKmRecord(record, provider);
          const ciphertext = sealKmRecord(signed, [customerKey(record.customer), providerKey]);
          const r = await cars(`${PROVIDER}.admin`).submit('publishRecord', {
            arguments: {
              customer: record.customer,
              month: record.month,
              recordHash: kmRecordHash(record),
              ciphertext,
            },
          });
          const who = record.customer === aliceId ? 'Alice' : 'Bob';
          log(
            `${who} ${record.month}: ${ciphertext.length} base64 characters of ciphertext, block ${r.blockNumber}`,
          );
        }
      },
    },
    {
      title: 'Everyone on the channel sees the records, but only their customer can read them',
      async run(log: (line: string) => void) {
        const { records } = await cars('TelcoC.admin').evaluate<{ records: Published[] }>('listRecords', {
          arguments: { customer: aliceId },
        });
        check(records.length === 2, `TelcoC should see Alice's 2 records, not ${records.length}`);
        const first = records[0]!;
        const asTelcoC = await errorCode(() =>
          openKmRecord(ctx.network.identity('TelcoC.admin').privateKey, first.ciphertext),
        );
        check(asTelcoC === 'NOT_A_RECIPIENT', `TelcoC decrypting should be NOT_A_RECIPIENT, not ${asTelcoC}`);
        const asBob = await errorCode(() => openKmRecord(bob.privateKey, first.ciphertext));
        check(
          asBob === 'NOT_A_RECIPIENT',
          `Bob decrypting Alice's record should be NOT_A_RECIPIENT, not ${asBob}`,
        );
        log(
          `TelcoC lists Alice's ${records.length} records (ciphertext and hashes); decrypting → ${asTelcoC}`,
        );
        log(`Bob decrypting Alice's record → ${asBob}`);
      },
    },
    {
      title: 'Alice decrypts her records with her own key',
      async run(log: (line: string) => void) {
        const { records } = await cars('TelcoA.user1').evaluate<{ records: Published[] }>('listRecords', {
          arguments: { customer: aliceId },
        });
        aliceRecords = records.map((p) => openKmRecord(alice.privateKey, p.ciphertext));
        for (const [i, s] of aliceRecords.entries()) {
          check(
            kmRecordHash(s.record) === records[i]!.recordHash,
            'the decrypted record should match its hash on chain',
          );
          log(`${s.record.month}: ${s.record.km} km in ${s.record.trips} trips with ${s.record.vehicle}`);
        }
        check(aliceRecords.map((s) => s.record.km).join() === '412,388', 'Alice should read 412 and 388 km');
      },
    },
    {
      title: "Alice hands March to her insurer, who checks the provider's signature and the record on chain",
      async run(log: (line: string) => void) {
        const march = aliceRecords.find((s) => s.record.month === '2025-03')!;
        const v = verifyKmRecord(march, { providerRootPem: rootPem(PROVIDER) });
        check(v.valid, `the insurer should accept the record: ${v.reason}`);
        const onChain = await cars('TelcoB.admin').evaluate<Published>('getRecord', {
          arguments: { customer: aliceId, month: '2025-03', provider: PROVIDER },
        });
        check(onChain.recordHash === kmRecordHash(march.record), 'the record should be the one published');
        log(`signed by ${v.signer?.mspId}.${v.signer?.name}, certificate issued by ${PROVIDER}'s root CA`);
        log(`and published by ${PROVIDER}: record hash ${onChain.recordHash.slice(0, 16)}… on chain`);
      },
    },
    {
      title: 'The insurer detects an altered record and a record signed by someone else',
      async run(log: (line: string) => void) {
        const march = aliceRecords.find((s) => s.record.month === '2025-03')!;
        const altered: SignedKmRecord = { ...march, record: { ...march.record, km: 41 } };
        const a = verifyKmRecord(altered, { providerRootPem: rootPem(PROVIDER) });
        check(!a.valid, 'an altered record must not verify');
        const forged = signKmRecord({ ...march.record, km: 41 }, ctx.network.identity('TelcoC.admin'));
        const f = verifyKmRecord(forged, { providerRootPem: rootPem(PROVIDER) });
        check(!f.valid, 'a record signed by another org must not verify');
        check(kmRecordHash(altered.record) !== kmRecordHash(march.record), 'the altered hash should differ');
        log(`km changed to 41 → ${a.reason}`);
        log(`re-signed by TelcoC → ${f.reason}`);
      },
    },
  ];
}

/**
 * `consortia demo carsharing` (seed 004): a provider publishes monthly km records, each
 * encrypted to its customer's key; the customer decrypts them and hands one to an insurer, who
 * checks the provider's signature and detects tampering.
 *
 * @example
 * const result = await runCarsharingDemo({ out: (line) => console.log(line) });
 */
export function runCarsharingDemo(opts: Readonly<DemoOptions>): Promise<DemoResult> {
  return runDemo(
    {
      name: 'carsharing',
      title: 'Carsharing: km records encrypted to each customer, signed by the provider',
      steps,
    },
    opts,
  );
}
