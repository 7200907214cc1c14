import { z } from 'zod';

import { isBatch } from './batchOperations';
import type { StorageOperation } from './storageOperation';

/**
 * What a failed request gets. The three error codes are the transient ones of the "Common REST API
 * error codes" page; `dropConnection` is a cut TCP connection, no HTTP answer at all.
 */
export const FAILURES = ['ServerBusy', 'InternalError', 'OperationTimedOut', 'dropConnection'] as const;
export type StorageFailure = (typeof FAILURES)[number];

export const storageFaultSchema = z
  .strictObject({
    /**
     * Verbs that match (`PUT`, `MERGE`, `PATCH`, `POST`, `DELETE`, `GET`, `HEAD`); any verb when
     * left out. @azure/data-tables sends Merge as PATCH, Replace and Insert-or-replace as PUT,
     * Insert as POST.
     */
    methods: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .transform((methods) => methods?.map((method) => method.toUpperCase())),
    /**
     * The first path segment after the account, compared without regard to case: a table name,
     * `Tables` (create, delete, list tables), `$batch`, a container or a queue. Any resource when
     * left out. A transaction matches when one of its operations does.
     */
    resource: z.string().min(1).optional(),
    /** Only requests whose body holds this text (UTF-8 bytes), e.g. `"status":"Syncing"`. */
    bodyContains: z.string().min(1).optional(),
    /** Fail only the first this many matching requests; later ones pass. Every one when left out. */
    times: z.number().int().positive().optional(),
    /**
     * Send the request to Azurite first, let it apply the write, then fail instead of relaying its
     * answer: the write happened but the client never heard.
     */
    afterForwarding: z.boolean().default(false),
    /** Default `ServerBusy`, or `OperationTimedOut` after forwarding (a server-side timeout). */
    fail: z.enum(FAILURES).optional(),
    /** The error's message instead of the documented one (e.g. "Operations per second is over the account limit."). */
    message: z.string().min(1).optional(),
  })
  .transform((rule) => ({ ...rule, fail: rule.fail ?? (rule.afterForwarding ? 'OperationTimedOut' : 'ServerBusy') }));

export type StorageFaultInput = z.input<typeof storageFaultSchema>;
export type StorageFault = z.output<typeof storageFaultSchema>;

/** A rule that fired: what the proxy does with the request. */
export interface FiredFault {
  name: string;
  rule: StorageFault;
}

interface StoredFault {
  rule: StorageFault;
  hits: number;
}

/** A rule as the controls hold it, for a test that wants to look. */
export interface StorageFaultState {
  name: string;
  rule: StorageFault;
  /** Requests it failed since it was set. */
  hits: number;
  /** True once `times` requests have failed: it lets everything pass. */
  spent: boolean;
}

/**
 * The fault rules of a running proxy, by name, changed at any time: each request is judged with
 * the rules in force when its body has arrived. Rules are tried in the order they were first set;
 * the first that matches and is not spent fails the request, so one request is failed at most once.
 * Setting a rule again replaces it and starts its count afresh.
 */
export class StorageFaultControls {
  private readonly byName = new Map<string, StoredFault>();

  /** Adds or replaces the rule `name`. Throws on an unknown or malformed setting. */
  set(name: string, rule: StorageFaultInput): void {
    if (name.trim() === '') throw new Error('a storage fault rule needs a name');
    this.byName.set(name, { rule: storageFaultSchema.parse(rule), hits: 0 });
  }

  /** Removes the rule `name`, or every rule when called without a name. */
  clear(name?: string): void {
    if (name === undefined) this.byName.clear();
    else this.byName.delete(name);
  }

  list(): StorageFaultState[] {
    return [...this.byName].map(([name, { rule, hits }]) => ({ name, rule, hits, spent: isSpent(rule, hits) }));
  }

  /**
   * Whether some live rule could fail this request, judged from its request line alone: only such
   * requests are held until their body has arrived, every other one streams straight through. A
   * transaction's operations are in its body, so any live rule holds it.
   */
  couldMatch(operation: StorageOperation): boolean {
    for (const { rule, hits } of this.byName.values()) {
      if (isSpent(rule, hits)) continue;
      if (isBatch(operation) || matchesOperation(rule, operation)) return true;
    }
    return false;
  }

  /**
   * The rule that fails this request, counted as fired, or undefined when it passes. `inner` are
   * a transaction's operations (empty for any other request).
   */
  take(operation: StorageOperation, inner: readonly StorageOperation[], body: Buffer): FiredFault | undefined {
    for (const [name, stored] of this.byName) {
      const { rule, hits } = stored;
      if (isSpent(rule, hits)) continue;
      const addressed = matchesOperation(rule, operation) || inner.some((op) => matchesOperation(rule, op));
      if (!addressed) continue;
      if (rule.bodyContains !== undefined && !body.includes(Buffer.from(rule.bodyContains, 'utf8'))) continue;
      stored.hits += 1;
      return { name, rule };
    }
    return undefined;
  }
}

function isSpent(rule: StorageFault, hits: number): boolean {
  return rule.times !== undefined && hits >= rule.times;
}

function matchesOperation(rule: StorageFault, operation: StorageOperation): boolean {
  if (rule.methods && !rule.methods.includes(operation.method)) return false;
  if (rule.resource !== undefined && rule.resource.toLowerCase() !== operation.resource.toLowerCase()) return false;
  return true;
}
