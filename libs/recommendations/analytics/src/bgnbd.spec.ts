import { collect, readTransactions } from './canonical.js';
import { bgnbdLogLikelihood, bgnbdLogLikelihoodOne, conditionalExpectedPurchases, expectedPurchases, fitBgNbd, probabilityAlive } from './bgnbd.js';
import { rfmSummary } from './summary.js';
import { requireDatasetFile } from './test-config.js';

const p = { r: 2, alpha: 3, a: 2, b: 3 };

describe('BG/NBD likelihood (hand-computed)', () => {
  it('one repeat buyer: x=1, t_x=2, T=5', () => {
    // B(2,4)/B(2,3) = 0.6 ; Γ(3)·3²/(Γ(2)·8³) = 18/512
    // B(3,3)/B(2,3) = 0.4 ; Γ(3)·3²/(Γ(2)·5³) = 18/125
    const L = 0.6 * (18 / 512) + 0.4 * (18 / 125);
    expect(L).toBeCloseTo(0.07869375, 12);
    expect(bgnbdLogLikelihoodOne(p, { x: 1, tx: 2, T: 5 })).toBeCloseTo(Math.log(L), 12);
  });

  it('no repeat purchase: x=0, T=5 gives (α/(α+T))^r', () => {
    expect(bgnbdLogLikelihoodOne(p, { x: 0, tx: 0, T: 5 })).toBeCloseTo(Math.log(9 / 64), 12);
    expect(bgnbdLogLikelihood(p, [{ x: 0, tx: 0, T: 5 }, { x: 1, tx: 2, T: 5 }])).toBeCloseTo(Math.log(9 / 64) + Math.log(0.07869375), 12);
  });
});

describe('P(alive) and expectations', () => {
  it('P(alive) = 1 when x = 0 and matches the closed form otherwise', () => {
    expect(probabilityAlive(p, { x: 0, tx: 0, T: 50 })).toBe(1);
    expect(probabilityAlive(p, { x: 1, tx: 2, T: 5 })).toBeCloseTo(1 / (1 + (2 / 3) * Math.pow(8 / 5, 3)), 12);
  });

  it('E[X(t)] starts at rate r/α and E[Y(t)] of a brand-new customer equals E[X(t)]', () => {
    expect(expectedPurchases(p, 1e-6) / 1e-6).toBeCloseTo(p.r / p.alpha, 4);
    expect(conditionalExpectedPurchases(p, { x: 0, tx: 0, T: 0 }, 10)).toBeCloseTo(expectedPurchases(p, 10), 10);
    expect(expectedPurchases(p, 0)).toBe(0);
  });

  it("reproduces the paper's worked example: E[Y(39) | x=2, t_x=30.43, T=38.86] = 1.226", () => {
    const paper = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    expect(conditionalExpectedPurchases(paper, { x: 2, tx: 30.43, T: 38.86 }, 39)).toBeCloseTo(1.226, 3);
  });
});

describe('fitBgNbd', () => {
  it('reports non-convergence instead of returning nonsense', () => {
    const r = fitBgNbd([{ x: 0, tx: 0, T: 10 }]);
    expect(r.converged).toBe(false);
    if (!r.converged) expect(r.reason).toMatch(/repeat/);
    expect(fitBgNbd([]).converged).toBe(false);
  });

  it('reproduces Fader, Hardie & Lee (2005) on the CDNOW sample within 1 %', async () => {
    const path = requireDatasetFile('cdnow/canonical-sample/transactions.csv');
    const { rows } = await collect(readTransactions(path));
    const summary = rfmSummary(rows, { calibrationEnd: '1997-09-30', timeUnit: 'week' });
    expect(summary).toHaveLength(2357);
    const fit = fitBgNbd(summary);
    expect(fit.converged).toBe(true);
    if (!fit.converged) return;
    const within = (v: number, ref: number) => expect(Math.abs(v / ref - 1)).toBeLessThan(0.01);
    within(fit.params.r, 0.243);
    within(fit.params.alpha, 4.414);
    within(fit.params.a, 0.793);
    within(fit.params.b, 2.426);
    within(fit.logLikelihood, -9582.4);
  });
});
