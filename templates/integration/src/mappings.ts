/**
 * The field mappings of each direction, one line per target field. Review these against the
 * studio: each line is the formula the consultant drew. The generator replaces the tables below.
 */
import { concat, field, literal, lowercase } from '@kongo/runtime/formulas';
import {
  type MappingNotes,
  type MappingsByDirection,
  type MappingTable,
  mappingList,
} from './mapping-table.ts';

export const hubspotToDestination: MappingTable = {
  customerEmail: lowercase(field('email')),
  title: concat(field('firstname'), literal(' '), field('lastname')),
};

export const hubspotToDestinationNotes: MappingNotes = {
  customerEmail: 'The natural key.',
};

export const destinationToHubspot: MappingTable = {
  email: field('customerEmail'),
};

export const destinationToHubspotNotes: MappingNotes = {};

export const mappings: MappingsByDirection = {
  'hubspot-to-destination': mappingList(hubspotToDestination, hubspotToDestinationNotes),
  'destination-to-hubspot': mappingList(destinationToHubspot, destinationToHubspotNotes),
};
