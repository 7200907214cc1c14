import type { CopyAction } from '../../core/ledger/copyAction';
import { TargetPaused } from '../ports/copyTarget';
import type { TargetOutcome } from './itemAdapter';

/**
 * The first half of every adapter's target part: each item whose action needs no create (find by marker,
 * update, move, keep) is done on its own; the others are answered by index, for the adapter to create
 * together. A target that asks for a pause leaves its item open; any other failure is thrown.
 */
export async function actEachAlone<I>(
  items: readonly { item: I; action: CopyAction }[],
  actAlone: (item: I, action: CopyAction) => Promise<TargetOutcome | undefined>,
): Promise<{ outcomes: TargetOutcome[]; toCreate: number[] }> {
  const outcomes = new Array<TargetOutcome>(items.length);
  const toCreate: number[] = [];
  for (const [index, { item, action }] of items.entries()) {
    try {
      const decided = await actAlone(item, action);
      if (decided) outcomes[index] = decided;
      else toCreate.push(index);
    } catch (error) {
      if (!(error instanceof TargetPaused)) throw error;
      outcomes[index] = { kind: 'open', resumeAt: error.resumeAt.getTime() };
    }
  }
  return { outcomes, toCreate };
}
