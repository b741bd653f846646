import type { AuthUser } from '../auth/auth-context.js';
import type { RoleCode } from '../auth/roles.js';
import type { BadgeCounts } from '../workflow/navigation-badges.js';

export interface NavItem {
  label: string;
  href: string;
  roles: readonly RoleCode[];
  /** One line on the home page's shortcut card: what the page is for. */
  description?: string;
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
      {
        label: '待办',
        href: '/inbox',
        description: '等待您审核或处理的填报',
        roles: ['entry', 'reviewer', 'office'],
        badge: 'inbox',
      },
      {
        label: '我的填报',
        href: '/my-submissions',
        description: '本人填报的记录、草稿和被退回的修改',
        roles: ['entry', 'reviewer'],
      },
      {
        label: '消息通知',
        href: '/notifications',
        description: '审核结果、退回、交办、报送提醒和催报',
        roles: BUSINESS,
        badge: 'notifications',
      },
      {
        label: '本单位人员',
        href: '/my-unit/members',
        description: '本单位的填报和审核人员',
        roles: ['entry', 'reviewer'],
      },
    ],
  },
  {
    label: '改革需求管理',
    items: [
      {
        label: '改革需求台账',
        href: '/demands',
        description: '填报、查询和导出改革需求',
        roles: BUSINESS,
      },
      {
        label: '需求清单台账',
        href: '/tasks?kind=demand_list',
        description: '交办的需求清单任务及推进情况',
        roles: BUSINESS,
      },
      {
        label: '需求清单交办',
        href: '/demand-list',
        description: '导入需求清单并交办到责任单位',
        roles: ['office', 'leader'],
      },
    ],
  },
  {
    label: '改革试点管理',
    items: [
      {
        label: '改革试点台账',
        href: '/pilots',
        description: '国家级和市级改革试点及验收情况',
        roles: BUSINESS,
      },
      {
        label: '试点成果台账',
        href: '/pilot-filings?kind=achievement',
        description: '各地报送的试点进展和成果',
        roles: BUSINESS,
      },
    ],
  },
  {
    label: '成效晾晒管理',
    items: [
      {
        label: '成效晾晒台账',
        href: '/showcase',
        description: '获全国肯定、全市推广和中央媒体报道的改革经验',
        roles: BUSINESS,
      },
    ],
  },
  {
    label: '改革风险管理',
    items: [
      {
        label: '改革风险事件',
        href: '/risk',
        description: '负面网络舆情和群体性事件及扣分',
        roles: BUSINESS,
      },
    ],
  },
  {
    label: '改革满意度管理',
    items: [
      {
        label: '区县改革满意度',
        href: '/satisfaction',
        description: '每季度各区县改革满意度调查得分',
        roles: BUSINESS,
      },
    ],
  },
  {
    label: '市级重大改革项目',
    items: [
      {
        label: '重大改革项目',
        href: '/major-projects',
        description: '市级重大改革项目作战图和推进情况',
        roles: BUSINESS,
      },
      {
        label: '推进情况台账',
        href: '/major-projects/ledgers/indicators',
        description: '项目指标、计划、推广和品牌的月度报送',
        roles: BUSINESS,
      },
      {
        label: '项目满意度',
        href: '/major-projects/satisfaction',
        description: '年度重大改革项目满意度',
        roles: ['office', 'leader'],
      },
    ],
  },
  {
    label: '堵点卡点管理',
    items: [
      {
        label: '堵点卡点台账',
        href: '/tasks?kind=blocker',
        description: '交办的堵点卡点问题及破解进展',
        roles: BUSINESS,
      },
      {
        label: '堵点卡点交办',
        href: '/blockers',
        description: '登记堵点卡点并交办到责任单位',
        roles: ['office', 'leader'],
      },
    ],
  },
  {
    label: '深改委会议管理',
    items: [
      {
        label: '深改委会议',
        href: '/meetings',
        description: '市委深改委会议的议程、审议结果和议定事项',
        roles: BUSINESS,
      },
      {
        label: '会议议题',
        href: '/meetings/topics',
        description: '申报会议议题，查看采纳和审议结果',
        roles: BUSINESS,
      },
      {
        label: '议定事项台账',
        href: '/meetings/decisions',
        description: '会议议定事项的交办、反馈和销号',
        roles: BUSINESS,
      },
    ],
  },
  {
    label: '工作动态',
    items: [
      {
        label: '工作动态',
        href: '/news/feed',
        description: '各单位已发布的工作动态',
        roles: BUSINESS,
      },
      {
        label: '工作动态台账',
        href: '/news',
        description: '报送、审核和登记采用工作动态',
        roles: BUSINESS,
      },
      {
        label: '约稿',
        href: '/news/requests',
        description: '市委改革办约稿及报送情况',
        roles: BUSINESS,
      },
      {
        label: '改革简报',
        href: '/news/bulletins',
        description: '编辑、印发和阅读《改革简报》',
        roles: BUSINESS,
      },
      {
        label: '工作动态通报',
        href: '/news/stats',
        description: '各单位报送、采用和批示情况',
        roles: ['office', 'leader'],
      },
    ],
  },
  {
    label: '驾驶舱',
    items: [
      {
        label: '区县改革驾驶舱',
        href: '/cockpit',
        description: '区县综合指数五色图、排名和各项成效',
        roles: ['office', 'leader'],
      },
      {
        label: '重大项目驾驶舱',
        href: '/cockpit/projects',
        description: '重大改革项目指数和推进概况',
        roles: ['office', 'leader'],
      },
    ],
  },
  {
    label: '指数与报表',
    items: [
      {
        label: '报表生成',
        href: '/reports',
        description: '生成并查看区县和重大项目指数报表',
        roles: ['office', 'leader'],
      },
      {
        label: '指标测算',
        href: '/what-if',
        description: '用给定原始值试算得分、排名和分档',
        roles: ['office', 'admin'],
      },
      {
        label: '指标体系与五色图',
        href: '/indicator-systems',
        description: '调整指标、分值、计分方法和五色图',
        roles: ['office', 'admin'],
      },
      {
        label: '填报进度',
        href: '/reporting-progress',
        description: '各单位本期应报送、已报送、逾期情况和催报',
        roles: ['office'],
      },
      {
        label: '系统使用情况考评',
        href: '/usage',
        description: '各单位按时填报和退回情况',
        roles: ['office', 'leader'],
      },
    ],
  },
  {
    label: '系统管理',
    items: [
      {
        label: '单位管理',
        href: '/admin/units',
        description: '区县和部门及其职能',
        roles: ['admin'],
      },
      {
        label: '用户管理',
        href: '/admin/users',
        description: '账号、角色、重置密码和解锁',
        roles: ['admin'],
      },
      {
        label: '节假日与报送提醒',
        href: '/admin/work-calendar',
        description: '法定节假日、调休上班日和报送提醒天数',
        roles: ['admin'],
      },
      {
        label: '字典管理',
        href: '/admin/dictionaries',
        description: '领域、跑道、退回理由等选项',
        roles: ['admin'],
      },
    ],
  },
  {
    label: '安全审计',
    items: [
      {
        label: '审计日志',
        href: '/audit',
        description: '登录、操作和配置变更记录',
        roles: ['auditor'],
      },
    ],
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
function isActive(href: string, currentUrl: string, currentPath: string): boolean {
  if (href === '/') {
    return currentPath === '/';
  }
  return href.includes('?')
    ? currentUrl.startsWith(href)
    : currentPath === href || currentPath.startsWith(`${href}/`);
}

/**
 * The navigation a user sees on a page, with its counts. Built on every whole page, so in one
 * pass over the links: what the user may see, and the link of the page being shown.
 */
export function buildNavigation(
  user: AuthUser,
  currentUrl: string,
  counts?: Partial<BadgeCounts>,
): NavView[] {
  const currentPath = currentUrl.split('?')[0];
  const visible: { label: string; items: NavItem[] }[] = [];
  // Only the most specific matching link is active (/major-projects/satisfaction, not also /major-projects).
  let activeHref: string | undefined;
  for (const section of NAVIGATION) {
    const items: NavItem[] = [];
    for (const item of section.items) {
      if (item.roles.some((role) => user.roles.includes(role)) && (item.when?.(user) ?? true)) {
        items.push(item);
        if (
          (activeHref === undefined || item.href.length > activeHref.length) &&
          isActive(item.href, currentUrl, currentPath)
        ) {
          activeHref = item.href;
        }
      }
    }
    if (items.length > 0) {
      visible.push({ label: section.label, items });
    }
  }
  return visible.map((section) => ({
    label: section.label,
    items: section.items.map((item) => ({
      label: item.label,
      href: item.href,
      active: item.href === activeHref,
      badgeKey: item.badge,
      badge: item.badge && counts?.[item.badge] ? counts[item.badge] : undefined,
    })),
  }));
}

/** Sets one badge of a navigation already built (0 shows none, as buildNavigation does). */
export function setNavigationBadge(
  nav: NavView[] | undefined,
  key: keyof BadgeCounts,
  count: number | undefined,
): void {
  for (const section of nav ?? []) {
    for (const item of section.items) {
      if (item.badgeKey === key) {
        item.badge = count ? count : undefined;
      }
    }
  }
}
