import { z } from 'zod';

/** What a fault does to a matching request. */
export type FaultKind = 'serviceUnavailable' | 'tooManyRequests' | 'dropConnection' | 'gatewayTimeout';

export const faultRuleSchema = z.object({
  kind: z.enum(['serviceUnavailable', 'tooManyRequests', 'dropConnection', 'gatewayTimeout']),
  /**
   * The request is carried out first, and only then answered with the fault: "created, then the
   * connection fails or answers 504". A gateway timeout or a lost answer does not undo the work done
   * behind it, so a client must not take such an answer as "not created". On an upload URL the range is
   * stored and its answer lost; inside `$batch` the inner request runs and its answer in the batch is the fault.
   */
  afterHandling: z.boolean().default(false),
  /** Regular expression tested against the request path (below `/v1.0`); omitted matches every Graph request. */
  pathPattern: z.string().optional(),
  method: z.string().optional(),
  /**
   * Where the rule applies: `true` only to the requests inside a `$batch` (each is matched on its own
   * path and method, and the `$batch` envelope itself is not), `false` only to requests sent on their
   * own (the `$batch` envelope, `POST /$batch`, is one of them), omitted both. Without it, a rule with no
   * `pathPattern` and `times: 1` is spent on the envelope, which arrives before the requests inside it.
   */
  insideBatch: z.boolean().optional(),
  /** Share of matching requests hit, 0..1, drawn from a seeded generator so a run repeats exactly. */
  rate: z.number().min(0).max(1).default(1),
  /** Hit only this many requests, then the rule is spent (a "storm" of N). */
  times: z.number().int().positive().optional(),
  retryAfterSeconds: z.number().int().nonnegative().default(1),
});

export type FaultRuleInput = z.input<typeof faultRuleSchema>;
type FaultRule = z.output<typeof faultRuleSchema> & { id: number; hits: number };

export interface FaultDecision {
  kind: FaultKind;
  retryAfterSeconds: number;
  afterHandling: boolean;
}

/** Test control: 503s, 504s, 429 storms and dropped connections, by rate or by path, before or after the request is carried out. */
export class FaultInjector {
  private rules: FaultRule[] = [];
  private nextId = 1;
  private seed: number;

  constructor(seed = 0x5eed) {
    this.seed = seed;
  }

  add(input: FaultRuleInput): number {
    const rule = { ...faultRuleSchema.parse(input), id: this.nextId++, hits: 0 };
    this.rules.push(rule);
    return rule.id;
  }

  hits(id: number): number {
    return this.rules.find((rule) => rule.id === id)?.hits ?? 0;
  }

  clear(): void {
    this.rules = [];
  }

  decide(method: string, path: string, options: { insideBatch?: boolean } = {}): FaultDecision | undefined {
    for (const rule of this.rules) {
      if (rule.insideBatch !== undefined && rule.insideBatch !== (options.insideBatch === true)) continue;
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (rule.pathPattern && !new RegExp(rule.pathPattern, 'i').test(path)) continue;
      if (rule.times !== undefined && rule.hits >= rule.times) continue;
      if (rule.rate < 1 && this.random() >= rule.rate) continue;
      rule.hits += 1;
      return { kind: rule.kind, retryAfterSeconds: rule.retryAfterSeconds, afterHandling: rule.afterHandling };
    }
    return undefined;
  }

  /** mulberry32: small, seeded, good enough to spread faults evenly. */
  private random(): number {
    this.seed = (this.seed + 0x6d2b79f5) | 0;
    let t = this.seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
