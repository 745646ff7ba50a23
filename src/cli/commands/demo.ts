import type { Command } from 'commander';
import { ConsortiaError } from '../../common/index.js';
import { runAttestationsDemo } from '../demos/attestations.js';
import { runCarsharingDemo } from '../demos/carsharing.js';
import { runChannelsDemo } from '../demos/channels.js';
import type { DemoOptions, DemoResult } from '../demos/demoRunner.js';
import { runIotTrustDemo } from '../demos/iotTrust.js';
import { runNumberPortabilityDemo } from '../demos/numberPortability.js';
import { runPrivateDataDemo } from '../demos/privateData.js';
import { runProofOfDeliveryDemo } from '../demos/proofOfDelivery.js';
import { runRoamingDemo } from '../demos/roaming.js';
import { action } from '../output.js';

/** The demos `consortia demo <name>` can run. */
const DEMOS: Readonly<Record<string, (opts: DemoOptions & { bundleOut?: string }) => Promise<DemoResult>>> = {
  'number-portability': runNumberPortabilityDemo,
  channels: runChannelsDemo,
  'private-data': runPrivateDataDemo,
  carsharing: runCarsharingDemo,
  attestations: runAttestationsDemo,
  'iot-trust': runIotTrustDemo,
  'proof-of-delivery': runProofOfDeliveryDemo,
  roaming: runRoamingDemo,
};

export function registerDemo(program: Command): void {
  program
    .command('demo <name>')
    .description(
      `run a guided, self-checking story on a fresh embedded network (demos: ${Object.keys(DEMOS).join(', ')})`,
    )
    .option('--data-dir <dir>', 'keep the network in this data dir instead of a removed temporary one')
    .option('--out <file>', 'proof-of-delivery: also write one exported proof bundle to this file')
    .action(
      action(async (name: string, opts: { dataDir?: string; out?: string }) => {
        const run = Object.hasOwn(DEMOS, name) ? DEMOS[name] : undefined;
        if (!run) {
          throw new ConsortiaError(
            'UNKNOWN_DEMO',
            `there is no demo '${name}'; available demos: ${Object.keys(DEMOS).join(', ')}`,
            { name },
          );
        }
        const result = await run({
          ...(opts.dataDir === undefined ? {} : { dataDir: opts.dataDir }),
          ...(opts.out === undefined ? {} : { bundleOut: opts.out }),
          out: (line) => process.stdout.write(`${line}\n`),
        });
        const failed = result.steps.find((s) => s.status === 'failed');
        if (failed) {
          throw new ConsortiaError(
            'DEMO_FAILED',
            `demo ${name} failed at step ${failed.number} (${failed.title}): ${failed.error}`,
            { step: failed.number },
          );
        }
      }),
    );
}
