/**
 * The destination connector the spec names (docs/CONNECTORS.md), embedded as data: the generator
 * replaces `connector` below with the catalog's document (or the `<id>.connector.json` beside the
 * spec), so the handlers never read the catalog at run time. `undefined` = the spec names no
 * connector and means one of the two legacy entries; nothing else in this file changes.
 */
import type { ConnectorDocument } from '@kongo/runtime/connector';

export const connector: ConnectorDocument | undefined = undefined;
