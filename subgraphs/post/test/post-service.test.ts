import { createLogger, newId } from '@social/kit';
import { MemoryEventBus, MemoryLiveBus } from '@social/events';
import { CountReader } from '../src/counters/count-reader';
import { MemoryUserDirectory } from '../src/mentions/user-directory';
import { OutboxDispatcher } from '../src/outbox/dispatcher';
import { MAX_POST_LENGTH, MAX_RECENT_AUTHORS, MAX_RECENT_POST_IDS, PostService, validateText } from '../src/post-service';
import { MemoryCounterStore } from '../src/stores/memory-counter-store';
import { MemoryPostStore } from '../src/stores/memory-post-store';

const make = () => {
  const store = new MemoryPostStore();
  const counters = new MemoryCounterStore();
  const logger = createLogger('post-test', 'silent');
  const counts = new CountReader(store, counters, logger);
  const dispatcher = new OutboxDispatcher({ counters, bus: new MemoryEventBus(), live: new MemoryLiveBus(), counts, logger });
  return { store, service: new PostService(store, dispatcher, new MemoryUserDirectory()) };
};

const code = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'OK';
  } catch (err) {
    return (err as { extensions?: { code?: string } }).extensions?.code;
  }
};

describe('PostService.recentIds limits', () => {
  it(`accepts ${MAX_RECENT_AUTHORS} authors and refuses one more`, async () => {
    const { service } = make();
    const alice = newId();
    const post = await service.create(alice, 'hi');
    const authors = [...Array.from({ length: MAX_RECENT_AUTHORS - 1 }, newId), alice];
    expect(await service.recentIds(authors, 10, null)).toEqual([post.id]);
    expect(await code(service.recentIds([...authors, newId()], 10, null))).toBe('BAD_USER_INPUT');
  });

  it(`accepts first = ${MAX_RECENT_POST_IDS} and refuses ${MAX_RECENT_POST_IDS + 1}`, async () => {
    const { service } = make();
    expect(await service.recentIds([newId()], MAX_RECENT_POST_IDS, null)).toEqual([]);
    expect(await code(service.recentIds([newId()], MAX_RECENT_POST_IDS + 1, null))).toBe('BAD_USER_INPUT');
  });

  it('does not touch the store for an empty author list', async () => {
    const { store, service } = make();
    const spy = jest.spyOn(store, 'recentIdsByAuthors');
    expect(await service.recentIds([], 10, null)).toEqual([]);
    expect(spy).not.toHaveBeenCalled();
  });
});

describe('validateText', () => {
  it('trims and counts characters as a person does', () => {
    expect(validateText('  hi  ')).toBe('hi');
    expect(validateText('🇫🇷'.repeat(MAX_POST_LENGTH))).toBe('🇫🇷'.repeat(MAX_POST_LENGTH));
    expect(() => validateText('é'.repeat(MAX_POST_LENGTH + 1))).toThrow(/at most 140/);
    expect(() => validateText('\u00a0\u2003\n')).toThrow(/empty/);
  });
});

describe('PostService writes nothing when refused', () => {
  it('does not insert a post that fails validation or lacks a viewer', async () => {
    const { store, service } = make();
    const create = jest.spyOn(store, 'create');
    expect(await code(service.create(newId(), 'x'.repeat(141)))).toBe('BAD_USER_INPUT');
    expect(await code(service.create(null, 'fine'))).toBe('UNAUTHENTICATED');
    expect(create).not.toHaveBeenCalled();
  });

  it('does not soft-delete when the viewer is not the author', async () => {
    const { store, service } = make();
    const post = await service.create(newId(), 'mine');
    const softDelete = jest.spyOn(store, 'softDelete');
    expect(await code(service.delete(newId(), post.id))).toBe('FORBIDDEN');
    expect(softDelete).not.toHaveBeenCalled();
  });
});
