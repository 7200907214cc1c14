import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { TenantState } from './types';

const STATE_FILE = 'tenant-state.json';

/** The saved file names the sandbox identity, so a restart keeps the same tenant, app and mailboxes. */
export interface SavedSandbox {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  state: TenantState;
}

const savedSchema = z.object({
  tenantId: z.string(),
  clientId: z.string(),
  clientSecret: z.string(),
  state: z.object({
    organization: z.object({ id: z.string() }).passthrough(),
    users: z.record(z.string(), z.unknown()),
    mailboxes: z.record(z.string(), z.unknown()),
    meetingMessages: z.array(z.unknown()).optional(),
  }),
});

export function loadSavedSandbox(dir: string): SavedSandbox | undefined {
  const file = path.join(dir, STATE_FILE);
  if (!existsSync(file)) return undefined;
  const parsed = savedSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`M365_SANDBOX_STATE: ${file} is not a sandbox state file: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data as unknown as SavedSandbox;
}

/**
 * Saves at most every `delayMs` after a change (a copy run makes thousands of changes), and on `flush()`.
 * Writes to a temporary file and renames it, so a crash never leaves half a state file.
 */
export class StateSaver {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dir: string,
    private readonly snapshot: () => SavedSandbox,
    private readonly delayMs = 250,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.delayMs);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const file = path.join(this.dir, STATE_FILE);
    writeFileSync(`${file}.tmp`, JSON.stringify(this.snapshot()));
    renameSync(`${file}.tmp`, file);
  }
}
