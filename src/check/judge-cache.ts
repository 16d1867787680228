/**
 * Judgements remembered by schedule, so a schedule the search meets again (a duplicate draw, a
 * shrink candidate it already ran) is not simulated twice. Batches go to the runner in one
 * piece (worker threads run them in parallel); a result enters the memory only when the
 * search consumes it, so what is remembered, and therefore every count the search reports,
 * is the same whatever ran speculatively on other threads.
 */
import { taskKey, type JudgeRunner, type JudgeTask, type Judgement } from './judge.js';

export class JudgeCache {
  private readonly known = new Map<string, Judgement>();

  constructor(
    private readonly runner: JudgeRunner,
    private readonly signal?: AbortSignal,
  ) {}

  /** Judgements of `tasks` in order: remembered ones at once, the others from the runner. */
  async judge(tasks: readonly JudgeTask[]): Promise<Judgement[]> {
    const keys = tasks.map(taskKey);
    // The first task of each key not yet known is run; its twins in the batch share the result.
    const firsts = new Map<string, number>();
    keys.forEach((key, i) => {
      if (!this.known.has(key) && !firsts.has(key)) firsts.set(key, i);
    });
    const fresh = firsts.size === 0 ? [] : await this.runner([...firsts.values()].map((i) => tasks[i]!), this.signal);
    const byKey = new Map([...firsts.keys()].map((key, j) => [key, fresh[j]!]));
    return keys.map((key) => this.known.get(key) ?? byKey.get(key)!);
  }

  /** Remembers a consumed result. */
  remember(task: JudgeTask, judgement: Judgement): void {
    this.known.set(taskKey(task), judgement);
  }

  /** Distinct schedules (with their replication) the search consumed. */
  get size(): number {
    return this.known.size;
  }
}
