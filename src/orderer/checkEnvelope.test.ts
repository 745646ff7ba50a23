import { describe, expect, it } from 'vitest';
import { utf8 } from '../common/index.js';
import { privateKeyFrom, sha256, signBytes } from '../crypto/index.js';
import { CertificateAuthority } from '../identity/index.js';
import { ChannelContext } from '../peer/index.js';
import {
  DEFAULT_BATCH,
  DEFAULT_POLICIES,
  emptyRwSet,
  encodeEnvelope,
  encodeIdentity,
  encodeResponsePayload,
  encodeTransactionPayload,
  newProposal,
  validateChannelConfig,
} from '../protocol/index.js';
import { checkEnvelope } from './checkEnvelope.js';

const caA = await CertificateAuthority.create({ mspId: 'TelcoA' });
const caB = await CertificateAuthority.create({ mspId: 'TelcoB' });
const caO = await CertificateAuthority.create({ mspId: 'Orderer1' });
const context = await ChannelContext.fromConfig(
  validateChannelConfig({
    channel: 'telecom',
    sequence: 0,
    orgs: [
      { mspId: 'TelcoA', rootCerts: [caA.certPem] },
      { mspId: 'TelcoB', rootCerts: [caB.certPem] },
    ],
    ordererOrgs: [{ mspId: 'Orderer1', rootCerts: [caO.certPem] }],
    policies: { ...DEFAULT_POLICIES, Writers: "OR('TelcoA.member')" },
    batch: { ...DEFAULT_BATCH, maxBytes: 4096 },
    ordering: { type: 'etcd', signaturesRequired: 1 },
    contracts: [],
  }),
);
const alice = await caA.enroll({ name: 'alice', role: 'client' });
const bob = await caB.enroll({ name: 'bob', role: 'client' });
const stranger = await (await CertificateAuthority.create({ mspId: 'TelcoA' })).enroll({
  name: 'eve',
  role: 'client',
});

function envelope(
  id: { mspId: string; certDer: Uint8Array; privateKeyPem?: string },
  opts: { channel?: string; pad?: number; tamper?: boolean } = {},
): Uint8Array {
  const creator = encodeIdentity(id.mspId, id.certDer);
  const proposal = newProposal({
    channel: opts.channel ?? 'telecom',
    contract: 'asset-registry',
    fn: 'createAsset',
    creator,
    args: { pad: 'x'.repeat(opts.pad ?? 0) },
  });
  const response = encodeResponsePayload({
    proposalHash: sha256(proposal.bytes),
    results: emptyRwSet(),
    events: [],
    status: 200,
    message: '',
    payload: utf8('{}'),
    contractVersion: '1.0',
  });
  const payload = encodeTransactionPayload(proposal.bytes, response, []);
  const signature = signBytes(privateKeyFrom(id.privateKeyPem!), payload);
  if (opts.tamper) signature[5]! ^= 1;
  return encodeEnvelope(payload, signature);
}

const contextOf = (channel: string) => (channel === 'telecom' ? context : undefined);
const codeOf = (e: Uint8Array) =>
  checkEnvelope(e, contextOf).then(
    () => 'accepted',
    (err: { code?: string }) => err.code,
  );

describe('checkEnvelope: what every orderer refuses before ordering', () => {
  it('accepts a signed envelope of a writer, and refuses each kind of bad one with its code', async () => {
    expect(await codeOf(envelope(alice))).toBe('accepted');
    expect(await codeOf(new Uint8Array([1, 2, 3]))).toBe('MALFORMED_MESSAGE');
    expect(await codeOf(envelope(alice, { channel: 'other' }))).toBe('UNKNOWN_CHANNEL');
    expect(await codeOf(envelope(alice, { pad: 5000 }))).toBe('ENVELOPE_TOO_LARGE');
    expect(await codeOf(envelope(stranger))).toBe('BAD_CREATOR');
    expect(await codeOf(envelope(alice, { tamper: true }))).toBe('BAD_SIGNATURE');
    expect(await codeOf(envelope(bob))).toBe('FORBIDDEN');
  });
});
