// Child process of the crash test: starts the embedded network in argv[2], submits argv[3]
// transactions one after another and prints each committed txId. The parent sets
// CONSORTIA_FAULT so that one node dies between a block append and its state commit.
import { connect, GatewayService } from '../../src/gateway/index.js';
import { EmbeddedNetwork } from '../../src/network/index.js';

const [dataDir, count] = [process.argv[2]!, Number(process.argv[3])];
const network = await EmbeddedNetwork.start({ dataDir });
const gateway = new GatewayService({ peers: network.peerHandles(), orderers: network.ordererHandles() });
const id = network.identity('TelcoA.admin');
const contract = connect({
  identity: { mspId: id.mspId, credentials: id.certDer },
  signer: id.signer,
  gateway,
})
  .network('telecom')
  .contract('asset-registry');
for (let i = 0; i < count; i++) {
  const r = await contract.submit('createAsset', { arguments: { id: `crash-${i}`, owner: 'Ann', value: i } });
  process.stdout.write(`committed ${r.transactionId} crash-${i}\n`);
}
await network.stop();
process.stdout.write('done\n');
