/** Plain-text tables for the reports of `gqn eval`. */

/** Right-aligned columns under a header. */
export function table(cols: string[], rows: string[][]): string[] {
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  return [line(cols), ...rows.map(line)];
}
