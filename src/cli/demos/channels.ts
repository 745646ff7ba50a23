import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  applyConfigChange,
  type ConfigChange,
  type ConfigSigner,
  newConfigUpdateFile,
  signConfigUpdateFile,
  submitConfigUpdateFile,
} from '../../gateway/index.js';
import { type EmbeddedNetwork, layout } from '../../network/index.js';
import { check, type DemoOptions, type DemoResult, errorCode, runDemo } from './demoRunner.js';

const CH = 'roaming';
const CC = 'asset-registry';

/**
 * `consortia demo channels`: two channels with different members, governance switched to a
 * hybrid model, an org added by a config update that needs the named org's admin and a majority
 * of admins, its peer joining and catching up, and a non-member refused.
 */
export function runChannelsDemo(opts: Readonly<DemoOptions>): Promise<DemoResult> {
  return runDemo(
    {
      name: 'channels',
      title: 'Channels and governance',
      steps: ({ network, gateway, client }) => {
        const admin = (org: string): ConfigSigner => {
          const id = network.identity(`${org}.admin`);
          return { mspId: id.mspId, certDer: id.certDer, signer: id.signer };
        };
        const update = async (change: ConfigChange, signers: string[]) => {
          const current = gateway.peerFor(CH).channelConfig(CH);
          let file = newConfigUpdateFile(current, applyConfigChange(current, change), admin(signers[0]!));
          for (const org of signers) file = await signConfigUpdateFile(file, admin(org));
          return submitConfigUpdateFile(gateway, file, admin(signers[0]!));
        };
        const assets = (label: string, channel: string) => client(label).network(channel).contract(CC);
        return [
          {
            title: `TelcoA and TelcoB open channel "${CH}"; channel "telecom" keeps all four orgs`,
            run: async (log) => {
              await network.createChannel({
                name: CH,
                orgs: ['TelcoA', 'TelcoB'],
                contracts: [{ name: CC, endorsementPolicy: 'MAJORITY Endorsement' }],
              });
              check(network.channels().includes(CH), `${CH} was not created`);
              log(`channels: ${network.channels().join(', ')}`);
              log(`${CH} members: ${gateway.peerFor(CH).channelOrgs(CH).join(', ')}`);
            },
          },
          {
            title: 'Data on one channel stays there',
            run: async (log) => {
              await assets('TelcoA.admin', CH).submit('createAsset', {
                arguments: { id: 'roam-1', owner: 'TelcoA', value: 7 },
              });
              const onTelecom = await errorCode(() =>
                assets('TelcoA.admin', 'telecom').evaluate('readAsset', { arguments: { id: 'roam-1' } }),
              );
              check(
                onTelecom === 'UNKNOWN_ASSET',
                `roam-1 should not exist on telecom (got ${onTelecom ?? 'a value'})`,
              );
              log(`roam-1 on ${CH}: found; on telecom: ${onTelecom}`);
            },
          },
          {
            title: 'A non-member (Regulator) cannot query or submit on the channel',
            run: async (log) => {
              const q = await errorCode(() =>
                assets('Regulator.admin', CH).evaluate('readAsset', { arguments: { id: 'roam-1' } }),
              );
              const s = await errorCode(() =>
                assets('Regulator.admin', CH).submit('createAsset', {
                  arguments: { id: 'r', owner: 'R', value: 1 },
                }),
              );
              check(q === 'FORBIDDEN' && s === 'FORBIDDEN', `expected FORBIDDEN twice, got ${q} and ${s}`);
              log(`query: ${q}; submit: ${s}`);
            },
          },
          {
            title: "Governance becomes hybrid: AND('TelcoA.admin', MAJORITY Admins), approved by both admins",
            run: async (log) => {
              const r = await update({ kind: 'set-governance', model: 'hybrid', org: 'TelcoA' }, [
                'TelcoA',
                'TelcoB',
              ]);
              const admins = gateway.peerFor(CH).channelConfig(CH).policies.Admins;
              check(admins === "AND('TelcoA.admin', MAJORITY Admins)", `Admins policy is ${admins}`);
              log(`block ${r.blockNumber}: Admins = ${admins}`);
            },
          },
          {
            title: 'Adding TelcoC signed by TelcoB alone is refused',
            run: async (log) => {
              const code = await errorCode(() =>
                update({ kind: 'add-org', org: orgConfigOf(network, 'TelcoC') }, ['TelcoB']),
              );
              check(code === 'INVALID_CONFIG', `expected INVALID_CONFIG, got ${code}`);
              log(`refused: ${code}`);
            },
          },
          {
            title: 'Adding TelcoC signed by TelcoA and TelcoB (hybrid policy met) is accepted',
            run: async (log) => {
              const r = await update({ kind: 'add-org', org: orgConfigOf(network, 'TelcoC') }, [
                'TelcoA',
                'TelcoB',
              ]);
              log(`block ${r.blockNumber}: members now ${gateway.peerFor(CH).channelOrgs(CH).join(', ')}`);
            },
          },
          {
            title: "TelcoC's peer joins, catches up from the orderer, and transacts",
            run: async (log) => {
              await network.joinPeer('TelcoC.peer0', CH);
              const peer = network.peer('TelcoC.peer0');
              const r = await assets('TelcoC.admin', CH).submit('createAsset', {
                arguments: { id: 'roam-2', owner: 'TelcoC', value: 1 },
              });
              const seen = await assets('TelcoC.admin', CH).evaluate<{ value: number }>('readAsset', {
                arguments: { id: 'roam-1' },
              });
              check(seen.value === 7, 'TelcoC does not see the earlier asset');
              log(`TelcoC.peer0 at height ${peer.height(CH)}; its transaction is in block ${r.blockNumber}`);
            },
          },
        ];
      },
    },
    opts,
  );
}

/** The channel-config entry of an org of the embedded network (its root CA certificate). */
function orgConfigOf(network: EmbeddedNetwork, org: string) {
  return {
    mspId: org,
    rootCerts: [readFileSync(join(layout.caDir(network.dataDir, org), 'ca-cert.pem'), 'utf8')],
  };
}
