import { newId } from '@social/kit';
import { MemoryEventBus, type EventEnvelope } from '@social/events';
import { eventually } from '@social/test-kit';
import { CREATE, DELETE, codes, startHarness, type Harness } from './harness';

let h: Harness;
afterEach(async () => {
  await h.stop();
});

describe('events', () => {
  it('publishes post.created and post.deleted with the contract payloads', async () => {
    h = await startHarness();
    const received: EventEnvelope[] = [];
    await h.bus.consume({ durable: 'post-test', subjects: ['post.created', 'post.deleted'], handler: async (e) => void received.push(e) });

    const alice = newId();
    const created = (await h.gql(CREATE, { text: 'hello' }, alice)).data.createPost;
    await h.gql(DELETE, { id: created.id }, alice);

    await eventually(async () => (received.length === 2 ? true : undefined));
    expect(received.map((e) => e.subject)).toEqual(['post.created', 'post.deleted']);
    expect(received[0]!.data).toEqual({ postId: created.id, authorId: alice, createdAt: created.createdAt });
    expect(received[1]!.data).toEqual({ postId: created.id, authorId: alice });
  });

  it('publishes nothing when a request is refused', async () => {
    h = await startHarness();
    const publish = jest.spyOn(h.bus, 'publish');
    const alice = newId();
    expect(codes(await h.gql(CREATE, { text: '   ' }, alice))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await h.gql(DELETE, { id: newId() }, alice))).toEqual(['NOT_FOUND']);
    expect(publish).not.toHaveBeenCalled();
  });

  it('still succeeds, and logs, when the bus refuses the publish', async () => {
    const bus = new MemoryEventBus();
    h = await startHarness({ bus });
    const publish = jest.spyOn(bus, 'publish').mockRejectedValue(new Error('nats down'));
    const logError = jest.spyOn(h.logger, 'error');

    const alice = newId();
    const created = await h.gql(CREATE, { text: 'still here' }, alice);
    expect(created.errors).toBeUndefined();
    expect(await h.store.findById(created.data.createPost.id)).not.toBeNull();
    const deleted = await h.gql(DELETE, { id: created.data.createPost.id }, alice);
    expect(deleted.errors).toBeUndefined();

    expect(publish).toHaveBeenCalledTimes(2);
    expect(logError).toHaveBeenCalledTimes(2);
  });
});
