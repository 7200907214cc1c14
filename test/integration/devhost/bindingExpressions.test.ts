import { resolveSettingReferences } from '../../../tools/devhost/appSettings';
import { retryDelayMs } from '../../../tools/devhost/durable/retryDelay';
import { compileRoute } from '../../../tools/devhost/http/routeTemplate';
import { parseBlobPath } from '../../../tools/devhost/triggers/blobPathPattern';
import { parseTimerSchedule } from '../../../tools/devhost/triggers/timerSchedule';

/** The small languages of function metadata: routes, blob paths, schedules, %settings%, retry backoff. */
describe('route templates', () => {
  it.each([
    ['batches/{id}', 'batches/b-1', { id: 'b-1' }],
    ['batches/{id}', 'Batches/b-1', { id: 'b-1' }],
    ['batches/{id}', 'batches', undefined],
    ['batches/{id?}', 'batches', {}],
    ['items/{n:int}', 'items/42', { n: '42' }],
    ['items/{n:int}', 'items/x', undefined],
    ['files/{*rest}', 'files/a/b/c.csv', { rest: 'a/b/c.csv' }],
    ['batches/{id}/mailboxes', 'batches/7/mailboxes', { id: '7' }],
    ['batches/{id}/mailboxes', 'batches/7/other', undefined],
    ['hello/{name}', 'hello/J%C3%BCrgen', { name: 'Jürgen' }],
  ])('%s matches %s as %j', (template, path, expected) => {
    expect(compileRoute(template).match(path)).toEqual(expected);
  });
});

describe('blob trigger paths', () => {
  it.each([
    ['intake/{name}', 'a.csv', { name: 'a.csv' }],
    ['intake/{name}', 'sub/a.csv', { name: 'sub/a.csv' }],
    ['intake/{batch}/{file}.csv', 'b1/users.csv', { batch: 'b1', file: 'users' }],
    ['intake/{name}.csv', 'a.txt', undefined],
  ])('%s binds %s as %j', (path, blob, expected) => {
    const pattern = parseBlobPath(path);
    expect(pattern.container).toBe('intake');
    expect(pattern.match(blob)).toEqual(expected);
  });

  it('rejects a path without a valid container', () => {
    expect(() => parseBlobPath('Bad_Container/{name}')).toThrow(
      'DEVHOST_BAD_SETTINGS: Blob trigger path "Bad_Container/{name}" does not start with a valid container name.',
    );
  });
});

describe('timer schedules', () => {
  const from = new Date('2026-03-01T10:00:00.000Z');

  it.each([
    ['0 */5 * * * *', '2026-03-01T10:05:00.000Z'],
    ['30 0 9 * * *', '2026-03-02T09:00:30.000Z'],
    ['0 0 0 * * 1', '2026-03-02T00:00:00.000Z'],
    ['00:00:10', '2026-03-01T10:00:10.000Z'],
  ])('%s next fires at %s (UTC)', (expression, expected) => {
    expect(parseTimerSchedule(expression).next(from).toISOString()).toBe(expected);
  });

  it('requires six NCRONTAB fields', () => {
    expect(() => parseTimerSchedule('*/5 * * * *')).toThrow(
      'DEVHOST_BAD_SCHEDULE: Timer schedule "*/5 * * * *" must have six NCRONTAB fields: {second} {minute} {hour} {day} {month} {day-of-week}.',
    );
  });
});

describe('%setting% references', () => {
  it('resolves from the environment and names a missing setting', () => {
    process.env.DEVHOST_TEST_SETTING = 'intake';
    expect(resolveSettingReferences('%DEVHOST_TEST_SETTING%/{name}', 'blob path')).toBe('intake/{name}');
    expect(() => resolveSettingReferences('%NOPE_NOT_SET%', 'blob path')).toThrow(
      'DEVHOST_UNRESOLVED_SETTING: blob path refers to %NOPE_NOT_SET%, but no app setting "NOPE_NOT_SET" is defined.',
    );
  });
});

describe('retry backoff', () => {
  it.each([
    [{ firstRetryIntervalInMilliseconds: 100, maxNumberOfAttempts: 5 }, 3, 100],
    [{ firstRetryIntervalInMilliseconds: 100, maxNumberOfAttempts: 5, backoffCoefficient: 2 }, 3, 400],
    [{ firstRetryIntervalInMilliseconds: 100, maxNumberOfAttempts: 5, backoffCoefficient: 2, maxRetryIntervalInMilliseconds: 250 }, 3, 250],
  ])('%j: after %i failures waits %i ms', (options, failures, expected) => {
    expect(retryDelayMs(options, failures)).toBe(expected);
  });
});
