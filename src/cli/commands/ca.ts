import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConsortiaError, fromBase64, toBase64 } from '../../common/index.js';
import type { ConfigChange } from '../../gateway/index.js';
import { CertificateAuthority, Msp, type RevocationReason } from '../../identity/index.js';
import { layout } from '../../network/index.js';
import type { ChannelConfig, OrgConfig } from '../../protocol/index.js';
import { action } from '../output.js';

/** The CA directory of an org in a data dir: its identity CA, or with `tls` its TLS CA. */
function caDirOf(dataDir: string, org: string, tls: boolean): string {
  return tls ? join(dataDir, org, 'tlsca') : layout.caDir(dataDir, org);
}

function crlPem(der: Uint8Array): string {
  const lines = toBase64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN X509 CRL-----\n${lines.join('\n')}\n-----END X509 CRL-----\n`;
}

/** Whether the CA certificate `caPem` signed `crl`: an MSP of that CA alone keeps the CRL. */
async function signs(mspId: string, caPem: string, crl: Uint8Array): Promise<boolean> {
  try {
    const msp = await Msp.create({ mspId, rootCerts: [caPem], crls: [crl] }, { cacheSize: 1 });
    return (msp.config.crls?.length ?? 0) > 0;
  } catch {
    return false;
  }
}

/**
 * The `crls` an org's config entry gets when `crl` is published: each CA of the org (identity
 * roots and intermediates, TLS roots) keeps its own CRL in the one list, so `crl` replaces the
 * CRLs of the CA that signed it and the CRLs of the org's other CAs stay. A CRL that none of the
 * org's CAs signed gives INVALID_ARGUMENT.
 *
 * @example
 * const crls = await mergeOrgCrls(org, tlsCrlDer); // [identity CA CRL, new TLS CA CRL]
 */
export async function mergeOrgCrls(org: OrgConfig, crl: Uint8Array): Promise<string[]> {
  const cas = [...org.rootCerts, ...(org.intermediateCerts ?? []), ...(org.tlsRootCerts ?? [])];
  const issuerOf = async (der: Uint8Array): Promise<number> => {
    for (const [i, pem] of cas.entries()) if (await signs(org.mspId, pem, der)) return i;
    return -1;
  };
  const issuer = await issuerOf(crl);
  if (issuer < 0) {
    throw new ConsortiaError(
      'INVALID_ARGUMENT',
      `the CRL is not signed by a CA of ${org.mspId} (identity or TLS CA); use the CRL that org's CA wrote`,
      { mspId: org.mspId },
    );
  }
  const kept: string[] = [];
  for (const existing of org.crls ?? []) {
    if ((await issuerOf(fromBase64(existing))) !== issuer) kept.push(existing);
  }
  return [...kept, toBase64(crl)];
}

/**
 * A `set-crl` change of `consortia config propose` made to keep the org's CRLs of its other CAs
 * (see {@link mergeOrgCrls}); other changes unchanged.
 *
 * @example
 * const next = applyConfigChange(current, await keepOtherCrls(current, change));
 */
export async function keepOtherCrls(current: ChannelConfig, change: ConfigChange): Promise<ConfigChange> {
  if (change.kind !== 'set-crl' || change.crls.length !== 1) return change;
  const org = current.orgs.find((x) => x.mspId === change.mspId);
  if (!org) return change;
  return { ...change, crls: await mergeOrgCrls(org, fromBase64(change.crls[0]!)) };
}

/** `consortia ca revoke`: revoke a certificate at an org's CA (identity or TLS) and write its CRL. */
export function registerCa(program: Command): void {
  const ca = program.command('ca').description("an org's certificate authorities: revoke certificates");
  ca.command('revoke <org>')
    .description(
      "revoke a certificate at the org's identity CA, or with --tls at its TLS CA (node links), and write the CRL to publish with `consortia config propose set-crl`",
    )
    .option('--cert <file>', 'the certificate to revoke (PEM)')
    .option('--serial <hex>', 'or its serial number (hex)')
    .option('--tls', "use the org's TLS CA (<data-dir>/<org>/tlsca), for node and gateway TLS certificates")
    .option('--reason <reason>', 'revocation reason, e.g. keyCompromise, superseded', 'unspecified')
    .option('--data-dir <dir>', 'data dir holding the CA directories', './data')
    .option('--ca-dir <dir>', 'the CA directory, if not in the data dir layout')
    .requiredOption('--out <file>', 'where to write the new CRL (PEM)')
    .action(
      action(
        async (
          org: string,
          o: {
            cert?: string;
            serial?: string;
            tls?: boolean;
            reason: string;
            dataDir: string;
            caDir?: string;
            out: string;
          },
        ) => {
          if ((o.cert === undefined) === (o.serial === undefined))
            throw new ConsortiaError(
              'INVALID_ARGUMENT',
              'give the certificate to revoke with --cert <file> or --serial <hex>',
            );
          let serial = o.serial ?? '';
          if (o.cert !== undefined) {
            if (!existsSync(o.cert))
              throw new ConsortiaError('FILE_NOT_FOUND', `certificate ${o.cert} does not exist`);
            try {
              const hex = BigInt(`0x${new X509Certificate(readFileSync(o.cert)).serialNumber}`).toString(16);
              serial = hex.length % 2 === 1 ? `0${hex}` : hex;
            } catch (err) {
              throw new ConsortiaError(
                'INVALID_ARGUMENT',
                `${o.cert} is not a PEM certificate`,
                { file: o.cert },
                { cause: err },
              );
            }
          }
          const dir = resolve(o.caDir ?? caDirOf(resolve(o.dataDir), org, o.tls === true));
          const authority = await CertificateAuthority.load(dir);
          if (authority.mspId !== org) {
            throw new ConsortiaError(
              'INVALID_ARGUMENT',
              `the CA in ${dir} belongs to ${authority.mspId}, not ${org}`,
              { dir },
            );
          }
          const crl = await authority.revoke(serial, o.reason as RevocationReason);
          await authority.save(dir);
          writeFileSync(o.out, crlPem(crl));
          process.stdout.write(
            `revoked serial ${serial} at ${authority.commonName}; wrote its CRL to ${o.out}\n` +
              `next: consortia config propose set-crl ${org} --crl ${o.out} --as ${org}.admin --out update.json, then sign and submit it\n`,
          );
        },
      ),
    );
}
