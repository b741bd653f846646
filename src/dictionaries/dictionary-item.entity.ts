import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export const DICTIONARY_KINDS = [
  'domain',
  'track',
  'demand_channel',
  'reject_reason',
  'plan_type',
  'promotion_method',
  'affirmation_kind',
  'risk_level',
] as const;
export type DictionaryKind = (typeof DICTIONARY_KINDS)[number];

export const DICTIONARY_KIND_LABELS: Record<DictionaryKind, string> = {
  domain: '领域',
  track: '跑道',
  demand_channel: '需求来源渠道',
  reject_reason: '驳回理由',
  plan_type: '计划类型',
  promotion_method: '推广方式',
  affirmation_kind: '肯定评价类别',
  risk_level: '风险事件类型与等级',
};

@Entity('dictionary_items')
export class DictionaryItemEntity {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  @Column({ type: 'varchar', length: 40 })
  kind: DictionaryKind;

  @Column({ type: 'varchar', length: 60 })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  label: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ name: 'parent_id', type: 'integer', nullable: true })
  parentId: number | null;

  @Column({ name: 'sort_order', type: 'integer', default: 0 })
  sortOrder: number;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
