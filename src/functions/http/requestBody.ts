import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { ZodError } from 'zod';
import { problem } from './responses';

/** The request's JSON body, or the 400 to answer when it is not JSON (`hint` says what to send). */
export async function readJson(request: HttpRequest, hint: string): Promise<{ value: unknown } | { error: HttpResponseInit }> {
  try {
    return { value: JSON.parse(await request.text()) };
  } catch {
    return { error: problem(400, 'The body is not valid JSON.', [{ code: 'InvalidJson', message: hint }]) };
  }
}

/** Every invalid field at once, named; a value is never echoed (it may be a password). */
export function invalidBody(title: string, error: ZodError): HttpResponseInit {
  return problem(
    400,
    title,
    error.issues.map((issue) => {
      const field = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : 'body');
      return { code: 'InvalidField', field, message: `${field}: ${issue.message}` };
    }),
  );
}
