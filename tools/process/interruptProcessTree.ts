import type { ProcessEntry } from './readProcessTable';
import { snapshotProcessTree, stillRunning } from './snapshotProcessTree';

export interface Interrupted {
  /** From the signal until the last process was gone, or until the limit. */
  ms: number;
  /** What still ran at the limit. */
  left: ProcessEntry[];
}

/**
 * Ctrl+C as a terminal sends it: SIGINT to the whole process group `pgid` (a shell's job: npm, its
 * shell, the program). Resolves once every process of `tree` (snapshotProcessTree, taken before)
 * is gone, or at `limitMs`, with how long it took.
 */
export async function interruptProcessTree(pgid: number, tree: ProcessEntry[], limitMs: number): Promise<Interrupted> {
  const start = Date.now();
  process.kill(-pgid, 'SIGINT');
  let left = stillRunning(tree);
  while (left.length > 0 && Date.now() - start < limitMs) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    left = stillRunning(tree);
  }
  return { ms: Date.now() - start, left };
}

/** Ends a job whatever state it is in: Ctrl+C, and SIGKILL to what still runs after `graceMs`. */
export async function endProcessTree(pgid: number, graceMs: number): Promise<void> {
  const tree = snapshotProcessTree(pgid);
  if (stillRunning(tree).length === 0) return;
  const { left } = await interruptProcessTree(pgid, tree, graceMs);
  for (const entry of left) {
    try {
      process.kill(entry.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}
