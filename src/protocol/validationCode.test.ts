import { describe, expect, it } from 'vitest';
import { ValidationCode, type ValidationCodeName, validationCodeName } from './index.js';

describe('ValidationCode / validationCodeName', () => {
  it('has the wire numbers fixed by the block format', () => {
    expect(ValidationCode).toEqual({
      VALID: 0,
      DUPLICATE_TXID: 1,
      BAD_CREATOR: 2,
      BAD_SIGNATURE: 3,
      ENDORSEMENT_POLICY_FAILURE: 4,
      MVCC_READ_CONFLICT: 5,
      PHANTOM_READ_CONFLICT: 6,
      BAD_PAYLOAD: 7,
      BAD_TXID: 8,
      WRONG_CHANNEL: 9,
      UNKNOWN_CONTRACT: 10,
      BAD_RESPONSE: 11,
      INVALID_CONFIG: 12,
      EXPIRED_CHAINCODE: 13,
      COLLECTION_POLICY_FAILURE: 14,
      NOT_VALIDATED: 255,
    });
  });

  it('names every code', () => {
    for (const [name, code] of Object.entries(ValidationCode)) {
      expect(validationCodeName(code)).toBe(name as ValidationCodeName);
    }
    expect(validationCodeName(5)).toBe('MVCC_READ_CONFLICT');
  });

  it('gives every byte value a distinct name', () => {
    const names = new Set(Array.from({ length: 256 }, (_, i) => validationCodeName(i)));
    expect(names.size).toBe(256);
  });

  it('names unknown codes UNKNOWN_<n>', () => {
    expect(validationCodeName(15)).toBe('UNKNOWN_15');
    expect(validationCodeName(254)).toBe('UNKNOWN_254');
    expect(validationCodeName(256)).toBe('UNKNOWN_256');
    expect(validationCodeName(-1)).toBe('UNKNOWN_-1');
  });
});
