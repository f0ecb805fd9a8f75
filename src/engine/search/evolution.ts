/** @deprecated moved to ./re (strategy files are named by their registry id); kept until src/cli/search.ts imports ./re */
export * from './re'
