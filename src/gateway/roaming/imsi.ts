import { ConsortiaError, utf8 } from '../../common/index.js';
import { sha256Hex } from '../../crypto/index.js';
import { encryptForCertificates } from '../encryption.js';
import { RoamingErrorCodes } from './errors.js';

/** The services a home network grants a roaming subscriber (use case 1A's "1/0 per service"). */
export interface RoamingServices {
  readonly voice: boolean;
  readonly sms: boolean;
  readonly data: boolean;
}

const IMSI = /^\d{6,15}$/;

function checkImsi(imsi: string): void {
  if (typeof imsi !== 'string' || !IMSI.test(imsi)) {
    throw new ConsortiaError(
      RoamingErrorCodes.INVALID_IMSI,
      'an IMSI is 6 to 15 decimal digits (MCC, MNC, MSIN)',
    );
  }
}

/**
 * Encrypts a subscriber's IMSI for the home network (HPMN) only, for `requestAuthorisation`'s
 * `encryptedImsi`. Throws INVALID_IMSI, or BAD_CERTIFICATE for a certificate that does not parse.
 *
 * @example
 * const encryptedImsi = encryptImsi(hpmnCertPem, '262011234567890');
 */
export function encryptImsi(hpmnCert: string | Uint8Array, imsi: string): string {
  checkImsi(imsi);
  return encryptForCertificates([hpmnCert], { imsi });
}

/**
 * Encrypts the granted services for the visited network (VPMN) only, for `answerAuthorisation`'s
 * `encryptedServices`.
 *
 * @example
 * const encryptedServices = encryptServices(vpmnCertPem, { voice: true, sms: true, data: false });
 */
export function encryptServices(vpmnCert: string | Uint8Array, services: RoamingServices): string {
  return encryptForCertificates([vpmnCert], {
    voice: services.voice,
    sms: services.sms,
    data: services.data,
  });
}

/**
 * The IMSI as usage records carry it: SHA-256 (hex) of a secret the two carriers share and the
 * IMSI, so the records name a subscriber without revealing (or letting anyone brute-force) the IMSI.
 *
 * @example
 * const imsiHash = hashImsi('262011234567890', pairSecret);
 */
export function hashImsi(imsi: string, pairSecret: string): string {
  checkImsi(imsi);
  return sha256Hex(utf8(`consortia-roaming-imsi\u0000${pairSecret}\u0000${imsi}`));
}
