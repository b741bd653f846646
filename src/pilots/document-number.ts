/**
 * 文号 as compared for dedup (seed 000 四(二)2): the same deploying document may be typed with
 * full- or half-width brackets of several shapes, spaces, full-width digits and either case.
 * 渝委办发〔2016〕58号, 渝委办发[2016]58号 and 渝委办发【2016】 58 号 are one number.
 */
export function normalizeDocumentNumber(raw: string): string {
  return raw
    .normalize('NFKC') // full-width digits, letters, ［］（） and spaces → half-width
    .replace(/[〔〕［］[\]【】()（）{}｛｝〈〉《》<>]/g, '')
    .replace(/[\s\u3000\u200b-\u200f\ufeff]+/g, '')
    .toLowerCase();
}
