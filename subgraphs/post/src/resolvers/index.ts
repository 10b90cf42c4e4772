import type { Resolvers } from '../__generated__/resolvers-types';
import { Comment } from './Comment';
import { Mutation } from './Mutation';
import { Post } from './Post';
import { Query } from './Query';
import { User } from './User';

export const resolvers: Resolvers = { Query, Mutation, Post, Comment, User };
