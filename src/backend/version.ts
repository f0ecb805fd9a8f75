/** App version (kept in sync with package.json by a test). */
export const APP_VERSION = '0.1.0'
