import { describe, expect, it } from 'vitest';
import { activityOfTask, claimWatchSlot, createWatchMemory, startWatchdog, type Stall } from '../../src/cli/plugin-watchdog.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('plug-in watchdog', () => {
  it('reports a call that stays in progress past the timeout, once, naming module, activity and task', async () => {
    const memory = createWatchMemory(2);
    const slot = claimWatchSlot(memory, ['/a.js', '/b.js'])!;
    const stalls: Stall[] = [];
    const dog = startWatchdog(memory, 100, (s) => stalls.push(s));
    slot.setTask(7);
    slot.watch.begin('/b.js', 'pick()');
    expect(activityOfTask(memory, 7)).toEqual({ task: 7, module: 1, activity: 'pick()' });
    await sleep(400);
    dog.stop();
    expect(stalls).toEqual([{ task: 7, module: 1, activity: 'pick()' }]);
  });

  it('never counts time outside plug-in code, nor a stream of calls that each return', async () => {
    const memory = createWatchMemory(1);
    const slot = claimWatchSlot(memory, ['/a.js'])!;
    const stalls: Stall[] = [];
    const dog = startWatchdog(memory, 100, (s) => stalls.push(s));
    slot.setTask(1);
    const until = Date.now() + 350;
    while (Date.now() < until) {
      slot.watch.begin('/a.js', 'pick()');
      slot.watch.end();
      await sleep(5);
    }
    await sleep(200); // in meshsim's code: not watched
    dog.stop();
    expect(stalls).toEqual([]);
    expect(activityOfTask(memory, 1)).toBeUndefined();
  });

  it('a worker beyond the slots is simply not watched', () => {
    const memory = createWatchMemory(1);
    expect(claimWatchSlot(memory, [])).toBeDefined();
    expect(claimWatchSlot(memory, [])).toBeUndefined();
  });
});
