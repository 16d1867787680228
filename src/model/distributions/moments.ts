/** The first two moments of a distribution, in ms and ms². */
export interface Moments {
  readonly mean: number;
  readonly variance: number;
}
