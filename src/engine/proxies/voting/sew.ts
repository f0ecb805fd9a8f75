import type { VotingProxyDef } from './definitions'

/**
 * SEW = SynFlow + ePADS + WRCor, majority vote (not in the WRCor paper): SJW
 * with JacCor replaced by the label-free, forward-only ePADS, so users can
 * compare the two seed proxies inside the same ensemble mechanism. Every
 * member is "higher = better"; ePADS's −Infinity (Σ D₁·D₂ = 0) loses every
 * comparison it is part of, never ties as NaN would. Each member keeps its own
 * protocol (WRCor: shared augmented batch, default 64; ePADS: its own
 * un-augmented batch, default 128, σ = 1).
 */
export const SEW: VotingProxyDef = {
  id: 'sew',
  label: 'SEW (SynFlow+ePADS+WRCor vote)',
  description: 'majority vote of SynFlow, ePADS and WRCor',
  members: ['synflow', 'epads', 'wrcor'],
}
