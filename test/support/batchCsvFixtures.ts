/** Builds staged-migration CSV text for tests. */
export function stagedCsv(addresses: string[], options: { password?: (i: number) => string } = {}): string {
  const header = options.password ? 'EmailAddress,Password,ForceChangePassword' : 'EmailAddress';
  const rows = addresses.map((address, i) => (options.password ? `${address},${options.password(i)},False` : address));
  return [header, ...rows].join('\r\n') + '\r\n';
}

export function addresses(count: number, domain: string, start = 0): string[] {
  return Array.from({ length: count }, (_, i) => `user${String(start + i).padStart(4, '0')}@${domain}`);
}
