import { Schema, Types, type Connection, type Model } from 'mongoose';
import { newId } from '@social/kit';
import { mongoTestDbs } from '../../test/support/mongo-test-db';
import { createWithOutbox, mongoOutboxSource, openOutbox, ORPHAN_AFTER_MS, outboxFields, type OutboxDocFields } from './mongo-outbox';
import { countItem, type OutboxSource } from './outbox';

interface ThingDoc extends OutboxDocFields {
  _id: Types.ObjectId;
}
const FUTURE = () => new Date(Date.now() + 60_000);
const dbs = mongoTestDbs();
let conn: Connection;
let things: Model<ThingDoc>;
let source: OutboxSource;
const markers = () => conn.collection('outbox_pending');

beforeAll(async () => {
  conn = await dbs.open();
  things = conn.model<ThingDoc>('Thing', new Schema<ThingDoc>({ ...outboxFields }, { versionKey: false }), 'things');
  await things.createCollection();
  await openOutbox(conn);
  source = mongoOutboxSource('things', things);
});
afterAll(async () => {
  await conn.close();
  await dbs.dropAll();
});
beforeEach(async () => {
  await markers().deleteMany({});
  await things.deleteMany({});
});

describe('the MongoDB outbox: pending markers beside the documents (real MongoDB-wire server)', () => {
  it('finds a written document by its marker, and forgets it once settled', async () => {
    const doc = { _id: new Types.ObjectId(newId()), outbox: [countItem(newId(), 'likes', 1)] };
    await createWithOutbox(things, doc);
    expect(await markers().countDocuments({ docId: doc._id })).toBe(1);
    expect(await source.pending(FUTURE(), 10)).toEqual([{ id: doc._id.toHexString(), items: doc.outbox }]);
    await source.settle(doc._id.toHexString(), []);
    expect(await source.pending(FUTURE(), 10)).toEqual([]);
    expect(await markers().countDocuments({})).toBe(0);
    expect((await things.findById(doc._id).lean())!.outbox).toEqual([]);
  });

  it('writes no marker for a document without items', async () => {
    await createWithOutbox(things, { _id: new Types.ObjectId(newId()), outbox: [] });
    expect(await markers().countDocuments({})).toBe(0);
  });

  it("lets the loser of a race for one _id take back its own marker and leaves the winner's", async () => {
    const _id = new Types.ObjectId(newId());
    const [winner, loser] = [[countItem(newId(), 'likes', 1)], [countItem(newId(), 'likes', 1)]];
    await createWithOutbox(things, { _id, outbox: winner });
    await expect(createWithOutbox(things, { _id, outbox: loser })).rejects.toMatchObject({ code: 11000 });
    expect(await markers().countDocuments({ docId: _id })).toBe(1);
    expect(await source.pending(FUTURE(), 10)).toEqual([{ id: _id.toHexString(), items: winner }]);
  });

  it('drops the marker of a settled document without re-delivering it (a crash between settling and unmarking)', async () => {
    const _id = new Types.ObjectId(newId());
    await things.create({ _id, outbox: [] });
    await markers().insertOne({ _id: new Types.ObjectId(), source: 'things', docId: _id, at: new Date(Date.now() - 60_000) });
    expect(await source.pending(FUTURE(), 10)).toEqual([]);
    expect(await markers().countDocuments({})).toBe(0);
  });

  it('keeps the marker of a document not written yet, and drops it once it is older than any insert can take', async () => {
    const young = { _id: new Types.ObjectId(), source: 'things', docId: new Types.ObjectId(newId()), at: new Date(Date.now() - 60_000) };
    const old = {
      _id: new Types.ObjectId(),
      source: 'things',
      docId: new Types.ObjectId(newId()),
      at: new Date(Date.now() - ORPHAN_AFTER_MS - 1),
    };
    await markers().insertMany([young, old]);
    expect(await source.pending(FUTURE(), 10)).toEqual([]);
    expect((await markers().find({}).toArray()).map((m) => m['_id'].toHexString())).toEqual([young._id.toHexString()]);
  });

  it('keeps the items left pending by a partial settle, under the same marker', async () => {
    const items = [countItem(newId(), 'likes', 1), countItem(newId(), 'comments', 1)];
    const doc = { _id: new Types.ObjectId(newId()), outbox: items };
    await createWithOutbox(things, doc);
    await source.settle(doc._id.toHexString(), [items[1]!]);
    expect(await source.pending(FUTURE(), 10)).toEqual([{ id: doc._id.toHexString(), items: [items[1]] }]);
  });
});
