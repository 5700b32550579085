/**
 * Sign-in state and subscription choice for one environment + credential source. Models hold data and
 * fire events; they show no UI: choices the user must make (tenants) come in through `chooseTenants`.
 */
import type { ArmContext } from '../arm/pipeline';
import { listSubscriptions, listTenants } from '../arm/subscriptions';
import type { SubscriptionInfo, TenantInfo } from '../arm/types';
import { toUserError } from '../arm/errors';
import { Emitter } from '../util/emitter';
import type { Logger } from '../util/logger';
import type { CredentialSource, SignedInAccount } from './types';
import { SIGNED_IN_KEY } from './signInMemory';

/** globalState in the glue; a Map in tests. */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export type AccountState =
  { kind: 'signedOut' } | { kind: 'signingIn' } | { kind: 'signedIn'; account: SignedInAccount; tenants: string[] };

const TENANTS_KEY = 'synapseSpark.tenants';
const SELECTION_KEY = 'synapseSpark.selectedSubscriptions';

export class AccountManager {
  private stateValue: AccountState = { kind: 'signedOut' };
  private subscriptionsPromise: Promise<SubscriptionInfo[]> | undefined;
  private readonly changed = new Emitter<AccountState>();
  readonly onDidChange = this.changed.event;

  constructor(
    readonly source: CredentialSource,
    readonly arm: ArmContext,
    private readonly store: KeyValueStore,
    private readonly log: Logger,
    private readonly chooseTenants: (tenants: TenantInfo[]) => Promise<TenantInfo[] | undefined> = async (t) => t,
  ) {}

  get state(): AccountState {
    return this.stateValue;
  }

  get signedIn(): boolean {
    return this.stateValue.kind === 'signedIn';
  }

  /** Whether the user was signed in with this source and environment last time (restore silently then). */
  get wasSignedIn(): boolean {
    return this.store.get<string>(SIGNED_IN_KEY) === this.storeKey();
  }

  async signIn(options: { interactive: boolean; signal?: AbortSignal }): Promise<boolean> {
    const previous = this.stateValue;
    this.set({ kind: 'signingIn' });
    try {
      const account = await this.source.signIn(options);
      if (!account) {
        this.set(previous.kind === 'signingIn' ? { kind: 'signedOut' } : previous);
        return false;
      }
      const tenants = await this.resolveTenants(account, options);
      this.subscriptionsPromise = undefined;
      await this.store.update(SIGNED_IN_KEY, this.storeKey());
      this.set({ kind: 'signedIn', account, tenants });
      this.log.info(
        `Signed in to ${this.arm.environment.displayName} as ${account.label} (${this.source.displayName}; tenants ${tenants.join(', ') || 'default'}).`,
      );
      return true;
    } catch (e) {
      this.set({ kind: 'signedOut' });
      throw e;
    }
  }

  async signOut(): Promise<void> {
    await this.source.signOut();
    await this.store.update(SIGNED_IN_KEY, undefined);
    this.subscriptionsPromise = undefined;
    this.set({ kind: 'signedOut' });
    this.log.info('Signed out.');
  }

  /** Every subscription the account sees across its chosen tenants (cached until `refresh`). */
  allSubscriptions(signal?: AbortSignal): Promise<SubscriptionInfo[]> {
    const state = this.stateValue;
    if (state.kind !== 'signedIn') return Promise.resolve([]);
    if (!this.subscriptionsPromise) {
      const tenants = state.tenants.length ? state.tenants : [undefined];
      const p = Promise.all(tenants.map((t) => listSubscriptions(this.arm, t, signal)))
        .then((lists) => {
          const seen = new Map<string, SubscriptionInfo>();
          for (const s of lists.flat()) if (!seen.has(s.subscriptionId)) seen.set(s.subscriptionId, s);
          return [...seen.values()].sort((a, b) => a.displayName.localeCompare(b.displayName));
        })
        .catch((e) => {
          throw toUserError(e, {
            what: 'list your subscriptions',
            permission: 'Microsoft.Resources/subscriptions/read',
            on: 'your account',
            docs: 'https://learn.microsoft.com/azure/role-based-access-control/troubleshooting',
          });
        });
      p.catch(() => {
        if (this.subscriptionsPromise === p) this.subscriptionsPromise = undefined;
      });
      this.subscriptionsPromise = p;
    }
    return this.subscriptionsPromise;
  }

  /** The subscriptions the tree and the catalog show: the saved choice, or all when none was made. */
  async selectedSubscriptions(signal?: AbortSignal): Promise<SubscriptionInfo[]> {
    const all = await this.allSubscriptions(signal);
    const chosen = this.selection();
    return chosen ? all.filter((s) => chosen.includes(s.subscriptionId)) : all;
  }

  /** Saved subscription ids, or undefined for "all". */
  selection(): string[] | undefined {
    return this.store.get<Record<string, string[]>>(SELECTION_KEY)?.[this.storeKey()];
  }

  async setSelection(ids: string[] | undefined): Promise<void> {
    const all = { ...(this.store.get<Record<string, string[]>>(SELECTION_KEY) ?? {}) };
    if (ids) all[this.storeKey()] = ids;
    else delete all[this.storeKey()];
    await this.store.update(SELECTION_KEY, all);
    this.changed.fire(this.stateValue);
  }

  /** Forgets cached subscriptions (a Refresh of the whole tree). */
  refresh(): void {
    this.subscriptionsPromise = undefined;
  }

  dispose(): void {
    this.changed.dispose();
  }

  private async resolveTenants(account: SignedInAccount, options: { interactive: boolean; signal?: AbortSignal }): Promise<string[]> {
    if (!account.multiTenant) return account.homeTenantId ? [account.homeTenantId] : [];
    const saved = this.store.get<Record<string, string[]>>(TENANTS_KEY)?.[this.storeKey()];
    if (saved?.length && !options.interactive) return saved;
    let tenants: TenantInfo[] = [];
    try {
      tenants = await listTenants(this.arm, options.signal);
    } catch (e) {
      this.log.warn(`Could not list tenants; using the home tenant: ${(e as Error).message}`);
    }
    if (tenants.length <= 1)
      return tenants.map((t) => t.tenantId).concat(tenants.length ? [] : account.homeTenantId ? [account.homeTenantId] : []);
    const chosen = options.interactive ? await this.chooseTenants(tenants) : tenants.filter((t) => saved?.includes(t.tenantId));
    const ids = (chosen?.length ? chosen : tenants).map((t) => t.tenantId);
    await this.store.update(TENANTS_KEY, { ...(this.store.get<Record<string, string[]>>(TENANTS_KEY) ?? {}), [this.storeKey()]: ids });
    return ids;
  }

  private storeKey(): string {
    return `${this.arm.environment.name}:${this.arm.environment.resourceManagerEndpoint}:${this.source.kind}`;
  }

  private set(state: AccountState): void {
    this.stateValue = state;
    this.changed.fire(state);
  }
}
