import { describe, expect, it } from 'vitest';
import { readerFor } from './readAs.js';

const ids = [
  { label: 'Regulator.admin', mspId: 'Regulator' },
  { label: 'TelcoA.user1', mspId: 'TelcoA' },
  { label: 'TelcoA.admin', mspId: 'TelcoA' },
  { label: 'TelcoB.user1', mspId: 'TelcoB' },
];

describe('readerFor', () => {
  it('keeps the identity picked by hand when its org is a member of the channel', () => {
    expect(readerFor(ids, ['TelcoA', 'TelcoB'], 'TelcoB.user1')).toBe('TelcoB.user1');
  });

  it('falls back to an admin of a member org when the pick is not a member', () => {
    expect(readerFor(ids, ['TelcoA', 'TelcoB'], 'Regulator.admin')).toBe('TelcoA.admin');
  });

  it('takes any member identity when no member org has an admin in the wallet', () => {
    expect(readerFor(ids, ['TelcoB'], undefined)).toBe('TelcoB.user1');
  });

  it('gives none when the wallet holds no identity of a member org', () => {
    expect(readerFor(ids, ['TelcoC'], 'TelcoA.admin')).toBeUndefined();
    expect(readerFor([], ['TelcoA'], undefined)).toBeUndefined();
  });
});
