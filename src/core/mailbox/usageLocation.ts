/**
 * A user's usage location: the ISO 3166-1 alpha-2 country a licence needs (`US`, `GB`, `DE`),
 * "Required for users that are assigned licenses" (https://learn.microsoft.com/graph/api/resources/user).
 * Every entry point that takes one (CSV column, batch, endpoint, setting) checks it with this.
 */
export const USAGE_LOCATION_PATTERN = /^[A-Za-z]{2}$/;

/** How the error messages describe a valid value. */
export const USAGE_LOCATION_RULE = 'a two-letter country code such as US, GB or DE (ISO 3166)';
