/** One reported figure: its value, the target it is held to, and whether it meets it. */
export interface Figure {
  /** The benchmark that measured it (`render`, `studio`, ...). */
  section: string;
  name: string;
  value: number;
  unit: string;
  target: { op: '<=' | '>=' | '=='; value: number };
  met: boolean;
}

export function figure(
  section: string,
  name: string,
  value: number,
  unit: string,
  op: Figure['target']['op'],
  targetValue: number,
): Figure {
  const met = op === '<=' ? value <= targetValue : op === '>=' ? value >= targetValue : value === targetValue;
  return { section, name, value, unit, target: { op, value: targetValue }, met };
}

export function median(values: number[]): number {
  if (values.length === 0) throw new RangeError('the median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A value rounded to a few significant digits, for printing and results.json. */
export function rounded(value: number, digits = 3): number {
  return value === 0 || !Number.isFinite(value) ? value : Number(value.toPrecision(digits));
}

export function formatFigure(f: Figure): string {
  return `${f.met ? 'met   ' : 'MISSED'}  ${f.name}: ${rounded(f.value)} ${f.unit} (target ${f.target.op} ${f.target.value} ${f.unit})`;
}
