import { collect, readTransactions } from './canonical.js';
import { conditionalExpectedPurchases } from './bgnbd.js';
import { conditionalExpectedSpend, customerLifetimeValue, fitGammaGamma, gammaGammaLogLikelihoodOne, newCustomerLifetimeValue } from './gamma-gamma.js';
import { rfmSummary } from './summary.js';
import { requireDatasetFile } from './test-config.js';

describe('Gamma-Gamma', () => {
  it('log-likelihood of one customer matches the formula evaluated by hand', () => {
    // p=2, q=3, v=4, x=2, z̄=5: Γ(7)/(Γ(4)Γ(3)) · 4³ · 5³ · 2⁴ / 14⁷ = 60 · 64 · 125 · 16 / 14⁷
    const expected = Math.log((60 * 64 * 125 * 16) / Math.pow(14, 7));
    expect(gammaGammaLogLikelihoodOne({ p: 2, q: 3, v: 4 }, { x: 2, monetaryValue: 5 })).toBeCloseTo(expected, 12);
  });

  it('conditional expected spend is the weighted mean of population and own mean', () => {
    const prm = { p: 2, q: 3, v: 4 };
    // population mean p v/(q−1) = 4; weights (q−1)/(px+q−1) = 2/6, px/(px+q−1) = 4/6
    expect(conditionalExpectedSpend(prm, { x: 2, monetaryValue: 10 })).toBeCloseTo((2 / 6) * 4 + (4 / 6) * 10, 12);
    expect(conditionalExpectedSpend(prm, { x: 0, monetaryValue: 0 })).toBeCloseTo(4, 12);
  });

  it('CLV without discounting is E[Y(H)] × E[Z]; discounting lowers it', () => {
    const bg = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    const gg = { p: 6.25, q: 3.74, v: 15.44 };
    const c = { x: 2, tx: 30.43, T: 38.86, monetaryValue: 20 };
    const u = 30 / 7;
    const plain = customerLifetimeValue(bg, gg, c, { months: 12 });
    expect(plain).toBeCloseTo(conditionalExpectedPurchases(bg, c, 12 * u) * conditionalExpectedSpend(gg, c), 9);
    expect(customerLifetimeValue(bg, gg, c, { months: 12, monthlyDiscountRate: 0.01 })).toBeLessThan(plain);
    expect(newCustomerLifetimeValue(bg, gg, { months: 12 })).toBeGreaterThan(0);
  });

  it('reports failure when there are no repeat buyers with positive spend', () => {
    expect(fitGammaGamma([{ x: 0, monetaryValue: 0 }, { x: 3, monetaryValue: 0 }]).converged).toBe(false);
  });

  it('reproduces p=6.25, q=3.74, v=15.45 on the 946 CDNOW-sample repeat buyers within 1 %', async () => {
    const path = requireDatasetFile('cdnow/canonical-sample/transactions.csv');
    const { rows } = await collect(readTransactions(path));
    const summary = rfmSummary(rows, { calibrationEnd: '1997-09-30', timeUnit: 'week' });
    const fit = fitGammaGamma(summary);
    expect(fit.customers).toBe(946);
    expect(fit.converged).toBe(true);
    if (!fit.converged) return;
    expect(Math.abs(fit.params.p / 6.25 - 1)).toBeLessThan(0.01);
    expect(Math.abs(fit.params.q / 3.74 - 1)).toBeLessThan(0.01);
    expect(Math.abs(fit.params.v / 15.45 - 1)).toBeLessThan(0.01);
  });
});
