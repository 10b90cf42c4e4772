import { ObjectId } from 'bson';

/**
 * Every entity id is a 24-hex ObjectId: unique without coordination, and time-ordered to the second,
 * so "newest first" can sort by id. The same ids work in MongoDB, Neo4j, Redis and the memory stores.
 */
export function newId(): string {
  return new ObjectId().toHexString();
}

export function isId(value: string): boolean {
  return /^[0-9a-f]{24}$/.test(value);
}

export function idTime(id: string): Date {
  return new ObjectId(id).getTimestamp();
}
