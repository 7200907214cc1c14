import { inLanes } from '../../../src/connectors/graph/inLanes';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('copying items in lanes', () => {
  it('does every item once, never more than the lanes at a time', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await inLanes([...Array(10).keys()], 4, async (item) => {
      running += 1;
      most = Math.max(most, running);
      await tick();
      done.push(item);
      running -= 1;
    });
    expect(done.sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(most).toBe(4);
  });

  it('starts no item after a failure, lets the ones under way finish, then throws that failure', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const run = inLanes([...Array(10).keys()], 3, async (item) => {
      started.push(item);
      await tick();
      if (item === 1) throw new Error('budget spent');
      await tick();
      finished.push(item);
    });
    await expect(run).rejects.toThrow('budget spent');
    expect(started).toEqual([0, 1, 2]);
    expect(finished.sort()).toEqual([0, 2]);
  });

  it('does nothing for no items', async () => {
    await expect(inLanes([], 4, () => Promise.reject(new Error('not called')))).resolves.toBeUndefined();
  });
});
