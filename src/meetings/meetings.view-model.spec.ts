import { decisionState, isPdfOrWord } from './meetings.view-model.js';

describe('decisionState: where one unit task of a 议定事项 stands', () => {
  const open = { closed: false, overdue: false, quarterlyDue: false, latestStatus: null };

  it.each([
    [{ ...open, closed: true, overdue: true }, 'closed'],
    [{ ...open, overdue: true }, 'overdue'],
    [{ ...open, quarterlyDue: true, latestStatus: 'in_progress' }, 'quarterly_due'],
    [{ ...open, latestStatus: 'completed' }, 'awaiting_close'],
    [{ ...open, latestStatus: 'in_progress' }, 'in_progress'],
    [{ ...open, latestStatus: 'not_started' }, 'in_progress'],
    [open, 'awaiting_feedback'],
  ])('should read %j as %s', (facts, expected) => {
    expect(decisionState(facts)).toBe(expected);
  });
});

describe('isPdfOrWord', () => {
  it.each([
    ['纪要.pdf', true],
    ['方案.DOCX', true],
    ['旧稿.doc', true],
    ['照片.png', false],
    ['表格.xlsx', false],
    ['pdf', false],
  ])('should tell %s: %s', (name, expected) => {
    expect(isPdfOrWord(name)).toBe(expected);
  });
});
