import type ExcelJS from 'exceljs';

/** exceljs has `dataValidations` on a worksheet but its typings leave it out. */
function validations(sheet: ExcelJS.Worksheet): {
  add(address: string, validation: ExcelJS.DataValidation): void;
} {
  return (sheet as unknown as { dataValidations: ReturnType<typeof validations> }).dataValidations;
}

/** How many rows of an import template carry the dropdowns and ranges (row 2 on). */
export const TEMPLATE_ROWS = 1000;

/**
 * Writes the dropdowns' choices on the instructions sheet (填写说明), one column per list from
 * column D on (its text is in A–B), headed 下拉选项·<name>, and returns for each list the range a
 * list validation points at (e.g. '填写说明'!$D$2:$D$42): a list longer than 255 characters must
 * be a range, and the clerk sees there what the dropdown offers.
 */
export function addChoices(
  help: ExcelJS.Worksheet,
  lists: { header: string; values: string[] }[],
  firstColumn = 4,
): string[] {
  return lists.map((list, index) => {
    const column = help.getColumn(firstColumn + index);
    column.width = 24;
    const head = help.getCell(1, firstColumn + index);
    head.value = `下拉选项·${list.header}`;
    head.font = { bold: true };
    list.values.forEach((value, row) => {
      help.getCell(row + 2, firstColumn + index).value = value;
    });
    const letter = column.letter;
    const last = Math.max(list.values.length, 1) + 1;
    return `'${help.name}'!$${letter}$2:$${letter}$${last}`;
  });
}

/** The cells of column `column` (1-based) from row 2 to the template's last row, e.g. C2:C1001. */
export function columnCells(
  sheet: ExcelJS.Worksheet,
  column: number,
  rows = TEMPLATE_ROWS,
): string {
  const letter = sheet.getColumn(column).letter;
  return `${letter}2:${letter}${rows + 1}`;
}

/**
 * A dropdown on `cells` from `range` (addChoicesSheet). `strict`: anything else is refused;
 * otherwise Excel warns and lets the value through (e.g. several units joined with 、).
 */
export function addDropdown(
  sheet: ExcelJS.Worksheet,
  cells: string,
  range: string,
  message: { title: string; text: string; strict: boolean },
): void {
  validations(sheet).add(cells, {
    type: 'list',
    allowBlank: true,
    formulae: [range],
    showInputMessage: true,
    promptTitle: message.title,
    prompt: message.text,
    showErrorMessage: true,
    errorStyle: message.strict ? 'error' : 'warning',
    errorTitle: message.title,
    error: message.text,
  });
}

/** A number range on `cells`: decimals (or whole numbers) from `min` to `max`, or `min` and up. */
export function addNumberRange(
  sheet: ExcelJS.Worksheet,
  cells: string,
  range: { min: number; max?: number; whole?: boolean; title: string; text: string },
): void {
  validations(sheet).add(cells, {
    type: range.whole ? 'whole' : 'decimal',
    operator: range.max === undefined ? 'greaterThanOrEqual' : 'between',
    allowBlank: true,
    formulae: range.max === undefined ? [range.min] : [range.min, range.max],
    showInputMessage: true,
    promptTitle: range.title,
    prompt: range.text,
    showErrorMessage: true,
    errorStyle: 'error',
    errorTitle: range.title,
    error: range.text,
  });
}
