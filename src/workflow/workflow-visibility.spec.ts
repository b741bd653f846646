import type { AuthUser } from '../auth/auth-context.js';
import type { RoleCode } from '../auth/roles.js';
import { canViewRecord, type VisibilityFacts } from './workflow-visibility.js';

const OFFICE_UNIT = 1;
const DISTRICT = 10;

function user(unitId: number, ...roles: RoleCode[]): AuthUser {
  return {
    id: `user-${unitId}-${roles.join('-')}`,
    name: '测试',
    mobile: '18800000000',
    roles,
    unitId,
    unitName: '单位',
    unitKind: unitId === OFFICE_UNIT ? 'office' : 'district',
    unitCapabilities: [],
    mustChangePassword: false,
  };
}

/** A district's record waiting for the office's final review. */
const atOffice: VisibilityFacts = {
  state: 'pending',
  ownerUnitId: DISTRICT,
  competentUnitId: null,
  pendingUnitId: OFFICE_UNIT,
  pendingRole: 'office',
};

describe('canViewRecord', () => {
  it('should let the office reviewers read a record waiting for them', () => {
    expect(canViewRecord(user(OFFICE_UNIT, 'office'), atOffice)).toBe(true);
  });

  it.each<RoleCode>(['leader', 'admin', 'auditor'])(
    'should not let the %s of the pending unit read a record waiting for its reviewers',
    (role) => {
      expect(canViewRecord(user(OFFICE_UNIT, role), atOffice)).toBe(false);
    },
  );

  it('should let leaders and admins read the record once it is approved', () => {
    const approved: VisibilityFacts = {
      ...atOffice,
      state: 'approved',
      pendingUnitId: null,
      pendingRole: null,
    };
    expect(canViewRecord(user(OFFICE_UNIT, 'leader'), approved)).toBe(true);
    expect(canViewRecord(user(OFFICE_UNIT, 'admin'), approved)).toBe(true);
    expect(canViewRecord(user(OFFICE_UNIT, 'auditor'), approved)).toBe(false);
  });
});
