import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { ProviderSlots } from '../../../../../lambdas/core/contracts/ports.js';
import { ProviderShares } from '../../../../../lambdas/pipeline/weighted-slots.js';
import { LambdaFunctionError } from '../../../../../local/runtime/sandbox/lambda-function-error.js';
import { SlotBroker } from '../../../../../local/runtime/sandbox/slot-broker.js';
import { SourceWorkerPool } from '../../../../../local/runtime/sandbox/source-worker-pool.js';
import { waitFor } from '../../../../support/wait-for.js';
import { ownWorkDir } from '../../../../support/work-dir.js';

/** One slot of the simulated clip model for the whole machine. */
const SLOTS = { 'sim/clip': 1 };

/**
 * A stage-like module: its handler holds a slot of `sim/clip` (or of the unlimited `sim/free`) from the
 * dependencies the worker composes, and notes each start and end with its process in a journal. The first call
 * may hold its slot until a gate file exists; a call may kill its own process while it holds the slot.
 */
function slotHoldingModule(journal: string): string {
  return [
    "import { appendFileSync, existsSync } from 'node:fs';",
    'export const createHandler = (deps) => async (event) =>',
    "  deps.shares.hold({ provider: 'sim', model: event.model ?? 'clip' }, { lane: event.lane, weight: event.weight }, async () => {",
    `    appendFileSync(${JSON.stringify(journal)}, \`start \${event.lane} \${process.pid}\\n\`);`,
    "    if (event.die) process.kill(process.pid, 'SIGKILL');",
    '    while (event.gate && !existsSync(event.gate)) await new Promise((resolve) => setTimeout(resolve, 20));',
    '    await new Promise((resolve) => setTimeout(resolve, 30));',
    `    appendFileSync(${JSON.stringify(journal)}, \`end \${event.lane} \${process.pid}\\n\`);`,
    '  });',
  ].join('\n');
}

/** Two workers whose provider slots the returned broker's shares give out; `asked` counts the calls that asked it. */
async function brokeredPool() {
  const dir = await ownWorkDir('slot-broker');
  const journal = path.join(dir, 'journal.txt');
  const handlerModule = path.join(dir, 'slot-holder.mjs');
  await writeFile(handlerModule, slotHoldingModule(journal));
  const shares = new ProviderShares(SLOTS);
  const counted = { asked: 0 };
  const countingShares: ProviderSlots = {
    hold: (served, claim, work) => {
      counted.asked += 1;
      return shares.hold(served, claim, work);
    },
  };
  const pool = new SourceWorkerPool(
    [
      {
        functionName: 'slot-holder',
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:slot-holder',
        handlerModule,
        handlerExport: 'handler',
        timeoutSeconds: 60,
        memoryMb: 256,
      },
    ],
    {
      size: 2,
      slotBroker: new SlotBroker(countingShares),
      environment: () => ({
        ...process.env,
        TABLE_NAME: 'unused',
        BUCKET_NAME: 'unused',
        AWS_REGION: 'us-east-1',
        DRAMAFORGE_PROVIDER_SLOTS: JSON.stringify(SLOTS),
        DRAMAFORGE_PROVIDER_SLOTS_SHARED_BY: 'process',
      }),
    },
  );
  onTestFinished(() => pool.stop());
  const starts = async () =>
    existsSync(journal)
      ? (await readFile(journal, 'utf8'))
          .trim()
          .split('\n')
          .filter((line) => line.startsWith('start'))
          .map((line) => line.split(' ').slice(1))
      : [];
  return { pool, dir, journal, counted, starts };
}

describe('provider slots brokered by the runtime for its workers', () => {
  it('gives one slot to one call at a time on the whole machine, by priority, across both worker processes', async () => {
    // Prepare: the first call holds the slot until the gate opens; four calls of priority 1 and four of 9 queue behind it
    const { pool, dir, journal, counted, starts } = await brokeredPool();
    const gate = path.join(dir, 'gate');
    const holder = pool.invoke('slot-holder', { lane: 'low', weight: 1, gate });
    await waitFor('the first call to hold the slot', async () => (await starts()).length === 1);
    const queued = Array.from({ length: 8 }, (_, n) =>
      pool.invoke('slot-holder', n % 2 ? { lane: 'high', weight: 9 } : { lane: 'low', weight: 1 }),
    );
    await waitFor('all nine calls to ask the broker', async () => counted.asked === 9);

    // Act
    await writeFile(gate, '');
    await Promise.all([holder, ...queued]);

    // Assess
    const lines = (await readFile(journal, 'utf8')).trim().split('\n');
    let underWay = 0;
    let most = 0;
    for (const line of lines) {
      underWay += line.startsWith('start') ? 1 : -1;
      most = Math.max(most, underWay);
    }
    expect(most).toBe(1);
    const started = await starts();
    expect(new Set(started.map(([, pid]) => pid)).size).toBe(2);
    // Weighted 9 to 1, every waiting high call goes before the second low one; first come, first served would alternate.
    const order = started.slice(1).map(([lane]) => lane);
    expect(order.slice(0, order.lastIndexOf('high')).filter((lane) => lane === 'low').length).toBeLessThanOrEqual(1);
  });

  it("frees the slot of a call whose worker died, and the worker's invocation fails as Lambda reports it", async () => {
    // Prepare
    const { pool } = await brokeredPool();

    // Act: the first call kills its worker while it holds the only slot; the next call needs that slot
    const dead = pool.invoke('slot-holder', { lane: 'low', weight: 1, die: true }).catch((error: unknown) => error);
    const failure = await dead;
    const next = await pool.invoke('slot-holder', { lane: 'high', weight: 9 });

    // Assess
    expect(failure).toBeInstanceOf(LambdaFunctionError);
    expect((failure as LambdaFunctionError).name).toBe('Runtime.ExitError');
    expect(next).toBeUndefined();
  });

  it('lets a call to a model with no limit go without asking the broker', async () => {
    // Prepare
    const { pool, counted } = await brokeredPool();

    // Act
    await pool.invoke('slot-holder', { lane: 'low', weight: 1, model: 'free' });

    // Assess
    expect(counted.asked).toBe(0);
  });
});
