import { databaseError } from './prisma.js';

describe('databaseError', () => {
  it('reads the SQLSTATE and message a raw query failed with, as the pg driver adapter reports them', () => {
    const error = Object.assign(new Error('\nInvalid `prisma.$queryRawUnsafe()` invocation:\n\n\nRaw query failed. Code: `LS003`. Message: `sku-1`'), {
      code: 'P2010',
      meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { originalCode: 'LS003', originalMessage: 'sku-1', kind: 'postgres', code: 'LS003' } } },
    });
    expect(databaseError(error)).toEqual({ code: 'LS003', message: 'sku-1' });
  });

  it('falls back to the message Prisma formats when the adapter details are missing', () => {
    expect(databaseError(new Error('Raw query failed. Code: `23505`. Message: `duplicate key`'))).toEqual({ code: '23505', message: 'duplicate key' });
  });

  it('answers null for anything that is not a database error', () => {
    expect(databaseError(new Error('socket hang up'))).toBeNull();
    expect(databaseError('LS003')).toBeNull();
    expect(databaseError(undefined)).toBeNull();
  });
});
