import { GraphQLClient } from './graphql-client';

/** The ready-made login printed by `npm start`. */
export const DEMO_LOGIN = { handle: 'ada', password: 'demo-password' } as const;

const HANDLES = [
  'ada',
  'grace',
  'linus',
  'margaret',
  'alan',
  'barbara',
  'dennis',
  'ken',
  'radia',
  'edsger',
  'donald',
  'frances',
  'tim',
  'vint',
  'katherine',
  'john',
  'hedy',
  'guido',
  'yukihiro',
  'bjarne',
  'anders',
  'brendan',
  'james',
  'sophie',
  'shafi',
  'leslie',
  'niklaus',
  'adele',
  'jean',
  'annie',
];
const LINES = [
  'Shipping a small fix today. Small fixes add up.',
  'Reading about push vs pull timelines again 📚',
  'Coffee first, then code ☕',
  'Who else is at the meetup tonight?',
  'A good error message is a feature.',
  'Cursor pagination > offset pagination. Fight me.',
  'Wrote tests before the code for once. Felt great.',
  'Graph databases make "friends of friends" a one-liner.',
  'Naming things is still the hardest part.',
  'Deploy went smoothly 🎉',
];

/** Deterministic pseudo-random numbers so every `npm start` shows the same network. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id handle } } }`;
const FOLLOW = `mutation($id: ID!) { follow(userId: $id) { changed } }`;
const POST = `mutation($text: String!) { createPost(text: $text) { id } }`;

/**
 * Seeds a small network through the public API (so it works on any store): a few dozen people,
 * each following a handful of others (everyone follows ada, the demo login, and ada follows a dozen),
 * and a few posts each.
 */
export async function seedDemoNetwork(gatewayUrl: string, seed = 42): Promise<{ users: number; follows: number; posts: number }> {
  const random = mulberry32(seed);
  const anonymous = new GraphQLClient(gatewayUrl);
  const accounts: { id: string; handle: string; client: GraphQLClient }[] = [];
  for (const handle of HANDLES) {
    const { register } = await anonymous.data<{ register: { accessToken: string; user: { id: string; handle: string } } }>(REGISTER, {
      input: {
        handle,
        email: `${handle}@example.com`,
        password: handle === DEMO_LOGIN.handle ? DEMO_LOGIN.password : `${handle}-demo-password`,
        displayName: handle[0]!.toUpperCase() + handle.slice(1),
      },
    });
    accounts.push({ id: register.user.id, handle, client: anonymous.withToken(register.accessToken) });
  }

  let follows = 0;
  for (const [i, account] of accounts.entries()) {
    const targets = new Set<number>(i === 0 ? Array.from({ length: 12 }, (_, k) => k + 1) : [0]);
    while (targets.size < 4) targets.add(Math.floor(random() * accounts.length));
    targets.delete(i);
    for (const t of targets) {
      await account.client.data(FOLLOW, { id: accounts[t]!.id });
      follows++;
    }
  }

  let posts = 0;
  for (let round = 0; round < 3; round++) {
    for (const account of accounts) {
      if (random() < 0.3) continue;
      await account.client.data(POST, { text: LINES[Math.floor(random() * LINES.length)]! });
      posts++;
    }
  }
  return { users: accounts.length, follows, posts };
}
