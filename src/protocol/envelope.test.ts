import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { ConsortiaError, concatBytes, toHex, utf8 } from '../common/index.js';
import { generateKeyPair, sha256, signBytes, verifyBytes } from '../crypto/index.js';
import {
  ConfigHeaderSchema,
  EnvelopeSchema,
  PayloadSchema,
  ProposalSchema,
  TxType,
} from './gen/consortia_pb.js';
import {
  assembleConfigTransaction,
  type ChannelConfig,
  ConfigTransactionSchema,
  configSigningBytes,
  DEFAULT_BATCH,
  DEFAULT_POLICIES,
  decodeChannelConfig,
  decodeConfigHeader,
  emptyRwSet,
  encodeConfigPayload,
  encodeConfigTransaction,
  encodeEnvelope,
  encodeIdentity,
  encodeResponsePayload,
  encodeTransactionPayload,
  endorsementSigningBytes,
  newConfigUpdate,
  newProposal,
  parseEnvelope,
} from './index.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConsortiaError) return err.code;
    throw err;
  }
  throw new Error('expected a ConsortiaError');
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

const client = generateKeyPair();
const endorserKeys = [generateKeyPair(), generateKeyPair()];
const creator = encodeIdentity('TelcoA', utf8('client cert'));
const endorsers = [
  encodeIdentity('TelcoB', utf8('peer b cert')),
  encodeIdentity('TelcoC', utf8('peer c cert')),
];

function endorserTx(
  proposalBytes = newProposal({ channel: 'telecom', contract: 'asset', fn: 'create', creator }).bytes,
) {
  const responsePayload = encodeResponsePayload({
    proposalHash: sha256(proposalBytes),
    results: emptyRwSet(),
    events: [],
    status: 200,
    message: '',
    payload: utf8('{}'),
    contractVersion: '1',
  });
  const endorsements = endorsers.map((endorser, i) => ({
    endorser,
    signature: signBytes(endorserKeys[i]!.privateKey, endorsementSigningBytes(responsePayload, endorser)),
  }));
  const payload = encodeTransactionPayload(proposalBytes, responsePayload, endorsements);
  const signature = signBytes(client.privateKey, payload);
  return {
    proposalBytes,
    responsePayload,
    endorsements,
    payload,
    signature,
    envelope: encodeEnvelope(payload, signature),
  };
}

const config: ChannelConfig = {
  channel: 'telecom',
  sequence: 3,
  orgs: [
    { mspId: 'TelcoA', rootCerts: ['rootA'] },
    { mspId: 'TelcoB', rootCerts: ['rootB'] },
  ],
  ordererOrgs: [{ mspId: 'OrdererOrg', rootCerts: ['rootO'] }],
  policies: DEFAULT_POLICIES,
  batch: DEFAULT_BATCH,
  ordering: { type: 'solo', signaturesRequired: 1 },
  contracts: [{ name: 'asset', version: '1.0', sequence: 1, endorsementPolicy: 'MAJORITY Endorsement' }],
};

describe('endorser transactions: sign bytes, ship bytes', () => {
  it('parseEnvelope gives back byte-identical proposal, response payload and endorsements', () => {
    const tx = endorserTx();
    const parsed = parseEnvelope(tx.envelope);
    if (parsed.type !== 'endorser') throw new Error('expected an endorser transaction');
    expect(same(parsed.envelopeBytes, tx.envelope)).toBe(true);
    expect(same(parsed.payloadBytes, tx.payload)).toBe(true);
    expect(same(parsed.signature, tx.signature)).toBe(true);
    expect(same(parsed.proposal.bytes, tx.proposalBytes)).toBe(true);
    expect(same(parsed.responsePayloadBytes, tx.responsePayload)).toBe(true);
    expect(parsed.endorsements).toHaveLength(2);
    parsed.endorsements.forEach((e, i) => {
      expect(same(e.endorser, tx.endorsements[i]!.endorser)).toBe(true);
      expect(same(e.signature, tx.endorsements[i]!.signature)).toBe(true);
    });
    expect(parsed.txId).toBe(parsed.proposal.txId);
    expect(parsed.channel).toBe('telecom');
    expect(same(parsed.creatorBytes, creator)).toBe(true);
    expect(toHex(parsed.responsePayload.proposalHash)).toBe(toHex(sha256(tx.proposalBytes)));
  });

  it('the shipped bytes verify against the signatures made before shipping', () => {
    const parsed = parseEnvelope(endorserTx().envelope);
    if (parsed.type !== 'endorser') throw new Error('expected an endorser transaction');
    expect(verifyBytes(client.publicKey, parsed.payloadBytes, parsed.signature)).toBe(true);
    parsed.endorsements.forEach((e, i) => {
      const signed = endorsementSigningBytes(parsed.responsePayloadBytes, e.endorser);
      expect(verifyBytes(endorserKeys[i]!.publicKey, signed, e.signature)).toBe(true);
    });
  });

  it('keeps non-canonical proposal bytes exactly as signed (no re-serialisation)', () => {
    const canonical = newProposal({ channel: 'telecom', contract: 'asset', fn: 'create', creator }).bytes;
    // The same proposal with an unknown field 99 (varint 1) appended: still a valid proposal.
    const odd = concatBytes(canonical, new Uint8Array([0x98, 0x06, 0x01]));
    const tx = endorserTx(odd);
    const parsed = parseEnvelope(tx.envelope);
    if (parsed.type !== 'endorser') throw new Error('expected an endorser transaction');
    expect(same(parsed.proposal.bytes, odd)).toBe(true);
    expect(toHex(parsed.proposal.hash)).toBe(toHex(sha256(odd)));
    expect(same(toBinary(ProposalSchema, fromBinary(ProposalSchema, odd)), canonical)).toBe(false);
  });

  it('refuses an inner proposal with a forged txId (BAD_TXID) or a bad response payload', () => {
    const p = fromBinary(
      ProposalSchema,
      newProposal({ channel: 'telecom', contract: 'asset', fn: 'f', creator }).bytes,
    );
    p.txId = '0'.repeat(64);
    expect(codeOf(() => parseEnvelope(endorserTx(toBinary(ProposalSchema, p)).envelope))).toBe('BAD_TXID');

    const proposalBytes = newProposal({ channel: 'telecom', contract: 'asset', fn: 'f', creator }).bytes;
    const payload = encodeTransactionPayload(proposalBytes, utf8('not a response payload'), []);
    expect(codeOf(() => parseEnvelope(encodeEnvelope(payload, new Uint8Array(64))))).toBe(
      'MALFORMED_MESSAGE',
    );
  });

  it('refuses an unknown or unspecified transaction type', () => {
    for (const type of [TxType.TX_TYPE_UNSPECIFIED, 7 as TxType]) {
      const payload = toBinary(PayloadSchema, create(PayloadSchema, { type, data: new Uint8Array(0) }));
      expect(codeOf(() => parseEnvelope(encodeEnvelope(payload, new Uint8Array(0))))).toBe(
        'MALFORMED_MESSAGE',
      );
    }
  });

  it('refuses an envelope whose payload does not decode', () => {
    const env = toBinary(EnvelopeSchema, create(EnvelopeSchema, { payload: new Uint8Array([0x08, 0x80]) }));
    expect(codeOf(() => parseEnvelope(env))).toBe('MALFORMED_MESSAGE');
    expect(codeOf(() => parseEnvelope(new Uint8Array([0x0a, 0x05])))).toBe('MALFORMED_MESSAGE');
  });
});

describe('config transactions', () => {
  const admin = generateKeyPair();
  const nonce = new Uint8Array(24).fill(5);

  function configEnvelope(
    update = newConfigUpdate({ config, creator, nonce, timestamp: 1_700_000_000_000 }),
  ) {
    const signer = encodeIdentity('TelcoA', utf8('admin cert'));
    const signatures = [{ signer, signature: signBytes(admin.privateKey, configSigningBytes(update)) }];
    const tx = assembleConfigTransaction(update, signatures);
    const payload = encodeConfigPayload(tx);
    return {
      update,
      tx,
      signer,
      payload,
      envelope: encodeEnvelope(payload, signBytes(admin.privateKey, payload)),
    };
  }

  it('newConfigUpdate writes a header with channel, txId, nonce, creator, sequence and timestamp', () => {
    const update = newConfigUpdate({ config, creator, nonce, timestamp: 1_700_000_000_000 });
    const header = decodeConfigHeader(update.header);
    expect(header.channel).toBe('telecom');
    expect(header.txId).toBe(update.txId);
    expect(update.txId).toBe(toHex(sha256(nonce, creator)));
    expect(header.nonce).toEqual(nonce);
    expect(header.creator).toEqual(creator);
    expect(header.sequence).toBe(3n);
    expect(header.timestamp).toBe(1_700_000_000_000n);
    expect(decodeChannelConfig(update.config)).toEqual(config);
  });

  it('parseEnvelope gives type config with the header fields and the shipped bytes', () => {
    const { update, signer, payload, envelope } = configEnvelope();
    const parsed = parseEnvelope(envelope);
    if (parsed.type !== 'config') throw new Error('expected a config transaction');
    expect(parsed.txId).toBe(update.txId);
    expect(parsed.channel).toBe('telecom');
    expect(same(parsed.creatorBytes, creator)).toBe(true);
    expect(same(parsed.payloadBytes, payload)).toBe(true);
    expect(same(parsed.envelopeBytes, envelope)).toBe(true);
    expect(same(parsed.config.header, update.header)).toBe(true);
    expect(same(parsed.config.config, update.config)).toBe(true);
    expect(parsed.config.signatures).toHaveLength(1);
    expect(same(parsed.config.signatures[0]!.signer, signer)).toBe(true);
    const signed = configSigningBytes(parsed.config);
    expect(verifyBytes(admin.publicKey, signed, parsed.config.signatures[0]!.signature)).toBe(true);
    expect(decodeChannelConfig(parsed.config.config)).toEqual(config);
  });

  it('configSigningBytes is header ‖ config', () => {
    const update = newConfigUpdate({ config, creator });
    expect(toHex(configSigningBytes(update))).toBe(toHex(concatBytes(update.header, update.config)));
  });

  it('encodeConfigTransaction round-trips', () => {
    const { tx } = configEnvelope();
    const back = fromBinary(ConfigTransactionSchema, encodeConfigTransaction(tx));
    expect(same(back.header, tx.header)).toBe(true);
    expect(same(back.config, tx.config)).toBe(true);
    expect(back.signatures).toHaveLength(1);
  });

  it('draws a fresh nonce by default', () => {
    const a = newConfigUpdate({ config, creator });
    const b = newConfigUpdate({ config, creator });
    expect(a.txId).not.toBe(b.txId);
    expect(decodeConfigHeader(a.header).nonce.byteLength).toBe(24);
  });

  it('refuses a config header whose txId is not SHA-256(nonce ‖ creator) with BAD_TXID', () => {
    const update = newConfigUpdate({ config, creator, nonce });
    const header = fromBinary(ConfigHeaderSchema, update.header);
    header.txId = toHex(sha256(utf8('chosen by the creator')));
    const forged = { ...update, header: toBinary(ConfigHeaderSchema, header) };
    expect(codeOf(() => parseEnvelope(configEnvelope(forged).envelope))).toBe('BAD_TXID');
  });

  it('refuses a config header without channel, with a short nonce, or a bad creator', () => {
    const edits: ((h: ReturnType<typeof fromBinary<typeof ConfigHeaderSchema>>) => void)[] = [
      (h) => {
        h.channel = '';
      },
      (h) => {
        h.nonce = new Uint8Array(4);
        h.txId = toHex(sha256(h.nonce, h.creator));
      },
      (h) => {
        h.creator = utf8('garbage');
        h.txId = toHex(sha256(h.nonce, h.creator));
      },
    ];
    for (const edit of edits) {
      const update = newConfigUpdate({ config, creator, nonce });
      const header = fromBinary(ConfigHeaderSchema, update.header);
      edit(header);
      const forged = { ...update, header: toBinary(ConfigHeaderSchema, header) };
      expect(codeOf(() => parseEnvelope(configEnvelope(forged).envelope))).toBe('MALFORMED_MESSAGE');
    }
  });

  it('refuses an undecodable config header', () => {
    const update = { ...newConfigUpdate({ config, creator }), header: new Uint8Array([0x0a, 0x09]) };
    expect(codeOf(() => parseEnvelope(configEnvelope(update).envelope))).toBe('MALFORMED_MESSAGE');
  });

  it('refuses a sequence or timestamp that does not fit the wire', () => {
    expect(codeOf(() => newConfigUpdate({ config, creator, timestamp: -5 }))).toBe('MALFORMED_MESSAGE');
    expect(codeOf(() => newConfigUpdate({ config: { ...config, sequence: 0.5 }, creator }))).toBe(
      'MALFORMED_MESSAGE',
    );
  });
});
