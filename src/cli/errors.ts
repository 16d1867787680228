/**
 * How the CLI ends on an error: invalid input gets its message and status 2, anything else
 * is an internal error (status 1) whose stack is shown only with MESHSIM_DEBUG=1.
 */
import { OutputFolderError, ResultFolderError } from '../output/result-folder.js';
import { ScenarioError } from '../scenario/errors.js';

/** Bad flags or arguments detected by meshsim itself (commander reports its own). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function reportAndExit(error: unknown): void {
  const message = inputErrorMessage(error);
  if (message !== undefined) {
    process.stderr.write(`meshsim: ${message.replace(/\n/g, '\nmeshsim: ')}\n`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`meshsim: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
  if (process.env.MESHSIM_DEBUG === '1' && error instanceof Error && error.stack) {
    process.stderr.write(`${error.stack}\n`);
  } else {
    process.stderr.write('meshsim: (set MESHSIM_DEBUG=1 for the stack trace, and please report it)\n');
  }
  process.exitCode = 1;
}

/** The message of an error that is the user's to fix (status 2), or undefined for anything else. */
function inputErrorMessage(error: unknown): string | undefined {
  if (error instanceof ScenarioError || error instanceof UsageError || error instanceof ResultFolderError) return error.message;
  // The folder came from --out, or its default: the user fixes it there.
  if (error instanceof OutputFolderError) return error.dir === '' ? `--out: ${error.reason}` : `--out ${error.dir}: ${error.reason}`;
  return undefined;
}
