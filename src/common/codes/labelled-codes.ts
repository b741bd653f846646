/**
 * A closed list of codes written once, as its Chinese labels: the codes in the order written, the
 * labels, a guard for request input and the select options. Roles, workflow states and actions,
 * dictionary kinds and the boards' filters are each one of these.
 */
export interface LabelledCodes<C extends string> {
  readonly codes: readonly C[];
  readonly labels: Readonly<Record<C, string>>;
  readonly is: (value: unknown) => value is C;
  readonly options: () => { value: C; label: string }[];
}

export function labelledCodes<const L extends Record<string, string>>(
  labels: L,
): LabelledCodes<keyof L & string> {
  type C = keyof L & string;
  const codes = Object.keys(labels) as C[];
  return {
    codes,
    labels,
    is: (value: unknown): value is C => typeof value === 'string' && Object.hasOwn(labels, value),
    options: () => codes.map((value) => ({ value, label: labels[value] })),
  };
}
