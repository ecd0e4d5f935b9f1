// The limits on names and passwords, without zod, so the console can say them in its hints and
// cap its inputs (`@weir/domain/rules`); the schemas in names.ts are built from them.

/** Organisations, API keys, people. */
export const DISPLAY_NAME_MAX = 64;

/** Clusters and projects: the name ends up in URLs, paths and runtime names. */
export const RESOURCE_NAME_MAX = 40;
export const RESOURCE_NAME_PATTERN = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;
export const RESOURCE_NAME_RULE =
  "Use lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen";

export const EMAIL_MAX = 254;

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;
