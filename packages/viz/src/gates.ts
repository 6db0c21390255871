/** Titles of the gate (and state) panels, by the letter the layers use (`gateNames`, plus c and h). */
export const GATE_TITLES: Readonly<Record<string, string>> = {
  i: 'input gate i',
  f: 'forget gate f',
  g: 'candidate g',
  o: 'output gate o',
  r: 'reset gate r',
  z: 'update gate z',
  n: 'candidate n',
  c: 'cell state c',
  h: 'hidden state h',
};
