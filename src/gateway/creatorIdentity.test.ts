import { describe, expect, it } from 'vitest';
import { ConsortiaError, utf8 } from '../common/index.js';
import { decodeIdentity, encodeProposalResponse, parseSignedProposal } from '../protocol/index.js';
import { connect } from './client.js';
import { CreatorIdentity, isUnknownCertificate } from './creatorIdentity.js';
import type { GatewayService } from './gatewayService.js';

const CERT = utf8('not really a certificate, only bytes to hash');

describe('CreatorIdentity', () => {
  it('sends the full certificate until a transaction with it committed on that channel', () => {
    const id = new CreatorIdentity('TelcoA', CERT);
    expect(id.for('telecom')).toBe(id.full);
    id.committed('telecom', id.byHash); // a transaction that already used the hash teaches nothing
    expect(id.for('telecom')).toBe(id.full);
    id.committed('telecom', id.full);
    expect(id.for('telecom')).toBe(id.byHash);
    expect(id.for('other')).toBe(id.full);
    expect(decodeIdentity(id.byHash).cert.byteLength).toBe(0);
    id.forget('telecom');
    expect(id.for('telecom')).toBe(id.full);
  });

  it('always sends the full certificate when hashes are turned off', () => {
    const id = new CreatorIdentity('TelcoA', CERT, false);
    id.committed('telecom', id.full);
    expect(id.for('telecom')).toBe(id.full);
  });

  it('recognises a refusal for an unknown certificate hash, and nothing else', () => {
    expect(
      isUnknownCertificate(new ConsortiaError('BAD_CREATOR', 'no', { reason: 'UNKNOWN_IDENTITY' })),
    ).toBe(true);
    expect(isUnknownCertificate(new ConsortiaError('BAD_CREATOR', 'no', { reason: 'CERT_REVOKED' }))).toBe(
      false,
    );
    expect(isUnknownCertificate(new ConsortiaError('FORBIDDEN', 'no'))).toBe(false);
    expect(isUnknownCertificate(new Error('BAD_CREATOR'))).toBe(false);
  });
});

describe('the SDK with identities by hash', () => {
  /** A gateway whose peers do not know any certificate hash (as a peer that lags would not). */
  function forgetfulGateway() {
    const creators: ('full' | 'hash')[] = [];
    const seen = (signed: Uint8Array) => {
      const { proposal } = parseSignedProposal(signed);
      const kind = decodeIdentity(proposal.creatorBytes).cert.byteLength > 0 ? 'full' : 'hash';
      creators.push(kind);
      return kind;
    };
    const refuse = () =>
      encodeProposalResponse({
        status: 403,
        message: 'refused',
        payload: utf8(
          JSON.stringify({
            code: 'BAD_CREATOR',
            message: 'the proposal creator is not a valid member: unknown certificate hash',
            detail: { reason: 'UNKNOWN_IDENTITY' },
          }),
        ),
      });
    const ok = () =>
      encodeProposalResponse(
        { status: 200, message: 'OK', payload: utf8('{"n":1}') },
        { payload: utf8('payload'), endorser: utf8('endorser'), signature: new Uint8Array(64) },
      );
    const gateway = {
      endorse: async (_ch: string, _cc: string, signed: Uint8Array) => [
        seen(signed) === 'hash' ? refuse() : ok(),
      ],
      evaluate: async (_ch: string, signed: Uint8Array) => (seen(signed) === 'hash' ? refuse() : ok()),
      submit: async () => undefined,
      commitStatus: async () => ({ blockNumber: 1, validationCode: 0 }),
    };
    return { gateway: gateway as unknown as GatewayService, creators };
  }

  it('switches to the hash after a commit, and sends the full certificate again when a node does not know it', async () => {
    const { gateway, creators } = forgetfulGateway();
    const client = connect({
      identity: { mspId: 'TelcoA', credentials: CERT },
      signer: async () => new Uint8Array(64),
      gateway,
    });
    const contract = client.network('telecom').contract('cc');
    await contract.submit('write'); // full certificate; committed, so it is registered
    expect(await contract.evaluate('read')).toEqual({ n: 1 }); // hash refused, then full again
    expect(creators).toEqual(['full', 'hash', 'full']);
    // It stays on the full certificate until another commit.
    await contract.evaluate('read');
    expect(creators.at(-1)).toBe('full');
  });
});
