import { DemoSettingError, readDemoSize } from '../../../tools/start/readDemoSize';

/** Issue 10: npm start refuses a demo size it cannot run, with a sentence that says why, before starting anything. */
describe('the demo size from DEMO_MAILBOXES and DEMO_MESSAGES', () => {
  it.each([
    [{}, { people: 36, messagesPerPerson: 100 }],
    [
      { DEMO_MAILBOXES: '', DEMO_MESSAGES: ' ' },
      { people: 36, messagesPerPerson: 100 },
    ],
    [
      { DEMO_MAILBOXES: '1', DEMO_MESSAGES: '1' },
      { people: 1, messagesPerPerson: 1 },
    ],
    [
      { DEMO_MAILBOXES: '2000', DEMO_MESSAGES: '2000' },
      { people: 2_000, messagesPerPerson: 2_000 },
    ],
    [{ DEMO_MAILBOXES: ' 300 ' }, { people: 300, messagesPerPerson: 100 }],
  ])('reads %j as %j', (env, size) => {
    expect(readDemoSize(env)).toEqual(size);
  });

  const mailboxes = (value: string) =>
    `DEMO_MAILBOXES must be a whole number from 1 to 2,000, since the demo migrates every mailbox in one batch, and a batch holds at most 2,000 mailboxes; it is "${value}".`;
  const messages = (value: string) =>
    `DEMO_MESSAGES must be a whole number from 1 to 2,000, since the demo seeds every message before the migration starts, and 2,000 a mailbox (about 35 MB) is already a long wait; it is "${value}".`;

  it.each([
    [{ DEMO_MAILBOXES: '2001' }, mailboxes('2001')],
    [{ DEMO_MAILBOXES: '0' }, mailboxes('0')],
    [{ DEMO_MAILBOXES: '-5' }, mailboxes('-5')],
    [{ DEMO_MAILBOXES: 'many' }, mailboxes('many')],
    [{ DEMO_MAILBOXES: '1e3' }, mailboxes('1e3')],
    [{ DEMO_MAILBOXES: '36.5' }, mailboxes('36.5')],
    [{ DEMO_MESSAGES: '2001' }, messages('2001')],
    [{ DEMO_MESSAGES: '0' }, messages('0')],
    [{ DEMO_MESSAGES: 'ten' }, messages('ten')],
  ])('refuses %j', (env, sentence) => {
    expect(() => readDemoSize(env)).toThrow(new DemoSettingError(sentence));
  });
});
