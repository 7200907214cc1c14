/**
 * Where credentials live: Key Vault in Azure, an encrypted table locally. Callers keep only the
 * secret's name (a reference) in their own rows.
 */
export interface SecretStore {
  set(name: string, value: string): Promise<void>;
  /** The value, or undefined when no secret has that name. */
  get(name: string): Promise<string | undefined>;
  delete(name: string): Promise<void>;
}
