import { describe, expect, it } from 'vitest';
import didRegistry from '../../../contracts/did-registry/index.js';
import type { CallerInfo } from '../../contract/index.js';
import { DidRegistryClient } from './didRegistryClient.js';
import { InMemoryLedger } from './ledgerContract.js';
import { LocalDid } from './localDid.js';

const as = (mspId: string, name: string): CallerInfo => ({
  mspId,
  role: 'client',
  id: `${mspId}::${name}::01`,
  name,
  attributes: {},
});

function setup() {
  const ledger = new InMemoryLedger({ contracts: [didRegistry] });
  const registry = new DidRegistryClient({
    contract: ledger.contract('did-registry', as('Regulator', 'user1')),
  });
  const rogue = ledger.contract('did-registry', as('Regulator', 'user1'));
  return { ledger, registry, rogue };
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

describe('DidRegistryClient', () => {
  it('registers a DID and resolves its verified document with the ledger metadata', async () => {
    const { registry } = setup();
    const alice = LocalDid.generate({
      services: [{ fragment: 'hub', type: 'IdentityHub', serviceEndpoint: 'https://hub.example/alice' }],
    });
    const rec = await registry.register(alice);
    expect(rec).toMatchObject({
      did: alice.did,
      version: 0,
      controller: { mspId: 'Regulator', name: 'user1' },
    });
    const resolved = await registry.resolve(alice.did);
    expect(resolved.didDocument).toEqual(alice.document);
    expect(resolved.didDocument.service).toEqual([
      { id: `${alice.did}#hub`, type: 'IdentityHub', serviceEndpoint: 'https://hub.example/alice' },
    ]);
    expect(resolved.metadata).toMatchObject({ versionId: 0, deactivated: false });
  });

  it('rotates keys and updates services: the resolved document follows, keys are signed in a chain', async () => {
    const { registry } = setup();
    const alice = LocalDid.generate();
    await registry.register(alice);
    await registry.rotateKey(alice);
    expect(alice.authenticationKeyId).toBe(`${alice.did}#key-2`);
    await registry.rotateKey(alice, { retainForAssertions: true });
    const resolved = await registry.resolve(alice.did);
    expect(resolved.metadata.versionId).toBe(2);
    expect(resolved.didDocument.authentication).toEqual([`${alice.did}#key-3`]);
    expect(resolved.didDocument.assertionMethod).toEqual([`${alice.did}#key-3`, `${alice.did}#key-2`]);
    await registry.updateServices(alice, [
      { fragment: 'agent', type: 'DIDCommMessaging', serviceEndpoint: 'https://a.example' },
    ]);
    const after = await registry.resolve(alice.did);
    expect(after.didDocument.service).toEqual([
      { id: `${alice.did}#agent`, type: 'DIDCommMessaging', serviceEndpoint: 'https://a.example' },
    ]);
    expect(after.didDocument.authentication).toEqual([`${alice.did}#key-3`]);
    await registry.updateServices(alice, []);
    expect((await registry.resolve(alice.did)).didDocument.service).toBeUndefined();
  });

  it('deactivates: the DID resolves as deactivated and the local DID refuses to sign', async () => {
    const { registry } = setup();
    const alice = LocalDid.generate();
    await registry.register(alice);
    await registry.deactivate(alice);
    expect((await registry.resolve(alice.did)).metadata.deactivated).toBe(true);
    expect(() => alice.sign({ x: 1 })).toThrow(expect.objectContaining({ code: 'DID_STATE' }));
    expect(() => alice.prepareKeyRotation()).toThrow(expect.objectContaining({ code: 'DID_STATE' }));
  });

  it('passes on the ledger codes: DID_NOT_FOUND, DID_EXISTS, NOT_CONTROLLER; DID_MALFORMED before asking', async () => {
    const { ledger, registry } = setup();
    const alice = LocalDid.generate();
    expect(await codeOf(registry.resolve(alice.did))).toBe('DID_NOT_FOUND');
    await registry.register(alice);
    expect(await codeOf(registry.register(alice))).toBe('DID_EXISTS');
    const stranger = new DidRegistryClient({
      contract: ledger.contract('did-registry', as('TelcoB', 'user1')),
    });
    expect(await codeOf(stranger.rotateKey(alice))).toBe('NOT_CONTROLLER');
    // the failed rotation was not applied locally
    expect(alice.version).toBe(0);
    expect(await codeOf(registry.resolve('did:consortia:XYZ'))).toBe('DID_MALFORMED');
  });

  it('refuses a DID whose controller wrote an update not signed by the DID key (DID_HISTORY_INVALID)', async () => {
    const { registry, rogue } = setup();
    const alice = LocalDid.generate();
    await registry.register(alice);
    // The custodian (ledger controller) builds an update with its own key but names Alice's key id.
    const forged = alice.prepareKeyRotation().operation;
    const impostor = LocalDid.generate();
    const impostorProof = impostor.sign({
      did: alice.did,
      version: 1,
      type: 'update',
      document: forged.document,
    });
    await rogue.submit('updateDid', {
      arguments: {
        ...forged,
        proof: { verificationMethod: alice.authenticationKeyId, jws: impostorProof.jws },
      },
    });
    expect(await codeOf(registry.resolve(alice.did))).toBe('DID_HISTORY_INVALID');
  });

  it('refuses a DID registered with a key it does not derive from (DID_HISTORY_INVALID)', async () => {
    const { registry, rogue } = setup();
    const real = LocalDid.generate();
    const squatter = LocalDid.generate();
    // The squatter registers real's DID id with its own document and key, re-labelled.
    const op = squatter.createOperation();
    const relabel = <T>(v: T): T => JSON.parse(JSON.stringify(v).replaceAll(squatter.did, real.did)) as T;
    await rogue.submit('createDid', {
      arguments: { did: real.did, document: relabel(op.document), proof: relabel(op.proof) },
    });
    const err = await registry.resolve(real.did).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DID_HISTORY_INVALID', detail: { version: 0 } });
  });
});
