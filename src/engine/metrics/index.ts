/** Ranking metrics for proxy evaluation. */
export { spearman, kendallTau, topKPrecision, averageRanks, pearson, dropNaNPairs } from './rank'
