import type { CorpusMessage } from '../corpus/generateCorpus';
import { generateCorpus } from '../corpus/generateCorpus';

/** The demo's legacy Exchange 2007 organisation: people, their folders, and their mail. */
export interface DemoPerson {
  displayName: string;
  samAccountName: string;
  address: string;
}

const FIRST = ['Anna', 'Bruno', 'Chloé', 'David', 'Elena', 'Farid', 'Greta', 'Hugo', 'Ines', 'Jonas', 'Karin', 'Luca', 'Marta', 'Nils', 'Olga', 'Pablo', 'Quentin', 'Rosa'];
const LAST = ['Berger', 'Costa', 'Dubois', 'Eriksen'];

export const DEMO_DOMAIN = 'contoso.com';
export const DEMO_TENANT_DOMAIN = 'contoso.onmicrosoft.com';

/** 36 people, named like a small European company's staff. */
export function demoPeople(count = 36): DemoPerson[] {
  return Array.from({ length: count }, (_, i) => {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
    const local = `${first}.${last}`.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
    return { displayName: `${first} ${last}`, samAccountName: local.replace('.', '').slice(0, 20), address: `${local}@${DEMO_DOMAIN}` };
  });
}

export const DEMO_FOLDERS = [['INBOX'], ['Sent'], ['Trash'], ['Drafts'], ['Projects', 'Budget 2007'], ['Projects', 'Intranet'], ['Archive', '2006'], ['Clients']] as const;

/**
 * About `count` messages for one person, spread over realistic folders. The corpus's one very
 * large message (over 3 MB) is left out so the demo starts quickly; tests cover it.
 */
export function demoMessages(personIndex: number, count: number): CorpusMessage[] {
  return [...generateCorpus({ seed: 2007 + personIndex, count, averageBytes: 18_000, folders: DEMO_FOLDERS })].filter((m) => m.kind !== 'over3MB');
}
