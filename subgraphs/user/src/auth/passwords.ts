import { randomBytes } from 'node:crypto';
import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';

/**
 * Password hashing with argon2id at the OWASP Password Storage Cheat Sheet's first recommended
 * setting. Each hash costs ~19 MiB and a few tens of milliseconds: cheap for one login, ruinous for
 * an attacker guessing offline at scale.
 */
export const ARGON2_MEMORY_KIB = 19_456; // OWASP: m=19456 KiB (19 MiB)
export const ARGON2_TIME_COST = 2; // OWASP: t=2 passes with that memory
export const ARGON2_PARALLELISM = 1; // OWASP: p=1; one thread per hash leaves the other cores to other logins
// The package declares Algorithm as an ambient const enum, which isolated-module compilers cannot
// inline (and its runtime object is empty), so the value is spelled out: Argon2id = 2.
const ARGON2ID = 2 as Algorithm;

const HASH_OPTIONS: Options = {
  algorithm: ARGON2ID,
  memoryCost: ARGON2_MEMORY_KIB,
  timeCost: ARGON2_TIME_COST,
  parallelism: ARGON2_PARALLELISM,
};

/**
 * NIST 800-63B asks verifiers to normalise Unicode before hashing, so "é" typed as one code point
 * on one keyboard and as e + combining accent on another is the same password.
 */
const normalise = (password: string) => password.normalize('NFKC');

export function hashPassword(password: string): Promise<string> {
  return hash(normalise(password), HASH_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, normalise(password));
  } catch {
    return false; // a malformed stored hash never signs anyone in
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * A hash of a random secret with the same parameters, verified when the account does not exist so a
 * login for an unknown handle takes as long as one with a wrong password (no timing oracle for
 * "does this account exist"). Computed once per process; call at start so the first miss is not slower.
 */
export function dummyPasswordHash(): Promise<string> {
  return (dummyHash ??= hash(randomBytes(32).toString('base64url'), HASH_OPTIONS));
}
