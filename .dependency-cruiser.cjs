/**
 * The architecture of graphgate as rules (dependency-cruiser). `functions/core` is the ground floor; the edge and each
 * deployable import down into it; infra may start or bundle deployables; load may use the twin; scripts are thin entry
 * points that nothing imports. `npm test` runs this check; infra/architecture/rules.test.ts proves each rule can fire.
 */

/** Test files and their support code: they may reach the twin's test harness; production code may not reach them. */
const TESTS = '(\\.test\\.ts$|/test-support/)';
/** What the kernel may read besides itself: generated artefacts (the manifest, SDL, the policy bundle). */
const KERNEL_ARTEFACTS = '^(schema|policies)/';
/** Packages that ship only types (resolved by TypeScript, not on disk as modules). */
const TYPE_PACKAGES = '^aws-lambda$';

/** @type {import('dependency-cruiser').IForbiddenRuleType[]} */
const forbidden = [
  {
    name: 'kernel-imports-nothing-outward',
    comment: 'functions/core is the ground floor: it imports only itself, npm packages and generated artefacts.',
    severity: 'error',
    from: { path: '^functions/core/', pathNot: TESTS },
    to: {
      pathNot: ['^functions/core/', KERNEL_ARTEFACTS, TYPE_PACKAGES, '(^|/)node_modules/'],
      dependencyTypesNot: ['core'],
    },
  },
  {
    name: 'kernel-tests-use-only-the-twin-harness',
    comment: 'Tests of the kernel may start the local twin (infra/local/test-support) and nothing else above core.',
    severity: 'error',
    from: { path: `^functions/core/.*${TESTS}` },
    to: {
      pathNot: ['^functions/core/', KERNEL_ARTEFACTS, TYPE_PACKAGES, '^infra/local/', '(^|/)node_modules/'],
      dependencyTypesNot: ['core'],
    },
  },
  {
    name: 'no-sideways-between-deployables',
    comment: 'A deployable (functions/<name>) never imports another deployable; shared code goes to functions/core.',
    severity: 'error',
    from: { path: '^functions/([^/]+)/', pathNot: '^functions/core/' },
    to: { path: '^functions/[^/]+/', pathNot: ['^functions/core/', '^functions/$1/'] },
  },
  {
    name: 'edge-and-deployables-stay-apart',
    comment: 'The edge imports only core; deployables never import the edge.',
    severity: 'error',
    from: { path: '^(edge|functions)/', pathNot: TESTS },
    to: { path: '^(edge|functions)/', pathNot: ['^functions/core/', '^$1/'] },
  },
  {
    name: 'runtime-code-does-not-reach-up',
    comment: 'The edge and functions never import infra, load or scripts (tests may use the twin harness).',
    severity: 'error',
    from: { path: '^(edge|functions)/', pathNot: TESTS },
    to: { path: '^(infra|load|scripts)/' },
  },
  {
    name: 'infra-does-not-import-load',
    comment: 'Load and benchmarks sit above the twin: the twin never depends on them.',
    severity: 'error',
    from: { path: '^infra/' },
    to: { path: '^load/' },
  },
  {
    name: 'nothing-imports-scripts',
    comment: 'scripts/ holds thin command-line entry points; shared code lives in core, infra/local or load.',
    severity: 'error',
    from: {},
    to: { path: '^scripts/' },
  },
  {
    name: 'production-never-imports-test-support',
    comment: 'test-support/ serves tests only.',
    severity: 'error',
    from: { pathNot: TESTS },
    to: { path: '/test-support/' },
  },
  {
    name: 'browser-pages-stay-in-the-browser',
    comment:
      'A browser page (functions/<name>/page) is bundled for the browser: it imports only itself and npm packages, never server code.',
    severity: 'error',
    from: { path: '^functions/([^/]+)/page/' },
    to: {
      pathNot: ['^functions/$1/page/', '(^|/)node_modules/', '^@graphql-typed-document-node/core$'],
      dependencyTypesNot: ['core'],
    },
  },
  {
    name: 'no-circular',
    comment: 'Cycles make modules impossible to read or test alone.',
    severity: 'error',
    from: {},
    to: { circular: true },
  },
  {
    name: 'no-orphans',
    comment: 'A module nothing imports and that imports nothing is dead code (entry points import something).',
    severity: 'error',
    from: {
      orphan: true,
      pathNot: ['\\.d\\.ts$', '/page/[^/]+\\.ts$', '(^|/)\\.[^/]+\\.(js|cjs|mjs|ts)$', '\\.config\\.(js|cjs|mjs|ts)$'],
    },
    to: {},
  },
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: '(^|/)node_modules/' },
    exclude: { path: '(^|/)(node_modules|cdk\\.out|\\.run|evidence|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
