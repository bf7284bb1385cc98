import type { z } from 'zod';
import { AppError } from './errors.js';

/**
 * Parse untrusted input or throw an AppError('INVALID') whose message names the
 * first problem in words a person can act on ("Write something before posting").
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  const message = issue ? `${where}${issue.message}` : 'Invalid request';
  throw new AppError('INVALID', message);
}
