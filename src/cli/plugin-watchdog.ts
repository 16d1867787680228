/**
 * The watchdog over plug-in code in worker threads. A synchronous infinite loop in a plug-in's
 * pick() cannot be interrupted on the thread that runs it, so plug-in simulations run on worker
 * threads (src/cli/worker-pool.ts), and this module watches them from the main thread:
 *
 * - Each worker claims a slot of a SharedArrayBuffer and, through the PluginCallWatch it gives
 *   loadBalancerPlugins, stores there which module it is in, doing what, for which task, and a
 *   count of calls made (plain Int32Array stores: a pick costs two of them).
 * - The main thread polls every slot a few times a second. A slot that shows the same call in
 *   progress (same count, still inside the module) for longer than the timeout is a stall: the
 *   pool aborts that task, which terminates the worker (V8 stops even a tight loop), and the
 *   run ends with a message naming the module and the method.
 *
 * Time inside meshsim's own code is never counted: only a single plug-in call that does not
 * return, so a long simulation is not mistaken for a hung one.
 */
import { performance } from 'node:perf_hooks';
import { PLUGIN_ACTIVITIES, type PluginActivity, type PluginCallWatch } from '../plugins/call-watch.js';

/** Per slot: activity (1-based, 0 = in meshsim), calls made, module (1-based), task id. */
const FIELDS = 4;
const ACTIVITY = 0;
const CALLS = 1;
const MODULE = 2;
const TASK = 3;

/** Shared memory for `slots` workers; the first Int32 is the slot allocator. */
export function createWatchMemory(slots: number): SharedArrayBuffer {
  return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * (1 + slots * FIELDS));
}

/** The worker side: claims a slot (none when all are taken: then this worker is not watched). */
export function claimWatchSlot(memory: SharedArrayBuffer, modules: readonly string[]): { watch: PluginCallWatch; setTask(id: number): void } | undefined {
  const words = new Int32Array(memory);
  const slots = (words.length - 1) / FIELDS;
  const slot = Atomics.add(words, 0, 1);
  if (slot >= slots) return undefined;
  const base = 1 + slot * FIELDS;
  const moduleIndex = new Map(modules.map((path, i) => [path, i + 1]));
  return {
    watch: {
      begin(path: string, activity: PluginActivity) {
        words[base + MODULE] = moduleIndex.get(path) ?? 0;
        words[base + CALLS]! += 1;
        words[base + ACTIVITY] = PLUGIN_ACTIVITIES.indexOf(activity) + 1;
      },
      end() {
        words[base + ACTIVITY] = 0;
      },
    },
    setTask(id: number) {
      words[base + TASK] = id;
    },
  };
}

/** A plug-in call that has not returned within the timeout. */
export interface Stall {
  readonly task: number;
  /** Index into the modules list, or -1 when unknown. */
  readonly module: number;
  readonly activity: PluginActivity;
}

/** What a slot shows right now about `task`: the call in progress, if any. */
export function activityOfTask(memory: SharedArrayBuffer, task: number): Stall | undefined {
  const words = new Int32Array(memory);
  for (let base = 1; base < words.length; base += FIELDS) {
    if (words[base + TASK] === task && words[base + ACTIVITY]! > 0) return stallAt(words, base);
  }
  return undefined;
}

function stallAt(words: Int32Array, base: number): Stall {
  return {
    task: words[base + TASK]!,
    module: words[base + MODULE]! - 1,
    activity: PLUGIN_ACTIVITIES[words[base + ACTIVITY]! - 1]!,
  };
}

/** Polls the slots; calls `onStall` once per stalled call. Stop it when the pool closes. */
export function startWatchdog(memory: SharedArrayBuffer, timeoutMs: number, onStall: (stall: Stall) => void): { stop(): void } {
  const words = new Int32Array(memory);
  const slots = (words.length - 1) / FIELDS;
  // Per slot: the call count last seen and since when it has been in progress.
  const seenCalls = new Int32Array(slots).fill(-1);
  const since = new Float64Array(slots);
  const reported = new Uint8Array(slots);
  const poll = () => {
    const now = performance.now();
    for (let slot = 0; slot < slots; slot++) {
      const base = 1 + slot * FIELDS;
      const calls = words[base + CALLS]!;
      if (words[base + ACTIVITY] === 0 || calls !== seenCalls[slot]) {
        seenCalls[slot] = words[base + ACTIVITY] === 0 ? -1 : calls;
        since[slot] = now;
        reported[slot] = 0;
      } else if (reported[slot] === 0 && now - since[slot]! > timeoutMs) {
        reported[slot] = 1;
        onStall(stallAt(words, base));
      }
    }
  };
  const timer = setInterval(poll, Math.max(20, Math.min(250, timeoutMs / 8)));
  // The watchdog never keeps the process alive by itself.
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
