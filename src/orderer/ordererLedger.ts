import { join } from 'node:path';
import { Ledger } from '../ledger/index.js';
import { ChannelContext } from '../peer/index.js';
import { decodeChannelConfig, type ParsedBlock } from '../protocol/index.js';

/**
 * Opens an orderer's copy of a channel's chain under `<dataDir>/ledgers/<channel>` (committing
 * the genesis block on first use) and the context of the configuration in force, whose
 * identities by certificate hash resolve from that chain (decision 0007). Closes the ledger
 * again when the context cannot be built.
 *
 * @example
 * const { ledger, context } = await openOrdererLedger(dataDir, parseBlock(genesisBytes));
 */
export async function openOrdererLedger(
  dataDir: string,
  genesis: ParsedBlock,
): Promise<{ ledger: Ledger; context: ChannelContext }> {
  const ledger = await Ledger.open({
    dir: join(dataDir, 'ledgers', genesis.channel),
    channel: genesis.channel,
  });
  try {
    if (ledger.height === 0)
      await ledger.commitBlock({ ...genesis, validationCodes: new Uint8Array(genesis.envelopes.length) });
    const context = (
      await ChannelContext.fromConfig(decodeChannelConfig(ledger.getChannelConfig()!))
    ).useCertificates((hash) => ledger.getCertificate(hash));
    return { ledger, context };
  } catch (err) {
    await ledger.close();
    throw err;
  }
}
