/** @deprecated moved to ./rl (strategy files are named by their registry id); kept until src/cli/search.ts imports ./rl */
export * from './rl'
