import type { CorpusMessage } from '../corpus/generateCorpus';
import { generateCorpus } from '../corpus/generateCorpus';

/** The demo's legacy Exchange 2007 organisation: people, their folders, and their mail. */
export interface DemoPerson {
  displayName: string;
  samAccountName: string;
  address: string;
}

/**
 * 49 first names and 41 last names: the lengths are coprime, so person i, named FIRST[i mod 49] and
 * LAST[i mod 41], gets a different pair for every i below 49 × 41 = 2,009 (Chinese remainder
 * theorem), and neighbours share neither name. Names stay distinct once accents are removed, and
 * the longest "first.last" has 18 characters, within sAMAccountName's 20.
 */
const FIRST = [
  'Anna',
  'Bruno',
  'Chloé',
  'David',
  'Elena',
  'Farid',
  'Greta',
  'Hugo',
  'Ines',
  'Jonas',
  'Karin',
  'Luca',
  'Marta',
  'Nils',
  'Olga',
  'Pablo',
  'Quentin',
  'Rosa',
  'Sofia',
  'Tomás',
  'Ulla',
  'Viktor',
  'Wanda',
  'Xavier',
  'Yara',
  'Zoltán',
  'Agnès',
  'Björn',
  'Carla',
  'Dario',
  'Emma',
  'Filip',
  'Gaia',
  'Henrik',
  'Irene',
  'Jakub',
  'Klara',
  'Lars',
  'Maëlle',
  'Nico',
  'Oskar',
  'Paula',
  'Rafael',
  'Sanna',
  'Teo',
  'Ursula',
  'Vera',
  'Willem',
  'Zofia',
];
const LAST = [
  'Berger',
  'Costa',
  'Dubois',
  'Eriksen',
  'Fischer',
  'García',
  'Horvat',
  'Jansen',
  'Kowalski',
  'Lambert',
  'Moreau',
  'Novak',
  'Olsen',
  'Petit',
  'Quint',
  'Rossi',
  'Schmidt',
  'Torres',
  'Unger',
  'Varga',
  'Weber',
  'Zimmermann',
  'Andersson',
  'Bianchi',
  'Conti',
  'Dahl',
  'Esposito',
  'Fontaine',
  'Gruber',
  'Haas',
  'Jensen',
  'Keller',
  'Lindqvist',
  'Marino',
  'Nielsen',
  'Öztürk',
  'Peeters',
  'Romano',
  'Silva',
  'Lindberg',
  'Mayer',
];

/** The most people demoPeople can name uniquely (DEMO_MAILBOXES allows up to 2,000). */
export const MAX_DEMO_PEOPLE = FIRST.length * LAST.length;

export const DEMO_DOMAIN = 'contoso.com';
export const DEMO_TENANT_DOMAIN = 'contoso.onmicrosoft.com';

/**
 * `count` people, named like a European company's staff, each with a unique display name,
 * address (`first.last@contoso.com`, in ASCII) and sAMAccountName (`first.last`, at most 20
 * characters: the pre-Windows 2000 logon name's limit).
 */
export function demoPeople(count = 36): DemoPerson[] {
  if (!Number.isInteger(count) || count < 0 || count > MAX_DEMO_PEOPLE) throw new RangeError(`demoPeople names 0 to ${MAX_DEMO_PEOPLE} people, not ${count}.`);
  return Array.from({ length: count }, (_, i) => {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[i % LAST.length]!;
    const local = `${toAscii(first)}.${toAscii(last)}`.toLowerCase();
    return { displayName: `${first} ${last}`, samAccountName: local, address: `${local}@${DEMO_DOMAIN}` };
  });
}

/** "Chloé" as "Chloe": the accents split off (NFD) and dropped. */
function toAscii(name: string): string {
  return name.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

export const DEMO_FOLDERS = [
  ['INBOX'],
  ['Sent'],
  ['Trash'],
  ['Drafts'],
  ['Projects', 'Budget 2007'],
  ['Projects', 'Intranet'],
  ['Archive', '2006'],
  ['Clients'],
] as const;

/**
 * About `count` messages for one person, spread over realistic folders. The corpus's one very
 * large message (over 3 MB) is left out so the demo starts quickly; tests cover it.
 */
export function demoMessages(personIndex: number, count: number): CorpusMessage[] {
  return [...generateCorpus({ seed: 2007 + personIndex, count, averageBytes: 18_000, folders: DEMO_FOLDERS })].filter((m) => m.kind !== 'over3MB');
}
