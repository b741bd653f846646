import type { AuthUser } from '../auth/auth-context.js';
import type { RoleCode } from '../auth/roles.js';
import type { BadgeCounts } from '../workflow/navigation-badges.js';

export interface NavItem {
  label: string;
  href: string;
  roles: readonly RoleCode[];
  /** A count shown beside the label. */
  badge?: keyof BadgeCounts;
  /** Extra condition beyond the roles, e.g. a unit capability. */
  when?: (user: AuthUser) => boolean;
}

export interface NavSection {
  label: string;
  items: readonly NavItem[];
}

const BUSINESS: readonly RoleCode[] = ['entry', 'reviewer', 'office', 'leader'];

/** The navigation, in the order it is shown. A section with no visible item is left out. */
export const NAVIGATION: readonly NavSection[] = [
  {
    label: '工作台',
    items: [
      { label: '首页', href: '/', roles: [...BUSINESS, 'admin', 'auditor'] },
      { label: '待办', href: '/inbox', roles: ['entry', 'reviewer', 'office'], badge: 'inbox' },
      { label: '我的填报', href: '/my-submissions', roles: ['entry', 'reviewer'] },
      { label: '消息通知', href: '/notifications', roles: BUSINESS, badge: 'notifications' },
      { label: '本单位人员', href: '/my-unit/members', roles: ['entry', 'reviewer'] },
    ],
  },
  {
    label: '改革需求管理',
    items: [
      { label: '改革需求台账', href: '/demands', roles: BUSINESS },
      { label: '需求清单台账', href: '/tasks?kind=demand_list', roles: BUSINESS },
      { label: '需求清单交办', href: '/demand-list', roles: ['office', 'leader'] },
    ],
  },
  {
    label: '改革试点管理',
    items: [
      { label: '改革试点台账', href: '/pilots', roles: BUSINESS },
      { label: '试点成果台账', href: '/pilot-filings?kind=achievement', roles: BUSINESS },
    ],
  },
  {
    label: '成效晾晒管理',
    items: [{ label: '成效晾晒台账', href: '/showcase', roles: BUSINESS }],
  },
  {
    label: '改革风险管理',
    items: [{ label: '改革风险事件', href: '/risk', roles: BUSINESS }],
  },
  {
    label: '改革满意度管理',
    items: [{ label: '区县改革满意度', href: '/satisfaction', roles: BUSINESS }],
  },
  {
    label: '市级重大改革项目',
    items: [
      { label: '重大改革项目', href: '/major-projects', roles: BUSINESS },
      { label: '推进情况台账', href: '/major-projects/ledgers/indicators', roles: BUSINESS },
      { label: '项目满意度', href: '/major-projects/satisfaction', roles: ['office', 'leader'] },
    ],
  },
  {
    label: '堵点卡点管理',
    items: [
      { label: '堵点卡点台账', href: '/tasks?kind=blocker', roles: BUSINESS },
      { label: '堵点卡点交办', href: '/blockers', roles: ['office', 'leader'] },
    ],
  },
  {
    label: '驾驶舱',
    items: [
      { label: '区县改革驾驶舱', href: '/cockpit', roles: ['office', 'leader'] },
      { label: '重大项目驾驶舱', href: '/cockpit/projects', roles: ['office', 'leader'] },
    ],
  },
  {
    label: '指数与报表',
    items: [
      { label: '报表生成', href: '/reports', roles: ['office', 'leader'] },
      { label: '指标测算', href: '/what-if', roles: ['office', 'admin'] },
      { label: '指标体系与五色图', href: '/indicator-systems', roles: ['office', 'admin'] },
      { label: '系统使用情况考评', href: '/usage', roles: ['office', 'leader'] },
    ],
  },
  {
    label: '系统管理',
    items: [
      { label: '单位管理', href: '/admin/units', roles: ['admin'] },
      { label: '用户管理', href: '/admin/users', roles: ['admin'] },
      { label: '字典管理', href: '/admin/dictionaries', roles: ['admin'] },
    ],
  },
  {
    label: '安全审计',
    items: [{ label: '审计日志', href: '/audit', roles: ['auditor'] }],
  },
];

export interface NavView {
  label: string;
  items: {
    label: string;
    href: string;
    active: boolean;
    /** Which count the link shows (its element is there even at 0, for htmx to update). */
    badgeKey?: keyof BadgeCounts;
    badge?: number;
  }[];
}

/** Whether a navigation link is the page being shown (links with a query must match it too). */
function isActive(href: string, currentUrl: string): boolean {
  const currentPath = currentUrl.split('?')[0];
  if (href === '/') {
    return currentPath === '/';
  }
  return href.includes('?')
    ? currentUrl.startsWith(href)
    : currentPath === href || currentPath.startsWith(`${href}/`);
}

export function buildNavigation(
  user: AuthUser,
  currentUrl: string,
  counts?: BadgeCounts,
): NavView[] {
  const visible = NAVIGATION.map((section) => ({
    label: section.label,
    items: section.items.filter(
      (item) => item.roles.some((role) => user.roles.includes(role)) && (item.when?.(user) ?? true),
    ),
  }));
  // Only the most specific matching link is active (/major-projects/satisfaction, not also /major-projects).
  const activeHref = visible
    .flatMap((section) => section.items)
    .filter((item) => isActive(item.href, currentUrl))
    .reduce<string | undefined>(
      (best, item) => (best === undefined || item.href.length > best.length ? item.href : best),
      undefined,
    );
  return visible
    .map((section) => ({
      label: section.label,
      items: section.items.map((item) => ({
        label: item.label,
        href: item.href,
        active: item.href === activeHref,
        badgeKey: item.badge,
        badge: item.badge && counts?.[item.badge] ? counts[item.badge] : undefined,
      })),
    }))
    .filter((section) => section.items.length > 0);
}
