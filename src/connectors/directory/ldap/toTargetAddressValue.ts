/**
 * The value Exchange stores in targetAddress for an SMTP forwarding address: the address with
 * its proxy type, `SMTP:user@contoso.mail.onmicrosoft.com` (Enable-MailUser -ExternalEmailAddress
 * and the staged migration's forwarding both write this form).
 */
export function toTargetAddressValue(cloudAddress: string): string {
  return `SMTP:${cloudAddress}`;
}

/** Whether a stored targetAddress already forwards to `cloudAddress` (addresses compare case-insensitively). */
export function isTargetAddressFor(stored: string | undefined, cloudAddress: string): boolean {
  return stored !== undefined && stored.startsWith('SMTP:') && stored.slice(5).toLowerCase() === cloudAddress.toLowerCase();
}
