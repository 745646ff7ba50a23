import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsortiaError, isConsortiaError, toHex } from '../common/index.js';
import { Ledger, readBlockFiles } from '../ledger/index.js';
import {
  decodeChannelConfig,
  type ParsedBlock,
  parseBlock,
  parseEnvelope,
  ValidationCode,
  validationCodeName,
} from '../protocol/index.js';
import { ChannelContext } from './channelContext.js';
import { validateBlock } from './validateBlock.js';

export interface VerifyLedgerOptions {
  /** The ledger directory (`<node>/ledgers/<channel>`). */
  readonly dir: string;
  readonly channel: string;
  /**
   * 'peer': re-validate every transaction and compare the codes and the final state with a
   * replay. 'orderer': check the chain and signatures only (orderers do not validate).
   */
  readonly mode: 'peer' | 'orderer';
  readonly onProgress?: (block: number) => void;
}

export interface VerifyLedgerResult {
  readonly blocks: number;
  readonly valid: number;
  readonly invalid: number;
  /** Hex hash of the last block, to compare nodes with each other. */
  readonly lastHash: string;
  readonly blockHashes: readonly string[];
}

function failAt(file: string, block: number, why: string, cause?: unknown): ConsortiaError {
  return new ConsortiaError(
    'VERIFY_FAILED',
    `${file}: block ${block}: ${why}`,
    { file, block },
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Audits a stopped node's ledger offline: record checksums, the hash chain, each block's data
 * hash and orderer signatures (against the channel config in force at that block, starting
 * from the genesis block as trust anchor) and, for peers, every transaction's creator,
 * signatures and endorsement policy again, by replaying the chain into a scratch ledger: the
 * validation codes must match those stored, and the replayed state must equal the node's state.
 * Throws VERIFY_FAILED naming the file and block of the first problem.
 */
export async function verifyLedger(opts: Readonly<VerifyLedgerOptions>): Promise<VerifyLedgerResult> {
  const scratchDir = mkdtempSync(join(tmpdir(), 'consortia-verify-'));
  const replay =
    opts.mode === 'peer' ? await Ledger.open({ dir: scratchDir, channel: opts.channel }) : undefined;
  let ctx: ChannelContext | undefined;
  let prev: ParsedBlock | undefined;
  let valid = 0;
  let invalid = 0;
  const hashes: string[] = [];
  try {
    let n = 0;
    let file = opts.dir;
    try {
      for (const rec of readBlockFiles(opts.dir)) {
        file = rec.file;
        let block: ParsedBlock;
        try {
          block = parseBlock(rec.bytes);
        } catch (err) {
          throw failAt(
            rec.file,
            n,
            `cannot be decoded or its data hash does not match: ${(err as Error).message}`,
            err,
          );
        }
        if (block.number !== n) throw failAt(rec.file, n, `holds block number ${block.number}`);
        if (block.channel !== opts.channel) throw failAt(rec.file, n, `belongs to channel ${block.channel}`);
        if (prev && Buffer.compare(block.previousHash, prev.hash) !== 0) {
          throw failAt(rec.file, n, `does not chain to block ${n - 1} (previous hash mismatch)`);
        }
        if (n === 0) {
          const tx = parseEnvelope(block.envelopes[0] ?? new Uint8Array());
          if (tx.type !== 'config') throw failAt(rec.file, 0, 'the genesis block holds no channel config');
          ctx = await ChannelContext.fromConfig(decodeChannelConfig(tx.config.config));
          // Identities that name a certificate by hash resolve from the blocks replayed so far.
          if (replay) ctx.useCertificates((hash) => replay.getCertificate(hash));
        }
        try {
          ctx!.verifyBlockSignatures(block);
        } catch (err) {
          throw failAt(rec.file, n, (err as Error).message, err);
        }
        if (replay && n === 0) {
          await replay.commitBlock({ ...block, validationCodes: new Uint8Array(block.envelopes.length) });
          valid += block.envelopes.length;
        } else if (replay) {
          const v = await validateBlock(block, ctx!, replay);
          for (let i = 0; i < v.codes.length; i++) {
            if (v.codes[i] !== block.validationCodes[i]) {
              throw failAt(
                rec.file,
                n,
                `transaction ${i} is stored as ${validationCodeName(block.validationCodes[i] ?? 255)} but validates as ${validationCodeName(v.codes[i]!)}`,
              );
            }
            if (v.codes[i] === ValidationCode.VALID) valid++;
            else invalid++;
          }
          await replay.commitBlock({ ...block, validationCodes: v.codes }, v.txs);
          ctx = v.context;
        } else {
          for (let i = 0; i < block.envelopes.length; i++) {
            const tx = (() => {
              try {
                return parseEnvelope(block.envelopes[i]!);
              } catch {
                return undefined;
              }
            })();
            if (tx?.type === 'config' && block.validationCodes[i] === ValidationCode.VALID && n > 0) {
              ctx = await ChannelContext.fromConfig(decodeChannelConfig(tx.config.config));
            }
          }
        }
        hashes.push(toHex(block.hash));
        prev = block;
        opts.onProgress?.(n);
        n++;
      }
    } catch (err) {
      if (isConsortiaError(err, 'LEDGER_CORRUPT')) {
        const d = err.detail as { file?: string; offset?: number } | undefined;
        throw failAt(d?.file ?? file, n, `damaged record at offset ${d?.offset ?? '?'}: ${err.message}`, err);
      }
      throw err;
    }
    if (n === 0) throw new ConsortiaError('VERIFY_FAILED', `${opts.dir} holds no blocks`, { file: opts.dir });
    if (replay) {
      const original = await Ledger.open({ dir: opts.dir, channel: opts.channel });
      try {
        if (original.height !== n)
          throw failAt(
            file,
            original.height,
            `the ledger index has ${original.height} blocks, the files ${n}`,
          );
        if (original.stateDigest() !== replay.stateDigest()) {
          throw failAt(
            join(opts.dir, 'ledger.mdb'),
            n - 1,
            'the world state differs from a replay of the blocks',
          );
        }
      } finally {
        await original.close();
      }
    }
    return { blocks: n, valid, invalid, lastHash: hashes[hashes.length - 1] ?? '', blockHashes: hashes };
  } finally {
    await replay?.close();
    rmSync(scratchDir, { recursive: true, force: true });
  }
}
