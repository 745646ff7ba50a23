import { signBytes } from '../../crypto/index.js';
import {
  assembleConfigTransaction,
  blockSigningBytes,
  type ChannelConfig,
  encodeBlock,
  encodeConfigPayload,
  encodeEnvelope,
  encodeIdentity,
  newBlockHeader,
  newConfigUpdate,
} from '../../protocol/index.js';
import type { WalletIdentity } from '../wallet.js';

/**
 * Builds a channel's genesis block (block 0) with its first configuration, created by the first
 * orderer and signed by every orderer given: with etcd ordering a block needs the signatures of
 * `ordering.signaturesRequired` ordering orgs, the genesis block included (`consortia verify`
 * checks it).
 *
 * @example
 * writeFileSync('genesis.block', multiSignedGenesis(config, [orderer1, orderer2, orderer3]));
 */
export function multiSignedGenesis(config: ChannelConfig, orderers: readonly WalletIdentity[]): Uint8Array {
  const first = orderers[0]!;
  const creator = encodeIdentity(first.mspId, first.certDer);
  const update = newConfigUpdate({ config, creator });
  const payload = encodeConfigPayload(assembleConfigTransaction(update, []));
  const envelope = encodeEnvelope(payload, signBytes(first.privateKey, payload));
  const header = newBlockHeader({
    channel: config.channel,
    number: 0,
    previousHash: new Uint8Array(),
    envelopes: [envelope],
    timestamp: Date.now(),
  });
  return encodeBlock(
    header,
    [envelope],
    orderers.map((o) => {
      const signer = encodeIdentity(o.mspId, o.certDer);
      return { signer, signature: signBytes(o.privateKey, blockSigningBytes(header, signer)) };
    }),
  );
}
