import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// The Node globals our few plain-JS files use (config files and scripts).
const nodeGlobals = {
  console: 'readonly',
  process: 'readonly',
  Buffer: 'readonly',
  URL: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
};
/**
 * Which tables each module writes (its repositories are the only code that runs queries at all). Two
 * tables have two writers, by design: `listings` (the listings module writes the catalogue columns, the
 * auctions module the auction columns and status after publish, under the row lock) and `transactions`
 * (the transactions module owns the sale and its state table; escrow writes the money columns and the
 * money moves of that state table). See docs/ARCHITECTURE.md.
 *
 * Platform tables written from src/shared, so in no module's row: `outbox` and `money_intents`. The
 * escrow module owns `money_intents` (its intent runner, sweep and staff money-jobs routes read and
 * update it), but its one repository is src/shared/money-intents.repository.ts because `writeOutbox`
 * records the intent of every money job in the deciding module's own transaction (docs/RELIABILITY.md).
 */
const TABLE_OWNERS = {
  users: ['users', 'nonPaymentStrikes', 'follows'],
  categories: ['categories'],
  audit: ['auditLog'],
  ledger: ['ledgerAccounts', 'ledgerEntries'],
  'safe-zones': ['safeZones'],
  notifications: ['notifications', 'devices', 'notificationPreferences', 'notificationDeliveries', 'smsOptOuts'],
  auth: ['phoneOtps', 'refreshTokens'],
  transactions: ['transactions', 'transactionEvents'],
  chat: ['messages', 'messageReads'],
  meetups: ['meetups'],
  handover: ['pickupTokens'],
  ratings: ['ratings'],
  wallet: ['sellerAccounts'],
  escrow: ['transactions'],
  disputes: ['disputes'],
  auctions: ['listings', 'listingEvents'],
  bidding: ['bids', 'bidRequests', 'listingBidders', 'undecidedBids'],
  listings: ['listings', 'listingImages', 'watches'],
  offers: ['secondChanceOffers'],
  webhooks: ['stripeEvents'],
  admin: [],
};

const QUERY_METHODS = 'selectFrom|selectNoFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto';
const queriesOnlyInRepositories = [
  { selector: `CallExpression[callee.property.name=/^(${QUERY_METHODS})$/]`, message: 'Queries live in *.repository.ts files (docs/ARCHITECTURE.md: one module shape).' },
  { selector: "TaggedTemplateExpression[tag.name='sql']", message: 'SQL lives in *.repository.ts files.' },
  { selector: "ImportDeclaration[source.value='kysely'][importKind!='type'] > ImportSpecifier[imported.name='sql'][importKind!='type']", message: 'SQL lives in *.repository.ts files.' },
];
const writesOnlyOwnTables = (tables) => [
  {
    selector: `CallExpression[callee.property.name=/^(insertInto|updateTable|deleteFrom|mergeInto)$/][arguments.0.value=/^(?!(${tables.join('|') || '-'})( |$))/]`,
    message: `This module writes only its own tables (${tables.join(', ') || 'none'}); ask the owning module through its index.ts.`,
  },
];

const commonJsGlobals = { module: 'writable', exports: 'writable', require: 'readonly', __dirname: 'readonly', __filename: 'readonly' };

export default defineConfig([
  globalIgnores(['dist/', 'node_modules/', 'coverage/', '.data/', 'console/dist/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // `_name` marks a deliberately unused parameter, binding or rest-sibling.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'realtime/**/*.ts', 'workers/**/*.ts'],
    ignores: ['**/*.repository.ts', '**/*.test.ts', '**/*.test-support.ts', 'src/dev/**'],
    rules: { 'no-restricted-syntax': ['error', ...queriesOnlyInRepositories] },
  },
  ...Object.entries(TABLE_OWNERS).map(([module, tables]) => ({
    files: [`src/modules/${module}/**/*.repository.ts`],
    rules: { 'no-restricted-syntax': ['error', ...writesOnlyOwnTables(tables)] },
  })),
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module', globals: nodeGlobals } },
  { files: ['**/*.{js,cjs}'], languageOptions: { sourceType: 'commonjs', globals: { ...nodeGlobals, ...commonJsGlobals } } },
]);
