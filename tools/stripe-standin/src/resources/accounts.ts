import { NO_REQUEST, type ApiContext, type Engine, type RequestRef } from '../engine';
import { invalidRequest, noSuch, parameterMissing } from '../errors';
import type { ParamObject } from '../form';
import { newId, randomBase62 } from '../ids';
import { LIST_PARAMS, paginate } from '../list';
import type { AccountObj, CapabilityStatus } from '../objects';
import { createMetadata, mergeMetadata, ParamReader, readBoolean } from '../params';
import { route, type Route } from '../router';

const CREATE_PARAMS = [
  'type', 'country', 'email', 'capabilities', 'metadata', 'business_type', 'business_profile',
  'controller', 'default_currency', 'settings', 'tos_acceptance', 'individual', 'company',
] as const;
const UPDATE_PARAMS = ['email', 'metadata', 'business_profile', 'business_type', 'settings', 'capabilities'] as const;

/** Only the fields that change when an account is enabled or disabled. */
type EnablementFields = Pick<AccountObj, 'charges_enabled' | 'payouts_enabled' | 'details_submitted' | 'capabilities'>;

function requestedCapabilities(raw: ParamObject | undefined): string[] {
  if (!raw) return [];
  return Object.entries(raw)
    .filter(([name, value]) => {
      if (typeof value === 'string') throw invalidRequest(`Invalid hash: capabilities[${name}]`, { param: `capabilities[${name}]` });
      return readBoolean(value.requested, `capabilities[${name}][requested]`) === true;
    })
    .map(([name]) => name);
}

function enablement(names: string[], enabled: boolean): EnablementFields {
  const status: CapabilityStatus = enabled ? 'active' : 'inactive';
  return {
    capabilities: Object.fromEntries(names.map((name) => [name, status])),
    charges_enabled: enabled,
    payouts_enabled: enabled,
    details_submitted: enabled,
  };
}

function readAccountType(reader: ParamReader): AccountObj['type'] {
  const type = reader.enumValue('type', ['express', 'standard', 'custom'] as const);
  if (type) return type;
  // The newer `controller` form: an account whose dashboard is Express behaves as `express`.
  const controller = reader.object('controller');
  const dashboard = controller?.stripe_dashboard;
  if (typeof dashboard === 'object' && dashboard.type === 'express') return 'express';
  if (controller) return 'custom';
  return 'standard';
}

function createAccount(ctx: ApiContext, params: ParamObject): AccountObj {
  const reader = new ParamReader(params, CREATE_PARAMS);
  const type = readAccountType(reader);
  const requested = requestedCapabilities(reader.object('capabilities'));
  // Express accounts need `transfers` to receive payouts; assume it when none were requested.
  const names = requested.length > 0 ? requested : ['transfers'];
  const now = ctx.engine.now();
  const account: AccountObj = {
    id: newId('acct'),
    object: 'account',
    type,
    country: (reader.string('country') ?? 'CA').toUpperCase(),
    email: reader.string('email') ?? null,
    default_currency: reader.string('default_currency') ?? 'cad',
    business_type: reader.string('business_type') ?? null,
    created: now,
    livemode: false,
    metadata: createMetadata(reader.metadata()),
    requirements: { currently_due: [], eventually_due: [], past_due: [], pending_verification: [], disabled_reason: null, current_deadline: null, alternatives: null, errors: [] },
    external_accounts: { object: 'list', data: [], has_more: false, total_count: 0, url: '' },
    ...enablement(names, false),
  };
  account.external_accounts.url = `/v1/accounts/${account.id}/external_accounts`;
  ctx.engine.store.insert('account', account);
  if (ctx.engine.settings.autoEnableAccounts) setAccountEnabled(ctx.engine, account.id, true, ctx.request);
  return account;
}

/** Turns an account on or off (onboarding completed / requirements due) and sends `account.updated`. */
export function setAccountEnabled(engine: Engine, id: string, enabled: boolean, request: RequestRef = NO_REQUEST): AccountObj {
  const account = engine.store.get('account', id);
  if (!account) throw noSuch('account', id, 'account');
  const previous: EnablementFields = {
    capabilities: { ...account.capabilities },
    charges_enabled: account.charges_enabled,
    payouts_enabled: account.payouts_enabled,
    details_submitted: account.details_submitted,
  };
  Object.assign(account, enablement(Object.keys(account.capabilities), enabled));
  account.requirements.disabled_reason = enabled ? null : 'requirements.past_due';
  account.requirements.currently_due = enabled ? [] : ['external_account', 'tos_acceptance.date'];
  engine.emit('account.updated', account, request, previous);
  return account;
}

function requireAccount(engine: Engine, id: string): AccountObj {
  const account = engine.store.get('account', id);
  if (!account) throw noSuch('account', id, 'account');
  return account;
}

function updateAccount(ctx: ApiContext, id: string, params: ParamObject): AccountObj {
  const account = requireAccount(ctx.engine, id);
  const reader = new ParamReader(params, UPDATE_PARAMS);
  // Read (and so validate) every param before changing anything: a request is all or nothing.
  const email = reader.string('email');
  const metadata = reader.metadata();
  const previous = { email: account.email, metadata: { ...account.metadata } };
  account.email = email ?? account.email;
  account.metadata = mergeMetadata(account.metadata, metadata);
  ctx.engine.emit('account.updated', account, ctx.request, previous);
  return account;
}

function createAccountLink(ctx: ApiContext, params: ParamObject): unknown {
  const reader = new ParamReader(params, ['account', 'type', 'refresh_url', 'return_url', 'collect', 'collection_options']);
  const accountId = reader.requiredString('account');
  if (!ctx.engine.store.get('account', accountId)) throw noSuch('account', accountId, 'account', 400);
  const type = reader.enumValue('type', ['account_onboarding', 'account_update'] as const);
  if (!type) throw parameterMissing('type');
  const base = ctx.engine.settings.baseUrl();
  const refreshUrl = reader.string('refresh_url') ?? `${base}/_standin/health`;
  const returnUrl = reader.string('return_url') ?? `${base}/_standin/health`;
  const now = ctx.engine.now();
  const token = randomBase62(32);
  ctx.engine.store.accountLinks.set(token, { account: accountId, type, refreshUrl, returnUrl, expiresAt: now + 300 });
  return {
    object: 'account_link',
    created: now,
    expires_at: now + 300,
    url: `${base}/_standin/connect/${token}`,
  };
}

export const accountRoutes: Route[] = [
  route('POST', '/v1/accounts', (ctx, { params }) => createAccount(ctx, params)),
  route('GET', '/v1/accounts/:id', ({ engine }, { path, params }) => {
    new ParamReader(params, []);
    return requireAccount(engine, path.id);
  }),
  route('POST', '/v1/accounts/:id', (ctx, { path, params }) => updateAccount(ctx, path.id, params)),
  route('GET', '/v1/accounts', ({ engine }, { params }) => {
    const reader = new ParamReader(params, LIST_PARAMS);
    return paginate(engine.store, reader, engine.store.all('account'), '/v1/accounts');
  }),
  route('POST', '/v1/account_links', (ctx, { params }) => createAccountLink(ctx, params)),
];
