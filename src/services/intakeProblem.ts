/** One thing wrong with an intake request: a CSV line and column, or a request field. */
export interface IntakeError {
  code: string;
  message: string;
  line?: number;
  column?: string;
  field?: string;
}

/** Why an intake created nothing: the HTTP status that fits, a title, and every error found. */
export interface IntakeRejection {
  ok: false;
  status: 400 | 404 | 409;
  title: string;
  errors: IntakeError[];
}

export function rejection(status: IntakeRejection['status'], title: string, errors: IntakeError[]): IntakeRejection {
  return { ok: false, status, title, errors };
}
