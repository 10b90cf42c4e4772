import { z } from 'zod';
import { badInput, graphemeLength } from '@social/kit';

/**
 * Input rules for accounts and profiles. Each failure is a BAD_USER_INPUT naming the input field in
 * extensions.field, with a sentence a person can act on.
 */
export const MIN_HANDLE_LENGTH = 3; // shorter handles are too few to go round and too easy to squat
export const MAX_HANDLE_LENGTH = 15; // fits beside a display name on one line of a phone screen
const HANDLE_PATTERN = /^[A-Za-z0-9_]+$/; // ASCII only: no look-alike letters from other scripts in @-names
export const MIN_PASSWORD_LENGTH = 8; // NIST SP 800-63B minimum for a password the person chooses
export const MAX_PASSWORD_LENGTH = 128; // NIST asks for at least 64; this also bounds the work one request can cause
export const MAX_EMAIL_LENGTH = 254; // the longest address SMTP can deliver to (RFC 5321 path limit)
export const MAX_DISPLAY_NAME_LENGTH = 50; // long enough for most full names, short enough for a timeline row
export const MAX_BIO_LENGTH = 160; // a profile blurb, not a post
const CONTROL_CHARACTERS = /\p{Cc}/u;
const CONTROL_EXCEPT_NEWLINE = /[^\P{Cc}\n]/u;

const emailSchema = z.email();

export function validateHandle(raw: string): string {
  const handle = raw.trim();
  if (handle.length < MIN_HANDLE_LENGTH || handle.length > MAX_HANDLE_LENGTH) {
    throw badInput(`The handle must be ${MIN_HANDLE_LENGTH} to ${MAX_HANDLE_LENGTH} characters long.`, 'handle');
  }
  if (!HANDLE_PATTERN.test(handle)) {
    throw badInput('The handle may contain only letters A-Z, digits and underscores.', 'handle');
  }
  return handle;
}

/** Returns the address trimmed and lower-cased, the form it is stored and looked up in. */
export function validateEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > MAX_EMAIL_LENGTH || !emailSchema.safeParse(email).success) {
    throw badInput('Please enter a valid email address.', 'email');
  }
  return email;
}

/** Length only, counted in Unicode code points as NIST asks; no composition rules (NIST 800-63B). */
export function validatePassword(password: string): void {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH || length > MAX_PASSWORD_LENGTH) {
    throw badInput(`The password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long.`, 'password');
  }
}

/** Trimmed; 1 to 50 characters as a person counts them; one line. */
export function validateDisplayName(raw: string): string {
  const name = raw.trim();
  const length = graphemeLength(name);
  if (length === 0) throw badInput('The display name must not be empty.', 'displayName');
  if (length > MAX_DISPLAY_NAME_LENGTH) {
    throw badInput(`The display name must be at most ${MAX_DISPLAY_NAME_LENGTH} characters long.`, 'displayName');
  }
  if (CONTROL_CHARACTERS.test(name)) throw badInput('The display name must be a single line of text.', 'displayName');
  return name;
}

/** Trimmed; 0 to 160 characters as a person counts them; line breaks allowed, stored as \n. */
export function validateBio(raw: string): string {
  const bio = raw.replace(/\r\n?/g, '\n').trim(); // one kind of line break, whatever the client's platform
  if (graphemeLength(bio) > MAX_BIO_LENGTH) throw badInput(`The bio must be at most ${MAX_BIO_LENGTH} characters long.`, 'bio');
  if (CONTROL_EXCEPT_NEWLINE.test(bio)) throw badInput('The bio must not contain control characters.', 'bio');
  return bio;
}
