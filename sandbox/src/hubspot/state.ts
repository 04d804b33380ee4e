// The HubSpot simulator's state file (option `stateFile`): records (archived and merged ones included), the id
// sequences, unique-value indexes, custom and edited properties, apps, webhook settings and subscriptions.
import { check, StateFile, StateShapeError } from '../sim-kit/state-file.ts';
import type { Crm, CrmRecord, CrmState } from './crm.ts';
import {
  OBJECT_TYPES,
  type ObjectType,
  type PropertyDefinition,
  type PropertyRegistry,
} from './properties.ts';
import type {
  AppConfig,
  Delivery,
  Subscription,
  WebhookDispatcher,
  WebhookEvent,
  WebhookSettings,
  WebhookState,
} from './webhooks.ts';

export interface HubSpotStateParts {
  crm: Crm;
  registry: PropertyRegistry;
  dispatcher: WebhookDispatcher;
  apps: () => AppConfig[];
  /** Registers a saved app (only called for app ids the start options did not register). */
  restoreApp: (app: AppConfig) => void;
  isRegistered: (appId: number) => boolean;
}

/**
 * Loads `file` (throws `StateFileError` for an unreadable or corrupt one); the caller then points every part's
 * `onChange` at `markDirty`. Apps given in the start options win over saved ones with the same id.
 */
export function openHubSpotState(file: string, parts: HubSpotStateParts): StateFile {
  const { crm, registry, dispatcher } = parts;
  const state = new StateFile({
    file,
    label: 'HubSpot simulator',
    format: 'kongo-hubspot-simulator-state',
    version: 1,
    snapshot: () => ({
      ...crm.exportState(),
      properties: registry.exportChanged(),
      apps: parts.apps(),
      webhooks: dispatcher.exportState(),
    }),
  });
  const saved = state.read();
  if (saved === undefined) {
    state.markDirty();
    return state;
  }
  state.restore(saved, (data) => {
    const properties = parseByType(data.properties, 'properties', parseProperty);
    const crmState: CrmState = {
      nextObjectId: check.integer(data.nextObjectId, 'nextObjectId', 1),
      records: parseByType(data.records, 'records', parseRecord),
      unique: parseByType(data.unique, 'unique', parseIndex),
    };
    const apps = check.array(data.apps, 'apps').map((app, i) => parseApp(app, `apps[${i}]`));
    const webhooks = parseWebhooks(data.webhooks, 'webhooks');
    registry.importChanged(properties);
    crm.importState(crmState);
    for (const app of apps) if (!parts.isRegistered(app.appId)) parts.restoreApp(app);
    dispatcher.importState(webhooks);
  });
  return state;
}

function parseByType<T>(
  value: unknown,
  where: string,
  parse: (item: unknown, where: string) => T,
): Array<[ObjectType, T[]]> {
  return check.array(value, where).map((pair, i) => {
    const [type, items] = check.array(pair, `${where}[${i}]`);
    if (!(OBJECT_TYPES as readonly unknown[]).includes(type)) {
      throw new StateShapeError(`${where}[${i}] is not for contacts, companies or deals`);
    }
    const list = check
      .array(items, `${where}[${i}][1]`)
      .map((item, j) => parse(item, `${where}[${i}][1][${j}]`));
    return [type as ObjectType, list];
  });
}

function stringMap(value: unknown, where: string): Record<string, string> {
  const object = check.object(value, where);
  for (const [key, v] of Object.entries(object)) check.string(v, `${where}.${key}`);
  return object as Record<string, string>;
}

function parseRecord(value: unknown, where: string): CrmRecord {
  const r = check.object(value, where);
  const id = check.string(r.id, `${where}.id`);
  if (!/^\d+$/.test(id)) throw new StateShapeError(`${where}.id is not a numeric id`);
  const record: CrmRecord = {
    id,
    props: stringMap(r.props, `${where}.props`),
    createdAt: check.number(r.createdAt, `${where}.createdAt`),
    updatedAt: check.number(r.updatedAt, `${where}.updatedAt`),
    archived: check.boolean(r.archived, `${where}.archived`),
    indexedProps:
      r.indexedProps === undefined ? undefined : stringMap(r.indexedProps, `${where}.indexedProps`),
    visibleAt: check.number(r.visibleAt, `${where}.visibleAt`),
  };
  if (r.archivedAt !== undefined) record.archivedAt = check.number(r.archivedAt, `${where}.archivedAt`);
  if (r.mergedInto !== undefined) record.mergedInto = check.string(r.mergedInto, `${where}.mergedInto`);
  return record;
}

function parseIndex(value: unknown, where: string): [string, Array<[string, string]>] {
  const [name, entries] = check.array(value, where);
  return [
    check.string(name, `${where}[0]`),
    check.array(entries, `${where}[1]`).map((entry, i) => {
      const [v, id] = check.array(entry, `${where}[1][${i}]`);
      return [check.string(v, `${where}[1][${i}][0]`), check.string(id, `${where}[1][${i}][1]`)];
    }),
  ];
}

function parseProperty(value: unknown, where: string): PropertyDefinition {
  const p = check.object(value, where);
  for (const key of ['name', 'label', 'type', 'fieldType', 'groupName'])
    check.string(p[key], `${where}.${key}`);
  for (const key of ['hasUniqueValue', 'archived', 'externalOptions'])
    check.boolean(p[key], `${where}.${key}`);
  check.array(p.options, `${where}.options`).forEach((o, i) => {
    const option = check.object(o, `${where}.options[${i}]`);
    check.string(option.label, `${where}.options[${i}].label`);
    check.string(option.value, `${where}.options[${i}].value`);
  });
  const meta = check.object(p.modificationMetadata, `${where}.modificationMetadata`);
  for (const key of ['archivable', 'readOnlyDefinition', 'readOnlyValue'])
    check.boolean(meta[key], `${where}.modificationMetadata.${key}`);
  return p as unknown as PropertyDefinition;
}

function parseApp(value: unknown, where: string): AppConfig {
  const a = check.object(value, where);
  const app: AppConfig = {
    appId: check.integer(a.appId, `${where}.appId`),
    clientSecret: check.string(a.clientSecret, `${where}.clientSecret`),
    accessToken: check.string(a.accessToken, `${where}.accessToken`),
  };
  if (a.per10Seconds !== undefined) app.per10Seconds = check.number(a.per10Seconds, `${where}.per10Seconds`);
  if (a.daily !== undefined) app.daily = check.number(a.daily, `${where}.daily`);
  if (a.legacySignature !== undefined) {
    if (a.legacySignature !== 'v1' && a.legacySignature !== 'v2')
      throw new StateShapeError(`${where}.legacySignature is not v1 or v2`);
    app.legacySignature = a.legacySignature;
  }
  if (a.developerApiKey !== undefined)
    app.developerApiKey = check.string(a.developerApiKey, `${where}.developerApiKey`);
  return app;
}

function parseDelivery(value: unknown, where: string): Delivery {
  const d = check.object(value, where);
  const delivery: Delivery = {
    appId: check.integer(d.appId, `${where}.appId`),
    attemptNumber: check.integer(d.attemptNumber, `${where}.attemptNumber`),
    events: check.array(d.events, `${where}.events`).map((e, i) => {
      const event = check.object(e, `${where}.events[${i}]`);
      check.integer(event.eventId, `${where}.events[${i}].eventId`);
      check.string(event.subscriptionType, `${where}.events[${i}].subscriptionType`);
      return event as unknown as WebhookEvent;
    }),
  };
  if (d.dueAt !== undefined) delivery.dueAt = check.number(d.dueAt, `${where}.dueAt`);
  return delivery;
}

function parseWebhooks(value: unknown, where: string): WebhookState {
  const w = check.object(value, where);
  return {
    undelivered:
      w.undelivered === undefined
        ? []
        : check
            .array(w.undelivered, `${where}.undelivered`)
            .map((d, i) => parseDelivery(d, `${where}.undelivered[${i}]`)),
    nextSubscriptionId: check.integer(w.nextSubscriptionId, `${where}.nextSubscriptionId`, 1),
    nextEventId: check.integer(w.nextEventId, `${where}.nextEventId`, 1),
    settings: check.array(w.settings, `${where}.settings`).map((pair, i) => {
      const at = `${where}.settings[${i}]`;
      const [appId, s] = check.array(pair, at);
      return [check.integer(appId, `${at}[0]`), parseSettings(s, `${at}[1]`)];
    }),
    subscriptions: check.array(w.subscriptions, `${where}.subscriptions`).map((pair, i) => {
      const at = `${where}.subscriptions[${i}]`;
      const [appId, subs] = check.array(pair, at);
      return [
        check.integer(appId, `${at}[0]`),
        check.array(subs, `${at}[1]`).map((sub, j) => parseSubscription(sub, `${at}[1][${j}]`)),
      ];
    }),
  };
}

function parseSettings(value: unknown, where: string): WebhookSettings {
  const s = check.object(value, where);
  const throttling = check.object(s.throttling, `${where}.throttling`);
  return {
    targetUrl: check.string(s.targetUrl, `${where}.targetUrl`),
    throttling: {
      maxConcurrentRequests: check.number(
        throttling.maxConcurrentRequests,
        `${where}.throttling.maxConcurrentRequests`,
      ),
      period: check.string(throttling.period, `${where}.throttling.period`),
    },
    createdAt: check.string(s.createdAt, `${where}.createdAt`),
    updatedAt: check.string(s.updatedAt, `${where}.updatedAt`),
  };
}

function parseSubscription(value: unknown, where: string): Subscription {
  const s = check.object(value, where);
  const sub: Subscription = {
    id: check.integer(s.id, `${where}.id`),
    eventType: check.string(s.eventType, `${where}.eventType`),
    active: check.boolean(s.active, `${where}.active`),
    createdAt: check.string(s.createdAt, `${where}.createdAt`),
    updatedAt: check.string(s.updatedAt, `${where}.updatedAt`),
  };
  if (s.propertyName !== undefined) sub.propertyName = check.string(s.propertyName, `${where}.propertyName`);
  return sub;
}
