import { describe, expect, it } from 'vitest';
import { ConsortiaError } from '../common/index.js';
import { CommitError, EndorseError } from './errors.js';
import { errorBody, frameworkError, httpStatusFor } from './restErrors.js';

const err = (code: string) => new ConsortiaError(code, `${code} happened`);

describe('httpStatusFor', () => {
  it('maps an ordered but invalid transaction to 409 whatever its validation code', () => {
    for (const code of ['MVCC_READ_CONFLICT', 'ENDORSEMENT_POLICY_FAILURE', 'BAD_PAYLOAD'])
      expect(httpStatusFor(new CommitError(code, 'ab'.repeat(32), 7))).toBe(409);
  });

  it('maps codes from contracts and peers by their class', () => {
    const cases: [string, number][] = [
      ['NOT_OWNER', 403],
      ['NOT_ALLOWED', 403],
      ['BAD_CREATOR', 403],
      ['UNKNOWN_IDENTITY', 403],
      ['UNKNOWN_CONTRACT', 404],
      ['UNKNOWN_FUNCTION', 404],
      ['UNKNOWN_CHANNEL', 404],
      ['REQUEST_OPEN', 409],
      ['NUMBER_EXISTS', 409],
      ['INVALID_ARGUMENT', 400],
      ['MALFORMED_JSON', 400],
      ['ENDORSERS_UNAVAILABLE', 503],
      ['ORDERERS_UNAVAILABLE', 503],
      ['COMMIT_TIMEOUT', 504],
      ['UPGRADE_REQUIRED', 426],
      ['CONTRACT_FAILED', 500],
    ];
    for (const [code, status] of cases) expect([code, httpStatusFor(err(code))]).toEqual([code, status]);
    expect(httpStatusFor(new EndorseError('NOT_OWNER', 'no', 'ab'.repeat(32)))).toBe(403);
  });
});

describe('errorBody', () => {
  it('carries code, message and detail (the validation code of an invalid transaction)', () => {
    expect(errorBody(err('UNKNOWN_BLOCK'))).toEqual({
      error: { code: 'UNKNOWN_BLOCK', message: 'UNKNOWN_BLOCK happened' },
    });
    const body = errorBody(new CommitError('MVCC_READ_CONFLICT', 'cd'.repeat(32), 3));
    expect(body.error).toMatchObject({
      code: 'MVCC_READ_CONFLICT',
      detail: { validationCode: 'MVCC_READ_CONFLICT', blockNumber: 3, transactionId: 'cd'.repeat(32) },
    });
    expect(errorBody(new TypeError('boom')).error.code).toBe('INTERNAL');
  });
});

describe('frameworkError', () => {
  it('gives Fastify request errors stable codes and keeps their 4xx status', () => {
    const f = (code: string, statusCode: number) => frameworkError({ code, statusCode, message: 'x' });
    expect(f('FST_ERR_CTP_INVALID_JSON_BODY', 400)).toMatchObject({
      status: 400,
      error: { code: 'MALFORMED_JSON' },
    });
    expect(f('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415)).toMatchObject({
      status: 415,
      error: { code: 'UNSUPPORTED_MEDIA_TYPE' },
    });
    expect(f('FST_ERR_CTP_BODY_TOO_LARGE', 413)).toMatchObject({
      status: 413,
      error: { code: 'BODY_TOO_LARGE' },
    });
    expect(f('FST_ERR_BAD_URL', 400)).toMatchObject({ status: 400, error: { code: 'BAD_URL' } });
    expect(f('FST_ERR_SOMETHING_NEW', 431)).toMatchObject({
      status: 431,
      error: { code: 'MALFORMED_REQUEST' },
    });
  });

  it('leaves everything that is not a request error alone', () => {
    expect(frameworkError(new Error('boom'))).toBeUndefined();
    expect(frameworkError({ statusCode: 500, code: 'X' })).toBeUndefined();
    expect(frameworkError(err('UNKNOWN_CHANNEL'))).toBeUndefined();
    expect(frameworkError(null)).toBeUndefined();
  });
});
