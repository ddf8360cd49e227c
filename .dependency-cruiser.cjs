/**
 * The architecture, as rules (`npm run lint:deps`; part of `npm run lint`). docs/ARCHITECTURE.md explains it.
 *
 *   shared ← providers ← modules (a DAG, below) ← flows ← transports (HTTP · sockets · jobs) ← composition
 *
 * - A domain module is reached only through its `index.ts`; its `*.routes.ts` files are its HTTP adapter
 *   and only the route list (`src/routes.ts`) imports them.
 * - Modules import only the modules listed for them in MODULE_DEPS (checked to be acyclic below).
 * - The three transports never import each other; production code never imports dev or test code.
 * Database access outside repositories is checked by ESLint (eslint.config.mjs), which sees calls.
 */

/** Which modules each module may import (through their index.ts). The order is the layering. */
const MODULE_DEPS = {
  users: [],
  categories: [],
  audit: [],
  ledger: [],
  'safe-zones': ['audit'],
  notifications: ['users'],
  auth: ['users', 'audit', 'notifications'],
  transactions: ['users', 'ledger', 'audit'],
  chat: ['transactions', 'audit'],
  meetups: ['transactions', 'safe-zones'],
  handover: ['transactions', 'meetups'],
  ratings: ['transactions', 'users'],
  wallet: ['ledger', 'transactions'],
  escrow: ['transactions', 'ledger', 'wallet', 'users', 'audit'],
  disputes: ['transactions', 'handover', 'chat', 'audit'],
  auctions: ['transactions'],
  bidding: ['auctions', 'transactions', 'users'],
  listings: ['auctions', 'categories', 'users', 'safe-zones', 'transactions'],
  offers: ['auctions', 'listings', 'transactions', 'users'],
  webhooks: [],
  admin: ['audit', 'auth', 'disputes', 'transactions', 'users', 'listings', 'chat', 'categories', 'meetups'],
};

/** Fails at load time if MODULE_DEPS has a cycle or names an unknown module. */
function assertAcyclic(graph) {
  const state = {};
  const visit = (name, path) => {
    if (!(name in graph)) throw new Error(`.dependency-cruiser.cjs: unknown module "${name}" (${path.join(' → ')})`);
    if (state[name] === 'done') return;
    if (state[name] === 'open') throw new Error(`.dependency-cruiser.cjs: module cycle ${[...path, name].join(' → ')}`);
    state[name] = 'open';
    for (const dep of graph[name]) visit(dep, [...path, name]);
    state[name] = 'done';
  };
  for (const name of Object.keys(graph)) visit(name, []);
}
assertAcyclic(MODULE_DEPS);

const escapeRegex = (name) => name.replace(/[-/\\^$*+?.()|[\]{}]/g, '\\$&');
const TEST_ONLY = ['^test/', '\\.test\\.ts$', '\\.test-support\\.ts$', '^tools/', '^bench/'];
const TRANSPORT_HTTP = ['^src/http/', '^src/app\\.ts$', '^src/routes\\.ts$', '^src/server\\.ts$', '^src/main\\.ts$'];

const moduleRules = Object.entries(MODULE_DEPS).map(([name, deps]) => ({
  name: `module-deps/${name}`,
  comment: `${name} may import only: ${deps.length ? deps.join(', ') : 'no other module'} (MODULE_DEPS)`,
  severity: 'error',
  from: { path: `^src/modules/${escapeRegex(name)}/`, pathNot: TEST_ONLY },
  to: {
    path: '^src/modules/[^/]+/',
    pathNot: [`^src/modules/${escapeRegex(name)}/`, ...deps.map((d) => `^src/modules/${escapeRegex(d)}/index\\.ts$`)],
  },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Import cycles make load order fragile and hide a missing layer.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'module-public-surface',
      comment: "Another module's files are reached only through its index.ts.",
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/', pathNot: TEST_ONLY },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'outside-through-index',
      comment: 'Flows, transports and the composition root reach a module through its index.ts (route files: only the route list).',
      severity: 'error',
      from: { pathNot: ['^src/modules/', '^src/routes\\.ts$', ...TEST_ONLY] },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'routes-only-from-route-list',
      comment: "A module's HTTP adapter (*.routes.ts) is mounted by src/routes.ts and nothing else.",
      severity: 'error',
      from: { pathNot: ['^src/routes\\.ts$', '^src/modules/', ...TEST_ONLY] },
      to: { path: '\\.routes\\.ts$' },
    },
    ...moduleRules,
    {
      name: 'modules-stay-domain',
      comment: 'Domain code knows no flow, transport or composition root (route files are the HTTP adapter).',
      severity: 'error',
      from: { path: '^src/modules/', pathNot: ['\\.routes\\.ts$', ...TEST_ONLY] },
      to: { path: ['^src/flows/', ...TRANSPORT_HTTP, '^realtime/', '^workers/', '^src/composition\\.ts$', '^src/process\\.ts$', '^src/dev/'] },
    },
    {
      name: 'route-files-are-http',
      comment: 'Route files may use the HTTP helpers and flows, not the other transports or the composition root.',
      severity: 'error',
      from: { path: '\\.routes\\.ts$' },
      to: { path: ['^realtime/', '^workers/', '^src/composition\\.ts$', '^src/dev/'] },
    },
    {
      name: 'flows-below-transports',
      comment: 'Flows compose modules; they know no transport.',
      severity: 'error',
      from: { path: '^src/flows/', pathNot: TEST_ONLY },
      to: { path: [...TRANSPORT_HTTP, '^realtime/', '^workers/', '^src/composition\\.ts$', '^src/dev/', '\\.routes\\.ts$'] },
    },
    {
      name: 'shared-is-the-bottom',
      comment: 'shared/, config/ and providers/ are used by everything and use none of the layers above them.',
      severity: 'error',
      from: { path: ['^src/shared/', '^src/config/', '^src/providers/', '^db/schema\\.ts$'], pathNot: TEST_ONLY },
      to: { path: ['^src/modules/', '^src/flows/', ...TRANSPORT_HTTP, '^realtime/', '^workers/', '^src/composition\\.ts$', '^src/dev/'] },
    },
    {
      name: 'http-not-other-transports',
      comment: 'The HTTP transport does not import the socket or job transports.',
      severity: 'error',
      from: { path: TRANSPORT_HTTP },
      to: { path: ['^realtime/', '^workers/'] },
    },
    {
      name: 'sockets-not-other-transports',
      comment: 'The socket transport does not import the HTTP or job transports.',
      severity: 'error',
      from: { path: '^realtime/', pathNot: TEST_ONLY },
      to: { path: [...TRANSPORT_HTTP, '\\.routes\\.ts$', '^workers/'] },
    },
    {
      name: 'jobs-not-other-transports',
      comment: 'The job transport does not import the HTTP or socket transports.',
      severity: 'error',
      from: { path: '^workers/', pathNot: TEST_ONLY },
      to: { path: [...TRANSPORT_HTTP, '\\.routes\\.ts$', '^realtime/'] },
    },
    {
      name: 'production-not-dev-or-test',
      comment: 'What ships never imports development or test code (the build excludes it).',
      severity: 'error',
      from: { path: ['^src/', '^realtime/', '^workers/', '^db/', '^openapi/'], pathNot: ['^src/dev/', ...TEST_ONLY] },
      to: { path: ['^src/dev/', ...TEST_ONLY, 'reference-model\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^node_modules', '^dist/', '^console/', '^clients/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
