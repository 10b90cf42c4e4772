import { findEachOrIn, idLookupOf } from './id-lookup';

const dbAnswering = (info: Record<string, unknown>) => ({ admin: () => ({ command: async () => info }) });

describe('idLookupOf', () => {
  it('looks ids up one by one on FerretDB, whose buildInfo names its version', async () => {
    await expect(idLookupOf(dbAnswering({ version: '7.0.42', ferretdbVersion: 'v1.24.2' }))).resolves.toBe('each');
  });
  it('uses one $in query on MongoDB', async () => {
    await expect(idLookupOf(dbAnswering({ version: '8.0.4' }))).resolves.toBe('in');
  });
});

describe('findEachOrIn', () => {
  const docs = new Map([
    ['a', { id: 'a' }],
    ['b', { id: 'b' }],
  ]);
  const calls: string[] = [];
  const many = async (ids: string[]) => (calls.push(`many:${ids.join(',')}`), ids.flatMap((id) => docs.get(id) ?? []));
  const one = async (id: string) => (calls.push(`one:${id}`), docs.get(id) ?? null);
  beforeEach(() => (calls.length = 0));

  it('sends every distinct id in one call in `in` mode', async () => {
    await expect(findEachOrIn('in', ['a', 'b', 'a', 'x'], many, one)).resolves.toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(calls).toEqual(['many:a,b,x']);
  });
  it('looks each distinct id up once in `each` mode and leaves out the missing', async () => {
    await expect(findEachOrIn('each', ['a', 'b', 'a', 'x'], many, one)).resolves.toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(calls.sort()).toEqual(['one:a', 'one:b', 'one:x']);
  });
  it('asks nothing for no ids', async () => {
    await expect(findEachOrIn('each', [], many, one)).resolves.toEqual([]);
    await expect(findEachOrIn('in', [], many, one)).resolves.toEqual([]);
    expect(calls).toEqual([]);
  });
});

describe('idLookupOf, asked by several stores of one database', () => {
  it('sends buildInfo once per database, and again after a failure', async () => {
    let calls = 0;
    let fail = true;
    const db = {
      admin: () => ({
        command: async () => {
          calls++;
          if (fail) throw new Error('not reachable');
          return { version: '8.0.4' };
        },
      }),
    };
    await expect(idLookupOf(db)).rejects.toThrow('not reachable');
    fail = false;
    await expect(Promise.all([idLookupOf(db), idLookupOf(db), idLookupOf(db)])).resolves.toEqual(['in', 'in', 'in']);
    expect(calls).toBe(2);
  });
});
