/**
 * The read-only accessors /metrics reads (write scheduler, dispatcher, background tasks) and the
 * shutdown's bound, without a server.
 */
import { describe, expect, it } from 'vitest';
import { createWriteScheduler } from '../../src/github/write-scheduler.js';
import { BackgroundTasks } from '../../src/handlers/background-tasks.js';
import { DeliveryTracker } from '../../src/server/deliveries.js';
import { shutDown, shutdownTimeoutMs } from '../../src/server/shutdown.js';

const silent = { info: () => {}, warn: () => {}, error: () => {} };

describe('what /metrics reads', () => {
  it('the write scheduler reports its queue and the writes in the window', async () => {
    let now = 0;
    const scheduler = createWriteScheduler({ writesPerMinute: 3, now: () => now, sleep: async () => {} });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = scheduler.wrap(async () => held, { method: 'POST', url: '/a' });
    const second = scheduler.wrap(async () => undefined, { method: 'PATCH', url: '/b' });
    await scheduler.wrap(async () => undefined, { method: 'GET', url: '/c' });
    expect(scheduler.load()).toEqual({
      queuedWrites: 2,
      writesInWindow: 1,
      writesPerWindow: 3,
      windowMs: 60_000,
    });
    release();
    await Promise.all([first, second]);
    expect(scheduler.load()).toMatchObject({ queuedWrites: 0, writesInWindow: 2 });
    now = 60_001;
    expect(scheduler.load().writesInWindow).toBe(0);
  });

  it('background tasks and deliveries count what is in flight', async () => {
    const tasks = new BackgroundTasks(() => {});
    let finish!: () => void;
    tasks.run(() => new Promise<void>((resolve) => (finish = resolve)));
    expect(tasks.size).toBe(1);
    finish();
    await tasks.idle();
    expect(tasks.size).toBe(0);

    const seen: string[] = [];
    const deliveries = new DeliveryTracker((event, outcome) => seen.push(`${event} ${outcome}`));
    await expect(deliveries.run('push', async () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    await deliveries.run('issues', async () => 1);
    expect(seen).toEqual(['push error', 'issues ok']);
  });
});

describe('shutdown', () => {
  it('reads its bound from MLGRADE_SHUTDOWN_SECONDS', () => {
    expect(shutdownTimeoutMs({})).toBe(30_000);
    expect(shutdownTimeoutMs({ MLGRADE_SHUTDOWN_SECONDS: '5' })).toBe(5_000);
    expect(shutdownTimeoutMs({ MLGRADE_SHUTDOWN_SECONDS: 'soon' })).toBe(30_000);
  });

  it('exits 0 when the work drains, 1 when the bound runs out; the ledger is closed either way', async () => {
    const steps: string[] = [];
    const plan = (drain: () => Promise<void>) => ({
      stopAccepting: () => steps.push('stop'),
      drain,
      describeInFlight: () => '1 delivery',
      close: async () => {
        steps.push('close');
      },
      timeoutMs: 100,
      log: silent,
    });
    expect(await shutDown(plan(() => new Promise((resolve) => setTimeout(resolve, 10))))).toBe(0);
    expect(await shutDown(plan(() => new Promise(() => {})))).toBe(1);
    expect(steps).toEqual(['stop', 'close', 'stop', 'close']);
  });
});
