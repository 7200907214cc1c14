import { planPage, planSizedPage, type SizedUid } from '../../../src/connectors/imap/planPage';

const KB = 1024;
const sized = (...pairs: [number, number][]): SizedUid[] => pairs.map(([uid, size]) => ({ uid, size }));

describe('the UIDs of one page (planPage)', () => {
  const limits = { maxCount: 3, maxBytes: 10 * KB };

  it('is empty for an empty folder', () => {
    expect(planPage([], limits)).toEqual([]);
  });

  it('takes a single message', () => {
    expect(planPage(sized([7, KB]), limits)).toEqual([7]);
  });

  it('takes UIDs in ascending order, whatever order the server answered in, and keeps gaps', () => {
    expect(planPage(sized([40, KB], [3, KB], [17, KB]), limits)).toEqual([3, 17, 40]);
  });

  it('stops at maxCount, taking the lowest UIDs', () => {
    expect(planPage(sized([5, 1], [1, 1], [4, 1], [2, 1], [3, 1]), limits)).toEqual([1, 2, 3]);
  });

  it('takes messages that fill maxBytes exactly', () => {
    expect(planPage(sized([1, 4 * KB], [2, 6 * KB], [3, 1]), limits)).toEqual([1, 2]);
  });

  it('stops before the message that would pass maxBytes by one byte', () => {
    expect(planPage(sized([1, 4 * KB], [2, 6 * KB + 1], [3, 1]), limits)).toEqual([1]);
  });

  it('does not reach past a message that does not fit for smaller ones after it (UIDs stay contiguous)', () => {
    expect(planPage(sized([1, 9 * KB], [2, 5 * KB], [3, 10]), limits)).toEqual([1]);
  });

  it('takes a first message larger than maxBytes alone, so it still moves', () => {
    expect(planPage(sized([1, 50 * KB], [2, 10]), limits)).toEqual([1]);
    expect(planPage(sized([9, 50 * KB]), limits)).toEqual([9]);
  });

  it('counts zero-byte messages against maxCount only', () => {
    expect(planPage(sized([1, 10 * KB], [2, 0], [3, 0], [4, 0]), limits)).toEqual([1, 2, 3]);
  });

  it('with a maxCount of one takes one message, however small', () => {
    expect(planPage(sized([2, 1], [1, 1]), { maxCount: 1, maxBytes: 10 * KB })).toEqual([1]);
  });

  it('does not change the candidates it is given', () => {
    const candidates = sized([3, 1], [1, 1]);
    planPage(candidates, limits);
    expect(candidates).toEqual(sized([3, 1], [1, 1]));
  });
});

describe('the messages of one page, with messages too large to copy (planSizedPage)', () => {
  const limits = { maxCount: 4, maxBytes: 10 * KB, skipContentOverBytes: 20 * KB };

  it('is empty for no messages', () => {
    expect(planSizedPage([], limits)).toEqual([]);
  });

  it("gives the page in UID order with each message's real size", () => {
    expect(planSizedPage(sized([30, 2 * KB], [10, 3 * KB]), limits)).toEqual(sized([10, 3 * KB], [30, 2 * KB]));
  });

  it('lets a message over skipContentOverBytes take no room, since it is never read', () => {
    expect(planSizedPage(sized([1, 8 * KB], [2, 500 * KB], [3, 2 * KB], [4, KB]), limits)).toEqual(sized([1, 8 * KB], [2, 500 * KB], [3, 2 * KB]));
  });

  it('counts a message of exactly skipContentOverBytes at its size', () => {
    expect(planSizedPage(sized([1, 20 * KB], [2, KB]), limits)).toEqual(sized([1, 20 * KB]));
    expect(planSizedPage(sized([1, 20 * KB + 1], [2, KB]), limits)).toEqual(sized([1, 20 * KB + 1], [2, KB]));
  });

  it('still counts oversized messages against maxCount', () => {
    expect(planSizedPage(sized([1, 1e9], [2, 1e9], [3, 1e9], [4, 1e9], [5, 1e9]), limits).map((m) => m.uid)).toEqual([1, 2, 3, 4]);
  });

  it('without skipContentOverBytes, counts every message at its size (one oversized message goes alone)', () => {
    const { skipContentOverBytes: _none, ...plain } = limits;
    expect(planSizedPage(sized([1, 500 * KB], [2, KB]), plain)).toEqual(sized([1, 500 * KB]));
  });
});
