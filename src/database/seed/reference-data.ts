export type UnitKind = 'office' | 'department' | 'district';
export type DistrictType = '区' | '县' | '自治县' | '功能区';
export type UnitCapability = 'risk_reporter' | 'survey_center';
export interface UnitSeed {
  code: string;
  name: string;
  kind: UnitKind;
  districtType?: DistrictType;
  capabilities?: UnitCapability[];
}

export const OFFICE_UNIT: UnitSeed = { code: 'office', name: '市委改革办', kind: 'office' };

const district = (code: string, name: string, districtType: DistrictType): UnitSeed => ({
  code,
  name,
  kind: 'district',
  districtType,
});

/** The 41 district-level units of Chongqing, in the official order. */
export const DISTRICT_UNITS: readonly UnitSeed[] = [
  district('wanzhou', '万州区', '区'),
  district('qianjiang', '黔江区', '区'),
  district('fuling', '涪陵区', '区'),
  district('yuzhong', '渝中区', '区'),
  district('dadukou', '大渡口区', '区'),
  district('jiangbei', '江北区', '区'),
  district('shapingba', '沙坪坝区', '区'),
  district('jiulongpo', '九龙坡区', '区'),
  district('nanan', '南岸区', '区'),
  district('beibei', '北碚区', '区'),
  district('qijiang', '綦江区', '区'),
  district('dazu', '大足区', '区'),
  district('yubei', '渝北区', '区'),
  district('banan', '巴南区', '区'),
  district('changshou', '长寿区', '区'),
  district('jiangjin', '江津区', '区'),
  district('hechuan', '合川区', '区'),
  district('yongchuan', '永川区', '区'),
  district('nanchuan', '南川区', '区'),
  district('bishan', '璧山区', '区'),
  district('tongliang', '铜梁区', '区'),
  district('tongnan', '潼南区', '区'),
  district('rongchang', '荣昌区', '区'),
  district('kaizhou', '开州区', '区'),
  district('liangping', '梁平区', '区'),
  district('wulong', '武隆区', '区'),
  district('chengkou', '城口县', '县'),
  district('fengdu', '丰都县', '县'),
  district('dianjiang', '垫江县', '县'),
  district('zhongxian', '忠县', '县'),
  district('yunyang', '云阳县', '县'),
  district('fengjie', '奉节县', '县'),
  district('wushan', '巫山县', '县'),
  district('wuxi', '巫溪县', '县'),
  district('shizhu', '石柱土家族自治县', '自治县'),
  district('xiushan', '秀山土家族苗族自治县', '自治县'),
  district('youyang', '酉阳土家族苗族自治县', '自治县'),
  district('pengshui', '彭水苗族土家族自治县', '自治县'),
  district('liangjiang', '两江新区', '功能区'),
  district('gaoxin', '西部科学城重庆高新区', '功能区'),
  district('wansheng', '万盛经开区', '功能区'),
];

const department = (code: string, name: string, capabilities?: UnitCapability[]): UnitSeed => ({
  code: `dept-${code}`,
  name,
  kind: 'department',
  ...(capabilities ? { capabilities } : {}),
});

/**
 * Municipal departments (市级部门), by their current official short names: party committee
 * bodies first, then the municipal government, the judiciary, and the vertically managed
 * central agencies in Chongqing.
 */
export const DEPARTMENT_UNITS: readonly UnitSeed[] = [
  department('jiwei', '市纪委监委'),
  department('bangongting', '市委办公厅'),
  department('zuzhibu', '市委组织部'),
  department('xuanchuanbu', '市委宣传部'),
  department('tongzhanbu', '市委统战部'),
  department('zhengfawei', '市委政法委'),
  department('zhengyanshi', '市委政研室'),
  department('wangxin', '市委网信办', ['risk_reporter']),
  department('bianban', '市委编办'),
  department('shehuibu', '市委社会工作部'),
  department('jinrongban', '市委金融办'),
  department('zhengfuban', '市政府办公厅'),
  department('fagai', '市发展改革委'),
  department('jiaowei', '市教委'),
  department('keji', '市科技局'),
  department('jingxin', '市经济信息委'),
  department('gongan', '市公安局'),
  department('minzheng', '市民政局'),
  department('sifa', '市司法局'),
  department('caizheng', '市财政局'),
  department('renshe', '市人力社保局'),
  department('guihua', '市规划自然资源局'),
  department('shengtai', '市生态环境局'),
  department('zhujian', '市住房城乡建委'),
  department('chengguan', '市城市管理局'),
  department('jiaotong', '市交通运输委'),
  department('shuili', '市水利局'),
  department('nongye', '市农业农村委'),
  department('shangwu', '市商务委'),
  department('wenlv', '市文化旅游委'),
  department('weijian', '市卫生健康委'),
  department('tuiyi', '市退役军人事务局'),
  department('yingji', '市应急管理局'),
  department('shenji', '市审计局'),
  department('guozi', '市国资委'),
  department('shichang', '市市场监管局'),
  department('tiyu', '市体育局'),
  department('tongji', '市统计局'),
  department('yibao', '市医保局'),
  department('linye', '市林业局'),
  department('dashuju', '市大数据发展局'),
  department('kouan', '市政府口岸物流办'),
  department('xinfang', '市信访办', ['risk_reporter']),
  department('shiqing', '市社情民意调查中心', ['survey_center']),
  department('gaofa', '市高法院'),
  department('jianchayuan', '市检察院'),
  department('shuiwu', '市税务局'),
  department('jinrong', '重庆金融监管局'),
];

export type DictionaryKind =
  | 'domain'
  | 'track'
  | 'demand_channel'
  | 'reject_reason'
  | 'plan_type'
  | 'promotion_method'
  | 'affirmation_kind'
  | 'risk_level';
export interface DictionaryItemSeed {
  kind: DictionaryKind;
  code: string;
  label: string;
  parentCode?: string;
  description?: string;
}

const items = (
  kind: DictionaryKind,
  entries: [string, string, string?][],
  parentCode?: string,
): DictionaryItemSeed[] =>
  entries.map(([code, label, description]) => ({
    kind,
    code,
    label,
    ...(parentCode ? { parentCode } : {}),
    ...(description ? { description } : {}),
  }));

const DOMAINS: [string, string, [string, string][]][] = [
  [
    'economy',
    '经济体制改革',
    [
      ['business_environment', '营商环境'],
      ['state_enterprise', '国资国企'],
      ['factor_market', '要素市场化配置'],
      ['fiscal_finance', '财税金融'],
      ['open_economy', '开放型经济'],
    ],
  ],
  [
    'democracy_law',
    '民主法制领域改革',
    [
      ['democracy', '全过程人民民主'],
      ['rule_of_law', '法治政府建设'],
      ['judicial', '司法体制'],
    ],
  ],
  [
    'culture',
    '文化体制改革',
    [
      ['culture_industry', '文化产业'],
      ['public_culture', '公共文化服务'],
      ['media', '媒体融合'],
    ],
  ],
  [
    'society',
    '社会体制改革',
    [
      ['education', '教育'],
      ['health', '医药卫生'],
      ['social_security', '社会保障'],
      ['grassroots', '基层治理'],
    ],
  ],
  [
    'ecology',
    '生态文明体制改革',
    [
      ['carbon', '双碳'],
      ['environment', '生态环境保护'],
      ['resources', '自然资源资产'],
      ['eco_value', '生态产品价值实现'],
    ],
  ],
  [
    'party_building',
    '党的建设制度改革',
    [
      ['cadres', '干部人事'],
      ['organization', '基层党组织'],
      ['talent', '人才发展体制'],
      ['institutions', '机构编制'],
    ],
  ],
  [
    'discipline',
    '纪律检查体制改革',
    [
      ['supervision', '监督体系'],
      ['integrity', '清廉建设'],
      ['inspection', '巡视巡察'],
      ['stationed', '派驻机构改革'],
    ],
  ],
  [
    'digital',
    '数字化改革',
    [
      ['digital_government', '数字政府'],
      ['digital_economy', '数字经济'],
      ['digital_society', '数字社会'],
      ['digital_party', '数字党建'],
      ['digital_culture', '数字文化'],
      ['digital_rule_of_law', '数字法治'],
    ],
  ],
];

export const DICTIONARY_ITEMS: readonly DictionaryItemSeed[] = [
  ...items('demand_channel', [
    [
      'central_deployment',
      '党中央国务院有部署',
      '习近平总书记重要讲话、重要指示批示精神，党中央国务院（含中办、国办）重要文件要求等',
    ],
    [
      'chongqing_bottleneck',
      '重庆发展有堵点',
      '现行制度、机制、体制形成了制约发展的瓶颈，需要找出来并通过改革解决',
    ],
    [
      'public_expectation',
      '群众企业基层有期盼',
      '群众、企业、基层反映的、需要改革来破题的突出问题',
    ],
    [
      'advanced_experience',
      '先进省市有经验',
      '外省市成熟的、先进的、我市有能力有条件复制推广的改革经验',
    ],
  ]),
  ...DOMAINS.flatMap(([code, label, tracks]) => [
    { kind: 'domain' as const, code, label },
    ...items('track', tracks, code),
  ]),
  ...items('reject_reason', [
    ['not_scoring', '不符合计分条件'],
    ['evidence_missing', '佐证材料不足'],
    ['incomplete', '信息填写不完整'],
    ['not_standard', '内容表述不规范'],
    ['wrong_data', '数据有误'],
    ['duplicate', '重复填报'],
    ['out_of_scope', '不属于填报范围'],
    ['other', '其他'],
  ]),
  ...items('plan_type', [
    ['task_force', '组建工作专班'],
    ['research', '开展调查研究'],
    ['seek_support', '向上争取支持'],
    ['reform_plan', '制定改革方案'],
    ['pilot_demo', '开展试点示范'],
    ['supporting_policy', '出台配套政策'],
    ['platform', '搭建重要平台'],
    ['application', '上线重大应用'],
    ['supervision', '开展督导指导'],
    ['evaluation', '开展成效评估'],
    ['promotion', '总结推广经验'],
    ['other', '其他'],
  ]),
  ...items('promotion_method', [
    ['media', '组织媒体宣传报道'],
    ['press_conference', '召开新闻发布会'],
    ['site_visit', '召开现场观摩会'],
    ['summary_meeting', '召开总结推广会'],
    ['report_ministries', '向中央和国家有关部委报送典型经验'],
    ['case_publication', '印发改革典型案例推广'],
  ]),
  ...items('affirmation_kind', [
    [
      'national',
      '改革经验获全国性肯定评价',
      '获全国性肯定评价：①在党和国家领导人出席的全国性会议作经验交流。②获党中央国务院或中办国办发文通报表彰。③在党中央国务院或中办国办文件中得到肯定性表述。④被中央和国家有关部委工作简报刊发（单篇或单自然段以上）。⑤获党和国家领导人肯定性批示。⑥在国家部委主要领导出席的全国性会议作经验交流。⑦在国家部委文件中得到肯定性表述。',
    ],
    [
      'citywide',
      '改革经验获全市推广',
      '获全市推广：①获市委市政府（含两办）文件点名推广。②在有市委或市政府主要领导出席的全市性会议上作经验交流。③在本区县召开有市领导参加的改革经验现场推广会。④改革经验被列入市委“最佳实践”案例。⑤在本区县召开有市级部门主要负责人参加的全市性改革经验现场推广会（参会范围至少为本片区内所有区县代表）。⑥获市级部门文件点名推广（单篇或单自然段以上介绍本区县改革经验）。',
    ],
    [
      'central_media',
      '改革经验被5家中央媒体深度专题报道',
      '“5家中央媒体”指人民日报、新华社、光明日报、经济日报、中央广播电视总台。“深度专题报道”指前4家报纸单篇或中央广播电视总台《新闻联播》单条报道（不含报纸综合报道及《新闻联播》仅点名提及情形）。',
    ],
  ]),
  ...items(
    'affirmation_kind',
    [
      ['national_1', '①在党和国家领导人出席的全国性会议作经验交流'],
      ['national_2', '②获党中央国务院或中办国办发文通报表彰'],
      ['national_3', '③在党中央国务院或中办国办文件中得到肯定性表述'],
      ['national_4', '④被中央和国家有关部委工作简报刊发（单篇或单自然段以上）'],
      ['national_5', '⑤获党和国家领导人肯定性批示'],
      ['national_6', '⑥在国家部委主要领导出席的全国性会议作经验交流'],
      ['national_7', '⑦在国家部委文件中得到肯定性表述'],
    ],
    'national',
  ),
  ...items(
    'affirmation_kind',
    [
      ['citywide_1', '①获市委市政府（含两办）文件点名推广'],
      ['citywide_2', '②在有市委或市政府主要领导出席的全市性会议上作经验交流'],
      ['citywide_3', '③在本区县召开有市领导参加的改革经验现场推广会'],
      ['citywide_4', '④改革经验被列入市委“最佳实践”案例'],
      [
        'citywide_5',
        '⑤在本区县召开有市级部门主要负责人参加的全市性改革经验现场推广会（参会范围至少为本片区内所有区县代表）',
      ],
      ['citywide_6', '⑥获市级部门文件点名推广（单篇或单自然段以上介绍本区县改革经验）'],
    ],
    'citywide',
  ),
  ...items(
    'affirmation_kind',
    [
      ['media_renmin', '人民日报'],
      ['media_xinhua', '新华社'],
      ['media_guangming', '光明日报'],
      ['media_jingji', '经济日报'],
      ['media_cctv', '中央广播电视总台《新闻联播》'],
    ],
    'central_media',
  ),
  ...items('risk_level', [
    [
      'negative_opinion',
      '重大负面网络舆情',
      '以“八张问题清单”认定的重大负面网络舆情标准为依据，因改革引发的默认每起扣 0.1 分',
    ],
    ['incident_larger', '群体性事件（较大）', '因改革引发的较大群体性事件，默认每起扣 3 分'],
    ['incident_major', '群体性事件（重大）', '因改革引发的重大群体性事件，默认每起扣 5 分'],
    [
      'incident_extreme',
      '群体性事件（特别重大）',
      '因改革引发的特别重大群体性事件，默认每起扣 10 分',
    ],
  ]),
];
