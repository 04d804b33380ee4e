/** The Notification Centre's error family: each says what went wrong and carries what a person needs. */

export class NotificationCentreError extends Error {
  override name = 'NotificationCentreError';
}

/** Another writer changed the integration's state since it was read; re-read and re-apply. */
export class StateConflictError extends NotificationCentreError {
  override name = 'StateConflictError';
  constructor(
    readonly integrationId: string,
    options?: { cause?: unknown },
  ) {
    super(`State of integration ${integrationId} changed while it was being updated; retry`, options);
  }
}

/** A request body broke the heartbeat schema; `problems` are JSON pointers with what is wrong. */
export class PayloadRejectedError extends NotificationCentreError {
  override name = 'PayloadRejectedError';
  constructor(readonly problems: string[]) {
    super(`Payload rejected: ${problems.slice(0, 5).join('; ')}`);
  }
}

export class NotFoundError extends NotificationCentreError {
  override name = 'NotFoundError';
}

export class ConfigError extends NotificationCentreError {
  override name = 'ConfigError';
}
