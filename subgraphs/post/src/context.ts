import type DataLoader from 'dataloader';
import type { Logger } from '@social/kit';
import type { CommentService } from './comment-service';
import type { CountReader, Counts } from './counters/count-reader';
import type { LikeService } from './like-service';
import type { CommentModel, PostModel } from './models';
import type { PostService } from './post-service';
import type { PostCountsRow } from './stores/post-store';
import type { ViewService } from './view-service';

/** The services a request may use; built once per process. */
export interface Services {
  posts: PostService;
  likes: LikeService;
  comments: CommentService;
  views: ViewService;
  counts: CountReader;
}

export interface Context extends Services {
  /** The verified calling process, e.g. "gateway" or "feed". */
  caller: string;
  /** The signed-in person the request is made for, or null when signed out. */
  viewerId: string | null;
  /** Per request, so a page of posts costs one query per kind of data, not one per post. */
  loaders: {
    post: DataLoader<string, PostModel | null>;
    comment: DataLoader<string, CommentModel | null>;
    counts: DataLoader<PostCountsRow, Counts, string>;
    viewerLikes: DataLoader<string, boolean>;
  };
  logger: Logger;
}
