import type { GateActivity } from './gates.js';

/** What happens inside one layer over one sequence (`GateActivity`, units × steps), with its input per step. */
export interface SequenceActivity extends GateActivity {
  /** The layer's input at each step: its one feature, or the norm of several. Absent for text. */
  x?: readonly number[];
}

/**
 * The values of step `step` (from 0) for every unit of `activity`, as the x-ray draws them: the
 * gates and states themselves, the previous step's states (zero before the first step: the
 * initial state), and the products the cell makes of them (f ⊙ c_{t−1}, i ⊙ g, tanh c_t; for a
 * GRU z ⊙ h_{t−1} and (1 − z) ⊙ n). A complement gate is 1 − the other (coupled: i = 1 − f; CIFG: f = 1 − i).
 */
export function xrayValues(activity: SequenceActivity, step: number): Record<string, number[]> {
  const h = activity.h ?? [];
  const at = (rows: readonly (readonly number[])[], t: number) => rows.map((row) => (t >= 0 ? row[t]! : 0));
  const values: Record<string, number[]> = {};
  for (const [name, rows] of Object.entries(activity.gates)) values[name] = at(rows, step);
  values.h_prev = at(h, step - 1);
  values.h = at(h, step);
  if (activity.x) values.x = [activity.x[step]!];
  if (activity.c) {
    // A complement gate (i = 1 − f, f = 1 − i) was not recorded: it is the other one's complement.
    if (!values.f) values.f = values.i!.map((v) => 1 - v);
    if (!values.i) values.i = values.f.map((v) => 1 - v);
    const f = values.f;
    values.c_prev = at(activity.c, step - 1);
    values.c = at(activity.c, step);
    values.fc = f.map((v, k) => v * values.c_prev![k]!);
    values.ig = values.i.map((v, k) => v * values.g![k]!);
    values.tanh_c = values.c.map(Math.tanh);
  } else if (values.z) {
    values.zh = values.z.map((z, k) => z * values.h_prev![k]!);
    values.nz = values.z.map((z, k) => (1 - z) * values.n![k]!);
  }
  return values;
}
