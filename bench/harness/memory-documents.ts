import { MemoryUserStore } from '../../subgraphs/user/src/stores/memory-user-store';
import { MemoryRefreshTokenStore } from '../../subgraphs/user/src/stores/memory-refresh-token-store';
import { MemoryPostStore } from '../../subgraphs/post/src/stores/memory-post-store';
import { MemoryLikeStore } from '../../subgraphs/post/src/stores/memory-like-store';
import { MemoryCommentStore } from '../../subgraphs/post/src/stores/memory-comment-store';
import { emailOf, generate, handleOf, postId } from '../dataset/generate';
import { readManifest } from '../dataset/namespace';
import { postText } from '../dataset/posts';
import { parseScale } from '../dataset/scale';

/**
 * A loaded dataset's users and posts in the services' memory stores, regenerated from its manifest
 * (the same ids and times the loader wrote to MongoDB, so they match the Neo4j graph and the Redis
 * timelines). For the scenarios whose subject is not the document store: FerretDB v1 answers even an
 * `_id` lookup by scanning (3.3 s over 500,000 posts, 0.4-0.8 s over 100,000 users), so on it every
 * timeline strategy would measure FerretDB. The memory post store keeps each author's posts in id
 * order, as MongoDB's `{ authorId, _id }` index does, so the pull baseline reads what it would there.
 */
export async function memoryDocuments(mongodbUri: string, prefix: string) {
  const manifest = await readManifest(mongodbUri, prefix);
  if (!manifest) throw new Error(`no dataset under prefix ${prefix}`);
  const data = generate({ scale: parseScale(manifest.scale), seed: manifest.seed, now: manifest.now });
  const n = data.users.count;
  const users = new MemoryUserStore();
  users.seed(
    data.users.ids.map((id, u) => ({
      id,
      handle: handleOf(u, n),
      email: emailOf(u, n),
      displayName: `Bench ${handleOf(u, n)}`,
      passwordHash: 'not-a-hash: seeded accounts cannot log in',
      createdAt: new Date(data.users.createdAt[u]!),
    })),
  );
  const posts = new MemoryPostStore();
  const seedPosts = [];
  for (let i = 0; i < data.posts.count; i++) {
    seedPosts.push({
      id: postId(data, i),
      authorId: data.users.ids[data.posts.author[i]!]!,
      text: postText(data.seed, i),
      createdAt: new Date(data.posts.createdAt[i]!),
    });
  }
  posts.seed(seedPosts);
  return {
    userStores: { users, refreshTokens: new MemoryRefreshTokenStore() },
    postStores: { posts, likes: new MemoryLikeStore(), comments: new MemoryCommentStore() },
    counts: { users: n, posts: data.posts.count },
  };
}
