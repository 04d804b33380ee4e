// Jobber clients without HTTP: create / edit / archive with Jobber's userErrors, Relay pages, webhook topics.
import { encodeId } from './schema.ts';

export interface StoredEmail {
  n: number;
  address: string;
  description: string;
  primary: boolean;
}

export interface StoredPhone {
  n: number;
  number: string;
  description: string;
  primary: boolean;
  smsAllowed: boolean;
}

export interface StoredClient {
  n: number;
  title: string | null;
  firstName: string;
  lastName: string;
  companyName: string | null;
  isCompany: boolean;
  isLead: boolean;
  isArchived: boolean;
  emails: StoredEmail[];
  phones: StoredPhone[];
  createdAt: string;
  updatedAt: string;
}

export type ClientTopic = 'CLIENT_CREATE' | 'CLIENT_UPDATE' | 'CLIENT_DESTROY';

export interface ClientChange {
  topic: ClientTopic;
  itemId: string;
  occurredAt: string;
  actor: 'api' | 'ui';
}

export interface UserError {
  message: string;
  path: string[];
}

export interface EmailAttributes {
  id?: string;
  description?: string | null;
  address?: string | null;
  primary?: boolean | null;
}

export interface PhoneAttributes {
  id?: string;
  description?: string | null;
  number?: string | null;
  smsAllowed?: boolean | null;
  primary?: boolean | null;
}

export interface ClientAttributes {
  title?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  companyName?: string | null;
  isCompany?: boolean | null;
  emails?: EmailAttributes[] | null;
  phones?: PhoneAttributes[] | null;
  emailsToAdd?: EmailAttributes[] | null;
  emailsToEdit?: EmailAttributes[] | null;
  emailsToDelete?: string[] | null;
  phonesToAdd?: PhoneAttributes[] | null;
  phonesToEdit?: PhoneAttributes[] | null;
  phonesToDelete?: string[] | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** ISO 8601 to the second with offset, as Jobber's ISO8601DateTime values read (`2021-08-12T16:31:36Z`). */
export function jobberTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The GraphQL `Client` object for a stored client. */
export function clientView(c: StoredClient): Record<string, unknown> {
  const name =
    c.isCompany && c.companyName
      ? c.companyName
      : `${c.firstName} ${c.lastName}`.trim() || (c.companyName ?? '');
  return {
    id: encodeId('Client', c.n),
    title: c.title,
    firstName: c.firstName,
    lastName: c.lastName,
    companyName: c.companyName,
    isCompany: c.isCompany,
    isLead: c.isLead,
    isArchived: c.isArchived,
    name,
    emails: c.emails.map((e) => ({
      id: encodeId('Email', e.n),
      address: e.address,
      description: e.description,
      primary: e.primary,
    })),
    phones: c.phones.map((p) => ({
      id: encodeId('ClientPhoneNumber', p.n),
      number: p.number,
      friendly: p.number,
      normalizedPhoneNumber: p.number.replace(/[^\d+]/g, ''),
      description: p.description,
      primary: p.primary,
      smsAllowed: p.smsAllowed,
    })),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

export class ClientStore {
  clients = new Map<number, StoredClient>();
  nextId = 1;
  onChange: () => void = () => {};
  #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  clear(): void {
    this.clients.clear();
    this.nextId = 1;
    this.onChange();
  }

  /** Clients in id order (the order of `clients` pages). */
  ordered(): StoredClient[] {
    return [...this.clients.values()].sort((a, b) => a.n - b.n);
  }

  create(
    input: ClientAttributes,
    actor: 'api' | 'ui',
  ): { client?: StoredClient; userErrors: UserError[]; change?: ClientChange } {
    const userErrors = [
      ...checkNames(input, undefined),
      ...checkEmails(input.emails ?? [], ['input', 'emails']),
    ];
    if (userErrors.length > 0) return { userErrors };
    const at = jobberTime(this.#now());
    const client: StoredClient = {
      n: this.nextId++,
      title: input.title ?? null,
      firstName: input.firstName ?? '',
      lastName: input.lastName ?? '',
      companyName: input.companyName ?? null,
      isCompany: input.isCompany ?? false,
      isLead: false,
      isArchived: false,
      emails: [],
      phones: [],
      createdAt: at,
      updatedAt: at,
    };
    this.#addEmails(client, input.emails ?? []);
    this.#addPhones(client, input.phones ?? []);
    this.clients.set(client.n, client);
    this.onChange();
    return {
      client,
      userErrors: [],
      change: { topic: 'CLIENT_CREATE', itemId: encodeId('Client', client.n), occurredAt: at, actor },
    };
  }

  edit(
    n: number | undefined,
    input: ClientAttributes,
    actor: 'api' | 'ui',
  ): { client?: StoredClient; userErrors: UserError[]; change?: ClientChange } {
    const client = n === undefined ? undefined : this.clients.get(n);
    if (!client) return { userErrors: [{ message: 'Client not found', path: ['clientId'] }] };
    const userErrors = [
      ...checkNames(input, client),
      ...checkEmails(input.emailsToAdd ?? [], ['input', 'emailsToAdd']),
      ...checkEmails(input.emailsToEdit ?? [], ['input', 'emailsToEdit']),
    ];
    for (const [i, edit] of (input.emailsToEdit ?? []).entries()) {
      if (!client.emails.some((e) => encodeId('Email', e.n) === edit.id)) {
        userErrors.push({ message: 'Email not found', path: ['input', 'emailsToEdit', String(i), 'id'] });
      }
    }
    if (userErrors.length > 0) return { userErrors };
    for (const key of ['title', 'firstName', 'lastName', 'companyName', 'isCompany'] as const) {
      const value = input[key];
      if (value === undefined) continue;
      if (key === 'isCompany') client.isCompany = value === true;
      else if (key === 'firstName' || key === 'lastName') client[key] = (value as string | null) ?? '';
      else client[key] = value as string | null;
    }
    const deleted = new Set(input.emailsToDelete ?? []);
    client.emails = client.emails.filter((e) => !deleted.has(encodeId('Email', e.n)));
    for (const edit of input.emailsToEdit ?? []) {
      const email = client.emails.find((e) => encodeId('Email', e.n) === edit.id);
      if (!email) continue;
      if (edit.address != null) email.address = edit.address;
      if (edit.description != null) email.description = edit.description;
      if (edit.primary != null) email.primary = edit.primary;
    }
    this.#addEmails(client, input.emailsToAdd ?? []);
    const deletedPhones = new Set(input.phonesToDelete ?? []);
    client.phones = client.phones.filter((p) => !deletedPhones.has(encodeId('ClientPhoneNumber', p.n)));
    for (const edit of input.phonesToEdit ?? []) {
      const phone = client.phones.find((p) => encodeId('ClientPhoneNumber', p.n) === edit.id);
      if (!phone) continue;
      if (edit.number != null) phone.number = edit.number;
      if (edit.description != null) phone.description = edit.description;
      if (edit.primary != null) phone.primary = edit.primary;
      if (edit.smsAllowed != null) phone.smsAllowed = edit.smsAllowed;
    }
    this.#addPhones(client, input.phonesToAdd ?? []);
    return this.#touched(client, actor);
  }

  archive(
    n: number | undefined,
    actor: 'api' | 'ui',
  ): { client?: StoredClient; userErrors: UserError[]; change?: ClientChange } {
    const client = n === undefined ? undefined : this.clients.get(n);
    if (!client) return { userErrors: [{ message: 'Client not found', path: ['clientId'] }] };
    client.isArchived = true;
    return this.#touched(client, actor);
  }

  destroy(n: number, actor: 'api' | 'ui'): ClientChange | undefined {
    if (!this.clients.delete(n)) return undefined;
    this.onChange();
    return {
      topic: 'CLIENT_DESTROY',
      itemId: encodeId('Client', n),
      occurredAt: jobberTime(this.#now()),
      actor,
    };
  }

  #touched(
    client: StoredClient,
    actor: 'api' | 'ui',
  ): { client: StoredClient; userErrors: UserError[]; change: ClientChange } {
    client.updatedAt = jobberTime(this.#now());
    this.onChange();
    return {
      client,
      userErrors: [],
      change: {
        topic: 'CLIENT_UPDATE',
        itemId: encodeId('Client', client.n),
        occurredAt: client.updatedAt,
        actor,
      },
    };
  }

  #addEmails(client: StoredClient, emails: EmailAttributes[]): void {
    for (const email of emails) {
      client.emails.push({
        n: this.nextId++,
        address: email.address ?? '',
        description: email.description ?? 'MAIN',
        primary: email.primary ?? client.emails.length === 0,
      });
    }
  }

  #addPhones(client: StoredClient, phones: PhoneAttributes[]): void {
    for (const phone of phones) {
      client.phones.push({
        n: this.nextId++,
        number: phone.number ?? '',
        description: phone.description ?? 'MAIN',
        primary: phone.primary ?? client.phones.length === 0,
        smsAllowed: phone.smsAllowed ?? false,
      });
    }
  }
}

/** A client needs a first name, a last name or a company name (after the edit, for edits). */
function checkNames(input: ClientAttributes, existing: StoredClient | undefined): UserError[] {
  const pick = (key: 'firstName' | 'lastName' | 'companyName'): string =>
    (input[key] !== undefined ? input[key] : existing?.[key]) ?? '';
  if (
    pick('firstName').trim() === '' &&
    pick('lastName').trim() === '' &&
    pick('companyName').trim() === ''
  ) {
    return [{ message: 'A client needs a first name, last name or company name', path: ['input'] }];
  }
  return [];
}

function checkEmails(emails: EmailAttributes[], path: string[]): UserError[] {
  return emails.flatMap((email, i) =>
    email.address != null && !EMAIL.test(email.address)
      ? [{ message: 'Email address is invalid', path: [...path, String(i), 'address'] }]
      : [],
  );
}
