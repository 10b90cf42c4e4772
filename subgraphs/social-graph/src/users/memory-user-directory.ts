import type { UserDirectory } from './user-directory';

/** A directory seeded by tests (and usable without the user service). */
export class MemoryUserDirectory implements UserDirectory {
  private readonly ids = new Set<string>();
  /** How many lookups were made, so tests can see when a call was (or was not) needed. */
  calls = 0;

  constructor(ids: Iterable<string> = []) {
    for (const id of ids) this.ids.add(id);
  }

  add(...ids: string[]): this {
    for (const id of ids) this.ids.add(id);
    return this;
  }

  async existingIds(ids: readonly string[]): Promise<Set<string>> {
    this.calls++;
    return new Set(ids.filter((id) => this.ids.has(id)));
  }
}
