import type { DataSet, Flow } from '@volley/plan';

/**
 * Hands out the rows of one share's data sets, one of each per iteration. `unique` rows go to iterations in
 * order, each once (the share's rows are its own: the splitter gave no row to two shares); `sequential` rows are
 * walked by each user in order from its own offset, wrapping; `random` rows are drawn with replacement.
 */
export class DataRows {
  private readonly next: number[];
  private readonly sets: readonly DataSet[];

  constructor(flow: Flow) {
    this.sets = flow.data;
    this.next = flow.data.map(() => 0);
  }

  /**
   * The rows of one iteration of user `vu` (its `iteration`-th) into `into`; false, with nothing taken, when a
   * unique set is used up.
   */
  take(into: Array<readonly string[] | undefined>, vu: number, iteration: number): boolean {
    for (let k = 0; k < this.sets.length; k++) {
      const set = this.sets[k] as DataSet;
      if (set.order === 'unique' && (this.next[k] as number) >= set.rows.length) return false;
    }
    for (let k = 0; k < this.sets.length; k++) {
      const set = this.sets[k] as DataSet;
      const n = set.rows.length;
      let row: number;
      if (set.order === 'unique') {
        row = this.next[k] as number;
        this.next[k] = row + 1;
      } else if (set.order === 'sequential') row = (vu - 1 + iteration) % n;
      else row = Math.floor(Math.random() * n);
      into[k] = set.rows[row];
    }
    return true;
  }
}
