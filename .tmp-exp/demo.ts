import { runPrivateDataDemo } from '../src/cli/demos/privateData.js';
import { runCarsharingDemo } from '../src/cli/demos/carsharing.js';
await runPrivateDataDemo({ out: (l) => console.log(l) });
await runCarsharingDemo({ out: (l) => console.log(l) });
