import { chmod, rename, writeFile } from 'node:fs/promises';

export interface DovecotUser {
  name: string;
  password: string;
}

/**
 * Writes a Dovecot passwd-file (`name:{PLAIN}password`). Written to a side file and renamed so
 * the auth process, which re-reads the file when it changes, never sees half of it. Readable by
 * Dovecot's unprivileged auth process; it only ever holds throw-away test passwords.
 */
export async function writePasswdFile(path: string, users: readonly DovecotUser[]): Promise<void> {
  for (const user of users) {
    if (!/^[^\s:*]+$/.test(user.name)) throw new Error(`invalid test user name "${user.name}"`);
    if (/[\r\n]/.test(user.password)) throw new Error(`password of ${user.name} contains a line break`);
  }
  // Empty uid, gid and home fields: the userdb fills them from its default_fields.
  const text = users.map((u) => `${u.name}:{PLAIN}${u.password}::::::\n`).join('');
  const temporary = `${path}.new`;
  await writeFile(temporary, text);
  await chmod(temporary, 0o644);
  await rename(temporary, path);
}
