/**
 * How a context field name is looked up, decided once at compile time. unleash-client's
 * `resolveContextValue` reads `context[field] ?? context.properties?.[field]` and stringifies
 * it; `toUnleashContext` puts the standard fields at top level and every custom one in
 * `properties`, so the same lookup is a switch over the field's kind.
 */
export enum FieldKind {
  Property = 0,
  UserId = 1,
  SessionId = 2,
  RemoteAddress = 3,
  Environment = 4,
  AppName = 5,
  CurrentTime = 6,
  /** `properties` itself: always the object, which stringifies to "[object Object]". */
  PropertiesObject = 7,
}

export interface ContextField {
  readonly kind: FieldKind;
  readonly name: string;
}

const standardKinds: ReadonlyMap<string, FieldKind> = new Map([
  ['userId', FieldKind.UserId],
  ['sessionId', FieldKind.SessionId],
  ['remoteAddress', FieldKind.RemoteAddress],
  ['environment', FieldKind.Environment],
  ['appName', FieldKind.AppName],
  ['currentTime', FieldKind.CurrentTime],
  ['properties', FieldKind.PropertiesObject],
]);

/**
 * The field, or `undefined` when it cannot be compiled faithfully: a non-string name, or a name
 * the SDK would find on `Object.prototype` (`constructor`, `toString`, `__proto__`...).
 */
export function compileField(name: unknown): ContextField | undefined {
  if (typeof name !== 'string') return undefined;
  const kind = standardKinds.get(name);
  if (kind !== undefined) return { kind, name };
  if (name in Object.prototype) return undefined;
  return { kind: FieldKind.Property, name };
}

function stringify(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return value === undefined || value === null ? undefined : String(value);
}

/** The request's context fields, read once per request into one shape (see RequestState). */
export interface ContextView {
  readonly userId: string | undefined;
  readonly sessionId: string | undefined;
  readonly remoteAddress: string | undefined;
  readonly environment: string | undefined;
  readonly appName: string | undefined;
  readonly currentTime: Date | undefined;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** unleash-client's `resolveContextValue` over the request's context. */
export function resolveField(context: ContextView, field: ContextField): string | undefined {
  let value: unknown;
  switch (field.kind) {
    case FieldKind.Property:
      return stringify(context.properties[field.name]);
    case FieldKind.UserId:
      value = context.userId;
      break;
    case FieldKind.SessionId:
      value = context.sessionId;
      break;
    case FieldKind.RemoteAddress:
      value = context.remoteAddress;
      break;
    case FieldKind.Environment:
      value = context.environment;
      break;
    case FieldKind.AppName:
      value = context.appName;
      break;
    case FieldKind.CurrentTime:
      value = context.currentTime;
      break;
    case FieldKind.PropertiesObject:
      return '[object Object]';
  }
  return stringify(value ?? context.properties[field.name]);
}
