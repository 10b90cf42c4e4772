import { seedDemoNetwork, DEMO_LOGIN } from '../src/demo-data';
import { eventually } from '@social/test-kit';
import { GraphQLClient } from '../src/graphql-client';
import { startStack, type Stack } from '../src/start-stack';

describe('npm start demo network', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.stop());

  it('seeds a network whose demo login sees a timeline of followed people', async () => {
    const seeded = await seedDemoNetwork(stack.gatewayUrl);
    expect(seeded.users).toBe(30);
    const anon = new GraphQLClient(stack.gatewayUrl);
    const { login } = await anon.data(
      `mutation($h: String!, $p: String!) { login(input: { handleOrEmail: $h, password: $p }) { accessToken } }`,
      {
        h: DEMO_LOGIN.handle,
        p: DEMO_LOGIN.password,
      },
    );
    const me = anon.withToken(login.accessToken);
    // Fan-out (and the first visit's rebuild) fill the timeline asynchronously.
    await eventually(async () => {
      const { homeTimeline } = await me.data(`{ homeTimeline(first: 10) { edges { node { text author { handle } } } } }`);
      return homeTimeline.edges.length === 10 ? true : undefined;
    });
    const { me: profile } = await me.data(`{ me { followingCount followerCount } }`);
    expect(profile.followingCount).toBeGreaterThanOrEqual(12);
    expect(profile.followerCount).toBeGreaterThanOrEqual(20);
  });
});
