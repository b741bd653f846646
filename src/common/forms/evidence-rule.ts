/** The evidence fields a filing form carries (files, or the 涉密 mark instead), and whether it is being submitted. */
export interface EvidenceFields {
  submit?: boolean;
  evidenceClassified?: boolean;
  evidence: readonly string[];
}

/**
 * Whether a form submitted for review lacks its evidence: no file and not marked 涉密. A draft may
 * be saved without; fields the form's DTO already refused (`failed`) are not judged again.
 */
export function evidenceMissing(form: EvidenceFields, failed: ReadonlySet<string>): boolean {
  return (
    !failed.has('evidenceClassified') &&
    !failed.has('evidence') &&
    form.submit === true &&
    !form.evidenceClassified &&
    form.evidence.length === 0
  );
}
