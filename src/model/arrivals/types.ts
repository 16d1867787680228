/** A source of request arrival times. */
export interface ArrivalProcess {
  /**
   * The next absolute arrival time in ms, never earlier than the previous one; Infinity once
   * the process is exhausted (a finished trace), and on every call after that.
   */
  next(): number;
}

/** Milliseconds per second: specs give rates per second, the simulator keeps time in ms. */
export const MS_PER_S = 1000;
