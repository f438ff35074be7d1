/**
 * Import rules over every workspace (chaincode, gateway, network, fixtures, app), checked by `npm run lint:imports`.
 * Type-only imports count: a cycle through a type is still two modules that each need the other to be understood.
 * There are no known violations: every rule holds over the whole tree.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules import each other in a cycle: move what both need into a module lower down (e.g. a types file).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'gateway-not-into-other-workspaces',
      severity: 'error',
      comment: 'gateway/src reaches into network/src or chaincode/src by relative path: what both sides share belongs in a shared workspace.',
      from: { path: '^gateway/src/' },
      to: { path: '^(network|chaincode)/src/' },
    },
    {
      name: 'gateway-platform-below-ledger',
      severity: 'error',
      comment: 'platform/ is the plumbing ledger/ builds on: what needs both (the error handler) sits above them, beside server.ts.',
      from: { path: '^gateway/src/platform/' },
      to: { path: '^gateway/src/ledger/' },
    },
    {
      name: 'gateway-documents-below-evidence',
      severity: 'error',
      comment: 'evidence/ exports documents and records: documents/ does not need evidence/ (batch anchors are evidence/).',
      from: { path: '^gateway/src/documents/' },
      to: { path: '^gateway/src/evidence/' },
    },
    {
      name: 'unit-tests-stand-alone',
      severity: 'error',
      comment: 'gateway/test/unit runs without the network or a gateway (npm test -w gateway): it may not use the network suite\'s support.',
      from: { path: '^gateway/test/unit/' },
      to: { path: '^(gateway/test/(?!unit/)|network/(src|test)/)' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing: a typo, or a package missing from package.json.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/|^network/(\\.bin|\\.run|build)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
