import { ConsortiaError, fromBase64 } from '../common/index.js';
import type { Signer } from '../crypto/index.js';
import {
  assembleConfigTransaction,
  type ChannelConfig,
  configSigningBytes,
  encodeConfigPayload,
  encodeEnvelope,
  encodeIdentity,
  newConfigUpdate,
  type UnsignedConfigUpdate,
  ValidationCode,
  validateChannelConfig,
  validationCodeName,
} from '../protocol/index.js';
import type { GatewayService } from './gatewayService.js';

/** An org admin who signs a config update. */
export interface ConfigSigner {
  readonly mspId: string;
  readonly certDer: Uint8Array;
  readonly signer: Signer;
}

/**
 * Proposes a new channel configuration: `change` receives a copy of the current one and
 * returns the desired one; the sequence is advanced for you.
 */
export function proposeConfigUpdate(
  current: ChannelConfig,
  creator: ConfigSigner,
  change: (c: ChannelConfig) => ChannelConfig,
): UnsignedConfigUpdate {
  const next = validateChannelConfig({ ...change(structuredClone(current)), sequence: current.sequence + 1 });
  return newConfigUpdate({ config: next, creator: encodeIdentity(creator.mspId, creator.certDer) });
}

/**
 * Signs a config update with each admin, wraps it in an envelope signed by the creator, orders
 * it and waits until it commits. Throws CONFIG_UPDATE_REJECTED when peers refuse it.
 */
export async function submitConfigUpdate(
  gateway: GatewayService,
  update: UnsignedConfigUpdate,
  creator: ConfigSigner,
  admins: readonly ConfigSigner[],
  channel: string,
): Promise<{ txId: string; blockNumber: number }> {
  const signing = configSigningBytes(update);
  const signatures = [];
  for (const a of admins)
    signatures.push({ signer: encodeIdentity(a.mspId, a.certDer), signature: await a.signer(signing) });
  const payload = encodeConfigPayload(assembleConfigTransaction(update, signatures));
  await gateway.submit(encodeEnvelope(payload, await creator.signer(payload)));
  return waitForConfig(gateway, channel, update.txId, creator.mspId);
}

/**
 * Submits a signed update file: the creator (an admin) signs the envelope; the orderer and then
 * every peer check the admins' signatures against the channel's modification policy.
 */
export async function submitConfigUpdateFile(
  gateway: GatewayService,
  file: {
    channel: string;
    txId: string;
    header: string;
    config: string;
    signatures: readonly { identity: string; signature: string }[];
  },
  creator: ConfigSigner,
): Promise<{ txId: string; blockNumber: number }> {
  const update = { header: fromBase64(file.header), config: fromBase64(file.config) };
  const signatures = file.signatures.map((s) => ({
    signer: fromBase64(s.identity),
    signature: fromBase64(s.signature),
  }));
  const payload = encodeConfigPayload(assembleConfigTransaction(update, signatures));
  await gateway.submit(encodeEnvelope(payload, await creator.signer(payload)));
  return waitForConfig(gateway, file.channel, file.txId, creator.mspId);
}

async function waitForConfig(
  gateway: GatewayService,
  channel: string,
  txId: string,
  mspId: string,
): Promise<{ txId: string; blockNumber: number }> {
  const status = await gateway.commitStatus(channel, txId, mspId);
  if (status.validationCode !== ValidationCode.VALID) {
    throw new ConsortiaError(
      'CONFIG_UPDATE_REJECTED',
      `the config update was committed as ${validationCodeName(status.validationCode)}`,
      {
        txId,
        blockNumber: status.blockNumber,
      },
    );
  }
  return { txId, blockNumber: status.blockNumber };
}
