import { ConsortiaError } from '../common/index.js';
import { IdentityErrorCodes } from './errors.js';
import type { Msp } from './msp.js';
import type { ValidatedIdentity, ValidateOptions } from './types.js';

/**
 * The MSPs of a channel (or network), by MSP id. Immutable: `with` returns a new manager, e.g.
 * after a CRL update.
 */
export class MspManager {
  readonly #msps: ReadonlyMap<string, Msp>;

  /**
   * @example
   * const msps = new MspManager({ msps: [telcoA, telcoB] });
   */
  constructor(opts: Readonly<{ msps: readonly Msp[] }>) {
    const map = new Map<string, Msp>();
    for (const msp of opts.msps) {
      if (map.has(msp.mspId)) {
        throw new ConsortiaError(
          IdentityErrorCodes.MSP_CONFIG_INVALID,
          `MSP ${msp.mspId} is given twice; give each org once`,
          { mspId: msp.mspId },
        );
      }
      map.set(msp.mspId, msp);
    }
    this.#msps = map;
  }

  /**
   * The MSP of `mspId`; UNKNOWN_MSP when there is none.
   *
   * @example
   * const msp = msps.get('TelcoA');
   */
  get(mspId: string): Msp {
    const msp = this.#msps.get(mspId);
    if (msp === undefined) {
      throw new ConsortiaError(
        IdentityErrorCodes.UNKNOWN_MSP,
        `MSP '${mspId}' is not known here; known MSPs: ${[...this.#msps.keys()].join(', ') || 'none'}`,
        { mspId },
      );
    }
    return msp;
  }

  /** @example if (msps.has('TelcoA')) ... */
  has(mspId: string): boolean {
    return this.#msps.has(mspId);
  }

  /** @example msps.mspIds(); // ['TelcoA', 'TelcoB'] */
  mspIds(): string[] {
    return [...this.#msps.keys()];
  }

  /**
   * Validates `certDer` with the MSP of `mspId` (see `Msp.validate`).
   *
   * @example
   * const who = msps.validate('TelcoA', certDer, { role: 'peer' });
   */
  validate(mspId: string, certDer: Uint8Array, opts?: Readonly<ValidateOptions>): ValidatedIdentity {
    return this.get(mspId).validate(certDer, opts);
  }

  /**
   * A new manager with `msp` added, or replacing the MSP of the same id.
   *
   * @example
   * msps = msps.with(await msps.get('TelcoA').withCrl(crlDer));
   */
  with(msp: Msp): MspManager {
    const next = new Map(this.#msps);
    next.set(msp.mspId, msp);
    return new MspManager({ msps: [...next.values()] });
  }
}
