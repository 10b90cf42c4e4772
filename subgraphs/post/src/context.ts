import type DataLoader from 'dataloader';
import type { Logger } from '@social/kit';
import type { PostService } from './post-service';
import type { PostModel } from './models';

export interface Context {
  /** The verified calling process, e.g. "gateway" or "feed". */
  caller: string;
  /** The signed-in person the request is made for, or null when signed out. */
  viewerId: string | null;
  posts: PostService;
  /** Per request, so one `_entities` call for a page of posts becomes one database query. */
  loaders: {
    post: DataLoader<string, PostModel | null>;
  };
  logger: Logger;
}
