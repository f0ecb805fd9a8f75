/**
 * Stand-in for the 'electron' module in the engine's type check
 * (tsconfig.engine.json maps 'electron' here): it exports nothing, so any
 * `import … from 'electron'` in src/engine fails `npm run typecheck`.
 */
export {}
