// Token strings are parsed in src/config (it reads them at boot and sits below every folder);
// scopes use the same parser.
export * from '../config/unleash-token.js';
