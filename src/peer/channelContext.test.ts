import { describe, expect, it } from 'vitest';
import { sha256 } from '../crypto/index.js';
import { CertificateAuthority } from '../identity/index.js';
import { DEFAULT_BATCH, DEFAULT_POLICIES, encodeIdentity } from '../protocol/index.js';
import { ChannelContext } from './channelContext.js';

async function setup() {
  const ca = await CertificateAuthority.create({ mspId: 'TelcoA' });
  const ordererCa = await CertificateAuthority.create({ mspId: 'Orderer' });
  const user = await ca.enroll({ name: 'user1', role: 'client' });
  const context = await ChannelContext.fromConfig({
    channel: 'telecom',
    sequence: 0,
    orgs: [{ mspId: 'TelcoA', rootCerts: [ca.certPem] }],
    ordererOrgs: [{ mspId: 'Orderer', rootCerts: [ordererCa.certPem] }],
    policies: DEFAULT_POLICIES,
    batch: DEFAULT_BATCH,
    ordering: { type: 'solo', signaturesRequired: 1 },
    contracts: [],
  });
  return { context, cert: user.certDer, byHash: encodeIdentity('TelcoA', user.certDer, true) };
}

describe('ChannelContext with identities by certificate hash', () => {
  it('resolves a hash only through its certificate source, and only to a certificate with that hash', async () => {
    const { context, cert, byHash } = await setup();
    const at = new Date();
    expect(() => context.resolveIdentity(byHash, at)).toThrow(/names by hash/);
    const known = new Map<string, Uint8Array>();
    context.useCertificates((h) => known.get(Buffer.from(h).toString('hex')));
    // A source answering with another certificate for the hash is not believed.
    known.set(Buffer.from(sha256(cert)).toString('hex'), new Uint8Array([1, 2, 3]));
    expect(() => context.resolveIdentity(byHash, at)).toThrow(/names by hash/);
    known.set(Buffer.from(sha256(cert)).toString('hex'), cert);
    // Not memoised as unknown: at the same block time it resolves once the certificate is known.
    expect(context.resolveIdentity(byHash, at).mspId).toBe('TelcoA');
    expect(context.resolveIdentity(encodeIdentity('TelcoA', cert), at).mspId).toBe('TelcoA');
  });

  it('passes its certificate source on to the context of the next configuration', async () => {
    const { context, cert, byHash } = await setup();
    context.useCertificates((h) => (Buffer.from(h).equals(Buffer.from(sha256(cert))) ? cert : undefined));
    const next = await context.withConfig({ ...context.config, sequence: 1 });
    expect(next.sequence).toBe(1);
    expect(next.resolveIdentity(byHash, new Date()).mspId).toBe('TelcoA');
  });
});
