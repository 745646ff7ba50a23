import { describe, expect, it } from 'vitest';
import { CommonErrorCodes, ConsortiaError, isConsortiaError, toConsortiaError } from './index.js';

describe('ConsortiaError', () => {
  it('carries code, message, detail and name, and is an Error', () => {
    const err = new ConsortiaError('POLICY_SYNTAX', "expected ')' at position 14", { position: 14 });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ConsortiaError');
    expect(err.code).toBe('POLICY_SYNTAX');
    expect(err.message).toBe("expected ')' at position 14");
    expect(err.detail).toEqual({ position: 14 });
    expect(err.cause).toBeUndefined();
    expect(err.stack).toContain('ConsortiaError');
  });

  it('keeps a cause when given one, and has none otherwise', () => {
    const root = new TypeError('boom');
    const err = new ConsortiaError('X', 'wrapped', undefined, { cause: root });
    expect(err.cause).toBe(root);
    expect(err.detail).toBeUndefined();
    expect('cause' in new ConsortiaError('X', 'no cause', undefined, {})).toBe(false);
  });

  it('toJSON leaves detail out when there is none', () => {
    expect(new ConsortiaError('A', 'msg').toJSON()).toEqual({ code: 'A', message: 'msg' });
    expect(Object.keys(new ConsortiaError('A', 'msg').toJSON())).toEqual(['code', 'message']);
    expect(new ConsortiaError('A', 'msg', { k: [1, 'two'] }).toJSON()).toEqual({
      code: 'A',
      message: 'msg',
      detail: { k: [1, 'two'] },
    });
  });

  it('round-trips through JSON.stringify and fromJSON', () => {
    for (const original of [
      new ConsortiaError('MVCC_READ_CONFLICT', 'key a1 changed; retry', { key: 'a1', version: { block: 3 } }),
      new ConsortiaError('NO_DETAIL', 'nothing more to say'),
    ]) {
      const back = ConsortiaError.fromJSON(JSON.parse(JSON.stringify(original)));
      expect(back).toBeInstanceOf(ConsortiaError);
      expect(back.code).toBe(original.code);
      expect(back.message).toBe(original.message);
      expect(back.detail).toEqual(original.detail);
      expect(back.toJSON()).toEqual(original.toJSON());
    }
  });

  it('does not put the cause or stack on the wire', () => {
    const err = new ConsortiaError('X', 'm', { a: 1 }, { cause: new Error('secret internals') });
    const wire = JSON.stringify(err);
    expect(wire).not.toContain('secret internals');
    expect(wire).not.toContain('stack');
  });
});

describe('isConsortiaError', () => {
  const err = new ConsortiaError('BAD_KEY', 'bad key');

  it('recognises a ConsortiaError, optionally by code', () => {
    expect(isConsortiaError(err)).toBe(true);
    expect(isConsortiaError(err, 'BAD_KEY')).toBe(true);
    expect(isConsortiaError(err, 'OTHER')).toBe(false);
  });

  it('refuses other errors and non-errors, even look-alikes', () => {
    expect(isConsortiaError(new Error('x'))).toBe(false);
    expect(isConsortiaError({ code: 'BAD_KEY', message: 'bad key', name: 'ConsortiaError' }, 'BAD_KEY')).toBe(
      false,
    );
    expect(isConsortiaError(undefined)).toBe(false);
    expect(isConsortiaError('BAD_KEY')).toBe(false);
  });
});

describe('toConsortiaError', () => {
  it('returns a ConsortiaError unchanged', () => {
    const err = new ConsortiaError('KEEP', 'kept');
    expect(toConsortiaError(err)).toBe(err);
    expect(toConsortiaError(err, 'OTHER')).toBe(err);
  });

  it('wraps an Error with INTERNAL (or the fallback code), keeping message and cause', () => {
    const root = new RangeError('out of range');
    const wrapped = toConsortiaError(root);
    expect(wrapped.code).toBe(CommonErrorCodes.INTERNAL);
    expect(wrapped.message).toBe('out of range');
    expect(wrapped.cause).toBe(root);
    expect(toConsortiaError(root, 'STORAGE').code).toBe('STORAGE');
  });

  it('wraps thrown non-errors as their string form', () => {
    expect(toConsortiaError('plain text')).toMatchObject({ code: 'INTERNAL', message: 'plain text' });
    expect(toConsortiaError(42, 'NUM')).toMatchObject({ code: 'NUM', message: '42' });
    expect(toConsortiaError(undefined).message).toBe('undefined');
  });
});
