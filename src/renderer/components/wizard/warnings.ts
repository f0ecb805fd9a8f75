/**
 * Wizard warnings (pure): setups the engine accepts but that cannot do what the
 * user most likely expects. Each has a stable id (tests, aria) and a sentence
 * saying what will happen and what to change. Not blocking: the run may still start.
 *  - 're-population':  RE population P ≥ budget N — every evaluation is a random
 *                      initial-population sample, evolution never starts;
 *  - 'workers-cores':  more workers than CPU cores — they compete, no speed-up;
 *  - 'batch-dataset':  the batch is larger than the dataset — every evaluation
 *                      fails (the engine refuses it), so this one also blocks Next;
 *  - 'partial-table':  the benchmark table covers only part of the space —
 *                      architectures outside it get no accuracy, ρ/τ use the rest.
 */
export interface WizardFacts {
  strategy: string
  strategyOptions: Record<string, unknown>
  n: number
  workers: number
  cores: number | null
  batchSize: number
  /** images in the chosen dataset (null / negative = unknown or unlimited, e.g. noise) */
  datasetCount: number | null
  tableSize: number | null
  /** architectures in the space (catalog meta.size; null = unknown / unbounded) */
  spaceSize: number | null
  spaceLabel: string
}

export interface WizardWarning {
  id: 're-population' | 'workers-cores' | 'batch-dataset' | 'partial-table'
  text: string
}

export function wizardWarnings(f: WizardFacts): WizardWarning[] {
  const out: WizardWarning[] = []
  const pop = f.strategyOptions.populationSize
  if (f.strategy === 're' && typeof pop === 'number' && Number.isFinite(f.n) && pop >= f.n) {
    out.push({ id: 're-population', text: `Population ${pop} ≥ budget N = ${f.n}: every architecture is a random initial-population sample and evolution never starts. Raise N above ${pop} or lower the population.` })
  }
  if (f.cores !== null && f.workers > f.cores) {
    out.push({ id: 'workers-cores', text: `${f.workers} workers on ${f.cores} CPU cores: the extra workers compete for the same cores (no speed-up, more memory). Use at most ${f.cores}.` })
  }
  if (f.datasetCount !== null && f.datasetCount > 0 && f.batchSize > f.datasetCount) {
    out.push({ id: 'batch-dataset', text: `Batch size ${f.batchSize} is larger than the dataset's ${f.datasetCount.toLocaleString('en')} images: every evaluation would fail. Use a batch of at most ${f.datasetCount}.` })
  }
  if (f.tableSize !== null && f.spaceSize !== null && f.tableSize < f.spaceSize) {
    const pct = (100 * f.tableSize) / f.spaceSize
    out.push({ id: 'partial-table', text: `The table covers ${f.tableSize.toLocaleString('en')} of the ${f.spaceSize.toLocaleString('en')} ${f.spaceLabel} architectures (${pct < 1 ? pct.toFixed(2) : pct.toFixed(1)} %): architectures outside it get no accuracy, and ρ/τ use only the covered ones.` })
  }
  return out
}
