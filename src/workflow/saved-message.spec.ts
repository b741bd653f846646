import { CHAINS } from './workflow-chain.js';
import { savedMessage, waitingFor } from './workflow-rules.js';

describe('savedMessage', () => {
  it.each([
    ['ownReviewerThenOffice', '已保存并上报，等待本单位审核'],
    ['ownReviewerThenCompetentConfirm', '已保存并上报，等待本单位审核'],
    ['ownReviewerThenCompetentThenOffice', '已保存并上报，等待本单位审核'],
    ['ownReviewerThenOfficeIssue', '已保存并上报，等待本单位审核'],
    ['officeOnly', '已保存并上报，等待市委改革办审核'],
  ] as const)('should name the first step of %s after 保存并上报', (chain, expected) => {
    expect(savedMessage(CHAINS[chain], true)).toBe(expected);
  });

  it('should say 已保存为草稿 for a draft, whatever the chain', () => {
    expect(savedMessage(CHAINS.officeOnly, false)).toBe('已保存为草稿');
    expect(savedMessage(CHAINS.ownReviewerThenOffice, false)).toBe('已保存为草稿');
  });

  it('should tell what a submitted record waits for', () => {
    expect(waitingFor(CHAINS.ownReviewerThenCompetentConfirm)).toBe('等待本单位审核');
  });
});
