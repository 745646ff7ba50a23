import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { isConsortiaError } from '../../common/index.js';
import { generateKeyPair, privateKeyFrom } from '../../crypto/index.js';
import { CertificateAuthority } from '../../identity/index.js';
import {
  customerId,
  type KmRecord,
  kmRecordHash,
  openKmRecord,
  sealKmRecord,
  signKmRecord,
  verifyKmRecord,
} from './carsharingRecords.js';

let provider: { privateKey: ReturnType<typeof generateKeyPair>['privateKey']; certPem: string };
let providerRoot: string;
let otherSigner: { privateKey: ReturnType<typeof generateKeyPair>['privateKey']; certPem: string };
let otherRoot: string;

async function org(name: string) {
  const ca = await CertificateAuthority.create({ mspId: name });
  const issued = await ca.enroll({ name: 'admin', role: 'admin' });
  return {
    root: ca.certPem,
    signer: { privateKey: privateKeyFrom(issued.privateKeyPem!), certPem: issued.certPem },
  };
}

beforeAll(async () => {
  const a = await org('TelcoA');
  const c = await org('TelcoC');
  provider = a.signer;
  providerRoot = a.root;
  otherSigner = c.signer;
  otherRoot = c.root;
});

const customer = generateKeyPair();
const stranger = generateKeyPair();
const record = (): KmRecord => ({
  provider: 'TelcoA',
  customer: customerId(customer.publicKey),
  month: '2025-03',
  vehicle: 'EV-1',
  km: 412,
  trips: 17,
});

const code = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return isConsortiaError(err) ? err.code : String(err);
  }
};

describe('carsharing km records', () => {
  it('the customer decrypts a sealed record; others cannot', () => {
    const signed = signKmRecord(record(), provider);
    const sealed = sealKmRecord(signed, [
      customer.publicKey,
      new X509Certificate(provider.certPem).publicKey,
    ]);
    expect(openKmRecord(customer.privateKey, sealed)).toEqual(signed);
    expect(openKmRecord(provider.privateKey, sealed)).toEqual(signed);
    expect(code(() => openKmRecord(stranger.privateKey, sealed))).toBe('NOT_A_RECIPIENT');
    const bytes = Buffer.from(sealed, 'base64');
    bytes[bytes.length - 5]! ^= 1;
    expect(code(() => openKmRecord(customer.privateKey, bytes.toString('base64')))).toBe('DECRYPTION_FAILED');
    expect(customerId(customer.publicKey)).toMatch(/^[0-9a-f]{64}$/);
    expect(kmRecordHash(record())).toBe(kmRecordHash({ ...record() }));
  });

  it('the insurer accepts the provider’s signature and detects every alteration', () => {
    const signed = signKmRecord(record(), provider);
    expect(verifyKmRecord(signed, { providerRootPem: providerRoot })).toMatchObject({
      valid: true,
      signer: { mspId: 'TelcoA', name: 'admin' },
    });
    for (const change of [{ km: 41 }, { month: '2025-04' }, { customer: 'f'.repeat(64) }, { trips: 18 }]) {
      const v = verifyKmRecord(
        { ...signed, record: { ...signed.record, ...change } },
        { providerRootPem: providerRoot },
      );
      expect(v).toMatchObject({ valid: false, reason: expect.stringContaining('altered') });
    }
    const sig = Buffer.from(signed.signature, 'base64');
    sig[3]! ^= 1;
    expect(
      verifyKmRecord({ ...signed, signature: sig.toString('base64') }, { providerRootPem: providerRoot })
        .valid,
    ).toBe(false);
  });

  it('the insurer refuses a record signed by another org, or under the wrong root', () => {
    const forged = signKmRecord(record(), otherSigner);
    expect(verifyKmRecord(forged, { providerRootPem: providerRoot })).toMatchObject({
      valid: false,
      reason: expect.stringContaining("provider's root CA"),
    });
    // TelcoC's own root issued that certificate, but the record claims TelcoA as provider.
    expect(verifyKmRecord(forged, { providerRootPem: otherRoot })).toMatchObject({
      valid: false,
      reason: expect.stringContaining('TelcoC signed it'),
    });
    const expired = verifyKmRecord(signKmRecord(record(), provider), {
      providerRootPem: providerRoot,
      at: new Date(Date.UTC(2000, 0, 1)),
    });
    expect(expired).toMatchObject({
      valid: false,
      reason: expect.stringContaining('not valid at that time'),
    });
  });
});
