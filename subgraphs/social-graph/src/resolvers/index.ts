import type { Resolvers } from '../__generated__/resolvers-types';
import { FollowedByPeopleYouFollow } from './FollowedByPeopleYouFollow';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { User } from './User';

export const resolvers: Resolvers = { Query, Mutation, User, FollowedByPeopleYouFollow };
