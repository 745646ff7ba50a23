import { randomBytes } from 'node:crypto';
import { ConsortiaError, toHex } from '../../common/index.js';
import { IdentityAgentErrorCodes } from './errors.js';

/** A verifier's challenge: a single-use nonce for one domain, valid until `expiresAt`. */
export interface Challenge {
  readonly nonce: string;
  readonly domain: string;
  readonly issuedAt: string;
  readonly expiresAt: string;
}

export interface ChallengeIssuerOptions {
  /** The verifier's domain (e.g. `isp.example`); responses must name it. */
  readonly domain: string;
  /** How long a challenge stays valid. Default 5 minutes. */
  readonly ttlMs?: number;
  /** The clock. Default `() => new Date()`. */
  readonly now?: () => Date;
}

/**
 * Issues challenges for DID-Auth and presentations and accepts each nonce once: a second use is
 * CHALLENGE_REPLAYED, a late one CHALLENGE_EXPIRED, a foreign one CHALLENGE_UNKNOWN, one made for
 * another domain CHALLENGE_DOMAIN_MISMATCH. A nonce is spent by its first use, also when the
 * response then fails, so that no response can be tried twice.
 *
 * @example
 * const challenges = new ChallengeIssuer({ domain: 'isp.example' });
 * const challenge = challenges.issue(); // send to the holder
 * challenges.consume(response.nonce, response.domain); // when the response arrives
 */
export class ChallengeIssuer {
  readonly domain: string;
  readonly #ttlMs: number;
  readonly #now: () => Date;
  readonly #pending = new Map<string, Challenge>();
  readonly #spent = new Set<string>();

  constructor(opts: Readonly<ChallengeIssuerOptions>) {
    this.domain = opts.domain;
    this.#ttlMs = opts.ttlMs ?? 5 * 60_000;
    this.#now = opts.now ?? (() => new Date());
  }

  /** A fresh challenge (32 random bytes as hex). */
  issue(): Challenge {
    const now = this.#now();
    for (const [nonce, c] of this.#pending) {
      if (Date.parse(c.expiresAt) <= now.getTime()) this.#pending.delete(nonce);
    }
    const challenge: Challenge = {
      nonce: toHex(randomBytes(32)),
      domain: this.domain,
      issuedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.#ttlMs).toISOString(),
    };
    this.#pending.set(challenge.nonce, challenge);
    return challenge;
  }

  /** Spends `nonce`; returns the challenge it was issued with, or throws one of the CHALLENGE_* codes. */
  consume(nonce: string, domain: string): Challenge {
    if (this.#spent.has(nonce)) {
      throw new ConsortiaError(
        IdentityAgentErrorCodes.CHALLENGE_REPLAYED,
        'this challenge was already answered once; ask the verifier for a new one',
        { nonce },
      );
    }
    const challenge = this.#pending.get(nonce);
    if (!challenge) {
      throw new ConsortiaError(
        IdentityAgentErrorCodes.CHALLENGE_UNKNOWN,
        `challenge ${nonce.slice(0, 16)}… was not issued by this verifier (or expired long ago); ask for a new one`,
        { nonce },
      );
    }
    this.#pending.delete(nonce);
    this.#spent.add(nonce);
    if (domain !== this.domain) {
      throw new ConsortiaError(
        IdentityAgentErrorCodes.CHALLENGE_DOMAIN_MISMATCH,
        `the response is for domain ${domain}, not ${this.domain}`,
        { expected: this.domain, given: domain },
      );
    }
    if (Date.parse(challenge.expiresAt) <= this.#now().getTime()) {
      throw new ConsortiaError(
        IdentityAgentErrorCodes.CHALLENGE_EXPIRED,
        `the challenge expired at ${challenge.expiresAt}; ask for a new one`,
        { expiresAt: challenge.expiresAt },
      );
    }
    return challenge;
  }
}
