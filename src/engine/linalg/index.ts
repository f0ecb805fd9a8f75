/** Float64 linear algebra for proxies: correlation, log-determinant, symmetric eigenvalues. */
export { pearsonRows, correlationFromGram, type CorrelationResult } from './correlation'
export { slogdet, logAbsDet, type SlogdetResult } from './logdet'
export { symmetricEigenvalues } from './eigen'
