import { pageSize } from '@social/kit';
import { MAX_FOLLOWED_BY_SAMPLE } from '../loaders';
import type { FollowedByPeopleYouFollowResolvers } from '../__generated__/resolvers-types';

export const FollowedByPeopleYouFollow: FollowedByPeopleYouFollowResolvers = {
  // The parent holds the first MAX_FOLLOWED_BY_SAMPLE names (one batched query per page of profiles).
  sample: (parent, { first }) => parent.sample.slice(0, pageSize(first, MAX_FOLLOWED_BY_SAMPLE)),
};
