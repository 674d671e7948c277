import type { PreparedRun, RunHandle } from '@volley/engine';

/** Longest Start delay an agent obeys: a controller corrects for round trips of milliseconds, not minutes. */
export const MAX_START_DELAY_MS = 60_000;

/** Where the agent's one run is: nothing held, prepared (its connections open), its Start armed, or firing. */
type State =
  | { phase: 'idle' }
  | { phase: 'planned'; runId: string; prepared: PreparedRun }
  | { phase: 'starting'; runId: string; prepared: PreparedRun; timer: NodeJS.Timeout }
  | { phase: 'running'; runId: string; run: RunHandle };

/** What the slot holds now. */
export type Phase = State['phase'];

/**
 * The one run an agent holds at a time. A second run is never prepared or started beside it, so whatever the
 * agent fires, `halt` stops: orphaned load needs a run that nothing owns, and this is the only owner.
 */
export class RunSlot {
  private state: State = { phase: 'idle' };
  private releasing: Promise<unknown> = Promise.resolve();

  /**
   * Resolves once what the last `halt` stopped is gone: a dropped run's connections closed (its engine thread
   * exited), an aborted run done. A session ends only then, so nothing it held outlives it.
   */
  get released(): Promise<void> {
    return this.releasing.then(() => {});
  }

  get phase(): Phase {
    return this.state.phase;
  }

  /** The run held, if any. */
  get runId(): string | undefined {
    return this.state.phase === 'idle' ? undefined : this.state.runId;
  }

  /** Is this run prepared and waiting for its Start? */
  awaitsStart(runId: string): boolean {
    return this.state.phase === 'planned' && this.state.runId === runId;
  }

  /** Prepares a run into the empty slot; undefined, with nothing prepared, when the slot holds one already. */
  hold(runId: string, prepare: () => PreparedRun): PreparedRun | undefined {
    if (this.state.phase !== 'idle') return undefined;
    const prepared = prepare();
    this.state = { phase: 'planned', runId, prepared };
    return prepared;
  }

  /**
   * Starts the prepared run after `delayMs`, which the caller has checked against MAX_START_DELAY_MS. `onStart`
   * gets the run as it starts; the slot is free again once the run is done (finished or aborted).
   */
  start(runId: string, delayMs: number, onStart: (run: RunHandle) => void): boolean {
    const state = this.state;
    if (state.phase !== 'planned' || state.runId !== runId) return false;
    const timer = setTimeout(() => {
      const run = state.prepared.start();
      this.state = { phase: 'running', runId, run };
      run.done.then(() => {
        if (this.state.phase === 'running' && this.state.run === run) this.state = { phase: 'idle' };
      });
      onStart(run);
    }, delayMs);
    this.state = { ...state, phase: 'starting', timer };
    return true;
  }

  /**
   * Stops everything: a run not yet started is dropped with the connections it opened; a running one is aborted
   * and keeps the slot until it is done, so that its last interval and Finished still go out.
   */
  halt(): Phase {
    const state = this.state;
    switch (state.phase) {
      case 'idle':
        return 'idle';
      case 'starting':
        clearTimeout(state.timer);
        this.releasing = state.prepared.discard();
        break;
      case 'planned':
        this.releasing = state.prepared.discard();
        break;
      case 'running':
        state.run.abort();
        this.releasing = state.run.done;
        return 'running';
      default: {
        const unreachable: never = state;
        throw new Error(`unhandled phase ${JSON.stringify(unreachable)}`);
      }
    }
    this.state = { phase: 'idle' };
    return state.phase;
  }
}
