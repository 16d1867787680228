import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_ENVOY_RETRY_BUDGET_CONFIG,
  DEFAULT_LINKERD_RETRY_BUDGET_CONFIG,
  EnvoyRetryBudget,
  LinkerdRetryBudget,
  resolveEnvoyRetryBudgetConfig,
  resolveLinkerdRetryBudgetConfig,
  type LinkerdRetryBudgetConfig,
} from '../../src/recovery/retry-budget.js';

describe('Envoy retry circuit breaker and budget', () => {
  it('defaults to the max_retries circuit breaker (3) without a budget, and fills a budget with 20 % and 3', () => {
    expect(resolveEnvoyRetryBudgetConfig()).toEqual({ maxRetries: 3, budget: null });
    expect(DEFAULT_ENVOY_RETRY_BUDGET_CONFIG.budget).toBeNull();
    expect(resolveEnvoyRetryBudgetConfig({ budget: {} })).toEqual({ maxRetries: 3, budget: { budgetPercent: 20, minRetryConcurrency: 3 } });
    expect(resolveEnvoyRetryBudgetConfig({ budget: { budgetPercent: 50 } }).budget).toEqual({ budgetPercent: 50, minRetryConcurrency: 3 });
  });

  it.each([[{ maxRetries: -1 }], [{ budget: { budgetPercent: 101 } }], [{ budget: { minRetryConcurrency: 1.5 } }]])('rejects %o', (partial) => {
    expect(() => resolveEnvoyRetryBudgetConfig(partial)).toThrow(RangeError);
  });

  it('allows max(min concurrency, ⌊percent · (active + pending)⌋): 5 of 25 active, still 3 of 2 (PR #9069)', () => {
    const budget = new EnvoyRetryBudget(resolveEnvoyRetryBudgetConfig({ budget: {} }));
    expect(budget.limit(25, 0)).toBe(5);
    expect(budget.limit(2, 0)).toBe(3);
    expect(budget.limit(20, 9)).toBe(5); // ⌊5.8⌋
    expect(budget.limit(0, 0)).toBe(3);
  });

  it('admits retries while below the limit, counts refusals, and frees slots on release', () => {
    const budget = new EnvoyRetryBudget(resolveEnvoyRetryBudgetConfig({ budget: {} }));
    for (let i = 0; i < 5; i++) expect(budget.tryAcquire(25, 0)).toBe(true);
    expect(budget.tryAcquire(25, 0)).toBe(false);
    expect(budget.tryAcquire(10, 0)).toBe(false); // the budget shrank as requests became retries
    expect(budget).toMatchObject({ active: 5, admitted: 5, overflows: 2 });
    budget.release();
    budget.release();
    expect(budget.tryAcquire(10, 0)).toBe(false); // 3 in progress, limit 3
    budget.release();
    expect(budget.tryAcquire(10, 0)).toBe(true);
  });

  it('uses max_retries when no budget is configured, whatever the load', () => {
    const breaker = new EnvoyRetryBudget(resolveEnvoyRetryBudgetConfig({ maxRetries: 2 }));
    expect(breaker.limit(1_000, 1_000)).toBe(2);
    expect([breaker.tryAcquire(1_000, 0), breaker.tryAcquire(1_000, 0), breaker.tryAcquire(1_000, 0)]).toEqual([true, true, false]);
  });

  it('refuses a release without a retry in progress', () => {
    expect(() => new EnvoyRetryBudget(resolveEnvoyRetryBudgetConfig()).release()).toThrow(/release without a retry/);
  });

  it('(c)11 concurrent retries never exceed the limit at the moment each retry is admitted (property)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('acquire' as const), active: fc.integer({ min: 0, max: 200 }), pending: fc.integer({ min: 0, max: 50 }) }),
      fc.record({ kind: fc.constant('release' as const) }),
    );
    fc.assert(
      fc.property(
        fc.option(fc.record({ budgetPercent: fc.integer({ min: 0, max: 100 }), minRetryConcurrency: fc.integer({ min: 0, max: 10 }) }), { nil: null }),
        fc.integer({ min: 0, max: 10 }),
        fc.array(op, { maxLength: 200 }),
        (settings, maxRetries, ops) => {
          const budget = new EnvoyRetryBudget(resolveEnvoyRetryBudgetConfig({ maxRetries, budget: settings }));
          let refused = 0;
          for (const o of ops) {
            if (o.kind === 'release') {
              if (budget.active > 0) budget.release();
              continue;
            }
            const before = budget.active;
            if (budget.tryAcquire(o.active, o.pending)) {
              expect(budget.active).toBe(before + 1);
              expect(budget.active).toBeLessThanOrEqual(budget.limit(o.active, o.pending));
            } else {
              refused++;
              expect(before).toBeGreaterThanOrEqual(budget.limit(o.active, o.pending));
            }
          }
          expect(budget.overflows).toBe(refused);
        },
      ),
    );
  });
});

function linkerd(partial: Partial<LinkerdRetryBudgetConfig>, now = 0): LinkerdRetryBudget {
  return new LinkerdRetryBudget(resolveLinkerdRetryBudgetConfig(partial), now);
}

describe('Linkerd retry budget (tower TpsBudget)', () => {
  it('defaults to retryRatio 0.2, minRetriesPerSecond 10, ttl 10 s: withdrawals cost 5 tokens, the reserve is 500', () => {
    expect(resolveLinkerdRetryBudgetConfig()).toEqual({ retryRatio: 0.2, minRetriesPerSecond: 10, ttl: 10_000 });
    expect(DEFAULT_LINKERD_RETRY_BUDGET_CONFIG.ttl).toBe(10_000);
    const budget = linkerd({});
    expect([budget.depositAmount, budget.withdrawAmount, budget.reserve]).toEqual([1, 5, 500]);
  });

  it('computes the token amounts in f32 and truncates, as Rust does', () => {
    expect(linkerd({ retryRatio: 0.3 }).withdrawAmount).toBe(3); // 1/0.3 = 3.33…
    expect(linkerd({ retryRatio: 0 })).toMatchObject({ depositAmount: 0, withdrawAmount: 1 });
    expect(linkerd({ retryRatio: 2 })).toMatchObject({ depositAmount: 1000, withdrawAmount: 500 });
    expect(linkerd({ ttl: 2_500, minRetriesPerSecond: 4, retryRatio: 1 }).reserve).toBe(8); // ⌊2.5 s⌋ = 2
  });

  it.each([[{ ttl: 999 }], [{ ttl: 60_001 }], [{ retryRatio: -0.1 }], [{ retryRatio: 1_001 }], [{ minRetriesPerSecond: 1.5 }]])(
    "rejects %o with tower's assertions",
    (partial) => {
      expect(() => resolveLinkerdRetryBudgetConfig(partial)).toThrow(RangeError);
    },
  );

  it('tps_empty: nothing to withdraw without deposits or reserve', () => {
    expect(linkerd({ ttl: 1_000, minRetriesPerSecond: 0, retryRatio: 1 }).tryWithdraw(0)).toBe(false);
  });

  it('tps_leaky: a deposit expires after the ttl', () => {
    const budget = linkerd({ ttl: 1_000, minRetriesPerSecond: 0, retryRatio: 1 });
    budget.deposit(0);
    expect(budget.tryWithdraw(3_000)).toBe(false);
    expect(budget.refusals).toBe(1);
  });

  it('tps_slots: deposits count per slot of ttl/10 and expire slot by slot', () => {
    const budget = linkerd({ ttl: 1_000, minRetriesPerSecond: 0, retryRatio: 0.5 });
    let t = 0;
    budget.deposit(t);
    budget.deposit(t);
    t += 901;
    expect(budget.tryWithdraw(t)).toBe(true); // 900 ms later the deposits still count
    t += 2_001; // blank slate
    budget.deposit(t);
    t += 301;
    budget.deposit(t);
    t += 801;
    budget.deposit(t);
    expect(budget.tryWithdraw(t)).toBe(true); // the first has expired; the second and third remain
    expect(budget.tryWithdraw(t)).toBe(false);
  });

  it('tps_reserve: minRetriesPerSecond · ttl retries are always allowed', () => {
    const budget = linkerd({ ttl: 1_000, minRetriesPerSecond: 5, retryRatio: 1 });
    expect(Array.from({ length: 6 }, () => budget.tryWithdraw(0))).toEqual([true, true, true, true, true, false]);
  });

  it('allows 1 retry per 5 requests with the defaults once the reserve is spent', () => {
    const budget = linkerd({});
    let admitted = 0;
    for (let i = 0; i < 600; i++) admitted += budget.tryWithdraw(0) ? 1 : 0;
    expect(admitted).toBe(100); // the reserve: 10/s over 10 s
    for (let i = 0; i < 50; i++) budget.deposit(1);
    let more = 0;
    for (let i = 0; i < 50; i++) more += budget.tryWithdraw(1) ? 1 : 0;
    expect(more).toBe(10);
  });

  it('refuses time going backwards', () => {
    const budget = linkerd({}, 100);
    expect(() => budget.deposit(50)).toThrow(/time went backwards/);
  });

  it('(c)19 retries in the last 0.9·ttl stay within ratio · requests of the last 2·ttl + minRetriesPerSecond · ttl (property)', () => {
    const op = fc.record({ dt: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 3_000 })), retry: fc.boolean() });
    fc.assert(
      fc.property(
        fc.record({
          retryRatio: fc.constantFrom(0, 0.1, 0.2, 0.5, 1, 3),
          minRetriesPerSecond: fc.integer({ min: 0, max: 5 }),
          ttl: fc.integer({ min: 1_000, max: 20_000 }),
        }),
        fc.array(op, { minLength: 1, maxLength: 400 }),
        (config, ops) => {
          const budget = linkerd(config);
          const window = config.ttl / 10;
          const deposits: number[] = [];
          const retries: number[] = [];
          let t = 0;
          for (const o of ops) {
            t += o.dt;
            if (!o.retry) {
              budget.deposit(t);
              deposits.push(t);
              continue;
            }
            if (!budget.tryWithdraw(t)) continue;
            retries.push(t);
            const recentRetries = retries.filter((x) => x > t - (config.ttl - window)).length;
            const requests = deposits.filter((x) => x > t - 2 * config.ttl).length;
            expect(recentRetries * budget.withdrawAmount).toBeLessThanOrEqual(requests * budget.depositAmount + budget.reserve);
          }
          expect(budget.withdrawals).toBe(retries.length);
          expect(budget.deposits).toBe(deposits.length);
        },
      ),
    );
  });
});
