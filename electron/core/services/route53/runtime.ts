/**
 * Route 53's per-cloud state: the health checker. Every endpoint health check runs a round
 * every RequestInterval seconds of simulated time (one clock timer per check); in a round each
 * of its checkers probes the endpoint (health-checker.ts), changes its view after
 * FailureThreshold consecutive results the other way, and the check's status follows
 * health-status.ts. Rounds are queued per check and stamped with the simulated instant they
 * were due, so a jump of the clock runs every round it passes, in order.
 *
 * The checkers' latest observations are rows of `r53_health_observations` (a short history is
 * kept for the console's chart); the checkers' views come back from them after a restart.
 * `route53.health.changed` is published when a check's status flips.
 */
import type * as R53 from '@aws-sdk/client-route-53';
import type { Cloud } from '../../cloud';
import type { ServiceRuntime } from '../../service';
import { probeRound, type CheckerResult } from './health-checker';
import { checkersFor, endpointHealthy } from './health-status';

/** Rounds of observations kept per checker (the status history). */
export const KEPT_ROUNDS = 20;

interface CheckerView {
  healthy: boolean;
  /** Consecutive results that disagree with `healthy`. */
  run: number;
}

interface CheckState {
  id: string;
  account: string;
  config: R53.HealthCheckConfig;
  views: Map<string, CheckerView>;
  timer: number | null;
  chain: Promise<void>;
}

export interface HealthChange {
  healthCheckId: string;
  healthy: boolean;
}

/** Checker key in the observations table: `REGION/IP`. */
export const checkerKey = (c: { region: string; ip: string }) => `${c.region}/${c.ip}`;

export class Route53Runtime implements ServiceRuntime {
  private readonly checks = new Map<string, CheckState>();
  /** Last published status per check, to publish flips only. */
  private readonly published = new Map<string, boolean>();
  private closed = false;

  constructor(readonly cloud: Cloud) {
    const rows = cloud.store.all<{ id: string; account_id: string; config: string }>(
      'SELECT id, account_id, config FROM r53_health_checks WHERE version > 0',
    );
    for (const row of rows) {
      const state = this.track(row.id, row.account_id, JSON.parse(row.config) as R53.HealthCheckConfig);
      for (const o of cloud.store.all<{ checker: string; healthy: number }>(
        `SELECT checker, healthy FROM r53_health_observations o WHERE health_check_id = ?
           AND at = (SELECT MAX(at) FROM r53_health_observations
                     WHERE health_check_id = o.health_check_id AND checker = o.checker)`,
        [row.id],
      ))
        state.views.set(o.checker, { healthy: o.healthy === 1, run: 0 });
    }
    for (const state of this.checks.values()) this.published.set(state.id, this.isHealthy(state.id));
  }

  // ---- what the operations tell it -------------------------------------------------------------

  /** A check was created: start its checkers. */
  added(id: string, account: string, config: R53.HealthCheckConfig): void {
    this.track(id, account, config);
    this.published.set(id, this.isHealthy(id));
  }

  /** A check's configuration changed: the checkers keep their views, the schedule follows. */
  updated(id: string, config: R53.HealthCheckConfig): void {
    const state = this.checks.get(id);
    if (!state) return;
    state.config = config;
    this.schedule(state, 0);
    this.publishChanges();
  }

  /** A check was deleted: stop its checkers. */
  removed(id: string): void {
    const state = this.checks.get(id);
    if (!state) return;
    if (state.timer !== null) this.cloud.clock.clearTimeout(state.timer);
    this.checks.delete(id);
    this.published.delete(id);
    this.publishChanges();
  }

  // ---- status ----------------------------------------------------------------------------------

  /** The status DNS answers use (see health-status.ts). Unknown checks count as healthy. */
  isHealthy(id: string, seen: Set<string> = new Set()): boolean {
    const state = this.checks.get(id);
    if (!state || seen.has(id)) return true;
    const { config } = state;
    let healthy: boolean;
    if (config.Disabled) healthy = true;
    else if (config.Type === 'CALCULATED') {
      seen.add(id);
      const children = config.ChildHealthChecks ?? [];
      const up = children.filter((child) => this.isHealthy(child, seen)).length;
      seen.delete(id);
      healthy = up >= (config.HealthThreshold ?? children.length);
    } else if (config.Type === 'CLOUDWATCH_METRIC' || config.Type === 'RECOVERY_CONTROL') healthy = true;
    else
      healthy = endpointHealthy(
        checkersFor(config).map((c) => state.views.get(checkerKey(c))?.healthy ?? true),
      );
    return config.Inverted ? !healthy : healthy;
  }

  /** Each checker's current view of an endpoint check (for the console). */
  checkerViews(id: string): Array<{ checker: string; healthy: boolean }> {
    const state = this.checks.get(id);
    if (!state) return [];
    return checkersFor(state.config).map((c) => ({
      checker: checkerKey(c),
      healthy: state.views.get(checkerKey(c))?.healthy ?? true,
    }));
  }

  /** Wait until every round that is due has run (tests, shutdown). */
  async settled(): Promise<void> {
    for (;;) {
      const chains = [...this.checks.values()].map((s) => s.chain);
      await Promise.all(chains);
      if ([...this.checks.values()].every((s, k) => s.chain === chains[k])) return;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const state of this.checks.values())
      if (state.timer !== null) this.cloud.clock.clearTimeout(state.timer);
    await this.settled().catch(() => undefined);
  }

  // ---- the checker -----------------------------------------------------------------------------

  private track(id: string, account: string, config: R53.HealthCheckConfig): CheckState {
    const state: CheckState = {
      id,
      account,
      config,
      views: new Map(),
      timer: null,
      chain: Promise.resolve(),
    };
    this.checks.set(id, state);
    this.schedule(state, 0);
    return state;
  }

  private probes(config: R53.HealthCheckConfig): boolean {
    return (
      !config.Disabled &&
      !!config.Type &&
      !['CALCULATED', 'CLOUDWATCH_METRIC', 'RECOVERY_CONTROL'].includes(config.Type)
    );
  }

  private schedule(state: CheckState, delayMs: number): void {
    if (state.timer !== null) this.cloud.clock.clearTimeout(state.timer);
    state.timer = null;
    if (this.closed || !this.probes(state.config)) return;
    state.timer = this.cloud.clock.setTimeout(() => this.due(state), delayMs);
  }

  /** A round falls due: queue it, and arm the next one on the same grid. */
  private due(state: CheckState): void {
    if (this.checks.get(state.id) !== state || this.closed) return;
    const at = this.cloud.clock.now();
    state.timer = this.cloud.clock.setTimeout(
      () => this.due(state),
      (state.config.RequestInterval ?? 30) * 1000,
    );
    state.chain = state.chain
      .then(() => this.round(state, at))
      .catch((e: unknown) =>
        this.cloud.events.publish({
          topic: 'route53.health.error',
          at: this.cloud.clock.now(),
          data: String(e),
        }),
      );
  }

  private async round(state: CheckState, at: number): Promise<void> {
    if (this.closed || this.checks.get(state.id) !== state || !this.probes(state.config)) return;
    const config = state.config;
    const results = await probeRound(this.cloud, state.id, config, checkersFor(config));
    if (this.closed || this.checks.get(state.id) !== state) return;
    const threshold = config.FailureThreshold ?? 3;
    for (const r of results) {
      const key = checkerKey(r.checker);
      const view = state.views.get(key) ?? { healthy: true, run: 0 };
      if (r.healthy === view.healthy) view.run = 0;
      else if (++view.run >= threshold) {
        view.healthy = r.healthy;
        view.run = 0;
      }
      state.views.set(key, view);
    }
    await this.record(state, at, results);
    this.publishChanges();
  }

  private async record(state: CheckState, at: number, results: CheckerResult[]): Promise<void> {
    const keepFrom = at - KEPT_ROUNDS * (state.config.RequestInterval ?? 30) * 1000;
    await this.cloud.store.write((tx) => {
      // A check deleted while its round ran leaves no rows behind.
      if (!tx.get('SELECT 1 AS one FROM r53_health_checks WHERE id = ? AND version > 0', [state.id])) return;
      for (const r of results) {
        const key = checkerKey(r.checker);
        tx.run(
          `INSERT OR REPLACE INTO r53_health_observations (health_check_id, checker, at, healthy, report)
           VALUES (?, ?, ?, ?, ?)`,
          [state.id, key, at, state.views.get(key)!.healthy ? 1 : 0, r.report],
        );
      }
      tx.run('DELETE FROM r53_health_observations WHERE health_check_id = ? AND at < ?', [
        state.id,
        keepFrom,
      ]);
    });
  }

  /** Publish every check whose status differs from what was last published. */
  private publishChanges(): void {
    for (const state of this.checks.values()) {
      const healthy = this.isHealthy(state.id);
      if (this.published.get(state.id) === healthy) continue;
      this.published.set(state.id, healthy);
      this.cloud.events.publish({
        topic: 'route53.health.changed',
        account: state.account,
        at: this.cloud.clock.now(),
        data: { healthCheckId: state.id, healthy } satisfies HealthChange,
      });
    }
  }
}
