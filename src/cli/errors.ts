/**
 * How the CLI ends on an error: invalid input gets its message and status 2, anything else
 * is an internal error (status 1) whose stack is shown only with MESHSIM_DEBUG=1.
 */
import { ScenarioError } from '../scenario/errors.js';

/** Bad flags or arguments detected by meshsim itself (commander reports its own). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function reportAndExit(error: unknown): void {
  if (error instanceof ScenarioError || error instanceof UsageError) {
    process.stderr.write(`meshsim: ${error.message.replace(/\n/g, '\nmeshsim: ')}\n`);
    process.exitCode = 2;
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`meshsim: internal error: ${message}\n`);
  if (process.env.MESHSIM_DEBUG === '1' && error instanceof Error && error.stack) {
    process.stderr.write(`${error.stack}\n`);
  } else {
    process.stderr.write('meshsim: (set MESHSIM_DEBUG=1 for the stack trace, and please report it)\n');
  }
  process.exitCode = 1;
}
