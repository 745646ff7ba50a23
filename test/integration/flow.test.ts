import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommitError, EndorseError, type Gateway } from '../../src/gateway/index.js';
import {
  decodeProposalResponse,
  encodeEnvelope,
  encodeSignedProposal,
  encodeTransactionPayload,
  parseBlock,
  ValidationCode,
} from '../../src/protocol/index.js';
import { removeDir, startNetwork, type TestNetwork } from '../support/network.js';

const CH = 'telecom';
const CC = 'asset-registry';

let t: TestNetwork;
let alice: Gateway;

beforeAll(async () => {
  t = await startNetwork();
  alice = t.client('TelcoA.admin');
});

afterAll(async () => {
  await t.stop();
  removeDir(t.dataDir);
});

/** Endorses a proposal through the gateway and returns what the client would sign next. */
async function endorseOffline(client: Gateway, fn: string, args: Record<string, unknown>) {
  const proposal = client.network(CH).contract(CC).newProposal(fn, { arguments: args });
  const id = t.network.identity('TelcoA.admin');
  const signed = encodeSignedProposal(proposal.bytes, id.signer(proposal.bytes) as Uint8Array);
  const responses = await t.gateway.endorse(CH, CC, signed, 'TelcoA');
  return { proposal, responses: responses.map((r) => decodeProposalResponse(r)), id };
}

function envelopeFrom(
  proposalBytes: Uint8Array,
  payload: Uint8Array,
  endorsements: { endorser: Uint8Array; signature: Uint8Array }[],
  sign: (b: Uint8Array) => Uint8Array,
) {
  const txPayload = encodeTransactionPayload(proposalBytes, payload, endorsements);
  return encodeEnvelope(txPayload, sign(txPayload));
}

describe('endorse, order, validate, commit', () => {
  it('commits a valid transaction on every peer and serves it to queries', async () => {
    const contract = alice.network(CH).contract(CC);
    const r = await contract.submit('createAsset', { arguments: { id: 'flow-1', owner: 'Ann', value: 10 } });
    expect(r.validationCode).toBe('VALID');
    expect(r.blockNumber).toBeGreaterThan(0);
    await t.network.settle();
    for (const p of t.network.peers) {
      expect(p.txStatus(CH, r.transactionId)?.validationCode).toBe(ValidationCode.VALID);
      const entry = p.ledger(CH).getState(CC, 'flow-1');
      expect(entry && JSON.parse(Buffer.from(entry.value).toString())).toMatchObject({
        id: 'flow-1',
        owner: 'Ann',
        value: 10,
      });
    }
    const read = await t
      .client('TelcoC.user1')
      .network(CH)
      .contract(CC)
      .evaluate<{ owner: string }>('readAsset', { arguments: { id: 'flow-1' } });
    expect(read.owner).toBe('Ann');
  });

  it('refuses malformed arguments at endorsement with a clear code', async () => {
    const contract = alice.network(CH).contract(CC);
    await expect(
      contract.submit('createAsset', { arguments: { id: '', owner: 'x', value: 'nope' } }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(contract.submit('noSuchFunction', { arguments: {} })).rejects.toBeInstanceOf(EndorseError);
  });

  it('flags a forged endorsement signature: the forged endorsement does not count', async () => {
    const { proposal, responses, id } = await endorseOffline(alice, 'createAsset', {
      id: 'forged-1',
      owner: 'Eve',
      value: 1,
    });
    expect(responses.length).toBeGreaterThanOrEqual(3);
    const endorsements = responses.map((r) => ({
      endorser: r.endorser!,
      signature: new Uint8Array(r.signature!),
    }));
    endorsements[0]!.signature[10]! ^= 0xff;
    const env = envelopeFrom(
      proposal.bytes,
      responses[0]!.payload,
      endorsements,
      (b) => id.signer(b) as Uint8Array,
    );
    await t.gateway.submit(env);
    const status = await t.gateway.commitStatus(CH, proposal.transactionId);
    expect(status.validationCode).toBe(ValidationCode.ENDORSEMENT_POLICY_FAILURE);
    expect(t.network.peers[0]!.ledger(CH).getState(CC, 'forged-1')).toBeUndefined();
  });

  it('flags a transaction whose endorsements do not satisfy the policy', async () => {
    const { proposal, responses, id } = await endorseOffline(alice, 'createAsset', {
      id: 'few-1',
      owner: 'Eve',
      value: 1,
    });
    // MAJORITY Endorsement of 4 orgs needs 3: keep only 2 endorsements.
    const two = responses.slice(0, 2).map((r) => ({ endorser: r.endorser!, signature: r.signature! }));
    await t.gateway.submit(
      envelopeFrom(proposal.bytes, responses[0]!.payload, two, (b) => id.signer(b) as Uint8Array),
    );
    const status = await t.gateway.commitStatus(CH, proposal.transactionId);
    expect(status.validationCode).toBe(ValidationCode.ENDORSEMENT_POLICY_FAILURE);
  });

  it('flags a replayed transaction id as DUPLICATE_TXID and applies it once', async () => {
    const contract = alice.network(CH).contract(CC);
    await contract.submit('createAsset', { arguments: { id: 'dup-1', owner: 'Ann', value: 1 } });
    const proposal = contract.newProposal('updateValue', { arguments: { id: 'dup-1', value: 2 } });
    const id = t.network.identity('TelcoA.admin');
    const tx = await proposal.endorse(id.signer(proposal.bytes) as Uint8Array);
    const sig = id.signer(tx.bytes) as Uint8Array;
    const env = encodeEnvelope(tx.bytes, sig);
    await t.gateway.submit(env);
    await t.gateway.submit(env);
    const first = await t.gateway.commitStatus(CH, proposal.transactionId);
    expect(first.validationCode).toBe(ValidationCode.VALID);
    await t.network.settle();
    const peer = t.network.peers[0]!;
    const codes: number[] = [];
    for (let n = first.blockNumber; n < peer.height(CH); n++) {
      const b = parseBlock(peer.ledger(CH).getBlock(n)!);
      codes.push(...b.validationCodes);
    }
    expect(codes).toContain(ValidationCode.DUPLICATE_TXID);
    // Replaying after commit is refused at endorsement too.
    await expect(proposal.endorse(id.signer(proposal.bytes) as Uint8Array)).rejects.toMatchObject({
      code: 'DUPLICATE_TXID',
    });
  });

  it('two transactions of one block writing the same key: exactly one is VALID, the other MVCC_READ_CONFLICT', async () => {
    const contract = alice.network(CH).contract(CC);
    await contract.submit('createAsset', { arguments: { id: 'race-1', owner: 'Ann', value: 1 } });
    const id = t.network.identity('TelcoA.admin');
    const sign = (b: Uint8Array) => id.signer(b) as Uint8Array;
    const p1 = contract.newProposal('updateValue', { arguments: { id: 'race-1', value: 100 } });
    const p2 = contract.newProposal('updateValue', { arguments: { id: 'race-1', value: 200 } });
    const tx1 = await p1.endorse(sign(p1.bytes));
    const tx2 = await p2.endorse(sign(p2.bytes));
    const [c1, c2] = await Promise.all([tx1.submit(sign(tx1.bytes)), tx2.submit(sign(tx2.bytes))]);
    const [s1, s2] = await Promise.all([c1.status(), c2.status()]);
    expect(s1.blockNumber).toBe(s2.blockNumber);
    expect([s1.validationCodeName, s2.validationCodeName].sort()).toEqual(['MVCC_READ_CONFLICT', 'VALID']);
    const winner = s1.validationCode === ValidationCode.VALID ? 100 : 200;
    const read = await contract.evaluate<{ value: number }>('readAsset', { arguments: { id: 'race-1' } });
    expect(read.value).toBe(winner);
  });

  it('surfaces an invalid commit as CommitError with the validation code', async () => {
    const contract = alice.network(CH).contract(CC);
    await contract.submit('createAsset', { arguments: { id: 'race-2', owner: 'Ann', value: 1 } });
    const results = await Promise.allSettled([
      contract.submit('updateValue', { arguments: { id: 'race-2', value: 5 } }),
      contract.submit('updateValue', { arguments: { id: 'race-2', value: 6 } }),
    ]);
    const rejected = results.filter((r) => r.status === 'rejected');
    // Both may land in different blocks (then both are valid); when they share one, the loser is a CommitError.
    for (const r of rejected) {
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(CommitError);
      expect((r as PromiseRejectedResult).reason.code).toBe('MVCC_READ_CONFLICT');
    }
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
  });

  it('refuses a proposal from an identity outside the consortium', async () => {
    const { CertificateAuthority } = await import('../../src/identity/index.js');
    const rogueCa = await CertificateAuthority.create({ mspId: 'TelcoA' });
    const rogue = await rogueCa.enroll({ name: 'mallory', role: 'admin' });
    const { connect } = await import('../../src/gateway/index.js');
    const { privateKeyFrom, newPrivateKeySigner } = await import('../../src/crypto/index.js');
    const client = connect({
      identity: { mspId: 'TelcoA', credentials: rogue.certDer },
      signer: newPrivateKeySigner(privateKeyFrom(rogue.privateKeyPem!)),
      gateway: t.gateway,
    });
    await expect(
      client
        .network(CH)
        .contract(CC)
        .submit('createAsset', { arguments: { id: 'rogue', owner: 'M', value: 1 } }),
    ).rejects.toMatchObject({
      code: 'BAD_CREATOR',
    });
  });
});
