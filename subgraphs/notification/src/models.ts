import type { GroupRecord } from './stores/notification-store';

/** What Notification resolvers receive: the stored group and whether it is at or below the read marker. */
export interface NotificationModel {
  group: GroupRecord;
  read: boolean;
}

/** A person this subgraph only references: the user subgraph owns every other field. */
export interface UserRef {
  id: string;
}

/** A post this subgraph only references: the post subgraph owns every other field. */
export interface PostRef {
  id: string;
}
