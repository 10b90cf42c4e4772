import { parseMentions } from './parse-mentions';

describe('parseMentions', () => {
  it.each([
    ['hi @bob', ['bob']],
    ['@Bob and @bob and @BOB', ['bob']],
    ['@alice, @bob! (@carol) @dave: @erin? "@frank"', ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']],
    ['thanks @bob.', ['bob']],
    ['mail bob@example.com', []],
    ['x@bob', []],
    ['@bob@example.com', []],
    ['@bob.example.com', []],
    ['@ab is too short', []],
    ['@abcdefghijklmno is fifteen', ['abcdefghijklmno']],
    ['@abcdefghijklmnop is sixteen', []],
    ['@@bob', []],
    ['@bob_the_2nd rocks', ['bob_the_2nd']],
    ['emoji 👋🏽@bob', ['bob']],
    ['héllo@bob', []], // an email address with a non-ASCII local part
    ['@bobé', []], // a longer word, not the handle bob
    ['', []],
  ])('%j -> %j', (text, expected) => {
    expect(parseMentions(text)).toEqual(expected);
  });
});
