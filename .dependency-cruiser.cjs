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
      comment:
        'Modules import each other in a cycle: move what both need into a module lower down (e.g. a types file).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'gateway-not-into-other-workspaces',
      severity: 'error',
      comment:
        'gateway/src reaches into network/src or chaincode/src by relative path: what both sides share belongs in a shared workspace.',
      from: { path: '^gateway/src/' },
      to: { path: '^(network|chaincode)/src/' },
    },
    {
      name: 'gateway-platform-below-ledger',
      severity: 'error',
      comment:
        'platform/ is the plumbing ledger/ builds on: what needs both (the error handler) sits above them, beside server.ts.',
      from: { path: '^gateway/src/platform/' },
      to: { path: '^gateway/src/ledger/' },
    },
    {
      name: 'gateway-documents-below-evidence',
      severity: 'error',
      comment:
        'evidence/ exports documents and records: documents/ does not need evidence/ (batch anchors are evidence/).',
      from: { path: '^gateway/src/documents/' },
      to: { path: '^gateway/src/evidence/' },
    },
    // gateway/src in layers, each importing only the ones below it (no folder depends on another both ways):
    // platform/ · config.ts · ledger/ · projection/ · access/ · shared/ · identity/ · operations/, live/, health/ ·
    // the families (approval, complaints, documents, evidence, funds, monitoring, reconciliation) · the composition
    // (domain-deps.ts, domains.ts, api-description.ts, error-handler.ts, server.ts, main.ts).
    {
      name: 'gateway-platform-imports-no-gateway-folder',
      severity: 'error',
      comment:
        'platform/ is the plumbing every folder builds on (errors, logger, route table, database): it imports nothing else in gateway/src. A type it needs from above (e.g. the signed-in caller) is defined in platform/ and filled in by the folder that knows it.',
      from: { path: '^gateway/src/platform/' },
      to: { path: '^gateway/src/', pathNot: '^gateway/src/platform/' },
    },
    {
      name: 'gateway-config-imports-only-platform',
      severity: 'error',
      comment:
        "config.ts is read by ledger/, identity/ and every family: it parses every setting itself (a family's too) and imports only platform/.",
      from: { path: '^gateway/src/config\\.ts$' },
      to: { path: '^gateway/src/', pathNot: '^gateway/src/platform/' },
    },
    {
      name: 'gateway-ledger-imports-no-domain',
      severity: 'error',
      comment:
        'ledger/ is the Fabric client every folder uses: it imports only platform/ and config.ts, no domain folder (identity/ or a family) and not the read model.',
      from: { path: '^gateway/src/ledger/' },
      to: { path: '^gateway/src/', pathNot: '^gateway/src/(ledger|platform)/|^gateway/src/config\\.ts$' },
    },
    {
      name: 'gateway-projection-imports-no-domain',
      severity: 'error',
      comment:
        'projection/ (the read model, fed by ledger events) imports only ledger/, platform/ and config.ts: families hand it their enrichers through domains.ts, it does not import them.',
      from: { path: '^gateway/src/projection/' },
      to: { path: '^gateway/src/', pathNot: '^gateway/src/(projection|ledger|platform)/|^gateway/src/config\\.ts$' },
    },
    {
      name: 'gateway-access-imports-no-domain',
      severity: 'error',
      comment:
        "access/ (who may read which record) decides from the read model and the caller's role: it imports only projection/, ledger/, platform/ and config.ts, no domain folder.",
      from: { path: '^gateway/src/access/' },
      to: {
        path: '^gateway/src/',
        pathNot: '^gateway/src/(access|projection|ledger|platform)/|^gateway/src/config\\.ts$',
      },
    },
    {
      name: 'gateway-shared-imports-no-domain',
      severity: 'error',
      comment:
        'shared/ holds what several domains use (schemas, DER and CRL reading, read queries): it imports only the layers below it (access/, projection/, ledger/, platform/, config.ts), no domain folder. What it needs from a domain is a structural type (e.g. Signers).',
      from: { path: '^gateway/src/shared/' },
      to: {
        path: '^gateway/src/',
        pathNot: '^gateway/src/(shared|access|projection|ledger|platform)/|^gateway/src/config\\.ts$',
      },
    },
    {
      name: 'gateway-identity-below-the-families',
      severity: 'error',
      comment:
        'identity/ (users, sessions, keys, revocation) is used by every family and by operations/: it imports only shared/ and the layers below, no family, no operations/, live/ or health/.',
      from: { path: '^gateway/src/identity/' },
      to: {
        path: '^gateway/src/',
        pathNot: '^gateway/src/(identity|shared|access|projection|ledger|platform)/|^gateway/src/config\\.ts$',
      },
    },
    {
      name: 'gateway-services-import-no-family',
      severity: 'error',
      comment:
        'operations/ (anchored writes), live/ (socket updates) and health/ serve every family: they import no family folder. Only the error handler (which maps ledger and platform errors) is above them.',
      from: { path: '^gateway/src/(operations|live|health)/' },
      to: {
        path: '^gateway/src/(approval|complaints|documents|evidence|funds|monitoring|reconciliation|device-client)/|^gateway/src/(domain-deps|domains|api-description|server|main)\\.ts$',
      },
    },
    {
      name: 'gateway-composition-imported-by-nothing-below',
      severity: 'error',
      comment:
        'server.ts, main.ts, domains.ts and api-description.ts put the families together: nothing in a folder imports them back (what a family needs from the composition is in domain-deps.ts).',
      from: { path: '^gateway/src/[^/]+/' },
      to: { path: '^gateway/src/(domains|api-description|server|main)\\.ts$' },
    },
    {
      name: 'unit-tests-stand-alone',
      severity: 'error',
      comment:
        "gateway/test/unit runs without the network or a gateway (npm test -w gateway): it may not use the network suite's support.",
      from: { path: '^gateway/test/unit/' },
      to: { path: '^(gateway/test/(?!unit/)|network/(src|test)/)' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing: a typo, or a package missing from package.json.',
      from: {},
      // Vite's virtual modules (the map's boundary, cut from a package at build time) exist only inside the build.
      to: { couldNotResolve: true, pathNot: '^virtual:' },
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
      extensions: ['.ts', '.tsx', '.js', '.json', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
