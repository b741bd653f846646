import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export type UnitKind = 'office' | 'department' | 'district';
export type DistrictType = '区' | '县' | '自治县' | '功能区';
export type UnitCapability = 'risk_reporter' | 'survey_center';

export const UNIT_KIND_LABELS: Record<UnitKind, string> = {
  office: '市委改革办',
  department: '市级部门',
  district: '区县',
};

export const UNIT_CAPABILITY_LABELS: Record<UnitCapability, string> = {
  risk_reporter: '风险事件填报单位',
  survey_center: '满意度调查单位',
};

@Entity('units')
export class UnitEntity {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  @Column({ type: 'varchar', length: 40, unique: true })
  code: string;

  @Column({ type: 'varchar', length: 100, unique: true })
  name: string;

  @Column({ type: 'varchar', length: 20 })
  kind: UnitKind;

  @Column({ name: 'district_type', type: 'varchar', length: 10, nullable: true })
  districtType: DistrictType | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  capabilities: UnitCapability[];

  @Column({ name: 'sort_order', type: 'integer', default: 0 })
  sortOrder: number;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
