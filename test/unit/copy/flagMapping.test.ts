import { toMessageFlags } from '../../../src/connectors/imap/toMessageFlags';
import { toGraphFlagPatch } from '../../../src/connectors/graph/graphMessageJson';
import { flagChange, relevantFlags } from '../../../src/services/copy/flagChanges';

describe("a source message's flags (toMessageFlags)", () => {
  it('is empty when the server sent none', () => {
    expect(toMessageFlags(undefined)).toEqual([]);
    expect(toMessageFlags(new Set())).toEqual([]);
  });

  it('is sorted, keeping system flags and keywords as sent', () => {
    expect(toMessageFlags(new Set(['\\Seen', '$Forwarded', '\\Answered', '\\Flagged']))).toEqual(['$Forwarded', '\\Answered', '\\Flagged', '\\Seen']);
  });

  it('drops \\Recent in any case: it describes the session, not the message', () => {
    expect(toMessageFlags(['\\Recent', '\\Seen', '\\RECENT', '\\recent'])).toEqual(['\\Seen']);
  });
});

describe('the flags the copy keeps in step (relevantFlags)', () => {
  it('keeps only \\Seen, \\Flagged and \\Answered, sorted', () => {
    expect(relevantFlags(['\\Seen', '\\Draft', '$Label1', '\\Answered', '\\Deleted', '\\Flagged'])).toEqual(['\\Answered', '\\Flagged', '\\Seen']);
  });

  it('is empty for an unread, unflagged message', () => {
    expect(relevantFlags([])).toEqual([]);
    expect(relevantFlags(['\\Draft', 'NonJunk'])).toEqual([]);
  });

  it('matches the system flags as IMAP servers spell them (exact case)', () => {
    expect(relevantFlags(['\\seen', '\\SEEN', '\\Seen'])).toEqual(['\\Seen']);
  });
});

describe('what changed since the flags were last applied (flagChange)', () => {
  it('sends the whole state when the last one is not known: set what is on, clear the others', () => {
    expect(flagChange('t1', null, ['\\Seen'])).toEqual({ targetId: 't1', add: ['\\Seen'], remove: ['\\Flagged', '\\Answered'] });
    expect(flagChange('t1', null, [])).toEqual({ targetId: 't1', add: [], remove: ['\\Seen', '\\Flagged', '\\Answered'] });
  });

  it('sends only what was set or cleared on the source since', () => {
    expect(flagChange('t2', ['\\Seen'], ['\\Flagged', '\\Seen'])).toEqual({ targetId: 't2', add: ['\\Flagged'], remove: [] });
    expect(flagChange('t2', ['\\Flagged', '\\Seen'], ['\\Seen'])).toEqual({ targetId: 't2', add: [], remove: ['\\Flagged'] });
    expect(flagChange('t2', ['\\Seen'], ['\\Answered'])).toEqual({ targetId: 't2', add: ['\\Answered'], remove: ['\\Seen'] });
  });

  it('is empty when nothing changed', () => {
    expect(flagChange('t3', ['\\Answered', '\\Seen'], ['\\Answered', '\\Seen'])).toEqual({ targetId: 't3', add: [], remove: [] });
    expect(flagChange('t3', [], [])).toEqual({ targetId: 't3', add: [], remove: [] });
  });
});

describe('a flag change as a Graph message PATCH (toGraphFlagPatch)', () => {
  it('maps \\Seen to isRead', () => {
    expect(toGraphFlagPatch({ add: ['\\Seen'], remove: [] })).toEqual({ isRead: true });
    expect(toGraphFlagPatch({ add: [], remove: ['\\Seen'] })).toEqual({ isRead: false });
  });

  it('maps \\Flagged to flag.flagStatus', () => {
    expect(toGraphFlagPatch({ add: ['\\Flagged'], remove: [] })).toEqual({ flag: { flagStatus: 'flagged' } });
    expect(toGraphFlagPatch({ add: [], remove: ['\\Flagged'] })).toEqual({ flag: { flagStatus: 'notFlagged' } });
  });

  it('carries both at once, and only what changed', () => {
    expect(toGraphFlagPatch({ add: ['\\Seen'], remove: ['\\Flagged'] })).toEqual({ isRead: true, flag: { flagStatus: 'notFlagged' } });
    expect(toGraphFlagPatch({ add: ['\\Flagged'], remove: ['\\Seen'] })).toEqual({ isRead: false, flag: { flagStatus: 'flagged' } });
  });

  it('is empty (nothing is sent) for \\Answered, keywords, or no change', () => {
    expect(toGraphFlagPatch({ add: ['\\Answered', '$Forwarded'], remove: ['\\Draft'] })).toEqual({});
    expect(toGraphFlagPatch({ add: [], remove: [] })).toEqual({});
  });

  it('turns the whole state of an unknown copy into an explicit read and flag state', () => {
    expect(toGraphFlagPatch(flagChange('t', null, relevantFlags(['\\Answered', '\\Seen'])))).toEqual({ isRead: true, flag: { flagStatus: 'notFlagged' } });
    expect(toGraphFlagPatch(flagChange('t', null, []))).toEqual({ isRead: false, flag: { flagStatus: 'notFlagged' } });
  });
});
