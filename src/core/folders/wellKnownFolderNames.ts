import type { WellKnownFolder } from './targetFolderPath';

/**
 * RFC 6154 special-use attributes and the well-known folder each one fills. `\All` and `\Flagged`
 * are virtual (every message, or every flagged one, again) and are not copied.
 */
export const SPECIAL_USE_TO_WELL_KNOWN: Readonly<Record<string, WellKnownFolder | 'virtual'>> = {
  '\\Inbox': 'inbox',
  '\\Sent': 'sentitems',
  '\\Trash': 'deleteditems',
  '\\Drafts': 'drafts',
  '\\Junk': 'junkemail',
  '\\Archive': 'archive',
  '\\All': 'virtual',
  '\\Flagged': 'virtual',
};

/**
 * Names legacy servers and clients give these folders when the server declares no special use:
 * Exchange 2003/2007 in several languages, Courier/Dovecot defaults, Thunderbird, Apple Mail,
 * Outlook Express. Compared case-insensitively after Unicode NFC normalisation.
 */
const NAMES: ReadonlyArray<[WellKnownFolder, string[]]> = [
  ['inbox', ['INBOX']],
  [
    'sentitems',
    [
      'Sent',
      'Sent Items',
      'Sent Messages',
      'Sent Mail',
      'Sent-Mail',
      'Gesendet',
      'Gesendete Objekte',
      'Gesendete Elemente',
      'Éléments envoyés',
      'Messages envoyés',
      'Envoyés',
      'Elementos enviados',
      'Enviados',
      'Posta inviata',
      'Inviati',
      'Verzonden items',
    ],
  ],
  [
    'deleteditems',
    [
      'Trash',
      'Deleted Items',
      'Deleted Messages',
      'Bin',
      'Papierkorb',
      'Gelöschte Objekte',
      'Gelöschte Elemente',
      'Éléments supprimés',
      'Corbeille',
      'Elementos eliminados',
      'Papelera',
      'Posta eliminata',
      'Cestino',
      'Verwijderde items',
    ],
  ],
  ['drafts', ['Drafts', 'Draft', 'Entwürfe', 'Brouillons', 'Borradores', 'Bozze', 'Concepten']],
  [
    'junkemail',
    [
      'Junk',
      'Spam',
      'Junk E-mail',
      'Junk Email',
      'Junk Mail',
      'Bulk Mail',
      'Junk-E-Mail',
      'Courrier indésirable',
      'Correo no deseado',
      'Posta indesiderata',
      'Ongewenste e-mail',
    ],
  ],
  ['archive', ['Archive', 'Archives']],
];

const BY_NAME = new Map<string, WellKnownFolder>(
  NAMES.flatMap(([wellKnown, names]) => names.map((name): [string, WellKnownFolder] => [foldName(name), wellKnown])),
);

export function foldName(name: string): string {
  return name.normalize('NFC').trim().toLowerCase();
}

/** The well-known folder a top-level folder of this name stands for, if any. */
export function tryWellKnownByName(name: string): WellKnownFolder | undefined {
  return BY_NAME.get(foldName(name));
}
