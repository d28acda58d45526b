/**
 * The sans-IO core: public surface; defines nothing.
 */
export { H2Connection } from './connection.js';
export type { SendHeadersOptions, SendDataOptions, CloseConnectionOptions, AltSvcOptions, PrioritizeOptions } from './send-options.js';
export { H2Configuration, type H2ConfigurationOptions, type HeaderEncoding, type H2Logger, performanceClock } from './config.js';
export { RateLimit, type RateLimitOptions } from './budgets.js';
export type { RetentionOptions } from './closed-streams.js';
export { ConnectionState } from './connection-state.js';
export { StreamState } from './stream-state.js';
export { SettingCodes, Settings, ChangedSetting, type SettingsInput, settingsEntries } from './settings.js';
export * from './events.js';
export { checkHeaderIterable, type HeaderInput, neverIndexed, isNeverIndexed } from './headers/normalize.js';
export { encodeHttp2Settings, decodeHttp2Settings } from './upgrade.js';
export { MIN_LENT_PAYLOAD } from '../frame/writer.js';
export { type ExtensiblePriority, DEFAULT_PRIORITY, parsePriorityField, serializePriority, resolvePriority } from './extensible-priority.js';
