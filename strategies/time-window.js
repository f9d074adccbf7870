// Custom strategy "timeWindow": enabled between two times of day in a time zone.
//
// Parameters (define them on the strategy in Unleash, all strings):
//   start     "HH:MM", 24-hour clock, inclusive, e.g. "09:00"
//   end       "HH:MM", exclusive, e.g. "17:30"; a window may cross midnight ("22:00" to "06:00")
//   timezone  an IANA time zone such as "Europe/Oslo"; optional, "UTC" when empty
//
// The time is the context's currentTime when the caller sends one, otherwise the proxy's clock.
// A start equal to the end is an empty window: never enabled. Bad parameters throw; the proxy
// then counts the strategy as not enabled and logs the message (at most once a minute).
const { Strategy } = require('unleash-client');

const TIME_OF_DAY = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** "HH:MM" as minutes after midnight. */
function minutesOf(parameterName, value) {
  const match = TIME_OF_DAY.exec(String(value ?? '').trim());
  if (match === null) {
    throw new Error(`timeWindow: parameter ${parameterName} must be HH:MM, got "${value}"`);
  }
  return Number(match[1]) * 60 + Number(match[2]);
}

// Building an Intl.DateTimeFormat is slow compared to using one: keep one per time zone.
const formatters = new Map();

function formatterFor(timeZone) {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    // Throws a RangeError naming the zone when it is unknown.
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    if (formatters.size > 100) formatters.clear();
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Minutes after midnight of `time` on the wall clock of `timeZone`. */
function minutesInZone(time, timeZone) {
  let hour = 0;
  let minute = 0;
  for (const part of formatterFor(timeZone).formatToParts(time)) {
    if (part.type === 'hour') hour = Number(part.value);
    if (part.type === 'minute') minute = Number(part.value);
  }
  return hour * 60 + minute;
}

class TimeWindowStrategy extends Strategy {
  constructor() {
    super('timeWindow');
  }

  isEnabled(parameters, context) {
    const start = minutesOf('start', parameters.start);
    const end = minutesOf('end', parameters.end);
    const timeZone = String(parameters.timezone ?? '').trim() || 'UTC';
    const time = context.currentTime ? new Date(context.currentTime) : new Date();
    const now = minutesInZone(time, timeZone);
    return start <= end ? start <= now && now < end : now >= start || now < end;
  }
}

module.exports = [new TimeWindowStrategy()];
