// Custom strategy "propertyAllowList": enabled when a context field has one of the allowed values.
//
// Parameters (define them on the strategy in Unleash, all strings):
//   property         the context field to read: a custom property such as "tenant" (sent as
//                    properties[tenant]=acme or tenant=acme), or a standard field such as
//                    "userId", "sessionId", "remoteAddress", "environment" or "appName"
//   values           the allowed values, comma-separated: "acme, globex, initech"
//   caseInsensitive  "true" to compare ignoring case; optional
//
// A request without the field is not enabled. A missing "property" parameter throws; the proxy
// then counts the strategy as not enabled and logs the message (at most once a minute).
const { Strategy } = require('unleash-client');

const STANDARD_FIELDS = new Set(['userId', 'sessionId', 'remoteAddress', 'environment', 'appName']);

// Flags are evaluated far more often than they change: parse each values list once.
const allowLists = new Map();

function allowListOf(values, caseInsensitive) {
  const key = `${caseInsensitive ? 'i' : 's'}:${values}`;
  let list = allowLists.get(key);
  if (list === undefined) {
    const entries = String(values ?? '')
      .split(',')
      .map((value) => value.trim())
      .filter((value) => value !== '')
      .map((value) => (caseInsensitive ? value.toLowerCase() : value));
    list = new Set(entries);
    if (allowLists.size > 1000) allowLists.clear();
    allowLists.set(key, list);
  }
  return list;
}

function fieldValue(context, property) {
  if (STANDARD_FIELDS.has(property)) return context[property];
  const properties = context.properties ?? {};
  return Object.hasOwn(properties, property) ? properties[property] : undefined;
}

class PropertyAllowListStrategy extends Strategy {
  constructor() {
    super('propertyAllowList');
  }

  isEnabled(parameters, context) {
    const property = String(parameters.property ?? '').trim();
    if (property === '') throw new Error('propertyAllowList: parameter property is empty');
    const caseInsensitive = String(parameters.caseInsensitive ?? '').trim() === 'true';
    const value = fieldValue(context, property);
    if (typeof value !== 'string') return false;
    const allowed = allowListOf(parameters.values, caseInsensitive);
    return allowed.has(caseInsensitive ? value.trim().toLowerCase() : value.trim());
  }
}

module.exports = [new PropertyAllowListStrategy()];
