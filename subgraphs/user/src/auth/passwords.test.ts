import { parseOptions } from '@node-rs/argon2';
import { ARGON2_MEMORY_KIB, ARGON2_PARALLELISM, ARGON2_TIME_COST, dummyPasswordHash, hashPassword, verifyPassword } from './passwords';

describe('password hashing', () => {
  it('uses argon2id with the OWASP parameters and a fresh salt per hash', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash.startsWith('$argon2id$v=19$')).toBe(true);
    expect(parseOptions(hash)).toMatchObject({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    expect([ARGON2_MEMORY_KIB, ARGON2_TIME_COST, ARGON2_PARALLELISM]).toEqual([19_456, 2, 1]);
    expect(await hashPassword('correct horse battery staple')).not.toBe(hash);
  });

  it('verifies the right password only', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(hash, 'Correct horse battery staple')).toBe(false);
  });

  it('treats canonically equivalent Unicode spellings as the same password', async () => {
    const composed = 'caf\u00e9 au lait';
    const decomposed = 'cafe\u0301 au lait';
    expect(await verifyPassword(await hashPassword(composed), decomposed)).toBe(true);
  });

  it('never accepts a malformed stored hash, and the dummy hash matches nothing ordinary', async () => {
    expect(await verifyPassword('not-a-hash', 'anything')).toBe(false);
    const dummy = await dummyPasswordHash();
    expect(parseOptions(dummy)).toMatchObject({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    expect(await dummyPasswordHash()).toBe(dummy);
    expect(await verifyPassword(dummy, 'password')).toBe(false);
  });
});
