import { describe, expect, it } from 'vitest';
import { handlerWorkersFrom } from '../../../../local/runtime/settings.js';

describe('DRAMAFORGE_HANDLER_WORKERS', () => {
  it('asks for that many worker processes, and none when unset or empty', () => {
    // Prepare
    const environments = [
      { DRAMAFORGE_HANDLER_WORKERS: '2' },
      { DRAMAFORGE_HANDLER_WORKERS: '0' },
      {},
      { DRAMAFORGE_HANDLER_WORKERS: '' },
    ];

    // Act
    const workers = environments.map((env) => handlerWorkersFrom(env));

    // Assess
    expect(workers).toEqual([2, 0, undefined, undefined]);
  });

  it('refuses what is no whole number of processes, saying which variable', () => {
    // Prepare
    const values = ['two', '-1', '1.5'];

    // Act
    const refusals = values.map((value) => () => handlerWorkersFrom({ DRAMAFORGE_HANDLER_WORKERS: value }));

    // Assess
    for (const refusal of refusals) expect(refusal).toThrow(/^DRAMAFORGE_HANDLER_WORKERS must be a whole number/);
  });
});
