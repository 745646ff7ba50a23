/**
 * Stable error codes of the ledger layer. Every error thrown here is a `ConsortiaError` with one
 * of these codes.
 *
 * - `LEDGER_OUT_OF_ORDER`: a block's number is not the ledger height; `detail` has `expected`, `got`.
 * - `LEDGER_CHAIN_BROKEN`: a block's previous hash is not the hash of the last block; `detail` has `block`.
 * - `LEDGER_WRONG_CHANNEL`: a block belongs to another channel; `detail` has `expected`, `got`.
 * - `LEDGER_BAD_BLOCK`: a block handed to `commitBlock` cannot be stored as it is (validation codes
 *   missing, parsed transactions that do not match its envelopes); `detail` has `block`.
 * - `LEDGER_INVALID_KEY`: a namespace or key cannot be stored (empty or U+0000 in a namespace,
 *   longer than `MAX_STATE_KEY_BYTES`); `detail` has `namespace` and, for writes, `block`, `tx`.
 * - `LEDGER_CORRUPT`: the files on disk are damaged or are not a Consortia ledger; `detail` has
 *   `file` and, where known, `offset` and `block`.
 * - `LEDGER_CHANNEL_MISMATCH`: the directory holds the ledger of another channel; `detail` has
 *   `expected`, `found`.
 * - `LEDGER_FORMAT_UNSUPPORTED`: the directory was written by an unknown format version.
 * - `LEDGER_LOCKED`: another live process (or another `Ledger` in this process) has the directory open.
 * - `LEDGER_IO`: writing the block store or the index failed; nothing was committed.
 * - `LEDGER_FAILED`: an earlier write failed in a way that left the ledger unusable; reopen it.
 * - `LEDGER_CLOSED`: the ledger was used after `close()`.
 */
export const LedgerErrorCodes = {
  LEDGER_OUT_OF_ORDER: 'LEDGER_OUT_OF_ORDER',
  LEDGER_CHAIN_BROKEN: 'LEDGER_CHAIN_BROKEN',
  LEDGER_WRONG_CHANNEL: 'LEDGER_WRONG_CHANNEL',
  LEDGER_BAD_BLOCK: 'LEDGER_BAD_BLOCK',
  LEDGER_INVALID_KEY: 'LEDGER_INVALID_KEY',
  LEDGER_CORRUPT: 'LEDGER_CORRUPT',
  LEDGER_CHANNEL_MISMATCH: 'LEDGER_CHANNEL_MISMATCH',
  LEDGER_FORMAT_UNSUPPORTED: 'LEDGER_FORMAT_UNSUPPORTED',
  LEDGER_LOCKED: 'LEDGER_LOCKED',
  LEDGER_IO: 'LEDGER_IO',
  LEDGER_FAILED: 'LEDGER_FAILED',
  LEDGER_CLOSED: 'LEDGER_CLOSED',
} as const;

export type LedgerErrorCode = (typeof LedgerErrorCodes)[keyof typeof LedgerErrorCodes];
