/**
 * Which user ids exist. The user service owns accounts; the social graph asks it before creating a
 * follow so the graph never gains a node for a person who does not exist.
 */
export interface UserDirectory {
  /** The subset of `ids` that belong to existing accounts. */
  existingIds(ids: readonly string[]): Promise<Set<string>>;
}
