/**
 * Entry of a scoring worker process (Electron utilityProcess in the app,
 * child_process.fork in browser mode and tests). Scores one architecture per
 * job with the engine's `scoreArchitecture`; the evaluation seed comes in the
 * job (derived by the supervisor from (run seed, evaluation index)), so the
 * result does not depend on which worker ran it.
 */
import { parentChannel } from './channel'
import { engineScorer } from './engine-scorer'
import { runWorker } from './worker-loop'

runWorker(parentChannel(), engineScorer)
