export type RoleCode = 'entry' | 'reviewer' | 'office' | 'leader' | 'admin' | 'auditor';
export interface DemoUserSeed {
  mobile: string;
  name: string;
  unitCode: string;
  roles: RoleCode[];
}

/** Fictitious people with numbers in an unused range; they exist only in the demo data. */
export const DEMO_USERS: readonly DemoUserSeed[] = [
  { mobile: '19900000001', name: '陈雨萱', unitCode: 'yuzhong', roles: ['entry'] },
  { mobile: '19900000002', name: '王志强', unitCode: 'yuzhong', roles: ['reviewer'] },
  { mobile: '19900000003', name: '刘思远', unitCode: 'jiangbei', roles: ['entry'] },
  { mobile: '19900000004', name: '赵晓峰', unitCode: 'jiangbei', roles: ['reviewer'] },
  { mobile: '19900000005', name: '孙丽娜', unitCode: 'wanzhou', roles: ['entry'] },
  { mobile: '19900000006', name: '周建国', unitCode: 'wanzhou', roles: ['reviewer'] },
  { mobile: '19900000007', name: '吴佳怡', unitCode: 'liangjiang', roles: ['entry'] },
  { mobile: '19900000008', name: '郑海涛', unitCode: 'liangjiang', roles: ['reviewer'] },
  { mobile: '19900000011', name: '冯雅琴', unitCode: 'dept-fagai', roles: ['entry'] },
  { mobile: '19900000012', name: '何俊杰', unitCode: 'dept-fagai', roles: ['reviewer'] },
  { mobile: '19900000013', name: '许文博', unitCode: 'dept-wangxin', roles: ['entry'] },
  { mobile: '19900000014', name: '邓雪梅', unitCode: 'dept-wangxin', roles: ['reviewer'] },
  { mobile: '19900000015', name: '曹立新', unitCode: 'dept-xinfang', roles: ['entry'] },
  { mobile: '19900000016', name: '彭静怡', unitCode: 'dept-xinfang', roles: ['reviewer'] },
  { mobile: '19900000017', name: '曾子涵', unitCode: 'dept-shiqing', roles: ['entry'] },
  { mobile: '19900000018', name: '萧明辉', unitCode: 'dept-shiqing', roles: ['reviewer'] },
  { mobile: '19900000019', name: '田欣然', unitCode: 'dept-keji', roles: ['entry'] },
  { mobile: '19900000020', name: '董宏伟', unitCode: 'dept-keji', roles: ['reviewer'] },
  { mobile: '19900000021', name: '袁梦琪', unitCode: 'dept-dashuju', roles: ['entry'] },
  { mobile: '19900000022', name: '蒋天宇', unitCode: 'dept-dashuju', roles: ['reviewer'] },
  { mobile: '19900000031', name: '沈若楠', unitCode: 'office', roles: ['office'] },
  { mobile: '19900000032', name: '韩振宇', unitCode: 'office', roles: ['office'] },
  { mobile: '19900000041', name: '罗国平', unitCode: 'office', roles: ['leader'] },
  { mobile: '19900000042', name: '唐文华', unitCode: 'yuzhong', roles: ['leader'] },
  { mobile: '19900000051', name: '薛晨阳', unitCode: 'office', roles: ['admin'] },
  { mobile: '19900000061', name: '龚慧敏', unitCode: 'office', roles: ['auditor'] },
];
