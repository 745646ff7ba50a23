// Enforces the layering of DESIGN.md: imports only go down the list, and a layer is entered
// only through its index.ts. Contracts see only the contract API.
const layers = [
  'common',
  'crypto',
  'identity',
  'policy',
  'protocol',
  'ledger',
  'contract',
  'peer',
  'orderer',
  'network',
  'gateway',
  'cli',
  'dashboard',
];

const upward = layers.slice(0, -1).map((layer, i) => ({
  name: `no-upward-from-${layer}`,
  severity: 'error',
  comment: `${layer} may only import layers below it: ${layers.slice(0, i).join(', ') || '(none)'}`,
  from: { path: `^src/${layer}/` },
  to: { path: `^src/(${layers.slice(i + 1).join('|')})/` },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'enter-layers-through-index',
      severity: 'error',
      comment: 'another layer is reached only through its index.ts',
      from: { path: '^src/([^/]+)/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/[^/]+/', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'] },
    },
    {
      name: 'contracts-use-only-the-contract-api',
      severity: 'error',
      from: { path: '^contracts/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/', pathNot: '^src/contract/index\\.ts$' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^dist/|^node_modules/|/gen/)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.check.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
