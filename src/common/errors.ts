/** Codes thrown by src/common. */
export const CommonErrorCodes = {
  /** toConsortiaError's default for something thrown that was not a ConsortiaError. */
  INTERNAL: 'INTERNAL',
  /** canonicalJson: the value nests deeper than 64 levels (or is cyclic). */
  JSON_TOO_DEEP: 'JSON_TOO_DEEP',
  /** canonicalJson: the value holds something JSON cannot carry faithfully. */
  JSON_UNSUPPORTED: 'JSON_UNSUPPORTED',
  /** fromHex / fromUtf8: the text or bytes are not in the expected encoding. */
  BAD_ENCODING: 'BAD_ENCODING',
} as const;

/**
 * The one base error of Consortia. Every error that crosses a boundary (worker, REST, CLI)
 * carries a stable machine-readable `code`, a one-sentence `message` that says what was wrong
 * and what to do, and an optional typed `detail` payload.
 *
 * @example
 * throw new ConsortiaError('POLICY_SYNTAX', "expected ')' at position 14", { position: 14 });
 */
export class ConsortiaError<D extends Record<string, unknown> = Record<string, unknown>> extends Error {
  readonly code: string;
  readonly detail: D | undefined;

  constructor(code: string, message: string, detail?: D, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConsortiaError';
    this.code = code;
    this.detail = detail;
  }

  toJSON(): { code: string; message: string; detail?: D } {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }

  /** Rebuilds an error that crossed a boundary as JSON. */
  static fromJSON(json: { code: string; message: string; detail?: Record<string, unknown> }): ConsortiaError {
    return new ConsortiaError(json.code, json.message, json.detail);
  }
}

/** True when `err` is a ConsortiaError, optionally with the given code. */
export function isConsortiaError(err: unknown, code?: string): err is ConsortiaError {
  return err instanceof ConsortiaError && (code === undefined || err.code === code);
}

/** Wraps anything thrown into a ConsortiaError, keeping one that already is one. */
export function toConsortiaError(err: unknown, fallbackCode = 'INTERNAL'): ConsortiaError {
  if (err instanceof ConsortiaError) return err;
  if (err instanceof Error) return new ConsortiaError(fallbackCode, err.message, undefined, { cause: err });
  return new ConsortiaError(fallbackCode, String(err));
}
