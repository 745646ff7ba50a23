import { ConsortiaError } from '../common/index.js';
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
  const status = await gateway.commitStatus(channel, update.txId, creator.mspId);
  if (status.validationCode !== ValidationCode.VALID) {
    throw new ConsortiaError(
      'CONFIG_UPDATE_REJECTED',
      `the config update was committed as ${validationCodeName(status.validationCode)}`,
      {
        txId: update.txId,
        blockNumber: status.blockNumber,
      },
    );
  }
  return { txId: update.txId, blockNumber: status.blockNumber };
}
