import type { Logger } from '@social/kit';
import type { NotificationService } from './notification-service';

/** The services a request may use; built once per process. */
export interface Services {
  notifications: NotificationService;
}

export interface Context extends Services {
  /** The verified calling process, e.g. "gateway". */
  caller: string;
  /** The signed-in person the request is made for, or null when signed out. */
  viewerId: string | null;
  logger: Logger;
}
