/** Simulated time (ms), shared by the parts of one simulation: the event loop moves it. */
export class Clock {
  now = 0;
}
