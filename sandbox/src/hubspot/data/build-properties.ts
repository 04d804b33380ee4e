/**
 * Builds the simulator's default property definitions (data/{contacts,companies,deals}.json) from the
 * HubSpot-defined property lists in data/source/*.txt. Run: `node --import tsx sandbox/src/hubspot/data/build-properties.ts`.
 *
 * The source lists (name | label | type | fieldType) come from a public dump of a real portal's properties
 * API filtered on `hubspotDefined: true` (see docs/SIMULATORS.md). The dump carries no groups, flags or
 * options, so this script adds them by the rules below; every rule is written out here so it can be checked.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

type ObjectType = 'contacts' | 'companies' | 'deals';

interface Option {
  label: string;
  value: string;
  displayOrder: number;
  hidden: boolean;
  description?: string;
}

const TYPES: Record<string, string> = {
  s: 'string',
  n: 'number',
  e: 'enumeration',
  b: 'bool',
  d: 'date',
  dt: 'datetime',
  p: 'phone_number',
  o: 'object_coordinates',
};
const FIELD_TYPES: Record<string, string> = {
  t: 'text',
  n: 'number',
  sel: 'select',
  r: 'radio',
  cb: 'checkbox',
  bc: 'booleancheckbox',
  d: 'date',
  ta: 'textarea',
  ph: 'phonenumber',
  ce: 'calculation_equation',
  cr: 'calculation_rollup',
  cs: 'calculation_score',
  crt: 'calculation_read_time',
  h: 'html',
};

const options = (pairs: Array<[string, string]>): Option[] =>
  pairs.map(([value, label], displayOrder) => ({ label, value, displayOrder, hidden: false }));

const YES_NO = options([
  ['true', 'Yes'],
  ['false', 'No'],
]);
const LIFECYCLE = options([
  ['subscriber', 'Subscriber'],
  ['lead', 'Lead'],
  ['marketingqualifiedlead', 'Marketing Qualified Lead'],
  ['salesqualifiedlead', 'Sales Qualified Lead'],
  ['opportunity', 'Opportunity'],
  ['customer', 'Customer'],
  ['evangelist', 'Evangelist'],
  ['other', 'Other'],
]);
const LEAD_STATUS = options([
  ['NEW', 'New'],
  ['OPEN', 'Open'],
  ['IN_PROGRESS', 'In Progress'],
  ['OPEN_DEAL', 'Open Deal'],
  ['UNQUALIFIED', 'Unqualified'],
  ['ATTEMPTED_TO_CONTACT', 'Attempted to Contact'],
  ['CONNECTED', 'Connected'],
  ['BAD_TIMING', 'Bad Timing'],
]);
const TRAFFIC_SOURCE = options([
  ['ORGANIC_SEARCH', 'Organic search'],
  ['PAID_SEARCH', 'Paid search'],
  ['EMAIL_MARKETING', 'Email marketing'],
  ['SOCIAL_MEDIA', 'Organic social'],
  ['REFERRALS', 'Referrals'],
  ['OTHER_CAMPAIGNS', 'Other campaigns'],
  ['DIRECT_TRAFFIC', 'Direct traffic'],
  ['OFFLINE', 'Offline Sources'],
  ['PAID_SOCIAL', 'Paid social'],
]);
const BUYING_ROLE = options([
  ['BLOCKER', 'Blocker'],
  ['BUDGET_HOLDER', 'Budget Holder'],
  ['CHAMPION', 'Champion'],
  ['DECISION_MAKER', 'Decision Maker'],
  ['END_USER', 'End User'],
  ['EXECUTIVE_SPONSOR', 'Executive Sponsor'],
  ['INFLUENCER', 'Influencer'],
  ['LEGAL_AND_COMPLIANCE', 'Legal & Compliance'],
  ['OTHER', 'Other'],
]);
const LEGAL_BASIS = options([
  ['Legitimate interest – prospect/lead', 'Legitimate interest – prospect/lead'],
  ['Legitimate interest – existing customer', 'Legitimate interest – existing customer'],
  ['Legitimate interest - other', 'Legitimate interest – other'],
  ['Performance of a contract', 'Performance of a contract'],
  ['Freely given consent from contact', 'Freely given consent from contact'],
  ['Not applicable', 'Not applicable'],
]);
const EMPLOYEES = options([
  ['1-5', '1-5'],
  ['5-25', '5-25'],
  ['25-50', '25-50'],
  ['50-100', '50-100'],
  ['100-500', '100-500'],
  ['500-1000', '500-1000'],
  ['1000+', '1000+'],
]);
const COMPANY_TYPE = options([
  ['PROSPECT', 'Prospect'],
  ['PARTNER', 'Partner'],
  ['RESELLER', 'Reseller'],
  ['VENDOR', 'Vendor'],
  ['OTHER', 'Other'],
]);
const INDUSTRY = options(
  [
    'ACCOUNTING',
    'AIRLINES_AVIATION',
    'APPAREL_FASHION',
    'ARCHITECTURE_PLANNING',
    'AUTOMOTIVE',
    'BANKING',
    'BIOTECHNOLOGY',
    'BROADCAST_MEDIA',
    'BUILDING_MATERIALS',
    'CHEMICALS',
    'COMPUTER_HARDWARE',
    'COMPUTER_NETWORK_SECURITY',
    'COMPUTER_SOFTWARE',
    'CONSTRUCTION',
    'CONSUMER_ELECTRONICS',
    'CONSUMER_GOODS',
    'CONSUMER_SERVICES',
    'EDUCATION_MANAGEMENT',
    'ENTERTAINMENT',
    'EVENTS_SERVICES',
    'FINANCIAL_SERVICES',
    'FOOD_BEVERAGES',
    'GOVERNMENT_ADMINISTRATION',
    'HOSPITAL_HEALTH_CARE',
    'HOSPITALITY',
    'INFORMATION_TECHNOLOGY_AND_SERVICES',
    'INSURANCE',
    'INTERNET',
    'LEGAL_SERVICES',
    'LOGISTICS_AND_SUPPLY_CHAIN',
    'MANAGEMENT_CONSULTING',
    'MARKETING_AND_ADVERTISING',
    'MECHANICAL_OR_INDUSTRIAL_ENGINEERING',
    'MEDICAL_DEVICES',
    'NONPROFIT_ORGANIZATION_MANAGEMENT',
    'PHARMACEUTICALS',
    'REAL_ESTATE',
    'RETAIL',
    'TELECOMMUNICATIONS',
    'UTILITIES',
  ].map((v): [string, string] => [
    v,
    v
      .toLowerCase()
      .split('_')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(' '),
  ]),
);
/** The default "Sales Pipeline" stages with their default win probabilities. */
const DEAL_STAGES: Option[] = [
  ['appointmentscheduled', 'Appointment Scheduled', '0.2'],
  ['qualifiedtobuy', 'Qualified To Buy', '0.4'],
  ['presentationscheduled', 'Presentation Scheduled', '0.6'],
  ['decisionmakerboughtin', 'Decision Maker Bought-In', '0.8'],
  ['contractsent', 'Contract Sent', '0.9'],
  ['closedwon', 'Closed Won', '1.0'],
  ['closedlost', 'Closed Lost', '0.0'],
].map(([value, label, probability], displayOrder) => ({
  label: label as string,
  value: value as string,
  displayOrder,
  hidden: false,
  description: `probability ${probability}`,
}));

const KNOWN_OPTIONS: Record<string, Option[]> = {
  lifecyclestage: LIFECYCLE,
  hs_lead_status: LEAD_STATUS,
  hs_analytics_source: TRAFFIC_SOURCE,
  hs_latest_source: TRAFFIC_SOURCE,
  hs_analytics_latest_source: TRAFFIC_SOURCE,
  hs_buying_role: BUYING_ROLE,
  hs_legal_basis: LEGAL_BASIS,
  numemployees: EMPLOYEES,
  hs_pipeline: options([['contacts-lifecycle-pipeline', 'Lifecycle Stage Pipeline']]),
  dealstage: DEAL_STAGES,
  pipeline: options([['default', 'Sales Pipeline']]),
  dealtype: options([
    ['newbusiness', 'New Business'],
    ['existingbusiness', 'Existing Business'],
  ]),
  hs_priority: options([
    ['low', 'Low'],
    ['medium', 'Medium'],
    ['high', 'High'],
  ]),
  deal_currency_code: options([
    ['USD', 'US Dollar'],
    ['EUR', 'Euro'],
    ['GBP', 'British Pound'],
  ]),
};
const COMPANY_OPTIONS: Record<string, Option[]> = { industry: INDUSTRY, type: COMPANY_TYPE };

/** Values are HubSpot owner / team / business-unit ids: options come from elsewhere (externalOptions). */
const OWNER_REFERENCES = new Set([
  'hubspot_owner_id',
  'hs_all_owner_ids',
  'hs_shared_user_ids',
  'hs_user_ids_of_all_owners',
  'hs_user_ids_of_all_notification_followers',
  'hs_user_ids_of_all_notification_unfollowers',
  'hs_all_collaborator_owner_ids',
  'hs_all_deal_split_owner_ids',
]);
const EXTERNAL_IDS = new Set([
  'hubspot_team_id',
  'hs_all_team_ids',
  'hs_all_accessible_team_ids',
  'hs_shared_team_ids',
  'hs_owning_teams',
  'hs_attributed_team_ids',
  'hs_all_assigned_business_unit_ids',
]);

/** Properties HubSpot maintains itself: writing them through the API is refused. */
const READ_ONLY_EXACT = new Set([
  'lastmodifieddate',
  'hs_lastmodifieddate',
  'hs_object_id',
  'hs_createdate',
  'hs_created_by_user_id',
  'hs_updated_by_user_id',
  'hs_all_contact_vids',
  'hs_merged_object_ids',
  'hs_email_domain',
  'hs_is_contact',
  'hs_was_imported',
  'hs_read_only',
  'hs_unique_creation_key',
  'hs_email_optout',
  'hs_email_is_ineligible',
  'hs_email_bad_address',
  'hs_email_quarantined',
  'hs_email_quarantined_reason',
  'hs_email_sends_since_last_engagement',
  'hs_all_owner_ids',
  'hs_all_team_ids',
  'hs_all_accessible_team_ids',
  'num_conversion_events',
  'num_unique_conversion_events',
  'num_notes',
  'num_contacted_notes',
  'num_associated_deals',
  'num_associated_contacts',
  'notes_last_updated',
  'notes_last_contacted',
  'notes_next_activity_date',
  'days_to_close',
  'first_deal_created_date',
  'first_contact_createdate',
  'recent_deal_amount',
  'recent_deal_close_date',
  'hubspot_owner_assigneddate',
  'hubspotscore',
  'associatedcompanylastupdated',
  'hs_latest_meeting_activity',
  'hs_closed_won_date',
]);
const READ_ONLY_PREFIXES = [
  'hs_analytics_',
  'hs_latest_source',
  'hs_calculated_',
  'hs_searchable_calculated_',
  'hs_v2_',
  'hs_date_entered_',
  'hs_date_exited_',
  'hs_time_in_',
  'hs_time_between_',
  'hs_time_to_move_',
  'hs_object_source',
  'hs_user_ids_of_all_',
  'first_conversion_',
  'recent_conversion_',
  'hs_notes_',
  'hs_email_first_',
  'hs_email_last_',
  'hs_email_bounce',
  'hs_email_click',
  'hs_email_delivered',
  'hs_email_open',
  'hs_email_replied',
  'hs_sequences_',
  'hs_latest_sequence_',
  'hs_last_sales_activity',
  'hs_sales_email_last_',
  'hs_social_',
  'hs_marketable_reason_',
  'engagements_last_meeting_booked',
  'hs_num_',
  'hs_number_of_',
];

function groupFor(objectType: ObjectType, name: string): string {
  const social =
    name.startsWith('hs_social_') ||
    name.startsWith('twitter') ||
    name.startsWith('linkedin') ||
    ['hs_linkedinid', 'hs_facebookid', 'hs_twitterid', 'hs_googleplusid', 'followercount'].includes(name) ||
    ['kloutscoregeneral', 'facebook_company_page', 'facebookfans', 'googleplus_page'].includes(name);
  if (social) return 'socialmediainformation';
  if (
    name.startsWith('first_conversion') ||
    name.startsWith('recent_conversion') ||
    name.includes('conversion_events') ||
    name === 'hs_calculated_form_submissions'
  ) {
    return 'conversioninformation';
  }
  if (name.startsWith('hs_analytics_') || name.startsWith('hs_latest_source') || name.startsWith('ip_')) {
    return 'analyticsinformation';
  }
  const activity =
    name.startsWith('notes_') ||
    name.startsWith('hs_notes_') ||
    name.startsWith('engagements_') ||
    name.startsWith('hs_last_sales_activity') ||
    name.startsWith('hs_sales_email_') ||
    name === 'num_notes' ||
    name === 'num_contacted_notes';
  if (objectType === 'contacts') {
    if (name.startsWith('hs_email_') || name === 'hs_emailconfirmationstatus') return 'emailinformation';
    if (
      activity ||
      name.startsWith('hs_sequences_') ||
      name.startsWith('hs_latest_sequence_') ||
      name.startsWith('hs_sa_') ||
      [
        'hs_lead_status',
        'hs_buying_role',
        'hubspot_owner_assigneddate',
        'hs_time_to_first_engagement',
      ].includes(name)
    ) {
      return 'sales_properties';
    }
    if (
      ['days_to_close', 'first_deal_created_date', 'num_associated_deals', 'total_revenue'].includes(name)
    ) {
      return 'deal_information';
    }
    if (name.startsWith('recent_deal_')) return 'deal_information';
    return 'contactinformation';
  }
  if (objectType === 'companies') {
    if (activity || name.startsWith('hs_last_')) return 'company_activity';
    if (name.includes('target_account')) return 'target_accounts';
    return 'companyinformation';
  }
  if (activity || name.includes('_email_') || name.startsWith('hs_number_of_')) return 'deal_activity';
  return 'dealinformation';
}

function isReadOnly(name: string, fieldType: string): boolean {
  if (fieldType.startsWith('calculation_')) return true;
  if (READ_ONLY_EXACT.has(name)) return true;
  return READ_ONLY_PREFIXES.some((prefix) => name.startsWith(prefix));
}

function build(objectType: ObjectType): unknown[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const lines = readFileSync(join(here, 'source', `${objectType}.txt`), 'utf8')
    .split('\n')
    .filter(Boolean);
  const seen = new Set<string>();
  const out: unknown[] = [];
  lines.forEach((line, displayOrder) => {
    const [name, label, typeCode, fieldCode] = line.split('|');
    if (!name || label === undefined || !typeCode || !fieldCode) throw new Error(`bad line: ${line}`);
    if (seen.has(name)) return;
    seen.add(name);
    const type = TYPES[typeCode];
    const fieldType = FIELD_TYPES[fieldCode];
    if (!type || !fieldType) throw new Error(`unknown type code in: ${line}`);
    const readOnlyValue = isReadOnly(name, fieldType);
    const calculated = fieldType.startsWith('calculation_');
    const external = OWNER_REFERENCES.has(name) || EXTERNAL_IDS.has(name);
    let opts: Option[] = [];
    if (type === 'bool' || (type === 'enumeration' && fieldType === 'booleancheckbox')) opts = YES_NO;
    opts = (objectType === 'companies' ? COMPANY_OPTIONS[name] : undefined) ?? KNOWN_OPTIONS[name] ?? opts;
    const property: Record<string, unknown> = {
      name,
      label,
      type,
      fieldType,
      description: '',
      groupName: groupFor(objectType, name),
      options: opts,
      displayOrder,
      calculated,
      externalOptions: external,
      hasUniqueValue: name === 'hs_unique_creation_key',
      hidden: false,
      hubspotDefined: true,
      formField: !readOnlyValue && groupFor(objectType, name).endsWith('information'),
      modificationMetadata: { archivable: false, readOnlyDefinition: true, readOnlyValue },
      createdAt: '2019-08-06T02:41:08.029Z',
      updatedAt: '2019-08-06T02:41:08.029Z',
      archived: false,
    };
    if (OWNER_REFERENCES.has(name)) property.referencedObjectType = 'OWNER';
    out.push(property);
  });
  return out;
}

for (const objectType of ['contacts', 'companies', 'deals'] as const) {
  const here = dirname(fileURLToPath(import.meta.url));
  const properties = build(objectType);
  writeFileSync(join(here, `${objectType}.json`), `${JSON.stringify(properties, null, 1)}\n`);
  console.log(`${objectType}: ${properties.length} properties`);
}
