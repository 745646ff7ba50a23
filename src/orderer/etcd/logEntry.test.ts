import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConsortiaError } from '../../common/index.js';
import { decodeLogEntry, encodeLogEntry, type LogEntry } from './logEntry.js';

const entryArb: fc.Arbitrary<LogEntry> = fc.oneof(
  fc.record({
    kind: fc.constant('batch' as const),
    ts: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
    envelopes: fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }),
  }),
  fc.record({
    kind: fc.constant('cut' as const),
    ts: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
    block: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
  }),
);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConsortiaError) return err.code;
    throw err;
  }
  return 'none';
}

describe('ordering log entries', () => {
  it('decode(encode(entry)) gives the entry back, byte for byte', () => {
    fc.assert(
      fc.property(entryArb, (entry) => {
        const back = decodeLogEntry(encodeLogEntry(entry));
        expect(back.kind).toBe(entry.kind);
        expect(back.ts).toBe(entry.ts);
        if (entry.kind === 'cut') expect(back).toEqual(entry);
        else if (back.kind === 'batch')
          expect(back.envelopes.map((e) => [...e])).toEqual(entry.envelopes.map((e) => [...e]));
      }),
    );
  });

  it('refuses truncated, extended and foreign bytes with MALFORMED_LOG_ENTRY, never a crash', () => {
    fc.assert(
      fc.property(entryArb, fc.nat(), (entry, cut) => {
        const bytes = encodeLogEntry(entry);
        const short = bytes.subarray(0, cut % bytes.byteLength);
        expect(codeOf(() => decodeLogEntry(short))).toBe('MALFORMED_LOG_ENTRY');
        const long = new Uint8Array([...bytes, 0]);
        expect(codeOf(() => decodeLogEntry(long))).toBe('MALFORMED_LOG_ENTRY');
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (junk) => {
        const code = codeOf(() => decodeLogEntry(junk));
        expect(['MALFORMED_LOG_ENTRY', 'none']).toContain(code);
      }),
    );
  });
});
