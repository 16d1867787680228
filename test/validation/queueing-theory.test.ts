import { describe, expect, it } from 'vitest';
import {
  erlangC,
  mg1MeanResponse,
  mm1ResponseQuantile,
  mmcMeanResponse,
  supermarketMeanResponse,
} from '../../src/validation/queueing-theory.js';

// Reference values: ../shared/reference/validation.md, computed there from the same formulas.
describe('queueing-theory formulas', () => {
  it('Erlang C and M/M/c mean response', () => {
    expect(erlangC(16, 14.4)).toBeCloseTo(0.5913433938723898, 12);
    expect(mmcMeanResponse(16, 0.9)).toBeCloseTo(1.36959, 5);
    expect(mmcMeanResponse(2, 0.7)).toBeCloseTo(1.960784, 6);
    expect(mmcMeanResponse(4, 0.95)).toBeCloseTo(5.457095, 6);
    expect(mmcMeanResponse(1, 0.9)).toBeCloseTo(10, 9);
  });
  it('M/M/1 p99', () => {
    expect(mm1ResponseQuantile(0.7, 0.99)).toBeCloseTo(15.3506, 4);
    expect(mm1ResponseQuantile(0.9, 0.99)).toBeCloseTo(46.0517, 4);
  });
  it('Pollaczek–Khinchine', () => {
    expect(mg1MeanResponse(0.9, 0)).toBeCloseTo(5.5, 9);
    expect(mg1MeanResponse(0.5, 10)).toBeCloseTo(6.5, 9);
    expect(mg1MeanResponse(0.9, 10)).toBeCloseTo(50.5, 9);
  });
  it('supermarket model limit', () => {
    expect(supermarketMeanResponse(0.9, 2)).toBeCloseTo(2.6141, 4);
    expect(supermarketMeanResponse(0.5, 3)).toBeCloseTo(1.1252, 4);
    expect(supermarketMeanResponse(0.95, 2)).toBeCloseTo(3.383, 3);
    expect(supermarketMeanResponse(0.7, 1)).toBeCloseTo(3.3333, 4);
  });
});
