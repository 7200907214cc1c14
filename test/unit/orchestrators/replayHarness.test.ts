import type { OrchestrationContext, Task } from 'durable-functions';
import { ORCHESTRATION } from '../../../src/contract/orchestrations';
import { mailboxMigration } from '../../../src/orchestrators/mailboxMigration';
import { HistoryBuilder } from '../../support/replay/historyBuilder';
import { HistoryEventType } from '../../support/replay/historyEvents';
import { replay } from '../../support/replay/replay';

/** The replay harness itself: a history that no longer fits the orchestrator fails loudly instead of passing by luck. */

const T0 = '2026-01-05T09:00:00.000Z';
const input = { batchId: 'b1', mailboxKey: 'ann', mode: 'initial' };

describe('replay harness', () => {
  it('writes the events the extension sends: played before the last episode, new after it', () => {
    const history = new HistoryBuilder(ORCHESTRATION.mailbox, input, T0);
    history.activity('startMailbox', { ok: true });

    expect(history.build().events.map((event) => [HistoryEventType[event.EventType], event.EventId, event.IsPlayed, event.Timestamp])).toEqual([
      ['OrchestratorStarted', -1, true, T0],
      ['ExecutionStarted', -1, true, T0],
      ['TaskScheduled', 0, true, T0],
      ['OrchestratorCompleted', -1, true, T0],
      ['OrchestratorStarted', -1, false, '2026-01-05T09:00:01.000Z'],
      ['TaskCompleted', -1, false, '2026-01-05T09:00:01.000Z'],
    ]);
  });

  it('rejects a history whose recorded activity the orchestrator does not schedule', async () => {
    const history = new HistoryBuilder(ORCHESTRATION.mailbox, input, T0);
    history.activity('provisionMailbox', { ok: true, value: { state: 'ready' } });

    await expect(replay(mailboxMigration, history.build())).rejects.toThrow(
      'Non-deterministic replay of mailboxMigration: history records task #0 as activity provisionMailbox, but the orchestrator scheduled activity startMailbox.',
    );
  });

  it('rejects a history that records a sub-orchestration under another instance id', async () => {
    function* parent(context: OrchestrationContext): Generator<Task, unknown, unknown> {
      return yield context.df.callSubOrchestrator('child', {}, 'child-1');
    }
    const history = new HistoryBuilder('parent', null, T0);
    history.createSubOrchestration('child', 'child-2');

    await expect(replay(parent, history.build())).rejects.toThrow(
      'history records task #0 as sub-orchestration child (child-2), but the orchestrator scheduled sub-orchestration child (child-1)',
    );
  });

  it('rejects a history with more tasks than the orchestrator schedules', async () => {
    function* once(context: OrchestrationContext): Generator<Task, unknown, unknown> {
      yield context.df.createTimer(new Date('2026-01-05T10:00:00.000Z'));
      return 'done';
    }
    const history = new HistoryBuilder('once', null, T0);
    history.createTimer('2026-01-05T10:00:00.000Z');
    history.createTimer('2026-01-05T11:00:00.000Z');

    await expect(replay(once, history.build())).rejects.toThrow(
      'history records task #1 as timer at 2026-01-05T11:00:00.000Z, but the orchestrator scheduled nothing',
    );
  });

  it('reports an orchestrator that throws with its own message', async () => {
    // eslint-disable-next-line require-yield
    function* broken(): Generator<Task, unknown, unknown> {
      throw new Error('no input');
    }

    await expect(replay(broken, new HistoryBuilder('broken', null, T0).build())).rejects.toThrow('broken failed on replay: no input');
  });
});
