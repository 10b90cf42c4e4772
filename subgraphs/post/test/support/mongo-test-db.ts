import mongoose, { type Connection } from 'mongoose';
import { realServers, uniqueName } from '@social/test-kit';
import { connectMongo } from '../../src/stores/mongo-connection';

/** A fresh database per call on the real server; dropAll() removes every one made in this file. */
export function mongoTestDbs() {
  const { mongodbUri } = realServers();
  const names: string[] = [];
  return {
    uri: mongodbUri,
    async open(dbName = uniqueName('post')): Promise<Connection> {
      names.push(dbName);
      return connectMongo(mongodbUri, dbName);
    },
    async dropAll(): Promise<void> {
      const conn = await mongoose.createConnection(mongodbUri).asPromise();
      try {
        for (const name of names) await conn.useDb(name).dropDatabase();
      } finally {
        await conn.close();
      }
    },
  };
}
