import { CliUsageError } from './errors';

type Values = Record<string, string | boolean | undefined>;

export function readString(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A whole number in `[min, max]`, or undefined when the option is absent. */
export function readInteger(values: Values, name: string, min: number, max: number): number | undefined {
  const text = readString(values, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < min || value > max) {
    throw new CliUsageError(`--${name} must be a whole number from ${min} to ${max}, not "${text}".`);
  }
  return value;
}

/** A positive number (fractions allowed) in `[min, max]`. */
export function readNumber(values: Values, name: string, min: number, max: number): number | undefined {
  const text = readString(values, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new CliUsageError(`--${name} must be a number from ${min} to ${max}, not "${text}".`);
  }
  return value;
}

export function readChoice<T extends string>(values: Values, name: string, choices: readonly T[]): T | undefined {
  const text = readString(values, name);
  if (text === undefined) return undefined;
  if (!(choices as readonly string[]).includes(text)) throw new CliUsageError(`--${name} must be one of ${choices.join(', ')}, not "${text}".`);
  return text as T;
}
