import { beforeAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../../common/index.js';
import { CertificateAuthority } from '../../identity/index.js';
import { type ChannelConfig, DEFAULT_BATCH, DEFAULT_POLICIES, type OrgConfig } from '../../protocol/index.js';
import { keepOtherCrls, mergeOrgCrls } from './ca.js';

let orgCa: CertificateAuthority;
let tlsCa: CertificateAuthority;
let org: OrgConfig;
let orgCrl: Uint8Array;
let oldTlsCrl: Uint8Array;

beforeAll(async () => {
  orgCa = await CertificateAuthority.create({ mspId: 'TelcoC' });
  tlsCa = await CertificateAuthority.create({ mspId: 'TelcoC', commonName: 'tlsca.TelcoC' });
  orgCrl = await orgCa.crl();
  oldTlsCrl = await tlsCa.crl();
  org = {
    mspId: 'TelcoC',
    rootCerts: [orgCa.certPem],
    tlsRootCerts: [tlsCa.certPem],
    crls: [toBase64(orgCrl), toBase64(oldTlsCrl)],
  };
});

describe('mergeOrgCrls', () => {
  it("replaces the CRL of the CA that signed the new one and keeps the org's other CAs' CRLs", async () => {
    const node = await tlsCa.enroll({ name: 'peer1', role: 'peer', extKeyUsage: ['clientAuth'] });
    const newTlsCrl = await tlsCa.revoke(node.serial);
    expect(await mergeOrgCrls(org, newTlsCrl)).toEqual([toBase64(orgCrl), toBase64(newTlsCrl)]);
    const newOrgCrl = await orgCa.crl();
    expect(await mergeOrgCrls(org, newOrgCrl)).toEqual([toBase64(oldTlsCrl), toBase64(newOrgCrl)]);
    expect(await mergeOrgCrls({ ...org, crls: [] }, newTlsCrl)).toEqual([toBase64(newTlsCrl)]);
  });

  it('refuses a CRL that none of the org CAs signed', async () => {
    const foreign = await CertificateAuthority.create({ mspId: 'TelcoC', commonName: 'tlsca.TelcoC' });
    await expect(mergeOrgCrls(org, await foreign.crl())).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('keepOtherCrls', () => {
  it('merges the set-crl change of an org and leaves other changes alone', async () => {
    const config = {
      channel: 'telecom',
      sequence: 1,
      orgs: [org],
      ordererOrgs: [org],
      policies: DEFAULT_POLICIES,
      batch: DEFAULT_BATCH,
      ordering: { type: 'solo', signaturesRequired: 1 },
      contracts: [],
    } satisfies ChannelConfig;
    const newTlsCrl = await tlsCa.crl();
    expect(
      await keepOtherCrls(config, { kind: 'set-crl', mspId: 'TelcoC', crls: [toBase64(newTlsCrl)] }),
    ).toEqual({
      kind: 'set-crl',
      mspId: 'TelcoC',
      crls: [toBase64(orgCrl), toBase64(newTlsCrl)],
    });
    const other = { kind: 'remove-org', mspId: 'TelcoC' } as const;
    expect(await keepOtherCrls(config, other)).toBe(other);
  });
});
