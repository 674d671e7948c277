/** A table of text cells. */
export interface Table {
  id: string;
  title: string;
  head: string[];
  rows: string[][];
  /** A class per row (`fail` draws a failed threshold red); absent for plain rows. */
  rowClasses?: string[];
  note: string;
}
